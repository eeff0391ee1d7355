"""``acl-template``: a complete, bound isolation filter per platform, rendered from one rule list.

Rule order (every platform): the allowed exceptions (cameras -> destination on a service), then
cameras -> each core prefix denied (logged or counted), then, for filters on an interface, a final
permit so all other traffic keeps flowing. Zone firewalls get the exceptions and the deny as
policies in the cameras -> core zone pair and no final permit (their existing policies decide the
rest). IPv6 is rendered (own filter and binding where the platform needs one) iff IPv6 prefixes
are given.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from ipaddress import ip_network

from agent.acltemplate.spec import Spec, make_spec
from agent.acltemplate.targets import ALIASES, PLATFORMS, SELECTIONS, TARGETS, Target
from agent.errors import InputError, RenderError
from agent.render import Rule, Safe, build_view, render, validate_name
from agent.render.model import Family, Network

FIRST_ID = 9001  # first FortiOS policy ID; docs/templates.md: they must be free on the device
_MAX_ID = 4294967294
_ZONE_PAIR = re.compile(r"[^:/\s=]+:[^:/\s=]+")
_JUNOS_IF = re.compile(r"[a-z][a-z0-9/:-]*\.[0-9]{1,5}")
_BIND_TEXT = {
    "interface": "an interface (e.g. Vlan20; the nameif on ASA)",
    "junos-interface": "an interface unit (e.g. ge-0/0/1.0 or irb.20)",
    "zone-pair": "a zone pair FROM:TO (e.g. cameras:core)",
    "optional-interface": "an interface (e.g. vlan20)",
}
_ANY = {4: ip_network("0.0.0.0/0"), 6: ip_network("::/0")}


@dataclass(frozen=True, slots=True)
class Bind:
    """Where the filter applies: an interface (Junos: device + unit) or a zone pair."""

    interface: Safe | None = None
    unit: int | None = None
    src_zone: Safe | None = None
    dst_zone: Safe | None = None


class MissingBindError(InputError):
    """No ``--bind`` value fits this target."""


def _fits(kind: str, value: str) -> bool:
    if kind == "zone-pair":
        return bool(_ZONE_PAIR.fullmatch(value))
    if kind == "junos-interface":
        return bool(_JUNOS_IF.fullmatch(value))
    return not _ZONE_PAIR.fullmatch(value)


def _scoped(binds: Sequence[str]) -> list[tuple[str | None, str]]:
    out: list[tuple[str | None, str]] = []
    for item in binds:
        scope, eq, value = item.partition("=")
        if not eq:
            out.append((None, item))
            continue
        if scope not in TARGETS and scope not in PLATFORMS and scope not in ALIASES:
            raise InputError(
                f"{scope[:40]!r} is not a platform",
                where="--bind",
                hint="PLATFORM=VALUE with one of " + ", ".join(SELECTIONS),
            )
        out.append((scope, value))
    return out


def _make_bind(target: Target, value: str) -> Bind:
    platform = target.platform
    try:
        if target.bind == "zone-pair":
            src, _, dst = value.partition(":")
            return Bind(
                src_zone=validate_name(platform, src, "zone"),
                dst_zone=validate_name(platform, dst, "zone"),
            )
        if target.bind == "junos-interface":
            ifd, _, unit = value.rpartition(".")
            if int(unit) > 16385:
                raise InputError(f"{value!r}: unit {unit} is above 16385", where="--bind")
            return Bind(interface=validate_name(platform, ifd, "interface"), unit=int(unit))
        return Bind(interface=validate_name(platform, value, "interface"))
    except RenderError as exc:
        raise InputError(str(exc), where="--bind") from exc


def resolve_bind(target: Target, binds: Sequence[str], *, unscoped: bool = True) -> Bind | None:
    """The ``--bind`` value for ``target``: one scoped to its key, else to its platform, else an
    unscoped one of the right form (interface or zone pair). ``unscoped=False``: an optional
    binding (Linux) takes only a scoped value. ``MissingBindError`` if a required one is absent."""
    items = _scoped(binds)
    own = [v for s, v in items if s == target.key]
    for value in own:
        if not _fits(target.bind, value):
            raise InputError(
                f"{target.key}: {value[:60]!r} is not {_BIND_TEXT[target.bind]}", where="--bind"
            )
    family = [
        v
        for s, v in items
        if s == target.platform or (s in ALIASES and s != "all" and target.key in ALIASES[s])
    ]
    loose = (
        [v for s, v in items if s is None]
        if unscoped or target.bind != "optional-interface"
        else []
    )
    fitting: list[str] = []
    for level in (own, family, loose):  # the most specific level with a fitting value wins
        fitting = list(dict.fromkeys(v for v in level if _fits(target.bind, v)))
        if fitting:
            break
    if len(fitting) > 1:
        raise InputError(
            f"{target.key}: more than one --bind fits ({', '.join(repr(v[:40]) for v in fitting)})",
            where="--bind",
            hint=f"scope it: --bind {target.key}=VALUE",
        )
    if not fitting:
        if target.bind == "optional-interface":
            return None
        raise MissingBindError(
            f"{target.key} needs {_BIND_TEXT[target.bind]}",
            where="--bind",
            hint=f"--bind VALUE or --bind {target.key}=VALUE",
        )
    return _make_bind(target, fitting[0])


def rules(spec: Spec, target: Target) -> tuple[Rule, ...]:
    """The vendor-neutral rule list for ``target`` (families it can hold)."""
    families: list[Family] = [f for f in spec.families if f in target.families]
    prefix = f"{spec.name}-" if target.prefixed_rules else ""
    out: list[Rule] = []
    for index, allow in enumerate(spec.allows, start=1):
        family: Family = 4 if allow.dst.version == 4 else 6
        if family not in families:
            continue
        out.append(
            Rule(
                action="permit",
                family=family,
                protocol=allow.protocol,
                src=spec.cameras_of(family),
                dst=(allow.dst,),
                dst_ports=allow.dst_ports,
                icmp_type=allow.icmp_type,
                icmp_code=allow.icmp_code,
                remark=f"cameras -> {allow.dst} {allow.service}",
                name=f"{prefix}allow{index}",
            )
        )
    six = {4: "", 6: "-v6"}
    for family in families:
        out.append(
            Rule(
                action="deny",
                family=family,
                src=spec.cameras_of(family),
                dst=spec.core_of(family),
                log=True,
                remark="cameras must not reach core",
                name=f"{prefix}deny-core{six[family]}",
            )
        )
    if target.final_permit:
        for family in families:
            out.append(
                Rule(
                    action="permit",
                    family=family,
                    src=(_ANY[family],),
                    dst=(_ANY[family],),
                    remark="all other traffic keeps flowing",
                    name=f"{prefix}permit-any{six[family]}",
                )
            )
    return tuple(out)


def context(
    spec: Spec, target: Target, bind: Bind | None, first_id: int = FIRST_ID
) -> dict[str, object]:
    """The template context for ``target``: only checked names, numbers and addresses."""
    families = [f for f in spec.families if f in target.families]
    if not families:
        raise InputError(
            f"{target.key} holds IPv{target.families[0]} only and no such prefix was given",
            where="--cameras",
        )
    rule_list = rules(spec, target)
    labels: dict[Network, str] = {}
    for net in spec.cameras:
        labels.setdefault(net, "cam")
    for net in spec.core:
        labels.setdefault(net, "core")
    for allow in spec.allows:
        labels.setdefault(allow.dst, "dst")
    if target.ids and not 1 <= first_id <= _MAX_ID - len(rule_list):
        raise InputError(f"first policy ID {first_id} is out of range", where="--first-id")
    try:
        kind = "rule" if target.prefixed_rules else "filter"
        name = validate_name(target.platform, spec.name, kind)
        name6 = (
            validate_name(target.platform, f"{spec.name}-V6", "filter")
            if target.v6_filter and 6 in families
            else None
        )
    except RenderError as exc:
        raise InputError(str(exc), where="--name", hint="choose a shorter or plainer name") from exc
    try:
        view = build_view(
            rule_list,
            target.platform,
            prefix=spec.name,
            labels=labels,
            objects=target.objects,
            services=target.services,
            groups=target.groups,
        )
    except RenderError as exc:  # a derived object/rule name too long, or an unsupported match
        raise InputError(str(exc)) from exc
    return {
        "name": name,
        "name6": name6,
        "entries": view.entries,
        "addresses": view.addresses,
        "services": view.services,
        "groups": view.groups,
        "has4": 4 in families,
        "has6": 6 in families,
        "bind": bind,
        "cameras": tuple(n for n in spec.cameras if n.version in families),
        "core": tuple(n for n in spec.core if n.version in families),
        "ids": tuple(range(first_id, first_id + len(view.entries))) if target.ids else (),
    }


def render_target(key: str, spec: Spec, *, first_id: int = FIRST_ID, unscoped: bool = True) -> str:
    """One output file: ``TARGETS[key]`` rendered for ``spec``."""
    target = TARGETS[key]
    bind = resolve_bind(target, spec.binds, unscoped=unscoped)
    return render(target.platform, target.template, context(spec, target, bind, first_id))


def run(
    platform: str,
    cameras: Sequence[str],
    core: Sequence[str],
    allows: Sequence[str] = (),
    name: str | None = None,
    bind: str | Sequence[str] | None = None,
    *,
    first_id: int = FIRST_ID,
) -> dict[str, str]:
    """Render ``platform`` (a target, an alias such as ``linux`` or ``all``) and return
    ``{output key: text}`` in a stable order. ``bind`` items are ``VALUE`` or
    ``PLATFORM=VALUE``; see ``resolve_bind``."""
    if platform not in SELECTIONS:
        raise InputError(
            f"{platform[:40]!r} is not a platform", where="--platform", hint=", ".join(SELECTIONS)
        )
    binds = () if bind is None else (bind,) if isinstance(bind, str) else tuple(bind)
    spec = make_spec(cameras, core, allows, name, binds)
    keys = ALIASES.get(platform, (platform,))
    single = len(keys) == 1
    out: dict[str, str] = {}
    missing: list[str] = []
    junos_missing: list[str] = []
    for key in keys:
        target = TARGETS[key]
        if not single and not set(target.families) & set(spec.families):
            continue
        try:
            text = render_target(key, spec, first_id=first_id, unscoped=platform != "all")
        except MissingBindError as exc:
            if not single and target.platform == "juniper_junos":
                junos_missing.append(key)
            else:
                missing.append(str(exc))
            continue
        out[key] = text
    if junos_missing and not any(k.startswith("juniper_junos") for k in out):
        missing.append(
            "juniper_junos needs an interface unit (e.g. irb.20) for a firewall filter or a "
            "zone pair (e.g. cameras:core) for SRX security policies"
        )
    if missing:
        raise InputError("; ".join(missing))
    return out
