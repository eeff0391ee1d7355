"""Render goldens: a device change (``<case>.remediation.json``) renders to exactly
``<case>.change.txt`` and ``<case>.rollback.txt``. Regenerate with ``make golden`` and review."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from agent.models.plan import DeviceChange
from agent.remediate.render import render

HERE = Path(__file__).parent / "goldens"
CASES = sorted(HERE.glob("*.remediation.json"))
REGEN = os.environ.get("SEGPROOF_REGEN_GOLDEN") == "1"


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name.removesuffix(".remediation.json"))
def test_render_golden(case: Path) -> None:
    device = DeviceChange.model_validate_json(case.read_text())
    rendered = render(device)
    stem = case.name.removesuffix(".remediation.json")
    for kind, text in (("change", rendered.change), ("rollback", rendered.rollback)):
        expected = HERE / f"{stem}.{kind}.txt"
        if REGEN:
            expected.write_text(text)
            continue
        if not expected.exists() or expected.read_text() != text:
            (HERE / f"{stem}.{kind}.actual").write_text(text)
            pytest.fail(
                f"{expected.name} differs: see {stem}.{kind}.actual (make golden to accept)"
            )


def test_every_platform_with_a_parser_has_remediation_templates() -> None:
    templates = Path(__file__).resolve().parents[2] / "templates"
    for platform in ("cisco_ios", "arista_eos"):
        assert (templates / platform / "remediate.j2").is_file()
        assert (templates / platform / "rollback.j2").is_file()
