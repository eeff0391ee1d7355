"""Content-based platform detection for IOS-style text: a 0-100 score per platform.

Both detectors see every configuration; the higher score wins, and generic IOS-style text
(``hostname``/``interface`` blocks and ``!`` separators with no platform marker) scores higher
for IOS. Text of another vendor (Junos set or brace format, ASA, NX-OS, FortiOS, PAN-OS,
iptables-save, JSON) scores 0 for both. EOS always indents by three spaces; IOS by one; two
spaces (NX-OS style, hand-written files) counts against EOS.
"""

from __future__ import annotations

import re
from functools import lru_cache

_M = re.MULTILINE

_OTHER = re.compile(
    r"^(?:ASA Version|PIX Version|: Saved|feature \S|config system|config firewall"
    r"|#config-version=|set \S|delete \S|\*filter|\*nat|\*mangle|\*raw|:INPUT|:FORWARD|-A \S"
    r"|<config|<\?xml|config \{|version \d+\.\d+\(\d|version \S+;|## Last commit|\{"
    r"|\s+nameif \S|\s+security-level \d"
    r"|!RANCID-CONTENT-TYPE: (?!cisco\s*$|arista))",
    _M,
)
_BRACE_LINE = re.compile(r"\{\s*$", _M)
_IOS_STYLE = re.compile(r"^(?:interface|hostname|router|ip route|access-list|ip access-list) ", _M)

_IOS_MARKERS: tuple[str, ...] = (
    r"^version \d+\.\d+\s*$",
    r"^service timestamps ",
    r"^Building configuration",
    r"^Current configuration :",
    r"^boot-start-marker",
    r"^interface (?:GigabitEthernet|FastEthernet|TenGigabitEthernet|TwoGigabitEthernet"
    r"|TwentyFiveGigE|HundredGigE|FortyGigabitEthernet|Serial|AppGigabitEthernet)\d",
    r"^ip vrf \S",
    r"^vrf definition \S",
    r"^ip access-list (?:standard|extended) \S",
    r"^access-list \d+ ",
    r"^line vty ",
    r"^ip cef\b",
    r"^!RANCID-CONTENT-TYPE: cisco\s*$",
    r"^ ip address \d+\.\d+\.\d+\.\d+ \d+\.\d+\.\d+\.\d+",
    r"^ip route \d+\.\d+\.\d+\.\d+ \d+\.\d+\.\d+\.\d+ ",
    r"^license udi ",
    r"^control-plane\s*$",
    r"^ip subnet-zero",
    r"^no ip domain[ -]lookup",
    r"^ip http server",
)

_EOS_MARKERS: tuple[str, ...] = (
    r"^! device: .*EOS-",
    r"^! Command: show running-config",
    r"^! boot system flash:",
    r"^transceiver qsfp default-mode",
    r"^vrf instance \S",
    r"^management api http-commands",
    r"^service routing protocols model",
    r"^daemon TerminAttr",
    r"^!RANCID-CONTENT-TYPE: arista",
    r"^ip routing(?: vrf \S+)?\s*$",
    r"^   ip address \d+\.\d+\.\d+\.\d+/\d+",
    r"^interface Management1\s*$",
    r"^interface Port-Channel\d",
    r"^no aaa root",
    r"^ip virtual-router mac-address",
    r"^mlag configuration",
    r"^   switchport trunk group ",
)

# One pass over the text finds every marker (a regex per marker costs ~40 scans per file).
_MARKERS = re.compile(
    "^(?:"
    + "|".join(
        f"(?P<{kind}{i}>{p[1:]})"
        for kind, table in (("i", _IOS_MARKERS), ("e", _EOS_MARKERS))
        for i, p in enumerate(table)
    )
    + ")",
    _M,
)
_EOS_WEAK = re.compile(r"^interface Ethernet\d+\s*$", _M)
_INDENT = {n: re.compile(rf"^ {{{n}}}\S", _M) for n in (1, 2, 3)}


def _hits(text: str) -> tuple[int, int]:
    """Number of distinct IOS and EOS markers present in ``text``."""
    found = {m.lastgroup for m in _MARKERS.finditer(text)}
    ios = sum(1 for g in found if g and g[0] == "i")
    return ios, len(found) - ios


def _indent(text: str) -> int:
    """The most common first-level indentation (1, 2 or 3 spaces), 0 if none."""
    counts = {n: len(p.findall(text)) for n, p in _INDENT.items()}
    best = max(counts, key=lambda n: counts[n])
    return best if counts[best] else 0


def _ios_style(text: str) -> bool:
    if _OTHER.search(text) or len(_BRACE_LINE.findall(text)) >= 3:
        return False
    return _IOS_STYLE.search(text) is not None


@lru_cache(maxsize=4)
def _analyse(text: str) -> tuple[bool, int, int, int, bool]:
    """(IOS-style at all, IOS markers, EOS markers, indentation, weak EOS marker), computed once
    for the two detectors that both look at the same text."""
    if not _ios_style(text):
        return False, 0, 0, 0, False
    ios, eos = _hits(text)
    return True, ios, eos, _indent(text), _EOS_WEAK.search(text) is not None


def score_ios(text: str) -> int:
    """Confidence that ``text`` is a Cisco IOS/IOS-XE configuration."""
    style, ios, eos, indent, _weak = _analyse(text)
    if not style:
        return 0
    score = 30 + 15 * ios - 25 * eos
    score += 20 if indent == 1 else -20 if indent == 3 else 0
    return max(0, min(100, score))


def score_eos(text: str) -> int:
    """Confidence that ``text`` is an Arista EOS configuration."""
    style, ios, eos, indent, weak = _analyse(text)
    if not style:
        return 0
    score = 10 + 25 * eos - 20 * ios + (5 if weak else 0)
    score += 30 if indent == 3 else -40 if indent in (1, 2) else 0
    return max(0, min(100, score))
