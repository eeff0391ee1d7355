"""Rules of ``iptables-save`` and ``nft list ruleset`` into the netfilter model (one rule, one
expectation), and the tables and chains around them."""

from __future__ import annotations

import pytest

from agent.models.device import AddrMatch, PortRange
from agent.vendors.linux import iptables, nft
from agent.vendors.linux.dump import Books, Line
from agent.vendors.linux.netfilter import Chain, IfMatch, Match, Rule
from agent.vendors.linux.nftexpr import NamedSet
from agent.vendors.linux.nftrule import RuleReader, tokens


def books(lines: list[str]) -> Books:
    return Books("configs/fw.cfg", lines)


def saved(rules: list[str], family: int = 4, extra: str = "") -> tuple[iptables.Saved, Books]:
    text = ["*filter", ":INPUT ACCEPT [0:0]", ":FORWARD DROP [0:0]", ":OUT - [0:0]"]
    text += [*rules, "COMMIT", *extra.splitlines()]
    b = books(text)
    return iptables.parse([Line(k + 1, t) for k, t in enumerate(text)], family, "", b), b


def one(rule: str, family: int = 4) -> Rule:
    out, _ = saved([rule], family)
    (got,) = [r for c in out.chains.values() for r in c.rules]
    return got


def a(text: str) -> AddrMatch:
    addr, _, wild = text.partition(" ")
    return AddrMatch(address=addr, wildcard=wild)


P = PortRange


@pytest.mark.parametrize(
    ("rule", "want"),
    [
        ("-A FORWARD -s 10.0.0.0/8 -j DROP", Match(src=[a("10.0.0.0 0.255.255.255")])),
        ("-A FORWARD -d 10.1.2.3/32 -j DROP", Match(dst=[a("10.1.2.3 0.0.0.0")])),
        ("-A FORWARD -d 10.0.0.0/255.0.255.0 -j DROP", Match(dst=[a("10.0.0.0 0.255.0.255")])),
        ("-A FORWARD -p 47 -j ACCEPT", Match(protocols=[47])),
        ("-A FORWARD -p all -j ACCEPT", Match()),
        (
            "-A FORWARD -p tcp --dport 1000: -j DROP",
            Match(protocols=[6], dports=[P(lo=1000, hi=65535)]),
        ),
        (
            "-A FORWARD -p udp -m udp --sport :1024 -j DROP",
            Match(protocols=[17], sports=[P(lo=0, hi=1024)]),
        ),
        (
            "-A FORWARD -p tcp -m comment --comment x --dport 22 -j DROP",
            Match(protocols=[6], dports=[P(lo=22, hi=22)]),
        ),
        (
            "-A FORWARD -p tcp -m multiport --ports 80,443 -j DROP",
            Match(protocols=[6], either_ports=[P(lo=80, hi=80), P(lo=443, hi=443)]),
        ),
        ("-A FORWARD -p icmp -m icmp --icmp-type 3/4 -j DROP", Match(protocols=[1], icmp=[(3, 4)])),
        (
            "-A FORWARD -p icmp --icmp-type echo-request -j DROP",
            Match(protocols=[1], icmp=[(8, None)]),
        ),
        ("-A FORWARD -p icmp --icmp-type any -j DROP", Match(protocols=[1])),
        (
            "-A FORWARD -s 10.0.0.0/8 -m iprange --src-range 10.1.0.0-10.1.0.3 -j DROP",
            Match(src=[a("10.1.0.0 0.0.0.3")]),
        ),
        ("-A FORWARD -f -j DROP", Match(fragment=True)),
    ],
)
def test_iptables_matches(rule: str, want: Match) -> None:
    got = one(rule)
    assert got.match == want and not got.unknown and not got.negations


