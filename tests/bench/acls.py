"""ACL content of the synthetic campus and its text in both dialects.

Every distribution holds ``CAM-IN`` (camera SVI, in), ``USERS-IN`` (user SVI, in) and, when the
building has printers, ``PRN-IN``. The fixed part of ``CAM-IN``: the NVR streams, the deliberate
leak of a leaking building (a permit above the deny that shadows it), the denies of the core and
of management. Filler then brings the network's total number of entries to the target, a quarter
of each building's share in ``CAM-IN``, a tenth in ``PRN-IN``, the rest in ``USERS-IN``
(realistic host/port entries toward the data centre servers). Each ACL ends with
``permit ip any any``.
"""

from __future__ import annotations

import ipaddress
import random

from tests.bench.model import (
    ANY,
    CORE_PREFIX,
    DNS,
    MGMT_PREFIX,
    NTP,
    NVR_PORTS,
    NVRS,
    PRINT_SERVER,
    Ace,
    Building,
    Endpoint,
    Net,
    host,
    nth,
)

LEAK_VARIANTS = ("https-servers", "shadowing-any", "dns")
CAM_DENY_TCP = (21, 22, 23, 25, 80, 110, 135, 139, 445, 1433, 3389, 5900, 8080, 8443)
CAM_DENY_UDP = (69, 137, 138, 161, 1900, 3702, 5353)
USER_TCP = (22, 80, 443, 445, 1433, 3389, 8080, 8443, 5432, 636, 389)
CORE = ipaddress.IPv4Network(CORE_PREFIX)
MGMT = ipaddress.IPv4Network(MGMT_PREFIX)


def eq(port: int) -> tuple[str, tuple[int, ...]]:
    return ("eq", (port,))


def entries(acl: list[Ace]) -> int:
    return sum(1 for a in acl if a.action != "remark")


# -- content ------------------------------------------------------------------------------------


def fixed(bld: Building) -> dict[str, list[Ace]]:
    """The fixed part of a building's ACLs (no filler, no final permit yet)."""
    n = bld.index + 1
    cam = [Ace("remark", text=f"CCTV building {n} -> NVR (RTSP + SDK)")]
    cam += [Ace("permit", "tcp", bld.cam, host(nvr), eq(p)) for nvr in NVRS for p in NVR_PORTS]
    if bld.leak == "https-servers":
        cam.append(Ace("remark", text="TEMP CHG0041873 camera firmware update via app servers"))
        servers = ipaddress.IPv4Network("10.0.100.0/24")
        cam.append(Ace("permit", "tcp", bld.cam, servers, eq(443)))
    elif bld.leak == "dns":
        cam.append(Ace("remark", text="cameras resolve the P2P cloud name"))
        cam.append(Ace("permit", "udp", bld.cam, host(DNS), eq(53)))
    elif bld.leak == "shadowing-any":
        cam.append(Ace("remark", text="vendor support session INC0091232 (remove after)"))
        cam.append(Ace("permit", "ip", bld.cam, ANY))
    cam += [
        Ace("remark", text="cameras must not reach the data centre or management"),
        Ace("deny", "ip", bld.cam, CORE, log=True),
        Ace("deny", "ip", bld.cam, MGMT, log=True),
        Ace("remark", text="hardening"),
    ]
    users = [Ace("remark", text=f"users building {n} -> data centre services")]
    prn: list[Ace] = []
    if bld.printers is not None:
        prn = [
            Ace("remark", text="printers -> print server, DNS, NTP"),
            Ace("permit", "tcp", bld.printers, host(PRINT_SERVER), eq(9100)),
            Ace("permit", "udp", bld.printers, host(DNS), eq(53)),
            Ace("permit", "udp", bld.printers, host(NTP), eq(123)),
            Ace("deny", "ip", bld.printers, CORE, log=True),
        ]
    return {"CAM-IN": cam, "USERS-IN": users, "PRN-IN": prn}


def balance(buildings: list[Building], target: int, rng: random.Random, dc: list[Endpoint]) -> None:
    """Add filler so the whole network holds ``target`` entries, then the final permits."""
    finals = sum(3 if b.printers is not None else 2 for b in buildings)
    filler = max(0, target - finals - sum(entries(a) for b in buildings for a in b.acls.values()))
    per, extra = divmod(filler, len(buildings))
    servers = [e for e in dc if e.kind == "server"]
    for i, bld in enumerate(buildings):
        budget = per + (1 if i < extra else 0)
        cam_n = budget * 25 // 100
        prn_n = budget * 10 // 100 if bld.printers is not None else 0
        others = [x for x in buildings if x is not bld]
        bld.acls["CAM-IN"] += [_camera(bld, others, rng) for _ in range(cam_n)]
        bld.acls["USERS-IN"] += _users(bld, servers, rng, budget - cam_n - prn_n)
        bld.acls["PRN-IN"] += [_printer(bld, servers, rng) for _ in range(prn_n)]
        for acl in bld.acls.values():
            if acl:
                acl.append(Ace("permit", "ip", ANY, ANY))


