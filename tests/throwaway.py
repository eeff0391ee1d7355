"""A throwaway network namespace for the real-tool checks (``nft -c``, ``iptables-restore
--test``, rendered remediation commands): the host's own rules are never touched and nothing
is linked anywhere. The ``netns`` fixture (tests/conftest.py) makes one per test module; without
root or the tools it skips with the reason (a failure under ``SEGPROOF_REQUIRE_LAB=1``)."""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
from collections.abc import Iterator

import pytest

TOOLS = {
    name: shutil.which(name) for name in ("ip", "nft", "iptables-restore", "ip6tables-restore")
}
_COUNT = itertools.count()


def namespace() -> Iterator[str]:
    missing = [name for name, path in TOOLS.items() if path is None]
    if missing:
        pytest.skip(
            f"not installed: {', '.join(missing)} (apt-get install nftables iptables iproute2)"
        )
    if os.geteuid() != 0:
        pytest.skip("needs root: the checks run in a throwaway network namespace")
    name = f"segproof-chk-{os.getpid()}-{next(_COUNT)}"
    made = subprocess.run(
        [str(TOOLS["ip"]), "netns", "add", name], capture_output=True, text=True, check=False
    )
    if made.returncode != 0:
        pytest.skip(f"cannot create a network namespace: {made.stderr.strip()}")
    try:
        yield name
    finally:
        subprocess.run([str(TOOLS["ip"]), "netns", "del", name], capture_output=True, check=False)


def run_in(netns: str, *argv: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(TOOLS["ip"]), "netns", "exec", netns, *argv],
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
