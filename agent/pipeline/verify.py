"""Verify stage: from a parsed network, the policy and the endpoints to a ``Report``.

Cameras on the same layer-2 domain share one symbolic walk (their sources differ, so the
result of each is recovered exactly by restricting to its source addresses). The walk starts
with core-bound packets only: nothing else can become a violation, since no address is
rewritten.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass

from agent.endpoints.locate import Host, discover, display_mac, record_hosts
from agent.engine.acl import Packet
from agent.engine.forward import Engine, Outcome, Start
from agent.engine.space import Bdd, Box
from agent.engine.trace import Branch, decide, from_domain
from agent.models import result as r
from agent.models.device import Unrecognized
from agent.models.policy import Policy, parse_service
from agent.models.snapshot import Snapshot
from agent.pipeline import render
from agent.pipeline.network import Network
from agent.pipeline.parse import Parsed

Progress = Callable[[str], None]


@dataclass(slots=True)
class Context:
    snapshot: Snapshot
    policy: Policy
    parsed: Parsed
    net: Network
    engine: Engine
    any_source: bool = False


def core_sets(ctx: Context) -> dict[str, Bdd]:
    s = ctx.engine.space
    return {core.name: s.prefixes("dst", core.prefixes) for core in ctx.policy.core}


def allowed_set(ctx: Context) -> Bdd:
    s = ctx.engine.space
    total = s.false
    for flow in ctx.policy.allowed:
        dst = s.prefixes("dst", flow.destinations)
        src = s.true if flow.sources is None else s.prefixes("src", flow.sources)
        svc = s.false
        for text in flow.services:
            proto, lo, hi, itype, icode = parse_service(text)
            part = s.true if proto is None else s.protocol(proto)
            if lo is not None and hi is not None:
                # a non-initial fragment carries no port: it belongs to the allowed flow
                part &= s.value_range("dport", lo, hi) | s.bits("frag", 1, 1)
            if itype is not None:
                part &= s.bits("itype", itype, 0xFF)
            if icode is not None:
                part &= s.bits("icode", icode, 0xFF)
            svc |= part
        total |= dst & src & svc
    return total


def sources(ctx: Context, h: Host) -> Bdd:
    """Source addresses a camera can use: its known IPv4 addresses (or any in its subnets when
    none is known), its IPv6 neighbour addresses plus every address of the IPv6 prefixes on its
    segment's router interfaces (SLAAC)."""
    s = ctx.engine.space
    if ctx.any_source:
        return s.true
    v4 = s.false
    v6 = s.false
    for ip in h.ipv4:
        v4 |= s.host("src", ip)
    for ip in h.ipv6:
        v6 |= s.host("src", ip)
    itfs = ctx.net.domain_l3.get(h.domain, []) if h.domain is not None else []
    for itf in itfs:
        for subnet in itf.subnets(6):
            v6 |= s.prefix("src", subnet)
        if not h.ipv4:
            for subnet in itf.subnets(4):
                v4 |= s.prefix("src", subnet)
    return v4 | v6


def _port_filter(ctx: Context, h: Host) -> Bdd:
    s = ctx.engine.space
    result = s.true
    for dev, itf in h.edges[:1]:
        for flt in ctx.net.port_filters.get((dev, itf), []):
            result &= ctx.engine.filter_set(dev, flt)
    return result


