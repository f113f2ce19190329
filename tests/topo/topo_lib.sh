# topo_lib.sh - shared helpers of the topo tests: network namespaces joined
# by a veth pair, freeDiameter configs, pass/fail bookkeeping
# (tests/lib/testlib.sh).
# Sourced by the test scripts; everything created is removed by cleanup().

. "${BASH_SOURCE[0]%/*}/../lib/testlib.sh" ||
	{ echo "FATAL: cannot source testlib.sh" >&2; exit 1; }
PIDS=
NS_A=imst-a-$$
NS_B=imst-b-$$
IF_A=imsta$$
IF_B=imstb$$
IP_A=10.201.0.1
IP_B=10.201.0.2
REALM=imst.test
FD_EXT=/usr/lib/freeDiameter

# kv NAME [N]: the N-th (1-based) value of NAME=... on stdin
kv() {
	sed -n "s/^$1=//p" | sed -n "${2:-1}p"
}

cleanup() {
	for p in $PIDS; do
		kill -9 "$p" 2>/dev/null
	done
	wait 2>/dev/null
	ip netns del "$NS_A" 2>/dev/null
	ip netns del "$NS_B" 2>/dev/null
	ip link del "$IF_A" 2>/dev/null
	true
}

topo_up() {
	[ "$(id -u)" -eq 0 ] || die "topo tests need root (network namespaces)"
	need ip
	trap cleanup EXIT
	trap 'exit 1' INT TERM
	ip netns add "$NS_A" || die "ip netns add"
	ip netns add "$NS_B" || die "ip netns add"
	ip link add "$IF_A" type veth peer name "$IF_B" || die "veth"
	ip link set "$IF_A" netns "$NS_A" || die "veth to netns"
	ip link set "$IF_B" netns "$NS_B" || die "veth to netns"
	ip -n "$NS_A" addr add "$IP_A/24" dev "$IF_A"
	ip -n "$NS_B" addr add "$IP_B/24" dev "$IF_B"
	for n in "$NS_A" "$NS_B"; do
		ip -n "$n" link set lo up || die "lo up"
	done
	ip -n "$NS_A" link set "$IF_A" up || die "link up"
	ip -n "$NS_B" link set "$IF_B" up || die "link up"
}

# fd_conf FILE IDENTITY [EXTRA...]: a freeDiameter 1.2.1 config, TCP only,
# no TLS (see shared notes: SecPort = 0, No_TLS, TcTimer = 2 in tests).
fd_conf() {
	f=$1
	id=$2
	shift 2
	{
		echo "Identity = \"$id\";"
		echo "Realm = \"$REALM\";"
		echo "Port = ${FD_PORT:-3868};"
		echo "SecPort = 0;"
		echo "No_SCTP;"
		echo "No_IPv6;"
		echo "TcTimer = 2;"
		echo "LoadExtension = \"$FD_EXT/dict_nasreq.fdx\";"
		echo "LoadExtension = \"$FD_EXT/dict_dcca.fdx\";"
		echo "LoadExtension = \"$FD_EXT/dict_dcca_3gpp.fdx\";"
		for l in "$@"; do
			echo "$l"
		done
	} >"$f"
}