@pytest.mark.parametrize(
    ("rule", "negation"),
    [
        ("-A FORWARD ! -s 10.0.0.0/8 -j ACCEPT", Match(src=[a("10.0.0.0 0.255.255.255")])),
        ("-A FORWARD ! -p tcp -j ACCEPT", Match(protocols=[6])),
        (
            "-A FORWARD -p tcp ! --dport 22 -j ACCEPT",
            Match(protocols=[6], dports=[P(lo=22, hi=22)]),
        ),
        ("-A FORWARD -p icmp ! --icmp-type 8 -j ACCEPT", Match(protocols=[1], icmp=[(8, None)])),
        ("-A FORWARD ! -f -j ACCEPT", Match(fragment=True)),
        (
            "-A FORWARD -m iprange ! --dst-range 10.0.0.0-10.0.0.1 -j ACCEPT",
            Match(dst=[a("10.0.0.0 0.0.0.1")]),
        ),
    ],
)
def test_iptables_negations(rule: str, negation: Match) -> None:
    assert one(rule).negations == [negation]


def test_iptables_interfaces_targets_and_states() -> None:
    assert one("-A FORWARD -i br+ ! -o eth0 -j ACCEPT").ifs == [
        IfMatch("in", ("br*",)),
        IfMatch("out", ("eth0",), negated=True),
    ]
    assert one("-A FORWARD -j REJECT --reject-with icmp-port-unreachable").verdict == "drop"
    jump = one("-A FORWARD -j OUT")
    assert (jump.verdict, jump.target) == ("jump", "filter/OUT")
    assert one("-A FORWARD -g OUT").verdict == "goto"
    assert one("-A FORWARD -j RETURN").verdict == "return"
    log = one('-A FORWARD -p tcp --tcp-flags SYN SYN -j LOG --log-prefix "x "')
    assert not log.effect and not log.unknown  # a LOG rule has no effect, whatever it matches
    assert not one("-A FORWARD -m recent --set --name ssh").effect
    assert one("-A FORWARD -m state --state ESTABLISHED -j ACCEPT").dead
    assert not one("-A FORWARD -m conntrack --ctstate NEW,ESTABLISHED -j ACCEPT").dead
    assert one("-A FORWARD -m conntrack ! --ctstate NEW -j DROP").dead
    invalid = one("-A FORWARD -m conntrack --ctstate INVALID -j ACCEPT")
    assert invalid.dead and "INVALID" in invalid.unknown[0]
    assert not one("-A FORWARD -m conntrack --ctstate INVALID -j DROP").unknown
    assert "not understood" in one("-A FORWARD -m state --state BOGUS -j DROP").unknown[0]
    assert one("-A FORWARD -m conntrack --ctstatus DNAT -j ACCEPT").dead
    assert not one("-A FORWARD -m conntrack ! --ctstatus SEEN_REPLY -j ACCEPT").unknown
    assert not one("-A FORWARD -m conntrack --ctstatus NONE -j ACCEPT").dead
    assert one("[5:300] -A FORWARD -s 10.0.0.1 -j DROP").verdict == "drop"
    assert one("-A FORWARD -c 1 2 -j DROP").verdict == "drop"


@pytest.mark.parametrize(
    ("rule", "reason"),
    [
        ("-A FORWARD -m set --match-set cams src -j DROP", "ipset cams not collected"),
        ("-A FORWARD -p dccp -m dccp --dport 5 -j DROP", "-m dccp --dport"),
        ("-A FORWARD -j MARK --set-mark 1", "target MARK"),
        ("-A FORWARD -s 10.0.0.0/33 -j DROP", "not understood"),
        ("-A FORWARD -p tcp --dport 99999 -j DROP", "not understood"),
        ("-A FORWARD -s", "not understood"),
        ("-A FORWARD --bogus -j DROP", "--bogus"),
        ("-A FORWARD -f -j DROP", ""),
    ],
)
def test_iptables_unknowns(rule: str, reason: str) -> None:
    family = 6 if rule == "-A FORWARD -f -j DROP" else 4
    got = one(rule, family)
    if reason:
        assert got.unknown and reason in " ".join(got.unknown), got.unknown
    else:
        assert got.unknown == ["match -f not modelled"]  # no -f in ip6tables


