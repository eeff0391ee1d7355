"""The netfilter program of one address family as ACL chains (``AclRule`` jump/goto/return),
specialised to where a packet runs through it. ``hooks`` builds the interface filters from it.

Specialising a chain to ``(i, o)`` keeps the rules whose interface conditions hold there (with
``!``, ``+``/``*`` wildcards, and no interface where the hook has none) and drops those
conditions; chains reached by jumps are specialised the same way, once per distinct view
(``filter/FORWARD[in=br20,out=*]``; ``*``: any interface no rule of the chain names; a chain
that tests no interface has one copy). With several base chains on a packet's way, the accepts
of one become a ``goto`` to the next stage (``Ctx.cont``).

A rule with negated conditions becomes a jump to a chain of its own: [return if the negated
part matches, ..., the rule's action]. For ``goto`` and ``return``, whose meaning depends on the
chain they sit in, the negated part instead goes to a copy of the rest of the chain (its tail).
Non-initial fragments never match a rule with layer-4 conditions, negated ones included.

A rule with a condition segproof did not understand: an accept keeps matching without it (more
reach), any other rule is left out; every filter that can reach it is reported uncertain.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from agent.models.device import Acl, AclRule, AddrMatch, Family, RuleAction, Service, Source
from agent.vendors.linux.netfilter import Chain, Hook, Match, Rule

ANY = {
    4: [AddrMatch(address="0.0.0.0", wildcard="255.255.255.255")],
    6: [AddrMatch(address="::", wildcard="ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")],
}


@dataclass(frozen=True, slots=True)
class Ctx:
    """Where a chain runs: input and output interface (None: the hook has none), and what an
    accept means (None: permit; else a goto to the next stage)."""

    i: str | None
    o: str | None
    cont: Acl | None


@dataclass(frozen=True, slots=True)
class Flags:
    """What a chain (with the chains it reaches) tests: interface names and prefixes
    (``br*``) in each direction; whether it accepts anything."""

    ins: frozenset[str]
    outs: frozenset[str]
    accepts: bool


def view(name: str | None, patterns: frozenset[str]) -> str | None:
    """The interface as a chain testing ``patterns`` sees it: itself when a pattern names or
    covers it, else ``*`` (any interface no rule mentions: they all take the same rules)."""
    if name is None:
        return None
    hit = any(name.startswith(p[:-1]) if p.endswith("*") else name == p for p in patterns)
    return name if hit else "*"


IPNet = ipaddress.IPv4Network | ipaddress.IPv6Network


def prefixes(nets: list[IPNet]) -> list[AddrMatch]:
    return [AddrMatch(address=str(n.network_address), wildcard=str(n.hostmask)) for n in nets]


class Program:
    def __init__(self, family: Family, chains: dict[str, Chain]) -> None:
        self.family = family
        self.chains = chains
        self.acls: dict[str, Acl] = {}
        self.direct: dict[str, list[Rule]] = {}  # ACL -> uncertain rules written into it
        self.calls: dict[str, set[str]] = {}
        self.notes: list[tuple[str, Source, str]] = []  # (bound ACL, line, why)
        self._memo: dict[tuple[object, ...], Acl] = {}
        self._flags: dict[str, Flags] = {}
        self.base: dict[Hook, list[Chain]] = {}
        for chain in sorted(chains.values(), key=lambda c: c.base.priority if c.base else 0):
            if chain.base is None:
                continue
            acts = any(r.effect and not r.dead for r in chain.rules)
            if acts or chain.base.policy == "drop":  # else the chain lets everything through
                self.base.setdefault(chain.base.hook, []).append(chain)

    # -- chain properties ----------------------------------------------------------------
    def flags(self, chain: Chain) -> Flags:
        hit = self._flags.get(chain.ident)
        if hit is not None:
            return hit
        ins: set[str] = set()
        outs: set[str] = set()
        accepts = False
        for rule in chain.rules:
            for m in rule.ifs:
                (ins if m.direction == "in" else outs).update(m.names)
            accepts |= rule.verdict == "accept"
            callee = self.chains.get(rule.target or "")
            if callee is not None:
                sub = self.flags(callee)
                ins |= sub.ins
                outs |= sub.outs
                accepts |= sub.accepts
        hit = self._flags[chain.ident] = Flags(frozenset(ins), frozenset(outs), accepts)
        return hit

    # -- emission ------------------------------------------------------------------------
    def copy(self, chain: Chain, ctx: Ctx) -> Acl:
        """``chain`` specialised to ``ctx``, memoised per view: interfaces no rule of it
        mentions share one copy (``filter/FORWARD[in=br20,out=*]``)."""
        f = self.flags(chain)
        cont = ctx.cont.name if f.accepts and ctx.cont is not None else None
        i_view = view(ctx.i, f.ins) if f.ins else "."
        o_view = view(ctx.o, f.outs) if f.outs else "."
        key = ("copy", chain.ident, i_view, o_view, cont)
        hit = self._memo.get(key)
        if hit is not None:
            return hit
        parts = [f"in={i_view or '-'}"] * bool(f.ins) + [f"out={o_view or '-'}"] * bool(f.outs)
        name = (
            chain.ident + (f"[{','.join(parts)}]" if parts else "") + (f"@{cont}" if cont else "")
        )
        acl = self.add(name, self.rules(chain, 0, ctx, name), chain.src)
        self._memo[key] = acl
        return acl

    def add(self, name: str, rules: list[AclRule], src: Source) -> Acl:
        acl = Acl(name=name, family=self.family, rules=rules, src=src)
        self.acls[name] = acl
        self.calls[name] = {r.target for r in rules if r.target}
        return acl

    def rules(self, chain: Chain, start: int, ctx: Ctx, owner: str) -> list[AclRule]:
        out: list[AclRule] = []
        for index in range(start, len(chain.rules)):
            rule = chain.rules[index]
            if not all(m.test(ctx.i if m.direction == "in" else ctx.o) for m in rule.ifs):
                continue
            if rule.unknown:
                self.direct.setdefault(owner, []).append(rule)
            if rule.dead or not rule.effect or rule.verdict == "none":
                continue
            if rule.unknown and rule.verdict != "accept":
                continue
            if self.services(rule.match) == []:
                continue
            action, target, stage = self.action(rule, ctx)
            negations = [n for n in rule.negations if self.services(n) != []]
            if not negations:
                out.append(self.entry(rule, rule.match, action, target))
                continue
            guard = not rule.match.l4 and any(n.l4 for n in negations)
            if action in ("permit", "deny", "jump") or stage:
                parts = [Match(fragment=True)] * guard + negations
                body = [self.entry(rule, n, "return") for n in parts]
                body.append(self.entry(rule, Match(), action, target))
                own = self.add(self.fresh(f"{owner}~{rule.src.line}"), body, rule.src)
                out.append(self.entry(rule, rule.match, "jump", own))
            else:  # goto, return: the negated part carries on with the rest of this chain
                tail = self.tail(chain, index + 1, ctx, owner)
                parts = [Match(fragment=True)] * guard + negations
                body = [self.entry(rule, n, "goto", tail) for n in parts]
                body.append(self.entry(rule, Match(), action, target))
                own = self.add(self.fresh(f"{owner}~{rule.src.line}"), body, rule.src)
                out.append(self.entry(rule, rule.match, "goto", own))
        return out

    def tail(self, chain: Chain, start: int, ctx: Ctx, owner: str) -> Acl:
        key = ("tail", owner, start)
        hit = self._memo.get(key)
        if hit is None:
            name = self.fresh(f"{owner}~rest")
            hit = self._memo[key] = self.add(name, self.rules(chain, start, ctx, name), chain.src)
        return hit

    def fresh(self, name: str) -> str:
        out, n = name, 1
        while out in self.acls:
            n += 1
            out = f"{name}.{n}"
        return out

    def action(self, rule: Rule, ctx: Ctx) -> tuple[RuleAction, Acl | None, bool]:
        """(action, target, whether the target is the next stage: it never falls through)."""
        if rule.verdict == "accept":
            return ("permit", None, False) if ctx.cont is None else ("goto", ctx.cont, True)
        if rule.verdict == "drop":
            return "deny", None, False
        if rule.verdict == "return":
            return "return", None, False
        callee = self.chains[rule.target or ""]
        return ("goto" if rule.verdict == "goto" else "jump"), self.copy(callee, ctx), False

    def services(self, match: Match) -> list[Service] | None:
        if match.fragment and match.l4:
            return []  # a layer-4 match never sees a non-initial fragment
        return match.services(self.family)

    def entry(
        self, rule: Rule, match: Match, action: RuleAction, target: Acl | None = None
    ) -> AclRule:
        """One entry of ``rule`` with ``match`` (netfilter's fragment semantics)."""
        services = self.services(match)
        return AclRule(
            action=action,
            src=match.src if match.src is not None else ANY[self.family],
            dst=match.dst if match.dst is not None else ANY[self.family],
            services=services if services else [Service()],
            fragments=match.fragment,
            target=target.name if target else None,
            chain=target,
            fragment_l4="netfilter",
            src_ref=rule.src,
        )

    # -- uncertainty ---------------------------------------------------------------------
    def reached(self, name: str) -> set[str]:
        """The ACLs a packet may evaluate from ``name`` (itself included)."""
        seen = {name}
        stack = [name]
        while stack:
            for callee in self.calls.get(stack.pop(), ()):
                if callee not in seen:
                    seen.add(callee)
                    stack.append(callee)
        return seen

    def uncertain(self, name: str) -> list[Rule]:
        out: dict[int, Rule] = {}
        for acl in sorted(self.reached(name)):
            for rule in self.direct.get(acl, []):
                out.setdefault(id(rule), rule)
        return sorted(out.values(), key=lambda r: r.src.line)
