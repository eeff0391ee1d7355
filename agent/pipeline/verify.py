"""Verify stage: from a parsed network, the policy and the endpoints to a ``Report``.

Cameras on the same layer-2 domain share one symbolic walk (their sources differ, so the
result of each is recovered exactly by restricting to its source addresses). The walk starts
with core-bound packets only: nothing else can become a violation, since no address is
rewritten.
"""

from __future__ import annotations

from collections.abc import Callable

from agent.endpoints.locate import Host, discover, display_mac, record_hosts
from agent.engine.forward import Outcome, Start
from agent.engine.space import Bdd
from agent.models import result as r
from agent.models.policy import parse_service
from agent.pipeline import explain, render
from agent.pipeline.context import Context
from agent.pipeline.parse import failed_devices

Progress = Callable[[str], None]


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
    missing = failed_devices(ctx.snapshot)
    if missing:
        names = ", ".join(f"{n} ({why})" for n, _p, why in missing)
        notes.append(
            f"{len(missing)} device(s) could not be collected: {names}; cameras and paths "
            "behind them are unknown, so this snapshot cannot prove isolation"
        )
        if verdict == "isolated":
            verdict = "inconclusive"
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
            violations.append(explain.violation(ctx, h, name, certain, out, certain=True))
        else:
            violations.append(explain.violation(ctx, h, name, hit, out, certain=False))
    violations.extend(explain.relays(ctx, h, cores, allowed))
    uncertain = explain.uncertain(ctx, h, out, src & core_any & ~allowed)
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
    stops = [] if violations else explain.stops(ctx, h, out, src & core_any & ~allowed)
    status: r.Status = (
        "reachable" if proven else "inconclusive" if uncertain or violations else "isolated"
    )
    return r.Camera(**base, status=status, violations=violations, stops=stops, uncertain=uncertain)


def _ipv6_sources(ctx: Context, h: Host) -> list[str]:
    out = list(h.ipv6)
    for itf in ctx.net.domain_l3.get(h.domain, []) if h.domain is not None else []:
        for subnet in itf.subnets(6):
            text = str(subnet)
            if text not in out:
                out.append(text)
    return out


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
