"""Access lists: exact compilation to packet sets, and a per-packet evaluator.

Both follow one semantics (first match, implicit deny) and are written independently, so the
property tests can check one against the other.

An ACL may be a program of chains (Linux netfilter): ``jump``/``goto``/``return`` entries (see
``AclRule``). Each chain compiles once, memoised, to three disjoint sets of the packets that
enter it: accepted, dropped, and falling through (its end or a ``return``). A ``jump`` hands
its matching packets to the target and continues with those that fall through; a ``goto``
hands them over for good (what falls through the target falls through the current chain); the
bound ACL's fall-through meets the implicit deny. ACLs without chain entries take the plain
first-match loop, unchanged.

Non-initial fragments (``frag``) follow Cisco's documented behaviour, used for EOS too:

- an entry with the ``fragments`` keyword matches only non-initial fragments, on layer-3 fields;
- an entry without layer-4 conditions matches fragments and non-fragments alike;
- an entry with layer-4 conditions (ports, ICMP type, ``established``) matches a non-initial
  fragment on its layer-3 fields when it is a ``permit``, and never when it is a ``deny``;
  with ``fragment_l4 == "netfilter"`` (Linux) it never matches one, whatever its action.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from functools import lru_cache

from agent.engine.space import ICMP, PORT_PROTOCOLS, Bdd, Space
from agent.models.device import Acl, AclRule, AddrMatch, Service


@lru_cache(maxsize=200_000)
def addr_bits(address: str, wildcard: str) -> tuple[int, int, int]:
    """(family, value, wildcard) of an ``AddrMatch`` as integers."""
    addr = ipaddress.ip_address(address)
    wild = ipaddress.ip_address(wildcard)
    return addr.version, int(addr), int(wild)


def _fragment_permits(rule: AclRule) -> bool:
    """Whether an entry with layer-4 conditions matches non-initial fragments (on L3)."""
    return rule.action == "permit" and rule.fragment_l4 == "cisco"


def _has_chains(acl: Acl) -> bool:
    return any(rule.action in ("jump", "goto", "return") for rule in acl.rules)


def _has_l4(service: Service) -> bool:
    return (
        service.src_ports is not None
        or service.dst_ports is not None
        or service.icmp_type is not None
        or service.established
    )


class AclCompiler:
    """Compiles rules and ACLs to BDDs, memoised per rule object identity and ACL key."""

    def __init__(self, space: Space) -> None:
        self.space = space
        self._acl_cache: dict[tuple[str, str, int], Bdd] = {}
        self._rule_cache: dict[tuple[str, str, int], list[Bdd]] = {}
        self._first_cache: dict[tuple[str, str, int], list[tuple[AclRule | None, Bdd]]] = {}
        self._chain_cache: dict[tuple[str, str, int], ChainSets] = {}
        self._region_cache: dict[tuple[str, str, int], dict[int, tuple[AclRule, Bdd]]] = {}

    def addr(self, field: str, matches: list[AddrMatch], af: int) -> Bdd:
        s = self.space
        result = s.false
        for match in matches:
            fam, value, wild = addr_bits(match.address, match.wildcard)
            if fam == af:
                result |= s.address(field, af, value, wild)
        return result

    def service(self, service: Service, af: int, action: str, l4_fragments: bool = True) -> Bdd:
        s = self.space
        proto = s.true if service.protocol is None else s.protocol(service.protocol)
        l4 = s.true
        if service.protocol in PORT_PROTOCOLS:
            if service.src_ports is not None:
                l4 &= s.ranges("sport", [(r.lo, r.hi) for r in service.src_ports])
            if service.dst_ports is not None:
                l4 &= s.ranges("dport", [(r.lo, r.hi) for r in service.dst_ports])
        if service.protocol == ICMP[af]:
            if service.icmp_type is not None:
                l4 &= s.bits("itype", service.icmp_type, 0xFF)
            if service.icmp_code is not None:
                l4 &= s.bits("icode", service.icmp_code, 0xFF)
        if service.established:
            l4 &= s.protocol(6) & s.bits("est", 1, 1)
        frag = s.bits("frag", 1, 1)
        if not _has_l4(service):
            return proto
        fragment_part = proto if action == "permit" and l4_fragments else s.false
        return proto & ((~frag & l4) | (frag & fragment_part))

    def rule(self, rule: AclRule, af: int) -> Bdd:
        """The packets an entry matches (of family ``af``)."""
        s = self.space
        src = self.addr("src", rule.src, af)
        if src == s.false:
            return s.false
        dst = self.addr("dst", rule.dst, af)
        if dst == s.false:
            return s.false
        if rule.fragments:
            svc = s.false
            for service in rule.services:
                svc |= s.true if service.protocol is None else s.protocol(service.protocol)
            return src & dst & svc & s.bits("frag", 1, 1)
        svc = s.false
        for service in rule.services:
            svc |= self.service(service, af, rule.action, rule.fragment_l4 == "cisco")
        return src & dst & svc

    def compiled(self, device: str, acl: Acl) -> list[Bdd]:
        """Each entry's match set, compiled once per (device, ACL)."""
        key = (device, acl.name, acl.family)
        hit = self._rule_cache.get(key)
        if hit is None:
            hit = self._rule_cache[key] = [self.rule(rule, acl.family) for rule in acl.rules]
        return hit

    def permitted(self, device: str, acl: Acl) -> Bdd:
        """Packets of the ACL's family that the ACL permits (first match, implicit deny)."""
        key = (device, acl.name, acl.family)
        hit = self._acl_cache.get(key)
        if hit is not None:
            return hit
        if _has_chains(acl):
            permitted = self.chain(device, acl).accept
            self._acl_cache[key] = permitted
            return permitted
        s = self.space
        remaining = s.family(acl.family)
        permitted = s.false
        for rule, match in zip(acl.rules, self.compiled(device, acl), strict=True):
            if rule.action == "permit":
                permitted |= remaining & match
            remaining &= ~match
            if remaining == s.false:
                break
        self._acl_cache[key] = permitted
        return permitted

    def chain(self, device: str, acl: Acl) -> ChainSets:
        """The accepted, dropped and falling-through packets of one chain (memoised)."""
        key = (device, acl.name, acl.family)
        hit = self._chain_cache.get(key)
        if hit is not None:
            return hit
        s = self.space
        remaining = s.family(acl.family)
        accept, drop, fall = s.false, s.false, s.false
        for rule, match in zip(acl.rules, self.compiled(device, acl), strict=True):
            hit_here = remaining & match
            if hit_here == s.false:
                continue
            if rule.action == "permit":
                accept |= hit_here
            elif rule.action == "deny":
                drop |= hit_here
            elif rule.action == "return":
                fall |= hit_here
            else:
                assert rule.chain is not None
                sub = self.chain(device, rule.chain)
                accept |= hit_here & sub.accept
                drop |= hit_here & sub.drop
                if rule.action == "goto":
                    fall |= hit_here & sub.fall
                else:  # jump: what falls through the target goes on here
                    remaining = (remaining & ~match) | (hit_here & sub.fall)
                    continue
            remaining &= ~match
            if remaining == s.false:
                break
        fall |= remaining
        result = ChainSets(accept, drop, fall)
        self._chain_cache[key] = result
        return result

    def filter(self, device: str, acl: Acl) -> Bdd:
        """The pass set of a bound ACL over all packets: the other family passes untouched."""
        return self.permitted(device, acl) | ~self.space.family(acl.family)

    def first_matches(self, device: str, acl: Acl) -> list[tuple[AclRule | None, Bdd]]:
        """Each deciding entry's region (empty ones left out), then ``(None, rest)`` for the
        implicit deny. For a plain ACL, each entry's first-match region in order; for a
        program of chains, the packets each ``permit``/``deny`` entry of any chain decides,
        in the order evaluation meets them. Cached per (device, ACL)."""
        key = (device, acl.name, acl.family)
        hit = self._first_cache.get(key)
        if hit is not None:
            return hit
        s = self.space
        out: list[tuple[AclRule | None, Bdd]] = []
        if _has_chains(acl):
            regions = self._regions(device, acl)
            out.extend((rule, region) for rule, region in regions.values())
            out.append((None, self.chain(device, acl).fall))
            self._first_cache[key] = out
            return out
        remaining = s.family(acl.family)
        for rule, match in zip(acl.rules, self.compiled(device, acl), strict=True):
            region = remaining & match
            if region != s.false:
                out.append((rule, region))
            remaining &= ~match
        out.append((None, remaining))
        self._first_cache[key] = out
        return out

    def _regions(self, device: str, acl: Acl) -> dict[int, tuple[AclRule, Bdd]]:
        """Per deciding entry (by identity): the packets entering ``acl`` it decides."""
        key = (device, acl.name, acl.family)
        hit = self._region_cache.get(key)
        if hit is not None:
            return hit
        s = self.space
        out: dict[int, tuple[AclRule, Bdd]] = {}

        def add(rule: AclRule, region: Bdd) -> None:
            if region == s.false:
                return
            old = out.get(id(rule))
            out[id(rule)] = (rule, region if old is None else old[1] | region)

        remaining = s.family(acl.family)
        for rule, match in zip(acl.rules, self.compiled(device, acl), strict=True):
            hit_here = remaining & match
            if hit_here == s.false:
                continue
            if rule.action in ("permit", "deny"):
                add(rule, hit_here)
            elif rule.action in ("jump", "goto"):
                assert rule.chain is not None
                for sub_rule, region in self._regions(device, rule.chain).values():
                    add(sub_rule, hit_here & region)
                if rule.action == "jump":
                    remaining = (remaining & ~match) | (
                        hit_here & self.chain(device, rule.chain).fall
                    )
                    continue
            remaining &= ~match
        self._region_cache[key] = out
        return out