def _camera(bld: Building, others: list[Building], rng: random.Random) -> Ace:
    r = rng.random()
    if r < 0.35 and others:
        return Ace("deny", "ip", bld.cam, rng.choice(others).users, log=rng.random() < 0.3)
    if r < 0.5 and others:
        return Ace("deny", "ip", bld.cam, rng.choice(others).cam)
    if r < 0.7:
        return Ace("deny", "tcp", bld.cam, ANY, eq(rng.choice(CAM_DENY_TCP)))
    if r < 0.8:
        return Ace("deny", "udp", bld.cam, ANY, eq(rng.choice(CAM_DENY_UDP)))
    if r < 0.9:
        quarantined = host(nth(bld.cam, rng.randrange(1, 254)))
        return Ace("deny", "ip", quarantined, ANY, log=True)
    lo = rng.randrange(1024, 60000)
    proto = rng.choice(("tcp", "udp"))
    return Ace("deny", proto, bld.cam, ANY, ("range", (lo, lo + rng.randrange(1, 200))))


def _users(bld: Building, servers: list[Endpoint], rng: random.Random, count: int) -> list[Ace]:
    out: list[Ace] = []
    for i in range(count):
        if i % 40 == 0:
            ticket = rng.randrange(10000, 99999)
            out.append(Ace("remark", text=f"block {i // 40 + 1}: ticket CHG{ticket}"))
        r = rng.random()
        srv = host(rng.choice(servers).ip)
        desk = host(nth(bld.users, rng.randrange(20, 500)))
        if r < 0.35:
            out.append(Ace("permit", "tcp", desk, srv, eq(rng.choice(USER_TCP))))
        elif r < 0.55:
            out.append(Ace("permit", "tcp", bld.users, srv, eq(rng.choice(USER_TCP))))
        elif r < 0.65:
            out.append(Ace("permit", "udp", bld.users, srv, eq(rng.choice((53, 123, 161, 514)))))
        elif r < 0.75:
            lo = rng.choice((8080, 9000, 10000, 50000))
            net = srv.supernet(new_prefix=24)
            out.append(
                Ace("permit", "tcp", bld.users, net, ("range", (lo, lo + rng.randrange(5, 100))))
            )
        elif r < 0.85:
            out.append(Ace("deny", "tcp", ANY, srv, eq(rng.choice((23, 445, 3389))), log=True))
        elif r < 0.95:
            out.append(Ace("deny", "ip", desk, ANY, log=True))
        else:
            out.append(Ace("permit", "icmp", bld.users, ANY, icmp="echo"))
    return out


def _printer(bld: Building, servers: list[Endpoint], rng: random.Random) -> Ace:
    assert bld.printers is not None
    prn = host(nth(bld.printers, rng.randrange(10, 250)))
    r = rng.random()
    if r < 0.5:
        return Ace("deny", "ip", prn, ANY, log=True)
    if r < 0.8:
        return Ace("deny", "tcp", bld.printers, ANY, eq(rng.choice((21, 23, 80, 161, 9100))))
    return Ace("permit", "tcp", prn, host(rng.choice(servers).ip), eq(25))


# -- text ---------------------------------------------------------------------------------------


def _addr(net: Net, eos: bool) -> str:
    if net.prefixlen == 0:
        return "any"
    if net.prefixlen == 32:
        return f"host {net.network_address}"
    return str(net) if eos else f"{net.network_address} {net.hostmask}"


def ace_text(a: Ace, eos: bool) -> str:
    if a.action == "remark":
        return f"remark {a.text}"
    parts = [a.action, a.proto, _addr(a.src, eos), _addr(a.dst, eos)]
    if a.port is not None:
        op, values = a.port
        parts.append(f"{op} {' '.join(str(v) for v in values)}")
    if a.icmp:
        parts.append(a.icmp)
    if a.log:
        parts.append("log")
    return " ".join(parts)


def block(name: str, acl: list[Ace], eos: bool) -> list[str]:
    """``ip access-list`` as the device prints it: EOS numbers remarks too, IOS-XE does not."""
    if eos:
        lines = [f"ip access-list {name}"]
        lines += [f"   {10 * (i + 1)} {ace_text(a, eos)}" for i, a in enumerate(acl)]
        return [*lines, "!"]
    lines = [f"ip access-list extended {name}"]
    seq = 0
    for a in acl:
        if a.action == "remark":
            lines.append(f" {ace_text(a, eos)}")
        else:
            seq += 10
            lines.append(f" {seq} {ace_text(a, eos)}")
    return [*lines, "!"]
