"""Our snapshot state (NAPALM shapes) rendered as Cisco ASA, FortiOS and PAN-OS print it, so
that the templates the collector uses (ntc-templates and ours) parse it back entry for entry.

A table's command is served only when the device's state folder has that table's file: a
device without, say, ``routes.json`` answers the routing command with its platform's refusal,
like a device that lacks the command (the ``rejected`` tests use this)."""

from __future__ import annotations

import ipaddress
import json
from pathlib import Path
from typing import Any

Entry = dict[str, Any]


def _load(folder: Path, name: str) -> Any:
    path = folder / name
    return json.loads(path.read_text()) if path.is_file() else None


def _dotted(mac: str) -> str:
    d = mac.replace(":", "").lower()
    return f"{d[0:4]}.{d[4:8]}.{d[8:12]}"


def _groups(routes: list[Entry]) -> list[list[Entry]]:
    """Consecutive entries of one (VRF, prefix): an ECMP route is printed as one route."""
    out: list[list[Entry]] = []
    for r in routes:
        if out and (out[-1][0]["vrf"], out[-1][0]["prefix"]) == (r["vrf"], r["prefix"]):
            out[-1].append(r)
        else:
            out.append([r])
    return out


# -- Cisco ASA ----------------------------------------------------------------------------------

ASA_CODES = """\
Codes: L - local, C - connected, S - static, R - RIP, M - mobile, B - BGP
       D - EIGRP, EX - EIGRP external, O - OSPF, IA - OSPF inter area
       N1 - OSPF NSSA external type 1, N2 - OSPF NSSA external type 2
       E1 - OSPF external type 1, E2 - OSPF external type 2, V - VPN
       i - IS-IS, su - IS-IS summary, L1 - IS-IS level-1, L2 - IS-IS level-2
       ia - IS-IS inter area, * - candidate default, U - per-user static route
       o - ODR, P - periodic downloaded static route, + - replicated route
       SI - Static InterVRF, BI - BGP InterVRF"""
ASA_LETTER = {"static": "S", "connected": "C", "local": "L", "ospf": "O", "bgp": "B"}
ASA_DISTANCE = {"static": "[1/0]", "ospf": "[110/20]", "bgp": "[20/0]"}


