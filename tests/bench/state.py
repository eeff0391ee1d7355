"""State tables of the synthetic campus, as NAPALM returns them: ``arp`` (get_arp_table), ``mac``
(get_mac_address_table) and ``lldp`` (get_lldp_neighbors), for every device."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.bench.configs import DC_SUBNETS, abbrev, routed_ports, svis

if TYPE_CHECKING:
    from tests.bench.generate import Access, Building, Campus, Endpoint

FW_MAC = "B4:0C:25:E0:10:11"  # Palo Alto Networks
EOS_LAST_MOVE = 1763372100.0

Tables = dict[str, Any]


def _mac_row(mac: str, interface: str, vlan: int, eos: bool) -> dict[str, Any]:
    return {
        "mac": mac,
        "interface": interface,
        "vlan": vlan,
        "static": False,
        "active": True,
        "moves": 1 if eos else -1,
        "last_move": EOS_LAST_MOVE if eos else -1.0,
    }


def _arp_row(interface: str, mac: str, ip: str, age: float) -> dict[str, Any]:
    return {"interface": interface, "mac": mac, "ip": ip, "age": age}


def _lldp_port(platform: str, name: str) -> str:
    return name if platform == "arista_eos" else abbrev(name)


def _platform(campus: Campus, device: str) -> str:
    for bld in campus.buildings:
        if bld.dist == device:
            return bld.platform
    return "cisco_ios"


def _access(acc: Access, bld: Building) -> Tables:
    vlans = [20, 40, *([50] if bld.printers is not None else []), 99]
    mac = [_mac_row(ep.mac, abbrev(ep.port), ep.vlan, False) for ep in acc.endpoints]
    up = abbrev(acc.uplink)
    mac += [_mac_row(bld.mac, up, vid, False) for vid in vlans]
    for other in bld.accesses:
        if other is acc:
            continue
        mac.append(_mac_row(other.mac, up, 99, False))
        mac += [_mac_row(ep.mac, up, ep.vlan, False) for ep in other.endpoints]
    gateway = str(bld.mgmt.network_address + 1)
    return {
        "arp": [
            _arp_row("Vlan99", acc.mac, acc.mgmt_ip, -1.0),
            _arp_row("Vlan99", bld.mac, gateway, 0.0),
        ],
        "mac": mac,
        "lldp": {
            acc.uplink: [{"hostname": bld.dist, "port": _lldp_port(bld.platform, acc.dist_port)}]
        },
    }


def _dist(bld: Building, campus: Campus) -> Tables:
    eos = bld.platform == "arista_eos"
    arp = [
        _arp_row(f"Vlan{vid}", bld.mac, str(net.network_address + 1), -1.0)
        for vid, net, _d, _a in svis(bld)
    ]
    mac = []
    lldp: dict[str, list[dict[str, str]]] = {}
    k = 0
    for acc in bld.accesses:
        down = acc.dist_port if eos else abbrev(acc.dist_port)
        lldp[acc.dist_port] = [{"hostname": acc.name, "port": abbrev(acc.uplink)}]
        arp.append(_arp_row("Vlan99", acc.mac, acc.mgmt_ip, float(k % 17)))
        mac.append(_mac_row(acc.mac, down, 99, eos))
        for ep in acc.endpoints:
            k += 1
            arp.append(_arp_row(f"Vlan{ep.vlan}", ep.mac, ep.ip, float(k % 29)))
            mac.append(_mac_row(ep.mac, down, ep.vlan, eos))
    for u in routed_ports(campus.links, bld.dist):
        arp.append(_arp_row(u.name, campus.macs[u.peer], u.peer_ip, float(k % 7)))
        lldp[u.name] = [
            {"hostname": u.peer, "port": _lldp_port(_platform(campus, u.peer), u.peer_port)}
        ]
    return {"arp": arp, "mac": mac, "lldp": lldp}


def _routed(name: str, campus: Campus, extra_arp: list[dict[str, Any]]) -> Tables:
    arp = list(extra_arp)
    lldp: dict[str, list[dict[str, str]]] = {}
    for i, u in enumerate(routed_ports(campus.links, name)):
        arp.append(_arp_row(u.name, campus.macs[name], u.ip, -1.0))
        arp.append(_arp_row(u.name, campus.macs.get(u.peer, FW_MAC), u.peer_ip, float(i % 23)))
        port_text = (
            u.peer_port if u.peer == "fw1" else _lldp_port(_platform(campus, u.peer), u.peer_port)
        )
        lldp[u.name] = [{"hostname": u.peer, "port": port_text}]
    return {"arp": arp, "lldp": lldp}


def _dc(campus: Campus, eps: list[Endpoint]) -> Tables:
    gw = {vid: text.rsplit(".", 1)[0] + ".1" for vid, text in DC_SUBNETS.items()}
    arp = [_arp_row(f"Vlan{vid}", campus.macs["dc1"], ip, -1.0) for vid, ip in gw.items()]
    arp += [_arp_row(f"Vlan{ep.vlan}", ep.mac, ep.ip, float(i % 11)) for i, ep in enumerate(eps)]
    tables = _routed("dc1", campus, arp)
    tables["mac"] = [_mac_row(ep.mac, abbrev(ep.port), ep.vlan, False) for ep in eps]
    return tables


def tables(campus: Campus) -> dict[str, Tables]:
    out: dict[str, Tables] = {}
    for name in ("core1", "core2"):
        out[name] = {**_routed(name, campus, []), "mac": []}
    out["dc1"] = _dc(campus, campus.dc_endpoints)
    for bld in campus.buildings:
        out[bld.dist] = _dist(bld, campus)
        for acc in bld.accesses:
            out[acc.name] = _access(acc, bld)
    return out
