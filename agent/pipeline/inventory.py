"""``segproof cameras``: discovered endpoints, flagged first, with evidence and location."""

from __future__ import annotations

from agent.endpoints.locate import Host, discover, display_mac
from agent.models import result as r
from agent.pipeline import render
from agent.pipeline.context import Context


def _entry(ctx: Context, h: Host) -> r.Endpoint:
    cls = h.classification
    note = cls.note if cls else None
    if h.flagged and h.flagged_by != "registry":
        note = f"flagged by {h.flagged_by}" + (f"; {note}" if note else "")
    return r.Endpoint(
        ip=h.ipv4[0] if h.ipv4 else None,
        ipv6=list(h.ipv6),
        mac=display_mac(h),
        organisation=cls.organisation if cls else None,
        vendor=cls.family if cls else None,
        flagged=h.flagged,
        note=note,
        location=render.location(ctx.net, h),
    )


def run(ctx: Context) -> r.CameraListing:
    hosts = discover(ctx.net, ctx.snapshot.state, ctx.snapshot.topology, ctx.policy)
    return r.CameraListing(
        cameras=[_entry(ctx, h) for h in hosts if h.flagged],
        endpoints=[_entry(ctx, h) for h in hosts if not h.flagged],
        snapshot=ctx.snapshot.root,
    )
