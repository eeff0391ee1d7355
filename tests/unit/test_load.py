"""Bad input: one clear message with file and line (or JSON path), exit 2, never a traceback,
and nothing the user gave is modified."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from agent.errors import InputError
from agent.pipeline import load

IOS = "hostname r1\ninterface GigabitEthernet0/0\n ip address 10.0.0.1 255.255.255.0\n"
POLICY = "core:\n  - name: core-dc\n    prefixes: [10.0.0.0/16]\n"


def snapshot(tmp_path: Path, policy: str = POLICY) -> Path:
    (tmp_path / "configs").mkdir()
    (tmp_path / "configs" / "r1.cfg").write_text(IOS)
    (tmp_path / "state" / "r1").mkdir(parents=True)
    (tmp_path / "policy.yml").write_text(policy)
    return tmp_path


CASES = [
    # (what, file, content, expected fragments of the message)
    ("policy yaml syntax", "policy.yml", "core:\n  - name: [x\n", ["policy.yml:", "invalid YAML"]),
    (
        "policy bad prefix",
        "policy.yml",
        "core:\n  - name: c\n    prefixes: [10.0.0.0/33]\n",
        ["policy.yml:3", "not an IP prefix"],
    ),
    (
        "policy unknown key",
        "policy.yml",
        "core:\n  - name: c\n    prefixes: [10.0.0.0/8]\ncores: []\n",
        ["policy.yml:4", "cores"],
    ),
    (
        "policy bad service",
        "policy.yml",
        POLICY + "allowed:\n  - name: a\n    destinations: [10.0.0.1]\n    services: [tcp/99999]\n",
        ["policy.yml:7", "bad port range"],
    ),
    ("arp json syntax", "state/r1/arp.json", '[{"mac": "x",}]', ["arp.json:1", "invalid JSON"]),
    (
        "arp missing field",
        "state/r1/arp.json",
        '[{"interface": "Gi0/0", "ip": "10.0.0.5"}]',
        ["arp.json:$[0].mac", "Field required"],
    ),
    (
        "mac wrong type",
        "state/r1/mac.json",
        '[{"mac": "aa:bb:cc:dd:ee:ff", "interface": "Gi0/1", "vlan": "x"}]',
        ["mac.json:$[0].vlan"],
    ),
    ("lldp not object", "state/r1/lldp.json", "[]", ["lldp.json:$", "JSON object"]),
    ("topology bad link", "topology.yml", "links:\n  - [a:Gi0/1]\n", ["topology.yml:2", "pair"]),
]


@pytest.mark.parametrize(("what", "file", "content", "fragments"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_names_file_and_line(
    tmp_path: Path, what: str, file: str, content: str, fragments: list[str]
) -> None:
    root = snapshot(tmp_path)
    (root / file).write_text(content)
    with pytest.raises(InputError) as info:
        load.load_snapshot(root)
        load.load_policy(root / "policy.yml")
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, (what, message)


def test_missing_configs_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no configs/ folder"):
        load.load_snapshot(tmp_path)


def test_binary_config_is_refused(tmp_path: Path) -> None:
    root = snapshot(tmp_path)
    (root / "configs" / "blob.bin").write_bytes(b"\x00\x01\x02")
    with pytest.raises(InputError, match="binary file"):
        load.load_snapshot(root)


def _digest(root: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file():
            h.update(str(path.relative_to(root)).encode())
            h.update(path.read_bytes())
    return h.hexdigest()


@pytest.mark.parametrize(
    ("what", "file", "content", "fragments"),
    CASES[:3] + CASES[5:6],
    ids=[c[0] for c in CASES[:3] + CASES[5:6]],
)
def test_cli_exit_2_without_traceback(
    tmp_path: Path, what: str, file: str, content: str, fragments: list[str]
) -> None:
    root = snapshot(tmp_path)
    (root / file).write_text(content)
    before = _digest(root)
    proc = subprocess.run(  # noqa: PLW1510 - the exit code is the assertion
        [sys.executable, "-m", "agent", "verify", str(root)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert fragments[0] in proc.stderr
    assert proc.stdout == ""
    assert len(proc.stderr.strip().splitlines()) <= 3
    assert _digest(root) == before


def test_cli_missing_snapshot(tmp_path: Path) -> None:
    proc = subprocess.run(  # noqa: PLW1510 - the exit code is the assertion
        [sys.executable, "-m", "agent", "verify", str(tmp_path / "nope"), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert "snapshot folder not found" in proc.stderr
    assert proc.stdout == ""


def test_no_endpoint_data_is_inconclusive_not_isolated(tmp_path: Path) -> None:
    root = snapshot(tmp_path)
    proc = subprocess.run(  # noqa: PLW1510 - the exit code is the assertion
        [sys.executable, "-m", "agent", "verify", str(root), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 3, proc.stderr
    data = json.loads(proc.stdout)
    assert data["verdict"] == "inconclusive"
    assert data["cameras"] == []
    assert any("no endpoint data" in n for n in data["notes"])


def test_endpoint_data_without_cameras_is_isolated(tmp_path: Path) -> None:
    root = snapshot(tmp_path)
    arp = [
        {
            "interface": "GigabitEthernet0/0",
            "mac": "00:40:8c:00:00:01",
            "ip": "10.0.0.5",
            "age": 1.0,
        }
    ]
    (root / "state" / "r1" / "arp.json").write_text(json.dumps(arp))
    proc = subprocess.run(  # noqa: PLW1510 - the exit code is the assertion
        [sys.executable, "-m", "agent", "verify", str(root), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["verdict"] == "isolated"
    assert data["endpoints"][0]["organisation"] == "Axis Communications AB"
