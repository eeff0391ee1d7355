"""``render(platform, template, context)``: the one jinja2 environment every renderer shares.

Templates live in ``templates/<platform>/<template>.j2`` next to the ``agent`` package (a source
checkout or an editable install). A wheel must ship that folder as ``agent/templates`` (package
data), which is looked at second. Rendering is strict: an undefined variable, a missing template,
or a context value that is not ``Safe`` text, an int, a bool, an ``ipaddress`` object, a frozen
dataclass or a container of those is a ``RenderError``; so is output with a control character.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from functools import lru_cache
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network
from pathlib import Path

import jinja2

import agent
from agent.errors import RenderError
from agent.render.filters import FILTERS
from agent.render.safety import Safe

_PACKAGE = Path(agent.__file__).resolve().parent
CANDIDATES = (_PACKAGE.parent / "templates", _PACKAGE / "templates")
_SEGMENT = re.compile(r"[a-z0-9][a-z0-9_-]*")
_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_LEAVES = (Safe, bool, int, type(None), IPv4Network, IPv6Network, IPv4Address, IPv6Address)
_OUTPUT_OK = re.compile(r"[\x20-\x7e\n]*")


def templates_dir() -> Path:
    """The first existing candidate folder (source tree first, then package data)."""
    for path in CANDIDATES:
        if path.is_dir():
            return path
    raise RenderError(
        "templates folder not found (looked in "
        + ", ".join(str(p) for p in CANDIDATES)
        + "): run segproof from a source checkout or an editable install (pip install -e .)"
    )


@lru_cache(maxsize=4)
def environment(root: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(root)),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(FILTERS)
    return env


def check_context(value: object, path: str = "context") -> None:
    """Raise ``RenderError`` unless every leaf of ``value`` is safe to put in a template."""
    if isinstance(value, str) and not isinstance(value, Safe):
        raise RenderError(
            f"{path}: plain text {value[:40]!r} reached a template; pass it through "
            "validate_name or safe_text first"
        )
    if isinstance(value, _LEAVES):
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str) or not _KEY.fullmatch(key):
                raise RenderError(f"{path}: key {key!r} is not an identifier")
            check_context(item, f"{path}.{key}")
        return
    if isinstance(value, list | tuple | frozenset):
        for index, item in enumerate(value):
            check_context(item, f"{path}[{index}]")
        return
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        params = getattr(type(value), "__dataclass_params__", None)
        if params is None or not params.frozen:
            raise RenderError(f"{path}: {type(value).__name__} is not a frozen dataclass")
        for field in dataclasses.fields(value):
            check_context(getattr(value, field.name), f"{path}.{field.name}")
        return
    raise RenderError(f"{path}: a {type(value).__name__} cannot reach a template")


def render(
    platform: str,
    template: str,
    context: Mapping[str, object],
    *,
    root: Path | None = None,
) -> str:
    """Render ``templates/<platform>/<template>.j2`` with ``context`` (checked first)."""
    for what, segment in (("platform", platform), ("template", template)):
        if not isinstance(segment, str) or not _SEGMENT.fullmatch(segment):
            raise RenderError(f"{what} {segment!r} is not a template folder or file name")
    check_context(context)
    where = f"templates/{platform}/{template}.j2"
    env = environment(root or templates_dir())
    try:
        text = env.get_template(f"{platform}/{template}.j2").render(**context)
    except jinja2.TemplateNotFound as exc:
        raise RenderError(
            f"{where}: no such template ({platform} cannot render {template})"
        ) from exc
    except jinja2.UndefinedError as exc:
        raise RenderError(f"{where}: {exc.message}") from exc
    except jinja2.TemplateSyntaxError as exc:
        raise RenderError(f"{where}:{exc.lineno}: {exc.message}") from exc
    if not _OUTPUT_OK.fullmatch(text):
        bad = next(c for c in text if not ("\x20" <= c <= "\x7e" or c == "\n"))
        raise RenderError(f"{where}: output contains the control or non-ASCII character {bad!r}")
    return text
