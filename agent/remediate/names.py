"""Names that reach a remediation template must be plain tokens of the platform: nothing that
could end a command, start another, or hide one (newline, control characters, separators)."""

from __future__ import annotations

import re

from agent.errors import RenderError

# IOS/IOS-XE and EOS ACL names and interface names: printable, no whitespace, no separators
_TOKEN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:/+\-]{0,99}$")
MAX = {"acl": 64, "interface": 64}


def check_name(platform: str, name: str, what: str) -> str:
    if not _TOKEN.fullmatch(name) or len(name) > MAX.get(what, 64):
        raise RenderError(f"{platform}: {what} name {name!r} is not a safe {platform} token")
    return name
