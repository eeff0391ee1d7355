"""Concrete hop-by-hop evaluation of one packet (a traceroute through the configurations).

It follows the same per-hop order as the symbolic engine (``agent.engine.forward``) but
evaluates ACLs entry by entry with ``agent.engine.acl.evaluate``, so every filter decision
names the entry (file, line, text) that made it. Every equal-cost next hop and every possible
first-hop router of the source segment is a branch of its own.
"""

from __future__ import annotations

import ipaddress
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field

from agent.engine.acl import Packet, evaluate_path
from agent.pipeline.network import FibEntry, Filter, Hop, L3If, Network


@dataclass(slots=True)
class Decision:
    name: str
    direction: str
    action: str
    file: str
    line: int
    text: str
    # the jump/goto entries taken to the deciding entry (chains, Linux): (file, line, text)
    via: list[tuple[str, int, str]] = field(default_factory=list)


@dataclass(slots=True)
class Step:
    device: str
    ingress: str | None
    egress: str | None = None
    vrf: str = "default"
    filters: list[Decision] = field(default_factory=list)
    route: str | None = None
    route_file: str | None = None
    route_line: int | None = None
    approximated: bool = False


@dataclass(slots=True)
class Branch:
    steps: list[Step]
    disposition: str  # l2-delivered delivered accepted exits | denied-in denied-out no-route ...
    detail: str = ""
    file: str | None = None
    line: int | None = None
    text: str | None = None

    @property
    def success(self) -> bool:
        return self.disposition in SUCCESS


SUCCESS = {"l2-delivered", "delivered", "accepted", "exits"}
MAX_BRANCHES = 64


def decide(net: Network, device: str, flt: Filter, packet: Packet) -> Decision:
    binding = flt.binding
    if flt.acl is None:
        action = net.devices[device].undefined_acl_action
        return Decision(
            binding.name,
            flt.direction,
            action,
            binding.src.file,
            binding.src.line,
            f"{binding.src.text}  (ACL {binding.name} is not defined: the platform {action}s all)",
        )
    verdict, rule, taken = evaluate_path(flt.acl, packet)
    via = [(r.src_ref.file, r.src_ref.line, r.src_ref.text) for r in taken]
    if rule is None:
        src = flt.acl.src
        return Decision(
            flt.acl.name,
            flt.direction,
            verdict,
            src.file,
            src.line,
            "implicit deny (end of ACL)",
            via,
        )
    ref = rule.src_ref
    return Decision(flt.acl.name, flt.direction, verdict, ref.file, ref.line, ref.text, via)


def _in_domain(net: Network, domain: int, packet: Packet) -> str | None:
    """Why the destination is on the domain: a router subnet there, or a known host."""
    addr = (
        ipaddress.IPv4Address(packet.dst) if packet.af == 4 else ipaddress.IPv6Address(packet.dst)
    )
    for itf in net.domain_l3.get(domain, []):
        for subnet in itf.subnets(packet.af):
            if addr in subnet:
                return f"subnet of {itf.device} {itf.name}"
    if str(addr) in net.domain_hosts.get(domain, set()):
        return f"host {addr} is on it"
    return None


def from_domain(
    net: Network, domain: int, packet: Packet, first_success: bool = False
) -> list[Branch]:
    """All branches of a packet sent by a host on ``domain`` (with ``first_success``: stop at
    the shortest successful one)."""
    branches: list[Branch] = []
    local = _in_domain(net, domain, packet)
    if local is not None:
        name = net.domain_names.get(domain, str(domain))
        branches.append(Branch([], "l2-delivered", f"same layer-2 domain ({name}): {local}"))
        if first_success:
            return branches
    for name in sorted(net.domain_opaque.get(domain, ())):
        branches.append(Branch([], "uncertain", f"{name} is on the segment and is not modelled"))
    starts = [(itf.device, itf.vrf, itf.name) for itf in net.domain_l3.get(domain, [])]
    branches.extend(_Walk(net, packet).run(starts, first_success))
    return branches


def from_interface(net: Network, device: str, interface: str, packet: Packet) -> list[Branch]:
    itf = net.l3.get((device, interface))
    vrf = itf.vrf if itf else "default"
    return _Walk(net, packet).run([(device, vrf, interface)], False)


State = tuple[str, str, str | None]


@dataclass(slots=True)
class _Next:
    """A walk continues at ``state`` after ``steps``."""

    state: State
    steps: list[Step]


