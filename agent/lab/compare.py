"""Ground truth against prediction (pure): the expected verdict of a lab, and the probed and
predicted matrices side by side."""

from __future__ import annotations

from typing import Any

from agent.lab.matrix import Cell
from agent.lab.prediction import Prediction
from agent.lab.probing import ProbeResult
from agent.models import result as r


def verdict_problems(report: r.Report, expected: dict[str, Any]) -> list[str]:
    """Differences between a report and a lab's expected file (the format of
    ``topologies/campus/expected.yml``: verdict, cameras with ip, status, reaches)."""
    out = []
    if report.verdict != expected.get("verdict"):
        out.append(f"verdict {report.verdict}, expected {expected.get('verdict')}")
    wanted = expected.get("cameras") or []
    by_ip = {c.ip: c for c in report.cameras if c.ip}
    if len(report.cameras) != len(wanted):
        found = sorted(str(c.ip or c.mac) for c in report.cameras)
        out.append(f"{len(report.cameras)} flagged cameras {found}, expected {len(wanted)}")
    for want in wanted:
        cam = by_ip.get(str(want["ip"]))
        if cam is None:
            out.append(f"camera {want['ip']} not found")
            continue
        if cam.status != want["status"]:
            why = "; ".join(f"{u.file}:{u.line} {u.text!r}: {u.why}" for u in cam.uncertain[:3])
            more = f" (+{len(cam.uncertain) - 3} more)" if len(cam.uncertain) > 3 else ""
            out.append(f"camera {cam.ip}: {cam.status}, expected {want['status']}: {why}{more}")
        if "reaches" in want:
            reaches = sorted({v.core for v in cam.violations if v.certain})
            if reaches != sorted(want["reaches"] or []):
                out.append(f"camera {cam.ip} reaches {reaches}, expected {want['reaches']}")
    return out


def _mark(value: bool | None) -> str:
    return "?" if value is None else "Y" if value else "-"


def mismatches(
    probed: list[ProbeResult], predicted: list[Prediction]
) -> list[tuple[ProbeResult, Prediction]]:
    return [(p, q) for p, q in zip(probed, predicted, strict=True) if q.reach is not p.reachable]


def table(probed: list[ProbeResult], predicted: list[Prediction]) -> str:
    """One line per target, one column per camera: ``packets/segproof`` (Y reached, - not,
    ? unknown), ``!`` where they differ; then every mismatch with both sides' evidence."""
    cells: list[Cell] = [p.cell for p in probed]
    sources = list(dict.fromkeys(c.src_ns for c in cells))
    columns = list(dict.fromkeys(c.column for c in cells))
    at = {(p.cell.src_ns, p.cell.column): (p, q) for p, q in zip(probed, predicted, strict=True)}
    width = max((len(c) for c in columns), default=6)
    lines = [f"{'target':<{width}}  " + "  ".join(f"{s:<8}" for s in sources)]
    for column in columns:
        row = []
        for src in sources:
            pair = at.get((src, column))
            if pair is None:
                row.append(f"{'':<8}")
                continue
            p, q = pair
            flag = "" if q.reach is p.reachable else "!"
            row.append(f"{_mark(p.reachable)}/{_mark(q.reach)}{flag:<5}")
        lines.append(f"{column:<{width}}  " + "  ".join(row).rstrip())
    lines.append("packets/segproof: Y reached, - not reached, ? unknown; ! = mismatch")
    for p, q in mismatches(probed, predicted):
        seen = f"{p.result}" + ("" if p.packets is None else f", {p.packets} packet(s) arrived")
        lines.append(
            f"MISMATCH {p.cell.id}: packets {_mark(p.reachable)} ({seen}); "
            f"segproof {_mark(q.reach)} ({q.disposition}: {q.detail})"
        )
    return "\n".join(lines)
