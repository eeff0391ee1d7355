"""The firewall sections of a dump, put together per address family.

Every ruleset the kernel holds runs: iptables-nft tables (``iptables-save``), legacy xtables
(``iptables-legacy-save``) and nftables tables (``nft list ruleset``). Their base chains on one
hook all have to accept a packet, so all of them are composed (``program``), whatever their
origin. Nothing is read twice: a table ``iptables-save`` (nf_tables backend) lists is skipped
in the nft answer, and a legacy answer identical to ``iptables-save`` (an ``iptables`` that is
itself the legacy variant) is skipped. A tool that is not installed
(``segproof-unavailable``) holds no rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from agent.vendors.linux import ipset, iptables, nft
from agent.vendors.linux.dump import (
    IP6TABLES,
    IP6TABLES_LEGACY,
    IPSET,
    IPTABLES,
    IPTABLES_LEGACY,
    IRRELEVANT,
    UNDERSTOOD,
    Books,
    Section,
)
from agent.vendors.linux.netfilter import HOOKS, Chain

SAVES: tuple[tuple[str, int, str], ...] = (
    (IPTABLES, 4, ""),
    (IP6TABLES, 6, ""),
    (IPTABLES_LEGACY, 4, "legacy "),
    (IP6TABLES_LEGACY, 6, "legacy "),
)


@dataclass(slots=True)
class Ruleset:
    chains: dict[int, dict[str, Chain]] = field(default_factory=lambda: {4: {}, 6: {}})


def read(sections: dict[str, Section], nft_section: Section | None, books: Books) -> Ruleset:
    out = Ruleset()
    saved: dict[tuple[int, str], iptables.Saved] = {}
    ipsets = sections.get(IPSET)
    # None: the sets are unknown (not collected, or no ipset tool: then no set can exist
    # either, but a rule naming one cannot be checked); a rule that uses one is uncertain
    sets = (
        ipset.parse(ipsets.body, books)
        if ipsets is not None and ipsets.unavailable is None
        else None
    )
    for key, family, label in SAVES:
        section = sections.get(key)
        if section is None or section.unavailable is not None:
            continue
        if label and _duplicate(sections.get(IPTABLES if family == 4 else IP6TABLES), section):
            for line in section.body:
                books.mark(line.no, IRRELEVANT)
            continue
        saved[(family, label)] = iptables.parse(section.body, family, label, books, sets)
        out.chains[family].update(saved[(family, label)].chains)
    if nft_section is not None and nft_section.unavailable is None:
        tables = nft.read(nft_section.body, books)
        skip: set[tuple[str, str]] = set()
        for family, word in ((4, "ip"), (6, "ip6")):
            current = saved.get((family, ""))
            if current is not None and current.nft_backend:
                skip |= {(word, table) for table in current.tables}
        for family in (4, 6):
            out.chains[family].update(nft.chains(tables, family, skip, books))
    for family in (4, 6):
        _check_targets(out.chains[family])
    _mark_rules(out, books)
    return out


def _duplicate(current: Section | None, legacy: Section) -> bool:
    """The legacy answer repeats ``iptables-save`` (which is then the legacy variant)."""
    if current is None or current.unavailable is not None:
        return False
    if any("(nf_tables)" in line.text for line in current.body):
        return False
    return _rules(current) == _rules(legacy)


def _rules(section: Section) -> list[str]:
    out = []
    for line in section.body:
        text = line.text.strip()
        if text and not text.startswith("#"):
            out.append(text.split(" [", 1)[0] if text.startswith(":") else text)
    return out


def _check_targets(chains: dict[str, Chain]) -> None:
    """A jump to a chain that does not exist, or one that closes a loop (the kernel refuses
    both, so only a hand-edited file has them), is not understood."""
    for chain in chains.values():
        for rule in chain.rules:
            if rule.target is not None and rule.target not in chains:
                rule.unknown.append(f"{rule.verdict} to {rule.target}, which is not defined")
                rule.verdict, rule.target = "none", None
    state: dict[str, int] = {}

    def visit(chain: Chain) -> None:
        state[chain.ident] = 1
        for rule in chain.rules:
            if rule.target is None:
                continue
            if state.get(rule.target) == 1:
                rule.unknown.append(f"{rule.verdict} to {rule.target} closes a loop")
                rule.verdict, rule.target = "none", None
            elif rule.target not in state:
                visit(chains[rule.target])
        state[chain.ident] = 2

    for chain in list(chains.values()):
        if chain.ident not in state:
            visit(chain)


def _mark_rules(ruleset: Ruleset, books: Books) -> None:
    """Rules a base chain on a modelled hook can reach are understood (unless not understood,
    which the program reports); the others (OUTPUT, unreferenced chains) are irrelevant."""
    for chains in ruleset.chains.values():
        reached: set[str] = set()
        stack = [c.ident for c in chains.values() if c.base is not None and c.base.hook in HOOKS]
        while stack:
            ident = stack.pop()
            if ident in reached:
                continue
            reached.add(ident)
            stack.extend(r.target for r in chains[ident].rules if r.target)
        for chain in chains.values():
            status = UNDERSTOOD if chain.ident in reached else IRRELEVANT
            for rule in chain.rules:
                if not rule.unknown:
                    books.mark(rule.src.line, status)
