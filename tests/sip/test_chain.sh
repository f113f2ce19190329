#!/bin/bash
# test_chain.sh - UE -> pcscf -> icscf -> scscf with the HSS over Cx (TCP),
# every node in its own namespace on one bridge, tshark on the UE's veth
# and on the bridge: AKA registration through the chain, ck/ik never on the
# UE side, wrong response and unknown user refused, MESSAGE and an
# INVITE/200/ACK/BYE dialog between two UEs, a terminating request through
# the I-CSCF (LIR), unregistered senders refused, de-registration, TCP,
# a dead HSS, and no malformed SIP or Diameter on the wire.
# Env: HSS, HSS_CTL, SCSCF, ICSCF, PCSCF (binaries), SIPDIR.
set -u
: "${HSS:?}" "${HSS_CTL:?}" "${SCSCF:?}" "${ICSCF:?}" "${PCSCF:?}"
: "${SIPDIR:?}"
# shellcheck source=tests/sip/sip_lib.sh
. "$SIPDIR/sip_lib.sh"
need sipp tshark ss python3

# gina may only register from home.net, not from our visited network.
chain_up "$PWD/run-chain" -n "hss scscf icscf pcscf ue ext" \
	-u "alice bob carol dave frank gina:home.net" \
	-c br:core.pcapng -c ue:ue.pcapng \
	-I scscf="sip:$SC:6060=1,2" -I diameter.timeout=2000 \
	-P visited=visited.example.net

check "alice registers through pcscf/icscf/scscf (AKA, 200)" \
	sipp_ue alice 5071 reg.xml "$PC:5060"
check "bob registers through the chain" sipp_ue bob 5072 reg.xml "$PC:5060"
check "the UE saw the challenge without ck/ik" \
	eval "grep -q 'algorithm=AKAv1-MD5' alice-reg.xml.msgs && ! grep -Eqi '[ ,]ck=' alice-reg.xml.msgs"
check "the S-CSCF has alice's binding" [ "$(bindings sip:alice@$DOMAIN)" = 1 ]
# common/dia/dia_nodelay.c: freeDiameter clears TCP_NODELAY on the
# connections it opens; each CSCF's Cx link to the hss runs without Nagle,
# read off the daemon's own socket (and the hss's accepted ones).
for n in ICSCF SCSCF HSS; do
	pid_var=${n}_PID
	python3 "$SIPDIR/../lib/nodelay.py" "${!pid_var}" 3868 >"nodelay.$n" 2>&1
	check "${n,,}: its Cx connections have TCP_NODELAY" \
		eval "[ -s nodelay.$n ] && ! awk '\$3 != 1' nodelay.$n | grep -q ."
done
check "the pcscf added Path and P-Visited-Network-ID (UAR used it)" \
	grep -q "REGISTER for sip:alice@$DOMAIN to sip:$SC:6060" icscf.log
check "a wrong AKA response gets 403" sipp_ue carol 5073 reg_fail.xml "$PC:5060"
check "an unknown user gets 403 (UAR 5001)" \
	sipp_ue mallory 5074 reg_fail.xml "$PC:5060"
check "roaming not allowed (UAR 5004): 403" \
	sipp_ue gina 5075 reg_fail.xml "$PC:5060"
check "the I-CSCF mapped 5004 to 403" \
	grep -q "UAR for sip:gina@$DOMAIN: status 0 result 0/5004 -> 403" icscf.log
check "dave registers over TCP" \
	sipp_ue dave 5076 reg.xml "$PC:5060" -t t1

# bob answers calls on his registered contact.
sipp_uas ue bob 5072 uas.xml bob-uas
UAS_PID=$BG_PID
sleep 1
check "alice -> bob MESSAGE: 200" sipp_ue alice 5071 msg.xml "$PC:5060"
check "the forged P-Asserted-Identity was replaced by the pcscf" \
	eval "grep -q 'P-Asserted-Identity: <sip:alice@$DOMAIN>' bob-uas.msgs && ! grep -q forged bob-uas.msgs"
check "alice -> bob INVITE/180/200/ACK/BYE/200" \
	sipp_ue alice 5071 call.xml "$PC:5060"
check "bob got the ACK and the BYE" \
	eval "grep -q '^ACK ' bob-uas.msgs && grep -q '^BYE ' bob-uas.msgs"

# From another network: straight to the I-CSCF, LIR, then the S-CSCF.
ext_msg() {	# TARGET STATUS
	TARGET=$1 STATUS=$2 scenario msg.xml "ext-$1.xml" ext
	in_ns ext timeout 20 sipp -sf "ext-$1.xml" "$IC:5060" \
		-i "$(ip_of ext)" -p 5080 -s ext -m 1 -nostdin -timeout 15s \
		-trace_msg -message_file "ext-$1.msgs" >"ext-$1.out" 2>&1
}
check "terminating MESSAGE via the I-CSCF (LIR) reaches bob: 200" \
	ext_msg bob 200
