#!/bin/bash
# test_flood.sh - REGISTER floods through UE -> pcscf -> icscf (UAR) ->
# scscf (MAR) with the HSS over Cx (TCP): every request gets exactly one
# final response (none lost in the freeDiameter -> su_root hand-off), the
# daemons stay up and still register a user afterwards.
#   1. 5000 initial REGISTERs at 1000/s over 50 identities (40 known: 401,
#      10 unknown: 403), retransmitted like a UA until answered;
#   2. the HSS stopped (SIGSTOP) while 2000 more arrive, then killed:
#      freeDiameter fails every pending UAR at once, a burst of answers
#      into the I-CSCF's hand-off; the HSS is started again;
#   3. the S-CSCF stopped while 2000 more arrive, then resumed: it sends
#      the MARs in a row and the MAAs queue in its hand-off.
# The CSCFs run without an overload bound (max-pending 0), so that the
# bursts reach the hand-offs whole (test_overload.sh tests the bound).
# Prints the answer counts and each daemon's peak hand-off depth.
# Env: HSS, HSS_CTL, SCSCF, ICSCF, PCSCF (binaries), SIPDIR.
set -u
: "${HSS:?}" "${HSS_CTL:?}" "${SCSCF:?}" "${ICSCF:?}" "${PCSCF:?}"
: "${SIPDIR:?}"
# shellcheck source=tests/sip/sip_lib.sh
. "$SIPDIR/sip_lib.sh"
need sipp ss python3

known=
users=
for i in $(seq 40); do
	known="$known fl$i"
	users="$users${users:+,}fl$i"
done
for i in $(seq 10); do users="$users,nobody$i"; done
# One source sends every REGISTER: the P-CSCF's per-source challenge
# limit (register-rate, register-burst) must not be what answers here.
chain_up "$PWD/run-flood" -u "$known alice" \
	-S diameter.timeout=10000 -I diameter.timeout=10000 \
	-P register-burst=16777216 -P register-rate=16777216 \
	-P max-pending=0 -I max-pending=0 -S max-pending=0

flood() {	# OUT PORT COUNT RATE
	in_ns ue python3 "$SIPDIR/flood.py" --to "$PC:5060" --bind "$UE:$2" \
		--users "$users" --domain "$DOMAIN" --count "$3" --rate "$4" \
		--wait 45 >"$1" 2>&1
}
field() {	# FILE NAME: the number after NAME= (0 when absent)
	local v
	v=$(sed -n "s/.*$2=\([0-9]*\).*/\1/p" "$1" | head -1)
	echo "${v:-0}"
}

check "flood: 5000 REGISTERs at 1000/s, each answered exactly once" \
	flood flood1.out 5090 5000 1000
head -8 flood1.out
check "flood: every request counted as sent" \
	[ "$(field flood1.out sent)" = 5000 ]
check "flood: known users challenged (401)" \
	[ "$(field flood1.out status_401)" -gt 0 ]
check "flood: unknown users refused (403)" \
	[ "$(field flood1.out status_403)" -gt 0 ]

# Bursts of answers.  burst NAME PID PORT [SIG]: SIGSTOP PID while 2000
# REGISTERs arrive at 1000/s (for 3 s), then SIG (default CONT).
burst() {
	kill -STOP "$2"
	flood "$1.out" "$3" 2000 1000 &
	FLOOD_PID=$!
	sleep 3
	kill -"${4:-CONT}" "$2"
	wait "$FLOOD_PID"
	BURST_RC=$?
	head -8 "$1.out"
}
# until the chain challenges again (the Cx links back after a restart)
challenges() {
	for _ in $(seq 30); do
		in_ns ue python3 "$SIPDIR/flood.py" --to "$PC:5060" \
			--bind "$UE:5095" --users fl1 --domain "$DOMAIN" \
			--wait 5 --print 2>/dev/null | grep -q '^fl1 401' && return 0
		sleep 1
	done
	return 1
}
# The HSS dies with every UAR of the burst pending in the I-CSCF (it was
# stopped, then killed): freeDiameter fails them all at once
# (DIAMETER_UNABLE_TO_DELIVER), thousands of answers into the I-CSCF's
# hand-off together.
burst killed "$HSS_PID" 5091 KILL
wait "$HSS_PID" 2>/dev/null
check "HSS killed mid-burst: 2000 REGISTERs, each answered exactly once" \
	[ "$BURST_RC" -eq 0 ]
check "HSS killed mid-burst: every answer a final SIP status" \
	[ $(($(field killed.out status_401) + $(field killed.out status_403) + \
	$(field killed.out status_504))) -eq 2000 ]
check "HSS killed mid-burst: the pending ones answered 504" \
	[ "$(field killed.out status_504)" -gt 0 ]
hss_start
check "the HSS restarted: the chain challenges again" challenges
# The S-CSCF stalls: REGISTERs wait in its socket; once it runs again it
# sends their MARs in a row and the MAAs queue while it still reads.
burst scscf "$SCSCF_PID" 5092
check "S-CSCF stalled: 2000 REGISTERs, each answered exactly once" \
	[ "$BURST_RC" -eq 0 ]
check "S-CSCF stalled: known users challenged after it resumed (401)" \
	[ "$(field scscf.out status_401)" -gt 0 ]

for d in scscf icscf pcscf; do
	pid_var=${d^^}_PID
	check "$d still running after the floods" kill -0 "${!pid_var}"
done
check "alice still registers through the chain (AKA, 200)" \
	sipp_ue alice 5071 reg.xml "$PC:5060"

# Peak hand-off depth, as logged when it doubles (and at stop).
kill "$SCSCF_PID" "$ICSCF_PID" "$PCSCF_PID" 2>/dev/null
wait "$SCSCF_PID" "$ICSCF_PID" "$PCSCF_PID" 2>/dev/null
peak() {
	sed -n 's/.*hand-off: peak depth \([0-9]*\) jobs.*/\1/p' "$1" |
		sort -n | tail -1
}
for d in icscf scscf; do
	echo "peak hand-off depth $d: $(peak $d.log)"
done
# How deep the queues get depends on scheduling (seen here: I-CSCF 34 to
# 692, S-CSCF 7 to 26; test_handoff takes the hand-off itself past
# 10000): what must hold is that answers did wait there together and
# none was lost.
check "Cx answers waited together in the I-CSCF's hand-off (peak >= 2)" \
	[ "$(peak icscf.log)" -ge 2 ]
check "Cx answers waited together in the S-CSCF's hand-off (peak >= 2)" \
	[ "$(peak scscf.log)" -ge 2 ]
summary
