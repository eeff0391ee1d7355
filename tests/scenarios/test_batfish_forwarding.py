"""Forwarding ground truth from ``../shared/batfish-corpus``: the rows of
``forwarding-change-validation/EXPECTED.md`` (fcv) and the traceroute / reachability facts of
``example-live/EXPECTED.md`` (live), asked of our parser, concrete walk and exact engine.

How a Batfish question is asked here
------------------------------------
* The snapshots are loaded as they are (``configs/`` only; ``hosts/*.json`` and ``iptables/``
  are not parsed). They hold no LLDP and no ``topology.yml``: adjacency comes from the
  assembler's shared-subnet inference, Batfish's rule; ``test_live_topology`` checks it
  against Batfish's own edge list (``example-live/reference/tests-basic/topology.ref``).
* ``@enter(node[iface])`` -> ``from_interface(net, node, iface, packet)``. A flow the node
  originates (``node[Loopback0]``, ``startLocation="/as2/"``) -> ``from_interface`` on its
  ``Loopback0``, which has no filter: the walk starts at the routing step, as Batfish's
  ``Originate`` step does. A host (``hosts/*.json``) -> ``from_domain`` on the domain of the
  router interface whose subnet holds the host's address (that interface owns its gateway).
* The symbolic checks run the exact engine from one start (a domain holding only the start
  interface, asserted; its own layer-2 delivery is not counted, as ``@enter`` routes) and
  compare success sets (the union of the success events) of the snapshots a row compares, in
  one ``Space`` shared by their engines. Batfish's flows are never non-initial fragments; nor
  are the queries here.
* Dispositions: compared by class (success: delivered, accepted, exits, l2-delivered) and by
  name where it maps one to one (NULL_ROUTED, DENIED_IN, ACCEPTED at a router, ...). A Linux
  host is not modelled: Batfish's ACCEPTED *at a host* is our ``delivered`` by its gateway.
* Our dynamic routing is a sound over-approximation (ADR 0002): a router may use every
  neighbour toward a learned prefix, whatever the metrics. One Batfish trace is therefore
  several branches here (with ``loop`` branches and paths a metric would exclude). A Batfish
  success must be one of our branches; a Batfish failure must appear, by name, among them,
  and be the only outcome where it is decided before any dynamic route (a first-hop filter).
  A Batfish "nothing fails" answer becomes "every packet of the header space has a successful
  branch" (the sound direction), never "no packet fails".

Rows reproduced
---------------

======  =======================================================  ==================================
row     fact                                                      test
======  =======================================================  ==================================
fcv 1   base, both borders -> host-db udp/33434 ACCEPTED,          ``test_row[fcv1-*]``
        first step OUTSIDE_TO_INSIDE permits
fcv 3   change1 -> host-www udp/33434 NULL_ROUTED by core2's       ``test_row[fcv3-change1-*]``
        static /32 discard; base (reference) ACCEPTED              ``test_row[fcv3-base-*]``
fcv 5   change1-fixed vs base: differential empty                  ``test_row[fcv5-*]``,
                                                                   ``test_fcv5_...``
fcv 6   base, HTTP to host-www DENIED_IN at OUTSIDE_TO_INSIDE,    ``test_row[fcv6-*]``
        one trace each
fcv 7   change2, same traceroute ACCEPTED                          ``test_row[fcv7-*]``
fcv 8   change2, no HTTP flow to host-www fails                    ``test_fcv8_10_...``
fcv 9   change2 vs base: HTTP to host-db ACCEPTED vs DENIED        ``test_row[fcv9-*]``
fcv 10  change2-fixed, no HTTP flow to host-www fails              ``test_row[fcv10-*]``,
                                                                   ``test_fcv8_10_...``
fcv 11  change2-fixed vs base, inverted: differential empty        ``test_row[fcv11-*]``,
        (ours: at most host-www's /30 network and broadcast        ``test_fcv11_...``
        addresses differ, see the test)
live    topology: 15 nodes, 38 directed links                      ``test_live_topology``
live    traceroute @enter(as1core1) -> host1 (network part)        ``test_row[live-tr12-*]``
live    traceroute host2 -> 1.0.1.1 ACCEPTED at as1border1         ``test_row[live-tr21]``
live    notebook as3core1[Loopback0] -> host1 (network part)       ``test_row[live-nb-as3core1]``
live    notebook /as2/ DNS to host1: 7 rows ACCEPTED, failure      ``test_row[live-nb-as2-*]``,
        empty                                                      ``test_live_as2_dns_...``
live    notebook @enter(/as2border/[Gi0/0]) DNS to host1: 2 rows   ``test_row[live-nb-enter-*]``
======  =======================================================  ==================================

These rows exposed an unsound over-approximation (an approximated, more specific route hid
the real path: ``agent.pipeline.fib._keep_real_paths`` now keeps both), kept here as its
regression test: core2's ``ip route 2.128.1.1 255.255.255.255 null0`` is not redistributed, yet
the approximation gave every router a 2.128.1.1/32 toward core2, which longest-prefix match
preferred over the real 2.128.1.0/30 toward leaf1, so every branch to host-www ended
null-routed: a false isolation.

Not reproduced: why
-------------------

=======================  =========================================================================
row                      why
=======================  =========================================================================
fcv 2, fcv 4             "no flow transits core1" (EMPTY) follows from OSPF costs (core1's links
                         cost 500 in change1 and change1-fixed): metrics are not simulated, and
                         our over-approximation lets flows transit core1. A sound difference
                         with nothing to assert in the sound direction.
live TraceCount 4        our walk explores each (device, vrf, ingress) state once: it lists the
(ECMP paths)             dispositions, not every equal-cost path, so counts are not compared
                         (fcv 6's single trace is: its decision precedes any routing). One of
                         Batfish's paths must be among our branches.
live traceroutes:        the final DENIED_IN is host1's own iptables ``filter::INPUT`` (udp/33434
DENIED_IN at host1       not accepted); hosts are not modelled. Only the network part is
                         checked: delivery to host1's segment along Batfish's path.
live notebook UDP !53    "accepted" there means accepted by host1's iptables: not modelled.
live testFilters         filters of Linux hosts (iptables): not modelled.
live filterLineReach.    an ACL question, not forwarding (the example-filters tests cover that
                         kind); not duplicated here.
=======================  =========================================================================
"""

