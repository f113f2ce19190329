#!/bin/bash
# test_pcscf_register.sh - REGISTER from the UE side through the P-CSCF:
#   1. a UE's own P-Visited-Network-ID, Path, P-Asserted-Identity and
#      charging headers never pass the P-CSCF (TS 24.229 5.2.2.1; RFC 3327
#      5; RFC 7315 4): gina, who may only roam from home.net, claiming
#      home.net is still refused by the HSS (UAR 5004: the I-CSCF saw the
#      P-CSCF's visited network); alice's registration with a Path (and a
#      Route) to another host stores only the P-CSCF's Path at the S-CSCF;
#      on the core wire each REGISTER carries exactly the P-CSCF's Path,
#      P-Visited-Network-ID and P-Charging-Vector, and no Route of the
#      UE's; the UE's integrity-protected is replaced by ours ("no": not
#      over Gm SAs; this kernel has none);
#   2. challenge-bound REGISTERs (no credentials, or credentials for no
#      challenge this UE was given) are limited per source address
#      (register-burst 3, register-rate 1 a minute): a burst from one
#      address is cut with 503 + Retry-After and nothing forwarded (no
#      UAR, no MAR), another port of that address is cut too, the answer
#      to a counted challenge is not counted, and another address still
#      registers;
#   3. a registered UE without a Service-Route (a registrar that gives
#      none: a stand-in) cannot send an initial request straight to its
#      Request-URI: 403, nothing sent.
# Env: HSS, HSS_CTL, SCSCF, ICSCF, PCSCF, IMS_UE (binaries), SIPDIR (tests/sip),
# SECDIR (tests/security).
set -u
: "${HSS:?}" "${HSS_CTL:?}" "${SCSCF:?}" "${ICSCF:?}" "${PCSCF:?}" "${IMS_UE:?}"
: "${SIPDIR:?}" "${SECDIR:?}"
# shellcheck source=tests/sip/sip_lib.sh
. "$SIPDIR/sip_lib.sh"
need sipp ss python3 tshark

chain_up "$PWD/run-pcscf-register" -n "hss scscf icscf pcscf ue ext" \
	-c br:core.pcapng \
	-u "alice bob fl1 fl2 fl3 fl4 fl5 fl6 gina:home.net" \
	-P visited=visited.example.net -P register-burst=3 -P register-rate=1
A=$NET.12		# a second address of the UE node: the flooding source
B=$NET.13		# and a third: another UE's, fresh
for a in "$A" "$B"; do
	ip -n "$(ns ue)" addr add "$a/24" dev eth0 || die "address $a"
done
PY=/usr/bin/python3

# ---- 1. the trust domain's REGISTER headers are the P-CSCF's ----
in_ns ue $PY "$SECDIR/sipua.py" oneshot --bind "$UE:5075" --to "$PC:5060" \
	--method REGISTER --ruri "sip:$DOMAIN" --from "sip:gina@$DOMAIN" \
	--to-uri "sip:gina@$DOMAIN" \
	-H 'Authorization: Digest username="gina@'$DOMAIN'",realm="'$DOMAIN'",nonce="",uri="sip:'$DOMAIN'",response="",integrity-protected="ip-assoc-yes"' \
	-H 'Authorization: Digest username="gina@'$DOMAIN'",realm="other.net",nonce="",uri="sip:'$DOMAIN'",response="",integrity-protected=yes' \
	-H "P-Visited-Network-ID: home.net" -H "Expires: 600" >gina.out 2>&1
check "gina claiming to roam from home.net (P-Visited-Network-ID): 403" \
	eval "head -1 gina.out | grep -q '^SIP/2.0 403'"
check "the HSS refused the P-CSCF's visited network (UAR 5004), not home.net" \
	grep -q "UAR for sip:gina@$DOMAIN: status 0 result 0/5004 -> 403" \
	icscf.log
# (scenario templates come from $SIPDIR: this one is ours)
SIPDIR=$SECDIR check "alice registers with her own Path, P-Visited-Network-ID, P-Asserted-Identity, charging (SIPp, AKA): 200" \
	sipp_ue alice 5071 reg_forged.xml "$PC:5060"
