"""agent.endpoints.classify: classification, the flag decision and policy prefixes."""

from __future__ import annotations

import dataclasses
import doctest
import importlib

import pytest

from agent.endpoints.classify import (
    NOTE_GROUP,
    NOTE_INVALID,
    Classification,
    classify,
    is_flagged,
    is_review,
    parse_prefix,
)
from agent.endpoints.mac import format_mac, normalise_mac
from agent.endpoints.oui import (
    NOTE_CID,
    NOTE_LOCAL,
    NOTE_SUB_ASSIGNED,
    NOTE_UNREGISTERED,
    default_registry,
    organisation_key,
)
from agent.errors import InputError

US = frozenset({"hikvision", "dahua", "huawei", "zte", "hytera"})
UK = US | {"uniview", "tiandy"}
EVERYTHING = UK | {"lorex", "amcrest", "swann"}

# mac -> (organisation, family, prefix, evidence, note: None or a substring of it)
# fmt: off
CLASSIFY_CASES = [
    # oui.md section 2: MA-M/MA-S inside "IEEE Registration Authority" blocks
    ("B0:B3:53:60:00:01", ("Hangzhou Hikrobot Technology Co., Ltd.", "hikvision",
                           "B0:B3:53:60:00:00/28", "registry", "Hikrobot")),
    ("70:B3:D5:0A:E0:01", ("Norsat International Inc.", None,
                           "70:B3:D5:0A:E0:00/36", "registry", None)),
    ("0C:0E:C1:40:00:01", ("Swann Communications Pty Ltd", "swann",
                           "0C:0E:C1:40:00:00/28", "registry", "review manually")),
    # an MA-L of each family, in several notations
    ("2c:a5:9c:12:34:56", ("Hangzhou Hikvision Digital Technology Co.,Ltd.", "hikvision",
                           "2C:A5:9C", "registry", None)),
    ("0C-A6-4C-00-00-01", ("Hangzhou Ezviz Software Co.,Ltd.", "hikvision",
                           "0C:A6:4C", "registry", "EZVIZ")),
    ("3c:ef:8c:00:00:01", ("Zhejiang Dahua Technology Co., Ltd.", "dahua",
                           "3C:EF:8C", "registry", None)),
    ("00d9.8b00.0001", ("Hangzhou Huacheng Network Technology Co.,Ltd", "dahua",
                        "00:D9:8B", "registry", "Imou")),
    ("001882000001", ("Huawei Technologies Co.,Ltd", "huawei", "00:18:82", "registry", None)),
    ("00:15:EB:00:00:01", ("zte corporation", "zte", "00:15:EB", "registry", None)),
    ("64:69:BC:00:00:01", ("Hytera Communications Co.,ltd", "hytera",
                           "64:69:BC", "registry", None)),
    ("14:BA:88:00:00:01", ("Zhejiang Uniview Technologies Co.,Ltd.", "uniview",
                           "14:BA:88", "registry", "UK-wording")),
    ("3C:DA:6D:00:00:01", ("Tiandy Technologies Co.,LTD", "tiandy",
                           "3C:DA:6D", "registry", "UK-wording")),
    # substring look-alikes and others are not families
    ("40:2C:76:10:00:01", ("Shanghai Dahua Scale Factory", None,
                           "40:2C:76:10:00:00/28", "registry", None)),
    ("78:66:AE:00:00:01", ("ZTEC Instruments, Inc.", None, "78:66:AE", "registry", None)),
    ("00:00:0C:00:00:01", ("Cisco Systems, Inc", None, "00:00:0C", "registry", None)),
    # a sub-assigned block without a longer match
    ("B0:B3:53:F0:00:01", (None, None, "B0:B3:53", "none", NOTE_SUB_ASSIGNED)),
    # locally administered: CIDs only, as weak evidence
    ("3A:72:C2:00:00:01", ("Huawei Technologies Co.,Ltd", "huawei", "3A:72:C2", "cid", NOTE_CID)),
    ("4a:c0:3f:ab:cd:ef", ("Wuhan Hikstorage Technology Co.,Ltd", "hikvision",
                           "4A:C0:3F", "cid", "Hikstorage")),
    ("DA:A1:19:00:00:01", (None, None, None, "none", NOTE_LOCAL)),
    ("2E:A5:9C:00:00:01", (None, None, None, "none", NOTE_LOCAL)),  # Hikvision OUI | 0x02
    # group addresses are not devices
    ("01:00:5E:00:00:01", (None, None, None, "none", NOTE_GROUP)),
    ("FF:FF:FF:FF:FF:FF", (None, None, None, "none", NOTE_GROUP)),
    ("2D:A5:9C:00:00:01", (None, None, None, "none", NOTE_GROUP)),  # Hikvision OUI | 0x01
]
# fmt: on

Expected = tuple[str | None, str | None, str | None, str, str | None]


