"""The linux dump as a file: detection, sections, line-numbered JSON, and what a dump with
missing, broken or extra sections gives (``agent.vendors.linux`` dump, jsonpos, parser)."""

from __future__ import annotations

import json

import pytest

from agent.models.device import Device
from agent.vendors.linux import detect, parse
from agent.vendors.linux.dump import Line
from agent.vendors.linux.jsonpos import JsonError, Obj
from agent.vendors.linux.jsonpos import parse as parse_json

LINK = [
    {"ifindex": 1, "ifname": "lo", "flags": ["LOOPBACK", "UP"], "link_type": "loopback"},
    {"ifindex": 2, "ifname": "eth0", "flags": ["BROADCAST", "UP"], "link_type": "ether"},
    {"ifindex": 3, "ifname": "eth1", "flags": ["BROADCAST", "UP"], "link_type": "ether"},
]
ADDR = [
    {"ifname": "lo", "addr_info": [{"family": "inet", "local": "127.0.0.1", "prefixlen": 8}]},
    {"ifname": "eth0", "addr_info": [{"family": "inet", "local": "10.20.0.1", "prefixlen": 24}]},
    {"ifname": "eth1", "addr_info": [{"family": "inet", "local": "10.0.1.1", "prefixlen": 24}]},
]
RULES = [
    {"priority": 0, "src": "all", "table": "local"},
    {"priority": 32766, "src": "all", "table": "main"},
    {"priority": 32767, "src": "all", "table": "default"},
]
FILTER = """*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -s 10.20.0.0/24 -d 10.0.0.0/16 -j DROP
-A FORWARD -j ACCEPT
COMMIT"""


def pretty(value: object) -> str:
    return json.dumps(value, indent=4)


def sections(**override: str | None) -> dict[str, str | None]:
    """The sections of a small router (eth0 camera side, eth1 core side); ``None``: the
    command was not available."""
    out: dict[str, str | None] = {
        "hostname": "fw1",
        "sysctl net.ipv4.ip_forward net.ipv6.conf.all.forwarding": (
            "net.ipv4.ip_forward = 1\nnet.ipv6.conf.all.forwarding = 0"
        ),
        "ip -d -j -p link": pretty(LINK),
        "ip -j -p addr": pretty(ADDR),
        "ip -4 -j -p route show table all": "[]",
        "ip -6 -j -p route show table all": "[]",
        "ip -4 -j -p rule": pretty(RULES),
        "ip -6 -j -p rule": pretty(RULES[:2]),
        "iptables-save": FILTER,
        "ip6tables-save": "",
        "iptables-legacy-save": None,
        "ip6tables-legacy-save": None,
        "nft list ruleset": None,
    }
    out.update(override)
    return out


def text(parts: dict[str, str | None], header: bool = True) -> str:
    lines = ["# segproof linux dump v1"] if header else []
    for command, body in parts.items():
        lines.append(f"#### segproof-section: {command}")
        if body is None:
            lines.append("#### segproof-unavailable: -bash: command not found")
        elif body:
            lines.extend(body.splitlines())
    return "\n".join(lines) + "\n"


def whys(device: Device) -> list[str]:
    return [u.why for u in device.unrecognized]


def test_detect() -> None:
    assert detect(text(sections())) == 100
    assert 0 < detect(FILTER) <= 60
    assert 0 < detect("table inet fw {\n\tchain c {\n\t}\n}\n") <= 60
    assert (
        detect("hostname r1\ninterface GigabitEthernet0/1\n ip address 10.0.0.1 255.0.0.0\n") == 0
    )


def test_a_small_router_is_modelled_and_every_line_counted() -> None:
    raw = text(sections())
    device = parse(raw, "configs/fw1.cfg", "file-name")
    assert device.name == "fw1" and device.platform == "linux"
    assert device.ip_routing == {"default": True} and device.ipv6_routing == {"default": False}
    assert device.unrecognized == []
    c = device.counts
    assert c.total == len(raw.splitlines()) == c.understood + c.irrelevant
    assert device.interfaces["eth0"].acl_in is not None
    assert device.interfaces["eth0"].acl_in.name == "linux:in:eth0"
    assert device.interfaces["lo"].acl_in is None
    assert device.interfaces["eth0"].acl6_in is None  # no IPv6 rules: nothing to bind


