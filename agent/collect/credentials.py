"""Login credentials: from the environment or a prompt, never from or into a snapshot.

``SEGPROOF_USERNAME``, ``SEGPROOF_PASSWORD`` and ``SEGPROOF_SECRET`` apply to every device;
``SEGPROOF_<GROUP>_USERNAME`` (and ``_PASSWORD``, ``_SECRET``) to the hosts of an inventory group
(upper case, ``-`` and ``.`` as ``_``), the first of a host's groups that has any of them winning.
The values never appear in a ``repr``, a log line, ``meta.json`` or a failure message.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from agent.errors import InputError

PREFIX = "SEGPROOF"
Prompt = Callable[[str, bool], str]  # (label, hidden) -> answer


@dataclass(frozen=True, slots=True)
class Credentials:
    username: str
    password: str = field(repr=False)
    secret: str = field(default="", repr=False)

    def __repr__(self) -> str:
        return f"Credentials(username={self.username!r}, password='***', secret='***')"

    __str__ = __repr__


@dataclass(frozen=True, slots=True)
class CredentialSet:
    """The default credentials and per-group overrides."""

    default: Credentials | None
    groups: Mapping[str, Credentials] = field(default_factory=dict)

    def for_host(self, host: str, groups: list[str]) -> Credentials:
        for group in groups:
            if group in self.groups:
                return self.groups[group]
        if self.default is None:
            raise InputError(f"{host}: no credentials (set SEGPROOF_USERNAME/SEGPROOF_PASSWORD)")
        return self.default

    def values(self) -> list[str]:
        """Every secret string, for scrubbing messages."""
        found = [self.default] if self.default else []
        found += list(self.groups.values())
        return [v for c in found for v in (c.password, c.secret) if v]


def env_name(group: str | None, what: str) -> str:
    if group is None:
        return f"{PREFIX}_{what}"
    return f"{PREFIX}_{re.sub(r'[^A-Za-z0-9]', '_', group).upper()}_{what}"


def _from_env(env: Mapping[str, str], group: str | None) -> Credentials | None:
    user, password, secret = (
        env.get(env_name(group, w)) for w in ("USERNAME", "PASSWORD", "SECRET")
    )
    if user is None and password is None and secret is None:
        return None
    if not user or password is None:
        where = env_name(group, "USERNAME").removesuffix("_USERNAME")
        raise InputError(f"{where}_USERNAME and {where}_PASSWORD must both be set")
    return Credentials(user, password, secret or "")


def resolve(
    groups: list[str], env: Mapping[str, str], prompt: Prompt | None = None
) -> CredentialSet:
    """Credentials from ``env``; ``prompt`` (only when stdin is a terminal) fills a missing
    default. Without either, an ``InputError``."""
    per_group = {g: c for g in groups if (c := _from_env(env, g)) is not None}
    default = _from_env(env, None)
    if default is None and prompt is not None:
        user = prompt("username", False)
        password = prompt("password", True)
        secret = prompt("enable secret (empty: none)", True)
        default = Credentials(user, password, secret)
    if default is None and not per_group:
        raise InputError(
            "no credentials: set SEGPROOF_USERNAME and SEGPROOF_PASSWORD (and SEGPROOF_SECRET)",
            hint="or run in a terminal to be asked",
        )
    return CredentialSet(default, per_group)
