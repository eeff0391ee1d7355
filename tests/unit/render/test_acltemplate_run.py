"""acl-template end to end: platform selection, bindings, rule order, clear errors."""

from __future__ import annotations

import pytest

from agent.acltemplate import SELECTIONS, TARGETS, make_spec, resolve_bind, rules, run
from agent.errors import InputError

CAM, CORE = ["10.20.0.0/24"], ["10.0.0.0/16"]
MIXED_CAM, MIXED_CORE = ["10.20.0.0/24", "2001:db8:20::/64"], ["10.0.0.0/16", "2001:db8::/48"]
ALL_BINDS = [
    "Vlan20",
    "cameras:core",
    "juniper_junos=irb.20",
    "cisco_asa=cameras",
    "fortinet=vlan20:core",
]


def test_all_renders_every_target_in_a_stable_order() -> None:
    out = run("all", MIXED_CAM, MIXED_CORE, ["10.30.0.10:tcp/554"], None, ALL_BINDS)
    assert list(out) == list(TARGETS)
    assert "iifname" not in out["linux-nftables"]  # an unscoped interface is not Linux's
    assert all(text.endswith("\n") for text in out.values())


def test_all_skips_outputs_of_an_absent_family() -> None:
    out = run("all", CAM, CORE, [], None, ALL_BINDS)
    assert "linux-ip6tables" not in out and "linux-iptables" in out
    out = run("linux", ["2001:db8:20::/64"], ["2001:db8::/48"], [], None, None)
    assert list(out) == ["linux-nftables", "linux-ip6tables"]


def test_single_target_of_an_absent_family_is_an_error() -> None:
    with pytest.raises(InputError, match="holds IPv6 only"):
        run("linux-ip6tables", CAM, CORE)


@pytest.mark.parametrize(
    ("binds", "keys"),
    [
        (["irb.20"], ["juniper_junos-filter"]),
        (["cameras:core"], ["juniper_junos-srx"]),
        (["ge-0/0/1.0", "trust:untrust"], ["juniper_junos-filter", "juniper_junos-srx"]),
        (["juniper_junos-srx=a:b", "xe-0/0/0:1.0"], ["juniper_junos-filter", "juniper_junos-srx"]),
    ],
)
def test_junos_variant_follows_the_binding(binds: list[str], keys: list[str]) -> None:
    assert list(run("juniper_junos", CAM, CORE, [], None, binds)) == keys


def test_junos_without_a_fitting_binding() -> None:
    with pytest.raises(InputError, match="juniper_junos needs an interface unit"):
        run("juniper_junos", CAM, CORE, [], None, ["Vlan20"])


def test_linux_binding_is_optional_and_scoped_under_all() -> None:
    assert "iifname" not in run("linux-nftables", CAM, CORE)["linux-nftables"]
    out = run("linux", CAM, CORE, [], None, "vlan20")
    assert 'iifname "vlan20"' in out["linux-nftables"] and "-i vlan20" in out["linux-iptables"]
    out = run("all", CAM, CORE, [], None, [*ALL_BINDS, "linux=br-cam"])
    assert 'iifname "br-cam"' in out["linux-nftables"]


@pytest.mark.parametrize(
    ("platform", "binds", "why"),
    [
        ("cisco_ios", [], "--bind: cisco_ios needs an interface"),
        ("fortinet", ["port1"], "fortinet needs a zone pair"),
        ("cisco_ios", ["Vlan20", "Vlan30"], "more than one --bind fits"),
        ("cisco_ios", ["cisco_ios=a:b"], "is not an interface"),
        ("cisco_ios", ["nexus=Vlan20"], "'nexus' is not a platform"),
        ("juniper_junos-filter", ["ge-0/0/1.99999"], "above 16385"),
        ("cisco_ios", ["Vlan 20"], "more than one|not allowed"),
        ("cisco_ios", ["Vlan20;reload"], "not allowed"),
        ("paloalto_panos", ["cameras:$(reboot)"], "not allowed"),
        ("linux-nftables", ["vlan20-is-far-too-long"], "limit is 15"),
        ("all", ["Vlan20"], "needs a zone pair"),
    ],
)
def test_binding_errors_are_clear(platform: str, binds: list[str], why: str) -> None:
    with pytest.raises(InputError, match=why) as info:
        run(platform, CAM, CORE, [], None, binds)
    assert "\n" not in str(info.value)


