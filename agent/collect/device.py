"""One device: send the platform's commands over netmiko (via nornir_netmiko), or through its
NAPALM driver (``napalm_driver.py``) when its ``collect.yaml`` names one, and turn every answer
into a snapshot file. This is the per-device boundary: any exception from netmiko, NAPALM,
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

from napalm.base.exceptions import (
    CommandErrorException,
    CommandTimeoutException,
    ConnectAuthError,
    ConnectTimeoutError,
)
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

from agent.collect import napalm_driver, redact, shape, spec
from agent.models.snapshot import SECTION, UNAVAILABLE

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
    reason: str = ""  # "" | auth | hostkey | timeout | refused | rejected | unparsed | error
    message: str = ""
    attempts: int = 0
    seconds: float = 0.0
    files: tuple[str, ...] = ()
    driver: str = ""  # "netmiko" | "napalm <driver>" (spec.PlatformSpec.driver)

    def to_json(self) -> dict[str, object]:
        return {
            "platform": self.platform,
            "driver": self.driver or None,
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
    auth = (NetmikoAuthenticationException, AuthenticationException, ConnectAuthError)
    if any(isinstance(e, auth) for e in chain):
        return "auth"
    refused = (ConnectionRefusedError, NoValidConnectionsError)
    if any(isinstance(e, refused) for e in chain) or "refused" in text:
        return "refused"
    timeouts = (
        NetmikoTimeoutException,
        TimeoutError,
        socket.timeout,
        ConnectTimeoutError,
        CommandTimeoutException,
    )
    if any(isinstance(e, timeouts) for e in chain):
        return "timeout"
    slow = "banner" in text or "timed out" in text
    if slow and any(isinstance(e, SSHException) for e in chain):
        return "timeout"
    if any(isinstance(e, napalm_driver.GetterError) for e in chain):
        return "unparsed"  # a getter could not read an answer (not retried)
    # NAPALM's cli() raises CommandErrorException for whatever went wrong with a command; the
    # device refused it only when it says so (eAPI: `Invalid command`)
    napalm_refused = "invalid command" in text or "invalid input" in text
    if napalm_refused and any(isinstance(e, CommandErrorException) for e in chain):
        return "rejected"
    # the rest (NAPALM: ConnectionClosedException, UnsupportedVersion, ...) is an error
    return "error"


@dataclass(frozen=True, slots=True)
class Unavailable:
    """An optional command the device does not have (its first answer line)."""

    said: str


def _refused(text: str, platform: spec.PlatformSpec) -> bool:
    return bool(REJECTED.search(text)) or platform.is_rejected(text)


def _answer(
    task: Task, command: spec.Command, platform: spec.PlatformSpec, timeout: float
) -> str | Unavailable:
    assert command.command is not None
    if platform.napalm is not None:
        # through the device's one NAPALM session; the refusal check reads what the device
        # printed (NAPALM's cli() deletes `% Invalid input` from its answer)
        reply = napalm_driver.cli(task, command.command)
        result = str(reply.value)
        printed = "\n".join(a.text for a in reply.answers)
    else:
        kwargs: dict[str, Any] = {"read_timeout": timeout}
        params = task.host.get_connection_parameters("netmiko")
        if (params.extras or {}).get("secret"):
            # privileged mode with the enable secret (a no-op when the login is already there)
            kwargs["enable"] = True
        result = str(netmiko_send_command(task, command_string=command.command, **kwargs).result)
        printed = result
    if _refused(printed, platform):
        if command.optional:
            said = next((ln.strip() for ln in printed.splitlines() if ln.strip()), "no answer")
            return Unavailable(said)
        raise CommandError("rejected", f"{command.command!r} rejected by the device")
    return result


def _check_answers(
    answers: list[napalm_driver.Answer], platform: spec.PlatformSpec, label: str
) -> None:
    """Fail a getter whose commands the device refused or answered with something that is
    not eAPI JSON (NAPALM over SSH would read such an answer as an empty table)."""
    for answer in answers:
        if _refused(answer.text, platform):
            raise CommandError("rejected", f"{label}: {answer.command!r} rejected by the device")
        if not answer.is_json:
            continue
        try:
            value = json.loads(answer.text)
        except json.JSONDecodeError:
            raise CommandError(
                "unparsed", f"{label}: the answer to {answer.command!r} is not JSON"
            ) from None
        if isinstance(value, dict) and value.get("errors"):
            raise CommandError("rejected", f"{label}: {answer.command!r}: {value['errors']}")


def _getter(task: Task, command: spec.Command, platform: spec.PlatformSpec) -> napalm_driver.Shaped:
    """A NAPALM getter's result, checked against what the device printed and against the
    snapshot shape of the entry's kind."""
    assert command.getter is not None
    try:
        reply = napalm_driver.get(task, command.getter)
    except napalm_driver.GetterError as exc:
        _check_answers(exc.answers, platform, command.label)
        raise CommandError("unparsed", str(exc)) from None
    _check_answers(reply.answers, platform, command.label)
    try:
        return napalm_driver.shaped(command.kind, reply.value)
    except ValueError as exc:
        raise CommandError("unparsed", f"{command.label}: {exc}") from None


