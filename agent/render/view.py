"""Rules made safe for one platform: checked names and text, and the named objects (addresses,
services, groups) that zone firewalls and ASA refer to.

Templates never build a name: every name they print is computed and validated here (or by the
caller) so its platform limits are checked before anything is rendered.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from agent.errors import RenderError
from agent.render.model import ICMP, ICMP6, PORT_PROTOCOLS, SCTP, TCP, UDP, Network, Port, Rule
from agent.render.safety import NAME_RULES, Safe, safe_text, validate_name

# predefined "any address" objects, per family
ANY_OBJECT: dict[str, dict[int, Safe]] = {
    "juniper_junos": {4: Safe("any-ipv4"), 6: Safe("any-ipv6")},
    "fortinet": {4: Safe("all"), 6: Safe("all")},
    "paloalto_panos": {4: Safe("any"), 6: Safe("any")},
}
_PROTO_WORD = {TCP: "tcp", UDP: "udp", SCTP: "sctp", ICMP: "icmp", ICMP6: "icmp6"}
# platforms whose filters can match SCTP ports (elsewhere ports match only with tcp/udp, and
# dropping the ports would widen an exception: refused instead)
SCTP_PORTS = frozenset({"cisco_asa", "fortinet", "paloalto_panos", "linux"})


@dataclass(frozen=True, slots=True)
class Entry:
    """A ``Rule`` ready for a template; object names are empty unless objects were built."""

    permit: bool
    family: int
    protocol: int | None
    src: tuple[Network, ...]
    dst: tuple[Network, ...]
    dst_ports: tuple[Port, ...]  # () = any port
    src_ports: tuple[Port, ...]
    icmp_type: int | None
    icmp_code: int | None
    remark: Safe | None
    log: bool
    name: Safe | None
    src_objects: tuple[Safe, ...] = ()
    dst_objects: tuple[Safe, ...] = ()
    service: Safe | None = None  # None: any service (or none applies, see ``services``)
    src_group: Safe | None = None
    dst_group: Safe | None = None


@dataclass(frozen=True, slots=True)
class Address:
    name: Safe
    network: Network


@dataclass(frozen=True, slots=True)
class Service:
    name: Safe
    protocol: int
    dst_ports: tuple[Port, ...]
    src_ports: tuple[Port, ...]
    icmp_type: int | None
    icmp_code: int | None


@dataclass(frozen=True, slots=True)
class Group:
    name: Safe
    members: tuple[Network, ...]


@dataclass(frozen=True, slots=True)
class View:
    entries: tuple[Entry, ...]
    addresses: tuple[Address, ...] = ()
    services: tuple[Service, ...] = ()
    groups: tuple[Group, ...] = ()


ServiceMode = Literal["none", "all", "ports"]


def _ports(ports: Iterable[Port]) -> str:
    return "_".join(str(lo) if lo == hi else f"{lo}-{hi}" for lo, hi in ports)


def service_slug(rule: Rule | Entry) -> str:
    """A short readable tag for a service: ``tcp-554``, ``udp-1000-2000``, ``icmp-8-0``."""
    assert rule.protocol is not None
    word = _PROTO_WORD.get(rule.protocol, f"proto-{rule.protocol}")
    if rule.protocol in PORT_PROTOCOLS:
        dst = _ports(rule.dst_ports) if rule.dst_ports else "all"
        src = f"-from-{_ports(rule.src_ports)}" if rule.src_ports else ""
        return f"{word}-{dst}{src}"
    if rule.icmp_type is not None:
        code = f"-{rule.icmp_code}" if rule.icmp_code is not None else ""
        return f"{word}-{rule.icmp_type}{code}"
    return word


class _Namer:
    """Hands out ``{prefix}-{label}{n}`` object names, one per distinct network."""

    def __init__(self, platform: str, prefix: str, labels: Mapping[Network, str]) -> None:
        self.platform, self.prefix, self.labels = platform, prefix, labels
        self.names: dict[Network, Safe] = {}
        self.counts: dict[str, int] = {}

    def name(self, net: Network) -> Safe:
        if net.prefixlen == 0 and self.platform in ANY_OBJECT:
            return ANY_OBJECT[self.platform][net.version]
        if net not in self.names:
            label = self.labels.get(net, "net")
            self.counts[label] = self.counts.get(label, 0) + 1
            self.names[net] = validate_name(
                self.platform, f"{self.prefix}-{label}{self.counts[label]}", "object"
            )
        return self.names[net]


def build_view(
    rules: Iterable[Rule],
    platform: str,
    *,
    prefix: str = "",
    labels: Mapping[Network, str] | None = None,
    objects: bool = False,
    services: ServiceMode = "none",
    groups: bool = False,
) -> View:
    """``rules`` checked for ``platform``. ``objects``: name one address object per network
    (``{prefix}-{label}{n}``, label from ``labels`` or ``net``); ``services``: name a service
    object per distinct protocol/port set (``all``) or only for tcp/udp/sctp (``ports``);
    ``groups``: name a network group per source or destination list of two or more prefixes."""
    namer = _Namer(platform, prefix, labels or {})
    service_names: dict[str, Service] = {}
    group_names: dict[tuple[Network, ...], Group] = {}
    entries: list[Entry] = []

    def group(nets: tuple[Network, ...]) -> Safe | None:
        if not groups or len(nets) < 2:
            return None
        if nets not in group_names:
            base = f"{prefix}-{(labels or {}).get(nets[0], 'net')}"
            taken = {g.name for g in group_names.values()}
            name, n = base, 1
            while name in taken:
                n += 1
                name = f"{base}{n}"
            group_names[nets] = Group(validate_name(platform, name, "object"), nets)
        return group_names[nets].name

    for rule in rules:
        if (
            rule.protocol == SCTP
            and (rule.dst_ports or rule.src_ports)
            and platform not in SCTP_PORTS
        ):
            raise RenderError(
                f"{platform}: cannot match SCTP ports; allow sctp (every port) or render for "
                "a platform that can"
            )
        src_objects = tuple(namer.name(n) for n in rule.src) if objects else ()
        dst_objects = tuple(namer.name(n) for n in rule.dst) if objects else ()
        service: Safe | None = None
        wants = rule.protocol is not None and (
            services == "all" or (services == "ports" and rule.protocol in PORT_PROTOCOLS)
        )
        if wants:
            slug = service_slug(rule)
            if slug not in service_names:
                assert rule.protocol is not None
                service_names[slug] = Service(
                    validate_name(platform, f"{prefix}-{slug}", "object"),
                    rule.protocol,
                    rule.dst_ports or (),
                    rule.src_ports or (),
                    rule.icmp_type,
                    rule.icmp_code,
                )
            service = service_names[slug].name
        has_rule_names = (platform, "rule") in NAME_RULES
        entries.append(
            Entry(
                permit=rule.action == "permit",
                family=rule.family,
                protocol=rule.protocol,
                src=rule.src,
                dst=rule.dst,
                dst_ports=rule.dst_ports or (),
                src_ports=rule.src_ports or (),
                icmp_type=rule.icmp_type,
                icmp_code=rule.icmp_code,
                remark=safe_text(rule.remark, platform) if rule.remark is not None else None,
                log=rule.log,
                name=(
                    validate_name(platform, rule.name, "rule")
                    if rule.name is not None and has_rule_names
                    else None
                ),
                src_objects=src_objects,
                dst_objects=dst_objects,
                service=service,
                src_group=group(rule.src),
                dst_group=group(rule.dst),
            )
        )
    return View(
        entries=tuple(entries),
        addresses=tuple(Address(name, net) for net, name in namer.names.items()),
        services=tuple(service_names.values()),
        groups=tuple(group_names.values()),
    )
