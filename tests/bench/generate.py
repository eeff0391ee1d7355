"""Deterministic synthetic campus snapshots for the benchmark (``make bench``).

``generate(n, folder, seed=1)`` writes a snapshot of exactly ``n`` devices in the format of
``/work/shared/spec/interfaces.md`` (``configs/``, ``state/<host>/{arp,mac,lldp}.json``,
``policy.yml``, ``meta.json``) and returns a ``Summary`` of what it wrote. The same ``n`` and
``seed`` always give byte-identical files. ``python -m tests.bench.generate N FOLDER`` does the
same from the shell.

Shape:

- ``core1``, ``core2``: IOS-XE routers, OSPF area 0, static default toward an internet firewall
  (``fw1``, seen in LLDP only, no configuration), a static summary of the data centre.
- ``dc1``: IOS-XE layer-3 switch owning the core networks (10.0.0.0/16): servers, infrastructure,
  ERP, storage and the NVRs (10.0.30.10-11).
- buildings of about eight devices: one distribution layer-3 switch (IOS-XE and Arista EOS
  alternately, routed uplinks to both cores, OSPF plus static defaults) and several IOS access
  switches (layer 2 only, one trunk uplink to the distribution).

Each distribution has SVIs for cameras (VLAN 20), users (40), printers in two buildings out of
three (50) and management (99), each with an inbound ACL (``tests.bench.acls``) but management.
The network holds ``ACL_ENTRIES_PER_DEVICE * n`` ACL entries (100,000 at n = 500; remarks not
counted) and ``CAMERAS_PER_DEVICE * n`` flagged cameras (Hikvision/Dahua OUIs, unique host
parts) on access ports, plus unflagged Axis cameras, Dell/HP desks and HP printers.

About one building in ten leaks on purpose (``is_leaking``: IOS and EOS in turn): a permit
above the deny of the core shadows it, so that building's cameras are ``reachable`` and every
other camera is ``isolated`` (``Summary.expected``).

Address plan (building ``b`` counts from 0): cameras 10.64.b.0/24, users 10.96.2b.0/23, printers
10.160.b.0/24, management 10.200.b.0/24 (carrying into the second octet past 255),
point-to-point links 10.254.0.0/16 (/30 each), loopbacks 10.255.0.0/16.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import math
import random
import shutil
from pathlib import Path

from tests.bench import acls, configs, state
from tests.bench.model import (
    ACCESS_PORTS,
    ACL_ENTRIES_PER_DEVICE,
    ARISTA_OUI,
    AXIS_OUIS,
    CAM_VLAN,
    CAMERAS_PER_DEVICE,
    CISCO_OUIS,
    CORE_PREFIX,
    DELL_OUIS,
    DEVICES_PER_BUILDING,
    DNS,
    FLAGGED_OUIS,
    HP_OUIS,
    NTP,
    NVR_PORTS,
    NVRS,
    PRINT_SERVER,
    PRINTER_VLAN,
    SYNOLOGY_OUI,
    USER_VLAN,
    VMWARE_OUI,
    Access,
    Building,
    Campus,
    Endpoint,
    Link,
    Summary,
    nth,
    subnet,
)

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
    return [accesses // buildings + (b < accesses % buildings) for b in range(buildings)]


class _Macs:
    """Unique MAC addresses per pool: an odd multiplier is a bijection on the 24-bit host part."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.used: dict[str, int] = {}

    def next(self, pool: str, oui: str) -> str:
        k = self.used.get(pool, 0)
        self.used[pool] = k + 1
        v = (k * 0x9E3779 + (self.seed + len(pool)) * 0x35A4E9) & 0xFFFFFF
        return f"{oui}:{v >> 16:02X}:{(v >> 8) & 0xFF:02X}:{v & 0xFF:02X}"


class _Links:
    def __init__(self) -> None:
        self.links: list[Link] = []
        self.core_ports = {"core1": 0, "core2": 0}

    def core_port(self, core: str) -> str:
        i = self.core_ports[core]
        self.core_ports[core] = i + 1
        return f"TenGigabitEthernet{1 + i // 48}/0/{1 + i % 48}"

    def add(self, a: str, a_port: str, b: str, b_port: str) -> None:
        base = int(ipaddress.IPv4Address("10.254.0.0")) + 4 * len(self.links)
        prefix = ipaddress.IPv4Network((base, 30))
        self.links.append(Link(a, a_port, str(prefix[2]), b, b_port, str(prefix[1]), prefix))