from __future__ import annotations

import ipaddress
import json
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from agent.engine.acl import Packet
from agent.engine.forward import Engine, Start
from agent.engine.space import Bdd, Space
from agent.engine.trace import SUCCESS, Branch, from_domain, from_interface
from agent.pipeline import assemble, parse
from agent.pipeline.load import load_snapshot
from agent.pipeline.network import Network
from agent.vendors import load_vendors

ROOT = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("SEGPROOF_SHARED", ROOT.parent / "shared"))
CORPUS = SHARED / "batfish-corpus"
FCV = "forwarding-change-validation"
LIVE = "example-live"

pytestmark = pytest.mark.skipif(
    not CORPUS.is_dir() and os.environ.get("SEGPROOF_REQUIRE_LAB") != "1",
    reason=f"batfish corpus not found at {CORPUS} (set SEGPROOF_SHARED)",
)

UDP, TCP = 17, 6
SPORT = 49152  # Batfish's default source port
TRACEROUTE = 33434  # traceroute's default: UDP to 33434
HTTP, DNS = 80, 53

# Batfish disposition -> (success?, our name where it maps one to one)
BATFISH: dict[str, tuple[bool, str | None]] = {
    "ACCEPTED": (True, "accepted"),
    "DELIVERED_TO_SUBNET": (True, "delivered"),
    "EXITS_NETWORK": (True, "exits"),
    "SUCCESS": (True, None),  # EXPECTED.md implies the class only
    "DENIED_IN": (False, "denied-in"),
    "DENIED_OUT": (False, "denied-out"),
    "NO_ROUTE": (False, "no-route"),
    "NULL_ROUTED": (False, "null-routed"),
    "LOOP": (False, "loop"),
    "FAILURE": (False, None),
}


