"""Configuration text of the synthetic campus, as the devices print it: IOS-XE (cores, DC switch,
access switches, every other distribution) and Arista EOS (the other distributions)."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from tests.bench import acls
from tests.bench.model import DNS, Access, Building, Campus, Link, Net

VLAN_NAMES = {20: "CCTV", 40: "USERS", 50: "PRINTERS", 99: "MGMT", 999: "PARKING"}
DC_VLANS = {100: "SERVERS", 101: "INFRA", 110: "ERP", 120: "STORAGE", 130: "NVR"}
DC_SUBNETS = {
    100: ipaddress.IPv4Network("10.0.100.0/24"),
    101: ipaddress.IPv4Network("10.0.101.0/24"),
    110: ipaddress.IPv4Network("10.0.110.0/24"),
    120: ipaddress.IPv4Network("10.0.120.0/24"),
    130: ipaddress.IPv4Network("10.0.30.0/24"),
}
IOS_DIST_PORTS = 24
EOS_DIST_PORTS = 48
DC_PORTS = 32

_IOS_HEADER = """\
Building configuration...

Current configuration : {size} bytes
!
! Last configuration change at 09:14:27 UTC Mon Nov 17 2025 by netadmin
! NVRAM config last updated at 09:14:27 UTC Mon Nov 17 2025 by netadmin
!
version 17.9
service timestamps debug datetime msec
service timestamps log datetime msec
service password-encryption
service call-home
platform punt-keepalive disable-kernel-core
!
hostname {name}
!
vrf definition Mgmt-vrf
 !
 address-family ipv4
 exit-address-family
 !
 address-family ipv6
 exit-address-family
!
logging buffered 64000 informational
no logging console
!
aaa new-model
!
aaa authentication login default local
aaa authorization exec default local
!
aaa session-id common
switch 1 provision {model}
!
{routing}
!
no ip domain lookup
!
login on-success log
vtp domain CAMPUS
vtp mode transparent
!
no device-tracking logging theft
!
crypto pki trustpoint SLA-TrustPoint
 enrollment pkcs12
 revocation-check crl
!
license boot level {license}
memory free low-watermark processor 134344
!
diagnostic bootup level minimal
!
spanning-tree mode rapid-pvst
spanning-tree extend system-id
!
redundancy
 mode sso
!
transceiver type all
 monitoring
!
"""

_IOS_FOOTER = """\
!
control-plane
 service-policy input system-cpp-policy
!
line con 0
 exec-timeout 15 0
 stopbits 1
line vty 0 4
 exec-timeout 15 0
 login authentication default
 transport input ssh
line vty 5 15
 exec-timeout 15 0
 login authentication default
 transport input ssh
