"""Apply a planned change (or its inverse) to IOS-style configuration text, producing the text
the device would show as its running configuration afterwards.

Used for ``--write-snapshot`` and for the proof: the patched text is parsed by the platform's
own parser and verified again. ``revert`` applies the inverse change (what the rollback
commands do); ``revert(apply(text)) == text`` is a tested property.
"""

from __future__ import annotations

import re

from agent.models.plan import AclChange, ChainChange, DeviceChange, Entry, PortChange
from agent.remediate import linux
from agent.remediate.entries import entry_text

_HEADER = {
    4: re.compile(r"^ip access-list (?:extended |standard )?(\S+)\s*$"),
    6: re.compile(r"^ipv6 access-list (?:extended )?(\S+)\s*$"),
}
_SEQ = re.compile(r"^(\s+)(\d+)\s+(.*)$")
# IOS IPv6 ACLs show the sequence number at the end: " permit tcp any any eq 22 sequence 20"
_SEQ_TAIL = re.compile(r"^(\s+)(.*\S)\s+sequence\s+(\d+)\s*$")


def trailing_sequence(platform: str, family: int) -> bool:
    return platform == "cisco_ios" and family == 6


def _indent(platform: str) -> str:
    return "   " if platform == "arista_eos" else " "


def _find_block(lines: list[str], pattern: re.Pattern[str], name: str) -> tuple[int, int] | None:
    """(header index, end index exclusive) of the top-level block named ``name``."""
    for i, line in enumerate(lines):
        match = pattern.match(line)
        if match and match.group(1) == name:
            j = i + 1
            while j < len(lines) and (lines[j].startswith(" ") or lines[j].strip() == ""):
                if lines[j].strip() == "":
                    break
                j += 1
            return i, j
    return None


def _find_interface(lines: list[str], name: str) -> tuple[int, int] | None:
    wanted = name.lower()
    for i, line in enumerate(lines):
        if (
            line.lower().startswith("interface ")
            and line.split(None, 1)[1].strip().lower() == wanted
        ):
            j = i + 1
            while j < len(lines) and lines[j].startswith(" "):
                j += 1
            return i, j
    return None


def _end_index(lines: list[str]) -> int:
    for i in range(len(lines) - 1, -1, -1):
        if lines[i].strip() == "end":
            return i
    return len(lines)


def header(change: AclChange, platform: str) -> str:
    if change.family == 6:
        return f"ipv6 access-list {change.acl}"
    return (
        f"ip access-list {change.acl}"
        if platform == "arista_eos"
        else f"ip access-list extended {change.acl}"
    )


def binding(change: AclChange, platform: str) -> str:
    if change.family == 4:
        return f"ip access-group {change.acl} in"
    return (
        f"ipv6 access-group {change.acl} in"
        if platform == "arista_eos"
        else f"ipv6 traffic-filter {change.acl} in"
    )


def _entry_line(entry: Entry, family: int, platform: str, pad: str) -> str:
    text = entry_text(entry, family, platform)
    if trailing_sequence(platform, family):
        return f"{pad}{text} sequence {entry.seq}"
    return f"{pad}{entry.seq} {text}"


def apply(text: str, device: DeviceChange) -> str:
    lines = text.splitlines()
    for change in device.changes:
        if isinstance(change, ChainChange):
            lines = linux.apply(lines, change)
        elif isinstance(change, AclChange):
            lines = _apply_acl(lines, change, device.platform)
        else:
            lines = _apply_port(lines, change, device.platform)
    return "\n".join(lines) + ("\n" if text.endswith("\n") else "")


def revert(text: str, device: DeviceChange) -> str:
    lines = text.splitlines()
    for change in reversed(device.changes):
        if isinstance(change, ChainChange):
            lines = linux.revert(lines, change)
        elif isinstance(change, AclChange):
            lines = _revert_acl(lines, change, device.platform)
        else:
            lines = _revert_port(lines, change, device.platform)
    return "\n".join(lines) + ("\n" if text.endswith("\n") else "")


def _apply_acl(lines: list[str], change: AclChange, platform: str) -> list[str]:
    pad = _indent(platform)
    block = _find_block(lines, _HEADER[change.family], change.acl)
    new = [_entry_line(e, change.family, platform, pad) for e in change.entries]
    if block is None:
        at = _end_index(lines)
        lines = [*lines[:at], header(change, platform), *new, "!", *lines[at:]]
    else:
        start, end = block
        body = lines[start + 1 : end]
        if change.resequence:
            first, step = change.resequence
            body = _resequence(body, first, step)
        merged = _merge(body, new)
        lines = [*lines[: start + 1], *merged, *lines[end:]]
    if change.bind:
        lines = _add_to_interface(lines, change.interface, f"{pad}{binding(change, platform)}")
    return lines


