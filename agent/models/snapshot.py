"""Snapshot state files (NAPALM getter shapes) and ``topology.yml``.

Extra keys are ignored on purpose: NAPALM drivers add fields across versions and a collected
table must not be rejected for that.

A configuration assembled from several commands' answers (Linux, docs/linux-snapshot.md) marks
each answer with a ``SECTION`` line, and an answer the device could not give with one
``UNAVAILABLE`` line: the collector writes them, the Linux parser and remediation read them.
"""

from __future__ import annotations

import ipaddress

from pydantic import BaseModel, ConfigDict, Field, field_validator

SECTION = "#### segproof-section: "
UNAVAILABLE = "#### segproof-unavailable: "


class _State(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class ArpEntry(_State):
    interface: str = ""
    mac: str
    ip: str
    age: float | None = None


class NdpEntry(_State):
    interface: str = ""
    mac: str
    ip: str
    age: float | None = None
    state: str | None = None


class MacEntry(_State):
    mac: str
    interface: str
    vlan: int = 0
    static: bool = False
    active: bool = True
    moves: int | None = None
    last_move: float | None = None


class LldpNeighbor(_State):
    hostname: str
    port: str


class RouteEntry(_State):
    vrf: str = "default"
    prefix: str
    protocol: str = ""
    next_hop: str | None = None
    interface: str | None = None

    @field_validator("prefix")
    @classmethod
    def _prefix(cls, value: str) -> str:
        try:
            ipaddress.ip_network(value, strict=False)
        except ValueError:
            raise ValueError(f"{value!r} is not an IPv4 or IPv6 prefix") from None
        return value

    @field_validator("vrf", mode="before")
    @classmethod
    def _default_vrf(cls, value: object) -> object:
        return "default" if value in (None, "", "global") else value


class DeviceState(_State):
    """Everything collected for one host besides its configuration."""

    arp: list[ArpEntry] = Field(default_factory=list)
    ndp: list[NdpEntry] = Field(default_factory=list)
    mac: list[MacEntry] = Field(default_factory=list)
    lldp: dict[str, list[LldpNeighbor]] = Field(default_factory=dict)
    routes: list[RouteEntry] | None = None  # None: not collected (dynamic routes approximated)
    routes_file: str | None = None


class TopologyDevice(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    platform: str | None = None


class TopologyEndpoint(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    name: str | None = None
    ip: str | None = None
    ipv6: list[str] = Field(default_factory=list)
    mac: str | None = None
    attach: str | None = None  # "device:interface"
    vlan: int | None = None


class Topology(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    devices: dict[str, TopologyDevice] = Field(default_factory=dict)
    links: list[tuple[str, str]] = Field(default_factory=list)
    endpoints: list[TopologyEndpoint] = Field(default_factory=list)

    @field_validator("links", mode="before")
    @classmethod
    def _links(cls, value: object) -> object:
        if isinstance(value, list):
            out = []
            for item in value:
                if isinstance(item, (list, tuple)) and len(item) == 2:
                    out.append(tuple(item))
                else:
                    raise ValueError("each link is a pair [dev:intf, dev:intf]")
            return out
        return value


class DeviceConfig(BaseModel):
    """A configuration file as read from the snapshot."""

    model_config = ConfigDict(frozen=True)
    host: str  # from the file name
    file: str  # relative to the snapshot root
    text: str


class Snapshot(BaseModel):
    model_config = ConfigDict(frozen=True)
    root: str
    configs: list[DeviceConfig]
    state: dict[str, DeviceState] = Field(default_factory=dict)
    topology: Topology = Field(default_factory=Topology)
    meta: dict[str, object] = Field(default_factory=dict)
