"""validate_name and safe_text: one table of hostile values, one of boundary lengths."""

from __future__ import annotations

import pytest

from agent.errors import RenderError
from agent.render.safety import NAME_RULES, Safe, safe_text, validate_name

HOSTILE = [
    "",
    "CAM ISOLATE",
    "CAM\nISOLATE",
    "CAM\rISOLATE",
    "CAM\tISOLATE",
    "CAM\x00",
    "CAM;reload",
    "CAM|ISOLATE",
    "CAM`id`",
    "$(reboot)",
    "CAM$(reboot)",
    'CAM"ISOLATE',
    "CAM'ISOLATE",
    "CAM\\ISOLATE",
    "caméra",
    "CAM\u202eETALOSI",  # right-to-left override (Trojan Source)
    "CAM\u200bISOLATE",  # zero-width space
    "-x",
    "!x",
    "CAM{ISOLATE}",
    "CAM#1",
    "A" * 300,
]


@pytest.mark.parametrize(("platform", "kind"), sorted(NAME_RULES))
@pytest.mark.parametrize("name", HOSTILE, ids=repr)
def test_hostile_names_are_refused_everywhere(platform: str, kind: str, name: str) -> None:
    with pytest.raises(RenderError) as info:
        validate_name(platform, name, kind)
    message = str(info.value)
    assert message.startswith(f"{platform}: {kind} name")
    assert "\n" not in message and "\r" not in message  # shown with repr, never raw


@pytest.mark.parametrize(
    ("platform", "kind", "limit"),
    [
        ("cisco_ios", "filter", 64),
        ("cisco_nxos", "filter", 64),
        ("arista_eos", "filter", 64),
        ("juniper_junos", "filter", 64),
        ("juniper_junos", "rule", 63),
        ("juniper_junos", "zone", 63),
        ("cisco_asa", "filter", 241),
        ("cisco_asa", "object", 64),
        ("cisco_asa", "interface", 48),
        ("fortinet", "rule", 35),
        ("fortinet", "object", 63),
        ("fortinet", "zone", 35),
        ("paloalto_panos", "rule", 63),
        ("paloalto_panos", "zone", 31),
        ("linux", "filter", 28),
        ("linux", "interface", 15),
    ],
)
def test_length_limits_are_exact(platform: str, kind: str, limit: int) -> None:
    assert validate_name(platform, "A" * limit, kind) == "A" * limit
    with pytest.raises(RenderError, match=f"the limit is {limit}"):
        validate_name(platform, "A" * (limit + 1), kind)


@pytest.mark.parametrize(
    ("platform", "kind", "name"),
    [
        ("cisco_ios", "filter", "CAM-ISOLATE"),
        ("cisco_ios", "filter", "cam_isolate.v2"),
        ("cisco_ios", "interface", "GigabitEthernet1/0/1.20"),
        ("cisco_ios", "interface", "Port-channel10"),
        ("cisco_nxos", "interface", "Ethernet1/1"),
        ("arista_eos", "interface", "Vlan20"),
        ("juniper_junos", "filter", "CAM-ISOLATE_2"),
        ("juniper_junos", "interface", "ge-0/0/1"),
        ("juniper_junos", "interface", "xe-0/0/0:1"),
        ("juniper_junos", "zone", "cameras"),
        ("cisco_asa", "interface", "cameras"),
        ("fortinet", "zone", "port1"),
        ("paloalto_panos", "zone", "l3-cameras"),
        ("linux", "filter", "cctv_isolation"),
        ("linux", "interface", "enp0s31f6.20"),
    ],
)
def test_real_names_pass(platform: str, kind: str, name: str) -> None:
    safe = validate_name(platform, name, kind)
    assert safe == name and isinstance(safe, Safe)


@pytest.mark.parametrize(
    ("platform", "kind", "name", "why"),
    [
        ("cisco_ios", "filter", "10", "not allowed"),  # a number would be a numbered ACL
        ("juniper_junos", "filter", "_hidden", "not allowed"),  # reserved __x__ names
        ("juniper_junos", "interface", "GE-0/0/1", "not allowed"),
        ("linux", "filter", "counter", "reserved"),  # an nft keyword
        ("linux", "filter", "DROP", "reserved"),  # an iptables target
        ("linux", "filter", "FORWARD", "reserved"),
        ("linux", "interface", "eth0/1", "not allowed"),
        ("paloalto_panos", "rule", "rule one", "not allowed"),
        ("paloalto_panos", "object", "net.10", "not allowed"),
    ],
)
def test_platform_specific_refusals(platform: str, kind: str, name: str, why: str) -> None:
    with pytest.raises(RenderError, match=why):
        validate_name(platform, name, kind)


def test_unknown_kind_and_non_text_are_refused() -> None:
    with pytest.raises(RenderError, match="no rule for zone names"):
        validate_name("cisco_ios", "x", "zone")
    with pytest.raises(RenderError, match="must be text"):
        validate_name("cisco_ios", 5, "filter")  # type: ignore[arg-type]


HOSTILE_TEXT = [
    "",
    "   ",
    "line\nbreak",
    "carriage\rreturn",
    "nul\x00",
    "tab\there",
    "semi;colon",
    "pipe|here",
    "back`tick`",
    "$(reboot)",
    "dollar $HOME",
    'double "quote"',
    "single 'quote'",
    "back\\slash",
    "non-ascii é",
    "bidi \u202e",
    "x" * 101,
]


@pytest.mark.parametrize("text", HOSTILE_TEXT, ids=repr)
def test_hostile_text_is_refused(text: str) -> None:
    with pytest.raises(RenderError) as info:
        safe_text(text)
    assert "\n" not in str(info.value)


def test_text_limits_per_platform() -> None:
    assert safe_text("cameras -> 10.30.0.10/32 tcp/554 # NVR <rtsp> !") == (
        "cameras -> 10.30.0.10/32 tcp/554 # NVR <rtsp> !"
    )
    assert safe_text("x" * 128, "linux") == "x" * 128
    with pytest.raises(RenderError, match="limit is 128"):
        safe_text("x" * 129, "linux")
    with pytest.raises(RenderError, match="must be text"):
        safe_text(None)  # type: ignore[arg-type]
