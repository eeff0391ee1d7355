"""``interface`` blocks.

Addresses: ``ip address A M [secondary]`` (IOS) and ``ip address A/len [secondary]`` (EOS, also
accepted on IOS); ``ip address virtual A/len`` (EOS anycast gateway) is the interface address.
``ip address dhcp``/``negotiated`` and ``ip unnumbered`` are unrecognised (the address is not in
the configuration). IPv6: ``X/len``, ``X link-local`` (stored as ``X/64`` with ``link_local``),
and ``P/64 eui-64``, stored as the prefix with host bits zero (``2001:db8:1::/64``): the engine
needs the subnet; the host part is derived from the MAC and not known here.

Switchports: see ``build`` for the IOS and EOS defaults.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from agent.models.device import (
    AclBinding,
    IfAddress,
    Interface,
    Relay,
    Source,
    Switchport,
    vlan_ranges,
)
from agent.vendors.ioslike import addr
from agent.vendors.ioslike.blocks import Node
from agent.vendors.ioslike.context import Ctx
from agent.vendors.ioslike.irrelevant import is_irrelevant_interface
from agent.vendors.ioslike.names import canonical, is_ethernet, kind_of, port_channel
from agent.vendors.ioslike.switchport import ALL_VLANS, Mode, SwitchportDraft, apply


@dataclass(slots=True)
class IfDraft:
    name: str
    kind: str
    header: Node
    src: Source
    shutdown: bool = False
    description: str | None = None
    vrf: str = "default"
    ipv4: list[IfAddress] = field(default_factory=list)
    ipv6: list[IfAddress] = field(default_factory=list)
    ipv6_enabled: bool = False
    sw: SwitchportDraft = field(default_factory=SwitchportDraft)
    sw_sources: dict[int, Source] = field(default_factory=dict)
    encapsulation_vlan: int | None = None
    channel_group: str | None = None
    bindings: dict[str, AclBinding] = field(default_factory=dict)
    routing: list[str] = field(default_factory=list)
    relays: list[Relay] = field(default_factory=list)


_UNREC_WHY: dict[tuple[str, ...], str] = {
    ("ip", "nat"): "NAT not modelled",
    ("ip", "policy"): "policy-based routing not modelled",
    ("ipv6", "policy"): "policy-based routing not modelled",
    ("ip", "verify", "unicast"): "unicast RPF not modelled",
    ("ipv6", "verify", "unicast"): "unicast RPF not modelled",
    ("ip", "unnumbered"): "unnumbered interface: address borrowed; not modelled",
    ("ip", "directed-broadcast"): "directed broadcast forwarding not modelled",
    ("zone-member",): "zone-based firewall not modelled",
    ("service-policy",): "service-policy not modelled",
    ("traffic-policy",): "traffic-policy not modelled",
    ("mac", "access-group"): "MAC access list not modelled",
    ("tunnel",): "tunnel not modelled",
    ("vxlan",): "VXLAN not modelled",
}


def parse(node: Node, ctx: Ctx, drafts: dict[str, IfDraft]) -> None:
    """Read one ``interface NAME`` block into ``drafts`` (a repeated block extends it)."""
    tally = ctx.tally
    raw = node.text.split(None, 1)[1] if " " in node.text else ""
    if raw == "defaults":
        tally.irrelevant_tree(node)
        return
    parts = raw.split()
    if not parts or len(parts) > 2 or (len(parts) == 2 and not parts[1][:1].isdigit()):
        tally.unrecognized_tree(node, "interface", raw or None, "unrecognised interface name")
        return
    name = canonical(raw, ctx.eos)
    draft = drafts.get(name)
    if draft is None:
        draft = IfDraft(name, kind_of(name), node, tally.source(node))
        drafts[name] = draft
    tally.understood(node)
    for child in node.children:
        why = _line(child, child.text.split(), draft, ctx)
        if why is None:
            continue
        if why == "":
            tally.irrelevant_tree(child)
        else:
            tally.unrecognized_tree(child, "interface", name, why)


def _line(node: Node, words: list[str], d: IfDraft, ctx: Ctx) -> str | None:
    """Handle one interface sub-line: ``None`` understood, ``""`` irrelevant, else why not."""
    tally = ctx.tally
    w0 = words[0]
    n = len(words)
    if w0 == "description":
        d.description = node.text[len("description") :].strip()
        tally.understood_tree(node)
        return None
    if w0 == "shutdown" and n == 1:
        d.shutdown = True
        tally.understood(node)
        return None
    if w0 == "no" and n >= 2:
        if words[1] == "switchport" and n == 2:
            d.sw.off = True
        elif words[1:3] in (["ip", "address"], ["ipv6", "address"]) and n == 3:
            pass
        elif words[1] == "shutdown" and n == 2:
            d.shutdown = False
            return ""
        else:
            return "" if is_irrelevant_interface(node.text) else "unrecognised line"
        tally.understood(node)
        return None
    if w0 == "switchport":
        why = apply(words, d.sw, node.line)
        d.sw_sources[node.line] = tally.source(node)
        if why is None:
            tally.understood(node)
        elif why == "unrecognised switchport option" and is_irrelevant_interface(node.text):
            return ""  # port security, nonegotiate, protected ...: still a switchport line
        return why
    result = _l3(node, words, d, ctx)
    if result is not False:
        return result  # type: ignore[return-value]
    key = tuple(words[:3])
    for prefix, why2 in _UNREC_WHY.items():
        if key[: len(prefix)] == prefix:
            if prefix in (("ip", "policy"), ("ipv6", "policy")) and n >= 4:
                ctx.forwarding_route_maps.add(words[-1])
            if prefix == ("service-policy",):
                ctx.data_policy_maps.add(words[-1])
            return why2
    if is_irrelevant_interface(node.text):
        return ""
    return "unrecognised line"


def _understood(node: Node, ctx: Ctx) -> None:
    ctx.tally.understood(node)


def _l3(node: Node, words: list[str], d: IfDraft, ctx: Ctx) -> str | bool | None:
    """Layer-3 lines; ``False`` when the line is not one of them."""
    w0, n = words[0], len(words)
    w1 = words[1] if n > 1 else ""
    if w0 == "ip" and w1 == "address" and n >= 3:
        return _ipv4(node, words[2:], d, ctx)
    if w0 == "ipv6" and w1 == "address" and n >= 3:
        return _ipv6(node, words[2:], d, ctx)
    if w0 == "ipv6" and w1 == "enable" and n == 2:
        d.ipv6_enabled = True
    elif w0 == "vrf" and ((n == 2 and w1 != "forwarding") or (w1 == "forwarding" and n == 3)):
        d.vrf = words[-1]
    elif w0 == "ip" and w1 == "vrf" and n == 4 and words[2] == "forwarding":
        d.vrf = words[3]
    elif w0 in ("ip", "ipv6") and w1 in ("access-group", "traffic-filter") and n == 4:
        if words[3] not in ("in", "out"):
            return "unrecognised line"
        key = ("acl" if w0 == "ip" else "acl6") + "_" + words[3]
        d.bindings[key] = AclBinding(name=words[2], src=ctx.tally.source(node))
    elif w0 == "encapsulation" and n >= 3 and w1.lower() == "dot1q":
        vid_s = words[3] if words[2] == "vlan" and n >= 4 else words[2]
        if not vid_s.isdigit() or not 1 <= int(vid_s) <= 4094:
            return "invalid VLAN"
        d.encapsulation_vlan = int(vid_s)
        if "native" in words:
            return "native VLAN subinterface: untagged on the parent link, modelled as tagged"
        if "second-dot1q" in words or n > (5 if words[2] == "vlan" else 3):
            return "unrecognised encapsulation option"
    elif w0 == "channel-group" and n >= 2 and w1.isdigit():
        d.channel_group = port_channel(w1, ctx.eos)
    elif w0 == "ip" and w1 == "ospf" and "area" in words:
        i = words.index("area")
        d.routing.append("ospf" if i == 2 else f"ospf {words[2]}")
    elif w0 == "ipv6" and w1 == "ospf" and "area" in words:
        i = words.index("area")
        d.routing.append("ospfv3" if i == 2 else f"ospfv3 {words[2]}")
    elif w0 == "ospfv3" and n >= 4 and "area" in words:
        d.routing.append(f"ospfv3 {w1}")
    elif w0 in ("ip", "ipv6") and w1 == "router" and n >= 3 and words[2] == "isis":
        d.routing.append("isis" if n == 3 else f"isis {words[3]}")
    elif w0 == "isis" and w1 == "enable" and n == 3:
        d.routing.append(f"isis {words[2]}")
    elif w0 == "ip" and w1 == "helper-address" and n >= 3:
        return _relay(node, words[2:], d, ctx)
    elif w0 in ("ip", "ipv6") and w1 == "virtual-router" and n >= 3:
        pass  # EOS VARP: a shared gateway address inside the interface subnet
    else:
        return False
    if d.routing:
        d.routing = list(dict.fromkeys(d.routing))
    _understood(node, ctx)
    return None


def _relay(node: Node, args: list[str], d: IfDraft, ctx: Ctx) -> str | None:
    """``ip helper-address [vrf V | global] A [redundancy G]`` (IOS), ``ip helper-address A
    [vrf V] [source-interface I]`` (EOS)."""
    vrf: str | None = None
    rest = list(args)
    if rest and rest[0] == "global":
        vrf, rest = "default", rest[1:]
    elif len(rest) >= 2 and rest[0] == "vrf":
        vrf, rest = rest[1], rest[2:]
    if not rest or addr.v4int(rest[0]) is None:
        return "invalid address"
    address, rest = rest[0], rest[1:]
    if len(rest) >= 2 and rest[0] == "vrf":
        vrf, rest = rest[1], rest[2:]
    if len(rest) == 2 and rest[0] in ("source-interface", "redundancy"):
        rest = []
    if rest:
        return "unrecognised helper-address option"
    d.relays.append(Relay(address=address, vrf=vrf, src=ctx.tally.source(node)))
    ctx.tally.understood(node)
    return None


def _ipv4(node: Node, args: list[str], d: IfDraft, ctx: Ctx) -> str | None:
    if args[0] in ("dhcp", "negotiated", "pool"):
        return f"ip address {args[0]}: address not in the configuration"
    virtual = args[0] == "virtual"
    if virtual:
        args = args[1:]
    secondary = args[-1] == "secondary"
    if secondary:
        args = args[:-1]
    if len(args) == 1 and "/" in args[0]:
        text = addr.interface_prefix(args[0], 4)
    elif len(args) == 2:
        text = addr.v4_interface(args[0], args[1])
    else:
        return "unrecognised line"
    if text is None:
        return "invalid address"
    item = IfAddress(address=text, secondary=secondary, src=ctx.tally.source(node))
    if secondary:
        d.ipv4.append(item)
    else:  # a new primary replaces the old one
        d.ipv4 = [item, *[a for a in d.ipv4 if a.secondary]]
    _understood(node, ctx)
    return None


def _ipv6(node: Node, args: list[str], d: IfDraft, ctx: Ctx) -> str | None:
    if args[0] in ("autoconfig", "dhcp"):
        return f"ipv6 address {args[0]}: address not in the configuration"
    link_local = len(args) == 2 and args[1] == "link-local"
    if link_local:
        text = addr.interface_prefix(f"{args[0]}/64", 6)
    elif len(args) == 2 and args[1] == "eui-64":
        text = addr.canonical_prefix(args[0], 6) if "/" in args[0] else None
    elif len(args) == 1 or (len(args) == 2 and args[1] == "anycast"):
        text = addr.interface_prefix(args[0], 6)
    else:
        return "unrecognised line"
    if text is None:
        return "invalid address"
    d.ipv6.append(IfAddress(address=text, link_local=link_local, src=ctx.tally.source(node)))
    d.ipv6_enabled = True
    _understood(node, ctx)
    return None


def build(d: IfDraft, ctx: Ctx, device_has_switchports: bool) -> Interface:
    """Finish an interface, applying the switchport default of the platform.

    IOS: an Ethernet port or port-channel is a switchport iff it has a ``switchport`` line and
    no ``no switchport`` (mode ``dynamic`` unless ``switchport mode`` says otherwise). On a
    device with switchports, a bare, enabled Ethernet port without any L3 setting is ambiguous
    (switches default to switchport, routers to routed): its header line is reported.
    EOS: every Ethernet/Port-Channel is an access switchport in VLAN 1 unless ``no switchport``
    (or ``switchport default mode routed`` is set and the port has no switchport line).
    """
    sw = d.sw
    switchport: Switchport | None = None
    capable = d.kind in ("physical", "port-channel") and is_ethernet(d.name)
    if ctx.eos:
        on = capable and not sw.off and (sw.seen or not ctx.routed_default)
        default_mode: Mode = "access"
    else:
        on = capable and sw.seen and not sw.off
        default_mode = "dynamic"
        if (
            capable
            and device_has_switchports
            and not sw.seen
            and not sw.off
            and not d.shutdown
            and not (d.ipv4 or d.ipv6 or d.channel_group or d.vrf != "default")
            # Catalyst 9000 app-hosting port: internal, never a front-panel port
            and not d.name.startswith("AppGigabitEthernet")
        ):
            ctx.tally.unrecognized(
                d.header,
                "interface",
                d.name,
                "IOS default for this port (switchport or routed) depends on the hardware; "
                "modelled as routed",
            )
    if on:
        line = sw.mode_line or sw.first_line
        switchport = Switchport(
            mode=sw.mode or default_mode,
            access_vlan=sw.access_vlan,
            native_vlan=sw.native_vlan,
            trunk_allowed=[(1, 4094)] if sw.allowed is ALL_VLANS else vlan_ranges(sw.allowed),
            src=d.sw_sources.get(line) if line is not None else None,
        )
    b = d.bindings
    return Interface(
        name=d.name,
        kind=d.kind,
        shutdown=d.shutdown,
        description=d.description,
        vrf=d.vrf,
        ipv4=d.ipv4,
        ipv6=d.ipv6,
        ipv6_enabled=d.ipv6_enabled,
        switchport=switchport,
        encapsulation_vlan=d.encapsulation_vlan,
        channel_group=d.channel_group,
        acl_in=b.get("acl_in"),
        acl_out=b.get("acl_out"),
        acl6_in=b.get("acl6_in"),
        acl6_out=b.get("acl6_out"),
        routing=d.routing,
        relays=d.relays,
        src=d.src,
    )
