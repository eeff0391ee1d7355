"""Classify a MAC address: registry organisation, vendor family and the evidence for it.

``classify`` answers "who made this interface, and is it a flagged vendor family?" from the offline
registry (``oui``) and the family table (``family``); ``is_flagged`` applies a policy: the flagged
families of its profiles plus its explicit MAC or prefix additions. An OUI match is evidence, not
proof: OEM rebrands may carry another OUI and a CID match on a locally administered address is
weak.

>>> c = classify("b0:b3:53:60:00:01")
>>> (c.organisation, c.prefix, c.family)
('Hangzhou Hikrobot Technology Co., Ltd.', 'B0:B3:53:60:00:00/28', 'hikvision')
>>> is_flagged(c, {"hikvision"}, [])
True
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence, Set
from dataclasses import dataclass, replace
from typing import Literal

from agent.endpoints.family import FamilyTable, builtin_families
from agent.endpoints.mac import format_mac, is_group, normalise_mac
from agent.endpoints.oui import Registry, lookup, organisation_key
from agent.errors import InputError

Evidence = Literal["registry", "cid", "policy", "none"]

NOTE_INVALID = "not a MAC address"
NOTE_GROUP = "group (multicast/broadcast) address: not a device"

# Three to six groups of two hex digits with one kind of separator, or 6 to 12 bare hex digits.
_GROUPS = re.compile(r"[0-9A-Fa-f]{2}([:-])[0-9A-Fa-f]{2}(?:\1[0-9A-Fa-f]{2}){1,4}")
_BARE = re.compile(r"[0-9A-Fa-f]{6,12}")
_MIN_PREFIX_BITS = 24


@dataclass(frozen=True, slots=True)
class Classification:
    """What is known about one MAC address.

    ``mac`` is ``AA:BB:CC:DD:EE:FF`` (the input text, stripped, if it is not a MAC);
    ``organisation`` is the registry's string and ``org_key`` its normalised key; ``prefix`` is the
    matched prefix (``2C:A5:9C``, ``B0:B3:53:60:00:00/28``) and ``prefix_bits`` its width;
    ``evidence`` says what the identification rests on (``policy``: an explicit addition in the
    policy, not the registry); ``note`` explains an unknown vendor or carries a caveat.
    """

    mac: str
    organisation: str | None
    org_key: str | None
    family: str | None
    prefix: str | None
    prefix_bits: int | None
    evidence: Evidence
    note: str | None


def classify(
    mac: str,
    *,
    extra_macs: Sequence[str] = (),
    table: FamilyTable | None = None,
    registry: Registry | None = None,
) -> Classification:
    """Classify ``mac`` (any notation ``normalise_mac`` accepts).

    ``extra_macs`` are the policy's explicit additions; a MAC they match and no flagged family
    covers gets ``evidence="policy"``. ``table`` and ``registry`` default to the bundled data.
    Never raises for a bad MAC: the result says ``"not a MAC address"``.
    """
    table = table if table is not None else builtin_families()
    norm = normalise_mac(mac)
    if norm is None:
        return Classification(mac.strip(), None, None, None, None, None, "none", NOTE_INVALID)
    if is_group(norm):
        result = Classification(format_mac(norm), None, None, None, None, None, "none", NOTE_GROUP)
    else:
        match = lookup(norm, table.cids, registry)
        key = organisation_key(match.organisation) if match.organisation is not None else None
        result = Classification(
            mac=format_mac(norm),
            organisation=match.organisation,
            org_key=key,
            family=table.family_of(key),
            prefix=match.prefix,
            prefix_bits=match.prefix_bits,
            evidence=match.evidence,
            note=_join(match.note, table.note_of(key)),
        )
    unflagged = result.family is None or result.family in table.warn_only
    if unflagged and (listed := _matching_extra(norm, extra_macs)) is not None:
        note = _join(result.note, f"listed in the policy as {listed}")
        return replace(result, evidence="policy", note=note)
    return result


def is_flagged(
    c: Classification,
    families: Set[str],
    extra_macs: Sequence[str],
    *,
    table: FamilyTable | None = None,
) -> bool:
    """True if ``c`` is in one of ``families`` or matches one of the policy's ``extra_macs``.

    ``extra_macs`` entries are a full MAC, an OUI (``bc:ad:28``) or a prefix with its length
    (``70:B3:D5:0A:E0:00/36``); a bad entry raises ``InputError``. Families that only ``warn``
    profiles name (Lorex, Amcrest, Swann) are never flagged, even if listed in ``families``. A
    classification whose evidence is ``policy`` is flagged.
    """
    table = table if table is not None else builtin_families()
    if c.evidence == "policy":
        return True
    if c.family is not None and c.family in families and c.family not in table.warn_only:
        return True
    norm = normalise_mac(c.mac)
    return norm is not None and _matching_extra(norm, extra_macs) is not None


def is_review(c: Classification, *, table: FamilyTable | None = None) -> bool:
    """True if ``c`` belongs to a family that profiles only warn about (OEM rebrands)."""
    table = table if table is not None else builtin_families()
    return c.family is not None and c.family in table.warn_only


@functools.lru_cache(maxsize=1024)
def parse_prefix(text: str) -> tuple[int, int]:
    """Parse a full MAC, an OUI or ``<address>/<bits>`` into ``(bits, prefix value)``.

    Without a length, 12 digits are a full MAC (48 bits) and 6 an OUI (24 bits). With one, the
    length is 24..48, the address may be cut after the prefix (``70:B3:D5:0A:E0/36``) and no bit
    may be set beyond it. Raises ``InputError`` otherwise.

    >>> parse_prefix("bc:ad:28") == (24, 0xBCAD28)
    True
    >>> parse_prefix("70:B3:D5:0A:E0:00/36") == (36, 0x70B3D50AE)
    True
    """
    address, slash, width = text.strip().partition("/")
    digits = normalise_mac(address)
    if digits is None and (_GROUPS.fullmatch(address) or _BARE.fullmatch(address)):
        digits = re.sub(r"[:-]", "", address).upper()
    if digits is None:
        raise InputError(f"{text!r}: not a MAC address or prefix", hint="e.g. bc:ad:28")
    given = 4 * len(digits)
    if not slash:
        if given not in (24, 48):
            raise InputError(f"{text!r}: give the prefix length", hint="e.g. B0:B3:53:60:00:00/28")
        bits = given
    elif width.isdigit() and _MIN_PREFIX_BITS <= int(width) <= 48:
        bits = int(width)
    else:
        raise InputError(f"{text!r}: prefix length must be 24..48")
    if given < bits:
        raise InputError(f"{text!r}: the address is shorter than the prefix length")
    full = int(digits, 16) << (48 - given)
    if full & ((1 << (48 - bits)) - 1):
        raise InputError(f"{text!r}: bits set beyond the /{bits} prefix")
    return bits, full >> (48 - bits)


def _matching_extra(norm: str, extra_macs: Sequence[str]) -> str | None:
    value = int(norm, 16)
    for extra in extra_macs:
        bits, prefix = parse_prefix(extra)
        if value >> (48 - bits) == prefix:
            return extra
    return None


def _join(*notes: str | None) -> str | None:
    return "; ".join(note for note in notes if note) or None
