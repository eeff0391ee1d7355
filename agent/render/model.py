"""The vendor-neutral rule list every renderer consumes (``acl-template``, remediation).

A ``Rule`` is one first-match entry: action, one address family, a protocol and its ports or ICMP
type, lists of source and destination prefixes. Rules are data; order is the list's order. The
text fields (``remark``, ``name``) are checked against the target platform only when rendered
(``agent.render.view``), because their limits depend on the platform.
"""

from __future__ import annotations

from collections.abc import Iterable
from ipaddress import IPv4Network, IPv6Network
from typing import Literal

from pydantic import BaseModel, ConfigDict, model_validator

Network = IPv4Network | IPv6Network
Family = Literal[4, 6]
Port = tuple[int, int]  # inclusive range; (554, 554) is one port

TCP, UDP, SCTP, ICMP, ICMP6 = 6, 17, 132, 1, 58
PORT_PROTOCOLS = frozenset({TCP, UDP, SCTP})
ICMP_OF = {4: ICMP, 6: ICMP6}


def outermost(nets: Iterable[Network]) -> tuple[Network, ...]:
    """``nets`` without duplicates and without prefixes inside another one; order kept."""
    unique = list(dict.fromkeys(nets))
    return tuple(
        n
        for n in unique
        if not any(
            o != n and o.version == n.version and n.subnet_of(o)  # type: ignore[arg-type]
            for o in unique
        )
    )


class Rule(BaseModel):
    """One entry. ``protocol`` None = any IP protocol; ``dst_ports``/``src_ports`` None = any
    port (only for tcp, udp, sctp); ``icmp_type`` only with ICMP (1, family 4) or ICMPv6
    (58, family 6). Prefixes must be network addresses (no host bits) of ``family``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    action: Literal["permit", "deny"]
    family: Family
    protocol: int | None = None
    src: tuple[Network, ...]
    dst: tuple[Network, ...]
    dst_ports: tuple[Port, ...] | None = None
    src_ports: tuple[Port, ...] | None = None
    icmp_type: int | None = None
    icmp_code: int | None = None
    remark: str | None = None
    log: bool = False
    name: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Rule:
        for side, nets in (("src", self.src), ("dst", self.dst)):
            if not nets:
                raise ValueError(f"{side}: at least one prefix")
            for net in nets:
                if net.version != self.family:
                    raise ValueError(f"{side}: {net} is not an IPv{self.family} prefix")
                if isinstance(net, IPv6Network) and net.network_address.scope_id:
                    raise ValueError(f"{side}: {net} carries a scope id")
        if self.protocol is not None and not 0 <= self.protocol <= 255:
            raise ValueError(f"protocol {self.protocol} is not 0-255")
        for side, ports in (("dst_ports", self.dst_ports), ("src_ports", self.src_ports)):
            if ports is None:
                continue
            if self.protocol not in PORT_PROTOCOLS:
                raise ValueError(f"{side} need protocol tcp (6), udp (17) or sctp (132)")
            if not ports:
                raise ValueError(f"{side}: empty; use None for any port")
            for lo, hi in ports:
                if not 0 <= lo <= hi <= 65535:
                    raise ValueError(f"{side}: bad range {lo}-{hi}")
        if self.protocol in (ICMP, ICMP6) and self.protocol != ICMP_OF[self.family]:
            raise ValueError(
                f"protocol {self.protocol} does not match IPv{self.family}: "
                f"use {ICMP_OF[self.family]} for ICMP"
            )
        if self.icmp_type is not None:
            if self.protocol != ICMP_OF[self.family]:
                raise ValueError("icmp_type needs protocol 1 (IPv4) or 58 (IPv6)")
            if not 0 <= self.icmp_type <= 255:
                raise ValueError(f"icmp_type {self.icmp_type} is not 0-255")
        if self.icmp_code is not None and (
            self.icmp_type is None or not 0 <= self.icmp_code <= 255
        ):
            raise ValueError("icmp_code needs icmp_type and must be 0-255")
        return self
