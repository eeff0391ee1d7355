"""Collection through NAPALM (nornir_napalm) for the platforms whose ``collect.yaml`` has a
``napalm:`` block (docs/collect.md, "NAPALM").

Nornir opens one NAPALM connection per device (``task.host.get_connection("napalm")``, options
built by ``session.py``); getters (``napalm_get``) give the NAPALM shapes of a snapshot as they
are, commands go through the same connection's ``cli()`` (``napalm_cli``) and then the TextFSM
path of netmiko answers.

NAPALM over SSH hides refusals: an answer that is not JSON becomes ``{}`` (the EOS MAC getter
then returns an empty table) and ``% Invalid input`` is deleted from text answers. Every call
therefore returns, besides its value, what the device really printed for each command it sent
(a ``Transcript`` of the driver's netmiko session), and ``device.py`` fails the device when one
of those answers is a refusal or not JSON (fail closed, as with netmiko). Only NAPALM drivers
that talk over a netmiko session can be collected (EOS: ``transport: ssh``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from napalm.base.exceptions import UnsupportedVersion
from nornir.core.task import Task
from nornir_napalm.plugins.tasks import napalm_cli, napalm_get

from agent.collect import spec

CONNECTION = "napalm"
JSON_PIPE = " | json"  # NAPALM eos over SSH asks for eAPI-shaped JSON this way
# what a getter raises when an answer does not have the shape it reads
DATA_ERRORS = (KeyError, AttributeError, TypeError, ValueError, IndexError)
# getter arguments: only the running configuration (not the startup one)
OPTIONS: dict[str, dict[str, object]] = {"get_config": {"retrieve": "running"}}
Entry = dict[str, object]
Shaped = list[Entry] | dict[str, list[Entry]] | str


@dataclass(frozen=True, slots=True)
class Answer:
    """What the device printed for one command of the session."""

    command: str
    text: str

    @property
    def is_json(self) -> bool:
        return self.command.endswith(JSON_PIPE)


@dataclass(slots=True)
class Transcript:
    answers: list[Answer] = field(default_factory=list)

    def since(self, mark: int) -> list[Answer]:
        return self.answers[mark:]


@dataclass(frozen=True, slots=True)
class Reply:
    value: Any
    answers: list[Answer]


class GetterError(Exception):
    """A getter (or opening the connection) could not read the device's answers."""

    def __init__(self, what: str, answers: list[Answer], exc: BaseException) -> None:
        self.answers = answers
        super().__init__(f"{what}: {type(exc).__name__}: {exc}")


def _watch(driver: Any) -> Transcript:
    """The transcript of the driver's netmiko session: its ``send_command`` is wrapped once
    (per session: a reopened connection is a new session)."""
    conn = getattr(driver, "device", None)
    if conn is None or not callable(getattr(conn, "send_command", None)):
        # eAPI/HTTPS and the like: refusals could not be seen (an error, not a bad answer)
        raise NotImplementedError("NAPALM: only drivers over an SSH (netmiko) session")
    found = getattr(conn, "_segproof_transcript", None)
    if isinstance(found, Transcript):
        return found
    transcript = Transcript()
    send: Callable[..., Any] = conn.send_command

    def send_command(command_string: str, *args: Any, **kwargs: Any) -> Any:
        out = send(command_string, *args, **kwargs)
        transcript.answers.append(Answer(command_string, out if isinstance(out, str) else ""))
        return out

    conn.send_command = send_command
    conn._segproof_transcript = transcript
    return transcript


def _session(task: Task) -> Transcript:
    """Open (or reuse) the host's NAPALM connection through Nornir."""
    try:
        driver = task.host.get_connection(CONNECTION, task.nornir.config)
    except DATA_ERRORS as exc:  # open() read `show version | json` and did not understand it
        raise GetterError("NAPALM open()", [], exc) from exc
    except UnsupportedVersion as exc:  # its message is the repr of a version object
        version = getattr(exc.args[0], "version", exc.args[0]) if exc.args else "?"
        raise UnsupportedVersion(f"version {version} is too old for NAPALM's driver") from exc
    return _watch(driver)


def get(task: Task, getter: str) -> Reply:
    """One getter's result (``get_config``: the running configuration text)."""
    transcript = _session(task)
    mark = len(transcript.answers)
    try:
        result = napalm_get(
            task, getters=[getter], getters_options={getter: OPTIONS.get(getter, {})}
        )
    except DATA_ERRORS as exc:
        raise GetterError(getter, transcript.since(mark), exc) from exc
    value = result.result[getter]
    if getter == "get_config":
        value = value["running"]
    return Reply(value, transcript.since(mark))


def cli(task: Task, command: str) -> Reply:
    """A CLI command's text answer (NAPALM's ``cli()``: ``% Invalid input`` is removed from it;
    the transcript keeps it)."""
    transcript = _session(task)
    mark = len(transcript.answers)
    result = napalm_cli(task, commands=[command])
    return Reply(str(result.result[command]), transcript.since(mark))


def _entries(value: object) -> list[Entry]:
    if not isinstance(value, list) or not all(isinstance(e, dict) for e in value):
        raise ValueError("the getter did not return a list of entries")
    return [dict(e) for e in value]


def shaped(kind: spec.Kind, value: object) -> Shaped:
    """A getter's result checked against the snapshot shape of ``kind``; ARP/NDP interfaces
    keep their first name (EOS: ``Vlan21, Ethernet3`` -> ``Vlan21``, as with TextFSM)."""
    if kind == "config":
        if not isinstance(value, str):
            raise ValueError("the configuration is not text")
        return value
    if kind == "lldp":
        if not isinstance(value, dict):
            raise ValueError("the getter did not return a table per interface")
        return {str(k): _entries(v) for k, v in value.items()}
    entries = _entries(value)
    if kind in ("arp", "ndp"):
        for e in entries:
            e["interface"] = str(e.get("interface", "")).split(",", 1)[0].strip()
    return entries
