"""Cross-reference checks of a lab definition (pure): every problem is ``(loc, message)`` with
``loc`` the YAML path of the offending value, so the loader can cite ``lab.yml:<line>``.

Safety rules are checked here too: every next hop is a lab address, and the chain of default
routes between forwarding namespaces ends at one without a default route (which then counts
every packet addressed outside the lab in its ``IpExt InNoRoutes``).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

from agent.lab.model import IFNAME, MGMT_IF, MGMT_NS, NAME, SYSCTL, Lab, Namespace, split_end

Loc = tuple[str | int, ...]
Problem = tuple[Loc, str]


def check(lab: Lab) -> list[Problem]:
    problems: list[Problem] = []
    problems += _names(lab)
    ends = _link_ends(lab, problems)
    for name, ns in lab.namespaces.items():
        problems += list(_namespace(lab, name, ns, ends.get(name, set())))
    problems += _unique_addresses(lab)
    problems += _default_chains(lab)
    return problems


def _names(lab: Lab) -> list[Problem]:
    out: list[Problem] = []
    for name in lab.namespaces:
        if not NAME.match(name):
            out.append((("namespaces", name), f"{name!r}: 1-12 of a-z, 0-9, '-' (a-z first)"))
        elif name == MGMT_NS:
            out.append((("namespaces", name), f"{MGMT_NS!r} is the lab's management namespace"))
    return out


def _link_ends(lab: Lab, problems: list[Problem]) -> dict[str, set[str]]:
    ends: dict[str, set[str]] = {}
    for i, (a, b) in enumerate(lab.links):
        names = []
        for j, end in enumerate((a, b)):
            ns, itf = split_end(end)
            loc: Loc = ("links", i, j)
            if ns not in lab.namespaces:
                problems.append((loc, f"{end!r}: unknown namespace {ns!r}"))
                continue
            if not IFNAME.match(itf) or itf in ("lo", MGMT_IF):
                problems.append((loc, f"{end!r}: interface name (1-15 characters, not lo/mgmt0)"))
                continue
            if itf in ends.setdefault(ns, set()):
                problems.append((loc, f"{end!r}: interface used by two links"))
                continue
            ends[ns].add(itf)
            names.append(ns)
        if len(names) == 2 and names[0] == names[1]:
            problems.append((("links", i), "a link joins two different namespaces"))
    return ends


def _namespace(lab: Lab, name: str, ns: Namespace, ends: set[str]) -> Iterator[Problem]:
    base: Loc = ("namespaces", name)
    device = ns.role.is_device
    if not device:
        for what in ("bridges", "firewall", "mgmt"):
            if getattr(ns, what):
                yield (*base, what), f"{name}: a host has no {what} (devices do)"
    else:
        for what in ("camera", "listen"):
            if getattr(ns, what):
                yield (*base, what), f"{name}: only hosts have {what!r}"
    ports: set[str] = set()
    for br, bridge in ns.bridges.items():
        if not IFNAME.match(br) or br in ends or br in ("lo", MGMT_IF):
            yield (*base, "bridges", br), f"{br!r}: bad or already used interface name"
        for k, port in enumerate(bridge.ports):
            if port not in ends:
                yield (*base, "bridges", br, "ports", k), f"{port!r}: no link end of {name}"
            elif port in ports:
                yield (*base, "bridges", br, "ports", k), f"{port!r}: already in a bridge"
            ports.add(port)
    known = ends | set(ns.bridges)
    subnets: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
    for itf_name, itf in ns.interfaces.items():
        loc: Loc = (*base, "interfaces", itf_name)
        if itf_name not in known:
            yield loc, f"{itf_name!r}: no link or bridge of {name} creates this interface"
        if itf_name in ports and itf.addresses:
            yield loc, f"{itf_name!r} is a bridge port: address the bridge instead"
        for k, text in enumerate(itf.addresses):
            addr = ipaddress.ip_interface(text)
            subnets.append(addr.network)
            if addr.version == 6 and not ns.ipv6:
                yield (*loc, "addresses", k), f"{text}: IPv6 address, but {name} has no ipv6: true"
    for k, route in enumerate(ns.routes):
        loc = (*base, "routes", k)
        if route.family == 6 and not ns.ipv6:
            yield loc, f"IPv6 route, but {name} has no ipv6: true"
        if route.dev is not None and route.dev not in known:
            yield (*loc, "dev"), f"{route.dev!r}: not an interface of {name}"
        if route.via is None:
            if route.dev is None:
                yield loc, "a route needs via or dev"
            continue
        via = ipaddress.ip_address(route.via)
        if via.version != route.family:
            yield (*loc, "via"), f"{route.via}: not of the route's address family"
        elif not any(via in net for net in subnets):
            yield (*loc, "via"), f"{route.via}: not on a connected subnet of {name}"
        elif lab.owner(route.via) is None:
            yield (*loc, "via"), f"{route.via}: no lab namespace owns this next hop"
    for key in ns.sysctls:
        if not SYSCTL.match(key):
            yield (*base, "sysctls", key), f"{key!r}: only net.* sysctls belong to a namespace"
    if ns.firewall and ns.firewall.rules6 and ns.firewall.backend == "nft":
        yield (*base, "firewall", "rules6"), "nft scripts hold IPv6 too: no rules6 with nft"
    if ns.camera and not any(i.mac for i in ns.interfaces.values()):
        yield (*base, "camera"), f"{name}: a camera needs the MAC segproof identifies it by"
    if (ns.camera or ns.listen) and not ns.addresses():
        yield base, f"{name}: a camera or listener needs an address"


def _unique_addresses(lab: Lab) -> list[Problem]:
    out: list[Problem] = []
    seen: dict[str, str] = {}
    mgmt_nets: list[tuple[str, ipaddress.IPv4Network]] = []
    for name, ns in lab.namespaces.items():
        for itf, addr in ns.addresses():
            ip = str(addr.ip)
            if ip in seen:
                loc: Loc = ("namespaces", name, "interfaces", itf)
                out.append((loc, f"{ip} is also an address of {seen[ip]}"))
            seen[ip] = name
        if ns.mgmt:
            net = ipaddress.IPv4Interface(ns.mgmt).network
            for other, onet in mgmt_nets:
                if net.overlaps(onet):
                    out.append((("namespaces", name, "mgmt"), f"overlaps {other}'s mgmt {onet}"))
            mgmt_nets.append((name, net))
    for name, ns in lab.namespaces.items():
        if not ns.mgmt:
            continue
        net = ipaddress.IPv4Interface(ns.mgmt).network
        for other, ons in lab.namespaces.items():
            if any(a.version == 4 and a.network.overlaps(net) for _, a in ons.addresses()):
                out.append((("namespaces", name, "mgmt"), f"overlaps a data subnet of {other}"))
    return out


def _default_chains(lab: Lab) -> list[Problem]:
    """Defaults between forwarding namespaces must end somewhere: a cycle would bounce packets
    for non-lab addresses around until their TTL ran out, unseen by any InNoRoutes counter."""
    out: list[Problem] = []
    for family in (4, 6):
        nxt: dict[str, str] = {}
        for name, ns in lab.namespaces.items():
            if not ns.role.is_device:
                continue
            for route in ns.routes:
                if route.is_default and route.family == family and route.via:
                    owner = lab.owner(route.via)
                    if owner is not None:
                        nxt[name] = owner
        for start in nxt:
            seen = [start]
            cur = nxt.get(start)
            while cur is not None and cur not in seen:
                seen.append(cur)
                cur = nxt.get(cur)
            if cur is not None:
                chain = " -> ".join([*seen, cur])
                out.append((("namespaces", start, "routes"), f"default routes loop: {chain}"))
                break
    return out
