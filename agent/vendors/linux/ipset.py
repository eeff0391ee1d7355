"""``ipset save``: the address sets ``iptables -m set --match-set NAME src|dst`` refers to.

Understood: ``create NAME hash:ip|hash:net|bitmap:ip ...`` (one address dimension, ``family
inet``/``inet6``) and ``add NAME <address|prefix|a-b>``. A set of another type (``hash:ip,port``,
``hash:net,iface``, ``list:set``, ...) or with ``nomatch`` entries (exceptions carved out of a
net) is kept as not modelled: a rule that uses it is uncertain. Entry options such as
``timeout`` or ``comment`` do not change membership at the time of collection.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field

from agent.models.device import AddrMatch
from agent.vendors.linux.dump import Books, Line
from agent.vendors.linux.netfilter import address

SUPPORTED = ("hash:ip", "hash:net", "bitmap:ip")


@dataclass(slots=True)
class IpSet:
    name: str
    kind: str
    family: int
    line: int
    members: list[AddrMatch] = field(default_factory=list)
    why: str = ""  # not empty: the set is not modelled, and why

    @property
    def modelled(self) -> bool:
        return not self.why


def parse(body: list[Line], books: Books) -> dict[str, IpSet]:
    sets: dict[str, IpSet] = {}
    for line in body:
        text = line.text.strip()
        if not text or text.startswith("#"):
            books.irrelevant(line.no)
            continue
        try:
            words = shlex.split(text)
        except ValueError:
            books.unrecognized(line.no, "top", None, "unbalanced quotes")
            continue
        if words[0] == "create" and len(words) >= 3:
            _create(words, line.no, sets, books)
        elif words[0] == "add" and len(words) >= 3 and words[1] in sets:
            _add(words, line.no, sets[words[1]], books)
        else:
            books.unrecognized(line.no, "top", None, "not ipset save syntax")
    return sets


def _create(words: list[str], no: int, sets: dict[str, IpSet], books: Books) -> None:
    name, kind = words[1], words[2]
    options = words[3:]
    family = 4
    if "family" in options[:-1]:
        family = {"inet": 4, "inet6": 6}.get(options[options.index("family") + 1], 0)
    item = IpSet(name, kind, family, no)
    if kind not in SUPPORTED:
        item.why = f"ipset {name} of type {kind} not modelled"
    elif family == 0:
        item.why = f"ipset {name}: family not understood"
    sets[name] = item
    books.understood(no)


def _add(words: list[str], no: int, item: IpSet, books: Books) -> None:
    books.understood(no)
    if item.why:
        return
    if "nomatch" in words[3:]:
        item.why = f"ipset {item.name} has nomatch entries (not modelled)"
        return
    try:
        item.members.extend(address(words[2], item.family))
    except ValueError:
        item.why = f"ipset {item.name}: entry {words[2]!r} not understood"
