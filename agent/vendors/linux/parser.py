"""Linux: a dump of one router, firewall or bridge (docs/linux-snapshot.md) into a ``Device``.

Forwarding: ``net.ipv4.ip_forward`` and ``net.ipv6.conf.all.forwarding`` (unknown: taken as on,
and reported). Interfaces (``interfaces``), routes of table main (``routes``), and the
firewall as one inbound ACL per routed interface (``ruleset``, ``hooks``, ``program``). Bridge
ports carry no ACL: bridged traffic is not filtered unless br_netfilter passes it to the hooks
(``net.bridge.bridge-nf-call-iptables = 1``, or a bridge's own ``nf_call_iptables``), which is
not modelled and reported for the whole device when a bridge has several ports and there are
forward rules to see that traffic.
"""

from __future__ import annotations

import ipaddress

from agent.models.device import AclBinding, Device, Interface, Source
from agent.vendors.linux import dump, interfaces, routes, ruleset
from agent.vendors.linux.dump import IRRELEVANT, UNDERSTOOD, Books, Line, Section
from agent.vendors.linux.hooks import FORWARD_PATH, Filters
from agent.vendors.linux.jsonpos import JsonError, objects
from agent.vendors.linux.jsonpos import parse as parse_json

MANDATORY = (dump.HOSTNAME, dump.LINK, dump.ADDR, dump.ROUTE4, dump.ROUTE6, dump.RULE4, dump.RULE6)
FIREWALL = (dump.IPTABLES, dump.IP6TABLES, dump.IPTABLES_LEGACY, dump.IP6TABLES_LEGACY, dump.NFT)
FORWARDING = {"net.ipv4.ip_forward": 4, "net.ipv6.conf.all.forwarding": 6}
BRIDGE_NF = ("net.bridge.bridge-nf-call-iptables", "net.bridge.bridge-nf-call-ip6tables")


def parse(text: str, file: str, name: str) -> Device:
    lines = text.splitlines()
    books = Books(file, lines)
    has_header, preamble, sections = dump.split(lines)
    if not has_header:
        sections = _bare(lines, preamble, books)
    else:
        books.understood(1)
        for line in preamble[1:]:
            if line.text.strip():
                books.unrecognized(line.no, "top", None, "text before the first section")
            else:
                books.irrelevant(line.no)
    found = _index(sections, books)
    hostname = _hostname(found.get(dump.HOSTNAME), books) or name
    sysctl = _sysctl([s for s in sections if s.key == "sysctl"], books)
    link = _json(found.get(dump.LINK), books)
    addr = _json(found.get(dump.ADDR), books)
    links = interfaces.parse(objects(link), objects(addr), books)
    routing = routes.Routing()
    for family, rule_key, route_key in ((4, dump.RULE4, dump.ROUTE4), (6, dump.RULE6, dump.ROUTE6)):
        policy = routes.policy_rules(_json(found.get(rule_key), books), books)
        routing.elsewhere[family] = list(policy)
        value = _json(found.get(route_key), books)
        routes.parse(family, value, links.interfaces, not policy, books, routing)
    forwarding = {f: sysctl.get(key, (1, None))[0] == 1 for key, f in FORWARDING.items()}
    for key in FORWARDING:
        if key not in sysctl and has_header:
            books.unrecognized(1, "top", key, f"{key} unknown: taken as on", dump.HEADER)
    for key in (*MANDATORY, *FIREWALL):
        if key not in found and has_header:
            why = f"no `{key}` section: what it would show is unknown"
            books.unrecognized(1, "top", key, why, dump.HEADER)
    rules = ruleset.read(found, found.get(dump.NFT), books)
    itfs = dict(links.interfaces)
    acls = {4: Filters(4, rules.chains[4]), 6: Filters(6, rules.chains[6])}
    _bridge_netfilter(sysctl, links, acls, books)
    for family, program in acls.items():
        own = _own(links.interfaces, family)
        fallback = _fallback(found.get(dump.ROUTE4 if family == 4 else dump.ROUTE6), books)
        for itf_name, itf in sorted(links.interfaces.items()):
            if not _routed(itf):
                continue
            paths = routing.paths.get(family, [])
            acl = program.bound(itf_name, own, paths, forwarding[family], fallback)
            if acl is None:
                continue
            field = "acl_in" if family == 4 else "acl6_in"
            binding = AclBinding(name=acl.name, src=itf.src)
            itfs[itf_name] = itfs[itf_name].model_copy(update={field: binding})
        _report(program, routing.elsewhere.get(family, []), books)
    _unscoped(rules, books)
    unrecognized, counts = books.finish()
    return Device(
        name=hostname,
        platform="linux",
        file=file,
        interfaces=itfs,
        vlans=links.vlans,
        routes=routing.routes,
        acls=acls[4].acls,
        acls6=acls[6].acls,
        ip_routing={"default": forwarding[4]},
        ipv6_routing={"default": forwarding[6]},
        routing=routing.processes,
        unrecognized=unrecognized,
        counts=counts,
    )


