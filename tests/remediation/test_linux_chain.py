"""Linux remediation mechanics: the chain change patches the dump exactly as the kernel's own
tools then print it, and the rollback gives back the exact text. The commands run for real in
a throwaway network namespace (no traffic; root and iptables/nftables needed, as for the
template validators)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from agent.models.plan import ChainChange, DeviceChange, Entry
from agent.remediate import linux
from agent.remediate.apply import apply, revert
from agent.remediate.render import render
from tests.throwaway import run_in

DUMP = Path(__file__).parent.parent / "collect" / "data" / "linux" / "configs" / "lx1.cfg"
V4 = [
    Entry(
        seq=10,
        action="permit",
        protocol=6,
        src="10.20.0.11/32",
        dst="10.30.0.10/32",
        dst_ports=(554, 554),
    ),
    Entry(
        seq=20, action="permit", protocol=1, src="10.20.0.11/32", dst="10.30.0.10/32", icmp_type=8
    ),
    Entry(seq=30, action="deny", src="10.20.0.11/32", dst="10.0.0.0/16"),
    Entry(
        seq=40,
        action="deny",
        protocol=17,
        src="10.20.0.0/24",
        dst="10.99.0.0/16",
        dst_ports=(1000, 2000),
    ),
]
V6 = [
    Entry(
        seq=10,
        action="permit",
        protocol=6,
        src="2001:db8:20::/64",
        dst="2001:db8:30::10/128",
        dst_ports=(554, 554),
    ),
    Entry(seq=20, action="deny", src="2001:db8:20::/64", dst="2001:db8:100::/48"),
]


def _device(*changes: ChainChange) -> DeviceChange:
    return DeviceChange(
        device="lx1",
        platform="linux",
        file="configs/lx1.cfg",
        changes=list(changes),
        cameras=["10.20.0.11"],
    )


def _chain(family: int, backend: str) -> ChainChange:
    return ChainChange.model_validate(
        {
            "family": family,
            "backend": backend,
            "chain": linux.CHAIN,
            "entries": V4 if family == 4 else V6,
        }
    )


def _section(text: str, command: str) -> list[str]:
    lines = text.splitlines()
    at = lines.index(f"#### segproof-section: {command}")
    end = next((i for i in range(at + 1, len(lines)) if lines[i].startswith("####")), len(lines))
    return lines[at + 1 : end]


def test_backend_is_where_the_rules_are() -> None:
    text = DUMP.read_text()
    assert linux.backend(text, 4) == "iptables"  # iptables-nft rules; nft shows them as managed
    assert linux.backend(text, 6) == "iptables"  # nothing anywhere: the same tool


@pytest.mark.parametrize(("family", "backend"), [(4, "iptables"), (6, "iptables"), (4, "nft")])
def test_apply_then_revert_is_exact(family: int, backend: str) -> None:
    text = DUMP.read_text()
    device = _device(_chain(family, backend))
    after = apply(text, device)
    assert after != text
    assert revert(after, device) == text


def test_the_jump_comes_first() -> None:
    after = apply(DUMP.read_text(), _device(_chain(4, "iptables")))
    rules = [ln for ln in _section(after, "iptables-save") if ln.startswith("-A FORWARD")]
    assert rules[0] == f"-A FORWARD -j {linux.CHAIN}"
    rules = [ln for ln in _section(after, "iptables-save") if ln.startswith("-A INPUT")]
    assert rules[0] == f"-A INPUT -j {linux.CHAIN}"


def _normal(lines: list[str]) -> list[str]:
    """iptables-save output without comments and counters."""
    return [re.sub(r" \[\d+:\d+\]$", " [0:0]", ln) for ln in lines if not ln.startswith("#")]


@pytest.mark.parametrize("family", [4, 6])
def test_commands_do_what_the_patched_dump_says(netns: str, family: int) -> None:
    save, restore = (
        ("iptables-save", "iptables-restore")
        if family == 4
        else ("ip6tables-save", "ip6tables-restore")
    )
    text = DUMP.read_text()
    original = "\n".join(_section(text, save)) + "\n"
    if "*filter" in original:
        assert run_in(netns, restore, stdin=original).returncode == 0
    device = _device(_chain(family, "iptables"))
    rendered = render(device)
    done = run_in(netns, "sh", "-euc", rendered.change)
    assert done.returncode == 0, done.stderr
    kernel = run_in(netns, save).stdout.splitlines()
    assert _normal(kernel) == _normal(_section(apply(text, device), save))
    back = run_in(netns, "sh", "-euc", rendered.rollback)
    assert back.returncode == 0, back.stderr
    chains = run_in(netns, save).stdout
    assert linux.CHAIN not in chains
    run_in(netns, f"{'ip6' if family == 6 else 'ip'}tables", "-F")


NFT_HOST = """table inet filter {
\tchain forward {
\t\ttype filter hook forward priority filter; policy drop;
\t\tct state established,related accept
\t}
}"""


def test_nft_commands_add_and_remove_our_table_only(netns: str) -> None:
    assert run_in(netns, "nft", "-f", "-", stdin=NFT_HOST).returncode == 0
    device = _device(_chain(4, "nft"))
    rendered = render(device)
    done = run_in(netns, "sh", "-euc", rendered.change)
    assert done.returncode == 0, done.stderr
    table = run_in(netns, "nft", "list", "table", "ip", linux.NFT_TABLE).stdout
    assert "hook forward" in table and "hook input" in table
    assert "ip daddr 10.0.0.0/16 drop" in table and "tcp dport 554 return" in table
    back = run_in(netns, "sh", "-euc", rendered.rollback)
    assert back.returncode == 0, back.stderr
    ruleset = run_in(netns, "nft", "list", "ruleset").stdout
    assert linux.NFT_TABLE not in ruleset and "table inet filter" in ruleset
    run_in(netns, "nft", "flush", "ruleset")


def test_a_chain_name_cannot_carry_a_command() -> None:
    with pytest.raises(ValueError, match="chain"):
        ChainChange.model_validate(
            {"family": 4, "backend": "iptables", "chain": "X; reboot", "entries": V4}
        )
