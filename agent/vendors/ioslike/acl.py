"""The access-list entry (ACE) grammar shared by IOS/IOS-XE and EOS.

``parse_entry(tokens, ...)`` reads one entry (``[seq] permit|deny ...``) and returns an ``Ace``
or raises ``AceError(why)``. Both dialects accept ``host A``, ``any``, ``A W`` (wildcard, also
non-contiguous), ``A/len``, a bare address (= host), IOS-XE ``object-group NAME`` in address and
protocol position, ``eq``/``neq`` with one or several ports, ``lt``/``gt``/``range``, named ports,
protocols and ICMP types (``ports.py``), ``established``, ``fragments`` and the logging options.

Soundness of what is not modelled. Some options restrict an entry to a subset of packets that
the model cannot express (``dscp``, ``tos``, ``precedence``, ``ttl``, ``option``, TCP flags,
``time-range``, ``packet-length``, IPv6 ``flow-label``/extension headers, ``reflect``). Dropping
the condition from a *permit* makes it broader: reachability is over-approximated, which is
safe for an isolation proof. Dropping it from a *deny* would claim packets are denied that may
pass, so such a deny is left out of the model entirely. Either way the line is reported as
``Unrecognized`` (context ``acl``, why ``unmodelled match condition: <keyword>``) so a proof that
depends on it is ``inconclusive``. ``Ace.unmodelled`` carries the keywords; the builder applies
the policy.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from agent.models.device import AddrMatch, PortRange, Service
from agent.vendors.ioslike import addr
from agent.vendors.ioslike.ports import (
    ICMP4,
    ICMP6,
    PROTOCOLS4,
    PROTOCOLS6,
    SCTP,
    TCP,
    UDP,
    port_table,
)

Ports = tuple[tuple[int, int], ...]  # inclusive (lo, hi) ranges, sorted


@lru_cache(maxsize=8192)
def make_service(
    protocol: int | None,
    src_ports: Ports | None = None,
    dst_ports: Ports | None = None,
    icmp_type: int | None = None,
    icmp_code: int | None = None,
    established: bool = False,
) -> Service:
    """A (shared, immutable) ``Service``: most entries repeat a handful of services."""
    return Service(
        protocol=protocol,
        src_ports=None if src_ports is None else [PortRange(lo=a, hi=b) for a, b in src_ports],
        dst_ports=None if dst_ports is None else [PortRange(lo=a, hi=b) for a, b in dst_ports],
        icmp_type=icmp_type,
        icmp_code=icmp_code,
        established=established,
    )


class AceError(ValueError):
    """The entry cannot be read; ``str(exc)`` is the reason reported to the user."""


@dataclass(slots=True)
class Ace:
    seq: int | None
    action: str
    src: list[AddrMatch]
    dst: list[AddrMatch]
    services: list[Service]
    fragments: bool = False
    unmodelled: list[str] = field(default_factory=list)
    tainted: list[str] = field(default_factory=list)  # object-groups with unrecognised members


# Lookups into object-groups: name, family -> members (raise ``AceError`` if unusable).
NetLookup = Callable[[str, int], list[AddrMatch]]
SvcLookup = Callable[[str, int], list[Service]]
TaintCheck = Callable[[str], bool]

ANY_SERVICE = Service()
_PORT_OPS = frozenset({"eq", "neq", "lt", "gt", "range"})
_TCP_FLAGS = frozenset({"ack", "fin", "psh", "rst", "syn", "urg"})
# option keyword -> number of argument tokens it takes (-1: operator form like ``ttl eq 5``)
_UNMODELLED: dict[str, int] = {
    "dscp": 1,
    "tos": 1,
    "precedence": 1,
    "option": 1,
    "time-range": 1,
    "flow-label": 1,
    "routing-type": 1,
    "reflect": 1,
    "vlan": 1,
    "ttl": -1,
    "packet-length": -1,
    "hop-limit": -1,
    "routing": 0,
    "dest-option": 0,
    "dest-option-type": 1,
    "mobility": 0,
    "mobility-type": 1,
    "hbh": 0,
    "auth": 0,
    "undetermined-transport": 0,
    "nexthop1": 1,
    "nexthop2": 1,
    "nexthop3": 1,
}
_LOG = frozenset({"log", "log-input"})
_KEYWORDS = (
    frozenset(_UNMODELLED)
    | _TCP_FLAGS
    | _LOG
    | {
        "established",
        "fragments",
        "match-all",
        "match-any",
        "sequence",
        "timeout",
        "counters",
    }
)


class Cursor:
    __slots__ = ("i", "t")

    def __init__(self, tokens: list[str], start: int) -> None:
        self.t = tokens
        self.i = start

    def peek(self, ahead: int = 0) -> str | None:
        j = self.i + ahead
        return self.t[j] if j < len(self.t) else None

    def take(self, what: str) -> str:
        if self.i >= len(self.t):
            raise AceError(f"missing {what}")
        tok = self.t[self.i]
        self.i += 1
        return tok


def _address(
    cur: Cursor, family: int, nets: NetLookup, taint: TaintCheck, ace_taint: list[str]
) -> list[AddrMatch]:
    tok = cur.take("address")
    if tok == "any":
        return [addr.any_match(family)]
    if tok == "host":
        hm = addr.host(cur.take("host address"))
        if hm is None or addr.family_of(hm) != family:
            raise AceError("invalid address")
        return [hm]
    if tok in ("object-group", "addrgroup"):
        name = cur.take("object-group name")
        members = nets(name, family)
        if taint(name):
            ace_taint.append(name)
        return members
    if "/" in tok:
        pm = addr.prefix(tok)
        if pm is None or addr.family_of(pm) != family:
            raise AceError("invalid address")
        return [pm]
    if family == 4 and addr.is_v4(tok):
        nxt = cur.peek()
        if nxt is not None and addr.is_v4(nxt):
            cur.i += 1
            wm = addr.wild4(tok, nxt)
        else:
            wm = addr.host(tok)  # a bare address is a host (standard ACLs, NX-OS/EOS style)
        if wm is None:
            raise AceError("invalid address")
        return [wm]
    raise AceError("invalid address")


def _port(tok: str, protocol: int) -> int:
    if tok.isdigit():
        value = int(tok)
        if value > 65535:
            raise AceError(f"invalid port {tok}")
        return value
    value2 = port_table(protocol).get(tok)
    if value2 is None:
        raise AceError(f"unknown port name {tok}")
    return value2


def _is_port(tok: str | None, protocol: int) -> bool:
    return tok is not None and (tok.isdigit() or tok in port_table(protocol))


def complement(ports: list[int]) -> Ports:
    out: list[tuple[int, int]] = []
    lo = 0
    for p in sorted(set(ports)):
        if p > lo:
            out.append((lo, p - 1))
        lo = p + 1
    if lo <= 65535:
        out.append((lo, 65535))
    return tuple(out)


def port_spec(cur: Cursor, protocol: int) -> Ports | None:
    """An optional port operator at the cursor (``None``: no operator = any port)."""
    op = cur.peek()
    if op not in _PORT_OPS:
        return None
    cur.i += 1
    if op == "range":
        lo = _port(cur.take("port"), protocol)
        hi = _port(cur.take("port"), protocol)
        if lo > hi:
            raise AceError("invalid port range")
        return ((lo, hi),)
    if op in ("lt", "gt"):
        p = _port(cur.take("port"), protocol)
        if op == "lt":
            return ((0, p - 1),) if p > 0 else ()
        return ((p + 1, 65535),) if p < 65535 else ()
    values = [_port(cur.take("port"), protocol)]
    while _is_port(cur.peek(), protocol):
        values.append(_port(cur.take("port"), protocol))
    if op == "neq":
        return complement(values)
    return tuple((v, v) for v in sorted(set(values)))


def _protocol(cur: Cursor, family: int) -> int | None:
    tok = cur.take("protocol")
    table = PROTOCOLS4 if family == 4 else PROTOCOLS6
    if tok in table:
        return table[tok]
    if tok.isdigit() and int(tok) <= 255:
        return int(tok)
    raise AceError(f"unknown protocol {tok}")


def _icmp(cur: Cursor, family: int) -> tuple[int | None, int | None]:
    tok = cur.peek()
    if tok is None:
        return None, None
    table = ICMP4 if family == 4 else ICMP6
    if tok in table:
        cur.i += 1
        return table[tok]
    if tok.isdigit() and int(tok) <= 255:
        cur.i += 1
        code = cur.peek()
        if code is not None and code.isdigit() and int(code) <= 255:
            cur.i += 1
            return int(tok), int(code)
        return int(tok), None
    return None, None


def _options(cur: Cursor, ace: Ace, established: list[bool], protocol: int | None) -> None:
    while (tok := cur.peek()) is not None:
        cur.i += 1
        if tok in _LOG:
            nxt = cur.peek()
            if nxt is not None and nxt not in _KEYWORDS:
                cur.i += 1  # ``log <cookie>``
        elif tok == "established":
            if protocol != TCP:
                raise AceError("established on a non-TCP entry")
            established[0] = True
        elif tok == "fragments":
            ace.fragments = True
        elif tok == "sequence":
            seq = cur.take("sequence number")
            if not seq.isdigit():
                raise AceError("invalid sequence number")
            ace.seq = int(seq)
        elif tok in _TCP_FLAGS:
            ace.unmodelled.append(tok)
        elif tok in ("match-all", "match-any"):
            ace.unmodelled.append(tok)
            while (flag := cur.peek()) is not None and flag[:1] in "+-":
                cur.i += 1
        elif tok in _UNMODELLED:
            ace.unmodelled.append(tok)
            nargs = _UNMODELLED[tok]
            if nargs < 0:
                op = cur.take(f"{tok} operator")
                nargs = 2 if op == "range" else 1
            for _ in range(nargs):
                cur.take(f"{tok} value")
            if tok == "reflect" and cur.peek() == "timeout":
                cur.i += 2
        else:
            raise AceError(f"unexpected token {tok}")


def parse_entry(
    tokens: list[str],
    family: int,
    *,
    standard: bool,
    nets: NetLookup,
    svcs: SvcLookup,
    taint: TaintCheck,
) -> Ace:
    """Parse ``[seq|sequence N] permit|deny ...`` (the tokens of one entry line)."""
    cur = Cursor(tokens, 0)
    seq: int | None = None
    first = cur.take("action")
    if first == "sequence":
        first = cur.take("sequence number")
    if first.isdigit():
        seq = int(first)
        first = cur.take("action")
    if first not in ("permit", "deny"):
        if first in ("dynamic", "evaluate"):
            raise AceError(f"{first} entry (dynamic access list) not modelled")
        raise AceError(f"unexpected token {first}")
    ace = Ace(seq=seq, action=first, src=[], dst=[], services=[])
    if standard:
        ace.src = _address(cur, family, nets, taint, ace.tainted)
        ace.dst = [addr.any_match(family)]
        ace.services = [ANY_SERVICE]
        _options(cur, ace, [False], None)
        return ace
    group_services: list[Service] | None = None
    protocol: int | None = None
    if cur.peek() == "object-group":
        cur.i += 1
        name = cur.take("object-group name")
        group_services = svcs(name, family)
        if taint(name):
            ace.tainted.append(name)
    else:
        protocol = _protocol(cur, family)
    has_ports = group_services is None and protocol in (TCP, UDP, SCTP)
    ace.src = _address(cur, family, nets, taint, ace.tainted)
    sports = port_spec(cur, protocol or TCP) if has_ports else None
    ace.dst = _address(cur, family, nets, taint, ace.tainted)
    dports = port_spec(cur, protocol or TCP) if has_ports else None
    itype = icode = None
    if group_services is None and protocol == (1 if family == 4 else 58):
        itype, icode = _icmp(cur, family)
    established = [False]
    _options(cur, ace, established, protocol)
    if group_services is not None:
        ace.services = group_services
    elif protocol is None:
        ace.services = [ANY_SERVICE]
    else:
        ace.services = [make_service(protocol, sports, dports, itype, icode, established[0])]
    return ace
