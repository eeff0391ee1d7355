"""Writing result folders atomically: everything goes to a temporary sibling folder first and
is renamed into place, so an interrupted run never leaves a half-written folder, and nothing
that exists is overwritten."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from agent.errors import InputError


def _fresh(target: Path) -> None:
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise InputError(
            "exists and is not an empty folder (nothing is overwritten)", where=str(target)
        )


def _publish(tmp: Path, target: Path) -> None:
    if target.exists():
        target.rmdir()  # empty, checked by _fresh
    os.replace(tmp, target)


def write_folder(target: Path, files: dict[str, str]) -> None:
    _fresh(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        for name, text in files.items():
            (tmp / name).write_text(text, encoding="utf-8")
        _publish(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def write_snapshot(source: Path, target: Path, texts: dict[str, str]) -> None:
    """A copy of the snapshot at ``source`` with the configuration files in ``texts`` (paths
    relative to the snapshot) replaced."""
    _fresh(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        shutil.copytree(source, tmp, dirs_exist_ok=True)
        for rel, text in texts.items():
            (tmp / rel).write_text(text, encoding="utf-8")
        _publish(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
