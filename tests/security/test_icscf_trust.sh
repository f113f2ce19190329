#!/bin/bash
# test_icscf_trust.sh - the I-CSCF at the boundary of the trust domain
# (TS 24.229 4.4, 5.3; RFC 3325), attacked from the UE's network (node ue)
# and from another network (node ext), with the real hss, scscf, icscf and
# pcscf in namespaces, bob's SIPp UAS as the callee, and tshark on the
# HSS's link to see which Cx requests were made:
#  - a REGISTER sent straight to the I-CSCF with a P-Visited-Network-ID
#    the HSS allows gets 403 and no UAR (gina may only roam in home.net);
#    the visited network is taken from trusted peers (a roaming partner's
#    P-CSCF, node scscf2), one value only, never cut short;
#  - a forged P-Asserted-Identity (and P-Preferred-Identity,
#    P-Served-User) from another network is stripped on the terminating
#    LIR path: bob gets the request without it; from a trusted peer it
#    stays;
#  - an originating indication, a Route set beyond the I-CSCF (towards
#    the S-CSCF's orig entry) or an in-dialog request from outside: 403,
#    nothing reaches bob;
#  - Max-Forwards 0: 483 before any Cx;
#  - Request-URIs that name no identity: unknown schemes 416, a SIP URI
#    without user part 404, a To that is not a SIP URI 400, none of them
#    with an LIR or UAR; a global tel URI is an identity (LIR).
# Positive controls: registration through the chain and through the
# home.net P-CSCF, alice -> bob with alice's asserted identity, another
# network's INVITE to frank cancelled through the I-CSCF.
# Env: HSS, HSS_CTL, SCSCF, ICSCF, PCSCF (binaries), SIPDIR.
set -u
: "${HSS:?}" "${HSS_CTL:?}" "${SCSCF:?}" "${ICSCF:?}" "${PCSCF:?}"
: "${SIPDIR:?}"
# shellcheck source=tests/sip/sip_lib.sh
. "$SIPDIR/sip_lib.sh"
need sipp tshark ss python3
# shellcheck source=tests/security/trust_lib.sh
. "${BASH_SOURCE[0]%/*}/trust_lib.sh"

# node scscf2 plays a roaming partner's P-CSCF: a trusted peer (trusted()).
PARTNER=scscf2
# gina, hana and ida may only register from home.net.
chain_up "$PWD/run-icscf-trust" -n "hss scscf icscf pcscf scscf2 ue ext" \
	-c hss:cx.pcapng \
	-u "alice bob dora frank gina:home.net hana:home.net ida:home.net" \
	-I diameter.timeout=2000 -P visited=home.net

check "bob registers through the chain" sipp_ue bob 5072 reg.xml "$PC:5060"
check "alice registers through the chain" sipp_ue alice 5071 reg.xml "$PC:5060"
check "hana (home.net only) registers through the home.net P-CSCF" \
	sipp_ue hana 5073 reg.xml "$PC:5060"

sipp_uas ue bob 5072 uas.xml bob-uas
UAS_PID=$BG_PID
sleep 1
check "alice -> bob MESSAGE through the chain: 200" \
	sipp_ue alice 5071 msg.xml "$PC:5060"
check "bob got alice's asserted identity (trust domain path)" \
	grep -q "P-Asserted-Identity: <sip:alice@$DOMAIN>" bob-uas.msgs

# 1. P-Visited-Network-ID only from trusted peers (TS 24.229 5.3.1.2).
R="sip:$DOMAIN"
expect 403 "REGISTER for gina straight from the UE with P-Visited-Network-ID home.net: 403" \
	ue "$IC" 5060 "" REGISTER "$R" "To: <sip:gina@$DOMAIN>" \
	"From: <sip:gina@$DOMAIN>;tag=1" "Contact: <sip:gina@$(ip_of ue):5090>" \
	"P-Visited-Network-ID: home.net" \
	"Authorization: Digest username=\"gina@$DOMAIN\", realm=\"$DOMAIN\", nonce=\"\", uri=\"$R\", response=\"\""
expect 403 "any REGISTER straight from the UE (dora, no visited network): 403" \
	ue "$IC" 5060 "" REGISTER "$R" "To: <sip:dora@$DOMAIN>" \
	"From: <sip:dora@$DOMAIN>;tag=1" "Contact: <sip:dora@$(ip_of ue):5090>"
check "the I-CSCF logged the refusal" grep -q \
	"REGISTER from outside the trust domain refused" icscf.log
preg() {	# CODE DESC USER [HEADER...]: REGISTER from the roaming partner
	local want=$1 desc=$2 u=$3
	shift 3
	expect "$want" "$desc" "$PARTNER" "$IC" 5060 "" REGISTER "$R" \
		"To: <sip:$u@$DOMAIN>" "From: <sip:$u@$DOMAIN>;tag=2" \
		"Contact: <sip:$u@$(ip_of scscf2):5090>" "$@"
}
preg 403 "the partner's P-CSCF, visited.example.net for ida: 403 (HSS: roaming not allowed)" \
	ida "P-Visited-Network-ID: \"visited.example.net\""