def test_unknown_platform_lists_the_choices() -> None:
    with pytest.raises(InputError, match="'nexus' is not a platform") as info:
        run("nexus", CAM, CORE)
    assert "cisco_ios" in str(info.value) and "all" in SELECTIONS


@pytest.mark.parametrize(
    ("name", "platform", "why"),
    [
        ("X" * 30, "linux-nftables", "limit is 28"),
        ("A" * 62, "cisco_ios", "filter name 'AAAA"),  # NAME-V6 is 65 long with IPv6
        ("CAM-ISOLATE-FOR-ALL-THE-CAMERAS", "fortinet", "fortinet: rule name"),  # derived names
    ],
)
def test_names_too_long_for_a_platform(name: str, platform: str, why: str) -> None:
    binds = ["Vlan20", "cameras:core"]
    with pytest.raises(InputError, match=why):
        run(platform, MIXED_CAM, MIXED_CORE, ["10.30.0.10:tcp/554"], name, binds)


def test_unsupported_matches_are_refused_not_widened() -> None:
    with pytest.raises(InputError, match="cannot match SCTP ports"):
        run("cisco_ios", CAM, CORE, ["10.30.0.10:sctp/9"], None, "Vlan20")
    assert (
        "sctp-portrange 9"
        in run("fortinet", CAM, CORE, ["10.30.0.10:sctp/9"], None, "a:b")["fortinet"]
    )


def test_first_id_range() -> None:
    with pytest.raises(InputError, match="first policy ID 0 is out of range"):
        run("fortinet", CAM, CORE, [], None, "a:b", first_id=0)


def test_rule_order_exceptions_deny_permit() -> None:
    spec = make_spec(MIXED_CAM, MIXED_CORE, ["2001:db8:30::1:tcp/1", "10.30.0.1:tcp/2"], None, ())
    got = [(r.action, r.family, r.name) for r in rules(spec, TARGETS["cisco_ios"])]
    assert got == [
        ("permit", 6, "allow1"),
        ("permit", 4, "allow2"),
        ("deny", 4, "deny-core"),
        ("deny", 6, "deny-core-v6"),
        ("permit", 4, "permit-any"),
        ("permit", 6, "permit-any-v6"),
    ]
    zone = [r.name for r in rules(spec, TARGETS["paloalto_panos"])]
    assert zone == [
        "CAM-ISOLATE-allow1",
        "CAM-ISOLATE-allow2",
        "CAM-ISOLATE-deny-core",
        "CAM-ISOLATE-deny-core-v6",
    ]


def test_resolve_bind_levels() -> None:
    target = TARGETS["fortinet"]
    bind = resolve_bind(target, ["x:y", "fortinet=a:b"])
    assert bind is not None and (bind.src_zone, bind.dst_zone) == ("a", "b")
    bind = resolve_bind(TARGETS["juniper_junos-srx"], ["juniper_junos=irb.20", "c:d"])
    assert bind is not None and bind.src_zone == "c"  # the platform-scoped value does not fit
    assert resolve_bind(TARGETS["linux-nftables"], ["Vlan20"], unscoped=False) is None


def test_output_file_names() -> None:
    names = {k: t.filename for k, t in TARGETS.items()}
    assert names["cisco_ios"] == "cisco_ios.cfg"
    assert names["linux-nftables"] == "linux-nftables.nft"
    assert names["linux-ip6tables"] == "linux-ip6tables.rules"
    assert len(set(names.values())) == len(names)
