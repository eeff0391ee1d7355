"""arista_eos collected through NAPALM's eos driver over SSH (nornir_napalm) from FakeNOS
devices that answer `<command> | json` with eAPI JSON (tests/collect/render_eos_json.py): the
getters' tables come back entry for entry, the campus verifies the same, and failures stay
values (wrong password: auth; unknown host key: hostkey; a refused or garbled getter answer
fails the device instead of reading as an empty table)."""

from __future__ import annotations

import json
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path

import paramiko
import pytest
from napalm.base.exceptions import (
    CommandErrorException,
    CommandTimeoutException,
    ConnectAuthError,
    ConnectionException,
    ConnectTimeoutError,
    UnsupportedVersion,
)
from netmiko.exceptions import NetmikoTimeoutException
from pydantic import ValidationError

from agent.collect import Credentials, CredentialSet, napalm_driver, run, session, spec
from agent.collect.device import classify
from agent.pipeline import prepare, verify
from tests.collect import render
from tests.collect.fakenet import CAMPUS, PASSWORD, USER, FakeNetwork, free_ports, serve

EOS = ("acc3", "dist2")
CREDS = CredentialSet(Credentials(USER, PASSWORD, "enable-secret-x1"))


def _verdict(snapshot: Path) -> tuple[str, dict[str, str]]:
    report = verify.run(prepare.run(snapshot, CAMPUS / "policy.yml"))
    return report.verdict, {c.ip or "": c.status for c in report.cameras}


def _host_key_line(port: int) -> str:
    """The fake device's SSH host key as a known_hosts line, read over SSH itself."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        transport = paramiko.Transport(sock)
        try:
            transport.start_client(timeout=10)
            key = transport.get_remote_server_key()
        finally:
            transport.close()
    return f"[127.0.0.1]:{port} {key.get_name()} {key.get_base64()}\n"


def _entries(value: object) -> list[str]:
    assert isinstance(value, list)
    return sorted(json.dumps(e, sort_keys=True) for e in value)


@pytest.fixture(scope="module")
def eos(fake_network: FakeNetwork, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The campus's EOS switches collected with strict host-key checking (both keys known)."""
    work = tmp_path_factory.mktemp("napalm-eos")
    devices = {n: fake_network.ports[n] for n in EOS}
    inv = fake_network.inventory(work / "inventory", devices)
    known = work / "known_hosts"
    known.write_text("".join(_host_key_line(p) for p in devices.values()))
    result = run(
        inv,
        work / "snapshot",
        credentials=CREDS,
        workers=2,
        timeout=20,
        retries=0,
        known_hosts=known,
    )
    assert result.exit_code == 0, {n: r.message for n, r in result.records.items()}
    return result.out


@pytest.mark.xdist_group("fakenos")
def test_collected_through_napalm(eos: Path) -> None:
    meta = json.loads((eos / "meta.json").read_text())
    assert {n: d["driver"] for n, d in meta["devices"].items()} == dict.fromkeys(EOS, "napalm eos")


@pytest.mark.xdist_group("fakenos")
@pytest.mark.parametrize("host", EOS)
@pytest.mark.parametrize("table", ["arp", "mac", "lldp", "ndp"])
def test_tables_come_back_entry_for_entry(eos: Path, host: str, table: str) -> None:
    source = CAMPUS / "state" / host / f"{table}.json"
    got = json.loads((eos / "state" / host / f"{table}.json").read_text())
    served = json.loads(source.read_text()) if source.is_file() else ([] if table != "lldp" else {})
    if table == "lldp":
        assert got == served
    else:
        assert _entries(got) == _entries(served)


@pytest.mark.xdist_group("fakenos")
def test_config_and_refused_route_table(eos: Path) -> None:
    # get_config gives the running configuration, redacted like any configuration
    config = (eos / "configs" / "dist2.cfg").read_text()
    assert config.startswith("! Command: show running-config")
    assert "<removed>" in config and "$6$EosSha512Hash" not in config
    # the campus devices refuse `show ip route vrf all` (% Invalid input): NAPALM's cli()
    # deletes that text, the transcript still sees it, so no empty routing table is stored
    assert not (eos / "state" / "dist2" / "routes.json").exists()


@pytest.mark.xdist_group("fakenos")
def test_campus_with_napalm_eos_verifies_like_the_original(eos: Path, tmp_path: Path) -> None:
    snapshot = tmp_path / "campus"
    shutil.copytree(CAMPUS, snapshot)
    for host in EOS:
        shutil.copy(eos / "configs" / f"{host}.cfg", snapshot / "configs" / f"{host}.cfg")
        shutil.rmtree(snapshot / "state" / host)
        shutil.copytree(eos / "state" / host, snapshot / "state" / host)
    assert _verdict(snapshot) == _verdict(CAMPUS)


