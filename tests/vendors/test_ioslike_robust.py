"""Truncated and malformed lines never raise: they become unrecognised lines, and every line is
still accounted for exactly once."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from agent.vendors.base import Vendor

TOP = [
    "interface",
    "interface range Gi1/0/1 - 2",
    "ip",
    "ip route",
    "ip route vrf",
    "ip route 10.0.0.0",
    "ip route 10.0.0.0 255.0.0.0",
    "ip route 10.0.0.0/8 Null0 x",
    "ipv6 route",
    "access-list",
    "access-list 10",
    "access-list 101 permit",
    "ip access-list",
    "ip access-list extended",
    "ipv6 access-list",
    "router",
    "router bgp",
    "vlan",
    "vlan abc",
    "vlan 5000",
    "switchport",
    "object-group",
    "object-group network",
    "banner",
    "banner motd",
    "no",
    "no ip",
    "no ip routing vrf",
    "ip routing vrf",
    "vrf",
    "vrf definition",
    "ip vrf",
    "route-map",
    "class-map",
    "policy-map",
    "hostname",
    "hostname a b",
    "crypto",
    "vtp",
    "zone",
    "ip nat",
    "control-plane",
    "peer-filter",
    "   orphan indented line",
    "ipv6 router",
    "ip prefix-list",
]
CHILD = {
    "interface GigabitEthernet0/0": [
        "ip address",
        "ip address 10.0.0.1",
        "ip address 10.0.0.1/33",
        "ipv6 address",
        "ipv6 address 2001:db8::1",
        "ipv6 address zz link-local",
        "encapsulation dot1Q",
        "encapsulation dot1Q x",
        "channel-group",
        "channel-group x",
        "ip access-group",
        "ip access-group A",
        "ip ospf",
        "ip ospf area",
        "vrf",
        "vrf forwarding",
        "switchport mode",
        "switchport access",
        "switchport access vlan",
        "switchport trunk allowed vlan",
        "switchport trunk allowed vlan add",
        "switchport trunk native vlan",
        "no",
        "shutdown now",
        "description",
        "ip policy route-map",
        "service-policy",
        "ospfv3 1 area",
    ],
    "ip access-list extended X": [
        "permit",
        "deny",
        "10",
        "10 permit",
        "permit tcp",
        "permit tcp any",
        "permit tcp any any eq",
        "permit tcp any any range 1",
        "permit icmp any any 300",
        "permit ip host",
        "permit ip 10.0.0.1 0.0.0.255",
        "permit ip object-group",
        "remark",
        "sequence",
        "permit ip any any log",
        "permit ip any any ttl",
        "permit ip any any dscp",
        "permit 999 any any",
    ],
    "object-group network G": ["host", "range 10.0.0.1", "group-object", "10.0.0.0", "a b c"],
    "object-group service S": ["tcp eq", "tcp range 1", "icmp 300 400 500", "tcp source", "udp lt"],
    "router bgp 1": [
        "neighbor",
        "network",
        "network 10.0.0.0 mask",
        "address-family ipv4 vrf",
        "vrf",
        "route-target",
        "no",
    ],
    "router ospf 1": ["network 10.0.0.0", "network x y area 0", "passive-interface", "area"],
    "vrf definition V": ["route-target", "address-family", "rd"],
    "vlan 10": ["name", "state", "trunk"],
}


def _configs() -> list[str]:
    out = ["\n".join(TOP) + "\n"]
    for header, lines in CHILD.items():
        out.append(header + "\n" + "".join(f" {line}\n" for line in lines))
        out.append(header + "\n" + "".join(f"   {line}\n" for line in lines))
    return out


@pytest.mark.parametrize("platform", ["cisco_ios", "arista_eos"])
@pytest.mark.parametrize("index", range(len(_configs())))
def test_malformed_lines_never_raise(
    platform: str, index: int, vendor: Callable[[str], Vendor]
) -> None:
    text = _configs()[index]
    parse = vendor(platform).parse
    assert parse is not None
    device = parse(text, "x.cfg", "x")
    c = device.counts
    assert c.total == len(text.splitlines())
    assert c.total == c.understood + c.irrelevant + c.unrecognized
    assert not [u for u in device.unrecognized if u.context == "other"]