@pytest.mark.parametrize(("mac", "expected"), CLASSIFY_CASES)
def test_classify(mac: str, expected: Expected) -> None:
    organisation, family, prefix, evidence, note = expected
    c = classify(mac)
    assert c.mac == format_mac(normalise_mac(mac) or "")
    assert (c.organisation, c.family, c.prefix, c.evidence) == (
        organisation,
        family,
        prefix,
        evidence,
    )
    assert c.prefix_bits == (None if prefix is None else parse_prefix(prefix)[0])
    assert c.org_key == (None if organisation is None else organisation_key(organisation))
    if note is None:
        assert c.note is None
    else:
        assert c.note is not None
        assert note in c.note


def test_classify_unregistered_prefix() -> None:
    registry = default_registry()
    held = registry.sub_assigned.union(*(table for bits, table in registry.tables if bits == 24))
    block = next(v for v in range(1 << 24) if not (v >> 16) & 0x03 and v not in held)
    c = classify(f"{block:06X}000001")
    assert (c.organisation, c.family, c.prefix, c.evidence) == (None, None, None, "none")
    assert c.note == NOTE_UNREGISTERED


INVALID_CASES = ["", "zz:zz:zz:zz:zz:zz", "  (incomplete) ", "aa:bb:cc:dd:ee"]


@pytest.mark.parametrize("text", INVALID_CASES)
def test_classify_invalid_text_is_a_value_not_an_exception(text: str) -> None:
    c = classify(text, extra_macs=["aa:bb:cc"])
    assert c == Classification(text.strip(), None, None, None, None, None, "none", NOTE_INVALID)
    assert not is_flagged(c, EVERYTHING, ["aa:bb:cc"])


def test_classification_is_frozen_and_slotted() -> None:
    c = classify("2C:A5:9C:00:00:01")
    assert c.mac == "2C:A5:9C:00:00:01"
    assert c.org_key == "hangzhou hikvision digital technology"
    with pytest.raises(dataclasses.FrozenInstanceError):
        c.family = None  # type: ignore[misc]
    assert not hasattr(c, "__dict__")


# mac, families, extra_macs, expected
IS_FLAGGED_CASES = [
    ("2C:A5:9C:00:00:01", US, [], True),
    ("2C:A5:9C:00:00:01", {"dahua"}, [], False),
    ("2C:A5:9C:00:00:01", set(), [], False),
    ("B0:B3:53:60:00:01", US, [], True),  # Hikrobot MA-M
    ("3A:72:C2:00:00:01", US, [], True),  # CID: weak, but fail closed
    ("14:BA:88:00:00:01", US, [], False),  # Uniview: UK profile only
    ("14:BA:88:00:00:01", UK, [], True),
    ("3C:DA:6D:00:00:01", UK, [], True),  # Tiandy
    # review candidates and OEMs are never flagged by family
    ("70:B3:D5:0A:E0:01", EVERYTHING, [], False),  # Norsat
    ("00:1E:96:00:00:01", EVERYTHING, [], False),  # Sepura
    ("0C:0E:C1:40:00:01", EVERYTHING, [], False),  # Swann
    ("9C:8E:CD:00:00:01", EVERYTHING, [], False),  # Amcrest
    ("00:1F:54:00:00:01", {"lorex"}, [], False),  # Lorex, even if asked
    ("40:2C:76:10:00:01", EVERYTHING, [], False),  # Shanghai Dahua Scale Factory
    ("01:00:5E:00:00:01", EVERYTHING, [], False),
    ("DA:A1:19:00:00:01", EVERYTHING, [], False),  # unknown is not "not flagged" but no flag
    ("B0:B3:53:F0:00:01", EVERYTHING, [], False),
    # explicit policy additions, in every notation
    ("9C:8E:CD:00:00:01", set(), ["9c:8e:cd"], True),
    ("9C:8E:CD:00:00:01", set(), ["9C-8E-CD"], True),
    ("9C:8E:CD:00:00:01", set(), ["9c8ecd"], True),
    ("9C:8E:CD:00:00:01", set(), ["9c:8e:cd:00:00:01"], True),
    ("9C:8E:CD:00:00:01", set(), ["9c8e.cd00.0001"], True),
    ("9C:8E:CD:00:00:01", set(), ["9c:8e:cd:00:00:02"], False),
    ("70:B3:D5:0A:E0:01", set(), ["70:B3:D5:0A:E0:00/36"], True),
    ("70:B3:D5:0A:EF:FF", set(), ["70:B3:D5:0A:E0:00/36"], True),
    ("70:B3:D5:0A:F0:00", set(), ["70:B3:D5:0A:E0:00/36"], False),
    ("70:B3:D5:0A:E0:01", set(), ["70:B3:D5:0A:E0/36"], True),
    ("B0:B3:53:60:00:01", set(), ["B0:B3:53:60:00:00/28"], True),
    ("B0:B3:53:70:00:01", set(), ["B0:B3:53:60:00:00/28"], False),
    ("DA:A1:19:00:00:01", set(), ["da:a1:19:00:00:01"], True),  # locally administered
    ("DA:A1:19:00:00:01", set(), ["00:00:0C", "da:a1:19"], True),
]