check "that UAR carried the partner's network, answered 5004" grep -q \
	"UAR for sip:ida@$DOMAIN: status 0 result 0/5004 -> 403" icscf.log
sip "$PARTNER" "$IC" 5060 "" REGISTER "$R" "To: <sip:ida@$DOMAIN>" \
	"From: <sip:ida@$DOMAIN>;tag=3" "Contact: <sip:ida@$(ip_of scscf2):5090>" \
	"P-Visited-Network-ID: home.net;x=1" >/dev/null
check "the partner's P-CSCF, home.net for ida: UAR passes, on to the S-CSCF" \
	grep -q "REGISTER for sip:ida@$DOMAIN to sip:$SC:6060" icscf.log
preg 400 "two P-Visited-Network-ID headers: 400" ida \
	"P-Visited-Network-ID: home.net" "P-Visited-Network-ID: other.net"
preg 400 "two values in one P-Visited-Network-ID: 400" ida \
	"P-Visited-Network-ID: home.net, other.net"
preg 400 "a P-Visited-Network-ID too long to keep: 400 (never cut short)" \
	ida "P-Visited-Network-ID: $(printf 'x%.0s' $(seq 300)).home.net"
expect 400 "REGISTER whose To is not a SIP URI (RFC 4475 unksm2 form): 400" \
	"$PARTNER" "$IC" 5060 "" REGISTER "$R" "To: isbn:2983792873" \
	"From: <http://www.example.com>;tag=4" "Contact: <name:John_Smith>"

# 2. P-Asserted-Identity from outside: stripped on the LIR path.
FORGED=(
	"P-Asserted-Identity: <sip:alice@$DOMAIN>"
	"P-Asserted-Identity: <tel:+15550100>"
	"P-Preferred-Identity: <sip:alice@$DOMAIN>"
	"P-Served-User: <sip:alice@$DOMAIN>;sescase=orig;regstate=reg"
	"P-Charging-Vector: icid-value=forged"
)
expect 200 "another network -> I-CSCF -> bob with a forged P-Asserted-Identity: 200" \
	ext "$IC" 5060 "atk-pai-ic" MESSAGE "sip:bob@$DOMAIN" "${FORGED[@]}"
check "bob got it" at_bob atk-pai-ic
check "... without any P-Asserted-Identity" \
	eval "! at_bob atk-pai-ic | grep -qi '^P-Asserted-Identity'"
check "... without P-Preferred-Identity, P-Served-User, P-Charging-Vector" \
	eval "! at_bob atk-pai-ic | grep -Eqi '^(P-Preferred-Identity|P-Served-User|P-Charging-Vector)'"
expect 200 "the same from a trusted peer: 200" \
	"$PARTNER" "$IC" 5060 "ctl-pai-ic" MESSAGE "sip:bob@$DOMAIN" \
	"P-Asserted-Identity: <sip:alice@$DOMAIN>"
check "... and its asserted identity stays (trust domain)" \
	eval "at_bob ctl-pai-ic | grep -q '^P-Asserted-Identity: <sip:alice@$DOMAIN>'"

# 3. No role and no routing from outside (TS 24.229 5.3.2.1).
expect 403 "originating indication (Route orig@I-CSCF) from another network: 403" \
	ext "$IC" 5060 "atk-orig-ic" MESSAGE "sip:bob@$DOMAIN" \
	"Route: <sip:orig@$IC:5060;lr>" "P-Asserted-Identity: <sip:alice@$DOMAIN>"
expect 403 "orig as a URI parameter: 403" \
	ext "$IC" 5060 "atk-origp-ic" MESSAGE "sip:bob@$DOMAIN" \
	"Route: <sip:$IC:5060;lr;orig>"
expect 403 "through the I-CSCF to the S-CSCF's orig entry (Route set): 403" \
	ext "$IC" 5060 "atk-launder-ic" MESSAGE "sip:bob@$DOMAIN" \
	"Route: <sip:$IC:5060;lr>, <sip:orig@$SC:6060;lr>" \
	"P-Asserted-Identity: <sip:alice@$DOMAIN>"
expect 403 "a Route naming the S-CSCF's orig entry alone: 403" \
	ext "$IC" 5060 "atk-route-ic" MESSAGE "sip:bob@$DOMAIN" \
	"Route: <sip:orig@$SC:6060;lr>"
expect 403 "an in-dialog request from outside, to bob's contact: 403" \
	ext "$IC" 5060 "atk-dialog-ic" MESSAGE "sip:bob@$(ip_of ue):5072" \
	"To: <sip:bob@$DOMAIN>;tag=made-up"
