"""Configuration text of the synthetic campus: IOS-XE (cores, DC switch, access switches, half of
the distributions) and Arista EOS (the other distributions), as the devices print them."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.bench.generate import Access, Building, Campus, Link

Net = ipaddress.IPv4Network
ANY = ipaddress.IPv4Network("0.0.0.0/0")

VLAN_NAMES = {20: "CCTV", 40: "USERS", 50: "PRINTERS", 99: "MGMT", 999: "PARKING"}
DC_VLANS = {100: "SERVERS", 101: "INFRA", 110: "ERP", 120: "STORAGE", 130: "NVR"}
DC_SUBNETS = {
    100: "10.0.100.0/24",
    101: "10.0.101.0/24",
    110: "10.0.110.0/24",
    120: "10.0.120.0/24",
    130: "10.0.30.0/24",
}
IOS_DIST_PORTS = 24
EOS_DIST_PORTS = 48
DC_PORTS = 32


def host(ip: str) -> Net:
    return ipaddress.IPv4Network(f"{ip}/32")


@dataclass(frozen=True, slots=True)
class Ace:
    """One ACL line in a platform-neutral form (``action == "remark"`` carries ``text``)."""

    action: str
    proto: str = "ip"
    src: Net = ANY
    dst: Net = ANY
    port: tuple[str, tuple[int, ...]] | None = (
        None  # destination port: ("eq", (554,)), ("range", (a, b))
    )
    log: bool = False
    icmp: str | None = None
    text: str = ""


def abbrev(name: str) -> str:
    """The short form IOS prints in MAC tables and LLDP (``Gi1/0/1``, ``Te1/1/1``)."""
    for long, short in (("TenGigabitEthernet", "Te"), ("GigabitEthernet", "Gi")):
        if name.startswith(long):
            return short + name[len(long) :]
    return name


def _addr(net: Net, eos: bool) -> str:
    if net.prefixlen == 0:
        return "any"
    if net.prefixlen == 32:
        return f"host {net.network_address}"
    if eos:
        return str(net)
    return f"{net.network_address} {net.hostmask}"


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


def acl_block(name: str, entries: list[Ace], eos: bool) -> list[str]:
    if eos:
        out = [f"ip access-list {name}"]
        for i, a in enumerate(entries):
            out.append(f"   {10 * (i + 1)} {ace_text(a, eos)}")
        return [*out, "!"]
    out = [f"ip access-list extended {name}"]
    seq = 0
    for a in entries:
        if a.action == "remark":
            out.append(f" {ace_text(a, eos)}")
        else:
            seq += 10
            out.append(f" {seq} {ace_text(a, eos)}")
    return [*out, "!"]


def _mask(net: Net) -> str:
    return f"{net.network_address} {net.netmask}"


def _ios_header(name: str, model: str, routing: bool, license_level: str) -> list[str]:
    return [
        "Building configuration...",
        "",
        "Current configuration : 0 bytes",  # patched by _finish
        "!",
        "! Last configuration change at 09:14:27 UTC Mon Nov 17 2025 by netadmin",
        "! NVRAM config last updated at 09:14:27 UTC Mon Nov 17 2025 by netadmin",
        "!",
        "version 17.9",
        "service timestamps debug datetime msec",
        "service timestamps log datetime msec",
        "service password-encryption",
        "service call-home",
        "platform punt-keepalive disable-kernel-core",
        "!",
        f"hostname {name}",
        "!",
        "vrf definition Mgmt-vrf",
        " !",
        " address-family ipv4",
        " exit-address-family",
        " !",
        " address-family ipv6",
        " exit-address-family",
        "!",
        "logging buffered 64000 informational",
        "no logging console",
        "!",
        "aaa new-model",
        "!",
        "aaa authentication login default local",
        "aaa authorization exec default local",
        "!",
        "aaa session-id common",
        f"switch 1 provision {model}",
        "!",
        "ip routing" if routing else "no ip routing",
        "!",
        "no ip domain lookup",
        "!",
        "login on-success log",
        "vtp domain CAMPUS",
        "vtp mode transparent",
        "!",
        "no device-tracking logging theft",
        "!",
        "crypto pki trustpoint SLA-TrustPoint",
        " enrollment pkcs12",
        " revocation-check crl",
        "!",
        f"license boot level {license_level}",
        "memory free low-watermark processor 134344",
        "!",
        "diagnostic bootup level minimal",
        "!",
        "spanning-tree mode rapid-pvst",
        "spanning-tree extend system-id",
        "!",
        "redundancy",
        " mode sso",
        "!",
        "transceiver type all",
        " monitoring",
        "!",
    ]


_IOS_FOOTER = [
    "!",
    "control-plane",
    " service-policy input system-cpp-policy",
    "!",
    "line con 0",
    " exec-timeout 15 0",
    " stopbits 1",
    "line vty 0 4",
    " exec-timeout 15 0",
    " login authentication default",
    " transport input ssh",
    "line vty 5 15",
    " exec-timeout 15 0",
    " login authentication default",
    " transport input ssh",
    "!",
    "end",
]

_IOS_MGMT_PORT = [
    "interface GigabitEthernet0/0",
    " vrf forwarding Mgmt-vrf",
    " no ip address",
    " shutdown",
    " negotiation auto",
    "!",
]


def _finish(lines: list[str]) -> str:
    body = "\n".join(lines) + "\n"
    return body.replace(
        "Current configuration : 0 bytes", f"Current configuration : {len(body)} bytes", 1
    )


def _vlans(ids: list[int], names: dict[int, str], indent: str) -> list[str]:
    out = []
    for vid in ids:
        out += [f"vlan {vid}", f"{indent}name {names[vid]}", "!"]
    return out


def _unused_ios(name: str) -> list[str]:
    return [
        f"interface {name}",
        " description unused",
        " switchport access vlan 999",
        " switchport mode access",
        " shutdown",
        "!",
    ]


def _building_vlans(bld: Building) -> list[int]:
    return [20, 40, *([50] if bld.printers is not None else []), 99]


def access(acc: Access, bld: Building) -> str:
    lines = _ios_header(acc.name, "c9200l-48p-4x", False, "network-essentials addon dna-essentials")
    lines += _vlans([*_building_vlans(bld), 999], VLAN_NAMES, " ")
    lines += _IOS_MGMT_PORT
    by_port = {ep.port: ep for ep in acc.endpoints}
    dist_port = acc.dist_port if bld.platform == "arista_eos" else abbrev(acc.dist_port)
    for p in range(1, 49):
        itf = f"GigabitEthernet1/0/{p}"
        ep = by_port.get(itf)
        if ep is None:
            lines += _unused_ios(itf)
            continue
        lines += [
            f"interface {itf}",
            f" description {ep.name} {ep.label}",
            f" switchport access vlan {ep.vlan}",
            " switchport mode access",
            " storm-control broadcast level 1.00",
            " spanning-tree portfast",
            " spanning-tree bpduguard enable",
            "!",
        ]
    lines += [
        f"interface {acc.uplink}",
        f" description uplink {bld.dist} {dist_port}",
        f" switchport trunk allowed vlan {','.join(map(str, _building_vlans(bld)))}",
        " switchport mode trunk",
        "!",
    ]
    for p in range(2, 5):
        lines += _unused_ios(f"TenGigabitEthernet1/1/{p}")
    lines += [
        "interface Vlan1",
        " no ip address",
        " shutdown",
        "!",
        "interface Vlan99",
        " description MGMT",
        f" ip address {acc.mgmt_ip} {bld.mgmt.netmask}",
        "!",
        "ip forward-protocol nd",
        "no ip http server",
        "no ip http secure-server",
        f"ip default-gateway {bld.mgmt.network_address + 1}",
        "ip ssh version 2",
    ]
    return _finish(lines + _IOS_FOOTER)


def svis(bld: Building) -> list[tuple[int, Net, str, str | None]]:
    """(vlan, subnet, description, inbound ACL) of a distribution's SVIs."""
    n = bld.index + 1
    out: list[tuple[int, Net, str, str | None]] = [
        (20, bld.cam, f"CCTV building {n}", "CAM-IN"),
        (40, bld.users, f"USERS building {n}", "USERS-IN"),
    ]
    if bld.printers is not None:
        out.append((50, bld.printers, f"PRINTERS building {n}", "PRN-IN"))
    out.append((99, bld.mgmt, f"MGMT building {n}", None))
    return out


