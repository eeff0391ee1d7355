"""Jinja filters: addresses, ports and protocols in each platform's notation.

Filters take typed values (``ipaddress`` networks, ints, ``Entry``/``Service``) and return text
built only from numbers, addresses and fixed keywords, so nothing a user typed passes through
them. Ports are always numeric (554, never ``rtsp``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from ipaddress import IPv4Network

from agent.errors import RenderError
from agent.render.model import (
    ICMP,
    ICMP6,
    PORT_PROTOCOLS,
    SCTP,
    TCP,
    UDP,
    Network,
    Port,
    outermost,
)
from agent.render.view import Entry, Service

MULTIPORT_MAX = 15  # xt_multiport: at most 15 ports, a range counts as two


def _full(net: Network) -> bool:
    return net.prefixlen == net.max_prefixlen


def is_any(net: Network) -> bool:
    return net.prefixlen == 0


def prefix(net: Network) -> str:
    """Canonical ``A/len`` (``10.30.0.10/32``, ``2001:db8::/64``)."""
    return str(net)


def netmask(net: Network) -> str:
    """``A M`` (``10.20.0.0 255.255.255.0``); IPv4 only."""
    if not isinstance(net, IPv4Network):
        raise RenderError(f"{net}: a netmask exists only for IPv4")
    return f"{net.network_address} {net.netmask}"


def wildcard(net: Network) -> str:
    """IOS ACE address: ``any``, ``host A``, ``A W`` (IPv4 wildcard) or ``A/len`` (IPv6)."""
    if is_any(net):
        return "any"
    if _full(net):
        return f"host {net.network_address}"
    if isinstance(net, IPv4Network):
        return f"{net.network_address} {net.hostmask}"
    return str(net)


def asa_addr(net: Network) -> str:
    """ASA ACE address: ``any4``/``any6``, ``host A``, ``A M`` (IPv4) or ``A/len`` (IPv6)."""
    if is_any(net):
        return "any4" if net.version == 4 else "any6"
    if _full(net):
        return f"host {net.network_address}"
    return netmask(net) if isinstance(net, IPv4Network) else str(net)


def asa_member(net: Network) -> str:
    """ASA ``network-object`` member: ``host A``, ``A M`` (IPv4) or ``A/len`` (IPv6)."""
    if _full(net):
        return f"host {net.network_address}"
    return netmask(net) if isinstance(net, IPv4Network) else str(net)


def nxos_addr(net: Network) -> str:
    """NX-OS ACE address: ``any`` or ``A/len`` (hosts too: ``10.30.0.10/32``)."""
    return "any" if is_any(net) else str(net)


def eos_addr(net: Network) -> str:
    """EOS ACE address: ``any``, ``host A`` or ``A/len``."""
    if is_any(net):
        return "any"
    return f"host {net.network_address}" if _full(net) else str(net)


def addr_range(net: Network) -> str:
    """``first-last`` address of a prefix (``10.20.0.0-10.20.0.255``)."""
    return f"{net.network_address}-{net.broadcast_address}"


def nft_addrs(nets: Sequence[Network]) -> str:
    """nft address or anonymous set: ``10.30.0.10``, ``10.0.0.0/16``, ``{ a, b }``."""
    items = [str(n.network_address) if _full(n) else str(n) for n in outermost(nets)]
    return items[0] if len(items) == 1 else "{ " + ", ".join(items) + " }"


def acl_port(port: Port | None) -> str:
    """Cisco-family port operator with a leading space: `` eq 554``, `` range 1000 2000``."""
    if port is None:
        return ""
    lo, hi = port
    return f" eq {lo}" if lo == hi else f" range {lo} {hi}"


def junos_port(port: Port) -> str:
    lo, hi = port
    return str(lo) if lo == hi else f"{lo}-{hi}"


def nft_ports(ports: Sequence[Port]) -> str:
    items = [junos_port(p) for p in ports]
    return items[0] if len(items) == 1 else "{ " + ", ".join(items) + " }"


def pan_ports(ports: Sequence[Port]) -> str:
    return ",".join(junos_port(p) for p in ports) if ports else "1-65535"


def multiport_chunks(ports: Sequence[Port]) -> list[list[Port]]:
    """``ports`` cut into groups that fit one ``-m multiport`` (15 ports, a range counts 2)."""
    chunks: list[list[Port]] = []
    weight = MULTIPORT_MAX
    for lo, hi in ports:
        cost = 1 if lo == hi else 2
        if weight + cost > MULTIPORT_MAX:
            chunks.append([])
            weight = 0
        chunks[-1].append((lo, hi))
        weight += cost
    return chunks


def acl_icmp(entry: Entry) -> str:
    """Cisco-family ICMP type/code suffix with a leading space: `` 8``, `` 8 0`` or empty."""
    if entry.icmp_type is None:
        return ""
    code = f" {entry.icmp_code}" if entry.icmp_code is not None else ""
    return f" {entry.icmp_type}{code}"


_ANY = {4: "ip", 6: "ipv6"}
_CISCO = {TCP: "tcp", UDP: "udp", ICMP: "icmp", ICMP6: "icmp"}
_PROTO: dict[str, dict[int, str]] = {
    "cisco_ios": _CISCO,
    "cisco_nxos": _CISCO,
    "arista_eos": {**_CISCO, ICMP6: "icmpv6"},
    "cisco_asa": {TCP: "tcp", UDP: "udp", SCTP: "sctp", ICMP: "icmp", ICMP6: "icmp6"},
    "juniper_junos": {TCP: "tcp", UDP: "udp", SCTP: "sctp", ICMP: "icmp", ICMP6: "icmp6"},
    "linux": {TCP: "tcp", UDP: "udp", SCTP: "sctp", ICMP: "icmp", ICMP6: "ipv6-icmp"},
}


def proto(entry: Entry, platform: str) -> str:
    """The protocol keyword of ``platform`` (a number when it has none)."""
    if entry.protocol is None:
        return "ip" if platform == "cisco_asa" else _ANY[entry.family]
    return _PROTO[platform].get(entry.protocol, str(entry.protocol))


def nft_match(entry: Entry) -> str:
    """The layer-4 part of an nft rule (empty for any protocol), with a trailing space."""
    p = entry.protocol
    if p is None:
        return ""
    if p in PORT_PROTOCOLS and (entry.dst_ports or entry.src_ports):
        word = _PROTO["linux"][p]
        parts = []
        if entry.src_ports:
            parts.append(f"{word} sport {nft_ports(entry.src_ports)}")
        if entry.dst_ports:
            parts.append(f"{word} dport {nft_ports(entry.dst_ports)}")
        return " ".join(parts) + " "
    if p in (ICMP, ICMP6) and entry.icmp_type is not None:
        word = "icmp" if p == ICMP else "icmpv6"
        code = f" {word} code {entry.icmp_code}" if entry.icmp_code is not None else ""
        return f"{word} type {entry.icmp_type}{code} "
    return f"meta l4proto {_PROTO['linux'].get(p, str(p))} "


def _ipt_range(port: Port) -> str:
    lo, hi = port
    return str(lo) if lo == hi else f"{lo}:{hi}"


def ipt_matches(entry: Entry) -> list[str]:
    """The protocol part of each iptables line this entry needs (one string per line; a single
    empty string for any protocol). multiport lists are cut at 15 ports."""
    p = entry.protocol
    if p is None:
        return [""]
    word = _PROTO["linux"].get(p, str(p))
    if p in (ICMP, ICMP6):
        if entry.icmp_type is None:
            return [f"-p {word} "]
        code = f"/{entry.icmp_code}" if entry.icmp_code is not None else ""
        if p == ICMP:
            return [f"-p icmp -m icmp --icmp-type {entry.icmp_type}{code} "]
        return [f"-p ipv6-icmp -m icmp6 --icmpv6-type {entry.icmp_type}{code} "]
    if p not in PORT_PROTOCOLS or not (entry.dst_ports or entry.src_ports):
        return [f"-p {word} "]

    def specs(ports: tuple[Port, ...], flag: str) -> list[str]:
        if not ports:
            return [""]
        if len(ports) == 1:
            return [f"-m {word} --{flag} {_ipt_range(ports[0])} "]
        return [
            f"-m multiport --{flag}s {','.join(_ipt_range(x) for x in chunk)} "
            for chunk in multiport_chunks(ports)
        ]

    return [
        f"-p {word} {s}{d}"
        for s in specs(entry.src_ports, "sport")
        for d in specs(entry.dst_ports, "dport")
    ]


def junos_protocol_word(entry: Entry | Service) -> str:
    assert entry.protocol is not None
    return _PROTO["juniper_junos"].get(entry.protocol, str(entry.protocol))


def srx_application(service: Service) -> list[str]:
    """The statements after ``set applications application NAME`` for ``service``."""
    word = junos_protocol_word(service)
    if service.protocol in (ICMP, ICMP6):
        kw = "icmp" if service.protocol == ICMP else "icmp6"
        line = f"protocol {word}"
        if service.icmp_type is not None:
            line += f" {kw}-type {service.icmp_type}"
            if service.icmp_code is not None:
                line += f" {kw}-code {service.icmp_code}"
        return [line]
    if service.protocol not in PORT_PROTOCOLS:
        return [f"protocol {word}"]
    dst = service.dst_ports or ((0, 65535),)
    src = service.src_ports or (None,)
    terms = [(d, s) for d in dst for s in src]
    lines = []
    for index, (d, s) in enumerate(terms, start=1):
        head = f"term t{index} " if len(terms) > 1 else ""
        line = f"{head}protocol {word} destination-port {junos_port(d)}"
        if s is not None:
            line += f" source-port {junos_port(s)}"
        lines.append(line)
    return lines


def forti_service(service: Service) -> list[str]:
    """The ``set`` lines of a FortiOS ``config firewall service custom`` entry."""
    if service.protocol in (ICMP, ICMP6):
        lines = [f"set protocol {'ICMP' if service.protocol == ICMP else 'ICMP6'}"]
        if service.icmp_type is not None:
            lines.append(f"set icmptype {service.icmp_type}")
            if service.icmp_code is not None:
                lines.append(f"set icmpcode {service.icmp_code}")
        return lines
    if service.protocol not in PORT_PROTOCOLS:
        return ["set protocol IP", f"set protocol-number {service.protocol}"]
    word = {TCP: "tcp", UDP: "udp", SCTP: "sctp"}[service.protocol]
    dst = service.dst_ports or ((1, 65535),)
    src = service.src_ports or (None,)
    ranges = [
        junos_port(d) + (f":{junos_port(s)}" if s is not None else "") for d in dst for s in src
    ]
    return ["set protocol TCP/UDP/SCTP", f"set {word}-portrange {' '.join(ranges)}"]


def l4_word(protocol: int) -> str:
    """``tcp``, ``udp`` or ``sctp`` for a port protocol."""
    words = {TCP: "tcp", UDP: "udp", SCTP: "sctp"}
    if protocol not in words:
        raise RenderError(f"protocol {protocol} has no ports")
    return words[protocol]


def quoted(names: Sequence[str]) -> str:
    """``"a" "b"``: FortiOS name lists (names are checked tokens, never containing quotes)."""
    return " ".join(f'"{n}"' for n in names)


# PAN-OS matches ICMP and non-port protocols by App-ID, not by service
_PAN_APPS = {47: "gre", 50: "ipsec-esp", 89: "ospf"}


def pan_application(entry: Entry) -> str:
    p = entry.protocol
    if p is None or p in PORT_PROTOCOLS:
        return "any"
    if p in (ICMP, ICMP6):
        echo = 8 if p == ICMP else 128
        if entry.icmp_type is None:
            return "icmp" if p == ICMP else "ipv6-icmp"
        if entry.icmp_type == echo and entry.icmp_code in (None, 0):
            return "ping"
        raise RenderError(
            f"paloalto_panos: a security rule cannot match ICMP type {entry.icmp_type}; "
            "allow icmp (every type) or icmp/8 (ping)"
        )
    if p in _PAN_APPS:
        return _PAN_APPS[p]
    raise RenderError(f"paloalto_panos: no application matches IP protocol {p}")


FILTERS: dict[str, Callable[..., object]] = {
    "is_any": is_any,
    "prefix": prefix,
    "netmask": netmask,
    "wildcard": wildcard,
    "ios_addr": wildcard,
    "asa_addr": asa_addr,
    "asa_member": asa_member,
    "nxos_addr": nxos_addr,
    "eos_addr": eos_addr,
    "addr_range": addr_range,
    "nft_addrs": nft_addrs,
    "acl_port": acl_port,
    "junos_port": junos_port,
    "nft_ports": nft_ports,
    "pan_ports": pan_ports,
    "port_list": pan_ports,
    "multiport_chunks": multiport_chunks,
    "acl_icmp": acl_icmp,
    "proto": proto,
    "nft_match": nft_match,
    "ipt_matches": ipt_matches,
    "junos_protocol": junos_protocol_word,
    "srx_application": srx_application,
    "forti_service": forti_service,
    "pan_application": pan_application,
    "l4_word": l4_word,
    "quoted": quoted,
}
