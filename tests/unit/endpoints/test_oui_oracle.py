"""The test oracle: ../shared/flagged-vendors.yaml against the registry lookup and families.

The YAML lists every prefix of every flagged organisation, the review candidates and the substring
look-alikes, taken from the registry data. Here every listed prefix must resolve (a MAC inside it,
first and last address) to its family, every look-alike to its own organisation and no family,
and no review candidate may be flagged. The YAML is found in ``$SEGPROOF_SHARED`` or
``<repo>/../shared``; without it the tests skip, or fail when ``SEGPROOF_REQUIRE_LAB=1`` (CI).
A section at the end of the run lists, per family, prefixes the registry lacks (misses) and
registry prefixes the oracle lacks (newer registrations).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from agent.endpoints.classify import classify, is_flagged, is_review, parse_prefix
from agent.endpoints.family import builtin_families
from agent.endpoints.oui import default_registry, format_prefix, organisation_key

FAMILIES = ("hikvision", "dahua", "huawei", "zte", "hytera", "uniview")
MUST_HAVE_NO_MISSES = {"hikvision", "dahua"}
PREFIX_KINDS = ("ma_l", "ma_m", "ma_s", "ma_l_newer_than_ieee_snapshot")
# review candidates the families table covers (warn-only OEMs, and Tiandy in uk-nil-cctv)
CANDIDATE_FAMILY = {
    "Lorex Technology": "lorex",
    "Amcrest Technologies": "amcrest",
    "Swann Communications": "swann",
    "Tiandy Technologies": "tiandy",
}


def _oracle_path() -> Path:
    shared = os.environ.get("SEGPROOF_SHARED")
    folder = Path(shared) if shared else Path(__file__).resolve().parents[3].parent / "shared"
    return folder / "flagged-vendors.yaml"


@pytest.fixture(scope="module")
def oracle() -> dict[str, Any]:
    path = _oracle_path()
    if not path.is_file():
        reason = f"{path} not found: set SEGPROOF_SHARED to the folder of flagged-vendors.yaml"
        if os.environ.get("SEGPROOF_REQUIRE_LAB") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def _macs_in(prefix: str) -> tuple[str, str]:
    """The first unicast and the last address inside ``prefix``."""
    bits, value = parse_prefix(prefix)
    base = value << (48 - bits)
    return f"{base | 1:012X}", f"{base | ((1 << (48 - bits)) - 1):012X}"


def _keys(org: dict[str, Any]) -> set[str]:
    return {organisation_key(s) for s in org["org_strings_ieee"] + org["org_strings_wireshark"]}


def _prefixes(org: dict[str, Any]) -> list[str]:
    return sorted({p for kind in PREFIX_KINDS for p in org.get(kind) or []})


def _candidates(oracle: dict[str, Any]) -> list[dict[str, Any]]:
    return list(oracle["review_candidates"])


def test_oracle_names_the_families_we_test(oracle: dict[str, Any]) -> None:
    assert set(oracle["vendors"]) == set(FAMILIES)


def test_oracle_counts_match_its_lists(oracle: dict[str, Any]) -> None:
    orgs = [o for v in oracle["vendors"].values() for o in v["organisations"]]
    for org in [*orgs, *_candidates(oracle)]:
        for kind in ("ma_l", "ma_m", "ma_s", "cid"):
            assert len(org.get(kind) or []) == org["counts"][kind], (org["organisation"], kind)
    assert len(orgs) == 17


@pytest.mark.parametrize("family", FAMILIES)
def test_every_listed_prefix_resolves_to_its_family(
    oracle: dict[str, Any], oracle_report: list[str], family: str
) -> None:
    misses: list[str] = []
    wrong: list[tuple[str, str, str | None, str | None, str | None]] = []
    listed: set[tuple[int, int]] = set()
    for org in oracle["vendors"][family]["organisations"]:
        keys = _keys(org)
        for prefix in _prefixes(org):
            listed.add(parse_prefix(prefix))
            for mac in _macs_in(prefix):
                c = classify(mac)
                if c.organisation is None:
                    misses.append(prefix)
                elif (
                    c.family != family
                    or c.org_key not in keys
                    or c.prefix is None
                    or parse_prefix(c.prefix) != parse_prefix(prefix)
                    or c.evidence != "registry"
                ):
                    wrong.append((mac, prefix, c.organisation, c.family, c.prefix))
    misses = sorted(set(misses))
    registry = default_registry()
    table = builtin_families()
    in_registry = {
        (bits, value)
        for bits, rows in registry.tables
        for value, org in rows.items()
        if table.family_of(organisation_key(org)) == family and not (value >> (bits - 24)) & 0x20000
    }
    newer = sorted(format_prefix(*p) for p in in_registry - listed)
    oracle_report.append(
        f"{family}: {len(listed)} prefixes in the oracle; {len(misses)} missing from "
        f"{registry.source}: {misses}; {len(newer)} registry prefixes not in the oracle: {newer}"
    )
    assert wrong == []
    assert len(listed) > 0
    if family in MUST_HAVE_NO_MISSES:
        assert misses == []


def test_cids_resolve_as_weak_evidence(oracle: dict[str, Any]) -> None:
    seen: set[int] = set()
    for family, vendor in oracle["vendors"].items():
        for org in vendor["organisations"]:
            for cid in org.get("cid") or []:
                seen.add(parse_prefix(cid)[1])
                for mac in _macs_in(cid):
                    c = classify(mac)
                    assert (c.family, c.evidence, c.prefix) == (family, "cid", cid), mac
                    assert c.org_key in _keys(org)
                    assert is_flagged(c, {family}, [])
    assert seen == set(builtin_families().cids)


def test_family_table_is_exactly_the_oracle_organisations(oracle: dict[str, Any]) -> None:
    expected: dict[str, str] = {}
    for family, vendor in oracle["vendors"].items():
        for org in vendor["organisations"]:
            expected.update(dict.fromkeys(_keys(org), family))
    for candidate in _candidates(oracle):
        if (family := CANDIDATE_FAMILY.get(candidate["organisation"])) is not None:
            expected.update(dict.fromkeys(_keys(candidate), family))
    assert dict(builtin_families().by_key) == expected


def test_false_positive_org_strings_are_no_family(oracle: dict[str, Any]) -> None:
    everything = set(builtin_families().families)
    failures = []
    for entry in oracle["false_positive_org_strings"]:
        for mac in _macs_in(entry["prefix"]):
            c = classify(mac)
            if (
                c.org_key != organisation_key(entry["org"])
                or c.family is not None
                or is_flagged(c, everything, [])
            ):
                failures.append((entry, c))
    assert failures == []
    assert len(oracle["false_positive_org_strings"]) >= 14


def test_review_candidates_are_not_flagged(oracle: dict[str, Any]) -> None:
    table = builtin_families()
    us_covered = table.flag_families(["us-covered"])
    uk = table.flag_families(["uk-nil-cctv"])
    everything = set(table.families)
    failures = []
    for candidate in _candidates(oracle):
        family = CANDIDATE_FAMILY.get(candidate["organisation"])
        for prefix in _prefixes(candidate):
            for mac in _macs_in(prefix):
                c = classify(mac)
                checks = {
                    "organisation": c.org_key in _keys(candidate),
                    "family": c.family == family,
                    "not flagged by default": not is_flagged(c, us_covered, []),
                    "UK profile only for Tiandy": is_flagged(c, uk, []) == (family == "tiandy"),
                    "OEMs are review, never flagged": is_review(c) == (family in table.warn_only)
                    and (family == "tiandy" or not is_flagged(c, everything, [])),
                }
                failures += [(mac, name, c) for name, ok in checks.items() if not ok]
    assert failures == []
    assert len(_candidates(oracle)) >= 10