@dataclass(frozen=True, slots=True)
class ChainSets:
    """What a chain does with the packets that enter it: three disjoint sets."""

    accept: Bdd
    drop: Bdd
    fall: Bdd  # fell off the end or met a ``return``


# -- per-packet evaluation ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Packet:
    af: int
    src: int
    dst: int
    proto: int
    sport: int = 0
    dport: int = 0
    itype: int = 0
    icode: int = 0
    est: bool = False
    frag: bool = False

    @classmethod
    def of(
        cls,
        src: str,
        dst: str,
        proto: int,
        sport: int = 0,
        dport: int = 0,
        itype: int = 0,
        icode: int = 0,
        est: bool = False,
        frag: bool = False,
    ) -> Packet:
        s, d = ipaddress.ip_address(src), ipaddress.ip_address(dst)
        if s.version != d.version:
            raise ValueError(f"{src} and {dst} are of different address families")
        return cls(s.version, int(s), int(d), proto, sport, dport, itype, icode, est, frag)


def _addr_hit(matches: list[AddrMatch], af: int, value: int) -> bool:
    for match in matches:
        fam, addr, wild = addr_bits(match.address, match.wildcard)
        if fam == af and (value & ~wild) == (addr & ~wild):
            return True
    return False


def _in_ranges(ranges: list[object] | None, value: int) -> bool:
    if ranges is None:
        return True
    return any(r.lo <= value <= r.hi for r in ranges)  # type: ignore[attr-defined]


