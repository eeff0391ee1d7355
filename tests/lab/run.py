"""Run labs by hand (root): build, announce, collect over SSH, probe, predict, tear down; print
the matrix (packets/segproof), the verdict check and the timings.

    .venv/bin/python -m tests.lab.run topologies/lab-shadowing [more labs] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import yaml

from agent import lab
from agent.lab import compare, prediction
from agent.vendors import load_vendors


def one(folder: Path, tag: str) -> dict[str, Any]:
    spec = lab.load(folder)
    cells = lab.cells(spec)
    row: dict[str, Any] = {"lab": spec.name, "cells": len(cells)}
    with lab.build(spec, f"sp{os.getpid()}{tag}-") as running:
        lab.announce(running)
        collected = lab.collect(running, running.folder / "snapshot")
        row["collect_exit"] = collected.exit_code
        probed = lab.probe(running, cells)
        row["reached"] = sum(p.reachable for p in probed)
        row["hygiene"] = sum(sum(c.values()) for c in lab.hygiene_counts(running).values())
        vendor = load_vendors().get("linux")
        if collected.ok and vendor is not None and vendor.parse is not None:
            started = time.monotonic()
            predicted = lab.predict(prediction.context(collected.snapshot), cells)
            print(compare.table(probed, predicted))
            expected = yaml.safe_load(spec.expected_file.read_text(encoding="utf-8"))
            problems = compare.verdict_problems(prediction.report(collected.snapshot), expected)
            row["mismatches"] = len(compare.mismatches(probed, predicted))
            row["verdict_problems"] = problems
            row["predict"] = round(time.monotonic() - started, 3)
        else:
            why = collected.output if not collected.ok else "no linux parser registered yet"
            print(f"{spec.name}: no prediction ({why})")
    row.update(running.timings)
    return row


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("labs", nargs="+", type=Path)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    rows = []
    for i, folder in enumerate(args.labs):
        rows.append(one(folder, "abcdefghijklmnopqrstuvwxyz"[i % 26]))
        print(json.dumps(rows[-1]))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    bad = [r for r in rows if r.get("mismatches") or r.get("verdict_problems") or r["hygiene"]]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
