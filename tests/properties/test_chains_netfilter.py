"""The Linux filter of an interface (``linux:in:<i>``, built by ``agent.vendors.linux.program``)
decides every packet as netfilter would: random rulesets (base chains on several hooks and
priorities, user chains with jump/goto/RETURN, interface conditions with ``!`` and wildcards,
negated matches, fragments) and random routes, against a brute-force netfilter interpreter
written here; the BDD compilation agrees as well."""

from __future__ import annotations

import ipaddress
from typing import Literal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agent.engine.acl import AclCompiler, Packet, evaluate_path
from agent.engine.space import Space
from agent.models.device import AddrMatch, Device, PortRange, Source
from agent.vendors.linux.hooks import Filters
from agent.vendors.linux.netfilter import Base, Chain, Hook, IfMatch, Match, Rule, Verdict
from agent.vendors.linux.routes import Path
from tests.properties import netgen

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
INTERFACES = ["br20", "br21", "eth0", "to-core"]
PATTERNS = ["br20", "br*", "eth0", "to-core", "x9"]
ADDRS = ["10.1.0.0/24", "10.1.0.5/32", "10.3.0.0/16", "10.2.0.0/24", "10.3.0.5/32"]
PREFIXES = ["10.3.0.0/16", "10.3.0.0/24", "10.2.0.0/24", "0.0.0.0/0", "10.100.0.0/16"]
OWN = ["10.1.0.1", "10.3.0.1"]
SRC = Source(file="configs/gen.cfg", line=1, text="generated")

packets = st.builds(
    Packet.of,
    src=st.sampled_from(["10.1.0.5", "10.1.0.4", "10.2.0.9"]),
    dst=st.sampled_from(["10.3.0.5", "10.2.0.1", "10.100.3.3", "8.8.8.8", "10.1.0.1", "10.3.0.1"]),
    proto=st.sampled_from([6, 6, 17, 1, 47]),
    sport=st.sampled_from([80, 49152]),
    dport=st.sampled_from([22, 80, 80, 443, 554]),
    itype=st.sampled_from([0, 8]),
    frag=st.booleans(),
)


def addr(text: str) -> AddrMatch:
    net = ipaddress.ip_network(text)
    return AddrMatch(address=str(net.network_address), wildcard=str(net.hostmask))


@st.composite
def matches(draw: st.DrawFn, negated: bool = False) -> Match:
    m = Match()
    if draw(st.booleans()):
        m.src = [addr(draw(st.sampled_from(ADDRS)))]
    if draw(st.booleans()):
        m.dst = [addr(a) for a in draw(st.lists(st.sampled_from(ADDRS), min_size=1, max_size=2))]
    kinds = ["any", "tcp", "udp", "icmp", "gre", "frag"]
    kind = draw(st.sampled_from(["tcp", "tcp", "udp", *kinds] if negated else kinds))
    if kind in ("tcp", "udp"):
        m.protocols = [6 if kind == "tcp" else 17]
        ports = draw(st.sampled_from([None, [(22, 22)], [(80, 443)], [(554, 554), (22, 22)]]))
        if negated and ports is None:
            ports = [(80, 80)]
        which = draw(st.sampled_from(["dports", "sports", "either_ports"]))
        if ports is not None:
            setattr(m, which, [PortRange(lo=a, hi=b) for a, b in ports])
    elif kind == "icmp":
        m.protocols = [1]
        if draw(st.booleans()):
            m.icmp = [(draw(st.sampled_from([0, 8])), None)]
    elif kind == "gre":
        m.protocols = [47]
    elif kind == "frag":
        m.fragment = True
    return m


@st.composite
def rules(draw: st.DrawFn, callees: list[str], line: int) -> Rule:
    verdicts: list[Verdict] = ["accept", "drop", "return", "return", "accept", "drop", "none"]
    if callees:
        verdicts += ["jump", "goto", "jump", "goto"]
    verdict = draw(st.sampled_from(verdicts))
    ifs = [
        IfMatch(
            draw(st.sampled_from(["in", "out"])),
            tuple(draw(st.lists(st.sampled_from(PATTERNS), min_size=1, max_size=2))),
            draw(st.booleans()),
            draw(st.booleans()),
        )
        for _ in range(draw(st.sampled_from([0, 0, 0, 1, 1, 2])))
    ]
    return Rule(
        src=Source(file="configs/gen.cfg", line=line, text=f"rule {line}"),
        ifs=ifs,
        match=draw(matches()),
        negations=[draw(matches(negated=True)) for _ in range(draw(st.integers(0, 2)))],
        verdict=verdict,
        target=draw(st.sampled_from(callees)) if verdict in ("jump", "goto") else None,
        dead=draw(st.integers(0, 9)) == 0,
        effect=verdict != "none",
    )


@st.composite
def rulesets(draw: st.DrawFn) -> dict[str, Chain]:
    chains: dict[str, Chain] = {}
    users = [f"t/U{k}" for k in range(draw(st.integers(0, 3)))]
    line = 100
    for k in reversed(range(len(users))):
        chain = Chain(users[k], SRC)
        for _ in range(draw(st.integers(0, 4))):
            line += 1
            chain.rules.append(draw(rules(users[k + 1 :], line)))
        chains[users[k]] = chain
    hooks: list[Hook] = ["prerouting", "input", "forward", "postrouting"]
    for n in range(draw(st.integers(1, 5))):
        hook = draw(st.sampled_from(hooks))
        policy: Literal["accept", "drop"] = draw(st.sampled_from(["accept", "drop"]))
        ident = f"t/B{n}"
        base = Base(
            hook, draw(st.integers(-2, 2)), policy, Source(file="f", line=n + 1, text=ident)
        )
        chain = Chain(ident, SRC, base=base)
        for _ in range(draw(st.integers(0, 5))):
            line += 1
            chain.rules.append(draw(rules(users, line)))
        chains[ident] = chain
    return chains


