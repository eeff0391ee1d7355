"""Symbolic forwarding: the exact set of packets that reach each disposition.

A worklist walks ``(device, vrf, ingress interface)`` states with packet sets. At each state,
in Batfish's order: ingress filter, delivery to an address the device owns, routing (longest
prefix match, every equal-cost next hop), egress filter, then delivery to the egress domain or
hand-over to the owner of the next hop. Only packets not seen before at a state move on, so the
walk terminates on loops and every packet set is exact (no sampling, no enumeration).

The result is a set of events, each a key and the packet set that reached it:

- ``success``: ``("l2", domain)``, ``("delivered", device, interface)``,
  ``("accepted", device, vrf)``, ``("exits", device, interface, next_hop)``;
- ``drops``: ``("denied", device, interface, family, direction, acl)``,
  ``("no-route", device, vrf)``, ``("null-routed", device, vrf)``,
  ``("routing-off", device, vrf, family)``;
- ``uncertain``: ``("line", Unrecognized)`` and ``("opaque", device, where)``: the proof
  depends on something not modelled.
- ``approximated``: packets forwarded by an approximated (dynamic) route.
"""

from __future__ import annotations

import functools
import operator
from collections import deque
from dataclasses import dataclass, field

from agent.engine.acl import AclCompiler
from agent.engine.space import Bdd, Space
from agent.models.device import Acl, Unrecognized
from agent.pipeline.network import Filter, Hop, L3If, Network

# device, vrf, ingress interface; None: the routing state of (device, vrf), after ingress
State = tuple[str, str, str | None]


@dataclass(slots=True)
class Start:
    """Packets injected into a layer-2 domain (a camera's segment)."""

    domain: int
    packets: Bdd


@dataclass(slots=True)
class Outcome:
    success: dict[tuple[object, ...], Bdd] = field(default_factory=dict)
    drops: dict[tuple[object, ...], Bdd] = field(default_factory=dict)
    uncertain: dict[tuple[object, ...], Bdd] = field(default_factory=dict)
    approximated: Bdd = None
    # every (device, interface, "in"|"out") a packet entered or left through (what a filter
    # change there could affect)
    interfaces: set[tuple[str, str, str]] = field(default_factory=set)


@dataclass(slots=True)
class _Group:
    hops: tuple[Hop, ...]
    dst: Bdd


