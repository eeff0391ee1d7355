"""The Cisco ASA, FortiOS and PAN-OS rows of the redaction table: one case per secret form (the
device's own syntax), lines that must stay as they are, a stable marker, idempotence."""

from __future__ import annotations

import pytest

from agent.collect.redact import MARKER, XML_MARKER, redact

ASA = [
    ("enable password 8Ry2YjIyt7RRXU24 encrypted", f"enable password {MARKER} encrypted"),
    (
        "enable password $sha512$5000$hM0yX$Zq1aQ== pbkdf2",
        f"enable password {MARKER} pbkdf2",
    ),
    ("passwd 2KFQnbNIdI.2KYOU encrypted", f"passwd {MARKER} encrypted"),
    (
        "username admin password $sha512$5000$abc$def pbkdf2 privilege 15",
        f"username admin password {MARKER} pbkdf2 privilege 15",
    ),
    (
        "username netops password 3USUcOPFUiMCO4Jk encrypted privilege 15",
        f"username netops password {MARKER} encrypted privilege 15",
    ),
    (
        "snmp-server host inside 10.0.0.5 community public version 2c",
        f"snmp-server host inside 10.0.0.5 community {MARKER} version 2c",
    ),
    (
        "snmp-server host management 192.0.2.9 community ***** version 2c",
        f"snmp-server host management 192.0.2.9 community {MARKER} version 2c",
    ),
    ("snmp-server community s3cret", f"snmp-server community {MARKER}"),
    (
        "snmp-server user nms nmsgroup v3 engineID 80000009fe encrypted auth sha256 6c:1a:2b "
        "priv aes 256 9a:2b:3c",
        f"snmp-server user nms nmsgroup v3 engineID 80000009fe encrypted auth sha256 {MARKER} "
        f"priv aes 256 {MARKER}",
    ),
    (" ikev1 pre-shared-key S3cretPsk", f" ikev1 pre-shared-key {MARKER}"),
    (" ikev1 pre-shared-key *****", f" ikev1 pre-shared-key {MARKER}"),
    (
        " ikev2 local-authentication pre-shared-key 0 LocalPsk1",
        f" ikev2 local-authentication pre-shared-key 0 {MARKER}",
    ),
    (
        " ikev2 remote-authentication pre-shared-key 8 RemotePsk2",
        f" ikev2 remote-authentication pre-shared-key 8 {MARKER}",
    ),
    (" pre-shared-key OldSyntaxPsk", f" pre-shared-key {MARKER}"),
    (
        "isakmp key Pix6Key address 198.51.100.7 netmask 255.255.255.255",
        f"isakmp key {MARKER} address 198.51.100.7 netmask 255.255.255.255",
    ),
    (" key *****", f" key {MARKER}"),
    (" key TacacsKey1", f" key {MARKER}"),
    (" ldap-login-password LdapBind1", f" ldap-login-password {MARKER}"),
    (" radius-common-pw RadiusPw1", f" radius-common-pw {MARKER}"),
    ("ntp authentication-key 1 md5 *****", f"ntp authentication-key 1 md5 {MARKER}"),
    ("ntp authentication-key 2 md5 NtpKey2", f"ntp authentication-key 2 md5 {MARKER}"),
    ("failover key FoKey1", f"failover key {MARKER}"),
    ("failover key hex 0a1b2c3d", f"failover key hex {MARKER}"),
    (" ospf message-digest-key 1 md5 OspfKey1", f" ospf message-digest-key 1 md5 {MARKER}"),
    (" ospf authentication-key OspfKey2", f" ospf authentication-key {MARKER}"),
    (
        " authentication key eigrp 100 EigrpKey key-id 1",
        f" authentication key eigrp 100 {MARKER} key-id 1",
    ),
    ("  neighbor 10.0.0.2 password 0 BgpPw1", f"  neighbor 10.0.0.2 password 0 {MARKER}"),
]

ASA_KEPT = [
    "hostname asa1",
    "username bob nopassword privilege 15",
    "username netops attributes",
    "tunnel-group 198.51.100.7 type ipsec-l2l",
    "tunnel-group 198.51.100.7 ipsec-attributes",
    " authentication pre-share",
    "aaa-server TACACS protocol tacacs+",
    "aaa-server TACACS (management) host 192.0.2.9",
    "aaa authentication ssh console TACACS LOCAL",
    "ssh key-exchange group dh-group14-sha256",
    "ntp trusted-key 1",
    "ntp server 192.0.2.123 key 1 source management",
    "snmp-server enable traps snmp authentication linkup linkdown coldstart",
    " keypair asa1-key",
    "crypto ikev1 policy 10",
    "access-list cameras_in extended deny ip object CAMERAS object CORE log",
]