check "the S-CSCF stored only the P-CSCF's Path for alice" \
	[ "$(db_query 'select path from bindings where impu = ?' "sip:alice@$DOMAIN")" = "<sip:term@$PC:5060;lr>" ]
check "and no binding anywhere carries the UE's Path" \
	[ -z "$(db_query "select path from bindings where path like '%192.0.2.66%'")" ]
sleep 1
kill "$BR_PID" 2>/dev/null; wait "$BR_PID" 2>/dev/null
tshark -r core.pcapng -Y "sip.Method == \"REGISTER\" && ip.src == $PC" \
	-O sip -V 2>/dev/null >core-register.txt
nreg=$(grep -c 'Request-Line: REGISTER' core-register.txt)
hdr() { grep -c "^[[:space:]]*$1: " core-register.txt; }
check "the P-CSCF forwarded REGISTERs (gina 1, alice 2)" [ "$nreg" -ge 3 ]
check "each with exactly one Path, the P-CSCF's" eval \
	"[ \$(hdr Path) -eq $nreg ] && [ \$(grep -c 'Path: <sip:term@$PC:5060;lr>' core-register.txt) -eq $nreg ]"
check "each with exactly one P-Visited-Network-ID, the P-CSCF's" eval \
	"[ \$(hdr P-Visited-Network-ID) -eq $nreg ] && [ \$(grep -c 'P-Visited-Network-ID: visited.example.net' core-register.txt) -eq $nreg ]"
check "each with exactly one P-Charging-Vector, generated at the P-CSCF" eval \
	"[ \$(hdr P-Charging-Vector) -eq $nreg ] && [ \$(grep -c 'P-Charging-Vector: icid-value=[0-9a-f]*;icid-generated-at=$PC\$' core-register.txt) -eq $nreg ]"
check "none with a P-Asserted-Identity or P-Charging-Function-Addresses" \
	eval "! grep -Eq '^[[:space:]]*(P-Asserted-Identity|P-Charging-Function-Addresses): ' core-register.txt"
check "the UE's integrity-protected values replaced by the P-CSCF's \"no\" (TS 24.229 5.2.2.1), in both of gina's Authorization headers" \
	eval "[ \$(grep -c 'integrity-protected=\"no\"' core-register.txt) -ge 2 ] && ! grep -Eq 'integrity-protected=\"?(yes|ip-assoc)' core-register.txt"
check "nothing of the UE's forged values on the core wire (no Route either)" \
	eval "! grep -Eq 'home\.net|192\.0\.2\.66|forged' core-register.txt"

# ---- 2. challenge-bound REGISTERs per source address ----
# alice (another UE) registers from address A: one counted challenge,
# its answer free.  Then 2 tokens are left for the burst.
# (ims-ue: SIPp could need a second challenge, tests/lib/sipp_aka.sh)
check "alice registers from address A (1 of 3 challenges)" \
	in_ns ue "$IMS_UE" register --impi "alice@$DOMAIN" \
	--impu "sip:alice@$DOMAIN" --k "$K" --op "$OP" --domain "$DOMAIN" \
	--pcscf "$PC:5060" --local "$A:5171" --state alice-a.sqn >alice-a.out 2>&1
uar0=$(grep -c "REGISTER for sip:fl" icscf.log)
in_ns ue $PY "$SIPDIR/flood.py" --to "$PC:5060" --bind "$A:5190" \
	--users fl1,fl2,fl3,fl4,fl5,fl6 --domain "$DOMAIN" --rate 20 --wait 10 \
	--print >burst.out 2>&1
cat burst.out
n401=$(awk '$2 == 401' burst.out | wc -l)
n503=$(awk '$2 == 503' burst.out | wc -l)
check "burst of 6 from A: 2 challenged (401)" [ "$n401" -eq 2 ]
check "burst of 6 from A: 4 cut (503)" [ "$n503" -eq 4 ]
check "the first two challenged, the rest cut, in order" \
	eval "[ \"\$(awk '/^fl/ {print \$2}' burst.out | tr '\n' ' ')\" = '401 401 503 503 503 503 ' ]"
