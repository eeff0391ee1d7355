"""What building a lab does, as data (pure): the files under ``/etc/netns/<ns>/``, the
commands that create namespaces, links, bridges, addresses, routes, sysctls and firewalls, and
the daemons to start. ``agent.lab.netns`` executes it.

Every veth is created between two lab namespaces (``ip -n A link add ... peer ... netns B``):
nothing is ever linked to the host's namespace.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from pathlib import Path

from agent.lab.definition import LabSpec
from agent.lab.model import MGMT_IF, MGMT_NS, Lab, Namespace, split_end

RESOLV = "nameserver 127.0.0.1\noptions timeout:1 attempts:1\n"
RESTORE = {
    "iptables": ("iptables-nft-restore", "ip6tables-nft-restore"),
    "iptables-legacy": ("iptables-legacy-restore", "ip6tables-legacy-restore"),
}
IPV6_OFF = ("net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1")
IPV6_QUIET = tuple(
    f"net.ipv6.conf.{scope}.{key}={value}"
    for scope in ("all", "default")
    for key, value in (("accept_ra", 0), ("accept_dad", 0), ("router_solicitations", 0))
)


@dataclass(frozen=True, slots=True)
class Step:
    argv: tuple[str, ...]
    stdin: str | None = None


@dataclass(frozen=True, slots=True)
class Daemon:
    ns: str  # logical namespace name
    name: str  # for logs: "responder", "sshd"
    argv: tuple[str, ...]  # run inside the namespace
    ready: str  # "line": the daemon prints a line when ready; "tcp IP PORT": a listener


def mgmt_ifname(device: str) -> str:
    """The management namespace's side of a device's management veth."""
    return f"m-{device}"


def logical_names(lab: Lab) -> list[str]:
    names = list(lab.namespaces)
    if lab.collected():
        names.append(MGMT_NS)
    return names


def hosts_file(lab: Lab) -> str:
    lines = ["127.0.0.1 localhost"]
    for name, ns in lab.namespaces.items():
        for k, (_, addr) in enumerate(ns.addresses()):
            lines.append(f"{addr.ip} {name}" if k == 0 else f"{addr.ip} {name}-{k}")
        if ns.mgmt:
            lines.append(f"{ipaddress.ip_interface(ns.mgmt).ip} {name}-mgmt")
    return "\n".join(lines) + "\n"


def etc_files(lab: Lab) -> dict[str, str]:
    """Files every lab namespace gets in ``/etc/netns/<ns>/`` (``ip netns exec`` bind-mounts
    them over ``/etc``): lab names resolve locally, any other lookup goes to 127.0.0.1 inside
    the namespace, never to the host's resolver."""
    return {"hosts": hosts_file(lab), "resolv.conf": RESOLV}


def _ip(prefix: str, ns: str, *args: str) -> Step:
    return Step(("ip", "-n", prefix + ns, *args))


def _sysctl(prefix: str, ns: str, settings: list[str]) -> Step:
    return Step(("ip", "netns", "exec", prefix + ns, "sysctl", "-q", "-w", *settings))


def _base_sysctls(ns: Namespace | None) -> list[str]:
    if ns is None or not ns.ipv6:
        return list(IPV6_OFF)
    return list(IPV6_QUIET)


def namespace_steps(spec: LabSpec, prefix: str) -> list[Step]:
    """Namespaces with loopback up and IPv6 off (or on and quiet), before any interface."""
    out = []
    for name in logical_names(spec.lab):
        out.append(Step(("ip", "netns", "add", prefix + name)))
        out.append(_sysctl(prefix, name, _base_sysctls(spec.lab.namespaces.get(name))))
        out.append(_ip(prefix, name, "link", "set", "dev", "lo", "up"))
    return out


