"""One ``nft`` rule (as ``nft list ruleset`` prints it) into ``netfilter.Rule``, for one family.

Understood: ``iifname``/``oifname``/``iif``/``oif`` (``meta`` forms too, ``*`` wildcards),
``ip``/``ip6 saddr``/``daddr`` (prefixes, ranges, anonymous and named sets), ``ip protocol``,
``meta l4proto``, ``meta nfproto``, ``tcp``/``udp``/``sctp``/``th dport``/``sport`` (single,
range, comparison, set), ``icmp``/``icmpv6 type``/``code``, ``ip frag-off & 8191 != 0``
(non-initial fragments), ``ct state`` (also as a verdict map), ``counter``, ``log``,
``comment``, verdicts ``accept``/``drop``/``reject``/``return``/``continue``/``jump``/``goto``,
and verdict maps on those keys (one rule per key). A condition on the other family (``ip`` in
the IPv6 program) makes the rule dead. Anything else is ``unknown``.
"""

from __future__ import annotations

from agent.models.device import Source
from agent.vendors.linux.netfilter import Rule, states
from agent.vendors.linux.nftexpr import Expressions, NamedSet


def tokens(text: str) -> list[str]:
    """Split a rule into words, quoted strings (kept with their quotes), ``{``, ``}`` and, inside
    braces, ``,`` (outside them ``established,related`` is one word: a list)."""
    out: list[str] = []
    i, n, depth = 0, len(text), 0
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch in "{}" or (ch == "," and depth):
            depth += {"{": 1, "}": -1}.get(ch, 0)
            out.append(ch)
            i += 1
        elif ch == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append(text[i : j + 1])
            i = j + 1
        else:
            j = i
            stops = "{}," if depth else "{}"
            while j < n and not text[j].isspace() and text[j] not in stops:
                j += 1
            out.append(text[i:j])
            i = j
    return out


class RuleReader:
    """Reads one rule for one family; ``rules()`` gives one rule, or one per verdict-map key."""

    def __init__(
        self, toks: list[str], family: int, table: str, sets: dict[str, NamedSet], src: Source
    ) -> None:
        self.toks = toks
        self.family = family
        self.table = table  # chain ids of this table start with it
        self.sets = sets
        self.src = src

    def rules(self) -> list[Rule]:
        toks = self.toks
        if "vmap" in toks:
            at = toks.index("vmap")
            head, body, tail = self._vmap(at)
            if body is None:
                return [self._read(toks, extra="verdict map not understood")]
            out = []
            for key, verdict in body:
                out.append(self._read([*head, key, *tail, *verdict]))
            if not out:
                out.append(self._read([*head, *tail], extra="empty verdict map"))
            return out
        return [self._read(toks)]

    def _vmap(self, at: int) -> tuple[list[str], list[tuple[str, list[str]]] | None, list[str]]:
        """(tokens before the map's key field, (key, verdict tokens) per entry, the rest)."""
        toks = self.toks
        head = toks[:at]
        rest = toks[at + 1 :]
        entries: list[str] = []
        if rest[:1] == ["{"]:
            close = rest.index("}") if "}" in rest else -1
            if close < 0:
                return head, None, []
            entries, rest = rest[1:close], rest[close + 1 :]
        elif rest and rest[0].startswith("@"):
            named = self.sets.get(rest[0][1:])
            if named is None or named.why:
                return head, None, []
            entries, rest = named.elements, rest[1:]
        else:
            return head, None, []
        pairs: list[tuple[str, list[str]]] = []
        item: list[str] = []
        for tok in [*entries, ","]:
            if tok != ",":
                item.append(tok)
                continue
            if not item:
                continue
            if len(item) < 3 or item[1] != ":":
                return head, None, []
            pairs.append((item[0], item[2:]))
            item = []
        return head, pairs, rest

    def _read(self, toks: list[str], extra: str | None = None) -> Rule:
        rule = Rule(self.src)
        if extra:
            rule.unknown.append(extra)
        parse = Expressions(toks, rule, self.family, self.table, self.sets)
        parse.run()
        if parse.alien_icmp:
            # ICMP of the other family (``icmp type`` in an inet table, IPv6 program): IPv6
            # packets of next header 1. Accepting: matched without the type (more reach);
            # dropping: taken as never matching (more reach); anything else is reported.
            if rule.verdict == "drop":
                rule.dead = True
            elif rule.verdict != "accept":
                rule.unknown.append("ICMP type of the other address family")
        for words, negated in parse.states:
            try:
                dead, why = states(words, negated, rule.verdict)
            except ValueError:
                rule.unknown.append(f"ct state {','.join(words)} not understood")
                continue
            rule.dead = rule.dead or dead
            if why:
                rule.unknown.append(why)
        if rule.verdict == "none" and not parse.statement and extra is None:
            rule.effect = False  # counters, logs, MSS clamping: whatever the rule matches
            rule.unknown = []
        return rule
