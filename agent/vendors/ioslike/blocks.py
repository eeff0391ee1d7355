"""Split IOS-style configuration text into blocks.

A block is a line and the more-indented lines that follow it (recursively). Blank lines and
``!`` comments are not part of the tree; their line numbers are returned separately so the
parser can count them as irrelevant. Banners (``banner motd ^C ... ^C`` on IOS, ``banner
login`` ... ``EOF`` on EOS) and IOS ``macro name`` bodies become one node whose children are the
body lines, so the whole banner is accounted for as one irrelevant block. A banner whose closing
delimiter never comes is flagged (``Node.ok`` false) and does not swallow the rest of the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from agent.errors import ParseError


@dataclass(slots=True)
class Node:
    """One configuration line (1-based ``line``, stripped ``text``) and its sub-lines."""

    line: int
    text: str
    indent: int
    children: list[Node] = field(default_factory=list)
    ok: bool = True

    def walk(self) -> list[Node]:
        """This node and every descendant, in file order."""
        out = [self]
        for child in self.children:
            out.extend(child.walk())
        return out


@dataclass(slots=True)
class Split:
    nodes: list[Node]
    comments: list[int]  # blank and ``!`` lines
    lines: list[str]

    @property
    def total(self) -> int:
        return len(self.lines)


def split_lines(text: str, platform: str, file: str) -> list[str]:
    """The lines of ``text`` (``\\n`` or ``\\r\\n``); binary input raises ``ParseError``."""
    nul = text.find("\x00")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        raise ParseError(platform, file, line, "binary data (NUL byte) in configuration text")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [ln[:-1] if ln.endswith("\r") else ln for ln in lines]


def _banner_end(rest: str) -> tuple[str, bool]:
    """Delimiter of a banner and whether it closes on its own line."""
    if rest.startswith("^C"):
        delim, body = "^C", rest[2:]
    else:
        delim, body = rest[0], rest[1:]
    return delim, delim in body


def split(text: str, platform: str, file: str) -> Split:
    """Build the block tree of ``text``."""
    lines = split_lines(text, platform, file)
    roots: list[Node] = []
    comments: list[int] = []
    stack: list[Node] = []
    i, n = 0, len(lines)
    while i < n:
        raw = lines[i]
        stripped = raw.strip()
        lineno = i + 1
        i += 1
        if not stripped or stripped[0] == "!":
            comments.append(lineno)
            continue
        indent = len(raw) - len(raw.lstrip())
        node = Node(lineno, stripped, indent)
        while stack and stack[-1].indent >= indent:
            stack.pop()
        (stack[-1].children if stack else roots).append(node)
        stack.append(node)
        if indent == 0 and (stripped.startswith(("banner ", "macro name "))):
            i = _absorb_body(node, lines, i)
    return Split(roots, comments, lines)


def _absorb_body(node: Node, lines: list[str], i: int) -> int:
    """Attach the body lines of a banner or macro to ``node``; return the next line index."""
    words = node.text.split(None, 2)
    if words[0] == "macro":
        end_line: str | None = "@"
        delim = None
    elif len(words) < 3:  # EOS: ``banner motd`` then lines up to ``EOF``
        end_line, delim = "EOF", None
    else:
        delim, closed = _banner_end(words[2])
        if closed:
            return i
        end_line = None
    j = i
    while j < len(lines):
        body = lines[j]
        if (end_line is not None and body.strip() == end_line) or (
            delim is not None and delim in body
        ):
            for k in range(i, j + 1):
                node.children.append(Node(k + 1, lines[k].strip(), 1))
            return j + 1
        j += 1
    node.ok = False  # never closed: leave the following lines to the normal parser
    return i
