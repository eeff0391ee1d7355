"""Forwarding tables per (device, VRF, family).

Sources, in the order a router prefers them for the same prefix (administrative distance):
connected (0), static (its distance, 1 by default), then dynamic routes. Dynamic protocols are
not simulated. Unless ``routes.json`` gives a device's real table (which then wins for the VRFs it
lists), a sound over-approximation stands in: routers that run the same protocol in the same VRF
over a shared domain form a routing component, and every member learns every prefix any other
member knows (connected or static), with next hops toward every neighbour from which the
originator is reachable without coming back. Any path a real protocol could choose is among
these, so isolation proven on the approximation holds; a violation that uses an approximated
route is marked as such.
"""

from __future__ import annotations

import ipaddress
from collections import deque

from agent.models.device import Route, RoutingProcess, Source, Unrecognized
from agent.models.snapshot import DeviceState
from agent.pipeline.names import key
from agent.pipeline.network import DEFAULT_VRF, FibEntry, Hop, IPIf, IPNet, L3If, Network

PROTOCOL_DISTANCE = {
    "connected": 0,
    "static": 1,
    "bgp": 20,
    "eigrp": 90,
    "ospf": 110,
    "ospfv3": 110,
    "isis": 115,
    "rip": 120,
}

Table = dict[IPNet, tuple[int, str, dict[Hop, None]]]  # hops as an ordered set
Key = tuple[str, str, int]


class Fib:
    """Base tables for every device, approximated routes added lazily per device on first use
    (the engine visits a small part of a large network)."""

    def __init__(self, net: Network, state: dict[str, DeviceState]) -> None:
        self.net = net
        self.base: dict[Key, Table] = {}
        # (vrf, family) tables a device's routes.json gives: those replace statics and the
        # dynamic-routing approximation; other families of the same VRF keep them
        self.collected: dict[str, set[tuple[str, int]]] = {}
        self._done: dict[Key, list[FibEntry]] = {}
        self._index: dict[Key, list[tuple[int, dict[int, FibEntry]]]] = {}
        self._build_base(state)
        self._groups = _groups(net)
        self._adj: dict[tuple[str, int], dict[str, dict[str, list[tuple[L3If, L3If]]]]] = {}
        self._originated: dict[tuple[str, int], dict[str, list[tuple[IPNet, int]]]] = {}

    def table(self, device: str, vrf: str, af: int) -> list[FibEntry]:
        k = (device, vrf, af)
        done = self._done.get(k)
        if done is not None:
            return done
        table = dict(self.base.get(k, {}))
        table = {p: (d, pr, dict(h)) for p, (d, pr, h) in table.items()}
        if (vrf, af) not in self.collected.get(device, set()):
            group_key = (vrf, af)
            if device in self._groups.get(group_key, {}):
                self._learn(group_key, device, af, table)
        _keep_real_paths(table, self.base.get(k, {}))
        entries = [FibEntry(p, d, pr, list(hops)) for p, (d, pr, hops) in table.items()]
        entries.sort(key=lambda e: (-e.prefix.prefixlen, int(e.prefix.network_address)))
        self._done[k] = entries
        return entries

    def lookup(self, device: str, vrf: str, af: int, dst: int) -> FibEntry | None:
        """Longest-prefix match of one address, through a per-table hash index."""
        k = (device, vrf, af)
        index = self._index.get(k)
        if index is None:
            index = []
            by_len: dict[int, dict[int, FibEntry]] = {}
            for entry in self.table(device, vrf, af):
                by_len.setdefault(entry.prefix.prefixlen, {})[int(entry.prefix.network_address)] = (
                    entry
                )
            width = 32 if af == 4 else 128
            for length in sorted(by_len, reverse=True):
                mask = ((1 << length) - 1) << (width - length) if length else 0
                index.append((mask, by_len[length]))
            self._index[k] = index
        for mask, entries in index:
            hit = entries.get(dst & mask)
            if hit is not None:
                return hit
        return None

    def _build_base(self, state: dict[str, DeviceState]) -> None:
        net = self.net
        tables = self.base
        for name, dev in net.devices.items():
            vrfs = {DEFAULT_VRF, *dev.vrfs}
            vrfs.update(itf.vrf for itf in dev.interfaces.values())
            for vrf in vrfs:
                for af, flags in ((4, dev.ip_routing), (6, dev.ipv6_routing)):
                    on = flags.get(vrf, flags.get(DEFAULT_VRF, False))
                    net.routing_on[(name, vrf, af)] = bool(on)
                    tables[(name, vrf, af)] = {}
        for itf in net.l3.values():
            if not itf.up:
                continue
            for af in (4, 6):
                table = tables.setdefault((itf.device, itf.vrf, af), {})
                for subnet in itf.subnets(af):
                    hop = Hop("connected", interface=itf.name, vrf=itf.vrf, route=itf.src)
                    _offer(table, subnet, 0, "connected", hop)
        for name, dev in net.devices.items():
            routes = state[name].routes if name in state else None
            if routes is not None:
                self.collected[name] = {
                    (r.vrf, ipaddress.ip_network(r.prefix, strict=False).version) for r in routes
                }
                file = state[name].routes_file or f"state/{name}/routes.json"
                for entry in routes:
                    _offer_collected(
                        net,
                        tables,
                        name,
                        entry.vrf,
                        entry.prefix,
                        entry.protocol,
                        entry.next_hop,
                        entry.interface,
                        file,
                    )
            for route in dev.routes:
                family = ipaddress.ip_network(route.prefix, strict=False).version
                if (route.vrf, family) in self.collected.get(name, set()):
                    continue
                _offer_static(net, tables, name, route)

    def _learn(self, group_key: tuple[str, int], device: str, af: int, table: Table) -> None:
        vrf, _af = group_key
        protocols = sorted(
            {
                p.protocol
                for p in self.net.devices[device].routing
                if p.vrf == vrf and af in FAMILIES[p.protocol]
            }
        )
        proto = "/".join(protocols)
        adj = self._adj.get(group_key)
        if adj is None:
            adj = self._adj[group_key] = _adjacency(self._groups[group_key])
        originated = self._originated.get(group_key)
        if originated is None:
            originated = self._originated[group_key] = {}
            for dev in self._groups[group_key]:
                for fam in (4, 6):
                    for prefix, (_d, prot, _h) in self.base.get((dev, vrf, fam), {}).items():
                        if prot in ("connected", "static") or (vrf, fam) in self.collected.get(
                            dev, set()
                        ):
                            originated.setdefault(dev, []).append((prefix, fam))
        distance = min(PROTOCOL_DISTANCE.get(p, 110) for p in protocols)
        reach = _reach_without(adj, device)
        file = self.net.devices[device].file
        for neighbor, pairs in adj.get(device, {}).items():
            prefixes = [
                p
                for origin in reach.get(neighbor, set())
                for p, fam in originated.get(origin, [])
                if fam == af
            ]
            if not prefixes:
                continue
            for local, remote in pairs:
                addrs = remote.v4 if af == 4 else remote.v6
                mine = local.v4 if af == 4 else local.v6
                nh = next((a for a in addrs if any(a.ip in m.network for m in mine)), None)
                if nh is None:
                    continue
                text = f"{proto} route via {nh.ip} ({neighbor}), approximated: not simulated"
                hop = Hop(
                    "nexthop",
                    interface=local.name,
                    next_hop=str(nh.ip),
                    vrf=vrf,
                    approximated=True,
                    route=Source(file=file, line=0, text=text),
                )
                for prefix in prefixes:
                    _offer(table, prefix, distance, proto, hop)


def _keep_real_paths(table: Table, base: Table) -> None:
    """An approximated route may not exist in the real network: a router learns a prefix only
    if someone advertises it. So it must not hide what the router would do without it. Every
    entry whose hops are all approximated also keeps the hops the router would use otherwise:
    its own configured route for the same prefix that lost on distance, else the entry that
    covers it next (shorter prefixes first, so that one is already complete)."""
    for prefix in sorted(table, key=lambda p: p.prefixlen):
        _distance, _protocol, hops = table[prefix]
        if not hops or not all(h.approximated for h in hops):
            continue
        fallback: dict[Hop, None] = {}
        own = base.get(prefix)
        if own is not None:
            fallback = dict(own[2])
        else:
            for length in range(prefix.prefixlen - 1, -1, -1):
                cover = table.get(prefix.supernet(new_prefix=length))
                if cover is not None:
                    fallback = dict(cover[2])
                    break
        for hop in fallback:
            hops.setdefault(hop, None)


def build(net: Network, state: dict[str, DeviceState]) -> None:
    net.fib = Fib(net, state)


# -- dynamic routing over-approximation ---------------------------------------------------


