"""What may reach a template: names checked against the platform's rules, and inert text.

A template context holds only ``Safe`` strings (made here), ints, bools, ``ipaddress`` objects
rendered by a filter, and containers of those; ``agent.render.environment`` enforces that. A name
is a single token of the platform's CLI: it cannot end a command, start another, open a quote,
or hide a line. Each limit below cites its source in ``docs/templates.md``; where no vendor
source was found the limit is the conservative (shorter) choice, and says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from agent.errors import RenderError
from agent.render.reserved import IPTABLES_RESERVED, NFT_KEYWORDS


class Safe(str):
    """A string that passed ``validate_name`` or ``safe_text``: the only ``str`` a template
    context may contain."""

    __slots__ = ()


KINDS = ("filter", "rule", "object", "interface", "zone")


@dataclass(frozen=True, slots=True)
class NameRule:
    pattern: re.Pattern[str]
    max_len: int
    allowed: str  # human description of ``pattern`` for the error message
    reserved: frozenset[str] = frozenset()


def _rule(
    pattern: str, max_len: int, allowed: str, reserved: frozenset[str] = frozenset()
) -> NameRule:
    return NameRule(re.compile(pattern), max_len, allowed, reserved)


_LETTER_FIRST = "a letter first, then letters, digits, '_', '.' or '-'"
_ALNUM_FIRST = "a letter or digit first, then letters, digits, '_', '.' or '-'"
_ACL = r"[A-Za-z][A-Za-z0-9_.-]*"
_CISCO_IF = r"[A-Za-z][A-Za-z0-9/.:-]*"
_CISCO_IF_TEXT = "a letter first, then letters, digits, '/', '.', ':' or '-' (e.g. Vlan20)"
_TOKEN = r"[A-Za-z0-9][A-Za-z0-9_.-]*"
_PAN = r"[A-Za-z0-9][A-Za-z0-9_-]*"
_PAN_TEXT = "a letter or digit first, then letters, digits, '_' or '-'"

# (platform, kind) -> rule. Sources and the reasoning for each number: docs/templates.md.
NAME_RULES: dict[tuple[str, str], NameRule] = {
    ("cisco_ios", "filter"): _rule(_ACL, 64, _LETTER_FIRST),
    ("cisco_ios", "interface"): _rule(_CISCO_IF, 64, _CISCO_IF_TEXT),
    ("cisco_nxos", "filter"): _rule(_ACL, 64, _LETTER_FIRST),
    ("cisco_nxos", "interface"): _rule(_CISCO_IF, 64, _CISCO_IF_TEXT),
    ("arista_eos", "filter"): _rule(_ACL, 64, _LETTER_FIRST),
    ("arista_eos", "interface"): _rule(_CISCO_IF, 64, _CISCO_IF_TEXT),
    ("juniper_junos", "filter"): _rule(
        r"[A-Za-z0-9][A-Za-z0-9_-]*",
        64,
        "a letter or digit first, then letters, digits, '_' or '-'",
    ),
    ("juniper_junos", "rule"): _rule(
        r"[A-Za-z0-9][A-Za-z0-9_-]*",
        63,
        "a letter or digit first, then letters, digits, '_' or '-'",
    ),
    ("juniper_junos", "object"): _rule(_TOKEN, 63, _ALNUM_FIRST),
    ("juniper_junos", "zone"): _rule(_TOKEN, 63, _ALNUM_FIRST),
    ("juniper_junos", "interface"): _rule(
        r"[a-z][a-z0-9/:-]*",
        64,
        "a lower-case interface device such as ge-0/0/1 or irb (the unit is separate)",
    ),
    ("cisco_asa", "filter"): _rule(_ACL, 241, _LETTER_FIRST),
    ("cisco_asa", "object"): _rule(_ACL, 64, _LETTER_FIRST),
    ("cisco_asa", "interface"): _rule(_ACL, 48, _LETTER_FIRST + " (the nameif, e.g. cameras)"),
    ("fortinet", "rule"): _rule(_TOKEN, 35, _ALNUM_FIRST),
    ("fortinet", "object"): _rule(_TOKEN, 63, _ALNUM_FIRST),
    ("fortinet", "zone"): _rule(_TOKEN, 35, _ALNUM_FIRST + " (an interface or zone name)"),
    # PAN-OS also takes spaces, which would need quoting in the set CLI: refused here
    ("paloalto_panos", "rule"): _rule(_PAN, 63, _PAN_TEXT),
    ("paloalto_panos", "object"): _rule(_PAN, 63, _PAN_TEXT),
    ("paloalto_panos", "zone"): _rule(_PAN, 31, _PAN_TEXT),
    # one name is both the nft table and the iptables chain: the stricter of the two
    ("linux", "filter"): _rule(
        r"[A-Za-z][A-Za-z0-9_-]*",
        28,
        "a letter first, then letters, digits, '_' or '-'",
        NFT_KEYWORDS | IPTABLES_RESERVED,
    ),
    ("linux", "interface"): _rule(
        r"[A-Za-z0-9_][A-Za-z0-9_.-]*", 15, "letters, digits, '_', '.' or '-' (e.g. vlan20)"
    ),
}

# longest remark / comment / description each platform takes (docs/templates.md)
TEXT_MAX: dict[str, int] = {"linux": 128}
TEXT_MAX_DEFAULT = 100
# characters that end a command, start a shell substitution, escape, or close a quote somewhere
_FORBIDDEN = frozenset(";|`$\"'\\")


def _shown(value: str) -> str:
    """``repr`` of ``value`` (escapes newlines and control characters), cut to a sane length."""
    return repr(value if len(value) <= 40 else value[:40] + "...")


def _check_printable(value: str, what: str) -> None:
    for index, char in enumerate(value):
        if not " " <= char <= "~":
            raise RenderError(
                f"{what} {_shown(value)}: character {char!r} at position {index} is a control "
                "or non-ASCII character"
            )


def validate_name(platform: str, name: str, kind: str = "filter") -> Safe:
    """``name`` as a ``Safe`` token if it is a valid ``kind`` name on ``platform``; else
    ``RenderError`` saying which rule it breaks. ``kind`` is one of ``KINDS``."""
    rule = NAME_RULES.get((platform, kind))
    if rule is None:
        raise RenderError(f"{platform}: no rule for {kind} names (kinds: {', '.join(KINDS)})")
    what = f"{platform}: {kind} name"
    if not isinstance(name, str):
        raise RenderError(f"{what} must be text, not {type(name).__name__}")
    if not name:
        raise RenderError(f"{what} is empty")
    _check_printable(name, what)
    if len(name) > rule.max_len:
        raise RenderError(
            f"{what} {_shown(name)} is {len(name)} characters long; the limit is {rule.max_len}"
        )
    if not rule.pattern.fullmatch(name):
        raise RenderError(f"{what} {_shown(name)} is not allowed: use {rule.allowed}")
    if name in rule.reserved:
        raise RenderError(f"{what} {name!r} is a reserved word on {platform}; choose another")
    return Safe(name)


def safe_text(text: str, platform: str | None = None) -> Safe:
    """``text`` as ``Safe`` if it can sit in a remark, description or comment on any platform:
    printable ASCII only (no newline, carriage return, NUL or other control character), none of
    ``; | ` $ " ' \\``, and no longer than the platform's limit."""
    what = f"{platform}: text" if platform else "text"
    if not isinstance(text, str):
        raise RenderError(f"{what} must be text, not {type(text).__name__}")
    if not text.strip():
        raise RenderError(f"{what} is empty")
    _check_printable(text, what)
    bad = sorted(set(text) & _FORBIDDEN)
    if bad:
        raise RenderError(
            f"{what} {_shown(text)} contains {' '.join(bad)}: command separators, shell "
            "substitutions, quotes and backslashes are not allowed in remarks"
        )
    limit = TEXT_MAX.get(platform or "", TEXT_MAX_DEFAULT)
    if len(text) > limit:
        raise RenderError(
            f"{what} {_shown(text)} is {len(text)} characters long; the limit is {limit}"
        )
    return Safe(text)
