"""Collection from live devices into a snapshot folder (Nornir + nornir_netmiko).

Commands per platform are data in ``agent/vendors/<platform>/collect.yaml``; see
``docs/collect.md``. ``run`` is the entry point; failures are values in ``meta.json``.
"""

from __future__ import annotations

from agent.collect.credentials import Credentials, CredentialSet, resolve
from agent.collect.device import DeviceRecord
from agent.collect.session import EXIT_OK, EXIT_PARTIAL, CollectResult, run

__all__ = [
    "EXIT_OK",
    "EXIT_PARTIAL",
    "CollectResult",
    "CredentialSet",
    "Credentials",
    "DeviceRecord",
    "resolve",
    "run",
]
