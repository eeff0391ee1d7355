"""Static routes: ``ip route`` / ``ipv6 route`` in the IOS (``A M``) and EOS (``A/len``) forms.

``ip route [vrf X] PREFIX {NEXT-HOP | IFACE [NEXT-HOP]} [distance] [tag N] [name X]
[permanent] [global]``; EOS also ``egress-vrf Y`` before the next hop and ``metric N``.
``global`` (IOS) and ``egress-vrf`` (EOS) leak into another VRF (``next_vrf``). A route made
conditional by ``track`` or ``bfd``, a ``dhcp`` next hop and ``multicast`` routes are not
modelled: the line is unrecognised and no route is added.
"""

from __future__ import annotations

import ipaddress

from agent.models.device import Route
from agent.vendors.ioslike import addr
from agent.vendors.ioslike.blocks import Node
from agent.vendors.ioslike.context import Ctx
from agent.vendors.ioslike.names import canonical

_KEYWORDS = frozenset(
    {
        "tag",
        "name",
        "permanent",
        "track",
        "global",
        "multicast",
        "unicast",
        "dhcp",
        "metric",
        "egress-vrf",
        "vrf",
        "bfd",
        "static",
    }
)


class RouteError(ValueError):
    pass


def _next_hop(token: str, family: int) -> str | None:
    if family == 4:
        return token if addr.is_v4(token) else None
    try:
        return str(ipaddress.IPv6Address(token))
    except ValueError:
        return None


def parse(node: Node, ctx: Ctx, routes: list[Route]) -> None:
    """Read one ``ip route`` / ``ipv6 route`` line into ``routes`` (or report it)."""
    try:
        route = _parse(node, ctx)
    except RouteError as exc:
        ctx.tally.unrecognized_tree(node, "route", None, str(exc))
        return
    routes.append(route)
    ctx.tally.understood_tree(node)


def _parse(node: Node, ctx: Ctx) -> Route:
    words = node.text.split()
    family = 4 if words[0] == "ip" else 6
    i = 2
    vrf = "default"
    if i < len(words) and words[i] in ("static", "profile"):
        raise RouteError(f"{words[0]} route {words[i]} not modelled")
    if i < len(words) and words[i] == "vrf":
        if i + 1 >= len(words):
            raise RouteError("missing VRF name")
        vrf = words[i + 1]
        i += 2
    if i >= len(words):
        raise RouteError("missing prefix")
    if "/" in words[i]:
        prefix = addr.canonical_prefix(words[i], family)
        i += 1
    elif family == 4 and i + 1 < len(words):
        prefix = addr.mask_prefix(words[i], words[i + 1])
        i += 2
    else:
        prefix = None
    if prefix is None:
        raise RouteError("invalid address")
    next_vrf: str | None = None
    interface: str | None = None
    next_hop: str | None = None
    if i < len(words) and words[i] == "egress-vrf" and i + 1 < len(words):
        next_vrf = words[i + 1]
        i += 2
    if i < len(words) and words[i] not in _KEYWORDS and not words[i].isdigit():
        hop = _next_hop(words[i], family)
        if hop is None:
            if addr.is_v4(words[i]) or ":" in words[i]:
                raise RouteError("invalid address")
            interface = canonical(words[i], ctx.eos)
            i += 1
            if i < len(words) and (hop := _next_hop(words[i], family)) is not None:
                next_hop = hop
                i += 1
        else:
            next_hop = hop
            i += 1
    if next_hop is None and interface is None:
        if i < len(words) and words[i] == "dhcp":
            raise RouteError("DHCP-learned next hop not in the configuration")
        raise RouteError("missing next hop")
    distance = 1
    while i < len(words):
        tok = words[i]
        i += 1
        if tok.isdigit() and 1 <= int(tok) <= 255:
            distance = int(tok)
        elif tok in ("tag", "name", "metric") and i < len(words):
            i += 1
        elif tok in ("permanent", "unicast"):
            pass
        elif tok == "global" and family == 4:
            next_vrf = "default"
        elif tok in ("track", "bfd"):
            raise RouteError(f"conditional route ({tok}) not modelled")
        elif tok == "multicast":
            raise RouteError("multicast route not modelled")
        else:
            raise RouteError(f"unrecognised route option {tok}")
    return Route(
        vrf=vrf,
        prefix=prefix,
        next_hop=next_hop,
        interface=interface,
        next_vrf=next_vrf,
        distance=distance,
        src=ctx.tally.source(node),
    )