def test_iptables_tables_and_lines() -> None:
    _out, b = saved(
        ['-A FORWARD -m comment --comment "unbalanced -j DROP', "-A NOPE -j DROP"],
        extra="*nat\n:POSTROUTING ACCEPT [0:0]\n-A POSTROUTING -j MASQUERADE\nCOMMIT",
    )
    whys = [u.why for u in b.finish()[0]]
    assert "unbalanced quotes" in whys and "chain NOPE not declared" in whys
    assert "NAT rewrites addresses: not modelled" in whys
    _out, b = saved([], extra="*broute\nCOMMIT")
    assert "table broute not modelled" in [u.why for u in b.finish()[0]]
    raw = [Line(1, "*mangle"), Line(2, ":PREROUTING ACCEPT [0:0]"), Line(3, ":FORWARD")]
    b = books(["*mangle", ":PREROUTING ACCEPT [0:0]", ":FORWARD"])
    mangle = iptables.parse(raw, 4, "legacy ", b)
    chain = mangle.chains["legacy mangle/PREROUTING"]
    assert chain.base is not None and (chain.base.hook, chain.base.priority) == ("prerouting", -150)
    assert "chain declaration not understood" in [u.why for u in b.finish()[0]]


def nft_rule(text: str, family: int = 4, sets: dict[str, NamedSet] | None = None) -> list[Rule]:
    src = Books("f", [text]).source(1)
    return RuleReader(tokens(text), family, "inet t", sets or {}, src).rules()


def test_nft_tokens() -> None:
    assert tokens('iifname { "a b", "c" } ct state established,related accept') == [
        "iifname",
        "{",
        '"a b"',
        ",",
        '"c"',
        "}",
        "ct",
        "state",
        "established,related",
        "accept",
    ]


@pytest.mark.parametrize(
    ("rule", "want"),
    [
        ("ip saddr 10.0.0.0/8 drop", Match(src=[a("10.0.0.0 0.255.255.255")])),
        (
            "ip daddr 10.0.0.1-10.0.0.2 drop",
            Match(dst=[a("10.0.0.1 0.0.0.0"), a("10.0.0.2 0.0.0.0")]),
        ),
        (
            "ip saddr { 10.0.0.1, 10.0.0.3 } drop",
            Match(src=[a("10.0.0.1 0.0.0.0"), a("10.0.0.3 0.0.0.0")]),
        ),
        ("ip protocol gre accept", Match(protocols=[47])),
        (
            "meta l4proto { tcp, udp } th dport 53 accept",
            Match(protocols=[6, 17], dports=[P(lo=53, hi=53)]),
        ),
        (
            "tcp dport { 22, 8000-8010 } accept",
            Match(protocols=[6], dports=[P(lo=22, hi=22), P(lo=8000, hi=8010)]),
        ),
        ("udp sport <= 1023 drop", Match(protocols=[17], sports=[P(lo=0, hi=1023)])),
        ("udp sport > 1023 drop", Match(protocols=[17], sports=[P(lo=1024, hi=65535)])),
        (
            "tcp dport >= 1000 tcp dport < 2000 drop",
            Match(protocols=[6], dports=[P(lo=1000, hi=1999)]),
        ),
        ("icmp type { echo-request, 0 } accept", Match(protocols=[1], icmp=[(8, None), (0, None)])),
        (
            "icmp type destination-unreachable icmp code 4 accept",
            Match(protocols=[1], icmp=[(3, 4)]),
        ),
        ("ip frag-off & 0x1fff != 0 drop", Match(fragment=True)),
        ('meta nfproto ipv4 counter packets 1 bytes 2 log prefix "x" level info accept', Match()),
        ('comment "c" accept', Match()),
    ],
)
def test_nft_matches(rule: str, want: Match) -> None:
    (got,) = nft_rule(rule)
    assert got.match == want and not got.unknown and not got.dead and not got.negations


