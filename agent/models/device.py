"""The vendor-neutral device model every parser produces.

Every element carries its provenance (``Source``: file, line, text) so a finding can cite the
exact configuration line. Addresses are kept as strings in canonical ``ipaddress`` form so the
model round-trips through JSON golden files unchanged.

Conventions shared by all parsers:

- Interface names are canonical long names (``GigabitEthernet1/0/1``, ``Ethernet1``,
  ``Port-Channel10`` on EOS, ``Port-channel10`` on IOS, ``Vlan20``, ``Loopback0``, ``Null0``).
- The default VRF is called ``default`` on every platform.
- ACL address matches are ternary: ``address`` plus a ``wildcard`` (bits set = don't care), so
  prefixes, ``host``, ``any`` and non-contiguous wildcards share one representation.
- Ports are inclusive ranges; ``neq 80`` becomes ``[0-79, 81-65535]``.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    model_serializer,
    model_validator,
)

Family = Literal[4, 6]
Action = Literal["permit", "deny"]
# what an ACL entry does when it matches: ``permit``/``deny`` decide; the chain actions (Linux
# netfilter) move through a program of ACLs, see ``AclRule``
RuleAction = Literal["permit", "deny", "jump", "goto", "return"]
Direction = Literal["in", "out"]


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Source(Frozen):
    """Where an element came from: ``file`` is relative to the snapshot root."""

    file: str
    line: int
    text: str


class Unrecognized(Frozen):
    """A configuration line the parser did not understand.

    ``context`` says where it sits: ``top`` (global), ``interface``, ``acl``, ``route``,
    ``routing`` (a ``router ...`` block), ``vlan``, ``vrf``, ``object-group`` or ``other``;
    ``scope`` names the enclosing object (interface name, ACL name, ``ospf 1`` ...).
    ``narrows``: a filter entry left out of the model that could only drop packets (a deny
    with a condition segproof does not model): it can change only packets the filter permits.
    ``relaxed``: a permit kept in the model *without* its unknown condition, so the modelled
    entry matches a superset of what the device's does: it can change only the packets it
    decides. Neither (an entry read only in part, an unknown target ...): it may change any
    packet entering the filter.
    """

    file: str
    line: int
    text: str
    context: str
    scope: str | None = None
    why: str = "unrecognised line"
    narrows: bool = False
    relaxed: bool = False

    @model_serializer(mode="wrap")
    def _drop_default(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        for flag in ("narrows", "relaxed"):
            if not data.get(flag):
                data.pop(flag, None)
        return data


class IfAddress(Frozen):
    """An interface address: ``address`` is an interface string such as ``10.0.1.1/24``."""

    address: str
    secondary: bool = False
    link_local: bool = False
    src: Source


class Switchport(Frozen):
    """Layer-2 settings. ``trunk_allowed`` is a sorted list of disjoint, non-adjacent inclusive
    VLAN ranges (``[[1, 4094]]`` for ``all``, ``[]`` for ``none``)."""

    mode: Literal["access", "trunk", "dot1q-tunnel", "dynamic"] = "access"
    access_vlan: int = 1
    native_vlan: int = 1
    trunk_allowed: list[tuple[int, int]] = Field(default_factory=lambda: [(1, 4094)])
    src: Source | None = None

    def allows(self, vlan: int) -> bool:
        return any(lo <= vlan <= hi for lo, hi in self.trunk_allowed)


def vlan_ranges(vlans: set[int] | frozenset[int]) -> list[tuple[int, int]]:
    """Sorted VLAN ids as compact inclusive ranges."""
    out: list[tuple[int, int]] = []
    for vlan in sorted(vlans):
        if out and out[-1][1] + 1 == vlan:
            out[-1] = (out[-1][0], vlan)
        else:
            out.append((vlan, vlan))
    return out


class AclBinding(Frozen):
    name: str
    src: Source


class Relay(Frozen):
    """A DHCP relay target (``ip helper-address``): the router forwards clients' DHCP
    broadcasts to ``address`` (UDP 67)."""

    address: str
    vrf: str | None = None  # None: the interface's VRF
    src: Source


class Interface(Frozen):
    name: str
    kind: Literal[
        "physical", "subinterface", "port-channel", "svi", "loopback", "null", "tunnel", "other"
    ]
    shutdown: bool = False
    description: str | None = None
    vrf: str = "default"
    ipv4: list[IfAddress] = Field(default_factory=list)
    ipv6: list[IfAddress] = Field(default_factory=list)
    ipv6_enabled: bool = False
    # None: routed (``no switchport``, an SVI, a loopback, a subinterface ...).
    switchport: Switchport | None = None
    encapsulation_vlan: int | None = None
    channel_group: str | None = None  # canonical name of the port-channel this port belongs to
    acl_in: AclBinding | None = None
    acl_out: AclBinding | None = None
    acl6_in: AclBinding | None = None
    acl6_out: AclBinding | None = None
    # routing protocols enabled directly on the interface (``ip ospf 1 area 0``), as "ospf 1"
    routing: list[str] = Field(default_factory=list)
    relays: list[Relay] = Field(default_factory=list)
    src: Source


class Vlan(Frozen):
    id: int
    name: str | None = None
    shutdown: bool = False
    src: Source


class Vrf(Frozen):
    name: str
    src: Source


class Route(Frozen):
    """A static route (parsers) or a collected/derived route (``protocol`` other than static).

    ``next_hop`` and ``interface`` may both be set; ``interface == "Null0"`` discards.
    """

    vrf: str = "default"
    prefix: str
    next_hop: str | None = None
    interface: str | None = None
    next_vrf: str | None = None  # route leaking into another VRF (``ip route vrf A ... vrf B``)
    distance: int = 1
    protocol: str = "static"
    src: Source


class AddrMatch(Frozen):
    """Ternary address match: a packet address ``a`` matches when ``a & ~wildcard == address``.

    ``address`` and ``wildcard`` are textual addresses of the same family.
    """

    address: str
    wildcard: str


class PortRange(Frozen):
    lo: int
    hi: int


class Service(Frozen):
    """Protocol and layer-4 match. ``protocol is None`` matches every IP protocol.

    ``src_ports``/``dst_ports`` ``None`` = any port. ``icmp_type``/``icmp_code`` ``None`` = any.
    ``established`` matches TCP segments with ACK or RST set.
    """

    protocol: int | None = None
    src_ports: list[PortRange] | None = None
    dst_ports: list[PortRange] | None = None
    icmp_type: int | None = None
    icmp_code: int | None = None
    established: bool = False


class AclRule(Frozen):
    """One access-list entry. The match is ``src in any(src) and dst in any(dst) and
    any(services)``; object-groups expand into these lists. ``fragments`` restricts the entry
    to non-initial fragments.

    ``action`` ``permit``/``deny`` decides. The chain actions make an ACL a program of ACLs (a
    netfilter ruleset), each a *chain*: ``jump`` evaluates the ACL named ``target`` and, when it
    falls off its end or meets ``return``, continues after the jump; ``goto`` evaluates
    ``target`` and, when it falls through, leaves the current ACL too (back to the ACL that
    jumped to the current one; from the bound ACL: its implicit deny); ``return`` leaves the
    current ACL. A jump/goto entry also carries its target ACL itself (``chain``, set by the
    parser, never serialised), so a bound ACL is a self-contained program; ``Device`` checks
    that ``chain`` is ``acls[target]`` (``acls6`` for IPv6). A program cannot loop: frozen
    ACLs are built callee first.

    ``fragment_l4`` says how an entry with layer-4 conditions (ports, ICMP type,
    ``established``) treats a non-initial fragment, which carries no layer-4 header: ``cisco``
    (IOS, EOS) — a ``permit`` matches it on its layer-3 fields, any other action does not;
    ``netfilter`` (Linux) — it never matches.
    """

    seq: int | None = None
    action: RuleAction
    src: list[AddrMatch]
    dst: list[AddrMatch]
    services: list[Service]
    fragments: bool = False
    target: str | None = None
    fragment_l4: Literal["cisco", "netfilter"] = "cisco"
    chain: Acl | None = Field(default=None, exclude=True, repr=False)
    src_ref: Source

    @model_serializer(mode="wrap")
    def _drop_defaults(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """The chain fields are left out at their defaults, so a plain ACL serialises as it
        did before chains existed (the parser goldens of every platform stay unchanged)."""
        data: dict[str, Any] = handler(self)
        if data.get("target") is None:
            data.pop("target", None)
        if data.get("fragment_l4") == "cisco":
            data.pop("fragment_l4", None)
        return data

    @model_validator(mode="after")
    def _check_target(self) -> AclRule:
        chained = self.action in ("jump", "goto")
        if chained and (self.target is None or self.chain is None):
            raise ValueError(f"{self.action} entry without its target chain")
        if not chained and (self.target is not None or self.chain is not None):
            raise ValueError(f"a {self.action} entry has no target")
        if self.chain is not None and self.chain.name != self.target:
            raise ValueError(f"target {self.target!r} but chain {self.chain.name!r}")
        return self


class Acl(Frozen):
    name: str
    family: Family
    kind: Literal["standard", "extended"] = "extended"
    rules: list[AclRule] = Field(default_factory=list)
    src: Source


class RoutingProcess(Frozen):
    """A dynamic routing process; not simulated, used for the sound over-approximation.

    ``networks`` are the prefixes named by ``network`` statements (empty when the protocol is
    enabled per interface); ``neighbors`` are configured peer addresses (BGP).
    """

    protocol: Literal["ospf", "ospfv3", "eigrp", "bgp", "rip", "isis"]
    id: str = ""
    vrf: str = "default"
    networks: list[str] = Field(default_factory=list)
    neighbors: list[str] = Field(default_factory=list)
    passive_default: bool = False
    src: Source


class LineCounts(Frozen):
    total: int = 0
    understood: int = 0
    irrelevant: int = 0
    unrecognized: int = 0


class Device(Frozen):
    name: str
    platform: str
    file: str
    interfaces: dict[str, Interface] = Field(default_factory=dict)
    vlans: dict[int, Vlan] = Field(default_factory=dict)
    vrfs: dict[str, Vrf] = Field(default_factory=dict)
    routes: list[Route] = Field(default_factory=list)
    acls: dict[str, Acl] = Field(default_factory=dict)  # IPv4 ACLs by name
    acls6: dict[str, Acl] = Field(default_factory=dict)  # IPv6 ACLs by name
    # ``ip routing`` per VRF name: True routes IPv4 in that VRF. IOS routes by default,
    # EOS does not (``ip routing`` / ``ip routing vrf X`` turn it on).
    ip_routing: dict[str, bool] = Field(default_factory=dict)
    ipv6_routing: dict[str, bool] = Field(default_factory=dict)
    routing: list[RoutingProcess] = Field(default_factory=list)
    # what the platform does with an ACL that is bound but not defined
    undefined_acl_action: Action = "permit"
    unrecognized: list[Unrecognized] = Field(default_factory=list)
    counts: LineCounts = Field(default_factory=LineCounts)

    @model_validator(mode="after")
    def _check_programs(self) -> Device:
        """Every jump/goto names an ACL of the same table and carries exactly that ACL (the
        engine relies on it). Programs cannot loop: frozen ACLs are built callee first."""
        for table in (self.acls, self.acls6):
            for acl in table.values():
                for rule in acl.rules:
                    if rule.chain is None:
                        continue
                    if table.get(rule.chain.name) is not rule.chain:
                        raise ValueError(
                            f"{self.name}: ACL {acl.name} {rule.action}s to {rule.target}, "
                            "which is not that ACL of the device"
                        )
        return self


AclRule.model_rebuild()
