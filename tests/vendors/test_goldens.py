"""Parser goldens: ``<platform>/cases/<case>.cfg`` parsed must equal ``<case>.expected.json``.

On a mismatch the actual output is written to ``<case>.actual`` (git-ignored) and the test
fails; ``SEGPROOF_REGEN_GOLDEN=1`` (``make golden``) rewrites the expected files instead. Read
the diff of a regenerated golden before committing it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from agent.vendors.base import Vendor

HERE = Path(__file__).parent
CASES = sorted(HERE.glob("*/cases/*.cfg"))


def _platform(case: Path) -> str:
    return case.parent.parent.name


def _render(case: Path, vendor: Callable[[str], Vendor]) -> str:
    parse = vendor(_platform(case)).parse
    assert parse is not None
    device = parse(case.read_text(), f"configs/{case.name}", case.stem)
    return json.dumps(device.model_dump(mode="json"), indent=2, sort_keys=True) + "\n"


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{_platform(c)}/{c.stem}")
def test_golden(case: Path, vendor: Callable[[str], Vendor]) -> None:
    actual = _render(case, vendor)
    expected_path = case.with_suffix(".expected.json")
    actual_path = case.with_suffix(".actual")
    if os.environ.get("SEGPROOF_REGEN_GOLDEN") == "1":
        expected_path.write_text(actual)
        actual_path.unlink(missing_ok=True)
        return
    expected = expected_path.read_text() if expected_path.exists() else None
    if expected != actual:
        actual_path.write_text(actual)
        pytest.fail(f"{case.name}: output differs from {expected_path.name}; see {actual_path}")
    actual_path.unlink(missing_ok=True)


def test_every_platform_has_cases() -> None:
    platforms = ("cisco_ios", "arista_eos", "linux")
    counts = {p: len(list((HERE / p / "cases").glob("*.cfg"))) for p in platforms}
    assert counts["cisco_ios"] >= 12
    assert counts["arista_eos"] >= 8
    assert counts["linux"] >= 13


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{_platform(c)}/{c.stem}")
def test_case_invariants(case: Path, vendor: Callable[[str], Vendor]) -> None:
    """Every line accounted for once, no parser gaps, and the case detects as its platform."""
    platform = _platform(case)
    text = case.read_text()
    parse = vendor(platform).parse
    assert parse is not None
    device = parse(text, case.name, case.stem)
    c = device.counts
    assert c.total == len(text.splitlines())
    assert c.total == c.understood + c.irrelevant + c.unrecognized
    # a Linux rule shared by the filters of several interfaces has one record per filter
    lines = {u.line for u in device.unrecognized}
    assert c.unrecognized == (len(lines) if platform == "linux" else len(device.unrecognized))
    assert not [u for u in device.unrecognized if u.context == "other"]
    for other in {"cisco_ios", "arista_eos", "linux"} - {platform}:
        assert vendor(platform).detect(text) > vendor(other).detect(text)
