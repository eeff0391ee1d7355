"""Dynamic routing blocks (``router ospf|ospfv3|eigrp|bgp|rip|isis``, ``ipv6 router ...``).

Routing is not simulated: the engine over-approximates ("every router may learn every prefix"),
so lines that can only make a network learn *less* (filters, distances, summaries, timers,
route-maps ...) are understood without being modelled. What is kept: the process, its VRF,
the ``network`` statements as canonical prefixes and the configured BGP peer addresses.
``address-family ... vrf X`` (IOS) and ``vrf X`` (EOS BGP) sub-blocks become processes of
their own in VRF ``X``. A keyword not in ``irrelevant.ROUTING`` is unrecognised.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from agent.models.device import RoutingProcess, Source
from agent.vendors.ioslike import addr
from agent.vendors.ioslike.blocks import Node
from agent.vendors.ioslike.context import Ctx
from agent.vendors.ioslike.irrelevant import ROUTING

_PROTOCOLS = {
    "ospf": "ospf",
    "ospfv3": "ospfv3",
    "eigrp": "eigrp",
    "bgp": "bgp",
    "rip": "rip",
    "isis": "isis",
}


@dataclass(slots=True)
class ProcDraft:
    protocol: str
    id: str
    vrf: str
    src: Source
    networks: list[str] = field(default_factory=list)
    neighbors: list[str] = field(default_factory=list)
    passive_default: bool = False

    @property
    def scope(self) -> str:
        return f"{self.protocol} {self.id}".strip()

    def build(self) -> RoutingProcess:
        return RoutingProcess(
            protocol=self.protocol,
            id=self.id,
            vrf=self.vrf,
            networks=list(dict.fromkeys(self.networks)),
            neighbors=list(dict.fromkeys(self.neighbors)),
            passive_default=self.passive_default,
            src=self.src,
        )


def parse(node: Node, ctx: Ctx, out: list[ProcDraft]) -> bool:
    """Read a routing block; ``False`` if ``node`` is not a routing process we know."""
    words = node.text.split()
    if words[0] == "ipv6":  # ipv6 router ospf 1 / ipv6 router eigrp 1 / ipv6 router rip X
        words = words[1:]
        if len(words) >= 2 and words[1] == "ospf":
            words[1] = "ospfv3"
    protocol = _PROTOCOLS.get(words[1]) if len(words) >= 2 else None
    if protocol is None:
        return False
    rest = words[2:]
    vrf = "default"
    if "vrf" in rest:
        j = rest.index("vrf")
        if j + 1 < len(rest):
            vrf = rest[j + 1]
        rest = rest[:j]
    proc = ProcDraft(protocol, " ".join(rest), vrf, ctx.tally.source(node))
    out.append(proc)
    ctx.tally.understood(node)
    _body(node.children, proc, ctx, out)
    return True


def _sub(proc: ProcDraft, vrf: str, node: Node, ctx: Ctx, out: list[ProcDraft]) -> ProcDraft:
    for p in out:
        if p.protocol == proc.protocol and p.id == proc.id and p.vrf == vrf:
            return p
    sub = ProcDraft(proc.protocol, proc.id, vrf, ctx.tally.source(node))
    out.append(sub)
    return sub


def _body(children: list[Node], proc: ProcDraft, ctx: Ctx, out: list[ProcDraft]) -> None:
    tally = ctx.tally
    for child in children:
        words = child.text.split()
        neg = words[0] == "no" and len(words) > 1
        key = words[1] if neg else words[0]
        if key == "address-family" and not neg:
            target = proc
            if "vrf" in words and words.index("vrf") + 1 < len(words):
                target = _sub(proc, words[words.index("vrf") + 1], child, ctx, out)
            tally.understood(child)
            _body(child.children, target, ctx, out)
        elif key == "vrf" and not neg and len(words) == 2 and proc.protocol == "bgp":
            tally.understood(child)
            _body(child.children, _sub(proc, words[1], child, ctx, out), ctx, out)
        elif key == "network" and not neg:
            prefix = _network(words[1:], proc.protocol)
            if prefix is None:
                tally.unrecognized_tree(child, "routing", proc.scope, "invalid address")
            else:
                proc.networks.append(prefix)
                tally.understood_tree(child)
        elif key == "neighbor" and not neg:
            if len(words) >= 3 and words[2] in ("remote-as", "peer-group", "peer"):
                hop = addr.host(words[1])
                if hop is not None:
                    proc.neighbors.append(hop.address)
            tally.understood_tree(child)
        elif key == "route-target" and not neg and len(words) >= 3:
            _route_target(words, proc, child, ctx)
        elif key in ROUTING:
            if key == "passive-interface" and words[-1] == "default":
                proc.passive_default = not neg
            tally.understood_tree(child)
        else:
            tally.unrecognized_tree(child, "routing", proc.scope)


def _route_target(words: list[str], proc: ProcDraft, node: Node, ctx: Ctx) -> None:
    direction = words[1]
    rt = words[-1]
    for d in ("import", "export") if direction == "both" else (direction,):
        ctx.route_targets.append((proc.vrf, d, rt, node))
    ctx.tally.understood(node)


def _network(args: list[str], protocol: str) -> str | None:
    if not args:
        return None
    first = args[0]
    if "/" in first:
        return addr.canonical_prefix(first)
    if protocol == "bgp":
        if len(args) >= 3 and args[1] == "mask":
            return addr.mask_prefix(first, args[2])
        return addr.classful_prefix(first)
    if protocol == "ospf":
        return addr.wildcard_prefix(first, args[1]) if len(args) >= 4 else None
    if len(args) >= 2 and addr.is_v4(args[1]):  # eigrp A W
        return addr.wildcard_prefix(first, args[1])
    return addr.classful_prefix(first)
