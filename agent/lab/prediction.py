"""What segproof predicts for the cells of a lab, from the collected snapshot: each cell asked
of the concrete tracer (``segproof trace``: a branch with ``success`` means the packet is
delivered or accepted), and the verifier's report for the lab's expected verdict."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict

from agent.errors import SegproofError
from agent.lab.matrix import Cell
from agent.models import result as r
from agent.pipeline import prepare, tracing, verify
from agent.pipeline.context import Context

SPORT = 49152  # the tracer's source port; no lab rule matches source ports


class Prediction(BaseModel):
    model_config = ConfigDict(frozen=True)
    reach: bool | None  # None: segproof could not tell (uncertain, or the source is unknown)
    disposition: str
    detail: str = ""


def context(snapshot: Path) -> Context:
    return prepare.run(snapshot, snapshot / "policy.yml")


def of_trace(result: r.TraceResult) -> Prediction:
    good = [b for b in result.branches if b.success]
    if good:
        return Prediction(reach=True, disposition=good[0].disposition, detail=good[0].detail)
    unsure = [b for b in result.branches if b.disposition == "uncertain"]
    if unsure:
        return Prediction(reach=None, disposition="uncertain", detail=unsure[0].detail)
    if not result.branches:
        return Prediction(reach=False, disposition="nothing", detail="no branch at all")
    first = result.branches[0]
    detail = "; ".join(f"{b.disposition}: {b.detail}" for b in result.branches)
    return Prediction(reach=False, disposition=first.disposition, detail=detail)


def predict(ctx: Context, cells: list[Cell]) -> list[Prediction]:
    out = []
    for cell in cells:
        try:
            traced = tracing.run(ctx, cell.src_ip, cell.dst_ip, cell.proto, cell.port, SPORT, None)
        except SegproofError as exc:
            out.append(Prediction(reach=None, disposition="error", detail=str(exc)))
            continue
        out.append(of_trace(traced))
    return out


def report(snapshot: Path) -> r.Report:
    return verify.run(context(snapshot))
