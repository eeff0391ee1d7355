"""Per-platform collection commands, read from ``agent/vendors/<platform>/collect.yaml``."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from agent.errors import InputError

VENDORS = Path(__file__).resolve().parent.parent / "vendors"
TEMPLATES = Path(__file__).resolve().parent / "templates"
# config: the device's configuration (one command, redacted); section: one of several answers
# stored, each under a header, in one configuration file (Linux, docs/linux-snapshot.md);
# arp/ndp/mac/lldp/routes: tables mapped to NAPALM shapes; text: kept as it is
Kind = Literal["config", "section", "arp", "ndp", "mac", "lldp", "routes", "text"]
SECTION = "#### segproof-section: "
UNAVAILABLE = "#### segproof-unavailable: "


class Command(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    command: str
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

    def path(self, host: str) -> str:
        return self.file.format(host=host)

    def template_path(self) -> str | None:
        return str(TEMPLATES / self.template) if self.template else None

    def is_empty_answer(self, text: str) -> bool:
        """True when every non-blank line of ``text`` is a header of an empty table."""
        patterns = [re.compile(p) for p in self.empty]
        lines = [ln for ln in text.splitlines() if ln.strip()]
        return all(any(p.search(ln) for p in patterns) for ln in lines)


class PlatformSpec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    redact: str
    commands: list[Command]
    # what this platform prints for a command it refuses (regular expressions, multiline),
    # besides the IOS-style ``% Invalid input`` family every platform shares
    rejected: list[str] = Field(default_factory=list)
    # first line of a configuration file assembled from sections
    header: str | None = None

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
