"""The netfilter program of one address family as the ACLs segproof binds: one inbound ACL per
routed interface (``linux:in:<if>``, ``linux:in6:<if>`` for IPv6).

The engine applies an interface's inbound ACL before anything else, but netfilter decides with
the output interface too (``-o``, ``oifname``), which is known only after routing. So the ACL
of interface ``i`` routes first: packets to the device's own addresses go through the input
hook specialised to ``i``; then, route by route, longest prefix first, the packets a route
sends out of ``o`` go through the forward hook specialised to ``(i, o)``; a discarding route
lets routing drop (``permit``); what no route covers is left to routing (``permit``: the engine
finds no route). This is exact for one routing table (policy routing is reported elsewhere).

Specialising a chain to ``(i, o)`` keeps the rules whose interface conditions hold there (with
``!``, ``+``/``*`` wildcards, and no interface where the hook has none) and drops those
conditions; chains reached by jumps are specialised the same way, once per distinct view
(``filter/FORWARD[in=br20,out=to-core]``; a chain that tests no interface has one copy).

Several base chains on the path of a packet (prerouting, then input or forward and
postrouting; by priority within a hook; iptables-nft, legacy iptables and nft tables alike) all
have to accept it: a drop anywhere is final. With more than one, stage ``k`` is a chain
``linux:forward:<i>><o>:<k>`` = [jump to base chain ``k``, its policy], and every accept of base
chain ``k`` (and of the chains it reaches) becomes a ``goto`` to stage ``k+1``; the last
stage's accepts permit.

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
from agent.vendors.linux.routes import Path

ANY = {
    4: [AddrMatch(address="0.0.0.0", wildcard="255.255.255.255")],
    6: [AddrMatch(address="::", wildcard="ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")],
}
INPUT_PATH: tuple[Hook, ...] = ("prerouting", "input")
FORWARD_PATH: tuple[Hook, ...] = ("prerouting", "forward", "postrouting")


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
        self,
        rule: Rule,
        match: Match,
        action: RuleAction,
        target: Acl | None = None,
        dst: list[AddrMatch] | None = None,
        src: Source | None = None,
    ) -> AclRule:
        services = self.services(match)
        return AclRule(
            action=action,
            src=match.src if match.src is not None else ANY[self.family],
            dst=dst
            if dst is not None
            else match.dst
            if match.dst is not None
            else ANY[self.family],
            services=services if services else [Service()],
            fragments=match.fragment,
            target=target.name if target else None,
            chain=target,
            fragment_l4="netfilter",
            src_ref=src or rule.src,
        )

    def forward_tests_output(self) -> bool:
        return any(self.flags(chain).outs for chain, _hook in self.stages(FORWARD_PATH))

    # -- the path of a packet through the hooks --------------------------------------------
    def stages(self, hooks: tuple[Hook, ...]) -> list[tuple[Chain, Hook]]:
        return [(chain, hook) for hook in hooks for chain in self.base.get(hook, [])]

    def guard(
        self, path: tuple[Hook, ...], i: str, o: str | None, dst: list[AddrMatch], cite: Source
    ) -> list[AclRule]:
        """The entries sending packets to ``dst`` through the hooks of ``path``."""
        stages = self.stages(path)
        if not stages:
            return [self.plain("permit", dst, cite)]
        if len(stages) == 1:
            chain, hook = stages[0]
            assert chain.base is not None
            copy = self.copy(chain, self.context(hook, i, o, None))
            policy: RuleAction = "permit" if chain.base.policy == "accept" else "deny"
            return [self.plain("jump", dst, cite, copy), self.plain(policy, dst, chain.base.src)]
        first = self.stage(path, i, o, 0)
        return [self.plain("jump", dst, cite, first)]

    def stage(self, path: tuple[Hook, ...], i: str, o: str | None, k: int) -> Acl:
        """Stage ``k`` of ``path`` for packets in on ``i`` (and out of ``o``): memoised per
        view, as a chain copy is (``*``: no later stage tests that interface)."""
        stages = self.stages(path)
        later = [self.flags(c) for c, _ in stages[k:]]
        ins = frozenset().union(*(f.ins for f in later))
        outs = frozenset().union(*(f.outs for f in later))
        i_view = view(i, ins) or "-"
        o_view = view(o, outs) or "-"
        key = ("stage", path, i_view, o_view, k)
        hit = self._memo.get(key)
        if hit is not None:
            return hit
        chain, hook = stages[k]
        assert chain.base is not None
        nxt = self.stage(path, i, o, k + 1) if k + 1 < len(stages) else None
        copy = self.copy(chain, self.context(hook, i, o, nxt))
        rules = [self.plain("jump", ANY[self.family], chain.base.src, copy)]
        if chain.base.policy == "drop":
            rules.append(self.plain("deny", ANY[self.family], chain.base.src))
        else:
            action: RuleAction = "permit" if nxt is None else "goto"
            rules.append(self.plain(action, ANY[self.family], chain.base.src, nxt))
        forward = path == FORWARD_PATH
        where = f"{i_view}>{o_view}" if forward else i_view
        name = f"linux:{'forward' if forward else 'input'}:{where}:{k + 1}"
        hit = self._memo[key] = self.add(name, rules, chain.base.src)
        return hit

    @staticmethod
    def context(hook: Hook, i: str, o: str | None, cont: Acl | None) -> Ctx:
        return Ctx(
            i if hook in ("prerouting", "input", "forward") else None,
            o if hook in ("forward", "postrouting") else None,
            cont,
        )

    def plain(
        self, action: RuleAction, dst: list[AddrMatch], cite: Source, target: Acl | None = None
    ) -> AclRule:
        return AclRule(
            action=action,
            src=ANY[self.family],
            dst=dst,
            services=[Service()],
            target=target.name if target else None,
            chain=target,
            fragment_l4="netfilter",
            src_ref=cite,
        )

    def bound(
        self,
        i: str,
        own: list[tuple[str, Source]],
        paths: list[Path],
        forwarding: bool,
        table: Source,
    ) -> Acl | None:
        """The inbound ACL of routed interface ``i`` (None: nothing filters it). ``table``
        is the line of the routing table: what a merged entry cites."""
        name = f"linux:in:{i}" if self.family == 4 else f"linux:in6:{i}"
        inbound, forward = self.stages(INPUT_PATH), self.stages(FORWARD_PATH)
        if not inbound and not (forward and forwarding):
            return None
        rules: list[AclRule] = []
        if own:
            host = "0.0.0.0" if self.family == 4 else "::"
            hosts = [AddrMatch(address=a, wildcard=host) for a, _ in own]
            cite = own[0][1]
            if len(own) > 1:
                text = f"addresses of the device: {', '.join(a for a, _ in own)}"
                cite = Source(file=cite.file, line=cite.line, text=text)
            rules += self.guard(INPUT_PATH, i, None, hosts, cite)
        if forwarding and forward:
            merged: list[tuple[list[AclRule], list[IPNet], Source]] = []
            for egress, nets, cite in _groups(paths):
                if not egress:
                    entries = [self.plain("permit", prefixes(nets), cite)]
                else:
                    choices = [self.guard(FORWARD_PATH, i, o, prefixes(nets), cite) for o in egress]
                    if any(_shape(c) != _shape(choices[0]) for c in choices[1:]):
                        why = (
                            f"equal-cost routes out of {', '.join(egress)} meet different "
                            f"forward rules: only {egress[0]} is modelled"
                        )
                        self.notes.append((name, cite, why))
                    entries = choices[0]
                if merged and _shape(merged[-1][0]) == _shape(entries):
                    merged[-1][1].extend(nets)
                else:
                    merged.append((entries, list(nets), cite))
            for entries, nets, cite in merged:
                rules += self.with_dst(entries, nets, cite, table)
        rules.append(self.plain("permit", ANY[self.family], table))
        return self.add(name, rules, table)

    @staticmethod
    def with_dst(
        entries: list[AclRule], nets: list[IPNet], cite: Source, table: Source
    ) -> list[AclRule]:
        """The entries of several adjacent routes as one group: their prefixes, citing the
        routing table when there is more than one route."""
        dst = prefixes(nets)
        if len(nets) > 1:
            shown = ", ".join(str(n) for n in nets[:8]) + (" ..." if len(nets) > 8 else "")
            cite = Source(file=table.file, line=table.line, text=f"routes of table main: {shown}")
        out = []
        for k, entry in enumerate(entries):
            ref = cite if k == 0 else entry.src_ref
            out.append(entry.model_copy(update={"dst": dst, "src_ref": ref}))
        return out

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


def _shape(entries: list[AclRule]) -> list[tuple[str, str | None, int]]:
    """What a group of entries does, whatever its destinations and the route it cites."""
    return [(e.action, e.target, e.src_ref.line if k else 0) for k, e in enumerate(entries)]


def _groups(paths: list[Path]) -> list[tuple[tuple[str, ...], list[IPNet], Source]]:
    """Routes in longest-prefix order, adjacent ones with the same egress merged (prefixes of
    one length never overlap, so they are ordered by egress to merge more)."""
    ordered = sorted(
        paths, key=lambda p: (-p.prefix.prefixlen, p.egress, int(p.prefix.network_address))
    )
    out: list[
        tuple[tuple[str, ...], list[ipaddress.IPv4Network | ipaddress.IPv6Network], Source]
    ] = []
    for path in ordered:
        if out and out[-1][0] == path.egress:
            out[-1][1].append(path.prefix)
        else:
            out.append((path.egress, [path.prefix], path.src))
    return out
