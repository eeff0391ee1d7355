"""Ground truth from ``../shared/batfish-corpus/example-filters/EXPECTED.md`` (router ACL
``acl_in`` on ``rtr-with-acl``), reproduced with our parser and exact engine.

Batfish answers searchFilters / testFilters / filterLineReachability; we ask the same
questions of the BDD of each ACL (the zone-based firewall rows 2 and 4 need ZBF, which is not
modelled yet: the firewall's zone lines are reported as unrecognised instead)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from agent.engine.acl import AclCompiler, Packet, evaluate
from agent.engine.space import Bdd, Space
from agent.models.device import Acl
from agent.vendors import load_vendors

ROOT = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("SEGPROOF_SHARED", ROOT.parent / "shared"))
CORPUS = SHARED / "batfish-corpus" / "example-filters"

pytestmark = pytest.mark.skipif(
    not CORPUS.is_dir() and os.environ.get("SEGPROOF_REQUIRE_LAB") != "1",
    reason=f"batfish corpus not found at {CORPUS} (set SEGPROOF_SHARED)",
)


def acl(snapshot: str) -> Acl:
    path = CORPUS / snapshot / "configs" / "rtr-with-acl.cfg"
    parse = load_vendors()["cisco_ios"].parse
    assert parse is not None
    device = parse(path.read_text(), f"configs/{path.name}", "rtr-with-acl")
    return device.acls["acl_in"]


@pytest.fixture(scope="module")
def space() -> Space:
    return Space()


def _space(s: Space, src: str, dst: str, proto: int, dports: list[int] | None = None) -> Bdd:
    u = s.prefix("src", src) & s.prefix("dst", dst) & s.protocol(proto)
    if dports is not None:
        ports = s.false
        for p in dports:
            ports |= s.bits("dport", p, 0xFFFF)
        u &= ports
    return u & ~s.bits("frag", 1, 1)


def test_1_dns_from_10_10_10_1_is_permitted_by_660() -> None:
    action, rule = evaluate(
        acl("current"), Packet.of("10.10.10.1", "218.8.104.58", 17, sport=49152, dport=53)
    )
    assert action == "permit"
    assert rule is not None and rule.seq == 660
    assert rule.src_ref.text.startswith("660 permit udp 10.10.10.0/24 218.8.104.58/32 eq domain")


def test_3_only_10_10_10_42_is_denied_dns_by_460(space: Space) -> None:
    a = acl("current")
    comp = AclCompiler(space)
    query = _space(space, "10.10.10.0/24", "218.8.104.58/32", 17, [53])
    denied = query & ~comp.permitted("current", a)
    assert (denied & ~space.prefix("src", "10.10.10.42/32")) == space.false
    assert denied != space.false
    regions = {
        rule.seq: region for rule, region in comp.first_matches("current", a) if rule is not None
    }
    assert (denied & ~regions[460]) == space.false


def test_5_filter_line_reachability_finds_exactly_670_and_790(space: Space) -> None:
    a = acl("current")
    comp = AclCompiler(space)
    earlier = space.false
    unreachable = {}
    for rule in a.rules:
        match = comp.rule(rule, 4)
        if match != space.false and (match & ~earlier) == space.false:
            blockers = [
                other.seq
                for other in a.rules
                if other.seq is not None
                and rule.seq is not None
                and other.seq < rule.seq
                and (match & ~comp.rule(other, 4)) == space.false
            ]
            unreachable[rule.seq] = (rule.action, blockers)
        earlier |= match
    assert unreachable == {670: ("permit", [540]), 790: ("deny", [500])}


def test_6_no_web_permit_to_18_18_18_0_27_today(space: Space) -> None:
    query = _space(space, "10.10.10.0/24", "18.18.18.0/27", 6, [80, 8080])
    assert (query & AclCompiler(space).permitted("current", acl("current"))) == space.false


@pytest.mark.parametrize("snapshot", ["candidate1", "candidate2"])
def test_7_9_candidates_permit_the_whole_intended_space(space: Space, snapshot: str) -> None:
    query = _space(space, "10.10.10.0/24", "18.18.18.0/27", 6, [80, 8080])
    assert (query & ~AclCompiler(space).permitted(snapshot, acl(snapshot))) == space.false


def test_8_candidate1_has_collateral_damage_candidate2_none(space: Space) -> None:
    comp = AclCompiler(space)
    current = comp.permitted("current", acl("current"))
    intended = _space(space, "10.10.10.0/24", "18.18.18.0/27", 6, [80, 8080])
    whole = ~space.bits("frag", 1, 1)  # Batfish's flows are never non-initial fragments
    extra1 = comp.permitted("candidate1", acl("candidate1")) & ~current & ~intended & whole
    extra2 = comp.permitted("candidate2", acl("candidate2")) & ~current & ~intended & whole
    assert extra2 == space.false
    assert extra1 != space.false
    flow = Packet.of("10.10.10.0", "18.18.18.32", 6, sport=49152, dport=80)
    assert evaluate(acl("candidate1"), flow)[1].seq == 462  # type: ignore[union-attr]
    assert evaluate(acl("current"), flow)[1].seq == 2020  # type: ignore[union-attr]
    # the whole collateral space: 18.18.18.32/27 on tcp 80 and 8080 from 10.10.10.0/24
    collateral = _space(space, "10.10.10.0/24", "18.18.18.32/27", 6, [80, 8080])
    assert extra1 == collateral
