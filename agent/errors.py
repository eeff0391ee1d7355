"""The whole exception tree of segproof.

::

    SegproofError(Exception)
    ├── InputError        bad snapshot, inventory, policy or CLI input -> exit 2
    │                     (the message names the file and line or JSON path)
    ├── CollectError      device unreachable / auth / timeout; carries the device name
    ├── ParseError        structurally broken input; carries platform, file, line
    ├── RenderError       missing template or undefined variable
    └── LabError          a network-namespace lab could not be built, probed or torn down
                          (tests and `python -m tests.lab.run` only; names the command)

A violation is a ``Finding`` value, never an exception; an unrecognised configuration line is an
``Unrecognized`` value on the device model.
"""

from __future__ import annotations


class SegproofError(Exception):
    """Base of every error segproof raises on purpose."""


class InputError(SegproofError):
    """Bad user input. ``where`` is ``file:line`` or ``file:$.json.path`` when known."""

    def __init__(self, message: str, where: str | None = None, hint: str | None = None) -> None:
        self.where = where
        self.hint = hint
        text = f"{where}: {message}" if where else message
        if hint:
            text = f"{text} (hint: {hint})"
        super().__init__(text)


class CollectError(SegproofError):
    """A device could not be collected."""

    def __init__(self, device: str, message: str) -> None:
        self.device = device
        super().__init__(f"{device}: {message}")


class ParseError(SegproofError):
    """Structurally broken device configuration (not merely an unknown line)."""

    def __init__(self, platform: str, file: str, line: int, message: str) -> None:
        self.platform = platform
        self.file = file
        self.line = line
        super().__init__(f"{file}:{line}: {message} ({platform})")


class RenderError(SegproofError):
    """A template is missing or a value cannot be rendered safely."""


class LabError(SegproofError):
    """A lab could not be built, probed or torn down (the message says which command)."""
