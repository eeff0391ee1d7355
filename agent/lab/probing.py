"""Real packets for every cell of the matrix, and the lab's hygiene counters.

A cell is ``reachable`` when the camera's packet ARRIVED at the destination: for a host, an
nftables counter for that exact cell in an input-hook chain at priority 500 (after any filter)
of the host's namespace counted it, whatever happened to the reply; for a router's own address
the client-side result says it (TCP ``open`` / ICMP ``reply``). Both are kept in each row.

Counters live in host namespaces only (never in a collected device) and are removed after
reading. Every probe target is checked to be a lab address before anything is sent.
"""

from __future__ import annotations

import concurrent.futures as cf
import ipaddress
import itertools
import json
import subprocess
import time
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from agent.errors import LabError
from agent.lab import host
from agent.lab.matrix import Cell
from agent.lab.netns import RunningLab

HERE = Path(__file__).resolve().parent
TABLE = "segproof_probe"
WORKER_SECS = 20  # per source namespace (every probe inside is bounded by 1-3 s)
REACHED = frozenset({"open", "reply"})


class ProbeResult(BaseModel):
    model_config = ConfigDict(frozen=True)
    cell: Cell
    result: str  # client side: open refused timeout reply no-reply unreachable <errno>
    packets: int | None  # counted at the destination's input (None: a router's own address)
    reachable: bool
    secs: float

    @property
    def arrived(self) -> bool | None:
        return None if self.packets is None else self.packets > 0


def counter_rule(cell: Cell, comment: str) -> str:
    v6 = ipaddress.ip_address(cell.dst_ip).version == 6
    ip = "ip6" if v6 else "ip"
    match = f"{ip} saddr {cell.src_ip} {ip} daddr {cell.dst_ip}"
    if cell.proto == "icmp":
        match += " icmpv6 type echo-request" if v6 else " icmp type echo-request"
    else:
        match += f" {cell.proto} dport {cell.port}"
    return f'    {match} counter comment "{comment}"'


def counter_script(cells: list[tuple[str, Cell]]) -> str:
    """One table, recreated from scratch: a counter per cell (``(comment, cell)``)."""
    rules = "\n".join(counter_rule(cell, comment) for comment, cell in cells)
    return (
        f"add table inet {TABLE}\n"
        f"delete table inet {TABLE}\n"
        f"table inet {TABLE} {{\n"
        "  chain input {\n"
        "    type filter hook input priority 500; policy accept;\n"
        f"{rules}\n"
        "  }\n"
        "}\n"
    )


def read_counters(text: str) -> dict[str, int]:
    """``nft -j list table`` -> {comment: packets}."""
    out: dict[str, int] = {}
    for item in json.loads(text).get("nftables", []):
        rule = item.get("rule")
        if not rule or "comment" not in rule:
            continue
        for expr in rule.get("expr", []):
            if "counter" in expr:
                out[str(rule["comment"])] = int(expr["counter"]["packets"])
    return out


def _check_targets(lab: RunningLab, cells: list[Cell]) -> None:
    allowed = lab.spec.lab.all_ips()
    for cell in cells:
        if cell.dst_ip not in allowed or cell.src_ip not in allowed:
            raise LabError(f"refusing to probe {cell.id}: not a lab address")
        if lab.spec.lab.owner(cell.src_ip) != cell.src_ns:
            raise LabError(f"{cell.id}: {cell.src_ip} is not an address of {cell.src_ns}")


def _workers(lab: RunningLab, cells: list[Cell]) -> dict[str, dict[str, object]]:
    by_src: dict[str, list[tuple[str, Cell]]] = {}
    for i, cell in enumerate(cells):
        by_src.setdefault(cell.src_ns, []).append((f"c{i}", cell))
    lab_ips = sorted(lab.spec.lab.all_ips())
    procs: dict[str, subprocess.Popen[str]] = {}
    jobs: dict[str, str] = {}
    try:
        for src, items in by_src.items():
            jobs[src] = json.dumps(
                {
                    "lab_ips": lab_ips,
                    "cells": [
                        {
                            "id": cid,
                            "src": c.src_ip,
                            "dst": c.dst_ip,
                            "proto": c.proto,
                            "port": c.port,
                        }
                        for cid, c in items
                    ],
                }
            )
            argv = [
                "timeout",
                "-k",
                "2",
                str(WORKER_SECS),
                "ip",
                "netns",
                "exec",
                lab.ns(src),
                lab.python,
                "-I",
                str(HERE / "worker.py"),
            ]
            procs[src] = subprocess.Popen(
                argv,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=host.ENV,
            )
        with cf.ThreadPoolExecutor(max_workers=len(procs) or 1) as pool:
            answers = {
                src: pool.submit(proc.communicate, jobs[src], WORKER_SECS + 5)
                for src, proc in procs.items()
            }
        rows: dict[str, dict[str, object]] = {}
        for src, future in answers.items():
            out, err = future.result()
            code = procs[src].returncode
            if code != 0:
                raise LabError(f"probe worker in {lab.ns(src)}: exit {code}: {err.strip()}")
            for row in json.loads(out):
                rows[str(row["id"])] = row
        return rows
    finally:
        for proc in procs.values():
            if proc.poll() is None:
                proc.kill()
                proc.wait()


