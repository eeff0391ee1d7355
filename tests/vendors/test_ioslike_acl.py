"""The ACE grammar: one line in, the expected rule pieces out (one case table per question)."""

from __future__ import annotations

import pytest

from agent.models.device import AddrMatch, PortRange, Service
from agent.vendors.ioslike.acl import Ace, AceError, parse_entry

ANY4 = AddrMatch(address="0.0.0.0", wildcard="255.255.255.255")
ANY6 = AddrMatch(address="::", wildcard="ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")


def _no_groups(name: str, family: int) -> list[AddrMatch]:
    raise AceError(f"undefined object-group {name}")


def _no_services(name: str, family: int) -> list[Service]:
    raise AceError(f"undefined object-group {name}")


def ace(line: str, family: int = 4, standard: bool = False) -> Ace:
    return parse_entry(
        line.split(),
        family,
        standard=standard,
        nets=_no_groups,
        svcs=_no_services,
        taint=lambda name: False,
    )


def m(address: str, wildcard: str) -> AddrMatch:
    return AddrMatch(address=address, wildcard=wildcard)


def ports(*ranges: tuple[int, int]) -> list[PortRange]:
    return [PortRange(lo=lo, hi=hi) for lo, hi in ranges]


@pytest.mark.parametrize(
    ("line", "src", "dst"),
    [
        ("permit ip any any", [ANY4], [ANY4]),
        ("permit ip host 10.1.1.1 any", [m("10.1.1.1", "0.0.0.0")], [ANY4]),
        ("permit ip 10.0.0.0 0.0.0.255 any", [m("10.0.0.0", "0.0.0.255")], [ANY4]),
        # host bits under the wildcard are cleared
        ("permit ip 10.0.0.77 0.0.0.255 any", [m("10.0.0.0", "0.0.0.255")], [ANY4]),
        ("permit ip 10.1.0.0 0.0.255.0 any", [m("10.1.0.0", "0.0.255.0")], [ANY4]),
        ("permit ip 10.1.2.3 0.255.0.255 any", [m("10.0.2.0", "0.255.0.255")], [ANY4]),
        ("permit ip 10.0.0.0/8 any", [m("10.0.0.0", "0.255.255.255")], [ANY4]),
        ("permit ip 10.9.9.9 any", [m("10.9.9.9", "0.0.0.0")], [ANY4]),
        ("permit ip any 10.1.0.0 0.0.255.255", [ANY4], [m("10.1.0.0", "0.0.255.255")]),
        ("permit ip 0.0.0.0 255.255.255.255 any", [ANY4], [ANY4]),
    ],
)
def test_addresses_v4(line: str, src: list[AddrMatch], dst: list[AddrMatch]) -> None:
    got = ace(line)
    assert (got.src, got.dst) == (src, dst)


@pytest.mark.parametrize(
    ("line", "src", "dst"),
    [
        ("permit ipv6 any any", [ANY6], [ANY6]),
        ("permit ipv6 host 2001:DB8::1 any", [m("2001:db8::1", "::")], [ANY6]),
        (
            "permit ipv6 2001:db8:20::/64 any",
            [m("2001:db8:20::", "::ffff:ffff:ffff:ffff")],
            [ANY6],
        ),
    ],
)
def test_addresses_v6(line: str, src: list[AddrMatch], dst: list[AddrMatch]) -> None:
    got = ace(line, family=6)
    assert (got.src, got.dst) == (src, dst)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("permit tcp any any eq 80", Service(protocol=6, dst_ports=ports((80, 80)))),
        ("permit tcp any any eq www", Service(protocol=6, dst_ports=ports((80, 80)))),
        ("permit tcp any eq 22 any", Service(protocol=6, src_ports=ports((22, 22)))),
        ("permit udp any any lt 1024", Service(protocol=17, dst_ports=ports((0, 1023)))),
        ("permit udp any any gt 1023", Service(protocol=17, dst_ports=ports((1024, 65535)))),
        (
            "permit tcp any any neq 80",
            Service(protocol=6, dst_ports=ports((0, 79), (81, 65535))),
        ),
        ("permit tcp any any range 20 21", Service(protocol=6, dst_ports=ports((20, 21)))),
        (
            "permit tcp any any eq 443 80 8080",
            Service(protocol=6, dst_ports=ports((80, 80), (443, 443), (8080, 8080))),
        ),
        ("permit tcp any any eq cmd", Service(protocol=6, dst_ports=ports((514, 514)))),
        ("permit udp any any eq syslog", Service(protocol=17, dst_ports=ports((514, 514)))),
        ("permit tcp any any eq exec", Service(protocol=6, dst_ports=ports((512, 512)))),
        ("permit udp any any eq biff", Service(protocol=17, dst_ports=ports((512, 512)))),
        ("permit udp any any lt 0", Service(protocol=17, dst_ports=[])),
        ("permit tcp any any established", Service(protocol=6, established=True)),
        ("permit icmp any any echo", Service(protocol=1, icmp_type=8)),
        ("permit icmp any any port-unreachable", Service(protocol=1, icmp_type=3, icmp_code=3)),
        ("permit icmp any any 3 13", Service(protocol=1, icmp_type=3, icmp_code=13)),
        ("permit gre any any", Service(protocol=47)),
        ("permit 47 any any", Service(protocol=47)),
        ("permit ip any any", Service()),
    ],
)
def test_services(line: str, expected: Service) -> None:
    assert ace(line).services == [expected]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("permit icmp any any nd-na", Service(protocol=58, icmp_type=136)),
        ("permit icmpv6 any any echo-request", Service(protocol=58, icmp_type=128)),
        ("permit icmp any any packet-too-big", Service(protocol=58, icmp_type=2)),
    ],
)
def test_icmp6(line: str, expected: Service) -> None:
    assert ace(line, family=6).services == [expected]


