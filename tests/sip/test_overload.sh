#!/bin/bash
# test_overload.sh - overload control (common/sipx/sipx_load.c, RFC 3261
# 21.5.4): a CSCF with max-pending forwards and Cx requests in flight
# answers new work beyond it with 503 and Retry-After before forwarding
# anything, finishes registrations past their challenge first, and does
# not take a UE's word for being past one.
#   P-CSCF max-pending = 3, overload-retry-after = 7; the hss stopped so
#   that every forwarded REGISTER stays in flight (overload.py says how).
#   Then the same bound at the I-CSCF, with the P-CSCF unbounded.
# Env: HSS, HSS_CTL, SCSCF, ICSCF, PCSCF, IMSAUTH (binaries), SIPDIR.
set -u
: "${HSS:?}" "${HSS_CTL:?}" "${SCSCF:?}" "${ICSCF:?}" "${PCSCF:?}"
: "${IMSAUTH:?}" "${SIPDIR:?}"
# shellcheck source=tests/sip/sip_lib.sh
. "$SIPDIR/sip_lib.sh"
need python3 curl

N=3
users="alice u1 u2 u3 u4 u5"
# run_case LABEL FORGED: overload.py against the P-CSCF; its observations
# in LABEL.out, checked; FORGED: the status expected at once for made-up
# credentials (none: admitted).
run_case() {
	local o=$1.out
	in_ns ue env IMSAUTH="$IMSAUTH" python3 "$SIPDIR/overload.py" \
		--pcscf "$PC:5060" --ip "$UE" --hss-pid "$HSS_PID" --n "$N" \
		--k "$K" --op "$OP" >"$o" 2>"$1.err"
	v() { sed -n "s/^$1=//p" "$o"; }
	check "$1: alice is challenged" [ "$(v alice_first)" = 401 ]
	check "$1: a new user beyond the bound gets 503 at once" \
		[ "$(v extra_status)" = 503 ]
	check "$1: with Retry-After: 7 (overload-retry-after)" \
		[ "$(v extra_retry_after)" = 7 ]
	check "$1: made-up credentials: ${2/none/admitted}" \
		[ "$(v forged_status)" = "$2" ]
	check "$1: alice's answer to her challenge is admitted (no 503)" \
		[ "$(v alice_answer_while_stopped)" = none ]
	check "$1: alice registers once the hss is back: 200" \
		[ "$(v alice_final)" = 200 ]
	check "$1: the 200 binds her Contact with its expiry" \
		eval "sed -n 's/^alice_contact=//p' '$o' |
		grep -q '<sip:alice@$UE:5301>;expires=600'"
	check "$1: the users in flight get their challenges" \
		[ "$(v fill_statuses)" = 401,401,401 ]
	check "$1: the refused user is admitted afterwards: 401" \
		[ "$(v extra_after)" = 401 ]
	check "$1: alice is registered at the S-CSCF" \
		[ "$(bindings "sip:alice@$DOMAIN")" = 1 ]
}

chain_up "$PWD/run-overload" -u "$users" \
	-P max-pending=$N -P overload-retry-after=7 \
	-P metrics-listen="$(ip_of pcscf):9100"
run_case pcscf 503
check "pcscf: the overload was logged, start and end" \
	eval "grep -q 'overload: 3 requests in flight (max-pending 3)' \
	pcscf.log && grep -q 'overload over: 2 requests refused' pcscf.log"
in_ns ue curl -s "http://$PC:9100/metrics" >pcscf.metrics
check "pcscf: the 503s are counted as new work refused" \
	grep -qx 'imssec_sip_overload_rejected_total{class="new"} 2' \
	pcscf.metrics
check "pcscf: nothing is in flight afterwards" \
	grep -qx 'imssec_sip_pending 0' pcscf.metrics
for p in "$SCSCF_PID" "$ICSCF_PID" "$PCSCF_PID" "$HSS_PID"; do
	check "daemon $p still running" kill -0 "$p"
done
cleanup
PIDS=() NETNS_DIRS=()

# The same at the I-CSCF (its UARs in flight): the P-CSCF relays its 503.
# Made-up credentials pass there: the I-CSCF only hears from P-CSCFs of
# the trust domain, which vet a UE's claim (the case above).
chain_up "$PWD/run-overload-ic" -u "$users" \
	-I max-pending=$N -I overload-retry-after=7
run_case icscf none
check "icscf: the overload was logged" \
	grep -q 'overload: 3 requests in flight (max-pending 3)' icscf.log
summary
