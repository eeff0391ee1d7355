"""``segproof acl-template``: render a complete, bound camera isolation filter for a platform.

``run(platform, cameras, core, allows, name, bind) -> {output key: text}``; the keys and their
file names are in ``TARGETS`` (``TARGETS[key].filename``), the accepted ``--platform`` values in
``SELECTIONS``. Bad input raises ``InputError``; a template problem ``RenderError``.
"""

from __future__ import annotations

from agent.acltemplate.build import FIRST_ID, Bind, render_target, resolve_bind, rules, run
from agent.acltemplate.spec import DEFAULT_NAME, Allow, Spec, make_spec, parse_allow, parse_prefix
from agent.acltemplate.targets import ALIASES, SELECTIONS, TARGETS, Target

__all__ = [
    "ALIASES",
    "DEFAULT_NAME",
    "FIRST_ID",
    "SELECTIONS",
    "TARGETS",
    "Allow",
    "Bind",
    "Spec",
    "Target",
    "make_spec",
    "parse_allow",
    "parse_prefix",
    "render_target",
    "resolve_bind",
    "rules",
    "run",
]
