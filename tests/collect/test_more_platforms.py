"""Real SSH collection from FakeNOS devices of the two data-only platforms: cisco_nxos and
juniper_junos (tests/collect/data/mixed: one device each). Configs come back redacted, state
comes back entry for entry."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from agent.collect import Credentials, CredentialSet, run, spec
from agent.collect.redact import MARKER, redact
from agent.vendors import load_vendors
from tests.collect.fakenet import HERE, PASSWORD, SECRETS, USER, FakeNetwork, serve, served_config

MIXED = HERE / "data" / "mixed"
CREDS = CredentialSet(Credentials(USER, PASSWORD, "enable-secret-x1"))
PLATFORMS = {"nx1": "cisco_nxos", "jx1": "juniper_junos"}

# its own FakeNOS instance: every test of this module runs on the same xdist worker
pytestmark = pytest.mark.xdist_group("fakenos-more")


@pytest.fixture(scope="module")
def mixed_network(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FakeNetwork]:
    with serve(MIXED, tmp_path_factory.mktemp("fakenos-more")) as network:
        yield network


@pytest.fixture(scope="module")
def mixed(mixed_network: FakeNetwork, tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("mixed")
    inv = mixed_network.inventory(work / "inventory")
    start = time.monotonic()
    result = run(inv, work / "snapshot", credentials=CREDS, workers=2, timeout=20, retries=1)
    print(f"nxos + junos collection: {time.monotonic() - start:.1f} s")
    assert {n: r.status for n, r in result.records.items()} == dict.fromkeys(PLATFORMS, "ok"), {
        n: r.message for n, r in result.records.items()
    }
    assert result.exit_code == 0
    return result.out


def test_platforms_are_data_only() -> None:
    assert {"cisco_nxos", "juniper_junos"} <= set(spec.platforms())
    vendors = load_vendors()  # the collect.yaml folders do not break the vendor table
    assert vendors["cisco_ios"].parse is not None
    for platform in ("cisco_nxos", "juniper_junos"):
        assert not (spec.VENDORS / platform / "__init__.py").exists()
        assert vendors[platform].parse is None  # detected, reported as not modelled


def test_every_device_ok(mixed: Path) -> None:
    meta = json.loads((mixed / "meta.json").read_text())
    assert meta["summary"] == {"devices": 2, "ok": 2, "failed": 0}
    assert {n: d["platform"] for n, d in meta["devices"].items()} == PLATFORMS


@pytest.mark.parametrize("host", sorted(PLATFORMS))
def test_config_is_the_served_config_redacted(mixed: Path, host: str) -> None:
    platform = PLATFORMS[host]
    served = served_config(platform, (MIXED / "configs" / f"{host}.cfg").read_text())
    stored = (mixed / "configs" / f"{host}.cfg").read_text()
    assert stored == redact(served, spec.load(platform).redact).rstrip() + "\n"
    assert stored.count(MARKER) >= len(SECRETS[platform])
    keywords = {"role", "network-admin", "group", "network-operator", "priv", "authorization"}
    for _, secret in SECRETS[platform]:
        for word in set(secret.replace('"', " ").split()) - keywords - {"read-only"}:
            assert word not in stored, f"{host}: {word}"


def test_no_secret_anywhere(mixed: Path) -> None:
    words = [PASSWORD, "enable-secret-x1"] + [
        s.replace('"', "").split()[0] for p in PLATFORMS.values() for _, s in SECRETS[p]
    ]
    for path in mixed.rglob("*"):
        if path.is_file():
            text = path.read_text()
            assert not [w for w in words if w in text], path


@pytest.mark.parametrize("host", sorted(PLATFORMS))
def test_state_equals_the_source(mixed: Path, host: str) -> None:
    source = {p.name: json.loads(p.read_text()) for p in (MIXED / "state" / host).glob("*.json")}
    got = {p.name: json.loads(p.read_text()) for p in (mixed / "state" / host).glob("*.json")}
    assert got == source
