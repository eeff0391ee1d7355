"""Interface-name canonicalisation and kinds."""

from __future__ import annotations

import pytest

from agent.vendors.ioslike.names import canonical, is_ethernet, kind_of


@pytest.mark.parametrize(
    ("typed", "ios", "eos"),
    [
        ("Po10", "Port-channel10", "Port-Channel10"),
        ("port-channel10", "Port-channel10", "Port-Channel10"),
        ("Port-Channel10.5", "Port-channel10.5", "Port-Channel10.5"),
        ("Et1", "Ethernet1", "Ethernet1"),
        ("Ethernet1/1", "Ethernet1/1", "Ethernet1/1"),
        ("Gi1/0/1", "GigabitEthernet1/0/1", "GigabitEthernet1/0/1"),
        ("gig0/0.20", "GigabitEthernet0/0.20", "GigabitEthernet0/0.20"),
        ("Te1/1/1", "TenGigabitEthernet1/1/1", "TenGigabitEthernet1/1/1"),
        ("Fa0/1", "FastEthernet0/1", "FastEthernet0/1"),
        ("Vl20", "Vlan20", "Vlan20"),
        ("vlan20", "Vlan20", "Vlan20"),
        ("Lo0", "Loopback0", "Loopback0"),
        ("loopback0", "Loopback0", "Loopback0"),
        ("Ma1", "Management1", "Management1"),
        ("Tu0", "Tunnel0", "Tunnel0"),
        ("Null0", "Null0", "Null0"),
        ("Ethernet 1", "Ethernet1", "Ethernet1"),
    ],
)
def test_canonical(typed: str, ios: str, eos: str) -> None:
    assert canonical(typed) == ios
    assert canonical(typed, eos=True) == eos


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("GigabitEthernet0/0", "physical"),
        ("GigabitEthernet0/0.20", "subinterface"),
        ("Port-channel1", "port-channel"),
        ("Port-Channel1.100", "subinterface"),
        ("Vlan20", "svi"),
        ("Loopback0", "loopback"),
        ("Null0", "null"),
        ("Tunnel0", "tunnel"),
        ("Vxlan1", "tunnel"),
        ("Management1", "physical"),
        ("BDI10", "other"),
    ],
)
def test_kind(name: str, kind: str) -> None:
    assert kind_of(name) == kind


def test_is_ethernet() -> None:
    assert is_ethernet("Ethernet1")
    assert is_ethernet("Port-Channel10")
    assert is_ethernet("TwentyFiveGigE1/0/1")
    assert not is_ethernet("Management1")
    assert not is_ethernet("Vlan20")
    assert not is_ethernet("Ethernet1.10")
