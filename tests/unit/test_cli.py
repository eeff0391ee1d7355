"""The CLI end to end on the bundled example network: exit codes, JSON shape, trace, cameras."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

CAMPUS = Path(__file__).resolve().parents[2] / "topologies" / "campus"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "agent", *args],
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def report() -> dict:  # type: ignore[type-arg]
    proc = run("verify", str(CAMPUS), "--format", "json")
    assert proc.returncode == 1, proc.stderr
    return json.loads(proc.stdout)  # type: ignore[no-any-return]


def test_verify_json_follows_the_contract(report: dict) -> None:  # type: ignore[type-arg]
    assert report["verdict"] == "violation"
    assert set(report) >= {"verdict", "cameras", "endpoints", "unrecognized"}
    for cam in report["cameras"]:
        assert set(cam) >= {
            "ip",
            "ipv6",
            "mac",
            "vendor",
            "organisation",
            "flagged",
            "location",
            "status",
            "violations",
            "stops",
            "uncertain",
        }
        assert cam["flagged"] is True
        assert set(cam["location"]) >= {"device", "interface", "vlan"}
        for v in cam["violations"]:
            assert set(v) >= {"core", "space", "flows", "path"}
            for hop in v["path"]:
                assert set(hop) >= {"device", "in", "out", "filters"}
        if cam["status"] == "isolated":
            assert cam["stops"], cam
            assert all(s["file"] and s["line"] for s in cam["stops"] if s["reason"] == "denied")
    assert all(not e["flagged"] for e in report["endpoints"])


def test_verify_text_and_output_file(tmp_path: Path) -> None:
    out = tmp_path / "report.txt"
    proc = run("verify", str(CAMPUS), "--output", str(out))
    assert proc.returncode == 1
    text = out.read_text()
    assert "VIOLATION" in text and "Flagged cameras" in text
    assert "configs/dist1.cfg:" in text


def test_any_source_never_reduces_reach(report: dict) -> None:  # type: ignore[type-arg]
    proc = run("verify", str(CAMPUS), "--format", "json", "--any-source")
    spoof = json.loads(proc.stdout)
    assert spoof["any_source"] is True
    before = {c["mac"]: c["status"] for c in report["cameras"]}
    for cam in spoof["cameras"]:
        if before[cam["mac"]] == "reachable":
            assert cam["status"] == "reachable"


def test_trace_json_cites_the_deciding_line() -> None:
    proc = run(
        "trace",
        str(CAMPUS),
        "--src",
        "10.20.0.11",
        "--dst",
        "10.0.100.10",
        "--dport",
        "22",
        "--format",
        "json",
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert [b["disposition"] for b in data["branches"]] == ["denied-in"]
    branch = data["branches"][0]
    assert branch["file"] == "configs/dist1.cfg" and branch["line"] > 0 and "deny" in branch["text"]


def test_trace_bad_address_is_input_error() -> None:
    proc = run("trace", str(CAMPUS), "--src", "10.20.0.300", "--dst", "10.0.100.10")
    assert proc.returncode == 2
    assert "not an IP address" in proc.stderr and "Traceback" not in proc.stderr


def test_cameras_lists_flagged_first() -> None:
    proc = run("cameras", str(CAMPUS), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert len(data["cameras"]) >= 4
    assert {c["vendor"] for c in data["cameras"]} >= {"hikvision", "dahua"}
    assert all(c["location"]["device"] for c in data["cameras"])
