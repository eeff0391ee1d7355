#!/usr/bin/env bash
# Regenerates configs/lx1.cfg from a real Linux router built in a throwaway network namespace
# (no traffic: nothing is linked to the host namespace). Run as root; reviewed output is
# committed. The answers are the exact output of the commands in
# agent/vendors/linux/collect.yaml, assembled as docs/linux-snapshot.md describes.
set -euo pipefail
cd "$(dirname "$0")"
ns=sp-mk-lx1
ip netns del "$ns" 2>/dev/null || true
ip netns add "$ns"
trap 'ip netns del "$ns"' EXIT
x() { ip netns exec "$ns" "$@"; }
x ip link set lo up
x ip link add br20 type bridge
x ip link add cam-p1 type veth peer name cam-h1
x ip link add core0 type veth peer name core0-h
x ip link set cam-p1 master br20
for i in br20 cam-p1 cam-h1 core0 core0-h; do x ip link set "$i" up; done
x ip addr add 10.20.0.1/24 dev br20
x ip addr add 10.0.1.1/24 dev core0
x ip addr add 2001:db8:1::1/64 dev core0 nodad
x ip route add 10.0.0.0/16 via 10.0.1.254
x sysctl -qw net.ipv4.ip_forward=1
x ip neigh replace 10.20.0.11 lladdr 44:19:b6:00:00:11 dev br20
x ip neigh replace 10.0.1.10 lladdr 3c:ec:ef:00:01:10 dev core0
x bridge fdb replace 44:19:b6:00:00:11 dev cam-p1 master static
x iptables-restore <<'RULES'
*filter
:INPUT DROP [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -i lo -j ACCEPT
-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -s 10.20.0.0/24 -d 10.30.0.10/32 -p tcp -m multiport --dports 554,8000 -j ACCEPT
-A FORWARD -s 10.20.0.0/24 -d 10.0.0.0/16 -j DROP
-A FORWARD -i core0 -j ACCEPT
COMMIT
RULES
{
  echo "# segproof linux dump v1"
  awk '/^  - command: /{sub(/^  - command: /,""); print}' ../../../../agent/vendors/linux/collect.yaml |
  while IFS= read -r cmd; do
    case "$cmd" in ip\ -4\ -j\ neigh|ip\ -6\ -j\ neigh|bridge\ -j\ fdb\ show) continue;; esac
    echo "#### segproof-section: $cmd"
    if [ "$cmd" = "iptables-legacy-save" ] || [ "$cmd" = "ip6tables-legacy-save" ]; then
      echo "#### segproof-unavailable: -bash: $cmd: command not found"
      continue
    fi
    # the PTY merges stderr; the host name is the device's, not this namespace's
    x sh -c "$cmd" 2>&1 | sed "s/^$(hostname)\$/lx1/" | sed -e '$a\' | sed '/^$/d' || true
  done
} > configs/lx1.cfg
x ip -4 -j neigh > answers/ip4neigh.json
x ip -6 -j neigh > answers/ip6neigh.json
x bridge -j fdb show > answers/fdb.json
# lx2: no nft on the host (optional tool); lx3: `ip -j -p addr` missing (mandatory)
python3 - <<'PY'
from pathlib import Path
cfg = Path("configs/lx1.cfg").read_text()
nft = "#### segproof-section: nft list ruleset\n"
lx2 = cfg.replace("hostname\nlx1\n", "hostname\nlx2\n")
lx2 = lx2[: lx2.index(nft) + len(nft)] + "#### segproof-unavailable: -bash: command not found\n"
Path("configs/lx2.cfg").write_text(lx2)
addr = "#### segproof-section: ip -j -p addr\n"
lx3 = cfg.replace("hostname\nlx1\n", "hostname\nlx3\n")
a = lx3.index(addr) + len(addr)
b = lx3.index("#### segproof-section: ip -4 -j -p route")
Path("configs/lx3.cfg").write_text(lx3[:a] + "#### segproof-unavailable: -bash: command not found\n" + lx3[b:])
PY
# the state files the fake devices serve: the answers in their snapshot shapes (the collector's
# own shapers), the same for the three hosts
cd ../../../.. && .venv/bin/python - <<'PY'
import json
from pathlib import Path
from agent.collect import shape, spec
here = Path("tests/collect/data/linux")
cmds = {c.command: c for c in spec.load("linux").commands}
for host in ("lx1", "lx2", "lx3"):
    d = here / "state" / host
    d.mkdir(parents=True, exist_ok=True)
    for cmd, answer, out in (
        ("ip -4 -j neigh", "ip4neigh.json", "arp.json"),
        ("ip -6 -j neigh", "ip6neigh.json", "ndp.json"),
        ("bridge -j fdb show", "fdb.json", "mac.json"),
    ):
        value = shape.from_json((here / "answers" / answer).read_text(), cmds[cmd])
        (d / out).write_text(json.dumps(value, indent=2, sort_keys=True) + "\n")
PY
