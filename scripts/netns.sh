# shellcheck shell=bash
# netns.sh - the one network-namespace builder of ./lab and every test.
# Two shapes: a bridge living in a namespace of its own with one veth per
# node (netns_bridge, netns_join), or two namespaces joined by a veth pair
# (netns_pair).  Addresses (IPv6 ones without duplicate address detection)
# and links come up with them; netns_down removes what was made.  Nothing
# here touches the caller's own namespace.  Each function prints
# "netns: ..." and returns 1 on the first error; the caller decides.
#
#   . scripts/netns.sh
#   netns_bridge lab-br
#   netns_join lab-br lab-hss vhss 10.1.0.1/24
#   netns_pair ka va "10.2.0.1/24 fd02::1/64" kb vb "10.2.0.2/24 fd02::2/64"
#   netns_down                    # every namespace made above

NETNS_MADE=()

netns_err() { echo "netns: $*" >&2; return 1; }

# netns_add NS: a new namespace, lo up, remembered for netns_down.
netns_add() {
	ip netns add "$1" || netns_err "ip netns add $1 (left over?)" ||
		return
	NETNS_MADE+=("$1")
	ip -n "$1" link set lo up || netns_err "lo up in $1"
}

# netns_addr NS DEV ADDR...: the addresses on DEV, then DEV up.
netns_addr() {
	local ns=$1 dev=$2 a
	shift 2
	for a in "$@"; do
		if [[ $a == *:* ]]; then
			ip -n "$ns" addr add "$a" dev "$dev" nodad
		else
			ip -n "$ns" addr add "$a" dev "$dev"
		fi || netns_err "address $a on $dev in $ns" || return
	done
	ip -n "$ns" link set "$dev" up || netns_err "$dev up in $ns"
}

# netns_bridge BRNS: namespace BRNS with the bridge br0 up.
netns_bridge() {
	netns_add "$1" || return
	ip -n "$1" link add br0 type bridge || netns_err "bridge in $1" ||
		return
	ip -n "$1" link set br0 up || netns_err "br0 up in $1"
}

# netns_join BRNS NS PORT ADDR...: a new namespace NS on BRNS's bridge:
# its eth0 holds the addresses, the veth's other end PORT (at most 15
# characters) is a port of br0.
netns_join() {
	local br=$1 ns=$2 port=$3
	shift 3
	netns_add "$ns" || return
	ip -n "$br" link add "$port" type veth peer name eth0 netns "$ns" ||
		netns_err "veth $port to $ns" || return
	ip -n "$br" link set "$port" master br0 up ||
		netns_err "$port on br0 in $br" || return
	netns_addr "$ns" eth0 "$@"
}

# netns_pair NSA DEVA "ADDR..." NSB DEVB "ADDR...": new namespaces NSA and
# NSB joined by the veth DEVA <-> DEVB, with these addresses.
netns_pair() {
	local na=$1 da=$2 nb=$4 db=$5
	local -a aa ab
	read -r -a aa <<<"$3"
	read -r -a ab <<<"$6"
	netns_add "$na" || return
	netns_add "$nb" || return
	ip link add "$da" netns "$na" type veth peer name "$db" netns "$nb" ||
		netns_err "veth $da/$db" || return
	netns_addr "$na" "$da" "${aa[@]}" || return
	netns_addr "$nb" "$db" "${ab[@]}"
}

# netns_down [NS...]: delete these namespaces (default: every one made
# here), quietly; the processes still in them keep running.
netns_down() {
	local n
	[ $# -gt 0 ] || set -- "${NETNS_MADE[@]}"
	for n in "$@"; do
		ip netns del "$n" 2>/dev/null
	done
	NETNS_MADE=()
	return 0
}