def _bare(lines: list[str], preamble: list[Line], books: Books) -> list[Section]:
    """A file that is one ruleset, not a dump: read it, and report everything else unknown."""
    why = "not a segproof linux dump (docs/linux-snapshot.md): interfaces and routes unknown"
    books.unrecognized(1, "top", "dump", why)
    iptables_like = any(text.startswith(("*", ":", "-A ")) for text in lines)
    header = Line(0, "")
    command = dump.IPTABLES if iptables_like else dump.NFT
    return [Section(command, header, preamble)]


def _index(sections: list[Section], books: Books) -> dict[str, Section]:
    found: dict[str, Section] = {}
    for section in sections:
        key = section.key
        if section.header.no:
            books.understood(section.header.no)
        if section.unavailable is not None:
            books.understood(section.body[0].no)
            for line in section.body[1:]:
                if line.text.strip():
                    books.unrecognized(line.no, "top", key, "text after an unavailable answer")
                else:
                    books.irrelevant(line.no)
        if key not in dump.KNOWN and key != "sysctl":
            books.irrelevant(section.header.no, *(line.no for line in section.body))
        elif key in found:
            why = f"a second `{section.command}` section"
            books.unrecognized(section.header.no, "top", key, why)
            books.irrelevant(*(line.no for line in section.body))
        elif key != "sysctl":
            found[key] = section
    for key in MANDATORY:
        wanted = found.get(key)
        if wanted is not None and wanted.unavailable is not None:
            why = f"`{wanted.command}` did not answer: {wanted.unavailable}"
            books.unrecognized(wanted.body[0].no, "top", key, why)
    return found


def _hostname(section: Section | None, books: Books) -> str | None:
    if section is None or section.unavailable is not None:
        return None
    name = None
    for line in section.body:
        if line.text.strip() and name is None:
            name = line.text.strip()
            books.understood(line.no)
        else:
            books.irrelevant(line.no)
    return name


def _sysctl(sections: list[Section], books: Books) -> dict[str, tuple[int, Source]]:
    out: dict[str, tuple[int, Source]] = {}
    for section in sections:
        if section.unavailable is not None:
            continue
        for line in section.body:
            key, eq, value = line.text.partition("=")
            key, value = key.strip(), value.strip()
            if eq and value.lstrip("-").isdigit():
                out[key] = (int(value), books.source(line.no))
                known = key in FORWARDING or key in BRIDGE_NF
                books.mark(line.no, UNDERSTOOD if known else IRRELEVANT)
            elif "/proc/sys/net/bridge/" in line.text or not line.text.strip():
                books.irrelevant(line.no)  # no br_netfilter: bridged traffic is not filtered
            else:
                books.unrecognized(line.no, "top", "sysctl", "sysctl answer not understood")
    return out


