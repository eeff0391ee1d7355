"""Plan the smallest change that closes every violation of a verify report.

``acl`` (default): at each router interface of an affected camera segment (the first layer-3
hop, inbound), deny camera -> core for the cameras' own source addresses, with the policy's
allowed exceptions explicitly permitted before the deny (only the part the ACL permits today:
nothing is widened), inserted before the first existing entry that permits violating traffic;
the ACL already bound there is reused (free sequence numbers, resequenced if none are free), or
a new one is created and bound. IPv6 violations get an IPv6 filter.

``vlan``: move each reaching camera's access port into a quarantine VLAN (created if absent).
``shutdown``: shut each reaching camera's access port.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass

from agent.endpoints.locate import Host, discover
from agent.engine.space import Bdd, Box
from agent.errors import InputError
from agent.models import result as r
from agent.models.device import Acl, Device
from agent.models.plan import AclChange, ChainChange, DeviceChange, Entry, PortChange, Strategy
from agent.models.policy import parse_service
from agent.pipeline.context import Context
from agent.pipeline.network import IPNet, L3If
from agent.pipeline.verify import allowed_set, core_sets
from agent.remediate import linux
from agent.remediate.apply import seq_of

SUPPORTED = ("cisco_ios", "arista_eos")
NEW_ACL = {4: "SEGPROOF-CAM-IN", 6: "SEGPROOF-CAM-IN6"}
ROUTED = ("delivered", "accepted", "exits")


@dataclass(slots=True)
class Planned:
    devices: list[DeviceChange]
    unfixable: list[str]


def run(ctx: Context, report: r.Report, strategy: Strategy, vlan: int | None = None) -> Planned:
    reaching = [c for c in report.cameras if c.status == "reachable"]
    if strategy == "acl":
        return _acl(ctx, reaching)
    if strategy == "vlan" and vlan is None:
        raise InputError("--strategy vlan needs --vlan N (the quarantine VLAN)")
    if vlan is not None and not 1 <= vlan <= 4094:
        raise InputError(f"--vlan {vlan}: a VLAN id is 1-4094")
    return _ports(ctx, reaching, strategy, vlan)


# -- acl -------------------------------------------------------------------------------------


def _hosts_by_camera(ctx: Context, cameras: list[r.Camera]) -> dict[str, Host]:
    hosts = discover(ctx.net, ctx.snapshot.state, ctx.snapshot.topology, ctx.policy)
    wanted = {(c.ip, c.mac) for c in cameras}
    out = {}
    for h in hosts:
        ip = h.ipv4[0] if h.ipv4 else None
        mac = ":".join(h.mac[i : i + 2] for i in range(0, 12, 2)) if h.mac else None
        if (ip, mac) in wanted:
            out[ip or mac or ""] = h
    return out


def _acl(ctx: Context, cameras: list[r.Camera]) -> Planned:
    unfixable: list[str] = []
    hosts = _hosts_by_camera(ctx, cameras)
    # domain -> family -> camera source prefixes
    sources: dict[int, dict[int, list[str]]] = {}
    for cam in cameras:
        name = cam.ip or cam.mac or "?"
        h = hosts.get(name)
        for v in cam.violations:
            if not v.certain:
                continue
            if v.disposition == "l2-delivered":
                unfixable.append(
                    f"{name}: reaches {v.core} at layer 2 (same segment as a core subnet); "
                    "no router ACL can stop it: use --strategy vlan"
                )
                continue
            if v.disposition == "relayed":
                unfixable.append(
                    f"{name}: DHCP relay to a core server ({v.path[-1].route}); allow udp/67 to "
                    "it in the policy or remove the helper"
                )
                continue
            if h is None or h.domain is None:
                unfixable.append(f"{name}: not located on a modelled segment")
                continue
            fams = {4 if b.family == "ipv4" else 6 for b in v.space}
            per = sources.setdefault(h.domain, {})
            for fam in fams:
                per[fam] = _collapse([*per.get(fam, []), *_camera_sources(ctx, cam, h, fam)])
    changes: dict[str, list[AclChange | ChainChange]] = {}
    cams_of: dict[str, list[str]] = {}
    allowed = allowed_set(ctx)
    cores = core_sets(ctx)
    linux_sources: dict[str, dict[int, list[str]]] = {}  # device -> family -> sources
    for domain, per_family in sorted(sources.items()):
        gateways = ctx.net.domain_l3.get(domain, [])
        for itf in gateways:
            dev = ctx.net.devices[itf.device]
            if dev.platform == "linux":
                per_dev = linux_sources.setdefault(dev.name, {})
                for family, srcs in per_family.items():
                    per_dev[family] = _collapse([*per_dev.get(family, []), *srcs])
                continue
            if dev.platform not in SUPPORTED:
                unfixable.append(
                    f"{itf.device}: platform {dev.platform} has no remediation renderer yet"
                )
                continue
            for family, srcs in sorted(per_family.items()):
                change = _acl_change(ctx, dev, itf, family, srcs, allowed, cores)
                if isinstance(change, str):  # why this interface cannot be changed
                    unfixable.append(change)
                    continue
                if change is not None:
                    changes.setdefault(dev.name, []).append(change)
                    cams_of.setdefault(dev.name, [])
    for name, per_family in sorted(linux_sources.items()):
        for family, srcs in sorted(per_family.items()):
            chain = _chain_change(ctx, ctx.net.devices[name], family, srcs)
            if isinstance(chain, str):
                unfixable.append(chain)
            elif chain is not None:
                changes.setdefault(name, []).append(chain)
                cams_of.setdefault(name, [])
    for cam in cameras:
        h = hosts.get(cam.ip or cam.mac or "?")
        if h is None or h.domain is None:
            continue
        for itf in ctx.net.domain_l3.get(h.domain, []):
            if itf.device in cams_of and (cam.ip or cam.mac) not in cams_of[itf.device]:
                cams_of[itf.device].append(cam.ip or cam.mac or "?")
    devices = [
        DeviceChange(
            device=name,
            platform=ctx.net.devices[name].platform,
            file=ctx.net.devices[name].file,
            changes=list(items),
            cameras=cams_of.get(name, []),
        )
        for name, items in sorted(changes.items())
    ]
    return Planned(devices, unfixable)


def _camera_sources(ctx: Context, cam: r.Camera, h: Host, family: int) -> list[str]:
    if ctx.any_source:
        return ["0.0.0.0/0" if family == 4 else "::/0"]
    if family == 4:
        return [f"{ip}/32" for ip in h.ipv4] or [
            str(n) for i in ctx.net.domain_l3.get(h.domain or -1, []) for n in i.subnets(4)
        ]
    out = []
    for text in cam.ipv6:
        net = ipaddress.ip_network(text, strict=False)
        out.append(str(net))
    return out


def _acl_change(
    ctx: Context,
    dev: Device,
    itf: L3If,
    family: int,
    srcs: list[str],
    allowed: Bdd,
    cores: dict[str, Bdd],
) -> AclChange | str | None:
    """The change at one interface for one family; None if nothing to do there, or the reason
    it cannot be changed automatically."""
    s = ctx.engine.space
    src_set = s.prefixes("src", srcs) & s.family(family)
    core_prefixes = _core_prefixes(ctx, family)
    if not core_prefixes:
        return None
    core_any = s.false
    for bdd in cores.values():
        core_any |= bdd
    target = src_set & core_any & ~allowed
    flt = itf.filters.get((family, "in"))
    acl = flt.acl if flt is not None else None
    if flt is not None and flt.binding.name.isdigit():
        return (
            f"{dev.name} {itf.name}: numbered ACL {flt.binding.name} is bound; segproof inserts "
            "entries into named ACLs only (convert it to a named ACL first)"
        )
    if acl is not None:
        regions = ctx.engine.acls.first_matches(dev.name, acl)
        k = None
        for index, (rule, region) in enumerate(regions):
            if rule is not None and rule.action == "permit" and (region & target) != s.false:
                k = index
                break
        if k is None:
            return None  # this ACL lets no violating packet through
        position = acl.rules.index(regions[k][0])  # type: ignore[arg-type]
        earlier = s.false
        for rule_bdd in ctx.engine.acls.compiled(dev.name, acl)[:position]:
            earlier |= rule_bdd
        after = _permitted_from(ctx, dev.name, acl, position)
        keep = src_set & allowed & ~earlier & after
    else:
        position = 0
        keep = src_set & allowed
    permits = [e for box in _boxes(ctx, keep) for e in _box_entries(box, family, "permit")]
    denies: list[dict[str, object]] = [
        {"action": "deny", "protocol": None, "src": src, "dst": dst, "log": True}
        for src in srcs
        for dst in core_prefixes
    ]
    wanted = len(permits) + len(denies) + (1 if acl is None else 0)
    if acl is None:
        name = flt.binding.name if flt is not None else _new_name(dev, family)
        entries = _number(
            [
                *permits,
                *denies,
                {"action": "permit", "protocol": None, "src": _any(family), "dst": _any(family)},
            ],
            10,
            10,
        )
        return AclChange(
            family=family,
            interface=itf.name,
            acl=name,
            create=True,
            bind=flt is None,
            entries=entries,
        )
    # every numbered line of the ACL as the device shows it (EOS numbers its remarks too)
    lines = [
        (seq_of(line), " remark " in f" {line.strip()} ") for line in _original_lines(ctx, acl)
    ]
    numbered = [n for n, _ in lines if n is not None]
    remarks = {n for n, is_remark in lines if n is not None and is_remark}
    target = acl.rules[position].seq or 0
    if target not in numbered:
        return f"{dev.name} {acl.name}: entry {target} not found in the configuration text"
    index = numbered.index(target)
    while index > 0 and numbered[index - 1] in remarks:  # keep a remark with its entry
        index -= 1
    target = numbered[index]
    before = numbered[index - 1] if index > 0 else 0
    room = target - before - 1
    resequence = None
    original: list[str] = []
    if room < wanted:
        step = 10 * ((wanted // 10) + 1)
        resequence = (step, step)
        original = _original_lines(ctx, acl)
        before = step * index
        room = step - 1
    gap = max(1, room // (wanted + 1))
    entries = _number([*permits, *denies], before + gap, gap)
    return AclChange(
        family=family,
        interface=itf.name,
        acl=acl.name,
        create=False,
        bind=False,
        resequence=resequence,
        entries=entries,
        original=original,
    )


def _chain_change(
    ctx: Context, dev: Device, family: int, srcs: list[str]
) -> ChainChange | str | None:
    """Linux: our chain with the allowed exceptions (RETURN) and camera -> core drops."""
    text = next(c.text for c in ctx.snapshot.configs if c.file == dev.file)
    backend = linux.backend(text, family)
    if backend is None:
        return f"{dev.name}: no iptables or nft on the device to carry a filter"
    if linux.has_chain(text):
        return f"{dev.name}: a segproof chain is already there (roll the last change back first)"
    cores = _core_prefixes(ctx, family)
    if not cores:
        return None
    items: list[dict[str, object]] = []
    for src in srcs:
        src_net = ipaddress.ip_network(src)
        for flow in ctx.policy.allowed:
            if flow.sources is not None and not any(
                _within(src_net, ipaddress.ip_network(p)) for p in flow.sources
            ):
                continue
            for dst in flow.destinations:
                if ipaddress.ip_network(dst).version != family:
                    continue
                for service in flow.services:
                    proto, lo, hi, itype, icode = parse_service(service)
                    if proto in (1, 58) and proto != (1 if family == 4 else 58):
                        continue
                    items.append(
                        {
                            "action": "permit",
                            "protocol": proto,
                            "src": src,
                            "dst": dst,
                            "dst_ports": (lo, hi) if lo is not None and hi is not None else None,
                            "icmp_type": itype,
                            "icmp_code": icode,
                        }
                    )
        items += [{"action": "deny", "protocol": None, "src": src, "dst": d} for d in cores]
    return ChainChange(
        family=4 if family == 4 else 6,
        backend=backend,
        chain=linux.CHAIN,
        entries=_number(items, 10, 10),
    )


def _core_prefixes(ctx: Context, family: int) -> list[str]:
    return [
        p
        for core in ctx.policy.core
        for p in core.prefixes
        if ipaddress.ip_network(p).version == family
    ]


def _within(inner: IPNet, outer: IPNet) -> bool:
    if isinstance(inner, ipaddress.IPv4Network) and isinstance(outer, ipaddress.IPv4Network):
        return inner.subnet_of(outer)
    if isinstance(inner, ipaddress.IPv6Network) and isinstance(outer, ipaddress.IPv6Network):
        return inner.subnet_of(outer)
    return False


def _collapse(prefixes: list[str]) -> list[str]:
    """The smallest list of prefixes covering exactly the same addresses (contiguous camera
    addresses merge: 10.20.0.12/32 and 10.20.0.13/32 become 10.20.0.12/31)."""
    out: list[str] = []
    for version in (4, 6):
        nets = [
            n
            for n in (ipaddress.ip_network(p, strict=False) for p in prefixes)
            if n.version == version
        ]
        out.extend(str(n) for n in ipaddress.collapse_addresses(nets))  # type: ignore[type-var]
    return out


def _any(family: int) -> str:
    return "0.0.0.0/0" if family == 4 else "::/0"


def _new_name(dev: Device, family: int) -> str:
    base = NEW_ACL[family]
    taken = set(dev.acls) | set(dev.acls6)
    name, n = base, 2
    while name in taken:
        name, n = f"{base}-{n}", n + 1
    return name


def _number(items: Iterable[dict[str, object]], first: int, step: int) -> list[Entry]:
    return [Entry.model_validate({"seq": first + i * step, **item}) for i, item in enumerate(items)]


def _permitted_from(ctx: Context, device: str, acl: Acl, position: int) -> Bdd:
    """Packets the entries from ``position`` on (then the implicit deny) would permit."""
    s = ctx.engine.space
    remaining = s.family(acl.family)
    permitted = s.false
    compiled = ctx.engine.acls.compiled(device, acl)
    for rule, match in zip(acl.rules[position:], compiled[position:], strict=True):
        if rule.action == "permit":
            permitted |= remaining & match
        remaining &= ~match
    return permitted


def _original_lines(ctx: Context, acl: Acl) -> list[str]:
    """The ACL's entry lines exactly as in the configuration file (for an exact rollback)."""
    config = next(c for c in ctx.snapshot.configs if c.file == acl.src.file)
    lines = config.text.splitlines()
    out = []
    i = acl.src.line  # the header is at line acl.src.line (1-based): entries follow
    while i < len(lines) and lines[i].startswith(" "):
        out.append(lines[i])
        i += 1
    return out