@st.composite
def routing(draw: st.DrawFn) -> list[Path]:
    chosen = draw(st.lists(st.sampled_from(PREFIXES), unique=True, max_size=4))
    out = []
    for prefix in chosen:
        egress = draw(st.sampled_from([(), ("eth0",), ("to-core",), ("br21",), ("br20",)]))
        out.append(Path(ipaddress.ip_network(prefix), egress, SRC))
    return out


# -- netfilter, by the book ---------------------------------------------------------------------


def if_ok(m: IfMatch, name: str | None) -> bool:
    if name is None:
        if m.absent_fails:
            return False
        name = ""
    hit = any(name.startswith(p[:-1]) if p.endswith("*") else name == p for p in m.names)
    return hit != m.negated


def hit(matches: list[AddrMatch] | None, value: int) -> bool:
    if matches is None:
        return True
    for a in matches:
        base, wild = int(ipaddress.ip_address(a.address)), int(ipaddress.ip_address(a.wildcard))
        if value & ~wild == base & ~wild:
            return True
    return False


def in_ports(ranges: list[PortRange] | None, value: int) -> bool:
    return ranges is None or any(r.lo <= value <= r.hi for r in ranges)


def match_ok(m: Match, p: Packet) -> bool:
    if not hit(m.src, p.src) or not hit(m.dst, p.dst):
        return False
    if m.protocols is not None and p.proto not in m.protocols:
        return False
    if m.fragment and not p.frag:
        return False
    if m.l4 and p.frag:
        return False  # the tcp/udp/icmp match sees no header in a non-initial fragment
    if not in_ports(m.dports, p.dport) or not in_ports(m.sports, p.sport):
        return False
    if m.either_ports is not None and not (
        in_ports(m.either_ports, p.sport) or in_ports(m.either_ports, p.dport)
    ):
        return False
    return m.icmp is None or any(t == p.itype and c in (None, p.icode) for t, c in m.icmp)


def rule_ok(rule: Rule, p: Packet, i: str | None, o: str | None) -> bool:
    if rule.dead or not all(if_ok(m, i if m.direction == "in" else o) for m in rule.ifs):
        return False
    if p.frag and (rule.match.l4 or any(n.l4 for n in rule.negations)):
        return False
    return match_ok(rule.match, p) and not any(match_ok(n, p) for n in rule.negations)


def base_chain(
    chains: dict[str, Chain], start: str, p: Packet, i: str | None, o: str | None
) -> str:
    """accept / drop / policy, with netfilter's stack of return points."""
    stack: list[tuple[str, int]] = []
    chain, index = start, 0
    while True:
        body = chains[chain].rules
        if index >= len(body):
            if not stack:
                return "policy"
            chain, index = stack.pop()
            continue
        rule = body[index]
        index += 1
        if not rule_ok(rule, p, i, o) or rule.verdict == "none":
            continue
        if rule.verdict in ("accept", "drop"):
            return rule.verdict
        if rule.verdict == "return":
            index = len(body)
            continue
        assert rule.target is not None
        if rule.verdict == "jump":
            stack.append((chain, index))
        chain, index = rule.target, 0


def netfilter(chains: dict[str, Chain], hooks: list[Hook], p: Packet, i: str, o: str | None) -> str:
    """Every base chain on the packet's way has to accept it (order does not matter)."""
    for chain in chains.values():
        if chain.base is None or chain.base.hook not in hooks:
            continue
        hook = chain.base.hook
        view_i = i if hook in ("prerouting", "input", "forward") else None
        view_o = o if hook in ("forward", "postrouting") else None
        verdict = base_chain(chains, chain.ident, p, view_i, view_o)
        if verdict == "policy":
            verdict = chain.base.policy
        if verdict == "drop":
            return "deny"
    return "permit"


def expected(chains: dict[str, Chain], paths: list[Path], p: Packet, i: str, fwd: bool) -> str:
    dst = ipaddress.ip_address(p.dst)
    if str(dst) in OWN:
        return netfilter(chains, ["prerouting", "input"], p, i, None)
    if not fwd:
        return "permit"
    best = None
    for path in paths:
        if dst in path.prefix and (best is None or path.prefix.prefixlen > best.prefix.prefixlen):
            best = path
    if best is None or not best.egress:
        return "permit"  # no route, or a discarding one: routing drops it, not the filter
    return netfilter(chains, ["prerouting", "forward", "postrouting"], p, i, best.egress[0])


@SETTINGS
@given(
    chains=rulesets(),
    paths=routing(),
    fwd=st.booleans(),
    i=st.sampled_from(INTERFACES),
    pkts=st.lists(packets, min_size=1, max_size=25),
)
def test_bound_filter_is_netfilter(
    chains: dict[str, Chain], paths: list[Path], fwd: bool, i: str, pkts: list[Packet]
) -> None:
    program = Filters(4, chains)
    own = [(a, SRC) for a in OWN]
    acl = program.bound(i, own, paths, fwd, SRC)
    Device(name="d", platform="linux", file="f", acls=program.acls)  # a well-formed program
    space = Space()
    permitted = AclCompiler(space).permitted("d", acl) if acl is not None else space.true
    for p in pkts:
        want = expected(chains, paths, p, i, fwd)
        got = evaluate_path(acl, p)[0] if acl is not None else "permit"
        assert got == want, (p, i, want, got)
        inside = (permitted & netgen.packet_bdd(space, p)) != space.false
        assert inside == (want == "permit"), (p, i, want)
