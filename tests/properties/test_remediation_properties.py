"""For random camera ACLs: if the network has a violation, ``remediate`` finds a proven fix
(parse(render(plan)) gives back the plan's entries, the rollback restores the configuration
exactly), and the patched snapshot verifies with no violation."""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agent.pipeline import outputs, prepare
from agent.pipeline.remediate import run as remediate
from agent.pipeline.verify import run as verify

BASE = Path(__file__).resolve().parents[1] / "scenarios" / "correct-isolation"
SOURCES = ["10.20.0.0 0.0.0.255", "any", "host 10.20.0.11", "10.20.0.0 0.0.0.254"]
DESTS = [
    "10.0.0.0 0.0.255.255",
    "host 10.0.30.10",
    "host 10.0.100.10",
    "any",
    "10.0.100.0 0.0.0.255",
]
SERVICES = [
    "ip",
    "tcp",
    "udp",
    "icmp",
    "tcp eq 443",
    "tcp eq 554",
    "udp range 100 200",
    "tcp eq 22",
]


@st.composite
def entries(draw: st.DrawFn) -> list[str]:
    n = draw(st.integers(1, 6))
    out = []
    for i in range(n):
        action = draw(st.sampled_from(["permit", "deny"]))
        svc = draw(st.sampled_from(SERVICES))
        proto, _, ports = svc.partition(" ")
        src, dst = draw(st.sampled_from(SOURCES)), draw(st.sampled_from(DESTS))
        out.append(f" {(i + 1) * 10} {action} {proto} {src} {dst} {ports}".rstrip())
    if draw(st.booleans()):
        out.append(f" {(n + 1) * 10} permit ip any any")
    return out


def _snapshot(body: list[str]) -> Path:
    root = Path(tempfile.mkdtemp(prefix="segproof-prop-")) / "snap"
    shutil.copytree(BASE, root)
    cfg = root / "configs" / "dist1.cfg"
    text = cfg.read_text()
    block = re.compile(r"ip access-list extended CAM-IN\n(?: .*\n)+")
    cfg.write_text(
        block.sub("ip access-list extended CAM-IN\n" + "\n".join(body) + "\n", text, count=1)
    )
    return root


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=entries())
def test_remediate_then_verify_finds_no_violation(body: list[str]) -> None:
    root = _snapshot(body)
    try:
        result, texts = remediate(prepare.run(root), "acl")
        if result.verdict_before != "violation":
            assert result.passed
            return
        assert result.passed, (body, result.unfixable, result.proof)
        fixed = root.parent / "fixed"
        outputs.write_snapshot(root, fixed, texts)
        assert verify(prepare.run(fixed)).verdict == "isolated", body
    finally:
        shutil.rmtree(root.parent, ignore_errors=True)