# -- snapshots --------------------------------------------------------------------------------


@cache
def network(snapshot: str) -> Network:
    snap = load_snapshot(CORPUS / snapshot)
    parsed = parse.run(snap, load_vendors())
    assert not parsed.opaque, f"{snapshot}: every configuration is modelled"
    return assemble.build(parsed.devices, parsed.opaque, snap.state, snap.topology)


@cache
def host(snapshot: str, name: str) -> tuple[str, str]:
    """A Linux host's address and gateway, from ``hosts/<name>.json``."""
    data = json.loads((CORPUS / snapshot / "hosts" / f"{name}.json").read_text())
    (itf,) = data["hostInterfaces"].values()
    return str(ipaddress.ip_interface(itf["prefix"]).ip), itf["gateway"]


def address(snapshot: str, text: str) -> str:
    return host(snapshot, text.removeprefix("host:"))[0] if text.startswith("host:") else text


def host_domain(net: Network, snapshot: str, name: str) -> int:
    """The domain of the router interface whose subnet holds the host (it owns the gateway)."""
    ip, gateway = host(snapshot, name)
    addr = ipaddress.ip_address(ip)
    found = [
        itf
        for itf in net.l3.values()
        if itf.up and itf.domain is not None and any(addr in a.network for a in itf.v4)
    ]
    assert len(found) == 1, f"{name} {ip}: gateway interfaces {found}"
    assert str(found[0].v4[0].ip) == gateway
    return found[0].domain  # type: ignore[return-value]


def location(text: str) -> tuple[str, str]:
    node, _, rest = text.partition("[")
    return node, rest.rstrip("]")


# -- concrete cases ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    id: str
    snapshot: str
    start: str  # "node[iface]" or "host:<name>"
    src: str
    dst: str  # an address or "host:<name>"
    proto: int
    dport: int
    batfish: str  # as EXPECTED.md states it
    ours: str | None = None  # our disposition where it is not Batfish's one-to-one name
    why: str = ""  # why ``ours`` differs from the one-to-one name
    host_filter: bool = False  # Batfish's disposition is the host's own iptables (not modelled)
    at: str | None = None  # "node" or "node[iface]" where a matching branch ends
    decided_by: str | None = None  # the configuration line that decides (failures)
    only: bool = False  # decided before any dynamic route: every branch ends so
    first_hop: tuple[str, str] | None = None  # (filter, action) at the start interface
    via: tuple[str, str, str] | None = None  # (node, filter, action) on a matching branch
    path: str | None = None  # Batfish's hops, "a > b|c > d": a matching branch follows it
    xfail: str | None = None

    @property
    def expected(self) -> str:
        name = self.ours or BATFISH[self.batfish][1]
        assert name is not None, f"{self.id}: class-only expectation needs ``ours``"
        return name


BORDERS = (("border1", "10.12.11.1"), ("border2", "10.23.21.1"))  # fcv row 1's two flows
AT_HOST = "ACCEPTED by a Linux host, which is not modelled: delivered by its gateway"


