"""agent.endpoints.family: the bundled families table, profiles and file validation."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from agent.endpoints.family import FamilyTable, builtin_families, load_families, parse_families
from agent.endpoints.oui import organisation_key
from agent.errors import InputError

FAMILY_OF_CASES = [
    ("hangzhou hikvision digital technology", "hikvision"),
    ("prama hikvision india", "hikvision"),
    ("hangzhou ezviz software", "hikvision"),
    ("hangzhou hikrobot technology", "hikvision"),
    ("hangzhou hikstorage technology", "hikvision"),
    ("wuhan hikstorage technology", "hikvision"),
    ("hangzhou microimage software", "hikvision"),
    ("zhejiang dahua technology", "dahua"),
    ("zhejiang dahua zhilian", "dahua"),
    ("hangzhou huacheng network technology", "dahua"),
    ("zhejiang huaray technology", "dahua"),
    ("huawei technologies", "huawei"),
    ("huawei device", "huawei"),
    ("huawei symantec technologies", "huawei"),
    ("hisilicon technologies", "huawei"),
    ("zte", "zte"),
    ("hytera communications", "hytera"),
    ("zhejiang uniview technologies", "uniview"),
    ("tiandy technologies", "tiandy"),
    ("lorex technology", "lorex"),
    ("amcrest technologies", "amcrest"),
    ("swann communications", "swann"),
    # exact keys only: substrings, supersets and near names are not families
    ("shanghai dahua scale factory", None),
    ("hikari", None),
    ("ztec instruments", None),
    ("shanghai zte technologies", None),
    ("huawei", None),
    ("huawei technologies co ltd", None),  # not normalised
    ("Huawei Technologies", None),
    ("prama india", None),
    ("jorex lorex india", None),
    ("honor device", None),
    ("norsat international", None),
    ("", None),
    (None, None),
]


@pytest.mark.parametrize(("org_key", "expected"), FAMILY_OF_CASES)
def test_family_of(org_key: str | None, expected: str | None) -> None:
    assert builtin_families().family_of(org_key) == expected


def test_every_key_in_the_bundled_table_is_normalised() -> None:
    table = builtin_families()
    for name, family in table.families.items():
        assert family.name == name
        for key in family.organisations:
            assert organisation_key(key) == key


PROFILE_CASES = [
    (None, {"hikvision", "dahua", "huawei", "zte", "hytera"}, set()),
    (["us-covered"], {"hikvision", "dahua", "huawei", "zte", "hytera"}, set()),
    (
        ["uk-nil-cctv"],
        {"hikvision", "dahua", "huawei", "zte", "hytera", "uniview", "tiandy"},
        set(),
    ),
    (["oem-review"], set(), {"lorex", "amcrest", "swann"}),
    (
        ["us-covered", "oem-review"],
        {"hikvision", "dahua", "huawei", "zte", "hytera"},
        {"lorex", "amcrest", "swann"},
    ),
    ([], set(), set()),
]


@pytest.mark.parametrize(("profiles", "flagged", "reviewed"), PROFILE_CASES)
def test_profiles(profiles: list[str] | None, flagged: set[str], reviewed: set[str]) -> None:
    table = builtin_families()
    assert table.flag_families(profiles) == flagged
    assert table.review_families(profiles) == reviewed


def test_default_profile_and_warn_only_families() -> None:
    table = builtin_families()
    assert table.default_profile().name == "us-covered"
    assert table.warn_only == {"lorex", "amcrest", "swann"}
    assert table.profiles["oem-review"].action == "warn"


def test_unknown_profile_is_an_input_error() -> None:
    with pytest.raises(InputError, match=r"unknown vendor profile nope.*known profiles: oem"):
        builtin_families().flag_families(["us-covered", "nope"])


NOTE_CASES = [
    ("hisilicon technologies", "HiSilicon chips sit in many third-party DVRs"),
    ("prama hikvision india", "joint venture"),
    ("hangzhou hikvision digital technology", None),
    ("zte", None),
    ("norsat international", None),
    (None, None),
]


@pytest.mark.parametrize(("org_key", "contains"), NOTE_CASES)
def test_note_of(org_key: str | None, contains: str | None) -> None:
    note = builtin_families().note_of(org_key)
    if contains is None:
        assert note is None
    else:
        assert note is not None
        assert contains in note


def test_cids() -> None:
    assert dict(builtin_families().cids) == {
        0x3A72C2: "Huawei Technologies Co.,Ltd",
        0x4AC03F: "Wuhan Hikstorage Technology Co.,Ltd",
    }


def test_the_table_is_read_only_and_read_once() -> None:
    table = builtin_families()
    assert builtin_families() is table
    with pytest.raises(TypeError):
        table.by_key["acme"] = "hikvision"  # type: ignore[index]
    assert "acme" not in table.by_key


def test_families_yaml_is_package_data() -> None:
    text = resources.files("agent.endpoints").joinpath("families.yaml").read_text("utf-8")
    assert isinstance(parse_families(text, "families.yaml"), FamilyTable)


VALID = """\
families:
  a: {display_name: A, organisations: [{key: "a one"}]}
  b: {display_name: B, organisations: [{key: "b one", note: "a caveat"}]}
cids: {"3A:72:C2": "A One Ltd"}
profiles:
  main: {default: true, action: flag, families: [a]}
  oem: {action: warn, families: [b]}
"""

PARSE_ERRORS = [
    ("families: [", "invalid vendor families file"),
    ("- a list", "invalid vendor families file"),
    (VALID.replace("display_name: A,", "display_name: A, colour: red,"), "Extra inputs"),
    (VALID.replace('key: "a one"', 'key: "A One Ltd"'), "'A One Ltd' is not a normalised"),
    (VALID.replace('key: "b one"', 'key: "a one"'), "'a one' is in families a and b"),
    (VALID.replace("families: [a]}", "families: [a, c]}"), "profile main names unknown families c"),
    (VALID.replace("action: warn,", "action: warn, default: true,"), "exactly one profile"),
    (VALID.replace("default: true, ", ""), "exactly one profile"),
    (VALID.replace("action: flag", "action: block"), "invalid vendor families file"),
    (VALID.replace('"3A:72:C2"', '"2C:A5:9C"'), "lacks the locally administered bit"),
    (VALID.replace('"3A:72:C2"', '"3A:72"'), "is not 24 bits"),
    (VALID.replace('"3A:72:C2"', '"3A:72:CG"'), "is not 24 bits"),
    (VALID.replace('organisations: [{key: "a one"}]', "organisations: []"), "at least 1"),
]


@pytest.mark.parametrize(("text", "message"), PARSE_ERRORS)
def test_parse_families_rejects_bad_files(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message) as info:
        parse_families(text, "policy/families.yaml")
    assert str(info.value).startswith("policy/families.yaml: ")


def test_parse_families_accepts_a_valid_file() -> None:
    table = parse_families(VALID, "x.yaml")
    assert table.family_of("a one") == "a"
    assert table.note_of("b one") == "a caveat"
    assert table.warn_only == {"b"}
    assert table.cids == {0x3A72C2: "A One Ltd"}


def test_load_families_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "families.yaml"
    path.write_text(VALID.replace("families: [a]}", "families: [a, x]}"), encoding="utf-8")
    with pytest.raises(InputError, match=f"^{path}: profile main names unknown families x"):
        load_families(path)
    path.write_text(VALID, encoding="utf-8")
    assert load_families(path).family_of("a one") == "a"
