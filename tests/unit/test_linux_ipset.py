"""ipsets (`ipset save`) behind `iptables -m set --match-set`: one case per behaviour, on the
real dump of tests/vendors/linux/cases/ipset.cfg (made by make_cases.sh)."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.models import snapshot
from agent.vendors.linux import dump
from agent.vendors.linux.dump import Books, Line
from agent.vendors.linux.ipset import parse as parse_sets
from agent.vendors.linux.parser import parse

CASE = Path(__file__).parent.parent / "vendors" / "linux" / "cases" / "ipset.cfg"
SECTION = snapshot.SECTION + dump.IPSET


def _whys(text: str) -> set[tuple[str, str]]:
    device = parse(text, "configs/dist1.cfg", "dist1")
    return {(u.text, u.why) for u in device.unrecognized}


def _without_sets(text: str, replacement: list[str]) -> str:
    lines = text.splitlines()
    at = lines.index(SECTION)
    end = next(i for i in range(at + 1, len(lines)) if lines[i].startswith("#### "))
    return "\n".join([*lines[: at + 1], *replacement, *lines[end:]]) + "\n"


def test_sets_are_read_and_only_the_two_dimensional_one_is_uncertain() -> None:
    whys = _whys(CASE.read_text())
    assert {w for _t, w in whys} == {"ipset nvr-ports of type hash:ip,port not modelled"}


@pytest.mark.parametrize(
    "replacement", [[], ["#### segproof-unavailable: -bash: ipset: command not found"]]
)
def test_sets_not_collected_make_the_rules_uncertain(replacement: list[str]) -> None:
    whys = _whys(_without_sets(CASE.read_text(), replacement))
    texts = {t for t, w in whys if w.startswith("ipset cams not collected")}
    assert any("--match-set core dst -j DROP" in t for t in texts)
    assert any("! --match-set cams src -j ACCEPT" in t for t in texts)


def test_a_missing_section_is_not_a_set_nobody_uses() -> None:
    # an old dump without the section: only rules that name a set are affected
    text = _without_sets(CASE.read_text(), []).replace(SECTION + "\n", "")
    whys = _whys(text)
    assert all("ipset" in w for _t, w in whys), whys


def _sets(*lines: str) -> dict[str, object]:
    books = Books("x.cfg", list(lines))
    return {
        name: (s.members, s.why)
        for name, s in parse_sets([Line(i + 1, t) for i, t in enumerate(lines)], books).items()
    }


def test_set_kinds() -> None:
    got = _sets(
        "create a hash:net family inet hashsize 1024 maxelem 65536",
        "add a 10.0.0.0/8",
        "add a 192.0.2.0/24 nomatch",
        "create b bitmap:ip range 10.1.0.0-10.1.0.255",
        "add b 10.1.0.5-10.1.0.6",
        "create c hash:ip family inet6",
        "add c 2001:db8::1 timeout 0",
        "create d list:set",
    )
    assert got["a"][1] == "ipset a has nomatch entries (not modelled)"  # type: ignore[index]
    members_b, why_b = got["b"]  # type: ignore[misc]
    assert not why_b and [m.address for m in members_b] == ["10.1.0.5", "10.1.0.6"]
    members_c, why_c = got["c"]  # type: ignore[misc]
    assert not why_c and [m.address for m in members_c] == ["2001:db8::1"]
    assert "list:set" in got["d"][1]  # type: ignore[index]