def _fcv() -> list[Case]:
    out: list[Case] = []
    for node, src in BORDERS:
        enter = f"{node}[GigabitEthernet0/0]"
        out += [
            Case(
                f"fcv1-base-{node}",
                f"{FCV}/base",
                dst="host:host-db",
                proto=UDP,
                dport=TRACEROUTE,
                batfish="ACCEPTED",
                ours="delivered",
                why=AT_HOST,
                at="leaf1[GigabitEthernet2/0]",
                first_hop=("OUTSIDE_TO_INSIDE", "permit"),
                start=enter,
                src=src,
            ),
            Case(
                f"fcv3-change1-{node}",
                f"{FCV}/change1",
                dst="host:host-www",
                proto=UDP,
                dport=TRACEROUTE,
                batfish="NULL_ROUTED",
                at="core2",
                decided_by="ip route 2.128.1.1 255.255.255.255 null0",
                first_hop=("OUTSIDE_TO_INSIDE", "permit"),
                start=enter,
                src=src,
            ),
            Case(
                f"fcv3-base-{node}",
                f"{FCV}/base",
                dst="host:host-www",
                proto=UDP,
                dport=TRACEROUTE,
                batfish="ACCEPTED",
                ours="delivered",
                why=AT_HOST,
                at="leaf1[GigabitEthernet3/0]",
                start=enter,
                src=src,
            ),
            Case(  # row 5: the differential against base (ACCEPTED) is empty
                f"fcv5-change1-fixed-{node}",
                f"{FCV}/change1-fixed",
                dst="host:host-www",
                proto=UDP,
                dport=TRACEROUTE,
                batfish="ACCEPTED",
                ours="delivered",
                why=AT_HOST,
                at="leaf1[GigabitEthernet3/0]",
                start=enter,
                src=src,
            ),
            Case(
                f"fcv6-base-{node}",
                f"{FCV}/base",
                dst="host:host-www",
                proto=TCP,
                dport=HTTP,
                batfish="DENIED_IN",
                at=enter,
                decided_by="deny ip any any",
                only=True,
                first_hop=("OUTSIDE_TO_INSIDE", "deny"),
                start=enter,
                src=src,
            ),
            Case(
                f"fcv7-change2-{node}",
                f"{FCV}/change2",
                dst="host:host-www",
                proto=TCP,
                dport=HTTP,
                batfish="ACCEPTED",
                ours="delivered",
                why=AT_HOST,
                at="leaf1[GigabitEthernet3/0]",
                first_hop=("OUTSIDE_TO_INSIDE", "permit"),
                start=enter,
                src=src,
            ),
            Case(
                f"fcv9-change2-{node}",
                f"{FCV}/change2",
                dst="host:host-db",
                proto=TCP,
                dport=HTTP,
                batfish="ACCEPTED",
                ours="delivered",
                why=AT_HOST,
                at="leaf1[GigabitEthernet2/0]",
                first_hop=("OUTSIDE_TO_INSIDE", "permit"),
                start=enter,
                src=src,
            ),
            Case(  # EXPECTED says "Reference DENIED": the OUTSIDE_TO_INSIDE ingress filter
                f"fcv9-base-{node}",
                f"{FCV}/base",
                dst="host:host-db",
                proto=TCP,
                dport=HTTP,
                batfish="DENIED_IN",
                at=enter,
                decided_by="deny ip any any",
                only=True,
                first_hop=("OUTSIDE_TO_INSIDE", "deny"),
                start=enter,
                src=src,
            ),
            Case(  # row 10: no HTTP flow to host-www fails
                f"fcv10-change2-fixed-{node}",
                f"{FCV}/change2-fixed",
                dst="host:host-www",
                proto=TCP,
                dport=HTTP,
                batfish="SUCCESS",
                ours="delivered",
                why=AT_HOST,
                at="leaf1[GigabitEthernet3/0]",
                start=enter,
                src=src,
            ),
            Case(  # row 11: same class as base (DENIED); the fix moved the deny to leaf1
                f"fcv11-change2-fixed-{node}",
                f"{FCV}/change2-fixed",
                dst="host:host-db",
                proto=TCP,
                dport=HTTP,
                batfish="FAILURE",
                ours="denied-out",
                why="EXPECTED implies the class only (empty differential against DENIED)",
                at="leaf1[GigabitEthernet2/0]",
                decided_by="deny   ip any any",
                first_hop=("OUTSIDE_TO_INSIDE", "permit"),
                start=enter,
                src=src,
            ),
        ]
    return out


