"""The inbound ACL of every routed interface (``linux:in:<if>``, ``linux:in6:<if>`` for IPv6),
built from the family's netfilter program (``program``).

The engine applies an interface's inbound ACL before anything else, but netfilter decides with
the output interface too (``-o``, ``oifname``), which is known only after routing. So the ACL
of interface ``i`` routes first: packets to the device's own addresses go through the input
path specialised to ``i``; then, route by route, longest prefix first, the packets a route
sends out of ``o`` go through the forward path specialised to ``(i, o)``; a discarding route
lets routing drop (``permit``); what no route covers is left to routing (``permit``: the engine
finds no route). This is exact for one routing table (policy routing is reported elsewhere).
Adjacent routes treated alike are one entry.

Several base chains on the path of a packet (prerouting, then input or forward and
postrouting; by priority within a hook; iptables-nft, legacy iptables and nft tables alike) all
have to accept it: a drop anywhere is final. With more than one, stage ``k`` is a chain
``linux:forward:<i>><o>:<k>`` = [jump to base chain ``k``, its policy], and every accept of base
chain ``k`` (and of the chains it reaches) becomes a ``goto`` to stage ``k+1``; the last
stage's accepts permit.
"""

from __future__ import annotations

import ipaddress

from agent.models.device import Acl, AclRule, AddrMatch, RuleAction, Service, Source
from agent.vendors.linux.netfilter import Chain, Hook
from agent.vendors.linux.program import ANY, Ctx, IPNet, Program, prefixes, view
from agent.vendors.linux.routes import Path

INPUT_PATH: tuple[Hook, ...] = ("prerouting", "input")
FORWARD_PATH: tuple[Hook, ...] = ("prerouting", "forward", "postrouting")


class Filters(Program):
    """A program that also builds the interface filters (what the parser binds)."""

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
