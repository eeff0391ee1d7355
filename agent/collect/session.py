"""``run``: collect every device of a Nornir SimpleInventory into a new snapshot folder.

Exit codes for the CLI: ``EXIT_OK`` (0) every device collected; ``EXIT_PARTIAL`` (5) the
snapshot was written but at least one device failed (see ``meta.json``); bad input raises
``InputError`` (2) before any device is contacted.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import yaml
from nornir import InitNornir
from nornir.core import Nornir
from nornir.core.inventory import ConnectionOptions

from agent import __version__
from agent.collect import device, napalm_driver, redact, spec
from agent.collect.credentials import CredentialSet
from agent.errors import InputError
from agent.models.snapshot import Topology

EXIT_OK, EXIT_PARTIAL = 0, 5
CONNECTION = "netmiko"


@dataclass(frozen=True, slots=True)
class CollectResult:
    out: Path
    records: dict[str, device.DeviceRecord]
    seconds: float

    @property
    def failed(self) -> list[device.DeviceRecord]:
        return [r for r in self.records.values() if r.status != "ok"]

    @property
    def exit_code(self) -> int:
        return EXIT_PARTIAL if self.failed else EXIT_OK


def _nornir(inventory_dir: Path, workers: int) -> Nornir:
    hosts = inventory_dir / "hosts.yaml"
    if not hosts.is_file():
        raise InputError("no hosts.yaml (a Nornir SimpleInventory folder)", where=str(hosts))
    try:
        return InitNornir(
            runner={"plugin": "threaded", "options": {"num_workers": workers}},
            inventory={
                "plugin": "SimpleInventory",
                "options": {
                    "host_file": str(hosts),
                    "group_file": str(inventory_dir / "groups.yaml"),
                    "defaults_file": str(inventory_dir / "defaults.yaml"),
                },
            },
            logging={"enabled": False},
        )
    except (yaml.YAMLError, TypeError, ValueError, KeyError, AttributeError) as exc:
        raise InputError(f"invalid inventory: {exc}", where=str(inventory_dir)) from exc


def _prepare(
    nr: Nornir, credentials: CredentialSet, timeout: float, inv: Path, known_hosts: Path | None
) -> None:
    supported = spec.platforms()
    if not nr.inventory.hosts:
        raise InputError("the inventory has no hosts", where=str(inv / "hosts.yaml"))
    for name, host in nr.inventory.hosts.items():
        if host.platform not in supported:
            raise InputError(
                f"{name}: platform {host.platform!r} cannot be collected",
                where=str(inv / "hosts.yaml"),
                hint=f"platform is the netmiko device_type: {', '.join(supported)}",
            )
        creds = credentials.for_host(name, [g.name for g in host.groups])
        host.username = creds.username
        host.password = creds.password
        old = host.connection_options.get(CONNECTION)
        extras = dict(old.extras or {}) if old is not None else {}
        extras.update(
            {
                "secret": creds.secret,
                "conn_timeout": timeout,
                "auth_timeout": timeout,
                "banner_timeout": timeout,
                "allow_agent": False,
                "use_keys": False,
            }
        )
        if known_hosts is not None:
            extras.update(
                {
                    "ssh_strict": True,
                    "system_host_keys": False,
                    "alt_host_keys": True,
                    "alt_key_file": str(known_hosts),
                }
            )
        host.connection_options[CONNECTION] = ConnectionOptions(
            hostname=old.hostname if old else None,
            port=old.port if old else None,
            username=None,
            password=None,
            platform=old.platform if old else None,
            extras=extras,
        )
        napalm = spec.load(str(host.platform)).napalm
        if napalm is not None:
            host.connection_options[napalm_driver.CONNECTION] = _napalm_options(
                host.connection_options.get(napalm_driver.CONNECTION), napalm, extras, timeout
            )


def _napalm_options(
    old: ConnectionOptions | None,
    napalm: spec.Napalm,
    netmiko_extras: dict[str, object],
    timeout: float,
) -> ConnectionOptions:
    """nornir_napalm's options: the driver named in collect.yaml; its ``optional_args`` are
    the inventory's, then collect.yaml's (``transport: ssh``), then the very netmiko options
    above (enable secret, timeouts, no agent or keys, ``--known-hosts`` strict checking):
    NAPALM hands netmiko's arguments to the netmiko session it talks over."""
    old_extras = dict(old.extras or {}) if old is not None else {}
    optional = dict(old_extras.get("optional_args") or {})
    optional.update(napalm.optional_args)
    optional.update(netmiko_extras)
    optional["read_timeout_override"] = timeout  # getters send their commands without one
    return ConnectionOptions(
        hostname=old.hostname if old else None,
        port=old.port if old else None,
        username=None,
        password=None,
        platform=napalm.driver,
        extras={**old_extras, "timeout": timeout, "optional_args": optional},
    )


