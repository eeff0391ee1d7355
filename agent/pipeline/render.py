"""Turn engine values (boxes, branches, drop events) into result models."""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING

from agent.engine.space import ICMP, PORT_PROTOCOLS, Box, Interval
from agent.engine.trace import Branch, Decision
from agent.models import result as r
from agent.pipeline.network import Network
from agent.pipeline.parse import Parsed

if TYPE_CHECKING:
    from agent.endpoints.locate import Host
    from agent.engine.forward import Engine

PROTO_NAMES = {
    1: "icmp",
    6: "tcp",
    17: "udp",
    58: "icmpv6",
    132: "sctp",
    47: "gre",
    50: "esp",
    89: "ospf",
}
FULL = {"proto": 255, "dport": 65535, "sport": 65535, "itype": 255, "icode": 255}


def _spans(box: Box, field: str) -> tuple[Interval, ...]:
    return box.get(field, ())


def _is_full(spans: tuple[Interval, ...], hi: int) -> bool:
    return len(spans) == 1 and spans[0].lo == 0 and spans[0].hi == hi


def _ranges(spans: tuple[Interval, ...]) -> list[str]:
    return [str(s.lo) if s.lo == s.hi else f"{s.lo}-{s.hi}" for s in spans]


def _cidrs(spans: tuple[Interval, ...], af: int) -> list[str]:
    cls = ipaddress.IPv4Address if af == 4 else ipaddress.IPv6Address
    out: list[str] = []
    for span in spans:
        out.extend(str(n) for n in ipaddress.summarize_address_range(cls(span.lo), cls(span.hi)))
    return out


def box(b: Box, include_src: bool = False) -> r.SpaceBox:
    af = 6 if _spans(b, "af")[0].lo == 1 else 4
    protos = _spans(b, "proto")
    if _is_full(protos, 255):
        protocol = "any"
    elif len(protos) == 1 and protos[0].lo == protos[0].hi:
        protocol = PROTO_NAMES.get(protos[0].lo, str(protos[0].lo))
    else:
        protocol = ",".join(_ranges(protos))
    single = protos[0].lo if len(protos) == 1 and protos[0].lo == protos[0].hi else None
    ports = single in PORT_PROTOCOLS
    icmp = single == ICMP[af]
    est = _spans(b, "est")
    frag = _spans(b, "frag")
    if len(frag) == 1 and frag[0].lo == frag[0].hi == 1:
        ports = icmp = False  # a non-initial fragment carries no layer-4 header
    return r.SpaceBox(
        family="ipv6" if af == 6 else "ipv4",
        protocol=protocol,
        dst=_cidrs(_spans(b, "dst"), af),
        dst_ports=_ranges(_spans(b, "dport")) if ports else None,
        src_ports=None
        if not ports or _is_full(_spans(b, "sport"), 65535)
        else _ranges(_spans(b, "sport")),
        src=_cidrs(_spans(b, "src"), af) if include_src else None,
        icmp_type=None
        if not icmp or _is_full(_spans(b, "itype"), 255)
        else _ranges(_spans(b, "itype")),
        icmp_code=None
        if not icmp or _is_full(_spans(b, "icode"), 255)
        else _ranges(_spans(b, "icode")),
        tcp=None
        if len(est) != 1 or est[0].lo != est[0].hi
        else ("established only" if est[0].lo else "not established"),
        fragments=None
        if len(frag) != 1 or frag[0].lo != frag[0].hi
        else ("non-initial only" if frag[0].lo else "initial only"),
    )


def _pick(spans: tuple[Interval, ...], prefer: tuple[int, ...] = ()) -> int:
    for value in prefer:
        if any(s.lo <= value <= s.hi for s in spans):
            return value
    first = spans[0]
    return first.lo


def _pick_host(spans: tuple[Interval, ...]) -> int:
    first = spans[0]
    return first.lo + 1 if first.hi - first.lo >= 2 else first.lo


def flows(boxes: list[Box], limit: int = 3, sources: tuple[int, ...] = ()) -> list[r.Flow]:
    """Concrete example flows, one per box (TCP first, whole packets before fragments), with
    friendly choices: the camera's own addresses, common ports."""
    order = sorted(
        boxes,
        key=lambda b: (_pick(_spans(b, "frag")), 0 if 6 in _values(_spans(b, "proto")) else 1),
    )
    out: list[r.Flow] = []
    for b in order:
        af = 6 if _spans(b, "af")[0].lo == 1 else 4
        proto = _pick(_spans(b, "proto"), (6, 17, ICMP[af]))
        cls = ipaddress.IPv4Address if af == 4 else ipaddress.IPv6Address
        src_spans = _spans(b, "src")
        flow = r.Flow(
            src=str(
                cls(
                    _pick(src_spans, sources)
                    if any(s.lo <= v <= s.hi for s in src_spans for v in sources)
                    else _pick_host(src_spans)
                )
            ),
            dst=str(cls(_pick_host(_spans(b, "dst")))),
            protocol=PROTO_NAMES.get(proto, str(proto)),
            src_port=_pick(_spans(b, "sport"), (49152,)) if proto in PORT_PROTOCOLS else None,
            dst_port=_pick(_spans(b, "dport"), (443, 22, 80, 554))
            if proto in PORT_PROTOCOLS
            else None,
            icmp_type=_pick(_spans(b, "itype"), (8, 128)) if proto == ICMP[af] else None,
            icmp_code=_pick(_spans(b, "icode"), (0,)) if proto == ICMP[af] else None,
            established=proto == 6 and _pick(_spans(b, "est")) == 1,
            fragment=_pick(_spans(b, "frag")) == 1,
        )
        if flow not in out:
            out.append(flow)
        if len(out) >= limit:
            break
    return out


