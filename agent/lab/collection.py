"""Collect a running lab with the real collector, from the management namespace:
``ip netns exec <mgmt> <venv>/bin/segproof collect <inventory> -o <out> --quiet --workers N
--known-hosts <inventory>/known_hosts``, over SSH to each device's sshd (netmiko ``linux``).
The per-run password goes to the collector in its environment only."""

from __future__ import annotations

import ipaddress
import json
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from agent.errors import LabError
from agent.lab import host
from agent.lab.netns import RunningLab

HERE = Path(__file__).resolve().parent
COLLECT_SECS = 180


@dataclass(frozen=True, slots=True)
class Collected:
    snapshot: Path
    exit_code: int  # segproof collect: 0 all devices, 5 partial, 2 bad input
    output: str  # what the collector printed (stdout + stderr)
    seconds: float

    @property
    def ok(self) -> bool:
        return self.exit_code == 0


def _env(lab: RunningLab) -> dict[str, str]:
    home = lab.folder / "collector-home"
    home.mkdir(exist_ok=True)
    return {**host.ENV, "HOME": str(home), **lab.credentials_env()}


def collect(
    lab: RunningLab, out: Path, workers: int = 4, segproof: Path | None = None
) -> Collected:
    """Run ``segproof collect`` against the lab; the lab's policy is copied into the snapshot
    (``segproof verify <out>`` then works as is)."""
    exe = segproof or Path(lab.python).parent / "segproof"
    if not exe.is_file():
        raise LabError(f"no segproof executable at {exe}")
    argv = [
        "timeout",
        "-k",
        "5",
        str(COLLECT_SECS),
        "ip",
        "netns",
        "exec",
        lab.mgmt,
        str(exe),
        "collect",
        str(lab.inventory),
        "-o",
        str(out),
        "--quiet",
        "--workers",
        str(workers),
        "--known-hosts",
        str(lab.inventory / "known_hosts"),
    ]
    started = time.monotonic()
    done = subprocess.run(
        argv, capture_output=True, text=True, env=_env(lab), timeout=COLLECT_SECS + 10, check=False
    )
    seconds = round(time.monotonic() - started, 3)
    lab.timings["collect"] = seconds
    if out.is_dir():
        shutil.copyfile(lab.inventory / "policy.yml", out / "policy.yml")
    text = (done.stdout + done.stderr).replace(lab.password, "<removed>")
    return Collected(out, done.returncode, text.strip(), seconds)


def ssh_check(lab: RunningLab) -> dict[str, dict[str, str]]:
    """netmiko ``linux`` login from the management namespace to every collected device:
    ``{device: {"prompt": "root@dist1:~#", "hostname": "dist1"}}`` (or ``{"error": ...}``)."""
    names = lab.spec.lab.collected()
    addresses = []
    for name in names:
        mgmt = lab.spec.lab.namespaces[name].mgmt
        assert mgmt is not None
        addresses.append(str(ipaddress.ip_interface(mgmt).ip))
    argv = [
        "timeout",
        "-k",
        "2",
        "60",
        "ip",
        "netns",
        "exec",
        lab.mgmt,
        lab.python,
        "-I",
        str(HERE / "sshcheck.py"),
        *addresses,
    ]
    done = subprocess.run(
        argv, capture_output=True, text=True, env=_env(lab), timeout=70, check=False
    )
    if done.returncode != 0:
        raise LabError(f"sshcheck: exit {done.returncode}: {done.stderr.strip()[:400]}")
    answers = json.loads(done.stdout)
    return {name: answers[addr] for name, addr in zip(names, addresses, strict=True)}
