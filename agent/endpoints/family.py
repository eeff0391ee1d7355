"""Vendor families and profiles: exact organisation keys -> family, from ``families.yaml``.

The registry (``agent.endpoints.oui``) says which organisation owns a MAC prefix; this table says
which vendor family, if any, that organisation belongs to, by the exact ``organisation_key`` and
never by substring ("Shanghai Dahua Scale Factory" is not Dahua). A profile names the families it
flags (``action: flag``) or only asks to review (``action: warn``, never a failure).

>>> builtin_families().family_of("zte")
'zte'
>>> builtin_families().family_of("shanghai dahua scale factory") is None
True
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from agent.endpoints.oui import organisation_key
from agent.errors import InputError

BUILTIN_FILE = "families.yaml"

Action = Literal["flag", "warn"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _OrganisationSpec(_Model):
    key: str
    note: str | None = None


class _FamilySpec(_Model):
    display_name: str
    organisations: list[_OrganisationSpec] = Field(min_length=1)


class _ProfileSpec(_Model):
    action: Action
    default: bool = False
    description: str = ""
    families: list[str] = Field(min_length=1)


class _FileSpec(_Model):
    families: dict[str, _FamilySpec]
    cids: dict[str, str] = Field(default_factory=dict)
    profiles: dict[str, _ProfileSpec]


@dataclass(frozen=True, slots=True)
class Family:
    """A vendor family: its organisation keys and a caveat per key where one applies."""

    name: str
    display_name: str
    organisations: frozenset[str]
    notes: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class Profile:
    """A named set of families that is flagged (``flag``) or only reviewed (``warn``)."""

    name: str
    action: Action
    default: bool
    description: str
    families: frozenset[str]


@dataclass(frozen=True, slots=True)
class FamilyTable:
    """Families, profiles and IEEE Company IDs; mappings are read-only views."""

    families: Mapping[str, Family]
    by_key: Mapping[str, str]
    profiles: Mapping[str, Profile]
    cids: Mapping[int, str]
    warn_only: frozenset[str]
    """Families named only by ``warn`` profiles: ``is_flagged`` never flags them."""

    def family_of(self, org_key: str | None) -> str | None:
        """The family whose organisation keys contain exactly ``org_key``."""
        return None if org_key is None else self.by_key.get(org_key)

    def note_of(self, org_key: str | None) -> str | None:
        """The caveat recorded for ``org_key``, if any."""
        family = self.family_of(org_key)
        if family is None or org_key is None:
            return None
        return self.families[family].notes.get(org_key)

    def default_profile(self) -> Profile:
        """The profile used when the policy names none (``us-covered``)."""
        return next(profile for profile in self.profiles.values() if profile.default)

    def flag_families(self, profiles: Iterable[str] | None = None) -> frozenset[str]:
        """Families flagged by the named profiles (default profile if ``None``)."""
        return self._families(profiles, "flag")

    def review_families(self, profiles: Iterable[str] | None = None) -> frozenset[str]:
        """Families the named profiles only warn about; never flagged."""
        return self._families(profiles, "warn")

    def _families(self, profiles: Iterable[str] | None, action: Action) -> frozenset[str]:
        names = [self.default_profile().name] if profiles is None else list(profiles)
        unknown = sorted(set(names) - set(self.profiles))
        if unknown:
            raise InputError(
                f"unknown vendor profile {', '.join(unknown)}",
                hint=f"known profiles: {', '.join(sorted(self.profiles))}",
            )
        result: set[str] = set()
        for name in names:
            if self.profiles[name].action == action:
                result |= self.profiles[name].families
        return frozenset(result)


def parse_families(text: str, source: str) -> FamilyTable:
    """Validate a families file; raises ``InputError`` naming ``source`` on any problem."""
    try:
        spec = _FileSpec.model_validate(yaml.safe_load(text))
    except (yaml.YAMLError, ValidationError) as exc:
        raise InputError(f"invalid vendor families file: {exc}", where=source) from exc
    families: dict[str, Family] = {}
    by_key: dict[str, str] = {}
    for name, family in spec.families.items():
        for org in family.organisations:
            if organisation_key(org.key) != org.key:
                raise InputError(
                    f"family {name}: {org.key!r} is not a normalised organisation key",
                    where=source,
                    hint=f"write {organisation_key(org.key)!r}",
                )
            if (other := by_key.setdefault(org.key, name)) != name:
                raise InputError(f"{org.key!r} is in families {other} and {name}", where=source)
        families[name] = Family(
            name=name,
            display_name=family.display_name,
            organisations=frozenset(org.key for org in family.organisations),
            notes=MappingProxyType({o.key: o.note for o in family.organisations if o.note}),
        )
    profiles = {
        name: Profile(name, p.action, p.default, p.description, frozenset(p.families))
        for name, p in spec.profiles.items()
    }
    for profile in profiles.values():
        if missing := sorted(profile.families - families.keys()):
            raise InputError(
                f"profile {profile.name} names unknown families {', '.join(missing)}", where=source
            )
    if sum(profile.default for profile in profiles.values()) != 1:
        raise InputError("exactly one profile must be the default", where=source)
    flagged = frozenset().union(*(p.families for p in profiles.values() if p.action == "flag"))
    warned = frozenset().union(*(p.families for p in profiles.values() if p.action == "warn"))
    return FamilyTable(
        warn_only=warned - flagged,
        families=MappingProxyType(families),
        by_key=MappingProxyType(by_key),
        profiles=MappingProxyType(profiles),
        cids=MappingProxyType(_parse_cids(spec.cids, source)),
    )


def _parse_cids(cids: Mapping[str, str], source: str) -> dict[int, str]:
    parsed: dict[int, str] = {}
    for text, organisation in cids.items():
        digits = text.replace(":", "").replace("-", "")
        if len(digits) != 6 or not all(c in "0123456789abcdefABCDEF" for c in digits):
            raise InputError(f"CID {text!r} is not 24 bits (AA:BB:CC)", where=source)
        value = int(digits, 16)
        if not (value >> 16) & 0x02:
            raise InputError(f"CID {text!r} lacks the locally administered bit", where=source)
        parsed[value] = organisation
    return parsed


def load_families(path: Path) -> FamilyTable:
    """Read a families file (same schema as the bundled ``families.yaml``)."""
    return parse_families(path.read_text(encoding="utf-8"), str(path))


@functools.lru_cache(maxsize=1)
def builtin_families() -> FamilyTable:
    """The ``families.yaml`` shipped in this package, read once per process."""
    text = resources.files("agent.endpoints").joinpath(BUILTIN_FILE).read_text(encoding="utf-8")
    return parse_families(text, f"agent/endpoints/{BUILTIN_FILE}")
