"""Parse stage: detect each configuration's platform and parse it with its vendor.

A configuration of a platform that has no parser yet (or of no known platform) becomes an
``Opaque`` device: it is reported by name, and any proof whose path crosses it is
``inconclusive``.
"""

from __future__ import annotations

from dataclasses import dataclass

from agent.errors import InputError
from agent.models.device import Device
from agent.models.snapshot import Snapshot
from agent.pipeline.network import Opaque
from agent.vendors.base import Vendor


@dataclass(slots=True)
class Parsed:
    devices: dict[str, Device]
    opaque: dict[str, Opaque]
    host_of: dict[str, str]  # file host name -> device name


def detect(text: str, vendors: dict[str, Vendor]) -> str | None:
    best, score = None, 0
    for platform, vendor in vendors.items():
        value = vendor.detect(text)
        if value > score:
            best, score = platform, value
    return best


def run(snapshot: Snapshot, vendors: dict[str, Vendor]) -> Parsed:
    devices: dict[str, Device] = {}
    opaque: dict[str, Opaque] = {}
    host_of: dict[str, str] = {}
    overrides = snapshot.topology.devices
    for cfg in snapshot.configs:
        forced = overrides.get(cfg.host)
        platform = forced.platform if forced and forced.platform else detect(cfg.text, vendors)
        if forced and forced.platform and forced.platform not in vendors:
            known = ", ".join(sorted(p for p in vendors if p != "unknown"))
            raise InputError(
                f"unknown platform {forced.platform!r} for {cfg.host}",
                where=f"{snapshot.root}/topology.yml",
                hint=f"known platforms: {known}",
            )
        vendor = vendors.get(platform) if platform else None
        if vendor is None or vendor.parse is None:
            name = cfg.host
            opaque[name] = Opaque(name=name, platform=platform or "unknown", file=cfg.file)
            host_of[cfg.host] = name
            continue
        device = vendor.parse(cfg.text, cfg.file, cfg.host)
        if device.name in devices or device.name in opaque:
            other = (
                devices[device.name].file if device.name in devices else opaque[device.name].file
            )
            raise InputError(
                f"hostname {device.name!r} is also declared by {other}",
                where=cfg.file,
                hint="each configuration must be a different device",
            )
        devices[device.name] = device
        host_of[cfg.host] = device.name
    for name, platform, why in failed_devices(snapshot):
        if name not in devices and name not in opaque:
            opaque[name] = Opaque(
                name=name, platform=f"{platform}, not collected: {why}", file="meta.json"
            )
            host_of[name] = name
    return Parsed(devices, opaque, host_of)


def failed_devices(snapshot: Snapshot) -> list[tuple[str, str, str]]:
    """Devices ``segproof collect`` could not collect, from ``meta.json``: (name, platform,
    reason). Their configuration and tables are missing from the snapshot."""
    devices = snapshot.meta.get("devices")
    out: list[tuple[str, str, str]] = []
    if isinstance(devices, dict):
        for name, record in sorted(devices.items()):
            if isinstance(record, dict) and record.get("status") not in (None, "ok"):
                why = str(record.get("reason") or record.get("status"))
                out.append((str(name), str(record.get("platform") or "unknown"), why))
    return out
