"""TextFSM rows (ntc-templates, as netmiko returns them) -> the NAPALM shapes of a snapshot.

Which TextFSM field feeds which NAPALM key is data (``fields`` in ``collect.yaml``); this module
only normalises values: MACs as ``AA:BB:CC:DD:EE:FF``, ages in seconds (``-1.0`` unknown or
static), VLANs as integers, the first interface of an EOS ``Vlan21, Ethernet3``.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from agent.collect.spec import Command

Row = dict[str, object]
JsonValue = list[dict[str, object]] | dict[str, list[dict[str, object]]]


def to_mac(value: str) -> str:
    digits = re.sub(r"[^0-9A-Fa-f]", "", value)
    if len(digits) != 12:
        return value.upper()
    return ":".join(digits[i : i + 2] for i in range(0, 12, 2)).upper()


def to_age(value: str, unit: float = 60.0) -> float:
    """IOS ages are minutes, EOS ``H:MM:SS``; ``-``, ``N/A`` and the rest are unknown (-1)."""
    value = value.strip()
    if re.fullmatch(r"\d+(?:\.\d+)?", value):
        return float(value) * unit
    if re.fullmatch(r"\d+(?::\d+){1,2}", value):
        seconds = 0.0
        for part in value.split(":"):
            seconds = seconds * 60 + int(part)
        return seconds
    return -1.0


def _text(row: Row, field: str | None) -> str:
    if field is None:
        return ""
    value = row.get(field, "")
    if isinstance(value, list):
        value = value[0] if value else ""
    return str(value).strip()


def _first_interface(value: str) -> str:
    return value.split(",", maxsplit=1)[0].strip()


def _arp(rows: list[Row], f: dict[str, str]) -> JsonValue:
    out: list[dict[str, object]] = []
    for row in rows:
        mac = _text(row, f.get("mac"))
        if not re.search(r"[0-9a-fA-F]{4}\.[0-9a-fA-F]{4}|:", mac):
            continue  # Incomplete
        entry: dict[str, object] = {
            "interface": _first_interface(_text(row, f.get("interface"))),
            "mac": to_mac(mac),
            "ip": _text(row, f.get("ip")),
            "age": to_age(_text(row, f.get("age"))),
        }
        if "state" in f:
            entry["state"] = _text(row, f["state"])
        out.append(entry)
    return out


def _mac(rows: list[Row], f: dict[str, str]) -> JsonValue:
    out: list[dict[str, object]] = []
    for row in rows:
        vlan = _text(row, f.get("vlan"))
        kind = _text(row, f.get("type")).lower()
        ports = row.get(f.get("interface", ""), [])
        for port in ports if isinstance(ports, list) else [ports]:
            out.append(
                {
                    "mac": to_mac(_text(row, f.get("mac"))),
                    "interface": str(port),
                    "vlan": int(vlan) if vlan.isdigit() else 0,
                    # IOS/EOS/NX-OS print "STATIC"/"static"; Junos flags static entries "S"
                    "static": kind.startswith("static") or kind == "s",
                    "active": True,
                    "moves": -1,
                    "last_move": -1.0,
                }
            )
    return out


def _lldp(rows: list[Row], f: dict[str, str]) -> JsonValue:
    out: dict[str, list[dict[str, object]]] = {}
    for row in rows:
        local = _text(row, f.get("local"))
        if not local:
            continue
        out.setdefault(local, []).append(
            {"hostname": _text(row, f.get("hostname")), "port": _text(row, f.get("port"))}
        )
    return out


SHAPERS: dict[str, Callable[[list[Row], dict[str, str]], JsonValue]] = {
    "arp": _arp,
    "ndp": _arp,
    "mac": _mac,
    "lldp": _lldp,
}


def run(rows: list[Row], command: Command) -> JsonValue:
    return SHAPERS[command.kind](rows, command.fields)


def empty(command: Command) -> JsonValue:
    return {} if command.kind == "lldp" else []
