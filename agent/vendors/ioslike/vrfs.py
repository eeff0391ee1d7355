"""VRF and VLAN definitions.

VRFs: IOS ``vrf definition X`` / ``ip vrf X``, EOS ``vrf instance X`` (and older ``vrf
definition X``). ``rd``, ``description``, ``address-family`` sub-blocks and import/export maps
are understood. Route targets are collected (also from EOS ``router bgp`` / ``vrf`` blocks):
a VRF importing a route target that *another* VRF of the same device exports leaks routes
between them, which the model does not express, so that import line is unrecognised.

VLANs: ``vlan 20`` (+ ``name X``, ``state suspend``/``shutdown``) and ranges ``vlan 10,20-22``.
"""

from __future__ import annotations

from agent.models.device import Vlan, Vrf
from agent.vendors.ioslike.blocks import Node
from agent.vendors.ioslike.context import Ctx
from agent.vendors.ioslike.switchport import parse_vlan_list

_VRF_UNDERSTOOD = frozenset(
    {"rd", "description", "exit-address-family", "import", "export", "vpn", "maximum"}
)


def vrf_name(words: list[str]) -> str | None:
    """The VRF a definition line names, or ``None`` if it is not a VRF definition."""
    if len(words) == 3 and words[0] == "vrf" and words[1] in ("definition", "instance"):
        return words[2]
    if len(words) == 3 and words[:2] == ["ip", "vrf"]:
        return words[2]
    return None


def parse_vrf(node: Node, name: str, ctx: Ctx, vrfs: dict[str, Vrf]) -> None:
    if name not in vrfs:
        vrfs[name] = Vrf(name=name, src=ctx.tally.source(node))
    ctx.tally.understood(node)
    _vrf_body(node.children, name, ctx)


def _vrf_body(children: list[Node], name: str, ctx: Ctx) -> None:
    tally = ctx.tally
    for child in children:
        words = child.text.split()
        if words[0] == "address-family":
            tally.understood(child)
            _vrf_body(child.children, name, ctx)
        elif words[0] == "route-target" and len(words) >= 3:
            for d in ("import", "export") if words[1] == "both" else (words[1],):
                ctx.route_targets.append((name, d, words[-1], child))
            tally.understood(child)
        elif words[0] in _VRF_UNDERSTOOD:
            tally.understood_tree(child)
        else:
            tally.unrecognized_tree(child, "vrf", name)


def check_route_targets(ctx: Ctx) -> None:
    """Report imports of route targets exported by another VRF of this device."""
    exporters: dict[str, set[str]] = {}
    for vrf, direction, rt, _node in ctx.route_targets:
        if direction == "export":
            exporters.setdefault(rt, set()).add(vrf)
    for vrf, direction, rt, node in ctx.route_targets:
        others = sorted(exporters.get(rt, set()) - {vrf})
        if direction == "import" and others:
            ctx.tally.unrecognized(
                node,
                "vrf",
                vrf,
                f"route-target {rt} is exported by VRF {', '.join(others)}: "
                "route leaking between VRFs not modelled",
            )


def parse_vlan(node: Node, ctx: Ctx, vlans: dict[int, Vlan]) -> bool:
    """Read ``vlan N[,M-P]``; ``False`` if the header is not a VLAN list."""
    words = node.text.split()
    ids = parse_vlan_list("".join(words[1:])) if len(words) >= 2 else None
    if ids is None:
        return False
    tally = ctx.tally
    tally.understood(node)
    name: str | None = None
    shutdown = False
    scope = words[1]
    for child in node.children:
        cw = child.text.split()
        if cw[0] == "name" and len(cw) >= 2:
            name = child.text[len("name") :].strip()
            tally.understood_tree(child)
        elif cw in (["state", "suspend"], ["shutdown"]):
            shutdown = True
            tally.understood_tree(child)
        elif cw in (["state", "active"], ["no", "shutdown"]):
            tally.understood_tree(child)
        elif cw[0] in ("media", "mtu", "backupcrf", "are", "ste"):
            tally.irrelevant_tree(child)
        else:
            why = "VLAN option not modelled"
            tally.unrecognized_tree(child, "vlan", scope, why)
    src = tally.source(node)
    for vid in sorted(ids):
        vlans[vid] = Vlan(id=vid, name=name, shutdown=shutdown, src=src)
    return True
