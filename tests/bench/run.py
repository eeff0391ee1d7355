"""Benchmark runner: ``python -m tests.bench.run --sizes 50 200 500 1000`` (``make bench``).

For every size it generates a synthetic campus (``tests.bench.generate``) into a temporary folder
outside the repository, then measures in a fresh Python process (so peak memory is per size):

- ``prepare`` (load + parse + assemble, the three stages split) and ``verify`` times, verify
  split into endpoint discovery and the proofs plus camera results,
- the JSON rendering of the report (what ``segproof verify --format json`` adds),
- peak resident memory of the child (``VmHWM``, sampled after each stage),
- the child's wall clock as the parent sees it (interpreter start and imports included),
- what was found: devices, parsed ACL entries, cameras and their statuses, compared with what
  the generator intended (the leaking buildings' cameras reachable, every other one isolated).

A watchdog stops a child that runs longer than ``--timeout`` or grows beyond ``--max-rss``
(the machine is shared); its row then keeps what was measured before (the prepare figures) and
says why it stopped. It prints a markdown table, compares the 500-device run with the targets of
the issue and writes ``bench-out/results.json``. Timings are reported, never asserted.

``--profile [N]`` runs cProfile over prepare + verify for one size (500 by default) in another
fresh process and prints the 30 functions with the largest cumulative time (the listing by own
time as well goes to ``bench-out/profile-N.txt``, the raw stats to ``bench-out/profile-N.prof``).
``--no-leaks`` generates no leaking building (every camera isolated): it measures the proofs
without the explanation of violations.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from tests.bench.generate import generate

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
STATUSES = ("reachable", "isolated", "inconclusive")

# -- child side ---------------------------------------------------------------------------------


def _rss_mib() -> float:
    """Peak resident memory of this process so far: ``VmHWM``, not ``ru_maxrss``, which Linux
    carries over ``exec`` and so would include the parent's size at fork time."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux


def emit(event: dict[str, Any]) -> None:
    """One JSON line on stdout: the parent keeps the last one if it has to stop us."""
    sys.stdout.write(json.dumps(event) + "\n")
    sys.stdout.flush()


def measure(snapshot: Path, expected_file: Path | None, profile_out: Path | None) -> dict[str, Any]:
    """Run prepare + verify on ``snapshot`` in this process; ``emit`` the prepare figures as
    soon as they are known and return everything."""
    t_start = time.perf_counter()
    from agent.pipeline import prepare, verify  # noqa: PLC0415 - the import time is measured

    t_import = time.perf_counter()
    rss: dict[str, float] = {"imports": _rss_mib()}
    marks: dict[str, float] = {}

    def on_prepare(msg: str) -> None:
        stage = msg.split(maxsplit=1)[0]  # loading | parsing | building
        marks.setdefault(stage, time.perf_counter())
        rss[f"before_{stage}"] = _rss_mib()

    def on_verify(msg: str) -> None:
        if msg.startswith("proving domain"):
            marks.setdefault("proving", time.perf_counter())

    profiler = None
    if profile_out is not None:
        profiler = cProfile.Profile()

        def dump_and_exit(_sig: int, _frame: object) -> None:
            # the watchdog stops us with SIGTERM: keep the profile of what ran so far
            profiler.disable()
            profiler.dump_stats(str(profile_out))
            os._exit(3)

        signal.signal(signal.SIGTERM, dump_and_exit)
        profiler.enable()
    t0 = time.perf_counter()
    ctx = prepare.run(snapshot, progress=on_prepare)
    t1 = time.perf_counter()
    rss["prepare"] = _rss_mib()
    devices = ctx.parsed.devices
    parse_start = marks.get("parsing", t0)
    assemble_start = marks.get("building", t1)
    seconds = {
        "imports": t_import - t_start,
        "load": parse_start - t0,
        "parse": assemble_start - parse_start,
        "assemble": t1 - assemble_start,
        "prepare": t1 - t0,
    }
    counts = {
        "devices": len(devices) + len(ctx.parsed.opaque),
        "opaque": len(ctx.parsed.opaque),
        "acl_lines": sum(
            len(acl.rules)
            for d in devices.values()
            for acl in [*d.acls.values(), *d.acls6.values()]
        ),
        "config_lines": sum(d.counts.total for d in devices.values()),
        "unrecognized": sum(len(d.unrecognized) for d in devices.values()),
    }
    emit(
        {
            "stage": "prepare",
            **counts,
            "seconds": dict(seconds),
            "rss_mib": {**rss, "peak": _rss_mib()},
        }
    )

    report = verify.run(ctx, progress=on_verify)
    t2 = time.perf_counter()
    rss["verify"] = _rss_mib()
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(str(profile_out))
    payload = json.dumps(report.model_dump(mode="json", by_alias=True))
    t3 = time.perf_counter()
    rss["report"] = _rss_mib()

    statuses: Counter[str] = Counter(c.status for c in report.cameras)
    mismatches: list[str] = []
    if expected_file is not None:
        expected = json.loads(expected_file.read_text())
        found = {c.ip: c.status for c in report.cameras}
        for ip, want in sorted(expected.items()):
            got = found.get(ip, "missing")
            if got != want:
                mismatches.append(f"{ip}: {got}, expected {want}")
    proving = marks.get("proving", t2)
    seconds.update(
        {
            "verify_discover": proving - t1,
            "verify_prove": t2 - proving,
            "verify": t2 - t1,
            "prepare_verify": t2 - t0,
            "report_json": t3 - t2,
        }
    )
    return {
        "stage": "done",
        **counts,
        "cameras": len(report.cameras),
        "endpoints": len(report.endpoints),
        "statuses": {k: statuses.get(k, 0) for k in STATUSES},
        "verdict": report.verdict,
        "mismatches": len(mismatches),
        "mismatch_examples": mismatches[:10],
        "report_bytes": len(payload),
        "seconds": seconds,
        "rss_mib": {**rss, "peak": _rss_mib()},
    }


