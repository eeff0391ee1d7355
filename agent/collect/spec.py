"""Per-platform collection commands, read from ``agent/vendors/<platform>/collect.yaml``.

A platform is collected with one driver: netmiko ``send_command`` by default, or NAPALM when
its ``collect.yaml`` has a ``napalm:`` block; then its entries may name a NAPALM ``getter``
instead of a ``command`` (docs/collect.md, "NAPALM").
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from agent.errors import InputError

VENDORS = Path(__file__).resolve().parent.parent / "vendors"
TEMPLATES = Path(__file__).resolve().parent / "templates"
# config: the device's configuration (one command, redacted); section: one of several answers
# stored, each under a header, in one configuration file (Linux, docs/linux-snapshot.md);
# arp/ndp/mac/lldp/routes: tables mapped to NAPALM shapes; text: kept as it is
Kind = Literal["config", "section", "arp", "ndp", "mac", "lldp", "routes", "text"]
# the NAPALM getters an entry may name, with the one kind each one's result is stored as (their
# results are already the NAPALM shapes of a snapshot; get_config's ``running`` text is a config)
GETTERS: dict[str, Kind] = {
    "get_config": "config",
    "get_arp_table": "arp",
    "get_ipv6_neighbors_table": "ndp",
    "get_mac_address_table": "mac",
    "get_lldp_neighbors": "lldp",
}


class Command(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    # exactly one of: a CLI command (netmiko send_command, or NAPALM cli() on a NAPALM
    # platform) or a NAPALM getter (a NAPALM platform only)
    command: str | None = None
    getter: str | None = None
    kind: Kind
    file: str  # relative to the snapshot, "{host}" replaced
    fields: dict[str, str] = Field(default_factory=dict)  # NAPALM key -> TextFSM field
    template: str | None = None  # our own TextFSM file in agent/collect/templates/
    empty: list[str] = Field(default_factory=list)  # header lines of an empty answer
    # the answer is JSON (``ip -j``, ``bridge -j``), mapped by this shaper in shape.JSON
    json_shape: str | None = None
    # a device may lack this command (a tool that is not installed): its answer is then kept
    # as an "unavailable" section instead of failing the device (section kind only)
    optional: bool = False

    @model_validator(mode="after")
    def _one_source(self) -> Command:
        if (self.command is None) == (self.getter is None):
            raise ValueError("an entry has either `command` or `getter`")
        if self.getter is not None:
            if self.getter not in GETTERS:
                raise ValueError(f"unknown getter {self.getter!r} (known: {', '.join(GETTERS)})")
            if GETTERS[self.getter] != self.kind:
                raise ValueError(f"{self.getter} gives kind {GETTERS[self.getter]!r}")
            if self.fields or self.template or self.empty or self.json_shape:
                raise ValueError(
                    f"{self.getter}: fields/template/empty/json_shape are for commands"
                )
        return self

    @property
    def label(self) -> str:
        """The command or the getter, for messages."""
        return self.command if self.command is not None else f"{self.getter}()"

    def path(self, host: str) -> str:
        return self.file.format(host=host)

    def template_path(self) -> str | None:
        return str(TEMPLATES / self.template) if self.template else None

    def is_empty_answer(self, text: str) -> bool:
        """True when every non-blank line of ``text`` is a header of an empty table."""
        patterns = [re.compile(p) for p in self.empty]
        lines = [ln for ln in text.splitlines() if ln.strip()]
        return all(any(p.search(ln) for p in patterns) for ln in lines)


class Napalm(BaseModel):
    """The NAPALM driver of a platform and its ``optional_args`` (``transport: ssh`` for EOS)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    driver: str
    optional_args: dict[str, object] = Field(default_factory=dict)


class PlatformSpec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    redact: str
    commands: list[Command]
    # collected through NAPALM (one session per device: getters, and cli() for commands)
    napalm: Napalm | None = None
    # what this platform prints for a command it refuses (regular expressions, multiline),
    # besides the IOS-style ``% Invalid input`` family every platform shares
    rejected: list[str] = Field(default_factory=list)
    # first line of a configuration file assembled from sections
    header: str | None = None

    @model_validator(mode="after")
    def _getters_need_napalm(self) -> PlatformSpec:
        getters = [c.getter for c in self.commands if c.getter is not None]
        if getters and self.napalm is None:
            raise ValueError(f"getters {getters} need a `napalm:` driver")
        return self

    @property
    def driver(self) -> str:
        """How the platform is collected, as ``meta.json`` records it."""
        return f"napalm {self.napalm.driver}" if self.napalm else "netmiko"

    def is_rejected(self, text: str) -> bool:
        return any(re.search(p, text, re.MULTILINE | re.IGNORECASE) for p in self.rejected)


def platforms() -> list[str]:
    return sorted(p.parent.name for p in VENDORS.glob("*/collect.yaml"))


@cache
def load(platform: str) -> PlatformSpec:
    path = VENDORS / platform / "collect.yaml"
    if not path.is_file():
        raise InputError(
            f"platform {platform!r} cannot be collected yet",
            hint=f"supported: {', '.join(platforms())}",
        )
    return PlatformSpec.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
