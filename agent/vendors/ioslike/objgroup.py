"""IOS-XE object-groups: ``object-group network`` (``host A``, ``A MASK`` with a *netmask*,
``A/len``, ``range A B``, ``group-object OTHER``) and ``object-group service`` (``tcp eq 80``,
``udp range 1 100``, ``tcp-udp eq 53``, ``tcp source eq 1024``, ``icmp [type]``, a protocol name or
number, ``group-object``). Nested groups are expanded when an ACL uses them; a cycle or an
undefined member group makes the group unusable (the ACL entry is then unrecognised). A group
with an unrecognised member line is *tainted*: entries that use it are reported too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from agent.models.device import AddrMatch, Service
from agent.vendors.ioslike import addr
from agent.vendors.ioslike.acl import AceError, Cursor, make_service, port_spec
from agent.vendors.ioslike.blocks import Node
from agent.vendors.ioslike.ports import ICMP4, ICMP6, PROTOCOLS4, PROTOCOLS6, TCP, UDP
from agent.vendors.ioslike.tally import Tally

# raw service member: (protocol keyword, src ports, dst ports, icmp tokens)
_SvcRaw = tuple[str, list[str], list[str], list[str]]


@dataclass(slots=True)
class ObjectGroups:
    nets: dict[str, list[AddrMatch | str]] = field(default_factory=dict)  # str = group-object
    svcs: dict[str, list[_SvcRaw | str]] = field(default_factory=dict)
    tainted: set[str] = field(default_factory=set)
    _cache: dict[tuple[str, str, int], list[AddrMatch] | list[Service] | None] = field(
        default_factory=dict
    )

    # ---- definitions -------------------------------------------------------------------
    def add(self, node: Node, tally: Tally) -> None:
        """Read an ``object-group ...`` block."""
        words = node.text.split()
        if len(words) != 3 or words[1] not in ("network", "v6-network", "service"):
            tally.unrecognized_tree(node, "object-group", None, "object-group type not modelled")
            return
        name = words[2]
        tally.understood(node)
        if words[1] == "service":
            self.svcs.setdefault(name, [])
            for child in node.children:
                self._service_member(name, child, tally)
        else:
            self.nets.setdefault(name, [])
            for child in node.children:
                self._network_member(name, child, tally)

    def _bad(self, name: str, node: Node, tally: Tally, why: str) -> None:
        self.tainted.add(name)
        tally.unrecognized_tree(node, "object-group", name, why)

    def _network_member(self, name: str, node: Node, tally: Tally) -> None:
        words = node.text.split()
        members = self.nets[name]
        match: AddrMatch | None = None
        if words[0] == "description":
            tally.understood_tree(node)
            return
        if words[0] == "group-object" and len(words) == 2:
            members.append(words[1])
            tally.understood(node)
            return
        if words[0] == "range" and len(words) == 3:
            many = addr.range_matches(words[1], words[2])
            if many is None:
                self._bad(name, node, tally, "invalid address")
                return
            members.extend(many)
            tally.understood(node)
            return
        if words[0] == "host" and len(words) == 2:
            match = addr.host(words[1])
        elif len(words) == 2 and addr.is_v4(words[0]):
            match = addr.netmask_match(words[0], words[1])
        elif len(words) == 1 and "/" in words[0]:
            match = addr.prefix(words[0])
        else:
            self._bad(name, node, tally, "unrecognised object-group member")
            return
        if match is None:
            self._bad(name, node, tally, "invalid address")
            return
        members.append(match)
        tally.understood(node)

    def _service_member(self, name: str, node: Node, tally: Tally) -> None:
        words = node.text.split()
        if words[0] == "description":
            tally.understood_tree(node)
            return
        if words[0] == "group-object" and len(words) == 2:
            self.svcs[name].append(words[1])
            tally.understood(node)
            return
        raw: _SvcRaw = (words[0], [], [], [])
        if words[0] in ("tcp", "udp", "tcp-udp"):
            rest = words[1:]
            if rest[:1] == ["source"]:
                end = 1 + _spec_len(rest[1:])
                raw[1].extend(rest[1:end])
                rest = rest[end:]
            if rest[:1] == ["destination"]:
                rest = rest[1:]
            raw[2].extend(rest)
        elif words[0] == "icmp":
            raw[3].extend(words[1:])
        elif len(words) != 1:
            self._bad(name, node, tally, "unrecognised object-group member")
            return
        try:  # validate now so the line is reported where it is written
            _expand_service(raw, 4)
        except AceError as exc:
            self._bad(name, node, tally, str(exc))
            return
        self.svcs[name].append(raw)
        tally.understood(node)

    # ---- lookups used by the ACE grammar -----------------------------------------------
    def network(self, name: str, family: int) -> list[AddrMatch]:
        """Members of network group ``name`` (nested groups expanded); ``AceError`` if unusable."""
        key = ("n", name, family)
        if key not in self._cache:
            self._cache[key] = self._resolve_net(name, family, set())
        found = self._cache[key]
        if found is None:
            raise AceError(self._unusable(name, self.nets))
        return found  # type: ignore[return-value]

    def service(self, name: str, family: int) -> list[Service]:
        """Services of service group ``name``; ``AceError`` if unusable."""
        key = ("s", name, family)
        if key not in self._cache:
            try:
                self._cache[key] = self._resolve_svc(name, family, set())
            except AceError:
                self._cache[key] = None
        found = self._cache[key]
        if found is None:
            raise AceError(self._unusable(name, self.svcs))
        return found  # type: ignore[return-value]

    @staticmethod
    def _unusable(name: str, table: dict[str, list[Any]]) -> str:
        if name not in table:
            return f"undefined object-group {name}"
        return f"object-group {name} nests an undefined group or itself"

    def is_tainted(self, name: str) -> bool:
        return self._taint(name, set())

    def _taint(self, name: str, seen: set[str]) -> bool:
        if name in self.tainted:
            return True
        seen.add(name)
        refs = [m for m in self.nets.get(name, []) + self.svcs.get(name, []) if isinstance(m, str)]
        return any(r not in seen and self._taint(r, seen) for r in refs)

    def _resolve_net(self, name: str, family: int, seen: set[str]) -> list[AddrMatch] | None:
        if name not in self.nets or name in seen:
            return None
        seen.add(name)
        out: list[AddrMatch] = []
        for member in self.nets[name]:
            if isinstance(member, str):
                sub = self._resolve_net(member, family, seen)
                if sub is None:
                    return None
                out.extend(sub)
            elif addr.family_of(member) == family:
                out.append(member)
        seen.discard(name)
        return out

    def _resolve_svc(self, name: str, family: int, seen: set[str]) -> list[Service] | None:
        if name not in self.svcs or name in seen:
            return None
        seen.add(name)
        out: list[Service] = []
        for member in self.svcs[name]:
            if isinstance(member, str):
                sub = self._resolve_svc(member, family, seen)
                if sub is None:
                    return None
                out.extend(sub)
            else:
                out.extend(_expand_service(member, family))
        seen.discard(name)
        return out


def _spec_len(tokens: list[str]) -> int:
    """Number of tokens of the port operator at the start of ``tokens``."""
    if not tokens:
        return 0
    if tokens[0] == "range":
        return 3
    if tokens[0] in ("eq", "neq"):
        n = 1
        while n < len(tokens) and tokens[n] not in ("eq", "neq", "lt", "gt", "range"):
            n += 1
        return n
    return 2 if tokens[0] in ("lt", "gt") else 0


def _expand_service(raw: _SvcRaw, family: int) -> list[Service]:
    keyword, src, dst, icmp = raw
    if keyword in ("tcp", "udp", "tcp-udp"):
        protos = [TCP, UDP] if keyword == "tcp-udp" else [TCP if keyword == "tcp" else UDP]
        out = []
        for proto in protos:
            scur, dcur = Cursor(src, 0), Cursor(dst, 0)
            sports = port_spec(scur, proto) if src else None
            dports = port_spec(dcur, proto) if dst else None
            if scur.peek() is not None or dcur.peek() is not None:
                raise AceError("unrecognised port specification")
            out.append(make_service(proto, sports, dports))
        return out
    if keyword == "icmp":
        proto = 1 if family == 4 else 58
        if not icmp:
            return [Service(protocol=proto)]
        table = ICMP4 if family == 4 else ICMP6
        if icmp[0] in table and len(icmp) == 1:
            itype, icode = table[icmp[0]]
            return [Service(protocol=proto, icmp_type=itype, icmp_code=icode)]
        if all(t.isdigit() and int(t) <= 255 for t in icmp) and len(icmp) <= 2:
            code = int(icmp[1]) if len(icmp) == 2 else None
            return [Service(protocol=proto, icmp_type=int(icmp[0]), icmp_code=code)]
        raise AceError(f"unknown ICMP type {' '.join(icmp)}")
    table4 = PROTOCOLS4 if family == 4 else PROTOCOLS6
    if keyword in table4:
        return [Service(protocol=table4[keyword])]
    if keyword.isdigit() and int(keyword) <= 255:
        return [Service(protocol=int(keyword))]
    raise AceError(f"unknown protocol {keyword}")
