"""Lab fixtures: each ``topologies/lab-*`` is built once per test session, collected over SSH,
probed, and always torn down before any test looks at the results.

pytest-xdist may hand the tests of one lab to different workers (``--dist loadgroup`` does not
group them with this pytest), so a lab's results are shared through a folder of the session:
the first worker to need a lab builds it under a per-lab file lock and stores what it found;
the others wait for the lock and read it.

Prerequisites are root and the lab's tools; without them the lab tests skip with the reason,
which ``SEGPROOF_REQUIRE_LAB=1`` (CI) turns into a failure (tests/conftest.py).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
import yaml
from pydantic import BaseModel, Field

from agent import lab
from agent.lab import host, netns
from agent.pipeline import prepare, remediate

ROOT = Path(__file__).resolve().parents[2]
LABS = sorted(p.parent for p in (ROOT / "topologies").glob("lab-*/lab.yml"))
# sp<pid><tag>-: unique per pytest process and lab; short (namespace names are file names in
# /run/netns, and the prefix is also part of /etc/netns and the lab folder)
STALE = re.compile(r"^sp(\d+)[a-z0-9]-")


def prerequisites() -> str | None:
    """Why lab tests cannot run here, or None."""
    if os.geteuid() != 0:
        return "lab tests need root (network namespaces)"
    missing = host.missing_tools()
    if missing:
        return f"lab tools missing: {', '.join(missing)} (see .ci/run)"
    return None


def require() -> None:
    reason = prerequisites()
    if reason:
        pytest.skip(reason)


def prefix(tag: str) -> str:
    return f"sp{os.getpid()}{tag}-"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale() -> list[str]:
    """Namespaces of lab tests whose pytest process is gone (killed before its teardown): their
    processes ended by PID, the namespaces and /etc/netns entries removed by name."""
    removed = []
    names = sorted(p.name for p in host.RUN_NETNS.iterdir()) if host.RUN_NETNS.is_dir() else []
    for name in names:
        match = STALE.match(name)
        if not match or _pid_alive(int(match.group(1))):
            continue
        for pid in host.netns_pids(name):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        subprocess.run(["ip", "netns", "del", name], check=False, capture_output=True)
        with contextlib.suppress(OSError):
            for file in (host.ETC_NETNS / name).iterdir():
                file.unlink()
            (host.ETC_NETNS / name).rmdir()
        removed.append(name)
    return removed


class LabRun(BaseModel):
    """Everything one lab showed before it was torn down (JSON, shared between workers)."""

    folder: Path
    prefix: str = ""
    names: list[str] = Field(default_factory=list)
    error: str | None = None  # the lab could not be built, collected or probed
    snapshot: Path | None = None  # a copy of the collected snapshot
    collect_exit: int | None = None
    collect_output: str = ""
    password_in: list[str] = Field(default_factory=list)  # snapshot files holding the password
    ssh: dict[str, dict[str, str]] = Field(default_factory=dict)
    cells: list[lab.Cell] = Field(default_factory=list)
    probed: list[lab.ProbeResult] = Field(default_factory=list)
    counters: dict[str, dict[str, int]] = Field(default_factory=dict)  # hygiene, after probing
    resolv: dict[str, str] = Field(default_factory=dict)
    peers: dict[str, list[str]] = Field(default_factory=dict)
    leftovers: list[str] = Field(default_factory=list)
    timings: dict[str, float] = Field(default_factory=dict)
    # labs with violations: segproof's remediation, applied in the lab and probed again
    remediation: dict[str, object] | None = None
    probed_fixed: list[lab.ProbeResult] = Field(default_factory=list)
    probed_rolled_back: list[lab.ProbeResult] = Field(default_factory=list)

    @property
    def spec(self) -> lab.LabSpec:
        return lab.load(self.folder)

    def texts(self) -> dict[str, str]:
        """The collected snapshot's files (relative path -> text)."""
        if self.snapshot is None:
            return {}
        return {
            str(p.relative_to(self.snapshot)): p.read_text(errors="replace")
            for p in self.snapshot.rglob("*")
            if p.is_file()
        }


def _link_peers(running: lab.RunningLab) -> dict[str, list[str]]:
    """For every lab namespace, the namespace names its veth peers live in (a peer in the
    host's namespace has no name there and shows as '?')."""
    out: dict[str, list[str]] = {}
    for real in running.names():
        ids = json.loads(host.run(("ip", "-n", real, "-j", "netns", "list-id")).stdout or "[]")
        names = {int(i["nsid"]): str(i.get("name", "?")) for i in ids}
        links = json.loads(host.run(("ip", "-n", real, "-j", "-d", "link")).stdout)
        out[real] = [
            names.get(int(link["link_netnsid"]), "?") for link in links if "link_netnsid" in link
        ]
    return out


