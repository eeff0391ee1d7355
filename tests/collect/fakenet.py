"""Fake SSH devices (FakeNOS, out of process from its own venv) serving our snapshots.

The venv is created once in ``~/.cache/segproof-fakenos-<version>`` (``SEGPROOF_FAKENOS_VENV``
overrides). Only 127.0.0.1 is used. A missing prerequisite skips with the reason (a failure
under ``SEGPROOF_REQUIRE_LAB=1``).
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from agent.vendors.linux import dump
from tests.collect import render

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
CAMPUS = ROOT / "topologies" / "campus"
FAKENOS = "1.2.1"
USER, PASSWORD = "netops", "lab-pass-7f3q"
PLUGINS = {
    "cisco_ios": "lab_cisco_ios",
    "arista_eos": "lab_arista_eos",
    "cisco_nxos": "lab_cisco_nxos",
    "juniper_junos": "lab_juniper_junos",
    "linux": "lab_linux",
    "cisco_asa": "lab_cisco_asa",
    "fortinet": "lab_fortinet",
    "paloalto_panos": "lab_paloalto_panos",
}
EXTRA_PLUGINS = ("lab_linux_user",)  # plugins a test may pick through serve(customize=...)
CONFIG_COMMAND = {"juniper_junos": "show configuration | display set"}  # else show running-config
CONFIG_COMMAND |= {"fortinet": "show", "paloalto_panos": "show config running"}
# secrets added to served configs: the redaction test looks for them in every stored file
SECRETS = {
    "cisco_ios": [
        ("enable secret 9 ", "$9$Zq1aSecretHashIOS"),
        ("username admin privilege 15 secret 0 ", "PlainUserSecret1"),
        ("snmp-server community ", "CommunityStr1ng"),
        ("tacacs-server key 7 ", "0822455D0A16TAC"),
    ],
    "arista_eos": [
        ("username admin privilege 15 role network-admin secret sha512 ", "$6$EosSha512Hash"),
        ("snmp-server community ", "EosCommunity9 ro"),
        ("enable password sha512 ", "$6$EosEnableHash"),
    ],
    "cisco_nxos": [
        ("username admin password 5 ", "$5$NxosUserHash role network-admin"),
        ("snmp-server user ops network-operator auth md5 ", "0xNxosAuthKey priv 0xNxosPrivKey"),
        ("tacacs-server key 7 ", '"NxosTacacsKey"'),
        ("snmp-server community ", "NxosCommunity group network-operator"),
    ],
    "juniper_junos": [
        ("set system root-authentication encrypted-password ", '"$6$JunosRootHash"'),
        ("set system tacplus-server 10.0.0.9 secret ", '"$9$JunosTacplusSecret"'),
        ("set snmp community ", "JunosCommunity authorization read-only"),
        ("set protocols bgp group ebgp authentication-key ", '"$9$JunosBgpKey"'),
        (
            "set security ike policy ike-pol pre-shared-key ascii-text ",
            '"$9$JunosPreShared"',
        ),
    ],
    # blocks of several lines: inserted after `hostname` (ASA), the `#global_vdom=` header line
    # (FortiOS `show`) or the `<config ...>` root (PAN-OS XML), each entry on its own line(s)
    "cisco_asa": [
        ("enable password ", "AsaEnableHash9Q encrypted"),
        ("username admin password ", "AsaUserHash7Zk encrypted privilege 15"),
        ("snmp-server host management 192.0.2.9 community ", "AsaCommunity5 version 2c"),
        (
            "tunnel-group 198.51.100.7 type ipsec-l2l\n"
            "tunnel-group 198.51.100.7 ipsec-attributes\n ikev1 pre-shared-key ",
            "AsaIkev1Psk3",
        ),
        (" ikev2 remote-authentication pre-shared-key ", "AsaIkev2Remote4"),
        (" ikev2 local-authentication pre-shared-key ", "AsaIkev2Local5"),
        (
            "aaa-server RADIUS protocol radius\n"
            "aaa-server RADIUS (management) host 192.0.2.8\n key ",
            "AsaRadiusKey6",
        ),
        ("ntp authentication-key 2 md5 ", "AsaNtpKey8"),
    ],
    "fortinet": [
        (
            'config system admin\n    edit "admin"\n        set accprofile "super_admin"\n'
            '        set vdom "root"\n        set password ENC ',
            "SH2FortiAdminHash0aB==\n    next\nend",
        ),
        (
            'config user local\n    edit "guest1"\n        set type password\n'
            "        set passwd ENC ",
            "FortiUserPasswd2==\n    next\nend",
        ),
        (
            'config user radius\n    edit "rad1"\n        set server "192.0.2.8"\n'
            "        set secret ENC ",
            "FortiRadiusSecret4==\n    next\nend",
        ),
        (
            'config vpn ipsec phase1-interface\n    edit "to-dc"\n        set interface "port1"\n'
            "        set peertype any\n        set net-device disable\n"
            "        set proposal aes256-sha256\n        set remote-gw 198.51.100.7\n"
            "        set psksecret ENC ",
            "FortiPskSecret3==\n    next\nend",
        ),
        ("config system snmp community\n    edit 1\n        set name ", '"FortiCommunity1"'),
        (
            "        config hosts\n            edit 1\n"
            "                set ip 192.0.2.9 255.255.255.255\n            next\n        end\n"
            "    next\n    edit 2\n        set name ",
            "FortiCommunity2\n    next\nend",
        ),
        (
            'config system snmp user\n    edit "nms"\n        set notify-hosts 192.0.2.9\n'
            "        set security-level auth-priv\n        set auth-proto sha256\n"
            "        set auth-pwd ENC ",
            "FortiAuthPwd7==",
        ),
        (
            "        set priv-proto aes256\n        set priv-pwd ENC ",
            "FortiPrivPwd8==\n    next\nend",
        ),
        (
            'config vpn certificate local\n    edit "lab-cert"\n        set password ENC ',
            "FortiCertPass9==",
        ),
        (
            '        set private-key "-----BEGIN ENCRYPTED PRIVATE KEY-----\n',
            "FortiPrivateKeyBody0x\nMIIFHzBJBgkqhkiG9w0BBQ0wPDAbBgkqhkiG9w0BBQww\n"
            '-----END ENCRYPTED PRIVATE KEY-----"\n'
            '        set certificate "-----BEGIN CERTIFICATE-----\nMIIDXTCCAkWgAwIBAgIJAKZ\n'
            '-----END CERTIFICATE-----"\n    next\nend',
        ),
    ],
    "paloalto_panos": [
        (
            '  <mgt-config>\n    <users>\n      <entry name="admin">\n        <phash>',
            "$5$PanAdminHash7q$Zk0</phash>\n        <permissions>\n          <role-based>\n"
            "            <superuser>yes</superuser>\n          </role-based>\n"
            "        </permissions>\n      </entry>\n    </users>\n  </mgt-config>",
        ),
        (
            '  <shared>\n    <certificate>\n      <entry name="gp-portal">\n'
            "        <common-name>gp.lab.example</common-name>\n        <private-key>",
            "-AQ==PanPrivateKey3Q=</private-key>\n      </entry>\n    </certificate>",
        ),
        (
            '    <server-profile>\n      <radius>\n        <entry name="rad1">\n'
            '          <server>\n            <entry name="s1">\n'
            "              <ip-address>192.0.2.8</ip-address>\n              <secret>",
            "-AQ==PanRadiusSecret4=</secret>\n            </entry>\n          </server>\n"
            "        </entry>\n      </radius>\n    </server-profile>",
        ),
        (
            '    <log-settings>\n      <snmptrap>\n        <entry name="nms">\n'
            "          <version>\n            <v2c>\n              <server>\n"
            '                <entry name="nms1">\n                  <manager>192.0.2.9</manager>\n'
            "                  <community>",
            "PanTrapCommunity5</community>\n                </entry>\n              </server>\n"
            "            </v2c>\n          </version>\n        </entry>\n      </snmptrap>\n"
            "    </log-settings>\n  </shared>",
        ),
    ],
}


def _venv() -> Path:
    """Python of a venv with fakenos (paramiko<=4 stays out of the project venv)."""
    default = Path.home() / ".cache" / f"segproof-fakenos-{FAKENOS}"
    venv = Path(os.environ.get("SEGPROOF_FAKENOS_VENV", default))
    python = venv / "bin" / "python"
    if python.is_file():
        return python
    venv.parent.mkdir(parents=True, exist_ok=True)
    with open(venv.parent / f".{venv.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if python.is_file():
            return python
        tmp = venv.with_name(f".{venv.name}.tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        try:
            subprocess.run([sys.executable, "-m", "venv", str(tmp)], check=True, timeout=120)
            subprocess.run(
                [str(tmp / "bin" / "pip"), "install", "-q", f"fakenos=={FAKENOS}"],
                check=True,
                timeout=600,
                capture_output=True,
            )
        except (subprocess.SubprocessError, OSError) as exc:
            shutil.rmtree(tmp, ignore_errors=True)
            pytest.skip(f"cannot create the FakeNOS venv: {exc}")
        tmp.rename(venv)  # venv scripts keep absolute paths: only `bin/python -m` is used
    return python


def free_ports(n: int) -> list[int]:
    """n ports a plain bind() can take on 127.0.0.1 (also sees a stale FakeNOS, pitfall 5)."""
    ports: list[int] = []
    port = 21000 + (os.getpid() % 200) * 50
    while len(ports) < n:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
                ports.append(port)
            except OSError:
                pass
        port += 1
    return ports


def served_config(platform: str, text: str) -> str:
    if platform == "linux":
        return text  # ip / iptables / nft print no secrets
    lines = text.splitlines()
    names = ("hostname", "set system host-name", "#global_vdom=", "<config ")
    at = next(i for i, ln in enumerate(lines) if ln.startswith(names)) + 1
    extra = [p + s for p, s in SECRETS[platform]]
    return "\n".join(lines[:at] + extra + lines[at:])


def linux_sections(config: str) -> dict[str, str]:
    """A Linux dump (docs/linux-snapshot.md) split back into the answer of each command, with
    the Linux parser's own reader; an unavailable command is left out, so the fake device
    answers `command not found`."""
    _header, _preamble, sections = dump.split(config.splitlines())
    return {
        s.command: "\n".join(line.text for line in s.body)
        for s in sections
        if s.unavailable is None
    }


def _commands(platform: str, config: str, state: Path, skip: str = "") -> dict[str, object]:
    if platform == "linux":
        outputs = {**linux_sections(config), **render.RENDER[platform](state)}
        return {c: {"output": o} for c, o in outputs.items() if c != skip}
    config_command = CONFIG_COMMAND.get(platform, "show running-config")
    outputs = {config_command: config, **render.RENDER[platform](state)}
    return {c: {"output": o} for c, o in outputs.items() if c != skip}


@dataclass
class FakeNetwork:
    ports: dict[str, int]
    platforms: dict[str, str]

    def inventory(self, folder: Path, hosts: dict[str, int] | None = None) -> Path:
        """A SimpleInventory for ``hosts`` (name -> port; default: every fake device)."""
        folder.mkdir(parents=True, exist_ok=True)
        chosen = hosts if hosts is not None else self.ports
        data = {
            n: {
                "hostname": "127.0.0.1",
                "port": p,
                "platform": self.platforms.get(n, "cisco_ios"),
                "groups": ["eos" if self.platforms.get(n) == "arista_eos" else "ios"],
            }
            for n, p in chosen.items()
        }
        (folder / "hosts.yaml").write_text(yaml.safe_dump(data))
        (folder / "groups.yaml").write_text(yaml.safe_dump({"ios": {}, "eos": {}}))
        return folder


def _platforms(root: Path) -> dict[str, str]:
    """Platform per device of a snapshot: from topology.yml, else detected from the config."""
    topo_file = root / "topology.yml"
    topo = yaml.safe_load(topo_file.read_text()) if topo_file.is_file() else {}
    given = {
        n: d["platform"] for n, d in (topo or {}).get("devices", {}).items() if "platform" in d
    }
    out = {}
    for cfg in sorted((root / "configs").iterdir()):
        text = cfg.read_text()
        detected = "arista_eos" if "! device:" in text or "EOS-" in text else "cisco_ios"
        if text.startswith("# segproof linux dump"):
            detected = "linux"
        out[cfg.stem] = given.get(cfg.stem) or detected
    return out


@contextmanager
def serve(
    root: Path,
    work: Path,
    extras: bool = False,
    customize: Callable[[str, dict[str, Any]], None] | None = None,
) -> Iterator[FakeNetwork]:
    """FakeNOS serving every device of the snapshot at ``root`` (plus ``badauth`` and
    ``rejector`` with ``extras``) on 127.0.0.1; always stopped, by pid. ``customize(name,
    host)`` may change a device's FakeNOS inventory entry before it starts."""
    python = _venv()
    platforms = _platforms(root)
    devices = sorted(platforms)
    extra = ["badauth", "rejector"] if extras else []
    ports = dict(zip(devices + extra, free_ports(len(devices) + len(extra)), strict=True))
    hosts: dict[str, object] = {}
    for name in devices:
        platform = platforms[name]
        config = served_config(platform, (root / "configs" / f"{name}.cfg").read_text())
        cmds = _commands(platform, config, root / "state" / name)
        host: dict[str, object] = {
            "port": ports[name],
            "platform": platform,
            "nos": {"plugin": PLUGINS[platform], "configuration": {"commands": cmds}},
        }
        if platform == "juniper_junos":  # Junos prompt: user@host>
            prompt = {"base_prompt": f"{USER}@{name}"}
            host["shell"] = {"plugin": "CMDShell", "configuration": prompt}
        if platform == "linux":  # bash as root: root@host:~#
            prompt = {"base_prompt": f"root@{name}:~"}
            host["shell"] = {"plugin": "CMDShell", "configuration": prompt}
        if platform == "paloalto_panos":  # PAN-OS prompt: user@host>
            prompt = {"base_prompt": f"{USER}@{name}"}
            host["shell"] = {"plugin": "CMDShell", "configuration": prompt}
        if customize is not None:
            customize(name, host)
        hosts[name] = host
    if extras:
        acc1 = (CAMPUS / "configs" / "acc1.cfg").read_text()
        for name, password, skip in (
            ("badauth", "another-pass", ""),
            ("rejector", PASSWORD, "show mac address-table"),
        ):
            cmds = _commands("cisco_ios", acc1, CAMPUS / "state" / "acc1", skip)
            hosts[name] = {
                "port": ports[name],
                "platform": "cisco_ios",
                "password": password,
                "nos": {"plugin": PLUGINS["cisco_ios"], "configuration": {"commands": cmds}},
            }
            platforms[name] = "cisco_ios"
    server = {
        "plugin": "ParamikoSshServer",
        "configuration": {"address": "127.0.0.1", "timeout": 1},
    }
    inventory = {
        "default": {"username": USER, "password": PASSWORD, "server": server},
        "hosts": hosts,
    }
    (work / "inventory.json").write_text(json.dumps(inventory))
    ready = work / "ready.json"
    plugins = [str(HERE / "fakenos" / f"{p}.yaml") for p in (*PLUGINS.values(), *EXTRA_PLUGINS)]
    log = (work / "fakenos.log").open("w")
    proc = subprocess.Popen(
        [str(python), str(HERE / "serve.py"), str(work / "inventory.json"), str(ready), *plugins],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while not ready.is_file():
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.skip(f"FakeNOS did not start: {(work / 'fakenos.log').read_text()[-500:]}")
            time.sleep(0.1)
        served = json.loads(ready.read_text())
        yield FakeNetwork(served, platforms)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        log.close()
