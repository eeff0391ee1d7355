"""ACL entry text for IOS-style platforms, shared by the templates (the change) and by the
configuration patcher (the running configuration afterwards), so both say the same thing.

Addresses: IOS uses ``host A`` / ``any`` / wildcard masks for IPv4, EOS ``host A`` / ``any`` /
prefixes; IPv6 is prefix notation on both. Ports are numeric (``eq 554``, ``range 1 2``).
"""

from __future__ import annotations

import ipaddress

from agent.models.plan import Entry

PROTOCOL_WORDS = {6: "tcp", 17: "udp", 1: "icmp", 58: "icmp"}


def address(prefix: str, family: int, platform: str) -> str:
    net = ipaddress.ip_network(prefix, strict=False)
    if net.prefixlen == 0:
        return "any"
    if net.prefixlen == net.max_prefixlen:
        return f"host {net.network_address}"
    if family == 6 or platform != "cisco_ios":
        return str(net)
    return f"{net.network_address} {net.hostmask}"


def _ports(span: tuple[int, int]) -> str:
    lo, hi = span
    return f"eq {lo}" if lo == hi else f"range {lo} {hi}"


def entry_text(entry: Entry, family: int, platform: str) -> str:
    """``permit tcp host 10.20.0.11 host 10.30.0.10 eq 554`` (without the sequence number)."""
    if entry.protocol is None:
        proto = "ip" if family == 4 else "ipv6"
    else:
        proto = PROTOCOL_WORDS.get(entry.protocol, str(entry.protocol))
    parts = [entry.action, proto, address(entry.src, family, platform)]
    if entry.src_ports is not None:
        parts.append(_ports(entry.src_ports))
    parts.append(address(entry.dst, family, platform))
    if entry.dst_ports is not None:
        parts.append(_ports(entry.dst_ports))
    if entry.icmp_type is not None:
        parts.append(str(entry.icmp_type))
        if entry.icmp_code is not None:
            parts.append(str(entry.icmp_code))
    if entry.log:
        parts.append("log")
    return " ".join(parts)
