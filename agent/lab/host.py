"""The few host paths labs share, and running commands (the I/O seam of ``agent.lab``).

Shared paths: ``/etc/netns`` (``ip netns exec`` bind-mounts ``/etc/netns/<ns>/*`` over
``/etc``) and ``/run/sshd`` (sshd's privilege separation directory). A lab creates them when
missing and marks that it did; the last lab to go (under a lock, so parallel labs never race)
removes what labs created. ``/run/segproof-lab/<prefix>`` records each running lab.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import subprocess
from collections.abc import Iterator, Sequence
from pathlib import Path

from agent.errors import LabError

ETC_NETNS = Path("/etc/netns")
RUN_NETNS = Path("/run/netns")
REGISTRY = Path("/run/segproof-lab")
LOCK = Path("/run")  # flock on the directory itself: no lock file is left behind
ENV = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL": "C"}
TOOLS = (
    "ip",
    "nft",
    "ping",
    "ss",
    "sysctl",
    "timeout",
    "unshare",
    "ssh-keygen",
    "openssl",
    "ipset",
)
TOOLS_FW = {
    "iptables": ("iptables-nft-restore", "ip6tables-nft-restore"),
    "iptables-legacy": ("iptables-legacy-restore", "ip6tables-legacy-restore"),
    "nft": ("nft",),
}
SSHD = "/usr/sbin/sshd"


def missing_tools(backends: Sequence[str] = ("iptables", "iptables-legacy", "nft")) -> list[str]:
    names = [*TOOLS, *(t for b in backends for t in TOOLS_FW[b])]
    out = [t for t in names if shutil.which(t, path=ENV["PATH"]) is None]
    if not os.access(SSHD, os.X_OK):
        out.append(SSHD)
    return out


def run(
    argv: Sequence[str], stdin: str | None = None, timeout: float = 15, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """One bounded command with a minimal environment (no credentials are inherited)."""
    try:
        done = subprocess.run(
            list(argv),
            input=stdin,
            capture_output=True,
            text=True,
            timeout=timeout,
            env=ENV,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise LabError(f"{' '.join(argv)}: no answer within {timeout} s") from exc
    except OSError as exc:
        raise LabError(f"{' '.join(argv)}: {exc}") from exc
    if check and done.returncode != 0:
        raise LabError(f"{' '.join(argv)}: exit {done.returncode}: {done.stderr.strip()[:400]}")
    return done


def netns_exists(real: str) -> bool:
    return (RUN_NETNS / real).exists()


def netns_pids(real: str) -> list[int]:
    if not netns_exists(real):
        return []
    done = run(("ip", "netns", "pids", real), check=False)
    return [int(p) for p in done.stdout.split() if p.isdigit()]


@contextlib.contextmanager
def _locked() -> Iterator[None]:
    fd = os.open(LOCK, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def acquire_shared(prefix: str, privsep: Path) -> None:
    """Register a lab and make sure the shared directories exist."""
    with _locked():
        REGISTRY.mkdir(mode=0o700, exist_ok=True)
        (REGISTRY / prefix).write_text(f"{os.getpid()}\n", encoding="utf-8")
        for path, marker in ((ETC_NETNS, ".made-etc-netns"), (privsep, ".made-run-sshd")):
            if not path.exists():
                path.mkdir(mode=0o755, parents=True)
                (REGISTRY / marker).touch()


def release_shared(prefix: str, privsep: Path) -> None:
    """Unregister a lab; the last one removes the shared directories labs created (if empty)."""
    with _locked():
        (REGISTRY / prefix).unlink(missing_ok=True)
        if not REGISTRY.is_dir() or any(p for p in REGISTRY.iterdir() if p.name[0] != "."):
            return
        for path, marker in ((ETC_NETNS, ".made-etc-netns"), (privsep, ".made-run-sshd")):
            made = REGISTRY / marker
            if made.exists():
                with contextlib.suppress(OSError):
                    path.rmdir()  # only when empty: a directory someone else uses stays
                made.unlink()
        with contextlib.suppress(OSError):
            REGISTRY.rmdir()


def running_prefixes() -> list[str]:
    if not REGISTRY.is_dir():
        return []
    return sorted(p.name for p in REGISTRY.iterdir() if p.name[0] != ".")
