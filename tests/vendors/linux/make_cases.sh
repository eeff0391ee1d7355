#!/usr/bin/env bash
# Regenerates the inputs of the linux parser goldens (cases/<case>.cfg) from real Linux hosts
# built in throwaway network namespaces: no traffic is sent, nothing is linked to the host
# namespace (every veth peer sits in a second throwaway namespace). Run as root:
#   tests/vendors/linux/make_cases.sh [case ...]
# then `make golden` and read the diff. The answers are the exact output of the commands in
# agent/vendors/linux/collect.yaml, assembled as docs/linux-snapshot.md describes.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
spec="$here/../../../agent/vendors/linux/collect.yaml"
ns=segproof-lx-case
peer=segproof-lxp-case
# the netns lab's example rulesets (the shared folder next to the repository, or $SEGPROOF_SHARED)
examples="${SEGPROOF_SHARED:-$here/../../../../shared}/notes/netns-lab/examples"

x() { ip netns exec "$ns" "$@"; }
cleanup() { ip netns del "$ns" 2>/dev/null || true; ip netns del "$peer" 2>/dev/null || true; }
trap cleanup EXIT

fresh() {
  cleanup
  ip netns add "$ns"
  ip netns add "$peer"
  x ip link set lo up
  x sysctl -qw net.bridge.bridge-nf-call-iptables=0 net.bridge.bridge-nf-call-ip6tables=0
}

# veth NAME [ADDR...]: an interface of the host, its peer in the peer namespace
veth() {
  local name=$1; shift
  x ip link add "$name" type veth peer name "p-$name" netns "$peer"
  x ip link set "$name" up
  for a in "$@"; do x ip addr add "$a" dev "$name" nodad 2>/dev/null || x ip addr add "$a" dev "$name"; done
}

# bridge NAME PORT... : a bridge with veth ports (no addresses)
bridge() {
  local name=$1; shift
  x ip link add "$name" type bridge
  x ip link set "$name" up
  for p in "$@"; do veth "$p"; x ip link set "$p" master "$name"; done
}

# the dist1 router of the netns lab (one bridge with two camera ports instead of a trunk)
router() {
  fresh
  bridge br20 cam-p1 cam-p2
  x ip addr add 10.20.0.1/24 dev br20
  x ip -6 addr add 2001:db8:20::1/64 dev br20 nodad
  veth vlan40 10.40.0.1/24
  veth to-nvr 10.30.0.1/24
  veth to-core 10.0.1.1/24 2001:db8:100::1/64
  veth mgmt0 10.99.0.1/24
  x ip route add 10.0.0.0/16 via 10.0.1.254
  x ip -6 route add 2001:db8:100::/48 via 2001:db8:100::fe
  x sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
}

dump() { # dump CASE: write cases/CASE.cfg
  local name=$1
  {
    echo "# segproof linux dump v1"
    awk '/^  - command: /{sub(/^  - command: /,""); print}' "$spec" |
    while IFS= read -r cmd; do
      case "$cmd" in ip\ -4\ -j\ neigh|ip\ -6\ -j\ neigh|bridge\ -j\ fdb\ show) continue;; esac
      echo "#### segproof-section: $cmd"
      if [ "$cmd" = hostname ]; then echo dist1; continue; fi
      local run=$cmd
      # a host whose `iptables` is the legacy variant (update-alternatives)
      if [ "${LEGACY_DEFAULT:-0}" = 1 ]; then
        case "$cmd" in iptables-save|ip6tables-save) run="${cmd%-save}-legacy-save";; esac
      fi
      x sh -c "$run" 2>&1 | sed -e '$a\' | sed '/^$/d' || true
    done
  } > "$here/cases/$name.cfg"
}

case_iptables_router() {
  router
  x iptables-restore < "$examples/baseline.rules"
  dump iptables_router
}

case_iptables_shadowing() {
  router
  x iptables-restore < "$examples/bad-cloud-upload.rules"
  dump iptables_shadowing
}

case_nft_router() {
  router
  x nft -f "$examples/baseline.nft"
  dump nft_router
}

