"""JSON with line numbers: ``ip -j`` answers are read so every interface, address and route can
cite the line it starts on.

``parse`` returns plain values, except objects (``Obj``, a ``dict``) and arrays (``Arr``, a
``list``), which also know the first and last line they span and the line of each key.
"""

from __future__ import annotations

import bisect
import json
import re

from agent.vendors.linux.dump import Line

_STRING = re.compile(r'"(?:[^"\\\x00-\x1f]|\\.)*"')
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?")
_WORDS = {"true": True, "false": False, "null": None}


class Obj(dict[str, object]):
    first: int
    last: int
    key_line: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_line.get(key, self.first)


class Arr(list[object]):
    first: int
    last: int


class JsonError(ValueError):
    def __init__(self, line: int, message: str) -> None:
        self.line = line
        super().__init__(message)


def parse(body: list[Line]) -> object:
    """The one JSON value the lines hold (``JsonError`` with its line otherwise)."""
    if not body:
        raise JsonError(0, "empty answer")
    text = "\n".join(line.text for line in body)
    starts = [0]
    for line in body[:-1]:
        starts.append(starts[-1] + len(line.text) + 1)
    numbers = [line.no for line in body]
    reader = _Reader(text, starts, numbers)
    value = reader.value()
    reader.skip()
    if reader.pos != len(text):
        raise JsonError(reader.line(), "text after the JSON value")
    return value


class _Reader:
    __slots__ = ("numbers", "pos", "starts", "text")

    def __init__(self, text: str, starts: list[int], numbers: list[int]) -> None:
        self.text = text
        self.starts = starts
        self.numbers = numbers
        self.pos = 0

    def line(self, pos: int | None = None) -> int:
        at = self.pos if pos is None else pos
        return self.numbers[bisect.bisect_right(self.starts, at) - 1]

    def skip(self) -> None:
        text, n = self.text, len(self.text)
        while self.pos < n and text[self.pos] in " \t\r\n":
            self.pos += 1

    def fail(self, message: str) -> JsonError:
        return JsonError(self.line(min(self.pos, len(self.text) - 1)), message)

    def value(self) -> object:
        self.skip()
        if self.pos >= len(self.text):
            raise self.fail("unexpected end of the answer")
        ch = self.text[self.pos]
        if ch == "{":
            return self.obj()
        if ch == "[":
            return self.arr()
        if ch == '"':
            return self.string()
        for word, value in _WORDS.items():
            if self.text.startswith(word, self.pos):
                self.pos += len(word)
                return value
        match = _NUMBER.match(self.text, self.pos)
        if match is None:
            raise self.fail(f"unexpected {ch!r}")
        self.pos = match.end()
        number = match.group()
        return float(number) if any(c in number for c in ".eE") else int(number)

    def string(self) -> str:
        match = _STRING.match(self.text, self.pos)
        if match is None:
            raise self.fail("unterminated string")
        try:
            value = json.loads(match.group())
        except ValueError as exc:
            raise self.fail(f"bad string: {exc}") from exc
        self.pos = match.end()
        return str(value)

    def obj(self) -> Obj:
        out = Obj()
        out.first, out.key_line = self.line(), {}
        self.pos += 1
        self.skip()
        if self.text.startswith("}", self.pos):
            self.pos += 1
            out.last = self.line(self.pos - 1)
            return out
        while True:
            self.skip()
            if not self.text.startswith('"', self.pos):
                raise self.fail("expected a key")
            key_line = self.line()
            key = self.string()
            self.skip()
            if not self.text.startswith(":", self.pos):
                raise self.fail("expected ':'")
            self.pos += 1
            out[key] = self.value()
            out.key_line[key] = key_line
            self.skip()
            if self.text.startswith(",", self.pos):
                self.pos += 1
                continue
            if self.text.startswith("}", self.pos):
                self.pos += 1
                out.last = self.line(self.pos - 1)
                return out
            raise self.fail("expected ',' or '}'")

    def arr(self) -> Arr:
        out = Arr()
        out.first = self.line()
        self.pos += 1
        self.skip()
        if self.text.startswith("]", self.pos):
            self.pos += 1
            out.last = self.line(self.pos - 1)
            return out
        while True:
            out.append(self.value())
            self.skip()
            if self.text.startswith(",", self.pos):
                self.pos += 1
                continue
            if self.text.startswith("]", self.pos):
                self.pos += 1
                out.last = self.line(self.pos - 1)
                return out
            raise self.fail("expected ',' or ']'")


def objects(value: object) -> list[Obj]:
    """The objects of a top-level array (``ip -j`` answers); others are left out."""
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, Obj)]


def text(obj: Obj, key: str, default: str = "") -> str:
    value = obj.get(key)
    return value if isinstance(value, str) else default


def strings(obj: Obj, key: str) -> list[str]:
    value = obj.get(key)
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []
