#!/bin/bash
# test_pcscf_trust.sh - the P-CSCF as the trust boundary towards the UEs
# (TS 24.229 4.4, 5.2.6; RFC 3325 2.3), attacked with crafted SIP from the
# UE's network and from another network:
#   1. "from the core" is the packet's source, never a Route: an
#      unregistered sender with Route: <sip:term@pcscf;lr>,
#      <sip:orig@scscf;lr> and a forged P-Asserted-Identity gets 403 and
#      nothing reaches the callee (MESSAGE, INVITE, in-dialog-looking);
#      the genuine core path (I-CSCF, LIR, S-CSCF, Path) still delivers;
#   2. a registered UE's initial request keeps nothing of its own
#      P-Asserted-Identity, P-Preferred-Identity, P-Charging-*,
#      P-Served-User or Record-Route; its callee's 200 can forge neither
#      an identity nor the caller's route set;
#   3. subsequent requests only in a dialog the P-CSCF record-routed and
#      along its route set: an in-dialog-looking MESSAGE with Route
#      orig@scscf and a forged identity gets 481, one off the route set
#      403, another UE in the dialog 481, after BYE 481, after the UE's
#      de-registration 481; a stray CANCEL 481; the dialog table is
#      bounded (max-ue-dialogs, max-dialogs: 503 + Retry-After, nothing
#      forwarded);
#   and a SIPp INVITE/180/200/ACK/BYE call and a CANCELled call still work.
# Env: HSS, HSS_CTL, SCSCF, ICSCF, PCSCF (binaries), SIPDIR (tests/sip),
# SECDIR (tests/security).
set -u
: "${HSS:?}" "${HSS_CTL:?}" "${SCSCF:?}" "${ICSCF:?}" "${PCSCF:?}"
: "${SIPDIR:?}" "${SECDIR:?}"
# shellcheck source=tests/sip/sip_lib.sh
. "$SIPDIR/sip_lib.sh"
need sipp ss python3

chain_up "$PWD/run-pcscf-trust" -n "hss scscf icscf pcscf ue ext" \
	-u "alice bob carol frank" -P max-ue-dialogs=2 -P max-dialogs=6
PY=/usr/bin/python3

# py_checks FILE: the "ok NAME" / "FAIL NAME: why" lines of a driver.
py_checks() {
	local l
	while IFS= read -r l; do
		case $l in
		ok\ *) pass "${l#ok }" ;;
		FAIL\ *) fail "${l#FAIL }" ;;
		esac
	done <"$1"
	grep -Eq '^(ok|FAIL) ' "$1" || fail "$1: the driver checked nothing"
}
# oneshot NODE PORT DEST OUT ARGS...: one crafted request (sipua.py).
oneshot() {
	local n=$1 port=$2 dest=$3 out=$4
	shift 4
	in_ns "$n" $PY "$SECDIR/sipua.py" oneshot --bind "$(ip_of "$n"):$port" \
		--to "$dest" "$@" >"$out" 2>&1
}
status_is() { [ "$(head -1 "$1" | cut -d' ' -f2)" = "$2" ]; }

check "alice registers (SIPp, AKA)" sipp_ue alice 5071 reg.xml "$PC:5060"
check "bob registers" sipp_ue bob 5072 reg.xml "$PC:5060"
check "carol registers" sipp_ue carol 5073 reg.xml "$PC:5060"

# ---- 1. the core is a packet source, not a Route ----
bg ue bob-uas.out $PY "$SECDIR/sipua.py" uas --bind "$UE:5072" \
	--log "$WORK/bob-uas.log" --user bob
UAS_PID=$BG_PID
sleep 0.5
ROUTE="Route: <sip:term@$PC:5060;lr>, <sip:orig@$SC:6060;lr>"
FORGED="P-Asserted-Identity: <sip:alice@$DOMAIN>"
for m in MESSAGE INVITE; do
	oneshot ext 5090 "$PC:5060" "ext-$m.out" --method $m \
		--ruri "sip:bob@$DOMAIN" --from "sip:alice@$DOMAIN" \
		--callid "attack-ext-$m" -H "$ROUTE" -H "$FORGED" \
		--body "forged-ext-$m"
	check "another network, $m with Route term@pcscf, orig@scscf and a forged P-Asserted-Identity: 403" \
		status_is "ext-$m.out" 403
done
oneshot ue 5099 "$PC:5060" ue-unreg.out --method MESSAGE \
	--ruri "sip:bob@$DOMAIN" --from "sip:alice@$DOMAIN" \
	--callid attack-ue-unreg -H "$ROUTE" -H "$FORGED" --body forged-ue-unreg
check "unregistered UE, same MESSAGE: 403" status_is ue-unreg.out 403
oneshot ext 5090 "$PC:5060" ext-dlg.out --method MESSAGE \
	--ruri "sip:bob@$UE:5072" --from "sip:alice@$DOMAIN" \
	--to-uri "sip:bob@$DOMAIN" --to-tag 1234 --callid attack-ext-dlg \
	-H "Route: <sip:$PC:5060;lr>" -H "$FORGED" --body forged-ext-dlg
check "another network, in-dialog-looking MESSAGE routed through the pcscf to bob's contact: 403" \
	status_is ext-dlg.out 403
# The genuine core path: I-CSCF (LIR) -> S-CSCF -> Path -> pcscf -> bob.
oneshot ext 5091 "$IC:5060" ext-core.out --method MESSAGE \
	--ruri "sip:bob@$DOMAIN" --callid genuine-core --body genuine-core
