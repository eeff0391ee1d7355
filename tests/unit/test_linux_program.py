"""The filter of an interface, built from chains (``agent.vendors.linux.program``): directed
cases of what the property test (tests/properties/test_chains_netfilter.py) checks at random."""

from __future__ import annotations

import ipaddress
from typing import Literal

from agent.engine.acl import Packet, evaluate_path
from agent.models.device import Acl, Device, PortRange, Source
from agent.vendors.linux.hooks import Filters
from agent.vendors.linux.netfilter import Base, Chain, Hook, IfMatch, Match, Rule, Verdict
from agent.vendors.linux.routes import Path

SRC = Source(file="configs/fw.cfg", line=1, text="x")
OWN = [("10.1.0.1", SRC)]
PATHS = [
    Path(ipaddress.ip_network("10.3.0.0/16"), ("eth1",), SRC),
    Path(ipaddress.ip_network("10.4.0.0/16"), ("eth1", "eth2"), SRC),
    Path(ipaddress.ip_network("10.5.0.0/16"), (), SRC),
]
TCP80 = Packet.of("10.2.0.9", "10.3.0.5", 6, sport=40000, dport=80)
UDP = Packet.of("10.2.0.9", "10.3.0.5", 17, sport=40000, dport=53)


def rule(verdict: Verdict, target: str | None = None, **kw: object) -> Rule:
    return Rule(src=SRC, verdict=verdict, target=target, **kw)  # type: ignore[arg-type]


def base(ident: str, hook: Hook, policy: Literal["accept", "drop"], *rules: Rule) -> Chain:
    return Chain(ident, SRC, list(rules), Base(hook, 0, policy, SRC))


def decide(chains: list[Chain], packet: Packet, i: str = "eth0") -> str:
    program = Filters(4, {c.ident: c for c in chains})
    acl = program.bound(i, OWN, PATHS, True, SRC)
    Device(name="d", platform="linux", file="f", acls=program.acls)
    return "permit" if acl is None else evaluate_path(acl, packet)[0]


def test_a_negated_return_leaves_the_chain() -> None:
    """``-A U ! -p tcp -j RETURN``: a udp packet returns to FORWARD, a tcp one goes on in U."""
    user = Chain("t/U", SRC, [rule("return", negations=[Match(protocols=[6])]), rule("drop")])
    fwd = base("t/F", "forward", "drop", rule("jump", "t/U"), rule("accept"))
    assert decide([user, fwd], UDP) == "permit"
    assert decide([user, fwd], TCP80) == "deny"


def test_a_negated_goto_does_not_come_back() -> None:
    """``-A F ! -p udp -g U``: what falls through U ends F (its policy), not the next rule."""
    user = Chain(
        "t/U", SRC, [rule("drop", match=Match(protocols=[6], dports=[PortRange(lo=22, hi=22)]))]
    )
    fwd = base(
        "t/F",
        "forward",
        "drop",
        rule("goto", "t/U", negations=[Match(protocols=[17])]),
        rule("accept"),
    )
    assert decide([user, fwd], TCP80) == "deny"  # fell through U: FORWARD's policy
    assert decide([user, fwd], UDP) == "permit"  # not sent to U: the accept


def test_negated_ports_never_match_a_fragment() -> None:
    fwd = base(
        "t/F",
        "forward",
        "accept",
        rule(
            "drop",
            match=Match(protocols=[6]),
            negations=[Match(protocols=[6], dports=[PortRange(lo=22, hi=22)])],
        ),
    )
    fragment = Packet.of("10.2.0.9", "10.3.0.5", 6, dport=80, frag=True)
    assert decide([fwd], fragment) == "permit"  # ``! --dport 22`` cannot see a fragment's port
    assert decide([fwd], TCP80) == "deny"


def test_every_base_chain_has_to_accept() -> None:
    early = base("t/E", "prerouting", "accept", rule("drop", match=Match(protocols=[17])))
    first = base("t/A", "forward", "accept", rule("accept", match=Match(protocols=[6])))
    second = base(
        "t/B",
        "forward",
        "drop",
        rule(
            "accept",
            ifs=[IfMatch("out", ("eth1",))],
            match=Match(protocols=[6], dports=[PortRange(lo=80, hi=80)]),
        ),
    )
    chains = [early, first, second]
    assert decide(chains, TCP80) == "permit"
    assert decide(chains, UDP) == "deny"  # prerouting drops it
    ssh = Packet.of("10.2.0.9", "10.3.0.5", 6, dport=22)
    assert decide(chains, ssh) == "deny"  # accepted by A, not by B
    program = Filters(4, {c.ident: c for c in chains})
    acl = program.bound("eth0", OWN, PATHS, True, SRC)
    assert acl is not None
    names = sorted(program.acls)
    assert "linux:forward:*>eth1:1" in names and "t/A@linux:forward:*>eth1:3" in names, names


def test_routes_pick_the_view_and_discarding_routes_are_left_to_routing() -> None:
    fwd = base("t/F", "forward", "drop", rule("accept", ifs=[IfMatch("out", ("eth1",))]))
    assert decide([fwd], TCP80) == "permit"  # 10.3/16 leaves by eth1
    assert decide([fwd], Packet.of("10.2.0.9", "10.5.0.1", 6)) == "permit"  # blackhole
    assert decide([fwd], Packet.of("10.2.0.9", "10.9.0.1", 6)) == "permit"  # no route at all
    program = Filters(4, {fwd.ident: fwd})
    program.bound("eth0", OWN, PATHS, True, SRC)
    assert [why for _acl, _src, why in program.notes] == [
        "equal-cost routes out of eth1, eth2 meet different forward rules: only eth1 is modelled"
    ]


def test_own_addresses_take_the_input_hook() -> None:
    inp = base("t/I", "input", "drop", rule("accept", ifs=[IfMatch("in", ("mgmt*",))]))
    fwd = base("t/F", "forward", "accept")
    to_me = Packet.of("10.2.0.9", "10.1.0.1", 6, dport=22)
    assert decide([inp, fwd], to_me, "eth0") == "deny"
    assert decide([inp, fwd], to_me, "mgmt0") == "permit"
    assert decide([inp, fwd], TCP80) == "permit"


def test_nothing_to_bind() -> None:
    empty = base("t/F", "forward", "accept", rule("none", effect=False))
    program = Filters(4, {empty.ident: empty})
    assert program.bound("eth0", OWN, PATHS, True, SRC) is None
    inp = base("t/I", "input", "drop")
    program = Filters(4, {inp.ident: inp})
    acl = program.bound("eth0", OWN, PATHS, False, SRC)
    assert isinstance(acl, Acl)
    assert [r.action for r in acl.rules] == ["jump", "deny", "permit"]  # no routes: no forwarding
