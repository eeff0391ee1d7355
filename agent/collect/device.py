"""One device: send the platform's commands over netmiko (via nornir_netmiko) and turn every
answer into a snapshot file. This is the per-device boundary: any exception from netmiko,
paramiko or Nornir becomes a ``DeviceRecord`` value here and nowhere else."""

from __future__ import annotations

import contextlib
import json
import re
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from netmiko.exceptions import NetmikoAuthenticationException, NetmikoTimeoutException
from netmiko.utilities import get_structured_data_textfsm
from nornir.core.task import Result, Task
from nornir_netmiko.tasks import netmiko_send_command
from paramiko.ssh_exception import (
    AuthenticationException,
    BadHostKeyException,
    NoValidConnectionsError,
    SSHException,
)

from agent.collect import redact, shape, spec

TRANSIENT = frozenset({"timeout", "refused"})
REJECTED = re.compile(
    r"^\s*% ?(?:Invalid input|Incomplete command|Ambiguous command|Unknown command|"
    r"Unrecognized command|Invalid command)"
    r"|^\s*(?:unknown command\.|syntax error(?:, expecting|\.|$))",  # Junos
    re.MULTILINE | re.IGNORECASE,
)


class CommandError(Exception):
    """The device answered, but not usably: not retried."""

    def __init__(self, reason: str, message: str) -> None:
        self.reason = reason
        super().__init__(message)


@dataclass(frozen=True, slots=True)
class DeviceRecord:
    host: str
    platform: str
    status: str  # "ok" | "failed"
    reason: str = ""  # "" | auth | timeout | refused | rejected | unparsed | error
    message: str = ""
    attempts: int = 0
    seconds: float = 0.0
    files: tuple[str, ...] = ()

    def to_json(self) -> dict[str, object]:
        return {
            "platform": self.platform,
            "status": self.status,
            "reason": self.reason or None,
            "message": self.message or None,
            "attempts": self.attempts,
            "seconds": round(self.seconds, 2),
            "files": list(self.files),
        }


@dataclass(frozen=True, slots=True)
class DeviceOutput:
    record: DeviceRecord
    files: dict[str, str] = field(default_factory=dict, repr=False)


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    cur: BaseException | None = exc
    while cur is not None and cur not in seen:
        seen.append(cur)
        cur = cur.__cause__ or cur.__context__
    return seen


def classify(exc: BaseException) -> str:
    """The failure reason of an exception raised while talking to a device."""
    chain = _chain(exc)
    text = " ".join(str(e) for e in chain).lower()
    if isinstance(exc, CommandError):
        return exc.reason
    if any(isinstance(e, BadHostKeyException) for e in chain) or "known_hosts" in text:
        return "hostkey"
    if any(isinstance(e, NetmikoAuthenticationException | AuthenticationException) for e in chain):
        return "auth"
    refused = (ConnectionRefusedError, NoValidConnectionsError)
    if any(isinstance(e, refused) for e in chain) or "refused" in text:
        return "refused"
    if any(isinstance(e, NetmikoTimeoutException | TimeoutError | socket.timeout) for e in chain):
        return "timeout"
    slow = "banner" in text or "timed out" in text
    if slow and any(isinstance(e, SSHException) for e in chain):
        return "timeout"
    return "error"


@dataclass(frozen=True, slots=True)
class Unavailable:
    """An optional command the device does not have (its first answer line)."""

    said: str


def _answer(
    task: Task, command: spec.Command, platform: spec.PlatformSpec, timeout: float
) -> str | Unavailable:
    kwargs: dict[str, Any] = {"read_timeout": timeout}
    params = task.host.get_connection_parameters("netmiko")
    if (params.extras or {}).get("secret"):
        # privileged mode with the enable secret (a no-op when the login is already there)
        kwargs["enable"] = True
    result = str(netmiko_send_command(task, command_string=command.command, **kwargs).result)
    if REJECTED.search(result) or platform.is_rejected(result):
        if command.optional:
            said = next((ln.strip() for ln in result.splitlines() if ln.strip()), "no answer")
            return Unavailable(said)
        raise CommandError("rejected", f"{command.command!r} rejected by the device")
    return result


def _section(files: dict[str, str], path: str, header: str | None, title: str, body: str) -> None:
    text = files.get(path)
    if text is None:
        text = f"{header}\n" if header else ""
    body = body.rstrip()
    files[path] = f"{text}{spec.SECTION}{title}\n" + (f"{body}\n" if body else "")


