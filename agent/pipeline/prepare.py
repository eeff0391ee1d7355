"""Load, parse and assemble: everything ``verify``, ``cameras`` and ``trace`` share."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from agent.engine.forward import Engine
from agent.pipeline import assemble, load, parse
from agent.pipeline.verify import Context
from agent.vendors import load_vendors
from agent.vendors.base import Vendor


def run(
    snapshot_path: Path,
    policy_path: Path | None = None,
    any_source: bool = False,
    vendors: dict[str, Vendor] | None = None,
    progress: Callable[[str], None] | None = None,
) -> Context:
    if progress:
        progress("loading snapshot")
    snapshot = load.load_snapshot(snapshot_path)
    policy = load.load_policy(policy_path or snapshot_path / "policy.yml")
    if progress:
        progress(f"parsing {len(snapshot.configs)} configurations")
    parsed = parse.run(snapshot, vendors if vendors is not None else load_vendors())
    state = {}
    for host, table in snapshot.state.items():
        state[parsed.host_of.get(host, host)] = table
    if progress:
        progress("building the network model")
    net = assemble.build(parsed.devices, parsed.opaque, state, snapshot.topology)
    snapshot = snapshot.model_copy(update={"state": state})
    return Context(
        snapshot=snapshot,
        policy=policy,
        parsed=parsed,
        net=net,
        engine=Engine(net),
        any_source=any_source,
    )
