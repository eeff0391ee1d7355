"""Route tables and Linux JSON answers into snapshot shapes: one case table per function,
using the very answers (tests/collect/data/answers) and the platform's collect.yaml entry."""

from __future__ import annotations

import json

import pytest
from netmiko.utilities import get_structured_data_textfsm

from agent.collect import shape, spec
from tests.collect.fakenet import HERE

ANSWERS = HERE / "data" / "answers"


def _command(platform: str, text: str) -> spec.Command:
    return next(c for c in spec.load(platform).commands if c.command == text)


def _routes(platform: str, command: str, answer: str) -> list[dict[str, object]]:
    cmd = _command(platform, command)
    text = (ANSWERS / answer).read_text()
    rows = get_structured_data_textfsm(text, platform=platform, command=command)
    assert isinstance(rows, list)
    value = shape.run([dict(r) for r in rows], cmd)
    assert isinstance(value, list)
    assert shape.missed_routes(text, value) == []
    return value


def _keys(value: list[dict[str, object]]) -> list[tuple[object, ...]]:
    return [(e["vrf"], e["prefix"], e["protocol"], e["next_hop"], e["interface"]) for e in value]


def test_ios_global_table() -> None:
    assert _keys(_routes("cisco_ios", "show ip route", "ios_show_ip_route.txt")) == [
        ("default", "0.0.0.0/0", "static", "10.0.0.1", None),
        ("default", "10.0.0.0/30", "connected", None, "GigabitEthernet0/0"),
        ("default", "10.0.0.2/32", "local", None, "GigabitEthernet0/0"),
        ("default", "10.0.200.0/24", "ospf", "10.0.0.1", "GigabitEthernet0/0"),
        ("default", "10.9.0.0/16", "ospf", "10.0.0.1", "GigabitEthernet0/0"),
        ("default", "10.9.0.0/16", "ospf", "10.0.0.5", "GigabitEthernet0/1"),  # ECMP
        ("default", "10.20.0.0/24", "static", None, "Null0"),
    ]


def test_ios_vrf_tables() -> None:
    assert _keys(_routes("cisco_ios", "show ip route vrf *", "ios_show_ip_route_vrf.txt")) == [
        ("CAMS", "10.20.0.0/24", "connected", None, "Vlan20"),
        ("CAMS", "10.20.0.1/32", "local", None, "Vlan20"),
        ("CAMS", "10.30.0.0/24", "static", "10.20.0.254", None),
    ]


def test_ios_ipv6_table() -> None:
    assert _keys(_routes("cisco_ios", "show ipv6 route", "ios_show_ipv6_route.txt")) == [
        ("default", "::/0", "static", "2001:db8:1::1", "GigabitEthernet0/0"),
        ("default", "2001:db8:1::/64", "connected", None, "GigabitEthernet0/0"),
        ("default", "2001:db8:1::2/128", "local", None, "GigabitEthernet0/0"),
        ("default", "2001:db8:9::/48", "ospf", "fe80::1", "GigabitEthernet0/0"),
        ("default", "ff00::/8", "local", None, "Null0"),
    ]


def test_eos_all_vrfs() -> None:
    value = _routes("arista_eos", "show ip route vrf all", "eos_show_ip_route_vrf_all.txt")
    assert _keys(value) == [
        ("default", "0.0.0.0/0", "static", "10.0.0.1", "Ethernet1"),
        ("default", "10.0.0.0/30", "connected", None, "Ethernet1"),
        ("default", "10.9.0.0/16", "ospf", "10.0.0.1", "Ethernet1"),
        ("default", "10.9.0.0/16", "ospf", "10.0.0.5", "Ethernet2"),
        ("default", "10.20.0.0/24", "connected", None, "Vlan20"),
        ("CAMS", "10.40.0.0/24", "connected", None, "Vlan40"),
        ("CAMS", "10.41.0.0/24", "static", "10.40.0.254", "Vlan40"),
    ]


def test_a_route_the_template_skips_is_reported() -> None:
    text = (ANSWERS / "ios_show_ip_route.txt").read_text()
    value = _routes("cisco_ios", "show ip route", "ios_show_ip_route.txt")
    assert shape.missed_routes(text, value[1:]) == ["0.0.0.0"]
    assert shape.missed_routes(text, [e for e in value if e["prefix"] != "10.9.0.0/16"]) == [
        "10.9.0.0"
    ]


