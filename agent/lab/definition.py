"""Read a lab folder ``topologies/<name>/``: ``lab.yml`` (checked), its firewall files,
``policy.yml`` and the expected verdict. Every problem is one ``InputError`` naming the file and
line."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from agent.errors import InputError
from agent.lab.check import Loc, check
from agent.lab.model import Lab
from agent.models.policy import Policy
from agent.pipeline.load import load_policy, read_yaml

LAB_FILE = "lab.yml"
POLICY_FILE = "policy.yml"
# The expected verdict, in the format of topologies/campus/expected.yml. Not "expected.yml":
# tests/scenarios verifies every topologies/*/expected.yml as a snapshot folder, and a lab
# folder holds a definition, not a snapshot.
EXPECTED_FILE = "lab-expected.yml"


@dataclass(frozen=True, slots=True)
class LabSpec:
    """A checked lab definition with everything next to it."""

    name: str
    root: Path
    lab: Lab
    policy: Policy
    rules: dict[str, tuple[str, str | None]]  # namespace -> (rules text, rules6 text)
    ipsets: dict[str, str] = field(default_factory=dict)  # namespace -> `ipset restore` text

    @property
    def policy_file(self) -> Path:
        return self.root / POLICY_FILE

    @property
    def expected_file(self) -> Path:
        return self.root / EXPECTED_FILE


def yaml_line(text: str, loc: Loc) -> int | None:
    """1-based line of the YAML node at ``loc`` (or of its deepest existing ancestor)."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    if node is None:
        return None
    line: int = node.start_mark.line + 1
    for part in loc:
        child = None
        if isinstance(node, yaml.MappingNode):
            child = next((v for k, v in node.value if getattr(k, "value", None) == str(part)), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            child = node.value[part] if part < len(node.value) else None
        if child is None:
            return line
        node = child
        line = node.start_mark.line + 1
    return line


def _read_rules(root: Path, file: str, where: str) -> str:
    path = (root / file).resolve()
    if not path.is_relative_to(root.resolve()):
        raise InputError(f"{file!r}: firewall files live in the lab folder", where=where)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read firewall file {file!r}: {exc}", where=where) from exc
    if not text.strip():
        # an empty ruleset would silently mean "everything open"
        raise InputError(f"firewall file {file!r} is empty", where=where)
    return text


def load(root: Path) -> LabSpec:
    path = root / LAB_FILE
    if not path.is_file():
        raise InputError("no lab.yml in the lab folder", where=str(path))
    lab = read_yaml(path, Lab, "lab definition")
    assert isinstance(lab, Lab)
    text = path.read_text(encoding="utf-8")
    problems = check(lab)
    if problems:
        loc, message = problems[0]
        line = yaml_line(text, loc)
        dotted = ".".join(str(p) for p in loc) or "(top)"
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise InputError(f"{dotted}: {message}{more}", where=f"{path}:{line or 1}")
    rules: dict[str, tuple[str, str | None]] = {}
    ipsets: dict[str, str] = {}
    for name, ns in lab.namespaces.items():
        if ns.firewall is None:
            continue
        where = f"{path}:{yaml_line(text, ('namespaces', name, 'firewall')) or 1}"
        v4 = _read_rules(root, ns.firewall.rules, where)
        v6 = _read_rules(root, ns.firewall.rules6, where) if ns.firewall.rules6 else None
        rules[name] = (v4, v6)
        if ns.firewall.ipsets:
            ipsets[name] = _read_rules(root, ns.firewall.ipsets, where)
    policy = load_policy(root / POLICY_FILE)
    return LabSpec(
        name=root.resolve().name, root=root, lab=lab, policy=policy, rules=rules, ipsets=ipsets
    )