check "a terminating MESSAGE through the I-CSCF and S-CSCF (trusted peer) reaches bob: 200" \
	status_is ext-core.out 200
sleep 0.5
kill "$UAS_PID" 2>/dev/null; wait "$UAS_PID" 2>/dev/null
check "bob got the genuine one" grep -q '^Call-ID: genuine-core' bob-uas.log
check "bob got none of the forged ones" \
	eval "! grep -q 'forged\|attack-' bob-uas.log"
check "the S-CSCF routed none of them" eval "! grep -q 'attack-' scscf.log"
check "the pcscf logged the refusals" \
	grep -q 'MESSAGE from unregistered .*refused' pcscf.log

# ---- 2, 3. identities and dialogs (alice 5071, bob 5072, carol 5073) ----
in_ns ue $PY "$SECDIR/pcscf_dialogs.py" dialogs "$UE" "$PC" "$SC" \
	"$DOMAIN" >dialogs.out 2>&1
py_checks dialogs.out
check "the pcscf logged the 403s" grep -q "off its dialog's route set: 403" \
	pcscf.log
in_ns ue $PY "$SECDIR/pcscf_dialogs.py" capacity "$UE" "$PC" "$SC" \
	"$DOMAIN" >capacity.out 2>&1
py_checks capacity.out
check "the pcscf logged both kinds of 503" eval \
	"grep -q 'too many dialogs of this UE.*503' pcscf.log && grep -q 'dialog table full.*503' pcscf.log"

# De-registration ends the UE's dialogs.
in_ns ue $PY "$SECDIR/pcscf_dialogs.py" hold "$UE" "$PC" "$SC" "$DOMAIN" \
	"$WORK/held.json" >hold.out 2>&1
py_checks hold.out
check "alice de-registers (and registers, then de-registers)" \
	sipp_ue alice 5071 dereg.xml "$PC:5060"
check "alice registers again" sipp_ue alice 5071 reg.xml "$PC:5060"
in_ns ue $PY "$SECDIR/pcscf_dialogs.py" after-dereg "$UE" "$PC" "$SC" \
	"$DOMAIN" "$WORK/held.json" >after.out 2>&1
py_checks after.out

# ---- the legitimate paths with SIPp: a call, a CANCELled call ----
sipp_uas ue bob 5072 uas.xml bob-sipp
SUAS_PID=$BG_PID
sleep 1
check "SIPp alice -> bob INVITE/180/200/ACK/BYE/200" \
	sipp_ue alice 5071 call.xml "$PC:5060"
check "bob got the ACK and the BYE" \
	eval "grep -q '^ACK ' bob-sipp.msgs && grep -q '^BYE ' bob-sipp.msgs"
kill "$SUAS_PID" 2>/dev/null
check "frank registers" sipp_ue frank 5081 reg.xml "$PC:5060"
sipp_uas ue frank 5081 uas_ring.xml frank-ring -m 1
RING_PID=$BG_PID
sleep 1
TARGET=frank check "SIPp alice -> frank INVITE, 180, CANCEL, 487, ACK" \
	sipp_ue alice 5071 cancel.xml "$PC:5060"
check "frank got the CANCEL" grep -q '^CANCEL ' frank-ring.msgs
kill "$RING_PID" 2>/dev/null

# ---- a message beyond the 64 KiB cap (SIPX_MAX_MESSAGE), over TCP ----
in_ns ue python3 - "$PC" "$UE" "$DOMAIN" >big.out 2>&1 <<'EOF2'
import socket, sys
pc, ue, dom = sys.argv[1:4]
hdr = ("REGISTER sip:%s SIP/2.0\r\nVia: SIP/2.0/TCP %s:5090;branch=z9hG4bKbig"
       "\r\nMax-Forwards: 70\r\nFrom: <sip:alice@%s>;tag=b\r\n"
       "To: <sip:alice@%s>\r\nCall-ID: big-1\r\nCSeq: 1 REGISTER\r\n"
       "Contact: <sip:alice@%s:5090;transport=tcp>\r\n" % (dom, ue, dom, dom, ue))
msg = (hdr + "Subject: " + "a" * 70000 + "\r\nContent-Length: 0\r\n\r\n").encode()
s = socket.create_connection((pc, 5060), timeout=5)
try:
    s.sendall(msg)
except OSError:
    pass
data = b""
try:
    while True:
        d = s.recv(4096)
        if not d:
            break
        data += d
except OSError:
    print("open")		# neither an answer nor closed within 5 s
print(data.split(b"\r\n")[0].decode() if data else "closed")
# The same REGISTER without the padding, on a new connection: answered.
s = socket.create_connection((pc, 5060), timeout=5)
s.sendall((hdr.replace("big-1", "big-2") + "Content-Length: 0\r\n\r\n").encode())
print("small=" + s.recv(4096).split(b"\r\n")[0].decode())
EOF2
check "70 KB over TCP: 413 or the connection closed, never processed" \
	eval "sed -n 1p big.out | grep -Eq '^(SIP/2.0 413|closed)' && ! grep -q '^open' big.out"
check "...the same REGISTER, small, answered on TCP" \
	grep -q '^small=SIP/2.0 [1-6][0-9][0-9]' big.out

for p in "$SCSCF_PID" "$ICSCF_PID" "$PCSCF_PID"; do
	check "daemon $p still running" kill -0 "$p"
done
summary
