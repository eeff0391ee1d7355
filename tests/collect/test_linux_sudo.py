"""A Linux device reached as an ordinary user: with SEGPROOF_SECRET the collector becomes root
with `sudo -s` (netmiko's enable) before the dumps; the fake device answers the dumps only at
the root prompt, so a dump that comes back proves the escalation happened. Without the secret
the dumps are refused (`rejected`), and the sudo password is in no stored file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from agent.collect import Credentials, CredentialSet, run
from tests.collect.fakenet import HERE, PASSWORD, USER, FakeNetwork, serve

DATA = HERE / "data" / "linux-sudo"
SUDO = "sudo-pass-4kq"
pytestmark = pytest.mark.xdist_group("fakenos-linux-sudo")


def _as_user(name: str, host: dict[str, Any]) -> None:
    """Ordinary user: every command of the dump answers only at the root prompt."""
    host["nos"]["plugin"] = "lab_linux_user"
    commands = host["nos"]["configuration"]["commands"]
    for entry in commands.values():
        entry["prompt"] = "{base_prompt}#"
    commands[SUDO] = {"output": "", "new_prompt": "{base_prompt}#", "prompt": "{base_prompt}$"}
    host["shell"]["configuration"]["base_prompt"] = f"{USER}@{name}:~"


@pytest.fixture(scope="module")
def network(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FakeNetwork]:
    with serve(DATA, tmp_path_factory.mktemp("fakenos-sudo"), customize=_as_user) as net:
        yield net


def _collect(network: FakeNetwork, work: Path, secret: str) -> tuple[int, dict[str, Any], Path]:
    result = run(
        network.inventory(work / "inventory"),
        work / "snapshot",
        credentials=CredentialSet(Credentials(USER, PASSWORD, secret)),
        workers=1,
        timeout=20,
        retries=0,
    )
    record = result.records["lxs"]
    return result.exit_code, {"status": record.status, "reason": record.reason}, result.out


def test_sudo_with_the_secret(network: FakeNetwork, tmp_path: Path) -> None:
    code, record, out = _collect(network, tmp_path, SUDO)
    assert (code, record) == (0, {"status": "ok", "reason": ""}), record
    got = (out / "configs" / "lxs.cfg").read_text()
    assert "-A FORWARD -s 10.20.0.0/24 -d 10.0.0.0/16 -j DROP" in got
    for file in out.rglob("*"):
        if file.is_file():
            assert SUDO not in file.read_text(errors="replace"), file


def test_without_the_secret_the_dumps_are_refused(network: FakeNetwork, tmp_path: Path) -> None:
    code, record, _out = _collect(network, tmp_path, "")
    assert code == 5
    assert record == {"status": "failed", "reason": "rejected"}
