"""Our snapshot state (NAPALM shapes) rendered as the eAPI JSON an EOS device prints for
``<command> | json``: what NAPALM's ``eos`` driver reads over SSH (field names as
napalm/eos/eos.py reads them: ``get_arp_table``, ``get_mac_address_table``,
``get_lldp_neighbors``, and ``open()``'s ``show version``)."""

from __future__ import annotations

import json
from pathlib import Path

VERSION = "4.30.1F"  # NAPALM's eos driver refuses EOS older than 4.23.0


def _load(folder: Path, name: str, default: object) -> object:
    path = folder / name
    return json.loads(path.read_text()) if path.is_file() else default


def _colon(mac: str) -> str:
    d = "".join(c for c in mac.lower() if c in "0123456789abcdef")
    return ":".join(d[i : i + 2] for i in range(0, 12, 2))


def _dotted(mac: str) -> str:
    d = _colon(mac).replace(":", "")
    return f"{d[0:4]}.{d[4:8]}.{d[8:12]}"


def _number(value: object) -> float | int:
    """EOS prints ages as whole seconds; other values are kept as they are."""
    number = float(value) if isinstance(value, int | float) else -1.0
    return int(number) if number.is_integer() else number


def _json(value: object) -> str:
    return json.dumps(value, indent=2)


def _arp(arp: list[dict[str, object]], mac: list[dict[str, object]]) -> str:
    """``show arp vrf all | json``. An SVI's entry names the port its MAC was learned on
    (``Vlan21, Ethernet1``), as EOS prints it; ``not learned`` when no port knows it."""
    ports = {(_colon(str(e["mac"])), f"Vlan{e['vlan']}"): str(e["interface"]) for e in mac}
    neighbors = []
    for e in arp:
        interface = str(e["interface"])
        if interface.startswith("Vlan"):
            port = ports.get((_colon(str(e["mac"])), interface), "not learned")
            interface = f"{interface}, {port}"
        neighbors.append(
            {
                "address": e["ip"],
                "age": _number(e.get("age", -1.0)),
                "hwAddress": _dotted(str(e["mac"])),
                "interface": interface,
            }
        )
    vrf = {
        "totalEntries": len(neighbors),
        "dynamicEntries": len(neighbors),
        "staticEntries": 0,
        "notLearnedEntries": 0,
        "ipV4Neighbors": neighbors,
    }
    return _json({"vrfs": {"default": vrf}})


def _mac(mac: list[dict[str, object]]) -> str:
    """``show mac address-table | json``: unicast entries (moves and last move kept)."""
    entries = [
        {
            "vlanId": e["vlan"],
            "macAddress": _colon(str(e["mac"])),
            "entryType": "static" if e.get("static") else "dynamic",
            "interface": e["interface"],
            "moves": e.get("moves", 1),
            "lastMove": e.get("last_move", 0.0),
        }
        for e in mac
    ]
    return _json(
        {
            "unicastTable": {"tableEntries": entries},
            "multicastTable": {"tableEntries": []},
            "disabledMacLearningVlans": [],
        }
    )


def _lldp(lldp: dict[str, list[dict[str, object]]]) -> str:
    """``show lldp neighbors | json``."""
    neighbors = [
        {"port": local, "neighborDevice": nb["hostname"], "neighborPort": nb["port"], "ttl": 120}
        for local, found in lldp.items()
        for nb in found
    ]
    return _json(
        {
            "tablesLastChangeTime": 1763372000.0,
            "tablesAgeOuts": 0,
            "tablesInserts": len(neighbors),
            "tablesDeletes": 0,
            "tablesDrops": 0,
            "lldpNeighbors": neighbors,
        }
    )


def answers(folder: Path) -> dict[str, str]:
    """Every ``| json`` answer NAPALM's eos driver asks a device whose state folder is
    ``folder`` (``state/<host>``) for."""
    host = folder.name
    arp: list[dict[str, object]] = _load(folder, "arp.json", [])  # type: ignore[assignment]
    mac: list[dict[str, object]] = _load(folder, "mac.json", [])  # type: ignore[assignment]
    lldp: dict[str, list[dict[str, object]]] = _load(folder, "lldp.json", {})  # type: ignore[assignment]
    version = {
        "mfgName": "Arista",
        "modelName": "DCS-7050SX3-48YC8",
        "hardwareRevision": "11.00",
        "serialNumber": f"JPE-{host}",
        "systemMacAddress": "00:1c:73:00:00:01",
        "hwMacAddress": "00:1c:73:00:00:01",
        "version": VERSION,
        "architecture": "x86_64",
        "internalVersion": f"{VERSION}-30000000.4301F",
        "internalBuildId": "00000000-0000-0000-0000-000000000000",
        "imageFormatVersion": "3.0",
        "isIntlVersion": False,
        "uptime": 864000.0,
        "bootupTimestamp": 1762508000.0,
        "memTotal": 16000000,
        "memFree": 12000000,
    }
    return {
        "show version | json": _json(version),
        "show hostname | json": _json({"hostname": host, "fqdn": host}),
        "show arp vrf all | json": _arp(arp, mac),
        "show mac address-table | json": _mac(mac),
        "show lldp neighbors | json": _lldp(lldp),
    }
