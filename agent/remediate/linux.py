"""Linux remediation: a chain of our own, first in FORWARD and INPUT.

The allowed exceptions ``RETURN`` to the host's own rules (nothing is widened), camera -> core
is dropped. The same plan gives the commands (``iptables``/``ip6tables`` or ``nft``), their
rollback, and the dump after the change (``apply``/``revert`` patch the sections of the Linux
dump, docs/linux-snapshot.md), which is parsed and verified again like any configuration.

Backends: the family's ruleset in ``iptables-save`` (iptables-nft), else in
``iptables-legacy-save``, else an nft table of the host's own: the chain goes where the host's
rules are. With nft the change is a table of ours (``table ip segproof``) whose base chains run
at priority -10, before the host's (priority 0): a drop there is final, a return (policy accept)
hands the packet on to the host's own chains.
"""

from __future__ import annotations

import ipaddress
from typing import Literal

from agent.models.plan import ChainChange, Entry
from agent.vendors.linux import dump

CHAIN = "SEGPROOF-CAMERAS"
NFT_TABLE = "segproof"
Backend = Literal["iptables", "iptables-legacy", "nft"]
_SAVE = {
    ("iptables", 4): dump.IPTABLES,
    ("iptables", 6): dump.IP6TABLES,
    ("iptables-legacy", 4): dump.IPTABLES_LEGACY,
    ("iptables-legacy", 6): dump.IP6TABLES_LEGACY,
}
_TOOL = {
    ("iptables", 4): "iptables",
    ("iptables", 6): "ip6tables",
    ("iptables-legacy", 4): "iptables-legacy",
    ("iptables-legacy", 6): "ip6tables-legacy",
}
_SKELETON = ["*filter", ":INPUT ACCEPT [0:0]", ":FORWARD ACCEPT [0:0]", ":OUTPUT ACCEPT [0:0]"]
_PROTO = {6: "tcp", 17: "udp", 132: "sctp"}


# -- sections of the dump ----------------------------------------------------------------------


def _sections(lines: list[str]) -> dict[str, dump.Section]:
    """The dump's sections by canonical command, read by the Linux parser's own reader."""
    return {sec.key: sec for sec in dump.split(lines)[2]}


def _section(lines: list[str], key: str) -> tuple[int, int] | None:
    """(header index, end index) of the section of canonical command ``key``."""
    found = _sections(lines).get(key)
    if found is None:
        return None
    return found.header.no - 1, found.body[-1].no if found.body else found.header.no


def _body(sections: dict[str, dump.Section], key: str) -> list[str] | None:
    """The section's lines; None when the device lacks the command or the section."""
    found = sections.get(key)
    if found is None or found.unavailable is not None:
        return None
    return [line.text for line in found.body]


def _has_rules(body: list[str] | None) -> bool:
    if not body:
        return False
    in_filter = False
    for line in body:
        if line.startswith("*"):
            in_filter = line == "*filter"
        elif in_filter and _restricts(line):
            return True
    return False


def _restricts(line: str) -> bool:
    """A rule, or a built-in chain whose policy is not ACCEPT."""
    if line.startswith("-A "):
        return True
    return line.startswith((":INPUT ", ":FORWARD ")) and "ACCEPT" not in line


def _nft_families(body: list[str] | None) -> set[int]:
    """Families for which the host has nft tables of its own (not iptables-nft's)."""
    out: set[int] = set()
    managed = False
    family: set[int] = set()
    for line in body or []:
        if line.startswith("# Warning: table ") and "iptables-nft" in line:
            managed = True
            continue
        if line.startswith("table "):
            kind = line.split()[1]
            family = {"ip": {4}, "ip6": {6}, "inet": {4, 6}}.get(kind, set())
            if managed:
                family = set()
            managed = False
        elif ("hook forward" in line or "hook input" in line) and family:
            out |= family
    return out


