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

# Cisco ASA `show running-config` (9.x prints most keys as `*****`, hashes and older releases in
# clear; the `encrypted` / `pbkdf2` keyword after a hash is kept)
_ASA = (
    # enable password 8Ry2YjIyt7RRXU24 encrypted / passwd 2KFQnbNIdI.2KYOU encrypted
    r"^(\s*(?:enable\s+password|passwd)\s+)\S+",
    # username admin password $sha512$5000$abc$def pbkdf2 privilege 15
    r"^(\s*username\s+\S+\s+password\s+)\S+",
    # snmp-server host inside 10.0.0.5 community public version 2c / snmp-server community x
    r"^(\s*snmp-server\s+host\s+.*?\scommunity\s+)\S+",
    r"^(\s*snmp-server\s+community\s+)\S+",
    # snmp-server user u1 g1 v3 encrypted auth sha256 6c:1a priv aes 256 9a:2b
    r"^(\s*snmp-server\s+user\s+.*?\sauth\s+\S+\s+)\S+",
    r"^(\s*snmp-server\s+user\s+.*?\spriv\s+\S+(?:\s+\d+)?\s+)\S+",
    # tunnel-group X ipsec-attributes: ikev1 pre-shared-key x / ikev2 local-authentication
    # pre-shared-key 0 x / ikev2 remote-authentication pre-shared-key x; isakmp key x address y
    r"^(.*\bpre-shared-key(?:\s+[08])?\s+)\S+",
    r"^(\s*(?:crypto\s+)?isakmp\s+key\s+)\S+",
    # aaa-server X (inside) host 10.0.0.9: key x / ldap-login-password x / radius-common-pw x
    r"^(\s+(?:key|ldap-login-password|radius-common-pw)\s+)\S+",
    r"^(\s*ntp\s+authentication-key\s+\d+\s+\S+\s+)\S+",
    r"^(\s*failover\s+key\s+(?:hex\s+)?)\S+",
    # interface: ospf message-digest-key 1 md5 x / ospf authentication-key x /
    # authentication key eigrp 100 x key-id 1; router bgp: neighbor 10.0.0.2 password 0 x
    r"^(\s*ospf\s+(?:message-digest-key\s+\d+\s+md5|authentication-key)(?:\s+[08])?\s+)\S+",
    r"^(\s*authentication\s+key\s+eigrp\s+\d+\s+)\S+",
    r"^(\s*neighbor\s+\S+\s+password(?:\s+[08])?\s+)\S+",
)

# a private key in PEM form: the body between its BEGIN and END lines (FortiOS `set
# private-key "-----BEGIN ...`, PAN-OS `<private-key>` with a PEM body)
_PEM_KEY = (
    r"^(.*-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----\n)(?:.*\n)*?.*(?=\n[^\n]*-----END [A-Z0-9 ]*PRIVATE"
    r" KEY-----)"
)

# FortiOS `show`: every stored secret is printed `set <key> ENC <blob>`; SNMP v1/v2c community
# names are the `set name` of the entries of `config system snmp community`
_FVALUE = r'(?:"[^"]*"|\S+)'
_FORTI_COMMUNITY = (
    r"^(([ \t]*)config\s+system\s+snmp\s+community\n(?:(?!\2end$).*\n)*?[ \t]+set\s+name\s+)"
    r"(?!" + re.escape(MARKER) + ")" + _FVALUE
)
_FORTI_COMMUNITIES = 16  # one rule redacts one community: this many per block, then the rest
_FORTIOS = (
    # set password ENC SH2... / set passwd ENC / set psksecret ENC / set secret ENC / set key ENC
    # / set auth-pwd ENC / set priv-pwd ENC / set passphrase ENC / set api-key ENC ...
    r"^(\s*set\s+[\w-]+(?:\s+\d+)?\s+ENC\s+)\S+",
    # the same keys in clear text (a value typed in and printed back before it is encrypted)
    r"^(\s*set\s+(?:password|passwd|psksecret|psksecret-remote|ppk-secret|secret|key|authkey"
    r"|enckey|auth-pwd|priv-pwd|passphrase|sae-password|sso-password|ldap-password"
    r"|server-secret|radius-secret|key-string|md5-key|authentication-key)\s+)(?!ENC\s)" + _FVALUE,
    _PEM_KEY,
    *(_FORTI_COMMUNITY,) * _FORTI_COMMUNITIES,
    # a block with even more communities: everything after the last one redacted, to its `end`
    _FORTI_COMMUNITY + r".*(?:\n.*)*?(?=\n\2end$)",
)

# PAN-OS: `show config running` (XML) and the set form of configure mode
_PAN_KEYS = (
    r"phash|password|bind-password|secret|key|authpwd|privpwd|snmp-community-string|community"
    r"|private-key|api-key|auth-key|passphrase|agent-user-override-key"
)
_PANOS = (
    # <phash>$5$...</phash>, <secret>-AQ==...</secret>, <pre-shared-key><key>-AQ==...</key>,
    # <snmp-community-string>public</snmp-community-string>, <private-key>-AQ==...</private-key>
    r"(<(" + _PAN_KEYS + r")>)[^<]*(?=</\2>)",
    _PEM_KEY,
    # set mgt-config users admin phash $5$... / ... server-profile radius r1 server s1 secret x /
    # ... pre-shared-key key x / ... md5 1 key x / ... snmp-community-string x: the keyword
    # right before the last word (an object named `secret` is not a secret)
    r"^(\s*set\s.*\s(?:" + _PAN_KEYS + r")\s+)" + _FVALUE + r"\s*$",
)

RULES: dict[str, tuple[re.Pattern[str], ...]] = {
    "ioslike": tuple(re.compile(p, re.MULTILINE | re.IGNORECASE) for p in _IOSLIKE),
    "nxos": tuple(re.compile(p, re.MULTILINE | re.IGNORECASE) for p in _NXOS),
    "junos": tuple(re.compile(p, re.MULTILINE | re.IGNORECASE) for p in _JUNOS),
    # Linux dumps (ip, iptables-save, nft list ruleset) print no secrets
    "none": (),
    "asa": tuple(re.compile(p, re.MULTILINE | re.IGNORECASE) for p in _ASA),
    "fortios": tuple(re.compile(p, re.MULTILINE | re.IGNORECASE) for p in _FORTIOS),
    "panos": tuple(re.compile(p, re.MULTILINE | re.IGNORECASE) for p in _PANOS),
}


# families whose configurations are XML: a secret that is an element's text gets the marker
# escaped, so the stored configuration stays well-formed XML (its text still reads <removed>)
XML_FAMILIES = frozenset({"panos"})
XML_MARKER = "&lt;removed&gt;"


def marker_for(family: str, before: str) -> str:
    """The marker that replaces a secret following ``before`` in a ``family`` config."""
    return XML_MARKER if family in XML_FAMILIES and before.endswith(">") else MARKER


def redact(text: str, family: str) -> str:
    """``text`` with every secret of ``family``'s table replaced by ``MARKER`` (``XML_MARKER``
    inside an XML element of an XML family)."""
    for rule in RULES[family]:
        text = rule.sub(lambda m: m.group(1) + marker_for(family, m.group(1)), text)
    return text


def scrub(text: str, secrets: list[str]) -> str:
    """``text`` with any literal credential replaced (for failure messages)."""
    for value in sorted(secrets, key=len, reverse=True):
        if value:
            text = text.replace(value, MARKER)
    return text