AS2 = ("as2border1", "as2border2", "as2core1", "as2core2", "as2dept1", "as2dist1", "as2dist2")
HOST1_SEGMENT = "as2dept1[GigabitEthernet2/0]"
HOST1_IPTABLES = "DENIED_IN by host1's own iptables filter::INPUT (not modelled): network part"


def _live() -> list[Case]:
    out = [
        Case(
            f"live-tr12-{iface}",
            LIVE,
            start=f"as1core1[{iface}]",
            src=src,
            dst="host:host1",
            proto=UDP,
            dport=TRACEROUTE,
            batfish="DENIED_IN",
            ours="delivered",
            why=HOST1_IPTABLES,
            host_filter=True,
            at=HOST1_SEGMENT,
            path="as1core1 > as1border1 > as2border1 > as2core1|as2core2 > as2dist1|as2dist2"
            " > as2dept1",
        )
        for iface, src in (("GigabitEthernet0/0", "1.0.2.3"), ("GigabitEthernet1/0", "1.0.1.3"))
    ]
    out.append(
        Case(
            "live-tr21",
            LIVE,
            start="host:host2",
            src="host:host2",
            dst="1.0.1.1",
            proto=UDP,
            dport=TRACEROUTE,
            batfish="ACCEPTED",
            at="as1border1",
            first_hop=("RESTRICT_HOST_TRAFFIC_IN", "permit"),
            path="as2dept1 > as2dist1|as2dist2 > as2core1|as2core2 > as2border1 > as1border1",
        )
    )
    out.append(
        Case(
            "live-nb-as3core1",
            LIVE,
            start="as3core1[Loopback0]",
            src="3.10.1.1",
            dst="host:host1",
            proto=UDP,
            dport=TRACEROUTE,
            batfish="DENIED_IN",
            ours="delivered",
            why=HOST1_IPTABLES,
            host_filter=True,
            at=HOST1_SEGMENT,
            via=("as2border2", "OUTSIDE_TO_INSIDE", "permit"),
        )
    )
    for node in AS2:  # reachability(startLocation="/as2/", DNS to host1): the flow it prints
        out.append(
            Case(
                f"live-nb-as2-{node}",
                LIVE,
                start=f"{node}[Loopback0]",
                src="10.0.0.0",
                dst="host:host1",
                proto=UDP,
                dport=DNS,
                batfish="ACCEPTED",
                ours="delivered",
                why=AT_HOST,
                at=HOST1_SEGMENT,
            )
        )
    for node in ("as2border1", "as2border2"):  # the same question @enter(/as2border/[Gi0/0])
        out.append(
            Case(
                f"live-nb-enter-{node}",
                LIVE,
                start=f"{node}[GigabitEthernet0/0]",
                src="10.0.0.0",  # Batfish prints no flow here: the /as2/ question's flow
                dst="host:host1",
                proto=UDP,
                dport=DNS,
                batfish="ACCEPTED",
                ours="delivered",
                why=AT_HOST,
                at=HOST1_SEGMENT,
                first_hop=("OUTSIDE_TO_INSIDE", "permit"),
            )
        )
    return out


CASES = _fcv() + _live()


def _params() -> list[object]:
    return [
        pytest.param(
            c,
            id=c.id,
            marks=[pytest.mark.xfail(strict=True, reason=c.xfail)] if c.xfail else [],
        )
        for c in CASES
    ]


def walk(case: Case) -> list[Branch]:
    net = network(case.snapshot)
    packet = Packet.of(
        address(case.snapshot, case.src),
        address(case.snapshot, case.dst),
        case.proto,
        sport=SPORT,
        dport=case.dport,
    )
    if case.start.startswith("host:"):
        return from_domain(net, host_domain(net, case.snapshot, case.start[5:]), packet)
    node, iface = location(case.start)
    itf = net.l3.get((node, iface))
    assert itf is not None and itf.up, f"{case.start} is an up layer-3 interface"
    if iface.startswith("Loopback"):  # origination: nothing filters on the way in
        assert not itf.filters, f"{case.start} has no filter"
    return from_interface(net, node, iface, packet)