case_user_chains() {
  router
  x iptables-restore <<'RULES'
*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
:CAMERAS - [0:0]
:NVR - [0:0]
:USERS - [0:0]
-A FORWARD -i br20 -j CAMERAS
-A FORWARD -i vlan40 -g USERS
-A FORWARD -o br20 -j DROP
-A FORWARD -j ACCEPT
-A CAMERAS -d 10.30.0.10/32 -j NVR
-A CAMERAS -d 10.0.0.0/16 -j DROP
-A CAMERAS -p udp -m udp --dport 123 -j RETURN
-A CAMERAS -j DROP
-A NVR -p tcp -m multiport --dports 554,8000 -j ACCEPT
-A NVR -j RETURN
-A USERS -s 10.40.0.0/24 -d 10.0.0.0/16 -j RETURN
-A USERS -s 10.40.0.0/24 -j ACCEPT
COMMIT
RULES
  dump user_chains
}

case_negation() {
  router
  x iptables-restore <<'RULES'
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:CHECK - [0:0]
-A FORWARD ! -s 10.20.0.0/24 -j ACCEPT
-A FORWARD -p tcp -m tcp ! --dport 554 -j DROP
-A FORWARD ! -i br20 -j DROP
-A FORWARD -i br+ ! -o to-core -j CHECK
-A FORWARD ! -f -p udp -j DROP
-A FORWARD -p icmp -m icmp ! --icmp-type 8 -j DROP
-A FORWARD ! -d 10.30.0.10/32 -g CHECK
-A CHECK ! -d 10.0.0.0/8 -j RETURN
-A CHECK -j DROP
COMMIT
RULES
  dump negation
}

case_multiport_iprange() {
  router
  x iptables-restore <<'RULES'
*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -m iprange --src-range 10.20.0.10-10.20.0.19 -p tcp -m multiport --dports 554,8000:8010 -d 10.30.0.10/32 -j ACCEPT
-A FORWARD -m iprange ! --dst-range 10.0.0.0-10.0.255.255 -s 10.20.0.0/24 -p udp -m multiport --ports 53,123 -j ACCEPT
-A FORWARD -p tcp -m multiport ! --dports 22,23 -s 10.40.0.0/24 -j ACCEPT
-A FORWARD -p udp -m udp --sport 1024:65535 --dport 514 -s 10.20.0.0/24 -d 10.30.0.10/32 -j ACCEPT
-A FORWARD -s 10.40.0.0/255.255.0.255 -j ACCEPT
COMMIT
RULES
  dump multiport_iprange
}

case_ipset() {
  router
  x ipset create cams hash:ip
  x ipset add cams 10.20.0.11
  x ipset add cams 10.20.0.12
  x ipset create core hash:net
  x ipset add core 10.0.0.0/16
  x ipset add core 10.99.0.0/24
  x ipset create nvr-ports hash:ip,port
  x ipset add nvr-ports 10.30.0.10,tcp:554
  x ipset create core6 hash:net family inet6
  x ipset add core6 2001:db8:100::/48
  x iptables-restore <<'RULES'
*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -m set --match-set cams src -m set --match-set core dst -j DROP
-A FORWARD -m set ! --match-set cams src -s 10.20.0.0/24 -j ACCEPT
-A FORWARD -m set --match-set nvr-ports dst,dst -j ACCEPT
-A FORWARD -s 10.40.0.0/24 -j ACCEPT
COMMIT
RULES
  dump ipset
}

