"""The lab definition ``topologies/<name>/lab.yml``: namespaces, links, bridges, addresses,
routes, sysctls, firewall files, cameras, listeners and management.

Structure is checked by pydantic; cross references (a link end naming an unknown namespace, an
address on an interface nothing creates, a route via an address no namespace owns, ...) by
``check``. Every problem is one ``InputError`` with ``lab.yml:<line>``.
"""

from __future__ import annotations

import ipaddress
import re
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

MGMT_NS = "mgmt"  # the management namespace every lab with a collected device gets
MGMT_IF = "mgmt0"  # the device side of its point-to-point management veth
NAME = re.compile(r"^[a-z][a-z0-9-]{0,11}$")  # namespace names (the prefix is added)
IFNAME = re.compile(r"^[A-Za-z][A-Za-z0-9._-]{0,14}$")  # IFNAMSIZ - 1
SERVICE = re.compile(r"^(tcp|udp)/(\d{1,5})$")
SYSCTL = re.compile(r"^net\.[A-Za-z0-9_.-]+$")  # network namespaces isolate net.* only
MAC = re.compile(r"^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$")


class Role(StrEnum):
    ROUTER = "router"
    FIREWALL = "firewall"
    SWITCH = "switch"
    HOST = "host"

    @property
    def is_device(self) -> bool:
        """A Linux device segproof collects (when it has a management address)."""
        return self is not Role.HOST


