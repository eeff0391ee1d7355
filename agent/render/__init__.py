"""The shared, safe rendering layer: one jinja2 environment, platform filters, name and text
checks, and the vendor-neutral ``Rule`` list that ``acl-template`` and remediation render.

::

    Rule list --build_view(platform)--> View (Safe names, named objects) --render()--> text
"""

from __future__ import annotations

from agent.render.environment import check_context, render, templates_dir
from agent.render.model import Rule
from agent.render.safety import Safe, safe_text, validate_name
from agent.render.view import Entry, View, build_view

__all__ = [
    "Entry",
    "Rule",
    "Safe",
    "View",
    "build_view",
    "check_context",
    "render",
    "safe_text",
    "templates_dir",
    "validate_name",
]