def _section(files: dict[str, str], path: str, header: str | None, title: str, body: str) -> None:
    text = files.get(path)
    if text is None:
        text = f"{header}\n" if header else ""
    body = body.rstrip()
    files[path] = f"{text}{SECTION}{title}\n" + (f"{body}\n" if body else "")


def _table(platform_name: str, command: spec.Command, answer: str) -> shape.JsonValue:
    """A table answer in its NAPALM shape; ``CommandError`` when it cannot be read whole."""
    if command.json_shape is not None:
        try:
            return shape.from_json(answer, command)
        except ValueError as exc:
            raise CommandError("unparsed", f"{command.command!r}: {exc}") from None
    assert command.command is not None
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


def _drop_table(path: str, tables: dict[str, shape.JsonValue], skipped: set[str]) -> None:
    """An optional table not read whole is not stored at all, not even the part other commands
    gave: the verifier keeps its over-approximation (routes) rather than trusting part of it."""
    tables.pop(path, None)
    skipped.add(path)


def _files(task: Task, platform: spec.PlatformSpec, timeout: float) -> dict[str, str]:
    host = task.host.name
    name = str(task.host.platform)
    files: dict[str, str] = {}
    tables: dict[str, shape.JsonValue] = {}
    skipped: set[str] = set()
    for command in platform.commands:
        path = command.path(host)
        if command.getter is not None:
            try:
                got = _getter(task, command, platform)
            except CommandError:
                if not command.optional:
                    raise
                _drop_table(path, tables, skipped)
                continue
            if isinstance(got, str):  # get_config: the running configuration
                files[path] = redact.redact(got, platform.redact).rstrip() + "\n"
            else:
                tables[path] = shape.merge(tables.get(path), got)
            continue
        answer = _answer(task, command, platform, timeout)
        if not isinstance(answer, Unavailable) and command.kind in shape.SHAPERS:
            try:
                tables[path] = shape.merge(tables.get(path), _table(name, command, answer))
            except CommandError:
                if not command.optional:
                    raise
                _drop_table(path, tables, skipped)
            continue
        if isinstance(answer, Unavailable):
            if command.kind == "section":
                _section(files, path, platform.header, command.label, UNAVAILABLE + answer.said)
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
                command.label,
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
    for connection in ("netmiko", napalm_driver.CONNECTION):
        if connection in task.host.connections:
            with contextlib.suppress(Exception):  # closing a broken session: nothing to report
                task.host.close_connection(connection)


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
    driver = ""
    while True:
        attempts += 1
        try:
            platform = spec.load(platform_name)
            driver = platform.driver
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
                host,
                platform_name,
                "failed",
                reason,
                message,
                attempts,
                time.monotonic() - start,
                driver=driver,
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
            driver=driver,
        )
        return Result(host=task.host, result=DeviceOutput(record, files))
