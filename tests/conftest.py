"""Suite-wide rules.

With ``SEGPROOF_REQUIRE_LAB=1`` (set by ``.ci/run``) a skipped test is a failure: a missing
prerequisite (the shared corpus, a lab package, FakeNOS) must break CI, not hide in a skip.
With ``CI`` set, hypothesis runs derandomized.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import settings

from tests import throwaway

REQUIRE = os.environ.get("SEGPROOF_REQUIRE_LAB") == "1"

# CI explores the same examples every run (a property failure there is reproducible, never a
# coin toss); developers' runs keep exploring new ones.
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "default")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    outcome = yield
    report = outcome.get_result()
    if REQUIRE and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped, but SEGPROOF_REQUIRE_LAB=1 forbids skips: {reason}"


@pytest.fixture(scope="module")
def netns() -> Iterator[str]:
    """A throwaway network namespace for this module's real-tool checks (tests/throwaway.py)."""
    yield from throwaway.namespace()
