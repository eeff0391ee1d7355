"""A ``linux`` configuration file (docs/linux-snapshot.md): sections, and the books every line of
it is accounted in.

The file is ``# segproof linux dump v1`` then, per command, ``#### segproof-section: <command>``
and the command's answer (or one ``#### segproof-unavailable: <what the shell said>`` line).
Sections are found by their header, never by their order. A file without the first line is
read as one bare ruleset (``iptables-save`` or ``nft list ruleset`` output): everything else
about that host is then unknown.
"""

from __future__ import annotations

from dataclasses import dataclass

from agent.models.device import LineCounts, Source, Unrecognized
from agent.models.snapshot import SECTION, UNAVAILABLE

HEADER = "# segproof linux dump v1"  # agent/vendors/linux/collect.yaml `header` writes it

# commands the parser reads, by canonical form (``-p``, pretty printing, is optional)
HOSTNAME = "hostname"
LINK = "ip -d -j link"
ADDR = "ip -j addr"
ROUTE4 = "ip -4 -j route show table all"
ROUTE6 = "ip -6 -j route show table all"
RULE4 = "ip -4 -j rule"
RULE6 = "ip -6 -j rule"
IPTABLES = "iptables-save"
IP6TABLES = "ip6tables-save"
IPTABLES_LEGACY = "iptables-legacy-save"
IP6TABLES_LEGACY = "ip6tables-legacy-save"
NFT = "nft list ruleset"
IPSET = "ipset save"
KNOWN = (
    HOSTNAME,
    LINK,
    ADDR,
    ROUTE4,
    ROUTE6,
    RULE4,
    RULE6,
    IPTABLES,
    IP6TABLES,
    IPTABLES_LEGACY,
    IP6TABLES_LEGACY,
    NFT,
    IPSET,
)


@dataclass(frozen=True, slots=True)
class Line:
    no: int  # 1-based line number in the file
    text: str


@dataclass(slots=True)
class Section:
    command: str  # as written in the header
    header: Line
    body: list[Line]
    unavailable: str | None = None  # what the shell said instead of an answer

    @property
    def key(self) -> str:
        return canonical(self.command)


def canonical(command: str) -> str:
    words = [w for w in command.split() if w != "-p"]
    return " ".join(words) if not command.startswith("sysctl") else "sysctl"


def split(lines: list[str]) -> tuple[bool, list[Line], list[Section]]:
    """(has the dump header, lines before the first section, sections in file order)."""
    has_header = bool(lines) and lines[0].strip() == HEADER
    preamble: list[Line] = []
    sections: list[Section] = []
    for no, text in enumerate(lines, start=1):
        if text.startswith(SECTION):
            sections.append(Section(text[len(SECTION) :].strip(), Line(no, text), []))
        elif sections:
            current = sections[-1]
            if text.startswith(UNAVAILABLE) and not current.body:
                current.unavailable = text[len(UNAVAILABLE) :].strip()
            current.body.append(Line(no, text))
        else:
            preamble.append(Line(no, text))
    return has_header, preamble, sections


UNSEEN, IRRELEVANT, UNDERSTOOD, UNRECOGNIZED = 0, 1, 2, 3


class Books:
    """Per-line status (the strongest claim wins: unrecognised over understood over
    irrelevant) and the ``Unrecognized`` records. One line may carry several records (a rule
    shared by the filters of several interfaces has one per filter it makes uncertain); it is
    counted once."""

    __slots__ = ("_records", "_seen", "file", "status", "texts")

    def __init__(self, file: str, lines: list[str]) -> None:
        self.file = file
        self.texts = lines
        self.status = bytearray(len(lines) + 1)
        self._records: list[Unrecognized] = []
        self._seen: set[tuple[int, str, str | None]] = set()

    def source(self, line: int, text: str | None = None) -> Source:
        return Source(
            file=self.file, line=line, text=self.texts[line - 1].strip() if text is None else text
        )

    def mark(self, line: int, status: int) -> None:
        self.status[line] = max(self.status[line], status)

    def understood(self, *lines: int) -> None:
        for line in lines:
            self.mark(line, UNDERSTOOD)

    def irrelevant(self, *lines: int) -> None:
        for line in lines:
            self.mark(line, IRRELEVANT)

    def span(self, first: int, last: int, status: int) -> None:
        for line in range(first, last + 1):
            self.mark(line, status)

    def unrecognized(
        self,
        line: int,
        context: str,
        scope: str | None = None,
        why: str = "unrecognised line",
        text: str | None = None,
        narrows: bool = False,
        relaxed: bool = False,
    ) -> None:
        """Record ``line`` as not understood (once per context and scope)."""
        self.mark(line, UNRECOGNIZED)
        key = (line, context, scope)
        if key in self._seen:
            return
        self._seen.add(key)
        self._records.append(
            Unrecognized(
                file=self.file,
                line=line,
                text=self.texts[line - 1].strip() if text is None else text,
                context=context,
                scope=scope,
                why=why,
                narrows=narrows,
                relaxed=relaxed,
            )
        )

    def finish(self) -> tuple[list[Unrecognized], LineCounts]:
        """Close the books. A line no stage claimed is a gap in the parser: unrecognised."""
        counts = [0, 0, 0, 0]
        for line in range(1, len(self.status)):
            if self.status[line] == UNSEEN:
                self.unrecognized(line, "other", None, "line not handled by the parser")
            counts[self.status[line]] += 1
        records = sorted(self._records, key=lambda u: (u.line, u.context, u.scope or ""))
        return records, LineCounts(
            total=len(self.status) - 1,
            understood=counts[UNDERSTOOD],
            irrelevant=counts[IRRELEVANT],
            unrecognized=counts[UNRECOGNIZED],
        )
