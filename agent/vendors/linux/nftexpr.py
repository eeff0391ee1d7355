"""The expressions of one ``nft`` rule (see ``nftrule``): each condition narrows the rule's
match, adds a negated match or a conntrack state condition; the verdict ends it. An expression
that is not understood is recorded (``Rule.unknown``) and reading goes on at the next statement
or verdict, so the rule keeps its verdict.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from agent.engine.space import ICMP
from agent.models.device import AddrMatch, PortRange
from agent.vendors.linux.netfilter import (
    IfMatch,
    Match,
    Rule,
    Verdict,
    address,
    icmp_type,
    intersect,
    ports,
    protocol,
    status,
)

NEGATE = {"!=", "ne"}
EQUAL = {"==", "eq"}
COMPARE = {"<", "<=", ">", ">=", "lt", "le", "gt", "ge"}
PORT_FIELDS = {"tcp": 6, "udp": 17, "sctp": 132, "th": None}
VERDICT_WORDS = ("accept", "drop", "reject", "return", "continue", "jump", "goto")
SYNC = {*VERDICT_WORDS, "counter", "log", "comment"}
# words of statements (they act, beyond matching): an unknown one may change what happens
STATEMENTS = {"set", "notrack", "dnat", "snat", "masquerade", "redirect", "queue", "dup", "fwd"}
STATEMENTS |= {"tproxy", "synproxy", "add", "update", "delete", "meter", "reset"}
EXPRESSIONS = {"iifname", "oifname", "iif", "oif", "meta", "ip", "ip6", "icmp", "icmpv6", "ct"}
RESUME = SYNC | EXPRESSIONS | {"flow", "tcp", "udp", "sctp", "th"}


@dataclass(slots=True)
class NamedSet:
    """A named set (or map) of the table: its element tokens, or why it cannot be used."""

    elements: list[str] = field(default_factory=list)
    why: str | None = None  # not usable: filled at run time, concatenated types, ...


def unquote(word: str) -> str:
    return word[1:-1] if len(word) >= 2 and word[0] == word[-1] == '"' else word


class Expressions:
    def __init__(
        self, toks: list[str], rule: Rule, family: int, table: str, sets: dict[str, NamedSet]
    ) -> None:
        self.family = family
        self.table = table  # chain ids of this table start with it
        self.sets = sets
        self.toks = toks
        self.rule = rule
        self.pos = 0
        self.states: list[tuple[list[str], bool]] = []
        self.alien_icmp = False
        self.statement = False  # an unknown statement (not only unknown conditions)

    def peek(self) -> str:
        return self.toks[self.pos] if self.pos < len(self.toks) else ""

    def take(self) -> str:
        tok = self.toks[self.pos]
        self.pos += 1
        return tok

    def values(self) -> tuple[str, list[str]]:
        """An optional operator then a value, a ``{ ... }`` set or a ``@named`` set."""
        op = "=="
        if self.peek() in NEGATE | EQUAL | COMPARE:
            op = self.take()
        tok = self.take()
        if tok == "{":
            items: list[str] = []
            while (t := self.take()) != "}":
                if t != ",":
                    items.append(t)
            return op, items
        if tok.startswith("@"):
            named = self.sets.get(tok[1:])
            if named is None:
                raise ValueError(f"set {tok} not defined")
            if named.why:
                raise ValueError(named.why)
            return op, [t for t in named.elements if t != ","]
        return op, [t for t in tok.split(",") if t]

    def run(self) -> None:
        handlers: dict[str, Callable[[], None]] = {
            "iifname": lambda: self.interface("in"),
            "oifname": lambda: self.interface("out"),
            "iif": lambda: self.interface("in"),
            "oif": lambda: self.interface("out"),
            "meta": self.meta,
            "ip": lambda: self.ip(4),
            "ip6": lambda: self.ip(6),
            "icmp": lambda: self.icmp(4),
            "icmpv6": lambda: self.icmp(6),
            "ct": self.ct,
            "flow": self.flow,
            "counter": self.counter,
            "log": self.log,
            "comment": self.skip_one,
        }
        while self.pos < len(self.toks):
            start = self.pos
            tok = self.take()
            try:
                if tok in handlers:
                    handlers[tok]()
                elif tok in PORT_FIELDS:
                    self.port(tok)
                elif tok in VERDICT_WORDS:
                    self.verdict(tok)
                else:
                    raise ValueError(f"{tok} not modelled")
            except (ValueError, IndexError, KeyError) as exc:
                what = " ".join(self.toks[start : start + 3])
                self.rule.unknown.append(f"{exc or what} (in '{what}')")
                self.resync(start)
                if tok in VERDICT_WORDS or STATEMENTS.intersection(self.toks[start : self.pos]):
                    self.statement = True

    def resync(self, start: int) -> None:
        """After an expression not understood: on to the next one (a word that starts an
        expression, a statement or a verdict)."""
        self.pos = max(self.pos, start + 1)
        while self.pos < len(self.toks) and self.toks[self.pos] not in RESUME:
            self.pos += 1

    def interface(self, direction: str) -> None:
        op, items = self.values()
        names = tuple(unquote(i) for i in items)
        inward = direction == "in"
        self.rule.ifs.append(IfMatch("in" if inward else "out", names, op in NEGATE, True))

    def meta(self) -> None:
        key = self.take()
        if key in ("iifname", "oifname", "iif", "oif"):
            self.interface("in" if key.startswith("i") else "out")
        elif key == "l4proto":
            self.protocols()
        elif key in ("nfproto", "protocol"):
            op, items = self.values()
            fams = {{"ipv4": 4, "ip": 4, "ipv6": 6, "ip6": 6}.get(i, 0) for i in items}
            if (self.family in fams) == (op in NEGATE):
                self.rule.dead = True
        else:
            raise ValueError(f"meta {key}")

    def protocols(self) -> None:
        op, items = self.values()
        protos = [p for p in (protocol(i) for i in items) if p is not None]
        if op in NEGATE:
            self.rule.negations.append(Match(protocols=protos))
        elif op in EQUAL:
            self.restrict_protocols(protos)
        else:
            raise ValueError(f"protocol {op}")

    def restrict_protocols(self, protos: list[int]) -> None:
        match = self.rule.match
        current = match.protocols
        match.protocols = protos if current is None else [p for p in current if p in protos]

    def ip(self, family: int) -> None:
        key = self.take()
        if family != self.family:  # nft adds ``meta nfproto``: never true in this program
            self.rule.dead = True
            self.pos = len(self.toks)
            return
        if key in ("saddr", "daddr"):
            op, items = self.values()
            fam = self.family
            value: list[AddrMatch] = [a for i in items for a in address(i, fam)]
            if op in NEGATE:
                part = Match(src=value) if key == "saddr" else Match(dst=value)
                self.rule.negations.append(part)
                return
            if op not in EQUAL:
                raise ValueError(f"{key} {op}")
            match = self.rule.match
            if key == "saddr":
                match.src = value if match.src is None else intersect(match.src, value)
            else:
                match.dst = value if match.dst is None else intersect(match.dst, value)
        elif key == "protocol" and family == 4:
            self.protocols()
        elif key == "frag-off" and family == 4:
            self.fragment()
        else:
            raise ValueError(f"ip{'6' if family == 6 else ''} {key}")

    def fragment(self) -> None:
        """``ip frag-off & 8191 != 0``: non-initial fragments (``== 0``: not one)."""
        if self.take() != "&" or self.take() not in ("8191", "0x1fff"):
            raise ValueError("frag-off")
        op, value = self.take(), self.take()
        if value != "0" or op not in NEGATE | EQUAL:
            raise ValueError("frag-off")
        if op in NEGATE:
            self.rule.match.fragment = True
        else:
            self.rule.negations.append(Match(fragment=True))

    def port(self, proto_word: str) -> None:
        key = self.take()
        mss = ["maxseg", "size", "set"]
        if proto_word == "tcp" and key == "option" and self.toks[self.pos : self.pos + 3] == mss:
            self.pos += 3  # MSS clamping: rewrites a TCP option, not the verdict
            while self.pos < len(self.toks) and self.toks[self.pos] not in SYNC:
                self.pos += 1
            return
        if key not in ("dport", "sport"):
            raise ValueError(f"{proto_word} {key}")
        proto = PORT_FIELDS[proto_word]
        if proto is not None:
            self.restrict_protocols([proto])
        elif self.rule.match.protocols is None:
            raise ValueError("th without a protocol")
        op, items = self.values()
        value = _port_values(op, items)
        match = self.rule.match
        if op in NEGATE:
            part = Match(protocols=match.protocols)
            if key == "dport":
                part.dports = value
            else:
                part.sports = value
            self.rule.negations.append(part)
        elif key == "dport":
            match.dports = value if match.dports is None else _meet(match.dports, value)
        else:
            match.sports = value if match.sports is None else _meet(match.sports, value)

    def icmp(self, family: int) -> None:
        key = self.take()
        self.restrict_protocols([ICMP[family]])
        op, items = self.values()
        if family != self.family:
            self.alien_icmp = True
            return
        if key == "type":
            kinds = [icmp_type(i, family) for i in items]
        elif key == "code" and self.rule.match.icmp is not None:
            codes = [int(i) for i in items]
            kinds = [(t, c) for t, _ in self.rule.match.icmp for c in codes]
            if op in NEGATE:
                raise ValueError("icmp code !=")
            self.rule.match.icmp = kinds
            return
        else:
            raise ValueError(f"icmp {key}")
        if op in NEGATE:
            self.rule.negations.append(Match(protocols=[ICMP[family]], icmp=kinds))
        else:
            self.rule.match.icmp = kinds

    def ct(self) -> None:
        key = self.take()
        if key not in ("state", "status"):
            raise ValueError(f"ct {key}")
        op, items = self.values()
        if op not in NEGATE | EQUAL:
            raise ValueError(f"ct {key} {op}")
        if key == "state":
            self.states.append((items, op in NEGATE))
        elif status(items, op in NEGATE):
            self.rule.dead = True

    def flow(self) -> None:
        """``flow add @ft``: offloads connections already accepted; a first packet is not."""
        if self.take() not in ("add", "offload") or not self.take().startswith("@"):
            raise ValueError("flow")

    def skip_one(self) -> None:
        self.take()

    def counter(self) -> None:
        while self.peek() in ("packets", "bytes"):
            self.take(), self.take()
        if self.peek() == "name":
            self.take(), self.take()

    def log(self) -> None:
        while self.peek() in ("prefix", "level", "flags", "group", "snaplen", "queue-threshold"):
            self.take(), self.take()

    def verdict(self, word: str) -> None:
        rule = self.rule
        if word in ("jump", "goto"):
            rule.verdict = "jump" if word == "jump" else "goto"
            rule.target = f"{self.table}/{self.take()}"
        elif word == "reject":
            rule.verdict = "drop"
            if self.peek() == "with":
                self.take()
                while self.pos < len(self.toks) and self.peek() != "comment":
                    self.take()
        else:
            rule.verdict = VERDICTS[word]


VERDICTS: dict[str, Verdict] = {
    "accept": "accept",
    "drop": "drop",
    "return": "return",
    "continue": "none",
}


def _port_values(op: str, items: list[str]) -> list[PortRange]:
    if op in COMPARE:
        (item,) = items
        value = int(item)
        lo, hi = {
            "<": (0, value - 1),
            "lt": (0, value - 1),
            "<=": (0, value),
            "le": (0, value),
            ">": (value + 1, 65535),
            "gt": (value + 1, 65535),
            ">=": (value, 65535),
            "ge": (value, 65535),
        }[op]
        if lo > hi:
            raise ValueError("empty port range")
        return [PortRange(lo=lo, hi=hi)]
    return [r for item in items for r in ports(item)]


def _meet(a: list[PortRange], b: list[PortRange]) -> list[PortRange]:
    out = []
    for x in a:
        for y in b:
            if max(x.lo, y.lo) <= min(x.hi, y.hi):
                out.append(PortRange(lo=max(x.lo, y.lo), hi=min(x.hi, y.hi)))
    return out