def _values(spans: tuple[Interval, ...]) -> set[int]:
    out: set[int] = set()
    for s in spans:
        if s.hi - s.lo < 256:
            out.update(range(s.lo, s.hi + 1))
    return out


def decision(dec: Decision) -> dict[str, object]:
    return {
        "name": dec.name,
        "direction": dec.direction,
        "action": dec.action,
        "file": dec.file,
        "line": dec.line,
        "text": dec.text,
    }


def path(branch: Branch, first: list[r.PathHop]) -> list[r.PathHop]:
    hops = list(first)
    for step in branch.steps:
        hops.append(
            r.PathHop(
                device=step.device,
                vrf=step.vrf,
                in_=step.ingress,
                out=step.egress,
                filters=[r.FilterHit(**decision(d)) for d in step.filters],
                route=step.route,
                route_file=step.route_file,
                route_line=step.route_line,
                approximated=step.approximated,
            )
        )
    return hops


def drop(engine: Engine, net: Network, k: tuple[object, ...], hit: object) -> list[r.Stop]:
    """Stops for one drop event, citing the ACL entries that deny it."""
    kind = k[0]
    if kind == "denied":
        _k, device, itf_name, family, direction, acl_name = k
        itf = net.l3.get((str(device), str(itf_name)))
        flt = itf.filters.get((int(family), str(direction))) if itf else None  # type: ignore[call-overload]
        if flt is None:
            for flts in net.port_filters.values():
                for candidate in flts:
                    if candidate.binding.name == acl_name:
                        flt = candidate
        out: list[r.Stop] = []
        if flt is None or flt.acl is None:
            binding = flt.binding if flt else None
            return [
                r.Stop(
                    device=str(device),
                    reason="denied",
                    detail=f"{acl_name} {direction} on {itf_name}",
                    file=binding.src.file if binding else None,
                    line=binding.src.line if binding else None,
                    text=binding.src.text if binding else None,
                )
            ]
        s = engine.space
        for rule, region in engine.acls.first_matches(str(device), flt.acl):
            if rule is not None and rule.action == "permit":
                continue
            if (region & hit) == s.false:
                continue
            src = rule.src_ref if rule is not None else flt.acl.src
            text = src.text if rule is not None else f"implicit deny at the end of {flt.acl.name}"
            out.append(
                r.Stop(
                    device=str(device),
                    reason="denied",
                    detail=f"{acl_name} {direction} on {itf_name}",
                    file=src.file,
                    line=src.line,
                    text=text,
                )
            )
            if len(out) >= 5:
                break
        return out
    if kind == "no-route":
        return [r.Stop(device=str(k[1]), reason="no-route", detail=f"no route in VRF {k[2]}")]
    if kind == "null-routed":
        return [
            r.Stop(device=str(k[1]), reason="null-routed", detail=f"route to Null0 in VRF {k[2]}")
        ]
    if kind == "routing-off":
        word = "ip routing" if k[3] == 4 else "ipv6 unicast-routing"
        return [
            r.Stop(device=str(k[1]), reason="routing-disabled", detail=f"no {word} (VRF {k[2]})")
        ]
    return [r.Stop(device=str(k[1]) if len(k) > 1 else None, reason=str(kind))]


def location(net: Network, h: Host) -> r.Location:
    gws = []
    if h.domain is not None:
        gws = [f"{i.device} {i.name}" for i in net.domain_l3.get(h.domain, [])]
    return r.Location(
        device=h.device,
        interface=h.interface,
        vlan=h.vlan,
        domain=net.domain_names.get(h.domain) if h.domain is not None else None,
        gateways=gws,
        how=h.how,
    )


def unrecognized(parsed: Parsed) -> list[r.UnrecognizedLine]:
    out = []
    for name, dev in sorted(parsed.devices.items()):
        for item in dev.unrecognized:
            out.append(
                r.UnrecognizedLine(
                    device=name,
                    file=item.file,
                    line=item.line,
                    text=item.text,
                    context=item.context,
                    why=item.why,
                )
            )
    return out


def devices(parsed: Parsed) -> list[r.DeviceSummary]:
    out = [
        r.DeviceSummary(
            name=name,
            platform=dev.platform,
            file=dev.file,
            modelled=True,
            lines=dev.counts.total,
            unrecognized=dev.counts.unrecognized,
        )
        for name, dev in parsed.devices.items()
    ]
    out.extend(
        r.DeviceSummary(name=name, platform=o.platform, file=o.file, modelled=False)
        for name, o in parsed.opaque.items()
    )
    out.sort(key=lambda d: d.name)
    return out
