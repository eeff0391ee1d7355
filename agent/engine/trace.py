"""Concrete hop-by-hop evaluation of one packet (a traceroute through the configurations).

It follows the same per-hop order as the symbolic engine (``agent.engine.forward``) but
evaluates ACLs entry by entry with ``agent.engine.acl.evaluate``, so every filter decision
names the entry (file, line, text) that made it. Every equal-cost next hop and every possible
first-hop router of the source segment is a branch of its own.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

from agent.engine.acl import Packet, evaluate
from agent.pipeline.network import FibEntry, Filter, Hop, L3If, Network


@dataclass(slots=True)
class Decision:
    name: str
    direction: str
    action: str
    file: str
    line: int
    text: str


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
    verdict, rule = evaluate(flt.acl, packet)
    if rule is None:
        src = flt.acl.src
        return Decision(
            flt.acl.name, flt.direction, verdict, src.file, src.line, "implicit deny (end of ACL)"
        )
    ref = rule.src_ref
    return Decision(flt.acl.name, flt.direction, verdict, ref.file, ref.line, ref.text)


def lookup(net: Network, device: str, vrf: str, af: int, dst: int) -> FibEntry | None:
    addr = ipaddress.ip_address(dst) if af == 4 else ipaddress.IPv6Address(dst)
    for entry in net.table(device, vrf, af):
        if addr in entry.prefix:
            return entry
    return None


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


def from_domain(net: Network, domain: int, packet: Packet) -> list[Branch]:
    """All branches of a packet sent by a host on ``domain``."""
    branches: list[Branch] = []
    local = _in_domain(net, domain, packet)
    if local is not None:
        name = net.domain_names.get(domain, str(domain))
        branches.append(Branch([], "l2-delivered", f"same layer-2 domain ({name}): {local}"))
    for name in sorted(net.domain_opaque.get(domain, ())):
        branches.append(Branch([], "uncertain", f"{name} is on the segment and is not modelled"))
    for itf in net.domain_l3.get(domain, []):
        branches.extend(_walk(net, itf.device, itf.vrf, itf.name, packet, []))
        if len(branches) >= MAX_BRANCHES:
            break
    return branches


def from_interface(net: Network, device: str, interface: str, packet: Packet) -> list[Branch]:
    itf = net.l3.get((device, interface))
    vrf = itf.vrf if itf else "default"
    return _walk(net, device, vrf, interface, packet, [])


def _walk(
    net: Network, device: str, vrf: str, ingress: str | None, packet: Packet, path: list[Step]
) -> list[Branch]:
    if any(st.device == device and st.vrf == vrf and st.ingress == ingress for st in path):
        return [Branch(path, "loop", f"returns to {device} {ingress}")]
    step = Step(device, ingress, vrf=vrf)
    steps = [*path, step]
    if device in net.opaque:
        return [
            Branch(steps, "uncertain", f"{device} is not modelled ({net.opaque[device].platform})")
        ]
    itf = net.l3.get((device, ingress)) if ingress else None
    if itf is not None:
        flt = itf.filters.get((packet.af, "in"))
        if flt is not None:
            dec = decide(net, device, flt, packet)
            step.filters.append(dec)
            if dec.action != "permit":
                return [
                    Branch(
                        steps,
                        "denied-in",
                        f"{flt.binding.name} in on {itf.name}",
                        dec.file,
                        dec.line,
                        dec.text,
                    )
                ]
    for addr, owner in net.owned(device, vrf, packet.af):
        if int(addr.ip) == packet.dst:
            return [Branch(steps, "accepted", f"{device} owns {addr.ip} ({owner.name})")]
    if not net.routing_on.get((device, vrf, packet.af), False):
        word = "ip routing" if packet.af == 4 else "ipv6 unicast-routing"
        return [Branch(steps, "routing-off", f"{device} does not route (no {word} in VRF {vrf})")]
    entry = lookup(net, device, vrf, packet.af, packet.dst)
    if entry is None:
        return [Branch(steps, "no-route", f"{device} has no route in VRF {vrf}")]
    out: list[Branch] = []
    for hop in entry.hops:
        out.extend(_hop(net, device, vrf, hop, entry, packet, steps))
    return out


def _hop(
    net: Network,
    device: str,
    vrf: str,
    hop: Hop,
    entry: FibEntry,
    packet: Packet,
    steps: list[Step],
) -> list[Branch]:
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
        return [
            Branch(
                here,
                "null-routed",
                f"{entry.prefix} to Null0",
                step.route_file,
                step.route_line,
                step.route,
            )
        ]
    if hop.kind == "nextvrf":
        return _walk(net, device, hop.vrf or "default", None, packet, here)
    egress = net.l3.get((device, hop.interface or ""))
    if egress is None:
        return [Branch(here, "no-route", f"egress {hop.interface} not usable")]
    step.egress = egress.name
    flt = egress.filters.get((packet.af, "out"))
    if flt is not None:
        dec = decide(net, device, flt, packet)
        step.filters.append(dec)
        if dec.action != "permit":
            return [
                Branch(
                    here,
                    "denied-out",
                    f"{flt.binding.name} out on {egress.name}",
                    dec.file,
                    dec.line,
                    dec.text,
                )
            ]
    if hop.kind in ("connected", "exit"):
        return [Branch(here, "delivered", f"{device} {egress.name} delivers to its subnet")]
    owners = (
        net.owners.get((egress.domain, hop.next_hop or ""), []) if egress.domain is not None else []
    )
    owners = [o for o in owners if not (o.device == device and o.vrf == vrf)]
    if owners:
        out: list[Branch] = []
        for owner in owners:
            out.extend(_walk(net, owner.device, owner.vrf, owner.name, packet, here))
        return out
    opaque = net.domain_opaque.get(egress.domain, set()) if egress.domain is not None else set()
    if opaque:
        names = ", ".join(sorted(opaque))
        return [Branch(here, "uncertain", f"next hop {hop.next_hop} may be {names} (not modelled)")]
    return [
        Branch(
            here, "exits", f"leaves the snapshot at {device} {egress.name} toward {hop.next_hop}"
        )
    ]
