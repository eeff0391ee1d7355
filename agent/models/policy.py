"""The policy file: flagged vendors, core networks and allowed exceptions."""

from __future__ import annotations

import ipaddress
import re

from pydantic import BaseModel, ConfigDict, Field, field_validator

_SERVICE = re.compile(
    r"^(?:(tcp|udp|sctp)/(\d+)(?:-(\d+))?|(tcp|udp|sctp)|(icmp|icmp6|icmpv6)(?:/(\d+)(?:/(\d+))?)?|any|(\d+))$"
)


class _Policy(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _check_prefixes(values: list[str]) -> list[str]:
    out = []
    for value in values:
        try:
            out.append(str(ipaddress.ip_network(str(value), strict=False)))
        except ValueError as exc:
            raise ValueError(f"not an IP prefix: {value!r}") from exc
    return out


class Flagged(_Policy):
    vendors: list[str] = Field(default_factory=lambda: ["hikvision", "dahua"])
    macs: list[str] = Field(default_factory=list)
    ips: list[str] = Field(default_factory=list)

    @field_validator("ips")
    @classmethod
    def _ips(cls, values: list[str]) -> list[str]:
        out = []
        for value in values:
            try:
                out.append(str(ipaddress.ip_address(str(value))))
            except ValueError as exc:
                raise ValueError(f"not an IP address: {value!r}") from exc
        return out


class CoreNetwork(_Policy):
    name: str
    prefixes: list[str]

    _prefixes = field_validator("prefixes")(classmethod(lambda cls, v: _check_prefixes(v)))


class AllowedFlow(_Policy):
    """An allowed flow class: destinations x services (x sources, when given)."""

    name: str
    destinations: list[str]
    services: list[str] = Field(default_factory=lambda: ["any"])
    sources: list[str] | None = None

    _destinations = field_validator("destinations")(classmethod(lambda cls, v: _check_prefixes(v)))

    @field_validator("sources")
    @classmethod
    def _sources(cls, values: list[str] | None) -> list[str] | None:
        return None if values is None else _check_prefixes(values)

    @field_validator("services")
    @classmethod
    def _services(cls, values: list[str]) -> list[str]:
        out = []
        for value in values:
            text = str(value).strip().lower()
            match = _SERVICE.match(text)
            if not match:
                raise ValueError(
                    f"bad service {value!r}: use tcp/554, udp/1000-2000, tcp, icmp, icmp/8, "
                    "any or N"
                )
            lo, hi = match.group(2), match.group(3)
            if lo is not None and (
                int(lo) > 65535 or (hi is not None and not int(lo) <= int(hi) <= 65535)
            ):
                raise ValueError(f"bad port range in {value!r}")
            out.append(text)
        return out


class Policy(_Policy):
    flagged: Flagged = Field(default_factory=Flagged)
    core: list[CoreNetwork]
    allowed: list[AllowedFlow] = Field(default_factory=list)
    file: str | None = None


def parse_service(text: str) -> tuple[int | None, int | None, int | None, int | None, int | None]:
    """``tcp/554`` -> (6, 554, 554, None, None); ``icmp/8`` -> (1, None, None, 8, None).

    Returns (protocol, port_lo, port_hi, icmp_type, icmp_code); protocol None = any.
    """
    match = _SERVICE.match(text)
    if not match:
        raise ValueError(text)
    protos = {"tcp": 6, "udp": 17, "sctp": 132, "icmp": 1, "icmp6": 58, "icmpv6": 58}
    if match.group(1):
        lo = int(match.group(2))
        hi = int(match.group(3)) if match.group(3) else lo
        return protos[match.group(1)], lo, hi, None, None
    if match.group(4):
        return protos[match.group(4)], None, None, None, None
    if match.group(5):
        itype = int(match.group(6)) if match.group(6) else None
        icode = int(match.group(7)) if match.group(7) else None
        return protos[match.group(5)], None, None, itype, icode
    if match.group(8):
        return int(match.group(8)), None, None, None, None
    return None, None, None, None, None
