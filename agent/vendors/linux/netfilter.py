"""The netfilter ruleset as both front ends (``iptables-save``, ``nft list ruleset``) read it:
tables of chains of rules, before anything is specialised to an interface.

A rule is a conjunction: interface conditions (decided per ingress/egress interface when the
program is built), one positive match (what one ``AclRule`` expresses) and negated matches
(``! -s X``, ``tcp dport != 22``: the rule matches only if none of them does). ``dead`` rules
can never match a packet a camera opens a connection with (``--ctstate ESTABLISHED``, ``ip6``
conditions in the IPv4 program); ``unknown`` lists what was not understood.

Connection tracking (see docs/semantics.md): the question is which connections a camera can
open, and the first packet of one is conntrack state NEW. A state condition that admits NEW is
no condition; one that excludes NEW makes the rule dead. A rule that would accept (or jump for)
packets in state INVALID but not NEW is also reported: a camera can forge such packets.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Literal

from agent.engine.space import ICMP, PORT_PROTOCOLS
from agent.models.device import AddrMatch, PortRange, Service, Source

Verdict = Literal["accept", "drop", "return", "jump", "goto", "none"]
Hook = Literal["prerouting", "input", "forward", "postrouting"]
HOOKS: tuple[Hook, ...] = ("prerouting", "input", "forward", "postrouting")

PROTOCOLS = {
    "all": None,
    "ip": None,
    "icmp": 1,
    "igmp": 2,
    "ipip": 4,
    "ipencap": 4,
    "tcp": 6,
    "egp": 8,
    "udp": 17,
    "dccp": 33,
    "ipv6": 41,
    "rsvp": 46,
    "gre": 47,
    "esp": 50,
    "ah": 51,
    "ipv6-icmp": 58,
    "icmpv6": 58,
    "icmp6": 58,
    "ospf": 89,
    "ospfigp": 89,
    "pim": 103,
    "vrrp": 112,
    "l2tp": 115,
    "sctp": 132,
    "udplite": 136,
}
# ICMP types (and type/code pairs) by the names iptables and nft print
ICMP_TYPES: dict[str, tuple[int, int | None]] = {
    "echo-reply": (0, None),
    "destination-unreachable": (3, None),
    "network-unreachable": (3, 0),
    "host-unreachable": (3, 1),
    "protocol-unreachable": (3, 2),
    "port-unreachable": (3, 3),
    "fragmentation-needed": (3, 4),
    "source-route-failed": (3, 5),
    "network-prohibited": (3, 9),
    "host-prohibited": (3, 10),
    "communication-prohibited": (3, 13),
    "source-quench": (4, None),
    "redirect": (5, None),
    "echo-request": (8, None),
    "router-advertisement": (9, None),
    "router-solicitation": (10, None),
    "time-exceeded": (11, None),
    "ttl-exceeded": (11, 0),
    "parameter-problem": (12, None),
    "timestamp-request": (13, None),
    "timestamp-reply": (14, None),
    "info-request": (15, None),
    "info-reply": (16, None),
    "address-mask-request": (17, None),
    "address-mask-reply": (18, None),
}
ICMP6_TYPES: dict[str, tuple[int, int | None]] = {
    "destination-unreachable": (1, None),
    "no-route": (1, 0),
    "communication-prohibited": (1, 1),
    "address-unreachable": (1, 3),
    "port-unreachable": (1, 4),
    "packet-too-big": (2, None),
    "time-exceeded": (3, None),
    "ttl-exceeded": (3, 0),
    "parameter-problem": (4, None),
    "echo-request": (128, None),
    "echo-reply": (129, None),
    "mld-listener-query": (130, None),
    "mld-listener-report": (131, None),
    "mld-listener-done": (132, None),
    "mld-listener-reduction": (132, None),
    "router-solicitation": (133, None),
    "nd-router-solicit": (133, None),
    "router-advertisement": (134, None),
    "nd-router-advert": (134, None),
    "neighbour-solicitation": (135, None),
    "neighbor-solicitation": (135, None),
    "nd-neighbor-solicit": (135, None),
    "neighbour-advertisement": (136, None),
    "neighbor-advertisement": (136, None),
    "nd-neighbor-advert": (136, None),
    "redirect": (137, None),
    "nd-redirect": (137, None),
    "mld2-listener-report": (143, None),
}
STATES = ("new", "established", "related", "invalid", "untracked", "snat", "dnat")
# conntrack status bits; none is set on the first packet of a connection a camera opens (DNAT
# and SNAT only with NAT rules, which are reported for the whole device)
STATUSES = ("expected", "seen-reply", "assured", "confirmed", "snat", "dnat", "dying")


def protocol(word: str) -> int | None:
    """Protocol number of a name or number (``all`` -> None); ValueError if unknown."""
    low = word.lower()
    if low in PROTOCOLS:
        return PROTOCOLS[low]
    number = int(low)
    if not 0 <= number <= 255:
        raise ValueError(word)
    return number or None


def icmp_types(word: str, family: int) -> list[tuple[int, int | None]] | None:
    """An ICMP type condition: ``any`` (None: every type) or one type (see ``icmp_type``)."""
    return None if word == "any" else [icmp_type(word, family)]


def icmp_type(word: str, family: int) -> tuple[int, int | None]:
    """``8``, ``3/4``, ``echo-request`` -> (type, code or None); ValueError if unknown."""
    table = ICMP_TYPES if family == 4 else ICMP6_TYPES
    if word in table:
        return table[word]
    kind, _, code = word.partition("/")
    value = (int(kind), int(code) if code else None)
    if not 0 <= value[0] <= 255 or (value[1] is not None and not 0 <= value[1] <= 255):
        raise ValueError(word)
    return value


def address(text: str, family: int) -> list[AddrMatch]:
    """``10.0.0.0/8``, ``10.0.0.0/255.0.255.0`` (non-contiguous masks too), ``a-b`` ranges."""
    if "-" in text:
        lo_text, _, hi_text = text.partition("-")
        return address_range(lo_text, hi_text, family)
    addr_text, _, mask = text.partition("/")
    addr = ipaddress.ip_address(addr_text)
    if addr.version != family:
        raise ValueError(text)
    width = 32 if family == 4 else 128
    if not mask:
        care = (1 << width) - 1
    elif mask.isdigit():
        length = int(mask)
        if not 0 <= length <= width:
            raise ValueError(text)
        care = ((1 << width) - 1) ^ ((1 << (width - length)) - 1)
    else:
        care = int(ipaddress.ip_address(mask))
    wild = ((1 << width) - 1) & ~care
    cls = ipaddress.IPv4Address if family == 4 else ipaddress.IPv6Address
    return [AddrMatch(address=str(cls(int(addr) & care)), wildcard=str(cls(wild)))]


def address_range(lo_text: str, hi_text: str, family: int) -> list[AddrMatch]:
    """An inclusive address range as the smallest list of prefixes."""
    lo, hi = ipaddress.ip_address(lo_text.strip()), ipaddress.ip_address(hi_text.strip())
    if lo.version != family or hi.version != family or int(lo) > int(hi):
        raise ValueError(f"{lo_text}-{hi_text}")
    out = []
    for net in ipaddress.summarize_address_range(lo, hi):
        out.append(AddrMatch(address=str(net.network_address), wildcard=str(net.hostmask)))
    return out


def intersect(a: list[AddrMatch], b: list[AddrMatch]) -> list[AddrMatch]:
    """Addresses in both lists (two conditions on one field), exact on ternary matches."""
    out = []
    for x in a:
        xa, xw = ipaddress.ip_address(x.address), ipaddress.ip_address(x.wildcard)
        for y in b:
            ya, yw = ipaddress.ip_address(y.address), ipaddress.ip_address(y.wildcard)
            if xa.version != ya.version:
                continue
            care_x, care_y = ~int(xw), ~int(yw)
            if (int(xa) ^ int(ya)) & care_x & care_y:
                continue
            cls = type(xa)
            value = (int(xa) & care_x) | (int(ya) & care_y)
            out.append(AddrMatch(address=str(cls(value)), wildcard=str(cls(int(xw) & int(yw)))))
    return out


def ports(text: str) -> list[PortRange]:
    """``22``, ``1000:2000``, ``:1024``, ``1024:``, ``1000-2000`` (nft), comma lists."""
    out = []
    for part in text.split(","):
        sep = ":" if ":" in part else "-" if "-" in part else None
        if sep is None:
            lo = hi = int(part)
        else:
            a, _, b = part.partition(sep)
            lo, hi = int(a or 0), int(b or 65535)
        if not 0 <= lo <= hi <= 65535:
            raise ValueError(text)
        out.append(PortRange(lo=lo, hi=hi))
    return out


@dataclass(frozen=True, slots=True)
class IfMatch:
    """``-i``/``-o`` (``iifname``/``oifname``): exact names, or prefixes written ``eth*``.

    Where a hook has no such interface (no output interface at input), iptables compares the
    empty name; nft does not match at all, negated or not (``absent_fails``)."""

    direction: Literal["in", "out"]
    names: tuple[str, ...]
    negated: bool = False
    absent_fails: bool = False

    def test(self, name: str | None) -> bool:
        if name is None:
            if self.absent_fails:
                return False
            name = ""
        hit = any(name.startswith(p[:-1]) if p.endswith("*") else name == p for p in self.names)
        return hit != self.negated


@dataclass(slots=True)
class Match:
    """One conjunction of header conditions; None = any. Ports need a port protocol."""

    src: list[AddrMatch] | None = None
    dst: list[AddrMatch] | None = None
    protocols: list[int] | None = None
    sports: list[PortRange] | None = None
    dports: list[PortRange] | None = None
    either_ports: list[PortRange] | None = None  # multiport --ports: source or destination
    icmp: list[tuple[int, int | None]] | None = None
    fragment: bool = False  # only non-initial fragments

    @property
    def l4(self) -> bool:
        return any(x is not None for x in (self.sports, self.dports, self.either_ports, self.icmp))

    def services(self, family: int) -> list[Service] | None:
        """The services this match allows (None: any packet; [] : none at all)."""
        if self.protocols is None and not self.l4:
            return None
        out: list[Service] = []
        for proto in self.protocols if self.protocols is not None else [None]:
            if proto in PORT_PROTOCOLS:
                if self.icmp is not None:
                    continue
                if self.either_ports is not None:
                    for d, s in ((self.either_ports, None), (None, self.either_ports)):
                        out.append(self._ports(proto, d, s))
                else:
                    out.append(self._ports(proto, None, None))
            elif proto is not None and proto == ICMP[family] and self.icmp is not None:
                if self.sports or self.dports or self.either_ports:
                    continue
                out.extend(Service(protocol=proto, icmp_type=t, icmp_code=c) for t, c in self.icmp)
            elif not self.l4:
                out.append(Service(protocol=proto))
        return out

    def _ports(
        self, proto: int, dst: list[PortRange] | None, src: list[PortRange] | None
    ) -> Service:
        dports = _meet(self.dports, dst)
        sports = _meet(self.sports, src)
        return Service(protocol=proto, src_ports=sports, dst_ports=dports)


def _meet(a: list[PortRange] | None, b: list[PortRange] | None) -> list[PortRange] | None:
    if a is None or b is None:
        return a if b is None else b
    out = []
    for x in a:
        for y in b:
            lo, hi = max(x.lo, y.lo), min(x.hi, y.hi)
            if lo <= hi:
                out.append(PortRange(lo=lo, hi=hi))
    return out


@dataclass(slots=True)
class Rule:
    src: Source
    ifs: list[IfMatch] = field(default_factory=list)
    match: Match = field(default_factory=Match)
    negations: list[Match] = field(default_factory=list)
    verdict: Verdict = "none"
    target: str | None = None  # chain id (resolved within the rule's table)
    dead: bool = False
    unknown: list[str] = field(default_factory=list)
    effect: bool = True  # False: LOG, counter, comment only (no effect on the verdict)


@dataclass(frozen=True, slots=True)
class Base:
    hook: Hook
    priority: int
    policy: Literal["accept", "drop"]
    src: Source  # the line declaring the policy


@dataclass(slots=True)
class Chain:
    ident: str  # unique in its family: "filter/FORWARD", "legacy filter/FORWARD", "inet fw/fwd"
    src: Source
    rules: list[Rule] = field(default_factory=list)
    base: Base | None = None


def status(words: list[str], negated: bool) -> bool:
    """A conntrack status condition for a camera's first packet: whether the rule is dead.
    Raises ValueError on an unknown status."""
    chosen = {w.lower().replace("_", "-") for w in words}
    if not chosen <= {*STATUSES, "none"}:
        raise ValueError(",".join(sorted(chosen - set(STATUSES))))
    return ("none" in chosen) == negated  # NONE: no status bit, as on a first packet


def states(words: list[str], negated: bool, verdict: Verdict) -> tuple[bool, str | None]:
    """A conntrack state condition for a camera's first packet (NEW): (dead, reason it is
    uncertain). Raises ValueError on an unknown state."""
    chosen = {w.lower() for w in words}
    if not chosen <= set(STATES):
        raise ValueError(",".join(sorted(chosen - set(STATES))))
    new = ("new" in chosen) != negated
    invalid = ("invalid" in chosen) != negated
    why = None
    if not new and invalid and verdict in ("accept", "jump", "goto"):
        why = "accepts conntrack state INVALID, which a camera can forge (taken as never matching)"
    return not new, why
