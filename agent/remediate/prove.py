"""Prove a remediation on the model before anyone touches a device.

1. parse(render(plan)): the rendered change, read back by the platform's own parser, gives
   exactly the planned entries (compared as packet sets);
2. the change applied to each configuration text, parsed and verified again: every targeted
   camera no longer reaches the core;
3. every allowed exception a camera had before is still reachable;
4. no other flow changes: from every segment, for its non-camera sources, the set of packets
   delivered anywhere is the same before and after (collateral, listed if any);
5. the rollback applied after the change gives back the original text exactly.
"""

from __future__ import annotations

import ipaddress

from agent.engine.forward import Engine, Start
from agent.engine.space import Bdd, Space
from agent.models import result as r
from agent.models.plan import (
    AclChange,
    ChainChange,
    DeviceChange,
    Entry,
    ProofResult,
    RenderedDevice,
)
from agent.pipeline import prepare
from agent.pipeline.context import Context
from agent.pipeline.verify import allowed_set
from agent.pipeline.verify import run as verify
from agent.remediate.apply import apply, revert
from agent.vendors import load_vendors
from agent.vendors.base import ParseFn


def entry_bdd(space: Space, entry: Entry, family: int) -> Bdd:
    """The packets an entry matches, built from the plan (not from any parser)."""
    s = space
    u = s.prefix("src", entry.src) & s.prefix("dst", entry.dst) & s.family(family)
    if entry.protocol is not None:
        u &= s.protocol(entry.protocol)
    l4 = s.true
    if entry.dst_ports is not None:
        l4 &= s.value_range("dport", *entry.dst_ports)
    if entry.src_ports is not None:
        l4 &= s.value_range("sport", *entry.src_ports)
    if entry.icmp_type is not None:
        l4 &= s.bits("itype", entry.icmp_type, 0xFF)
        if entry.icmp_code is not None:
            l4 &= s.bits("icode", entry.icmp_code, 0xFF)
    if l4 is s.true or l4 == s.true:
        return u
    frag = s.bits("frag", 1, 1)
    part = s.true if entry.action == "permit" else s.false
    return u & ((~frag & l4) | (frag & part))


def reparsed(ctx: Context, device: DeviceChange, rendered: RenderedDevice) -> list[str]:
    """Problems found reading the rendered change back with the platform parser."""
    parse = load_vendors()[device.platform].parse
    assert parse is not None
    if any(isinstance(c, ChainChange) for c in device.changes):
        return _reparsed_dump(ctx, device, parse)
    parsed = parse(rendered.change, f"remediation/{device.device}.cfg", device.device)
    # ``resequence`` is a command of ACL mode, not a line of the running configuration
    problems = [
        f"{u.line}: {u.text} ({u.why})"
        for u in parsed.unrecognized
        if not u.text.startswith("resequence ")
    ]
    space = ctx.engine.space
    for change in device.changes:
        if not isinstance(change, AclChange):
            continue
        table = parsed.acls if change.family == 4 else parsed.acls6
        acl = table.get(change.acl)
        if acl is None:
            problems.append(f"ACL {change.acl} not found in the rendered change")
            continue
        by_seq = {rule.seq: rule for rule in acl.rules}
        for entry in change.entries:
            rule = by_seq.get(entry.seq)
            if rule is None:
                problems.append(f"{change.acl} entry {entry.seq} missing")
                continue
            got = ctx.engine.acls.rule(rule, change.family)
            if rule.action != entry.action or got != entry_bdd(space, entry, change.family):
                problems.append(
                    f"{change.acl} {entry.seq}: '{rule.src_ref.text}' differs from the plan"
                )
    return problems


def _reparsed_dump(ctx: Context, device: DeviceChange, parse: ParseFn) -> list[str]:
    """Linux: the change is shell commands; what is read back is the dump after the change
    (the same rule text, built by the same functions): every line we add must be understood."""
    before = next(c.text for c in ctx.snapshot.configs if c.file == device.file)
    text = apply(before, device)
    added = set(text.splitlines()) - set(before.splitlines())
    parsed = parse(text, device.file, device.device)
    return [
        f"{u.line}: {u.text} ({u.why})"
        for u in parsed.unrecognized
        if u.text in added or u.text.strip() in {a.strip() for a in added}
    ]


def patched(ctx: Context, devices: list[DeviceChange]) -> dict[str, str]:
    """Configuration file -> text after the change."""
    by_file = {d.file: d for d in devices}
    return {
        c.file: apply(c.text, by_file[c.file]) for c in ctx.snapshot.configs if c.file in by_file
    }


def after(ctx: Context, texts: dict[str, str]) -> Context:
    configs = [
        c.model_copy(update={"text": texts.get(c.file, c.text)}) for c in ctx.snapshot.configs
    ]
    snapshot = ctx.snapshot.model_copy(update={"configs": configs})
    return prepare.build(snapshot, ctx.policy, ctx.any_source, space=ctx.engine.space)


def _reach(
    ctx: Context, engine: Engine, domain: int, src: Bdd
) -> tuple[Bdd, set[tuple[str, str, str]]]:
    """Every packet from ``src`` on ``domain`` that is delivered anywhere, and the interfaces
    the walk used."""
    s = engine.space
    out = engine.run([Start(domain, src)])
    total = s.false
    for packets in out.success.values():
        total |= packets
    return total, out.interfaces


