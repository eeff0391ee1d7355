"""The NX-OS and Junos rows of the redaction table, one case per secret form."""

from __future__ import annotations

import pytest

from agent.collect.redact import MARKER, redact

NXOS = [
    (
        "username admin password 5 $5$abcDEF$xyz  role network-admin",
        f"username admin password 5 {MARKER}",
    ),
    (
        "snmp-server user ops network-operator auth md5 0x1a2b3c priv 0x4d5e6f localizedkey",
        f"snmp-server user ops network-operator auth md5 {MARKER} priv {MARKER} localizedkey",
    ),
    (
        "snmp-server user ops auth sha 0x1a2b priv aes-128 0x3c4d localizedkey",
        f"snmp-server user ops auth sha {MARKER} priv aes-128 {MARKER} localizedkey",
    ),
    ('tacacs-server key 7 "fewhg123"', f"tacacs-server key 7 {MARKER}"),
    (
        'tacacs-server host 10.0.0.9 key 7 "fewhg123"',
        f"tacacs-server host 10.0.0.9 key 7 {MARKER}",
    ),
    ('radius-server host 10.0.0.8 key 7 "abc"', f"radius-server host 10.0.0.8 key 7 {MARKER}"),
    (
        "snmp-server community s3cret group network-operator",
        f"snmp-server community {MARKER} group network-operator",
    ),
    ("    password 3 5ab1c2d3", f"    password 3 {MARKER}"),  # bgp neighbor
    ("  ip ospf authentication-key 3 abcdef", f"  ip ospf authentication-key 3 {MARKER}"),
    (
        "  ip ospf message-digest-key 1 md5 3 abcdef",
        f"  ip ospf message-digest-key 1 md5 3 {MARKER}",
    ),
    ("    key-string 7 070c285f4d06", f"    key-string 7 {MARKER}"),
    ("    authentication md5 key-string hsrpS3cret", f"    authentication md5 key-string {MARKER}"),
    ("    authentication text hsrpS3cret", f"    authentication text {MARKER}"),
    (
        'ldap-server host 10.0.0.7 rootDN "cn=admin" password 7 ldapS3cret port 389',
        f'ldap-server host 10.0.0.7 rootDN "cn=admin" password 7 {MARKER} port 389',
    ),
    ("feature tacacs+", "feature tacacs+"),
    ("key chain OSPF", "key chain OSPF"),
    ("  key 1", "  key 1"),
]

JUNOS = [
    (
        'set system root-authentication encrypted-password "$6$abc$def"',
        f"set system root-authentication encrypted-password {MARKER}",
    ),
    (
        'set system login user ops authentication encrypted-password "$6$x y"',
        f"set system login user ops authentication encrypted-password {MARKER}",
    ),
    (
        'set system tacplus-server 10.0.0.9 secret "$9$abc"',
        f"set system tacplus-server 10.0.0.9 secret {MARKER}",
    ),
    (
        'set system radius-server 10.0.0.8 secret "$9$def"',
        f"set system radius-server 10.0.0.8 secret {MARKER}",
    ),
    (
        'set protocols bgp group ebgp authentication-key "$9$ghi"',
        f"set protocols bgp group ebgp authentication-key {MARKER}",
    ),
    (
        'set protocols ospf area 0 interface ge-0/0/0.0 authentication md5 1 key "$9$jkl"',
        f"set protocols ospf area 0 interface ge-0/0/0.0 authentication md5 1 key {MARKER}",
    ),
    (
        'set system ntp authentication-key 1 type md5 value "$9$mno"',
        f"set system ntp authentication-key 1 type md5 value {MARKER}",
    ),
    (
        'set security ike policy p1 pre-shared-key ascii-text "$9$pqr"',
        f"set security ike policy p1 pre-shared-key ascii-text {MARKER}",
    ),
    (
        "set security ike policy p2 pre-shared-key hexadecimal 0a1b2c",
        f"set security ike policy p2 pre-shared-key hexadecimal {MARKER}",
    ),
    (
        "set snmp community public authorization read-only",
        f"set snmp community {MARKER} authorization read-only",
    ),
    (
        'set snmp community "my comm" clients 10.0.0.0/8',
        f"set snmp community {MARKER} clients 10.0.0.0/8",
    ),
    (
        'set snmp v3 usm local-engine user u1 authentication-sha authentication-password "$9$s"',
        f"set snmp v3 usm local-engine user u1 authentication-sha authentication-password {MARKER}",
    ),
    (
        'set snmp v3 usm local-engine user u1 privacy-aes128 privacy-password "$9$t"',
        f"set snmp v3 usm local-engine user u1 privacy-aes128 privacy-password {MARKER}",
    ),
    # the `{ }` form keeps the line's end
    (
        '    encrypted-password "$6$abc"; ## SECRET-DATA',
        f"    encrypted-password {MARKER}; ## SECRET-DATA",
    ),
    ("set system host-name jx1", "set system host-name jx1"),
    (
        "set policy-options community c1 members 65000:1",
        "set policy-options community c1 members 65000:1",
    ),
    ("set system services ssh", "set system services ssh"),
]


@pytest.mark.parametrize(("line", "expected"), NXOS)
def test_redact_nxos(line: str, expected: str) -> None:
    assert redact(line, "nxos") == expected
    assert redact(expected, "nxos") == expected  # stable


@pytest.mark.parametrize(("line", "expected"), JUNOS)
def test_redact_junos(line: str, expected: str) -> None:
    assert redact(line, "junos") == expected
    assert redact(expected, "junos") == expected  # stable
