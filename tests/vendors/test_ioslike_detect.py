"""Platform detection: IOS vs EOS vs everything else."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from agent.vendors.base import Vendor

IOS = """!
version 15.2
service timestamps debug datetime msec
hostname r1
!
interface GigabitEthernet0/0
 ip address 10.0.0.1 255.255.255.0
!
line vty 0 4
 login
!
end
"""

EOS = """! Command: show running-config
! device: leaf1 (DCS-7050SX3-48YC8, EOS-4.28.3M)
!
transceiver qsfp default-mode 4x10G
!
hostname leaf1
!
interface Ethernet1
   switchport access vlan 20
!
ip routing
!
end
"""

EOS_BARE = """hostname leaf9
!
interface Ethernet1
   description no markers but three-space indentation
!
end
"""

GENERIC = """hostname box
!
interface Ethernet1
  ip address 1.1.1.1 255.255.255.0
!
"""

OTHERS = {
    "junos-set": (
        "set system host-name fw\nset interfaces ge-0/0/0 unit 0 family inet address 1.2.3.4/24\n"
    ),
    "junos-braces": "system {\n    host-name fw;\n}\ninterfaces {\n    ge-0/0/0 {\n    }\n}\n",
    "asa": (
        ": Saved\nASA Version 9.9\n!\nhostname asa\ninterface GigabitEthernet0/1\n nameif inside\n"
    ),
    "fortios": 'config system global\n    set hostname "fw"\nend\n',
    "panos": "set deviceconfig system hostname pa\nset network interface ethernet ethernet1/1\n",
    "nxos": "version 9.3(8)\nfeature ospf\nhostname n9k\ninterface Ethernet1/1\n  no switchport\n",
    "iptables": "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p tcp --dport 22 -j ACCEPT\nCOMMIT\n",
    "json": '{"hostname": "host1", "interfaces": {}}\n',
    "empty": "",
}


@pytest.fixture
def scores(vendor: Callable[[str], Vendor]) -> Callable[[str], tuple[int, int]]:
    ios, eos = vendor("cisco_ios"), vendor("arista_eos")
    return lambda text: (ios.detect(text), eos.detect(text))


def test_ios_wins(scores: Callable[[str], tuple[int, int]]) -> None:
    ios, eos = scores(IOS)
    assert ios >= 80 and eos == 0


def test_eos_wins(scores: Callable[[str], tuple[int, int]]) -> None:
    ios, eos = scores(EOS)
    assert eos >= 80 and ios == 0
    ios, eos = scores(EOS_BARE)
    assert eos > ios


def test_generic_text_goes_to_ios(scores: Callable[[str], tuple[int, int]]) -> None:
    ios, eos = scores(GENERIC)
    assert ios > eos


@pytest.mark.parametrize("name", sorted(OTHERS))
def test_other_vendors_score_zero(name: str, scores: Callable[[str], tuple[int, int]]) -> None:
    assert scores(OTHERS[name]) == (0, 0)


def test_corpus_ios_configs(corpus: Path, scores: Callable[[str], tuple[int, int]]) -> None:
    files = sorted((corpus / "example-live" / "configs").glob("*.cfg"))
    files += sorted((corpus / "ios-zones-switchports" / "configs").glob("*"))
    files += sorted(corpus.glob("forwarding-change-validation/*/configs/*.cfg"))
    files += sorted(corpus.glob("example-filters/*/configs/*.cfg"))
    assert files
    for path in files:
        ios, eos = scores(path.read_text())
        assert ios > eos, path


def test_corpus_other_vendors_score_zero(
    corpus: Path, scores: Callable[[str], tuple[int, int]]
) -> None:
    folders = (
        "asa-security-levels",
        "junos-srx-zones",
        "fortios-policy",
        "paloalto-zones",
        "paloalto-layer2-ae-trunk",
    )
    files = [p for f in folders for p in sorted((corpus / f / "configs").glob("*"))]
    files += sorted((corpus / "example-live" / "iptables").glob("*"))
    files += sorted((corpus / "example-live" / "hosts").glob("*"))
    assert len(files) > 20
    for path in files:
        assert scores(path.read_text()) == (0, 0), path
