"""Build a lab from its definition, and tear it down again (always, also when building fails).

``build(spec, prefix)`` returns a ``RunningLab``, a context manager whose exit tears the lab
down: processes ended by PID (TERM, KILL after 3 s), namespaces deleted by name (which deletes
their links), ``/etc/netns/<ns>/`` and the lab folder removed, then checked gone.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import secrets
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO

from agent.errors import LabError
from agent.lab import host, inventory, plan, sshd
from agent.lab.definition import LabSpec
from agent.lab.model import MGMT_NS

HERE = Path(__file__).resolve().parent
READY_SECS = 5.0
TERM_SECS = 3.0


@dataclass(slots=True)
class Process:
    ns: str  # logical
    name: str
    popen: subprocess.Popen[str]
    log: IO[str]


@dataclass(slots=True)
class RunningLab:
    spec: LabSpec
    prefix: str
    folder: Path
    password: str = field(repr=False)
    python: str
    processes: list[Process] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    closed: bool = False

    def ns(self, logical: str) -> str:
        return self.prefix + logical

    def names(self) -> list[str]:
        return [self.ns(n) for n in plan.logical_names(self.spec.lab)]

    @property
    def inventory(self) -> Path:
        return self.folder / "inventory"

    @property
    def mgmt(self) -> str:
        return self.ns(MGMT_NS)

    def exec(
        self, logical: str, argv: list[str], stdin: str | None = None, timeout: float = 10
    ) -> subprocess.CompletedProcess[str]:
        return host.run(("ip", "netns", "exec", self.ns(logical), *argv), stdin, timeout)

    def credentials_env(self) -> dict[str, str]:
        """What the collector needs: the per-run root password, handed over in the
        environment (never written anywhere but the namespace's own shadow hash)."""
        return {"SEGPROOF_USERNAME": "root", "SEGPROOF_PASSWORD": self.password}

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        started = time.monotonic()
        problems = teardown(self)
        self.timings["teardown"] = round(time.monotonic() - started, 3)
        if problems:
            raise LabError(f"{self.prefix}: teardown left " + "; ".join(problems))

    def __enter__(self) -> RunningLab:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def build(spec: LabSpec, prefix: str, python: str | None = None) -> RunningLab:
    """Build the lab under ``prefix`` (namespaces ``<prefix><name>``). On any failure
    everything built so far is torn down before the error is raised."""
    backends = sorted({ns.firewall.backend for ns in spec.lab.namespaces.values() if ns.firewall})
    missing = host.missing_tools(backends)
    if missing:
        raise LabError(f"missing tools: {', '.join(missing)}")
    clashes = [n for n in plan.logical_names(spec.lab) if host.netns_exists(prefix + n)]
    clashes += [n for n in plan.logical_names(spec.lab) if (host.ETC_NETNS / (prefix + n)).exists()]
    if clashes:
        raise LabError(f"{prefix}: namespaces or /etc/netns entries exist already: {clashes}")
    folder = Path(tempfile.mkdtemp(prefix=f"segproof-lab-{prefix}"))
    lab = RunningLab(
        spec=spec,
        prefix=prefix,
        folder=folder,
        password=secrets.token_urlsafe(18),
        python=python or sys.executable,
    )
    started = time.monotonic()
    try:
        host.acquire_shared(prefix, sshd.PRIVSEP_DIR)
        _etc(lab)
        for step in plan.steps(spec, prefix):
            host.run(step.argv, step.stdin)
        lab.timings["network"] = round(time.monotonic() - started, 3)
        _start_sshd(lab)
        for daemon in plan.responder_daemons(spec, lab.python, HERE / "responder.py"):
            _start(lab, daemon)
        _wait_ready(lab)
        inventory.write(lab.spec, lab.inventory, _known_hosts(lab))
    except BaseException:
        with contextlib.suppress(LabError):
            lab.close()
        raise
    lab.timings["build"] = round(time.monotonic() - started, 3)
    return lab


def _etc(lab: RunningLab) -> None:
    files = plan.etc_files(lab.spec.lab)
    for name in plan.logical_names(lab.spec.lab):
        folder = host.ETC_NETNS / lab.ns(name)
        folder.mkdir(mode=0o755)
        for file, text in files.items():
            (folder / file).write_text(text, encoding="utf-8")


def _start_sshd(lab: RunningLab) -> None:
    devices = lab.spec.lab.collected()
    if not devices:
        return
    hashed = host.run(("openssl", "passwd", "-6", "-stdin"), lab.password + "\n").stdout.strip()
    for name in devices:
        ns = lab.spec.lab.namespaces[name]
        assert ns.mgmt is not None
        folder = lab.folder / "sshd" / name
        home = lab.folder / "home" / name
        folder.mkdir(parents=True)
        home.mkdir(parents=True, mode=0o700)
        host.run(
            (
                "ssh-keygen",
                "-q",
                "-t",
                "ed25519",
                "-N",
                "",
                "-C",
                name,
                "-f",
                str(folder / "ssh_host_ed25519_key"),
            )
        )
        etc = host.ETC_NETNS / lab.ns(name)
        for file, text in sshd.accounts(hashed, home).items():
            (etc / file).write_text(text, encoding="utf-8")
        os.chmod(etc / "shadow", 0o640)
        config = folder / "sshd_config"
        listen = str(ipaddress.ip_interface(ns.mgmt).ip)
        config.write_text(sshd.config(listen, folder), encoding="utf-8")
        lab.exec(name, [sshd.SSHD, "-t", "-f", str(config)])
        _start(lab, plan.Daemon(name, "sshd", sshd.command(name, config), f"tcp {listen} 22"))


def _start(lab: RunningLab, daemon: plan.Daemon) -> None:
    logs = lab.folder / "log"
    logs.mkdir(exist_ok=True)
    log = (logs / f"{daemon.ns}-{daemon.name}.log").open("w", encoding="utf-8")
    popen = subprocess.Popen(
        ["ip", "netns", "exec", lab.ns(daemon.ns), *daemon.argv],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE if daemon.ready == "line" else log,
        stderr=log,
        text=True,
        env=host.ENV,
        start_new_session=True,
    )
    lab.processes.append(Process(daemon.ns, daemon.name, popen, log))


def _wait_ready(lab: RunningLab) -> None:
    deadline = time.monotonic() + READY_SECS
    for proc in lab.processes:
        if proc.name == "responder":
            _wait_line(proc, deadline)
    for name in lab.spec.lab.collected():
        mgmt = lab.spec.lab.namespaces[name].mgmt
        assert mgmt is not None
        _wait_tcp(lab, name, str(ipaddress.ip_interface(mgmt).ip), 22, deadline)


def _wait_line(proc: Process, deadline: float) -> None:
    stream = proc.popen.stdout
    assert stream is not None
    with selectors.DefaultSelector() as sel:
        sel.register(stream, selectors.EVENT_READ)
        left = deadline - time.monotonic()
        if left > 0 and sel.select(left) and stream.readline().strip() == "ready":
            return
    raise LabError(f"{proc.ns} {proc.name} did not come up (see {proc.log.name})")


def _wait_tcp(lab: RunningLab, name: str, ip: str, port: int, deadline: float) -> None:
    while time.monotonic() < deadline:
        done = lab.exec(name, ["ss", "-Hltn", f"src {ip}:{port}"])
        if done.stdout.strip():
            return
        time.sleep(0.05)
    raise LabError(f"{name}: nothing listens on {ip}:{port} (see {lab.folder / 'log'})")


def _known_hosts(lab: RunningLab) -> str:
    lines = []
    for name in lab.spec.lab.collected():
        mgmt = lab.spec.lab.namespaces[name].mgmt
        assert mgmt is not None
        key = (lab.folder / "sshd" / name / "ssh_host_ed25519_key.pub").read_text().split()
        lines.append(f"{ipaddress.ip_interface(mgmt).ip} {key[0]} {key[1]}")
    return "\n".join(lines) + ("\n" if lines else "")


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def _end_processes(lab: RunningLab) -> None:
    pids = {p.popen.pid for p in lab.processes}
    for real in lab.names():
        pids.update(host.netns_pids(real))
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + TERM_SECS
    for proc in lab.processes:
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.popen.wait(max(0.0, deadline - time.monotonic()))
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    for pid in pids:
        if _alive(pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
    for proc in lab.processes:
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.popen.wait(1)
        if proc.popen.stdout:
            proc.popen.stdout.close()
        proc.log.close()


def teardown(lab: RunningLab) -> list[str]:
    """Everything the lab started or made goes; returns what could not be removed."""
    _end_processes(lab)
    for real in lab.names():
        if host.netns_exists(real):
            host.run(("ip", "netns", "del", real), check=False)
        shutil.rmtree(host.ETC_NETNS / real, ignore_errors=True)
    host.release_shared(lab.prefix, sshd.PRIVSEP_DIR)
    shutil.rmtree(lab.folder, ignore_errors=True)
    return leftovers(lab)


def leftovers(lab: RunningLab) -> list[str]:
    out = [f"namespace {n}" for n in lab.names() if host.netns_exists(n)]
    out += [f"{host.ETC_NETNS / n}" for n in lab.names() if (host.ETC_NETNS / n).exists()]
    out += [f"pid {p.popen.pid} ({p.name})" for p in lab.processes if _alive(p.popen.pid)]
    if lab.folder.exists():
        out.append(str(lab.folder))
    return out
