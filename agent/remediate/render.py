"""Render device changes and their rollbacks with the platform's jinja2 templates
(``templates/<platform>/remediate.j2`` and ``rollback.j2``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import jinja2

from agent.errors import RenderError
from agent.models.plan import AclChange, DeviceChange, PortChange, RenderedDevice
from agent.remediate.apply import _binding, _header
from agent.remediate.entries import entry_text
from agent.remediate.names import check_name

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


@lru_cache(maxsize=1)
def _env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _context(change: AclChange | PortChange, platform: str) -> dict[str, object]:
    if isinstance(change, PortChange):
        check_name(platform, change.interface, "interface")
        return change.model_dump()
    check_name(platform, change.acl, "acl")
    check_name(platform, change.interface, "interface")
    header = _header(change, platform)
    reseq = ""
    if change.resequence:
        start, step = change.resequence
        reseq = (
            f"{header}\n   resequence {start} {step}"
            if platform == "arista_eos"
            else f"{'ipv6' if change.family == 6 else 'ip'} access-list resequence "
            f"{change.acl} {start} {step}"
        )
    data = change.model_dump()
    data.update(
        header=header,
        binding=_binding(change, platform),
        resequence_line=reseq,
        entries=[
            {"seq": e.seq, "text": entry_text(e, change.family, platform)} for e in change.entries
        ],
    )
    return data


def render(device: DeviceChange) -> RenderedDevice:
    try:
        env = _env()
        contexts = [_context(c, device.platform) for c in device.changes]
        common = {"device": device.device, "cameras": device.cameras, "changes": contexts}
        change = env.get_template(f"{device.platform}/remediate.j2").render(**common)
        rollback = env.get_template(f"{device.platform}/rollback.j2").render(**common)
    except jinja2.TemplateNotFound as exc:
        raise RenderError(f"{device.device}: no template {exc.name} for {device.platform}") from exc
    except jinja2.UndefinedError as exc:
        raise RenderError(f"{device.device}: template variable missing: {exc.message}") from exc
    return RenderedDevice(
        device=device.device, platform=device.platform, change=change, rollback=rollback
    )
