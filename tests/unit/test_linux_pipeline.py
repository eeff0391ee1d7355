"""A Linux router end to end: a snapshot folder with its dump (a real one, from a network
namespace: tests/vendors/linux/make_cases.sh), a flagged camera in its ARP and bridge tables,
and a policy, through the real pipeline (prepare, verify, trace)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from agent.engine.acl import Packet
from agent.engine.trace import from_domain
from agent.models import result as r
from agent.pipeline import prepare
from agent.pipeline.verify import run as verify

CASES = Path(__file__).resolve().parent.parent / "vendors" / "linux" / "cases"
CAMERA = {"interface": "br20", "mac": "BC:AD:28:1A:2B:01", "ip": "10.20.0.11", "age": 1.0}
POLICY = {
    "flagged": {"vendors": ["hikvision", "dahua"]},
    "core": [{"name": "core", "prefixes": ["10.0.0.0/16"]}],
    "allowed": [
        {"name": "nvr", "destinations": ["10.30.0.10/32"], "services": ["tcp/554", "tcp/8000"]}
    ],
}


def snapshot(root: Path, case: str) -> Path:
    """``root`` as a snapshot: dist1 is the dump of ``case``; the camera sits on port cam-p1
    of bridge br20; the NVR and a core server are known from ARP."""
    (root / "configs").mkdir(parents=True)
    (root / "configs" / "dist1.cfg").write_text((CASES / f"{case}.cfg").read_text())
    state = root / "state" / "dist1"
    state.mkdir(parents=True)
    arp = [
        CAMERA,
        {"interface": "to-nvr", "mac": "00:1B:21:0A:0B:0C", "ip": "10.30.0.10", "age": 1.0},
        {"interface": "to-core", "mac": "3C:EC:EF:00:01:10", "ip": "10.0.1.10", "age": 1.0},
    ]
    (state / "arp.json").write_text(json.dumps(arp))
    mac = [{"mac": CAMERA["mac"], "interface": "cam-p1", "vlan": 0, "static": False}]
    (state / "mac.json").write_text(json.dumps(mac))
    (root / "policy.yml").write_text(yaml.safe_dump(POLICY))
    return root


def camera(report: r.Report) -> r.Camera:
    (cam,) = [c for c in report.cameras if c.ip == CAMERA["ip"]]
    return cam


def test_correct_ruleset_isolates_the_camera(tmp_path: Path) -> None:
    ctx = prepare.run(snapshot(tmp_path, "iptables_router"))
    report = verify(ctx)
    cam = camera(report)
    assert report.verdict == "isolated", (cam.status, cam.uncertain, cam.violations)
    assert cam.location is not None
    assert (cam.location.device, cam.location.interface, cam.location.vlan) == (
        "dist1",
        "cam-p1",
        20,
    )
    assert cam.location.gateways == ["dist1 br20"]
    stops = {(s.line, s.text) for s in cam.stops if s.reason == "denied"}
    assert any("cameras never reach core" in text for _line, text in stops), stops


def test_the_nvr_exception_is_delivered_and_traced_through_forward(tmp_path: Path) -> None:
    ctx = prepare.run(snapshot(tmp_path, "iptables_router"))
    domain = ctx.net.l3[("dist1", "br20")].domain
    assert domain is not None
    allowed = Packet.of("10.20.0.11", "10.30.0.10", 6, sport=40000, dport=554)
    (branch,) = [b for b in from_domain(ctx.net, domain, allowed) if b.success]
    decision = branch.steps[0].filters[0]
    assert decision.action == "permit"
    assert decision.text.startswith("-A FORWARD -s 10.20.0.0/24 -d 10.30.0.10/32 -p tcp")
    assert decision.via[0][2].startswith("routes of table main")
    ssh = Packet.of("10.20.0.11", "10.0.1.10", 6, sport=40000, dport=22)
    branches = from_domain(ctx.net, domain, ssh)
    assert not any(b.success for b in branches)
    (denied,) = [b for b in branches if b.disposition == "denied-in"]
    assert denied.text is not None and "cameras never reach core" in denied.text


def test_shadowing_accept_is_a_violation_citing_its_line(tmp_path: Path) -> None:
    ctx = prepare.run(snapshot(tmp_path, "iptables_shadowing"))
    report = verify(ctx)
    cam = camera(report)
    assert report.verdict == "violation"
    assert cam.status == "reachable"
    (violation,) = cam.violations
    assert violation.certain
    boxes = violation.space
    assert all(b.protocol == "tcp" for b in boxes)
    assert {tuple(b.dst_ports or []) for b in boxes if b.fragments != "non-initial only"} == {
        ("443",)
    }
    cited = [f.text for hop in violation.path for f in hop.filters]
    assert any("camera cloud upload (added later)" in text for text in cited), cited
    hop = violation.path[-1]
    assert any(f.file == "configs/dist1.cfg" and f.line > 0 for f in hop.filters)


def test_unknown_match_makes_the_camera_inconclusive(tmp_path: Path) -> None:
    ctx = prepare.run(snapshot(tmp_path, "unknown_rule"))
    report = verify(ctx)
    cam = camera(report)
    assert report.verdict == "inconclusive", (cam.status, cam.violations)
    assert cam.status == "inconclusive"
    why = " ".join(u.why for u in cam.uncertain)
    assert "-m limit" in why or "NAT" in why, cam.uncertain


@pytest.mark.parametrize(
    ("case", "verdict"),
    [
        ("nft_router", "isolated"),
        ("legacy_default", "isolated"),
        ("iptables_nft_dedupe", "isolated"),
        ("forward_off", "isolated"),
        ("policy_routing", "inconclusive"),
    ],
)
def test_other_rulesets(tmp_path: Path, case: str, verdict: str) -> None:
    report = verify(prepare.run(snapshot(tmp_path, case)))
    cam = camera(report)
    assert report.verdict == verdict, (cam.status, cam.uncertain, cam.violations)


def test_unknown_accepts_after_the_camera_drops_do_not_make_it_inconclusive(
    tmp_path: Path,
) -> None:
    """An INPUT rate-limit accept and a FORWARD accept with an unmodelled match, both after the
    camera drops: the camera's packets are decided before them, so it stays isolated; a packet
    they do decide (a user's) is the uncertain one."""
    root = snapshot(tmp_path, "iptables_router")
    cfg = root / "configs" / "dist1.cfg"
    text = cfg.read_text()
    text = text.replace(
        '-A FORWARD -s 10.40.0.0/24 -m comment --comment "users reach everything" -j ACCEPT',
        "-A FORWARD -p tcp -m limit --limit 5/sec -j ACCEPT\n"
        '-A FORWARD -s 10.40.0.0/24 -m comment --comment "users reach everything" -j ACCEPT',
    )
    text = text.replace(
        "-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
        "-A INPUT -p tcp -m tcp --dport 2222 -m limit --limit 3/min -j ACCEPT\n"
        "-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
    )
    cfg.write_text(text)
    ctx = prepare.run(root)
    whys = [u.why for d in ctx.parsed.devices.values() for u in d.unrecognized]
    assert any("limit" in why for why in whys), whys  # both rules are reported
    report = verify(ctx)
    cam = camera(report)
    assert report.verdict == "isolated", (cam.status, cam.uncertain, cam.violations)


def test_an_unknown_drop_after_the_camera_drops_leaves_it_isolated(tmp_path: Path) -> None:
    """A DROP with an unmodelled match (`-m mark`) is left out of the model; it could only drop
    packets the filter accepts, and every camera packet toward the core is dropped already."""
    root = snapshot(tmp_path, "iptables_router")
    cfg = root / "configs" / "dist1.cfg"
    anchor = '-A FORWARD -s 10.40.0.0/24 -m comment --comment "users reach everything" -j ACCEPT'
    cfg.write_text(
        cfg.read_text().replace(anchor, f"-A FORWARD -m mark --mark 0x1 -j DROP\n{anchor}")
    )
    ctx = prepare.run(root)
    marks = [u for d in ctx.parsed.devices.values() for u in d.unrecognized if "mark" in u.why]
    assert marks and all(u.narrows for u in marks)
    report = verify(ctx)
    cam = camera(report)
    assert report.verdict == "isolated", (cam.status, cam.uncertain, cam.violations)