def _participates(net: Network, device: str, proc: RoutingProcess, itf: L3If) -> bool:
    if itf.vrf != proc.vrf or not itf.up:
        return False
    tag = f"{proc.protocol} {proc.id}".strip()
    cfg = net.devices[device].interfaces.get(itf.name)
    if cfg is not None and any(
        r in (tag, proc.protocol) or r.startswith(proc.protocol + " ") for r in cfg.routing
    ):
        return True
    if not proc.networks or proc.protocol == "bgp":
        # enabled per interface elsewhere, or BGP (its network statements say what it
        # advertises, not where it peers): every interface may peer
        return True
    nets = [ipaddress.ip_network(n, strict=False) for n in proc.networks]
    addrs: list[IPIf] = [*itf.v4, *itf.v6]
    return any(a.ip in n for a in addrs for n in nets if n.version == a.version)


# address families each protocol can carry: OSPFv2 and RIP carry IPv4 only; OSPFv3 may carry
# both (RFC 5838 address families); EIGRP, BGP and IS-IS have IPv6 forms in one process
FAMILIES = {
    "ospf": (4,),
    "rip": (4,),
    "ospfv3": (4, 6),
    "eigrp": (4, 6),
    "bgp": (4, 6),
    "isis": (4, 6),
}


def _groups(net: Network) -> dict[tuple[str, int], dict[str, list[L3If]]]:
    """(vrf, family) -> device -> interfaces taking part in some dynamic protocol that carries
    that family. Protocols are merged: redistribution between them is not modelled, so any
    router running any of them may learn from any other (an over-approximation)."""
    members: dict[tuple[str, int], dict[str, list[L3If]]] = {}
    for name, dev in net.devices.items():
        for proc in dev.routing:
            for af in FAMILIES.get(proc.protocol, (4, 6)):
                group = members.setdefault((proc.vrf, af), {})
                itfs = group.setdefault(name, [])
                for itf in net.l3_by_device.get(name, []):
                    if itf not in itfs and _participates(net, name, proc, itf):
                        itfs.append(itf)
    return members


def _adjacency(group: dict[str, list[L3If]]) -> dict[str, dict[str, list[tuple[L3If, L3If]]]]:
    adj: dict[str, dict[str, list[tuple[L3If, L3If]]]] = {d: {} for d in group}
    by_domain: dict[int, list[L3If]] = {}
    for itfs in group.values():
        for itf in itfs:
            if itf.domain is not None:
                by_domain.setdefault(itf.domain, []).append(itf)
    for itfs in by_domain.values():
        for a in itfs:
            for b in itfs:
                if a.device != b.device:
                    adj[a.device].setdefault(b.device, []).append((a, b))
    return adj


def _reach_without(
    adj: dict[str, dict[str, list[tuple[L3If, L3If]]]], dev: str
) -> dict[str, set[str]]:
    """For each neighbour of ``dev``: the routers reachable from it without passing ``dev``."""
    out: dict[str, set[str]] = {}
    for start in adj[dev]:
        seen = {start}
        queue = deque([start])
        while queue:
            node = queue.popleft()
            for nxt in adj.get(node, {}):
                if nxt != dev and nxt not in seen:
                    seen.add(nxt)
                    queue.append(nxt)
        out[start] = seen
    return out


# -- base routes -------------------------------------------------------------------------------


def _offer(table: Table, prefix: IPNet, distance: int, protocol: str, hop: Hop) -> None:
    current = table.get(prefix)
    if current is None or distance < current[0]:
        table[prefix] = (distance, protocol, {hop: None})
    elif distance == current[0]:
        current[2][hop] = None


def _iface(net: Network, device: str, name: str | None) -> L3If | None:
    if name is None:
        return None
    itf = net.l3.get((device, name))
    if itf is not None:
        return itf
    wanted = key(name)
    for candidate in net.l3_by_device.get(device, []):
        if key(candidate.name) == wanted:
            return candidate
    return None


def _connected_for(net: Network, device: str, vrf: str, ip: str) -> L3If | None:
    addr = ipaddress.ip_address(ip)
    best: tuple[int, L3If] | None = None
    for itf in net.l3_by_device.get(device, []):
        if itf.vrf != vrf or not itf.up:
            continue
        for subnet in itf.subnets(addr.version):
            if addr in subnet and (best is None or subnet.prefixlen > best[0]):
                best = (subnet.prefixlen, itf)
    return best[1] if best else None


