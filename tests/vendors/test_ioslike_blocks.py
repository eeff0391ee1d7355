"""The block splitter and line accounting."""

from __future__ import annotations

import pytest

from agent.errors import ParseError
from agent.vendors.ioslike.blocks import split


def test_blocks_and_comments() -> None:
    text = "hostname a\n!\ninterface Gi0/0\n ip address 1.1.1.1 255.0.0.0\n !\n\nrouter bgp 1\n"
    sp = split(text, "cisco_ios", "a.cfg")
    assert [n.text for n in sp.nodes] == ["hostname a", "interface Gi0/0", "router bgp 1"]
    assert [c.line for c in sp.nodes[1].children] == [4]
    assert sp.comments == [2, 5, 6]
    assert sp.total == 7


def test_nested_blocks() -> None:
    text = "router bgp 1\n address-family ipv4 vrf X\n  network 10.0.0.0\n neighbor 1.1.1.1 x\n"
    node = split(text, "cisco_ios", "a.cfg").nodes[0]
    assert [c.text for c in node.children] == ["address-family ipv4 vrf X", "neighbor 1.1.1.1 x"]
    assert [c.line for c in node.children[0].children] == [3]


@pytest.mark.parametrize(
    ("text", "body_lines"),
    [
        ("banner motd ^C\nhello\n  world\n^C\nhostname a\n", [2, 3, 4]),
        ("banner motd ^Cone line^C\nhostname a\n", []),
        ("banner exec #\nhello\n#\nhostname a\n", [2, 3]),
        ("banner login\nhello\nEOF\nhostname a\n", [2, 3]),
    ],
)
def test_banners(text: str, body_lines: list[int]) -> None:
    nodes = split(text, "cisco_ios", "a.cfg").nodes
    assert nodes[0].ok
    assert [c.line for c in nodes[0].children] == body_lines
    assert nodes[-1].text == "hostname a"


def test_unterminated_banner_does_not_swallow_the_file() -> None:
    nodes = split("banner motd ^C\nhello\nhostname a\n", "cisco_ios", "a.cfg").nodes
    assert not nodes[0].ok
    assert [n.text for n in nodes] == ["banner motd ^C", "hello", "hostname a"]


def test_crlf_and_binary() -> None:
    sp = split("hostname a\r\ninterface Gi0/0\r\n", "cisco_ios", "a.cfg")
    assert [n.text for n in sp.nodes] == ["hostname a", "interface Gi0/0"]
    with pytest.raises(ParseError) as err:
        split("hostname a\nGARBAGE\x00\x01\n", "cisco_ios", "a.cfg")
    assert err.value.line == 2
