"""Read a snapshot folder and a policy file into validated models.

Every problem becomes one ``InputError`` naming the file and the line (YAML) or JSON path,
never a traceback. Nothing is written.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from agent.errors import InputError
from agent.models.policy import Policy
from agent.models.snapshot import (
    ArpEntry,
    DeviceConfig,
    DeviceState,
    LldpNeighbor,
    MacEntry,
    NdpEntry,
    RouteEntry,
    Snapshot,
    Topology,
)

CONFIG_DIR = "configs"
STATE_DIR = "state"
MAX_CONFIG_BYTES = 64 * 1024 * 1024


def _json_path(loc: tuple[int | str, ...]) -> str:
    out = "$"
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def _yaml_line(node: yaml.Node | None, loc: tuple[int | str, ...]) -> int | None:
    """Line (1-based) of the YAML node at ``loc``, or of the deepest ancestor found."""
    if node is None:
        return None
    line = node.start_mark.line + 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            found = None
            for k, v in node.value:
                if isinstance(k, yaml.ScalarNode) and k.value == str(part):
                    found = v
                    break
            if found is None:
                return line
            node = found
        elif (
            isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value)
        ):
            node = node.value[part]
        else:
            return line
        line = node.start_mark.line + 1
    return line


def _first_error(exc: ValidationError) -> tuple[tuple[int | str, ...], str]:
    err = exc.errors()[0]
    loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
    msg = err["msg"].removeprefix("Value error, ")
    return loc, msg


def read_yaml(path: Path, model: type[BaseModel], what: str) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {what}: {exc}", where=str(path)) from exc
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise InputError(f"invalid YAML: {problem}", where=f"{path}{line}") from exc
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InputError(f"{what} must be a mapping at the top level", where=f"{path}:1")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        loc, msg = _first_error(exc)
        found = _yaml_line(node, loc)
        where = f"{path}:{found}" if found else str(path)
        dotted = ".".join(str(p) for p in loc) or "(top)"
        raise InputError(f"{dotted}: {msg}", where=where) from exc


def load_policy(path: Path) -> Policy:
    if not path.is_file():
        raise InputError(
            "policy file not found",
            where=str(path),
            hint="pass --policy FILE or put policy.yml in the snapshot",
        )
    policy = read_yaml(path, Policy, "policy")
    assert isinstance(policy, Policy)
    if not policy.core:
        raise InputError("policy names no core network", where=f"{path}:1")
    return policy.model_copy(update={"file": str(path)})


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise InputError("not UTF-8 text", where=str(path)) from exc
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg}", where=f"{path}:{exc.lineno}") from exc
    except OSError as exc:
        raise InputError(f"cannot read: {exc}", where=str(path)) from exc


def _validate_list(path: Path, data: Any, model: type[BaseModel]) -> list[Any]:
    if not isinstance(data, list):
        raise InputError(f"expected a JSON list of {model.__name__} entries", where=f"{path}:$")
    out = []
    for i, item in enumerate(data):
        try:
            out.append(model.model_validate(item))
        except ValidationError as exc:
            loc, msg = _first_error(exc)
            raise InputError(msg, where=f"{path}:{_json_path((i, *loc))}") from exc
    return out


def _load_lldp(path: Path, data: Any) -> dict[str, list[LldpNeighbor]]:
    if not isinstance(data, dict):
        raise InputError("expected a JSON object {local interface: [neighbors]}", where=f"{path}:$")
    out: dict[str, list[LldpNeighbor]] = {}
    for local, neighbors in data.items():
        items = neighbors if isinstance(neighbors, list) else [neighbors]
        parsed = []
        for i, item in enumerate(items):
            try:
                parsed.append(LldpNeighbor.model_validate(item))
            except ValidationError as exc:
                loc, msg = _first_error(exc)
                raise InputError(msg, where=f"{path}:{_json_path((local, i, *loc))}") from exc
        out[str(local)] = parsed
    return out


def load_state(folder: Path, root: Path) -> DeviceState:
    def rel(p: Path) -> str:
        return str(p.relative_to(root))

    kwargs: dict[str, Any] = {}
    for name, model, field in (
        ("arp.json", ArpEntry, "arp"),
        ("ndp.json", NdpEntry, "ndp"),
        ("mac.json", MacEntry, "mac"),
        ("routes.json", RouteEntry, "routes"),
    ):
        path = folder / name
        if path.is_file():
            kwargs[field] = _validate_list(path, _read_json(path), model)
    lldp = folder / "lldp.json"
    if lldp.is_file():
        kwargs["lldp"] = _load_lldp(lldp, _read_json(lldp))
    if "routes" in kwargs:
        kwargs["routes_file"] = rel(folder / "routes.json")
    return DeviceState(**kwargs)


def load_snapshot(root: Path) -> Snapshot:
    if not root.is_dir():
        raise InputError("snapshot folder not found", where=str(root))
    config_dir = root / CONFIG_DIR
    if not config_dir.is_dir():
        raise InputError(
            "no configs/ folder",
            where=str(root),
            hint="a snapshot holds configs/<host>.<ext> and optional state/",
        )
    configs = []
    for path in sorted(config_dir.iterdir()):
        if path.name.startswith(".") or not path.is_file():
            continue
        if path.stat().st_size > MAX_CONFIG_BYTES:
            raise InputError("configuration larger than 64 MiB", where=str(path))
        raw = path.read_bytes()
        if b"\x00" in raw[:8192]:
            raise InputError(
                "binary file in configs/",
                where=str(path),
                hint="configs are the device's text output",
            )
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("latin-1")
        host = path.name.rsplit(".", 1)[0] if "." in path.name else path.name
        configs.append(DeviceConfig(host=host, file=str(path.relative_to(root)), text=text))
    if not configs:
        raise InputError("configs/ holds no configuration files", where=str(config_dir))
    state: dict[str, DeviceState] = {}
    state_dir = root / STATE_DIR
    if state_dir.is_dir():
        for folder in sorted(state_dir.iterdir()):
            if folder.is_dir() and not folder.name.startswith("."):
                state[folder.name] = load_state(folder, root)
    topology = Topology()
    topo = root / "topology.yml"
    if topo.is_file():
        topology = read_yaml(topo, Topology, "topology")
    meta: dict[str, object] = {}
    meta_path = root / "meta.json"
    if meta_path.is_file():
        data = _read_json(meta_path)
        if isinstance(data, dict):
            meta = data
    return Snapshot(root=str(root), configs=configs, state=state, topology=topology, meta=meta)
