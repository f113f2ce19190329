#!/bin/bash
# test_scscf.sh - the S-CSCF registrar against a SIPp UE directly, with the
# HSS over Cx (TCP): AKA registration, wrong response, unknown user,
# de-registration, expiry (SAR TIMEOUT_DEREGISTRATION), state kept across
# a restart, RTR from the HSS, a dead HSS, malformed SIP.
# Also resynchronisation (AUTS) and re-registration without
# re-authentication, with the project's own UE model (ue_aka.py).
# Env: HSS, HSS_CTL, SCSCF, IMSAUTH (binaries), SIPDIR (scenarios).
set -u
: "${HSS:?}" "${HSS_CTL:?}" "${SCSCF:?}" "${SIPDIR:?}" "${IMSAUTH:?}"
# shellcheck source=tests/sip/sip_lib.sh
. "$SIPDIR/sip_lib.sh"
need sipp tshark ss python3

# The UE node talks to the S-CSCF directly: here it stands in for the
# P-/I-CSCF, so it is in the S-CSCF's trust domain (REGISTER from anywhere
# else is refused: tests/security/test_scscf_trust.sh).
chain_up "$PWD/run-scscf" -n "hss scscf ue" -u "alice bob carol dave erin" \
	-c ue:ue.pcapng -S max-expires=600 -S trusted-peer="$UE"

# scscf_restart: the S-CSCF again, and its Cx link up (~4 s).
scscf_restart() {
	local n
	n=$(cx_opened scscf)
	cscf_start scscf
	wait_log scscf.log "ready" 50 || die "scscf not ready"
	cx_wait scscf "$n" || echo "scscf: no Cx link after 10 s" >&2
}

check "alice registers with AKA (401, 200, Service-Route, P-Associated-URI)" \
	sipp_ue alice 5071 reg.xml "$SC:6060"
check "alice has one binding" [ "$(bindings sip:alice@$DOMAIN)" = 1 ]
check "HSS shows alice registered" [ "$(hss_state alice)" = registered ]
check "the 401 carried ck/ik (S-CSCF to its next hop)" \
	grep -Eq '[ ,]ck="' alice-reg.xml.msgs
check "re-registration (re-challenged) gets 200" \
	sipp_ue alice 5071 reg.xml "$SC:6060"

check "a wrong AKA response gets 403" sipp_ue bob 5072 reg_fail.xml "$SC:6060"
check "no SAR after the wrong response: bob not registered at the HSS" \
	[ "$(hss_state bob)" != registered ]
check "an unknown user gets 403" sipp_ue mallory 5073 reg_fail.xml "$SC:6060"

ue_aka() {	# MODE PORT USER
	in_ns ue env IMSAUTH="$IMSAUTH" python3 "$SIPDIR/ue_aka.py" "$1" \
		"$SC:6060" "$(ip_of ue)" "$2" "$3" "$DOMAIN" "$K" "$OP" \
		>"ue_aka-$1.out" 2>&1
}
check "AUTS: MAR with RAND||AUTS, new challenge, then 200" \
	ue_aka resync 5090 carol
check "the resync was a second MAR (two challenges for carol)" \
	[ "$(grep -c 'SA1 user=carol@ims.example.org .*: registrar: challenged' scscf.log)" -ge 2 ]
check "re-registration without re-authentication (nc 2), replay refused (403)" \
	ue_aka reuse 5091 dave
check "AKAv2-MD5 when the UE asks for it (MAR Digest-AKAv2-MD5)" \
	ue_aka v2 5092 erin

# Restart: the registration survives in SQLite.
kill "$SCSCF_PID"; wait "$SCSCF_PID" 2>/dev/null
scscf_restart
check "alice's binding survives a restart" \
	[ "$(bindings sip:alice@$DOMAIN)" = 1 ]

check "bob registers and de-registers (Expires 0)" \
	sipp_ue bob 5072 dereg.xml "$SC:6060"
check "the S-CSCF forgot bob" [ "$(bindings sip:bob@$DOMAIN)" = 0 ]
check "HSS shows bob not registered (SAR USER_DEREGISTRATION)" \
	[ "$(hss_state bob)" = not-registered ]

EXPIRES=3 check "bob registers for 3 s" sipp_ue bob 5072 reg.xml "$SC:6060"
check "bob expires: SAR TIMEOUT_DEREGISTRATION" \
	wait_log scscf.log "sip:bob@$DOMAIN expired" 80
sleep 1
check "HSS shows bob not registered after expiry" \
	[ "$(hss_state bob)" = not-registered ]

# RTR: hss-ctl deregister queues it, the HSS sends it to the S-CSCF.
"$HSS_CTL" --db "$WORK/db/hss.db" deregister --impu "sip:alice@$DOMAIN" \
	>ctl.out 2>&1
check "RTR from the HSS removes alice's bindings" \
	wait_log scscf.log "rtr: sip:alice@$DOMAIN de-registered" 60
check "alice has no binding after RTR" [ "$(bindings sip:alice@$DOMAIN)" = 0 ]

# Malformed SIP: 400 and the daemon goes on.
in_ns ue python3 "$SIPDIR/malformed.py" "$SC" 6060 >bad.out 2>&1
check "malformed REGISTER answered 400" grep -q "^SIP/2.0 400" bad.out
check "scscf alive after malformed input" \
	kill -0 "$SCSCF_PID"
check "scscf still registers after malformed input" \
	sipp_ue alice 5071 reg.xml "$SC:6060"

# Next hops by name: getaddrinfo (here: localhost, nothing listening:
# 503 from nta) or unknown (404), never Sofia's resolver, never a hang.
in_ns ue python3 "$SIPDIR/oneshot.py" "$SC" 6060 sip:b@localhost:5999 \
	>name1.out 2>&1
check "next hop by a known name: resolved and tried (503)" \
	grep -q "^SIP/2.0 503" name1.out
in_ns ue python3 "$SIPDIR/oneshot.py" "$SC" 6060 sip:b@nowhere.invalid \
	>name2.out 2>&1
check "next hop by an unknown name: 404" grep -q "^SIP/2.0 404" name2.out

# Dead HSS: 5xx quickly, never a hang.
kill "$HSS_PID"; wait "$HSS_PID" 2>/dev/null
t0=$(date +%s)
in_ns ue timeout 20 sipp -sf "$SIPDIR/reg_5xx.xml" "$SC:6060" \
	-i "$(ip_of ue)" -p 5074 -s carol -m 1 -nostdin -timeout 15s \
	-trace_msg -message_file dead.msgs >dead.out 2>&1
rc=$?
check "dead HSS: REGISTER gets 500/504" [ $rc -eq 0 ]
check "dead HSS: answered within 8 s" [ $(($(date +%s) - t0)) -le 8 ]

kill "$CAP_PID" 2>/dev/null; wait "$CAP_PID" 2>/dev/null
check "no malformed SIP on the UE side" eval \
	"[ -z \"\$(tshark -r ue.pcapng -d udp.port==6060,sip -Y _ws.malformed 2>/dev/null)\" ]"
check "no key material in the S-CSCF log" eval "! grep -Eqi 'ck=|ik=' scscf.log"
summary
