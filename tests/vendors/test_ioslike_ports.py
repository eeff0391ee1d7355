"""Name tables and address arithmetic."""

from __future__ import annotations

import pytest

from agent.models.device import AddrMatch
from agent.vendors.ioslike import addr
from agent.vendors.ioslike.ports import ICMP4, ICMP6, PROTOCOLS4, PROTOCOLS6, TCP_PORTS, UDP_PORTS
from agent.vendors.ioslike.switchport import parse_vlan_list


@pytest.mark.parametrize(
    ("name", "tcp", "udp"),
    [
        ("www", 80, 80),
        ("domain", 53, 53),
        ("ssh", 22, 22),
        ("https", 443, 443),
        ("rtsp", 554, 554),
        ("bgp", 179, 179),
        ("cmd", 514, None),
        ("syslog", None, 514),
        ("exec", 512, None),
        ("biff", None, 512),
        ("login", 513, None),
        ("who", None, 513),
        ("ntp", 123, 123),
        ("snmptrap", 162, 162),
        ("non500-isakmp", 4500, 4500),
        ("pim-auto-rp", 496, 496),
        ("dnsix", 195, 195),
    ],
)
def test_port_tables(name: str, tcp: int | None, udp: int | None) -> None:
    assert TCP_PORTS.get(name) == tcp
    assert UDP_PORTS.get(name) == udp


def test_protocol_and_icmp_tables() -> None:
    assert PROTOCOLS4["ip"] is None
    assert PROTOCOLS4["ahp"] == PROTOCOLS4["ah"] == 51
    assert PROTOCOLS6["icmp"] == 58
    assert ICMP4["ttl-exceeded"] == (11, 0)
    assert ICMP4["administratively-prohibited"] == (3, 13)
    assert ICMP6["nd-na"] == (136, None)
    assert ICMP6["router-advertisement"] == (134, None)
    assert ICMP4["router-advertisement"] == (9, None)


@pytest.mark.parametrize(
    ("address", "wildcard", "expected"),
    [
        ("10.0.0.0", "0.0.0.255", ("10.0.0.0", "0.0.0.255")),
        ("10.0.0.9", "0.0.0.255", ("10.0.0.0", "0.0.0.255")),
        ("10.1.2.3", "0.0.255.0", ("10.1.0.3", "0.0.255.0")),
        ("10.1.2.3", "0.0.0.0", ("10.1.2.3", "0.0.0.0")),
    ],
)
def test_wildcards(address: str, wildcard: str, expected: tuple[str, str]) -> None:
    assert addr.wild4(address, wildcard) == AddrMatch(address=expected[0], wildcard=expected[1])


def test_invalid_addresses() -> None:
    assert addr.wild4("10.0.0.256", "0.0.0.255") is None
    assert addr.wild4("10.0.0.1", "0.0.0.1.1") is None
    assert addr.netmask_len("255.0.255.0") is None
    assert addr.v4_interface("10.0.0.1", "255.255.255.0") == "10.0.0.1/24"
    assert addr.v4_interface("10.0.0.1", "255.0.255.0") is None


def test_ranges_and_prefixes() -> None:
    got = addr.range_matches("10.0.0.1", "10.0.0.6")
    assert got is not None
    assert [(a.address, a.wildcard) for a in got] == [
        ("10.0.0.1", "0.0.0.0"),
        ("10.0.0.2", "0.0.0.1"),
        ("10.0.0.4", "0.0.0.1"),
        ("10.0.0.6", "0.0.0.0"),
    ]
    assert addr.range_matches("10.0.0.9", "10.0.0.1") is None
    assert addr.wildcard_prefix("10.1.0.0", "0.0.255.255") == "10.1.0.0/16"
    assert addr.wildcard_prefix("10.2.0.0", "0.0.255.0") == "10.2.0.0/16"
    assert addr.classful_prefix("172.16.5.0") == "172.16.0.0/16"
    assert addr.classful_prefix("192.168.1.7") == "192.168.1.0/24"
    assert addr.mask_prefix("10.6.1.1", "255.255.0.0") == "10.6.0.0/16"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10,20-22", {10, 20, 21, 22}),
        ("1, 2", {1, 2}),
        ("4094", {4094}),
        ("0", None),
        ("4095", None),
        ("10-5", None),
        ("10,,20", None),
        ("abc", None),
    ],
)
def test_vlan_lists(text: str, expected: set[int] | None) -> None:
    assert parse_vlan_list(text) == expected