def _boxes(ctx: Context, bdd: Bdd) -> list[Box]:
    s = ctx.engine.space
    if bdd == s.false:
        return []
    # whole packets only: a permit entry with ports also lets the matching non-initial
    # fragments through (IOS/EOS semantics), as the allowed exception does
    whole = s.exists(["est"], bdd & ~s.bits("frag", 1, 1))
    boxes, _ = s.to_boxes(
        whole, order=("af", "proto", "src", "dst", "dport", "sport", "itype", "icode")
    )
    return boxes


def _cidrs(spans: Iterable[object], family: int) -> list[str]:
    cls = ipaddress.IPv4Address if family == 4 else ipaddress.IPv6Address
    out: list[str] = []
    for span in spans:
        lo, hi = span.lo, span.hi  # type: ignore[attr-defined]
        out.extend(str(n) for n in ipaddress.summarize_address_range(cls(lo), cls(hi)))
    return out


def _box_entries(box: Box, family: int, action: str) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    protos = box["proto"]
    full = len(protos) == 1 and protos[0].lo == 0 and protos[0].hi == 255
    proto_values: list[int | None] = (
        [None] if full else [p for span in protos for p in range(span.lo, span.hi + 1)]
    )
    for proto in proto_values:
        dports: list[tuple[int, int] | None] = [None]
        sports: list[tuple[int, int] | None] = [None]
        icmp: list[tuple[int | None, int | None]] = [(None, None)]
        if proto in (6, 17, 132):
            dports = _spans(box["dport"], 65535)
            sports = _spans(box["sport"], 65535)
        if proto in (1, 58):
            types = _spans(box["itype"], 255)
            codes = _spans(box["icode"], 255)
            icmp = [
                (t, c)
                for tspan in types
                for t in ([None] if tspan is None else range(tspan[0], tspan[1] + 1))
                for cspan in codes
                for c in ([None] if cspan is None else range(cspan[0], cspan[1] + 1))
            ]
        for src in _cidrs(box["src"], family):
            for dst in _cidrs(box["dst"], family):
                for dp in dports:
                    for sp in sports:
                        for itype, icode in icmp:
                            out.append(
                                {
                                    "action": action,
                                    "protocol": proto,
                                    "src": src,
                                    "dst": dst,
                                    "dst_ports": dp,
                                    "src_ports": sp,
                                    "icmp_type": itype,
                                    "icmp_code": icode,
                                }
                            )
    return out


