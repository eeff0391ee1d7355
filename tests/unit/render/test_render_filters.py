"""The address, port and protocol filters: one case table per filter."""

from __future__ import annotations

from ipaddress import ip_network

import pytest

from agent.errors import RenderError
from agent.render import Rule, build_view
from agent.render import filters as f
from agent.render.safety import Safe
from agent.render.view import Entry, Service, service_slug

N = ip_network


@pytest.mark.parametrize(
    ("net", "wildcard", "asa", "asa_member", "nxos", "eos"),
    [
        (
            "10.20.0.0/24",
            "10.20.0.0 0.0.0.255",
            "10.20.0.0 255.255.255.0",
            "10.20.0.0 255.255.255.0",
            "10.20.0.0/24",
            "10.20.0.0/24",
        ),
        (
            "10.30.0.10/32",
            "host 10.30.0.10",
            "host 10.30.0.10",
            "host 10.30.0.10",
            "10.30.0.10/32",
            "host 10.30.0.10",
        ),
        ("0.0.0.0/0", "any", "any4", "0.0.0.0 0.0.0.0", "any", "any"),
        (
            "172.16.0.0/12",
            "172.16.0.0 0.15.255.255",
            "172.16.0.0 255.240.0.0",
            "172.16.0.0 255.240.0.0",
            "172.16.0.0/12",
            "172.16.0.0/12",
        ),
        (
            "2001:db8::/48",
            "2001:db8::/48",
            "2001:db8::/48",
            "2001:db8::/48",
            "2001:db8::/48",
            "2001:db8::/48",
        ),
        (
            "2001:db8::10/128",
            "host 2001:db8::10",
            "host 2001:db8::10",
            "host 2001:db8::10",
            "2001:db8::10/128",
            "host 2001:db8::10",
        ),
        ("::/0", "any", "any6", "::/0", "any", "any"),
    ],
)
def test_address_notations(
    net: str, wildcard: str, asa: str, asa_member: str, nxos: str, eos: str
) -> None:
    n = N(net)
    assert (f.wildcard(n), f.asa_addr(n), f.asa_member(n), f.nxos_addr(n), f.eos_addr(n)) == (
        wildcard,
        asa,
        asa_member,
        nxos,
        eos,
    )
    assert f.prefix(n) == str(n) and f.FILTERS["ios_addr"] is f.wildcard


def test_netmask_and_range() -> None:
    assert f.netmask(N("10.0.0.0/16")) == "10.0.0.0 255.255.0.0"
    assert f.addr_range(N("10.20.0.0/24")) == "10.20.0.0-10.20.0.255"
    with pytest.raises(RenderError, match="only for IPv4"):
        f.netmask(N("2001:db8::/32"))


@pytest.mark.parametrize(
    ("nets", "out"),
    [
        (["10.30.0.10/32"], "10.30.0.10"),
        (["10.0.0.0/16"], "10.0.0.0/16"),
        (["10.0.0.0/16", "172.16.0.0/12"], "{ 10.0.0.0/16, 172.16.0.0/12 }"),
        (["10.0.0.0/8", "10.1.0.0/16", "10.0.0.0/8"], "10.0.0.0/8"),  # inside / duplicate dropped
        (["2001:db8::1/128", "2001:db8:1::/48"], "{ 2001:db8::1, 2001:db8:1::/48 }"),
    ],
)
def test_nft_addrs(nets: list[str], out: str) -> None:
    assert f.nft_addrs([N(n) for n in nets]) == out


@pytest.mark.parametrize(
    ("ports", "acl", "junos", "nft", "pan"),
    [
        ([(554, 554)], " eq 554", "554", "554", "554"),
        ([(1000, 2000)], " range 1000 2000", "1000-2000", "1000-2000", "1000-2000"),
        ([(554, 554), (8000, 8001)], None, None, "{ 554, 8000-8001 }", "554,8000-8001"),
    ],
)
def test_port_notations(
    ports: list[tuple[int, int]], acl: str | None, junos: str | None, nft: str, pan: str
) -> None:
    if acl is not None:
        assert f.acl_port(ports[0]) == acl and f.junos_port(ports[0]) == junos
    assert f.nft_ports(ports) == nft and f.pan_ports(ports) == pan
    assert f.acl_port(None) == "" and f.pan_ports([]) == "1-65535"