def _touched_interfaces(
    ctx: Context, devices: list[DeviceChange]
) -> set[tuple[str, str, str]] | None:
    """Interfaces whose filtering an ACL-only change can alter: every interface of the device
    that binds a changed ACL name (in either direction), plus new bindings. None when the
    change is not ACL-only (ports move: the topology itself changes)."""
    out: set[tuple[str, str, str]] = set()
    for device in devices:
        dev = ctx.net.devices[device.device]
        for change in device.changes:
            if not isinstance(change, AclChange):
                return None
            out.add((device.device, change.interface, "in"))  # every binding we add is inbound
            for itf in dev.interfaces.values():
                pairs = (
                    [(itf.acl_in, "in"), (itf.acl_out, "out")]
                    if change.family == 4
                    else [(itf.acl6_in, "in"), (itf.acl6_out, "out")]
                )
                for binding, direction in pairs:
                    if binding is not None and binding.name == change.acl:
                        out.add((device.device, itf.name, direction))
    return out


def _camera_sources(ctx: Context, cams: list[r.Camera], exact: bool) -> Bdd:
    """The cameras' addresses; with ``exact=False`` also the IPv6 prefixes they may
    autoconfigure addresses in (shared with any other host on those segments)."""
    s = ctx.engine.space
    out = s.false
    for cam in cams:
        for ip in [cam.ip, *cam.ipv6]:
            if not ip:
                continue
            net = ipaddress.ip_network(ip, strict=False)
            if exact and net.prefixlen != net.max_prefixlen:
                continue
            out |= s.prefix("src", str(net))
    return out


def run(
    ctx: Context,
    report: r.Report,
    devices: list[DeviceChange],
    rendered: list[RenderedDevice],
    targeted: list[str],
) -> tuple[ProofResult, Context, dict[str, str]]:
    notes: list[str] = []
    problems: list[str] = []
    for device, out in zip(devices, rendered, strict=True):
        problems.extend(f"{device.device}: {p}" for p in reparsed(ctx, device, out))
    texts = patched(ctx, devices)
    rollback_ok = all(
        revert(texts[d.file], d) == next(c.text for c in ctx.snapshot.configs if c.file == d.file)
        for d in devices
    )
    fixed = after(ctx, texts)
    report_after = verify(fixed)
    still = [
        c.ip or c.mac or "?"
        for c in report_after.cameras
        if c.status == "reachable" and (c.ip or c.mac) in targeted
    ]
    # exceptions and collateral, on one shared BDD manager
    s = ctx.engine.space
    allowed = allowed_set(ctx)
    cams = report.cameras
    cam_src = _camera_sources(ctx, cams, exact=False)
    shared = cam_src & ~_camera_sources(ctx, cams, exact=True)
    domains = sorted(set(ctx.net.domain_l3) | set(ctx.net.domain_hosts))
    # an ACL-only change cannot alter a walk that never used a changed interface: the walk
    # after the change is then the walk before it (and is not run again)
    touched = _touched_interfaces(ctx, devices)
    by_name = {n: d for d, n in fixed.net.domain_names.items()}
    lost: list[str] = []
    collateral: list[str] = []
    for domain in domains:
        name = ctx.net.domain_names.get(domain, str(domain))
        twin = by_name.get(name)
        if twin is None:
            notes.append(f"segment {name} changed shape: compared through its cameras only")
            continue
        before_e, used_e = _reach(ctx, ctx.engine, domain, cam_src)
        after_e = (
            before_e
            if _untouched(used_e, touched)
            else _reach(fixed, fixed.engine, twin, cam_src)[0]
        )
        # whole packets: a fragment reaching an allowed host through some unrelated permit is
        # not an exception the policy grants
        if ((before_e & allowed & ~s.bits("frag", 1, 1)) & ~after_e) != s.false:
            lost.append(f"an allowed exception from cameras on {name}")
        if shared != s.false:
            before_s, used_s = _reach(ctx, ctx.engine, domain, shared)
            after_s = (
                before_s
                if _untouched(used_s, touched)
                else _reach(fixed, fixed.engine, twin, shared)[0]
            )
            if (before_s & ~after_s) != s.false:
                notes.append(
                    f"side effect on {name}: other hosts using the cameras' IPv6 prefixes lose "
                    f"the same core access ({_sample(s, before_s & ~after_s)}); a camera may "
                    "take any address there, so no address filter can tell them apart: "
                    "--strategy vlan separates them"
                )
        others = ~cam_src
        before_o, used_o = _reach(ctx, ctx.engine, domain, others)
        after_o = (
            before_o
            if _untouched(used_o, touched)
            else _reach(fixed, fixed.engine, twin, others)[0]
        )
        if before_o != after_o:
            gone = before_o & ~after_o
            new = after_o & ~before_o
            if gone != s.false:
                collateral.append(
                    f"traffic from {name} that no longer gets through ({_sample(s, gone)})"
                )
            if new != s.false:
                collateral.append(f"traffic from {name} that now gets through ({_sample(s, new)})")
    result = ProofResult(
        closed=not still,
        remaining=still,
        exceptions_kept=not lost,
        exceptions_lost=lost,
        collateral=collateral,
        verdict_after=report_after.verdict,
        rollback_exact=rollback_ok,
        reparsed=not problems,
        notes=notes + problems,
        side_effects=[n for n in notes if n.startswith("side effect")],
    )
    return result, fixed, texts


def _untouched(used: set[tuple[str, str, str]], touched: set[tuple[str, str, str]] | None) -> bool:
    return touched is not None and not (used & touched)


def _sample(space: Space, packets: Bdd) -> str:
    boxes, _ = space.to_boxes(packets, limit=1)
    if not boxes:
        return "?"
    box = boxes[0]
    af = 6 if box["af"][0].lo == 1 else 4
    cls = ipaddress.IPv4Address if af == 4 else ipaddress.IPv6Address
    src, dst = box["src"][0], box["dst"][0]
    return f"e.g. {cls(src.lo)} -> {cls(dst.lo)} protocol {box['proto'][0].lo}"
