"""Lab definitions and the pure parts of agent.lab (no root needed)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from agent.endpoints.classify import classify, is_flagged
from agent.errors import InputError
from agent.lab import compare, inventory, plan, probing
from agent.lab.definition import load
from agent.lab.matrix import Cell, cells
from agent.lab.prediction import Prediction
from agent.lab.probing import ProbeResult
from tests.lab.conftest import LABS

HERE = Path(__file__).resolve().parent
POLICY = "core: [{name: core, prefixes: [10.0.0.0/16]}]\n"
MINIMAL = """\
namespaces:
  r1:
    role: router
    mgmt: 10.99.0.1/30
    firewall: {backend: iptables, rules: r1.rules}
    interfaces: {to-cam: {addresses: [10.20.0.1/24]}}
  cam1:
    role: host
    camera: true
    interfaces: {eth0: {mac: "bc:ad:28:1a:2b:01", addresses: [10.20.0.11/24]}}
    routes: [{to: default, via: 10.20.0.1}]
links:
  - [cam1:eth0, r1:to-cam]
"""


def write_lab(folder: Path, text: str, rules: str = "*filter\nCOMMIT\n") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "lab.yml").write_text(text)
    (folder / "policy.yml").write_text(POLICY)
    (folder / "r1.rules").write_text(rules)
    return folder


@pytest.mark.parametrize("folder", LABS, ids=[f.name for f in LABS])
def test_lab_folder_is_complete(folder: Path) -> None:
    spec = load(folder)
    for name in ("README.md", "policy.yml", "lab-expected.yml"):
        assert (folder / name).is_file(), name
    expected = yaml.safe_load(spec.expected_file.read_text())
    assert expected["verdict"] in ("isolated", "violation")
    assert expected["probes"]["reached"], "a lab documents what its packets reach"
    families = set(spec.policy.flagged.vendors)
    cameras = [ns for ns in spec.lab.namespaces.values() if ns.camera]
    assert len(cameras) >= 3, "several cameras per lab"
    for ns in cameras:
        macs = [i.mac for i in ns.interfaces.values() if i.mac]
        assert macs and all(is_flagged(classify(m), families, []) for m in macs), macs
    ips = {str(c["ip"]) for c in expected["cameras"]}
    assert ips == {str(a.ip) for ns in cameras for _, a in ns.addresses() if a.version == 4}


def test_enough_probe_cells() -> None:
    total = sum(len(cells(load(folder))) for folder in LABS)
    assert len(LABS) >= 7
    assert total >= 300, total


BAD = [
    (MINIMAL.replace("[cam1:eth0, r1:to-cam]", "[cam9:eth0, r1:to-cam]"), 13, "unknown namespace"),
    (MINIMAL.replace("via: 10.20.0.1", "via: 8.8.8.8"), 11, "not on a connected subnet"),
    (MINIMAL.replace("via: 10.20.0.1", "via: 10.20.0.77"), 11, "no lab namespace owns"),
    (MINIMAL.replace("10.20.0.11/24", "2001:db8::11/64"), 10, "has no ipv6: true"),
    (MINIMAL.replace('mac: "bc:ad:28:1a:2b:01", ', ""), 9, "a camera needs the MAC"),
    (MINIMAL.replace("to-cam: {", "to-nowhere: {"), 6, "no link or bridge"),
    (MINIMAL.replace("role: router", "role: hub"), 3, "namespaces.r1.role"),
    (MINIMAL.replace("mgmt: 10.99.0.1/30", "mgmt: 10.99.0.1/24"), 4, "/30 or /31"),
    (MINIMAL.replace("  cam1:", "  mgmt:"), 8, "management namespace"),
    (MINIMAL.replace("role: host\n", "role: host\n    listen: [tcp/99999]\n"), 9, "tcp/N"),
    (
        MINIMAL.replace("    camera: true", "    camera: true\n    sysctls: {kernel.pid_max: 9}"),
        10,
        "only net.* sysctls",
    ),
    (MINIMAL + "  - [cam1:eth0, r1:other]\n", 14, "used by two links"),
    (MINIMAL.replace("rules: r1.rules", "rules: ../../etc/passwd"), 5, "lab folder"),
]


@pytest.mark.parametrize(("text", "line", "message"), BAD)
def test_bad_definition_names_file_and_line(
    tmp_path: Path, text: str, line: int, message: str
) -> None:
    folder = write_lab(tmp_path / "lab-x", text)
    with pytest.raises(InputError) as info:
        load(folder)
    assert f"lab.yml:{line}:" in str(info.value)
    assert message in str(info.value)


def test_empty_rules_file_is_refused(tmp_path: Path) -> None:
    folder = write_lab(tmp_path / "lab-x", MINIMAL, rules="\n")
    with pytest.raises(InputError, match="is empty"):
        load(folder)


def test_default_route_loop_is_refused(tmp_path: Path) -> None:
    text = MINIMAL.replace(
        "interfaces: {to-cam: {addresses: [10.20.0.1/24]}}",
        "interfaces: {to-cam: {addresses: [10.20.0.1/24]}, up: {addresses: [10.255.0.1/30]}}\n"
        "    routes: [{to: default, via: 10.255.0.2}]",
    ).replace("links:\n", "links:\n  - [r1:up, r2:down]\n")
    text = text.replace(
        "  cam1:\n",
        "  r2:\n"
        "    role: router\n"
        "    interfaces: {down: {addresses: [10.255.0.2/30]}}\n"
        "    routes: [{to: default, via: 10.255.0.1}]\n"
        "  cam1:\n",
    )
    folder = write_lab(tmp_path / "lab-x", text)
    with pytest.raises(InputError, match="default routes loop: r1 -> r2 -> r1"):
        load(folder)


def test_every_command_stays_in_the_lab(tmp_path: Path) -> None:
    """Every namespace a command names carries the prefix; every veth peer goes into a lab
    namespace; IPv6 is off unless the definition enables it."""
    for folder in LABS:
        spec = load(folder)
        pfx = "spT-"
        names = {pfx + n for n in plan.logical_names(spec.lab)}
        for step in plan.steps(spec, pfx):
            argv = list(step.argv)
            assert argv[0] == "ip", argv
            if argv[1] == "-n":
                assert argv[2] in names, argv
            else:
                assert argv[1] == "netns" and argv[3] in names, argv
            if "peer" in argv:
                assert argv[argv.index("netns") + 1] in names, argv
        sysctls: dict[str, tuple[str, ...]] = {}
        for step in plan.namespace_steps(spec, pfx):
            if "sysctl" in step.argv:
                sysctls[step.argv[3]] = step.argv[7:]
        for name, ns in spec.lab.namespaces.items():
            off = "net.ipv6.conf.all.disable_ipv6=1" in sysctls[pfx + name]
            assert off is not ns.ipv6, name


def test_ipv6_is_quiet_where_enabled() -> None:
    spec = load(next(f for f in LABS if f.name == "lab-ipv6"))
    steps = plan.steps(spec, "p-")
    on = next(s.argv for s in steps if "sysctl" in s.argv and "p-cam1" in s.argv)
    assert "net.ipv6.conf.default.accept_ra=0" in on and "net.ipv6.conf.all.accept_dad=0" in on
    adds = [s.argv for s in steps if "addr" in s.argv and any(":" in a for a in s.argv)]
    assert adds and all(a[-1] == "nodad" for a in adds)


def test_inventory_and_topology() -> None:
    spec = load(next(f for f in LABS if f.name == "lab-iptables"))
    hosts = yaml.safe_load(inventory.hosts_yaml(spec))
    assert hosts == {
        "acc1": {
            "hostname": "10.99.0.5",
            "port": 22,
            "platform": "linux",
            "data": {"role": "switch"},
        },
        "dist1": {
            "hostname": "10.99.0.1",
            "port": 22,
            "platform": "linux",
            "data": {"role": "router"},
        },
    }
    topo = yaml.safe_load(inventory.topology_yaml(spec))
    assert topo["links"] == [["acc1:trunk-v20", "dist1:vlan20"], ["acc1:trunk-v40", "dist1:vlan40"]]
    assert topo["devices"] == {"acc1": {"platform": "linux"}, "dist1": {"platform": "linux"}}


def _cell(dst: str = "10.0.1.10", proto: str = "tcp", port: int | None = 22) -> Cell:
    return Cell.model_validate(
        {
            "src_ns": "cam1",
            "src_ip": "10.20.0.11",
            "dst_ns": "core1",
            "dst_ip": dst,
            "proto": proto,
            "port": port,
            "target": "host",
        }
    )


def test_counter_rules() -> None:
    assert probing.counter_rule(_cell(), "c1") == (
        '    ip saddr 10.20.0.11 ip daddr 10.0.1.10 tcp dport 22 counter comment "c1"'
    )
    v6 = _cell("2001:db8::10", "icmp", None).model_copy(update={"src_ip": "2001:db8:20::11"})
    assert "ip6 daddr 2001:db8::10 icmpv6 type echo-request counter" in probing.counter_rule(
        v6, "c2"
    )
    script = probing.counter_script([("c1", _cell())])
    assert script.startswith("add table inet segproof_probe\ndelete table inet segproof_probe\n")
    assert "hook input priority 500; policy accept;" in script
    listed = {
        "nftables": [
            {"metainfo": {}},
            {
                "rule": {
                    "comment": "c1",
                    "expr": [{"match": {}}, {"counter": {"packets": 2, "bytes": 120}}],
                }
            },
        ]
    }
    assert probing.read_counters(json.dumps(listed)) == {"c1": 2}


def test_hygiene_counters() -> None:
    text = (
        "TcpExt: SyncookiesSent\nTcpExt: 0\n"
        "IpExt: InNoRoutes InTruncatedPkts\nIpExt: 3 0\n"
        "Ip6InReceives                   \t7\nIp6InNoRoutes                   \t2\n"
    )
    assert probing.parse_counters(text + "Icmp6OutRouterSolicits          \t1\n") == {
        "InNoRoutes": 3,
        "Ip6InNoRoutes": 2,
        "Icmp6OutRouterSolicits": 1,
        "Icmp6OutRouterAdvertisements": 0,
    }


def test_table_shows_both_sides_of_a_mismatch() -> None:
    probed = [
        ProbeResult(cell=_cell(), result="open", packets=1, reachable=True, secs=0.01),
        ProbeResult(cell=_cell(port=443), result="timeout", packets=0, reachable=False, secs=1),
    ]
    predicted = [
        Prediction(reach=False, disposition="denied-in", detail="dist1 FORWARD line 9"),
        Prediction(reach=False, disposition="denied-in", detail="dist1 FORWARD line 9"),
    ]
    text = compare.table(probed, predicted)
    assert "core1 10.0.1.10 tcp/22   Y/-!" in text
    assert "core1 10.0.1.10 tcp/443  -/-" in text
    assert (
        "MISMATCH cam1 10.20.0.11 -> core1 10.0.1.10 tcp/22: packets Y (open, 1 packet(s)" in text
    )
    assert len(compare.mismatches(probed, predicted)) == 1


def test_worker_refuses_addresses_outside_the_lab() -> None:
    job = {
        "lab_ips": ["10.20.0.11"],
        "cells": [
            {"id": "c0", "src": "10.20.0.11", "dst": "192.0.2.1", "proto": "tcp", "port": 80}
        ],
    }
    done = subprocess.run(
        [sys.executable, "-I", str(Path(probing.__file__).with_name("worker.py"))],
        input=json.dumps(job),
        capture_output=True,
        text=True,
        timeout=10,
        check=False,
    )
    assert done.returncode == 2 and "not a lab address" in done.stderr
    assert done.stdout == ""
