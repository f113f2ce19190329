#!/bin/bash
# test_regevent.sh - the reg event package between the P-CSCF and the
# S-CSCF (RFC 3680; TS 24.229 5.2.3, 5.4.2.1.2), issue 8: a
# network-initiated de-registration reaches the P-CSCF.
#   1. alice registers (ims-ue): the P-CSCF subscribes to her reg event
#      along her Service-Route, the S-CSCF accepts and NOTIFYs the active
#      registration; her MESSAGE passes the P-CSCF;
#   2. attacks, each refused and changing nothing: a SUBSCRIBE to alice's
#      reg event from the UE's network straight to the S-CSCF (403), from
#      alice's UE through the P-CSCF (403: not the P-CSCF on her Path), from
#      a trusted peer that is not on her Path (node scscf2: 403), for a user
#      with no binding (480); a NOTIFY "terminated" in the P-CSCF's real
#      subscription dialog from the UE's network (403) and from a trusted
#      peer outside any dialog (481): alice stays registered;
#   3. hss-ctl deregister -> RTR -> NOTIFY terminated (contacts
#      "rejected") -> the P-CSCF forgets alice: her next MESSAGE gets 403.
# Env: HSS, HSS_CTL, SCSCF, ICSCF, PCSCF, IMS_UE (binaries), SIPDIR
# (tests/sip), SECDIR (tests/security).
set -u
: "${HSS:?}" "${HSS_CTL:?}" "${SCSCF:?}" "${ICSCF:?}" "${PCSCF:?}" "${IMS_UE:?}"
: "${SIPDIR:?}" "${SECDIR:?}"
# shellcheck source=tests/sip/sip_lib.sh
. "$SIPDIR/sip_lib.sh"
need ss python3 tshark

chain_up "$PWD/run-regevent" -n "hss scscf icscf pcscf ue ext scscf2" \
	-c pcscf:pcscf.pcapng -u "alice bob"
PY=/usr/bin/python3
AOR=sip:alice@$DOMAIN

# oneshot NODE PORT DEST OUT ARGS...: one crafted request (sipua.py).
oneshot() {
	local n=$1 port=$2 dest=$3 out=$4
	shift 4
	in_ns "$n" $PY "$SECDIR/sipua.py" oneshot --bind "$(ip_of "$n"):$port" \
		--to "$dest" "$@" >"$out" 2>&1
}
status_of() { head -1 "$1" | awk '{print $2}'; }
# message OUT: alice's UE (its registered address and port) sends a
# MESSAGE to bob (never registered: past the P-CSCF the S-CSCF answers
# 404).
message() {
	oneshot ue 5171 "$PC:5060" "$1" --method MESSAGE \
		--ruri "sip:bob@$DOMAIN" --from "$AOR" --to-uri "sip:bob@$DOMAIN" \
		--body hello
}
# reginfo STATE EVENT: a terminated/active document for alice.
reginfo() {
	printf '<?xml version="1.0"?><reginfo xmlns="urn:ietf:params:xml:ns:reginfo" version="9" state="full"><registration aor="%s" id="r0" state="%s"><contact id="c0" state="%s" event="%s"><uri>sip:alice@%s:5171</uri></contact></registration></reginfo>' \
		"$AOR" "$1" "$1" "$2" "$UE"
}

# ---- 1. subscription and the first NOTIFY ----
check "alice registers (ims-ue, AKA)" \
	in_ns ue "$IMS_UE" register --impi "alice@$DOMAIN" --impu "$AOR" \
	--k "$K" --op "$OP" --domain "$DOMAIN" --pcscf "$PC:5060" \
	--local "$UE:5171" --state alice.sqn >alice.out 2>&1
check "the S-CSCF accepted the P-CSCF's SUBSCRIBE to alice's reg event" \
	wait_log scscf.log "regevent: sip:$PC:5060 subscribed to $AOR for 600000 s" 50
check "and sent the NOTIFY with her active registration" \
	wait_log scscf.log "regevent: NOTIFY $AOR \(active;expires=" 50
check "the P-CSCF's subscription is confirmed" \
	wait_log pcscf.log "subscribed to the reg event of $AOR \(200\)" 50
check "the P-CSCF read the NOTIFY: still registered" \
	wait_log pcscf.log "reg event NOTIFY for $AOR: still registered" 50
message msg1.out
check "alice's MESSAGE passes the P-CSCF (404 from the S-CSCF: bob is unknown there)" \
	[ "$(status_of msg1.out)" = 404 ]

# The P-CSCF's dialog, from the wire: Call-ID, its tag, the S-CSCF's tag.
sleep 1
read -r CID PTAG STAG < <(tshark -r pcscf.pcapng -Y 'sip.Method == "NOTIFY"' \
	-T fields -e sip.Call-ID -e sip.to.tag -e sip.from.tag 2>/dev/null |
	head -1)
check "the NOTIFY's dialog seen on the wire" [ -n "${STAG:-}" ]
check "the SUBSCRIBE carried Event reg, Accept reginfo, the P-CSCF's P-Asserted-Identity, along the Service-Route" \
	eval "tshark -r pcscf.pcapng -Y 'sip.Method == \"SUBSCRIBE\"' -V 2>/dev/null | tr -d '\r' >subscribe.txt &&
	grep -q 'Event: reg' subscribe.txt && grep -q 'Accept: application/reginfo+xml' subscribe.txt &&
	grep -q 'P-Asserted-Identity: <sip:$PC:5060>' subscribe.txt &&
	grep -q 'Route: <sip:orig@$SC:6060;lr>' subscribe.txt &&
	grep -q 'Request-Line: SUBSCRIBE $AOR SIP/2.0' subscribe.txt"