def acquire(folder: Path, tag: str, keep: Path) -> LabRun:
    """Build the lab, collect it over SSH, probe it, tear it down (always); the snapshot is
    copied to ``keep``."""
    spec = lab.load(folder)
    running = lab.build(spec, prefix(tag))
    result = LabRun(folder=folder, prefix=running.prefix, names=running.names())
    try:
        result.resolv = {
            real: (host.ETC_NETNS / real / "resolv.conf").read_text() for real in running.names()
        }
        result.peers = _link_peers(running)
        lab.announce(running)
        result.ssh = lab.ssh_check(running)
        collected = lab.collect(running, running.folder / "snapshot")
        result.collect_exit, result.collect_output = collected.exit_code, collected.output
        if collected.snapshot.is_dir():
            shutil.copytree(collected.snapshot, keep)
            result.snapshot = keep
            result.password_in = [f for f, t in result.texts().items() if running.password in t]
        result.cells = lab.cells(spec)
        result.probed = lab.probe(running, result.cells)
        if result.snapshot is not None and _expects_violation(spec):
            remediate_in_lab(running, result)
        result.counters = lab.hygiene_counts(running)
    finally:
        try:
            running.close()
        finally:
            result.leftovers = netns.leftovers(running)
            result.timings = dict(running.timings)
    return result


def _expects_violation(spec: lab.LabSpec) -> bool:
    data = yaml.safe_load(spec.expected_file.read_text(encoding="utf-8"))
    return isinstance(data, dict) and data.get("verdict") == "violation"


def remediate_in_lab(running: lab.RunningLab, result: LabRun) -> None:
    """segproof remediate on the collected snapshot; a proven change is applied in the lab's
    device namespaces as rendered (root shell commands), probed, rolled back, probed again."""
    assert result.snapshot is not None
    ctx = prepare.run(result.snapshot, result.snapshot / "policy.yml")
    remediation, _texts = remediate.run(ctx, "acl")
    result.remediation = {
        "passed": remediation.passed,
        "unfixable": remediation.unfixable,
        "devices": [r.device for r in remediation.rendered],
        "rendered": {r.device: r.change for r in remediation.rendered},
        "rollback": {r.device: r.rollback for r in remediation.rendered},
        "notes": remediation.proof.notes if remediation.proof else [],
    }
    if not remediation.passed or not remediation.rendered:
        return
    start = time.monotonic()
    for out in remediation.rendered:
        done = running.exec(out.device, ["sh", "-euc", out.change])
        if done.returncode != 0:
            raise lab.LabError(f"{out.device}: the rendered change failed: {done.stderr}")
    result.probed_fixed = lab.probe(running, result.cells)
    for out in reversed(remediation.rendered):
        done = running.exec(out.device, ["sh", "-euc", out.rollback])
        if done.returncode != 0:
            raise lab.LabError(f"{out.device}: the rendered rollback failed: {done.stderr}")
    result.probed_rolled_back = lab.probe(running, result.cells)
    result.timings["remediate"] = round(time.monotonic() - start, 2)


def _shared(factory: pytest.TempPathFactory) -> Path:
    """A folder every worker of this test session sees, and no other session."""
    base = factory.getbasetemp()
    run_id = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    folder = base.parent / f"lab-runs-{run_id}" if run_id else base / "lab-runs"
    folder.mkdir(exist_ok=True)
    return folder


def lab_run(folder: Path, tag: str, factory: pytest.TempPathFactory) -> LabRun:
    """The results of one lab, built at most once per test session (a failed build is not
    retried: every test of the lab reports the same error)."""
    require()
    shared = _shared(factory)
    stored = shared / f"{folder.name}.json"
    with (shared / f"{folder.name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not stored.is_file():
            remove_stale()
            try:
                result = acquire(folder, tag, shared / f"{folder.name}-snapshot")
            except Exception as exc:  # stored, and reported by every test of this lab
                result = LabRun(folder=folder, error=f"{type(exc).__name__}: {exc}")
            stored.write_text(result.model_dump_json(), encoding="utf-8")
    found = LabRun.model_validate_json(stored.read_text(encoding="utf-8"))
    if found.error:
        pytest.fail(f"{folder.name}: {found.error}")
    return found
