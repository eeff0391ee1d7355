"""Words a Linux table or chain name must not be (data, not behaviour).

``NFT_KEYWORDS``: the tokens the nftables 1.0.x scanner (``src/scanner.l``) returns as keywords in
its initial state, where a table name is read; ``table inet counter`` is a syntax error. Names are
case-sensitive and every keyword is lower case. ``IPTABLES_RESERVED``: built-in chains and the
standard and common extension targets; iptables refuses a chain named like a target.
"""

from __future__ import annotations

_NFT = """
    eq ne le lt ge gt lshift rshift xor and or not vmap include define redefine undefine describe
    hook device devices table chain rule set element map flowtable handle ruleset socket tproxy
    accept drop continue jump goto return inet netdev add replace update create insert delete get
    list reset flush rename import export monitor destroy position index comment constant interval
    dynamic auto-merge timeout gc-interval elements expires policy size flow offload meter counter
    last log queue limit quota hour day reject snat dnat masquerade redirect random th bridge ether
    type typeof vlan arp ip ecn time icmp icmpv6 igmp ip6 priority ah esp comp flags udp udplite
    vxlan vni geneve gre gretap tcp dccp sctp rt rt0 rt2 srh hbh frag dst mh meta mark iif iifname
    iiftype oif oifname oiftype skuid skgid nftrace rtclassid ibriport ibrname obriport obrname
    pkttype cpu iifgroup oifgroup cgroup ct numgen jhash symhash dup fwd fib osf synproxy tunnel
    notrack all exists missing exthdr ipsec secmark xt
"""
NFT_KEYWORDS = frozenset(_NFT.split())

_IPTABLES = """
    INPUT OUTPUT FORWARD PREROUTING POSTROUTING
    ACCEPT DROP RETURN QUEUE LOG REJECT MARK CONNMARK DNAT SNAT MASQUERADE REDIRECT NETMAP NFQUEUE
    NFLOG TEE TRACE CT NOTRACK CLASSIFY DSCP TOS TTL HL SECMARK CONNSECMARK AUDIT CHECKSUM
    IDLETIMER LED RATEEST SET SYNPROXY TCPMSS TCPOPTSTRIP TPROXY HMARK CLUSTERIP ULOG ERROR
"""
IPTABLES_RESERVED = frozenset(_IPTABLES.split())
