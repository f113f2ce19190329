#!/bin/bash
# test_capacity.sh - full state tables answer 503 with Retry-After and
# never drop a registered user (RFC 3261 21.5.4, 20.33).
#   P-CSCF with max-ues = 3: three UEs registered, a fourth UE's REGISTER
#   gets 503 + Retry-After from the P-CSCF itself (nothing forwarded), the
#   registered ones go on; once a registration lapses the new UE gets in.
#   S-CSCF with max-challenges = 4: four pending challenges fill it
#   (verified vectors make room), a fifth IMPI gets 503 + Retry-After and
#   no MAR; registered users keep their bindings and stay reachable; a
#   challenge answered frees room.
# Env: HSS, HSS_CTL, SCSCF, ICSCF, PCSCF (binaries), SIPDIR.
set -u
: "${HSS:?}" "${HSS_CTL:?}" "${SCSCF:?}" "${ICSCF:?}" "${PCSCF:?}"
: "${SIPDIR:?}"
# shellcheck source=tests/sip/sip_lib.sh
. "$SIPDIR/sip_lib.sh"
need sipp ss python3

# The S-CSCF part sends straight from the UE node, which stands in for
# the I-CSCF there (in the S-CSCF's trust domain).
chain_up "$PWD/run-capacity" -u "alice bob carol dave u1 u2 u3 u4 u5" \
	-S max-challenges=4 -S trusted-peer="$UE" -P max-ues=3

# once DEST PORT USER...: one initial REGISTER per user, in order; prints
# "USER STATUS RETRY_AFTER" lines.
once() {
	local d=$1 p=$2 u
	shift 2
	u=$(echo "$*" | tr ' ' ,)
	in_ns ue python3 "$SIPDIR/flood.py" --to "$d" --bind "$UE:$p" \
		--users "$u" --domain "$DOMAIN" --rate 20 --wait 10 --print
}
# status_of FILE USER: the status line of USER's request.
status_of() { awk -v u="$2" '$1 == u { print $2 }' "$1" | tail -1; }
retry_of() { awk -v u="$2" '$1 == u { print $3 }' "$1" | tail -1; }

# ---- the P-CSCF's UE table: 3 ----
check "alice registers through the chain" sipp_ue alice 5081 reg.xml "$PC:5060"
check "bob registers through the chain" sipp_ue bob 5082 reg.xml "$PC:5060"
EXPIRES=8 check "carol registers through the chain for 8 s" \
	sipp_ue carol 5083 reg.xml "$PC:5060"
once "$PC:5060" 5084 dave >dave1.out
check "a 4th UE gets 503 from the full P-CSCF" \
	[ "$(status_of dave1.out dave)" = 503 ]
ra=$(retry_of dave1.out dave)
check "with Retry-After (1..8 s: carol's registration lapses first)" \
	eval "[ '$ra' -ge 1 ] && [ '$ra' -le 8 ]"
check "the P-CSCF forwarded nothing for it" \
	eval "! grep -q 'dave@' icscf.log scscf.log"
check "the P-CSCF logged the 503" grep -q 'dave@.*: 503' pcscf.log
TARGET=nobody STATUS=404 check "registered alice still served (MESSAGE: 404 from the S-CSCF, not 403)" \
	sipp_ue alice 5081 msg.xml "$PC:5060"
check "alice re-registers while the table is full" \
	sipp_ue alice 5081 reg.xml "$PC:5060"
sleep 9
check "carol lapsed: dave registers in her place" \
	sipp_ue dave 5084 reg.xml "$PC:5060"
TARGET=nobody STATUS=403 check "carol's lapsed registration no longer served (403)" \
	sipp_ue carol 5083 msg.xml "$PC:5060"

# ---- the S-CSCF's challenge store: 4 (alice, bob, dave verified) ----
sqn_of() {
	"$HSS_CTL" --db "$WORK/db/hss.db" show --impi "$1@$DOMAIN" |
		sed -n 's/^sqn=//p' | head -1
}
sqn5=$(sqn_of u5)
once "$SC:6060" 5090 u1 u2 u3 u4 u5 u5 >burst.out
cat burst.out
for u in u1 u2 u3 u4; do
	check "$u challenged (401) while verified vectors make room" \
		[ "$(awk -v u=$u '$1 == u { print $2 }' burst.out)" = 401 ]
done
check "u5 gets 503: four challenges pending" \
	[ "$(awk '$1 == "u5" { print $2 }' burst.out | sort -u)" = 503 ]
ra=$(retry_of burst.out u5)
check "with Retry-After (1..61 s: the oldest challenge's expiry)" \
	eval "[ '$ra' -ge 1 ] && [ '$ra' -le 61 ]"
check "no MAR for u5: its SQN did not move" [ "$(sqn_of u5)" = "$sqn5" ]
check "no MAR for u5: no S-CSCF name stored" \
	eval "! \"$HSS_CTL\" --db \"$WORK/db/hss.db\" show --impi u5@$DOMAIN |
	grep -q '^scscf=sip'"
check "the S-CSCF logged the 503" \
	grep -q 'u5@.*challenges pending (capacity 4): 503' scscf.log
for u in alice bob dave; do
	check "registered $u untouched: binding kept" \
		[ "$(bindings sip:$u@$DOMAIN)" = 1 ]
	check "registered $u untouched: registered at the HSS" \
		[ "$(hss_state $u)" = registered ]
done
TARGET=nobody STATUS=404 check "registered alice still served by the S-CSCF (404, not 403)" \
	sipp_ue alice 5081 msg.xml "$PC:5060"
check "u1 answers its challenge (the pending one sent again): 200" \
	sipp_ue u1 5091 reg.xml "$SC:6060"
once "$SC:6060" 5092 u5 >u5.out
check "u5 now challenged: u1's verified vector made room" \
	[ "$(status_of u5.out u5)" = 401 ]
for p in "$SCSCF_PID" "$ICSCF_PID" "$PCSCF_PID"; do
	check "daemon $p still running" kill -0 "$p"
done
summary