def plan(n: int, seed: int = 1, leaks: bool = True) -> Campus:
    rng = random.Random(f"segproof-bench:{seed}:{n}")
    macs = _Macs(seed)
    sizes = layout(n)
    total_access = sum(sizes)
    cameras_total = CAMERAS_PER_DEVICE * n
    net = _Links()
    net.add("core2", net.core_port("core2"), "core1", net.core_port("core1"))
    for i, core in enumerate(("core1", "core2")):
        net.add("dc1", f"TenGigabitEthernet1/0/{i + 1}", core, net.core_port(core))
    for i, core in enumerate(("core1", "core2")):
        net.add(core, net.core_port(core), "fw1", f"ethernet1/{i + 1}")
    loopbacks = {name: f"10.255.0.{i + 1}" for i, name in enumerate(("core1", "core2", "dc1"))}
    device_macs = {name: macs.next("cisco", CISCO_OUIS[2]) for name in ("core1", "core2", "dc1")}
    dc_endpoints = _dc_endpoints(macs)

    buildings: list[Building] = []
    access_no = 0
    for b, count in enumerate(sizes):
        platform = "cisco_ios" if b % 2 == 0 else "arista_eos"
        leak_no = sum(1 for x in buildings if x.leak)
        bld = Building(
            index=b,
            dist=f"b{b + 1:03d}-dist",
            platform=platform,
            leak=acls.LEAK_VARIANTS[leak_no % 3] if leaks and is_leaking(b) else None,
            cam=subnet(64, b),
            users=subnet(96, b, size=2, prefixlen=23),
            printers=subnet(160, b) if b % 3 != 2 else None,
            mgmt=subnet(200, b),
            loopback=str(ipaddress.IPv4Address("10.255.1.1") + b),
            mac=macs.next("dist", ARISTA_OUI if platform == "arista_eos" else CISCO_OUIS[0]),
        )
        for c, core in enumerate(("core1", "core2")):
            eos = platform == "arista_eos"
            uplink = f"Ethernet{49 + c}/1" if eos else f"TenGigabitEthernet1/1/{c + 1}"
            net.add(bld.dist, uplink, core, net.core_port(core))
        numbers = [0, 0]  # cameras, other hosts of the building
        for j in range(count):
            acc = Access(
                name=f"b{b + 1:03d}-acc{j + 1:02d}",
                building=b,
                mgmt_ip=nth(bld.mgmt, 10 + j),
                mac=macs.next("access", CISCO_OUIS[1]),
                uplink="TenGigabitEthernet1/1/1",
                dist_port=f"Ethernet{j + 1}"
                if platform == "arista_eos"
                else f"GigabitEthernet1/0/{j + 1}",
            )
            share = cameras_total // total_access + (access_no < cameras_total % total_access)
            access_no += 1
            _populate(acc, bld, share, numbers, rng, macs)
            bld.accesses.append(acc)
        bld.acls = acls.fixed(bld)
        buildings.append(bld)
        loopbacks[bld.dist] = bld.loopback
        device_macs[bld.dist] = bld.mac
    acls.balance(buildings, ACL_ENTRIES_PER_DEVICE * n, rng, dc_endpoints)
    return Campus(n, seed, buildings, net.links, dc_endpoints, loopbacks, device_macs)


def _populate(
    acc: Access, bld: Building, cameras: int, numbers: list[int], rng: random.Random, macs: _Macs
) -> None:
    """Plug cameras, maybe an Axis camera and a printer, and users into ``acc``'s ports."""
    axis = int(rng.random() < 0.5)
    printers = int(bld.printers is not None and rng.random() < 0.6)
    free = ACCESS_PORTS - 1 - cameras - axis - printers
    if free < 0:
        raise ValueError(f"{acc.name}: {cameras} cameras do not fit on {ACCESS_PORTS} ports")
    users = min(6 + rng.randrange(10), free)
    ports = rng.sample(range(1, ACCESS_PORTS + 1), cameras + axis + printers + users)
    kinds = ["camera"] * cameras + ["axis"] * axis + ["printer"] * printers + ["user"] * users
    tag = f"{bld.index + 1:03d}"
    for kind, port in zip(kinds, ports, strict=True):
        itf = f"GigabitEthernet1/0/{port}"
        if kind == "camera":
            oui = rng.choice(sorted(FLAGGED_OUIS))
            numbers[0] += 1
            mac = macs.next("camera", oui)
            ip = nth(bld.cam, 9 + numbers[0])
            ep = Endpoint(
                kind, f"cam-{tag}-{numbers[0]:03d}", mac, ip, CAM_VLAN, itf, FLAGGED_OUIS[oui]
            )
            acc.endpoints.append(ep)
            continue
        numbers[1] += 1
        k = numbers[1]
        if kind == "axis":
            mac = macs.next("axis", rng.choice(AXIS_OUIS))
            ep = Endpoint(
                kind,
                f"axis-{tag}-{k:03d}",
                mac,
                nth(bld.cam, 200 + k % 50),
                CAM_VLAN,
                itf,
                "Axis P3265-LVE",
            )
        elif kind == "printer":
            assert bld.printers is not None
            mac = macs.next("printer", rng.choice(HP_OUIS))
            ep = Endpoint(
                kind,
                f"prn-{tag}-{k:03d}",
                mac,
                nth(bld.printers, 10 + k % 200),
                PRINTER_VLAN,
                itf,
                "HP LaserJet M507",
            )
        else:
            mac = macs.next("user", rng.choice(DELL_OUIS + HP_OUIS))
            ep = Endpoint(
                kind, f"pc-{tag}-{k:03d}", mac, nth(bld.users, 20 + k), USER_VLAN, itf, "user desk"
            )
        acc.endpoints.append(ep)
    acc.endpoints.sort(key=lambda e: int(e.port.rsplit("/", 1)[1]))


