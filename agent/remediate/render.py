"""Render device changes and their rollbacks with the platform's jinja2 templates
(``templates/<platform>/remediate.j2`` and ``rollback.j2``) through the shared, checked
rendering layer: every string in the context is a validated name or a line built from
validated parts."""

from __future__ import annotations

import re

from agent.errors import RenderError
from agent.models.plan import (
    AclChange,
    ChainChange,
    DeviceChange,
    Entry,
    PortChange,
    RenderedDevice,
)
from agent.remediate import linux
from agent.remediate.apply import binding, header, trailing_sequence
from agent.remediate.entries import entry_text
from agent.remediate.names import check_name
from agent.render import render as render_template
from agent.render.safety import Safe, safe_text

_CONFIG_LINE = re.compile(r"[\x20-\x7e]+")


def _line(text: str) -> Safe:
    """A command line built here from validated names, addresses and numbers, or an ACL line
    read from the device's own configuration: one printable line, nothing else."""
    if not _CONFIG_LINE.fullmatch(text):
        raise RenderError(f"refusing to render {text[:60]!r}: not a single printable line")
    return Safe(text)


def _context(change: AclChange | PortChange | ChainChange, platform: str) -> dict[str, object]:
    if isinstance(change, ChainChange):
        forward, back = linux.commands(change)
        return {
            "kind": Safe("chain"),
            "change": [_line(line) for line in forward],
            "rollback": [_line(line) for line in back],
        }
    interface = Safe(check_name(platform, change.interface, "interface"))
    if isinstance(change, PortChange):
        return {
            "kind": Safe(change.kind),
            "interface": interface,
            "vlan": change.vlan,
            "previous_vlan": change.previous_vlan,
            "create_vlan": change.create_vlan,
        }
    check_name(platform, change.acl, "acl")
    head = header(change, platform)
    reseq = ""
    if change.resequence:
        start, step = change.resequence
        reseq = (
            f"{head}\n   resequence {start} {step}"
            if platform == "arista_eos"
            else f"{'ipv6' if change.family == 6 else 'ip'} access-list resequence "
            f"{change.acl} {start} {step}"
        )
    return {
        "kind": Safe("acl"),
        "interface": interface,
        "create": change.create,
        "bind": change.bind,
        "resequence": change.resequence is not None,
        "resequence_line": Safe("\n".join(_line(part) for part in reseq.split("\n")))
        if reseq
        else False,
        "header": _line(head),
        "binding": _line(binding(change, platform)),
        "original": [_line(line.strip()) for line in change.original],
        "entries": [_entry(e, change.family, platform) for e in change.entries],
    }


def _entry(entry: Entry, family: int, platform: str) -> dict[str, object]:
    """The entry as typed in ACL mode, and the command that removes it (IOS IPv6 ACLs take
    ``sequence N`` first in configuration mode)."""
    text = entry_text(entry, family, platform)
    if trailing_sequence(platform, family):
        return {
            "line": _line(f"sequence {entry.seq} {text}"),
            "no": _line(f"no sequence {entry.seq}"),
        }
    return {"line": _line(f"{entry.seq} {text}"), "no": _line(f"no {entry.seq}")}


def render(device: DeviceChange) -> RenderedDevice:
    contexts = [_context(c, device.platform) for c in device.changes]
    common = {
        "device": safe_text(device.device),
        "cameras": [safe_text(c) for c in device.cameras],
        "changes": contexts,
    }
    change = render_template(device.platform, "remediate", common)
    rollback = render_template(device.platform, "rollback", common)
    return RenderedDevice(
        device=device.device, platform=device.platform, change=change, rollback=rollback
    )
