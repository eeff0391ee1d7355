"""Parse one IOS-style configuration (IOS/IOS-XE or EOS, chosen by ``Dialect``) into a
``Device``.

Two passes over the top-level blocks: object-groups first (ACLs may use them before they are
defined), then everything else through a dispatch table keyed by the first word. Decisions that
need the whole file come last: route-maps are routing policy (understood) unless a forwarding
feature (``ip policy``, ``ip nat``) names them; class-maps and policy-maps are irrelevant only
when the control plane alone uses them; route-target leaks; the IOS switchport ambiguity.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from agent.models.device import Device, Interface, Route, Source, Vlan, Vrf
from agent.vendors.ioslike import interfaces, routes, routing, vrfs
from agent.vendors.ioslike.acls import AclBook
from agent.vendors.ioslike.blocks import Node, split
from agent.vendors.ioslike.context import Ctx, Dialect
from agent.vendors.ioslike.irrelevant import is_irrelevant_top
from agent.vendors.ioslike.objgroup import ObjectGroups
from agent.vendors.ioslike.routing import ProcDraft
from agent.vendors.ioslike.tally import Tally


@dataclass(slots=True)
class State:
    ctx: Ctx
    book: AclBook
    hostname: str | None = None
    ifaces: dict[str, interfaces.IfDraft] = field(default_factory=dict)
    vlans: dict[int, Vlan] = field(default_factory=dict)
    vrfs: dict[str, Vrf] = field(default_factory=dict)
    routes: list[Route] = field(default_factory=list)
    procs: list[ProcDraft] = field(default_factory=list)
    ip_routing: dict[str, bool] = field(default_factory=dict)
    ipv6_routing: dict[str, bool] = field(default_factory=dict)
    route_maps: list[Node] = field(default_factory=list)
    class_maps: list[Node] = field(default_factory=list)
    policy_maps: list[Node] = field(default_factory=list)
    cp_policies: set[str] = field(default_factory=set)


Handler = Callable[[Node, list[str], State], bool]


def _hostname(node: Node, words: list[str], st: State) -> bool:
    if len(words) != 2:
        return False
    st.hostname = words[1]
    st.ctx.tally.understood_tree(node)
    return True


def _interface(node: Node, words: list[str], st: State) -> bool:
    interfaces.parse(node, st.ctx, st.ifaces)
    return True


def _vlan(node: Node, words: list[str], st: State) -> bool:
    if vrfs.parse_vlan(node, st.ctx, st.vlans):
        return True
    if len(words) >= 2 and words[1] in ("access-map", "filter"):
        st.ctx.tally.unrecognized_tree(node, "top", None, "VLAN access map not modelled")
        return True
    return False


def _vrf(node: Node, words: list[str], st: State) -> bool:
    name = vrfs.vrf_name(words)
    if name is None:
        return False
    vrfs.parse_vrf(node, name, st.ctx, st.vrfs)
    return True


def _set_routing(words: list[str], st: State, on: bool) -> bool:
    """``ip routing [vrf X]`` / ``ipv6 unicast-routing [vrf X]`` (``on`` False for ``no``)."""
    table = st.ip_routing if words[0] == "ip" else st.ipv6_routing
    if words[1:2] not in (["routing"], ["unicast-routing"]):
        return False
    if len(words) == 2:
        table["*"] = on
        return True
    if len(words) == 4 and words[2] == "vrf":
        table[words[3]] = on
        return True
    return False


def _ip(node: Node, words: list[str], st: State) -> bool:
    tally = st.ctx.tally
    w1 = words[1] if len(words) > 1 else ""
    n = len(words)
    if w1 == "route":
        routes.parse(node, st.ctx, st.routes)
    elif w1 == "access-list" and words[0] == "ip" and n in (3, 4):
        if n == 4 and words[2] in ("standard", "extended"):
            st.book.named(node, words[3], 4, words[2])  # type: ignore[arg-type]
        elif n == 3 and words[2] not in (
            "logging",
            "log-update",
            "resequence",
            "standard",
            "extended",
            "role-based",
        ):
            st.book.named(node, words[2], 4, "extended")
        else:
            return False
    elif w1 == "access-list" and words[0] == "ipv6" and n in (3, 4):
        if n == 4 and words[2] == "standard":
            st.book.named(node, words[3], 6, "standard")
        elif n == 3:
            st.book.named(node, words[2], 6, "extended")
        else:
            return False
    elif w1 == "vrf" and n == 3:
        return _vrf(node, words, st)
    elif w1 == "router":
        return routing.parse(node, st.ctx, st.procs)
    elif w1 in ("routing", "unicast-routing"):
        if not _set_routing(words, st, True):
            return False
        tally.understood_tree(node)
    elif w1 == "nat":
        if "route-map" in words and words.index("route-map") + 1 < n:
            st.ctx.forwarding_route_maps.add(words[words.index("route-map") + 1])
        tally.unrecognized_tree(node, "top", None, "NAT not modelled")
    elif w1 in (
        "prefix-list",
        "community-list",
        "extcommunity-list",
        "as-path",
        "large-community-list",
    ):
        tally.understood_tree(node)  # routing policy: learning less is over-approximated
    else:
        return False
    return True


def _no(node: Node, words: list[str], st: State) -> bool:
    if len(words) >= 3 and words[1] in ("ip", "ipv6") and _set_routing(words[1:], st, False):
        st.ctx.tally.understood_tree(node)
        return True
    return False


def _access_list(node: Node, words: list[str], st: State) -> bool:
    st.book.numbered(node, words)
    return True


def _router(node: Node, words: list[str], st: State) -> bool:
    if routing.parse(node, st.ctx, st.procs):
        return True
    if is_irrelevant_top(node.text):
        return False
    st.ctx.tally.unrecognized_tree(
        node, "routing", " ".join(words[1:]) or None, "routing process type not modelled"
    )
    return True


def _keep(target: str) -> Handler:
    def handler(node: Node, words: list[str], st: State) -> bool:
        if words[:3] in (["policy-map", "type", "copp"], ["class-map", "type", "copp"]):
            return False  # EOS control-plane policing: in the irrelevant table
        getattr(st, target).append(node)
        return True

    return handler


def _control_plane(node: Node, words: list[str], st: State) -> bool:
    for child in node.children:
        cw = child.text.split()
        if cw[0] == "service-policy":
            st.cp_policies.add(cw[-1])
    st.ctx.tally.irrelevant_tree(node)
    return True


def _switchport(node: Node, words: list[str], st: State) -> bool:
    if words[:3] == ["switchport", "default", "mode"] and len(words) == 4:
        st.ctx.routed_default = words[3] == "routed"
        st.ctx.tally.understood_tree(node)
        return True
    return False


def _zone(node: Node, words: list[str], st: State) -> bool:
    for child in node.walk():
        cw = child.text.split()
        if cw[0] == "service-policy":
            st.ctx.data_policy_maps.add(cw[-1])
    st.ctx.tally.unrecognized_tree(node, "top", None, "zone-based firewall not modelled")
    return True


def _vtp(node: Node, words: list[str], st: State) -> bool:
    if words[1:3] in (["mode", "server"], ["mode", "client"]):
        st.ctx.tally.unrecognized_tree(
            node, "top", None, "VTP server/client: VLANs are not in the configuration"
        )
        return True
    return False


def _crypto(node: Node, words: list[str], st: State) -> bool:
    if words[1:2] in (["map"], ["isakmp"], ["ipsec"], ["ikev2"], ["dynamic-map"]):
        st.ctx.tally.unrecognized_tree(node, "top", None, "IPsec/crypto not modelled")
        return True
    return False


def _routing_policy(node: Node, words: list[str], st: State) -> bool:
    st.ctx.tally.understood_tree(node)
    return True


HANDLERS: dict[str, Handler] = {
    "hostname": _hostname,
    "interface": _interface,
    "vlan": _vlan,
    "vrf": _vrf,
    "ip": _ip,
    "ipv6": _ip,
    "no": _no,
    "access-list": _access_list,
    "router": _router,
    "route-map": _keep("route_maps"),
    "class-map": _keep("class_maps"),
    "policy-map": _keep("policy_maps"),
    "control-plane": _control_plane,
    "switchport": _switchport,
    "zone": _zone,
    "zone-pair": _zone,
    "vtp": _vtp,
    "crypto": _crypto,
    "peer-filter": _routing_policy,
}


def _top(node: Node, st: State) -> None:
    tally = st.ctx.tally
    if not node.ok:
        tally.unrecognized(node, "top", None, "banner without its closing delimiter")
        return
    words = node.text.split()
    handler = HANDLERS.get(words[0])
    if handler is not None and handler(node, words, st):
        return
    if is_irrelevant_top(node.text):
        tally.irrelevant_tree(node)
    else:
        tally.unrecognized_tree(node, "top")


def _policy_objects(st: State) -> None:
    """Route-maps, class-maps and policy-maps: understood/irrelevant or unrecognised."""
    tally = st.ctx.tally
    for node in st.route_maps:
        name = node.text.split()[1] if len(node.text.split()) > 1 else ""
        if name in st.ctx.forwarding_route_maps:
            tally.unrecognized_tree(node, "top", name, "route-map used by PBR/NAT: not modelled")
        else:
            tally.understood_tree(node)  # routing policy: over-approximated
    cp_only = st.cp_policies - st.ctx.data_policy_maps
    cp_classes: set[str] = set()
    data_classes: set[str] = set()
    for node in st.policy_maps:
        name = node.text.split()[-1]
        classes = {c.text.split()[-1] for c in node.children if c.text.startswith("class ")}
        (cp_classes if name in cp_only else data_classes).update(classes)
        if name in cp_only:
            tally.irrelevant_tree(node)
        else:
            tally.unrecognized_tree(node, "top", name, "policy-map not modelled")
    for node in st.class_maps:
        name = node.text.split()[-1]
        if name in cp_classes and name not in data_classes:
            tally.irrelevant_tree(node)
        else:
            tally.unrecognized_tree(node, "top", name, "class-map not modelled")


def _routing_flags(st: State, vrf_names: list[str]) -> tuple[dict[str, bool], dict[str, bool]]:
    ios_default = not st.ctx.eos
    v4_all = st.ip_routing.get("*", ios_default)
    v6_all = st.ipv6_routing.get("*", False)
    if st.ctx.eos:  # per VRF, default off
        v4 = {v: st.ip_routing.get(v, False) for v in vrf_names}
        v6 = {v: st.ipv6_routing.get(v, False) for v in vrf_names}
        v4["default"], v6["default"] = v4_all, v6_all
        return v4, v6
    return dict.fromkeys(vrf_names, v4_all), dict.fromkeys(vrf_names, v6_all)


def parse_config(text: str, file: str, name: str, dialect: Dialect) -> Device:
    """Parse ``text`` (the configuration in ``file``) into a ``Device``."""
    sp = split(text, dialect.platform, file)
    tally = Tally(file, sp.total)
    for line in sp.comments:
        tally.irrelevant_line(line)
    ctx = Ctx(dialect, tally)
    groups = ObjectGroups()
    st = State(ctx, AclBook(tally, groups))
    for node in sp.nodes:
        if node.text.startswith("object-group "):
            groups.add(node, tally)
    for node in sp.nodes:
        if not node.text.startswith("object-group "):
            _top(node, st)
    _policy_objects(st)
    vrfs.check_route_targets(ctx)
    has_sw = any(d.sw.seen for d in st.ifaces.values())
    ifaces: dict[str, Interface] = {
        n: interfaces.build(d, ctx, has_sw) for n, d in st.ifaces.items()
    }
    if "Null0" not in ifaces:  # exists implicitly on both platforms; line 0 = not written
        ifaces["Null0"] = Interface(
            name="Null0", kind="null", src=Source(file=file, line=0, text="interface Null0")
        )
    vrf_names = list(dict.fromkeys(["default", *st.vrfs, *(i.vrf for i in ifaces.values())]))
    ip_routing, ipv6_routing = _routing_flags(st, vrf_names)
    acls, acls6 = st.book.finish()
    unrecognized, counts = tally.finish(sp.lines)
    return Device(
        name=st.hostname or name,
        platform=dialect.platform,
        file=file,
        interfaces=ifaces,
        vlans=dict(sorted(st.vlans.items())),
        vrfs=st.vrfs,
        routes=st.routes,
        acls=acls,
        acls6=acls6,
        ip_routing=ip_routing,
        ipv6_routing=ipv6_routing,
        routing=[p.build() for p in st.procs],
        undefined_acl_action="permit",
        unrecognized=unrecognized,
        counts=counts,
    )