# ---- 2. attacks ----
sub() {	# NODE PORT DEST OUT PAI [RURI]: a SUBSCRIBE to a reg event
	local n=$1 port=$2 dest=$3 out=$4 pai=$5 ruri=${6:-$AOR}
	oneshot "$n" "$port" "$dest" "$out" --method SUBSCRIBE --ruri "$ruri" \
		--from "$pai" --to-uri "$ruri" -H "Event: reg" \
		-H "Accept: application/reginfo+xml" -H "Expires: 600" \
		-H "Contact: <sip:$(ip_of "$n"):$port>" \
		-H "P-Asserted-Identity: <$pai>"
}
sub ue 5180 "$SC:6060" sub-ue.out "sip:$PC:5060"
check "SUBSCRIBE reg from the UE's network straight to the S-CSCF: 403" \
	[ "$(status_of sub-ue.out)" = 403 ]
check "...logged as outside the trust domain" \
	grep -q "SUBSCRIBE reg from outside the trust domain: 403" scscf.log
sub ue 5171 "$PC:5060" sub-via.out "$AOR"
check "SUBSCRIBE reg from alice's UE through the P-CSCF: 403" \
	[ "$(status_of sub-via.out)" = 403 ]
check "...the S-CSCF: not the P-CSCF on her Path" \
	grep -q "SUBSCRIBE to $AOR from $PC: not the P-CSCF on its Path: 403" scscf.log
sub scscf2 5181 "$SC:6060" sub-peer.out "sip:$SC2:5060"
check "SUBSCRIBE reg from a trusted peer not on alice's Path: 403" \
	[ "$(status_of sub-peer.out)" = 403 ]
sub scscf2 5182 "$SC:6060" sub-bob.out "sip:$SC2:5060" "sip:bob@$DOMAIN"
check "SUBSCRIBE reg for bob, who has no binding: 480" \
	[ "$(status_of sub-bob.out)" = 480 ]
check "the S-CSCF holds no other subscription (one subscribed line)" \
	[ "$(grep -c 'regevent: .* subscribed to' scscf.log)" = 1 ]

notify() {	# NODE PORT OUT CALLID FROMTAG TOTAG: NOTIFY "terminated"
	oneshot "$1" "$2" "$PC:5060" "$3" --method NOTIFY \
		--ruri "sip:$PC:5060" --from "$AOR" --to-uri "sip:$PC:5060" \
		--callid "$4" --from-tag "$5" --to-tag "$6" -H "Event: reg" \
		-H "Subscription-State: terminated;reason=noresource" \
		--content-type application/reginfo+xml \
		--body "$(reginfo terminated rejected)"
}
notify ue 5183 ntf-ue.out "$CID" "$STAG" "$PTAG"
check "NOTIFY terminated in the real dialog from the UE's network: 403" \
	[ "$(status_of ntf-ue.out)" = 403 ]
check "...logged as outside the trust domain" \
	grep -q "reg event NOTIFY from $UE:5183 outside the trust domain: 403" pcscf.log
notify scscf2 5184 ntf-peer.out "forged-$CID" "$STAG" "$PTAG"
check "NOTIFY terminated from a trusted peer outside any subscription: 481" \
	[ "$(status_of ntf-peer.out)" = 481 ]
message msg2.out
check "alice is still registered at the P-CSCF (MESSAGE: 404, not 403)" \
	[ "$(status_of msg2.out)" = 404 ]
check "nothing forgot her" eval "! grep -q 'de-registered by the network' pcscf.log"

# ---- 3. RTR -> NOTIFY terminated -> the P-CSCF forgets alice ----
out=$("$HSS_CTL" --db "$WORK/db/hss.db" deregister --impu "$AOR")
check "hss-ctl deregister queues an RTR" grep -qx rtr=queued <<<"$out"
check "the S-CSCF removed alice (RTR)" \
	wait_log scscf.log "rtr: $AOR de-registered by the HSS" 100
check "and NOTIFYed the P-CSCF: terminated, contacts rejected" \
	wait_log scscf.log "regevent: NOTIFY $AOR terminated \(rejected\) to sip:$PC:5060" 50
check "the P-CSCF forgot alice's UE" \
	wait_log pcscf.log "$AOR de-registered by the network \(reg event NOTIFY version 1\): UE $UE:5171 forgotten" 50
message msg3.out
check "alice's next MESSAGE: 403 (not registered at the P-CSCF)" \
	[ "$(status_of msg3.out)" = 403 ]
sleep 1
check "the NOTIFY with Subscription-State terminated on the wire" \
	eval "tshark -r pcscf.pcapng -Y 'sip.Method == \"NOTIFY\" && ip.src == $SC && sip.Subscription-State contains \"terminated\"' 2>/dev/null | grep -q NOTIFY"
check "the P-CSCF answered every NOTIFY of the S-CSCF 200" \
	eval "[ \"\$(tshark -r pcscf.pcapng -Y 'sip.CSeq.method == \"NOTIFY\" && sip.Status-Code && ip.src == $PC && ip.dst == $SC' -T fields -e sip.Status-Code 2>/dev/null | sort -u)\" = 200 ]"
kill "$CAP_PID" 2>/dev/null; wait "$CAP_PID" 2>/dev/null
check "no malformed SIP at the P-CSCF" eval \
	"[ -z \"\$(tshark -r pcscf.pcapng -Y _ws.malformed 2>/dev/null)\" ]"
summary