def _revert_acl(lines: list[str], change: AclChange, platform: str) -> list[str]:
    pad = _indent(platform)
    if change.bind:
        lines = _remove_from_interface(lines, change.interface, f"{pad}{binding(change, platform)}")
    block = _find_block(lines, _HEADER[change.family], change.acl)
    if block is None:
        return lines
    start, end = block
    if change.create:
        stop = end + 1 if end < len(lines) and lines[end].strip() == "!" else end
        return [*lines[:start], *lines[stop:]]
    if change.resequence:
        return [*lines[: start + 1], *change.original, *lines[end:]]
    seqs = {e.seq for e in change.entries}
    body = [ln for ln in lines[start + 1 : end] if seq_of(ln) not in seqs]
    return [*lines[: start + 1], *body, *lines[end:]]


def seq_of(line: str) -> int | None:
    match = _SEQ.match(line)
    if match:
        return int(match.group(2))
    tail = _SEQ_TAIL.match(line)
    return int(tail.group(3)) if tail else None


def _resequence(body: list[str], first: int, step: int) -> list[str]:
    out, seq = [], first
    for line in body:
        match = _SEQ.match(line)
        tail = _SEQ_TAIL.match(line)
        if match:
            out.append(f"{match.group(1)}{seq} {match.group(3)}")
            seq += step
        elif tail:
            out.append(f"{tail.group(1)}{tail.group(2)} sequence {seq}")
            seq += step
        else:
            out.append(line)
    return out


def _merge(body: list[str], new: list[str]) -> list[str]:
    """Insert entry lines by sequence number; remarks stay before the entry they precede."""
    out = list(body)
    for line in new:
        seq = seq_of(line)
        assert seq is not None
        at = len(out)
        for i, existing in enumerate(out):
            other = seq_of(existing)
            if other is not None and other > seq:
                at = i
                while at > 0 and seq_of(out[at - 1]) is None and "remark" in out[at - 1]:
                    at -= 1
                break
        out.insert(at, line)
    return out


def _add_to_interface(lines: list[str], interface: str, line: str) -> list[str]:
    block = _find_interface(lines, interface)
    if block is None:
        raise ValueError(f"interface {interface} not found")
    _start, end = block
    return [*lines[:end], line, *lines[end:]]


def _remove_from_interface(lines: list[str], interface: str, line: str) -> list[str]:
    block = _find_interface(lines, interface)
    if block is None:
        return lines
    start, end = block
    body = [ln for ln in lines[start + 1 : end] if ln.rstrip() != line.rstrip()]
    return [*lines[: start + 1], *body, *lines[end:]]


_ACCESS_VLAN = re.compile(r"^\s+switchport access vlan \d+\s*$")


def _apply_port(lines: list[str], change: PortChange, platform: str) -> list[str]:
    pad = _indent(platform)
    block = _find_interface(lines, change.interface)
    if block is None:
        raise ValueError(f"interface {change.interface} not found")
    start, end = block
    body = lines[start + 1 : end]
    if change.kind == "shutdown":
        body = [ln for ln in body if ln.strip() != "no shutdown"]
        body.append(f"{pad}shutdown")
    else:
        replaced = False
        for i, ln in enumerate(body):
            if _ACCESS_VLAN.match(ln):
                body[i] = f"{pad}switchport access vlan {change.vlan}"
                replaced = True
        if not replaced:
            body.append(f"{pad}switchport access vlan {change.vlan}")
    lines = [*lines[: start + 1], *body, *lines[end:]]
    if change.kind == "vlan" and change.create_vlan:
        at = next(
            (i for i, ln in enumerate(lines) if ln.startswith("interface ")), _end_index(lines)
        )
        lines = [
            *lines[:at],
            f"vlan {change.vlan}",
            f"{pad}name SEGPROOF-QUARANTINE",
            "!",
            *lines[at:],
        ]
    return lines


def _revert_port(lines: list[str], change: PortChange, platform: str) -> list[str]:
    pad = _indent(platform)
    if change.kind == "vlan" and change.create_vlan:
        for i, ln in enumerate(lines):
            if ln == f"vlan {change.vlan}":
                stop = i + 1
                while stop < len(lines) and lines[stop].startswith(" "):
                    stop += 1
                if stop < len(lines) and lines[stop].strip() == "!":
                    stop += 1
                lines = [*lines[:i], *lines[stop:]]
                break
    block = _find_interface(lines, change.interface)
    if block is None:
        return lines
    start, end = block
    body = lines[start + 1 : end]
    if change.kind == "shutdown":
        body = [ln for ln in body if ln.strip() != "shutdown"]
        if change.no_shutdown_at is not None:
            body.insert(change.no_shutdown_at, f"{pad}no shutdown")
    else:
        target = f"{pad}switchport access vlan {change.vlan}"
        if change.previous_vlan is None:
            body = [ln for ln in body if ln != target]
        else:
            body = [
                f"{pad}switchport access vlan {change.previous_vlan}" if ln == target else ln
                for ln in body
            ]
    return [*lines[: start + 1], *body, *lines[end:]]
