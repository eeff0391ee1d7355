"""Layer-2 domains, forwarding tables and the walk, on small configurations (one case table
per behaviour)."""

from __future__ import annotations

import textwrap

from agent.engine.acl import Packet
from agent.engine.forward import Engine, Start
from agent.engine.trace import from_domain, from_interface
from agent.models.device import Device
from agent.models.snapshot import DeviceState, LldpNeighbor, RouteEntry, Topology
from agent.pipeline import assemble
from agent.pipeline.network import Network
from agent.vendors import load_vendors

VENDORS = load_vendors()


def dev(text: str, platform: str = "cisco_ios") -> Device:
    parse = VENDORS[platform].parse
    assert parse is not None
    body = textwrap.dedent(text).strip() + "\n"
    name = body.split("\n", 1)[0].split()[1]
    return parse(body, f"configs/{name}.cfg", name)


def net(
    *devices: Device, links: list[tuple[str, str]] = (), state: dict[str, DeviceState] | None = None
) -> Network:  # type: ignore[assignment]
    return assemble.build(
        {d.name: d for d in devices}, {}, state or {}, Topology(links=list(links))
    )


SW = """
hostname sw
interface GigabitEthernet1/0/1
 switchport mode access
 switchport access vlan 20
interface GigabitEthernet1/0/2
 switchport mode access
 switchport access vlan 30
interface GigabitEthernet1/0/48
 switchport mode trunk
 switchport trunk allowed vlan {allowed}
 switchport trunk native vlan {native}
"""
RTR = """
hostname rtr
interface GigabitEthernet1/0/1
 switchport mode trunk
 switchport trunk allowed vlan {allowed}
 switchport trunk native vlan {native}
interface Vlan20
 ip address 10.20.0.1 255.255.255.0
interface Vlan30
 ip address 10.30.0.1 255.255.255.0
interface Vlan99
 ip address 10.99.0.1 255.255.255.0
"""


def _domains(sw_allowed: str, rtr_allowed: str, sw_native: int = 1, rtr_native: int = 1) -> Network:
    return net(
        dev(SW.format(allowed=sw_allowed, native=sw_native)),
        dev(RTR.format(allowed=rtr_allowed, native=rtr_native)),
        links=[("sw:Gi1/0/48", "rtr:GigabitEthernet1/0/1")],
    )


def test_trunk_carries_the_intersection_of_both_ends() -> None:
    n = _domains("20,30", "20,99")
    vlan20 = n.port_domain[("sw", "GigabitEthernet1/0/1")]
    vlan30 = n.port_domain[("sw", "GigabitEthernet1/0/2")]
    assert n.l3[("rtr", "Vlan20")].domain == vlan20
    assert n.l3[("rtr", "Vlan30")].domain != vlan30  # pruned on the router's end


def test_native_vlan_mismatch_joins_two_vlans() -> None:
    n = _domains("1,20,30", "1,20,30,99", sw_native=30, rtr_native=99)
    assert n.l3[("rtr", "Vlan99")].domain == n.port_domain[("sw", "GigabitEthernet1/0/2")]


def test_shut_link_end_carries_nothing() -> None:
    sw = dev(SW.format(allowed="20", native=1) + " shutdown\n")
    n = net(sw, dev(RTR.format(allowed="20", native=1)), links=[("sw:Gi1/0/48", "rtr:Gi1/0/1")])
    assert n.l3[("rtr", "Vlan20")].domain != n.port_domain[("sw", "GigabitEthernet1/0/1")]


def test_lldp_from_one_end_is_enough_and_fqdn_matches() -> None:
    state = {
        "sw": DeviceState(
            lldp={"Gi1/0/48": [LldpNeighbor(hostname="rtr.example.net", port="Gi1/0/1")]}
        )
    }
    n = net(
        dev(SW.format(allowed="20", native=1)), dev(RTR.format(allowed="20", native=1)), state=state
    )
    assert n.l3[("rtr", "Vlan20")].domain == n.port_domain[("sw", "GigabitEthernet1/0/1")]


ROUTERS = """
hostname r1
interface GigabitEthernet0/0
 ip address 10.1.0.1 255.255.255.0
interface GigabitEthernet0/1
 ip address 192.168.0.1 255.255.255.252
interface GigabitEthernet0/2
 ip address 192.168.1.1 255.255.255.252
ip route 10.0.0.0 255.255.0.0 192.168.0.2
ip route 10.0.0.0 255.255.0.0 192.168.1.2
ip route 10.0.9.0 255.255.255.0 Null0
ip route 10.0.8.0 255.255.255.0 172.16.0.1
ip route 10.5.0.0 255.255.0.0 192.168.0.2 250
ip route 10.5.0.0 255.255.0.0 192.168.1.2 5
"""
CORE = """
hostname {name}
interface GigabitEthernet0/0
 ip address {addr} 255.255.255.252
interface GigabitEthernet0/1
 ip address 10.0.{n}.1 255.255.255.0
"""


def _routed() -> Network:
    return net(
        dev(ROUTERS),
        dev(CORE.format(name="c1", addr="192.168.0.2", n=1)),
        dev(CORE.format(name="c2", addr="192.168.1.2", n=2)),
        links=[("r1:Gi0/1", "c1:Gi0/0"), ("r1:Gi0/2", "c2:Gi0/0")],
    )


def _dispositions(n: Network, dst: str) -> list[tuple[str, str]]:
    pkt = Packet.of("10.1.0.5", dst, 6, sport=49152, dport=443)
    return sorted(
        (b.disposition, b.steps[-1].device)
        for b in from_interface(n, "r1", "GigabitEthernet0/0", pkt)
    )


