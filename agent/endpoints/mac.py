"""Parse and format MAC addresses.

The normalised form used everywhere in ``agent.endpoints`` is 12 upper-case hex digits
(``"B0B353600001"``); ``format_mac`` turns it into ``"B0:B3:53:60:00:01"`` for people.

>>> normalise_mac("b0-b3-53-60-00-01")
'B0B353600001'
>>> format_mac("B0B353600001")
'B0:B3:53:60:00:01'
"""

from __future__ import annotations

import re
from functools import lru_cache

# Six groups of one or two hex digits with one separator used throughout (``0:1b:c5:0:0:1`` is
# how BSD/macOS ``arp`` prints), Cisco's three dotted groups of four, or twelve bare digits.
_GROUPED = re.compile(
    r"([0-9A-Fa-f]{1,2})([:-])" + r"([0-9A-Fa-f]{1,2})\2" * 4 + r"([0-9A-Fa-f]{1,2})"
)
_DOTTED = re.compile(r"([0-9A-Fa-f]{4})\.([0-9A-Fa-f]{4})\.([0-9A-Fa-f]{4})")
_BARE = re.compile(r"[0-9A-Fa-f]{12}")
_NORMALISED = re.compile(r"[0-9A-F]{12}")

_GROUP_BIT = 0x01
_LOCAL_BIT = 0x02


@lru_cache(maxsize=1 << 16)
def normalise_mac(text: str) -> str | None:
    """Return ``text`` as 12 upper-case hex digits, or ``None`` if it is not a MAC address.

    Accepts ``aa:bb:cc:dd:ee:ff``, ``AA-BB-CC-DD-EE-FF`` (groups of one or two digits, one kind
    of separator), ``aabb.ccdd.eeff`` and ``aabbccddeeff``; surrounding whitespace is ignored.

    >>> normalise_mac("aabb.ccdd.eeff")
    'AABBCCDDEEFF'
    >>> normalise_mac("aa:bb-cc:dd:ee:ff") is None
    True
    """
    text = text.strip()
    if _BARE.fullmatch(text):
        return text.upper()
    if match := _DOTTED.fullmatch(text):
        return "".join(match.groups()).upper()
    if match := _GROUPED.fullmatch(text):
        groups = [g for i, g in enumerate(match.groups()) if i != 1]
        return "".join(g.rjust(2, "0") for g in groups).upper()
    return None


def format_mac(norm: str) -> str:
    """Format a normalised MAC as ``AA:BB:CC:DD:EE:FF``.

    Raises ``ValueError`` if ``norm`` is not 12 upper-case hex digits.
    """
    _check(norm)
    n = norm
    return f"{n[0:2]}:{n[2:4]}:{n[4:6]}:{n[6:8]}:{n[8:10]}:{n[10:12]}"


def is_group(norm: str) -> bool:
    """True for a group (multicast or broadcast) address: bit 0x01 of the first octet."""
    _check(norm)
    return bool(int(norm[:2], 16) & _GROUP_BIT)


def is_locally_administered(norm: str) -> bool:
    """True for a locally administered address (randomised, private or CID-based): bit 0x02."""
    _check(norm)
    return bool(int(norm[:2], 16) & _LOCAL_BIT)


def _check(norm: str) -> None:
    if not _NORMALISED.fullmatch(norm):
        raise ValueError(f"{norm!r}: not a normalised MAC (12 upper-case hex digits)")