case_ctstate() {
  router
  x iptables-restore <<'RULES'
*filter
:INPUT DROP [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -m state --state RELATED,ESTABLISHED -j ACCEPT
-A INPUT -m conntrack --ctstate NEW,ESTABLISHED -p icmp -j ACCEPT
-A FORWARD -m conntrack --ctstate INVALID -j DROP
-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -m conntrack --ctstate INVALID,UNTRACKED -s 10.20.0.0/24 -j ACCEPT
-A FORWARD -m conntrack ! --ctstate NEW -s 10.40.0.0/24 -j ACCEPT
-A FORWARD -m conntrack ! --ctstate RELATED,ESTABLISHED -s 10.20.0.0/24 -d 10.0.0.0/16 -j DROP
-A FORWARD -m conntrack --ctstate NEW -s 10.20.0.0/24 -d 10.30.0.10/32 -j ACCEPT
COMMIT
RULES
  dump ctstate
}

case_ip6tables() {
  router
  x iptables-restore < "$examples/baseline.rules"
  x ip6tables-restore <<'RULES'
*filter
:INPUT DROP [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -p ipv6-icmp -m icmp6 --icmpv6-type 135 -j ACCEPT
-A INPUT -p ipv6-icmp -m icmp6 --icmpv6-type 136 -j ACCEPT
-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -s 2001:db8:20::/64 -d 2001:db8:100::/48 -j REJECT --reject-with icmp6-adm-prohibited
-A FORWARD -s 2001:db8:20::/64 -p ipv6-icmp -m icmp6 --icmpv6-type 128 -j ACCEPT
-A FORWARD -i to-core -j ACCEPT
COMMIT
RULES
  dump ip6tables
}

case_iptables_nft_dedupe() {
  # iptables-nft in both families: nft prints both tables (with its warnings); each is read
  # once, from iptables-save / ip6tables-save
  router
  x iptables-restore < "$examples/baseline.rules"
  x ip6tables-restore <<'RULES'
*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -s 2001:db8:20::/64 -d 2001:db8:100::/48 -j DROP
-A FORWARD -j ACCEPT
COMMIT
RULES
  dump iptables_nft_dedupe
}

case_legacy_default() {
  # iptables is the legacy variant: iptables-save and iptables-legacy-save print the same
  router
  x iptables-legacy-restore < "$examples/baseline.rules"
  LEGACY_DEFAULT=1 dump legacy_default
  x iptables-legacy -F
}

case_legacy_and_nft() {
  router
  x iptables-legacy-restore <<'RULES'
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -s 10.20.0.0/24 -d 10.0.0.0/16 -j DROP
COMMIT
RULES
  x nft -f - <<'RULES'
table inet segproof_demo {
  chain early {
    type filter hook forward priority -10; policy accept;
    ip saddr 10.20.0.0/24 tcp dport 22 drop
  }
  chain late {
    type filter hook forward priority 10; policy drop;
    ip saddr 10.20.0.0/24 ip daddr 10.30.0.10 tcp dport { 554, 8000 } accept
    ip saddr 10.40.0.0/24 accept
    iifname "to-core" accept
  }
}
RULES
  dump legacy_and_nft
  x iptables-legacy -F
}

case_nft_features() {
  router
  x nft -f - <<'RULES'
table inet fw {
  set cams { type ipv4_addr; flags interval; elements = { 10.20.0.0/28, 10.20.0.100-10.20.0.120 } }
  set svc { type inet_service; elements = { 554, 8000 } }
  set dyn { type ipv4_addr; flags dynamic, timeout; timeout 1h; }
  chain forward {
    type filter hook forward priority filter; policy drop;
    ct state vmap { invalid : drop, established : accept, related : accept }
    iifname vmap { "vlan40" : jump users, "to-core" : accept }
    ip saddr @cams ip daddr 10.30.0.10 tcp dport @svc counter accept
    ip saddr @cams meta l4proto { tcp, udp } th dport 53 ip daddr != { 10.0.0.0/8 } accept
    ip saddr @cams icmp type echo-request ip daddr 10.30.0.10 accept
    ip6 saddr 2001:db8:20::/64 icmpv6 type { echo-request, nd-neighbor-solicit } accept
    ip saddr @dyn accept
    ip saddr 10.20.0.0/24 limit rate 10/second accept
    ip saddr 10.20.0.0/24 udp sport <= 1023 drop
    ip frag-off & 0x1fff != 0 drop
    ip saddr 10.20.0.0/24 log prefix "cam drop " drop
  }
  chain users {
    ip daddr 10.0.0.0/16 tcp dport { 22, 3389 } reject with icmpx type admin-prohibited
    accept
  }
  chain input {
    type filter hook input priority filter; policy drop;
    iif "lo" accept
    ip saddr 10.99.0.0/24 tcp dport 22 accept
  }
}
table ip nat {
  chain post {
    type nat hook postrouting priority srcnat; policy accept;
    oifname "to-core" ip saddr 10.40.0.0/24 masquerade
  }
}
RULES
  dump nft_features
}

case_policy_routing() {
  # the cameras' traffic follows table 100 (out of to-nvr), which the forward rules, testing
  # the output interface, treat differently from table main's choice (to-core)
  router
  x iptables-restore <<'RULES'
*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -s 10.20.0.0/24 -o to-nvr -p tcp -m multiport --dports 554,8000 -j ACCEPT
-A FORWARD -s 10.40.0.0/24 -j ACCEPT
COMMIT
RULES
  x ip route add default via 10.30.0.254 table 100
  x ip rule add from 10.20.0.0/24 lookup 100
  dump policy_routing
}

case_bridge_switch() {
  fresh
  x sysctl -qw net.bridge.bridge-nf-call-iptables=1 net.bridge.bridge-nf-call-ip6tables=1
  bridge br20 port1 port2 port3 trunk-v20
  bridge br40 port4 trunk-v40
  bridge br-lab port5 port6
  veth mgmt0 10.99.0.5/30
  x ip link set port3 down
  x sysctl -qw net.ipv4.ip_forward=0 net.ipv6.conf.all.forwarding=0
  # with br_netfilter on, this rule filters bridged traffic between two ports of br20
  x iptables -A FORWARD -m physdev --physdev-in port1 --physdev-out port2 -j DROP
  dump bridge_switch
}

case_forward_off() {
  router
  x sysctl -qw net.ipv4.ip_forward=0 net.ipv6.conf.all.forwarding=0
  x iptables-restore < "$examples/baseline.rules"
  dump forward_off
}

case_unknown_rule() {
  router
  x iptables-restore <<'RULES'
*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -i mgmt0 -p tcp -m tcp --dport 22 -m recent --set --name ssh
-A FORWARD -s 10.20.0.0/24 -d 10.0.0.0/16 -m limit --limit 10/sec -j ACCEPT
-A FORWARD -s 10.20.0.0/24 -m mark --mark 0x1 -j DROP
-A FORWARD -i vlan40 -j MARK --set-xmark 0x2/0xffffffff
-A FORWARD -i vlan40 -p tcp -m tcp --tcp-flags SYN,RST SYN -j ACCEPT
-A FORWARD -s 10.20.0.0/24 -d 10.30.0.10/32 -p tcp -m multiport --dports 554,8000 -j ACCEPT
-A OUTPUT -m owner --uid-owner 0 -j ACCEPT
COMMIT
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A POSTROUTING -o to-core -j MASQUERADE
COMMIT
*mangle
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A FORWARD -p tcp -m tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu
-A PREROUTING -s 192.0.2.0/24 -j DROP
COMMIT
RULES
  dump unknown_rule
}

case_routes() {
  router
  x ip route add 10.9.0.0/16 nexthop via 10.0.1.254 dev to-core nexthop via 10.30.0.254 dev to-nvr
  x ip route add blackhole 10.0.66.0/24
  x ip route add unreachable 10.0.67.0/24
  x ip route add 10.8.0.0/16 via 10.0.1.250 metric 100 proto static
  x ip route add 10.8.0.0/16 via 10.30.0.250 metric 200 proto static
  x ip route add 10.7.0.0/16 via 10.0.1.250 proto bird
  x ip route add default via 10.0.1.254 table 100
  x iptables-restore <<'RULES'
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -i br20 -o to-core -j DROP
COMMIT
RULES
  dump routes
}

cases=("$@")
if [ ${#cases[@]} -eq 0 ]; then
  mapfile -t cases < <(declare -F | awk '{print $3}' | sed -n 's/^case_//p')
fi
mkdir -p "$here/cases"
for c in "${cases[@]}"; do "case_$c"; echo "wrote cases/$c.cfg"; done