@pytest.mark.parametrize(
    ("line", "seq", "action", "fragments"),
    [
        ("10 permit ip any any", 10, "permit", False),
        ("sequence 20 deny ip any any", 20, "deny", False),
        ("deny ip any any fragments", None, "deny", True),
        ("permit ipv6 any any sequence 30", 30, "permit", False),
        ("permit tcp any any eq 80 log", None, "permit", False),
        ("permit tcp any any eq 80 log-input", None, "permit", False),
        ("permit tcp any any eq 80 log CAMERA", None, "permit", False),
    ],
)
def test_header_and_flags(line: str, seq: int | None, action: str, fragments: bool) -> None:
    family = 6 if "ipv6" in line else 4
    got = ace(line, family=family)
    assert (got.seq, got.action, got.fragments, got.unmodelled) == (seq, action, fragments, [])


@pytest.mark.parametrize(
    ("line", "unmodelled"),
    [
        ("permit ip any any dscp ef", ["dscp"]),
        ("deny tcp any any eq 80 time-range WORK", ["time-range"]),
        ("permit tcp any any syn", ["syn"]),
        ("deny tcp any any match-any +syn +fin", ["match-any"]),
        ("permit ip any any ttl range 1 5", ["ttl"]),
        ("permit ip any any precedence critical tos 4", ["precedence", "tos"]),
    ],
)
def test_unmodelled_conditions(line: str, unmodelled: list[str]) -> None:
    assert ace(line).unmodelled == unmodelled


def test_standard_entries() -> None:
    got = ace("permit 10.0.0.0 0.0.0.255", standard=True)
    assert got.src == [m("10.0.0.0", "0.0.0.255")]
    assert got.dst == [ANY4]
    assert got.services == [Service()]
    assert ace("deny 10.1.1.1 log", standard=True).src == [m("10.1.1.1", "0.0.0.0")]
    assert ace("permit host 10.2.2.2", standard=True).src == [m("10.2.2.2", "0.0.0.0")]


@pytest.mark.parametrize(
    ("line", "why"),
    [
        ("permit tcp any any eq nosuch", "unknown port name nosuch"),
        ("permit tcp any any eq 70000", "invalid port 70000"),
        ("permit foo any any", "unknown protocol foo"),
        ("permit ip 10.0.0.300 0.0.0.255 any", "invalid address"),
        ("permit ip any any bogus", "unexpected token bogus"),
        ("permit udp any any established", "established on a non-TCP entry"),
        ("permit ip object-group NOPE any", "undefined object-group NOPE"),
        ("dynamic X permit ip any any", "dynamic entry (dynamic access list) not modelled"),
        ("permit tcp any any range 30 20", "invalid port range"),
        ("permit ip any", "missing address"),
        ("remark hello", "unexpected token remark"),
    ],
)
def test_errors(line: str, why: str) -> None:
    with pytest.raises(AceError) as err:
        ace(line)
    assert str(err.value) == why
