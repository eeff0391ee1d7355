"""Lab fixtures: one lab per ``topologies/lab-*`` folder, built once (module scope, one xdist
group per lab), collected over SSH, probed, and always torn down.

Prerequisites are root and the lab's tools; without them the lab tests skip with the reason,
which ``SEGPROOF_REQUIRE_LAB=1`` (CI) turns into a failure (tests/conftest.py).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from agent import lab
from agent.lab import host

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


@dataclass
class LabRun:
    """Everything one lab produced before it was torn down."""

    spec: lab.LabSpec
    running: lab.RunningLab
    collected: lab.Collected | None = None
    ssh: dict[str, dict[str, str]] = field(default_factory=dict)
    cells: list[lab.Cell] = field(default_factory=list)
    probed: list[lab.ProbeResult] = field(default_factory=list)
    no_routes: dict[str, tuple[int, int]] = field(default_factory=dict)
    resolv: dict[str, str] = field(default_factory=dict)
    peers: dict[str, list[str]] = field(default_factory=dict)
    snapshot_texts: dict[str, str] = field(default_factory=dict)


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


def run_lab(folder: Path, tag: str) -> Iterator[LabRun]:
    require()
    remove_stale()
    spec = lab.load(folder)
    running = lab.build(spec, prefix(tag))
    try:
        result = LabRun(spec=spec, running=running)
        result.resolv = {
            real: (host.ETC_NETNS / real / "resolv.conf").read_text() for real in running.names()
        }
        result.peers = _link_peers(running)
        lab.announce(running)
        result.ssh = lab.ssh_check(running)
        result.collected = lab.collect(running, running.folder / "snapshot")
        if result.collected.snapshot.is_dir():
            result.snapshot_texts = {
                str(p.relative_to(result.collected.snapshot)): p.read_text(errors="replace")
                for p in result.collected.snapshot.rglob("*")
                if p.is_file()
            }
        result.cells = lab.cells(spec)
        result.probed = lab.probe(running, result.cells)
        result.no_routes = lab.no_route_counts(running)
        yield result
    finally:
        running.close()
