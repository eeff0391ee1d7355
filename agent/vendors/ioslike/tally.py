"""Line accounting: every line of a configuration ends up understood, irrelevant or
unrecognised, exactly once.

Handlers mark lines as they go; a later, more careful decision may turn an understood line into
an unrecognised one (never the reverse). Lines no handler marked are reported as unrecognised
``other`` lines when the device is built, so a gap in the parser shows up instead of vanishing.
"""

from __future__ import annotations

from agent.models.device import LineCounts, Source, Unrecognized
from agent.vendors.ioslike.blocks import Node

UNSEEN, UNDERSTOOD, IRRELEVANT, UNRECOGNIZED = 0, 1, 2, 3


class Tally:
    """Per-line status plus the ``Unrecognized`` records of one file."""

    __slots__ = ("_records", "file", "status")

    def __init__(self, file: str, total: int) -> None:
        self.file = file
        self.status = bytearray(total + 1)
        self._records: dict[int, Unrecognized] = {}

    def source(self, node: Node) -> Source:
        return Source(file=self.file, line=node.line, text=node.text)

    def understood(self, node: Node) -> None:
        if self.status[node.line] != UNRECOGNIZED:
            self.status[node.line] = UNDERSTOOD

    def understood_tree(self, node: Node) -> None:
        for n in node.walk():
            self.understood(n)

    def irrelevant(self, node: Node) -> None:
        if self.status[node.line] != UNRECOGNIZED:
            self.status[node.line] = IRRELEVANT

    def irrelevant_line(self, line: int) -> None:
        self.status[line] = IRRELEVANT

    def irrelevant_tree(self, node: Node) -> None:
        for n in node.walk():
            self.irrelevant(n)

    def unrecognized(
        self,
        node: Node,
        context: str,
        scope: str | None = None,
        why: str = "unrecognised line",
        narrows: bool = False,
        relaxed: bool = False,
    ) -> None:
        """Record ``node`` as not understood (the first reason given wins)."""
        self.status[node.line] = UNRECOGNIZED
        if node.line not in self._records:
            self._records[node.line] = Unrecognized(
                file=self.file,
                line=node.line,
                text=node.text,
                context=context,
                scope=scope,
                why=why,
                narrows=narrows,
                relaxed=relaxed,
            )

    def unrecognized_tree(
        self,
        node: Node,
        context: str,
        scope: str | None = None,
        why: str = "unrecognised line",
        narrows: bool = False,
        relaxed: bool = False,
    ) -> None:
        for n in node.walk():
            self.unrecognized(n, context, scope, why, narrows, relaxed)

    def finish(self, lines: list[str]) -> tuple[list[Unrecognized], LineCounts]:
        """Close the books: unmarked lines become unrecognised; return records and counts."""
        counts = [0, 0, 0, 0]
        for lineno in range(1, len(self.status)):
            st = self.status[lineno]
            if st == UNSEEN:
                text = lines[lineno - 1].strip()
                self.unrecognized(
                    Node(lineno, text, 0), "other", None, "line not handled by the parser"
                )
                st = UNRECOGNIZED
            counts[st] += 1
        records = [self._records[k] for k in sorted(self._records)]
        return records, LineCounts(
            total=len(self.status) - 1,
            understood=counts[UNDERSTOOD],
            irrelevant=counts[IRRELEVANT],
            unrecognized=counts[UNRECOGNIZED],
        )
