"""A camera on a segment with no router: known hosts are reached at layer 2; hosts whose
address nobody knows make the proof inconclusive, never isolated."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from agent.pipeline import prepare
from agent.pipeline.verify import run as verify

SWITCH = """hostname acc9
interface GigabitEthernet1/0/1
 switchport mode access
 switchport access vlan 100
interface GigabitEthernet1/0/2
 switchport mode access
 switchport access vlan 100
"""
POLICY = "core:\n  - name: core-dc\n    prefixes: [10.0.0.0/16]\n"
CAMERA = {"name": "cam", "mac": "bc:ad:28:00:00:01", "ip": "10.20.0.11", "attach": "acc9:Gi1/0/1"}


def _snapshot(
    tmp_path: Path, server: dict[str, str] | None, mac_table: list[dict[str, object]]
) -> Path:
    (tmp_path / "configs").mkdir()
    (tmp_path / "configs" / "acc9.cfg").write_text(SWITCH)
    (tmp_path / "state" / "acc9").mkdir(parents=True)
    (tmp_path / "state" / "acc9" / "mac.json").write_text(json.dumps(mac_table))
    (tmp_path / "policy.yml").write_text(POLICY)
    endpoints = [CAMERA] + ([server] if server else [])
    (tmp_path / "topology.yml").write_text(yaml.safe_dump({"endpoints": endpoints}))
    return tmp_path


def test_known_core_host_on_a_routerless_segment_is_reached_at_layer_2(tmp_path: Path) -> None:
    server = {
        "name": "db",
        "mac": "a4:bb:6d:00:00:10",
        "ip": "10.0.100.10",
        "attach": "acc9:Gi1/0/2",
    }
    report = verify(prepare.run(_snapshot(tmp_path, server, [])))
    cam = report.cameras[0]
    assert cam.status == "reachable"
    assert cam.violations[0].space[0].dst == ["10.0.100.10/32"]
    assert cam.violations[0].disposition == "l2-delivered"


def test_unaddressed_host_on_a_routerless_segment_is_inconclusive(tmp_path: Path) -> None:
    table = [{"mac": "a4:bb:6d:00:00:10", "interface": "Gi1/0/2", "vlan": 100}]
    report = verify(prepare.run(_snapshot(tmp_path, None, table)))
    cam = report.cameras[0]
    assert cam.status == "inconclusive"
    assert "no known address" in cam.uncertain[-1].why


def test_camera_seen_on_two_segments_is_not_proven_isolated(tmp_path: Path) -> None:
    table = [
        {"mac": "bc:ad:28:00:00:01", "interface": "Gi1/0/1", "vlan": 100},
        {"mac": "bc:ad:28:00:00:01", "interface": "Gi1/0/3", "vlan": 200},
    ]
    root = _snapshot(tmp_path, None, table)
    cfg = root / "configs" / "acc9.cfg"
    cfg.write_text(
        cfg.read_text()
        + "interface GigabitEthernet1/0/3\n switchport mode access\n switchport access vlan 200\n"
    )
    cam = verify(prepare.run(root)).cameras[0]
    assert cam.status == "inconclusive"
    assert any("also learned on acc9 GigabitEthernet1/0/3" in u.why for u in cam.uncertain)
