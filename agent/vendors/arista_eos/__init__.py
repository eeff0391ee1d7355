"""Arista EOS vendor."""

from __future__ import annotations

from agent.vendors.arista_eos.parser import detect, parse
from agent.vendors.base import Vendor

VENDORS = [Vendor(platform="arista_eos", detect=detect, parse=parse, display="Arista EOS")]