@pytest.mark.parametrize(
    ("override", "why"),
    [
        ({"ip -j -p addr": None}, "did not answer"),
        ({"ip -j -p addr": "[ {"}, "not valid JSON"),
        ({"ip -j -p addr": '[ {"ifname": "eth0"} ] tail'}, "not valid JSON"),
        ({"sysctl net.ipv4.ip_forward net.ipv6.conf.all.forwarding": "oops"}, "sysctl answer"),
        ({"sysctl net.ipv4.ip_forward net.ipv6.conf.all.forwarding": ""}, "taken as on"),
        ({"iptables-save": "*filter\nbogus\nCOMMIT"}, "not iptables-save syntax"),
    ],
)
def test_broken_sections_are_reported(override: dict[str, str | None], why: str) -> None:
    device = parse(text(sections(**override)), "configs/fw1.cfg", "fw1")
    assert any(why in w for w in whys(device)), whys(device)
    c = device.counts
    assert c.unrecognized == len({u.line for u in device.unrecognized})
    assert not [u for u in device.unrecognized if u.context == "other"]


def test_missing_and_extra_sections() -> None:
    parts = sections()
    del parts["nft list ruleset"]
    parts["ip -j -p addr"] = parts["ip -j -p addr"]
    raw = text(parts) + "#### segproof-section: uptime\n 10:00 up 3 days\n"
    raw += "#### segproof-section: hostname\nfw2\n"
    raw = raw.replace("command not found\n", "command not found\n\nstray\n", 1)
    device = parse(raw, "configs/fw1.cfg", "fw1")
    assert device.name == "fw1"
    reported = whys(device)
    assert any("no `nft list ruleset` section" in w for w in reported)
    assert not any("no `ip -j addr` section" in w for w in reported)
    del parts["ip -j -p addr"]
    gone = parse(text(parts), "configs/fw1.cfg", "fw1")
    assert any("no `ip -j addr` section" in w for w in whys(gone))
    assert any("a second `hostname` section" in w for w in reported)
    assert "text after an unavailable answer" in reported
    assert not any("uptime" in u.text for u in device.unrecognized)  # extra data: irrelevant


def test_text_before_the_first_section_and_blank_answers() -> None:
    raw = text(sections(hostname=""))
    raw = raw.replace("# segproof linux dump v1\n", "# segproof linux dump v1\nstray\n\n", 1)
    device = parse(raw, "configs/fw9.cfg", "fw9")
    assert device.name == "fw9"  # the file's host name when the dump has none
    assert [u.why for u in device.unrecognized if u.line == 2] == ["text before the first section"]


def test_a_bare_ruleset_is_read_and_everything_else_reported() -> None:
    device = parse(FILTER + "\n", "configs/fw.cfg", "fw")
    assert device.interfaces == {}
    assert device.unrecognized[0].line == 1
    assert "not a segproof linux dump" in device.unrecognized[0].why
    nft = parse(
        "table inet t {\n\tchain c {\n\t\tip saddr 10.0.0.1 mark 3 drop\n\t}\n}\n", "f", "f"
    )
    assert any(u.scope == "inet t/c" for u in nft.unrecognized), nft.unrecognized


def lines(raw: str, first: int = 10) -> list[Line]:
    return [Line(first + k, t) for k, t in enumerate(raw.splitlines())]


def test_json_with_lines() -> None:
    value = parse_json(
        lines('[ {\n  "a": "x\\"y",\n  "b": [1, 2.5e1, true, null, -3],\n  "c": {}\n} ]')
    )
    assert isinstance(value, list)
    obj = value[0]
    assert isinstance(obj, Obj)
    assert (obj.first, obj.last, obj.line_of("b"), obj.line_of("zzz")) == (10, 14, 12, 10)
    assert obj["a"] == 'x"y' and obj["b"] == [1, 25.0, True, None, -3] and obj["c"] == {}
    assert parse_json(lines("[]")) == []


@pytest.mark.parametrize(
    ("raw", "line"),
    [
        ("", 0),
        ('[ {"a" 1} ]', 10),
        ('[ {"a": 1 "b": 2} ]', 10),
        ("[ 1 2 ]", 10),
        ("[ {1: 2} ]", 10),
        ('[\n "open', 11),
        ("[\n  nope ]", 11),
        ("[ 1 ]\n]", 11),
        ('[ "\\q" ]', 10),
        ("[", 10),
    ],
)
def test_json_errors_name_their_line(raw: str, line: int) -> None:
    with pytest.raises(JsonError) as err:
        parse_json(lines(raw))
    assert err.value.line == line