def _service_hit(service: Service, packet: Packet, l4_fragments: bool) -> bool:
    if service.protocol is not None and service.protocol != packet.proto:
        return False
    if packet.frag and _has_l4(service):
        return l4_fragments
    if packet.proto in PORT_PROTOCOLS and service.protocol in PORT_PROTOCOLS:
        if not _in_ranges(service.src_ports, packet.sport):  # type: ignore[arg-type]
            return False
        if not _in_ranges(service.dst_ports, packet.dport):  # type: ignore[arg-type]
            return False
    if service.protocol == ICMP[packet.af]:
        if service.icmp_type is not None and service.icmp_type != packet.itype:
            return False
        if service.icmp_code is not None and service.icmp_code != packet.icode:
            return False
    return not (service.established and not (packet.proto == 6 and packet.est))


def rule_matches(rule: AclRule, packet: Packet) -> bool:
    if not _addr_hit(rule.src, packet.af, packet.src):
        return False
    if not _addr_hit(rule.dst, packet.af, packet.dst):
        return False
    if rule.fragments:
        return packet.frag and any(
            s.protocol is None or s.protocol == packet.proto for s in rule.services
        )
    l4_fragments = _fragment_permits(rule)
    return any(_service_hit(s, packet, l4_fragments) for s in rule.services)


def evaluate(acl: Acl, packet: Packet) -> tuple[str, AclRule | None]:
    """First-match decision for one packet: (action, deciding rule or None for implicit)."""
    action, rule, _via = evaluate_path(acl, packet)
    return action, rule


def evaluate_path(acl: Acl, packet: Packet) -> tuple[str, AclRule | None, list[AclRule]]:
    """The decision for one packet, with the ``jump``/``goto`` entries taken on the way to the
    deciding entry (empty for a plain ACL). Falling off the bound ACL, or a ``return`` from
    it, is the implicit deny (rule None)."""
    if acl.family != packet.af:
        return "permit", None, []
    via: list[AclRule] = []
    verdict, rule = _run(acl, packet, via)
    if verdict == "fall":
        return "deny", None, via
    return verdict, rule, via


def _run(acl: Acl, packet: Packet, via: list[AclRule]) -> tuple[str, AclRule | None]:
    """Evaluate one chain: ("permit"|"deny", rule) or ("fall", None)."""
    for rule in acl.rules:
        if not rule_matches(rule, packet):
            continue
        if rule.action in ("permit", "deny"):
            return rule.action, rule
        if rule.action == "return":
            return "fall", None
        assert rule.chain is not None
        depth = len(via)
        via.append(rule)
        verdict, decided = _run(rule.chain, packet, via)
        if verdict != "fall":
            return verdict, decided
        if rule.action == "goto":
            return "fall", None
        del via[depth:]  # back from a jump: the path taken so far no longer leads anywhere
    return "fall", None