def _ends_at(branch: Branch, at: str | None) -> bool:
    if at is None:
        return True
    if not branch.steps:
        return False
    node, iface = location(at)
    last = branch.steps[-1]
    return last.device == node and (not iface or iface in (last.ingress, last.egress))


def _follows(branch: Branch, path: str) -> bool:
    hops = [set(h.strip().split("|")) for h in path.split(">")]
    devices = [s.device for s in branch.steps]
    return len(devices) == len(hops) and all(d in h for d, h in zip(devices, hops, strict=True))


def _show(branches: list[Branch]) -> str:
    return "\n".join(
        f"{b.disposition}: {' > '.join(s.device for s in b.steps)} ({b.detail})" for b in branches
    )


def test_cases_compare_dispositions_by_class() -> None:
    """The table itself: each expectation keeps Batfish's class, except where the host's own
    iptables decides (documented), and uses the one-to-one name unless it says why not."""
    assert len({c.id for c in CASES}) == len(CASES)
    for c in CASES:
        success, name = BATFISH[c.batfish]
        if c.host_filter:
            assert c.why and c.expected in SUCCESS, c.id
            continue
        assert (c.expected in SUCCESS) == success, c.id
        assert c.expected == name or c.why, c.id


@pytest.mark.parametrize("case", _params())
def test_row(case: Case) -> None:
    branches = walk(case)
    assert branches, case.id
    matching = [b for b in branches if b.disposition == case.expected and _ends_at(b, case.at)]
    assert matching, f"{case.id}: no {case.expected} branch at {case.at}:\n{_show(branches)}"
    if case.only:
        assert len(matching) == len(branches), _show(branches)
    if case.decided_by is not None:
        for b in matching:
            assert b.text == case.decided_by
            assert b.file is not None and b.line is not None
            lines = (CORPUS / case.snapshot / b.file).read_text().splitlines()
            assert lines[b.line - 1].strip() == case.decided_by.strip(), (b.file, b.line)
    if case.first_hop is not None:
        name, action = case.first_hop
        for b in branches:
            if not b.steps:  # l2-delivered from a host's segment: no router involved
                continue
            decisions = [(d.name, d.action) for d in b.steps[0].filters if d.direction == "in"]
            assert decisions == [(name, action)], (case.id, b.steps[0])
    if case.via is not None:
        node, name, action = case.via
        assert any(
            (d.name, d.action) == (name, action)
            for b in matching
            for s in b.steps
            if s.device == node
            for d in s.filters
        ), _show(matching)
    if case.path is not None:
        path = case.path
        assert any(_follows(b, path) for b in matching), f"none follows {path}:\n{_show(matching)}"


# -- topology ---------------------------------------------------------------------------------


def _node_iface(ident: str) -> tuple[str, str]:
    node, _, iface = ident.removeprefix("interface-node-").partition("-")
    return node, iface