def test_nft_negations_interfaces_and_verdicts() -> None:
    (r,) = nft_rule(
        'iifname != { "br*", "eth0" } oif lo ip daddr != 10.0.0.0/8 tcp dport != 22 goto x'
    )
    assert r.ifs == [
        IfMatch("in", ("br*", "eth0"), True, True),
        IfMatch("out", ("lo",), False, True),
    ]
    assert r.negations == [
        Match(dst=[a("10.0.0.0 0.255.255.255")]),
        Match(protocols=[6], dports=[P(lo=22, hi=22)]),
    ]
    assert (r.verdict, r.target) == ("goto", "inet t/x")
    (r,) = nft_rule(
        "ip frag-off & 8191 == 0 meta l4proto != icmp reject with icmpx type admin-prohibited"
    )
    assert r.verdict == "drop" and r.negations == [Match(fragment=True), Match(protocols=[1])]
    (r,) = nft_rule("icmp type != echo-request drop")
    assert r.negations == [Match(protocols=[1], icmp=[(8, None)])]
    (r,) = nft_rule('meta iifname "eth0" continue')
    assert r.verdict == "none" and not r.effect


def test_nft_families_and_states() -> None:
    assert nft_rule("ip saddr 10.0.0.1 accept", family=6)[0].dead
    assert nft_rule("ip6 saddr ::1 accept", family=4)[0].dead
    assert nft_rule("meta nfproto ipv6 accept", family=4)[0].dead
    assert not nft_rule("meta nfproto != ipv6 accept", family=4)[0].dead
    (alien,) = nft_rule("icmpv6 type echo-request accept", family=4)
    assert alien.match == Match(protocols=[58]) and not alien.dead  # accepted without its type
    assert nft_rule("icmp type echo-request drop", family=6)[0].dead
    assert nft_rule("icmp type echo-request jump x", family=6)[0].unknown
    assert nft_rule("ct state established,related accept")[0].dead
    assert not nft_rule("ct state new accept")[0].dead
    assert nft_rule("ct state != new accept")[0].dead
    assert nft_rule("ct state invalid accept")[0].unknown
    assert nft_rule("ct status dnat accept")[0].dead
    assert not nft_rule("ct status != dnat accept")[0].dead
    assert nft_rule("ct status bogus accept")[0].unknown
    (offload,) = nft_rule("meta l4proto { tcp, udp } flow add @ft")
    assert not offload.unknown and not offload.effect
    (mss,) = nft_rule('iifname "wan" tcp flags syn tcp option maxseg size set rt mtu comment "x"')
    assert not mss.effect and not mss.unknown  # no verdict: its conditions do not matter
    (mark,) = nft_rule("ip saddr 10.0.0.1 meta mark set 0x1")
    assert mark.effect and mark.unknown
    (broken,) = nft_rule("ip saddr 10.0.0.1 jump")
    assert broken.effect and broken.unknown
    vmap = nft_rule("ct state vmap { invalid : drop, established : accept, new : jump x }")
    assert [(r.verdict, r.dead) for r in vmap] == [
        ("drop", True),
        ("accept", True),
        ("jump", False),
    ]
    per_if = nft_rule('iifname vmap { "a" : accept, "b" : drop }')
    assert [(r.ifs[0].names, r.verdict) for r in per_if] == [
        (('"a"'.strip('"'),), "accept"),
        (("b",), "drop"),
    ]


def test_nft_sets_and_unknowns() -> None:
    sets = {
        "cams": NamedSet(elements=["10.0.0.1", ",", "10.0.0.2"]),
        "dyn": NamedSet(why="set filled at run time"),
        "m": NamedSet(elements=["10.0.0.1", ":", "accept", ",", "10.0.0.2", ":", "drop"]),
        "bad": NamedSet(elements=["10.0.0.1", "accept"]),
    }
    (r,) = nft_rule("ip saddr @cams drop", sets=sets)
    assert r.match.src == [a("10.0.0.1 0.0.0.0"), a("10.0.0.2 0.0.0.0")]
    assert "run time" in nft_rule("ip saddr @dyn accept", sets=sets)[0].unknown[0]
    assert "not defined" in nft_rule("ip saddr @nope accept", sets=sets)[0].unknown[0]
    assert [r.verdict for r in nft_rule("ip saddr vmap @m", sets=sets)] == ["accept", "drop"]
    for bad in (
        "ip saddr vmap @bad",
        "ip saddr vmap @dyn",
        "ip saddr vmap { 1 }",
        "ip saddr vmap x",
    ):
        assert nft_rule(bad, sets=sets)[0].unknown, bad
    (limited,) = nft_rule("ip saddr 10.0.0.0/8 limit rate 10/second accept")
    assert limited.verdict == "accept" and "limit" in limited.unknown[0]
    for bad in (
        "th dport 53 accept",
        "tcp flags syn accept",
        "ip ttl 3 drop",
        "meta mark 1 drop",
        "ct mark 1 drop",
        "ip saddr < 10.0.0.1 drop",
        "ip protocol > 3 drop",
        "ct state > 3 drop",
        "icmp id 3 drop",
        "icmp code != 3 drop",
        "ip frag-off & 3 != 0 drop",
        "ip frag-off & 8191 != 1 drop",
        "udp sport < 0 drop",
        "fib daddr type local accept",
    ):
        assert nft_rule(bad)[0].unknown, bad


