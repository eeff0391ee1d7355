"""Interfaces from ``ip -d -j link`` and ``ip -j addr``.

- ``lo`` is a loopback; an interface without ``UP`` in its flags is shut down (no carrier is
  not: the kernel keeps using its addresses and routes).
- A bridge is the router interface (``svi``) of one layer-2 segment made of its ports. Its
  ports are access switchports in a per-device synthetic VLAN: the number in the bridge's name
  (``br20``, ``vlan20`` -> 20), which is how an SVI names its VLAN everywhere in segproof; the
  VLAN is declared, named after the bridge. A bridge whose name has no number, or the same
  number as another bridge, keeps its own segment as a routed interface and its ports join it
  as members (``channel_group``): the segment is right, but a host on it is located from its
  ARP entry or address rather than from the bridge's MAC table. A VLAN-aware bridge
  (``vlan_filtering 1``) is taken as one segment, and reported.
- A bond is a port-channel, its slaves its members; an 802.1Q device ``<parent>.<id>`` a
  routed subinterface; tunnels (GRE, IPIP, SIT, WireGuard, ...) tunnels; dummies and other
  virtual devices ``other``. Anything enslaved to a VRF device, or of a kind segproof does not
  know, is reported.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from typing import Literal

from agent.models.device import IfAddress, Interface, Source, Switchport, Vlan
from agent.vendors.linux.dump import IRRELEVANT, UNDERSTOOD, Books
from agent.vendors.linux.jsonpos import Obj, strings, text

Kind = Literal[
    "physical", "subinterface", "port-channel", "svi", "loopback", "null", "tunnel", "other"
]
_KIND: dict[str, Kind] = {
    "": "physical",
    "veth": "physical",
    "vxlan": "physical",
    "geneve": "physical",
    "gretap": "physical",
    "ip6gretap": "physical",
    "bridge": "svi",
    "bond": "port-channel",
    "team": "port-channel",
    "vlan": "subinterface",
    "gre": "tunnel",
    "ip6gre": "tunnel",
    "ipip": "tunnel",
    "sit": "tunnel",
    "ip6tnl": "tunnel",
    "vti": "tunnel",
    "vti6": "tunnel",
    "wireguard": "tunnel",
    "tun": "tunnel",
    "ppp": "tunnel",
    "xfrm": "tunnel",
    "erspan": "tunnel",
    "ip6erspan": "tunnel",
    "dummy": "other",
    "ifb": "other",
    "nlmon": "other",
}
_DIGITS = re.compile(r"\d")


@dataclass(slots=True)
class Links:
    interfaces: dict[str, Interface] = field(default_factory=dict)
    vlans: dict[int, Vlan] = field(default_factory=dict)
    bridges: dict[str, list[str]] = field(default_factory=dict)  # bridge -> its ports
    members: set[str] = field(default_factory=set)  # bridge ports and bond slaves: layer 2 only
    # bridges whose own nf_call_iptables / nf_call_ip6tables is set (br_netfilter per bridge)
    nf_call: list[tuple[str, Source]] = field(default_factory=list)


@dataclass(slots=True)
class _Draft:
    name: str
    obj: Obj
    info_kind: str
    master: str | None
    src: Source
    shutdown: bool
    ipv4: list[IfAddress] = field(default_factory=list)
    ipv6: list[IfAddress] = field(default_factory=list)


def link_text(obj: Obj) -> str:
    """The interface as ``ip link`` prints it, shortened: ``eth1: <UP,...> master br20``."""
    out = f"{text(obj, 'ifname')}: <{','.join(strings(obj, 'flags'))}>"
    if text(obj, "master"):
        out += f" master {text(obj, 'master')}"
    kind = _info(obj).get("info_kind")
    if isinstance(kind, str):
        out += f" type {kind}"
    return out


def _info(obj: Obj) -> dict[str, object]:
    info = obj.get("linkinfo")
    return info if isinstance(info, dict) else {}


def parse(links: list[Obj], addrs: list[Obj], books: Books) -> Links:
    out = Links()
    drafts: dict[str, _Draft] = {}
    for obj in links:
        name = text(obj, "ifname")
        if not name:
            books.unrecognized(obj.first, "interface", None, "interface without a name")
            continue
        kind = _info(obj).get("info_kind")
        master = text(obj, "master") or None
        drafts[name] = _Draft(
            name=name,
            obj=obj,
            info_kind=kind if isinstance(kind, str) else "",
            master=master,
            src=books.source(obj.line_of("ifname"), link_text(obj)),
            shutdown="UP" not in strings(obj, "flags"),
        )
        books.span(obj.first, obj.last, UNDERSTOOD)
    for obj in addrs:
        _addresses(obj, drafts, books)
    bridges = sorted(n for n, d in drafts.items() if d.info_kind == "bridge")
    vlan_of = _bridge_vlans(bridges)
    for name in bridges:
        out.bridges[name] = sorted(n for n, d in drafts.items() if d.master == name)
    for name, draft in drafts.items():
        itf = _interface(draft, drafts, vlan_of, out, books)
        if itf is not None:
            out.interfaces[name] = itf
    for name in bridges:
        vlan = vlan_of.get(name)
        if vlan is not None:
            out.vlans[vlan] = Vlan(id=vlan, name=name, src=drafts[name].src)
    return out


def _bridge_vlans(bridges: list[str]) -> dict[str, int]:
    """Bridge -> its synthetic VLAN: the number in its name, when it has one no other bridge
    of the device shares."""
    numbers: dict[int, list[str]] = {}
    for name in bridges:
        digits = "".join(_DIGITS.findall(name))
        if digits:
            numbers.setdefault(int(digits), []).append(name)
    return {names[0]: vlan for vlan, names in numbers.items() if len(names) == 1}


def _addresses(obj: Obj, drafts: dict[str, _Draft], books: Books) -> None:
    name = text(obj, "ifname")
    draft = drafts.get(name)
    if draft is None:
        books.unrecognized(obj.line_of("ifname"), "interface", name or None, "not in ip link")
        return
    books.span(obj.first, obj.last, IRRELEVANT)
    books.understood(obj.line_of("ifname"))
    info = obj.get("addr_info")
    for entry in info if isinstance(info, list) else []:
        if not isinstance(entry, Obj):
            continue
        family, local, plen = text(entry, "family"), text(entry, "local"), entry.get("prefixlen")
        line = entry.line_of("local")
        if family not in ("inet", "inet6") or not local or not isinstance(plen, int):
            books.unrecognized(line, "interface", name, "address not understood")
            continue
        try:
            iface = ipaddress.ip_interface(f"{local}/{plen}")
        except ValueError:
            books.unrecognized(line, "interface", name, "address not understood")
            continue
        books.span(entry.first, entry.last, UNDERSTOOD)
        word = "inet" if family == "inet" else "inet6"
        src = books.source(line, f"{word} {iface} dev {name}")
        link_local = text(entry, "scope") == "link" or iface.ip.is_link_local
        addr = IfAddress(
            address=str(iface),
            secondary=entry.get("secondary") is True,
            link_local=family == "inet6" and link_local,
            src=src,
        )
        (draft.ipv4 if family == "inet" else draft.ipv6).append(addr)


def _interface(
    draft: _Draft,
    drafts: dict[str, _Draft],
    vlan_of: dict[str, int],
    out: Links,
    books: Books,
) -> Interface | None:
    name, obj, info = draft.name, draft.obj, _info(draft.obj)
    line = draft.src.line
    kind: Kind = "loopback" if name == "lo" else _KIND.get(draft.info_kind, "other")
    if draft.info_kind == "vrf":
        books.unrecognized(line, "route", name, "VRF (l3mdev) devices not modelled")
    elif draft.info_kind not in _KIND and name != "lo":
        books.unrecognized(line, "interface", name, f"{draft.info_kind} devices not modelled")
    switchport: Switchport | None = None
    channel: str | None = None
    encapsulation: int | None = None
    master = drafts.get(draft.master) if draft.master else None
    if draft.master and master is None:
        books.unrecognized(line, "interface", name, f"master {draft.master} not in ip link")
    elif master is not None and master.info_kind == "vrf":
        books.unrecognized(line, "route", name, "VRF (l3mdev) devices not modelled")
    elif master is not None and master.info_kind == "bridge":
        out.members.add(name)
        vlan = vlan_of.get(master.name)
        if vlan is not None:
            switchport = Switchport(mode="access", access_vlan=vlan, src=draft.src)
        else:
            channel = master.name
            switchport = Switchport(mode="access", access_vlan=1, src=draft.src)
    elif master is not None and master.info_kind in ("bond", "team"):
        out.members.add(name)
        channel = master.name
    elif master is not None:
        books.unrecognized(line, "interface", name, f"enslaved to a {master.info_kind or '?'}")
    if name in out.members and [a for a in (*draft.ipv4, *draft.ipv6) if not a.link_local]:
        books.unrecognized(line, "interface", name, "address on a bridge port or bond slave")
    if kind == "svi":
        data = info.get("info_data")
        data = data if isinstance(data, dict) else {}
        if data.get("vlan_filtering") == 1:
            why = "VLAN-aware bridge (vlan_filtering 1): taken as one segment"
            books.unrecognized(line, "interface", name, why)
        if data.get("nf_call_iptables") == 1 or data.get("nf_call_ip6tables") == 1:
            out.nf_call.append((name, draft.src))
        if name not in vlan_of:
            kind = "physical"
    if kind == "subinterface":
        data = info.get("info_data")
        vid = data.get("id") if isinstance(data, dict) else None
        parent = text(obj, "link")
        if master is not None and master.info_kind == "bridge":
            # the parent's tagged frames join the bridge: not modelled. Reported on the parent
            # too: a link is made on the parent, and the segments it carries become uncertain
            why = f"802.1Q device {name} in bridge {master.name}: tagged frames not modelled"
            books.unrecognized(line, "interface", name, why)
            if parent:
                books.unrecognized(line, "interface", parent, why)
        elif isinstance(vid, int) and parent and name == f"{parent}.{vid}":
            encapsulation = vid
        else:
            why = "802.1Q device not named <parent>.<id>: its tagged frames are not modelled"
            books.unrecognized(line, "interface", name, why)
            kind = "other"
    alias = text(obj, "ifalias") or None
    return Interface(
        name=name,
        kind=kind,
        shutdown=draft.shutdown,
        description=alias,
        ipv4=[] if name in out.members else draft.ipv4,
        ipv6=[] if name in out.members else draft.ipv6,
        ipv6_enabled=bool(draft.ipv6) and name not in out.members,
        switchport=switchport,
        encapsulation_vlan=encapsulation,
        channel_group=channel,
        src=draft.src,
    )
