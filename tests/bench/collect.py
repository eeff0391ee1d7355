"""Collection benchmark: N generated devices served by FakeNOS on 127.0.0.1, collected over
real SSH by ``segproof collect`` with W workers. Reports the time; asserts nothing.

    python -m tests.bench.collect --devices 200 --workers 50
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

from agent.collect import Credentials, CredentialSet, run
from tests.bench.generate import generate
from tests.collect.fakenet import PASSWORD, USER, serve


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--devices", type=int, default=200)
    parser.add_argument("--workers", type=int, default=50)
    parser.add_argument("--timeout", type=float, default=120.0)
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="segproof-bench-collect-"))
    try:
        source = work / "source"
        generate(args.devices, source, seed=11)
        (work / "fakenos").mkdir()
        started = time.monotonic()
        with serve(source, work / "fakenos") as network:
            served = time.monotonic() - started
            inventory = network.inventory(work / "inventory")
            start = time.monotonic()
            result = run(
                inventory,
                work / "snapshot",
                credentials=CredentialSet(Credentials(USER, PASSWORD, "")),
                workers=args.workers,
                timeout=args.timeout,
                retries=1,
            )
            seconds = time.monotonic() - start
        ok = sum(r.status == "ok" for r in result.records.values())
        print(
            f"collect: {ok}/{len(result.records)} devices ok, {args.workers} workers, "
            f"{seconds:.1f} s (FakeNOS start {served:.1f} s; target < 60 s for 200 devices)"
        )
        return 0 if ok == len(result.records) else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