def _topology(inventory_dir: Path, platforms: dict[str, str]) -> str:
    """The inventory folder's optional ``topology.yml`` (what tables cannot show), with each
    collected host's platform added."""
    data: dict[str, object] = {}
    path = inventory_dir / "topology.yml"
    if path.is_file():
        loaded = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        Topology.model_validate(loaded)  # fail before writing
        data = dict(loaded)
    devices = dict(data.get("devices") or {})  # type: ignore[call-overload]
    for host, platform in sorted(platforms.items()):
        devices.setdefault(host, {"platform": platform})
    data["devices"] = devices
    return yaml.safe_dump(data, sort_keys=False)


def check_target(out: Path, force: bool) -> None:
    if out.exists() and not out.is_dir():
        raise InputError("exists and is not a folder", where=str(out))
    if out.is_dir() and any(out.iterdir()) and not force:
        raise InputError(
            "exists and is not empty (nothing is overwritten)", where=str(out), hint="--force"
        )


def write(out: Path, files: dict[str, str]) -> None:
    """Everything into a temporary sibling, then one rename; an old folder (``--force``) is
    moved aside first and removed only after the new one is in place."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    old: Path | None = None
    try:
        for rel, text in files.items():
            path = tmp / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old.", dir=out.parent))
            os.replace(out, old / "snapshot")
        os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if old is not None and not out.exists():
            os.replace(old / "snapshot", out)
        raise
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


def run(
    inventory_dir: Path,
    out: Path,
    *,
    credentials: CredentialSet,
    workers: int = 10,
    timeout: float = 30.0,
    retries: int = 2,
    force: bool = False,
    backoff: float = 1.0,
    known_hosts: Path | None = None,
    on_device: Callable[[device.DeviceRecord], None] | None = None,
) -> CollectResult:
    """Collect every device of the inventory into a new snapshot folder ``out``.

    ``known_hosts``: check each device's SSH host key strictly against this OpenSSH
    ``known_hosts`` file (a device with an unknown or different key fails with reason
    ``hostkey``). Without it, keys are accepted as presented (paramiko's default): use it
    wherever a man in the middle is possible."""
    if workers < 1 or timeout <= 0 or retries < 0:
        raise InputError("workers >= 1, timeout > 0 and retries >= 0 are required")
    check_target(out, force)
    if known_hosts is not None and not known_hosts.is_file():
        raise InputError("known_hosts file not found", where=str(known_hosts))
    nr = _nornir(inventory_dir, workers)
    _prepare(nr, credentials, timeout, inventory_dir, known_hosts)
    started = datetime.now(UTC)
    clock = time.monotonic()
    task = partial(
        device.collect,
        timeout=timeout,
        retries=retries,
        backoff=backoff,
        secrets=credentials.values(),
        on_done=on_device,
    )
    results = nr.run(task=task, name="segproof collect", raise_on_error=False)
    outputs: dict[str, device.DeviceOutput] = {}
    for name, multi in results.items():
        value = multi[0].result
        if not isinstance(value, device.DeviceOutput):  # Nornir itself failed around our task
            err = redact_message(multi[0].exception, credentials)
            record = device.DeviceRecord(
                name, str(nr.inventory.hosts[name].platform), "failed", "error", err
            )
            value = device.DeviceOutput(record)
        outputs[name] = value
    seconds = time.monotonic() - clock
    records = {n: outputs[n].record for n in sorted(outputs)}
    files: dict[str, str] = {}
    for name in sorted(outputs):
        if outputs[name].record.status == "ok":
            files.update(outputs[name].files)
    meta = {
        "tool": f"segproof {__version__} collect",
        "started": started.isoformat(timespec="seconds"),
        "seconds": round(seconds, 2),
        "inventory": str(inventory_dir.resolve()),
        "devices": {n: r.to_json() for n, r in records.items()},
        "summary": {
            "devices": len(records),
            "ok": sum(r.status == "ok" for r in records.values()),
            "failed": sum(r.status != "ok" for r in records.values()),
        },
    }
    files["meta.json"] = json.dumps(meta, indent=2) + "\n"
    ok_platforms = {n: r.platform for n, r in records.items() if r.status == "ok"}
    files["topology.yml"] = _topology(inventory_dir, ok_platforms)
    check_target(out, force)
    write(out, files)
    return CollectResult(out, records, seconds)


def redact_message(exc: BaseException | None, credentials: CredentialSet) -> str:
    return redact.scrub(
        f"{type(exc).__name__}: {exc}" if exc else "unknown failure", credentials.values()
    )
