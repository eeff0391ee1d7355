"""DHCP relay (``ip helper-address``) toward a core server is a camera -> core flow unless the
policy allows udp/67 to it."""

from __future__ import annotations

import shutil
from pathlib import Path

from agent.pipeline import prepare
from agent.pipeline.verify import run as verify

BASE = Path(__file__).resolve().parents[1] / "scenarios" / "correct-isolation"


def _with_helper(tmp_path: Path, allow: bool) -> Path:
    root = tmp_path / "snap"
    shutil.copytree(BASE, root)
    cfg = root / "configs" / "dist1.cfg"
    text = cfg.read_text().replace(
        " ip access-group CAM-IN in\n",
        " ip access-group CAM-IN in\n ip helper-address 10.0.100.53\n",
        1,
    )
    cfg.write_text(text)
    if allow:
        policy = root / "policy.yml"
        policy.write_text(
            policy.read_text()
            + "  - name: dhcp\n    destinations: [10.0.100.53/32]\n    services: [udp/67]\n"
        )
    return root


def test_relay_to_a_core_dhcp_server_is_a_violation(tmp_path: Path) -> None:
    report = verify(prepare.run(_with_helper(tmp_path, allow=False)))
    cam = report.cameras[0]
    assert cam.status == "reachable"
    (violation,) = cam.violations
    assert violation.disposition == "relayed"
    assert violation.space[0].dst == ["10.0.100.53/32"] and violation.space[0].dst_ports == ["67"]
    assert violation.path[-1].route == "ip helper-address 10.0.100.53"


def test_allowed_relay_is_not_a_violation(tmp_path: Path) -> None:
    report = verify(prepare.run(_with_helper(tmp_path, allow=True)))
    assert {c.status for c in report.cameras} == {"isolated"}
