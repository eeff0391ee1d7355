"""Probe worker (standard library only), run inside one source namespace under ``timeout``:
``python -I worker.py`` reads ``{"lab_ips": [...], "cells": [{"id", "src", "dst", "proto",
"port"}]}`` on stdin and prints one JSON row ``{"id", "result", "secs"}`` per cell.

Every probe is one packet exchange bounded in time, and only to a lab address:

* tcp: one ``connect()`` from ``src``, 1 s: ``open`` / ``refused`` / ``timeout`` / errno name;
* udp: one datagram from ``src`` to a responder that sends it back, 1 s: ``reply`` /
  ``refused`` (ICMP port unreachable) / ``timeout``;
* icmp: ``ping -n -c 1 -W 1 -I src``, bounded by a 3 s subprocess timeout: ``reply`` /
  ``unreachable`` / ``no-reply``.
"""

from __future__ import annotations

import concurrent.futures as cf
import errno
import json
import socket
import subprocess
import sys
import time
from typing import Any

TIMEOUT = 1.0
PING = ("ping", "-n", "-c", "1", "-W", "1")


def _family(ip: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in ip else socket.AF_INET


def _errname(exc: OSError) -> str:
    return errno.errorcode.get(exc.errno or 0, str(exc.errno)).lower()


def tcp(src: str, dst: str, port: int) -> str:
    with socket.socket(_family(dst), socket.SOCK_STREAM) as sock:
        sock.settimeout(TIMEOUT)
        try:
            sock.bind((src, 0))
            sock.connect((dst, port))
        except ConnectionRefusedError:
            return "refused"
        except TimeoutError:
            return "timeout"
        except OSError as exc:
            return _errname(exc)
        return "open"


def udp(src: str, dst: str, port: int, token: bytes) -> str:
    with socket.socket(_family(dst), socket.SOCK_DGRAM) as sock:
        sock.settimeout(TIMEOUT)
        try:
            sock.bind((src, 0))
            sock.connect((dst, port))
            sock.send(token)
            data = sock.recv(2048)
        except ConnectionRefusedError:
            return "refused"
        except TimeoutError:
            return "timeout"
        except OSError as exc:
            return _errname(exc)
        return "reply" if data == token else "other-reply"


def icmp(src: str, dst: str) -> str:
    try:
        done = subprocess.run(
            [*PING, "-I", src, dst], capture_output=True, text=True, timeout=3, check=False
        )
    except subprocess.TimeoutExpired:
        return "no-reply"
    if done.returncode == 0:
        return "reply"
    if "unreachable" in (done.stdout + done.stderr).lower():
        return "unreachable"
    return "no-reply"


def probe(cell: dict[str, Any]) -> dict[str, Any]:
    start = time.monotonic()
    src, dst, proto, port = cell["src"], cell["dst"], cell["proto"], cell["port"]
    if proto == "tcp":
        result = tcp(src, dst, int(port))
    elif proto == "udp":
        result = udp(src, dst, int(port), f"segproof-probe {cell['id']}".encode())
    else:
        result = icmp(src, dst)
    return {"id": cell["id"], "result": result, "secs": round(time.monotonic() - start, 3)}


def main() -> int:
    job = json.load(sys.stdin)
    lab_ips = set(job["lab_ips"])
    cells = job["cells"]
    for cell in cells:
        if cell["dst"] not in lab_ips or cell["proto"] not in ("tcp", "udp", "icmp"):
            print(f"refusing to probe {cell['dst']}: not a lab address", file=sys.stderr)
            return 2
    with cf.ThreadPoolExecutor(max_workers=min(32, max(1, len(cells)))) as pool:
        rows = list(pool.map(probe, cells))
    json.dump(rows, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