@pytest.mark.parametrize(
    ("ports", "sizes"),
    [
        ([(p, p) for p in range(15)], [15]),
        ([(p, p) for p in range(16)], [15, 1]),
        ([(p, p + 1) for p in range(0, 16, 2)], [7, 1]),  # a range counts two
        ([(1, 1)] * 14 + [(5, 9)], [14, 1]),
    ],
)
def test_multiport_chunks_fit_fifteen(ports: list[tuple[int, int]], sizes: list[int]) -> None:
    chunks = f.multiport_chunks(ports)
    assert [len(c) for c in chunks] == sizes
    assert all(sum(1 if lo == hi else 2 for lo, hi in c) <= 15 for c in chunks)
    assert [p for c in chunks for p in c] == ports


def entry(**kw: object) -> Entry:
    base = {"action": "permit", "family": 4, "src": ["10.20.0.0/24"], "dst": ["10.30.0.0/24"]}
    return build_view([Rule(**{**base, **kw})], "linux").entries[0]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kw", "ios", "eos", "asa", "junos", "linux"),
    [
        ({}, "ip", "ip", "ip", None, "ip"),
        ({"family": 6, "src": ["::/0"], "dst": ["::/0"]}, "ipv6", "ipv6", "ip", None, "ipv6"),
        ({"protocol": 6}, "tcp", "tcp", "tcp", "tcp", "tcp"),
        ({"protocol": 1}, "icmp", "icmp", "icmp", "icmp", "icmp"),
        (
            {"protocol": 58, "family": 6, "src": ["::/0"], "dst": ["::/0"]},
            "icmp",
            "icmpv6",
            "icmp6",
            "icmp6",
            "ipv6-icmp",
        ),
        ({"protocol": 132}, "132", "132", "sctp", "sctp", "sctp"),
        ({"protocol": 47}, "47", "47", "47", "47", "47"),
    ],
)
def test_protocol_words(
    kw: dict[str, object], ios: str, eos: str, asa: str, junos: str | None, linux: str
) -> None:
    e = entry(**kw)
    assert f.proto(e, "cisco_ios") == ios and f.proto(e, "cisco_nxos") == ios
    assert f.proto(e, "arista_eos") == eos and f.proto(e, "cisco_asa") == asa
    assert f.proto(e, "linux") == linux
    if junos is not None:
        assert f.junos_protocol_word(e) == junos


@pytest.mark.parametrize(
    ("kw", "nft", "ipt"),
    [
        ({}, "", [""]),
        ({"protocol": 6}, "meta l4proto tcp ", ["-p tcp "]),
        (
            {"protocol": 6, "dst_ports": [(554, 554)]},
            "tcp dport 554 ",
            ["-p tcp -m tcp --dport 554 "],
        ),
        (
            {"protocol": 17, "src_ports": [(53, 53)], "dst_ports": [(1, 2), (9, 9)]},
            "udp sport 53 udp dport { 1-2, 9 } ",
            ["-p udp -m udp --sport 53 -m multiport --dports 1:2,9 "],
        ),
        ({"protocol": 1, "icmp_type": 8}, "icmp type 8 ", ["-p icmp -m icmp --icmp-type 8 "]),
        (
            {"protocol": 1, "icmp_type": 3, "icmp_code": 1},
            "icmp type 3 icmp code 1 ",
            ["-p icmp -m icmp --icmp-type 3/1 "],
        ),
        ({"protocol": 1}, "meta l4proto icmp ", ["-p icmp "]),
        ({"protocol": 47}, "meta l4proto 47 ", ["-p 47 "]),
        (
            {"protocol": 58, "family": 6, "src": ["::/0"], "dst": ["::/0"], "icmp_type": 128},
            "icmpv6 type 128 ",
            ["-p ipv6-icmp -m icmp6 --icmpv6-type 128 "],
        ),
    ],
)
def test_linux_matches(kw: dict[str, object], nft: str, ipt: list[str]) -> None:
    e = entry(**kw)
    assert f.nft_match(e) == nft and f.ipt_matches(e) == ipt


