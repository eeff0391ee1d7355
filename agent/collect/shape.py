"""TextFSM rows (ntc-templates, as netmiko returns them) -> the NAPALM shapes of a snapshot.

Which TextFSM field feeds which NAPALM key is data (``fields`` in ``collect.yaml``); this module
only normalises values: MACs as ``AA:BB:CC:DD:EE:FF``, ages in seconds (``-1.0`` unknown or
static), VLANs as integers, the first interface of an EOS ``Vlan21, Ethernet3``.
"""

from __future__ import annotations

import ipaddress
import json
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


# route codes of IOS/NX-OS/EOS `show ip route` (ntc-templates keep the letters)
_PROTOCOLS = {
    "c": "connected",
    "l": "local",
    "s": "static",
    "o": "ospf",
    "b": "bgp",
    "d": "eigrp",
    "r": "rip",
    "i": "isis",
    "e": "egp",
    "m": "mobile",
    "u": "static",
    "a": "aggregate",
    "nd": "ndp",
    "ne": "ndp",
    "oi": "ospf",
    "ox": "ospf",
    "lc": "local",
    "ospf": "ospf",
    "bgp": "bgp",
    "static": "static",
    "connected": "connected",
    "kernel": "kernel",
    # NX-OS and FortiOS / PAN-OS words
    "direct": "connected",
    "local": "local",
    "eigrp": "eigrp",
    "isis": "isis",
    "rip": "rip",
    "hsrp": "local",
    "vrrp": "local",
    "am": "local",  # NX-OS adjacency manager: hosts learned by ARP, on a connected subnet
}


def to_protocol(code: str) -> str:
    """``O IA``/``O E2``/``B E``/``S*``/``ospf-2`` -> ``ospf``/``bgp``/``static``; the first word
    decides. Unknown codes are kept (lower case): fib.py treats them as dynamic routes."""
    word = code.strip().lower().rstrip("*").split(" ", 1)[0].split("-", 1)[0]
    if not word:
        return ""
    if word in _PROTOCOLS:
        return _PROTOCOLS[word]
    # a short code whose first letter is the protocol (IOS ``OE2``, ``D EX``); a longer word
    # is a protocol name of its own, kept as it is (dynamic for the verifier)
    return _PROTOCOLS.get(word[:1], word) if len(word) <= 3 else word


def _routes(rows: list[Row], f: dict[str, str]) -> JsonValue:
    """One entry per (prefix, next hop, interface): ECMP routes give several entries."""
    out: list[dict[str, object]] = []
    for row in rows:
        network = _text(row, f.get("network"))
        length = _text(row, f.get("length"))
        if not network:
            continue
        prefix = f"{network}/{length}" if length and "/" not in network else network
        try:
            prefix = str(ipaddress.ip_network(prefix, strict=False))
        except ValueError:
            continue  # a header or a summary line the template let through
        hops = row.get(f.get("next_hop", ""), "")
        itfs = row.get(f.get("interface", ""), "")
        hop_list = hops if isinstance(hops, list) else [hops]
        itf_list = itfs if isinstance(itfs, list) else [itfs]
        count = max(len(hop_list), len(itf_list), 1)
        vrf = _text(row, f.get("vrf")) or "default"
        for i in range(count):
            hop = str(hop_list[i] if i < len(hop_list) else "").strip()
            itf = str(itf_list[i] if i < len(itf_list) else "").strip()
            if hop.lower() in ("connected", "directly"):
                hop = ""
            try:
                hop = str(ipaddress.ip_address(hop)) if hop else ""
            except ValueError:
                hop = ""  # not an address (an interface name in the next-hop column)
            protocol = to_protocol(_text(row, f.get("protocol")))
            if protocol in ("connected", "local"):
                hop = ""  # NX-OS names the router's own address as a connected route's hop
            out.append(
                {
                    "vrf": vrf,
                    "prefix": prefix,
                    "protocol": protocol,
                    "next_hop": hop or None,
                    "interface": itf.split(",", 1)[0].strip() or None,
                }
            )
    return out


SHAPERS: dict[str, Callable[[list[Row], dict[str, str]], JsonValue]] = {
    "arp": _arp,
    "ndp": _arp,
    "mac": _mac,
    "lldp": _lldp,
    "routes": _routes,
}


# -- JSON answers (Linux ``ip -j``, ``bridge -j``) ----------------------------------------------


def _rows(value: object) -> list[dict[str, object]]:
    if not isinstance(value, list) or not all(isinstance(r, dict) for r in value):
        raise ValueError("answer is not a JSON list of objects")
    return value


