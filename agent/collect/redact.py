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

# NX-OS: the IOS table (username ... password 5, tacacs-server key 7, snmp-server community,
# ospf/bgp/key-string keys) plus what NX-OS writes differently
_NXOS = (
    *_IOSLIKE,
    # snmp-server user admin network-admin auth md5 0x1a2b priv aes-128 0x3c4d localizedkey
    r"^(\s*snmp-server\s+user\s+\S+.*?\sauth\s+(?:md5|sha\S*)\s+)\S+",  # group optional
    r"^(\s*snmp-server\s+user\s+\S+.*?\spriv(?:\s+aes-128)?\s+)\S+",
    # hsrp / vrrp: authentication md5 key-string S3cret / authentication text S3cret
    r"^(.*\bauthentication\s+md5\s+key-string(?:\s+\d+)?\s+)\S+",
    r"^(.*\bauthentication\s+text\s+)\S+",
    # ldap-server host 10.0.0.1 rootDN "cn=x" password 7 S3cret
    r"^(\s*ldap-server\s+host\s+\S+.*?\spassword(?:\s+\d+)?\s+)\S+",
)

# Junos, `display set` form (also the secret of a `{ }` form line): a quoted value or one word
_JVALUE = r'(?:"[^"]*"|[^\s;]+)'
_JUNOS = (
    r"^(.*\sencrypted-password\s+)" + _JVALUE,
    r"^(.*\ssecret\s+)" + _JVALUE,
    # set system ntp authentication-key 1 type md5 value "$9$..."
    r"^(.*\sauthentication-key\s+\d+\s+type\s+\S+\s+value\s+)" + _JVALUE,
    r"^(.*\sauthentication-key\s+)(?!\d+\s+type\b)" + _JVALUE,
    r"^(.*\s(?:authentication|privacy)-password\s+)" + _JVALUE,
    r"^(.*\spre-shared-key\s+(?:ascii-text|hexadecimal)\s+)" + _JVALUE,
    r"^(.*\s(?:md5\s+\d+\s+key|simple-password|key-string)\s+)" + _JVALUE,
    r"^(\s*set\s+(?:logical-systems\s+\S+\s+)?snmp\s+community\s+)" + _JVALUE,
)

RULES: dict[str, tuple[re.Pattern[str], ...]] = {
    "ioslike": tuple(re.compile(p, re.MULTILINE | re.IGNORECASE) for p in _IOSLIKE),
    "nxos": tuple(re.compile(p, re.MULTILINE | re.IGNORECASE) for p in _NXOS),
    "junos": tuple(re.compile(p, re.MULTILINE | re.IGNORECASE) for p in _JUNOS),
    # Linux dumps (ip, iptables-save, nft list ruleset) print no secrets
    "none": (),
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
