"""The probe matrix of a lab (pure): from every camera to every core host and port that
matters, and to the routers' own addresses.

For each camera and each address family it has, the targets are

* every host that is not a camera and has an address in a core prefix or an allowed
  destination of the policy: ICMP echo, each port it listens on, and each allowed service to it
  (the first port of a range);
* every address of every router and firewall: ICMP echo; and the management address of the
  camera's own gateway router: ICMP echo and tcp/22 (its sshd).
"""

from __future__ import annotations

import ipaddress
from typing import Literal

from pydantic import BaseModel, ConfigDict

from agent.lab.definition import LabSpec
from agent.lab.model import Namespace, Role
from agent.models.policy import parse_service

Proto = Literal["tcp", "udp", "icmp"]
Target = Literal["host", "router"]
Service = tuple[Proto, int | None]


class Cell(BaseModel):
    model_config = ConfigDict(frozen=True)
    src_ns: str
    src_ip: str
    dst_ns: str
    dst_ip: str
    proto: Proto
    port: int | None = None
    target: Target

    @property
    def service(self) -> str:
        return self.proto if self.port is None else f"{self.proto}/{self.port}"

    @property
    def column(self) -> str:
        return f"{self.dst_ns} {self.dst_ip} {self.service}"

    @property
    def id(self) -> str:
        return f"{self.src_ns} {self.src_ip} -> {self.column}"


def _services(
    spec: LabSpec, ns: Namespace, ip: ipaddress.IPv4Address | ipaddress.IPv6Address
) -> list[Service]:
    found: list[Service] = [("icmp", None)]
    for text in ns.listen:
        proto, port = text.split("/")
        found.append(("tcp" if proto == "tcp" else "udp", int(port)))
    for flow in spec.policy.allowed:
        if not any(ip in ipaddress.ip_network(d) for d in flow.destinations):
            continue
        for text in flow.services:
            number, lo, _, _, _ = parse_service(text)
            if number == 6 and lo is not None:
                found.append(("tcp", lo))
            elif number == 17 and lo is not None:
                found.append(("udp", lo))
    return sorted(set(found), key=lambda s: (s[0] != "icmp", s[0], s[1] or 0))


def _interesting(spec: LabSpec, ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    prefixes = [p for core in spec.policy.core for p in core.prefixes]
    prefixes += [d for flow in spec.policy.allowed for d in flow.destinations]
    return any(ip in ipaddress.ip_network(p) for p in prefixes)


def _gateways(spec: LabSpec, camera: Namespace) -> set[str]:
    return {
        owner
        for route in camera.routes
        if route.via and (owner := spec.lab.owner(route.via)) is not None
    }


def targets(spec: LabSpec, camera: str) -> list[tuple[str, str, Proto, int | None, Target]]:
    """(namespace, address, proto, port, kind) a camera is probed against."""
    lab = spec.lab
    out: list[tuple[str, str, Proto, int | None, Target]] = []
    for name, ns in lab.namespaces.items():
        if name == camera:
            continue
        if ns.role is Role.HOST and not ns.camera:
            for _, addr in ns.addresses():
                if _interesting(spec, addr.ip):
                    for proto, port in _services(spec, ns, addr.ip):
                        out.append((name, str(addr.ip), proto, port, "host"))
        elif ns.role in (Role.ROUTER, Role.FIREWALL):
            for _, addr in ns.addresses():
                out.append((name, str(addr.ip), "icmp", None, "router"))
            if ns.mgmt and name in _gateways(spec, lab.namespaces[camera]):
                ip = str(ipaddress.ip_interface(ns.mgmt).ip)
                out += [(name, ip, "icmp", None, "router"), (name, ip, "tcp", 22, "router")]
    return out


def cells(spec: LabSpec) -> list[Cell]:
    out: list[Cell] = []
    for name, ns in spec.lab.namespaces.items():
        if not ns.camera:
            continue
        sources: dict[int, str] = {}
        for _, addr in ns.addresses():
            sources.setdefault(addr.version, str(addr.ip))
        for dst_ns, dst_ip, proto, port, kind in targets(spec, name):
            src = sources.get(ipaddress.ip_address(dst_ip).version)
            if src is None:
                continue
            out.append(
                Cell(
                    src_ns=name,
                    src_ip=src,
                    dst_ns=dst_ns,
                    dst_ip=dst_ip,
                    proto=proto,
                    port=port,
                    target=kind,
                )
            )
    return out
