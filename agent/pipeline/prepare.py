"""Load, parse and assemble: everything ``verify``, ``cameras``, ``trace`` and ``remediate``
share."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from agent.engine.forward import Engine
from agent.engine.space import Space
from agent.models.policy import Policy
from agent.models.snapshot import Snapshot
from agent.pipeline import assemble, load, parse
from agent.pipeline.context import Context
from agent.vendors import load_vendors
from agent.vendors.base import Vendor

Progress = Callable[[str], None]


def run(
    snapshot_path: Path,
    policy_path: Path | None = None,
    any_source: bool = False,
    vendors: dict[str, Vendor] | None = None,
    progress: Progress | None = None,
) -> Context:
    if progress:
        progress("loading snapshot")
    snapshot = load.load_snapshot(snapshot_path)
    policy = load.load_policy(policy_path or snapshot_path / "policy.yml")
    return build(snapshot, policy, any_source, vendors, progress)


def build(
    snapshot: Snapshot,
    policy: Policy,
    any_source: bool = False,
    vendors: dict[str, Vendor] | None = None,
    progress: Progress | None = None,
    space: Space | None = None,
) -> Context:
    """A verification context from an already loaded snapshot (also one patched in memory).
    ``space`` shares a BDD manager with another context, so their packet sets compare."""
    if progress:
        progress(f"parsing {len(snapshot.configs)} configurations")
    parsed = parse.run(snapshot, vendors if vendors is not None else load_vendors())
    state = {parsed.host_of.get(host, host): table for host, table in snapshot.state.items()}
    if progress:
        progress("building the network model")
    net = assemble.build(parsed.devices, parsed.opaque, state, snapshot.topology)
    snapshot = snapshot.model_copy(update={"state": state})
    return Context(
        snapshot=snapshot,
        policy=policy,
        parsed=parsed,
        net=net,
        engine=Engine(net, space),
        any_source=any_source,
    )
