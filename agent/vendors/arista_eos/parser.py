"""Arista EOS: detection and parsing (the IOS-style machinery is in ``ioslike``)."""

from __future__ import annotations

from agent.models.device import Device
from agent.vendors.ioslike.config import parse_config
from agent.vendors.ioslike.context import Dialect
from agent.vendors.ioslike.detect import score_eos

DIALECT = Dialect(platform="arista_eos", eos=True)


def detect(text: str) -> int:
    """0-100 confidence that ``text`` is an EOS running configuration."""
    return score_eos(text)


def parse(text: str, file: str, name: str) -> Device:
    """Parse an EOS configuration. EOS does not route until ``ip routing [vrf X]``; Ethernet and
    Port-Channel interfaces are access switchports in VLAN 1 unless ``no switchport``."""
    return parse_config(text, file, name, DIALECT)
