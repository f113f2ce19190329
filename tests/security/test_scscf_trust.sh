#!/bin/bash
# test_scscf_trust.sh - the S-CSCF's session routing at the boundary of the
# trust domain (TS 24.229 4.4, 5.4.3; RFC 3325, RFC 3608), attacked from
# the UE's network (node ue, outside the trust domain) with the real hss,
# scscf, icscf and pcscf in namespaces and bob's SIPp UAS as the callee:
#  - the originating role ("orig" Route entry, as user part or parameter,
#    behind another entry of ours, in-dialog) claimed from outside: 403,
#    nothing reaches bob; from a trusted AS (node scscf2) it is honoured;
#  - an initial request from outside with a Route set through the S-CSCF
#    to the P-CSCF (which would take it as coming from the core): 403;
#  - a terminating request with a forged P-Asserted-Identity straight to
#    the S-CSCF reaches bob without it (in-dialog too); from the trust
#    domain the asserted identity stays;
#  - Request-URIs that name no identity: unknown schemes 416, a SIP URI
#    without user part 404, never a store look-up; Max-Forwards 0: 483;
#  - privacy (RFC 3325 5): Privacy: id keeps the asserted identity from a
#    next hop outside the trust domain (node ext).
# Env: HSS, HSS_CTL, SCSCF, ICSCF, PCSCF (binaries), SIPDIR.
set -u
: "${HSS:?}" "${HSS_CTL:?}" "${SCSCF:?}" "${ICSCF:?}" "${PCSCF:?}"
: "${SIPDIR:?}"
# shellcheck source=tests/sip/sip_lib.sh
. "$SIPDIR/sip_lib.sh"
need sipp ss python3
# shellcheck source=tests/security/trust_lib.sh
. "${BASH_SOURCE[0]%/*}/trust_lib.sh"

AS=scscf2	# node scscf2 plays an application server: a trusted peer
chain_up "$PWD/run-scscf-trust" -n "hss scscf icscf pcscf scscf2 ue ext" \
	-u "alice bob carol" -S icscf="sip:$IC:5060" -I diameter.timeout=2000

PAI="P-Asserted-Identity: <sip:alice@$DOMAIN>"
ORIG="Route: <sip:orig@$SC:6060;lr>"
BOB_CONTACT="sip:bob@$UE:5072"

check "alice registers through the chain" sipp_ue alice 5071 reg.xml "$PC:5060"
check "bob registers through the chain" sipp_ue bob 5072 reg.xml "$PC:5060"
sipp_uas ue bob 5072 uas.xml bob-uas
UAS_PID=$BG_PID
# A UAS outside the trust domain, for privacy.
sipp_uas ext ext 5090 uas.xml ext-uas
EXT_PID=$BG_PID
sleep 1

# Controls: the originating role from the trust domain.
check "alice -> bob through the P-CSCF (orig from the trust domain): 200" \
	sipp_ue alice 5071 msg.xml "$PC:5060"
check "bob got alice's asserted identity" \
	grep -q "P-Asserted-Identity: <sip:alice@$DOMAIN>" bob-uas.msgs
expect 200 "a trusted AS sends for alice with the orig entry: 200" \
	"$AS" "$SC" 6060 "ctl-as-orig" MESSAGE "sip:bob@$DOMAIN" "$ORIG" "$PAI"
check "... bob got it with alice's asserted identity" \
	eval "at_bob ctl-as-orig | grep -q '^$PAI'"
expect 403 "a trusted AS for an unregistered served user: 403" \
	"$AS" "$SC" 6060 "ctl-as-unreg" MESSAGE "sip:bob@$DOMAIN" "$ORIG" \
	"P-Asserted-Identity: <sip:carol@$DOMAIN>"

# 1. The originating role claimed from outside (TS 24.229 5.4.3.2).
expect 403 "orig entry with alice's identity, straight from the UE network: 403" \
	ue "$SC" 6060 "atk-orig" MESSAGE "sip:bob@$DOMAIN" "$ORIG" "$PAI"
expect 403 "our own entry first, orig behind it (routed back to ourselves): 403" \
	ue "$SC" 6060 "atk-orig-loop" MESSAGE "sip:bob@$DOMAIN" \
	"Route: <sip:$SC:6060;lr>, <sip:orig@$SC:6060;lr>" "$PAI"
expect 403 "orig as a Route parameter: 403" \
	ue "$SC" 6060 "atk-orig-param" MESSAGE "sip:bob@$DOMAIN" \
	"Route: <sip:$SC:6060;lr;orig>" "$PAI"
expect 403 "orig on an in-dialog request: 403" \
	ue "$SC" 6060 "atk-orig-dialog" MESSAGE "$BOB_CONTACT" "$ORIG" "$PAI" \
	"To: <sip:bob@$DOMAIN>;tag=made-up"
expect 403 "orig for a target not served here (towards the I-CSCF): 403" \
	ue "$SC" 6060 "atk-orig-away" MESSAGE "sip:nobody@$DOMAIN" "$ORIG" "$PAI"
