"""Fixtures for the IOS-style vendor tests: the platform vendors and the Batfish corpus."""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from agent.vendors.base import Vendor

REPO = Path(__file__).resolve().parent.parent.parent


def load_vendor(platform: str) -> Vendor:
    """The ``Vendor`` of ``platform`` from its own module (no registry side effects)."""
    module = importlib.import_module(f"agent.vendors.{platform}")
    found: Vendor = module.VENDORS[0]
    return found


@pytest.fixture
def vendor() -> Callable[[str], Vendor]:
    return load_vendor


def shared_dir() -> Path | None:
    """``$SEGPROOF_SHARED`` or the ``shared`` folder next to the repository, if present."""
    env = os.environ.get("SEGPROOF_SHARED")
    for candidate in (Path(env) if env else None, REPO.parent / "shared"):
        if candidate is not None and candidate.is_dir():
            return candidate
    return None


@pytest.fixture
def corpus() -> Path:
    """The Batfish corpus folder, or skip with the reason."""
    shared = shared_dir()
    if shared is None or not (shared / "batfish-corpus").is_dir():
        pytest.skip("shared/batfish-corpus not found (set SEGPROOF_SHARED to the shared folder)")
    return shared / "batfish-corpus"
