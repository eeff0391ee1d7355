"""Cisco IOS / IOS-XE: detection and parsing (the IOS-style machinery is in ``ioslike``)."""

from __future__ import annotations

from agent.models.device import Device
from agent.vendors.ioslike.config import parse_config
from agent.vendors.ioslike.context import Dialect
from agent.vendors.ioslike.detect import score_ios

DIALECT = Dialect(platform="cisco_ios", eos=False)


def detect(text: str) -> int:
    """0-100 confidence that ``text`` is an IOS/IOS-XE running configuration."""
    return score_ios(text)


def parse(text: str, file: str, name: str) -> Device:
    """Parse an IOS/IOS-XE configuration. IOS routes IPv4 by default (``no ip routing``
    turns it off for every VRF); IPv6 needs ``ipv6 unicast-routing``."""
    return parse_config(text, file, name, DIALECT)
