"""agent.endpoints.mac: one case table per function."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from agent.endpoints.mac import format_mac, is_group, is_locally_administered, normalise_mac

NORMALISE_CASES = [
    ("aa:bb:cc:dd:ee:ff", "AABBCCDDEEFF"),
    ("AA-BB-CC-DD-EE-FF", "AABBCCDDEEFF"),
    ("aabb.ccdd.eeff", "AABBCCDDEEFF"),
    ("AABB.CCDD.EEFF", "AABBCCDDEEFF"),
    ("aabbccddeeff", "AABBCCDDEEFF"),
    ("b0:B3:53:60:00:01", "B0B353600001"),
    ("  70:b3:d5:0a:e0:01\n", "70B3D50AE001"),
    ("0:1b:c5:0:0:1", "001BC5000001"),  # BSD/macOS arp drops leading zeros
    ("0-1b-c5-0-0-1", "001BC5000001"),
    ("ff:ff:ff:ff:ff:ff", "FFFFFFFFFFFF"),
    ("000000000000", "000000000000"),
    # invalid
    ("", None),
    ("   ", None),
    ("aa:bb:cc:dd:ee", None),  # five groups
    ("aa:bb:cc:dd:ee:ff:00", None),  # seven groups
    ("aabbccddeef", None),  # eleven digits
    ("aabbccddeeff0", None),  # thirteen digits
    ("aa:bb-cc:dd:ee:ff", None),  # mixed separators
    ("aa.bb.cc.dd.ee.ff", None),  # dots only in Cisco's 4.4.4 form
    ("aab.bccd.deeff", None),
    ("aabb:ccdd:eeff", None),
    ("aaa:bb:cc:dd:ee:ff", None),  # three digits in a group
    ("gg:bb:cc:dd:ee:ff", None),
    ("aa::cc:dd:ee:ff", None),
    ("aa:bb:cc:dd:ee:ff/24", None),
    ("(incomplete)", None),
    ("\uff41\uff41:bb:cc:dd:ee:ff", None),  # full-width letters are not hex digits
    ("aa:bb:cc:dd:ee:ff\x00", None),
]


@pytest.mark.parametrize(("text", "expected"), NORMALISE_CASES)
def test_normalise_mac(text: str, expected: str | None) -> None:
    assert normalise_mac(text) == expected


FORMAT_CASES = [
    ("AABBCCDDEEFF", "AA:BB:CC:DD:EE:FF"),
    ("B0B353600001", "B0:B3:53:60:00:01"),
    ("000000000000", "00:00:00:00:00:00"),
]


@pytest.mark.parametrize(("norm", "expected"), FORMAT_CASES)
def test_format_mac(norm: str, expected: str) -> None:
    assert format_mac(norm) == expected
    assert normalise_mac(format_mac(norm)) == norm


NOT_NORMALISED = ["aabbccddeeff", "AA:BB:CC:DD:EE:FF", "AABBCCDDEEF", "", "AABBCCDDEEFG"]


@pytest.mark.parametrize("text", NOT_NORMALISED)
@pytest.mark.parametrize("function", [format_mac, is_group, is_locally_administered])
def test_functions_of_a_normalised_mac_reject_other_text(
    function: Callable[[str], object], text: str
) -> None:
    with pytest.raises(ValueError, match="not a normalised MAC"):
        function(text)


IS_GROUP_CASES = [
    ("FFFFFFFFFFFF", True),  # broadcast
    ("01005E000001", True),  # IPv4 multicast
    ("333300000001", True),  # IPv6 multicast
    ("0180C2000000", True),  # STP
    ("03000000000A", True),  # group and local bits
    ("2CA59C000001", False),
    ("3A72C2000001", False),  # locally administered, unicast
    ("FEFFFFFFFFFF", False),
]


@pytest.mark.parametrize(("norm", "expected"), IS_GROUP_CASES)
def test_is_group(norm: str, expected: bool) -> None:
    assert is_group(norm) is expected


IS_LOCAL_CASES = [
    ("3A72C2000001", True),  # Huawei CID
    ("4AC03F000001", True),  # Wuhan Hikstorage CID
    ("DAA119000001", True),  # randomised (x2, x6, xA, xE second digit)
    ("020000000000", True),
    ("03000000000A", True),
    ("2CA59C000001", False),
    ("B0B353600001", False),
    ("FDFFFFFFFFFF", False),
]


@pytest.mark.parametrize(("norm", "expected"), IS_LOCAL_CASES)
def test_is_locally_administered(norm: str, expected: bool) -> None:
    assert is_locally_administered(norm) is expected
