"""acl-template input: prefixes, --allow items and the family checks."""

from __future__ import annotations

import pytest

from agent.acltemplate import make_spec, parse_allow, parse_prefix
from agent.acltemplate.spec import parse_service
from agent.errors import InputError


@pytest.mark.parametrize(
    ("text", "dst", "service", "proto", "ports", "icmp"),
    [
        ("10.30.0.10/32:tcp/554", "10.30.0.10/32", "tcp/554", 6, ((554, 554),), (None, None)),
        ("10.30.0.10:tcp/8000", "10.30.0.10/32", "tcp/8000", 6, ((8000, 8000),), (None, None)),
        (
            " 10.30.0.0/24:UDP/1000-2000 ",
            "10.30.0.0/24",
            "udp/1000-2000",
            17,
            ((1000, 2000),),
            (None, None),
        ),
        ("2001:db8::10:udp/123", "2001:db8::10/128", "udp/123", 17, ((123, 123),), (None, None)),
        ("[2001:db8::10]:tcp/554", "2001:db8::10/128", "tcp/554", 6, ((554, 554),), (None, None)),
        ("[2001:db8::]/64:any", "2001:db8::/64", "any", None, None, (None, None)),
        ("2001:db8::/64:icmp", "2001:db8::/64", "icmp6", 58, None, (None, None)),
        ("2001:db8::1:icmpv6/128/0", "2001:db8::1/128", "icmp6/128/0", 58, None, (128, 0)),
        ("10.30.0.1:icmp/8", "10.30.0.1/32", "icmp/8", 1, None, (8, None)),
        ("10.30.0.1:tcp", "10.30.0.1/32", "tcp", 6, None, (None, None)),
        ("10.30.0.1:sctp/9", "10.30.0.1/32", "sctp/9", 132, ((9, 9),), (None, None)),
    ],
)
def test_allow_items(
    text: str,
    dst: str,
    service: str,
    proto: int | None,
    ports: tuple[tuple[int, int], ...] | None,
    icmp: tuple[int | None, int | None],
) -> None:
    allow = parse_allow(text)
    assert (str(allow.dst), allow.service, allow.protocol, allow.dst_ports) == (
        dst,
        service,
        proto,
        ports,
    )
    assert (allow.icmp_type, allow.icmp_code) == icmp


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("10.30.0.10", "has no service"),
        ("10.30.0.10:", "bad service"),
        ("10.30.0.10:rtsp", "bad service 'rtsp'"),
        ("10.30.0.10:tcp/554;reload", "bad service"),
        ("10.30.0.10:tcp/70000", "bad port range"),
        ("10.30.0.10:tcp/2000-1000", "bad port range"),
        ("10.30.0.10:6", "bad service '6'"),  # protocol numbers are not services here
        ("10.30.0.10:icmp6", "ICMPv6 to an IPv4"),
        ("10.30.0.10:icmp/300", "0-255"),
        ("2001:db8::10", "bad service '10'"),
        (":tcp/554", "has no service"),
        ("garbage", "has no service"),
        ("10.30.0.1/24:tcp/554", "host bits set"),
        ("$(reboot):tcp/554", "not an IP prefix"),
        ("10.30.0.10\n:tcp/554", "not an IP prefix"),
        ("10.30.0.10:tcp/554\n", "bad service"),
        ("\t10.30.0.10:tcp/554", "not an IP prefix"),
        ("fe80::1%eth0:tcp/554", "not an IP prefix"),
    ],
)
def test_bad_allow_items(text: str, why: str) -> None:
    with pytest.raises(InputError, match=why) as info:
        parse_allow(text)
    assert str(info.value).startswith("--allow: ")
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("text", "why", "hint"),
    [
        ("10.20.0.5/24", "has host bits set", "10.20.0.0/24"),
        ("10.20.0.0/33", "is not an IP prefix", None),
        ("300.1.1.1", "is not an IP prefix", None),
        ("10.20.0.0/24 ", None, None),
        ("10.20.0.0/24\n", "is not an IP prefix", None),
        ("10.20.0.0 /24", "is not an IP prefix", None),
        ("fe80::1%eth0", "is not an IP prefix", None),
        ("", "is not an IP prefix", None),
    ],
)
def test_prefixes(text: str, why: str | None, hint: str | None) -> None:
    if why is None:
        assert str(parse_prefix(text, "--cameras")) == "10.20.0.0/24"
        return
    with pytest.raises(InputError, match=why) as info:
        parse_prefix(text, "--cameras")
    if hint:
        assert hint in str(info.value)


def test_spec_drops_duplicates_and_inner_prefixes() -> None:
    spec = make_spec(
        ["10.20.0.0/24", "10.20.0.0/25", "10.20.0.0/24"],
        ["10.0.0.0/8", "10.1.0.0/16"],
        ["10.30.0.10:tcp/554", "10.30.0.10/32:tcp/554"],
    )
    assert [str(n) for n in spec.cameras] == ["10.20.0.0/24"]
    assert [str(n) for n in spec.core] == ["10.0.0.0/8"]
    assert len(spec.allows) == 1 and spec.name == "CAM-ISOLATE" and spec.families == (4,)


@pytest.mark.parametrize(
    ("cameras", "core", "allows", "why"),
    [
        ([], ["10.0.0.0/8"], [], "--cameras: at least one"),
        (["10.20.0.0/24"], [], [], "--core: at least one"),
        (
            ["10.20.0.0/24", "2001:db8:20::/64"],
            ["10.0.0.0/8"],
            [],
            "cameras have IPv6 prefixes but the core has none",
        ),
        (["10.20.0.0/24"], ["10.0.0.0/8", "2001:db8::/32"], [], "SLAAC"),
        (
            ["10.20.0.0/24"],
            ["10.0.0.0/8"],
            ["2001:db8::1:tcp/1"],
            "is IPv6 but no camera prefix is",
        ),
    ],
)
def test_spec_family_checks(
    cameras: list[str], core: list[str], allows: list[str], why: str
) -> None:
    with pytest.raises(InputError, match=why):
        make_spec(cameras, core, allows)


def test_parse_service_checks_on_its_own() -> None:
    assert parse_service("any", 4, "x").protocol is None
    with pytest.raises(InputError, match="bad service"):
        parse_service("ftp", 4, "10.0.0.1:ftp")