def link_steps(spec: LabSpec, prefix: str) -> list[Step]:
    lab = spec.lab
    out: list[Step] = []
    up: list[tuple[str, str]] = []
    for name, ns in lab.namespaces.items():
        for br in ns.bridges:
            out.append(
                _ip(prefix, name, "link", "add", "name", br, "type", "bridge", "stp_state", "0")
            )
            up.append((name, br))
    for a, b in lab.links:
        (ans, aif), (bns, bif) = split_end(a), split_end(b)
        amac = lab.namespaces[ans].interfaces.get(aif)
        bmac = lab.namespaces[bns].interfaces.get(bif)
        args = ["link", "add", "name", aif]
        if amac is not None and amac.mac:
            args += ["address", amac.mac]
        args += ["type", "veth", "peer", "name", bif]
        if bmac is not None and bmac.mac:
            args += ["address", bmac.mac]
        args += ["netns", prefix + bns]
        out.append(_ip(prefix, ans, *args))
        up += [(ans, aif), (bns, bif)]
    for name in lab.collected():
        peer = mgmt_ifname(name)
        argv = ["link", "add", "name", peer, "type", "veth", "peer", "name", MGMT_IF]
        out.append(_ip(prefix, MGMT_NS, *argv, "netns", prefix + name))
        up += [(MGMT_NS, peer), (name, MGMT_IF)]
    for name, ns in lab.namespaces.items():
        for br, bridge in ns.bridges.items():
            for port in bridge.ports:
                out.append(_ip(prefix, name, "link", "set", "dev", port, "master", br))
    out += [_ip(prefix, ns_name, "link", "set", "dev", itf, "up") for ns_name, itf in up]
    return out


def address_steps(spec: LabSpec, prefix: str) -> list[Step]:
    lab = spec.lab
    out: list[Step] = []
    for name, ns in lab.namespaces.items():
        for itf, addr in ns.addresses():
            extra = ("nodad",) if addr.version == 6 else ()
            out.append(_ip(prefix, name, "addr", "add", str(addr), "dev", itf, *extra))
        if ns.collected:
            assert ns.mgmt is not None
            out.append(_ip(prefix, name, "addr", "add", ns.mgmt, "dev", MGMT_IF))
            peer = ns.mgmt_peer()
            out.append(_ip(prefix, MGMT_NS, "addr", "add", peer, "dev", mgmt_ifname(name)))
    for name, ns in lab.namespaces.items():
        for route in ns.routes:
            family = "-6" if route.family == 6 else "-4"
            args = [family, "route", "add", route.to]
            if route.via:
                args += ["via", route.via]
            if route.dev:
                args += ["dev", route.dev]
            out.append(_ip(prefix, name, *args))
    return out


def sysctl_steps(spec: LabSpec, prefix: str) -> list[Step]:
    return [
        _sysctl(prefix, name, [f"{k}={v}" for k, v in ns.sysctls.items()])
        for name, ns in spec.lab.namespaces.items()
        if ns.sysctls
    ]


def firewall_steps(spec: LabSpec, prefix: str) -> list[Step]:
    out: list[Step] = []
    for name, ns in spec.lab.namespaces.items():
        if ns.firewall is None:
            continue
        v4, v6 = spec.rules[name]
        exec_ = ("ip", "netns", "exec", prefix + name)
        if name in spec.ipsets:  # the sets the rules name exist first
            out.append(Step((*exec_, "ipset", "restore"), spec.ipsets[name]))
        if ns.firewall.backend == "nft":
            out.append(Step((*exec_, "nft", "-f", "-"), v4))
            continue
        tool4, tool6 = RESTORE[ns.firewall.backend]
        out.append(Step((*exec_, tool4), v4))
        if v6 is not None:
            out.append(Step((*exec_, tool6), v6))
    return out


def steps(spec: LabSpec, prefix: str) -> list[Step]:
    """Every command of a build, in order (namespaces first, firewalls last)."""
    return [
        *namespace_steps(spec, prefix),
        *link_steps(spec, prefix),
        *address_steps(spec, prefix),
        *sysctl_steps(spec, prefix),
        *firewall_steps(spec, prefix),
    ]


def listeners(ns: Namespace) -> tuple[list[int], list[int]]:
    tcp = sorted({int(s.split("/")[1]) for s in ns.listen if s.startswith("tcp/")})
    udp = sorted({int(s.split("/")[1]) for s in ns.listen if s.startswith("udp/")})
    return tcp, udp


def responder_daemons(spec: LabSpec, python: str, script: Path) -> list[Daemon]:
    out = []
    for name, ns in spec.lab.namespaces.items():
        tcp, udp = listeners(ns)
        if not (tcp or udp):
            continue
        argv = [python, "-I", str(script), "--tcp", ",".join(map(str, tcp))]
        argv += ["--udp", ",".join(map(str, udp))]
        if any(a.version == 6 for _, a in ns.addresses()):
            argv.append("--ipv6")
        out.append(Daemon(name, "responder", tuple(argv), "line"))
    return out
