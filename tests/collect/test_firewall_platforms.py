"""Real SSH collection (netmiko via Nornir) from FakeNOS firewalls of the three data-only
platforms cisco_asa, fortinet and paloalto_panos (tests/collect/data/firewalls: one device each,
plus twins that refuse one command). Configs come back redacted and otherwise
as served, state comes back entry for entry, a refusal fails only its device."""

from __future__ import annotations

import json
import re
import shutil
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from netmiko.paloalto.paloalto_panos import PaloAltoPanosSSH

from agent.collect import CollectResult, Credentials, CredentialSet, run, spec
from agent.collect.redact import MARKER, XML_MARKER, redact
from agent.pipeline.load import load_snapshot
from agent.pipeline.parse import detect
from agent.vendors import load_vendors
from tests.collect.fakenet import HERE, PASSWORD, SECRETS, USER, FakeNetwork, serve, served_config

DATA = HERE / "data" / "firewalls"
ENABLE = "enable-secret-x1"
CREDS = CredentialSet(Credentials(USER, PASSWORD, ENABLE))
PLATFORMS = {"asa1": "cisco_asa", "fw1": "fortinet", "pa1": "paloalto_panos"}
# a twin of each device without one table: its fake device refuses that table's command (an
# ASA without IPv6, a FortiGate whose tables need a VDOM context, a PAN-OS without LLDP)
TWINS = {
    "asa2": ("asa1", "ndp.json", "show ipv6 neighbor"),
    "fw2": ("fw1", "arp.json", "get system arp"),
    "pa2": ("pa1", "lldp.json", "show lldp neighbors all"),
}
# routing tables are optional: a PAN-OS with the advanced routing engine refuses `show routing
# route`, and is collected without routes.json
NO_ROUTES = {"pa3": ("pa1", "routes.json", "show routing route")}
# secrets already in the served data (ASA 9 masks its keys as `*****` itself)
DATA_SECRETS = {"paloalto_panos": ["PanIkeGatewayKey0aLhM4Q", "PanSnmpCommunity2"]}
# the further lines of a secret that spans several (a PEM body)
MORE_SECRETS = {"fortinet": ["MIIFHzBJBgkqhkiG9w0BBQ0wPDAbBgkqhkiG9w0BBQww"]}

# its own FakeNOS instance: every test of this module runs on the same xdist worker
pytestmark = pytest.mark.xdist_group("fakenos-firewalls")


def _secrets(platform: str) -> list[str]:
    """The value of every secret served to a device of ``platform`` (first word of each)."""
    words = []
    for _, secret in SECRETS[platform]:
        match = re.match(r'"?([^"<\s]+)', secret)
        assert match, secret
        words.append(match.group(1))
    return words + DATA_SECRETS.get(platform, []) + MORE_SECRETS.get(platform, [])


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """data/firewalls plus the refusing twins."""
    root = tmp_path_factory.mktemp("firewalls-source") / "snapshot"
    shutil.copytree(DATA, root)
    topology = yaml.safe_load((root / "topology.yml").read_text())
    for twin, (host, table, _) in (TWINS | NO_ROUTES).items():
        shutil.copy(root / "configs" / f"{host}.cfg", root / "configs" / f"{twin}.cfg")
        shutil.copytree(root / "state" / host, root / "state" / twin)
        (root / "state" / twin / table).unlink()
        topology["devices"][twin] = {"platform": PLATFORMS[host]}
    (root / "topology.yml").write_text(yaml.safe_dump(topology))
    return root


@pytest.fixture(scope="module")
def network(source: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FakeNetwork]:
    # FakeNOS's SSH server offers password authentication only, while netmiko's paloalto_panos
    # driver logs in with keyboard-interactive (for PAN-OS login banners): its sessions use
    # netmiko's default SSH client here. Everything after the login is netmiko's own driver.
    with pytest.MonkeyPatch.context() as mp:
        mp.delattr(PaloAltoPanosSSH, "_get_ssh_client_instance")
        with serve(source, tmp_path_factory.mktemp("fakenos-firewalls")) as net:
            yield net


def _inventory(network: FakeNetwork, folder: Path, hosts: list[str]) -> Path:
    folder.mkdir(parents=True)
    data: dict[str, object] = {}
    for name in hosts:
        host: dict[str, object] = {
            "hostname": "127.0.0.1",
            "port": network.ports[name],
            "platform": network.platforms[name],
        }
        if network.platforms[name] == "fortinet":
            # netmiko's fortinet driver keeps only the SHA-1 key exchanges and
            # diffie-hellman-group-exchange-sha256 (which FortiOS offers, FakeNOS's paramiko
            # server does not): naming any `kex` here lifts that restriction
            extras = {"disabled_algorithms": {"kex": ["diffie-hellman-group1-sha1"]}}
            host["connection_options"] = {"netmiko": {"extras": extras}}
        data[name] = host
    (folder / "hosts.yaml").write_text(yaml.safe_dump(data))
    return folder


def _collect(network: FakeNetwork, work: Path, hosts: list[str]) -> CollectResult:
    inv = _inventory(network, work / "inventory", hosts)
    start = time.monotonic()
    result = run(inv, work / "snapshot", credentials=CREDS, workers=8, timeout=20, retries=1)
    print(f"{len(hosts)} firewalls collected in {time.monotonic() - start:.1f} s")
    return result


@pytest.fixture(scope="module")
def collected(network: FakeNetwork, tmp_path_factory: pytest.TempPathFactory) -> CollectResult:
    return _collect(network, tmp_path_factory.mktemp("firewalls"), sorted(PLATFORMS))


@pytest.fixture(scope="module")
def snapshot(collected: CollectResult) -> Path:
    records = {n: (r.status, r.reason, r.message) for n, r in collected.records.items()}
    assert records == dict.fromkeys(PLATFORMS, ("ok", "", "")), records
    assert collected.exit_code == 0
    return collected.out


