"""Smoke tests of the benchmark generator: its snapshots parse, and ``verify`` finds every camera
with the status the generator intended (no timing here: ``make bench`` measures)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from agent.endpoints.classify import classify
from agent.pipeline import prepare, verify
from tests.bench.generate import acl_entries, generate, plan, summarise
from tests.bench.model import (
    ACL_ENTRIES_PER_DEVICE,
    AXIS_OUIS,
    CAMERAS_PER_DEVICE,
    DELL_OUIS,
    FLAGGED_OUIS,
    HP_OUIS,
)


def test_small_campus_parses_and_verifies_as_intended(tmp_path: Path) -> None:
    summary = generate(12, tmp_path / "campus")
    assert summary.devices == 12
    assert summary.cameras == 12 * CAMERAS_PER_DEVICE
    assert summary.leaking == ("b002-dist",)

    ctx = prepare.run(tmp_path / "campus")
    assert sorted(ctx.parsed.devices) == sorted(
        p.stem for p in (tmp_path / "campus/configs").iterdir()
    )
    assert not ctx.parsed.opaque
    parsed_entries = sum(
        len(acl.rules) for d in ctx.parsed.devices.values() for acl in d.acls.values()
    )
    assert parsed_entries == summary.acl_lines == 12 * ACL_ENTRIES_PER_DEVICE

    report = verify.run(ctx)
    assert len(report.cameras) == summary.cameras
    by_building = Counter(
        (str(c.location.device).split("-")[0], c.status) for c in report.cameras if c.location
    )
    assert sum(by_building.values()) == summary.cameras
    assert {status for (building, status) in by_building if building == "b002"} == {"reachable"}
    assert {status for (building, status) in by_building if building != "b002"} == {"isolated"}
    assert {c.ip: c.status for c in report.cameras} == summary.expected


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    generate(12, tmp_path / "a", seed=7)
    generate(12, tmp_path / "b", seed=7)
    generate(12, tmp_path / "c", seed=8)
    files = sorted(
        p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file()
    )
    assert files
    assert all(
        (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes() for f in files
    )
    assert any(
        (tmp_path / "a" / f).read_bytes() != (tmp_path / "c" / f).read_bytes() for f in files
    )


def test_workload_scales_with_the_device_count() -> None:
    for n in (7, 100, 203):
        campus = plan(n)
        summary = summarise(campus)
        assert summary.devices == n
        assert acl_entries(campus) == ACL_ENTRIES_PER_DEVICE * n
        assert summary.cameras == CAMERAS_PER_DEVICE * n
        macs = [ep.mac for b in campus.buildings for a in b.accesses for ep in a.endpoints]
        assert len(set(macs)) == len(macs)


def test_mac_prefixes_belong_to_the_intended_vendors() -> None:
    for oui in FLAGGED_OUIS:
        assert classify(f"{oui}:12:34:56").family in {"hikvision", "dahua"}, oui
    for oui in (*DELL_OUIS, *HP_OUIS, *AXIS_OUIS):
        cls = classify(f"{oui}:12:34:56")
        assert cls.organisation is not None and cls.family is None, oui