@dataclass(frozen=True, slots=True)
class Port:
    """One end of a routed link, seen from its device."""

    name: str
    ip: str
    peer: str
    peer_port: str
    peer_ip: str
    prefix: Net


def routed_ports(links: list[Link], device: str) -> list[Port]:
    out = []
    for k in links:
        if k.a == device:
            out.append(Port(k.a_port, k.a_ip, k.b, k.b_port, k.b_ip, k.prefix))
        elif k.b == device:
            out.append(Port(k.b_port, k.b_ip, k.a, k.a_port, k.a_ip, k.prefix))
    return out


def ios_dist(bld: Building, links: list[Link]) -> str:
    lines = _ios_header(bld.dist, "c9300-24s", True, "network-advantage addon dna-advantage")
    lines += _vlans([*_building_vlans(bld), 999], VLAN_NAMES, " ")
    lines += _IOS_MGMT_PORT
    downlinks = {acc.dist_port: acc for acc in bld.accesses}
    trunk = ",".join(map(str, _building_vlans(bld)))
    for p in range(1, IOS_DIST_PORTS + 1):
        itf = f"GigabitEthernet1/0/{p}"
        acc = downlinks.get(itf)
        if acc is None:
            lines += _unused_ios(itf)
            continue
        lines += [
            f"interface {itf}",
            f" description {acc.name} {abbrev(acc.uplink)}",
            f" switchport trunk allowed vlan {trunk}",
            " switchport mode trunk",
            "!",
        ]
    uplinks = routed_ports(links, bld.dist)
    for u in uplinks:
        lines += [
            f"interface {u.name}",
            f" description {u.peer} {abbrev(u.peer_port)}",
            " no switchport",
            f" ip address {u.ip} {u.prefix.netmask}",
            " ip ospf network point-to-point",
            "!",
        ]
    for p in range(3, 5):
        lines += _unused_ios(f"TenGigabitEthernet1/1/{p}")
    lines += [
        "interface Loopback0",
        f" ip address {bld.loopback} 255.255.255.255",
        "!",
        "interface Vlan1",
        " no ip address",
        " shutdown",
        "!",
    ]
    for vid, net, descr, acl in svis(bld):
        lines += [
            f"interface Vlan{vid}",
            f" description {descr}",
            f" ip address {net.network_address + 1} {net.netmask}",
        ]
        if acl:
            lines.append(f" ip access-group {acl} in")
        if vid == 40:
            lines.append(" ip helper-address 10.0.101.53")
        lines += [" no ip redirects", " no ip proxy-arp", "!"]
    lines += ["router ospf 1", f" router-id {bld.loopback}", " passive-interface default"]
    lines += [f" no passive-interface {u.name}" for u in uplinks]
    for _vid, net, _d, _a in svis(bld):
        lines.append(f" network {net.network_address} {net.hostmask} area 0")
    for u in uplinks:
        lines.append(f" network {u.prefix.network_address} {u.prefix.hostmask} area 0")
    lines += [
        f" network {bld.loopback} 0.0.0.0 area 0",
        "!",
        "ip forward-protocol nd",
        "no ip http server",
        "no ip http secure-server",
    ]
    for u in uplinks:
        lines.append(f"ip route 0.0.0.0 0.0.0.0 {u.peer_ip} name default-{u.peer}")
    lines += ["ip ssh version 2", "!"]
    for name, entries in bld.acls.items():
        if entries:
            lines += acl_block(name, entries, eos=False)
    return _finish(lines + _IOS_FOOTER)


