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
    return out | ios_routes(folder)


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
    return out | eos_routes(folder)


def _colon(mac: str) -> str:
    d = _dotted(mac).replace(".", "")
    return ":".join(d[i : i + 2] for i in range(0, 12, 2))


def nxos(folder: Path) -> dict[str, str]:
    """NX-OS: ``show ip arp vrf all``, ``show mac address-table``, ``show lldp neighbors
    detail`` (no IPv6 neighbours: not collected)."""
    arp = _load(folder, "arp.json", [])
    mac = _load(folder, "mac.json", [])
    lldp = _load(folder, "lldp.json", {})
    lines = [
        "Flags: * - Adjacencies learnt on non-active FHRP router",
        "       + - Adjacencies synced via CFSoE",
        "       # - Adjacencies Throttled for Glean",
        "       D - Static Adjacencies attached to down interface",
        "",
        "IP ARP Table for all contexts",
        f"Total number of entries: {len(arp)}",  # type: ignore[arg-type]
        "Address         Age       MAC Address     Interface       Flags",
    ]
    for e in arp:  # type: ignore[attr-defined]
        age = "-" if e["age"] is None or e["age"] < 0 else _hms(e["age"]).zfill(8)
        lines.append(f"{e['ip']:<15} {age:<9} {_dotted(e['mac'])}  {e['interface']:<15}")
    out = {"show ip arp vrf all": "\n".join(lines)}
    lines = [
        "Legend: ",
        "        * - primary entry, G - Gateway MAC, (R) - Routed MAC, O - Overlay MAC",
        "        age - seconds since last seen,+ - primary entry using vPC Peer-Link,",
        "        (T) - True, (F) - False, C - ControlPlane MAC, ~ - vsan",
        "   VLAN     MAC Address      Type      age     Secure NTFY Ports",
        "---------+-----------------+--------+---------+------+----+------------------",
    ]
    for e in mac:  # type: ignore[attr-defined]
        kind = "static" if e.get("static") else "dynamic"
        lines.append(
            f"*{e['vlan']:>5}     {_dotted(e['mac'])}   {kind:<8} {'0':<9} F      F    "
            f"{e['interface']}"
        )
    out["show mac address-table"] = "\n".join(lines)
    lines = [
        "Capability codes:",
        "  (R) Router, (B) Bridge, (T) Telephone, (C) DOCSIS Cable Device",
        "  (W) WLAN Access Point, (P) Repeater, (S) Station, (O) Other",
        "Device ID            Local Intf      Hold-time  Capability  Port ID",
    ]
    n = 0
    for local, neighbors in lldp.items():  # type: ignore[attr-defined]
        for nb in neighbors:
            n += 1
            lines += [
                "",
                "Chassis id: 0011.2233.4455",
                f"Port id: {nb['port']}",
                f"Local Port id: {local}",
                f"Port Description: {nb['port']}",
                f"System Name: {nb['hostname']}",
                "System Description: Lab device",
                "Time remaining: 100 seconds",
                "System Capabilities: B, R",
                "Enabled Capabilities: B, R",
                "Management Address: 10.255.0.1",
                "Vlan ID: not advertised",
            ]
    lines += ["", f"Total entries displayed: {n}"]
    out["show lldp neighbors detail"] = "\n".join(lines)
    return out | nxos_routes(folder)


