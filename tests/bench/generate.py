"""Deterministic synthetic campus snapshots for the benchmark (``make bench``).

``generate(n, folder, seed=1)`` writes a snapshot of exactly ``n`` devices in the format of
``/work/shared/spec/interfaces.md`` (``configs/``, ``state/<host>/{arp,mac,lldp}.json``,
``policy.yml``, ``meta.json``) and returns a ``Summary`` of what it wrote. The same ``n`` and
``seed`` always give byte-identical files.

Shape:

- ``core1``, ``core2``: IOS-XE routers, OSPF area 0, static default toward an internet firewall
  (``fw1``, seen in LLDP only, no configuration), a static summary of the data centre.
- ``dc1``: IOS-XE layer-3 switch owning the core networks (10.0.0.0/16): servers, infrastructure,
  ERP, storage and the NVRs (10.0.30.10-11).
- buildings of about eight devices: one distribution layer-3 switch (IOS-XE and Arista EOS
  alternately, routed uplinks to both cores, OSPF plus static defaults) and several IOS access
  switches (layer 2 only, one trunk uplink to the distribution).

Each distribution has SVIs for cameras (VLAN 20, ``CAM-IN`` in), users (VLAN 40, ``USERS-IN``
in), printers in two buildings out of three (VLAN 50, ``PRN-IN`` in) and management (VLAN 99).
``CAM-IN`` permits the NVR streams, denies the core and management networks, then filler, then
``permit ip any any``. Filler entries (realistic host/port entries) bring the total number of ACL
entries to ``ACL_ENTRIES_PER_DEVICE * n`` (100,000 at n = 500); remarks are not counted.
There are ``CAMERAS_PER_DEVICE * n`` flagged cameras (Hikvision/Dahua OUIs) on access ports,
plus unflagged Axis cameras, Dell/HP user machines and HP printers.

About one building in ten leaks on purpose (``is_leaking``): a permit placed above the deny of
the core shadows it (HTTPS to the servers, DNS to the resolver, or a whole ``permit ip ... any``),
so its cameras are ``reachable`` and every other camera is ``isolated``.

Address plan (building ``b`` counts from 0): cameras 10.64.b.0/24, users 10.96.2b.0/23, printers
10.160.b.0/24, management 10.200.b.0/24 (the third octet carries into the second past 255),
point-to-point links 10.254.0.0/16 (/30 each), loopbacks 10.255.0.0/16.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import math
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from tests.bench import configs, state
from tests.bench.configs import Ace, Net

ACL_ENTRIES_PER_DEVICE = 200
CAMERAS_PER_DEVICE = 4
DEVICES_PER_BUILDING = 8  # one distribution and about seven access switches
CORE_PREFIX = "10.0.0.0/16"
NVRS = ("10.0.30.10", "10.0.30.11")
NVR_PORTS = (554, 8000)
CAM_VLAN, USER_VLAN, PRINTER_VLAN, MGMT_VLAN, PARKING_VLAN = 20, 40, 50, 99, 999
ACCESS_PORTS = 48

# Real registry assignments (checked against agent.endpoints.classify in test_generate.py).
FLAGGED_OUIS = {
    "BC:AD:28": "Hikvision DS-2CD2143G2-I",
    "44:19:B6": "Hikvision DS-2CD2387G2",
    "C0:56:E3": "Hikvision DS-2DE4425IW",
    "3C:EF:8C": "Dahua IPC-HFW2431S",
    "E0:50:8B": "Dahua IPC-HDW3841T",
    "38:AF:29": "Dahua SD49425XB",
}
DELL_OUIS = ("18:66:DA", "F8:BC:12", "A4:BB:6D", "D4:BE:D9", "70:B5:E8")
HP_OUIS = ("3C:D9:2B", "98:E7:F4", "10:E7:C6")
AXIS_OUIS = ("00:40:8C", "AC:CC:8E")
CISCO_OUIS = ("F8:7B:20", "70:1F:53", "A0:F8:49")
ARISTA_OUI = "44:4C:A8"
VMWARE_OUI, SYNOLOGY_OUI = "00:50:56", "00:11:32"

LEAK_VARIANTS = ("https-servers", "shadowing-any", "dns")


@dataclass(slots=True)
class Endpoint:
    kind: str  # camera | axis | user | printer | server | nvr | switch
    name: str
    mac: str
    ip: str
    vlan: int
    port: str  # long interface name on the switch it is plugged into
    label: str


@dataclass(slots=True)
class Access:
    name: str
    building: int
    mgmt_ip: str
    mac: str
    uplink: str  # own trunk toward the distribution
    dist_port: str  # the distribution's port
    endpoints: list[Endpoint] = field(default_factory=list)


@dataclass(slots=True)
class Link:
    """A routed point-to-point /30 between ``a`` and ``b`` (``b`` may have no configuration)."""

    a: str
    a_port: str
    a_ip: str
    b: str
    b_port: str
    b_ip: str
    prefix: Net


@dataclass(slots=True)
class Building:
    index: int
    dist: str
    platform: str  # cisco_ios | arista_eos
    leak: str | None
    cam: Net
    users: Net
    printers: Net | None
    mgmt: Net
    loopback: str
    mac: str
    accesses: list[Access] = field(default_factory=list)
    acls: dict[str, list[Ace]] = field(default_factory=dict)


@dataclass(slots=True)
class Campus:
    n: int
    seed: int
    buildings: list[Building]
    links: list[Link]
    dc_endpoints: list[Endpoint]
    loopbacks: dict[str, str]
    macs: dict[str, str]


@dataclass(frozen=True, slots=True)
class Summary:
    devices: int
    buildings: int
    acl_lines: int  # permit/deny entries (remarks not counted)
    cameras: int  # flagged
    endpoints: int  # every other endpoint (users, printers, Axis cameras, servers, NVRs)
    leaking: tuple[str, ...]  # distributions of the buildings that leak on purpose
    expected: dict[str, str]  # flagged camera IP -> "reachable" | "isolated"


def is_leaking(b: int) -> bool:
    """About one building in ten, alternating between IOS (even) and EOS (odd) distributions."""
    return b % 10 == (1 if (b // 10) % 2 == 0 else 4)


def layout(n: int) -> list[int]:
    """Access switches per building for ``n`` devices in total (3 + buildings + accesses)."""
    if n < 7:
        raise ValueError(f"{n} devices: at least 7 (2 cores, 1 DC switch, 2 buildings of 2)")
    rest = n - 3
    buildings = max(2, math.ceil(rest / DEVICES_PER_BUILDING))
    accesses = rest - buildings
    return [
        accesses // buildings + (1 if b < accesses % buildings else 0) for b in range(buildings)
    ]


def _mac(oui: str, counter: int, seed: int) -> str:
    # an odd multiplier is a bijection on 24 bits: distinct counters give distinct host parts
    v = (counter * 0x9E3779 + seed * 0x35A4E9) & 0xFFFFFF
    return f"{oui}:{v >> 16:02X}:{(v >> 8) & 0xFF:02X}:{v & 0xFF:02X}"


def _net(first: int, index: int, size: int = 1, prefixlen: int = 24) -> Net:
    base = int(ipaddress.IPv4Address(f"10.{first}.0.0")) + index * size * 256
    return ipaddress.IPv4Network((base, prefixlen))


def _host(net: Net, offset: int) -> str:
    if offset >= net.num_addresses - 1:
        raise ValueError(f"{net}: no host number {offset}")
    return str(net.network_address + offset)


class _Counters:
    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.used: dict[str, int] = {}

    def mac(self, pool: str, oui: str) -> str:
        k = self.used.get(pool, 0)
        self.used[pool] = k + 1
        return _mac(oui, k, self.seed + len(pool))


def plan(n: int, seed: int = 1) -> Campus:
    rng = random.Random(f"segproof-bench:{seed}:{n}")
    counters = _Counters(seed)
    sizes = layout(n)
    total_access = sum(sizes)
    cameras_total = CAMERAS_PER_DEVICE * n
    links: list[Link] = []
    link_no = 0

    def p2p(a: str, a_port: str, b: str, b_port: str) -> Link:
        nonlocal link_no
        prefix = ipaddress.IPv4Network((int(ipaddress.IPv4Address("10.254.0.0")) + 4 * link_no, 30))
        link_no += 1
        hosts = list(prefix.hosts())
        link = Link(a, a_port, str(hosts[1]), b, b_port, str(hosts[0]), prefix)
        links.append(link)
        return link

    core_ports = {"core1": 0, "core2": 0}

    def core_port(core: str) -> str:
        i = core_ports[core]
        core_ports[core] = i + 1
        return f"TenGigabitEthernet{1 + i // 48}/0/{1 + i % 48}"

    loopbacks = {name: f"10.255.0.{i + 1}" for i, name in enumerate(("core1", "core2", "dc1"))}
    macs = {name: counters.mac("cisco", CISCO_OUIS[2]) for name in ("core1", "core2", "dc1")}
    p2p("core2", core_port("core2"), "core1", core_port("core1"))
    for core in ("core1", "core2"):
        p2p(
            "dc1",
            f"TenGigabitEthernet1/0/{1 + len([x for x in links if x.a == 'dc1'])}",
            core,
            core_port(core),
        )
    for core in ("core1", "core2"):
        p2p(core, core_port(core), "fw1", f"ethernet1/{1 if core == 'core1' else 2}")

    dc_endpoints = _dc_endpoints(counters)
    buildings: list[Building] = []
    access_no = 0
    for b, count in enumerate(sizes):
        platform = "cisco_ios" if b % 2 == 0 else "arista_eos"
        leak_no = sum(1 for x in buildings if x.leak)
        bld = Building(
            index=b,
            dist=f"b{b + 1:03d}-dist",
            platform=platform,
            leak=LEAK_VARIANTS[leak_no % len(LEAK_VARIANTS)] if is_leaking(b) else None,
            cam=_net(64, b),
            users=_net(96, b, size=2, prefixlen=23),
            printers=_net(160, b) if b % 3 != 2 else None,
            mgmt=_net(200, b),
            loopback=str(ipaddress.IPv4Address("10.255.1.1") + b),
            mac=counters.mac("dist", ARISTA_OUI if platform == "arista_eos" else CISCO_OUIS[0]),
        )
        for c, core in enumerate(("core1", "core2")):
            uplink = (
                f"TenGigabitEthernet1/1/{c + 1}"
                if platform == "cisco_ios"
                else f"Ethernet{49 + c}/1"
            )
            p2p(bld.dist, uplink, core, core_port(core))
        cams = 0
        others = 0
        for j in range(count):
            acc = Access(
                name=f"b{b + 1:03d}-acc{j + 1:02d}",
                building=b,
                mgmt_ip=_host(bld.mgmt, 10 + j),
                mac=counters.mac("access", CISCO_OUIS[1]),
                uplink="TenGigabitEthernet1/1/1",
                dist_port=f"GigabitEthernet1/0/{j + 1}"
                if platform == "cisco_ios"
                else f"Ethernet{j + 1}",
            )
            share = cameras_total // total_access + (
                1 if access_no < cameras_total % total_access else 0
            )
            access_no += 1
            cams, others = _populate(acc, bld, share, cams, others, rng, counters)
            bld.accesses.append(acc)
        bld.acls = _acls(bld, dc_endpoints)
        buildings.append(bld)
    _balance_acls(buildings, ACL_ENTRIES_PER_DEVICE * n, rng, dc_endpoints)
    for bld in buildings:
        loopbacks[bld.dist] = bld.loopback
        macs[bld.dist] = bld.mac
    return Campus(n, seed, buildings, links, dc_endpoints, loopbacks, macs)


def _populate(
    acc: Access,
    bld: Building,
    cameras: int,
    cam_no: int,
    other_no: int,
    rng: random.Random,
    counters: _Counters,
) -> tuple[int, int]:
    """Plug cameras, an Axis camera, a printer and users into ``acc``; returns the running
    camera and non-camera host numbers of the building."""
    axis = 1 if rng.random() < 0.5 else 0
    printers = 1 if bld.printers is not None and rng.random() < 0.6 else 0
    users = 6 + rng.randrange(10)
    free = ACCESS_PORTS - 1 - cameras - axis - printers
    if free < 0:
        raise ValueError(f"{acc.name}: {cameras} cameras do not fit on {ACCESS_PORTS} ports")
    users = min(users, free)
    ports = rng.sample(range(1, ACCESS_PORTS + 1), cameras + axis + printers + users)
    kinds = ["camera"] * cameras + ["axis"] * axis + ["printer"] * printers + ["user"] * users
    for kind, port in zip(kinds, ports, strict=True):
        itf = f"GigabitEthernet1/0/{port}"
        if kind == "camera":
            oui = rng.choice(sorted(FLAGGED_OUIS))
            ip = _host(bld.cam, 10 + cam_no)
            cam_no += 1
            ep = Endpoint(
                kind,
                f"cam-{bld.index + 1:03d}-{cam_no:03d}",
                counters.mac("camera", oui),
                ip,
                CAM_VLAN,
                itf,
                FLAGGED_OUIS[oui],
            )
        elif kind == "axis":
            ip = _host(bld.cam, 200 + other_no % 50)
            other_no += 1
            ep = Endpoint(
                kind,
                f"axis-{bld.index + 1:03d}-{other_no:03d}",
                counters.mac("axis", rng.choice(AXIS_OUIS)),
                ip,
                CAM_VLAN,
                itf,
                "Axis P3265-LVE",
            )
        elif kind == "printer":
            assert bld.printers is not None
            other_no += 1
            ip = _host(bld.printers, 10 + other_no % 200)
            ep = Endpoint(
                kind,
                f"prn-{bld.index + 1:03d}-{other_no:03d}",
                counters.mac("printer", rng.choice(HP_OUIS)),
                ip,
                PRINTER_VLAN,
                itf,
                "HP LaserJet M507",
            )
        else:
            other_no += 1
            ip = _host(bld.users, 20 + other_no)
            oui = rng.choice(DELL_OUIS + HP_OUIS)
            ep = Endpoint(
                kind,
                f"pc-{bld.index + 1:03d}-{other_no:03d}",
                counters.mac("user", oui),
                ip,
                USER_VLAN,
                itf,
                "user desk",
            )
        acc.endpoints.append(ep)
    acc.endpoints.sort(key=lambda e: int(e.port.rsplit("/", 1)[1]))
    return cam_no, other_no


def _dc_endpoints(counters: _Counters) -> list[Endpoint]:
    rows = [
        ("nvr", "nvr1", SYNOLOGY_OUI, NVRS[0], 130, "Synology NVR (RTSP/SDK)"),
        ("nvr", "nvr2", SYNOLOGY_OUI, NVRS[1], 130, "Synology NVR (RTSP/SDK)"),
        ("server", "ntp1", DELL_OUIS[0], "10.0.101.20", 101, "GPS NTP"),
        ("server", "dns1", VMWARE_OUI, "10.0.101.53", 101, "DNS/DHCP"),
        ("server", "dns2", VMWARE_OUI, "10.0.101.54", 101, "DNS/DHCP"),
        ("server", "prt1", VMWARE_OUI, "10.0.100.40", 100, "print server"),
        ("server", "mail1", VMWARE_OUI, "10.0.100.25", 100, "SMTP relay"),
    ]
    for i in range(8):
        rows.append(
            ("server", f"app{i + 1}", VMWARE_OUI, f"10.0.100.{100 + i}", 100, "application")
        )
    for i in range(4):
        rows.append(
            ("server", f"sql{i + 1}", DELL_OUIS[1], f"10.0.110.{10 + i}", 110, "ERP database")
        )
    for i in range(3):
        rows.append(("server", f"nas{i + 1}", DELL_OUIS[2], f"10.0.120.{10 + i}", 120, "storage"))
    out = []
    for i, (kind, name, oui, ip, vlan, label) in enumerate(rows):
        out.append(
            Endpoint(
                kind,
                name,
                counters.mac(f"dc-{oui}", oui),
                ip,
                vlan,
                f"TenGigabitEthernet1/0/{5 + i}",
                label,
            )
        )
    return out


_CAM_DENY_TCP = (21, 22, 23, 25, 80, 110, 135, 139, 445, 1433, 3389, 5900, 8080, 8443)
_CAM_DENY_UDP = (69, 137, 138, 161, 1900, 3702, 5353)
_USER_TCP = (22, 80, 443, 445, 1433, 3389, 8080, 8443, 5432, 636, 389)


def _acls(bld: Building, dc: list[Endpoint]) -> dict[str, list[Ace]]:
    """The fixed part of the three ACLs; filler is added by ``_balance_acls``."""
    b = bld.index
    core = ipaddress.IPv4Network(CORE_PREFIX)
    mgmt_all = ipaddress.IPv4Network("10.200.0.0/16")
    any_ = configs.ANY
    cam: list[Ace] = [Ace("remark", text=f"CCTV building {b + 1} -> NVR (RTSP + SDK)")]
    for nvr in NVRS:
        for port in NVR_PORTS:
            cam.append(Ace("permit", "tcp", bld.cam, configs.host(nvr), ("eq", (port,))))
    if bld.leak == "https-servers":
        cam.append(Ace("remark", text="TEMP CHG0041873 camera firmware update via app servers"))
        cam.append(
            Ace("permit", "tcp", bld.cam, ipaddress.IPv4Network("10.0.100.0/24"), ("eq", (443,)))
        )
    elif bld.leak == "dns":
        cam.append(Ace("remark", text="cameras resolve the P2P cloud name"))
        cam.append(Ace("permit", "udp", bld.cam, configs.host("10.0.101.53"), ("eq", (53,))))
    elif bld.leak == "shadowing-any":
        cam.append(Ace("remark", text="vendor support session INC0091232 (remove after)"))
        cam.append(Ace("permit", "ip", bld.cam, any_))
    cam.append(Ace("remark", text="cameras must not reach the data centre or management"))
    cam.append(Ace("deny", "ip", bld.cam, core, log=True))
    cam.append(Ace("deny", "ip", bld.cam, mgmt_all, log=True))
    cam.append(Ace("remark", text="hardening"))
    users: list[Ace] = [Ace("remark", text=f"users building {b + 1} -> data centre services")]
    prn: list[Ace] = []
    if bld.printers is not None:
        prt = next(e.ip for e in dc if e.name == "prt1")
        prn = [
            Ace("remark", text="printers -> print server, DNS, NTP"),
            Ace("permit", "tcp", bld.printers, configs.host(prt), ("eq", (9100,))),
            Ace("permit", "udp", bld.printers, configs.host("10.0.101.53"), ("eq", (53,))),
            Ace("permit", "udp", bld.printers, configs.host("10.0.101.20"), ("eq", (123,))),
            Ace("deny", "ip", bld.printers, core, log=True),
        ]
    return {"CAM-IN": cam, "USERS-IN": users, "PRN-IN": prn}


def _balance_acls(
    buildings: list[Building], target: int, rng: random.Random, dc: list[Endpoint]
) -> None:
    """Add filler so the whole network holds ``target`` entries, then the final permits."""
    finals = sum(1 + (1 if b.printers is not None else 0) + 1 for b in buildings)
    fixed = sum(_entries(acl) for b in buildings for acl in b.acls.values()) + finals
    filler = max(0, target - fixed)
    per, extra = divmod(filler, len(buildings))
    servers = [e for e in dc if e.kind == "server"]
    for i, bld in enumerate(buildings):
        budget = per + (1 if i < extra else 0)
        cam_n = budget * 25 // 100
        prn_n = budget * 10 // 100 if bld.printers is not None else 0
        user_n = budget - cam_n - prn_n
        others = [x for x in buildings if x is not bld] or [bld]
        bld.acls["CAM-IN"] += [_cam_filler(bld, others, rng) for _ in range(cam_n)]
        bld.acls["USERS-IN"] += _user_filler(bld, servers, rng, user_n)
        if bld.printers is not None:
            bld.acls["PRN-IN"] += [_printer_filler(bld, servers, rng) for _ in range(prn_n)]
        for acl in bld.acls.values():
            if acl:
                acl.append(Ace("permit", "ip", configs.ANY, configs.ANY))


def _entries(acl: list[Ace]) -> int:
    return sum(1 for a in acl if a.action != "remark")


def _cam_filler(bld: Building, others: list[Building], rng: random.Random) -> Ace:
    r = rng.random()
    if r < 0.35:
        other = rng.choice(others)
        return Ace("deny", "ip", bld.cam, other.users, log=rng.random() < 0.3)
    if r < 0.5:
        other = rng.choice(others)
        return Ace("deny", "ip", bld.cam, other.cam)
    if r < 0.7:
        return Ace("deny", "tcp", bld.cam, configs.ANY, ("eq", (rng.choice(_CAM_DENY_TCP),)))
    if r < 0.8:
        return Ace("deny", "udp", bld.cam, configs.ANY, ("eq", (rng.choice(_CAM_DENY_UDP),)))
    if r < 0.9:
        return Ace(
            "deny", "ip", configs.host(_host(bld.cam, rng.randrange(1, 254))), configs.ANY, log=True
        )
    lo = rng.randrange(1024, 60000)
    return Ace(
        "deny",
        rng.choice(("tcp", "udp")),
        bld.cam,
        configs.ANY,
        ("range", (lo, lo + rng.randrange(1, 200))),
    )


def _user_filler(
    bld: Building, servers: list[Endpoint], rng: random.Random, count: int
) -> list[Ace]:
    out: list[Ace] = []
    entries = 0
    while entries < count:
        if entries % 40 == 0:
            out.append(
                Ace(
                    "remark",
                    text=f"block {entries // 40 + 1}: ticket CHG{rng.randrange(10000, 99999)}",
                )
            )
        entries += 1
        r = rng.random()
        srv = rng.choice(servers)
        user_host = configs.host(_host(bld.users, rng.randrange(20, 500)))
        if r < 0.35:
            out.append(
                Ace(
                    "permit",
                    "tcp",
                    user_host,
                    configs.host(srv.ip),
                    ("eq", (rng.choice(_USER_TCP),)),
                )
            )
        elif r < 0.55:
            out.append(
                Ace(
                    "permit",
                    "tcp",
                    bld.users,
                    configs.host(srv.ip),
                    ("eq", (rng.choice(_USER_TCP),)),
                )
            )
        elif r < 0.65:
            out.append(
                Ace(
                    "permit",
                    "udp",
                    bld.users,
                    configs.host(srv.ip),
                    ("eq", (rng.choice((53, 123, 161, 514)),)),
                )
            )
        elif r < 0.75:
            lo = rng.choice((8080, 9000, 10000, 50000))
            net = ipaddress.IPv4Network(f"{srv.ip}/24", strict=False)
            out.append(
                Ace("permit", "tcp", bld.users, net, ("range", (lo, lo + rng.randrange(5, 100))))
            )
        elif r < 0.85:
            out.append(
                Ace(
                    "deny",
                    "tcp",
                    configs.ANY,
                    configs.host(srv.ip),
                    ("eq", (rng.choice((23, 445, 3389)),)),
                    log=True,
                )
            )
        elif r < 0.95:
            out.append(Ace("deny", "ip", user_host, configs.ANY, log=True))
        else:
            out.append(Ace("permit", "icmp", bld.users, configs.ANY, icmp="echo"))
    return out


def _printer_filler(bld: Building, servers: list[Endpoint], rng: random.Random) -> Ace:
    assert bld.printers is not None
    prn = configs.host(_host(bld.printers, rng.randrange(10, 250)))
    r = rng.random()
    if r < 0.5:
        return Ace("deny", "ip", prn, configs.ANY, log=True)
    if r < 0.8:
        return Ace(
            "deny", "tcp", bld.printers, configs.ANY, ("eq", (rng.choice((21, 23, 80, 161, 9100)),))
        )
    return Ace("permit", "tcp", prn, configs.host(rng.choice(servers).ip), ("eq", (25,)))


def acl_entries(campus: Campus) -> int:
    return sum(_entries(acl) for b in campus.buildings for acl in b.acls.values())


def write(campus: Campus, folder: Path) -> Summary:
    """Write ``campus`` as a snapshot into ``folder`` (created; must be empty or absent)."""
    folder.mkdir(parents=True, exist_ok=True)
    if any(folder.iterdir()):
        raise FileExistsError(f"{folder}: not empty")
    (folder / "configs").mkdir()
    texts = configs.render_all(campus)
    for name, text in texts.items():
        (folder / "configs" / f"{name}.cfg").write_text(text, encoding="utf-8")
    for name, tables in state.tables(campus).items():
        d = folder / "state" / name
        d.mkdir(parents=True)
        for table, data in tables.items():
            (d / f"{table}.json").write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    (folder / "policy.yml").write_text(POLICY, encoding="utf-8")
    summary = summarise(campus, len(texts))
    meta = {
        "generator": "tests.bench.generate",
        "devices": campus.n,
        "seed": campus.seed,
        "acl_entries": summary.acl_lines,
        "flagged_cameras": summary.cameras,
        "leaking_buildings": list(summary.leaking),
    }
    (folder / "meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return summary


def summarise(campus: Campus, devices: int) -> Summary:
    expected: dict[str, str] = {}
    endpoints = len(campus.dc_endpoints)
    for bld in campus.buildings:
        for acc in bld.accesses:
            for ep in acc.endpoints:
                if ep.kind == "camera":
                    expected[ep.ip] = "reachable" if bld.leak else "isolated"
                else:
                    endpoints += 1
    return Summary(
        devices=devices,
        buildings=len(campus.buildings),
        acl_lines=acl_entries(campus),
        cameras=len(expected),
        endpoints=endpoints,
        leaking=tuple(b.dist for b in campus.buildings if b.leak),
        expected=expected,
    )


def generate(n: int, folder: Path, seed: int = 1) -> Summary:
    return write(plan(n, seed), folder)


POLICY = f"""\
# segproof policy for a synthetic benchmark campus (tests/bench/generate.py)
flagged:
  vendors: [hikvision, dahua]
core:
  - name: core-dc
    prefixes: [{CORE_PREFIX}]
allowed:
  - name: nvr-streams
    destinations: [{", ".join(f"{ip}/32" for ip in NVRS)}]
    services: [{", ".join(f"tcp/{p}" for p in NVR_PORTS)}]
"""


def main() -> None:
    parser = argparse.ArgumentParser(description="write a synthetic campus snapshot")
    parser.add_argument("devices", type=int)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--force", action="store_true", help="replace the folder if it exists")
    args = parser.parse_args()
    if args.force and args.folder.exists():
        shutil.rmtree(args.folder)
    s = generate(args.devices, args.folder, args.seed)
    print(
        f"{args.folder}: {s.devices} devices, {s.buildings} buildings, {s.acl_lines} ACL entries, "
        f"{s.cameras} flagged cameras, {s.endpoints} other endpoints, leaking: {', '.join(s.leaking)}"
    )


if __name__ == "__main__":
    main()
