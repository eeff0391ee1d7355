"""``nft list ruleset`` into chains, per address family.

Tables of family ``ip`` feed the IPv4 program, ``ip6`` the IPv6 one, ``inet`` both (each rule
read once per family). Base chains of type ``filter`` on hooks ``prerouting``, ``input``,
``forward`` and ``postrouting`` take part at their priority (``filter + 10`` and the other
names included); ``output`` is locally generated traffic (irrelevant); a ``nat`` chain with
rules rewrites addresses and is reported for the whole device, as are rules in ``bridge`` and
``netdev`` tables and ``ingress``/``egress`` hooks. ``arp`` tables can only stop address
resolution: irrelevant. A ``dormant`` table does not run.

A table that ``iptables-nft`` manages (``# Warning: table ip filter is managed by iptables-nft,
do not touch!``, printed wherever the PTY put it) is read from ``iptables-save`` instead, when
that answer holds it; otherwise from here (its ``xt`` expressions are then not understood).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from agent.vendors.linux.dump import IRRELEVANT, UNDERSTOOD, Books, Line
from agent.vendors.linux.netfilter import HOOKS, Base, Chain, Rule
from agent.vendors.linux.nftexpr import NamedSet
from agent.vendors.linux.nftrule import RuleReader, tokens

_WARNING = re.compile(r"# Warning: table (\S+) (\S+) is managed by iptables-nft, do not touch!")
_ANY_WARNING = re.compile(r"# Warning:.*$")
_DECL = re.compile(
    r"^type (\w+) hook (\w+)(?: device \S+)? priority ([^;]+);(?: policy (\w+);)?\s*$"
)
PRIORITIES = {"raw": -300, "mangle": -150, "dstnat": -100, "filter": 0, "security": 50}
PRIORITIES["srcnat"] = 100
BLOCKS = ("chain", "set", "map", "flowtable", "counter", "quota", "limit", "ct", "secmark")
FAMILIES = {"ip": (4,), "ip6": (6,), "inet": (4, 6)}


@dataclass(slots=True)
class NftChain:
    name: str
    header: Line
    decl: Line | None = None
    rules: list[Line] = field(default_factory=list)


@dataclass(slots=True)
class NftTable:
    family: str
    name: str
    header: Line
    managed: bool = False
    dormant: bool = False
    sets: dict[str, NamedSet] = field(default_factory=dict)
    chains: list[NftChain] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)


def read(body: list[Line], books: Books) -> list[NftTable]:
    """The tables of the answer (lines outside any table are marked here)."""
    managed: set[tuple[str, str]] = set()
    clean: list[Line] = []
    for line in body:
        for match in _WARNING.finditer(line.text):
            managed.add((match.group(1), match.group(2)))
        text = _ANY_WARNING.sub("", line.text)
        if text != line.text:
            books.irrelevant(line.no)
        clean.append(Line(line.no, text.strip()))
    tables: list[NftTable] = []
    stack: list[str] = []  # open blocks: "table", "chain", "set", "other", "elements"
    table: NftTable | None = None
    chain: NftChain | None = None
    named: tuple[str, list[str], list[str]] | None = None  # set name, element tokens, flags
    for line in clean:
        text = line.text
        if table is not None:
            table.lines.append(line.no)
        if not text:
            if line.no and books.status[line.no] == 0:
                books.irrelevant(line.no)
            continue
        if not stack:
            words = text.split()
            if len(words) == 4 and words[0] == "table" and words[3] == "{":
                table = NftTable(words[1], words[2], line, (words[1], words[2]) in managed)
                table.lines.append(line.no)
                tables.append(table)
                stack.append("table")
            else:
                books.unrecognized(line.no, "top", None, "not nft ruleset syntax")
            continue
        assert table is not None
        top = stack[-1]
        if top == "elements":
            assert named is not None
            named[1].extend(_elements(text.rstrip("}")))
            if text.endswith("}"):
                stack.pop()
            continue
        if text == "}":
            closed = stack.pop()
            if closed == "set" and named is not None:
                table.sets[named[0]] = _named_set(named[1], named[2])
                named = None
            continue
        if top == "table":
            words = text.split()
            if text.endswith("{") and words[0] in BLOCKS:
                kind = words[0]
                if kind == "chain":
                    chain = NftChain(words[1], line)
                    table.chains.append(chain)
                    stack.append("chain")
                elif kind in ("set", "map"):
                    named = (words[1], [], [])
                    stack.append("set")
                else:
                    stack.append("other")
            elif words[:2] == ["flags", "dormant"]:
                table.dormant = True
            continue
        if top == "chain":
            assert chain is not None
            if text.startswith("type ") and chain.decl is None and not chain.rules:
                chain.decl = line
            elif not text.startswith(("comment ", "devices ")):
                chain.rules.append(line)
            continue
        if top == "set":
            assert named is not None
            if text.startswith("elements = {"):
                named[1].extend(_elements(text[len("elements = {") :].rstrip("}")))
                if not text.endswith("}"):
                    stack.append("elements")
                    named[1].append(",")
            elif text.startswith(("type ", "typeof ", "flags ")):
                named[2].append(text)
            continue
    for line in clean:
        if stack and books.status[line.no] == 0:
            books.unrecognized(line.no, "top", None, "nft ruleset ends inside a block")
    return tables


def _elements(text: str) -> list[str]:
    """The tokens of a piece of an element list (commas split it, as inside braces)."""
    return [t for t in tokens("{" + text + "}") if t not in ("{", "}")]


def _named_set(elements: list[str], specs: list[str]) -> NamedSet:
    why = None
    joined = " ".join(specs)
    if " . " in joined:
        why = "set of concatenated keys not modelled"
    elif any(w in joined for w in ("dynamic", "timeout")):
        why = "set filled at run time (dynamic or timeout): its elements are not known"
    items = [t for t in elements if t not in ("{", "}")]
    if "expires" in items or "timeout" in items:
        why = "set filled at run time: its elements are not known"
    return NamedSet(elements=items, why=why)


def _priority(text: str) -> int:
    words = text.split()
    value = PRIORITIES[words[0]] if words[0] in PRIORITIES else int(words[0])
    if len(words) == 3 and words[1] in "+-":
        value += int(words[2]) * (1 if words[1] == "+" else -1)
    elif len(words) != 1:
        raise ValueError(text)
    return value


def chains(
    tables: list[NftTable], family: int, skip: set[tuple[str, str]], books: Books
) -> dict[str, Chain]:
    """The chains of one family's program; tables in ``skip`` (family word, name) are read
    elsewhere (iptables-nft)."""
    out: dict[str, Chain] = {}
    for table in tables:
        key = (table.family, table.name)
        if table.family == "arp" or table.dormant or key in skip:
            for no in table.lines:
                books.mark(no, IRRELEVANT)
            continue
        if table.family not in FAMILIES:
            for chain in table.chains:
                for line in chain.rules:
                    why = f"{table.family} family tables not modelled"
                    books.unrecognized(line.no, "top", None, why)
            for no in table.lines:
                books.mark(no, UNDERSTOOD)
            continue
        if family not in FAMILIES[table.family]:
            continue
        prefix = f"{table.family} {table.name}"
        rule_nos = {line.no for chain in table.chains for line in chain.rules}
        for no in table.lines:
            if no not in rule_nos:
                books.mark(no, UNDERSTOOD)
        for nchain in table.chains:
            built = _chain(nchain, prefix, family, table, books)
            if built is not None:
                out[built.ident] = built
    return out


def _chain(
    nchain: NftChain, prefix: str, family: int, table: NftTable, books: Books
) -> Chain | None:
    ident = f"{prefix}/{nchain.name}"
    chain = Chain(ident, books.source(nchain.header.no))
    if nchain.decl is not None:
        match = _DECL.match(nchain.decl.text)
        kind, hook = (match.group(1), match.group(2)) if match else ("", "")
        if match is None:
            books.unrecognized(nchain.decl.no, "top", None, "chain declaration not understood")
            return None
        if hook == "output":
            for line in (nchain.header, nchain.decl, *nchain.rules):
                books.mark(line.no, IRRELEVANT)
            return None
        if kind != "filter" or hook not in HOOKS:
            for line in nchain.rules:
                why = f"{kind} chain on hook {hook} not modelled"
                books.unrecognized(line.no, "top", None, why)
            return None
        try:
            priority = _priority(match.group(3))
        except (ValueError, KeyError):
            books.unrecognized(nchain.decl.no, "top", None, "chain priority not understood")
            return None
        policy = match.group(4) or "accept"
        if policy not in ("accept", "drop"):
            books.unrecognized(nchain.decl.no, "top", None, f"policy {policy} not understood")
            return None
        src = books.source(nchain.decl.no)
        chain.base = Base(hook, priority, "accept" if policy == "accept" else "drop", src)
    for line in nchain.rules:
        reader = RuleReader(tokens(line.text), family, prefix, table.sets, books.source(line.no))
        chain.rules.extend(reader.rules())
    return chain


def rule_lines(rules: list[Rule]) -> set[int]:
    return {rule.src.line for rule in rules}