class _Lab(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Interface(_Lab):
    addresses: list[str] = Field(default_factory=list)  # "10.20.0.11/24", "2001:db8::1/64"
    mac: str | None = None

    @field_validator("addresses")
    @classmethod
    def _addresses(cls, values: list[str]) -> list[str]:
        out = []
        for value in values:
            text = str(value)
            if "/" not in text:
                raise ValueError(f"{text!r}: give the prefix length (10.20.0.11/24)")
            try:
                out.append(str(ipaddress.ip_interface(text)))
            except ValueError as exc:
                raise ValueError(f"not an interface address: {text!r}") from exc
        return out

    @field_validator("mac")
    @classmethod
    def _mac(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not MAC.match(value):
            raise ValueError(f"not a MAC address (aa:bb:cc:dd:ee:ff): {value!r}")
        if int(value[:2], 16) & 1:
            raise ValueError(f"{value}: a multicast MAC cannot be an interface address")
        return value.lower()


class Bridge(_Lab):
    """One Linux bridge standing for one VLAN (the CI kernel has no 802.1Q)."""

    vlan: int | None = Field(default=None, ge=1, le=4094)  # documentation: the VLAN it stands for
    ports: list[str] = Field(default_factory=list)


class Route(_Lab):
    to: str  # "default" (family of ``via``) or a prefix ("::/0" for an IPv6 default)
    via: str | None = None
    dev: str | None = None

    @field_validator("to")
    @classmethod
    def _to(cls, value: str) -> str:
        return value if value == "default" else _network(value)

    @field_validator("via")
    @classmethod
    def _via(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            return str(ipaddress.ip_address(value))
        except ValueError as exc:
            raise ValueError(f"not an IP address: {value!r}") from exc

    @property
    def family(self) -> int:
        if self.to == "default":
            return ipaddress.ip_address(self.via).version if self.via else 4
        return ipaddress.ip_network(self.to).version

    @property
    def is_default(self) -> bool:
        return self.to == "default" or ipaddress.ip_network(self.to).prefixlen == 0


Backend = Literal["iptables", "iptables-legacy", "nft"]


class Firewall(_Lab):
    backend: Backend
    rules: str  # file next to lab.yml: iptables-restore format, or an nft script
    rules6: str | None = None  # ip6tables-restore file (iptables backends only)
    ipsets: str | None = None  # `ipset restore` file, loaded before the rules


class Namespace(_Lab):
    role: Role
    interfaces: dict[str, Interface] = Field(default_factory=dict)
    bridges: dict[str, Bridge] = Field(default_factory=dict)
    routes: list[Route] = Field(default_factory=list)
    sysctls: dict[str, str] = Field(default_factory=dict)
    ipv6: bool = False  # IPv6 stays disabled unless this says so
    firewall: Firewall | None = None
    mgmt: str | None = None  # devices: sshd listens here; collected iff set
    camera: bool = False  # hosts: a camera (a probe source)
    listen: list[str] = Field(default_factory=list)  # hosts: "tcp/554", "udp/161"

    @field_validator("sysctls", mode="before")
    @classmethod
    def _sysctls(cls, value: object) -> object:
        if isinstance(value, dict):
            return {str(k): str(v) for k, v in value.items()}
        return value

    @field_validator("mgmt")
    @classmethod
    def _mgmt(cls, value: str | None) -> str | None:
        if value is None:
            return None
        itf = ipaddress.ip_interface(value) if "/" in value else None
        if itf is None or itf.version != 4 or itf.network.prefixlen < 30:
            raise ValueError(f"{value!r}: an IPv4 address in a /30 or /31 (10.99.0.1/30)")
        return str(itf)

    @field_validator("listen")
    @classmethod
    def _listen(cls, values: list[str]) -> list[str]:
        for value in values:
            match = SERVICE.match(value)
            if not match or not 1 <= int(match.group(2)) <= 65535:
                raise ValueError(f"{value!r}: use tcp/N or udp/N")
        return values

    @property
    def collected(self) -> bool:
        return self.role.is_device and self.mgmt is not None

    def mgmt_peer(self) -> str:
        """The management namespace's address on this device's management veth."""
        assert self.mgmt is not None
        itf = ipaddress.IPv4Interface(self.mgmt)
        net = itf.network
        hosts = list(net.hosts()) if net.prefixlen < 31 else [net[0], net[1]]
        other = next(h for h in hosts if h != itf.ip)
        return f"{other}/{net.prefixlen}"

    def addresses(self) -> list[tuple[str, ipaddress.IPv4Interface | ipaddress.IPv6Interface]]:
        """(interface, address) of every data-plane address (not the management one)."""
        return [
            (name, ipaddress.ip_interface(a))
            for name, itf in self.interfaces.items()
            for a in itf.addresses
        ]


class Lab(_Lab):
    description: str = ""
    namespaces: dict[str, Namespace]
    links: list[tuple[str, str]] = Field(default_factory=list)  # veth pairs [ns:if, ns:if]

    @field_validator("links", mode="before")
    @classmethod
    def _links(cls, value: object) -> object:
        if not isinstance(value, list):
            return value
        out = []
        for item in value:
            if not (isinstance(item, list | tuple) and len(item) == 2):
                raise ValueError("each link is a pair [ns:interface, ns:interface]")
            out.append(tuple(str(end) for end in item))
        return out

    def collected(self) -> list[str]:
        return [n for n, ns in self.namespaces.items() if ns.collected]

    def owner(self, ip: str) -> str | None:
        """The namespace owning a data-plane or management address."""
        addr = ipaddress.ip_address(ip)
        for name, ns in self.namespaces.items():
            if any(a.ip == addr for _, a in ns.addresses()):
                return name
            if ns.mgmt and ipaddress.ip_interface(ns.mgmt).ip == addr:
                return name
        return None

    def all_ips(self) -> set[str]:
        """Every address in the lab (the only addresses a probe may target)."""
        out: set[str] = set()
        for ns in self.namespaces.values():
            out.update(str(a.ip) for _, a in ns.addresses())
            if ns.mgmt:
                out.add(str(ipaddress.ip_interface(ns.mgmt).ip))
                out.add(str(ipaddress.ip_interface(ns.mgmt_peer()).ip))
        return out


def _network(value: str) -> str:
    try:
        return str(ipaddress.ip_network(value, strict=True))
    except ValueError as exc:
        raise ValueError(f"not a network prefix: {value!r}") from exc


def split_end(end: str) -> tuple[str, str]:
    ns, _, itf = end.partition(":")
    return ns, itf
