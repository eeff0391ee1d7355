"""Access lists: numbered (``access-list N ...``), named (``ip access-list [standard|extended]
NAME``, ``ipv6 access-list NAME``) and the EOS forms, built into the model's ``Acl``.

Sequence numbers: an entry without one gets the highest number used so far plus 10 (the first
is 10), as IOS assigns them; rules are sorted by sequence number when the ACL is finished. A
repeated sequence number is rejected by the device, so the later entry is reported and dropped.
Remarks are understood (not rules); ``statistics``/``counters per-entry`` and ``no N`` are
irrelevant. See ``acl.py`` for the treatment of unmodelled match conditions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from agent.models.device import Acl, AclRule, Source
from agent.vendors.ioslike.acl import AceError, parse_entry
from agent.vendors.ioslike.blocks import Node
from agent.vendors.ioslike.objgroup import ObjectGroups
from agent.vendors.ioslike.tally import Tally

Kind = Literal["standard", "extended"]


@dataclass(slots=True)
class AclDraft:
    name: str
    family: Literal[4, 6]
    kind: Kind
    src: Source
    rules: list[AclRule] = field(default_factory=list)
    seqs: set[int] = field(default_factory=set)
    top: int = 0


def numbered_kind(number: str) -> Kind | None:
    """Kind of an IOS numbered IPv4 ACL, or ``None`` for other ACL types (MAC, protocol ...)."""
    if not number.isdigit():
        return None
    n = int(number)
    if 1 <= n <= 99 or 1300 <= n <= 1999:
        return "standard"
    if 100 <= n <= 199 or 2000 <= n <= 2699:
        return "extended"
    return None


class AclBook:
    """Collects ACL definitions of one device."""

    def __init__(self, tally: Tally, groups: ObjectGroups) -> None:
        self.tally = tally
        self.groups = groups
        self.v4: dict[str, AclDraft] = {}
        self.v6: dict[str, AclDraft] = {}

    def _draft(self, name: str, family: Literal[4, 6], kind: Kind, node: Node) -> AclDraft:
        table = self.v4 if family == 4 else self.v6
        draft = table.get(name)
        if draft is None:
            draft = AclDraft(name, family, kind, self.tally.source(node))
            table[name] = draft
        return draft

    def numbered(self, node: Node, words: list[str]) -> None:
        """A top-level ``access-list N ...`` line (``words`` = its tokens)."""
        kind = numbered_kind(words[1]) if len(words) > 2 else None
        if kind is None:
            self.tally.unrecognized_tree(
                node, "acl", words[1] if len(words) > 1 else None, "access-list type not modelled"
            )
            return
        draft = self._draft(words[1], 4, kind, node)
        if words[2] == "remark":
            self.tally.understood_tree(node)
            return
        self.entry(draft, node, words[2:])

    def named(self, node: Node, name: str, family: Literal[4, 6], kind: Kind) -> None:
        """An ``ip access-list ... NAME`` / ``ipv6 access-list NAME`` block."""
        draft = self._draft(name, family, kind, node)
        self.tally.understood(node)
        tally = self.tally
        for child in node.children:
            words = child.text.split()
            head = words[1] if words[0].isdigit() and len(words) > 1 else words[0]
            if head == "remark":
                tally.understood_tree(child)
            elif head in ("statistics", "counters", "no") or (
                words[0] == "sequence" and len(words) == 2
            ):
                tally.irrelevant_tree(child)
            else:
                self.entry(draft, child, words)

    def entry(self, draft: AclDraft, node: Node, words: list[str]) -> None:
        tally = self.tally
        groups = self.groups
        try:
            ace = parse_entry(
                words,
                draft.family,
                standard=draft.kind == "standard",
                nets=groups.network,
                svcs=groups.service,
                taint=groups.is_tainted,
            )
        except AceError as exc:
            why = str(exc)
            if why.startswith(("unexpected token", "missing", "unknown")):
                why = f"unrecognised ACL entry: {why}"
            tally.unrecognized_tree(node, "acl", draft.name, why)
            return
        seq = ace.seq if ace.seq is not None else draft.top + 10
        if seq in draft.seqs:
            tally.unrecognized_tree(node, "acl", draft.name, "duplicate sequence number")
            return
        draft.seqs.add(seq)
        draft.top = max(draft.top, seq)
        if ace.unmodelled:
            tally.unrecognized_tree(
                node,
                "acl",
                draft.name,
                f"unmodelled match condition: {', '.join(ace.unmodelled)}",
                narrows=ace.action == "deny",  # left out below
                relaxed=ace.action == "permit",  # kept without the condition: broader
            )
            if ace.action == "deny":
                return  # a narrower deny cannot be over-approximated: leave it out
        elif ace.tainted:
            tally.unrecognized_tree(
                node,
                "acl",
                draft.name,
                f"object-group {', '.join(ace.tainted)} has unrecognised members",
            )
        else:
            tally.understood_tree(node)
        draft.rules.append(
            AclRule(
                seq=seq,
                action=ace.action,
                src=ace.src,
                dst=ace.dst,
                services=ace.services,
                fragments=ace.fragments,
                src_ref=tally.source(node),
            )
        )

    def finish(self) -> tuple[dict[str, Acl], dict[str, Acl]]:
        def build(table: dict[str, AclDraft]) -> dict[str, Acl]:
            return {
                name: Acl(
                    name=name,
                    family=d.family,
                    kind=d.kind,
                    rules=sorted(d.rules, key=lambda r: r.seq or 0),
                    src=d.src,
                )
                for name, d in table.items()
            }

        return build(self.v4), build(self.v6)