class _Walk:
    """One packet's walk, breadth first. Each (device, vrf, ingress) state is explored once: a
    packet's fate there does not depend on how it arrived, so a second arrival adds no
    disposition, and the walk stays linear in the network whatever the number of equal-cost
    paths. Breadth first makes the first successful branch a shortest one."""

    def __init__(self, net: Network, packet: Packet) -> None:
        self.net = net
        self.packet = packet

    def run(self, starts: Sequence[State], first_success: bool) -> list[Branch]:
        seen: set[State] = set()
        queue: deque[_Next] = deque(_Next(st, []) for st in starts)
        out: list[Branch] = []
        while queue and len(out) < MAX_BRANCHES:
            item = queue.popleft()
            if any(_state(st) == item.state for st in item.steps):
                out.append(
                    Branch(item.steps, "loop", f"returns to {item.state[0]} {item.state[2]}")
                )
                continue
            if item.state in seen:
                continue
            seen.add(item.state)
            for result in self.step(item.state, item.steps):
                if isinstance(result, _Next):
                    queue.append(result)
                    continue
                out.append(result)
                if first_success and result.success:
                    return [result]
        return out

    def step(self, state: State, path: list[Step]) -> list[Branch | _Next]:
        net, packet = self.net, self.packet
        device, vrf, ingress = state
        step = Step(device, ingress, vrf=vrf)
        steps = [*path, step]
        if device in net.opaque:
            why = f"{device} is not modelled ({net.opaque[device].platform})"
            return [Branch(steps, "uncertain", why)]
        itf = net.l3.get((device, ingress)) if ingress else None
        if itf is not None:
            denied = self.filter(device, itf, "in", steps)
            if denied is not None:
                return [denied]
        owner = net.owner_of(device, vrf, packet.af, packet.dst)
        if owner is not None:
            return [
                Branch(
                    steps,
                    "accepted",
                    f"{device} owns {_addr(packet.af, packet.dst)} ({owner.name})",
                )
            ]
        if not net.routing_on.get((device, vrf, packet.af), False):
            word = "ip routing" if packet.af == 4 else "ipv6 unicast-routing"
            why = f"{device} does not route (no {word} in VRF {vrf})"
            return [Branch(steps, "routing-off", why)]
        entry = net.lookup(device, vrf, packet.af, packet.dst)
        if entry is None:
            return [Branch(steps, "no-route", f"{device} has no route in VRF {vrf}")]
        out: list[Branch | _Next] = []
        for hop in entry.hops:
            out.extend(self.hop(device, vrf, hop, entry, steps))
        return out

    def filter(self, device: str, itf: L3If, direction: str, steps: list[Step]) -> Branch | None:
        """Apply the interface's filter for this direction to the last step: the branch that
        ends there if it denies, else None."""
        flt = itf.filters.get((self.packet.af, direction))
        if flt is None:
            return None
        dec = decide(self.net, device, flt, self.packet)
        steps[-1].filters.append(dec)
        if dec.action == "permit":
            return None
        where = f"{flt.binding.name} {direction} on {itf.name}"
        return Branch(steps, f"denied-{direction}", where, dec.file, dec.line, dec.text)

    def hop(
        self, device: str, vrf: str, hop: Hop, entry: FibEntry, steps: list[Step]
    ) -> list[Branch | _Next]:
        net = self.net
        base = steps[-1]
        step = Step(base.device, base.ingress, vrf=vrf, filters=list(base.filters))
        step.route = f"{entry.prefix} {entry.protocol}" + (
            f" via {hop.next_hop}" if hop.next_hop else ""
        )
        if hop.route is not None:
            step.route_file, step.route_line = hop.route.file, hop.route.line or None
            if hop.route.line:
                step.route = hop.route.text
        step.approximated = hop.approximated
        here = [*steps[:-1], step]
        if hop.kind == "null":
            where = f"{entry.prefix} to Null0"
            return [
                Branch(here, "null-routed", where, step.route_file, step.route_line, step.route)
            ]
        if hop.kind == "nextvrf":
            return [_Next((device, hop.vrf or "default", None), here)]
        egress = net.l3.get((device, hop.interface or ""))
        if egress is None:
            return [Branch(here, "no-route", f"egress {hop.interface} not usable")]
        step.egress = egress.name
        denied = self.filter(device, egress, "out", here)
        if denied is not None:
            return [denied]
        if hop.kind in ("connected", "exit"):
            return [Branch(here, "delivered", f"{device} {egress.name} delivers to its subnet")]
        domain = egress.domain
        owners = net.owners.get((domain, hop.next_hop or ""), []) if domain is not None else []
        owners = [o for o in owners if not (o.device == device and o.vrf == vrf)]
        if owners:
            return [_Next((o.device, o.vrf, o.name), here) for o in owners]
        opaque = net.domain_opaque.get(domain, set()) if domain is not None else set()
        if opaque:
            names = ", ".join(sorted(opaque))
            why = f"next hop {hop.next_hop} may be {names} (not modelled)"
            return [Branch(here, "uncertain", why)]
        why = f"leaves the snapshot at {device} {egress.name} toward {hop.next_hop}"
        return [Branch(here, "exits", why)]


def _state(step: Step) -> State:
    return (step.device, step.vrf, step.ingress)


def _addr(af: int, value: int) -> str:
    return str(ipaddress.IPv4Address(value) if af == 4 else ipaddress.IPv6Address(value))