def backend(text: str, family: int) -> Backend | None:
    """Where this device keeps its rules for ``family``; None: no usable tool."""
    sections = _sections(text.splitlines())
    current = _body(sections, _SAVE[("iptables", family)])
    if _has_rules(current):
        return "iptables"
    if _has_rules(_body(sections, _SAVE[("iptables-legacy", family)])):
        return "iptables-legacy"
    nft = _body(sections, dump.NFT)
    if family in _nft_families(nft):
        return "nft"
    if current is not None:
        return "iptables"
    return "nft" if nft is not None else None


def has_chain(text: str) -> bool:
    return (
        f":{CHAIN} " in text
        or f"table ip {NFT_TABLE} " in text
        or (f"table ip6 {NFT_TABLE} " in text)
    )


# -- rule text ---------------------------------------------------------------------------------


def _prefix(text: str) -> str:
    return str(ipaddress.ip_network(text, strict=False))


def iptables_match(entry: Entry) -> str:
    """``-s 10.20.0.11/32 -d 10.30.0.10/32 -p tcp -m tcp --dport 554``, in the form
    ``iptables-save`` prints (so the patched dump is what the device shows afterwards)."""
    parts = ["-s", _prefix(entry.src), "-d", _prefix(entry.dst)]
    family = ipaddress.ip_network(entry.src, strict=False).version
    if entry.protocol in (1, 58):
        parts += ["-p", "icmp" if family == 4 else "ipv6-icmp"]
        if entry.icmp_type is not None:
            module, flag = ("icmp", "--icmp-type") if family == 4 else ("icmp6", "--icmpv6-type")
            code = f"/{entry.icmp_code}" if entry.icmp_code is not None else ""
            parts += ["-m", module, flag, f"{entry.icmp_type}{code}"]
    elif entry.protocol is not None:
        name = _PROTO.get(entry.protocol, str(entry.protocol))
        parts += ["-p", name]
        ports = [
            (f, s) for f, s in (("--sport", entry.src_ports), ("--dport", entry.dst_ports)) if s
        ]
        if ports:
            parts += ["-m", name]
        for flag, (lo, hi) in ports:
            parts += [flag, str(lo) if lo == hi else f"{lo}:{hi}"]
    return " ".join(parts)


def nft_match(entry: Entry) -> str:
    """``ip saddr 10.20.0.11 ip daddr 10.30.0.10 tcp dport 554``."""
    family = ipaddress.ip_network(entry.src, strict=False).version
    word = "ip" if family == 4 else "ip6"
    parts = [f"{word} saddr {_prefix(entry.src)}", f"{word} daddr {_prefix(entry.dst)}"]
    if entry.protocol in (1, 58):
        icmp = "icmp" if family == 4 else "icmpv6"
        if entry.icmp_type is None:
            parts.append(f"meta l4proto {icmp}")
        else:
            parts.append(f"{icmp} type {entry.icmp_type}")
            if entry.icmp_code is not None:
                parts.append(f"{icmp} code {entry.icmp_code}")
    elif entry.protocol is not None:
        name = _PROTO.get(entry.protocol)
        ports = [(k, s) for k, s in (("sport", entry.src_ports), ("dport", entry.dst_ports)) if s]
        if name and ports:
            for kind, (lo, hi) in ports:
                parts.append(f"{name} {kind} {lo}" if lo == hi else f"{name} {kind} {lo}-{hi}")
        else:
            parts.append(f"meta l4proto {name or entry.protocol}")
    return " ".join(parts)


def _verdict(entry: Entry, nft: bool) -> str:
    if nft:
        return "return" if entry.action == "permit" else "drop"
    return "RETURN" if entry.action == "permit" else "DROP"


def iptables_lines(change: ChainChange) -> list[str]:
    """The chain's rules as ``iptables-save`` prints them."""
    return [
        f"-A {change.chain} {iptables_match(e)} -j {_verdict(e, False)}" for e in change.entries
    ]


def nft_table(change: ChainChange, indent: str = "\t") -> list[str]:
    """Our table, indented as ``nft list ruleset`` prints it (tabs) or for a shell (spaces)."""
    kind = "ip" if change.family == 4 else "ip6"
    rules = [f"{indent * 2}{nft_match(e)} {_verdict(e, True)}" for e in change.entries]
    out = [f"table {kind} {NFT_TABLE} {{"]
    for hook in change.hooks:
        name = hook.lower()
        out += [
            f"{indent}chain {name} {{",
            f"{indent * 2}type filter hook {name} priority -10; policy accept;",
            *rules,
            f"{indent}}}",
        ]
    return [*out, "}"]


