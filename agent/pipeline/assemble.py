"""Assemble parsed devices and state tables into a ``Network``: layer-2 domains, layer-3
interfaces, owners of addresses, and the uncertainty each element carries.

Layer 2: every switch VLAN, routed port and subinterface is a *segment*; links (LLDP from both
ends, ``topology.yml``) join segments: trunks carry the intersection of both ends' allowed VLANs
(and join the two native VLANs, as untagged frames do), access ports their VLAN, routed ports
their own segment, subinterfaces their tag. Connected segments form a *domain* (a broadcast
domain). A port in a port-channel takes the port-channel's layer-2 settings.

Layer 3 forwarding tables are built in ``agent.pipeline.fib``.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx

from agent.models.device import Device, Interface, Switchport, Unrecognized
from agent.models.snapshot import DeviceState, Topology
from agent.pipeline import fib as fibmod
from agent.pipeline.names import host_key, key
from agent.pipeline.network import DEFAULT_VRF, Filter, L3If, Network, Opaque

Seg = tuple[object, ...]


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[Seg, Seg] = {}

    def find(self, x: Seg) -> Seg:
        parent = self.parent.setdefault(x, x)
        if parent is x or parent == x:
            return x
        root = self.find(parent)
        self.parent[x] = root
        return root

    def union(self, a: Seg, b: Seg) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra


@dataclass(slots=True)
class _Port:
    """The layer-2 view of a physical port (through its port-channel if any)."""

    device: str
    name: str  # the interface whose settings apply (port-channel or the port itself)
    up: bool
    switchport: Switchport | None
    routed_subs: dict[int, str]  # tag -> subinterface name (routed ports only)


def _index(device: Device) -> dict[str, Interface]:
    return {key(name): itf for name, itf in device.interfaces.items()}


def _port_view(device: Device, idx: dict[str, Interface], name: str) -> _Port | None:
    itf = idx.get(key(name))
    if itf is None:
        return None
    up = not itf.shutdown
    view = itf
    if itf.channel_group:
        parent = idx.get(key(itf.channel_group))
        if parent is not None:
            view = parent
            up = up and not parent.shutdown
    subs: dict[int, str] = {}
    if view.switchport is None:
        prefix = view.name + "."
        for other in device.interfaces.values():
            if other.name.startswith(prefix) and other.encapsulation_vlan and not other.shutdown:
                subs[other.encapsulation_vlan] = other.name
    return _Port(device.name, view.name, up, view.switchport, subs)


def known_vlans(device: Device) -> set[int]:
    """VLANs that exist on a device: declared, used by an access port or SVI, or native.
    A trunk forwards only VLANs that exist on the switch."""
    out = set(device.vlans)
    for itf in device.interfaces.values():
        if itf.switchport is not None:
            out.add(itf.switchport.access_vlan)
            out.add(itf.switchport.native_vlan)
        elif itf.kind == "svi":
            digits = "".join(ch for ch in itf.name if ch.isdigit())
            if digits:
                out.add(int(digits))
    return out


def _segments_of_port(port: _Port, known: set[int]) -> dict[int | None, Seg]:
    """Frames a port carries: None -> untagged segment, tag -> segment of that tag."""
    sp = port.switchport
    dev = port.device
    if sp is None:
        out: dict[int | None, Seg] = {None: ("port", dev, port.name)}
        for tag, sub in port.routed_subs.items():
            out[tag] = ("sub", dev, sub)
        return out
    if sp.mode == "trunk":
        out = {tag: ("vlan", dev, tag) for tag in known if sp.allows(tag)}
        if sp.allows(sp.native_vlan):
            out[None] = ("vlan", dev, sp.native_vlan)
            out.pop(sp.native_vlan, None)
        return out
    out = {None: ("vlan", dev, sp.access_vlan)}
    if sp.mode == "dynamic":  # DTP may negotiate a trunk: carry the tagged VLANs too
        out.update(
            {tag: ("vlan", dev, tag) for tag in known if sp.allows(tag) and tag != sp.access_vlan}
        )
    return out


def build(
    devices: dict[str, Device],
    opaque: dict[str, Opaque],
    state: dict[str, DeviceState],
    topology: Topology,
) -> Network:
    uf = _UnionFind()
    indexes = {name: _index(dev) for name, dev in devices.items()}
    known = {name: known_vlans(dev) for name, dev in devices.items()}
    hosts = {host_key(name): name for name in list(devices) + list(opaque)}
    graph: nx.MultiGraph = nx.MultiGraph()
    for name, dev in devices.items():
        graph.add_node(name, platform=dev.platform, modelled=True)
    for name, opq in opaque.items():
        graph.add_node(name, platform=opq.platform, modelled=False)

    # every segment exists even without links
    for name, dev in devices.items():
        for itf in dev.interfaces.values():
            for seg in _own_segments(name, itf):
                uf.find(seg)

    links = _links(devices, opaque, state, topology, indexes, hosts)
    # unrecognised lines on the ports of a link may change which frames it carries
    link_uncertain: list[tuple[Seg, list[Unrecognized]]] = []
    scoped = {name: _by_scope(dev.unrecognized, "interface") for name, dev in devices.items()}
    for (d1, i1), (d2, i2) in links:
        graph.add_edge(d1, d2, ports=(i1, i2))
        ends: list[_Port | None] = []
        for dev_name, itf_name in ((d1, i1), (d2, i2)):
            if dev_name in opaque:
                ends.append(None)
                continue
            ends.append(_port_view(devices[dev_name], indexes[dev_name], itf_name))
        p1, p2 = ends
        if (p1 is not None and not p1.up) or (p2 is not None and not p2.up):
            continue
        if p1 is None and p2 is None:
            continue
        if p1 is None or p2 is None:
            port = p1 or p2
            other = d1 if p1 is None else d2
            assert port is not None
            for tag, seg in _segments_of_port(port, known[port.device]).items():
                uf.union(seg, ("opaque", other, tag))
            continue
        both = known[p1.device] | known[p2.device]
        s1, s2 = _segments_of_port(p1, both), _segments_of_port(p2, both)
        for tag in set(s1) & set(s2):
            uf.union(s1[tag], s2[tag])
        for end, carried in ((p1, s1), (p2, s2)):
            items = scoped[end.device].get(key(end.name), [])
            if items:
                link_uncertain.extend((seg, items) for seg in carried.values())

    _infer_layer3_links(devices, links, uf)

    # domains
    roots: dict[Seg, int] = {}
    names: dict[int, str] = {}

    def domain(seg: Seg) -> int:
        root = uf.find(seg)
        if root not in roots:
            roots[root] = len(roots)
            names[roots[root]] = _seg_name(root)
        return roots[root]

    domain_opaque: dict[int, set[str]] = {}
    members: dict[int, list[Seg]] = {}
    for seg in list(uf.parent):
        members.setdefault(domain(seg), []).append(seg)
        if seg[0] == "opaque":
            domain_opaque.setdefault(domain(seg), set()).add(str(seg[1]))
    for dom, segs in members.items():
        names[dom] = _domain_name(segs)
    domain_uncertain: dict[int, list[Unrecognized]] = {}
    for seg, items in link_uncertain:
        bucket = domain_uncertain.setdefault(domain(seg), [])
        bucket.extend(i for i in items if i not in bucket)

    l3: dict[tuple[str, str], L3If] = {}
    port_domain: dict[tuple[str, str], int] = {}
    port_filters: dict[tuple[str, str], list[Filter]] = {}
    for name, dev in devices.items():
        itf_uncertain = _by_scope(dev.unrecognized, "interface")
        for itf in dev.interfaces.values():
            filters = _filters(dev, itf)
            if itf.switchport is not None:
                view = _port_view(dev, indexes[name], itf.name)
                if (
                    view is not None
                    and view.switchport is not None
                    and view.switchport.mode != "trunk"
                ):
                    port_domain[(name, itf.name)] = domain(
                        ("vlan", name, view.switchport.access_vlan)
                    )
                if filters:
                    port_filters[(name, itf.name)] = [
                        f for f in filters.values() if f.direction == "in"
                    ]
                continue
            if itf.kind == "null":
                continue
            segs = _own_segments(name, itf)
            up = not itf.shutdown and (_parent_up(dev, indexes[name], itf))
            entry = L3If(
                device=name,
                name=itf.name,
                vrf=itf.vrf,
                up=up,
                v4=[ipaddress.IPv4Interface(a.address) for a in itf.ipv4 if ":" not in a.address],
                v6=[
                    ipaddress.IPv6Interface(a.address)
                    for a in itf.ipv6
                    if not a.link_local and not ipaddress.IPv6Interface(a.address).is_link_local
                ],
                src=itf.src,
                domain=domain(segs[0]) if segs else None,
                filters=filters,
                uncertain=itf_uncertain.get(key(itf.name), []),
            )
            l3[(name, itf.name)] = entry

    domain_l3: dict[int, list[L3If]] = {}
    domain_down: dict[int, list[L3If]] = {}
    owners: dict[tuple[int, str], list[L3If]] = {}
    for l3if in l3.values():
        if l3if.domain is not None and not l3if.up:
            domain_down.setdefault(l3if.domain, []).append(l3if)
        if l3if.domain is None or not l3if.up:
            continue
        domain_l3.setdefault(l3if.domain, []).append(l3if)
        for ip in [str(a.ip) for a in l3if.v4] + [str(a.ip) for a in l3if.v6]:
            owners.setdefault((l3if.domain, ip), []).append(l3if)

    by_device: dict[str, list[L3If]] = {}
    for l3if in l3.values():
        by_device.setdefault(l3if.device, []).append(l3if)

    device_uncertain: dict[str, list[Unrecognized]] = {}
    routing_uncertain: dict[tuple[str, str], list[Unrecognized]] = {}
    for name, dev in devices.items():
        for item in dev.unrecognized:
            if item.context in ("interface", "acl"):
                continue
            if item.context in ("route", "routing"):
                routing_uncertain.setdefault((name, "*"), []).append(item)
            else:
                device_uncertain.setdefault(name, []).append(item)

    net = Network(
        devices=devices,
        opaque=opaque,
        l3=l3,
        domain_l3=domain_l3,
        domain_opaque=domain_opaque,
        domain_names=names,
        owners=owners,
        l3_by_device=by_device,
        routing_on={},
        device_uncertain=device_uncertain,
        routing_uncertain=routing_uncertain,
        port_domain=port_domain,
        segments={seg: domain(seg) for seg in list(uf.parent)},
        domain_uncertain=domain_uncertain,
        domain_down=domain_down,
        link_ports={(d, key(i)) for pair in links for (d, i) in pair},
        port_filters=port_filters,
        links=links,
        graph=graph,
    )
    fibmod.build(net, state)
    return net


def _parent_up(dev: Device, idx: dict[str, Interface], itf: Interface) -> bool:
    if itf.kind == "subinterface" and "." in itf.name:
        parent = idx.get(key(itf.name.split(".", 1)[0]))
        if parent is not None and parent.shutdown:
            return False
    if itf.channel_group:
        parent = idx.get(key(itf.channel_group))
        if parent is not None and parent.shutdown:
            return False
    return True


def _infer_layer3_links(
    devices: dict[str, Device], links: list[tuple[tuple[str, str], tuple[str, str]]], uf: _UnionFind
) -> None:
    """Interfaces of two devices in the same subnet share a segment when nothing (no LLDP,
    no topology.yml link) says how those two devices connect: Batfish's rule for snapshots
    that hold configurations only. Joining can only add reach, never hide it."""
    linked = {frozenset((a[0], b[0])) for a, b in links}
    by_subnet: dict[str, list[tuple[str, Seg]]] = {}
    for name, dev in devices.items():
        for itf in dev.interfaces.values():
            if itf.shutdown or itf.kind in ("loopback", "null", "tunnel"):
                continue
            segs = _own_segments(name, itf)
            if not segs:
                continue
            for addr in [*itf.ipv4, *itf.ipv6]:
                if addr.link_local:
                    continue
                net = ipaddress.ip_interface(addr.address).network
                if net.prefixlen >= net.max_prefixlen:
                    continue
                by_subnet.setdefault(str(net), []).append((name, segs[0]))
    for members in by_subnet.values():
        for i, (dev_a, seg_a) in enumerate(members):
            for dev_b, seg_b in members[i + 1 :]:
                if dev_a != dev_b and frozenset((dev_a, dev_b)) not in linked:
                    uf.union(seg_a, seg_b)


def _own_segments(device: str, itf: Interface) -> list[Seg]:
    if itf.kind == "svi":
        digits = "".join(ch for ch in itf.name if ch.isdigit())
        return [("vlan", device, int(digits))] if digits else []
    if itf.switchport is not None:
        return []
    if itf.kind == "subinterface":
        return [("sub", device, itf.name)]
    if itf.kind in ("loopback", "tunnel", "other"):
        return [("lone", device, itf.name)]
    if itf.kind == "null":
        return []
    return [("port", device, itf.name)]


def _domain_name(segs: list[Seg]) -> str:
    """``vlan 20 (acc1, acc2, dist1)`` when the domain is one VLAN, else its parts."""
    vlans = {seg[2] for seg in segs if seg[0] == "vlan"}
    devices = sorted({str(seg[1]) for seg in segs})
    if len(vlans) == 1 and all(seg[0] in ("vlan", "opaque") for seg in segs):
        return f"vlan {next(iter(vlans))} ({', '.join(devices)})"
    return ", ".join(sorted(_seg_name(seg) for seg in segs))


def _seg_name(seg: Seg) -> str:
    kind = seg[0]
    if kind == "vlan":
        return f"{seg[1]} vlan {seg[2]}"
    if kind == "opaque":
        return f"{seg[1]} (not modelled)"
    return f"{seg[1]} {seg[2]}"


def _filters(dev: Device, itf: Interface) -> dict[tuple[int, str], Filter]:
    out: dict[tuple[int, str], Filter] = {}
    for family, direction, binding in (
        (4, "in", itf.acl_in),
        (4, "out", itf.acl_out),
        (6, "in", itf.acl6_in),
        (6, "out", itf.acl6_out),
    ):
        if binding is None:
            continue
        table = dev.acls if family == 4 else dev.acls6
        out[(family, direction)] = Filter(binding, family, direction, table.get(binding.name))
    return out


def _by_scope(items: Iterable[Unrecognized], context: str) -> dict[str, list[Unrecognized]]:
    out: dict[str, list[Unrecognized]] = {}
    for item in items:
        if item.context == context and item.scope:
            out.setdefault(key(item.scope), []).append(item)
    return out


def _links(
    devices: dict[str, Device],
    opaque: dict[str, Opaque],
    state: dict[str, DeviceState],
    topology: Topology,
    indexes: dict[str, dict[str, Interface]],
    hosts: dict[str, str],
) -> list[tuple[tuple[str, str], tuple[str, str]]]:
    """Links from LLDP (either end suffices) and topology.yml, deduplicated.

    A neighbour that is neither a modelled nor an opaque device is an endpoint (a phone, an
    access point, a camera speaking LLDP) and forms no link.
    """
    seen: set[frozenset[tuple[str, str]]] = set()
    out: list[tuple[tuple[str, str], tuple[str, str]]] = []

    def resolve(dev: str, itf: str) -> tuple[str, str]:
        if dev in devices:
            found = indexes[dev].get(key(itf))
            return (dev, found.name if found else itf)
        return (dev, itf)

    def add(a: tuple[str, str], b: tuple[str, str]) -> None:
        pair = frozenset((a, b))
        if pair not in seen and a != b:
            seen.add(pair)
            out.append((a, b))

    for local, table in sorted(state.items()):
        if local not in devices and local not in opaque:
            continue
        for local_if, neighbors in table.lldp.items():
            for nb in neighbors:
                remote = hosts.get(host_key(nb.hostname))
                if remote is None:
                    continue
                add(resolve(local, local_if), resolve(remote, nb.port))
    for left, right in topology.links:
        a_dev, _, a_if = left.partition(":")
        b_dev, _, b_if = right.partition(":")
        a_name, b_name = hosts.get(host_key(a_dev)), hosts.get(host_key(b_dev))
        if a_name and b_name:
            add(resolve(a_name, a_if), resolve(b_name, b_if))
    return out


__all__ = ["DEFAULT_VRF", "build"]
