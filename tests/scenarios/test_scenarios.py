"""Whole snapshots -> expected verdicts (``expected.yml`` next to each snapshot).

Also runs the bundled example network ``topologies/campus`` the same way.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Any

import pytest
import yaml

from agent.models import result as r
from agent.pipeline import prepare
from agent.pipeline.verify import run as verify

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
CASES = sorted(p.parent for p in HERE.glob("*/expected.yml"))
CASES += sorted(p.parent for p in (ROOT / "topologies").glob("*/expected.yml"))
PROTOS = {"tcp": 6, "udp": 17, "icmp": 1, "icmpv6": 58}
_REPORTS: dict[Path, r.Report] = {}


def report_for(case: Path) -> r.Report:
    if case not in _REPORTS:
        _REPORTS[case] = verify(prepare.run(case))
    return _REPORTS[case]


def _in_spans(value: int, spans: list[str] | None) -> bool:
    if spans is None:
        return True
    for span in spans:
        lo, _, hi = span.partition("-")
        if int(lo) <= value <= int(hi or lo):
            return True
    return False


def flow_in_space(flow: dict[str, Any], src: str, boxes: list[r.SpaceBox]) -> bool:
    dst = ipaddress.ip_address(str(flow["dst"]))
    source = ipaddress.ip_address(str(flow.get("src", src)))
    proto = flow.get("protocol", "tcp")
    number = PROTOS.get(str(proto)) if not str(proto).isdigit() else int(proto)
    if number == 1 and dst.version == 6:
        number = 58
    for box in boxes:
        if (box.family == "ipv6") != (dst.version == 6):
            continue
        if box.protocol != "any":
            names = {v: k for k, v in PROTOS.items()}
            wanted = names.get(number or -1, str(number))
            numeric = box.protocol[0].isdigit()
            if box.protocol != wanted and not (
                numeric and _in_spans(number or 0, box.protocol.split(","))
            ):
                continue
        if box.fragments == "non-initial only" and not flow.get("fragment"):
            continue
        if box.fragments == "initial only" and flow.get("fragment"):
            continue
        if box.tcp == "established only" and not flow.get("established"):
            continue
        if not any(dst in ipaddress.ip_network(n) for n in box.dst):
            continue
        if box.src is not None and not any(source in ipaddress.ip_network(n) for n in box.src):
            continue
        if "dst_port" in flow and not _in_spans(int(flow["dst_port"]), box.dst_ports):
            continue
        if "src_port" in flow and not _in_spans(int(flow["src_port"]), box.src_ports):
            continue
        if "icmp_type" in flow and not _in_spans(int(flow["icmp_type"]), box.icmp_type):
            continue
        return True
    return False


def _camera(report: r.Report, want: dict[str, Any]) -> r.Camera:
    for cam in report.cameras:
        if want.get("ip") and (cam.ip == want["ip"] or want["ip"] in cam.ipv6):
            return cam
        if want.get("mac") and cam.mac and cam.mac.lower() == str(want["mac"]).lower():
            return cam
    found = [(c.ip, c.mac) for c in report.cameras]
    raise AssertionError(f"camera {want} not found; found {found}")


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_scenario(case: Path) -> None:
    expected = yaml.safe_load((case / "expected.yml").read_text())
    report = report_for(case)
    summary = [(c.ip, c.status, sorted({v.core for v in c.violations})) for c in report.cameras]
    assert report.verdict == expected["verdict"], summary
    wanted = expected.get("cameras", [])
    assert len(report.cameras) == len(wanted), summary
    for want in wanted:
        cam = _camera(report, want)
        assert cam.status == want["status"], (want, cam.status, cam.uncertain, cam.stops)
        reaches = sorted({v.core for v in cam.violations if v.certain})
        assert reaches == sorted(want.get("reaches") or []), (want, reaches)
        boxes = [b for v in cam.violations if v.certain for b in v.space]
        src = cam.ip or (cam.ipv6[0] if cam.ipv6 else "")
        for flow in want.get("flows_in") or []:
            assert flow_in_space(flow, src, boxes), (flow, boxes)
        for flow in want.get("flows_out") or []:
            assert not flow_in_space(flow, src, boxes), (flow, boxes)
        if "approximated" in want:
            assert any(v.approximated for v in cam.violations) == want["approximated"], (
                cam.violations
            )
        for cite in want.get("uncertain_lines") or []:
            cited = {f"{u.file}:{u.line}" for u in cam.uncertain}
            assert cite in cited, (cite, cited)
        for v in cam.violations:
            assert v.flows, "a violation carries at least one example flow"
            assert v.path or v.disposition == "l2-delivered", "a violation carries its path"
            assert v.disposition in ("l2-delivered", "delivered", "accepted", "exits", "relayed"), v


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_example_flows_are_in_their_space(case: Path) -> None:
    report = report_for(case)
    for cam in report.cameras:
        for v in cam.violations:
            for flow in v.flows:
                data = flow.model_dump(exclude_none=True)
                assert flow_in_space(data, flow.src, v.space), (flow, v.space)