def test_live_topology() -> None:
    """topology.ref: 15 nodes (13 routers, 2 Linux hosts) and 38 directed layer-3 links. Our
    inferred adjacency holds exactly its 17 router-router edges; the 2 host edges are the
    hosts' gateway segments."""
    ref = json.loads((CORPUS / LIVE / "reference" / "tests-basic" / "topology.ref").read_text())
    nodes = {n["name"] for n in ref["nodes"]}
    hosts = {n["name"] for n in ref["nodes"] if n["type"] == "HOST"}
    assert len(nodes) == 15 and hosts == {"host1", "host2"} and len(ref["links"]) == 38
    net = network(LIVE)
    assert set(net.devices) == nodes - hosts
    edges = {
        frozenset((_node_iface(link["srcId"]), _node_iface(link["dstId"]))) for link in ref["links"]
    }
    routers = {e for e in edges if not any(n in hosts for n, _ in e)}
    to_hosts = edges - routers
    assert len(routers) == 17 and len(to_hosts) == 2
    ours = {
        frozenset(((a.device, a.name), (b.device, b.name)))
        for itfs in net.domain_l3.values()
        for a in itfs
        for b in itfs
        if a.device != b.device
    }
    assert ours == routers
    for edge in to_hosts:
        (name, _), (router, iface) = sorted(edge, key=lambda e: e[0] not in hosts)
        assert net.l3[(router, iface)].domain == host_domain(net, LIVE, name)


# -- symbolic checks --------------------------------------------------------------------------
#
# Each check builds its engines in a fresh ``Space`` shared by the snapshots it compares, and
# returns plain text (an empty string, or example packets of what is wrong): no BDD outlives
# the helper, so an xfail traceback keeps no node of a freed manager alive.


def succeeded(engine: Engine, start: tuple[str, str], packets: Bdd) -> Bdd:
    """Packets of ``packets`` with at least one successful branch entering at ``start``."""
    net = engine.net
    itf = net.l3[start]
    assert itf.domain is not None
    on_domain = [(i.device, i.name) for i in net.domain_l3[itf.domain]]
    assert on_domain == [start], f"{start}: the start domain is this interface alone"
    out = engine.run([Start(itf.domain, packets)])
    total = engine.space.false
    for key, reached in out.success.items():
        if key != ("l2", itf.domain):  # @enter routes; it never delivers on the ingress segment
            total |= reached
    return total & packets


def headers(s: Space, dsts: list[str], proto: int | None = None, dport: int | None = None) -> Bdd:
    u = s.false
    for dst in dsts:
        u |= s.prefix("dst", dst)
    if proto is not None:
        u &= s.protocol(proto)
    if dport is not None:
        u &= s.bits("dport", dport, 0xFFFF)
    return u & ~s.bits("frag", 1, 1)


def flow(s: Space, src: str, dst: str, proto: int, dport: int) -> Bdd:
    return (
        s.host("src", src)
        & s.host("dst", dst)
        & s.protocol(proto)
        & s.bits("sport", SPORT, 0xFFFF)
        & s.bits("dport", dport, 0xFFFF)
        & ~s.bits("frag", 1, 1)
    )


def witness(s: Space, u: Bdd, what: str) -> str:
    """'' if ``u`` is empty, else ``what`` and a few of its packets."""
    if u == s.false:
        return ""
    boxes, _ = s.to_boxes(u, order=("af", "dst", "proto", "dport", "src"), limit=3)
    shown = []
    for box in boxes:
        parts = []
        for name in ("dst", "proto", "dport"):
            spans = box.get(name, ())
            if name == "dst":
                text = ",".join(
                    f"{ipaddress.IPv4Address(i.lo)}-{ipaddress.IPv4Address(i.hi)}" for i in spans
                )
            else:
                text = ",".join(f"{i.lo}-{i.hi}" for i in spans)
            parts.append(f"{name}={text}")
        shown.append(" ".join(parts))
    return f"{what}: " + "; ".join(shown)


def _enter(node: str) -> tuple[str, str]:
    return (node, "GigabitEthernet0/0")


def fcv5(node: str, src: str) -> str:
    s = Space()
    hosts = [host(f"{FCV}/base", h)[0] for h in ("host-db", "host-www")]
    query = headers(s, hosts)
    before = succeeded(Engine(network(f"{FCV}/base"), s), _enter(node), query)
    after = succeeded(Engine(network(f"{FCV}/change1-fixed"), s), _enter(node), query)
    lost = s.false
    for dst in hosts:
        lost |= flow(s, src, dst, UDP, TRACEROUTE) & ~before
    return (
        witness(s, lost, "row 1/3 flows failing in base")
        + witness(s, before & ~after, " | only base")
        + witness(s, after & ~before, " | only change1-fixed")
    )