!
end
"""

_IOS_MGMT_PORT = [
    "interface GigabitEthernet0/0",
    " vrf forwarding Mgmt-vrf",
    " no ip address",
    " shutdown",
    " negotiation auto",
    "!",
]

_EOS_HEADER = """\
! Command: show running-config
! device: {name} (DCS-7050SX3-48YC8, EOS-4.30.1F)
!
! boot system flash:/EOS-4.30.1F.swi
!
no aaa root
!
transceiver qsfp default-mode 4x10G
!
service routing protocols model multi-agent
!
logging buffered 10000 informational
!
hostname {name}
!
spanning-tree mode mstp
!
"""


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


def abbrev(name: str) -> str:
    """The short form IOS prints in MAC tables and LLDP (``Gi1/0/1``, ``Te1/1/1``)."""
    for long, short in (("TenGigabitEthernet", "Te"), ("GigabitEthernet", "Gi")):
        if name.startswith(long):
            return short + name[len(long) :]
    return name


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


def _ios(name: str, model: str, routing: bool, body: list[str]) -> str:
    level = (
        "network-advantage addon dna-advantage"
        if routing
        else "network-essentials addon dna-essentials"
    )
    fields = {"name": name, "model": model, "license": level}
    fields["routing"] = "ip routing" if routing else "no ip routing"
    text = _IOS_HEADER.format(size="{size}", **fields) + "\n".join(body) + "\n" + _IOS_FOOTER
    return text.replace("{size}", str(len(text)), 1)


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


def _unused_eos(name: str) -> list[str]:
    return [
        f"interface {name}",
        "   description unused",
        "   shutdown",
        "   switchport access vlan 999",
        "!",
    ]


def access(acc: Access, bld: Building) -> str:
    lines = _vlans([*bld.vlans, 999], VLAN_NAMES, " ") + _IOS_MGMT_PORT
    by_port = {ep.port: ep for ep in acc.endpoints}
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
    dist_port = acc.dist_port if bld.platform == "arista_eos" else abbrev(acc.dist_port)
    lines += [
        f"interface {acc.uplink}",
        f" description uplink {bld.dist} {dist_port}",
        f" switchport trunk allowed vlan {','.join(map(str, bld.vlans))}",
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
    return _ios(acc.name, "c9200l-48p-4x", False, lines)


def ios_dist(bld: Building, links: list[Link]) -> str:
    lines = _vlans([*bld.vlans, 999], VLAN_NAMES, " ") + _IOS_MGMT_PORT
    downlinks = {acc.dist_port: acc for acc in bld.accesses}
    for p in range(1, IOS_DIST_PORTS + 1):
        itf = f"GigabitEthernet1/0/{p}"
        acc = downlinks.get(itf)
        if acc is None:
            lines += _unused_ios(itf)
            continue
        lines += [
            f"interface {itf}",
            f" description {acc.name} {abbrev(acc.uplink)}",
            f" switchport trunk allowed vlan {','.join(map(str, bld.vlans))}",
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
    lines += ["interface Loopback0", f" ip address {bld.loopback} 255.255.255.255", "!"]
    lines += ["interface Vlan1", " no ip address", " shutdown", "!"]
    for vid, net, descr, acl in svis(bld):
        lines += [f"interface Vlan{vid}", f" description {descr}"]
        lines.append(f" ip address {net.network_address + 1} {net.netmask}")
        if acl:
            lines.append(f" ip access-group {acl} in")
        if vid == 40:
            lines.append(f" ip helper-address {DNS}")
        lines += [" no ip redirects", " no ip proxy-arp", "!"]
    lines += ["router ospf 1", f" router-id {bld.loopback}", " passive-interface default"]
    lines += [f" no passive-interface {u.name}" for u in uplinks]
    nets = [net for _vid, net, _d, _a in svis(bld)] + [u.prefix for u in uplinks]
    lines += [f" network {net.network_address} {net.hostmask} area 0" for net in nets]
    lines += [f" network {bld.loopback} 0.0.0.0 area 0", "!"]
    lines += ["ip forward-protocol nd", "no ip http server", "no ip http secure-server"]
    lines += [f"ip route 0.0.0.0 0.0.0.0 {u.peer_ip} name default-{u.peer}" for u in uplinks]
    lines += ["ip ssh version 2", "!"]
    for name, entries in bld.acls.items():
        if entries:
            lines += acls.block(name, entries, eos=False)
    return _ios(bld.dist, "c9300-24s", True, lines)


def eos_dist(bld: Building, links: list[Link]) -> str:
    lines = _vlans([*bld.vlans, 999], VLAN_NAMES, "   ")
    lines += ["vrf instance MGMT", "!", "management api http-commands", "   no shutdown", "   !"]
    lines += ["   vrf MGMT", "      no shutdown", "!"]
    downlinks = {acc.dist_port: acc for acc in bld.accesses}
    for p in range(1, EOS_DIST_PORTS + 1):
        itf = f"Ethernet{p}"
        acc = downlinks.get(itf)
        if acc is None:
            lines += _unused_eos(itf)
            continue
        lines += [
            f"interface {itf}",
            f"   description {acc.name} {abbrev(acc.uplink)}",
            f"   switchport trunk allowed vlan {','.join(map(str, bld.vlans))}",
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
        lines += _unused_eos(f"Ethernet{p}/1")
    lines += ["interface Loopback0", f"   ip address {bld.loopback}/32", "!"]
    mgmt_ip = f"192.168.{bld.index // 250}.{bld.index % 250 + 2}/16"
    lines += ["interface Management1", "   vrf MGMT", f"   ip address {mgmt_ip}", "!"]
    for vid, net, descr, acl in svis(bld):
        lines += [f"interface Vlan{vid}", f"   description {descr}"]
        lines.append(f"   ip address {net.network_address + 1}/{net.prefixlen}")
        if acl:
            lines.append(f"   ip access-group {acl} in")
        if vid == 40:
            lines.append(f"   ip helper-address {DNS}")
        lines.append("!")
    for name, entries in bld.acls.items():
        if entries:
            lines += acls.block(name, entries, eos=True)
    lines += ["ip routing", "no ip routing vrf MGMT", "!"]
    lines.append("ip route vrf MGMT 0.0.0.0/0 192.168.255.254")
    lines += [f"ip route 0.0.0.0/0 {u.peer_ip}" for u in uplinks]
    lines += ["!", "router ospf 1", f"   router-id {bld.loopback}", "   passive-interface default"]
    lines += [f"   no passive-interface {u.name}" for u in uplinks]
    nets = [net for _vid, net, _d, _a in svis(bld)] + [u.prefix for u in uplinks]
    lines += [f"   network {net} area 0.0.0.0" for net in nets]
    lines += [f"   network {bld.loopback}/32 area 0.0.0.0", "   max-lsa 12000", "!", "end"]
    return _EOS_HEADER.format(name=bld.dist) + "\n".join(lines) + "\n"


def core(name: str, campus: Campus) -> str:
    lines = _vlans([999], VLAN_NAMES, " ") + _IOS_MGMT_PORT
    ports = routed_ports(campus.links, name)
    for u in ports:
        lines += [f"interface {u.name}", f" description {u.peer} {abbrev(u.peer_port)}"]
        lines += [" no switchport", f" ip address {u.ip} {u.prefix.netmask}"]
        if u.peer != "fw1":
            lines.append(" ip ospf network point-to-point")
        lines.append("!")
    loopback = campus.loopbacks[name]
    lines += ["interface Loopback0", f" ip address {loopback} 255.255.255.255", "!"]
    lines += ["interface Vlan1", " no ip address", "!"]
    lines += ["router ospf 1", f" router-id {loopback}", " passive-interface default"]
    lines += [f" no passive-interface {u.name}" for u in ports if u.peer != "fw1"]
    lines += [" network 10.254.0.0 0.0.255.255 area 0", f" network {loopback} 0.0.0.0 area 0"]
    lines += [" default-information originate", "!"]
    lines += ["ip forward-protocol nd", "no ip http server", "no ip http secure-server"]
    for u in ports:
        if u.peer == "fw1":
            lines.append(f"ip route 0.0.0.0 0.0.0.0 {u.peer_ip} name fw1-internet")
        if u.peer == "dc1":
            lines.append(f"ip route 10.0.0.0 255.255.0.0 {u.peer_ip} name dc-summary")
    lines += ["ip ssh version 2", "!"]
    return _ios(name, "c9500-48y4c", True, lines)


def dc(campus: Campus) -> str:
    lines = _vlans([*DC_VLANS, 999], {**DC_VLANS, **VLAN_NAMES}, " ") + _IOS_MGMT_PORT
    ports = routed_ports(campus.links, "dc1")
    routed = {u.name: u for u in ports}
    by_port = {ep.port: ep for ep in campus.dc_endpoints}
    for p in range(1, DC_PORTS + 1):
        itf = f"TenGigabitEthernet1/0/{p}"
        if itf in routed:
            u = routed[itf]
            lines += [f"interface {itf}", f" description {u.peer} {abbrev(u.peer_port)}"]
            lines += [" no switchport", f" ip address {u.ip} {u.prefix.netmask}"]
            lines += [" ip ospf network point-to-point", "!"]
        elif itf in by_port:
            ep = by_port[itf]
            lines += [f"interface {itf}", f" description {ep.name} {ep.label}"]
            lines += [f" switchport access vlan {ep.vlan}", " switchport mode access"]
            lines += [" spanning-tree portfast", "!"]
        else:
            lines += _unused_ios(itf)
    loopback = campus.loopbacks["dc1"]
    lines += ["interface Loopback0", f" ip address {loopback} 255.255.255.255", "!"]
    lines += ["interface Vlan1", " no ip address", "!"]
    for vid, descr in DC_VLANS.items():
        net = DC_SUBNETS[vid]
        lines += [f"interface Vlan{vid}", f" description {descr}"]
        lines += [f" ip address {net.network_address + 1} {net.netmask}", "!"]
    lines += ["router ospf 1", f" router-id {loopback}", " passive-interface default"]
    lines += [f" no passive-interface {u.name}" for u in ports]
    nets = [*DC_SUBNETS.values(), *(u.prefix for u in ports)]
    lines += [f" network {net.network_address} {net.hostmask} area 0" for net in nets]
    lines += [f" network {loopback} 0.0.0.0 area 0", "!"]
    lines += ["ip forward-protocol nd", "no ip http server", "no ip http secure-server"]
    lines += ["ip route 10.0.0.0 255.255.0.0 Null0 name dc-discard", "ip ssh version 2", "!"]
    return _ios("dc1", "c9500-32c", True, lines)


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
