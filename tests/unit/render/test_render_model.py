"""The vendor-neutral Rule: what it accepts and what it refuses."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from agent.errors import RenderError
from agent.render import Rule, build_view

BASE = {"action": "permit", "family": 4, "src": ["10.20.0.0/24"], "dst": ["10.30.0.10"]}


def test_a_full_rule() -> None:
    rule = Rule(**{**BASE, "protocol": 6, "dst_ports": [(554, 554)], "src_ports": [[1024, 65535]]})
    assert str(rule.dst[0]) == "10.30.0.10/32" and rule.dst_ports == ((554, 554),)


@pytest.mark.parametrize(
    ("kw", "why"),
    [
        ({"src": []}, "at least one prefix"),
        ({"dst": ["2001:db8::/32"]}, "not an IPv4 prefix"),
        ({"src": ["10.20.0.1/24"]}, "src"),
        ({"src": ["fe80::1%eth0/128"], "family": 6, "dst": ["::/0"]}, "scope id"),
        ({"protocol": 256}, "not 0-255"),
        ({"protocol": 1, "dst_ports": [(1, 1)]}, "need protocol tcp"),
        ({"protocol": 6, "dst_ports": []}, "empty"),
        ({"protocol": 6, "dst_ports": [(2, 1)]}, "bad range"),
        ({"protocol": 6, "dst_ports": [(1, 65536)]}, "bad range"),
        ({"protocol": 58}, "does not match IPv4"),
        ({"protocol": 6, "icmp_type": 8}, "icmp_type needs"),
        ({"protocol": 1, "icmp_type": 256}, "not 0-255"),
        ({"protocol": 1, "icmp_code": 0}, "icmp_code needs icmp_type"),
        ({"action": "drop"}, "action"),
        ({"extra": 1}, "extra"),
    ],
)
def test_refused(kw: dict[str, object], why: str) -> None:
    with pytest.raises(ValidationError, match=why):
        Rule(**{**BASE, **kw})


def test_frozen() -> None:
    rule = Rule(**BASE)
    with pytest.raises(ValidationError):
        rule.log = True  # type: ignore[misc]


def test_view_checks_names_and_remarks_for_the_platform() -> None:
    rule = Rule(**{**BASE, "name": "x" * 40, "remark": "ok"})
    assert build_view([rule], "cisco_ios").entries[0].name is None  # IOS has no rule names
    with pytest.raises(RenderError, match="fortinet: rule name"):
        build_view([rule], "fortinet")
    with pytest.raises(RenderError, match="contains ;"):
        build_view([Rule(**{**BASE, "remark": "a; b"})], "cisco_ios")


def test_view_refuses_sctp_ports_where_they_cannot_match() -> None:
    rule = Rule(**{**BASE, "protocol": 132, "dst_ports": [(9, 9)]})
    with pytest.raises(RenderError, match="cisco_ios: cannot match SCTP ports"):
        build_view([rule], "cisco_ios")
    assert build_view([rule], "linux").entries[0].dst_ports == ((9, 9),)


def test_view_objects_and_groups() -> None:
    rules = [
        Rule(**{**BASE, "dst": ["10.0.0.0/16", "10.1.0.0/16"]}),
        Rule(**{**BASE, "dst": ["10.2.0.0/16", "10.3.0.0/16"], "protocol": 6}),
        Rule(**{**BASE, "src": ["0.0.0.0/0"], "dst": ["10.0.0.0/16"]}),
    ]
    view = build_view(rules, "cisco_asa", prefix="P", groups=True)
    assert [g.name for g in view.groups] == ["P-net", "P-net2"]
    view = build_view(rules, "paloalto_panos", prefix="P", objects=True, services="ports")
    assert view.entries[2].src_objects == ("any",)
    assert [a.name for a in view.addresses] == ["P-net1", "P-net2", "P-net3", "P-net4", "P-net5"]
    assert [s.name for s in view.services] == ["P-tcp-all"]
