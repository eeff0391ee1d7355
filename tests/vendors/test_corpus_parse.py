"""Every IOS-style configuration of the Batfish corpus parses without an exception, with every
line accounted for, and only the expected lines (zone-based firewall, ambiguous ports) left
unrecognised."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from agent.models.device import PortRange
from agent.vendors.base import Vendor

FOLDERS = (
    "example-live/configs",
    "example-filters/*/configs",
    "forwarding-change-validation/*/configs",
    "ios-zones-switchports/configs",
)
ZBF = ("zone", "zone-pair", "zone-member", "service-policy", "class-map", "policy-map")


def test_corpus_parses(corpus: Path, vendor: Callable[[str], Vendor]) -> None:
    ios, eos = vendor("cisco_ios"), vendor("arista_eos")
    files = [p for pattern in FOLDERS for p in sorted(corpus.glob(f"{pattern}/*"))]
    assert len(files) > 50
    for path in files:
        text = path.read_text()
        chosen = ios if ios.detect(text) >= eos.detect(text) else eos
        assert chosen.parse is not None
        device = chosen.parse(text, str(path.relative_to(corpus)), path.stem)
        c = device.counts
        assert c.total == c.understood + c.irrelevant + c.unrecognized, path
        assert c.unrecognized == len(device.unrecognized), path
        for u in device.unrecognized:
            zbf = u.text.split()[0] in ZBF or u.why in (
                "class-map not modelled",
                "policy-map not modelled",
                "zone-based firewall not modelled",
            )
            ambiguous = u.why.startswith("IOS default for this port")
            assert zbf or ambiguous, (path, u)


def test_corpus_acl_semantics(corpus: Path, vendor: Callable[[str], Vendor]) -> None:
    """Spot checks against the corpus' EXPECTED.md: the lines Batfish cites exist as rules."""
    parse = vendor("cisco_ios").parse
    assert parse is not None
    path = corpus / "example-filters/current/configs/rtr-with-acl.cfg"
    device = parse(path.read_text(), "rtr-with-acl.cfg", "rtr-with-acl")
    acl = device.acls["acl_in"]
    by_seq = {r.seq: r for r in acl.rules}
    assert by_seq[660].src_ref.text == "660 permit udp 10.10.10.0/24 218.8.104.58/32 eq domain"
    assert by_seq[670].src[0].address == "166.146.58.184"
    assert device.interfaces["Ethernet1/1/1"].acl_in is not None
    fw = corpus / "example-filters/current/configs/firewall.cfg"
    firewall = parse(fw.read_text(), "firewall.cfg", "firewall")
    nfs = firewall.acls["acl-mysql-backup-z2-tcp-nfs"].rules[0]
    assert [(s.protocol, s.dst_ports) for s in nfs.services] == [(6, [PortRange(lo=2049, hi=2049)])]
    assert [a.address for a in nfs.src] == ["101.164.101.231"]
    assert [a.address for a in nfs.dst] == ["101.164.9.109"]
    assert {u.scope for u in firewall.unrecognized if u.context == "interface"} == {
        "GigabitEthernet0/0/0",
        "GigabitEthernet0/0/2",
        "GigabitEthernet0/0/3",
    }
