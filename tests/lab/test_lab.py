"""Every ``topologies/lab-*``: built from its lab.yml, collected over SSH by ``segproof collect``
from the management namespace, probed with real packets. The packets must show what the lab
was designed for (``probes`` in its expected file), segproof's verdict must be the expected one,
and segproof's prediction must equal the packets cell for cell."""

from __future__ import annotations

import fnmatch
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from agent.lab import compare, prediction
from tests.lab.conftest import LABS, LabRun, lab_run

TAGS = "abcdefghijklmnopqrs"  # one per lab; x, y, z belong to test_teardown.py
assert len(LABS) <= len(TAGS)


@pytest.fixture(params=LABS, ids=[f.name for f in LABS])
def run(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> LabRun:
    folder: Path = request.param
    return lab_run(folder, TAGS[LABS.index(folder)], tmp_path_factory)


def expected(run: LabRun) -> dict[str, Any]:
    data = yaml.safe_load(run.spec.expected_file.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_hygiene(run: LabRun) -> None:
    assert not run.leftovers, f"teardown left {run.leftovers}"
    names = set(run.names)
    assert set(run.resolv) == names
    for real, text in run.resolv.items():
        assert "nameserver 127.0.0.1" in text and "timeout:1 attempts:1" in text, real
    for real, peers in run.peers.items():
        assert set(peers) <= names, f"{real} is linked outside the lab: {peers}"
    # InNoRoutes: packets for non-lab addresses; router solicitations/advertisements: none
    noisy = {ns: {k: v for k, v in c.items() if v} for ns, c in run.counters.items()}
    assert set(run.counters) == names
    assert not any(noisy.values()), noisy
    lab_ips = run.spec.lab.all_ips()
    assert all(c.dst_ip in lab_ips and c.src_ip in lab_ips for c in run.cells)
    assert max(p.secs for p in run.probed) < 3.5


def test_ssh_from_mgmt(run: LabRun) -> None:
    assert sorted(run.ssh) == sorted(run.spec.lab.collected())
    for name, answer in run.ssh.items():
        assert answer.get("prompt") == f"root@{name}:~#", answer
        assert answer.get("hostname") == name, answer


def test_collected_over_ssh(run: LabRun) -> None:
    assert run.collect_exit == 0, run.collect_output
    texts = run.texts()
    meta = json.loads(texts["meta.json"])
    assert sorted(meta["devices"]) == sorted(run.spec.lab.collected())
    for name in run.spec.lab.collected():
        assert texts[f"configs/{name}.cfg"].startswith("# segproof linux dump v1")
    assert not run.password_in, f"the lab's password is in {run.password_in}"
    tables = "".join(t for f, t in texts.items() if f.startswith("state/"))
    for ns in run.spec.lab.namespaces.values():
        for itf in ns.interfaces.values():
            if ns.camera and itf.mac:
                assert itf.mac.upper() in tables, f"camera {itf.mac} in no collected table"


def test_packets_match_the_design(run: LabRun) -> None:
    patterns = expected(run)["probes"]["reached"]
    reached = {p.cell.id for p in run.probed if p.reachable}
    designed = {c.id for c in run.cells if any(fnmatch.fnmatchcase(c.id, p) for p in patterns)}
    rows = [f"{p.cell.id}: {p.result} packets={p.packets}" for p in run.probed]
    extra, lacking = sorted(reached - designed), sorted(designed - reached)
    assert reached == designed, "\n".join(
        [f"reached, not designed: {extra}", f"designed, not reached: {lacking}", *rows]
    )
    for p in run.probed:
        if p.cell.target == "host" and p.result in ("open", "reply"):
            assert p.packets, f"{p.cell.id}: answered, but no packet counted"


def test_verdict_is_expected(run: LabRun) -> None:
    assert run.snapshot is not None and run.collect_exit == 0, "collection failed"
    report = prediction.report(run.snapshot)
    problems = compare.verdict_problems(report, expected(run))
    assert not problems, problems


def test_prediction_equals_packets(run: LabRun) -> None:
    assert run.snapshot is not None and run.collect_exit == 0, "collection failed"
    ctx = prediction.context(run.snapshot)
    predicted = prediction.predict(ctx, run.cells)
    table = compare.table(run.probed, predicted)
    assert not compare.mismatches(run.probed, predicted), "\n" + table