def test_platforms_are_data_only() -> None:
    assert set(PLATFORMS.values()) <= set(spec.platforms())
    vendors = load_vendors()
    for platform in PLATFORMS.values():
        assert not (spec.VENDORS / platform / "__init__.py").exists()
        assert vendors[platform].parse is None  # detected, reported as not modelled


def test_every_device_ok(snapshot: Path) -> None:
    meta = json.loads((snapshot / "meta.json").read_text())
    assert meta["summary"] == {"devices": 3, "ok": 3, "failed": 0}
    for host, platform in PLATFORMS.items():
        device = meta["devices"][host]
        assert (device["platform"], device["status"], device["reason"]) == (platform, "ok", None)
        assert (device["driver"], device["attempts"], device["message"]) == ("netmiko", 1, None)
        want = [f"configs/{host}.cfg"] + [
            f"state/{host}/{p.name}" for p in sorted((DATA / "state" / host).glob("*.json"))
        ]
        assert device["files"] == sorted(want)
    topology = yaml.safe_load((snapshot / "topology.yml").read_text())
    assert {n: d["platform"] for n, d in topology["devices"].items()} == PLATFORMS


@pytest.mark.parametrize("host", sorted(PLATFORMS))
def test_config_is_the_served_config_redacted(snapshot: Path, host: str) -> None:
    platform = PLATFORMS[host]
    served = served_config(platform, (DATA / "configs" / f"{host}.cfg").read_text())
    stored = (snapshot / "configs" / f"{host}.cfg").read_text()
    assert stored == redact(served, spec.load(platform).redact).rstrip() + "\n"
    # byte for byte what was served, but for the spans the marker stands for
    assert MARKER not in served and XML_MARKER not in served
    parts = re.split(f"{re.escape(MARKER)}|{re.escape(XML_MARKER)}", stored)
    kept = r"(?s:.+?)".join(re.escape(part) for part in parts)
    assert re.fullmatch(kept, served.rstrip() + "\n")
    assert len(parts) - 1 >= len(SECRETS[platform])
    for word in _secrets(platform):
        assert word in served
        assert word not in stored, f"{host}: {word}"


def test_panos_config_is_xml(snapshot: Path) -> None:
    """The stored XML is well-formed: a secret in an element's text is the escaped marker."""
    text = (snapshot / "configs" / "pa1.cfg").read_text()
    root = ET.fromstring(text)
    assert root.tag == "config"
    assert root.findtext("mgt-config/users/entry/phash") == MARKER
    hostname = root.findtext("devices/entry/deviceconfig/system/hostname")
    assert hostname == "pa1"


def test_collected_configs_are_detected(snapshot: Path) -> None:
    vendors = load_vendors()
    for host, platform in PLATFORMS.items():
        assert detect((snapshot / "configs" / f"{host}.cfg").read_text(), vendors) == platform


def test_no_secret_anywhere(snapshot: Path) -> None:
    words = [PASSWORD, ENABLE] + [w for p in PLATFORMS.values() for w in _secrets(p)]
    for path in snapshot.rglob("*"):
        if path.is_file():
            text = path.read_text()
            assert not [w for w in words if w in text], path


@pytest.mark.parametrize("host", sorted(PLATFORMS))
def test_state_equals_the_source(snapshot: Path, host: str) -> None:
    source = {p.name: json.loads(p.read_text()) for p in (DATA / "state" / host).glob("*.json")}
    got = {p.name: json.loads(p.read_text()) for p in (snapshot / "state" / host).glob("*.json")}
    assert got == source


def test_snapshot_loads(snapshot: Path) -> None:
    loaded = load_snapshot(snapshot)
    assert sorted(c.host for c in loaded.configs) == sorted(PLATFORMS)
    routes = {host: len(state.routes) for host, state in loaded.state.items()}
    assert routes == {"asa1": 9, "fw1": 9, "pa1": 13}


def test_a_refusal_fails_only_its_device(
    snapshot: Path, network: FakeNetwork, tmp_path_factory: pytest.TempPathFactory
) -> None:
    work = tmp_path_factory.mktemp("firewalls-rejecting")
    result = _collect(network, work, sorted(PLATFORMS) + sorted(TWINS) + sorted(NO_ROUTES))
    records = {n: (r.status, r.reason) for n, r in result.records.items()}
    assert records == dict.fromkeys([*PLATFORMS, *NO_ROUTES], ("ok", "")) | dict.fromkeys(
        TWINS, ("failed", "rejected")
    )
    assert result.exit_code == 5
    meta = json.loads((result.out / "meta.json").read_text())
    assert meta["summary"] == {"devices": 7, "ok": 4, "failed": 3}
    for twin, (_, _, command) in TWINS.items():
        device = meta["devices"][twin]
        assert device["reason"] == "rejected"
        assert device["attempts"] == 1  # a refusal is not retried
        assert device["files"] == []
        assert command in device["message"]
        assert not (result.out / "configs" / f"{twin}.cfg").exists()
        assert not (result.out / "state" / twin).exists()
    for host in PLATFORMS:  # the others are as good as in a run without the twins
        stored = (result.out / "configs" / f"{host}.cfg").read_text()
        assert stored == (snapshot / "configs" / f"{host}.cfg").read_text()
    # a refused routing table: the device is collected without it
    assert meta["devices"]["pa3"]["files"] == [
        "configs/pa3.cfg",
        "state/pa3/arp.json",
        "state/pa3/lldp.json",
    ]
    got = json.loads((result.out / "state" / "pa3" / "arp.json").read_text())
    assert got == json.loads((DATA / "state" / "pa1" / "arp.json").read_text())
