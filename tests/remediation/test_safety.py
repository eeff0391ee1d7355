"""No name or value can carry an extra command into a rendered change."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agent.errors import RenderError
from agent.models.plan import AclChange, DeviceChange, Entry, PortChange
from agent.remediate.names import check_name
from agent.remediate.render import render

HOSTILE = [
    "CAM-IN\nno ip routing",
    "CAM-IN\rreload",
    "CAM IN",
    "CAM;IN",
    "CAM|IN",
    "`reload`",
    "$(reboot)",
    "",
    "x" * 200,
    "CAMÉRA",
    "-leading-dash",
]


def _device(acl: str = "CAM-IN", interface: str = "Vlan20") -> DeviceChange:
    entry = Entry(seq=10, action="deny", src="10.20.0.11/32", dst="10.0.0.0/16", log=True)
    change = AclChange(
        family=4, interface=interface, acl=acl, create=True, bind=True, entries=[entry]
    )
    return DeviceChange(
        device="d1", platform="cisco_ios", file="configs/d1.cfg", changes=[change], cameras=["x"]
    )


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_acl_and_interface_names_are_refused(name: str) -> None:
    with pytest.raises(RenderError):
        render(_device(acl=name))
    with pytest.raises(RenderError):
        render(_device(interface=name))
    port = PortChange(kind="shutdown", interface=name)
    with pytest.raises(RenderError):
        render(
            DeviceChange(device="d1", platform="arista_eos", file="f", changes=[port], cameras=[])
        )


@given(st.text(min_size=1, max_size=80))
def test_any_name_is_refused_or_rendered_on_its_own_lines(name: str) -> None:
    try:
        check_name("cisco_ios", name, "acl")
    except RenderError:
        return
    benign = render(_device()).change.replace("CAM-IN", "\x00").splitlines()
    rendered = render(_device(acl=name)).change.splitlines()
    assert rendered == [line.replace("\x00", name) for line in benign]
