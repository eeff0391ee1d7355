"""The CLI end to end on the bundled example network: exit codes, JSON shape, trace, cameras."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from agent.cli import main

CAMPUS = Path(__file__).resolve().parents[2] / "topologies" / "campus"


class Result:
    def __init__(self, returncode: int, stdout: str, stderr: str) -> None:
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """The CLI in-process (coverage sees it); ``subprocess`` tests elsewhere check the real
    entry point."""

    def call(*args: str) -> Result:
        code = 0
        try:
            main(list(args))
        except SystemExit as exc:
            code = int(exc.code or 0)
        out = capsys.readouterr()
        return Result(code, out.out, out.err)

    return call


def test_entry_point_runs_as_a_module() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "agent", "--version"],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0 and "segproof" in proc.stdout


@pytest.fixture
def report(run) -> dict:  # type: ignore[no-untyped-def,type-arg]
    proc = run("verify", str(CAMPUS), "--format", "json")
    assert proc.returncode == 1, proc.stderr
    return json.loads(proc.stdout)  # type: ignore[no-any-return]


def test_verify_json_follows_the_contract(run, report: dict) -> None:  # type: ignore[type-arg]
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


def test_verify_text_and_output_file(run, tmp_path: Path) -> None:
    out = tmp_path / "report.txt"
    proc = run("verify", str(CAMPUS), "--output", str(out))
    assert proc.returncode == 1
    text = out.read_text()
    assert "VIOLATION" in text and "Flagged cameras" in text
    assert "configs/dist1.cfg:" in text


def test_any_source_never_reduces_reach(run, report: dict) -> None:  # type: ignore[type-arg]
    proc = run("verify", str(CAMPUS), "--format", "json", "--any-source")
    spoof = json.loads(proc.stdout)
    assert spoof["any_source"] is True
    before = {c["mac"]: c["status"] for c in report["cameras"]}
    for cam in spoof["cameras"]:
        if before[cam["mac"]] == "reachable":
            assert cam["status"] == "reachable"


def test_trace_json_cites_the_deciding_line(run) -> None:
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


def test_trace_bad_address_is_input_error(run) -> None:
    proc = run("trace", str(CAMPUS), "--src", "10.20.0.300", "--dst", "10.0.100.10")
    assert proc.returncode == 2
    assert "not an IP address" in proc.stderr and "Traceback" not in proc.stderr


def test_cameras_lists_flagged_first(run) -> None:
    proc = run("cameras", str(CAMPUS), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert len(data["cameras"]) >= 4
    assert {c["vendor"] for c in data["cameras"]} >= {"hikvision", "dahua"}
    assert all(c["location"]["device"] for c in data["cameras"])


SCENARIOS = CAMPUS.parents[1] / "tests" / "scenarios"


def test_text_report_for_an_isolated_network(run) -> None:  # type: ignore[no-untyped-def]
    proc = run("verify", str(SCENARIOS / "correct-isolation"))
    assert proc.returncode == 0
    assert "ISOLATED" in proc.stdout and "is isolated; core-bound traffic stops at" in proc.stdout


def test_text_report_for_an_inconclusive_network(run) -> None:  # type: ignore[no-untyped-def]
    proc = run("verify", str(SCENARIOS / "unrecognised-line-on-path"))
    assert proc.returncode == 3
    assert "INCONCLUSIVE" in proc.stdout and "configs/dist1.cfg:349" in proc.stdout


def test_text_trace_and_cameras(run) -> None:  # type: ignore[no-untyped-def]
    proc = run("trace", str(CAMPUS), "--src", "10.21.0.11", "--dst", "2001:db8:100:100::10")
    assert proc.returncode == 2  # mixed families
    proc = run(
        "trace", str(CAMPUS), "--src", "10.20.0.11", "--dst", "10.0.100.10", "--proto", "icmp"
    )
    assert proc.returncode == 0 and "branch 1" in proc.stdout
    proc = run("cameras", str(CAMPUS))
    assert (
        proc.returncode == 0
        and "Flagged cameras" in proc.stdout
        and "Other endpoints" in proc.stdout
    )


def test_same_input_gives_a_byte_identical_report(run) -> None:  # type: ignore[no-untyped-def]
    first = run("verify", str(CAMPUS), "--format", "json").stdout
    second = subprocess.run(
        [sys.executable, "-m", "agent", "verify", str(CAMPUS), "--format", "json"],
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PYTHONHASHSEED": "12345", "PATH": "/usr/bin:/bin"},
    ).stdout
    assert first == second


def test_remediate_writes_files_and_a_fixed_snapshot(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out, fixed = tmp_path / "out", tmp_path / "fixed"
    proc = run("remediate", str(CAMPUS), "-o", str(out), "--write-snapshot", str(fixed))
    assert proc.returncode == 0, proc.stderr
    assert "PROVEN" in proc.stdout
    assert sorted(p.name for p in out.iterdir()) == [
        "dist2.change.txt",
        "dist2.rollback.txt",
        "summary.json",
    ]
    assert json.loads((out / "summary.json").read_text())["passed"] is True
    assert run("verify", str(fixed)).returncode == 0


def test_remediate_never_overwrites(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    proc = run("remediate", str(CAMPUS), "-o", str(out))
    assert proc.returncode == 2 and "not an empty folder" in proc.stderr
    assert (out / "keep.txt").read_text() == "mine"


def test_remediate_json_and_unfixable_exit_code(run) -> None:  # type: ignore[no-untyped-def]
    proc = run("remediate", str(SCENARIOS / "camera-in-core-vlan"), "--format", "json")
    assert proc.returncode == 1
    data = json.loads(proc.stdout)
    assert data["passed"] is False and data["unfixable"]
    proc = run(
        "remediate", str(SCENARIOS / "camera-in-core-vlan"), "--strategy", "vlan", "--vlan", "999"
    )
    assert proc.returncode == 0 and "PROVEN" in proc.stdout


def test_acl_template_cli(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    args = ["--cameras", "10.20.0.0/24", "--core", "10.0.0.0/16", "--allow", "10.30.0.10:tcp/554"]
    proc = run("acl-template", "--platform", "cisco_ios", *args, "--bind", "Vlan20")
    assert proc.returncode == 0, proc.stderr
    assert "deny ip 10.20.0.0 0.0.0.255 10.0.0.0 0.0.255.255 log" in proc.stdout
    binds = ["--bind", "Vlan20", "--bind", "cameras:core", "--bind", "cisco_asa=cameras"]
    proc = run("acl-template", "--platform", "all", *args, *binds, "-o", str(tmp_path / "all"))
    assert proc.returncode == 0, proc.stderr
    assert len(list((tmp_path / "all").iterdir())) >= 9
    proc = run(
        "acl-template", "--platform", "cisco_ios", *args, "--name", "BAD;NAME", "--bind", "Vlan20"
    )
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    proc = run(
        "acl-template", "--platform", "cisco_ios", *args, "--name", "x[/b]y", "--bind", "Vlan20"
    )
    assert proc.returncode == 2 and "[/b]" in proc.stderr
