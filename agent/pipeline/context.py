"""What every stage after assembly works on: the snapshot, the policy, the parsed devices, the
assembled network and its engine."""

from __future__ import annotations

from dataclasses import dataclass

from agent.engine.forward import Engine
from agent.models.policy import Policy
from agent.models.snapshot import Snapshot
from agent.pipeline.network import Network
from agent.pipeline.parse import Parsed


@dataclass(slots=True)
class Context:
    snapshot: Snapshot
    policy: Policy
    parsed: Parsed
    net: Network
    engine: Engine
    any_source: bool = False
