#!/bin/bash
# test_sctp.sh - an SCTP association (RFC 9260) between two network namespaces.
#
# A one-to-one SCTP server in namespace B echoes what the client in A sends
# (IPv4, then IPv6).  Asserted: the echo comes back, and the capture on the
# veth shows the INIT, INIT ACK, COOKIE ECHO/ACK and DATA chunks (tshark).
# Runs as root where the kernel has SCTP: via tests/kernel/kernel_test.sh.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
PY=/usr/bin/python3
A=imsA$$ B=imsB$$
# shellcheck source=SCRIPTDIR/klib.sh
. "$here/klib.sh"
klib_init ims-sctp
need tcpdump tshark

echo "test_sctp: kernel $(uname -r)"
netns_pair "$A" va "10.78.0.1/24 fd78::1/64" "$B" vb "10.78.0.2/24 fd78::2/64" ||
	die "no namespaces"

pcap=$work/sctp.pcap
bg "$B" tcpdump tcpdump -Z root -U --immediate-mode -n -s 0 -i vb -w "$pcap" sctp \
    2>"$work/tcpdump.err"
for _ in $(seq 100); do [ -s "$pcap" ] && break; sleep 0.1; done
[ -s "$pcap" ] || die "tcpdump did not start: $(cat "$work/tcpdump.err")"

# assoc SERVER-ADDR PORT MESSAGE: one association, MESSAGE echoed back;
# fails on the first thing that goes wrong.
assoc() {
	local srv
	ip netns exec "$B" "$PY" "$here/sctp_echo.py" server "$1" "$2" \
	    >"$work/srv.out" 2>&1 &
	srv=$!	# exits by itself once the association is done; waited for below
	for _ in $(seq 100); do grep -q ready "$work/srv.out" && break; sleep 0.1; done
	if ! grep -q ready "$work/srv.out"; then
		kill "$srv" 2>/dev/null
		fail "SCTP server on $1: $(cat "$work/srv.out")"
		return 1
	fi
	if ! ip netns exec "$A" "$PY" "$here/sctp_echo.py" client "$1" "$2" "$3"; then
		kill "$srv" 2>/dev/null
		fail "SCTP echo from $1 failed"
		return 1
	fi
	wait "$srv" || { fail "SCTP server on $1: $(cat "$work/srv.out")"; return 1; }
	cat "$work/srv.out"
}
assoc 10.78.0.2 3868 "diameter-over-sctp-v4" &&
	pass "SCTP association over IPv4: data echoed"
assoc fd78::2 3869 "diameter-over-sctp-v6" &&
	pass "SCTP association over IPv6: data echoed"
sleep 1
stop tcpdump

# Chunk types (RFC 9260 section 3.2): 0 DATA, 1 INIT, 2 INIT ACK, 3 SACK,
# 10 COOKIE ECHO, 11 COOKIE ACK.
types=$(tshark -n -r "$pcap" -Y sctp -T fields -e sctp.chunk_type 2>/dev/null |
    tr ',' '\n' | sort -un | tr '\n' ' ')
in_list() { [[ " $1 " == *" $2 "* ]]; }	# LIST WORD: WORD is in LIST
for t in 0 1 2 10 11; do
	check "tshark: SCTP chunk type $t in the capture (seen: $types)" \
	    in_list "$types" "$t"
done
n=$(tshark -n -r "$pcap" -Y 'sctp.chunk_type == 1' 2>/dev/null | wc -l)
check "an INIT per association ($n)" [ "$n" -ge 2 ]
tshark -n -r "$pcap" 2>/dev/null | head -8
summary
