"""The assembled network: plain, fast data the engine walks.

Built once from the parsed devices and the snapshot state (``agent.pipeline.assemble``).
No pydantic inside: these objects sit on the hot path.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Protocol

import networkx as nx

from agent.models.device import Acl, AclBinding, Device, Source, Unrecognized

IPNet = ipaddress.IPv4Network | ipaddress.IPv6Network
IPIf = ipaddress.IPv4Interface | ipaddress.IPv6Interface

DEFAULT_VRF = "default"


@dataclass(slots=True)
class Filter:
    """A bound filter as the engine sees it. ``acl`` None: bound but undefined."""

    binding: AclBinding
    family: int
    direction: str
    acl: Acl | None


@dataclass(slots=True)
class L3If:
    device: str
    name: str
    vrf: str
    up: bool
    v4: list[ipaddress.IPv4Interface]
    v6: list[ipaddress.IPv6Interface]
    src: Source
    domain: int | None = None
    filters: dict[tuple[int, str], Filter] = field(default_factory=dict)  # (family, dir)
    uncertain: list[Unrecognized] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str]:
        return (self.device, self.name)

    def subnets(self, af: int) -> list[IPNet]:
        addrs = self.v4 if af == 4 else self.v6
        return [a.network for a in addrs]


@dataclass(frozen=True, slots=True)
class Hop:
    """One forwarding action of a FIB entry."""

    kind: str  # connected | nexthop | null | nextvrf | exit
    interface: str | None = None  # egress interface (connected, nexthop, exit)
    next_hop: str | None = None
    vrf: str | None = None  # nextvrf target, or the VRF of the egress interface
    route: Source | None = None
    approximated: bool = False


@dataclass(slots=True)
class FibEntry:
    prefix: IPNet
    distance: int
    protocol: str
    hops: list[Hop]


@dataclass(slots=True)
class Opaque:
    """A device whose configuration is present but not modelled (unsupported platform)."""

    name: str
    platform: str
    file: str


@dataclass(slots=True)
class Network:
    devices: dict[str, Device]
    opaque: dict[str, Opaque]
    l3: dict[tuple[str, str], L3If]
    domain_l3: dict[int, list[L3If]]
    domain_opaque: dict[int, set[str]]
    domain_names: dict[int, str]
    owners: dict[tuple[int, str], list[L3If]]  # (domain, address) -> interfaces owning it
    l3_by_device: dict[str, list[L3If]]
    routing_on: dict[tuple[str, str, int], bool]
    device_uncertain: dict[str, list[Unrecognized]]
    routing_uncertain: dict[tuple[str, str], list[Unrecognized]]
    port_domain: dict[tuple[str, str], int]  # switchport (access) -> domain
    segments: dict[tuple[object, ...], int]  # every layer-2 segment -> its domain
    domain_uncertain: dict[int, list[Unrecognized]]  # unknown lines on the links of a domain
    domain_down: dict[int, list[L3If]]  # shut router interfaces on a domain
    link_ports: set[tuple[str, str]]  # (device, interface key) of every link end
    port_filters: dict[tuple[str, str], list[Filter]]  # inbound filters on L2 ports
    links: list[tuple[tuple[str, str], tuple[str, str]]]
    graph: nx.MultiGraph
    # known host addresses per domain (ARP/NDP/topology), set by the verify stage
    domain_hosts: dict[int, set[str]] = field(default_factory=dict)
    _owners_index: dict[tuple[str, str, int], dict[int, L3If]] = field(default_factory=dict)
    # static routes left out because their next hop or interface did not resolve: the proof
    # for packets they would carry rests on that (an address segproof could not read, ...)
    unresolved: dict[tuple[str, str, int], list[tuple[IPNet, Unrecognized]]] = field(
        default_factory=dict
    )
    notes: list[str] = field(default_factory=list)
    # set by agent.pipeline.fib.build: (device, vrf, family) -> entries, longest prefix first
    fib: FibSource | None = None

    def table(self, device: str, vrf: str, af: int) -> list[FibEntry]:
        assert self.fib is not None
        return self.fib.table(device, vrf, af)

    def lookup(self, device: str, vrf: str, af: int, dst: int) -> FibEntry | None:
        """Longest-prefix match of one address."""
        assert self.fib is not None
        return self.fib.lookup(device, vrf, af, dst)

    def owner_of(self, device: str, vrf: str, af: int, dst: int) -> L3If | None:
        """The up interface of ``device`` in ``vrf`` that owns address ``dst``, if any."""
        k = (device, vrf, af)
        index = self._owners_index.get(k)
        if index is None:
            index = self._owners_index[k] = {
                int(a.ip): itf for a, itf in self.owned(device, vrf, af)
            }
        return index.get(dst)

    def owned(self, device: str, vrf: str, af: int) -> list[tuple[IPIf, L3If]]:
        out: list[tuple[IPIf, L3If]] = []
        for itf in self.l3_by_device.get(device, []):
            if itf.vrf == vrf and itf.up:
                out.extend((a, itf) for a in (itf.v4 if af == 4 else itf.v6))
        return out


class FibSource(Protocol):
    def table(self, device: str, vrf: str, af: int) -> list[FibEntry]: ...

    def lookup(self, device: str, vrf: str, af: int, dst: int) -> FibEntry | None: ...
