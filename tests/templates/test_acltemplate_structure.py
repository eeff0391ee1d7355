"""Structure of every rendering, read back from the text: per address family the exceptions
come first, then the deny to the core, then (filters only) the final permit; zone firewalls are
ordered by their move/insert chain; an IPv6 filter and its binding exist iff IPv6 is given."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from agent.acltemplate import TARGETS, make_spec, render_target
from agent.errors import InputError

V4 = (
    ["10.20.0.0/24"],
    ["10.0.0.0/16", "172.16.0.0/12"],
    ["10.30.0.10:tcp/554", "10.30.0.11:icmp/8"],
)
MIXED = (
    ["10.20.0.0/24", "2001:db8:20::/64"],
    ["10.0.0.0/16", "2001:db8::/48"],
    ["10.30.0.10:tcp/554", "2001:db8:30::10:udp/1000-2000", "10.30.0.11:icmp/8"],
)
BINDS = ["Vlan20", "cameras:core", "juniper_junos-filter=irb.20", "cisco_asa=cameras"]
Item = tuple[str, int]  # (exception | deny | final, family)


def cisco_acl(text: str) -> list[Item]:
    items, family = [], 4
    for line in text.splitlines():
        if re.match(r"(ip|ipv6) access-list ", line):
            family = 6 if line.startswith("ipv6") else 4
        m = re.match(r"\s+(?:sequence )?\d+ (permit|deny) \S+ (.*)$", line)
        if m:
            kind = "deny" if m[1] == "deny" else "final" if m[2] == "any any" else "exception"
            items.append((kind, family))
    return items


def junos_filter(text: str) -> list[Item]:
    items: dict[tuple[str, str], Item] = {}
    for m in re.finditer(r"family (inet6?) filter \S+ term (\S+) (.*)", text):
        key = (m[1], m[2])
        family = 6 if m[1] == "inet6" else 4
        if m[3] == "then discard":
            items[key] = ("deny", family)
        elif m[3] == "then accept":
            has_from = f"term {m[2]} from" in text
            items[key] = ("exception" if has_from else "final", family)
    return list(items.values())


def asa(text: str) -> list[Item]:
    items = []
    for m in re.finditer(r"^access-list \S+ extended (permit|deny) (.*)$", text, re.M):
        family = 6 if ":" in m[2] or "any6" in m[2] else 4
        final = m[2] in ("ip any4 any4", "ip any6 any6")
        items.append(("deny" if m[1] == "deny" else "final" if final else "exception", family))
    return items


def chained(
    defined: list[tuple[str, str]], chain: list[tuple[str, str]], mixed: bool
) -> list[Item]:
    """Zone firewalls: the definitions in order, and the move/insert chain must agree."""
    names = [n for n, _ in defined]
    assert chain == list(zip(names[1:], names[:-1], strict=True)), "chain out of order"
    items = []
    for name, action in defined:
        # in MIXED the second --allow item is the IPv6 one
        family = 6 if name.endswith("-v6") or (mixed and name.endswith("allow2")) else 4
        items.append(("exception" if action in ("permit", "accept", "allow") else "deny", family))
    return items


def srx(text: str, mixed: bool) -> list[Item]:
    defined = re.findall(r"policy (\S+) then (permit|deny)$", text, re.M)
    chain = re.findall(r"^insert .* policy (\S+) after policy (\S+)$", text, re.M)
    return chained(defined, chain, mixed)


def fortinet(text: str, mixed: bool) -> list[Item]:
    defined = re.findall(r'set name "(\S+)"(?:.|\n)*?set action (accept|deny)', text)
    ids = dict(zip(re.findall(r"edit (\d+)", text), [n for n, _ in defined], strict=True))
    chain = [(ids[a], ids[b]) for a, b in re.findall(r"move (\d+) after (\d+)", text)]
    return chained(defined, chain, mixed)


def panos(text: str, mixed: bool) -> list[Item]:
    defined = re.findall(
        r"^set rulebase security rules (\S+) from .* action (allow|deny)", text, re.M
    )
    chain = re.findall(r"^move rulebase security rules (\S+) after (\S+)$", text, re.M)
    assert re.search(rf"^move rulebase security rules {defined[0][0]} top$", text, re.M)
    return chained(defined, chain, mixed)


def nftables(text: str) -> list[Item]:
    items = []
    for m in re.finditer(r"^ {8}.*\b(ip6?) saddr .* (accept|drop)\b", text, re.M):
        items.append(("exception" if m[2] == "accept" else "deny", 6 if m[1] == "ip6" else 4))
    return items


def iptables(text: str) -> list[Item]:
    family = 6 if "ip6tables" in text.splitlines()[0] else 4
    return [
        ("exception" if j == "RETURN" else "deny", family)
        for j in re.findall(r"^-A \S+ .* -j (RETURN|DROP)$", text, re.M)
    ]


READERS: dict[str, Callable[[str, bool], list[Item]]] = {
    "cisco_ios": lambda t, _m: cisco_acl(t),
    "cisco_nxos": lambda t, _m: cisco_acl(t),
    "arista_eos": lambda t, _m: cisco_acl(t),
    "juniper_junos-filter": lambda t, _m: junos_filter(t),
    "juniper_junos-srx": srx,
    "cisco_asa": lambda t, _m: asa(t),
    "fortinet": fortinet,
    "paloalto_panos": panos,
    "linux-nftables": lambda t, _m: nftables(t),
    "linux-iptables": lambda t, _m: iptables(t),
    "linux-ip6tables": lambda t, _m: iptables(t),
}
BIND6 = {
    "cisco_ios": "ipv6 traffic-filter CAM-ISOLATE-V6 in",
    "cisco_nxos": "ipv6 traffic-filter CAM-ISOLATE-V6 in",
    "arista_eos": "ipv6 access-group CAM-ISOLATE-V6 in",
    "juniper_junos-filter": "family inet6 filter input CAM-ISOLATE-V6",
}
RANK = {"exception": 0, "deny": 1, "final": 2}


def test_every_target_has_a_reader() -> None:
    assert set(READERS) == set(TARGETS)


@pytest.mark.parametrize("key", list(TARGETS))
@pytest.mark.parametrize("data", [V4, MIXED], ids=["ipv4", "mixed"])
def test_order_and_families(key: str, data: tuple[list[str], list[str], list[str]]) -> None:
    target = TARGETS[key]
    mixed = data is MIXED
    families = [f for f in ((4, 6) if mixed else (4,)) if f in target.families]
    spec = make_spec(*data, None, BINDS)
    if not families:  # an IPv6-only output for IPv4-only input: refused, not empty
        with pytest.raises(InputError, match="holds IPv6 only"):
            render_target(key, spec)
        return
    text = render_target(key, spec)
    items = READERS[key](text, mixed)
    for family in families:
        kinds = [k for k, f in items if f == family]
        assert kinds == sorted(kinds, key=RANK.__getitem__), f"IPv{family} out of order: {kinds}"
        assert kinds.count("deny") >= 1
        assert ("final" in kinds) == target.final_permit
        expected = sum(1 for a in data[2] if (":" in a.rsplit(":", 1)[0]) == (family == 6))
        assert kinds.count("exception") == expected
    assert {f for _, f in items} == set(families)  # IPv6 iff given
    if key in BIND6:
        assert (BIND6[key] in text) == mixed
        assert ("CAM-ISOLATE-V6" in text) == mixed
