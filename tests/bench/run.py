"""Benchmark runner: ``python -m tests.bench.run --sizes 50 200 500 1000`` (``make bench``).

For every size it generates a synthetic campus (``tests.bench.generate``) into a temporary folder
outside the repository, then measures in a fresh Python process (so peak memory is per size):

- ``prepare`` (load + parse + assemble, with the three stages split) and ``verify`` times,
- the JSON rendering of the report (what ``segproof verify --format json`` adds),
- peak resident memory (``ru_maxrss`` of the child, sampled after each stage),
- the child's wall clock as the parent sees it (interpreter start and imports included),
- what was found: devices, parsed ACL entries, cameras and their statuses, compared with what
  the generator intended (the leaking buildings' cameras reachable, every other one isolated).

It prints a markdown table, compares the 500-device run with the targets of the issue and writes
``bench-out/results.json``. Timings are reported, never asserted. ``--profile [N]`` runs
cProfile over prepare + verify for one size (500 by default) in another fresh process and prints
the 30 functions with the largest cumulative time (the full listing goes to
``bench-out/profile-N.txt``, the raw stats to ``bench-out/profile-N.prof``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "bench-out"
TARGET = {
    "devices": 500,
    "acl_lines": 100_000,
    "cameras": 2_000,
    "seconds": 30.0,
    "rss_mib": 1536.0,
}
DEFAULT_SIZES = [50, 200, 500, 1000]


# -- child side ---------------------------------------------------------------------------------


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux


def _vm_hwm_mib() -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return None


def measure(snapshot: Path, expected_file: Path | None, profile_out: Path | None) -> dict[str, Any]:
    """Run prepare + verify on ``snapshot`` in this process; return timings and counts."""
    t_start = time.perf_counter()
    rss: dict[str, float] = {"start": _rss_mib()}
    from agent.pipeline import prepare, verify

    marks: dict[str, float] = {}
    t_import = time.perf_counter()
    rss["imports"] = _rss_mib()

    def on_prepare(msg: str) -> None:
        key = (
            "load"
            if msg.startswith("loading")
            else "parse"
            if msg.startswith("parsing")
            else "assemble"
        )
        marks.setdefault(key, time.perf_counter())
        rss[f"before_{key}"] = _rss_mib()

    def on_verify(msg: str) -> None:
        if msg.startswith("proving domain"):
            marks.setdefault("prove", time.perf_counter())

    profiler = None
    if profile_out is not None:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    t0 = time.perf_counter()
    ctx = prepare.run(snapshot, progress=on_prepare)
    t1 = time.perf_counter()
    rss["prepare"] = _rss_mib()
    report = verify.run(ctx, progress=on_verify)
    t2 = time.perf_counter()
    rss["verify"] = _rss_mib()
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(str(profile_out))
    payload = json.dumps(report.model_dump(mode="json", by_alias=True))
    t3 = time.perf_counter()
    rss["report"] = _rss_mib()

    devices = ctx.parsed.devices
    statuses = Counter(c.status for c in report.cameras)
    mismatches: list[str] = []
    if expected_file is not None:
        expected = json.loads(expected_file.read_text())
        found = {c.ip: c.status for c in report.cameras}
        for ip, want in sorted(expected.items()):
            got = found.get(ip, "missing")
            if got != want:
                mismatches.append(f"{ip}: {got}, expected {want}")
    parse_end = marks.get("assemble", t1)
    load_end = marks.get("parse", parse_end)
    prove = marks.get("prove", t2)
    return {
        "devices": len(devices) + len(ctx.parsed.opaque),
        "opaque": len(ctx.parsed.opaque),
        "acl_lines": sum(
            len(a.rules) for d in devices.values() for a in [*d.acls.values(), *d.acls6.values()]
        ),
        "config_lines": sum(d.counts.total for d in devices.values()),
        "unrecognized": sum(len(d.unrecognized) for d in devices.values()),
        "cameras": len(report.cameras),
        "endpoints": len(report.endpoints),
        "statuses": {k: statuses.get(k, 0) for k in ("reachable", "isolated", "inconclusive")},
        "verdict": report.verdict,
        "mismatches": len(mismatches),
        "mismatch_examples": mismatches[:10],
        "report_bytes": len(payload),
        "seconds": {
            "imports": t_import - t_start,
            "load": load_end - t0,
            "parse": parse_end - load_end,
            "assemble": t1 - parse_end,
            "prepare": t1 - t0,
            "verify_discover": prove - t1,
            "verify_prove": t2 - prove,
            "verify": t2 - t1,
            "prepare_verify": t2 - t0,
            "report_json": t3 - t2,
        },
        "rss_mib": {**rss, "peak": _rss_mib()},
        "vm_hwm_mib": _vm_hwm_mib(),
    }


# -- parent side --------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    mem = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    cpu = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    commit = None
    try:
        commit = (
            subprocess.run(
                ["git", "rev-parse", "--short", "HEAD"],
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=False,
            ).stdout.strip()
            or None
        )
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory_gib": mem,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "commit": commit,
    }


def _child(args: list[str], timeout: float) -> tuple[dict[str, Any], float]:
    cmd = [sys.executable, "-m", "tests.bench.run", "--child", *args]
    t0 = time.perf_counter()
    proc = subprocess.run(
        cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False
    )
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"benchmark child failed ({proc.returncode}):\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1]), wall


def _folder(base: Path | None, size: int) -> tuple[Path, Path | None]:
    """(snapshot folder, temporary folder to remove afterwards or None)."""
    if base is None:
        tmp = Path(tempfile.mkdtemp(prefix=f"segproof-bench-{size}-"))
        return tmp / "snapshot", tmp
    folder = base / f"campus-{size}"
    if folder.exists():
        meta = folder / "meta.json"
        if not (
            meta.is_file()
            and json.loads(meta.read_text()).get("generator") == "tests.bench.generate"
        ):
            raise SystemExit(f"{folder}: exists and was not written by tests.bench.generate")
        shutil.rmtree(folder)
    return folder, None


def bench_size(
    size: int, seed: int, keep: Path | None, timeout: float, profile: bool
) -> dict[str, Any]:
    from tests.bench.generate import generate

    folder, tmp = _folder(keep, size)
    try:
        t0 = time.perf_counter()
        summary = generate(size, folder, seed)
        gen_seconds = time.perf_counter() - t0
        expected = folder.parent / f"expected-{size}.json"
        expected.write_text(json.dumps(summary.expected))
        snapshot_bytes = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
        result, wall = _child([str(folder), "--expected", str(expected)], timeout)
        row: dict[str, Any] = {
            "size": size,
            "generated": {
                "devices": summary.devices,
                "buildings": summary.buildings,
                "acl_lines": summary.acl_lines,
                "cameras": summary.cameras,
                "endpoints": summary.endpoints,
                "leaking": list(summary.leaking),
                "snapshot_mib": round(snapshot_bytes / 2**20, 1),
                "seconds": round(gen_seconds, 2),
            },
            "wall_seconds": wall,
            **result,
        }
        if profile:
            OUT.mkdir(exist_ok=True)
            prof = OUT / f"profile-{size}.prof"
            _child([str(folder), "--profile-out", str(prof)], timeout)
            row["profile"] = str(prof.relative_to(ROOT))
        return row
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
        elif keep is not None:
            (folder.parent / f"expected-{size}.json").unlink(missing_ok=True)


def table(rows: list[dict[str, Any]]) -> str:
    head = (
        "| devices | ACL lines | cameras | endpoints | load s | parse s | assemble s | verify s "
        "| parse+verify s | wall s | peak RSS MiB | reachable | isolated | inconclusive |"
    )
    lines = [head, "|" + "---:|" * (head.count("|") - 1)]
    for r in rows:
        s = r["seconds"]
        st = r["statuses"]
        lines.append(
            f"| {r['devices']} | {r['acl_lines']:,} | {r['cameras']:,} | {r['endpoints']:,} "
            f"| {s['load']:.2f} | {s['parse']:.2f} | {s['assemble']:.2f} | {s['verify']:.2f} "
            f"| {s['prepare_verify']:.2f} | {r['wall_seconds']:.2f} | {r['rss_mib']['peak']:.0f} "
            f"| {st['reachable']:,} | {st['isolated']:,} | {st['inconclusive']:,} |"
        )
    return "\n".join(lines)


def verdict_lines(rows: list[dict[str, Any]]) -> list[str]:
    out = []
    for r in rows:
        if r["size"] != TARGET["devices"]:
            continue
        secs = r["seconds"]["prepare_verify"]
        rss = r["rss_mib"]["peak"]
        ok_t = secs < TARGET["seconds"]
        ok_m = rss < TARGET["rss_mib"]
        out.append(
            f"target ({TARGET['devices']} devices, {TARGET['acl_lines']:,} ACL lines, "
            f"{TARGET['cameras']:,} cameras): parse + verify {secs:.1f} s "
            f"(< {TARGET['seconds']:.0f} s: {'met' if ok_t else 'MISSED'}), peak RSS {rss:.0f} MiB "
            f"(< {TARGET['rss_mib']:.0f} MiB: {'met' if ok_m else 'MISSED'}); "
            f"workload {r['acl_lines']:,} ACL lines, {r['cameras']:,} cameras"
        )
    for r in rows:
        if r["mismatches"]:
            out.append(
                f"{r['size']} devices: {r['mismatches']} cameras differ from the generator's "
                f"intent, e.g. {'; '.join(r['mismatch_examples'][:3])}"
            )
        if (
            r["devices"] != r["generated"]["devices"]
            or r["acl_lines"] != r["generated"]["acl_lines"]
        ):
            out.append(
                f"{r['size']} devices: parsed {r['devices']} devices / {r['acl_lines']} ACL entries, "
                f"generated {r['generated']['devices']} / {r['generated']['acl_lines']}"
            )
    return out


def print_profile(prof: Path, size: int) -> None:
    import io
    import pstats

    text = io.StringIO()
    stats = pstats.Stats(str(prof), stream=text)
    stats.strip_dirs().sort_stats("cumulative").print_stats(30)
    top_cum = text.getvalue()
    text = io.StringIO()
    stats.stream = text
    stats.sort_stats("tottime").print_stats(30)
    top_tot = text.getvalue()
    (OUT / f"profile-{size}.txt").write_text(
        f"# cProfile of prepare + verify, {size} devices\n\n## cumulative\n{top_cum}\n## tottime\n{top_tot}"
    )
    print(
        f"\n## cProfile, {size} devices: top 30 by cumulative time "
        f"(bench-out/profile-{size}.txt also lists the top 30 by own time)\n"
    )
    print(top_cum)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.bench.run", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=DEFAULT_SIZES, help="device counts")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--keep", type=Path, metavar="DIR", help="keep the snapshots as DIR/campus-N"
    )
    parser.add_argument(
        "--profile",
        type=int,
        nargs="?",
        const=TARGET["devices"],
        metavar="N",
        help="also cProfile one size (default 500)",
    )
    parser.add_argument("--out", type=Path, default=OUT / "results.json")
    parser.add_argument("--timeout", type=float, default=3600.0, help="per child process, seconds")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--expected", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--profile-out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child is not None:
        print(json.dumps(measure(args.child, args.expected, args.profile_out)))
        return 0

    sizes = list(args.sizes)
    if args.profile is not None and args.profile not in sizes:
        sizes.append(args.profile)
    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=True)
    rows = []
    for size in sizes:
        print(f"-- {size} devices: generating and measuring ...", file=sys.stderr, flush=True)
        row = bench_size(size, args.seed, args.keep, args.timeout, profile=size == args.profile)
        s = row["seconds"]
        print(
            f"   prepare {s['prepare']:.2f} s, verify {s['verify']:.2f} s, "
            f"peak {row['rss_mib']['peak']:.0f} MiB",
            file=sys.stderr,
            flush=True,
        )
        rows.append(row)
    info = machine()
    print(
        f"\nmachine: {info['nproc']} CPUs ({info['cpu']}), {info['memory_gib']} GiB, "
        f"Python {info['python']}, commit {info['commit']}\n"
    )
    print(table([r for r in rows if r["size"] in args.sizes]))
    print()
    for line in verdict_lines(rows):
        print(line)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps(
            {"machine": info, "target": TARGET, "seed": args.seed, "results": rows}, indent=2
        )
        + "\n"
    )
    print(f"\nresults: {args.out}")
    for row in rows:
        if "profile" in row:
            print_profile(ROOT / row["profile"], row["size"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