def run(ctx: Context, progress: Progress | None = None) -> r.Report:
    engine = ctx.engine
    s = engine.space
    hosts = discover(ctx.net, ctx.snapshot.state, ctx.snapshot.topology, ctx.policy)
    cameras = [h for h in hosts if h.flagged]
    record_hosts(ctx.net, hosts)
    unaddressed: dict[int, list[Host]] = {}
    for h in hosts:
        if h.domain is None or h.ipv4 or h.ipv6:
            continue
        if not h.flagged and not (
            ctx.net.domain_l3.get(h.domain) or ctx.net.domain_down.get(h.domain)
        ):
            unaddressed.setdefault(h.domain, []).append(h)
    cores = core_sets(ctx)
    core_any = s.false
    for bdd in cores.values():
        core_any |= bdd
    allowed = allowed_set(ctx)

    # one symbolic walk per camera domain
    by_domain: dict[int, list[Host]] = {}
    for h in cameras:
        if h.domain is not None:
            by_domain.setdefault(h.domain, []).append(h)
    outcomes: dict[int, Outcome] = {}
    src_of: dict[int, Bdd] = {}
    for i, (domain, group) in enumerate(sorted(by_domain.items())):
        if progress:
            progress(f"proving domain {i + 1}/{len(by_domain)}")
        packets = s.false
        for h in group:
            src = sources(ctx, h)
            src_of[id(h)] = src
            packets |= src & _port_filter(ctx, h)
        outcomes[domain] = engine.run([Start(domain, packets & core_any)])

    results = []
    for h in cameras:
        out = outcomes.get(h.domain) if h.domain is not None else None
        cam = _camera(ctx, h, out, src_of.get(id(h)), cores, core_any, allowed)
        strangers = (
            [o for o in unaddressed.get(h.domain, []) if o is not h] if h.domain is not None else []
        )
        if strangers and cam.status == "isolated":
            why = (
                f"{len(strangers)} host(s) on the camera's segment have no known address and no "
                "router interface gives the segment a subnet: a core host there would be reached "
                f"at layer 2 (first: {display_mac(strangers[0])})"
            )
            cam = cam.model_copy(
                update={
                    "status": "inconclusive",
                    "uncertain": [*cam.uncertain, r.UncertainItem(why=why)],
                }
            )
        results.append(cam)
    endpoints = [_endpoint(ctx, h) for h in hosts if not h.flagged]
    statuses = {c.status for c in results}
    verdict: r.Verdict = (
        "violation"
        if "reachable" in statuses
        else "inconclusive"
        if "inconclusive" in statuses
        else "isolated"
    )
    notes = list(ctx.net.notes)
    if not cameras:
        if _has_endpoint_data(ctx):
            notes.append(
                "no flagged camera found in the ARP/NDP/MAC tables, topology.yml or the policy"
            )
        else:
            verdict = "inconclusive"
            notes.append(
                "no endpoint data (arp.json, ndp.json, mac.json, topology.yml endpoints or "
                "policy ips): "
                "cameras cannot be found, so nothing is proven"
            )
    return r.Report(
        verdict=verdict,
        cameras=results,
        endpoints=endpoints,
        unrecognized=render.unrecognized(ctx.parsed),
        devices=render.devices(ctx.parsed),
        snapshot=ctx.snapshot.root,
        policy=ctx.policy.file or "",
        any_source=ctx.any_source,
        notes=notes,
    )


def _has_endpoint_data(ctx: Context) -> bool:
    if ctx.snapshot.topology.endpoints or ctx.policy.flagged.ips:
        return True
    return any(t.arp or t.ndp or t.mac for t in ctx.snapshot.state.values())


def _camera(
    ctx: Context,
    h: Host,
    out: Outcome | None,
    src: Bdd | None,
    cores: dict[str, Bdd],
    core_any: Bdd,
    allowed: Bdd,
) -> r.Camera:
    engine = ctx.engine
    s = engine.space
    cls = h.classification
    base = {
        "ip": h.ipv4[0] if h.ipv4 else None,
        "ipv6": _ipv6_sources(ctx, h),
        "mac": display_mac(h),
        "vendor": cls.family if cls and cls.family else None,
        "organisation": cls.organisation if cls else None,
        "evidence": h.flagged_by,
        "location": render.location(ctx.net, h),
    }
    if h.domain is None and h.shut:
        return r.Camera(
            **base,
            status="isolated",
            stops=[
                r.Stop(
                    device=dev,
                    reason="shutdown",
                    detail=f"the camera's access port {itf} is shut down",
                )
                for dev, itf in h.shut
            ],
        )
    if out is None or src is None:
        return r.Camera(
            **base,
            status="inconclusive",
            uncertain=[r.UncertainItem(why="camera could not be located on any modelled segment")],
        )
    success = s.false
    for packets in out.success.values():
        success |= packets
    touched = s.false
    for packets in out.uncertain.values():
        touched |= packets
    itself = s.false  # a camera talking to its own address is not a violation
    for ip in [*h.ipv4, *h.ipv6]:
        itself |= s.host("dst", ip)
    reach = success & src & ~allowed & ~itself
    violations = []
    for name, core in cores.items():
        hit = reach & core
        if hit == s.false:
            continue
        certain = hit & ~touched
        if certain != s.false:
            violations.append(_violation(ctx, h, name, certain, out, certain=True))
        else:
            violations.append(_violation(ctx, h, name, hit, out, certain=False))
    violations.extend(_relays(ctx, h, cores, allowed))
    uncertain = _uncertain(ctx, h, out, src & core_any & ~allowed)
    for dev, itf, domain in h.elsewhere:
        uncertain.append(
            r.UncertainItem(
                device=dev,
                why=f"the camera's MAC is also learned on {dev} {itf} "
                f"({ctx.net.domain_names.get(domain, '?')}), a different segment: only "
                f"{h.device} {h.interface} was analysed",
            )
        )
    proven = any(v.certain for v in violations)
    stops = [] if violations else _stops(ctx, h, out, src & core_any & ~allowed)
    status: r.Status = (
        "reachable" if proven else "inconclusive" if uncertain or violations else "isolated"
    )
    return r.Camera(**base, status=status, violations=violations, stops=stops, uncertain=uncertain)


