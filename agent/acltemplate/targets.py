"""What ``acl-template`` can render: one ``Target`` per output file, as data.

A target is a platform (its templates folder and name rules), a template, how it is bound, and
the traits that differ between vendors. ``SELECTIONS`` maps what ``--platform`` accepts to targets:
every target key, plus ``juniper_junos`` (filter and/or SRX, by the form of ``--bind``), ``linux``
(nftables, iptables and ip6tables), ``linux-iptables`` (iptables and ip6tables) and ``all``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from agent.render.view import ServiceMode

BindKind = Literal["interface", "junos-interface", "zone-pair", "optional-interface"]


@dataclass(frozen=True, slots=True)
class Target:
    key: str  # output name (file stem)
    platform: str  # templates/<platform>/, name rules
    template: str
    bind: BindKind
    families: tuple[int, ...] = (4, 6)  # families this output can hold
    final_permit: bool = False  # a filter needs "permit any" last; zone policies must not
    v6_filter: bool = False  # IPv6 goes into its own filter, named NAME-V6
    objects: bool = False  # named address objects
    services: ServiceMode = "none"  # named service objects
    groups: bool = False  # network object-groups for multi-prefix lists
    prefixed_rules: bool = False  # rule names live in a device-wide namespace: prefix them
    ids: bool = False  # numbered policies (FortiOS edit IDs)
    suffix: str = ".cfg"

    @property
    def filename(self) -> str:
        return self.key + self.suffix


def _acl(platform: str) -> Target:
    return Target(
        platform, platform, "acl_template", "interface", final_permit=True, v6_filter=True
    )


TARGETS: dict[str, Target] = {
    t.key: t
    for t in (
        _acl("cisco_ios"),
        _acl("cisco_nxos"),
        _acl("arista_eos"),
        Target(
            "juniper_junos-filter",
            "juniper_junos",
            "acl_template_filter",
            "junos-interface",
            final_permit=True,
            v6_filter=True,
        ),
        Target(
            "juniper_junos-srx",
            "juniper_junos",
            "acl_template_srx",
            "zone-pair",
            objects=True,
            services="all",
            prefixed_rules=True,
        ),
        Target(
            "cisco_asa", "cisco_asa", "acl_template", "interface", final_permit=True, groups=True
        ),
        Target(
            "fortinet",
            "fortinet",
            "acl_template",
            "zone-pair",
            objects=True,
            services="all",
            prefixed_rules=True,
            ids=True,
        ),
        Target(
            "paloalto_panos",
            "paloalto_panos",
            "acl_template",
            "zone-pair",
            objects=True,
            services="ports",
            prefixed_rules=True,
        ),
        Target(
            "linux-nftables", "linux", "acl_template_nftables", "optional-interface", suffix=".nft"
        ),
        Target(
            "linux-iptables",
            "linux",
            "acl_template_iptables",
            "optional-interface",
            families=(4,),
            suffix=".rules",
        ),
        Target(
            "linux-ip6tables",
            "linux",
            "acl_template_iptables",
            "optional-interface",
            families=(6,),
            suffix=".rules",
        ),
    )
}

ALIASES: dict[str, tuple[str, ...]] = {
    "juniper_junos": ("juniper_junos-filter", "juniper_junos-srx"),
    "linux": ("linux-nftables", "linux-iptables", "linux-ip6tables"),
    "linux-iptables": ("linux-iptables", "linux-ip6tables"),
    "all": tuple(TARGETS),
}

SELECTIONS: tuple[str, ...] = tuple(dict.fromkeys((*TARGETS, *ALIASES)))
PLATFORMS: tuple[str, ...] = tuple(dict.fromkeys(t.platform for t in TARGETS.values()))