FORTIOS = [
    (
        "        set password ENC SH2nlSm9QL9tapcHPXIqAXvX7vBJuuqu22hpa1JX0NQnDMxvuGkb1A==",
        f"        set password ENC {MARKER}",
    ),
    ("        set passwd ENC XXxxTn5Y2Hs3Fwb8A==", f"        set passwd ENC {MARKER}"),
    ("        set psksecret ENC ijJ4d0c2xQ8HnA==", f"        set psksecret ENC {MARKER}"),
    ("        set secret ENC 8BV1ZQx3rtMdq8==", f"        set secret ENC {MARKER}"),
    ("            set key ENC tcQ6Jd9Hq2Q==", f"            set key ENC {MARKER}"),
    ("        set auth-pwd ENC 6c1a2b3c4d==", f"        set auth-pwd ENC {MARKER}"),
    ("        set priv-pwd ENC 9a2b3c4d5e==", f"        set priv-pwd ENC {MARKER}"),
    ("        set passphrase ENC Kx7uQ2==", f"        set passphrase ENC {MARKER}"),
    ("        set api-key ENC Zm9vYmFy==", f"        set api-key ENC {MARKER}"),
    ("                set key-string ENC aGVsbG8=", f"                set key-string ENC {MARKER}"),
    ("        set md5-keys 1 ENC b3NwZg==", f"        set md5-keys 1 ENC {MARKER}"),
    ('        set psksecret "TypedInClear"', f"        set psksecret {MARKER}"),
    ("        set password Plain1", f"        set password {MARKER}"),
]

FORTIOS_KEPT = [
    '    set hostname "fw1"',
    '        set name "cameras-to-nvr"',
    "        set srcaddr CAMERAS",
    "        set auth-proto sha256",
    "        set priv-proto aes256",
    "        set security-level auth-priv",
    "        set admin-sport 8443",
    "        set keepalive 10",
    '        set ssh-public-key1 "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHx netops"',
    '        set certificate "-----BEGIN CERTIFICATE-----',
    "config system snmp sysinfo",
]

SNMP_BLOCK = """\
config system snmp community
    edit 1
        set name "Public1"
        config hosts
            edit 1
                set ip 192.0.2.9 255.255.255.255
            next
        end
    next
    edit 2
        set name Second2
        set query-v1-status disable
    next
end
config firewall policy
    edit 1
        set name "cameras-to-nvr"
    next
end
"""

PEM_BLOCK = """\
config vpn certificate local
    edit "lab-cert"
        set password ENC jK8s0Q==
        set comments "lab"
        set private-key "-----BEGIN ENCRYPTED PRIVATE KEY-----
MIIFHzBJBgkqhkiG9w0BBQ0wPDAbBgkqhkiG9w0BBQwwDgQI
3q2+7wAAAAACAggAMB0GCWCGSAFlAwQBKgQQ
-----END ENCRYPTED PRIVATE KEY-----"
        set certificate "-----BEGIN CERTIFICATE-----
MIIDXTCCAkWgAwIBAgIJAKZ
-----END CERTIFICATE-----"
    next
end
"""

PANOS = [
    ("        <phash>$5$abcdef$ghijkl</phash>", f"        <phash>{XML_MARKER}</phash>"),
    ("              <key>-AQ==PanIke0aLhM4Q=</key>", f"              <key>{XML_MARKER}</key>"),
    ("            <secret>-AQ==Rad1us</secret>", f"            <secret>{XML_MARKER}</secret>"),
    (
        "          <bind-password>-AQ==LdapBind</bind-password>",
        f"          <bind-password>{XML_MARKER}</bind-password>",
    ),
    (
        "              <snmp-community-string>public</snmp-community-string>",
        f"              <snmp-community-string>{XML_MARKER}</snmp-community-string>",
    ),
    (
        "                  <community>TrapComm</community>",
        f"                  <community>{XML_MARKER}</community>",
    ),
    ("          <authpwd>-AQ==Auth</authpwd>", f"          <authpwd>{XML_MARKER}</authpwd>"),
    ("          <privpwd>-AQ==Priv</privpwd>", f"          <privpwd>{XML_MARKER}</privpwd>"),
    (
        "        <private-key>-AQ==bGFiLWtleQ==</private-key>",
        f"        <private-key>{XML_MARKER}</private-key>",
    ),
    ("          <password>-AQ==Ospf</password>", f"          <password>{XML_MARKER}</password>"),
    ("        <api-key>-AQ==WildFire</api-key>", f"        <api-key>{XML_MARKER}</api-key>"),
    (
        "set mgt-config users admin phash $5$abcdef$ghijkl",
        f"set mgt-config users admin phash {MARKER}",
    ),
    (
        "set network ike gateway to-dc authentication pre-shared-key key -AQ==PanIke",
        f"set network ike gateway to-dc authentication pre-shared-key key {MARKER}",
    ),
    (
        "set shared server-profile radius rad1 server s1 secret -AQ==Rad1us",
        f"set shared server-profile radius rad1 server s1 secret {MARKER}",
    ),
    (
        "set deviceconfig system snmp-setting access-setting version v2c snmp-community-string "
        "public",
        "set deviceconfig system snmp-setting access-setting version v2c snmp-community-string "
        f"{MARKER}",
    ),
    (
        "set shared log-settings snmptrap nms version v2c server nms1 community TrapComm",
        f"set shared log-settings snmptrap nms version v2c server nms1 community {MARKER}",
    ),
    (
        "set network virtual-router default protocol ospf auth-profile a1 md5 1 key -AQ==Md5",
        f"set network virtual-router default protocol ospf auth-profile a1 md5 1 key {MARKER}",
    ),
    (
        'set shared certificate gp private-key "-AQ==bGFi"',
        f"set shared certificate gp private-key {MARKER}",
    ),
]