def junos(folder: Path) -> dict[str, str]:
    """Junos: ``show arp no-resolve``, ``show ipv6 neighbors``, ``show ethernet-switching
    table`` (ELS), ``show lldp neighbors``."""
    arp = _load(folder, "arp.json", [])
    ndp = _load(folder, "ndp.json", [])
    mac = _load(folder, "mac.json", [])
    lldp = _load(folder, "lldp.json", {})
    lines = ["MAC Address       Address         Interface                Flags"]
    for e in arp:  # type: ignore[attr-defined]
        lines.append(f"{_colon(e['mac'])} {e['ip']:<15} {e['interface']:<24} none")
    lines.append(f"Total entries: {len(arp)}")  # type: ignore[arg-type]
    out = {"show arp no-resolve": "\n".join(lines)}
    lines = [
        "IPv6 Address                 Linklayer Address  State       Exp   Rtr  Secure  Interface"
    ]
    for e in ndp:  # type: ignore[attr-defined]
        state = (e.get("state") or "reachable").lower()
        lines.append(
            f"{e['ip']:<28} {_colon(e['mac'])}  {state:<11} 17    no   no      {e['interface']}"
        )
    lines.append(f"Total entries: {len(ndp)}")  # type: ignore[arg-type]
    out["show ipv6 neighbors"] = "\n".join(lines)
    lines = [
        "MAC flags (S - static MAC, D - dynamic MAC, L - locally learned, P - Persistent static",
        "           SE - statistics enabled, NM - non configured MAC, R - remote PE MAC, "
        "O - ovsdb MAC)",
        "",
        "",
        f"Ethernet switching table : {len(mac)} entries, {len(mac)} learned",  # type: ignore[arg-type]
        "Routing instance : default-switch",
        "   Vlan                MAC                 MAC         Age    Logical                "
        "NH        RTR",
        "   name                address             flags              interface              "
        "Index     ID",
    ]
    for e in mac:  # type: ignore[attr-defined]
        flag = "S" if e.get("static") else "D"
        lines.append(
            f"   {'Vlan' + str(e['vlan']):<19} {_colon(e['mac'])}   {flag:<9}     -   "
            f"{e['interface']:<22} 0         0"
        )
    out["show ethernet-switching table"] = "\n".join(lines)
    lines = [
        "Local Interface    Parent Interface    Chassis Id          Port info          System Name"
    ]
    for local, neighbors in lldp.items():  # type: ignore[attr-defined]
        for nb in neighbors:
            lines.append(
                f"{local:<18} -                   00:11:22:33:44:55   {nb['port']:<18} "
                f"{nb['hostname']}"
            )
    out["show lldp neighbors"] = "\n".join(lines)
    return out


_IOS_CODES = {"connected": "C", "local": "L", "static": "S", "ospf": "O", "bgp": "B", "eigrp": "D"}
_IOS_LEGEND = [
    "Codes: L - local, C - connected, S - static, R - RIP, M - mobile, B - BGP",
    "       D - EIGRP, EX - EIGRP external, O - OSPF, IA - OSPF inter area",
    "",
    "Gateway of last resort is not set",
    "",
]


def _v4(entry: dict[str, object]) -> bool:
    return ":" not in str(entry["prefix"])


def _ios_route(e: dict[str, object]) -> str:
    code = _IOS_CODES.get(str(e["protocol"]), "S")
    nh, itf = e.get("next_hop"), e.get("interface")
    if not nh:
        return f"{code:<8} {e['prefix']} is directly connected, {itf}"
    via = f"[1/0] via {nh}" if code == "S" else f"[110/2] via {nh}, 00:01:02"
    return f"{code:<8} {e['prefix']} {via}" + (f", {itf}" if itf else "")


def ios_routes(folder: Path) -> dict[str, str]:
    """``show ip route`` (global), ``show ip route vrf *`` and ``show ipv6 route`` from
    routes.json, as IOS-XE prints them (only when the device has a routes.json)."""
    routes = _load(folder, "routes.json", None)
    if routes is None:
        return {}
    rows: list[dict[str, object]] = routes  # type: ignore[assignment]
    glob = [e for e in rows if _v4(e) and e.get("vrf", "default") == "default"]
    out = {"show ip route": "\n".join(_IOS_LEGEND + [_ios_route(e) for e in glob])}
    vrfs = sorted({str(e["vrf"]) for e in rows if _v4(e) and e.get("vrf", "default") != "default"})
    lines: list[str] = []
    for vrf in vrfs:
        lines += ["", f"Routing Table: {vrf}", *_IOS_LEGEND]
        lines += [_ios_route(e) for e in rows if _v4(e) and e.get("vrf") == vrf]
    out["show ip route vrf *"] = "\n".join(lines)
    lines = ["IPv6 Routing Table - default - 3 entries", *_IOS_LEGEND[:2]]
    for e in rows:
        if _v4(e) or e.get("vrf", "default") != "default":
            continue
        code = _IOS_CODES.get(str(e["protocol"]), "S")
        nh, itf = e.get("next_hop"), e.get("interface")
        lines.append(f"{code:<3} {str(e['prefix']).upper()} [1/0]")
        via = str(nh).upper() if nh else ""  # IOS prints IPv6 addresses in upper case
        lines.append(f"     via {via}, {itf}" if nh else f"     via {itf}, directly connected")
    out["show ipv6 route"] = "\n".join(lines)
    return out


