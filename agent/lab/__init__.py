"""Ground truth with real packets: a lab of Linux network namespaces built from
``topologies/<name>/lab.yml``, collected by ``segproof collect`` over SSH, probed cell by cell,
and compared with what segproof predicts. See ``docs/lab.md``.

Pure parts: ``model``, ``check`` and ``definition`` (the lab folder), ``plan`` (what building
does), ``inventory``, ``matrix`` (the cells) and ``compare``. I/O: ``host`` (commands, shared
paths), ``netns`` (build, teardown), ``collection``, ``probing`` and ``prediction``; ``worker``,
``responder`` and ``sshcheck`` run inside namespaces.
"""

from __future__ import annotations

from agent.errors import LabError
from agent.lab.collection import Collected, collect, ssh_check
from agent.lab.definition import LabSpec, load
from agent.lab.matrix import Cell, cells
from agent.lab.netns import RunningLab, build
from agent.lab.prediction import Prediction, predict
from agent.lab.probing import ProbeResult, announce, hygiene_counts, no_route_counts, probe

__all__ = [
    "Cell",
    "Collected",
    "LabError",
    "LabSpec",
    "Prediction",
    "ProbeResult",
    "RunningLab",
    "announce",
    "build",
    "cells",
    "collect",
    "hygiene_counts",
    "load",
    "no_route_counts",
    "predict",
    "probe",
    "ssh_check",
]
