"""Hostile input: every name, binding and --allow item is refused with one clear error, or it
appears verbatim and changes nothing else (no injected line, no changed line).

The properties compare with a benign rendering: for any generated value that is accepted, the
output must equal the benign output with the benign value replaced by the generated one.
"""

from __future__ import annotations

import dataclasses
from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agent.acltemplate import TARGETS, make_spec, render_target, run
from agent.acltemplate.build import context, resolve_bind
from agent.errors import InputError, RenderError
from agent.render import render, safe_text

CAM, CORE = ["10.20.0.0/24", "2001:db8:20::/64"], ["10.0.0.0/16", "2001:db8::/48"]
ALLOW = ["10.30.0.10:tcp/554", "2001:db8:30::10:udp/123"]
BENIGN_NAME, BENIGN_IF, BENIGN_ZONE = "BENIGNNAME", "ifbenign0", "zbenign"
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
HOSTILE_CHARS = [*";|`$()\"'\\\n\r\t\x00 #{}[]!<>&*?~-_./:=%@,", "\u202e", "\u200b", "é", "\x1b"]
RANDOM = st.text(
    alphabet=st.one_of(st.sampled_from(HOSTILE_CHARS), st.characters(codec="utf-8")),
    max_size=70,
)
TOKEN = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,30}", fullmatch=True)


@st.composite
def near_valid(draw: st.DrawFn) -> str:
    """A plausible token; half the time with one hostile character spliced in."""
    token = draw(TOKEN)
    if draw(st.booleans()):
        at = draw(st.integers(0, len(token)))
        token = token[:at] + draw(st.sampled_from(HOSTILE_CHARS)) + token[at:]
    return token


TEXT = st.one_of(RANDOM, near_valid())


def bind_for(key: str, interface: str = BENIGN_IF, zone: str = BENIGN_ZONE) -> list[str]:
    kind = TARGETS[key].bind
    if kind == "zone-pair":
        return [f"{key}={zone}:zdst"]
    if kind == "junos-interface":
        return [f"{key}={interface}.0"]
    return [f"{key}={interface}"]


def rendered(key: str, name: str = BENIGN_NAME, binds: list[str] | None = None) -> str:
    spec = make_spec(CAM, CORE, ALLOW, name, binds if binds is not None else bind_for(key))
    return render_target(key, spec)


@cache
def benign(key: str) -> str:
    return rendered(key)


@pytest.mark.parametrize("key", list(TARGETS))
def test_benign_values_appear_only_where_expected(key: str) -> None:
    text = benign(key)
    assert BENIGN_NAME in text
    assert (BENIGN_IF in text) == (TARGETS[key].bind != "zone-pair")
    assert (BENIGN_ZONE in text) == (TARGETS[key].bind == "zone-pair")


@SETTINGS
@given(name=TEXT, key=st.sampled_from(list(TARGETS)))
def test_any_name_is_refused_or_inert(name: str, key: str) -> None:
    try:
        text = rendered(key, name=name)
    except InputError as exc:
        assert "\n" not in str(exc) and "\r" not in str(exc)
        return
    assert name in text
    assert text == benign(key).replace(BENIGN_NAME, name)


IF_TARGETS = [k for k, t in TARGETS.items() if t.bind != "zone-pair"]
ZONE_TARGETS = [k for k, t in TARGETS.items() if t.bind == "zone-pair"]


@SETTINGS
@given(iface=TEXT, key=st.sampled_from(IF_TARGETS))
def test_any_interface_is_refused_or_inert(iface: str, key: str) -> None:
    try:
        text = rendered(key, binds=bind_for(key, interface=iface))
    except InputError as exc:
        assert "\n" not in str(exc)
        return
    assert iface in text
    assert text == benign(key).replace(BENIGN_IF, iface)


@SETTINGS
@given(zone=TEXT, key=st.sampled_from(ZONE_TARGETS))
def test_any_zone_is_refused_or_inert(zone: str, key: str) -> None:
    try:
        text = rendered(key, binds=bind_for(key, zone=zone))
    except InputError as exc:
        assert "\n" not in str(exc)
        return
    assert zone in text
    assert text == benign(key).replace(BENIGN_ZONE, zone)


@SETTINGS
@given(remark=TEXT, key=st.sampled_from(list(TARGETS)))
def test_any_remark_is_refused_or_inert(remark: str, key: str) -> None:
    """Remarks come from the rule list (remediation passes policy names through them)."""
    target = TARGETS[key]
    spec = make_spec(CAM, CORE, ALLOW, BENIGN_NAME, bind_for(key))
    ctx = context(spec, target, resolve_bind(target, spec.binds))
    entries = ctx["entries"]
    assert isinstance(entries, tuple)
    try:
        safe = safe_text(remark, target.platform)
    except RenderError:
        return
    first = entries[0].remark
    ctx["entries"] = (dataclasses.replace(entries[0], remark=safe), *entries[1:])
    text = render(target.platform, target.template, ctx)
    assert remark in text
    assert text.count("\n") == benign(key).count("\n")
    assert text == benign(key).replace(str(first), remark, 1) or first is None


HOSTILE = [
    "CAM ISOLATE",
    "CAM\nISOLATE",
    "CAM\rISOLATE",
    "CAM;reload",
    "CAM|ISOLATE",
    "CAM`id`",
    "$(reboot)",
    'CAM"ISOLATE',
    "CAM\x00",
    "caméra",
    "A" * 300,
    "",
]


@pytest.mark.parametrize("key", list(TARGETS))
@pytest.mark.parametrize("value", HOSTILE, ids=repr)
def test_hostile_names_and_bindings_are_refused(key: str, value: str) -> None:
    with pytest.raises(InputError) as info:
        rendered(key, name=value)
    assert "\n" not in str(info.value) and "--name" in str(info.value)
    if value:
        with pytest.raises(InputError) as info:
            rendered(key, binds=bind_for(key, interface=value, zone=value))
        assert "\n" not in str(info.value) and "--bind" in str(info.value)


@pytest.mark.parametrize(
    "item",
    [
        "10.30.0.10:tcp/554;reload",
        "10.30.0.10:tcp/554\nset system root-authentication",
        "$(reboot):tcp/554",
        "10.30.0.10:`id`",
        "10.30.0.10|tcp/554",
        "10.30.0.10:tcp/rtsp",
        "10.30.0.10:tcp/554 extra",
        "10.30.0.10/24:tcp/554",
        "::ffff:10.30.0.10:any;",
    ],
)
def test_hostile_allow_items_are_refused(item: str) -> None:
    with pytest.raises(InputError) as info:
        run("all", CAM, CORE, [item], None, ["x", "a:b", "juniper_junos=irb.20"])
    assert str(info.value).startswith("--allow: ") and "\n" not in str(info.value)


@pytest.mark.parametrize("key", list(TARGETS))
def test_nothing_but_printable_ascii_reaches_the_output(key: str) -> None:
    text = benign(key)
    assert all(" " <= c <= "~" or c == "\n" for c in text)
