"""Cisco IOS / IOS-XE vendor."""

from __future__ import annotations

from agent.vendors.base import Vendor
from agent.vendors.cisco_ios.parser import detect, parse

VENDORS = [Vendor(platform="cisco_ios", detect=detect, parse=parse, display="Cisco IOS/IOS-XE")]
