"""Explaining a camera's result: violations (space, example flows, cited path), DHCP relays,
where core-bound packets stop, and what the proof depends on but did not understand."""

from __future__ import annotations

import ipaddress

from agent.endpoints.locate import Host
from agent.engine.acl import Packet
from agent.engine.forward import Outcome
from agent.engine.space import Bdd, Box
from agent.engine.trace import Branch, decide, from_domain
from agent.models import result as r
from agent.models.device import Unrecognized
from agent.pipeline import render
from agent.pipeline.context import Context

DHCP_DISCOVER = ("0.0.0.0", "255.255.255.255", 68, 67)


def relays(ctx: Context, h: Host, cores: dict[str, Bdd], allowed: Bdd) -> list[r.Violation]:
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
    first = port_hops(ctx, h, None, discover)
    if any(f.action != "permit" for hop in first for f in hop.filters):
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
                        path=[*first, hop],
                        disposition="relayed",
                        disposition_detail=(
                            f"{itf.device} {itf.name} relays the camera's DHCP broadcasts to "
                            f"{relay.address} (ip helper-address); allow udp/67 to it in the "
                            "policy if that is intended"
                        ),
                    )
                )
    return out


def violation(
    ctx: Context, h: Host, core: str, hit: Bdd, out: Outcome, certain: bool
) -> r.Violation:
    s = ctx.engine.space
    boxes, truncated = s.to_boxes(hit)
    space = [render.box(b, include_src=ctx.any_source or not single_source(b)) for b in boxes]
    flows = render.flows(boxes, limit=3, sources=preferred_sources(ctx, h))
    branch = explain(ctx, h, flows[0]) if flows else None
    approximated = bool((hit & out.approximated) != s.false)
    return r.Violation(
        core=core,
        space=space,
        space_truncated=truncated,
        flows=flows,
        path=render.path(branch, port_hops(ctx, h, flows[0]) if flows else []) if branch else [],
        disposition=branch.disposition if branch else "unknown",
        disposition_detail=branch.detail if branch else "the example flow could not be traced",
        approximated=approximated,
        certain=certain,
    )


def preferred_sources(ctx: Context, h: Host) -> tuple[int, ...]:
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


def single_source(box: Box) -> bool:
    spans = box.get("src", ())
    return len(spans) == 1 and spans[0].lo == spans[0].hi


def packet(flow: r.Flow) -> Packet:
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


def explain(ctx: Context, h: Host, flow: r.Flow) -> Branch | None:
    if h.domain is None:
        return None
    branches = from_domain(ctx.net, h.domain, packet(flow), first_success=True)
    successes = [b for b in branches if b.success]
    return successes[0] if successes else (branches[0] if branches else None)


def port_hops(
    ctx: Context, h: Host, flow: r.Flow | None, probe: Packet | None = None
) -> list[r.PathHop]:
    """The camera's access port as the first hop, with its inbound port ACL decisions."""
    if not h.edges:
        return []
    dev, itf = h.edges[0]
    pkt = probe if probe is not None else packet(flow) if flow is not None else None
    filters = []
    for flt in ctx.net.port_filters.get((dev, itf), []):
        if pkt is not None:
            filters.append(r.FilterHit(**render.decision(decide(ctx.net, dev, flt, pkt))))
    return [r.PathHop(device=dev, in_=itf, out=None, filters=filters)]


def uncertain(ctx: Context, h: Host, out: Outcome, focus: Bdd) -> list[r.UncertainItem]:
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
                    device=device_of_file(ctx, item.file),
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


def device_of_file(ctx: Context, file: str) -> str | None:
    for name, dev in ctx.net.devices.items():
        if dev.file == file:
            return name
    return None


def stops(ctx: Context, h: Host, out: Outcome, focus: Bdd) -> list[r.Stop]:
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
