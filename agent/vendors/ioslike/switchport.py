"""VLAN lists and ``switchport`` lines.

``switchport trunk allowed vlan`` takes a list (``10,20-30``), ``add``/``remove``/``except``
lists, ``all`` or ``none``; IOS splits long lists over several ``add`` lines and some configs
put spaces after commas (``1, 2``). The result is a sorted list of ints in 1..4094.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Mode = Literal["access", "trunk", "dot1q-tunnel", "dynamic"]

ALL_VLANS = frozenset(range(1, 4095))


def parse_vlan_list(text: str) -> set[int] | None:
    """``10,20-22`` -> {10, 20, 21, 22}; ``None`` if malformed or outside 1..4094."""
    out: set[int] = set()
    for part in text.replace(" ", "").split(","):
        if not part:
            return None
        lo_s, sep, hi_s = part.partition("-")
        if not lo_s.isdigit() or (sep and not hi_s.isdigit()):
            return None
        lo = int(lo_s)
        hi = int(hi_s) if sep else lo
        if not 1 <= lo <= hi <= 4094:
            return None
        out.update(range(lo, hi + 1))
    return out


def parse_vlan_id(text: str) -> int | None:
    if text.isdigit() and 1 <= int(text) <= 4094:
        return int(text)
    return None


@dataclass(slots=True)
class SwitchportDraft:
    """Switchport lines of one interface, before the platform default is applied."""

    seen: bool = False  # any ``switchport ...`` line
    off: bool = False  # ``no switchport``
    mode: Mode | None = None
    access_vlan: int = 1
    native_vlan: int = 1
    allowed: frozenset[int] | set[int] = ALL_VLANS  # replaced, never mutated in place
    mode_line: int | None = None
    first_line: int | None = None


_MODES: dict[str, Mode] = {
    "access": "access",
    "trunk": "trunk",
    "dot1q-tunnel": "dot1q-tunnel",
    "dynamic": "dynamic",
}


def apply(words: list[str], sw: SwitchportDraft, line: int) -> str | None:
    """Apply one ``switchport ...`` line; return ``None`` if understood, else the reason."""
    sw.seen = True
    if sw.first_line is None:
        sw.first_line = line
    rest = words[1:]
    if not rest:
        return None
    if rest[0] == "mode" and len(rest) >= 2:
        mode = _MODES.get(rest[1])
        if mode is None:
            return f"switchport mode {rest[1]} not modelled"
        sw.mode = mode
        sw.mode_line = line
        return None
    if rest[:2] == ["access", "vlan"] and len(rest) == 3:
        vid = parse_vlan_id(rest[2])
        if vid is None:
            return "invalid VLAN"
        sw.access_vlan = vid
        return None
    if rest[:3] == ["trunk", "native", "vlan"] and len(rest) == 4:
        vid = parse_vlan_id(rest[3])
        if vid is None:
            return "native VLAN tagging not modelled" if rest[3] == "tag" else "invalid VLAN"
        sw.native_vlan = vid
        return None
    if rest[:3] == ["trunk", "allowed", "vlan"] and len(rest) >= 4:
        return _allowed(rest[3:], sw)
    if rest[:2] == ["trunk", "encapsulation"]:
        return None
    if rest[:2] == ["voice", "vlan"]:
        return "voice VLAN: the port also carries that VLAN tagged; not modelled"
    if rest[0] in ("private-vlan", "vlan", "trunk", "tap", "tool", "dot1q"):
        return f"switchport {' '.join(rest[:2])} not modelled"
    return "unrecognised switchport option"


def _allowed(args: list[str], sw: SwitchportDraft) -> str | None:
    op = args[0]
    if op == "all" and len(args) == 1:
        sw.allowed = ALL_VLANS
        return None
    if op == "none" and len(args) == 1:
        sw.allowed = set()
        return None
    if op in ("add", "remove", "except"):
        vlans = parse_vlan_list("".join(args[1:]))
        if vlans is None:
            return "invalid VLAN list"
        if op == "add":
            sw.allowed = sw.allowed | vlans
        elif op == "remove":
            sw.allowed = sw.allowed - vlans
        else:
            sw.allowed = ALL_VLANS - vlans
        return None
    vlans = parse_vlan_list("".join(args))
    if vlans is None:
        return "invalid VLAN list"
    sw.allowed = vlans
    return None