@pytest.mark.parametrize(
    ("code", "protocol"),
    [
        ("C", "connected"),
        ("L", "local"),
        ("S*", "static"),
        ("O E2", "ospf"),
        ("OE2", "ospf"),
        ("O IA", "ospf"),
        ("B E", "bgp"),
        ("D EX", "eigrp"),
        ("i L2", "isis"),
        ("", ""),
    ],
)
def test_route_codes(code: str, protocol: str) -> None:
    assert shape.to_protocol(code) == protocol


# real answers of `ip -4 -j neigh` / `bridge -j fdb show` (iproute2 6.1, a bridge br0 with
# port v1, a static neighbour, an incomplete one, the kernel's own and multicast entries)
NEIGH = (
    '[{"dst":"10.1.1.5","dev":"br0","lladdr":"44:19:b6:00:00:01","state":["REACHABLE"]},'
    '{"dst":"10.1.1.6","dev":"br0","state":["INCOMPLETE"]}]'
)
FDB = json.dumps(
    [
        {"mac": "33:33:00:00:00:01", "ifname": "br0", "flags": ["self"], "state": "permanent"},
        {"mac": "c6:80:79:33:68:bb", "ifname": "v1", "flags": [], "master": "br0", "state": ""},
        {
            "mac": "36:78:be:fa:70:06",
            "ifname": "v1",
            "flags": [],
            "master": "br0",
            "state": "permanent",
        },
        {
            "mac": "44:19:b6:00:00:02",
            "ifname": "v1",
            "flags": [],
            "master": "br0",
            "state": "static",
        },
        {"mac": "01:00:5e:00:00:01", "ifname": "v1", "flags": [], "master": "br0", "state": ""},
    ]
)


def test_ip_neigh() -> None:
    cmd = _command("linux", "ip -4 -j neigh")
    assert shape.from_json(NEIGH, cmd) == [
        {
            "interface": "br0",
            "mac": "44:19:B6:00:00:01",
            "ip": "10.1.1.5",
            "age": -1.0,
            "state": "REACHABLE",
        }
    ]
    assert shape.from_json("", cmd) == [] and shape.from_json("[]", cmd) == []


def test_bridge_fdb_keeps_learned_and_static_hosts_only() -> None:
    value = shape.from_json(FDB, _command("linux", "bridge -j fdb show"))
    assert [(e["mac"], e["interface"], e["static"]) for e in value] == [  # type: ignore[index]
        ("C6:80:79:33:68:BB", "v1", False),
        ("44:19:B6:00:00:02", "v1", True),
    ]


@pytest.mark.parametrize("text", ["not json", '{"dst": 1}', "[1, 2]"])
def test_json_answers_that_are_not_tables_fail(text: str) -> None:
    with pytest.raises(ValueError):
        shape.from_json(text, _command("linux", "ip -4 -j neigh"))


def test_every_json_shape_named_in_a_collect_yaml_exists() -> None:
    for platform in spec.platforms():
        for command in spec.load(platform).commands:
            if command.json_shape is not None:
                assert command.json_shape in shape.JSON, (platform, command.command)


def test_nxos_all_vrfs() -> None:
    value = _routes("cisco_nxos", "show ip route vrf all", "nxos_show_ip_route_vrf_all.txt")
    assert _keys(value) == [
        ("default", "0.0.0.0/0", "static", "10.0.0.1", None),
        ("default", "10.0.0.0/30", "connected", None, "Eth1/1"),  # not its own address as hop
        ("default", "10.0.0.2/32", "local", None, "Eth1/1"),
        ("default", "10.9.0.0/16", "ospf", "10.0.0.1", "Eth1/1"),
        ("default", "10.9.0.0/16", "ospf", "10.0.0.5", "Eth1/2"),
        ("CAMS", "10.20.0.0/24", "connected", None, "Vlan20"),
        ("CAMS", "10.20.0.1/32", "local", None, "Vlan20"),
        ("CAMS", "10.30.0.0/24", "static", "10.20.0.254", None),
    ]
    text = (ANSWERS / "nxos_show_ip_route_vrf_all.txt").read_text()
    assert shape.missed_routes(text, value[1:]) == ["0.0.0.0"]
