"""render(): the strict environment, the context check, and the templates folder lookup."""

from __future__ import annotations

import dataclasses
from ipaddress import ip_address, ip_network
from pathlib import Path

import pytest

from agent.errors import RenderError
from agent.render import Safe, check_context, render, templates_dir
from agent.render import environment as env_module
from agent.render.environment import environment


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "demo").mkdir()
    (tmp_path / "demo" / "ok.j2").write_text("{{ name }} {{ net | prefix }} {{ n }}\n")
    (tmp_path / "demo" / "undefined.j2").write_text("{{ missing }}\n")
    (tmp_path / "demo" / "control.j2").write_text("a\tb\n")
    (tmp_path / "demo" / "broken.j2").write_text("{% for %}\n")
    return tmp_path


def test_renders_safe_values(root: Path) -> None:
    ctx = {"name": Safe("X"), "net": ip_network("10.0.0.0/8"), "n": 3}
    assert render("demo", "ok", ctx, root=root) == "X 10.0.0.0/8 3\n"


@pytest.mark.parametrize(
    ("template", "why"),
    [
        ("nope", "no such template"),
        ("undefined", "'missing' is undefined"),
        ("control", "control or non-ASCII character"),
        ("broken", "broken.j2:1"),
    ],
)
def test_template_problems_are_render_errors(root: Path, template: str, why: str) -> None:
    with pytest.raises(RenderError, match=why):
        render("demo", template, {}, root=root)


@pytest.mark.parametrize("segment", ["../etc", "Demo", "", "a/b", "a b"])
def test_paths_outside_the_templates_folder_are_refused(root: Path, segment: str) -> None:
    with pytest.raises(RenderError, match="not a template folder or file name"):
        render(segment, "ok", {}, root=root)
    with pytest.raises(RenderError, match="not a template folder or file name"):
        render("demo", segment, {}, root=root)


@dataclasses.dataclass(frozen=True)
class Frozen:
    name: Safe
    items: tuple[int, ...]


@dataclasses.dataclass
class Loose:
    name: Safe


@pytest.mark.parametrize(
    "ctx",
    [
        {"a": Safe("x"), "b": 1, "c": True, "d": None, "e": ip_address("10.0.0.1")},
        {"a": [Safe("x"), (1, 2)], "b": {"k": Safe("v")}, "c": frozenset({1})},
        {"a": Frozen(Safe("x"), (1,))},
    ],
)
def test_context_check_accepts(ctx: dict[str, object]) -> None:
    check_context(ctx)


@pytest.mark.parametrize(
    ("ctx", "why"),
    [
        ({"a": "plain"}, "context.a: plain text"),
        ({"a": [Safe("ok"), "plain"]}, r"context.a\[1\]: plain text"),
        ({"a": {"bad key": 1}}, "is not an identifier"),
        ({"a": Loose(Safe("x"))}, "not a frozen dataclass"),
        ({"a": Frozen("plain", ())}, "context.a.name: plain text"),  # type: ignore[arg-type]
        ({"a": 1.5}, "a float cannot reach a template"),
        ({"a": Frozen}, "cannot reach a template"),
    ],
)
def test_context_check_refuses(ctx: dict[str, object], why: str) -> None:
    with pytest.raises(RenderError, match=why):
        check_context(ctx)


def test_templates_folder_is_found_next_to_the_package() -> None:
    assert templates_dir() == Path(__file__).resolve().parents[3] / "templates"
    assert environment(templates_dir()) is environment(templates_dir())  # built once


def test_missing_templates_folder_is_one_clear_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(env_module, "CANDIDATES", (tmp_path / "a", tmp_path / "b"))
    with pytest.raises(RenderError, match=r"templates folder not found .*pip install -e"):
        templates_dir()


def test_package_data_location_is_the_fallback(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "b").mkdir()
    monkeypatch.setattr(env_module, "CANDIDATES", (tmp_path / "a", tmp_path / "b"))
    assert templates_dir() == tmp_path / "b"