def eos_dist(bld: Building, links: list[Link]) -> str:
    lines = [
        "! Command: show running-config",
        f"! device: {bld.dist} (DCS-7050SX3-48YC8, EOS-4.30.1F)",
        "!",
        "! boot system flash:/EOS-4.30.1F.swi",
        "!",
        "no aaa root",
        "!",
        "transceiver qsfp default-mode 4x10G",
        "!",
        "service routing protocols model multi-agent",
        "!",
        "logging buffered 10000 informational",
        "!",
        f"hostname {bld.dist}",
        "!",
        "spanning-tree mode mstp",
        "!",
    ]
    lines += _vlans([*_building_vlans(bld), 999], VLAN_NAMES, "   ")
    lines += [
        "vrf instance MGMT",
        "!",
        "management api http-commands",
        "   no shutdown",
        "   !",
        "   vrf MGMT",
        "      no shutdown",
        "!",
    ]
    downlinks = {acc.dist_port: acc for acc in bld.accesses}
    trunk = ",".join(map(str, _building_vlans(bld)))
    for p in range(1, EOS_DIST_PORTS + 1):
        itf = f"Ethernet{p}"
        acc = downlinks.get(itf)
        if acc is None:
            lines += [
                f"interface {itf}",
                "   description unused",
                "   shutdown",
                "   switchport access vlan 999",
                "!",
            ]
            continue
        lines += [
            f"interface {itf}",
            f"   description {acc.name} {abbrev(acc.uplink)}",
            f"   switchport trunk allowed vlan {trunk}",
            "   switchport mode trunk",
            "!",
        ]
    uplinks = routed_ports(links, bld.dist)
    for u in uplinks:
        lines += [
            f"interface {u.name}",
            f"   description {u.peer} {abbrev(u.peer_port)}",
            "   no switchport",
            f"   ip address {u.ip}/{u.prefix.prefixlen}",
            "   ip ospf network point-to-point",
            "!",
        ]
    for p in range(51, 57):
        lines += [
            f"interface Ethernet{p}/1",
            "   description unused",
            "   shutdown",
            "   switchport access vlan 999",
            "!",
        ]
    lines += [
        "interface Loopback0",
        f"   ip address {bld.loopback}/32",
        "!",
        "interface Management1",
        "   vrf MGMT",
        f"   ip address 192.168.{bld.index // 250}.{bld.index % 250 + 2}/16",
        "!",
    ]
    for vid, net, descr, acl in svis(bld):
        lines += [
            f"interface Vlan{vid}",
            f"   description {descr}",
            f"   ip address {net.network_address + 1}/{net.prefixlen}",
        ]
        if acl:
            lines.append(f"   ip access-group {acl} in")
        if vid == 40:
            lines.append("   ip helper-address 10.0.101.53")
        lines.append("!")
    for name, entries in bld.acls.items():
        if entries:
            lines += acl_block(name, entries, eos=True)
    lines += [
        "ip routing",
        "no ip routing vrf MGMT",
        "!",
        "ip route vrf MGMT 0.0.0.0/0 192.168.255.254",
    ]
    for u in uplinks:
        lines.append(f"ip route 0.0.0.0/0 {u.peer_ip}")
    lines += ["!", "router ospf 1", f"   router-id {bld.loopback}", "   passive-interface default"]
    lines += [f"   no passive-interface {u.name}" for u in uplinks]
    for _vid, net, _d, _a in svis(bld):
        lines.append(f"   network {net} area 0.0.0.0")
    for u in uplinks:
        lines.append(f"   network {u.prefix} area 0.0.0.0")
    lines += [f"   network {bld.loopback}/32 area 0.0.0.0", "   max-lsa 12000", "!", "end"]
    return "\n".join(lines) + "\n"


def core(name: str, campus: Campus) -> str:
    lines = _ios_header(name, "c9500-48y4c", True, "network-advantage addon dna-advantage")
    lines += _vlans([999], VLAN_NAMES, " ")
    lines += _IOS_MGMT_PORT
    ports = routed_ports(campus.links, name)
    for u in ports:
        lines += [
            f"interface {u.name}",
            f" description {u.peer} {abbrev(u.peer_port)}",
            " no switchport",
            f" ip address {u.ip} {u.prefix.netmask}",
        ]
        if u.peer != "fw1":
            lines.append(" ip ospf network point-to-point")
        lines.append("!")
    lines += [
        "interface Loopback0",
        f" ip address {campus.loopbacks[name]} 255.255.255.255",
        "!",
        "interface Vlan1",
        " no ip address",
        "!",
        "router ospf 1",
        f" router-id {campus.loopbacks[name]}",
        " passive-interface default",
    ]
    lines += [f" no passive-interface {u.name}" for u in ports if u.peer != "fw1"]
    lines += [
        " network 10.254.0.0 0.0.255.255 area 0",
        f" network {campus.loopbacks[name]} 0.0.0.0 area 0",
        " default-information originate",
        "!",
        "ip forward-protocol nd",
        "no ip http server",
        "no ip http secure-server",
    ]
    lines += [
        f"ip route 0.0.0.0 0.0.0.0 {u.peer_ip} name fw1-internet" for u in ports if u.peer == "fw1"
    ]
    lines += [
        f"ip route 10.0.0.0 255.255.0.0 {u.peer_ip} name dc-summary"
        for u in ports
        if u.peer == "dc1"
    ]
    lines += ["ip ssh version 2", "!"]
    return _finish(lines + _IOS_FOOTER)