def _table(platform_name: str, command: spec.Command, answer: str) -> shape.JsonValue:
    """A table answer in its NAPALM shape; ``CommandError`` when it cannot be read whole."""
    if command.json_shape is not None:
        try:
            return shape.from_json(answer, command)
        except ValueError as exc:
            raise CommandError("unparsed", f"{command.command!r}: {exc}") from None
    rows = get_structured_data_textfsm(
        answer, platform=platform_name, command=command.command, template=command.template_path()
    )
    if isinstance(rows, str) or not rows:
        if not command.is_empty_answer(answer):
            raise CommandError(
                "unparsed", f"{command.command!r}: answer not understood (no TextFSM rows)"
            )
        return shape.empty(command)
    value = shape.run([dict(row) for row in rows], command)
    missed = shape.missed_routes(answer, value) if command.kind == "routes" else []
    if missed:
        raise CommandError(
            "unparsed", f"{command.command!r}: the template missed {', '.join(missed[:3])}"
        )
    return value


def _files(task: Task, platform: spec.PlatformSpec, timeout: float) -> dict[str, str]:
    host = task.host.name
    name = str(task.host.platform)
    files: dict[str, str] = {}
    tables: dict[str, shape.JsonValue] = {}
    skipped: set[str] = set()
    for command in platform.commands:
        answer = _answer(task, command, platform, timeout)
        path = command.path(host)
        if not isinstance(answer, Unavailable) and command.kind in shape.SHAPERS:
            try:
                tables[path] = shape.merge(tables.get(path), _table(name, command, answer))
            except CommandError:
                if not command.optional:
                    raise
                # an optional table not read whole is not collected: the verifier keeps its
                # over-approximation (routes) rather than trusting part of a table
                tables.pop(path, None)
                skipped.add(path)
            continue
        if isinstance(answer, Unavailable):
            if command.kind == "section":
                _section(
                    files, path, platform.header, command.command, spec.UNAVAILABLE + answer.said
                )
            continue  # an optional table the device cannot print: not collected
        if command.kind == "config":
            assert isinstance(answer, str)
            files[path] = redact.redact(answer, platform.redact).rstrip() + "\n"
        elif command.kind == "section":
            assert isinstance(answer, str)
            _section(
                files,
                path,
                platform.header,
                command.command,
                redact.redact(answer, platform.redact),
            )
        else:
            files[path] = answer
    for path, value in tables.items():
        if path in skipped:
            continue
        files[path] = json.dumps(value, indent=2, sort_keys=True) + "\n"
    return files


def _close(task: Task) -> None:
    with contextlib.suppress(Exception):  # closing a broken session: nothing to report
        task.host.close_connection("netmiko")


def collect(
    task: Task,
    *,
    timeout: float,
    retries: int,
    backoff: float,
    secrets: list[str],
    sleep: Callable[[float], None] = time.sleep,
    on_done: Callable[[DeviceRecord], None] | None = None,
) -> Result:
    """Nornir task: collect one device; the result is a ``DeviceOutput`` whatever happens.
    ``on_done`` is told each device's record as soon as it is known (progress display)."""
    result = _collect(
        task, timeout=timeout, retries=retries, backoff=backoff, secrets=secrets, sleep=sleep
    )
    if on_done is not None:
        on_done(result.result.record)
    return result


def _collect(
    task: Task,
    *,
    timeout: float,
    retries: int,
    backoff: float,
    secrets: list[str],
    sleep: Callable[[float], None],
) -> Result:
    host = task.host.name
    platform_name = str(task.host.platform)
    start = time.monotonic()
    attempts = 0
    while True:
        attempts += 1
        try:
            platform = spec.load(platform_name)
            files = _files(task, platform, timeout)
        except Exception as exc:  # the per-device boundary (STYLE §5)
            reason = classify(exc)
            _close(task)
            if reason in TRANSIENT and attempts <= retries:
                sleep(backoff * 2 ** (attempts - 1))
                continue
            message = redact.scrub(f"{type(exc).__name__}: {exc}".strip(), secrets)
            message = message.splitlines()[0] if message else reason
            record = DeviceRecord(
                host, platform_name, "failed", reason, message, attempts, time.monotonic() - start
            )
            return Result(host=task.host, result=DeviceOutput(record))
        _close(task)
        record = DeviceRecord(
            host,
            platform_name,
            "ok",
            attempts=attempts,
            seconds=time.monotonic() - start,
            files=tuple(sorted(files)),
        )
        return Result(host=task.host, result=DeviceOutput(record, files))