# -- parent side --------------------------------------------------------------------------------


def _first(path: str, prefix: str) -> str | None:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(prefix):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


def code_version() -> str | None:
    """The commit, with ``+changes`` when ``agent/`` differs from it (read-only git calls)."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        dirty = subprocess.run(
            ["git", "diff", "--quiet", "HEAD", "--", "agent"], cwd=ROOT, check=False
        )
    except OSError:
        return None
    commit = head.stdout.strip()
    return f"{commit}+changes" if commit and dirty.returncode == 1 else commit or None


def machine() -> dict[str, Any]:
    mem = _first("/proc/meminfo", "MemTotal")
    return {
        "nproc": os.cpu_count(),
        "cpu": _first("/proc/cpuinfo", "model name") or platform.processor(),
        "memory_gib": round(int(mem.split()[0]) / 2**20, 1) if mem else None,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average": list(os.getloadavg()),
    }


def _vm_rss_mib(pid: int) -> float:
    value = _first(f"/proc/{pid}/status", "VmRSS")
    return int(value.split()[0]) / 1024.0 if value else 0.0


def run_child(args: list[str], timeout: float, max_rss: float) -> dict[str, Any]:
    """Run one measuring child under the watchdog; the result is its last JSON line plus
    ``wall_seconds`` and ``stopped`` (None, or why the watchdog stopped it)."""
    cmd = [sys.executable, "-m", "tests.bench.run", "--child", *args]
    t0 = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=err, text=True)
        stopped = None
        seen = 0.0
        while proc.poll() is None:
            seen = max(seen, _vm_rss_mib(proc.pid))
            elapsed = time.perf_counter() - t0
            if seen > max_rss:
                stopped = f"stopped: RSS above {max_rss:.0f} MiB after {elapsed:.0f} s"
            elif elapsed > timeout:
                stopped = f"stopped: still running after {timeout:.0f} s (RSS {seen:.0f} MiB)"
            if stopped:
                proc.terminate()
                try:
                    proc.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
                break
            time.sleep(0.1)
        wall = time.perf_counter() - t0
        out.seek(0)
        err.seek(0)
        lines = [line for line in out.read().splitlines() if line.startswith("{")]
        stderr = err.read()
    if not stopped and proc.returncode != 0:
        raise RuntimeError(f"benchmark child failed ({proc.returncode}):\n{stderr[-4000:]}")
    result: dict[str, Any] = json.loads(lines[-1]) if lines else {"stage": "none"}
    result["wall_seconds"] = wall
    result["stopped"] = stopped
    result["watchdog_peak_rss_mib"] = seen
    return result


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


def bench_size(size: int, args: argparse.Namespace, profile: bool) -> dict[str, Any]:
    folder, tmp = _folder(args.keep, size)
    expected = (tmp or folder.parent) / f".expected-{size}.json"
    try:
        t0 = time.perf_counter()
        summary = generate(size, folder, args.seed, leaks=not args.no_leaks)
        gen_seconds = time.perf_counter() - t0
        expected.write_text(json.dumps(summary.expected))
        snapshot_bytes = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
        result = run_child([str(folder), "--expected", str(expected)], args.timeout, args.max_rss)
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
            **result,
        }
        if profile:
            OUT.mkdir(exist_ok=True)
            prof = OUT / f"profile-{size}.prof"
            prof.unlink(missing_ok=True)
            done = run_child([str(folder), "--profile-out", str(prof)], args.timeout, args.max_rss)
            row["profile"] = str(prof) if prof.is_file() else None
            row["profile_stopped"] = done["stopped"]
        return row
    finally:
        expected.unlink(missing_ok=True)
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


def _cell(row: dict[str, Any], *keys: str, fmt: str = "{:.2f}") -> str:
    value: Any = row
    for k in keys:
        value = value.get(k) if isinstance(value, dict) else None
    return "—" if value is None else fmt.format(value)


def table(rows: list[dict[str, Any]]) -> str:
    head = (
        "| devices | ACL lines | cameras | endpoints | load s | parse s | assemble s "
        "| prepare s | verify s | parse+verify s | wall s | peak RSS MiB "
        "| reachable | isolated | inconclusive |"
    )
    lines = [head, "|" + "---:|" * (head.count("|") - 1)]
    for r in rows:
        done = r["stage"] == "done"
        gen = r["generated"]
        st = r.get("statuses", {})
        peak = r.get("rss_mib", {}).get("peak") if done else r["watchdog_peak_rss_mib"]
        stop = "" if done else f" ({r['stopped'] or 'failed'})"
        cells = [
            str(r.get("devices", gen["devices"])),
            f"{r.get('acl_lines', gen['acl_lines']):,}",
            f"{r['cameras']:,}" if done else f"{gen['cameras']:,} generated",
            f"{r['endpoints']:,}" if done else "—",
            _cell(r, "seconds", "load"),
            _cell(r, "seconds", "parse"),
            _cell(r, "seconds", "assemble"),
            _cell(r, "seconds", "prepare"),
            _cell(r, "seconds", "verify") if done else f"did not finish{stop}",
            _cell(r, "seconds", "prepare_verify") if done else "—",
            f"{r['wall_seconds']:.2f}",
            f"{peak:.0f}" + ("" if done else "+"),
            *(f"{st[k]:,}" if done else "—" for k in STATUSES),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def verdict_lines(rows: list[dict[str, Any]]) -> list[str]:
    out = []
    for r in rows:
        if r["size"] != TARGET["devices"]:
            continue
        if r["stage"] != "done":
            out.append(
                f"target ({TARGET['devices']} devices): MISSED, verify did not finish "
                f"({r['stopped']}); prepare took {_cell(r, 'seconds', 'prepare')} s"
            )
            continue
        secs = r["seconds"]["prepare_verify"]
        rss = r["rss_mib"]["peak"]
        ok_t = "met" if secs < TARGET["seconds"] else "MISSED"
        ok_m = "met" if rss < TARGET["rss_mib"] else "MISSED"
        out.append(
            f"target ({TARGET['devices']} devices, {TARGET['acl_lines']:,} ACL lines, "
            f"{TARGET['cameras']:,} cameras): parse + verify {secs:.1f} s "
            f"(< {TARGET['seconds']:.0f} s: {ok_t}), "
            f"peak RSS {rss:.0f} MiB (< {TARGET['rss_mib']:.0f} MiB: {ok_m}); "
            f"measured workload {r['acl_lines']:,} ACL lines, {r['cameras']:,} cameras"
        )
    for r in rows:
        if r.get("mismatches"):
            examples = "; ".join(r["mismatch_examples"][:3])
            out.append(
                f"{r['size']} devices: {r['mismatches']} cameras differ from the generator's "
                f"intent, e.g. {examples}"
            )
        gen = r["generated"]
        if "devices" in r and (r["devices"], r["acl_lines"]) != (gen["devices"], gen["acl_lines"]):
            out.append(
                f"{r['size']} devices: parsed {r['devices']} devices / {r['acl_lines']} ACL "
                f"entries, generated {gen['devices']} / {gen['acl_lines']}"
            )
    return out


def print_profile(prof: Path, size: int) -> None:
    listing = {}
    for order in ("cumulative", "tottime"):
        text = io.StringIO()
        pstats.Stats(str(prof), stream=text).sort_stats(order).print_stats(30)
        listing[order] = text.getvalue()
    (OUT / f"profile-{size}.txt").write_text(
        f"# cProfile of prepare + verify, {size} devices\n\n"
        f"## by cumulative time\n{listing['cumulative']}\n## by own time\n{listing['tottime']}"
    )
    print(f"\n## cProfile, {size} devices: top 30 by cumulative time")
    print(f"## (bench-out/profile-{size}.txt also lists the top 30 by own time)\n")
    print(listing["cumulative"])


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
        help="cProfile one size (500)",
    )
    parser.add_argument(
        "--no-leaks", action="store_true", help="no leaking building: every camera isolated"
    )
    parser.add_argument("--out", type=Path, default=OUT / "results.json")
    parser.add_argument("--timeout", type=float, default=600.0, help="per child process, seconds")
    parser.add_argument(
        "--max-rss", type=float, default=4096.0, metavar="MIB", help="per child process"
    )
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--expected", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--profile-out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child is not None:
        emit(measure(args.child, args.expected, args.profile_out))
        return 0

    sizes = list(args.sizes)
    if args.profile is not None and args.profile not in sizes:
        sizes.append(args.profile)
    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=True)
    rows = []
    version = code_version()
    for size in sizes:
        print(f"-- {size} devices: generating and measuring ...", file=sys.stderr, flush=True)
        row = bench_size(size, args, profile=size == args.profile)
        print(
            f"   prepare {_cell(row, 'seconds', 'prepare')} s, "
            f"verify {_cell(row, 'seconds', 'verify')} s, "
            f"peak {_cell(row, 'rss_mib', 'peak', fmt='{:.0f}')} MiB"
            + (f", {row['stopped']}" if row["stopped"] else ""),
            file=sys.stderr,
            flush=True,
        )
        rows.append(row)
    info = machine()
    info["code"] = version
    if code_version() != version:
        info["code"] = f"{version} -> {code_version()}"
        print(f"warning: the code changed during the run ({info['code']})", file=sys.stderr)
    print(
        f"\nmachine: {info['nproc']} CPUs ({info['cpu']}), {info['memory_gib']} GiB, "
        f"Python {info['python']}, load average {info['load_average'][0]:.2f}; "
        f"code {info['code']}" + (", no leaking buildings" if args.no_leaks else "") + "\n"
    )
    print(table([r for r in rows if r["size"] in args.sizes]))
    print()
    for line in verdict_lines(rows):
        print(line)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    doc = {
        "machine": info,
        "target": TARGET,
        "seed": args.seed,
        "leaks": not args.no_leaks,
        "results": rows,
    }
    args.out.write_text(json.dumps(doc, indent=2) + "\n")
    print(f"\nresults: {args.out}")
    for row in rows:
        if row.get("profile"):
            print_profile(Path(row["profile"]), row["size"])
        elif "profile" in row:
            print(f"\nno profile for {row['size']} devices: {row['profile_stopped']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