def probe(lab: RunningLab, cells: list[Cell]) -> list[ProbeResult]:
    """Probe every cell (concurrently per source namespace) and read the arrival counters."""
    _check_targets(lab, cells)
    started = time.monotonic()
    counted: dict[str, list[tuple[str, Cell]]] = {}
    for i, cell in enumerate(cells):
        if cell.target == "host":
            counted.setdefault(cell.dst_ns, []).append((f"c{i}", cell))
    try:
        for ns, items in counted.items():
            lab.exec(ns, ["nft", "-f", "-"], counter_script(items))
        rows = _workers(lab, cells)
        packets: dict[str, int] = {}
        for ns in counted:
            packets.update(
                read_counters(lab.exec(ns, ["nft", "-j", "list", "table", "inet", TABLE]).stdout)
            )
    finally:
        for ns in counted:
            host.run(
                ("ip", "netns", "exec", lab.ns(ns), "nft", "delete", "table", "inet", TABLE),
                check=False,
            )
    out = []
    for i, cell in enumerate(cells):
        row = rows[f"c{i}"]
        result = str(row["result"])
        count = packets.get(f"c{i}") if cell.target == "host" else None
        if cell.target == "host" and count is None:
            raise LabError(f"{cell.id}: no counter was read")
        reachable = (count or 0) > 0 if count is not None else result in REACHED
        secs = float(str(row["secs"]))
        out.append(
            ProbeResult(cell=cell, result=result, packets=count, reachable=reachable, secs=secs)
        )
    lab.timings["probe"] = round(time.monotonic() - started, 3)
    return out


def announce(lab: RunningLab) -> dict[str, bool]:
    """One bounded ping from every host to each of its gateways, so the routers' neighbour
    tables (ARP/NDP) and the switches' bridge fdb show it (that is how segproof finds cameras
    by MAC OUI). Returns {"<host> -> <gateway>": answered}."""
    procs: dict[str, subprocess.Popen[bytes]] = {}
    for name, ns in lab.spec.lab.namespaces.items():
        if ns.role.is_device:
            continue
        src: dict[int, str] = {}
        for _, addr in ns.addresses():
            src.setdefault(addr.version, str(addr.ip))
        for route in ns.routes:
            if route.via and route.family in src:
                argv = [
                    "ip",
                    "netns",
                    "exec",
                    lab.ns(name),
                    "ping",
                    "-n",
                    "-c",
                    "1",
                    "-W",
                    "1",
                    "-I",
                    src[route.family],
                    route.via,
                ]
                procs[f"{name} -> {route.via}"] = subprocess.Popen(
                    argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=host.ENV
                )
    out = {}
    for key, proc in procs.items():
        try:
            out[key] = proc.wait(timeout=3) == 0
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            out[key] = False
    return out


HYGIENE = ("InNoRoutes", "Ip6InNoRoutes", "Icmp6OutRouterSolicits", "Icmp6OutRouterAdvertisements")


def hygiene_counts(lab: RunningLab) -> dict[str, dict[str, int]]:
    """Per namespace, counters that must all stay 0:

    * ``IpExt InNoRoutes`` / ``Ip6InNoRoutes``: packets received for a destination the
      namespace has no route to. Every default route in a lab ends at a router without one, so
      a packet addressed outside the lab shows up here;
    * ``Icmp6OutRouterSolicits`` / ``Icmp6OutRouterAdvertisements``: IPv6 router discovery,
      which a lab never does (static addresses only)."""
    out = {}
    for name in lab.names():
        text = host.run(
            ("ip", "netns", "exec", name, "cat", "/proc/net/netstat", "/proc/net/snmp6"),
            check=False,
        ).stdout
        out[name] = parse_counters(text)
    return out


def no_route_counts(lab: RunningLab) -> dict[str, tuple[int, int]]:
    """Per namespace: (IpExt InNoRoutes, Ip6InNoRoutes); see ``hygiene_counts``."""
    return {n: (c["InNoRoutes"], c["Ip6InNoRoutes"]) for n, c in hygiene_counts(lab).items()}


def parse_counters(text: str) -> dict[str, int]:
    """The ``HYGIENE`` counters from ``/proc/net/netstat`` + ``/proc/net/snmp6`` text."""
    out = dict.fromkeys(HYGIENE, 0)
    lines = text.splitlines()
    for head, values in itertools.pairwise(lines):
        if head.startswith("IpExt:") and values.startswith("IpExt:"):
            table = dict(zip(head.split()[1:], values.split()[1:], strict=False))
            out["InNoRoutes"] = int(table.get("InNoRoutes", "0"))
    for line in lines:
        parts = line.split()
        if len(parts) == 2 and parts[0] in out and parts[0] != "InNoRoutes":
            out[parts[0]] = int(parts[1])
    return out