def test_ipt_matches_split_long_port_lists() -> None:
    e = entry(protocol=6, dst_ports=[(p, p) for p in range(1, 21)])
    lines = f.ipt_matches(e)
    assert len(lines) == 2 and lines[0].count(",") == 14 and lines[1].count(",") == 4


def svc(
    protocol: int,
    dst: tuple[tuple[int, int], ...] | list[tuple[int, int]] = (),
    src: tuple[tuple[int, int], ...] | list[tuple[int, int]] = (),
    itype: int | None = None,
    icode: int | None = None,
) -> Service:
    return Service(Safe("S"), protocol, tuple(dst), tuple(src), itype, icode)


@pytest.mark.parametrize(
    ("service", "srx", "forti"),
    [
        (
            svc(6, [(554, 554)]),
            ["protocol tcp destination-port 554"],
            ["set protocol TCP/UDP/SCTP", "set tcp-portrange 554"],
        ),
        (
            svc(6),
            ["protocol tcp destination-port 0-65535"],
            ["set protocol TCP/UDP/SCTP", "set tcp-portrange 1-65535"],
        ),
        (
            svc(17, [(1, 2), (9, 9)], [(53, 53)]),
            [
                "term t1 protocol udp destination-port 1-2 source-port 53",
                "term t2 protocol udp destination-port 9 source-port 53",
            ],
            ["set protocol TCP/UDP/SCTP", "set udp-portrange 1-2:53 9:53"],
        ),
        (
            svc(1, itype=8, icode=0),
            ["protocol icmp icmp-type 8 icmp-code 0"],
            ["set protocol ICMP", "set icmptype 8", "set icmpcode 0"],
        ),
        (
            svc(58, itype=128),
            ["protocol icmp6 icmp6-type 128"],
            ["set protocol ICMP6", "set icmptype 128"],
        ),
        (svc(1), ["protocol icmp"], ["set protocol ICMP"]),
        (svc(47), ["protocol 47"], ["set protocol IP", "set protocol-number 47"]),
    ],
)
def test_service_objects(service: Service, srx: list[str], forti: list[str]) -> None:
    assert f.srx_application(service) == srx and f.forti_service(service) == forti


@pytest.mark.parametrize(
    ("kw", "app"),
    [
        ({}, "any"),
        ({"protocol": 6, "dst_ports": [(554, 554)]}, "any"),
        ({"protocol": 1}, "icmp"),
        ({"protocol": 1, "icmp_type": 8}, "ping"),
        ({"protocol": 58, "family": 6, "src": ["::/0"], "dst": ["::/0"]}, "ipv6-icmp"),
        (
            {
                "protocol": 58,
                "family": 6,
                "src": ["::/0"],
                "dst": ["::/0"],
                "icmp_type": 128,
                "icmp_code": 0,
            },
            "ping",
        ),
        ({"protocol": 47}, "gre"),
    ],
)
def test_pan_applications(kw: dict[str, object], app: str) -> None:
    assert f.pan_application(entry(**kw)) == app


@pytest.mark.parametrize(
    ("kw", "why"),
    [({"protocol": 1, "icmp_type": 3}, "ICMP type 3"), ({"protocol": 112}, "IP protocol 112")],
)
def test_pan_refuses_what_it_cannot_match(kw: dict[str, object], why: str) -> None:
    with pytest.raises(RenderError, match=why):
        f.pan_application(entry(**kw))


def test_small_helpers() -> None:
    assert f.l4_word(17) == "udp" and f.quoted(["a", "b"]) == '"a" "b"'
    assert f.acl_icmp(entry(protocol=1, icmp_type=3, icmp_code=1)) == " 3 1"
    assert f.acl_icmp(entry()) == ""
    assert f.is_any(N("::/0")) and not f.is_any(N("10.0.0.0/8"))
    with pytest.raises(RenderError, match="no ports"):
        f.l4_word(1)


def test_service_slugs_and_source_ports_only() -> None:
    assert service_slug(entry(protocol=47)) == "proto-47"
    assert service_slug(entry(protocol=1)) == "icmp"
    assert service_slug(entry(protocol=6, src_ports=[(1, 2)])) == "tcp-all-from-1-2"
    assert f.nft_match(entry(protocol=6, src_ports=[(554, 554)])) == "tcp sport 554 "
