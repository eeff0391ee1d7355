"""Interface-name canonicalisation and interface kinds for IOS-style platforms.

IOS and EOS accept any unambiguous abbreviation of an interface type (``Gi1/0/1``, ``gig1/0/1``,
``Et1``, ``Po10``, ``vlan20``); the model always uses the long form the platform prints in its
running configuration. The only platform difference is the port-channel spelling: IOS prints
``Port-channel10``, EOS ``Port-Channel10``. Unknown types fall back to
``netutils.interface.canonical_interface_name`` and then to the name as written.
"""

from __future__ import annotations

import re
from functools import lru_cache

from netutils.interface import canonical_interface_name

# Long names as the platforms print them. Abbreviations are matched as case-insensitive
# prefixes of these, plus the explicit aliases below.
_TYPES: tuple[str, ...] = (
    "AppGigabitEthernet",
    "BDI",
    "BVI",
    "Dialer",
    "Ethernet",
    "FastEthernet",
    "FiftyGigE",
    "FortyGigabitEthernet",
    "FiveGigabitEthernet",
    "GigabitEthernet",
    "HundredGigE",
    "Loopback",
    "Management",
    "Null",
    "Port-channel",
    "Recirc-Channel",
    "Serial",
    "TenGigabitEthernet",
    "Tunnel",
    "TwentyFiveGigE",
    "TwoGigabitEthernet",
    "Virtual-Template",
    "Vlan",
    "Vxlan",
)

_ALIASES: dict[str, str] = {
    "et": "Ethernet",
    "eth": "Ethernet",
    "fa": "FastEthernet",
    "gi": "GigabitEthernet",
    "ge": "GigabitEthernet",
    "gig": "GigabitEthernet",
    "gige": "GigabitEthernet",
    "te": "TenGigabitEthernet",
    "ten": "TenGigabitEthernet",
    "tengige": "TenGigabitEthernet",
    "twe": "TwentyFiveGigE",
    "tw": "TwoGigabitEthernet",
    "fo": "FortyGigabitEthernet",
    "hu": "HundredGigE",
    "hundredgigabitethernet": "HundredGigE",
    "po": "Port-channel",
    "port-channel": "Port-channel",
    "portchannel": "Port-channel",
    "vl": "Vlan",
    "vlan": "Vlan",
    "lo": "Loopback",
    "ma": "Management",
    "mgmt": "Management",
    "tu": "Tunnel",
    "vx": "Vxlan",
    "nu": "Null",
    "se": "Serial",
}

_SPLIT = re.compile(r"^([A-Za-z][A-Za-z-]*?)\s*(\d.*)?$")


@lru_cache(maxsize=8192)
def _long_type(typed: str) -> str | None:
    low = typed.lower()
    if low in _ALIASES:
        return _ALIASES[low]
    matches = [t for t in _TYPES if t.lower().startswith(low)]
    if len(matches) == 1:
        return matches[0]
    exact = [t for t in matches if t.lower() == low]
    return exact[0] if exact else None


@lru_cache(maxsize=65536)
def canonical(name: str, eos: bool = False) -> str:
    """Return the canonical long name of ``name`` (``Gi0/1`` -> ``GigabitEthernet0/1``)."""
    m = _SPLIT.match(name.strip())
    if m is None:
        return name.strip()
    typed, rest = m.group(1), m.group(2) or ""
    long = _long_type(typed)
    if long is None:
        fallback: str = canonical_interface_name(name.strip())
        return fallback
    if long == "Port-channel" and eos:
        long = "Port-Channel"
    return f"{long}{rest}"


KindName = str

_KIND_PREFIX: tuple[tuple[str, KindName], ...] = (
    ("vlan", "svi"),
    ("loopback", "loopback"),
    ("null", "null"),
    ("tunnel", "tunnel"),
    ("vxlan", "tunnel"),
    ("port-channel", "port-channel"),
    ("bdi", "other"),
    ("bvi", "other"),
    ("dialer", "other"),
    ("virtual-template", "other"),
    ("recirc-channel", "other"),
)


def kind_of(name: str) -> str:
    """The model ``Interface.kind`` of a canonical interface name."""
    low = name.lower()
    for prefix, kind in _KIND_PREFIX:
        if low.startswith(prefix):
            if kind == "port-channel" and "." in name:
                return "subinterface"
            return kind
    if "." in name:
        return "subinterface"
    if any(low.startswith(t.lower()) for t in _ETHERNETS) or low.startswith("serial"):
        return "physical"
    if low.startswith("management"):
        return "physical"
    return "other"


_ETHERNETS: tuple[str, ...] = tuple(t for t in _TYPES if t.endswith(("Ethernet", "GigE")))


_ETHERNET_RE = re.compile(
    "^(?:port-channel|" + "|".join(re.escape(t.lower()) for t in _ETHERNETS) + r")[^.]*$"
)


def is_ethernet(name: str) -> bool:
    """True for Ethernet-type physical ports and port-channels (switchport-capable names)."""
    return _ETHERNET_RE.match(name.lower()) is not None


def port_channel(number: str, eos: bool) -> str:
    """The canonical port-channel interface for ``channel-group <number>``."""
    return f"{'Port-Channel' if eos else 'Port-channel'}{number}"
