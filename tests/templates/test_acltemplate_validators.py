"""The Linux renderings, checked by the real tools: ``nft -c -f``, ``iptables-restore --test``
and ``ip6tables-restore --test``, inside a throwaway network namespace so the host's rules are
never touched. Needs root and the Debian packages ``nftables``, ``iptables`` and ``iproute2``;
without them the tests skip with the reason (``SEGPROOF_REQUIRE_LAB=1`` makes a skip a failure).
"""

from __future__ import annotations

from ipaddress import ip_network
from pathlib import Path

import pytest

from agent.acltemplate import Bind
from agent.render import Rule, Safe, build_view, render, validate_name
from tests.throwaway import TOOLS, run_in

HERE = Path(__file__).parent
LINUX = sorted((HERE / "linux").glob("*.expected.cfg"))


def check(netns: str, kind: str, text: str, path: Path) -> None:
    """``kind``: nftables, iptables or ip6tables. Fails with the tool's own message."""
    if kind == "nftables":
        path.write_text(text)
        proc = run_in(netns, str(TOOLS["nft"]), "-c", "-f", str(path))
    else:
        proc = run_in(netns, str(TOOLS[f"{kind}-restore"]), "--test", "--noflush", stdin=text)
    assert proc.returncode == 0, f"{kind} rejected the rendering:\n{proc.stderr}\n{text}"


def kind_of(golden: Path) -> str:
    return golden.name.split("-", 1)[0]


@pytest.mark.parametrize("golden", LINUX, ids=lambda p: p.name.removesuffix(".expected.cfg"))
def test_golden_passes_the_real_checker(netns: str, golden: Path, tmp_path: Path) -> None:
    check(netns, kind_of(golden), golden.read_text(), tmp_path / "out.nft")


def test_every_linux_kind_has_checked_goldens() -> None:
    assert {kind_of(g) for g in LINUX} == {"nftables", "iptables", "ip6tables"}


def linux_context(rules: list[Rule], iface: str | None) -> dict[str, object]:
    view = build_view(rules, "linux")
    families = {r.family for r in rules}
    return {
        "name": validate_name("linux", "SEGPROOF-T"),
        "name6": None,
        "entries": view.entries,
        "addresses": (),
        "services": (),
        "groups": (),
        "has4": 4 in families,
        "has6": 6 in families,
        "bind": Bind(interface=Safe(iface)) if iface else None,
        "cameras": tuple(n for r in rules for n in r.src),
        "core": tuple(n for r in rules for n in r.dst),
        "ids": (),
    }


def hard_rules(family: int) -> list[Rule]:
    """Everything the Rule model allows that acl-template never emits: 20 ports (two multiport
    groups), source ports, SCTP ports, a protocol number, ICMP type and code, any addresses."""
    cam = ip_network("10.20.0.0/24" if family == 4 else "2001:db8:20::/64")
    dst = ip_network("10.30.0.0/24" if family == 4 else "2001:db8:30::/64")
    anyn = ip_network("0.0.0.0/0" if family == 4 else "::/0")
    icmp = 1 if family == 4 else 58
    base = {"action": "permit", "family": family, "src": [cam], "dst": [dst]}
    return [
        Rule(**base, protocol=6, dst_ports=[(p, p) for p in range(8000, 8020)]),
        Rule(**base, protocol=17, src_ports=[(123, 123)], dst_ports=[(123, 123), (200, 300)]),
        Rule(**base, protocol=132, dst_ports=[(9, 9)]),
        Rule(**base, protocol=47, remark="gre # to the NVR"),
        Rule(**base, protocol=icmp, icmp_type=3, icmp_code=1),
        Rule(**base, protocol=icmp),
        Rule(**{**base, "dst": [anyn]}, protocol=6),
        Rule(action="deny", family=family, src=[cam], dst=[dst, anyn], log=True),
    ]


@pytest.mark.parametrize("iface", [None, "vlan20"])
def test_every_rule_shape_passes_the_real_checkers(
    netns: str, iface: str | None, tmp_path: Path
) -> None:
    both = hard_rules(4) + hard_rules(6)
    check(
        netns,
        "nftables",
        render("linux", "acl_template_nftables", linux_context(both, iface)),
        tmp_path / "a.nft",
    )
    for family, kind in ((4, "iptables"), (6, "ip6tables")):
        text = render("linux", "acl_template_iptables", linux_context(hard_rules(family), iface))
        assert "--dports 8000,8001" in text and "--dports 8015,8016" in text  # 15 + 5
        check(netns, kind, text, tmp_path / "b")


def test_nftables_output_applies_twice(netns: str, tmp_path: Path) -> None:
    """The declare / delete / define idiom is re-runnable (applied for real, in the namespace)."""
    golden = (HERE / "linux" / "nftables-ipv6.expected.cfg").read_text()
    path = tmp_path / "apply.nft"
    path.write_text(golden)
    for _ in range(2):
        proc = run_in(netns, str(TOOLS["nft"]), "-f", str(path))
        assert proc.returncode == 0, proc.stderr
    listing = run_in(netns, str(TOOLS["nft"]), "list", "table", "inet", "CAM-ISOLATE").stdout
    assert listing.count("drop") == 2 and listing.count("accept comment") == 2
    run_in(netns, str(TOOLS["nft"]), "delete", "table", "inet", "CAM-ISOLATE")


def test_iptables_output_applies_and_jumps_first(netns: str) -> None:
    golden = (HERE / "linux" / "iptables-basic.expected.cfg").read_text()
    ipt = str(TOOLS["iptables-restore"]).removesuffix("-restore")
    run_in(
        netns, ipt, "-A", "FORWARD", "-m", "conntrack", "--ctstate", "ESTABLISHED", "-j", "ACCEPT"
    )
    proc = run_in(netns, str(TOOLS["iptables-restore"]), "--noflush", stdin=golden)
    assert proc.returncode == 0, proc.stderr
    forward = run_in(netns, ipt, "-S", "FORWARD").stdout.splitlines()
    assert forward[1] == "-A FORWARD -i vlan20 -j CAM-ISOLATE", (
        forward
    )  # before the ESTABLISHED accept
    chain = run_in(netns, ipt, "-S", "CAM-ISOLATE").stdout
    assert chain.count("-j RETURN") == 2 and chain.count("-j DROP") == 1
    for argv in (
        ("-D", "FORWARD", "-i", "vlan20", "-j", "CAM-ISOLATE"),
        ("-F", "CAM-ISOLATE"),
        ("-X", "CAM-ISOLATE"),
    ):
        assert run_in(netns, ipt, *argv).returncode == 0  # the rollback in the file's header works
    run_in(netns, ipt, "-F", "FORWARD")


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        (
            "nftables",
            "table inet t {\n    chain c {\n        ip saddr 10.0.0.0/8 dropp\n    }\n}\n",
        ),
        ("iptables", "*filter\n:T - [0:0]\n-A T -s 10.0.0.0/33 -j DROP\nCOMMIT\n"),
        ("ip6tables", "*filter\n:T - [0:0]\n-A T -s 10.0.0.0/8 -j DROP\nCOMMIT\n"),
    ],
)
def test_the_checkers_do_reject_broken_input(
    netns: str, kind: str, text: str, tmp_path: Path
) -> None:
    """A check that cannot fail proves nothing: broken input must be refused."""
    with pytest.raises(AssertionError, match="rejected"):
        check(netns, kind, text, tmp_path / "bad.nft")
