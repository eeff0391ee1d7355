"""Fifty devices collected in parallel over real SSH (FakeNOS on 127.0.0.1), as the issue
asks; the time goes to docs/benchmarks.md, not into an assertion."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from agent.collect import Credentials, CredentialSet, run
from agent.pipeline import prepare, verify
from tests.bench.generate import generate
from tests.collect.fakenet import PASSWORD, USER, FakeNetwork, serve

pytestmark = pytest.mark.xdist_group("fakenos-scale")
DEVICES = 50


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("gen") / "snapshot"
    generate(DEVICES, root, seed=7)
    return root


@pytest.fixture(scope="module")
def fleet(generated: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FakeNetwork]:
    with serve(generated, tmp_path_factory.mktemp("fakenos-scale")) as network:
        yield network


def _statuses(snapshot: Path, policy: Path) -> tuple[str, dict[str, str]]:
    report = verify.run(prepare.run(snapshot, policy))
    return report.verdict, {c.ip or "": c.status for c in report.cameras}


def test_fifty_devices_in_parallel(fleet: FakeNetwork, generated: Path, tmp_path: Path) -> None:
    inv = fleet.inventory(tmp_path / "inventory")
    start = time.monotonic()
    result = run(
        inv,
        tmp_path / "snapshot",
        credentials=CredentialSet(Credentials(USER, PASSWORD, "")),
        workers=DEVICES,
        timeout=60,
        retries=1,
    )
    elapsed = time.monotonic() - start
    print(f"collected {DEVICES} devices with {DEVICES} workers in {elapsed:.1f} s")
    failed = {n: r.message for n, r in result.records.items() if r.status != "ok"}
    assert not failed
    assert len(result.records) == DEVICES
    policy = generated / "policy.yml"
    assert _statuses(tmp_path / "snapshot", policy) == _statuses(generated, policy)
