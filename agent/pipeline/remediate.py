"""Remediate stage: verify, plan, render, prove. Writing files is left to ``cli``."""

from __future__ import annotations

from agent.models.plan import Remediation, Strategy
from agent.pipeline.context import Context
from agent.pipeline.verify import run as verify
from agent.remediate import plan as planner
from agent.remediate import prove
from agent.remediate.render import render


def run(
    ctx: Context, strategy: Strategy, vlan: int | None = None
) -> tuple[Remediation, dict[str, str]]:
    """The remediation and, when it was proven, the patched configuration texts by file."""
    report = verify(ctx)
    planned = planner.run(ctx, report, strategy, vlan)
    rendered = [render(d) for d in planned.devices]
    targeted = sorted({cam for d in planned.devices for cam in d.cameras})
    proof = None
    texts: dict[str, str] = {}
    if planned.devices:
        proof, _fixed, texts = prove.run(ctx, report, planned.devices, rendered, targeted)
    nothing_to_do = (
        not planned.devices and not planned.unfixable and report.verdict != "inconclusive"
    )
    passed = nothing_to_do or bool(proof is not None and proof.passed and not planned.unfixable)
    return (
        Remediation(
            strategy=strategy,
            snapshot=ctx.snapshot.root,
            verdict_before=report.verdict,
            devices=planned.devices,
            rendered=rendered,
            proof=proof,
            unfixable=planned.unfixable,
            passed=passed,
        ),
        texts,
    )
