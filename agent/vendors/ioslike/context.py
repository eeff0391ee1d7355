"""What every IOS-style sub-parser shares while one file is parsed."""

from __future__ import annotations

from dataclasses import dataclass, field

from agent.vendors.ioslike.blocks import Node
from agent.vendors.ioslike.tally import Tally


@dataclass(frozen=True, slots=True)
class Dialect:
    """Platform differences, as data. ``eos`` selects Arista spellings and defaults."""

    platform: str
    eos: bool


@dataclass(slots=True)
class Ctx:
    dialect: Dialect
    tally: Tally
    # route-maps named by forwarding features (PBR, NAT): their definitions stay unrecognised
    forwarding_route_maps: set[str] = field(default_factory=set)
    # policy-maps applied outside the control plane (interfaces, zone-pairs)
    data_policy_maps: set[str] = field(default_factory=set)
    # EOS ``switchport default mode routed``
    routed_default: bool = False
    # route-target statements: (vrf, "import"|"export", rt, node)
    route_targets: list[tuple[str, str, str, Node]] = field(default_factory=list)

    @property
    def eos(self) -> bool:
        return self.dialect.eos
