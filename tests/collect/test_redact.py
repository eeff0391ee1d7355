"""The redaction table, one case per secret form; credentials never in a repr."""

from __future__ import annotations

import pytest

from agent.collect import Credentials
from agent.collect.redact import MARKER, redact

CASES = [
    ("enable secret 9 $9$abcdEFGH", f"enable secret 9 {MARKER}"),
    ("enable password 7 0822455D0A16", f"enable password 7 {MARKER}"),
    ("enable password sha512 $6$xyz", f"enable password sha512 {MARKER}"),
    (
        "username admin privilege 15 secret 0 hunter2",
        f"username admin privilege 15 secret 0 {MARKER}",
    ),
    ("username admin secret sha512 $6$abc", f"username admin secret sha512 {MARKER}"),
    ("snmp-server community s3cret RO", f"snmp-server community {MARKER} RO"),
    ("tacacs-server key 7 0822455D0A16", f"tacacs-server key 7 {MARKER}"),
    ("tacacs server T1\n key 7 0822455D0A16", f"tacacs server T1\n key 7 {MARKER}"),
    ("radius-server key s3cret", f"radius-server key {MARKER}"),
    ("crypto isakmp key s3cret address 1.2.3.4", f"crypto isakmp key {MARKER} address 1.2.3.4"),
    (" pre-shared-key local s3cret", f" pre-shared-key local {MARKER}"),
    (" key-string 7 0822455D0A16", f" key-string 7 {MARKER}"),
    ("ntp authentication-key 1 md5 0822455D 7", f"ntp authentication-key 1 md5 {MARKER} 7"),
    (" password 7 0822455D0A16", f" password 7 {MARKER}"),
    ("key chain OSPF", "key chain OSPF"),  # names are not secrets
    (" key 1", " key 1"),
    ("service password-encryption", "service password-encryption"),
]


@pytest.mark.parametrize(("line", "expected"), CASES)
def test_redact(line: str, expected: str) -> None:
    assert redact(line, "ioslike") == expected
    assert redact(expected, "ioslike") == expected  # stable


def test_credentials_repr_hides_secrets() -> None:
    creds = Credentials("netops", "pw-123", "en-456")
    assert "pw-123" not in repr(creds) and "en-456" not in str(creds)
