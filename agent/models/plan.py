"""Remediation plans: vendor-neutral changes, rendered per platform, proven on the model.

A plan is data: which device, which interface or ACL, which entries at which sequence numbers.
Rendering (``templates/<platform>/remediate*.j2``) turns it into commands; the same plan applied
to the configuration text gives the running configuration afterwards, which is parsed and
verified again before anything is printed as a fix.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Strategy = Literal["acl", "vlan", "shutdown"]


class _Plan(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Entry(_Plan):
    """One ACL entry to add. Addresses are prefixes (``10.20.0.11/32``, ``2001:db8:21::/64``);
    ``protocol`` None = any IP; ports as inclusive ranges."""

    seq: int
    action: Literal["permit", "deny"]
    protocol: int | None = None
    src: str
    dst: str
    dst_ports: tuple[int, int] | None = None
    src_ports: tuple[int, int] | None = None
    icmp_type: int | None = None
    icmp_code: int | None = None
    log: bool = False
    remark: str | None = None


class AclChange(_Plan):
    """Entries added to the ACL bound inbound on ``interface`` (created and bound if needed)."""

    kind: Literal["acl"] = "acl"
    family: Literal[4, 6]
    interface: str
    acl: str
    create: bool  # the ACL does not exist yet
    bind: bool  # the binding line must be added
    resequence: tuple[int, int] | None = None  # (start, step) applied before inserting
    entries: list[Entry]
    # the ACL as it was (entry lines with their sequence numbers), for an exact rollback after
    # a resequence
    original: list[str] = Field(default_factory=list)


class PortChange(_Plan):
    """A camera access port moved to a quarantine VLAN, or shut."""

    kind: Literal["vlan", "shutdown"]
    interface: str
    vlan: int | None = None
    previous_vlan: int | None = None  # None: the port had no explicit access VLAN line
    create_vlan: bool = False
    no_shutdown_at: int | None = None  # where a ``no shutdown`` line stood in the block


class ChainChange(_Plan):
    """Linux: a chain of our own, jumped to first from FORWARD and INPUT. ``permit`` entries
    RETURN (the allowed exceptions go back to the host's own rules, so nothing is widened),
    ``deny`` entries DROP. ``backend`` is the ruleset the device uses for this family:
    ``iptables`` / ``iptables-legacy`` (the chain in the filter table) or ``nft`` (a table of
    our own whose base chains run before the host's, priority -10)."""

    kind: Literal["chain"] = "chain"
    family: Literal[4, 6]
    backend: Literal["iptables", "iptables-legacy", "nft"]
    chain: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_-]{0,27}$")  # an iptables chain name
    hooks: tuple[Literal["FORWARD", "INPUT"], ...] = ("FORWARD", "INPUT")
    entries: list[Entry]


class DeviceChange(_Plan):
    device: str
    platform: str
    file: str
    changes: list[AclChange | PortChange | ChainChange]
    cameras: list[str]  # the cameras this device's change is for (IP or MAC)


class ProofResult(_Plan):
    closed: bool  # every targeted violation is gone
    remaining: list[str] = Field(default_factory=list)  # cameras still reaching the core
    exceptions_kept: bool = True
    exceptions_lost: list[str] = Field(default_factory=list)
    collateral: list[str] = Field(default_factory=list)  # non-camera flows that changed
    verdict_after: str = ""
    rollback_exact: bool = True
    reparsed: bool = True  # parse(render(plan)) gave back the planned entries
    notes: list[str] = Field(default_factory=list)
    # changes for hosts that share the cameras' autoconfigurable IPv6 prefixes (reported, not
    # counted as collateral: the cameras can take any of those addresses)
    side_effects: list[str] = Field(default_factory=list)

    @property
    def passed(self) -> bool:
        return (
            self.closed
            and self.exceptions_kept
            and not self.collateral
            and self.rollback_exact
            and self.reparsed
        )


class RenderedDevice(_Plan):
    device: str
    platform: str
    change: str
    rollback: str


class Remediation(_Plan):
    strategy: Strategy
    snapshot: str
    verdict_before: str
    devices: list[DeviceChange]
    rendered: list[RenderedDevice]
    proof: ProofResult | None
    unfixable: list[str] = Field(default_factory=list)  # violations this strategy cannot close
    passed: bool = False