@pytest.mark.xdist_group("fakenos")
def test_wrong_password_and_unknown_host_key(fake_network: FakeNetwork, tmp_path: Path) -> None:
    ports = fake_network.ports
    wrong = CredentialSet(CREDS.default, {"eos": Credentials(USER, "wrong-password")})
    inv = fake_network.inventory(tmp_path / "inv1", {"acc3": ports["acc3"]})
    result = run(inv, tmp_path / "s1", credentials=wrong, timeout=10, retries=1, backoff=0.1)
    record = result.records["acc3"]
    assert (record.status, record.reason, record.attempts) == ("failed", "auth", 1)
    assert "wrong-password" not in record.message
    # acc3's key unknown, then another key known for acc3's address
    known = tmp_path / "known_hosts"
    kind = _host_key_line(ports["acc3"]).split()[1]
    assert kind == "ssh-rsa"  # FakeNOS: one RSA key for every device
    other = paramiko.RSAKey.generate(1024)
    for line in ("", f"[127.0.0.1]:{ports['acc3']} {kind} {other.get_base64()}\n"):
        known.write_text(line)
        inv = fake_network.inventory(tmp_path / "inv2", {"acc3": ports["acc3"]})
        out = tmp_path / f"s2-{len(line)}"
        result = run(inv, out, credentials=CREDS, timeout=10, retries=0, known_hosts=known)
        assert (result.records["acc3"].status, result.records["acc3"].reason) == (
            "failed",
            "hostkey",
        )


# -- fake EOS devices that answer NAPALM badly (their own FakeNOS) ------------------------------

FAULTS = {
    # refuses the MAC table's JSON: NAPALM alone would read it as an empty table
    "eosmac": ("show mac address-table | json", "% Invalid input", "rejected"),
    # answers the LLDP JSON with text
    "eoslldp": ("show lldp neighbors | json", "Interface Ethernet1 detected 1 LLDP", "unparsed"),
    # an eAPI error object
    "eosarp": ("show arp vrf all | json", '{"errors": ["not supported"]}', "rejected"),
    # older than NAPALM's eos driver supports
    "eosold": ("show version | json", '{"version": "4.20.1F"}', "error"),
}


@pytest.fixture(scope="module")
def faulty(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FakeNetwork]:
    root = tmp_path_factory.mktemp("eos-faults") / "snapshot"
    for name in FAULTS:
        (root / "configs").mkdir(parents=True, exist_ok=True)
        shutil.copy(CAMPUS / "configs" / "acc3.cfg", root / "configs" / f"{name}.cfg")
        shutil.copytree(CAMPUS / "state" / "acc3", root / "state" / name)
    normal = render.RENDER["arista_eos"]

    def answers(folder: Path) -> dict[str, str]:
        command, answer, _ = FAULTS[folder.name]
        out = normal(folder)
        if answer.startswith("%"):
            del out[command]  # the fake device then answers `% Invalid input`
        else:
            out[command] = answer
        return out

    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(render.RENDER, "arista_eos", answers)
        work = tmp_path_factory.mktemp("fakenos-eos-faults")
        with serve(root, work) as network:
            patch.undo()
            yield network


@pytest.mark.xdist_group("fakenos-eos-faults")
def test_bad_answers_fail_the_device(faulty: FakeNetwork, tmp_path: Path) -> None:
    hosts = dict(faulty.ports) | {"eosdown": free_ports(1)[0]}
    faulty.platforms["eosdown"] = "arista_eos"
    inv = faulty.inventory(tmp_path / "inv", hosts)
    result = run(
        inv, tmp_path / "snap", credentials=CREDS, workers=5, timeout=10, retries=1, backoff=0.1
    )
    got = {n: (r.reason, r.attempts) for n, r in result.records.items()}
    want = {n: (reason, 1) for n, (_, _, reason) in FAULTS.items()}
    assert got == want | {"eosdown": ("refused", 2)}, {
        n: r.message for n, r in result.records.items()
    }
    assert "show mac address-table | json" in result.records["eosmac"].message
    assert "version 4.20.1F is too old" in result.records["eosold"].message
    assert not (tmp_path / "snap" / "state" / "eosmac").exists()