def _spans(spans: tuple[object, ...], full: int) -> list[tuple[int, int] | None]:
    if len(spans) == 1 and spans[0].lo == 0 and spans[0].hi == full:  # type: ignore[attr-defined]
        return [None]
    return [(span.lo, span.hi) for span in spans]  # type: ignore[attr-defined]


# -- vlan / shutdown --------------------------------------------------------------------------


def _ports(ctx: Context, cameras: list[r.Camera], strategy: Strategy, vlan: int | None) -> Planned:
    unfixable: list[str] = []
    changes: dict[str, list[PortChange]] = {}
    cams_of: dict[str, list[str]] = {}
    for cam in cameras:
        name = cam.ip or cam.mac or "?"
        loc = cam.location
        if loc.how not in ("mac-table", "topology") or not loc.device or not loc.interface:
            unfixable.append(f"{name}: no access port known (located by {loc.how})")
            continue
        dev = ctx.net.devices.get(loc.device)
        if dev is None or dev.platform not in SUPPORTED:
            unfixable.append(f"{name}: {loc.device} has no remediation renderer")
            continue
        itf = dev.interfaces[loc.interface]
        if itf.switchport is None or itf.switchport.mode == "trunk":
            unfixable.append(f"{name}: {loc.device} {loc.interface} is not an access port")
            continue
        no_shut_at = _no_shutdown_index(ctx, dev, loc.interface)
        if strategy == "shutdown":
            change = PortChange(kind="shutdown", interface=loc.interface, no_shutdown_at=no_shut_at)
        else:
            assert vlan is not None
            explicit = _has_access_vlan_line(ctx, dev, loc.interface)
            change = PortChange(
                kind="vlan",
                interface=loc.interface,
                vlan=vlan,
                previous_vlan=itf.switchport.access_vlan if explicit else None,
                create_vlan=vlan not in dev.vlans
                and not any(
                    isinstance(c, PortChange) and c.create_vlan for c in changes.get(dev.name, [])
                ),
            )
        changes.setdefault(dev.name, []).append(change)
        cams_of.setdefault(dev.name, []).append(name)
    devices = [
        DeviceChange(
            device=name,
            platform=ctx.net.devices[name].platform,
            file=ctx.net.devices[name].file,
            changes=list(items),
            cameras=cams_of[name],
        )
        for name, items in sorted(changes.items())
    ]
    return Planned(devices, unfixable)


def _block(ctx: Context, dev: Device, interface: str) -> list[str]:
    config = next(c for c in ctx.snapshot.configs if c.file == dev.file)
    itf = dev.interfaces[interface]
    lines = config.text.splitlines()
    out = []
    i = itf.src.line
    while i < len(lines) and lines[i].startswith(" "):
        out.append(lines[i].strip())
        i += 1
    return out


def _no_shutdown_index(ctx: Context, dev: Device, interface: str) -> int | None:
    body = _block(ctx, dev, interface)
    return body.index("no shutdown") if "no shutdown" in body else None


def _has_access_vlan_line(ctx: Context, dev: Device, interface: str) -> bool:
    return any(line.startswith("switchport access vlan ") for line in _block(ctx, dev, interface))
