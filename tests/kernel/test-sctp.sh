#!/bin/bash
# test-sctp.sh - an SCTP association (RFC 9260) between two network namespaces.
#
# A one-to-one SCTP server in namespace B echoes what the client in A sends
# (IPv4, then IPv6).  Asserted: the echo comes back, and the capture on the
# veth shows the INIT, INIT ACK, COOKIE ECHO/ACK and DATA chunks (tshark).
# Runs as root where the kernel has SCTP: via tests/kernel/kernel-test.sh.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
PY=/usr/bin/python3
A=imsA$$ B=imsB$$
work=$(mktemp -d "${TMPDIR:-/tmp}/ims-sctp.XXXXXX")
pids=()
checks=0

# bg NS NAME COMMAND...: start COMMAND in namespace NS in the background; its
# own pid (not that of `ip netns exec`, which may fork) lands in $work/NAME.pid.
bg() {
	local ns=$1 name=$2
	shift 2
	ip netns exec $ns /bin/sh -c 'echo $$ >"$0"; exec "$@"' "$work/$name.pid" "$@" &
	for _ in $(seq 50); do [ -s "$work/$name.pid" ] && break; sleep 0.1; done
	pids+=("$(cat "$work/$name.pid")")
}
stop() { # NAME: SIGINT and wait until gone
	local p
	p=$(cat "$work/$1.pid")
	kill -INT "$p" 2>/dev/null
	for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || return 0; sleep 0.1; done
	kill "$p" 2>/dev/null
}
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	ip netns del $A 2>/dev/null; ip netns del $B 2>/dev/null
	[ -n "${KEEP_WORK:-}" ] || rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "test-sctp: FAIL: $*" >&2; exit 1; }
ok() { checks=$((checks + 1)); echo "test-sctp: ok: $*"; }

echo "test-sctp: kernel $(uname -r)"
ip netns add $A && ip netns add $B || fail "cannot create namespaces"
ip link add va netns $A type veth peer name vb netns $B || fail "veth"
ip -n $A addr add 10.78.0.1/24 dev va && ip -n $B addr add 10.78.0.2/24 dev vb &&
ip -n $A addr add fd78::1/64 dev va nodad && ip -n $B addr add fd78::2/64 dev vb nodad &&
ip -n $A link set lo up && ip -n $B link set lo up &&
ip -n $A link set va up && ip -n $B link set vb up || fail "addresses"

pcap=$work/sctp.pcap
bg $B tcpdump tcpdump -Z root -U --immediate-mode -n -s 0 -i vb -w "$pcap" sctp 2>"$work/tcpdump.err"
for _ in $(seq 100); do [ -s "$pcap" ] && break; sleep 0.1; done
[ -s "$pcap" ] || fail "tcpdump did not start: $(cat "$work/tcpdump.err")"

assoc() { # server-addr port message
	local srv
	ip netns exec $B $PY "$here/sctp_echo.py" server $1 $2 >"$work/srv.out" 2>&1 &
	srv=$!	# exits by itself once the association is done; waited for below
	for _ in $(seq 100); do grep -q ready "$work/srv.out" && break; sleep 0.1; done
	grep -q ready "$work/srv.out" || fail "SCTP server on $1: $(cat "$work/srv.out")"
	ip netns exec $A $PY "$here/sctp_echo.py" client $1 $2 "$3" ||
		fail "SCTP echo from $1 failed"
	wait $srv || fail "SCTP server on $1: $(cat "$work/srv.out")"
	cat "$work/srv.out"
}
assoc 10.78.0.2 3868 "diameter-over-sctp-v4"
ok "SCTP association over IPv4: data echoed"
assoc fd78::2 3869 "diameter-over-sctp-v6"
ok "SCTP association over IPv6: data echoed"
sleep 1
stop tcpdump

# Chunk types (RFC 9260 section 3.2): 0 DATA, 1 INIT, 2 INIT ACK, 3 SACK,
# 10 COOKIE ECHO, 11 COOKIE ACK.
types=$(tshark -n -r "$pcap" -Y sctp -T fields -e sctp.chunk_type 2>/dev/null |
    tr ',' '\n' | sort -un | tr '\n' ' ')
for t in 0 1 2 10 11; do
	[[ " $types" == *" $t "* ]] || fail "chunk type $t missing from the capture (seen: $types)"
done
ok "tshark: SCTP chunk types seen: $types(INIT, INIT ACK, COOKIE ECHO/ACK, DATA)"
n=$(tshark -n -r "$pcap" -Y 'sctp.chunk_type == 1' 2>/dev/null | wc -l)
[ "$n" -ge 2 ] || fail "expected an INIT per association, got $n"
tshark -n -r "$pcap" 2>/dev/null | head -8
echo "test-sctp: PASS: $checks checks"
