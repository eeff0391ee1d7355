"""``acl-template`` input: camera and core prefixes, allowed exceptions, a name and bindings.

Everything typed on the command line is checked here, once, with one clear ``InputError`` per
mistake (option, value, hint). Prefixes must be network addresses: ``10.20.0.5/24`` is refused
with a hint (``10.20.0.0/24``) rather than silently widened or narrowed. Duplicates and prefixes
inside another prefix of the same list are dropped (they match nothing more).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from ipaddress import IPv6Network, ip_network
from typing import NamedTuple

from pydantic import BaseModel, ConfigDict

from agent.errors import InputError
from agent.render.model import ICMP, ICMP6, SCTP, TCP, UDP, Family, Network, Port, outermost

DEFAULT_NAME = "CAM-ISOLATE"
_PREFIX_CHARS = re.compile(r"[0-9A-Fa-f:./]+")
_SERVICE = re.compile(
    r"(?P<pp>tcp|udp|sctp)(?:/(?P<lo>\d{1,5})(?:-(?P<hi>\d{1,5}))?)?"
    r"|(?P<icmp>icmp|icmp6|icmpv6)(?:/(?P<type>\d{1,3})(?:/(?P<code>\d{1,3}))?)?"
    r"|(?P<any>any)"
)
_BRACKETED = re.compile(r"\[(?P<addr>[^\]]*)\](?P<len>/\d{1,3})?:(?P<svc>.*)")
_SERVICE_HINT = "services: tcp/554, udp/1000-2000, tcp, udp, sctp/9, icmp, icmp/8, icmp/8/0, any"
_PROTOCOLS = {"tcp": TCP, "udp": UDP, "sctp": SCTP}


class Allow(BaseModel):
    """Cameras may reach ``dst`` on this service (protocol None = any)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    dst: Network
    service: str  # canonical text, e.g. ``tcp/554``, ``icmp6/128``
    protocol: int | None = None
    dst_ports: tuple[Port, ...] | None = None
    icmp_type: int | None = None
    icmp_code: int | None = None


class Spec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    cameras: tuple[Network, ...]
    core: tuple[Network, ...]
    allows: tuple[Allow, ...] = ()
    name: str = DEFAULT_NAME
    binds: tuple[str, ...] = ()

    @property
    def families(self) -> tuple[Family, ...]:
        both: tuple[Family, ...] = (4, 6)
        return tuple(f for f in both if any(n.version == f for n in self.cameras))

    def cameras_of(self, family: int) -> tuple[Network, ...]:
        return tuple(n for n in self.cameras if n.version == family)

    def core_of(self, family: int) -> tuple[Network, ...]:
        return tuple(n for n in self.core if n.version == family)


def _shown(text: str) -> str:
    return repr(text if len(text) <= 60 else text[:60] + "...")


def parse_prefix(text: str, option: str) -> Network:
    """``text`` as a network; an address alone is a host prefix. Host bits are refused; so is
    any character that cannot be part of an address (only outer spaces are forgiven)."""
    raw = text.strip(" ") if isinstance(text, str) else ""
    if not raw or not _PREFIX_CHARS.fullmatch(raw):
        raise InputError(
            f"{_shown(str(text))} is not an IP prefix",
            where=option,
            hint="write A.B.C.D/LEN or X:X::X/LEN",
        )
    try:
        net = ip_network(raw)
    except ValueError as exc:
        try:
            loose = ip_network(raw, strict=False)
        except ValueError:
            raise InputError(f"{raw!r} is not an IP prefix", where=option) from exc
        raise InputError(
            f"{raw} has host bits set",
            where=option,
            hint=f"write the network address, {loose}, or the host, {raw.split('/')[0]}",
        ) from exc
    if isinstance(net, IPv6Network) and net.network_address.scope_id:  # pragma: no cover
        raise InputError(f"{raw!r} carries a scope id", where=option)
    return net


class Service(NamedTuple):
    text: str  # canonical
    protocol: int | None = None
    dst_ports: tuple[Port, ...] | None = None
    icmp_type: int | None = None
    icmp_code: int | None = None