def dc(campus: Campus) -> str:
    lines = _ios_header("dc1", "c9500-32c", True, "network-advantage addon dna-advantage")
    lines += _vlans([*DC_VLANS, 999], {**DC_VLANS, **VLAN_NAMES}, " ")
    lines += _IOS_MGMT_PORT
    ports = routed_ports(campus.links, "dc1")
    by_port = {ep.port: ep for ep in campus.dc_endpoints}
    routed = {u.name: u for u in ports}
    for p in range(1, DC_PORTS + 1):
        itf = f"TenGigabitEthernet1/0/{p}"
        if itf in routed:
            u = routed[itf]
            lines += [
                f"interface {itf}",
                f" description {u.peer} {abbrev(u.peer_port)}",
                " no switchport",
                f" ip address {u.ip} {u.prefix.netmask}",
                " ip ospf network point-to-point",
                "!",
            ]
        elif itf in by_port:
            ep = by_port[itf]
            lines += [
                f"interface {itf}",
                f" description {ep.name} {ep.label}",
                f" switchport access vlan {ep.vlan}",
                " switchport mode access",
                " spanning-tree portfast",
                "!",
            ]
        else:
            lines += _unused_ios(itf)
    lines += [
        "interface Loopback0",
        f" ip address {campus.loopbacks['dc1']} 255.255.255.255",
        "!",
        "interface Vlan1",
        " no ip address",
        "!",
    ]
    for vid, descr in DC_VLANS.items():
        net = ipaddress.IPv4Network(DC_SUBNETS[vid])
        lines += [
            f"interface Vlan{vid}",
            f" description {descr}",
            f" ip address {net.network_address + 1} {net.netmask}",
            "!",
        ]
    lines += [
        "router ospf 1",
        f" router-id {campus.loopbacks['dc1']}",
        " passive-interface default",
    ]
    lines += [f" no passive-interface {u.name}" for u in ports]
    for text in DC_SUBNETS.values():
        net = ipaddress.IPv4Network(text)
        lines.append(f" network {net.network_address} {net.hostmask} area 0")
    for u in ports:
        lines.append(f" network {u.prefix.network_address} {u.prefix.hostmask} area 0")
    lines += [
        f" network {campus.loopbacks['dc1']} 0.0.0.0 area 0",
        "!",
        "ip forward-protocol nd",
        "no ip http server",
        "no ip http secure-server",
        "ip route 10.0.0.0 255.255.0.0 Null0 name dc-discard",
        "ip ssh version 2",
        "!",
    ]
    return _finish(lines + _IOS_FOOTER)


def render_all(campus: Campus) -> dict[str, str]:
    out = {"core1": core("core1", campus), "core2": core("core2", campus), "dc1": dc(campus)}
    for bld in campus.buildings:
        if bld.platform == "arista_eos":
            out[bld.dist] = eos_dist(bld, campus.links)
        else:
            out[bld.dist] = ios_dist(bld, campus.links)
        for acc in bld.accesses:
            out[acc.name] = access(acc, bld)
    return out
