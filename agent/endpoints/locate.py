"""Discover endpoints from ARP/NDP/MAC tables and ``topology.yml``, classify them by OUI, and
locate each one: the edge port where its MAC is learned (not a trunk or a link to another
device), its VLAN, its layer-2 domain and the router interfaces on that domain."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

from agent.endpoints.classify import Classification, classify, is_flagged
from agent.endpoints.mac import format_mac, normalise_mac
from agent.models.device import Interface
from agent.models.policy import Policy
from agent.models.snapshot import DeviceState, Topology
from agent.pipeline.names import host_key, key
from agent.pipeline.network import L3If, Network


@dataclass(slots=True)
class Host:
    mac: str | None  # normalised, 12 hex digits
    ipv4: list[str] = field(default_factory=list)
    ipv6: list[str] = field(default_factory=list)
    seen: list[tuple[str, str, int]] = field(default_factory=list)  # (device, interface, vlan)
    arp_at: list[tuple[str, str]] = field(default_factory=list)  # (device, interface)
    attach: tuple[str, str] | None = None
    name: str | None = None
    classification: Classification | None = None
    flagged: bool = False
    flagged_by: str = "registry"
    # location
    device: str | None = None
    interface: str | None = None
    vlan: int | None = None
    domain: int | None = None
    how: str = "unknown"
    edges: list[tuple[str, str]] = field(default_factory=list)
    shut: list[tuple[str, str]] = field(default_factory=list)  # edge ports that are shut down
    # edge ports on another segment than the one analysed (a moved or duplicated MAC)
    elsewhere: list[tuple[str, str, int]] = field(default_factory=list)


def discover(
    net: Network, state: dict[str, DeviceState], topology: Topology, policy: Policy
) -> list[Host]:
    hosts: dict[str, Host] = {}
    by_ip: dict[str, Host] = {}

    def host_for(mac: str | None, ip: str | None = None) -> Host:
        norm = normalise_mac(mac) if mac else None
        if norm:
            found = hosts.get(norm)
            if found is None:
                found = hosts[norm] = Host(mac=norm)
            return found
        if ip and ip in by_ip:
            return by_ip[ip]
        found = Host(mac=None)
        hosts[f"ip:{ip}"] = found
        return found

    router_ips = _interface_owned_ips(net)
    for device, table in sorted(state.items()):
        dev = _device_name(net, device)
        for arp in table.arp:
            if not _valid_ip(arp.ip) or arp.ip in router_ips:
                continue
            h = host_for(arp.mac, arp.ip)
            if arp.ip not in h.ipv4:
                h.ipv4.append(arp.ip)
            h.arp_at.append((dev, arp.interface))
            by_ip[arp.ip] = h
        for ndp in table.ndp:
            if (
                not _valid_ip(ndp.ip)
                or ipaddress.ip_address(ndp.ip).is_link_local
                or ndp.ip in router_ips
            ):
                continue
            h = host_for(ndp.mac, ndp.ip)
            if ndp.ip not in h.ipv6:
                h.ipv6.append(ndp.ip)
            by_ip[ndp.ip] = h
        for entry in table.mac:
            norm = normalise_mac(entry.mac)
            if norm is None:
                continue
            h = host_for(norm)
            h.seen.append((dev, entry.interface, entry.vlan))
    for ep in topology.endpoints:
        h = host_for(ep.mac, ep.ip)
        h.name = ep.name
        if ep.ip and ep.ip not in h.ipv4:
            h.ipv4.append(ep.ip)
            by_ip[ep.ip] = h
        for ip6 in ep.ipv6:
            if ip6 not in h.ipv6:
                h.ipv6.append(ip6)
        if ep.attach:
            dev, _, itf = ep.attach.partition(":")
            h.attach = (_device_name(net, dev), itf)
    for ip in policy.flagged.ips:
        h = by_ip.get(ip) or host_for(None, ip)
        if ip not in h.ipv4 and ip not in h.ipv6:
            (h.ipv4 if ipaddress.ip_address(ip).version == 4 else h.ipv6).append(ip)
        by_ip[ip] = h
        h.flagged = True
        h.flagged_by = "policy ip"

    families = set(policy.flagged.vendors)
    own_macs = _device_macs(state)
    out = []
    for h in hosts.values():
        if h.mac and h.mac in own_macs and not h.ipv4 and not h.ipv6:
            continue
        if h.mac:
            h.classification = classify(h.mac)
            if is_flagged(h.classification, families, policy.flagged.macs) and not h.flagged:
                h.flagged = True
                fam = h.classification.family
                h.flagged_by = "registry" if fam in families else "policy mac"
        locate(net, h)
        out.append(h)
    out.sort(key=lambda x: (not x.flagged, _sort_ip(x), x.mac or ""))
    return out


def locate(net: Network, h: Host) -> None:
    links = net.link_ports
    edges = []
    for dev, itf, vlan in h.seen:
        if dev not in net.devices or (dev, key(itf)) in links:
            continue
        cfg = _find_interface(net, dev, itf)
        if cfg is None:
            continue
        sp = cfg.switchport
        if sp is not None and sp.mode == "trunk":
            continue
        if _is_shut(net, dev, cfg):
            h.shut.append((dev, cfg.name))
            continue
        edges.append((dev, cfg.name, vlan))
    if h.attach:
        cfg = _find_interface(net, *h.attach)
        if cfg is not None:
            edges.insert(0, (h.attach[0], cfg.name, 0))
    for dev, itf, vlan in edges:
        port_domain = net.port_domain.get((dev, itf))
        l3 = net.l3.get((dev, itf))
        domain = port_domain if port_domain is not None else (l3.domain if l3 else None)
        if domain is None and vlan:
            domain = net.segments.get(("vlan", dev, vlan))
        if domain is None:
            continue
        if h.domain is None:
            cfg = net.devices[dev].interfaces[itf]
            h.device, h.interface, h.domain, h.how = dev, itf, domain, "mac-table"
            h.vlan = cfg.switchport.access_vlan if cfg.switchport else (vlan or None)
            attached = _find_interface(net, *h.attach) if h.attach else None
            if h.attach and attached is not None and (dev, itf) == (h.attach[0], attached.name):
                h.how = "topology"
        elif domain != h.domain:
            h.elsewhere.append((dev, itf, domain))
        h.edges.append((dev, itf))
    if h.domain is not None or h.shut:
        if h.domain is None:  # every edge port where it was seen is shut: disconnected
            h.device, h.interface, h.how = h.shut[0][0], h.shut[0][1], "shut-port"
        return
    # no edge port: the interface that learned its ARP entry, or a subnet holding its address
    for dev, itf in h.arp_at:
        l3 = net.l3.get((dev, itf)) or _find_l3(net, dev, itf)
        if l3 is not None and l3.domain is not None:
            h.device, h.interface, h.domain, h.how = dev, l3.name, l3.domain, "arp"
            return
    for ip in [*h.ipv4, *h.ipv6]:
        addr = ipaddress.ip_address(ip)
        for l3 in net.l3.values():
            if l3.up and l3.domain is not None and any(addr in s for s in l3.subnets(addr.version)):
                h.device, h.interface, h.domain, h.how = l3.device, l3.name, l3.domain, "subnet"
                return


def record_hosts(net: Network, hosts: list[Host]) -> None:
    """Note every located host's addresses on its domain: they are reachable at layer 2 from
    anything on that domain, router or not."""
    for h in hosts:
        if h.domain is not None and (h.ipv4 or h.ipv6):
            net.domain_hosts.setdefault(h.domain, set()).update([*h.ipv4, *h.ipv6])


def _is_shut(net: Network, device: str, itf: Interface) -> bool:
    if itf.shutdown:
        return True
    if itf.channel_group:
        parent = _find_interface(net, device, itf.channel_group)
        return parent is not None and parent.shutdown
    return False


def _find_interface(net: Network, device: str, name: str) -> Interface | None:
    dev = net.devices.get(device)
    if dev is None:
        return None
    if name in dev.interfaces:
        return dev.interfaces[name]
    wanted = key(name)
    for itf in dev.interfaces.values():
        if key(itf.name) == wanted:
            return itf
    return None


def _find_l3(net: Network, device: str, name: str) -> L3If | None:
    wanted = key(name)
    for itf in net.l3_by_device.get(device, []):
        if key(itf.name) == wanted:
            return itf
    return None


def _device_name(net: Network, name: str) -> str:
    if name in net.devices or name in net.opaque:
        return name
    wanted = host_key(name)
    for candidate in [*net.devices, *net.opaque]:
        if host_key(candidate) == wanted:
            return candidate
    return name


def _interface_owned_ips(net: Network) -> set[str]:
    out: set[str] = set()
    for itf in net.l3.values():
        out.update(str(a.ip) for a in itf.v4)
        out.update(str(a.ip) for a in itf.v6)
    return out


def _device_macs(state: dict[str, DeviceState]) -> set[str]:
    """MACs of the devices themselves (static CPU entries in MAC tables)."""
    out = set()
    for table in state.values():
        for entry in table.mac:
            if entry.static and entry.interface.lower() in ("cpu", "router", "switch", "sup-eth1"):
                norm = normalise_mac(entry.mac)
                if norm:
                    out.add(norm)
    return out


def _valid_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _sort_ip(h: Host) -> tuple[int, int]:
    if h.ipv4:
        return (4, int(ipaddress.ip_address(h.ipv4[0])))
    if h.ipv6:
        return (6, int(ipaddress.ip_address(h.ipv6[0])))
    return (9, 0)


def display_mac(h: Host) -> str | None:
    return format_mac(h.mac) if h.mac else None
