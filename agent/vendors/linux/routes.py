"""Routes and policy rules from ``ip -4/-6 -j route show table all`` and ``ip -4/-6 -j rule``.

One routing table is modelled: ``main``. The ``local`` table only confirms the device's own
addresses (its ``local`` routes for interface addresses, broadcast and multicast entries); any
other local route (``ip route add local 10.5.0.0/16 dev lo``) is reported. Per prefix the
lowest metric wins; a multipath route gives every next hop. ``blackhole``, ``unreachable`` and
``prohibit`` discard (``Null0``). Kernel routes of an interface's own subnet are the connected
routes segproof derives from the addresses (not added twice); other kernel routes are kept as
``kernel``. Routes of a routing daemon (``proto bgp``/``ospf``/...) are kept, the device joins
the dynamic-routing approximation for that protocol, and they are reported: the daemon's choices
are not modelled.

Policy routing is not modelled: any rule beyond ``local``/``main``/``default`` is reported, and
routes in other tables are then reported too; without such a rule no lookup reaches them
(irrelevant). Routes in table ``default`` are reported (consulted when ``main`` has no route).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

from agent.models.device import Interface, Route, RoutingProcess, Source
from agent.vendors.linux.dump import IRRELEVANT, UNDERSTOOD, Books
from agent.vendors.linux.jsonpos import Obj, objects, strings, text

IPNet = ipaddress.IPv4Network | ipaddress.IPv6Network
NULL = "Null0"
DISCARD = ("blackhole", "unreachable", "prohibit")
LOCAL_ONLY = ("broadcast", "multicast", "anycast")
DAEMONS = {
    "bgp": "bgp",
    "ospf": "ospf",
    "isis": "isis",
    "rip": "rip",
    "eigrp": "eigrp",
    "babel": "",
    "bird": "",
    "zebra": "",
    "openr": "",
}
DEFAULT_RULES = {(0, "local"), (32766, "main"), (32767, "default")}


@dataclass(frozen=True, slots=True)
class Path:
    """Where the kernel sends one prefix: out of these interfaces, or nowhere (``null``)."""

    prefix: IPNet
    egress: tuple[str, ...]  # empty: discarded
    src: Source


@dataclass(slots=True)
class Routing:
    routes: list[Route] = field(default_factory=list)
    processes: list[RoutingProcess] = field(default_factory=list)
    # what may route a packet elsewhere than table main says (policy rules, routing daemons):
    # then the output interface the forward rules test is not certain
    elsewhere: dict[int, list[Source]] = field(default_factory=dict)
    # per family, the routing of table main as the FIB will hold it (connected subnets too),
    # longest prefix first
    paths: dict[int, list[Path]] = field(default_factory=dict)


def route_text(obj: Obj) -> str:
    """The route as ``ip route`` prints it (shortened)."""
    parts = [text(obj, "type")] if text(obj, "type") not in ("", "unicast") else []
    parts.append(text(obj, "dst"))
    for key, word in (("gateway", "via"), ("dev", "dev"), ("table", "table")):
        if text(obj, key):
            parts += [word, text(obj, key)]
    if text(obj, "protocol"):
        parts += ["proto", text(obj, "protocol")]
    if isinstance(obj.get("metric"), int):
        parts += ["metric", str(obj["metric"])]
    hops = obj.get("nexthops")
    for hop in hops if isinstance(hops, list) else []:
        if isinstance(hop, Obj):
            parts += ["nexthop", "via", text(hop, "gateway", "-"), "dev", text(hop, "dev", "-")]
    return " ".join(parts)


def rule_text(obj: Obj) -> str:
    pri = obj.get("priority")
    out = f"{pri}: from {text(obj, 'src', 'all')}"
    if isinstance(obj.get("srclen"), int):
        out += f"/{obj['srclen']}"
    return out + f" lookup {text(obj, 'table', '?')}"


def _prefix(obj: Obj, family: int) -> IPNet | None:
    dst = text(obj, "dst")
    if dst == "default":
        dst = "0.0.0.0/0" if family == 4 else "::/0"
    try:
        net = ipaddress.ip_network(dst, strict=False)
    except ValueError:
        return None
    return net if net.version == family else None


def policy_rules(value: object, books: Books) -> list[Source]:
    """Check the rules of one family: those beyond the default lookups (reported)."""
    extra_rules = []
    for obj in objects(value):
        line = obj.line_of("priority")
        extra = set(obj) - {"priority", "src", "table"}
        key = (obj.get("priority"), text(obj, "table"))
        if extra or text(obj, "src") != "all" or key not in DEFAULT_RULES:
            why = "policy routing rule: only table main is modelled"
            books.unrecognized(line, "route", None, why, rule_text(obj))
            extra_rules.append(books.source(line, rule_text(obj)))
        books.span(obj.first, obj.last, UNDERSTOOD)
    return extra_rules


def parse(
    family: int,
    value: object,
    interfaces: dict[str, Interface],
    default_rules: bool,
    books: Books,
    out: Routing,
) -> None:
    """Read one family's routes into ``out``."""
    up = {n for n, i in interfaces.items() if not i.shutdown}
    subnets = _connected(family, interfaces)
    own = {
        ipaddress.ip_interface(a.address).ip
        for i in interfaces.values()
        for a in (*i.ipv4, *i.ipv6)
    }
    best: dict[IPNet, list[tuple[int, Obj]]] = {}
    for obj in objects(value):
        line = obj.line_of("dst")
        books.span(obj.first, obj.last, IRRELEVANT)
        table, kind = text(obj, "table", "main"), text(obj, "type", "unicast")
        prefix = _prefix(obj, family)
        say = route_text(obj)
        if prefix is None:
            books.unrecognized(line, "route", None, "destination not understood", say)
        elif table == "local":
            _local(obj, kind, prefix, own, books, say)
        elif table != "main":
            if table == "default" or not default_rules:
                why = f"route in table {table}: only table main is modelled"
                books.unrecognized(line, "route", None, why, say)
        elif kind in LOCAL_ONLY or (family == 6 and prefix.network_address.is_link_local):
            books.irrelevant(line)
        elif kind not in ("unicast", *DISCARD) or "src" in obj or "tos" in obj:
            why = f"{kind} route" if kind != "unicast" else "source-specific or TOS route"
            books.unrecognized(line, "route", None, why + ": not modelled", say)
        else:
            metric = obj.get("metric")
            best.setdefault(prefix, []).append((metric if isinstance(metric, int) else 0, obj))
    paths: list[Path] = []
    for prefix, candidates in best.items():
        low = min(m for m, _ in candidates)
        for metric, obj in candidates:
            books.understood(obj.line_of("dst"))
            if metric == low:
                path = _route(family, prefix, obj, subnets, up, interfaces, books, out)
                if path is not None and prefix not in subnets:
                    paths.append(path)
    for net, owners in subnets.items():  # connected subnets win, as in the FIB
        paths.append(Path(net, tuple(sorted({n for n, _ in owners})), owners[0][1]))
    paths.sort(key=lambda p: (-p.prefix.prefixlen, int(p.prefix.network_address)))
    out.paths[family] = paths