RULESET = """# Warning: table ip filter is managed by iptables-nft, do not touch!
table ip filter {
	chain FORWARD {
		type filter hook forward priority filter; policy drop;
		iifname "lo" accept
	}
}# Warning: table ip nat is managed by iptables-nft, do not touch!
oops
table inet fw {
	set s {
		type ipv4_addr
		elements = { 10.0.0.1,
			10.0.0.2 }
	}
	map vm {
		type ipv4_addr : verdict
		elements = { 10.0.0.3 : drop }
	}
	flowtable ft {
		hook ingress priority filter
	}
	chain early {
		type filter hook prerouting priority raw + 10; policy accept;
		comment "early drops"
		ip saddr @s drop
	}
	chain out {
		type filter hook output priority 0; policy accept;
		ip daddr 10.0.0.1 drop
	}
	chain in {
		type filter hook ingress device "eth0" priority 0; policy accept;
		drop
	}
	chain weird {
		type filter hook forward priority bogus; policy accept;
	}
	chain pol {
		type filter hook forward priority 0; policy continue;
	}
	chain nat {
		type nat hook prerouting priority dstnat; policy accept;
		dnat to 10.0.0.9
	}
	chain user {
		ip saddr vmap @vm
	}
}
table arp a {
	chain c {
		type filter hook input priority 0; policy drop;
	}
}
table bridge b {
	chain c {
		type filter hook forward priority 0; policy accept;
		drop
	}
}
table ip6 dorm {
	flags dormant
	chain c {
		type filter hook forward priority 0; policy drop;
	}
}
"""


def test_nft_tables() -> None:
    raw = RULESET.splitlines()
    b = books(raw)
    tables = nft.read([Line(k + 1, t) for k, t in enumerate(raw)], b)
    assert [(t.family, t.name, t.managed) for t in tables][:2] == [
        ("ip", "filter", True),
        ("inet", "fw", False),
    ]
    four = nft.chains(tables, 4, {("ip", "filter")}, b)
    six = nft.chains(tables, 6, set(), b)
    assert sorted(four) == ["inet fw/early", "inet fw/user"]
    early: Chain = four["inet fw/early"]
    assert early.base is not None and (early.base.hook, early.base.priority) == ("prerouting", -290)
    assert early.rules[0].match.src == [a("10.0.0.1 0.0.0.0"), a("10.0.0.2 0.0.0.0")]
    assert [r.verdict for r in four["inet fw/user"].rules] == ["drop"]
    assert "inet fw/early" in six and "ip6 dorm/c" not in six  # a dormant table does not run
    records, _ = b.finish()
    whys = {u.why for u in records}
    assert "filter chain on hook ingress not modelled" in whys
    assert "nat chain on hook prerouting not modelled" in whys
    assert "chain priority not understood" in whys
    assert "policy continue not understood" in whys
    assert "bridge family tables not modelled" in whys
    assert "not nft ruleset syntax" in whys
    unclosed = ["table ip t {", "\tchain c {"]
    b = books(unclosed)
    nft.read([Line(1, unclosed[0]), Line(2, unclosed[1])], b)
    assert {u.why for u in b.finish()[0]} == {"nft ruleset ends inside a block"}
