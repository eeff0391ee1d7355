"""Shared fixtures of the agent.endpoints tests and the oracle report printed after the run."""

from __future__ import annotations

import pytest

ORACLE_REPORT = pytest.StashKey[list[str]]()


@pytest.fixture
def oracle_report(request: pytest.FixtureRequest) -> list[str]:
    """Lines for the end-of-run section comparing the registry with flagged-vendors.yaml."""
    return request.config.stash.setdefault(ORACLE_REPORT, [])


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    lines = config.stash.get(ORACLE_REPORT, [])
    if lines:
        terminalreporter.section("OUI registry vs flagged-vendors.yaml")
        for line in sorted(lines):
            terminalreporter.write_line(line)
