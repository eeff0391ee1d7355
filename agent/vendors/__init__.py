"""Vendor table. ``BUILTIN`` maps platform name (the netmiko ``device_type``) to the module path
of its vendor; ``load_vendors`` imports them and returns a new dict each call."""

from __future__ import annotations

import importlib
from importlib.metadata import entry_points

from agent.vendors.base import Vendor

BUILTIN: dict[str, str] = {
    "cisco_ios": "agent.vendors.cisco_ios",
    "arista_eos": "agent.vendors.arista_eos",
    "linux": "agent.vendors.linux",
    "unsupported": "agent.vendors.unsupported",
}


def load_vendors() -> dict[str, Vendor]:
    """Return a new ``platform -> Vendor`` mapping (built-ins, then entry points)."""
    table: dict[str, Vendor] = {}
    for module_path in BUILTIN.values():
        module = importlib.import_module(module_path)
        for vendor in module.VENDORS:
            table[vendor.platform] = vendor
    for ep in entry_points(group="segproof.vendors"):
        vendor = ep.load()
        if isinstance(vendor, Vendor):
            table[vendor.platform] = vendor
    return table