def _json(section: Section | None, books: Books) -> object:
    if section is None or section.unavailable is not None:
        return None
    if not any(line.text.strip() for line in section.body):
        books.irrelevant(*(line.no for line in section.body))
        return []
    try:
        value = parse_json(section.body)
    except JsonError as exc:
        for line in section.body:
            why = f"`{section.command}` is not valid JSON ({exc} at line {exc.line})"
            books.unrecognized(line.no, "top", section.key, why)
        return None
    books.irrelevant(*(line.no for line in section.body))  # brackets; objects claim their lines
    return value


def _bridge_netfilter(
    sysctl: dict[str, tuple[int, Source]],
    links: interfaces.Links,
    programs: dict[int, Filters],
    books: Books,
) -> None:
    """Reported when a bridge forwards between ports and rules would see that traffic."""
    if not any(len(ports) > 1 for ports in links.bridges.values()):
        return  # a bridge with one port forwards nothing between ports
    hits = []
    for key, family in zip(BRIDGE_NF, (4, 6), strict=True):
        value = sysctl.get(key)
        if value and value[0] == 1 and programs[family].stages(FORWARD_PATH):
            hits.append(value[1])
    if any(p.stages(FORWARD_PATH) for p in programs.values()):
        hits += [src for _name, src in links.nf_call]
    why = (
        "bridged traffic passes the iptables/nftables hooks (br_netfilter): filtering between "
        "bridge ports is not modelled"
    )
    for src in hits:
        books.unrecognized(src.line, "top", "br_netfilter", why, src.text)


def _routed(itf: Interface) -> bool:
    return (
        itf.switchport is None
        and itf.channel_group is None
        and itf.kind not in ("loopback", "null")
        and not itf.shutdown
    )


def _own(itfs: dict[str, Interface], family: int) -> list[tuple[str, Source]]:
    out: list[tuple[str, Source]] = []
    for itf in itfs.values():
        if itf.shutdown or itf.switchport is not None or itf.channel_group:
            continue
        for addr in itf.ipv4 if family == 4 else itf.ipv6:
            ip = ipaddress.ip_interface(addr.address).ip
            if not addr.link_local and not ip.is_link_local:
                out.append((str(ip), addr.src))
    return sorted(set(out), key=lambda a: (int(ipaddress.ip_address(a[0])), a[1].line))


def _fallback(section: Section | None, books: Books) -> Source:
    """What the last entry of a bound ACL cites: the route table (no route: routing drops)."""
    if section is None or not section.header.no:
        return books.source(1, "no route in table main: routing decides")
    return books.source(section.header.no)


def _report(program: Filters, elsewhere: list[Source], books: Books) -> None:
    """The uncertainty of each bound ACL: rules it reaches that were not understood, and,
    when its forward rules test the output interface, whatever routes beyond table main."""
    depends = program.forward_tests_output()
    for name in sorted(program.acls):
        if not name.startswith(("linux:in:", "linux:in6:")):
            continue
        for rule in program.uncertain(name):
            # a drop left out of the model can only change packets the filter accepts; an
            # accept kept without its unknown condition only the packets it decides
            books.unrecognized(
                rule.src.line,
                "acl",
                name,
                "; ".join(rule.unknown),
                narrows=rule.verdict == "drop",
                relaxed=rule.verdict == "accept",
            )
        for src in elsewhere if depends else []:
            why = "the forward rules test the output interface, which this may change"
            books.unrecognized(src.line, "acl", name, why, src.text)
    for name, src, why in program.notes:
        books.unrecognized(src.line, "acl", name, why, src.text)


def _unscoped(rules: ruleset.Ruleset, books: Books) -> None:
    """Rules not understood that no bound filter reaches still count: scoped to their chain."""
    for chains in rules.chains.values():
        for chain in chains.values():
            for rule in chain.rules:
                if rule.unknown and books.status[rule.src.line] != dump.UNRECOGNIZED:
                    books.unrecognized(rule.src.line, "acl", chain.ident, "; ".join(rule.unknown))
