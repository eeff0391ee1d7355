"""Address helpers: wildcard/netmask/prefix forms to the model's ternary ``AddrMatch`` and
canonical prefix strings. Every function returns ``None`` for invalid input (the caller turns
that into an ``Unrecognized`` line with why "invalid address"); nothing here raises.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from agent.models.device import AddrMatch

ALL4 = 0xFFFFFFFF
ALL6 = (1 << 128) - 1
ANY4 = AddrMatch(address="0.0.0.0", wildcard="255.255.255.255")
ANY6 = AddrMatch(address="::", wildcard=str(ipaddress.IPv6Address(ALL6)))


def any_match(family: int) -> AddrMatch:
    return ANY4 if family == 4 else ANY6


@lru_cache(maxsize=4096)
def v4int(text: str) -> int | None:
    """Integer value of a dotted-quad IPv4 address, or ``None``."""
    parts = text.split(".")
    if len(parts) != 4:
        return None
    value = 0
    for part in parts:
        if not part.isdigit() or len(part) > 3:
            return None
        octet = int(part)
        if octet > 255:
            return None
        value = (value << 8) | octet
    return value


def is_v4(text: str) -> bool:
    return v4int(text) is not None


def _v4str(value: int) -> str:
    return f"{value >> 24}.{(value >> 16) & 255}.{(value >> 8) & 255}.{value & 255}"


@lru_cache(maxsize=4096)
def wild4(address: str, wildcard: str) -> AddrMatch | None:
    """``A W`` (wildcard mask, contiguous or not) -> ``AddrMatch`` with don't-care bits cleared."""
    a, w = v4int(address), v4int(wildcard)
    if a is None or w is None:
        return None
    return AddrMatch(address=_v4str(a & ~w & ALL4), wildcard=_v4str(w))


@lru_cache(maxsize=4096)
def host(address: str) -> AddrMatch | None:
    """``host A`` for IPv4 or IPv6."""
    if v4int(address) is not None:
        return AddrMatch(address=_v4str(v4int(address) or 0), wildcard="0.0.0.0")
    try:
        a6 = ipaddress.IPv6Address(address)
    except ValueError:
        return None
    return AddrMatch(address=str(a6), wildcard="::")


@lru_cache(maxsize=4096)
def prefix(text: str) -> AddrMatch | None:
    """``A/len`` (IPv4 or IPv6, host bits allowed) -> ``AddrMatch``."""
    a_text, _, len_text = text.partition("/")
    a = v4int(a_text)
    if a is not None:
        if not len_text.isdigit() or int(len_text) > 32:
            return None
        wild = ALL4 >> int(len_text)
        return AddrMatch(address=_v4str(a & ~wild & ALL4), wildcard=_v4str(wild))
    try:
        net = ipaddress.ip_network(text, strict=False)
    except ValueError:
        return None
    return AddrMatch(address=str(net.network_address), wildcard=str(net.hostmask))


def netmask_len(mask: str) -> int | None:
    """Prefix length of a contiguous dotted netmask (``255.255.255.0`` -> 24), else ``None``."""
    m = v4int(mask)
    if m is None:
        return None
    inv = ~m & ALL4
    if inv & (inv + 1):
        return None
    return 32 - inv.bit_length()


@lru_cache(maxsize=4096)
def netmask_match(address: str, mask: str) -> AddrMatch | None:
    """Object-group member ``A M`` (netmask) -> ``AddrMatch``."""
    length = netmask_len(mask)
    if length is None or v4int(address) is None:
        return None
    return prefix(f"{address}/{length}")


def v4_interface(address: str, mask: str) -> str | None:
    """``ip address A M`` -> ``A/len`` (mask must be contiguous, address valid)."""
    length = netmask_len(mask)
    if length is None or v4int(address) is None:
        return None
    return str(ipaddress.IPv4Interface(f"{address}/{length}"))


def interface_prefix(text: str, family: int) -> str | None:
    """``A/len`` interface form, canonical (``2001:DB8::1/64`` -> ``2001:db8::1/64``)."""
    try:
        iface = ipaddress.ip_interface(text)
    except ValueError:
        return None
    if iface.version != family or "/" not in text:
        return None
    return str(iface)


def canonical_prefix(text: str, family: int | None = None) -> str | None:
    """Canonical network string of ``A/len`` (host bits cleared)."""
    try:
        net = ipaddress.ip_network(text, strict=False)
    except ValueError:
        return None
    if family is not None and net.version != family:
        return None
    return str(net)


def mask_prefix(address: str, mask: str) -> str | None:
    """``A M`` with a netmask -> canonical prefix string."""
    length = netmask_len(mask)
    if length is None or v4int(address) is None:
        return None
    return canonical_prefix(f"{address}/{length}")


def wildcard_prefix(address: str, wildcard: str) -> str | None:
    """``A W`` (OSPF/EIGRP network statement) -> the smallest prefix covering every match."""
    a, w = v4int(address), v4int(wildcard)
    if a is None or w is None:
        return None
    return canonical_prefix(f"{address}/{32 - w.bit_length()}")


def classful_prefix(address: str) -> str | None:
    """``network A`` without a mask (RIP, EIGRP, BGP): the classful network of ``A``."""
    a = v4int(address)
    if a is None:
        return None
    first = a >> 24
    length = 8 if first < 128 else 16 if first < 192 else 24
    return canonical_prefix(f"{address}/{length}")


def range_matches(first: str, last: str) -> list[AddrMatch] | None:
    """``range A B`` -> the minimal list of prefixes covering exactly ``A..B``."""
    try:
        lo, hi = ipaddress.ip_address(first), ipaddress.ip_address(last)
    except ValueError:
        return None
    if lo.version != hi.version or int(lo) > int(hi):
        return None
    nets = ipaddress.summarize_address_range(lo, hi)  # type: ignore[type-var,unused-ignore]
    return [AddrMatch(address=str(n.network_address), wildcard=str(n.hostmask)) for n in nets]


def family_of(match: AddrMatch) -> int:
    return 6 if ":" in match.address else 4
