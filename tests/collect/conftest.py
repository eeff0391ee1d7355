"""Fixtures for the collection tests: fake SSH devices from ``tests.collect.fakenet``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.collect.fakenet import CAMPUS, HERE, FakeNetwork, serve


@pytest.fixture(scope="session")
def fake_network(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FakeNetwork]:
    with serve(CAMPUS, tmp_path_factory.mktemp("fakenos"), extras=True) as network:
        yield network


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # netmiko 4.8 finds the ntc-templates folder with importlib.resources.path (deprecated)
    for item in items:
        if HERE in Path(str(item.fspath)).parents:
            item.add_marker(
                pytest.mark.filterwarnings("ignore:path is deprecated:DeprecationWarning")
            )