def _connected(
    family: int, interfaces: dict[str, Interface]
) -> dict[IPNet, list[tuple[str, Source]]]:
    out: dict[IPNet, list[tuple[str, Source]]] = {}
    for name, itf in interfaces.items():
        if itf.shutdown or itf.switchport is not None or itf.channel_group:
            continue
        if itf.kind == "loopback":
            continue  # 127.0.0.0/8 from outside is a martian: dropped before any hook
        for addr in itf.ipv4 if family == 4 else itf.ipv6:
            net = ipaddress.ip_interface(addr.address).network
            if addr.link_local or net.network_address.is_link_local:
                continue
            out.setdefault(net, []).append((name, addr.src))
    return out


def _local(
    obj: Obj,
    kind: str,
    prefix: IPNet,
    own: set[ipaddress.IPv4Address | ipaddress.IPv6Address],
    books: Books,
    say: str,
) -> None:
    line = obj.line_of("dst")
    loopback = text(obj, "dev") == "lo" and prefix.network_address.is_loopback
    mine = prefix.num_addresses == 1 and prefix.network_address in own
    if kind in LOCAL_ONLY or (kind == "local" and (loopback or mine)):
        books.understood(line)
        return
    books.unrecognized(line, "route", None, f"{kind} route in table local: not modelled", say)


def _route(
    family: int,
    prefix: IPNet,
    obj: Obj,
    subnets: dict[IPNet, list[tuple[str, Source]]],
    up: set[str],
    interfaces: dict[str, Interface],
    books: Books,
    out: Routing,
) -> Path | None:
    line, say = obj.line_of("dst"), route_text(obj)
    src = books.source(line, say)
    kind, proto = text(obj, "type", "unicast"), text(obj, "protocol", "boot")
    if kind in DISCARD:
        out.routes.append(Route(prefix=str(prefix), interface=NULL, protocol="static", src=src))
        return Path(prefix, (), src)
    listed = obj.get("nexthops")
    hops = [h for h in listed if isinstance(h, Obj)] if isinstance(listed, list) else [obj]
    devs = [text(h, "dev") for h in hops]
    if not all(devs) or any(d not in interfaces for d in devs):
        books.unrecognized(line, "route", None, "next hop interface not in ip link", say)
        return None
    if proto == "kernel" and prefix in subnets and {n for n, _ in subnets[prefix]} >= set(devs):
        return None  # the connected route the FIB derives from the address
    label = "kernel" if proto == "kernel" else "static"
    if proto in DAEMONS:
        label = DAEMONS[proto] or proto
        _daemon(family, proto, src, books, out)
        out.elsewhere.setdefault(family, []).append(src)
    for hop in hops:
        if "dead" in strings(hop, "flags"):
            continue
        gateway = text(hop, "gateway") or None
        out.routes.append(
            Route(
                prefix=str(prefix),
                next_hop=gateway,
                interface=text(hop, "dev"),
                protocol=label,
                src=src,
            )
        )
    live = {text(h, "dev") for h in hops if "dead" not in strings(h, "flags")}
    live &= up
    return Path(prefix, tuple(sorted(live)), src) if live else None


def _daemon(family: int, proto: str, src: Source, books: Books, out: Routing) -> None:
    why = f"route learned by a routing daemon (proto {proto}): the daemon is not modelled"
    books.unrecognized(src.line, "routing", proto, why, src.text)
    name = DAEMONS[proto]
    if name == "ospf" and family == 6:
        name = "ospfv3"
    if not name or (name == "rip" and family == 6):
        return
    if any(p.protocol == name for p in out.processes):
        return
    out.processes.append(RoutingProcess(protocol=name, src=src))