check "the S-CSCF logged the refusals" \
	[ "$(grep -c 'from outside the trust domain refused: originating request' scscf.log)" = 5 ]
# 2. Routing through the S-CSCF to the P-CSCF, which would take the
# request as coming from the core.
expect 403 "initial request from outside with a Route set through us to the P-CSCF: 403" \
	ue "$SC" 6060 "atk-route" MESSAGE "$BOB_CONTACT" \
	"Route: <sip:$SC:6060;lr>, <sip:$PC:5060;lr>" "$PAI"
for m in atk-orig atk-orig-loop atk-orig-param atk-orig-dialog atk-route; do
	check "nothing of $m reached bob" not_at_bob "$m"
done
check "no originating request went to the I-CSCF" \
	eval "! grep -q 'to the I-CSCF' scscf.log"

# 3. A forged P-Asserted-Identity straight to the S-CSCF.
expect 200 "terminating MESSAGE straight to the S-CSCF with a forged identity: 200" \
	ue "$SC" 6060 "atk-pai" MESSAGE "sip:bob@$DOMAIN" "$PAI" \
	"P-Preferred-Identity: <sip:alice@$DOMAIN>" \
	"P-Served-User: <sip:alice@$DOMAIN>;sescase=term"
check "bob got it" at_bob atk-pai
check "... without any P-Asserted-Identity, P-Preferred-Identity, P-Served-User" \
	eval "! at_bob atk-pai | grep -Eqi '^(P-Asserted-Identity|P-Preferred-Identity|P-Served-User)'"
expect 200 "in-dialog request from outside (a remote party's): relayed, 200" \
	ue "$SC" 6060 "atk-pai-dialog" MESSAGE "$BOB_CONTACT" "$PAI" \
	"Route: <sip:$SC:6060;lr>" "To: <sip:bob@$DOMAIN>;tag=remote"
check "... bob got it without the forged identity" \
	eval "at_bob atk-pai-dialog >/dev/null && ! at_bob atk-pai-dialog | grep -qi '^P-Asserted-Identity'"
expect 200 "the same terminating MESSAGE from the trust domain (AS): 200" \
	"$AS" "$SC" 6060 "ctl-pai" MESSAGE "sip:bob@$DOMAIN" "$PAI"
check "... its asserted identity stays" eval "at_bob ctl-pai | grep -q '^$PAI'"

# 4. Only public identities are looked up; RFC 3261 16.3 order.
in_ns ue python3 "$SIPDIR/torture.py" "$SC" 6060 udp zeromf unkscm novelsc \
	>torture.out 2>&1
check "RFC 4475 zeromf: 483" grep -q "^zeromf 483" torture.out
check "RFC 4475 unkscm: 416" grep -q "^unkscm 416" torture.out
check "RFC 4475 novelsc: 416" grep -q "^novelsc 416" torture.out
expect 416 "im: Request-URI: 416" ue "$SC" 6060 "" MESSAGE "im:bob@$DOMAIN"
expect 404 "sip:192.0.2.103 (no user part): 404" \
	ue "$SC" 6060 "" OPTIONS "sip:192.0.2.103"
expect 480 "a global tel URI is looked up (not registered here): 480" \
	ue "$SC" 6060 "" MESSAGE "tel:+1-555-0199"
check "... as tel:+15550199" grep -q "route: tel:+15550199 unknown" scscf.log
check "no store look-up for the URIs that name nobody" \
	eval "! grep -Eq 'route: [^ ]*(192\.0\.2\.103|totallyopaque|user@)' scscf.log"

# 5. Privacy (RFC 3325 5): no asserted identity to an untrusted next hop.
expect 200 "in-dialog from the AS to a UA outside, Privacy: id: 200" \
	"$AS" "$SC" 6060 "priv-id" MESSAGE "sip:ext@$EXT:5090" "$PAI" \
	"Route: <sip:$SC:6060;lr>" "To: <sip:ext@$EXT>;tag=x1" "Privacy: id"
check "... the UA outside got no P-Asserted-Identity" \
	eval "at ext-uas.msgs priv-id >/dev/null && ! at ext-uas.msgs priv-id | grep -qi '^P-Asserted-Identity'"
expect 200 "the same without privacy: 200" \
	"$AS" "$SC" 6060 "priv-none" MESSAGE "sip:ext@$EXT:5090" "$PAI" \
	"Route: <sip:$SC:6060;lr>" "To: <sip:ext@$EXT>;tag=x2"
check "... the asserted identity was kept (RFC 3325 allows it)" \
	eval "at ext-uas.msgs priv-none | grep -q '^$PAI'"

kill "$UAS_PID" "$EXT_PID" 2>/dev/null
for p in "$SCSCF_PID" "$ICSCF_PID" "$PCSCF_PID"; do
	check "daemon $p still running" kill -0 "$p"
done
summary
