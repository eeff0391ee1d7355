"""State tables of the synthetic campus as NAPALM returns them: ``arp`` (get_arp_table), ``mac``
(get_mac_address_table) and ``lldp`` (get_lldp_neighbors, both ends of every link)."""

from __future__ import annotations

from typing import Any

from tests.bench.configs import DC_SUBNETS, abbrev, routed_ports, svis
from tests.bench.model import MGMT_VLAN, Access, Building, Campus

FW_MAC = "B4:0C:25:E0:10:11"  # Palo Alto Networks
EOS_LAST_MOVE = 1763372100.0

Tables = dict[str, Any]


def _mac(mac: str, interface: str, vlan: int, eos: bool) -> dict[str, Any]:
    return {
        "mac": mac,
        "interface": interface,
        "vlan": vlan,
        "static": False,
        "active": True,
        "moves": 1 if eos else -1,
        "last_move": EOS_LAST_MOVE if eos else -1.0,
    }


def _arp(interface: str, mac: str, ip: str, age: float) -> dict[str, Any]:
    return {"interface": interface, "mac": mac, "ip": ip, "age": age}


def _lldp_port(platform: str, name: str) -> str:
    return name if platform == "arista_eos" else abbrev(name)


def _access(acc: Access, bld: Building) -> Tables:
    """Edge ports, then what the uplink trunk learns: the distribution's SVIs and the hosts
    and management addresses of the building's other access switches."""
    mac = [_mac(ep.mac, abbrev(ep.port), ep.vlan, False) for ep in acc.endpoints]
    up = abbrev(acc.uplink)
    mac += [_mac(bld.mac, up, vid, False) for vid in bld.vlans]
    for other in bld.accesses:
        if other is not acc:
            mac.append(_mac(other.mac, up, MGMT_VLAN, False))
            mac += [_mac(ep.mac, up, ep.vlan, False) for ep in other.endpoints]
    gateway = str(bld.mgmt.network_address + 1)
    neighbour = {"hostname": bld.dist, "port": _lldp_port(bld.platform, acc.dist_port)}
    return {
        "arp": [_arp("Vlan99", acc.mac, acc.mgmt_ip, -1.0), _arp("Vlan99", bld.mac, gateway, 0.0)],
        "mac": mac,
        "lldp": {acc.uplink: [neighbour]},
    }


def _dist(bld: Building, campus: Campus) -> Tables:
    eos = bld.platform == "arista_eos"
    arp = [
        _arp(f"Vlan{vid}", bld.mac, str(net.network_address + 1), -1.0)
        for vid, net, *_ in svis(bld)
    ]
    mac = []
    lldp: dict[str, list[dict[str, str]]] = {}
    k = 0
    for acc in bld.accesses:
        down = acc.dist_port if eos else abbrev(acc.dist_port)
        lldp[acc.dist_port] = [{"hostname": acc.name, "port": abbrev(acc.uplink)}]
        arp.append(_arp("Vlan99", acc.mac, acc.mgmt_ip, float(k % 17)))
        mac.append(_mac(acc.mac, down, MGMT_VLAN, eos))
        for ep in acc.endpoints:
            k += 1
            arp.append(_arp(f"Vlan{ep.vlan}", ep.mac, ep.ip, float(k % 29)))
            mac.append(_mac(ep.mac, down, ep.vlan, eos))
    for u in routed_ports(campus.links, bld.dist):
        arp.append(_arp(u.name, campus.macs[u.peer], u.peer_ip, float(k % 7)))
        port = _lldp_port(campus.platform(u.peer), u.peer_port)
        lldp[u.name] = [{"hostname": u.peer, "port": port}]
    return {"arp": arp, "mac": mac, "lldp": lldp}


def _routed(name: str, campus: Campus, arp: list[dict[str, Any]]) -> Tables:
    """ARP and LLDP of the routed links of a core or of the DC switch."""
    lldp: dict[str, list[dict[str, str]]] = {}
    for i, u in enumerate(routed_ports(campus.links, name)):
        arp.append(_arp(u.name, campus.macs[name], u.ip, -1.0))
        arp.append(_arp(u.name, campus.macs.get(u.peer, FW_MAC), u.peer_ip, float(i % 23)))
        port = u.peer_port if u.peer == "fw1" else _lldp_port(campus.platform(u.peer), u.peer_port)
        lldp[u.name] = [{"hostname": u.peer, "port": port}]
    return {"arp": arp, "lldp": lldp}


def _dc(campus: Campus) -> Tables:
    own = campus.macs["dc1"]
    arp = [
        _arp(f"Vlan{vid}", own, str(net.network_address + 1), -1.0)
        for vid, net in DC_SUBNETS.items()
    ]
    eps = campus.dc_endpoints
    arp += [_arp(f"Vlan{ep.vlan}", ep.mac, ep.ip, float(i % 11)) for i, ep in enumerate(eps)]
    tables = _routed("dc1", campus, arp)
    tables["mac"] = [_mac(ep.mac, abbrev(ep.port), ep.vlan, False) for ep in eps]
    return tables


def tables(campus: Campus) -> dict[str, Tables]:
    out: dict[str, Tables] = {}
    for name in ("core1", "core2"):
        out[name] = {**_routed(name, campus, []), "mac": []}
    out["dc1"] = _dc(campus)
    for bld in campus.buildings:
        out[bld.dist] = _dist(bld, campus)
        for acc in bld.accesses:
            out[acc.name] = _access(acc, bld)
    return out
