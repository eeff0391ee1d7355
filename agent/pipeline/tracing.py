"""``segproof trace``: one concrete flow, hop by hop, from where its source lives."""

from __future__ import annotations

import ipaddress

from agent.endpoints.locate import discover, record_hosts
from agent.engine.acl import Packet
from agent.engine.trace import Branch, from_domain
from agent.errors import InputError
from agent.models import result as r
from agent.pipeline import render
from agent.pipeline.context import Context

PROTOCOLS = {"tcp": 6, "udp": 17, "icmp": 1, "icmpv6": 58, "sctp": 132, "gre": 47, "esp": 50}


def _protocol(text: str, af: int) -> int:
    value = text.strip().lower()
    if value == "icmp" and af == 6:
        return 58
    if value in PROTOCOLS:
        return PROTOCOLS[value]
    if value.isdigit() and 0 <= int(value) <= 255:
        return int(value)
    raise InputError(f"--proto: {text!r} is not tcp, udp, icmp, icmpv6 or a protocol number")


def _start(ctx: Context, src: str) -> tuple[int, str]:
    hosts = discover(ctx.net, ctx.snapshot.state, ctx.snapshot.topology, ctx.policy)
    record_hosts(ctx.net, hosts)
    for h in hosts:
        if (src in h.ipv4 or src in h.ipv6) and h.domain is not None:
            where = f"{h.device} {h.interface}" if h.device else "its segment"
            return h.domain, f"host {src} at {where}"
    addr = ipaddress.ip_address(src)
    for itf in ctx.net.l3.values():
        if itf.up and itf.domain is not None and any(addr in n for n in itf.subnets(addr.version)):
            return itf.domain, f"subnet of {itf.device} {itf.name}"
    raise InputError(
        f"--src {src}: no modelled segment holds this address",
        hint="use a host address from the snapshot",
    )


def _branch(b: Branch) -> r.TraceBranch:
    return r.TraceBranch(
        disposition=b.disposition,
        success=b.success,
        detail=b.detail,
        file=b.file,
        line=b.line,
        text=b.text,
        path=render.path(b, []),
    )


def run(
    ctx: Context,
    src: str,
    dst: str,
    proto: str,
    dport: int | None,
    sport: int,
    icmp_type: int | None,
) -> r.TraceResult:
    af = ipaddress.ip_address(src).version
    if ipaddress.ip_address(dst).version != af:
        raise InputError("--src and --dst are of different address families")
    number = _protocol(proto, af)
    ports = number in (6, 17, 132)
    icmp = number in (1, 58)
    dport_value = (
        dport if dport is not None else (443 if number == 6 else 53 if number == 17 else 0)
    )
    packet = Packet.of(
        src,
        dst,
        number,
        sport=sport if ports else 0,
        dport=dport_value if ports else 0,
        itype=(icmp_type if icmp_type is not None else (8 if af == 4 else 128)) if icmp else 0,
    )
    domain, where = _start(ctx, src)
    branches = from_domain(ctx.net, domain, packet)
    flow = r.Flow(
        src=src,
        dst=dst,
        protocol=render.PROTO_NAMES.get(number, str(number)),
        src_port=packet.sport if ports else None,
        dst_port=packet.dport if ports else None,
        icmp_type=packet.itype if icmp else None,
        icmp_code=0 if icmp else None,
    )
    return r.TraceResult(
        flow=flow, start=where, branches=[_branch(b) for b in branches], snapshot=ctx.snapshot.root
    )
