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
Kind = Literal["config", "arp", "ndp", "mac", "lldp", "text"]


class Command(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    command: str
    kind: Kind
    file: str  # relative to the snapshot, "{host}" replaced
    fields: dict[str, str] = Field(default_factory=dict)  # NAPALM key -> TextFSM field
    template: str | None = None  # our own TextFSM file in agent/collect/templates/
    empty: list[str] = Field(default_factory=list)  # header lines of an empty answer

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
