"""What a vendor plugs in: a detector, a parser and (later) a collector and renderer.

A vendor is plain data (``Vendor``); ``agent.vendors.load_vendors()`` returns a fresh mapping
``platform -> Vendor`` built from the ``BUILTIN`` table plus the ``segproof.vendors`` entry points.
Nothing registers itself at import time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from agent.models.device import Device

# parse(text, file, name) -> Device. ``file`` is the path relative to the snapshot root (used in
# every Source), ``name`` the host name from the file name (the config's hostname wins).
ParseFn = Callable[[str, str, str], Device]
# detect(text) -> confidence 0..100 that ``text`` is a config of this platform.
DetectFn = Callable[[str], int]


@dataclass(frozen=True, slots=True)
class Vendor:
    platform: str
    detect: DetectFn
    parse: ParseFn | None = None  # None: recognised but not modelled yet
    display: str = ""