def asa(folder: Path) -> dict[str, str]:
    """``show arp``, ``show ipv6 neighbor``, ``show route`` (nameif as interface, masks)."""
    out: dict[str, str] = {}
    arp = _load(folder, "arp.json")
    if arp is not None:  # ASA ages are seconds; collect.yaml does not map them
        out["show arp"] = "\n".join(
            f"        {e['interface']} {e['ip']} {_dotted(e['mac'])} {(i + 1) * 37}"
            for i, e in enumerate(arp)
        )
    ndp = _load(folder, "ndp.json")
    if ndp is not None:
        lines = ["IPv6 Address                              Age Link-layer Addr State Interface"]
        for e in ndp:
            age = "-" if e["age"] < 0 else str(int(e["age"] // 60))
            lines.append(
                f"{e['ip']:<41} {age:>3} {_dotted(e['mac'])}  {e['state']:<5} {e['interface']}"
            )
        lines.append("2001:db8:20::99                             0 0000.0000.0000  INCMP cameras")
        out["show ipv6 neighbor"] = "\n".join(lines)
    routes = _load(folder, "routes.json")
    if routes is not None:
        default = next((r["next_hop"] for r in routes if r["prefix"] == "0.0.0.0/0"), None)
        gateway = f"is {default} to network 0.0.0.0" if default else "is not set"
        lines = [ASA_CODES, "", f"Gateway of last resort {gateway}", ""]
        for group in _groups(routes):
            first = group[0]
            net = ipaddress.ip_network(first["prefix"])
            code = ASA_LETTER[first["protocol"]] + ("*" if net.prefixlen == 0 else "")
            head = f"{code:<8} {net.network_address} {net.netmask}"
            if first["next_hop"] is None:
                lines.append(f"{head} is directly connected, {first['interface']}")
                continue
            uptime = ", 1:02:03" if first["protocol"] == "ospf" else ""
            distance = ASA_DISTANCE[first["protocol"]]
            for i, r in enumerate(group):
                via = f"{distance} via {r['next_hop']}{uptime}, {r['interface']}"
                lines.append(f"{head} {via}" if i == 0 else f"{'':<25}{via}")
        out["show route"] = "\n".join(lines)
    return out


# -- FortiOS ------------------------------------------------------------------------------------

FORTI_CODES = """\
Codes: K - kernel, C - connected, S - static, R - RIP, B - BGP
       O - OSPF, IA - OSPF inter area
       N1 - OSPF NSSA external type 1, N2 - OSPF NSSA external type 2
       E1 - OSPF external type 1, E2 - OSPF external type 2
       i - IS-IS, L1 - IS-IS level-1, L2 - IS-IS level-2, ia - IS-IS inter area
       V - BGP VPNv4
       * - candidate default"""
FORTI_LETTER = {"static": "S", "connected": "C", "ospf": "O", "bgp": "B"}
FORTI_DISTANCE = {"static": "[10/0]", "ospf": "[110/2]", "bgp": "[20/0]"}


def fortinet(folder: Path) -> dict[str, str]:
    """``get system arp`` (ages in minutes), ``get router info routing-table all``."""
    out: dict[str, str] = {}
    arp = _load(folder, "arp.json")
    if arp is not None:
        lines = ["Address           Age(min)   Hardware Addr      Interface"]
        for e in arp:
            age = int(e["age"] // 60)
            lines.append(f"{e['ip']:<17} {age:<10} {e['mac'].lower()} {e['interface']}")
        out["get system arp"] = "\n".join(lines)
    routes = _load(folder, "routes.json")
    if routes is not None:
        lines = [FORTI_CODES, ""]
        vrf = None
        for group in _groups(routes):
            first = group[0]
            if first["vrf"] != vrf:
                vrf = first["vrf"]
                lines.append(f"Routing table for VRF={0 if vrf == 'default' else vrf}")
            net = ipaddress.ip_network(first["prefix"])
            code = FORTI_LETTER[first["protocol"]] + ("*" if net.prefixlen == 0 else "")
            head = f"{code:<7} {net}"
            if first["next_hop"] is None and first["interface"] == "Null":
                lines.append(f"{head} [10/0] is a summary, Null, [1/0]")
                continue
            if first["next_hop"] is None:
                lines.append(f"{head} is directly connected, {first['interface']}")
                continue
            uptime = ", 00:12:34" if first["protocol"] == "ospf" else ""
            distance = FORTI_DISTANCE[first["protocol"]]
            for i, r in enumerate(group):
                via = f"{distance} via {r['next_hop']}, {r['interface']}{uptime}, [1/0]"
                lines.append(f"{head} {via}" if i == 0 else f"{'':<18}{via}")
        out["get router info routing-table all"] = "\n".join(lines)
    return out


# -- PAN-OS -------------------------------------------------------------------------------------

INACTIVE = f"{'10.70.0.0/16':<43} {'10.10.0.4':<39} {'0':<6} {'?B':<10} 1030201{'':<20}0"
PAN_FLAGS = {"static": "A S", "connected": "A C", "h": "A H", "ospf": "A O2", "bgp": "A?B"}


def _own_address(prefix: str) -> str:
    """What PAN-OS prints as the next hop of a connected route: the firewall's own address."""
    return str(next(ipaddress.ip_network(prefix).hosts()))


def _pan_route(r: Entry) -> str:
    family = ipaddress.ip_network(r["prefix"]).version
    proto = r["protocol"]
    if proto == "connected":
        hop = _own_address(r["prefix"])
    elif proto == "h":
        hop = "0.0.0.0" if family == 4 else "::"
    elif r["interface"] == "discard":
        hop = "discard"
    else:
        hop = r["next_hop"]
    metric = {"static": "10", "ospf": "10", "bgp": ""}.get(proto, "0")
    age = {"ospf": "3474418", "bgp": "121661"}.get(proto, "")
    itf = "" if r["interface"] in (None, "discard") else r["interface"]
    next_as = "65213" if proto == "bgp" else ""
    line = (
        f"{r['prefix']:<43} {hop:<39} {metric:<6} {PAN_FLAGS[proto]:<10} {age:<5} "
        f"{itf:<18} {next_as}"
    )
    return line.rstrip()


def panos(folder: Path) -> dict[str, str]:
    """``show arp all``, ``show routing route`` (one section per virtual router),
    ``show lldp neighbors all``."""
    out: dict[str, str] = {}
    arp = _load(folder, "arp.json")
    if arp is not None:
        lines = [
            "",
            "maximum of entries supported :      2500",
            "default timeout:                    1800 seconds",
            f"total ARP entries in table :        {len(arp) + 1}",
            f"total ARP entries shown :           {len(arp) + 1}",
            "status: s - static, c - complete, e - expiring, i - incomplete",
            "",
            "interface         ip address      hw address        port              status   ttl",
            "-" * 80,
        ]
        for e in arp:
            port = e["interface"].split(".", 1)[0]
            lines.append(
                f"{e['interface']:<17} {e['ip']:<15} {e['mac'].lower()} {port:<17} c        1719"
            )
        lines.append(
            "ethernet1/3       10.20.0.99      (incomplete)      ethernet1/3       i        1"
        )
        out["show arp all"] = "\n".join(lines)
    routes = _load(folder, "routes.json")
    if routes is not None:
        lines = [
            "flags: A:active, ?:loose, C:connect, H:host, S:static, ~:internal, R:rip, O:ospf, "
            "B:bgp, ",
            "       Oi:ospf intra-area, Oo:ospf inter-area, O1:ospf ext-type-1, "
            "O2:ospf ext-type-2, E:ecmp, M:multicast",
            "",
        ]
        vrfs = list(dict.fromkeys(r["vrf"] for r in routes))
        for n, vrf in enumerate(vrfs, start=1):
            lines += [
                "",
                f"VIRTUAL ROUTER: {vrf} (id {n})",
                "  ==========",
                "destination                                 nexthop                          "
                "       metric flags      age   interface          next-AS",
            ]
            lines += [_pan_route(r) for r in routes if r["vrf"] == vrf]
            if n == 1:  # an inactive route: not in the forwarding table
                lines.append(INACTIVE)
        lines.append(f"total routes shown: {len(routes) + 1}")
        out["show routing route"] = "\n".join(lines)
    lldp = _load(folder, "lldp.json")
    if lldp is not None:
        lines = []
        for index, (local, neighbors) in enumerate(lldp.items(), start=20):
            for nb in neighbors:
                lines += [
                    "Local information:",
                    f"Index {index}",
                    f"Local interface: {local}",
                    f"Local Port ID: {index}",
                    "Neighbor information:",
                    "",
                    "Chassis type: MAC address",
                    "Chassis ID: 00:11:22:33:44:55",
                    "Port type: Interface name",
                    f"Port ID: {nb['port']}",
                    f"Port description: uplink to {local}",
                    "TTL: 105",
                    f"System name: {nb['hostname']}",
                    "System description: Lab switch",
                    "System capabilities:",
                    "Supported: B, R,",
                    "Enabled: B, R,",
                    "",
                ]
        out["show lldp neighbors all"] = "\n".join(lines)
    return out


RENDER = {"cisco_asa": asa, "fortinet": fortinet, "paloalto_panos": panos}
