"""A lab leaves nothing behind: not after a normal teardown, not after a failed build."""

from __future__ import annotations

import dataclasses
import os
import tempfile
from pathlib import Path

import pytest

from agent import lab
from agent.lab import host
from tests.lab.conftest import ROOT, prefix, require


def traces(pfx: str) -> list[str]:
    """Anything on the host that carries the prefix."""
    found = [str(p) for p in host.RUN_NETNS.glob(f"{pfx}*")] if host.RUN_NETNS.is_dir() else []
    found += [str(p) for p in host.ETC_NETNS.glob(f"{pfx}*")] if host.ETC_NETNS.is_dir() else []
    found += [str(p) for p in Path(tempfile.gettempdir()).glob(f"segproof-lab-{pfx}*")]
    found += [f"registry {pfx}" for p in host.running_prefixes() if p == pfx]
    return found


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"


def test_teardown_leaves_nothing() -> None:
    require()
    pfx = prefix("x")
    spec = lab.load(ROOT / "topologies" / "lab-iptables")
    running = lab.build(spec, pfx)
    try:
        pids = [p.popen.pid for p in running.processes]
        assert pids and all(_alive(pid) for pid in pids)
        assert all(host.netns_exists(n) for n in running.names())
        assert (host.ETC_NETNS / running.ns("dist1") / "shadow").is_file()
    finally:
        running.close()
    assert not traces(pfx)
    assert not [pid for pid in pids if _alive(pid)]
    assert running.timings["teardown"] < 5


def test_failed_build_leaves_nothing() -> None:
    require()
    pfx = prefix("y")
    spec = lab.load(ROOT / "topologies" / "lab-iptables")
    garbage = "*filter\n-A NOPE -j NOWHERE\nCOMMIT\n"
    broken = dataclasses.replace(spec, rules={"dist1": (garbage, None)})
    with pytest.raises(lab.LabError, match="iptables-nft-restore"):
        lab.build(broken, pfx)
    assert not traces(pfx)


def test_existing_namespace_is_never_reused() -> None:
    require()
    pfx = prefix("z")
    spec = lab.load(ROOT / "topologies" / "lab-iptables")
    host.run(("ip", "netns", "add", f"{pfx}dist1"))
    try:
        with pytest.raises(lab.LabError, match="exist already"):
            lab.build(spec, pfx)
        assert [p for p in traces(pfx) if not p.endswith(f"{pfx}dist1")] == []
    finally:
        host.run(("ip", "netns", "del", f"{pfx}dist1"))
    assert not traces(pfx)