def _ip_neigh(value: object) -> JsonValue:
    """``ip -j neigh``: entries without a link-layer address (FAILED, INCOMPLETE) are dropped."""
    out: list[dict[str, object]] = []
    for row in _rows(value):
        mac, dst = row.get("lladdr"), row.get("dst")
        if not isinstance(mac, str) or not isinstance(dst, str):
            continue
        states = row.get("state") or []
        state = states[0] if isinstance(states, list) and states else ""
        out.append(
            {
                "interface": str(row.get("dev", "")),
                "mac": to_mac(mac),
                "ip": dst,
                "age": -1.0,
                "state": str(state),
            }
        )
    return out


def _bridge_fdb(value: object) -> JsonValue:
    """``bridge -j fdb show``: learned entries of bridge ports. The kernel's own entries
    (``permanent``: the port's own MAC, multicast groups) and ``self`` entries of a port
    without a bridge are not hosts."""
    out: list[dict[str, object]] = []
    for row in _rows(value):
        mac = row.get("mac")
        if not isinstance(mac, str) or not row.get("master") or row.get("state") == "permanent":
            continue
        if int(re.sub(r"[^0-9a-fA-F]", "", mac)[:2] or "0", 16) & 1:
            continue  # group address
        vlan = row.get("vlan", 0)
        out.append(
            {
                "mac": to_mac(mac),
                "interface": str(row.get("ifname", row.get("dev", ""))),
                "vlan": vlan if isinstance(vlan, int) else 0,
                "static": row.get("state") == "static",
                "active": True,
                "moves": -1,
                "last_move": -1.0,
            }
        )
    return out


JSON: dict[str, Callable[[object], JsonValue]] = {"ip_neigh": _ip_neigh, "bridge_fdb": _bridge_fdb}


def from_json(text: str, command: Command) -> JsonValue:
    """A JSON answer mapped by its ``json_shape``; ``ValueError`` when it is not JSON."""
    body = text.strip()
    if not body:
        return empty(command)
    try:
        value = json.loads(body)
    except json.JSONDecodeError as exc:
        raise ValueError(f"answer is not JSON ({exc.msg}, line {exc.lineno})") from None
    return JSON[command.json_shape or ""](value)


def merge(old: JsonValue | None, new: JsonValue) -> JsonValue:
    """Two answers for the same file (``show ip route`` and ``show ip route vrf *``)."""
    if old is None:
        return new
    if isinstance(old, list) and isinstance(new, list):
        seen = {json.dumps(e, sort_keys=True) for e in old}
        return old + [e for e in new if json.dumps(e, sort_keys=True) not in seen]
    if isinstance(old, dict) and isinstance(new, dict):
        merged = dict(old)
        for k, v in new.items():
            merged[k] = merged.get(k, []) + v
        return merged
    raise ValueError("two answers of different shapes for one file")


def run(rows: list[Row], command: Command) -> JsonValue:
    return SHAPERS[command.kind](rows, command.fields)


def empty(command: Command) -> JsonValue:
    return {} if command.kind == "lldp" else []


_ROUTE_LINE = re.compile(
    # IOS / EOS / ASA: a route code, then the network
    r"^\s{0,2}[A-Za-z][\w*]{0,3}(?: [\w*]{1,3})?\s+"
    r"(\d+\.\d+\.\d+\.\d+|[0-9A-Fa-f]*:[0-9A-Fa-f:]*)(?:/\d+)?[\s,\[]"
    # NX-OS: the network first, then its best-path counts
    r"|^(\d+\.\d+\.\d+\.\d+|[0-9A-Fa-f]*:[0-9A-Fa-f:]*)/\d+, ubest/mbest"
)


def missed_routes(text: str, value: JsonValue) -> list[str]:
    """Networks that start a route line of ``text`` but are in no parsed entry: a template
    that skips a route would make a collected table look complete when it is not."""
    parsed: set[str] = set()
    for entry in value if isinstance(value, list) else []:
        prefix = str(entry.get("prefix", ""))
        parsed.add(str(ipaddress.ip_network(prefix, strict=False).network_address))
    missed: list[str] = []
    for line in text.splitlines():
        m = _ROUTE_LINE.match(line + " ")
        if not m:
            continue
        try:
            address = str(ipaddress.ip_address(m.group(1) or m.group(2)))
        except ValueError:
            continue
        if address not in parsed and address not in missed:
            missed.append(address)
    return missed
