# shellcheck shell=bash
# naf_lib.sh - shared by the naf/xcap topo tests: two namespaces (tests/
# topo/topo_lib.sh) where B has a second, untrusted address, the xcap
# server's configuration and start-up, curl helpers.
# shellcheck source=../topo/topo_lib.sh
. "${BASH_SOURCE[0]%/*}/../topo/topo_lib.sh" ||
	{ echo "FATAL: cannot source topo_lib.sh" >&2; exit 1; }
# shellcheck disable=SC2034 # for the tests that source this
{
	IP_C=10.201.0.3		# in namespace B too: not a trusted peer
	SRC=$(cd "${BASH_SOURCE[0]%/*}/../.." && pwd)
	DOC_PATH=/simservs.ngn.etsi.org/users
	ALICE=sip:alice@$REALM
	ALICE_ENC=sip%3Aalice%40$REALM
	BOB=sip:bob@$REALM
}

# naf_topo_up: NS_A (IP_A) and NS_B (IP_B and IP_C) on a veth pair.
naf_topo_up() {
	[ "$(id -u)" -eq 0 ] || die "topo tests need root (network namespaces)"
	need ip curl
	trap cleanup EXIT
	trap 'exit 1' INT TERM
	netns_pair "$NS_A" "$IF_A" "$IP_A/24" "$NS_B" "$IF_B" \
		"$IP_B/24 $IP_C/24" || die "no namespaces"
}

# start_daemon NS NAME LOG PORT CMD...: run CMD in NS, wait until it
# listens on TCP PORT; its pid in PIDS and ${NAME}_PID.
start_daemon() {
	local ns=$1 name=$2 log=$3 port=$4 pid
	shift 4
	ip netns exec "$ns" "$@" >>"$log" 2>&1 &
	pid=$!
	PIDS="$PIDS $pid"
	printf -v "${name}_PID" '%s' "$pid"
	for _ in $(seq 100); do
		ip netns exec "$ns" ss -ltn 2>/dev/null | grep -q ":$port " &&
			return 0
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	cat "$log" >&2
	die "$name did not start"
}