def test_ecmp_follows_every_next_hop() -> None:
    n = _routed()
    # c1 and c2 only know their own /24 and the /30: 10.0.1.5 is delivered by c1, dropped by c2
    assert _dispositions(n, "10.0.1.5") == [("delivered", "c1"), ("no-route", "c2")]


def test_null_route_and_unresolvable_next_hop() -> None:
    n = _routed()
    assert {d for d, _ in _dispositions(n, "10.0.9.9")} == {"null-routed"}
    # 10.0.8.0/24 via 172.16.0.1 does not resolve: the /16 ECMP route applies instead
    assert len(_dispositions(n, "10.0.8.8")) == 2


def test_lowest_distance_wins_for_the_same_prefix() -> None:
    n = _routed()
    assert [d for _, d in _dispositions(n, "10.5.0.1")] == ["c2"]


def test_collected_routes_win_over_the_configuration() -> None:
    routes = [
        RouteEntry(vrf="default", prefix="0.0.0.0/0", protocol="static", next_hop="192.168.0.2")
    ]
    n = net(
        dev(ROUTERS),
        dev(CORE.format(name="c1", addr="192.168.0.2", n=1)),
        links=[("r1:Gi0/1", "c1:Gi0/0")],
        state={"r1": DeviceState(routes=routes, routes_file="state/r1/routes.json")},
    )
    assert [d for _, d in _dispositions(n, "10.0.9.9")] == [
        "c1"
    ]  # no Null0 route in the real table


EOS_NO_ROUTING = """
hostname e1
vlan 20,100
interface Ethernet1
   switchport access vlan 20
interface Vlan20
   ip address 10.20.0.1/24
interface Vlan100
   ip address 10.0.100.2/24
"""


def test_eos_does_not_route_without_ip_routing() -> None:
    n = net(dev(EOS_NO_ROUTING, "arista_eos"))
    domain = n.port_domain[("e1", "Ethernet1")]
    forward = from_domain(n, domain, Packet.of("10.20.0.9", "10.0.100.10", 6, dport=22))
    assert [b.disposition for b in forward] == ["routing-off"]
    own = from_domain(n, domain, Packet.of("10.20.0.9", "10.0.100.2", 6, dport=22))
    assert [b.disposition for b in own] == ["accepted"]
    n2 = net(dev(EOS_NO_ROUTING + "ip routing\n", "arista_eos"))
    routed = from_domain(
        n2, n2.port_domain[("e1", "Ethernet1")], Packet.of("10.20.0.9", "10.0.100.10", 6, dport=22)
    )
    assert [b.disposition for b in routed] == ["delivered"]


def test_symbolic_walk_records_where_packets_stop() -> None:
    n = _routed()
    engine = Engine(n)
    s = engine.space
    start = s.prefix("dst", "10.0.0.0/8") & s.prefix("src", "10.1.0.0/24")
    out = engine.run([Start(n.l3[("r1", "GigabitEthernet0/0")].domain, start)])  # type: ignore[arg-type]
    kinds = {k[0] for k in out.drops}
    assert {"null-routed", "no-route"} <= kinds
    delivered = s.false
    for key, packets in out.success.items():
        if key[0] == "delivered":
            delivered |= packets
    assert (delivered & s.prefix("dst", "10.0.1.0/24")) != s.false
    assert (delivered & s.prefix("dst", "10.0.9.0/24")) == s.false


def test_unknown_line_on_a_trunk_makes_its_domain_uncertain() -> None:
    sw = dev(SW.format(allowed="20", native=1) + " switchport vlan mapping 20 30\n")
    n = net(sw, dev(RTR.format(allowed="20", native=1)), links=[("sw:Gi1/0/48", "rtr:Gi1/0/1")])
    domain = n.port_domain[("sw", "GigabitEthernet1/0/1")]
    assert [u.text for u in n.domain_uncertain[domain]] == ["switchport vlan mapping 20 30"]
    engine = Engine(n)
    out = engine.run([Start(domain, engine.space.prefix("dst", "10.99.0.0/24"))])
    assert any(k[0] == "line" for k in out.uncertain)


def test_same_subnet_without_link_information_is_one_segment() -> None:
    """Configurations only (a Batfish snapshot): adjacency is inferred from shared subnets."""
    n = net(dev(ROUTERS), dev(CORE.format(name="c1", addr="192.168.0.2", n=1)))
    assert n.l3[("r1", "GigabitEthernet0/1")].domain == n.l3[("c1", "GigabitEthernet0/0")].domain
    assert ("delivered", "c1") in _dispositions(n, "10.0.1.5")


def test_lldp_wins_over_subnet_inference() -> None:
    # r1 and c1 are linked by LLDP on other ports: the shared /30 is not assumed to connect them
    n = net(
        dev(ROUTERS),
        dev(CORE.format(name="c1", addr="192.168.0.2", n=1)),
        links=[("r1:Gi0/2", "c1:Gi0/1")],
    )
    assert n.l3[("r1", "GigabitEthernet0/1")].domain != n.l3[("c1", "GigabitEthernet0/0")].domain


def test_unresolvable_static_route_is_uncertain_for_its_prefix() -> None:
    n = _routed()
    (prefix, item), *_ = n.unresolved[("r1", "default", 4)]
    assert str(prefix) == "10.0.8.0/24" and "172.16.0.1" in item.why
    engine = Engine(n)
    s = engine.space
    domain = n.l3[("r1", "GigabitEthernet0/0")].domain
    assert domain is not None
    to_8 = engine.run([Start(domain, s.prefix("dst", "10.0.8.0/24"))])
    assert any(k == ("line", item) for k in to_8.uncertain)
    to_1 = engine.run([Start(domain, s.prefix("dst", "10.0.1.0/24"))])
    assert not any(k == ("line", item) for k in to_1.uncertain)
