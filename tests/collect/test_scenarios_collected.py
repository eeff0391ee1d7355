"""Scenario snapshots served by fake devices and collected over SSH verify exactly like the
originals (issue 4: the collected snapshot is as good as the source)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from agent.collect import Credentials, CredentialSet, run
from agent.pipeline import prepare, verify
from tests.collect.fakenet import PASSWORD, ROOT, USER, serve

pytestmark = pytest.mark.xdist_group("fakenos-scenarios")
SCENARIOS = [
    "shadowing-permit",
    "ipv6-bypass",
    "eos-isolation",
    "vrf-route-leak",
    "uplink-filter-only",
]


def _result(snapshot: Path, policy: Path) -> tuple[str, dict[str, tuple[str, tuple[str, ...]]]]:
    report = verify.run(prepare.run(snapshot, policy))
    cams = {
        c.ip or c.mac or "": (c.status, tuple(sorted({v.core for v in c.violations if v.certain})))
        for c in report.cameras
    }
    return report.verdict, cams


@pytest.mark.parametrize("name", SCENARIOS)
def test_collected_scenario_verifies_like_the_original(name: str, tmp_path: Path) -> None:
    source = ROOT / "tests" / "scenarios" / name
    (tmp_path / "fakenos").mkdir()
    with serve(source, tmp_path / "fakenos") as network:
        inv = network.inventory(tmp_path / "inventory")
        if (source / "topology.yml").is_file():
            shutil.copy(source / "topology.yml", inv / "topology.yml")
        result = run(
            inv,
            tmp_path / "snapshot",
            credentials=CredentialSet(Credentials(USER, PASSWORD, "")),
            workers=8,
            timeout=20,
            retries=1,
        )
    assert result.exit_code == 0, {n: r.message for n, r in result.records.items()}
    policy = source / "policy.yml"
    assert _result(tmp_path / "snapshot", policy) == _result(source, policy)
