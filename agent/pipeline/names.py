"""Matching interface names across configs and state tables.

State tables abbreviate (``Gi1/0/1``, ``Et1``, ``Po10``) and differ in case (``Port-Channel`` on
EOS, ``Port-channel`` on IOS, ``VLAN20``); configs use long names. ``key`` maps all of them to one
comparison key.
"""

from __future__ import annotations

import contextlib
import re
from functools import lru_cache

from netutils.interface import canonical_interface_name

_VLAN = re.compile(r"^(?:vlan|vl)\s*(\d+)$", re.IGNORECASE)


@lru_cache(maxsize=100_000)
def key(name: str) -> str:
    text = name.strip()
    match = _VLAN.match(text)
    if match:
        return f"vlan{int(match.group(1))}"
    with contextlib.suppress(
        Exception
    ):  # netutils raises bare errors on odd names: keep the raw one
        text = canonical_interface_name(text)
    return text.replace(" ", "").lower()


def host_key(name: str) -> str:
    """LLDP reports FQDNs (``dist1.example.net``); configs hold the short host name."""
    return name.strip().split(".")[0].lower()