def parse_service(text: str, family: int, item: str) -> Service:
    """The service part of an ``--allow`` item, for a destination of ``family``."""
    svc = text.strip(" ").lower()
    match = _SERVICE.fullmatch(svc)
    if not match:
        raise InputError(
            f"{_shown(item)}: bad service {_shown(text)}", where="--allow", hint=_SERVICE_HINT
        )
    if match["any"]:
        return Service("any")
    if match["pp"]:
        word = match["pp"]
        if match["lo"] is None:
            return Service(word, _PROTOCOLS[word])
        lo = int(match["lo"])
        hi = int(match["hi"]) if match["hi"] else lo
        if not 0 <= lo <= hi <= 65535:
            raise InputError(
                f"{_shown(item)}: bad port range {lo}-{hi}",
                where="--allow",
                hint="0-65535, low-high",
            )
        ports = f"{lo}" if lo == hi else f"{lo}-{hi}"
        return Service(f"{word}/{ports}", _PROTOCOLS[word], ((lo, hi),))
    word = match["icmp"]
    if word in ("icmp6", "icmpv6") and family == 4:
        raise InputError(
            f"{_shown(item)}: ICMPv6 to an IPv4 destination", where="--allow", hint="use icmp"
        )
    proto, canon = (ICMP, "icmp") if family == 4 else (ICMP6, "icmp6")
    itype = int(match["type"]) if match["type"] else None
    icode = int(match["code"]) if match["code"] else None
    for value in (itype, icode):
        if value is not None and value > 255:
            raise InputError(f"{_shown(item)}: ICMP type and code are 0-255", where="--allow")
    suffix = "".join(f"/{v}" for v in (itype, icode) if v is not None)
    return Service(f"{canon}{suffix}", proto, None, itype, icode)


def parse_allow(text: str) -> Allow:
    """``DST:SERVICE``: ``10.30.0.10/32:tcp/554``, ``2001:db8::10:udp/123``,
    ``[2001:db8::10]:tcp/554``. The split is at the last colon: plain protocol numbers are not
    services here, so the last group of an IPv6 address is never mistaken for one."""
    raw = text.strip(" ") if isinstance(text, str) else ""
    bracketed = _BRACKETED.fullmatch(raw)
    if bracketed:
        dst_text = bracketed["addr"] + (bracketed["len"] or "")
        svc = bracketed["svc"]
    else:
        dst_text, colon, svc = raw.rpartition(":")
        if not colon or not dst_text:
            raise InputError(
                f"{_shown(str(text))} has no service",
                where="--allow",
                hint="write DST:SERVICE, e.g. 10.30.0.10:tcp/554 or 2001:db8::10:udp/123",
            )
    if not _SERVICE.fullmatch(svc.strip(" ").lower()):
        raise InputError(
            f"{_shown(raw)}: bad service {_shown(svc)}",
            where="--allow",
            hint="write DST:SERVICE; " + _SERVICE_HINT,
        )
    dst = parse_prefix(dst_text, "--allow")
    service = parse_service(svc, dst.version, raw)
    return Allow(
        dst=dst,
        service=service.text,
        protocol=service.protocol,
        dst_ports=service.dst_ports,
        icmp_type=service.icmp_type,
        icmp_code=service.icmp_code,
    )


def make_spec(
    cameras: Sequence[str],
    core: Sequence[str],
    allows: Sequence[str] = (),
    name: str | None = None,
    binds: Sequence[str] = (),
) -> Spec:
    """The checked input, or ``InputError``. Every IP family used by the cameras must have core
    prefixes and the other way round: a family on one side only cannot be isolated."""
    if isinstance(cameras, str) or isinstance(core, str) or isinstance(allows, str):
        raise InputError("cameras, core and allows are lists of strings")  # pragma: no cover
    if not cameras:
        raise InputError("at least one camera prefix", where="--cameras")
    if not core:
        raise InputError("at least one core prefix", where="--core")
    cams = outermost(parse_prefix(t, "--cameras") for t in cameras)
    cores = outermost(parse_prefix(t, "--core") for t in core)
    parsed = tuple(dict.fromkeys(parse_allow(t) for t in allows))
    cam_families = {n.version for n in cams}
    core_families = {n.version for n in cores}
    for family in sorted(cam_families - core_families):
        raise InputError(
            f"cameras have IPv{family} prefixes but the core has none",
            where="--core",
            hint=f"add the core's IPv{family} prefixes, or drop the cameras' IPv{family} ones",
        )
    for family in sorted(core_families - cam_families):
        raise InputError(
            f"the core has IPv{family} prefixes but the cameras have none",
            where="--cameras",
            hint=f"add the cameras' IPv{family} prefix (SLAAC or DHCPv6 addresses stay open "
            "otherwise), or drop the core's",
        )
    for allow in parsed:
        if allow.dst.version not in cam_families:
            raise InputError(
                f"{allow.dst}:{allow.service} is IPv{allow.dst.version} but no camera prefix is",
                where="--allow",
            )
    return Spec(
        cameras=cams,
        core=cores,
        allows=parsed,
        name=DEFAULT_NAME if name is None else name,
        binds=tuple(binds),
    )