def _dc_endpoints(macs: _Macs) -> list[Endpoint]:
    rows = [
        ("nvr", "nvr1", SYNOLOGY_OUI, NVRS[0], 130, "Synology NVR (RTSP/SDK)"),
        ("nvr", "nvr2", SYNOLOGY_OUI, NVRS[1], 130, "Synology NVR (RTSP/SDK)"),
        ("server", "ntp1", DELL_OUIS[0], NTP, 101, "GPS NTP"),
        ("server", "dns1", VMWARE_OUI, DNS, 101, "DNS/DHCP"),
        ("server", "dns2", VMWARE_OUI, "10.0.101.54", 101, "DNS/DHCP"),
        ("server", "prt1", VMWARE_OUI, PRINT_SERVER, 100, "print server"),
        ("server", "mail1", VMWARE_OUI, "10.0.100.25", 100, "SMTP relay"),
    ]
    rows += [
        ("server", f"app{i}", VMWARE_OUI, f"10.0.100.{99 + i}", 100, "application")
        for i in range(1, 9)
    ]
    rows += [
        ("server", f"sql{i}", DELL_OUIS[1], f"10.0.110.{9 + i}", 110, "ERP database")
        for i in range(1, 5)
    ]
    rows += [
        ("server", f"nas{i}", DELL_OUIS[2], f"10.0.120.{9 + i}", 120, "storage")
        for i in range(1, 4)
    ]
    return [
        Endpoint(
            kind,
            name,
            macs.next(f"dc-{oui}", oui),
            ip,
            vlan,
            f"TenGigabitEthernet1/0/{5 + i}",
            label,
        )
        for i, (kind, name, oui, ip, vlan, label) in enumerate(rows)
    ]


def acl_entries(campus: Campus) -> int:
    return sum(acls.entries(acl) for b in campus.buildings for acl in b.acls.values())


def summarise(campus: Campus) -> Summary:
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
        devices=3 + sum(1 + len(b.accesses) for b in campus.buildings),
        buildings=len(campus.buildings),
        acl_lines=acl_entries(campus),
        cameras=len(expected),
        endpoints=endpoints,
        leaking=tuple(b.dist for b in campus.buildings if b.leak),
        expected=expected,
    )


def write(campus: Campus, folder: Path) -> Summary:
    """Write ``campus`` as a snapshot into ``folder`` (created; must be empty or absent)."""
    folder.mkdir(parents=True, exist_ok=True)
    if any(folder.iterdir()):
        raise FileExistsError(f"{folder}: not empty")
    (folder / "configs").mkdir()
    for name, text in configs.render_all(campus).items():
        (folder / "configs" / f"{name}.cfg").write_text(text, encoding="utf-8")
    for name, tables in state.tables(campus).items():
        (folder / "state" / name).mkdir(parents=True)
        for table, data in tables.items():
            text = json.dumps(data, indent=2) + "\n"
            (folder / "state" / name / f"{table}.json").write_text(text, encoding="utf-8")
    (folder / "policy.yml").write_text(POLICY, encoding="utf-8")
    summary = summarise(campus)
    meta = {
        "generator": "tests.bench.generate",
        "devices": summary.devices,
        "seed": campus.seed,
        "acl_entries": summary.acl_lines,
        "flagged_cameras": summary.cameras,
        "leaking_buildings": list(summary.leaking),
    }
    (folder / "meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return summary


def generate(n: int, folder: Path, seed: int = 1, leaks: bool = True) -> Summary:
    return write(plan(n, seed, leaks), folder)


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m tests.bench.generate", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("devices", type=int)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-leaks", action="store_true", help="no leaking building")
    parser.add_argument("--force", action="store_true", help="replace the folder if it exists")
    args = parser.parse_args()
    if args.force and args.folder.exists():
        shutil.rmtree(args.folder)
    s = generate(args.devices, args.folder, args.seed, leaks=not args.no_leaks)
    print(
        f"{args.folder}: {s.devices} devices, {s.buildings} buildings, {s.acl_lines} ACL entries, "
        f"{s.cameras} flagged cameras, {s.endpoints} other endpoints, "
        f"leaking: {', '.join(s.leaking) or 'none'}"
    )


if __name__ == "__main__":
    main()