@pytest.mark.parametrize(("node", "src"), BORDERS)
def test_fcv5_change1_fixed_vs_base_differential_is_empty(node: str, src: str) -> None:
    """differentialReachability(@enter(/border/[Gi0/0]), dstIps /host/) is EMPTY: the same
    packets succeed before and after; the traceroute flows of rows 1 and 3 among them."""
    assert fcv5(node, src) == ""


def fcv8_10(snapshot: str, node: str) -> str:
    s = Space()
    www = host(f"{FCV}/{snapshot}", "host-www")[0]
    query = headers(s, [www], TCP, HTTP)
    ok = succeeded(Engine(network(f"{FCV}/{snapshot}"), s), _enter(node), query)
    return witness(s, query & ~ok, "HTTP to host-www with no successful branch")


@pytest.mark.parametrize("snapshot", ["change2", "change2-fixed"])
@pytest.mark.parametrize("node", [n for n, _ in BORDERS])
def test_fcv8_10_no_http_flow_to_host_www_fails(snapshot: str, node: str) -> None:
    """reachability(srcIps 0.0.0.0/0, dstIps host-www, HTTP, actions FAILURE) is EMPTY: every
    such packet has a successful branch here (the sound reading of "nothing fails")."""
    assert fcv8_10(snapshot, node) == ""


def fcv11(node: str) -> str:
    s = Space()
    www = host(f"{FCV}/base", "host-www")[0]
    query = headers(s, ["0.0.0.0/0"], TCP, HTTP) & ~s.host("dst", www)
    before = succeeded(Engine(network(f"{FCV}/base"), s), _enter(node), query)
    after = succeeded(Engine(network(f"{FCV}/change2-fixed"), s), _enter(node), query)
    subnet = ipaddress.ip_interface(f"{www}/30").network
    edges = s.host("dst", str(subnet.network_address)) | s.host(
        "dst", str(subnet.broadcast_address)
    )
    return (
        witness(s, before, "HTTP succeeding in base")  # row 6: OUTSIDE_TO_INSIDE denies it
        + witness(s, before & ~after, " | only base")
        + witness(s, after & ~before & ~edges, " | only change2-fixed")
    )


@pytest.mark.parametrize("node", [n for n, _ in BORDERS])
def test_fcv11_change2_fixed_vs_base_inverted_differential(node: str) -> None:
    """differentialReachability(dstIps host-www, HTTP, invertSearch) between change2-fixed and
    base is EMPTY. Ours: nothing succeeds in base, and what succeeds only after the fix is at
    most the network and broadcast addresses of host-www's /30 (2.128.1.0, 2.128.1.3): we
    deliver every address of a connected subnet, Batfish's ARP heuristics (a "full" subnet,
    host addresses only) do not. A sound over-approximation."""
    assert fcv11(node) == ""


def live_as2_dns(node: str) -> str:
    s = Space()
    query = headers(s, [host(LIVE, "host1")[0]], UDP, DNS)
    ok = succeeded(Engine(network(LIVE), s), (node, "Loopback0"), query)
    return witness(s, query & ~ok, "DNS to host1 with no successful branch")


@pytest.mark.parametrize("node", AS2)
def test_live_as2_dns_to_host1_never_fails(node: str) -> None:
    """Notebook: reachability(startLocation="/as2/", srcIps 0.0.0.0/0, dstIps host1, DNS)
    has 7 ACCEPTED rows (one per node) and nothing with actions="failure": every DNS packet to
    host1 that an as2 node originates has a successful branch (delivered to host1's segment)."""
    assert tuple(sorted(d for d in network(LIVE).devices if "as2" in d)) == AS2
    assert live_as2_dns(node) == ""
