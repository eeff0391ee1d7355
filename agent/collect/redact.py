"""Secrets removed from stored configurations: a table of patterns per platform family.

Each pattern keeps what precedes the secret (group 1) and replaces the secret itself with
``MARKER``, so the line still parses and the same config always gives the same text.
"""

from __future__ import annotations

import re

MARKER = "<removed>"

_IOSLIKE = (
    # enable secret 9 $9$... / enable password 7 0822455D0A16 / enable secret sha512 ...
    r"^(\s*enable\s+(?:secret|password)(?:\s+level\s+\d+)?(?:\s+(?:\d+|sha512))?\s+)\S.*$",
    # username admin privilege 15 secret 9 $9$... / EOS: username admin secret sha512 $6$...
    r"^(\s*username\s+\S+.*?\s(?:secret|password)(?:\s+(?:\d+|sha512|0|5|7))?\s+)\S.*$",
    r"^(\s*snmp-server\s+community\s+)\S+",
    r"^(\s*snmp-server\s+user\s+\S+\s+\S+.*?\s(?:auth|priv)\s+\S+\s+)\S+",
    r"^(\s*(?:tacacs|radius)-server\s+(?:host\s+\S+.*?\s)?key(?:\s+\d+)?\s+)\S.*$",
    # `key 7 ...` inside `tacacs server X` / `radius server X` (not `key chain`, not `key 1`)
    r"^(\s+key(?:\s+[067])?\s+)(?!chain\b)(?!\d+\s*$)\S.*$",
    r"^(\s*(?:server-private\s+\S+.*?\s)key(?:\s+\d+)?\s+)\S.*$",
    r"^(\s*crypto\s+isakmp\s+key(?:\s+\d+)?\s+)\S+",
    r"^(.*\bpre-shared-key(?:\s+(?:local|remote))?(?:\s+\d+)?\s+)\S.*$",
    r"^(\s*key-string(?:\s+\d+)?\s+)\S.*$",
    r"^(\s*ntp\s+authentication-key\s+\d+\s+\S+(?:\s+\d+)?\s+)\S+",
    r"^(\s*(?:ip\s+)?(?:ospf|ospfv3)\s+(?:message-digest-key\s+\d+\s+md5|authentication-key)"
    r"(?:\s+\d+)?\s+)\S+",
    r"^(\s*neighbor\s+\S+\s+password(?:\s+\d+)?\s+)\S.*$",
    r"^(\s*password(?:\s+\d+)?\s+)\S.*$",  # line vty / console
    r"^(\s*(?:wpa-psk|authentication-key|auth-key|md5-key)\s.*?)\S+$",
)

RULES: dict[str, tuple[re.Pattern[str], ...]] = {
    "ioslike": tuple(re.compile(p, re.MULTILINE | re.IGNORECASE) for p in _IOSLIKE),
}


def redact(text: str, family: str) -> str:
    """``text`` with every secret of ``family``'s table replaced by ``MARKER``."""
    for rule in RULES[family]:
        text = rule.sub(lambda m: m.group(1) + MARKER, text)
    return text


def scrub(text: str, secrets: list[str]) -> str:
    """``text`` with any literal credential replaced (for failure messages)."""
    for value in sorted(secrets, key=len, reverse=True):
        if value:
            text = text.replace(value, MARKER)
    return text