DHCP_DISCOVER = ("0.0.0.0", "255.255.255.255", 68, 67)


def _relays(ctx: Context, h: Host, cores: dict[str, Bdd], allowed: Bdd) -> list[r.Violation]:
    """DHCP relay: a router on the camera's segment with ``ip helper-address`` re-sends the
    camera's DHCP broadcasts (UDP 67) to the helper. A helper inside a core network is a flow
    from the camera into it (unless allowed), whatever the ACLs further on: the router sends it
    as its own packet."""
    s = ctx.engine.space
    out: list[r.Violation] = []
    src_ip = h.ipv4[0] if h.ipv4 else "0.0.0.0"
    discover = Packet.of(
        DHCP_DISCOVER[0], DHCP_DISCOVER[1], 17, sport=DHCP_DISCOVER[2], dport=DHCP_DISCOVER[3]
    )
    port_hops = _port_hops(ctx, h, None, discover)
    if any(f.action != "permit" for hop in port_hops for f in hop.filters):
        return out
    for itf in ctx.net.domain_l3.get(h.domain, []) if h.domain is not None else []:
        cfg = ctx.net.devices[itf.device].interfaces.get(itf.name)
        if cfg is None or not cfg.relays:
            continue
        flt = itf.filters.get((4, "in"))
        decisions = [decide(ctx.net, itf.device, flt, discover)] if flt is not None else []
        if any(d.action != "permit" for d in decisions):
            continue
        for relay in cfg.relays:
            point = s.host("dst", relay.address) & s.protocol(17) & s.bits("dport", 67, 0xFFFF)
            point &= s.host("src", src_ip) & ~s.bits("frag", 1, 1)
            for name, core in cores.items():
                hit = point & core & ~allowed
                if hit == s.false:
                    continue
                boxes, _ = s.to_boxes(hit)
                hop = r.PathHop(
                    device=itf.device,
                    vrf=itf.vrf,
                    in_=itf.name,
                    filters=[r.FilterHit(**render.decision(d)) for d in decisions],
                    route=relay.src.text,
                    route_file=relay.src.file,
                    route_line=relay.src.line,
                )
                out.append(
                    r.Violation(
                        core=name,
                        space=[render.box(b, include_src=True) for b in boxes],
                        flows=[
                            r.Flow(
                                src=src_ip,
                                dst=relay.address,
                                protocol="udp",
                                src_port=68,
                                dst_port=67,
                            )
                        ],
                        path=[*port_hops, hop],
                        disposition="relayed",
                        disposition_detail=(
                            f"{itf.device} {itf.name} relays the camera's DHCP broadcasts to "
                            f"{relay.address} (ip helper-address); allow udp/67 to it in the "
                            "policy if that is intended"
                        ),
                    )
                )
    return out


def _ipv6_sources(ctx: Context, h: Host) -> list[str]:
    out = list(h.ipv6)
    for itf in ctx.net.domain_l3.get(h.domain, []) if h.domain is not None else []:
        for subnet in itf.subnets(6):
            text = str(subnet)
            if text not in out:
                out.append(text)
    return out


def _violation(
    ctx: Context, h: Host, core: str, hit: Bdd, out: Outcome, certain: bool
) -> r.Violation:
    s = ctx.engine.space
    boxes, truncated = s.to_boxes(hit)
    space = [render.box(b, include_src=ctx.any_source or not _single_source(b)) for b in boxes]
    flows = render.flows(boxes, limit=3, sources=_preferred_sources(ctx, h))
    branch = _explain(ctx, h, flows[0]) if flows else None
    approximated = bool((hit & out.approximated) != s.false)
    return r.Violation(
        core=core,
        space=space,
        space_truncated=truncated,
        flows=flows,
        path=render.path(branch, _port_hops(ctx, h, flows[0]) if flows else []) if branch else [],
        disposition=branch.disposition if branch else "unknown",
        disposition_detail=branch.detail if branch else "the example flow could not be traced",
        approximated=approximated,
        certain=certain,
    )


def _preferred_sources(ctx: Context, h: Host) -> tuple[int, ...]:
    """The camera's own addresses, then its EUI-64 address in each IPv6 prefix of its segment."""
    out = [int(ipaddress.ip_address(ip)) for ip in [*h.ipv4, *h.ipv6]]
    if h.mac:
        mac = int(h.mac, 16)
        eui = ((mac >> 24) << 40) | (0xFFFE << 24) | (mac & 0xFFFFFF)
        eui ^= 1 << 57  # flip the universal/local bit
        for itf in ctx.net.domain_l3.get(h.domain, []) if h.domain is not None else []:
            for subnet in itf.subnets(6):
                if subnet.prefixlen == 64:
                    out.append(int(subnet.network_address) | eui)
    return tuple(out)