# -- the dump after the change -------------------------------------------------------------------


def _added_iptables(change: ChainChange) -> tuple[str, list[str], list[str]]:
    declaration = f":{change.chain} - [0:0]"
    jumps = [f"-A {hook} -j {change.chain}" for hook in change.hooks]
    return declaration, jumps, iptables_lines(change)


def apply(lines: list[str], change: ChainChange) -> list[str]:
    if change.backend == "nft":
        span = _section(lines, dump.NFT)
        assert span is not None
        return [*lines[: span[1]], *nft_table(change), *lines[span[1] :]]
    span = _section(lines, _SAVE[(change.backend, change.family)])
    assert span is not None
    start, end = span
    body = lines[start + 1 : end]
    if "*filter" not in body:
        body = [*body, *_SKELETON, "COMMIT"]
    f = body.index("*filter")
    commit = body.index("COMMIT", f)
    declaration, jumps, rules = _added_iptables(change)
    last_decl = max(i for i in range(f, commit) if body[i].startswith((":", "*filter")))
    body.insert(last_decl + 1, declaration)
    commit += 1
    for hook, jump in zip(change.hooks, jumps, strict=True):
        first = next((i for i in range(f, commit) if body[i].startswith(f"-A {hook} ")), commit)
        body.insert(first, jump)
        commit += 1
    body[commit:commit] = rules
    commit += len(rules)
    # iptables-save prints the rules chain by chain, in the order the chains are declared
    order = [ln[1:].split()[0] for ln in body[f:commit] if ln.startswith(":")]
    appended = [ln for ln in body[f:commit] if ln.startswith("-A ")]
    appended.sort(key=lambda ln: order.index(ln.split()[1]) if ln.split()[1] in order else 0)
    head = [ln for ln in body[f:commit] if not ln.startswith("-A ")]
    body[f:commit] = head + appended
    return [*lines[: start + 1], *body, *lines[end:]]


def revert(lines: list[str], change: ChainChange) -> list[str]:
    if change.backend == "nft":
        table = nft_table(change)
        for i in range(len(lines) - len(table) + 1):
            if lines[i : i + len(table)] == table:
                return [*lines[:i], *lines[i + len(table) :]]
        return lines
    span = _section(lines, _SAVE[(change.backend, change.family)])
    assert span is not None
    start, end = span
    body = lines[start + 1 : end]
    declaration, jumps, rules = _added_iptables(change)
    for line in [declaration, *jumps, *rules]:
        if line in body:
            body.remove(line)
    # a filter table we created (the family had none) goes again
    tail = [*_SKELETON, "COMMIT"]
    if body[-len(tail) :] == tail and body.count("*filter") == 1:
        body = body[: -len(tail)]
    return [*lines[: start + 1], *body, *lines[end:]]


# -- commands ----------------------------------------------------------------------------------


def commands(change: ChainChange) -> tuple[list[str], list[str]]:
    """(change, rollback) command lines for a root shell."""
    if change.backend == "nft":
        kind = "ip" if change.family == 4 else "ip6"
        body = nft_table(change, "    ")
        return (
            ["nft -f - <<'SEGPROOF'", *body, "SEGPROOF"],
            [f"nft delete table {kind} {NFT_TABLE}"],
        )
    tool = _TOOL[(change.backend, change.family)]
    forward = [f"{tool} -w -N {change.chain}"]
    forward += [f"{tool} -w {line}" for line in iptables_lines(change)]
    forward += [f"{tool} -w -I {hook} 1 -j {change.chain}" for hook in reversed(change.hooks)]
    back = [f"{tool} -w -D {hook} -j {change.chain}" for hook in change.hooks]
    back += [f"{tool} -w -F {change.chain}", f"{tool} -w -X {change.chain}"]
    return forward, back
