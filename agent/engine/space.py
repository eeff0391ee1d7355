"""Exact packet sets as BDDs (CUDD through ``dd.cudd``).

A packet header is the tuple of fields below, each a fixed-width unsigned integer, most
significant bit first in the variable order:

=========  =====  =============================================================
field      bits   meaning
=========  =====  =============================================================
``af``     1      address family: 0 IPv4, 1 IPv6
``dst``    128    destination address (IPv4 uses the first 32 bits only)
``src``    128    source address (same)
``proto``  8      IP protocol (IPv6: next header)
``dport``  16     TCP/UDP/SCTP destination port
``sport``  16     TCP/UDP/SCTP source port
``itype``  8      ICMP / ICMPv6 type
``icode``  8      ICMP / ICMPv6 code
``est``    1      TCP segment with ACK or RST (what ``established`` matches)
``frag``   1      non-initial fragment
=========  =====  =============================================================

IPv4 predicates never mention address bits 32..127, so an IPv4 packet is any assignment of
those bits: set operations stay exact because every IPv4 predicate treats them alike. Fields
that a protocol does not carry (ports for ICMP, ICMP type for TCP) are free in the same way.

Dynamic reordering is off: the order above is part of the contract of ``to_boxes``.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import dd.cudd as _cudd

Bdd = Any  # dd.cudd.Function; the extension has no type information

FIELDS: tuple[tuple[str, int], ...] = (
    ("af", 1),
    ("dst", 128),
    ("src", 128),
    ("proto", 8),
    ("dport", 16),
    ("sport", 16),
    ("itype", 8),
    ("icode", 8),
    ("est", 1),
    ("frag", 1),
)
WIDTH = dict(FIELDS)
ADDR_BITS = {4: 32, 6: 128}
ICMP = {4: 1, 6: 58}
PORT_PROTOCOLS = (6, 17, 132)


def _var(field: str, bit: int) -> str:
    return f"{field}{bit}"


def field_vars(field: str) -> list[str]:
    return [_var(field, i) for i in range(WIDTH[field])]


@dataclass(frozen=True, slots=True)
class Interval:
    lo: int
    hi: int


# A box: per field, a tuple of inclusive intervals (the field's whole range when unconstrained).
Box = dict[str, tuple[Interval, ...]]


class Space:
    """One BDD manager and the constructors for header predicates."""

    def __init__(self) -> None:
        bdd = _cudd.BDD()
        bdd.configure(reordering=False)
        names = [_var(f, i) for f, w in FIELDS for i in range(w)]
        bdd.declare(*names)
        self.bdd = bdd
        self.true: Bdd = bdd.true
        self.false: Bdd = bdd.false
        self._vars: dict[str, list[Bdd]] = {
            f: [bdd.var(v) for v in field_vars(f)] for f, _ in FIELDS
        }
        self._cache: dict[tuple[object, ...], Bdd] = {}
        self._af = {4: ~self._vars["af"][0], 6: self._vars["af"][0]}

    # -- primitives -------------------------------------------------------------------------
    def family(self, af: int) -> Bdd:
        return self._af[af]

    def bits(self, field: str, value: int, care: int, width: int | None = None) -> Bdd:
        """Ternary match on the first ``width`` bits of ``field``: bits set in ``care`` must
        equal the same bits of ``value``."""
        width = width or WIDTH[field]
        key = ("bits", field, value, care, width)
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        assign = {}
        names = field_vars(field)
        for i in range(width):
            mask = 1 << (width - 1 - i)
            if care & mask:
                assign[names[i]] = bool(value & mask)
        result = self.bdd.cube(assign) if assign else self.true
        self._cache[key] = result
        return result

    def value_range(self, field: str, lo: int, hi: int, width: int | None = None) -> Bdd:
        """Inclusive range on the first ``width`` bits of ``field``, as a union of prefixes."""
        width = width or WIDTH[field]
        full = (1 << width) - 1
        if lo <= 0 and hi >= full:
            return self.true
        if lo > hi:
            return self.false
        key = ("range", field, lo, hi, width)
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        result = self.false
        for value, length in _range_to_prefixes(lo, hi, width):
            care = (full >> (width - length)) << (width - length) if length else 0
            result |= self.bits(field, value, care, width)
        self._cache[key] = result
        return result

    def ranges(self, field: str, spans: Sequence[tuple[int, int]]) -> Bdd:
        result = self.false
        for lo, hi in spans:
            result |= self.value_range(field, lo, hi)
        return result

    # -- addresses --------------------------------------------------------------------------
    def address(self, field: str, af: int, value: int, wildcard: int) -> Bdd:
        """Ternary address match (``wildcard`` bits are don't-care), including the family."""
        width = ADDR_BITS[af]
        care = ((1 << width) - 1) & ~wildcard
        return self._af[af] & self.bits(field, value & care, care, width)

    def prefix(
        self, field: str, network: str | ipaddress.IPv4Network | ipaddress.IPv6Network
    ) -> Bdd:
        net = ipaddress.ip_network(network, strict=False) if isinstance(network, str) else network
        af = net.version
        return self.address(field, af, int(net.network_address), int(net.hostmask))

    def prefixes(self, field: str, networks: Sequence[str]) -> Bdd:
        result = self.false
        for net in networks:
            result |= self.prefix(field, net)
        return result

    def host(self, field: str, ip: str) -> Bdd:
        addr = ipaddress.ip_address(ip)
        return self.address(field, addr.version, int(addr), 0)

    def protocol(self, proto: int) -> Bdd:
        return self.bits("proto", proto, 0xFF)

    # -- queries ----------------------------------------------------------------------------
    def is_empty(self, u: Bdd) -> bool:
        return bool(u == self.false)

    def to_boxes(
        self, u: Bdd, order: Sequence[str] | None = None, limit: int = 2000
    ) -> tuple[list[Box], bool]:
        """Decompose ``u`` into a union of disjoint boxes (per-field interval lists).

        Fields are split in ``order``; each split groups the values of one field that lead to
        the same residual set, so the result is compact. Returns (boxes, truncated).
        """
        order = list(
            order
            or ("af", "proto", "dst", "dport", "sport", "src", "itype", "icode", "est", "frag")
        )
        out: list[Box] = []
        truncated = self._boxes(u, order, {}, out, limit)
        return out, truncated

    def _boxes(
        self,
        u: Bdd,
        order: list[str],
        acc: dict[str, tuple[Interval, ...]],
        out: list[Box],
        limit: int,
    ) -> bool:
        if u == self.false:
            return False
        if not order:
            out.append(dict(acc))
            return len(out) >= limit
        field, rest = order[0], order[1:]
        width = _effective_width(field, acc)
        groups: dict[Bdd, list[Interval]] = {}
        for lo, hi, residual in self._split(u, field, width):
            spans = groups.setdefault(residual, [])
            if spans and spans[-1].hi + 1 == lo:
                spans[-1] = Interval(spans[-1].lo, hi)
            else:
                spans.append(Interval(lo, hi))
        for residual, spans in groups.items():
            acc[field] = tuple(spans)
            if self._boxes(residual, rest, acc, out, limit):
                return True
        acc.pop(field, None)
        return False

    def _split(self, u: Bdd, field: str, width: int) -> Iterator[tuple[int, int, Bdd]]:
        names = field_vars(field)[:width]
        support = self.bdd.support(u)
        if not support.intersection(names):
            yield 0, (1 << width) - 1, u
            return
        stack: list[tuple[Bdd, int, int]] = [(u, 0, 0)]
        # depth-first, low half first, so intervals come out in increasing order
        while stack:
            g, i, prefix = stack.pop()
            if g == self.false:
                continue
            rest = names[i:]
            if i == width or not self.bdd.support(g).intersection(rest):
                span = width - i
                yield prefix << span, ((prefix + 1) << span) - 1, g
                continue
            high = self.bdd.let({names[i]: True}, g)
            low = self.bdd.let({names[i]: False}, g)
            stack.append((high, i + 1, prefix * 2 + 1))
            stack.append((low, i + 1, prefix * 2))

    def exists(self, fields: Sequence[str], u: Bdd) -> Bdd:
        names = [v for f in fields for v in field_vars(f)]
        return self.bdd.exist(names, u)


def _effective_width(field: str, acc: dict[str, tuple[Interval, ...]]) -> int:
    if field in ("dst", "src"):
        fam = acc.get("af")
        if fam and len(fam) == 1 and fam[0].lo == fam[0].hi == 0:
            return 32
    return WIDTH[field]


@lru_cache(maxsize=65536)
def _range_to_prefixes(lo: int, hi: int, width: int) -> tuple[tuple[int, int], ...]:
    """Minimal list of (value, prefix_length) covering [lo, hi] exactly."""
    out = []
    while lo <= hi:
        size = lo & -lo if lo else 1 << width
        while size > hi - lo + 1:
            size >>= 1
        length = width - (size.bit_length() - 1)
        out.append((lo, length))
        lo += size
    return tuple(out)
