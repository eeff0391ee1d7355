"""TextFSM rows to NAPALM-shaped MAC entries: the static flag of every platform's wording."""

from __future__ import annotations

import pytest

from agent.collect.shape import _mac

FIELDS = {"mac": "mac", "type": "type", "vlan": "vlan", "interface": "port"}


@pytest.mark.parametrize(
    ("kind", "static"),
    [
        ("STATIC", True),
        ("static", True),
        ("S", True),
        ("DYNAMIC", False),
        ("D", False),
        ("", False),
    ],
)
def test_static_flag(kind: str, static: bool) -> None:
    row = {"mac": "0011.2233.4455", "type": kind, "vlan": "20", "port": ["Gi1/0/1"]}
    (entry,) = _mac([row], FIELDS)  # type: ignore[misc]
    assert entry == {
        "mac": "00:11:22:33:44:55",
        "interface": "Gi1/0/1",
        "vlan": 20,
        "static": static,
        "active": True,
        "moves": -1,
        "last_move": -1.0,
    }
