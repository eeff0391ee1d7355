"""What segproof collects from a lab (pure text, plus one ``write``): a Nornir SimpleInventory
(``hosts.yaml``: platform ``linux``, the device's management address, port 22), the
``topology.yml`` links between collected devices, the lab's ``policy.yml`` and a
``known_hosts`` with each device's fresh host key (collection checks keys strictly)."""

from __future__ import annotations

import ipaddress
import shutil
from pathlib import Path

import yaml

from agent.lab.definition import LabSpec
from agent.lab.model import split_end

PLATFORM = "linux"


def hosts_yaml(spec: LabSpec) -> str:
    hosts: dict[str, dict[str, object]] = {}
    for name in spec.lab.collected():
        mgmt = spec.lab.namespaces[name].mgmt
        assert mgmt is not None
        hosts[name] = {
            "hostname": str(ipaddress.ip_interface(mgmt).ip),
            "port": 22,
            "platform": PLATFORM,
            "data": {"role": spec.lab.namespaces[name].role.value},
        }
    return yaml.safe_dump(hosts, sort_keys=False)


def topology_yaml(spec: LabSpec) -> str:
    """Links whose both ends are collected devices (there is no LLDP on Linux)."""
    collected = set(spec.lab.collected())
    links = [
        [a, b]
        for a, b in spec.lab.links
        if split_end(a)[0] in collected and split_end(b)[0] in collected
    ]
    data = {
        "devices": {name: {"platform": PLATFORM} for name in spec.lab.collected()},
        "links": links,
    }
    head = f"# written by agent.lab from {spec.name}/lab.yml: links between collected devices\n"
    return head + yaml.safe_dump(data, sort_keys=False, default_flow_style=None)


def write(spec: LabSpec, folder: Path, known_hosts: str) -> None:
    folder.mkdir(parents=True, exist_ok=False)
    (folder / "hosts.yaml").write_text(hosts_yaml(spec), encoding="utf-8")
    (folder / "topology.yml").write_text(topology_yaml(spec), encoding="utf-8")
    (folder / "known_hosts").write_text(known_hosts, encoding="utf-8")
    shutil.copyfile(spec.policy_file, folder / "policy.yml")