check "each 503 with Retry-After 1..60 s (a token a minute)" \
	eval "awk '\$2 == 503 { if (\$3 !~ /^[0-9]+\$/ || \$3 < 1 || \$3 > 60) bad = 1 } END { exit bad }' burst.out"
check "nothing forwarded for the cut ones (2 UARs, not 6)" \
	[ $(($(grep -c "REGISTER for sip:fl" icscf.log) - uar0)) -eq 2 ]
check "the pcscf logged the cut" \
	grep -q "challenge rate of the source exceeded: 503" pcscf.log
in_ns ue $PY "$SECDIR/sipua.py" oneshot --bind "$A:5191" --to "$PC:5060" \
	--method REGISTER --ruri "sip:$DOMAIN" --from "sip:fl1@$DOMAIN" \
	--to-uri "sip:fl1@$DOMAIN" \
	-H 'Authorization: Digest username="fl1@'$DOMAIN'",realm="'$DOMAIN'",nonce="bm90IGEgbm9uY2Ugd2UgZ2F2ZQ==",uri="sip:'$DOMAIN'",response="00000000000000000000000000000000",algorithm=AKAv1-MD5' \
	-H "Contact: <sip:fl1@$A:5191>" -H "Expires: 600" >stale.out 2>&1
check "from A, another port, credentials for a nonce never given: 503" \
	eval "head -1 stale.out | grep -q '^SIP/2.0 503'"
UE_IP=$B check "another address registers meanwhile (bob, SIPp, AKA)" \
	sipp_ue bob 5072 reg.xml "$PC:5060"
UE_NODE=ext check "and another network's address too (bob from ext)" \
	sipp_ue bob 5073 reg.xml "$PC:5060"

# ---- 3. no Service-Route, no originating request ----
# A second P-CSCF whose registrar (a stand-in on ext) gives no
# Service-Route: a registered UE's initial request must not go where its
# Request-URI says, past any S-CSCF, with an identity the P-CSCF asserted.
trusted
lab_conf "$PCSCF" pcscf pcscf2.conf "${TRUSTED[@]}" -o listen="$PC:5070" \
	-o icscf="sip:$EXT:5099" || die "pcscf2.conf"
bg pcscf pcscf2.log "$PCSCF" -c pcscf2.conf
PCSCF2_PID=$BG_PID
wait_listen pcscf u 5070 "$PCSCF2_PID" pcscf2.log
bg ext registrar.out $PY "$SECDIR/sipua.py" uas --bind "$EXT:5099" \
	--log "$WORK/registrar.log" --registrar
bg ext victim.out $PY "$SECDIR/sipua.py" uas --bind "$EXT:5098" \
	--log "$WORK/victim.log"
sleep 0.5
in_ns ue $PY "$SECDIR/sipua.py" oneshot --bind "$UE:5077" --to "$PC:5070" \
	--method REGISTER --ruri "sip:$DOMAIN" --from "sip:carol@$DOMAIN" \
	--to-uri "sip:carol@$DOMAIN" -H "Expires: 600" >nosr-reg.out 2>&1
check "a UE registers through it (200, no Service-Route)" eval \
	"head -1 nosr-reg.out | grep -q '^SIP/2.0 200' && ! grep -q '^H: Service-Route' nosr-reg.out"
in_ns ue $PY "$SECDIR/sipua.py" oneshot --bind "$UE:5077" --to "$PC:5070" \
	--method MESSAGE --ruri "sip:victim@$EXT:5098" \
	--from "sip:carol@$DOMAIN" --callid nosr-attack --body nosr \
	>nosr-msg.out 2>&1
check "its MESSAGE straight to a Request-URI host: 403" \
	eval "head -1 nosr-msg.out | grep -q '^SIP/2.0 403'"
sleep 0.5
check "nothing reached that host" eval "! grep -q nosr-attack victim.log"
check "the pcscf logged it" grep -q "no Service-Route: 403" pcscf2.log

for p in "$SCSCF_PID" "$ICSCF_PID" "$PCSCF_PID"; do
	check "daemon $p still running" kill -0 "$p"
done
summary
