"""Render goldens: ``<platform>/<case>.plan.json`` rendered must equal ``<case>.expected.cfg``.

A plan is the ``acl-template`` input for one output (``target``: a key of
``agent.acltemplate.TARGETS``). On a mismatch the output is written to ``<case>.actual``
(git-ignored) and the test fails; ``SEGPROOF_REGEN_GOLDEN=1`` rewrites the expected files
instead. Every expected file was reviewed by eye against shared/notes/acl-syntax.md; read the
diff of a regenerated one the same way before committing it.
"""

from __future__ import annotations

import difflib
import json
import os
from pathlib import Path

import pytest

from agent.acltemplate import FIRST_ID, TARGETS, make_spec, render_target

HERE = Path(__file__).parent
PLANS = sorted(HERE.glob("*/*.plan.json"))
TEMPLATES = HERE.parents[1] / "templates"
REGEN = os.environ.get("SEGPROOF_REGEN_GOLDEN") == "1"
# every target has these cases (IPv4 with NVR exceptions, IPv4+IPv6, a port range and an ICMP
# exception, several core prefixes)
REQUIRED = ("basic", "ipv6", "range-icmp", "multicore")


def stem(plan: Path) -> str:
    return plan.name.removesuffix(".plan.json")


def render_plan(plan: Path) -> str:
    data = json.loads(plan.read_text())
    spec = make_spec(
        data["cameras"], data["core"], data.get("allow", []), data.get("name"), data.get("bind", [])
    )
    return render_target(data["target"], spec, first_id=data.get("first_id", FIRST_ID))


@pytest.mark.parametrize("plan", PLANS, ids=lambda p: f"{p.parent.name}/{stem(p)}")
def test_golden(plan: Path) -> None:
    actual = render_plan(plan)
    expected_path = plan.with_name(f"{stem(plan)}.expected.cfg")
    actual_path = plan.with_name(f"{stem(plan)}.actual")
    if REGEN:
        expected_path.write_text(actual)
        actual_path.unlink(missing_ok=True)
        return
    expected = expected_path.read_text() if expected_path.exists() else ""
    if expected != actual:
        actual_path.write_text(actual)
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                actual.splitlines(keepends=True),
                expected_path.name,
                actual_path.name,
            )
        )
        pytest.fail(f"{plan.name}: output differs from {expected_path.name}:\n{diff}")
    actual_path.unlink(missing_ok=True)


@pytest.mark.parametrize("plan", PLANS, ids=lambda p: f"{p.parent.name}/{stem(p)}")
def test_plan_lives_in_its_platform_folder(plan: Path) -> None:
    target = json.loads(plan.read_text())["target"]
    assert TARGETS[target].platform == plan.parent.name


@pytest.mark.parametrize("key", list(TARGETS))
def test_every_target_has_the_required_cases(key: str) -> None:
    cases = {
        stem(p).removeprefix(prefix)
        for p in PLANS
        for prefix in ("filter-", "srx-", "nftables-", "iptables-", "ip6tables-", "")
        if json.loads(p.read_text())["target"] == key and stem(p).startswith(prefix)
    }
    missing = [c for c in REQUIRED if c not in cases]
    assert not missing, f"{key}: no golden for {missing}"


def test_every_acl_template_is_pinned_by_a_golden() -> None:
    used = {
        (
            TARGETS[json.loads(p.read_text())["target"]].platform,
            TARGETS[json.loads(p.read_text())["target"]].template,
        )
        for p in PLANS
    }
    files = {(t.parent.name, t.stem) for t in TEMPLATES.glob("*/acl_template*.j2")}
    assert files == used