PANOS_KEPT = [
    "          <hostname>pa1</hostname>",
    '            <entry name="secret">',
    "          <password-complexity>",
    "            <enabled>yes</enabled>",
    "                  <member>CAMERAS</member>",
    "        <public-key>c3NoLXJzYQ==</public-key>",
    "set address secret ip-netmask 10.0.0.1/32",
    "set address key description lab",
    "set deviceconfig system hostname pa1",
    "set mgt-config password-complexity enabled yes",
    "set rulebase security rules cameras-deny action deny",
]


def _check(family: str, line: str, expected: str) -> None:
    assert redact(line, family) == expected
    assert redact(expected, family) == expected  # idempotent: the marker is stable


@pytest.mark.parametrize(("line", "expected"), ASA)
def test_redact_asa(line: str, expected: str) -> None:
    _check("asa", line, expected)


@pytest.mark.parametrize("line", ASA_KEPT)
def test_asa_keeps(line: str) -> None:
    assert redact(line, "asa") == line


@pytest.mark.parametrize(("line", "expected"), FORTIOS)
def test_redact_fortios(line: str, expected: str) -> None:
    _check("fortios", line, expected)


@pytest.mark.parametrize("line", FORTIOS_KEPT)
def test_fortios_keeps(line: str) -> None:
    assert redact(line, "fortios") == line


def test_fortios_snmp_communities() -> None:
    out = redact(SNMP_BLOCK, "fortios")
    assert "Public1" not in out
    assert "Second2" not in out
    assert out.count(f"set name {MARKER}") == 2
    assert 'set name "cameras-to-nvr"' in out  # a policy name is not a community
    assert "set ip 192.0.2.9 255.255.255.255" in out
    assert out == SNMP_BLOCK.replace('"Public1"', MARKER).replace("Second2", MARKER)
    assert redact(out, "fortios") == out


def test_fortios_many_communities_fail_closed() -> None:
    """More communities than the table has rules for: nothing after the last one is kept."""
    entries = "".join(
        f'    edit {i}\n        set name "Comm{i:02d}"\n        set events cpu-high\n    next\n'
        for i in range(1, 41)
    )
    block = f"config system snmp community\n{entries}end\nconfig system dns\nend\n"
    out = redact(block, "fortios")
    assert "Comm" not in out
    assert out.endswith("\nend\nconfig system dns\nend\n")
    assert redact(out, "fortios") == out


def test_fortios_private_key() -> None:
    out = redact(PEM_BLOCK, "fortios")
    assert "MIIFHzBJ" not in out
    assert "3q2+7wAA" not in out
    assert "jK8s0Q" not in out
    assert (
        '-----BEGIN ENCRYPTED PRIVATE KEY-----\n<removed>\n-----END ENCRYPTED PRIVATE KEY-----"'
        in out
    )
    assert "MIIDXTCCAkWgAwIBAgIJAKZ" in out  # the certificate is public
    assert redact(out, "fortios") == out


@pytest.mark.parametrize(("line", "expected"), PANOS)
def test_redact_panos(line: str, expected: str) -> None:
    _check("panos", line, expected)


@pytest.mark.parametrize("line", PANOS_KEPT)
def test_panos_keeps(line: str) -> None:
    assert redact(line, "panos") == line


def test_panos_pem_private_key_in_xml() -> None:
    text = (
        "<private-key>-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n"
        "-----END RSA PRIVATE KEY-----</private-key>\n"
    )
    out = redact(text, "panos")
    assert out == f"<private-key>{XML_MARKER}</private-key>\n"
    assert redact(out, "panos") == out


def test_families_differ() -> None:
    """The IOS table does not know FortiOS's `set ... ENC` or PAN-OS's XML: a platform must use
    its own family."""
    assert redact("        set password ENC SH2abc", "ioslike") == "        set password ENC SH2abc"
    assert redact("<phash>$5$x</phash>", "ioslike") == "<phash>$5$x</phash>"
