"""sshd inside a device namespace, as lab.sh runs it (pure: file contents and the command).

* own UTS namespace, so the device's prompt is ``root@<name>:~#`` (the host's name is untouched);
* ``sshd_config``, host key and pid file in the lab folder; password authentication for root
  with a per-run password, ``UsePAM no``, ``UseDNS no``, no forwarding, no systemd;
* ``passwd``/``shadow``/``group`` in ``/etc/netns/<ns>/``: ``ip netns exec`` bind-mounts them
  over ``/etc``, so the host's accounts are never read or changed.
"""

from __future__ import annotations

import shlex
from pathlib import Path

SSHD = "/usr/sbin/sshd"
PRIVSEP_DIR = Path("/run/sshd")  # compiled into Debian's sshd; shared by every instance


def config(listen: str, folder: Path) -> str:
    return (
        f"ListenAddress {listen}:22\n"
        f"HostKey {folder / 'ssh_host_ed25519_key'}\n"
        f"PidFile {folder / 'sshd.pid'}\n"
        "PermitRootLogin yes\n"
        "PasswordAuthentication yes\n"
        "KbdInteractiveAuthentication no\n"
        "PubkeyAuthentication no\n"
        "AuthorizedKeysFile none\n"
        "UsePAM no\n"
        "UseDNS no\n"
        "PermitTTY yes\n"
        "PrintMotd no\n"
        "PrintLastLog no\n"
        "X11Forwarding no\n"
        "AllowTcpForwarding no\n"
        "AllowAgentForwarding no\n"
        "PermitTunnel no\n"
        "MaxAuthTries 3\n"
        "MaxStartups 20:50:40\n"
        "LoginGraceTime 15\n"
        "ClientAliveInterval 30\n"
    )


def accounts(password_hash: str, home: Path) -> dict[str, str]:
    """Minimal ``passwd``, ``shadow`` and ``group`` for one device namespace."""
    return {
        "passwd": (
            f"root:x:0:0:root:{home}:/bin/bash\n"
            "sshd:x:100:65534::/run/sshd:/usr/sbin/nologin\n"
            "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"
        ),
        "shadow": (
            f"root:{password_hash}:19000:0:99999:7:::\n"
            "sshd:*:19000:0:99999:7:::\n"
            "nobody:*:19000:0:99999:7:::\n"
        ),
        "group": "root:x:0:\nnogroup:x:65534:\n",
    }


def command(hostname: str, config_file: Path) -> tuple[str, ...]:
    """Run inside the device namespace; execs into sshd (the started PID is sshd itself)."""
    inner = (
        f"hostname {shlex.quote(hostname)} && exec {SSHD} -D -e -f {shlex.quote(str(config_file))}"
    )
    return ("unshare", "--uts", "/bin/sh", "-c", inner)