def _single_source(box: Box) -> bool:
    spans = box.get("src", ())
    return len(spans) == 1 and spans[0].lo == spans[0].hi


def _packet(flow: r.Flow) -> Packet:
    proto = {"tcp": 6, "udp": 17, "icmp": 1, "icmpv6": 58, "sctp": 132}.get(flow.protocol)
    number = proto if proto is not None else (int(flow.protocol) if flow.protocol.isdigit() else 0)
    return Packet.of(
        flow.src,
        flow.dst,
        number,
        sport=flow.src_port or 0,
        dport=flow.dst_port or 0,
        itype=flow.icmp_type or 0,
        icode=flow.icmp_code or 0,
        est=flow.established,
        frag=flow.fragment,
    )


def _explain(ctx: Context, h: Host, flow: r.Flow) -> Branch | None:
    if h.domain is None:
        return None
    branches = from_domain(ctx.net, h.domain, _packet(flow), first_success=True)
    successes = [b for b in branches if b.success]
    return successes[0] if successes else (branches[0] if branches else None)


def _port_hops(
    ctx: Context, h: Host, flow: r.Flow | None, packet: Packet | None = None
) -> list[r.PathHop]:
    """The camera's access port as the first hop, with its inbound port ACL decisions."""
    if not h.edges:
        return []
    dev, itf = h.edges[0]
    pkt = packet if packet is not None else _packet(flow) if flow is not None else None
    filters = []
    for flt in ctx.net.port_filters.get((dev, itf), []):
        if pkt is not None:
            filters.append(r.FilterHit(**render.decision(decide(ctx.net, dev, flt, pkt))))
    return [r.PathHop(device=dev, in_=itf, out=None, filters=filters)]


def _uncertain(ctx: Context, h: Host, out: Outcome, focus: Bdd) -> list[r.UncertainItem]:
    s = ctx.engine.space
    items: list[r.UncertainItem] = []
    for k, packets in out.uncertain.items():
        if (packets & focus) == s.false:
            continue
        if k[0] == "line":
            item = k[1]
            assert isinstance(item, Unrecognized)
            items.append(
                r.UncertainItem(
                    device=_device_of_file(ctx, item.file),
                    file=item.file,
                    line=item.line,
                    text=item.text,
                    why=f"{item.why} ({item.context}{' ' + item.scope if item.scope else ''})",
                )
            )
        else:
            _kind, name, where = k
            opq = ctx.net.opaque[str(name)]
            items.append(
                r.UncertainItem(
                    device=str(name),
                    file=opq.file,
                    why=f"path enters {name} ({opq.platform}, not modelled) at {where}",
                )
            )
    for dev, itf in h.edges[:1]:
        for item in ctx.net.devices[dev].unrecognized:
            if item.context == "interface" and item.scope == itf:
                items.append(
                    r.UncertainItem(
                        device=dev, file=item.file, line=item.line, text=item.text, why=item.why
                    )
                )
    items.sort(key=lambda i: (i.file or "", i.line or 0, i.why))
    return items


def _device_of_file(ctx: Context, file: str) -> str | None:
    for name, dev in ctx.net.devices.items():
        if dev.file == file:
            return name
    return None


def _stops(ctx: Context, h: Host, out: Outcome, focus: Bdd) -> list[r.Stop]:
    s = ctx.engine.space
    net = ctx.net
    stops: list[r.Stop] = []
    if h.domain is not None and not net.domain_l3.get(h.domain):
        stops.append(
            r.Stop(
                reason="layer-2 boundary",
                detail="no router interface on the camera's segment "
                f"({net.domain_names.get(h.domain, '?')})",
            )
        )
    for itf in net.domain_down.get(h.domain, []) if h.domain is not None else []:
        stops.append(
            r.Stop(
                device=itf.device,
                reason="shutdown",
                detail=f"{itf.name} is shut down",
                file=itf.src.file,
                line=itf.src.line,
                text=itf.src.text,
            )
        )
    for k, packets in sorted(out.drops.items(), key=lambda kv: str(kv[0])):
        hit = packets & focus
        if hit == s.false:
            continue
        stops.extend(render.drop(ctx.engine, net, k, hit))
    return stops


def _endpoint(ctx: Context, h: Host) -> r.Endpoint:
    cls = h.classification
    return r.Endpoint(
        ip=h.ipv4[0] if h.ipv4 else None,
        ipv6=list(h.ipv6),
        mac=display_mac(h),
        organisation=cls.organisation if cls else None,
        vendor=cls.family if cls else None,
        flagged=False,
        note=cls.note if cls else None,
        location=render.location(ctx.net, h) if h.domain is not None else None,
    )
