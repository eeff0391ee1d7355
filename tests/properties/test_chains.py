"""Chain programs (Linux netfilter): the BDD compilation agrees with the per-packet evaluator,
and both agree with a separate stack machine written here from the netfilter rules; plain ACLs
compile exactly as before."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agent.engine.acl import AclCompiler, Packet, evaluate, evaluate_path, rule_matches
from agent.engine.space import Space
from agent.models.device import Acl, AclRule, Device, Service
from tests.properties import netgen

SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])

packets = st.builds(
    Packet.of,
    src=st.sampled_from(["10.1.0.5", "10.1.0.4", "10.2.0.9", "172.16.0.1"]),
    dst=st.sampled_from(["10.3.0.5", "10.2.0.1", "10.100.3.3", "8.8.8.8", "10.1.0.5"]),
    proto=st.sampled_from([6, 17, 1, 47, 0]),
    sport=st.sampled_from([80, 49152, 0]),
    dport=st.sampled_from([22, 80, 443, 554, 1500, 2001, 0]),
    itype=st.sampled_from([0, 8, 3]),
    est=st.booleans(),
    frag=st.booleans(),
)


@st.composite
def programs(draw: st.DrawFn) -> tuple[Acl, dict[str, Acl]]:
    """Chains C0 (bound) .. Cn; Ci jumps/gotos only to Cj, j > i (netfilter refuses loops)."""
    n = draw(st.integers(1, 5))
    built: dict[str, Acl] = {}
    for i in reversed(range(n)):
        name = f"C{i}"
        rules: list[AclRule] = []
        for k in range(draw(st.integers(0, 5))):
            base = draw(netgen.rules(line=10 * i + k + 2))
            later = [f"C{j}" for j in range(i + 1, n)]
            actions = ["permit", "deny", "return"] + (["jump", "goto"] if later else [])
            action = draw(st.sampled_from(actions))
            target = draw(st.sampled_from(later)) if action in ("jump", "goto") else None
            rules.append(
                base.model_copy(
                    update={
                        "action": action,
                        "target": target,
                        "chain": built[target] if target else None,
                        "fragment_l4": draw(st.sampled_from(["cisco", "netfilter"])),
                    }
                )
            )
        built[name] = Acl(name=name, family=4, rules=rules, src=netgen.src(name, 10 * i + 1))
    return built["C0"], built


def machine(table: dict[str, Acl], bound: Acl, p: Packet) -> str:
    """Netfilter's traversal with an explicit stack of return points: a jump pushes the next
    entry of the current chain, a goto pushes nothing, the end of a chain or a RETURN pops;
    an empty stack is the end of the bound chain (its implicit deny)."""
    stack: list[tuple[str, int]] = []
    chain, index = bound.name, 0
    while True:
        rules = table[chain].rules
        if index >= len(rules):
            if not stack:
                return "deny"
            chain, index = stack.pop()
            continue
        rule = rules[index]
        if not rule_matches(rule, p):
            index += 1
            continue
        if rule.action in ("permit", "deny"):
            return rule.action
        if rule.action == "return":
            index = len(rules)
            continue
        assert rule.target is not None
        if rule.action == "jump":
            stack.append((chain, index + 1))
        chain, index = rule.target, 0


@SETTINGS
@given(program=programs(), pkts=st.lists(packets, min_size=1, max_size=30))
def test_chain_compilation_matches_evaluators(
    program: tuple[Acl, dict[str, Acl]], pkts: list[Packet]
) -> None:
    bound, table = program
    Device(name="d", platform="linux", file="f", acls=table)  # a valid program
    space = Space()
    comp = AclCompiler(space)
    permitted = comp.permitted("d", bound)
    regions = comp.first_matches("d", bound)
    for p in pkts:
        one = netgen.packet_bdd(space, p)
        inside = (permitted & one) != space.false
        action, rule, via = evaluate_path(bound, p)
        assert inside == (action == "permit"), (p, action)
        assert machine(table, bound, p) == action, (p, action)
        holding = [r for r, region in regions if (region & one) != space.false]
        assert holding == [rule], (p, rule, holding)
        for taken in via:
            assert taken.action in ("jump", "goto") and rule_matches(taken, p)


@SETTINGS
@given(program=programs())
def test_chain_regions_partition_the_family(program: tuple[Acl, dict[str, Acl]]) -> None:
    bound, _table = program
    space = Space()
    comp = AclCompiler(space)
    sets = comp.chain("d", bound)
    assert (sets.accept & sets.drop) == space.false
    assert (sets.accept | sets.drop) & sets.fall == space.false
    assert (sets.accept | sets.drop | sets.fall) == space.family(4)
    union = space.false
    for rule, region in comp.first_matches("d", bound):
        assert (union & region) == space.false
        union |= region
        if rule is not None:
            assert rule.action in ("permit", "deny")
    assert union == space.family(4)


@SETTINGS
@given(acl=netgen.acls())
def test_plain_acls_compile_as_before(acl: Acl) -> None:
    """The chain compiler on a plain ACL gives the BDD of the first-match loop (canonical)."""
    space = Space()
    comp = AclCompiler(space)
    assert comp.chain("d", acl).accept == comp.permitted("d", acl)


@SETTINGS
@given(
    rule=netgen.rules(line=5),
    pkts=st.lists(packets.filter(lambda p: p.frag), min_size=1, max_size=20),
)
def test_netfilter_l4_entries_never_match_fragments(rule: AclRule, pkts: list[Packet]) -> None:
    l4 = any(
        s.dst_ports is not None
        or s.src_ports is not None
        or s.icmp_type is not None
        or s.established
        for s in rule.services
    )
    nf = rule.model_copy(update={"action": "permit", "fragment_l4": "netfilter"})
    acl = Acl(name="N", family=4, rules=[nf], src=netgen.src("N"))
    permitted = AclCompiler(space := Space()).permitted("d", acl)
    for p in pkts:
        action, _rule = evaluate(acl, p)
        assert ((permitted & netgen.packet_bdd(space, p)) != space.false) == (action == "permit")
        if l4 and not rule.fragments:
            assert action == "deny", p


def test_goto_falls_through_to_the_caller_of_the_caller() -> None:
    src = netgen.src
    any_ = [netgen.match("any")]
    ip = [Service()]

    def rule(action: str, line: int, chain: Acl | None = None, dst: str = "any") -> AclRule:
        return AclRule(
            action=action,  # type: ignore[arg-type]
            src=any_,
            dst=[netgen.match(dst)],
            services=ip,
            target=chain.name if chain else None,
            chain=chain,
            src_ref=src(f"{action} {line}", line),
        )

    inner = Acl(name="T", family=4, rules=[rule("deny", 10, dst="10.3.0.5/32")], src=src("T"))
    middle = Acl(name="M", family=4, rules=[rule("goto", 20, inner)], src=src("M"))
    bound = Acl(
        name="B",
        family=4,
        rules=[rule("jump", 30, middle), rule("permit", 31)],
        src=src("B"),
    )
    Device(name="d", platform="linux", file="f", acls={"T": inner, "M": middle, "B": bound})
    dropped = Packet.of("10.1.0.5", "10.3.0.5", 6, dport=22)
    passed = Packet.of("10.1.0.5", "10.2.0.1", 6, dport=22)
    assert evaluate_path(bound, dropped)[0] == "deny"
    action, decided, via = evaluate_path(bound, passed)
    assert (action, decided) == ("permit", bound.rules[1])
    assert via == []
    space = Space()
    permitted = AclCompiler(space).permitted("d", bound)
    assert (permitted & netgen.packet_bdd(space, passed)) != space.false
    assert (permitted & netgen.packet_bdd(space, dropped)) == space.false
