"""Random small networks built directly as device models (no parser involved), for the
property tests: a chain of routers, one LAN each, random static routes and random ACLs."""

from __future__ import annotations

import ipaddress

from hypothesis import strategies as st

from agent.engine.acl import Packet
from agent.engine.space import Bdd, Space
from agent.models.device import (
    Acl,
    AclBinding,
    AclRule,
    AddrMatch,
    Device,
    IfAddress,
    Interface,
    PortRange,
    Route,
    Service,
    Source,
)
from agent.models.snapshot import Topology
from agent.pipeline import assemble
from agent.pipeline.network import Network


def src(text: str, line: int = 1) -> Source:
    return Source(file="configs/gen.cfg", line=line, text=text)


def match(text: str) -> AddrMatch:
    if text == "any":
        return AddrMatch(address="0.0.0.0", wildcard="255.255.255.255")
    if " " in text:
        addr, wild = text.split()
        return AddrMatch(address=addr, wildcard=wild)
    net = ipaddress.ip_network(text, strict=False)
    return AddrMatch(address=str(net.network_address), wildcard=str(net.hostmask))


ADDRS = [
    "any",
    "10.1.0.0/24",
    "10.1.0.5/32",
    "10.1.0.0 0.0.0.254",
    "10.2.0.0/24",
    "10.3.0.5/32",
    "10.0.0.0/8",
    "10.3.0.0/16",
    "10.100.0.0/16",
]
PORTS = [
    None,
    [(22, 22)],
    [(80, 80)],
    [(443, 443)],
    [(554, 554)],
    [(1000, 2000)],
    [(0, 79), (81, 65535)],
]
PROTOS = [None, 6, 17, 1, 47]


@st.composite
def services(draw: st.DrawFn) -> Service:
    proto = draw(st.sampled_from(PROTOS))
    if proto in (6, 17):
        dports = draw(st.sampled_from(PORTS))
        sports = draw(st.sampled_from([None, None, [(80, 80)]]))
        est = proto == 6 and draw(st.booleans()) and draw(st.booleans())
        return Service(
            protocol=proto,
            dst_ports=[PortRange(lo=a, hi=b) for a, b in dports] if dports else None,
            src_ports=[PortRange(lo=a, hi=b) for a, b in sports] if sports else None,
            established=est,
        )
    if proto == 1:
        itype = draw(st.sampled_from([None, 8, 0]))
        return Service(protocol=1, icmp_type=itype)
    return Service(protocol=proto)


@st.composite
def rules(draw: st.DrawFn, line: int = 10) -> AclRule:
    action = draw(st.sampled_from(["permit", "deny"]))
    fragments = draw(st.integers(0, 9)) == 0
    svc = (
        [draw(services())]
        if not fragments
        else [Service(protocol=draw(st.sampled_from([None, 6])))]
    )
    return AclRule(
        seq=line,
        action=action,
        src=[match(draw(st.sampled_from(ADDRS)))],
        dst=[match(draw(st.sampled_from(ADDRS)))],
        services=svc,
        fragments=fragments,
        src_ref=src(f"{action} generated", line),
    )


@st.composite
def acls(draw: st.DrawFn, name: str = "A") -> Acl:
    n = draw(st.integers(0, 6))
    body = [draw(rules(line=i + 2)) for i in range(n)]
    return Acl(name=name, family=4, rules=body, src=src(f"ip access-list extended {name}", 1))


def _itf(
    name: str, addr: str | None, acl_in: str | None = None, acl_out: str | None = None
) -> Interface:
    return Interface(
        name=name,
        kind="physical",
        ipv4=[IfAddress(address=addr, src=src(f"ip address {addr}"))] if addr else [],
        acl_in=AclBinding(name=acl_in, src=src(f"ip access-group {acl_in} in")) if acl_in else None,
        acl_out=AclBinding(name=acl_out, src=src(f"ip access-group {acl_out} out"))
        if acl_out
        else None,
        src=src(f"interface {name}"),
    )


