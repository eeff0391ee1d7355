"""Linux devices collected over real SSH (netmiko `linux`) from fake devices serving real
dumps (tests/collect/data/linux, made by make.sh from a Linux router in a throwaway namespace):
lx1 has every tool, lx2 has no `nft` (an optional tool: kept as an unavailable section), lx3
cannot run `ip -j -p addr` (mandatory: the device fails as `rejected`, the others go on)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from agent.collect import Credentials, CredentialSet, run, spec
from agent.models.snapshot import SECTION, UNAVAILABLE
from agent.vendors.linux import dump
from tests.collect.fakenet import HERE, PASSWORD, USER, FakeNetwork, serve

DATA = HERE / "data" / "linux"
pytestmark = pytest.mark.xdist_group("fakenos-linux")


@pytest.fixture(scope="module")
def network(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FakeNetwork]:
    with serve(DATA, tmp_path_factory.mktemp("fakenos-linux")) as net:
        yield net


@pytest.fixture(scope="module")
def collected(network: FakeNetwork, tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("linux")
    result = run(
        network.inventory(work / "inventory"),
        work / "snapshot",
        credentials=CredentialSet(Credentials(USER, PASSWORD, "")),
        workers=3,
        timeout=20,
        retries=0,
    )
    assert result.exit_code == 5  # partial: lx3 failed
    return result.out


def test_records(collected: Path) -> None:
    meta = json.loads((collected / "meta.json").read_text())
    status = {n: (d["status"], d["reason"]) for n, d in meta["devices"].items()}
    assert status == {"lx1": ("ok", None), "lx2": ("ok", None), "lx3": ("failed", "rejected")}
    assert "ip -j -p addr" in meta["devices"]["lx3"]["message"]
    assert not (collected / "configs" / "lx3.cfg").exists()


@pytest.mark.parametrize("host", ["lx1", "lx2"])
def test_dump_comes_back_byte_for_byte(collected: Path, host: str) -> None:
    served = (DATA / "configs" / f"{host}.cfg").read_text()
    got = (collected / "configs" / f"{host}.cfg").read_text()
    # the fake bash says `command not found` without the command's name
    assert got == re.sub(r"-bash: \S+: command not found", "-bash: command not found", served)


def test_missing_optional_tool_is_said(collected: Path) -> None:
    text = (collected / "configs" / "lx2.cfg").read_text().splitlines()
    at = text.index(f"{SECTION}nft list ruleset")
    assert text[at + 1] == f"{UNAVAILABLE}-bash: command not found"


@pytest.mark.parametrize("table", ["arp.json", "ndp.json", "mac.json"])
@pytest.mark.parametrize("host", ["lx1", "lx2"])
def test_state_comes_back_entry_for_entry(collected: Path, host: str, table: str) -> None:
    served = json.loads((DATA / "state" / host / table).read_text())
    got = json.loads((collected / "state" / host / table).read_text())
    assert got == served


def test_the_collector_writes_the_header_the_parser_reads() -> None:
    # the header is data in collect.yaml and a constant of the reader: one format
    assert spec.load("linux").header == dump.HEADER
