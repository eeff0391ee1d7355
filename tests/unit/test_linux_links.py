"""Interfaces, bridges, routes and policy rules of a Linux dump (``interfaces``, ``routes``)."""

from __future__ import annotations

import json
from typing import Any

from agent.models.device import Device
from agent.vendors.linux import parse
from tests.unit.test_linux_dump import ADDR, LINK, RULES, sections, text

UP = ["BROADCAST", "MULTICAST", "UP"]


def link(name: str, kind: str | None = None, **extra: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"ifname": name, "flags": extra.pop("flags", UP), **extra}
    if kind:
        out["linkinfo"] = {"info_kind": kind, "info_data": extra.pop("data", {})}
        out["linkinfo"]["info_data"] = out.pop("data", {})
    return out


def addr(name: str, *addresses: str, **entry: Any) -> dict[str, Any]:
    info = []
    for a in addresses:
        local, _, plen = a.partition("/")
        family = "inet6" if ":" in local else "inet"
        info.append({"family": family, "local": local, "prefixlen": int(plen), **entry})
    return {"ifname": name, "addr_info": info}


def device(links: list[dict[str, Any]], addrs: list[dict[str, Any]], **more: str | None) -> Device:
    parts = sections(**{"ip -d -j -p link": json.dumps(links, indent=4)})
    parts["ip -j -p addr"] = json.dumps(addrs, indent=4)
    parts.update(more)
    return parse(text(parts), "configs/fw1.cfg", "fw1")


def reasons(dev: Device, scope: str | None = None) -> list[str]:
    return [u.why for u in dev.unrecognized if scope is None or u.scope == scope]


def test_bridges_become_svis_on_their_vlan_and_ports_access_ports() -> None:
    links = [
        *LINK,
        link("br20", "bridge"),
        link("vlan40", "bridge"),
        link("p1", "veth", master="br20"),
        link("p2", "veth", master="br20"),
        link("p3", "veth", master="vlan40"),
    ]
    dev = device(links, [*ADDR, addr("br20", "10.21.0.1/24"), addr("p1", "fe80::1/64")])
    itf = dev.interfaces
    assert (itf["br20"].kind, itf["vlan40"].kind) == ("svi", "svi")
    assert itf["br20"].ipv4[0].address == "10.21.0.1/24"
    assert itf["p1"].switchport is not None and itf["p1"].switchport.access_vlan == 20
    assert itf["p3"].switchport is not None and itf["p3"].switchport.access_vlan == 40
    assert {v: dev.vlans[v].name for v in dev.vlans} == {20: "br20", 40: "vlan40"}
    assert itf["p1"].acl_in is None and itf["br20"].acl_in is not None
    assert reasons(dev) == []  # a link-local address on a port is normal


def test_bridges_without_a_number_of_their_own_keep_their_segment_through_members() -> None:
    links = [
        *LINK,
        link("br-lan", "bridge"),
        link("br7", "bridge"),
        link("vlan7", "bridge"),
        link("a", "veth", master="br-lan"),
        link("b", "veth", master="br7"),
    ]
    dev = device(links, ADDR)
    for bridge, port in (("br-lan", "a"), ("br7", "b")):
        assert dev.interfaces[bridge].kind == "physical"
        assert dev.interfaces[port].channel_group == bridge
    assert dev.vlans == {}


def test_bonds_vlans_tunnels_and_the_unknown() -> None:
    links = [
        *LINK,
        link("bond0", "bond"),
        link("eth2", master="bond0"),
        link("eth1.30", "vlan", link="eth1", data={"protocol": "802.1Q", "id": 30}),
        link("mgmt", "vlan", link="eth1", data={"id": 99}),
        link("wg0", "wireguard"),
        link("mv0", "macvlan"),
        link("vrf-a", "vrf"),
        link("eth3", master="vrf-a"),
        link("eth4", master="ghost"),
        link("eth5", master="wg0"),
        link("down0", flags=["BROADCAST"], ifalias="spare port"),
        link("brv", "bridge", data={"vlan_filtering": 1, "nf_call_iptables": 1}),
        link("br9", "bridge"),
        link("eth1.9", "vlan", link="eth1", master="br9", data={"id": 9}),
    ]
    addrs = [*ADDR, addr("eth2", "10.9.9.9/24"), addr("nowhere", "10.8.8.8/24")]
    addrs.append({"ifname": "wg0", "addr_info": [{"family": "inet", "local": "x", "prefixlen": 8}]})
    dev = device(links, addrs)
    itf = dev.interfaces
    assert itf["bond0"].kind == "port-channel" and itf["eth2"].channel_group == "bond0"
    assert (itf["eth1.30"].kind, itf["eth1.30"].encapsulation_vlan) == ("subinterface", 30)
    assert itf["mgmt"].kind == "other" and "not named <parent>.<id>" in reasons(dev, "mgmt")[0]
    assert itf["wg0"].kind == "tunnel"
    assert itf["down0"].shutdown and itf["down0"].description == "spare port"
    assert itf["down0"].acl_in is None  # a shut interface receives nothing
    assert reasons(dev, "mv0") == ["macvlan devices not modelled"]
    assert "VRF" in reasons(dev, "eth3")[0] and "VRF" in reasons(dev, "vrf-a")[0]
    assert reasons(dev, "eth4") == ["master ghost not in ip link"]
    assert reasons(dev, "eth5") == ["enslaved to a wireguard"]
    assert reasons(dev, "eth2") == ["address on a bridge port or bond slave"]
    assert reasons(dev, "nowhere") == ["not in ip link"]
    assert reasons(dev, "wg0") == ["address not understood"]
    assert any("vlan_filtering" in w for w in reasons(dev, "brv"))
    assert itf["brv"].kind == "physical"  # no port, no number: its own segment
    assert "tagged frames not modelled" in reasons(dev, "eth1")[0]  # the link is on eth1
    assert itf["eth1.9"].encapsulation_vlan is None and itf["eth1.9"].switchport is not None