for m in atk-orig-ic atk-origp-ic atk-launder-ic atk-route-ic atk-dialog-ic; do
	check "nothing of $m reached bob" not_at_bob "$m"
done

# The refusals leave another network's legitimate CANCEL alone: nta
# matches it to the INVITE's transaction (RFC 3261 16.10).
check "frank registers" sipp_ue frank 5081 reg.xml "$PC:5060"
sipp_uas ue frank 5081 uas_ring.xml frank-ring -m 1
RING_PID=$BG_PID
sleep 1
TARGET=frank scenario cancel.xml ext-cancel.xml ext
check "another network -> I-CSCF -> frank: INVITE, 180, CANCEL, 487" \
	in_ns ext timeout 20 sipp -sf ext-cancel.xml "$IC:5060" \
	-i "$(ip_of ext)" -p 5082 -s ext -m 1 -nostdin -timeout 15s \
	-trace_msg -message_file ext-cancel.msgs
check "frank got the CANCEL" grep -q '^CANCEL ' frank-ring.msgs
kill "$RING_PID" 2>/dev/null

# 4. Max-Forwards before any Cx (RFC 3261 16.3 step 3).
expect 483 "Max-Forwards 0 to the I-CSCF: 483" \
	ext "$IC" 5060 "" OPTIONS "sip:zeromf@$DOMAIN" "Max-Forwards: 0"
expect 483 "REGISTER with Max-Forwards 0 from the trusted partner: 483" \
	"$PARTNER" "$IC" 5060 "" REGISTER "$R" "To: <sip:zeromf@$DOMAIN>" \
	"From: <sip:zeromf@$DOMAIN>;tag=5" "Max-Forwards: 0"
in_ns ext python3 "$SIPDIR/torture.py" "$IC" 5060 udp zeromf unkscm novelsc \
	>torture.out 2>&1
check "RFC 4475 zeromf: 483" grep -q "^zeromf 483" torture.out

# 5. Only URIs that name a public identity are looked up.
check "RFC 4475 unkscm (unknown Request-URI scheme): 416" \
	grep -q "^unkscm 416" torture.out
check "RFC 4475 novelsc (soap.beep://): 416" grep -q "^novelsc 416" torture.out
expect 416 "im: Request-URI: 416" ext "$IC" 5060 "" MESSAGE "im:bob@$DOMAIN"
expect 404 "sip:192.0.2.103 (no user part): 404" \
	ext "$IC" 5060 "" OPTIONS "sip:192.0.2.103"
expect 404 "a global tel URI is an identity: LIR, unknown at the HSS: 404" \
	ext "$IC" 5060 "" MESSAGE "tel:+1-555-0199"

kill "$UAS_PID" 2>/dev/null
for p in "$SCSCF_PID" "$ICSCF_PID" "$PCSCF_PID" "$HSS_PID"; do
	check "daemon $p still running" kill -0 "$p"
done
sleep 1
kill "$CAP_PID" 2>/dev/null; wait "$CAP_PID" 2>/dev/null
# cx_reqs CODE: "Public-Identity [Visited-Network-Identifier]" per
# request (tshark prints the OctetString in hex).
cx_reqs() {
	tshark -r cx.pcapng -Y "diameter.cmd.code == $1 && diameter.flags.request == 1" \
		-T fields -e diameter.Public-Identity \
		-e diameter.Visited-Network-Identifier 2>/dev/null |
	python3 -c 'import sys
for line in sys.stdin:
    f = line.rstrip("\n").split("\t") + [""]
    if f[0]:
        print(f[0], bytes.fromhex(f[1].replace(":", "")).decode())'
}
cx_reqs 300 >uar.txt
cx_reqs 302 >lir.txt
check "the capture has the UARs of the registrations (control)" \
	grep -q "sip:hana@$DOMAIN" uar.txt
check "no UAR for gina (straight to the I-CSCF)" \
	eval "! grep -q 'sip:gina@' uar.txt"
check "no UAR for dora (straight to the I-CSCF)" \
	eval "! grep -q 'sip:dora@' uar.txt"
check "UARs for ida: exactly the partner's two usable networks" eval \
	"[ \"\$(grep 'sip:ida@' uar.txt | awk '{print \$2}' | sort | tr '\n' ' ')\" = 'home.net visited.example.net ' ]"
check "no Cx for zeromf, the To that is no SIP URI, or the torture URIs" \
	eval "! grep -Eq 'zeromf|2983792873|isbn|user@|totallyopaque|192\.0\.2\.103|im:' uar.txt lir.txt"
check "the tel URI's LIR, separators removed" grep -q "^tel:+15550199" lir.txt
check "LIRs only for the callees reached (bob, frank) and the tel URI" \
	eval "[ -z \"\$(grep -v -e '^sip:bob@$DOMAIN' -e '^sip:frank@$DOMAIN' -e '^tel:+15550199' lir.txt)\" ]"
summary