# -- without devices ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("exc", "reason"),
    [
        (ConnectAuthError("bad password"), "auth"),
        (ConnectTimeoutError("slow"), "timeout"),
        (CommandTimeoutException("slow"), "timeout"),
        (CommandErrorException('{"show x": "Invalid command: \\"show x\\""}'), "rejected"),
        (CommandErrorException('Unable to execute command "show x": OSError'), "error"),
        (UnsupportedVersion("4.20.1F"), "error"),
        (napalm_driver.GetterError("get_arp_table", [], KeyError("vrfs")), "unparsed"),
    ],
)
def test_napalm_exceptions_are_reasons(exc: Exception, reason: str) -> None:
    assert classify(exc) == reason


def test_napalm_connect_failure_keeps_its_cause() -> None:
    """NAPALM re-raises netmiko's connect timeout as ConnectionException("Cannot connect"),
    inside the except block: the chain still says timeout."""
    exc = ConnectionException("Cannot connect to 127.0.0.1")
    assert classify(exc) == "error"
    exc.__context__ = NetmikoTimeoutException("TCP connection to device failed")
    assert classify(exc) == "timeout"


def test_getters_are_data_checked() -> None:
    eos = spec.load("arista_eos")
    assert eos.napalm is not None and eos.napalm.driver == "eos"
    assert eos.driver == "napalm eos" and spec.load("cisco_ios").driver == "netmiko"
    getters = {c.getter: c.kind for c in eos.commands if c.getter}
    assert getters == {
        "get_config": "config",
        "get_arp_table": "arp",
        "get_mac_address_table": "mac",
        "get_lldp_neighbors": "lldp",
    }
    base = {"kind": "arp", "file": "x"}
    bad: list[dict[str, object]] = [
        {"redact": "none", "commands": [base | {"getter": "get_arp_table"}]},  # no napalm:
        {"redact": "none", "napalm": {"driver": "eos"}, "commands": [base | {"getter": "get_x"}]},
        {
            "redact": "none",
            "napalm": {"driver": "eos"},
            "commands": [base | {"getter": "get_config"}],
        },
        {"redact": "none", "commands": [base | {"getter": "get_arp_table", "command": "show arp"}]},
        {"redact": "none", "commands": [base]},
    ]
    for data in bad:
        with pytest.raises(ValidationError):
            spec.PlatformSpec.model_validate(data)


def test_getter_results_are_shape_checked() -> None:
    arp = [{"interface": "Vlan21, Ethernet3", "mac": "AA:BB:CC:DD:EE:FF", "ip": "10.0.0.1"}]
    assert napalm_driver.shaped("arp", arp) == [dict(arp[0], interface="Vlan21")]
    assert napalm_driver.shaped("lldp", {"Ethernet1": []}) == {"Ethernet1": []}
    for kind, value in (("mac", {}), ("lldp", []), ("config", {}), ("arp", [1])):
        with pytest.raises(ValueError):
            napalm_driver.shaped(kind, value)  # type: ignore[arg-type]


def test_napalm_options_carry_the_ssh_options(tmp_path: Path) -> None:
    (tmp_path / "hosts.yaml").write_text(
        "sw1: {hostname: 127.0.0.1, port: 2222, platform: arista_eos,\n"
        "      connection_options: {napalm: {extras: {optional_args: {global_delay_factor: 2,"
        " transport: https}}}}}\n"
        "r1: {hostname: 127.0.0.1, platform: cisco_ios}\n"
    )
    nr = session._nornir(tmp_path, 2)
    known = tmp_path / "known_hosts"
    session._prepare(nr, CREDS, 7.0, tmp_path, known)
    options = nr.inventory.hosts["sw1"].get_connection_parameters(napalm_driver.CONNECTION)
    assert options.platform == "eos" and options.port == 2222
    assert options.extras is not None and options.extras["timeout"] == 7.0
    optional = options.extras["optional_args"]
    assert optional["transport"] == "ssh"  # collect.yaml's transport wins
    assert optional["global_delay_factor"] == 2  # the inventory's own options stay
    assert optional["secret"] == "enable-secret-x1"
    assert optional["read_timeout_override"] == 7.0
    assert (optional["ssh_strict"], optional["alt_key_file"]) == (True, str(known))
    assert (optional["allow_agent"], optional["use_keys"]) == (False, False)
    assert napalm_driver.CONNECTION not in nr.inventory.hosts["r1"].connection_options


def test_only_ssh_sessions_are_watched() -> None:
    class Eapi:
        device = object()  # a pyeapi node: no send_command

    with pytest.raises(NotImplementedError):
        napalm_driver._watch(Eapi())
    assert classify(NotImplementedError("NAPALM: only drivers over an SSH session")) == "error"
