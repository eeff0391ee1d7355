"""The plan of a synthetic campus: constants, address helpers and plain dataclasses shared by the
generator (``generate``), the ACL content (``acls``), the configurations (``configs``) and the
state tables (``state``)."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

Net = ipaddress.IPv4Network
ANY = ipaddress.IPv4Network("0.0.0.0/0")

ACL_ENTRIES_PER_DEVICE = 200
CAMERAS_PER_DEVICE = 4
DEVICES_PER_BUILDING = 8  # one distribution and about seven access switches
CORE_PREFIX = "10.0.0.0/16"
MGMT_PREFIX = "10.200.0.0/16"
NVRS = ("10.0.30.10", "10.0.30.11")
NVR_PORTS = (554, 8000)
DNS, NTP, PRINT_SERVER = "10.0.101.53", "10.0.101.20", "10.0.100.40"
CAM_VLAN, USER_VLAN, PRINTER_VLAN, MGMT_VLAN = 20, 40, 50, 99
ACCESS_PORTS = 48

# Real registry assignments (test_generate.py checks them against agent.endpoints.classify).
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


def host(ip: str) -> Net:
    return ipaddress.IPv4Network(f"{ip}/32")


def subnet(first: int, index: int, size: int = 1, prefixlen: int = 24) -> Net:
    """The ``index``-th block of ``size`` /24s from 10.<first>.0.0 (carries into the second
    octet past the 256th /24)."""
    base = int(ipaddress.IPv4Address(f"10.{first}.0.0")) + index * size * 256
    return ipaddress.IPv4Network((base, prefixlen))


def nth(net: Net, offset: int) -> str:
    if not 0 < offset < net.num_addresses - 1:
        raise ValueError(f"{net}: no host number {offset}")
    return str(net.network_address + offset)


@dataclass(frozen=True, slots=True)
class Ace:
    """One ACL line in a platform-neutral form (``action == "remark"`` carries ``text``)."""

    action: str
    proto: str = "ip"
    src: Net = ANY
    dst: Net = ANY
    port: tuple[str, tuple[int, ...]] | None = (
        None  # destination: ("eq", (554,)), ("range", (a, b))
    )
    log: bool = False
    icmp: str | None = None
    text: str = ""


@dataclass(slots=True)
class Endpoint:
    kind: str  # camera | axis | user | printer | server | nvr
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

    @property
    def vlans(self) -> list[int]:
        return [CAM_VLAN, USER_VLAN, *([PRINTER_VLAN] if self.printers else []), MGMT_VLAN]


@dataclass(slots=True)
class Campus:
    n: int
    seed: int
    buildings: list[Building]
    links: list[Link]
    dc_endpoints: list[Endpoint]
    loopbacks: dict[str, str]
    macs: dict[str, str]

    def platform(self, device: str) -> str:
        for bld in self.buildings:
            if bld.dist == device:
                return bld.platform
        return "cisco_ios"


@dataclass(frozen=True, slots=True)
class Summary:
    devices: int
    buildings: int
    acl_lines: int  # permit/deny entries (remarks not counted)
    cameras: int  # flagged
    endpoints: int  # every other endpoint (users, printers, Axis cameras, servers, NVRs)
    leaking: tuple[str, ...]  # distributions of the buildings that leak on purpose
    expected: dict[str, str]  # flagged camera IP -> "reachable" | "isolated"
