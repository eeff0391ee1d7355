"""Results: what ``verify``, ``cameras`` and ``trace`` return (the JSON contract of
``../shared/spec/interfaces.md`` §4, extended, never renamed)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Status = Literal["isolated", "reachable", "inconclusive"]
Verdict = Literal["isolated", "violation", "inconclusive"]


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Location(_Out):
    device: str | None = None
    interface: str | None = None
    vlan: int | None = None
    domain: str | None = None
    gateways: list[str] = Field(default_factory=list)  # "device interface"
    how: str = "mac-table"  # mac-table | arp | topology | subnet | unknown


class SpaceBox(_Out):
    family: Literal["ipv4", "ipv6"]
    protocol: str  # tcp, udp, icmp, icmpv6, any, or a number / range "0-5"
    dst: list[str]
    dst_ports: list[str] | None = None
    src_ports: list[str] | None = None
    src: list[str] | None = None
    icmp_type: list[str] | None = None
    icmp_code: list[str] | None = None
    tcp: str | None = None  # "established only" / "not established" when restricted
    fragments: str | None = None  # "non-initial only" / "initial only" when restricted


class Flow(_Out):
    src: str
    dst: str
    protocol: str
    src_port: int | None = None
    dst_port: int | None = None
    icmp_type: int | None = None
    icmp_code: int | None = None
    established: bool = False  # TCP with ACK or RST set
    fragment: bool = False  # a non-initial fragment


class FilterHit(_Out):
    name: str
    direction: str
    action: str
    file: str
    line: int
    text: str


class PathHop(_Out):
    device: str
    vrf: str = "default"
    in_: str | None = Field(default=None, alias="in", serialization_alias="in")
    out: str | None = None
    filters: list[FilterHit] = Field(default_factory=list)
    route: str | None = None
    route_file: str | None = None
    route_line: int | None = None
    approximated: bool = False

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class Violation(_Out):
    core: str
    space: list[SpaceBox]
    space_truncated: bool = False
    flows: list[Flow]
    path: list[PathHop]
    disposition: str  # how the example flow arrives: l2-delivered, delivered, accepted, exits
    disposition_detail: str = ""
    approximated: bool = False  # some of this reach uses approximated dynamic routes
    # False: every packet of this space crossed something not understood (see ``uncertain``);
    # the camera is then ``inconclusive``, not ``reachable``
    certain: bool = True


class Stop(_Out):
    device: str | None = None
    reason: str  # denied, no-route, null-routed, routing-disabled, shutdown, layer-2 boundary ...
    detail: str = ""
    file: str | None = None
    line: int | None = None
    text: str | None = None


class UncertainItem(_Out):
    device: str | None = None
    file: str | None = None
    line: int | None = None
    text: str | None = None
    why: str


class Camera(_Out):
    ip: str | None
    ipv6: list[str] = Field(default_factory=list)
    mac: str | None
    vendor: str | None
    organisation: str | None
    flagged: bool = True
    evidence: str = "registry"
    location: Location
    status: Status
    violations: list[Violation] = Field(default_factory=list)
    stops: list[Stop] = Field(default_factory=list)
    uncertain: list[UncertainItem] = Field(default_factory=list)


class Endpoint(_Out):
    ip: str | None
    ipv6: list[str] = Field(default_factory=list)
    mac: str | None
    organisation: str | None
    vendor: str | None = None
    flagged: bool = False
    note: str | None = None
    location: Location | None = None


class UnrecognizedLine(_Out):
    device: str
    file: str
    line: int
    text: str
    context: str = "top"
    why: str = "unrecognised line"


class DeviceSummary(_Out):
    name: str
    platform: str
    file: str
    modelled: bool
    lines: int = 0
    unrecognized: int = 0


class Report(_Out):
    verdict: Verdict
    cameras: list[Camera]
    endpoints: list[Endpoint]
    unrecognized: list[UnrecognizedLine]
    devices: list[DeviceSummary] = Field(default_factory=list)
    snapshot: str = ""
    policy: str = ""
    any_source: bool = False
    notes: list[str] = Field(default_factory=list)


class CameraListing(_Out):
    """``segproof cameras``: discovery and location only, no proof."""

    cameras: list[Endpoint]
    endpoints: list[Endpoint]
    snapshot: str = ""


class TraceBranch(_Out):
    disposition: str
    success: bool
    detail: str = ""
    file: str | None = None
    line: int | None = None
    text: str | None = None
    path: list[PathHop] = Field(default_factory=list)


class TraceResult(_Out):
    flow: Flow
    start: str  # where the flow enters the model
    branches: list[TraceBranch]
    snapshot: str = ""
