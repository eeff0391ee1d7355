"""The exact engine agrees with a brute-force per-packet evaluator, and more denies never add
reachability."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agent.engine.acl import AclCompiler, Packet, evaluate
from agent.engine.forward import Engine, Start
from agent.engine.space import Space
from agent.engine.trace import from_domain
from agent.models.device import Acl
from tests.properties import netgen

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

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


@SETTINGS
@given(acl=netgen.acls(), pkts=st.lists(packets, min_size=1, max_size=30))
def test_acl_compilation_matches_per_packet_evaluation(acl: Acl, pkts: list[Packet]) -> None:
    space = Space()
    permitted = AclCompiler(space).permitted("d", acl)
    for p in pkts:
        inside = (permitted & netgen.packet_bdd(space, p)) != space.false
        action, _rule = evaluate(acl, p)
        assert inside == (action == "permit"), (p, action, acl)


@SETTINGS
@given(acl=netgen.acls(), extra=netgen.rules(line=99), where=st.integers(0, 7))
def test_adding_a_deny_never_adds_permitted_packets(acl: Acl, extra, where: int) -> None:  # type: ignore[no-untyped-def]
    space = Space()
    deny = extra.model_copy(update={"action": "deny"})
    rules = list(acl.rules)
    rules.insert(min(where, len(rules)), deny)
    stricter = acl.model_copy(update={"rules": rules, "name": "B"})
    comp = AclCompiler(space)
    before, after = comp.permitted("d", acl), comp.permitted("d", stricter)
    assert (after & ~before) == space.false


@SETTINGS
@given(spec=netgen.networks())
def test_network_engine_matches_per_packet_traces(spec) -> None:  # type: ignore[no-untyped-def]
    devices, topology = spec
    net = netgen.build(devices, topology)
    engine = Engine(net)
    s = engine.space
    domain = net.l3[("r0", "GigabitEthernet0/2")].domain
    assert domain is not None
    out = engine.run([Start(domain, s.true)])
    reached = s.false
    for bdd in out.success.values():
        reached |= bdd
    for p in netgen.packet_universe(len(devices)):
        symbolic = (reached & netgen.packet_bdd(s, p)) != s.false
        concrete = any(b.success for b in from_domain(net, domain, p))
        assert symbolic == concrete, (
            p,
            [(b.disposition, b.detail) for b in from_domain(net, domain, p)],
        )


@SETTINGS
@given(spec=netgen.networks(), extra=netgen.rules(line=99), which=st.integers(0, 50))
def test_adding_a_deny_to_a_network_never_adds_reachability(spec, extra, which: int) -> None:  # type: ignore[no-untyped-def]
    devices, topology = spec
    names = [(d, a) for d, dev in sorted(devices.items()) for a in sorted(dev.acls)]
    if not names:
        return
    dev_name, acl_name = names[which % len(names)]
    dev = devices[dev_name]
    acl = dev.acls[acl_name]
    stricter = acl.model_copy(
        update={"rules": [extra.model_copy(update={"action": "deny"}), *acl.rules]}
    )
    changed = dict(devices)
    changed[dev_name] = dev.model_copy(update={"acls": {**dev.acls, acl_name: stricter}})
    space = Space()
    results = []
    for devs in (devices, changed):
        net = netgen.build(devs, topology)
        engine = Engine(net, space)
        domain = net.l3[("r0", "GigabitEthernet0/2")].domain
        out = engine.run([Start(domain, space.true)])
        total = space.false
        for bdd in out.success.values():
            total |= bdd
        results.append(total)
    assert (results[1] & ~results[0]) == space.false
