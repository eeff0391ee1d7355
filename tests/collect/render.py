"""Our snapshot state (NAPALM shapes) rendered as the IOS / EOS CLI prints it, so that the
ntc-templates the collector uses parse it back."""

from __future__ import annotations

import json
from pathlib import Path


def _dotted(mac: str) -> str:
    d = mac.replace(":", "").replace(".", "").replace("-", "").lower()
    return f"{d[0:4]}.{d[4:8]}.{d[8:12]}"


def _hms(age: float) -> str:
    if age < 0:
        return "N/A"
    s = int(age)
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"


def _load(folder: Path, name: str, default: object) -> object:
    path = folder / name
    return json.loads(path.read_text()) if path.is_file() else default


def ios(folder: Path) -> dict[str, str]:
    arp = _load(folder, "arp.json", [])
    ndp = _load(folder, "ndp.json", [])
    mac = _load(folder, "mac.json", [])
    lldp = _load(folder, "lldp.json", {})
    lines = ["Protocol  Address          Age (min)  Hardware Addr   Type   Interface"]
    for e in arp:  # type: ignore[attr-defined]
        age = "-" if e["age"] is None or e["age"] < 0 else str(int(e["age"] // 60))
        lines.append(
            f"Internet  {e['ip']:<16} {age:>9}   {_dotted(e['mac'])}  ARPA   {e['interface']}"
        )
    out = {"show ip arp": "\n".join(lines) if arp else ""}
    lines = ["IPv6 Address                              Age Link-layer Addr State Interface"]
    for e in ndp:  # type: ignore[attr-defined]
        age = "-" if e["age"] is None or e["age"] < 0 else str(int(e["age"] // 60))
        state = (e.get("state") or "REACH")[:5]
        lines.append(f"{e['ip']:<41} {age:>3} {_dotted(e['mac'])}  {state} {e['interface']}")
    out["show ipv6 neighbors"] = "\n".join(lines) if ndp else ""
    lines = [
        "          Mac Address Table",
        "-------------------------------------------",
        "",
        "Vlan    Mac Address       Type        Ports",
        "----    -----------       --------    -----",
    ]
    for e in mac:  # type: ignore[attr-defined]
        kind = "STATIC" if e.get("static") else "DYNAMIC"
        lines.append(f"{e['vlan']:>4}    {_dotted(e['mac'])}    {kind:<11} {e['interface']}")
    lines.append(f"Total Mac Addresses for this criterion: {len(mac)}")  # type: ignore[arg-type]
    out["show mac address-table"] = "\n".join(lines)
    lines = []
    n = 0
    for local, neighbors in lldp.items():  # type: ignore[attr-defined]
        for nb in neighbors:
            n += 1
            lines += [
                "------------------------------------------------",
                f"Local Intf: {local}",
                "Chassis id: 0011.2233.4455",
                f"Port id: {nb['port']}",
                f"Port Description: {nb['port']}",
                f"System Name: {nb['hostname']}",
                "",
                "System Description: ",
                "Lab device",
                "",
                "Time remaining: 100 seconds",
                "System Capabilities: B,R",
                "Enabled Capabilities: B,R",
                "Management Addresses - not advertised",
                "Auto Negotiation - not supported",
                "Physical media capabilities - not advertised",
                "Media Attachment Unit type - not advertised",
                "Vlan ID: - not advertised",
                "",
            ]
    lines.append(f"Total entries displayed: {n}")
    out["show lldp neighbors detail"] = "\n".join(lines)
    return out


def eos(folder: Path) -> dict[str, str]:
    arp = _load(folder, "arp.json", [])
    ndp = _load(folder, "ndp.json", [])
    mac = _load(folder, "mac.json", [])
    lldp = _load(folder, "lldp.json", {})
    lines = ["Address         Age (sec)  Hardware Addr   Interface"]
    for e in arp:  # type: ignore[attr-defined]
        age = _hms(-1 if e["age"] is None else e["age"])
        intf = e["interface"]
        if intf.startswith("Vlan"):
            intf += ", Ethernet1"
        lines.append(f"{e['ip']:<15} {age:<10} {_dotted(e['mac'])}  {intf}")
    out = {"show ip arp": "\n".join(lines)}
    lines = [
        "VRF: default",
        "    IPv6 Address                      Age Hardware Addr    State Interface",
    ]
    for e in ndp:  # type: ignore[attr-defined]
        age = _hms(-1 if e["age"] is None else e["age"])
        state = e.get("state") or "REACHABLE"
        lines.append(f"{e['ip']:<33} {age:>8} {_dotted(e['mac'])}   {state} {e['interface']}")
    out["show ipv6 neighbors"] = "\n".join(lines)
    lines = [
        "          Mac Address Table",
        "------------------------------------------------------------------",
        "",
        "Vlan    Mac Address       Type        Ports      Moves   Last Move",
        "----    -----------       ----        -----      -----   ---------",
    ]
    for e in mac:  # type: ignore[attr-defined]
        kind = "STATIC" if e.get("static") else "DYNAMIC"
        lines.append(
            f"{e['vlan']:>4}    {_dotted(e['mac'])}    {kind:<11} {e['interface']:<10} "
            "1       0:00:11 ago"
        )
    lines.append(f"Total Mac Addresses for this criterion: {len(mac)}")  # type: ignore[arg-type]
    out["show mac address-table"] = "\n".join(lines)
    lines = []
    for local, neighbors in lldp.items():  # type: ignore[attr-defined]
        lines += [f"Interface {local} detected {len(neighbors)} LLDP neighbors:", ""]
        for nb in neighbors:
            lines += [
                f'  Neighbor 0011.2233.4455/"{nb["port"]}", age 17 seconds',
                "  Discovered 5 days, 2:11:05 ago; Last changed 5 days, 2:11:05 ago",
                "  - Chassis ID type: MAC address (4)",
                "    Chassis ID     : 0011.2233.4455",
                "  - Port ID type: Interface name (5)",
                f'    Port ID        : "{nb["port"]}"',
                "  - Time To Live: 120 seconds",
                f'  - System Name: "{nb["hostname"]}"',
                "",
            ]
    out["show lldp neighbors detail"] = "\n".join(lines)
    return out


RENDER = {"cisco_ios": ios, "arista_eos": eos}