check "LIR for an unknown identity: 404" ext_msg nobody 404
check "LIR for a never registered identity (5003): 480" ext_msg frank 480
check "S-CSCF named by LIR but the identity not registered: 480" \
	ext_msg carol 480

# CANCEL through the chain: frank only rings.
check "frank registers" sipp_ue frank 5081 reg.xml "$PC:5060"
sipp_uas ue frank 5081 uas_ring.xml frank-ring -m 1
RING_PID=$BG_PID
sleep 1
TARGET=frank check "alice -> frank INVITE, 180, CANCEL, 487, ACK" \
	sipp_ue alice 5071 cancel.xml "$PC:5060"
check "frank got the CANCEL" grep -q '^CANCEL ' frank-ring.msgs
kill "$RING_PID" 2>/dev/null

TARGET=bob STATUS=403 check "an unregistered UE's MESSAGE: 403 at the pcscf" \
	sipp_ue eve 5077 msg.xml "$PC:5060"
TARGET=nobody STATUS=404 check "alice -> unknown identity: 404" \
	sipp_ue alice 5071 msg.xml "$PC:5060"

check "bob de-registers through the chain" \
	sipp_ue bob 5078 dereg.xml "$PC:5060"
check "the S-CSCF forgot that binding, kept bob's other one" \
	[ "$(bindings sip:bob@$DOMAIN)" = 1 ]

kill "$UAS_PID" 2>/dev/null

for n in icscf pcscf; do
	in_ns ue python3 "$SIPDIR/malformed.py" "$(ip_of $n)" 5060 \
		>"bad-$n.out" 2>&1
	check "$n answers malformed SIP with 400" \
		grep -q "^SIP/2.0 400" "bad-$n.out"
done

# A silent HSS (stopped): the Cx request times out (diameter.timeout 2000)
# and the I-CSCF answers 504.
kill -STOP "$HSS_PID"
t0=$(date +%s)
in_ns ue timeout 20 sipp -sf "$SIPDIR/reg_5xx.xml" "$PC:5060" \
	-i "$(ip_of ue)" -p 5079 -s carol -m 1 -nostdin -timeout 15s \
	-trace_msg -message_file silent.msgs >silent.out 2>&1
rc=$?
kill -CONT "$HSS_PID"
check "silent HSS: REGISTER gets 504 after the Cx timeout" \
	eval "[ $rc -eq 0 ] && grep -q '^SIP/2.0 504' silent.msgs"
check "silent HSS: answered within 8 s" [ $(($(date +%s) - t0)) -le 8 ]

# Dead HSS: the I-CSCF answers 500/504 quickly, never hangs.
kill "$HSS_PID"; wait "$HSS_PID" 2>/dev/null
t0=$(date +%s)
in_ns ue timeout 20 sipp -sf "$SIPDIR/reg_5xx.xml" "$PC:5060" \
	-i "$(ip_of ue)" -p 5079 -s carol -m 1 -nostdin -timeout 15s \
	-trace_msg -message_file dead.msgs >dead.out 2>&1
rc=$?
check "dead HSS: REGISTER gets 500/504 through the chain" [ $rc -eq 0 ]
check "dead HSS: answered within 8 s" [ $(($(date +%s) - t0)) -le 8 ]

for p in "$SCSCF_PID" "$ICSCF_PID" "$PCSCF_PID"; do
	check "daemon $p still running" kill -0 "$p"
done
sleep 1
kill "$CAP_PID" "$BR_PID" 2>/dev/null; wait "$CAP_PID" "$BR_PID" 2>/dev/null
DEC="-d udp.port==6060,sip -d tcp.port==6060,sip"
check "no ck= on the UE's wire" eval \
	"[ -z \"\$(tshark -r ue.pcapng -Y 'sip matches \"[ ,]ck=\"' 2>/dev/null)\" ]"
check "the UE's wire carried SIP" eval \
	"[ -n \"\$(tshark -r ue.pcapng -Y sip 2>/dev/null)\" ]"
check "ck= present on the core side (S-CSCF -> P-CSCF)" eval \
	"[ -n \"\$(tshark -r core.pcapng $DEC -Y 'sip matches \"[ ,]ck=\"' 2>/dev/null)\" ]"
check "Diameter on the core wire" eval \
	"[ -n \"\$(tshark -r core.pcapng -Y diameter 2>/dev/null)\" ]"
check "no malformed SIP or Diameter (UE side)" eval \
	"[ -z \"\$(tshark -r ue.pcapng -Y _ws.malformed 2>/dev/null)\" ]"
check "no malformed SIP or Diameter (core)" eval \
	"[ -z \"\$(tshark -r core.pcapng $DEC -Y _ws.malformed 2>/dev/null)\" ]"
check "no key material in the daemons' logs" \
	eval "! grep -Eqi 'ck=|ik=' scscf.log icscf.log pcscf.log"
summary