@st.composite
def networks(draw: st.DrawFn) -> tuple[dict[str, Device], Topology]:
    """Routers r0..rN-1 in a chain: r_i Gi0/1 (10.100.i.1/30) -- r_i+1 Gi0/0 (10.100.i.2/30);
    LAN Gi0/2 = 10.(i+1).0.1/24. Random static routes and ACL bindings."""
    n = draw(st.integers(2, 4))
    devices: dict[str, Device] = {}
    links = []
    for i in range(n):
        name = f"r{i}"
        bound: dict[tuple[str, str], str] = {}
        acl_table: dict[str, Acl] = {}
        for itf_name in ("GigabitEthernet0/0", "GigabitEthernet0/1", "GigabitEthernet0/2"):
            for direction in ("in", "out"):
                if draw(st.integers(0, 3)) == 0:
                    acl_name = f"A{len(acl_table)}"
                    if draw(st.integers(0, 9)) > 0:
                        acl_table[acl_name] = draw(acls(acl_name))
                    bound[(itf_name, direction)] = acl_name
        itfs = {}
        lan = f"10.{i + 1}.0.1/24"
        left = f"10.100.{i - 1}.2/30" if i > 0 else None
        right = f"10.100.{i}.1/30" if i < n - 1 else None
        for itf_name, addr in (
            ("GigabitEthernet0/0", left),
            ("GigabitEthernet0/1", right),
            ("GigabitEthernet0/2", lan),
        ):
            itfs[itf_name] = _itf(
                itf_name, addr, bound.get((itf_name, "in")), bound.get((itf_name, "out"))
            )
        routes = []
        for j in range(n):
            if j == i or not draw(st.booleans()):
                continue
            prefix = f"10.{j + 1}.0.0/16" if draw(st.booleans()) else f"10.{j + 1}.0.0/24"
            choice = draw(st.integers(0, 5))
            if choice == 0:
                routes.append(
                    Route(prefix=prefix, interface="Null0", src=src(f"ip route {prefix} Null0"))
                )
            elif j > i and right:
                routes.append(
                    Route(
                        prefix=prefix, next_hop=f"10.100.{i}.2", src=src(f"ip route {prefix} next")
                    )
                )
            elif j < i and left:
                routes.append(
                    Route(
                        prefix=prefix,
                        next_hop=f"10.100.{i - 1}.1",
                        src=src(f"ip route {prefix} prev"),
                    )
                )
        if draw(st.integers(0, 3)) == 0 and right:
            routes.append(
                Route(prefix="0.0.0.0/0", next_hop=f"10.100.{i}.2", src=src("ip route default"))
            )
        devices[name] = Device(
            name=name,
            platform="cisco_ios",
            file=f"configs/{name}.cfg",
            interfaces=itfs,
            routes=routes,
            acls=acl_table,
            ip_routing={"default": True},
            ipv6_routing={"default": False},
        )
        if i < n - 1:
            links.append((f"r{i}:GigabitEthernet0/1", f"r{i + 1}:GigabitEthernet0/0"))
    return devices, Topology(links=links)


def build(devices: dict[str, Device], topology: Topology) -> Network:
    return assemble.build(devices, {}, {}, topology)


def packet_bdd(space: Space, p: Packet) -> Bdd:
    s = space
    af = p.af
    cls = ipaddress.IPv4Address if af == 4 else ipaddress.IPv6Address
    u = s.host("src", str(cls(p.src))) & s.host("dst", str(cls(p.dst))) & s.protocol(p.proto)
    u &= s.bits("dport", p.dport, 0xFFFF) & s.bits("sport", p.sport, 0xFFFF)
    u &= s.bits("itype", p.itype, 0xFF) & s.bits("icode", p.icode, 0xFF)
    u &= s.bits("est", int(p.est), 1) & s.bits("frag", int(p.frag), 1)
    return u


def packet_universe(n_routers: int) -> list[Packet]:
    dsts = []
    for j in range(n_routers):
        dsts += [f"10.{j + 1}.0.1", f"10.{j + 1}.0.5", f"10.{j + 1}.1.5"]
        dsts += [f"10.100.{j}.1", f"10.100.{j}.2"]
    dsts += ["10.200.0.1", "192.168.1.1"]
    out = []
    for s_ip in ("10.1.0.5", "10.1.0.6"):
        for d in dsts:
            for proto, dport, sport in (
                (6, 22, 49152),
                (6, 443, 80),
                (17, 554, 49152),
                (17, 1500, 49152),
                (6, 80, 49152),
            ):
                for est in (False, True):
                    out.append(Packet.of(s_ip, d, proto, sport=sport, dport=dport, est=est))
            out.append(Packet.of(s_ip, d, 1, itype=8))
            out.append(Packet.of(s_ip, d, 1, itype=0))
            out.append(Packet.of(s_ip, d, 47))
            out.append(Packet.of(s_ip, d, 6, sport=49152, dport=443, frag=True))
    return out
