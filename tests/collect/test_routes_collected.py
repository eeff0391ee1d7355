"""Routing tables collected over SSH (issue 4: `routes.json` of every VRF). The source snapshot
gets a routes.json for an IOS and an EOS router, generated from segproof's own forwarding
tables; fake devices print them as IOS-XE / EOS do (tests/collect/render.py); the collector
parses them back with ntc-templates. The collected tables must equal the served ones entry for
entry and the collected snapshot must verify like its source."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from agent.collect import Credentials, CredentialSet, run
from agent.pipeline import prepare, verify
from tests.collect.fakenet import CAMPUS, PASSWORD, USER, serve

pytestmark = pytest.mark.xdist_group("fakenos-routes")
# EOS: IPv4 only (ntc-templates has no EOS IPv6 route template)
ROUTERS = {"dist1": (4, 6), "core1": (4, 6), "dist2": (4,)}


def _routes(snapshot: Path, device: str, families: tuple[int, ...]) -> list[dict[str, object]]:
    """The device's forwarding table as segproof computes it from the configuration."""
    ctx = prepare.run(snapshot)
    dev = ctx.net.devices[device]
    out: list[dict[str, object]] = []
    for vrf in sorted({"default", *dev.vrfs}):
        for af in families:
            for entry in ctx.net.table(device, vrf, af):
                protocol = entry.protocol.split("/")[0]
                for hop in entry.hops:
                    if hop.kind == "nextvrf":
                        continue
                    out.append(
                        {
                            "vrf": vrf,
                            "prefix": str(entry.prefix),
                            "protocol": protocol,
                            "next_hop": hop.next_hop,
                            "interface": "Null0" if hop.kind == "null" else hop.interface,
                        }
                    )
    return out


def _key(entries: list[dict[str, object]]) -> set[tuple[object, ...]]:
    return {
        (e["vrf"], e["prefix"], e["protocol"], e.get("next_hop"), e.get("interface"))
        for e in entries
    }


def _summary(snapshot: Path, policy: Path) -> tuple[str, list[tuple[str, str]]]:
    report = verify.run(prepare.run(snapshot, policy))
    return report.verdict, sorted((c.ip or c.mac or "", c.status) for c in report.cameras)


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("routes") / "campus"
    shutil.copytree(CAMPUS, root)
    for device, families in ROUTERS.items():
        table = _routes(CAMPUS, device, families)
        assert table, device
        (root / "state" / device / "routes.json").write_text(json.dumps(table, indent=1))
    return root


@pytest.fixture(scope="module")
def collected(source: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("routes-run")
    (work / "fakenos").mkdir()
    with serve(source, work / "fakenos") as network:
        inv = network.inventory(work / "inventory")
        shutil.copy(source / "topology.yml", inv / "topology.yml")
        result = run(
            inv,
            work / "snapshot",
            credentials=CredentialSet(Credentials(USER, PASSWORD, "")),
            workers=8,
            timeout=20,
            retries=1,
        )
    assert result.exit_code == 0, {n: r.message for n, r in result.records.items()}
    return result.out


@pytest.mark.parametrize("device", sorted(ROUTERS))
def test_routes_come_back_entry_for_entry(source: Path, collected: Path, device: str) -> None:
    served = json.loads((source / "state" / device / "routes.json").read_text())
    got = json.loads((collected / "state" / device / "routes.json").read_text())
    local = {"local"}  # IOS prints its own addresses as L routes: not in segproof's table
    assert _key([e for e in got if e["protocol"] not in local]) == _key(served)


def test_devices_without_routes_have_no_table(collected: Path) -> None:
    # the fake access switches answer `show ip route` with the invalid-input text: an optional
    # table a device refuses is not stored (the verifier keeps its over-approximation)
    assert not (collected / "state" / "acc1" / "routes.json").exists()


def test_collected_routes_verify_like_the_source(source: Path, collected: Path) -> None:
    policy = source / "policy.yml"
    assert _summary(collected, policy) == _summary(source, policy)