def _offer_static(net: Network, tables: dict[Key, Table], device: str, route: Route) -> None:
    prefix = ipaddress.ip_network(route.prefix, strict=False)
    table = tables.setdefault((device, route.vrf, prefix.version), {})
    src = route.src
    if route.interface and key(route.interface).startswith("null"):
        _offer(table, prefix, route.distance, route.protocol, Hop("null", route=src))
        return
    target_vrf = route.next_vrf or route.vrf
    if route.next_hop is None:
        if route.interface is None and route.next_vrf:
            hop = Hop("nextvrf", vrf=route.next_vrf, route=src)
            _offer(table, prefix, route.distance, route.protocol, hop)
            return
        itf = _iface(net, device, route.interface)
        if itf is not None and itf.up:
            hop = Hop("exit", interface=itf.name, vrf=itf.vrf, route=src)
            _offer(table, prefix, route.distance, route.protocol, hop)
        return
    if route.interface:
        itf = _iface(net, device, route.interface)
        if itf is None:
            _unresolved(net, device, route, prefix, f"interface {route.interface} not found")
            return
        if not itf.up:
            return  # a route via a shut interface is not installed: understood
    else:
        itf = _connected_for(net, device, target_vrf, route.next_hop)
        if itf is None:
            itf = _recursive(net, tables, device, target_vrf, route.next_hop)
            if itf is None:
                why = f"next hop {route.next_hop} is in no known subnet: route not installed"
                _unresolved(net, device, route, prefix, why)
                return
    hop = Hop("nexthop", interface=itf.name, next_hop=route.next_hop, vrf=itf.vrf, route=src)
    _offer(table, prefix, route.distance, route.protocol, hop)


def _unresolved(net: Network, device: str, route: Route, prefix: IPNet, why: str) -> None:
    item = Unrecognized(
        file=route.src.file, line=route.src.line, text=route.src.text, context="route", why=why
    )
    net.unresolved.setdefault((device, route.vrf, prefix.version), []).append((prefix, item))


def _recursive(
    net: Network, tables: dict[Key, Table], device: str, vrf: str, ip: str
) -> L3If | None:
    """Resolve a next hop through a route already in the table (one level, as for a static
    route via another static route's next hop)."""
    addr = ipaddress.ip_address(ip)
    table = tables.get((device, vrf, addr.version), {})
    best: tuple[int, Hop] | None = None
    for prefix, (_dist, _proto, hops) in table.items():
        if addr in prefix and (best is None or prefix.prefixlen > best[0]):
            for hop in hops:
                if hop.kind in ("nexthop", "exit") and hop.interface:
                    best = (prefix.prefixlen, hop)
                    break
    if best is None or best[1].interface is None:
        return None
    return net.l3.get((device, best[1].interface))


def _offer_collected(
    net: Network,
    tables: dict[Key, Table],
    device: str,
    vrf: str,
    prefix_text: str,
    protocol: str,
    next_hop: str | None,
    interface: str | None,
    file: str,
) -> None:
    prefix = ipaddress.ip_network(prefix_text, strict=False)
    table = tables.setdefault((device, vrf, prefix.version), {})
    text = f"{protocol} {prefix} via {next_hop or '-'} {interface or ''}".strip()
    src = Source(file=file, line=0, text=text)
    proto = protocol.lower() or "collected"
    if proto == "local":
        return  # the device's own addresses: accepted through ownership
    if interface and key(interface).startswith("null"):
        _offer(table, prefix, 0, proto, Hop("null", route=src))
        return
    itf = _iface(net, device, interface) if interface else None
    if next_hop and next_hop not in ("0.0.0.0", "::"):
        if itf is None:
            itf = _connected_for(net, device, vrf, next_hop)
        if itf is None:
            why = f"next hop {next_hop} is on no interface of the device"
            _unresolved_entry(net, device, vrf, prefix, src, why)
            return
        hop = Hop("nexthop", interface=itf.name, next_hop=next_hop, vrf=itf.vrf, route=src)
        _offer(table, prefix, 0, proto, hop)
    elif itf is not None:
        kind = "connected" if proto == "connected" else "exit"
        _offer(table, prefix, 0, proto, Hop(kind, interface=itf.name, vrf=itf.vrf, route=src))
    else:
        # a collected route the model cannot place (an interface the config does not have):
        # its traffic is unknown, so proofs for the prefix are inconclusive, never dropped
        why = f"interface {interface or '-'} of a collected route not found"
        _unresolved_entry(net, device, vrf, prefix, src, why)


def _unresolved_entry(
    net: Network, device: str, vrf: str, prefix: IPNet, src: Source, why: str
) -> None:
    item = Unrecognized(file=src.file, line=0, text=src.text, context="route", why=why)
    net.unresolved.setdefault((device, vrf, prefix.version), []).append((prefix, item))
