"""Real SSH collection (netmiko via Nornir) from FakeNOS devices serving topologies/campus."""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import paramiko
import pytest

from agent.cli import main
from agent.collect import Credentials, CredentialSet, run
from agent.collect.redact import MARKER
from agent.errors import InputError
from agent.pipeline import prepare, verify
from tests.collect.fakenet import CAMPUS, PASSWORD, SECRETS, USER, FakeNetwork, free_ports

CREDS = CredentialSet(Credentials(USER, PASSWORD, "enable-secret-x1"))
SECRET_PATTERNS = [
    re.compile(r"\$[0-9]\$\S+"),  # crypt hashes
    re.compile(r"(secret|password|community|key)(\s+\d+)?\s+(?!<removed>)\S+\s*$", re.M),
]

# one FakeNOS instance: every test of this module runs on the same xdist worker
pytestmark = pytest.mark.xdist_group("fakenos")


def _verdict(snapshot: Path) -> tuple[str, dict[str, str]]:
    ctx = prepare.run(snapshot, CAMPUS / "policy.yml")
    report = verify.run(ctx)
    return report.verdict, {c.ip or "": c.status for c in report.cameras}


@pytest.fixture(scope="session")
def campus(fake_network: FakeNetwork, tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("campus")
    devices = {n: p for n, p in fake_network.ports.items() if n not in ("badauth", "rejector")}
    inv = fake_network.inventory(work / "inventory", devices)
    (inv / "topology.yml").write_text((CAMPUS / "topology.yml").read_text())
    start = time.monotonic()
    result = run(inv, work / "snapshot", credentials=CREDS, workers=8, timeout=20, retries=1)
    print(f"campus collection: {time.monotonic() - start:.1f} s")
    assert result.exit_code == 0, {n: r.message for n, r in result.records.items()}
    assert sorted(result.records) == sorted(devices)
    return result.out


def test_campus_verifies_like_the_original(campus: Path) -> None:
    assert _verdict(campus) == _verdict(CAMPUS)


def test_snapshot_layout(campus: Path) -> None:
    names = {p.relative_to(campus).as_posix() for p in campus.rglob("*") if p.is_file()}
    for host in ("acc1", "dist2"):
        assert f"configs/{host}.cfg" in names
        for table in ("arp", "ndp", "mac", "lldp"):
            assert f"state/{host}/{table}.json" in names
    assert "meta.json" in names
    assert not [p for p in campus.parent.iterdir() if p.name.startswith(".snapshot")]


def test_no_secret_is_stored(campus: Path) -> None:
    secrets = [PASSWORD, "enable-secret-x1"] + [s for v in SECRETS.values() for _, s in v]
    for path in campus.rglob("*"):
        if not path.is_file():
            continue
        text = path.read_text()
        for secret in secrets:
            assert secret.split()[0] not in text, f"{path}: {secret}"
        if path.suffix == ".cfg":
            for pattern in SECRET_PATTERNS:
                found = [m.group(0) for m in pattern.finditer(text) if MARKER not in m.group(0)]
                found = [f for f in found if not f.startswith(("password-encryption", "key chain"))]
                assert not found, f"{path}: {found}"
    assert (campus / "configs" / "acc1.cfg").read_text().count(MARKER) == 4
    assert (campus / "configs" / "acc3.cfg").read_text().count(MARKER) == 3


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A TCP port that accepts connections and never speaks SSH."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join(timeout=2)
    for conn in held:
        conn.close()
    server.close()


def test_failures_are_values(fake_network: FakeNetwork, silent_port: int, tmp_path: Path) -> None:
    down = free_ports(1)[0]
    hosts = {
        "acc1": fake_network.ports["acc1"],
        "badauth": fake_network.ports["badauth"],
        "rejector": fake_network.ports["rejector"],
        "down": down,
        "silent": silent_port,
    }
    inv = fake_network.inventory(tmp_path / "inv", hosts)
    start = time.monotonic()
    result = run(
        inv, tmp_path / "snap", credentials=CREDS, workers=5, timeout=2, retries=1, backoff=0.1
    )
    elapsed = time.monotonic() - start
    got = {n: (r.status, r.reason, r.attempts) for n, r in result.records.items()}
    assert got == {
        "acc1": ("ok", "", 1),
        "badauth": ("failed", "auth", 1),  # never retried
        "rejector": ("failed", "rejected", 1),
        "down": ("failed", "refused", 2),
        "silent": ("failed", "timeout", 2),
    }
    assert result.exit_code == 5
    assert elapsed < 30
    assert (tmp_path / "snap" / "configs" / "acc1.cfg").is_file()
    assert not (tmp_path / "snap" / "configs" / "rejector.cfg").exists()
    meta = (tmp_path / "snap" / "meta.json").read_text()
    assert '"reason": "auth"' in meta
    assert PASSWORD not in meta


def test_existing_snapshot_is_kept_unless_forced(fake_network: FakeNetwork, tmp_path: Path) -> None:
    inv = fake_network.inventory(tmp_path / "inv", {"acc2": fake_network.ports["acc2"]})
    out = tmp_path / "snap"
    out.mkdir()
    (out / "keep.txt").write_text("old")
    with pytest.raises(InputError, match="not empty"):
        run(inv, out, credentials=CREDS, timeout=5)
    assert (out / "keep.txt").read_text() == "old"
    result = run(inv, out, credentials=CREDS, timeout=5, force=True)
    assert result.exit_code == 0
    assert not (out / "keep.txt").exists()
    assert (out / "configs" / "acc2.cfg").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["inv", "snap"]


def test_cli_collect_then_verify(
    fake_network: FakeNetwork, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The command line end to end: credentials from the environment, partial exit code 5."""
    devices = {n: p for n, p in fake_network.ports.items() if n in ("dist1", "acc1", "badauth")}
    inv = fake_network.inventory(tmp_path / "inventory", devices)
    monkeypatch.setenv("SEGPROOF_USERNAME", USER)
    monkeypatch.setenv("SEGPROOF_PASSWORD", PASSWORD)
    monkeypatch.setenv("SEGPROOF_SECRET", "enable-secret-x1")
    with pytest.raises(SystemExit) as info:
        main(
            ["collect", str(inv), "-o", str(tmp_path / "snap"), "--timeout", "10", "--retries", "0"]
        )
    assert info.value.code == 5  # badauth fails, the others are collected
    assert (tmp_path / "snap" / "configs" / "dist1.cfg").is_file()
    assert not (tmp_path / "snap" / "configs" / "badauth.cfg").exists()


def test_verify_inventory_with_failed_devices_is_never_isolated(
    fake_network: FakeNetwork,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Building B's switches (EOS) refuse the password: their cameras are unknown, so the
    verdict must not be isolated even though building A's cameras are."""
    devices = {n: p for n, p in fake_network.ports.items() if n not in ("badauth", "rejector")}
    inv = fake_network.inventory(tmp_path / "inventory", devices)
    (inv / "topology.yml").write_text((CAMPUS / "topology.yml").read_text())
    (inv / "policy.yml").write_text((CAMPUS / "policy.yml").read_text())
    monkeypatch.setenv("SEGPROOF_USERNAME", USER)
    monkeypatch.setenv("SEGPROOF_PASSWORD", PASSWORD)
    monkeypatch.setenv("SEGPROOF_EOS_USERNAME", USER)
    monkeypatch.setenv("SEGPROOF_EOS_PASSWORD", "wrong-password")
    saved = tmp_path / "saved"
    args = ["verify", "--inventory", str(inv), "--save", str(saved), "--format", "json"]
    with pytest.raises(SystemExit) as info:
        main(args)
    assert info.value.code == 3
    report = json.loads(capsys.readouterr().out)
    assert report["verdict"] == "inconclusive"
    assert any("could not be collected" in n for n in report["notes"])
    failed = {d["name"] for d in report["devices"] if not d["modelled"]}
    assert {"dist2", "acc3"} <= failed
    assert json.loads((saved / "meta.json").read_text())["summary"]["failed"] == 2


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


def test_known_hosts_is_checked_strictly(fake_network: FakeNetwork, tmp_path: Path) -> None:
    devices = {n: p for n, p in fake_network.ports.items() if n in ("dist1", "acc1")}
    inv = fake_network.inventory(tmp_path / "inventory", devices)
    known = tmp_path / "known_hosts"
    known.write_text(_host_key_line(devices["dist1"]))  # acc1's key is unknown
    result = run(
        inv,
        tmp_path / "snap",
        credentials=CREDS,
        workers=2,
        timeout=10,
        retries=0,
        known_hosts=known,
    )
    assert result.records["dist1"].status == "ok"
    assert (result.records["acc1"].status, result.records["acc1"].reason) == ("failed", "hostkey")
    with pytest.raises(InputError, match="known_hosts file not found"):
        run(inv, tmp_path / "snap2", credentials=CREDS, known_hosts=tmp_path / "missing")
