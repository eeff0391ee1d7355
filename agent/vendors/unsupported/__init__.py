"""Platforms recognised by their configuration text but not modelled yet.

Their devices become opaque: named in the report, and any proof whose path crosses one is
``inconclusive``. Each entry moves to its own ``vendors/<platform>/`` folder when its parser
lands.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from agent.vendors.base import Vendor


def _scorer(patterns: list[tuple[str, int]]) -> Callable[[str], int]:
    compiled = [(re.compile(p, re.MULTILINE), w) for p, w in patterns]

    def detect(text: str) -> int:
        head = text[:20_000]
        return min(100, sum(w for rx, w in compiled if rx.search(head)))

    return detect


VENDORS = [
    Vendor(
        "juniper_junos",
        _scorer(
            [
                (r"^set (system|interfaces|security|firewall|routing-options) ", 60),
                (r"^system \{", 60),
                (r"^\s*host-name \S+;", 30),
                (r"^## Last commit", 40),
            ]
        ),
        display="Juniper Junos",
    ),
    Vendor(
        "cisco_asa",
        _scorer(
            [
                (r"^: Saved", 20),
                (r"^ASA Version", 90),
                (r"^\s*nameif ", 40),
                (r"^\s*security-level \d+", 40),
            ]
        ),
        display="Cisco ASA",
    ),
    Vendor(
        "fortinet",
        _scorer(
            [
                (r"^config system (global|interface)", 80),
                (r"^#config-version=FG", 90),
                (r"^config firewall policy", 60),
            ]
        ),
        display="Fortinet FortiOS",
    ),
    Vendor(
        "paloalto_panos",
        _scorer(
            [
                (r"^set deviceconfig ", 80),
                (r"^set rulebase security", 60),
                (r"<config version=\"\d", 60),
                (r"^set network interface ethernet", 60),
            ]
        ),
        display="Palo Alto PAN-OS",
    ),
    Vendor(
        "cisco_nxos",
        _scorer(
            [
                (r"^feature \S+", 45),
                (r"^!Command: show running-config", 20),
                (r"^version \d+\.\d+\(\d+\)[A-Z]?\d*\s*$", 15),
                (r"^vdc ", 40),
                (r"NX-OS", 50),
            ]
        ),
        display="Cisco NX-OS",
    ),
]
