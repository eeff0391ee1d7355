"""Remediation on every scenario with a violation: the plan closes it, keeps the exceptions,
changes nothing else, renders to what the parser reads back, and rolls back exactly; the
patched snapshot verifies clean."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from agent.errors import InputError
from agent.models.plan import Remediation
from agent.pipeline import outputs, prepare
from agent.pipeline.remediate import run as remediate
from agent.pipeline.verify import run as verify

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted(p.parent for p in (ROOT / "tests" / "scenarios").glob("*/expected.yml"))
VIOLATING = [
    p
    for p in SCENARIOS
    if yaml.safe_load((p / "expected.yml").read_text())["verdict"] == "violation"
]
LAYER2 = {"camera-in-core-vlan"}  # a camera inside a core VLAN: no router ACL can help


def _run(
    snapshot: Path, strategy: str = "acl", vlan: int | None = None
) -> tuple[Remediation, dict[str, str]]:
    return remediate(prepare.run(snapshot), strategy, vlan)  # type: ignore[arg-type]


@pytest.mark.parametrize("case", [*VIOLATING, ROOT / "topologies" / "campus"], ids=lambda p: p.name)
def test_acl_remediation_is_proven(case: Path, tmp_path: Path) -> None:
    result, texts = _run(case)
    if case.name in LAYER2:
        assert not result.passed and any("layer 2" in u for u in result.unfixable)
        return
    assert result.passed, (result.unfixable, result.proof)
    proof = result.proof
    assert proof is not None
    assert proof.closed and proof.exceptions_kept and proof.rollback_exact and proof.reparsed
    assert proof.collateral == []
    fixed = tmp_path / "fixed"
    outputs.write_snapshot(case, fixed, texts)
    after = verify(prepare.run(fixed))
    assert {c.status for c in after.cameras} <= {"isolated", "inconclusive"}
    assert after.verdict != "violation"


@pytest.mark.parametrize("strategy", ["vlan", "shutdown"])
def test_port_strategies_fix_a_camera_in_a_core_vlan(strategy: str) -> None:
    result, _texts = _run(ROOT / "tests" / "scenarios" / "camera-in-core-vlan", strategy, 999)
    assert result.passed, result.proof
    assert all(c.kind == strategy for d in result.devices for c in d.changes)


def test_nothing_to_fix_on_an_isolated_network() -> None:
    result, texts = _run(ROOT / "tests" / "scenarios" / "correct-isolation")
    assert result.passed and not result.devices and not texts


def test_vlan_strategy_needs_a_vlan() -> None:
    with pytest.raises(InputError, match="--vlan"):
        _run(ROOT / "topologies" / "campus", "vlan", None)


def test_numbered_acl_is_reported_not_edited(tmp_path: Path) -> None:
    root = tmp_path / "snap"
    shutil.copytree(ROOT / "tests" / "scenarios" / "numbered-acl", root)
    cfg = root / "configs" / "dist1.cfg"
    cfg.write_text(
        cfg.read_text().replace(
            "access-list 150 deny   ip 10.20.0.0 0.0.0.255 10.0.0.0 0.0.255.255 log\n", ""
        )
    )
    result, texts = _run(root)
    assert result.verdict_before == "violation"
    assert not result.passed and not texts
    assert any("numbered ACL 150" in u for u in result.unfixable)