def nxos_routes(folder: Path) -> dict[str, str]:
    """``show ip route vrf all`` from routes.json, as NX-OS prints it."""
    routes = _load(folder, "routes.json", None)
    if routes is None:
        return {}
    rows: list[dict[str, object]] = routes  # type: ignore[assignment]
    words = {"connected": "direct"}
    lines: list[str] = []
    for vrf in sorted({str(e.get("vrf", "default")) for e in rows if _v4(e)}):
        lines += [
            f'IP Route Table for VRF "{vrf}"',
            "'*' denotes best ucast next-hop",
            "'[x/y]' denotes [preference/metric]",
            "",
        ]
        for e in rows:
            if not _v4(e) or e.get("vrf", "default") != vrf:
                continue
            word = words.get(str(e["protocol"]), str(e["protocol"]))
            nh, itf = e.get("next_hop"), e.get("interface")
            via = f"{nh or str(e['prefix']).split('/')[0]}" + (f", {itf}" if itf else "")
            lines += [f"{e['prefix']}, ubest/mbest: 1/0", f"    *via {via}, [1/0], 3w2d, {word}"]
        lines.append("")
    return {"show ip route vrf all": "\n".join(lines)}


def eos_routes(folder: Path) -> dict[str, str]:
    """``show ip route vrf all`` from routes.json, as EOS prints it."""
    routes = _load(folder, "routes.json", None)
    if routes is None:
        return {}
    rows: list[dict[str, object]] = routes  # type: ignore[assignment]
    lines: list[str] = []
    for vrf in sorted({str(e.get("vrf", "default")) for e in rows if _v4(e)}):
        lines += ["", f"VRF: {vrf}", "Codes: C - connected, S - static, K - kernel,", ""]
        for e in rows:
            if not _v4(e) or e.get("vrf", "default") != vrf:
                continue
            code = _IOS_CODES.get(str(e["protocol"]), "S")
            nh, itf = e.get("next_hop"), e.get("interface")
            if nh:
                lines.append(f" {code:<8} {e['prefix']} [1/0] via {nh}, {itf}")
            else:
                lines.append(f" {code:<8} {e['prefix']} is directly connected, {itf}")
    return {"show ip route vrf all": "\n".join(lines)}


def linux(folder: Path) -> dict[str, str]:
    """``ip -4/-6 -j neigh`` and ``bridge -j fdb show`` as iproute2 prints them (one line)."""

    def neigh(rows: object) -> str:
        return json.dumps(
            [
                {
                    "dst": e["ip"],
                    "dev": e["interface"],
                    "lladdr": str(e["mac"]).lower(),
                    "state": [e.get("state") or "REACHABLE"],
                }
                for e in rows  # type: ignore[attr-defined]
            ],
            separators=(",", ":"),
        )

    fdb = [
        {
            "mac": str(e["mac"]).lower(),
            "ifname": e["interface"],
            "flags": [],
            "master": "br0",
            "state": "static" if e.get("static") else "",
        }
        for e in _load(folder, "mac.json", [])  # type: ignore[attr-defined]
    ]
    return {
        "ip -4 -j neigh": neigh(_load(folder, "arp.json", [])),
        "ip -6 -j neigh": neigh(_load(folder, "ndp.json", [])),
        "bridge -j fdb show": json.dumps(fdb, separators=(",", ":")),
    }


RENDER = {
    "cisco_ios": ios,
    "arista_eos": eos,
    "cisco_nxos": nxos,
    "juniper_junos": junos,
    "linux": linux,
}


# -- NAPALM eos over SSH: every `<command> | json` answer as eAPI JSON -----------------------
# (tests/collect/render_eos_json.py); the EOS devices answer netmiko's text commands and these
from tests.collect import render_eos_json  # noqa: E402


def eos_with_json(folder: Path) -> dict[str, str]:
    return eos(folder) | render_eos_json.answers(folder)


RENDER["arista_eos"] = eos_with_json


# -- Cisco ASA, FortiOS, PAN-OS (tests/collect/render_firewalls.py) ---------------------------
from tests.collect import render_firewalls  # noqa: E402

RENDER["cisco_asa"] = render_firewalls.asa
RENDER["fortinet"] = render_firewalls.fortinet
RENDER["paloalto_panos"] = render_firewalls.panos
