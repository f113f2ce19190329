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
. "$here/klib.sh"
klib_init test_sctp ims-sctp

echo "test_sctp: kernel $(uname -r)"
klib_pair $A va "10.78.0.1/24 fd78::1/64" $B vb "10.78.0.2/24 fd78::2/64"

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
echo "test_sctp: PASS: $checks checks"