class Engine:
    """Holds the per-network caches (compiled filters, grouped forwarding tables)."""

    def __init__(self, net: Network, space: Space | None = None) -> None:
        self.net = net
        self.space = space or Space()
        self.acls = AclCompiler(self.space)
        self._groups: dict[tuple[str, str, int], tuple[list[_Group], Bdd]] = {}
        self._owned: dict[tuple[str, str], Bdd] = {}
        self._domain_subnets: dict[int, Bdd] = {}
        self._acl_uncertain: dict[tuple[str, str], list[Unrecognized]] = {}
        self._regions: dict[tuple[str, str, int], list[tuple[Unrecognized, Bdd]]] = {}
        for name, dev in net.devices.items():
            for item in dev.unrecognized:
                if item.context == "acl" and item.scope:
                    self._acl_uncertain.setdefault((name, item.scope), []).append(item)

    # -- caches -------------------------------------------------------------------------------
    def filter_set(self, device: str, flt: Filter) -> Bdd:
        s = self.space
        if flt.acl is None:
            action = self.net.devices[device].undefined_acl_action
            return s.true if action == "permit" else ~s.family(flt.family)
        return self.acls.filter(device, flt.acl)

    def owned(self, device: str, vrf: str) -> Bdd:
        k = (device, vrf)
        hit = self._owned.get(k)
        if hit is None:
            s = self.space
            hit = s.false
            for af in (4, 6):
                for addr, _itf in self.net.owned(device, vrf, af):
                    hit |= s.host("dst", str(addr.ip))
            self._owned[k] = hit
        return hit

    def domain_subnets(self, domain: int) -> Bdd:
        hit = self._domain_subnets.get(domain)
        if hit is None:
            s = self.space
            hit = s.false
            for ip in sorted(self.net.domain_hosts.get(domain, ())):
                hit |= s.host("dst", ip)
            for itf in self.net.domain_l3.get(domain, []):
                for af in (4, 6):
                    for subnet in itf.subnets(af):
                        hit |= s.prefix("dst", subnet)
            self._domain_subnets[domain] = hit
        return hit

    def groups(self, device: str, vrf: str, af: int) -> tuple[list[_Group], Bdd]:
        """FIB entries grouped by identical hop lists, each with its exact destination set
        (longest prefix wins), and the set of destinations with no route."""
        k = (device, vrf, af)
        hit = self._groups.get(k)
        if hit is not None:
            return hit
        s = self.space
        covered = s.false
        by_hops: dict[tuple[Hop, ...], Bdd] = {}
        for entry in self.net.table(device, vrf, af):
            pfx = s.prefix("dst", entry.prefix)
            eff = pfx & ~covered
            covered |= pfx
            if eff == s.false:
                continue
            hops = tuple(entry.hops)
            by_hops[hops] = by_hops.get(hops, s.false) | eff
        groups = [_Group(h, d) for h, d in by_hops.items()]
        no_route = s.family(af) & ~covered
        self._groups[k] = (groups, no_route)
        return groups, no_route

    # -- the walk -----------------------------------------------------------------------------
    def run(self, starts: list[Start]) -> Outcome:
        s = self.space
        out = Outcome(approximated=s.false)
        visited: dict[State, Bdd] = {}
        queue: deque[tuple[State, Bdd]] = deque()

        def add(table: dict[tuple[object, ...], Bdd], k: tuple[object, ...], packets: Bdd) -> None:
            if packets != s.false:
                table[k] = table.get(k, s.false) | packets

        def touch(items: list[Unrecognized], packets: Bdd) -> None:
            for item in items:
                add(out.uncertain, ("line", item), packets)

        def into_domain(domain: int | None, packets: Bdd, via: str) -> None:
            """Packets put on a domain by a camera: to hosts there, and to every router."""
            if domain is None or packets == s.false:
                return
            add(out.success, ("l2", domain), packets & self.domain_subnets(domain))
            touch(self.net.domain_uncertain.get(domain, []), packets)
            for name in sorted(self.net.domain_opaque.get(domain, ())):
                add(out.uncertain, ("opaque", name, via), packets)
            for itf in self.net.domain_l3.get(domain, []):
                queue.append(((itf.device, itf.vrf, itf.name), packets))

        for start in starts:
            into_domain(start.domain, start.packets, "camera segment")

        while queue:
            state, packets = queue.popleft()
            seen: Bdd = visited.get(state, s.false)
            new = packets & ~seen
            if new == s.false:
                continue
            visited[state] = seen | new
            if state[2] is not None:
                out.interfaces.add((state[0], state[2], "in"))
            self._step(state, new, out, add, touch, queue)
        return out

    def _step(self, state, packets, out, add, touch, queue) -> None:  # type: ignore[no-untyped-def]
        s = self.space
        net = self.net
        device, vrf, in_name = state
        if device in net.opaque:
            return
        itf = net.l3.get((device, in_name)) if in_name else None
        if itf is not None:
            # ingress: per interface; then the routing state (device, vrf, None), shared by
            # every ingress interface, so a router reached many ways routes each packet once
            touch(itf.uncertain, packets)
            for af in (4, 6):
                flt = itf.filters.get((af, "in"))
                if flt is None:
                    continue
                passed = self._apply(device, flt, packets, touch)
                add(
                    out.drops,
                    ("denied", device, itf.name, af, "in", flt.binding.name),
                    packets & ~passed,
                )
                packets &= passed
            if packets != s.false:
                queue.append(((device, vrf, None), packets))
            return
        touch(net.device_uncertain.get(device, []), packets)
        owned = self.owned(device, vrf)
        mine = packets & owned
        if mine != s.false:
            add(out.success, ("accepted", device, vrf), mine)
        packets &= ~owned
        if packets == s.false:
            return
        for af in (4, 6):
            fam = packets & s.family(af)
            if fam == s.false:
                continue
            if not net.routing_on.get((device, vrf, af), False):
                add(out.drops, ("routing-off", device, vrf, af), fam)
                continue
            touch(net.routing_uncertain.get((device, "*"), []), fam)
            for prefix, item in net.unresolved.get((device, vrf, af), []):
                touch([item], fam & s.prefix("dst", prefix))
            groups, no_route = self.groups(device, vrf, af)
            add(out.drops, ("no-route", device, vrf), fam & no_route)
            for group in groups:
                hit = fam & group.dst
                if hit == s.false:
                    continue
                for hop in group.hops:
                    if hop.approximated:
                        out.approximated |= hit
                    self._hop(device, vrf, hop, hit, out, add, touch, queue)

    def _apply(self, device: str, flt: Filter, packets: Bdd, touch) -> Bdd:  # type: ignore[no-untyped-def]
        if flt.acl is not None:
            packets = packets & self.space.family(flt.family)
            for item, region in self._uncertain_regions(device, flt.acl):
                touch([item], packets & region)
        return self.filter_set(device, flt)

    def _uncertain_regions(self, device: str, acl: Acl) -> list[tuple[Unrecognized, Bdd]]:
        """Each unrecognised line of a filter with the packets whose fate it may change.

        A permit kept without the condition segproof did not understand (``relaxed``: the
        model's entry matches a superset of the device's) can only matter for the packets it
        decides: earlier entries decide the others, and a packet it does not match would not
        match the real, narrower entry either. A deny left out of the model (``narrows``) can
        change only packets the filter permits. Any other unrecognised line (an entry read only
        in part, an unknown target, a left-out jump) may change every packet entering the
        filter."""
        key = (device, acl.name, acl.family)
        hit = self._regions.get(key)
        if hit is None:
            s = self.space
            items = self._acl_uncertain.get((device, acl.name), [])
            firsts = self.acls.first_matches(device, acl) if items else []
            hit = []
            for item in items:
                region = s.true
                if item.narrows:
                    region = self.acls.filter(device, acl)
                elif item.relaxed:
                    decided = [
                        d
                        for rule, d in firsts
                        if rule is not None
                        and rule.action == "permit"
                        and (rule.src_ref.file, rule.src_ref.line) == (item.file, item.line)
                    ]
                    # not found as a deciding permit (an accept handed on to the next
                    # netfilter stage ...): every packet, as for any other line
                    region = functools.reduce(operator.or_, decided) if decided else s.true
                hit.append((item, region))
            self._regions[key] = hit
        return hit

    def _hop(self, device, vrf, hop: Hop, packets, out, add, touch, queue) -> None:  # type: ignore[no-untyped-def]
        s = self.space
        net = self.net
        if hop.kind == "null":
            add(out.drops, ("null-routed", device, vrf), packets)
            return
        if hop.kind == "nextvrf":
            queue.append(((device, hop.vrf, None), packets))
            return
        egress: L3If | None = net.l3.get((device, hop.interface or ""))
        if egress is None:  # not built from an interface segproof knows: never silently dropped
            add(out.drops, ("no-route", device, vrf), packets)
            return
        out.interfaces.add((device, egress.name, "out"))
        touch(egress.uncertain, packets)
        for af in (4, 6):
            flt = egress.filters.get((af, "out"))
            if flt is None:
                continue
            passed = self._apply(device, flt, packets, touch)
            add(
                out.drops,
                ("denied", device, egress.name, af, "out", flt.binding.name),
                packets & ~passed,
            )
            packets &= passed
        if packets == s.false:
            return
        if hop.kind in ("connected", "exit"):
            if hop.kind == "exit" and egress.domain is not None and not self._has_subnet(egress):
                add(out.success, ("exits", device, egress.name, ""), packets)
            else:
                add(out.success, ("delivered", device, egress.name), packets)
            return
        if egress.domain is not None:
            touch(net.domain_uncertain.get(egress.domain, []), packets)
        # next hop: who owns it on the egress domain?
        owners = (
            net.owners.get((egress.domain, hop.next_hop or ""), [])
            if egress.domain is not None
            else []
        )
        owners = [o for o in owners if not (o.device == device and o.vrf == vrf)]
        if owners:
            for owner in owners:
                queue.append(((owner.device, owner.vrf, owner.name), packets))
            return
        opaque = net.domain_opaque.get(egress.domain, set()) if egress.domain is not None else set()
        if opaque:
            for name in sorted(opaque):
                add(
                    out.uncertain,
                    ("opaque", name, f"{device} {egress.name} next hop {hop.next_hop}"),
                    packets,
                )
            return
        add(out.success, ("exits", device, egress.name, hop.next_hop or ""), packets)

    @staticmethod
    def _has_subnet(itf: L3If) -> bool:
        return bool(itf.v4 or itf.v6)
