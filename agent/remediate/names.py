"""Names that reach a remediation template: the platform rules of ``agent.render.safety``
(nothing can end a command, start another, or hide one)."""

from __future__ import annotations

from agent.render.safety import validate_name

KIND = {"acl": "filter", "interface": "interface"}


def check_name(platform: str, name: str, what: str) -> str:
    return str(validate_name(platform, name, KIND[what]))