def route(dst: str, **extra: Any) -> dict[str, Any]:
    return {"dst": dst, **extra}


def routed(routes4: list[dict[str, Any]], rules: list[dict[str, Any]] | None = None) -> Device:
    parts = sections(**{"ip -4 -j -p route show table all": json.dumps(routes4, indent=4)})
    if rules is not None:
        parts["ip -4 -j -p rule"] = json.dumps(rules, indent=4)
    return parse(text(parts), "configs/fw1.cfg", "fw1")


def test_routes_of_table_main() -> None:
    dev = routed(
        [
            route("default", gateway="10.0.1.254", dev="eth1"),
            route("10.20.0.0/24", dev="eth0", protocol="kernel", scope="link"),
            route("10.5.0.0/16", dev="eth0", protocol="kernel", scope="link"),
            route("192.0.2.0/24", type="blackhole"),
            route("198.51.100.0/24", type="unreachable"),
            route("10.8.0.0/16", gateway="10.0.1.250", dev="eth1", metric=100),
            route("10.8.0.0/16", gateway="10.20.0.250", dev="eth0", metric=200),
            route(
                "10.9.0.0/16",
                nexthops=[
                    {"gateway": "10.0.1.253", "dev": "eth1"},
                    {"gateway": "10.20.0.253", "dev": "eth0", "flags": ["dead"]},
                ],
            ),
            route("10.0.1.255", type="broadcast", dev="eth1", table="local"),
            route("10.0.1.1", type="local", dev="eth1", table="local"),
            route("127.0.0.0/8", type="local", dev="lo", table="local"),
            route("0.0.0.0/0", gateway="10.0.1.1", dev="eth1", table="42"),
        ]
    )
    got = {(r.prefix, r.next_hop, r.interface, r.protocol) for r in dev.routes}
    assert got == {
        ("0.0.0.0/0", "10.0.1.254", "eth1", "static"),
        ("10.5.0.0/16", None, "eth0", "kernel"),  # not an address's own subnet: kept
        ("192.0.2.0/24", None, "Null0", "static"),
        ("198.51.100.0/24", None, "Null0", "static"),
        ("10.8.0.0/16", "10.0.1.250", "eth1", "static"),  # the lower metric
        ("10.9.0.0/16", "10.0.1.253", "eth1", "static"),  # the dead next hop left out
    }
    assert reasons(dev) == []  # table 42 is never looked up without a rule


def test_what_table_main_does_not_say_is_reported() -> None:
    rules = [*RULES, {"priority": 100, "src": "10.20.0.0", "srclen": 24, "table": "42"}]
    dev = routed(
        [
            route("0.0.0.0/0", gateway="10.0.1.1", dev="eth1", table="42"),
            route("10.6.0.0/16", gateway="10.0.1.1", dev="eth1", table="default"),
            route("10.7.0.0/16", type="throw"),
            route("10.5.0.0/16", type="local", dev="lo", table="local"),
            route("10.4.0.0/16", gateway="10.0.1.1", dev="eth1", src="10.20.0.0/24"),
            route("10.3.0.0/16", gateway="10.0.1.1", dev="eth9"),
            route("nonsense", dev="eth1"),
            route("10.2.0.0/16", gateway="10.0.1.2", dev="eth1", protocol="bgp"),
            route("10.1.0.0/16", gateway="10.0.1.2", dev="eth1", protocol="zebra"),
        ],
        rules,
    )
    why = {u.text.split()[0]: u.why for u in dev.unrecognized if u.context in ("route", "routing")}
    assert "policy routing" in why["100:"]
    assert "table 42" in why["0.0.0.0/0"] and "table default" in why["10.6.0.0/16"]
    assert "throw route" in why["throw"]
    assert "local route in table local" in why["local"]
    assert "source-specific" in why["10.4.0.0/16"]
    assert "not in ip link" in why["10.3.0.0/16"]
    assert why["nonsense"] == "destination not understood"
    assert "routing daemon (proto bgp)" in why["10.2.0.0/16"]
    assert [p.protocol for p in dev.routing] == ["bgp"]  # zebra: which protocol is unknown
    assert {r.protocol for r in dev.routes} >= {"bgp", "zebra"}