@pytest.mark.parametrize(("mac", "families", "extra_macs", "expected"), IS_FLAGGED_CASES)
def test_is_flagged(mac: str, families: set[str], extra_macs: list[str], expected: bool) -> None:
    assert is_flagged(classify(mac), families, extra_macs) is expected
    # classifying with the policy's additions gives the same answer
    assert is_flagged(classify(mac, extra_macs=extra_macs), families, extra_macs) is expected


# mac, extra_macs, evidence after classify(mac, extra_macs=...)
POLICY_EVIDENCE_CASES = [
    ("9C:8E:CD:00:00:01", ["9c:8e:cd"], "policy"),  # Amcrest (warn-only family)
    ("70:B3:D5:0A:E0:01", ["70:B3:D5:0A:E0:00/36"], "policy"),  # Norsat (no family)
    ("DA:A1:19:00:00:01", ["da:a1:19"], "policy"),
    ("2C:A5:9C:00:00:01", ["2c:a5:9c"], "registry"),  # the family already says so
    ("3A:72:C2:00:00:01", ["3a:72:c2"], "cid"),
    ("9C:8E:CD:00:00:01", ["9c:8e:ce"], "registry"),
]


@pytest.mark.parametrize(("mac", "extra_macs", "evidence"), POLICY_EVIDENCE_CASES)
def test_policy_evidence(mac: str, extra_macs: list[str], evidence: str) -> None:
    c = classify(mac, extra_macs=extra_macs)
    assert c.evidence == evidence
    if evidence == "policy":
        assert c.note is not None
        assert f"listed in the policy as {extra_macs[0]}" in c.note
        assert is_flagged(c, set(), [])


IS_REVIEW_CASES = [
    ("0C:0E:C1:40:00:01", True),  # Swann MA-M
    ("BC:51:FE:00:00:01", True),  # Swann MA-L
    ("9C:8E:CD:00:00:01", True),  # Amcrest
    ("00:1F:54:00:00:01", True),  # Lorex
    ("2C:A5:9C:00:00:01", False),
    ("70:B3:D5:0A:E0:01", False),
    ("zz", False),
]


@pytest.mark.parametrize(("mac", "expected"), IS_REVIEW_CASES)
def test_is_review(mac: str, expected: bool) -> None:
    assert is_review(classify(mac)) is expected


PARSE_PREFIX_CASES = [
    ("bc:ad:28", (24, 0xBCAD28)),
    ("BC-AD-28", (24, 0xBCAD28)),
    ("bcad28", (24, 0xBCAD28)),
    (" BC:AD:28 ", (24, 0xBCAD28)),
    ("bc:ad:28:00:00:01", (48, 0xBCAD28000001)),
    ("bcad.2800.0001", (48, 0xBCAD28000001)),
    ("bcad28000001", (48, 0xBCAD28000001)),
    ("70:B3:D5:0A:E0:00/36", (36, 0x70B3D50AE)),
    ("70:B3:D5:0A:E0/36", (36, 0x70B3D50AE)),  # Wireshark's short form
    ("B0:B3:53:60:00:00/28", (28, 0xB0B3536)),
    ("B0:B3:53:60/28", (28, 0xB0B3536)),
    ("B0B3536/28", (28, 0xB0B3536)),
    ("bc:ad:28/24", (24, 0xBCAD28)),
    ("bc:ad:28:00:00:01/48", (48, 0xBCAD28000001)),
]


@pytest.mark.parametrize(("text", "expected"), PARSE_PREFIX_CASES)
def test_parse_prefix(text: str, expected: tuple[int, int]) -> None:
    assert parse_prefix(text) == expected


PARSE_PREFIX_ERRORS = [
    ("", "not a MAC address or prefix"),
    ("bc:ad", "not a MAC address or prefix"),
    ("bc:ad-28", "not a MAC address or prefix"),
    ("xx:ad:28", "not a MAC address or prefix"),
    ("bc:ad:28:00", "give the prefix length"),
    ("bcad2800", "give the prefix length"),
    ("70:B3:D5:0A:E0:01/36", "bits set beyond the /36 prefix"),
    ("B0:B3:53:61:00:00/28", "bits set beyond the /28 prefix"),
    ("bc:ad:28/16", "prefix length must be 24..48"),
    ("bc:ad:28/49", "prefix length must be 24..48"),
    ("bc:ad:28/", "prefix length must be 24..48"),
    ("bc:ad:28/x", "prefix length must be 24..48"),
    ("bc:ad:28/28", "shorter than the prefix length"),
]


@pytest.mark.parametrize(("text", "message"), PARSE_PREFIX_ERRORS)
def test_parse_prefix_errors(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_prefix(text)


def test_a_bad_policy_prefix_is_an_input_error_when_flagging() -> None:
    with pytest.raises(InputError, match="bits set beyond"):
        is_flagged(classify("00:00:0C:00:00:01"), US, ["00:00:0C:00:00:01/24"])


@pytest.mark.parametrize(
    "module", ["mac", "oui", "family", "classify"], ids=lambda name: f"agent.endpoints.{name}"
)
def test_doctests(module: str) -> None:
    result = doctest.testmod(importlib.import_module(f"agent.endpoints.{module}"))
    assert result.attempted > 0
    assert result.failed == 0
