#!/bin/bash
# test_cx_server_name.sh - who may assign a user to an S-CSCF at the HSS
# (issue 7, "Cx"): the hss in one namespace, Cx peers played by cxclient
# and cx_raw.py from the namespaces (addresses) of the S-CSCF scscf, a
# second S-CSCF scscf2 and the I-CSCF, all three peers the hss accepts;
# tshark on the bridge.  The hss knows the S-CSCFs by the scscf key:
# sip:SC:6060@scscf.DOMAIN and sip:SC2:6060@scscf2.DOMAIN.
#
# Attacks, each refused with DIAMETER_UNABLE_TO_COMPLY (5012) and an
# Error-Message, the store unchanged (hss-ctl show):
# - the I-CSCF's identity sends SAR REGISTRATION for alice with
#   Server-Name sip:evil (unknown), then with the real S-CSCF's name (a
#   known name from another peer);
# - scscf2 registers alice under scscf's name, de-registers alice whom
#   scscf holds (USER_DEREGISTRATION, TIMEOUT_DEREGISTRATION), clears her
#   with AUTHENTICATION_FAILURE;
# - the I-CSCF's identity sends MAR for bob with Server-Name sip:evil and
#   with scscf's name: no vector, no SQN spent, no pending name stored;
# - the I-CSCF's identity sends a SAR with a forged Origin-Host (scscf's):
#   refused before the handler;
# - SAR REGISTRATION for a user whose User-Data cannot be built (33
#   public identities in one implicit registration set): 5012 with exactly
#   one Result-Code, and no assignment stored.
# - an RTR and a PPR for bob, whom scscf2 holds while it is not connected,
#   must not reach scscf (another Cx peer of the realm, which would learn
#   bob's identities and profile): the hss sends a push only to an S-CSCF
#   it has a Cx connection to (hss_rtr.c), so after push-expiry (2 s here)
#   it drops both, logged, and scscf's listener gets nothing.
# Positive controls: scscf's MAR and SAR for alice (2001, stored with its
# name and identity), re-registration after the attacks, scscf2's own
# SAR for bob.  Every Cx answer on the wire carries exactly one result.
# Env: HSS, HSS_CTL, CXCLIENT, SIPDIR, TOPODIR.
set -u
: "${HSS:?}" "${HSS_CTL:?}" "${CXCLIENT:?}" "${SIPDIR:?}" "${TOPODIR:?}"
# shellcheck source=tests/sip/sip_lib.sh
. "$SIPDIR/sip_lib.sh"
need tshark ss python3

# The hss alone; cxclient and cx_raw.py play its peers.
chain_up "$PWD/run" -n "hss scscf scscf2 icscf" -d "" -c br:cx.pcapng \
	-H diameter.accept="scscf2.$DOMAIN@$SC2" -H push-expiry=2 -u "alice bob"
N1=sip:$SC:6060 N2=sip:$SC2:6060 EVIL=sip:evil.$DOMAIN
RAW=(python3 "$TOPODIR/cx_raw.py")
DB=$WORK/db/hss.db
big=()
for i in $(seq 0 32); do big+=(--impu "sip:big$i@$DOMAIN"); done
"$HSS_CTL" --db "$DB" add --impi "big@$DOMAIN" "${big[@]}" --k "$K" \
	--op "$OP" >/dev/null || die "hss-ctl add big"

# cx NODE COMMAND ARGS...: cxclient as NODE.DOMAIN from NODE's address.
cx() {
	local n=$1
	shift
	[ -f "$n.cli" ] || cat >"$n.cli" <<EOF
diameter.identity = $n.$DOMAIN
diameter.connect = hss.$DOMAIN@$HS
diameter.dest-realm = $DOMAIN
diameter.tc-timer = 2
diameter.timeout = 3000
diameter.extensions-dir = $FD_EXT
EOF
	in_ns "$n" "$CXCLIENT" -c "$n.cli" "$@" 2>>cxclient.err
}
ctl() { "$HSS_CTL" --db "$DB" "$@"; }
# kv NAME [N]: the N-th (1-based) value of NAME=... on stdin
kv() { sed -n "s/^$1=//p" | sed -n "${2:-1}p"; }
# assigned USER: "state scscf scscf_host" of the user's first IMPU
assigned() {
	ctl show --impi "$1@$DOMAIN" | awk -F= '
	    /^state=/ && !s { s = $2 } /^scscf=/ && !n { n = $2 }
	    /^scscf_host=/ && !h { h = $2 } END { print s, n, h }'
}
# refused OUT REASON: 5012 and that Error-Message
refused() {
	[ "$(echo "$1" | kv result)" = 5012 ] &&
		[ "$(echo "$1" | kv error_message)" = "$2" ]
}
ALICE="registered $N1 scscf.$DOMAIN"

# ---- positive control: scscf authenticates and registers alice ----
out=$(cx scscf mar --impi "alice@$DOMAIN" --impu "sip:alice@$DOMAIN" \
	--server-name "$N1")
check "scscf's MAR for alice: 2001 with a vector" \
	[ "$(echo "$out" | kv result)" = 2001 -a "$(echo "$out" | kv items)" = 1 ]
out=$(cx scscf sar --impi "alice@$DOMAIN" --impu "sip:alice@$DOMAIN" \
	--type 1 --server-name "$N1")
check "scscf's SAR REGISTRATION for alice: 2001 + User-Data" \
	[ "$(echo "$out" | kv result)" = 2001 -a -n "$(echo "$out" | kv user_data)" ]
check "alice is registered at scscf, by its identity ($(assigned alice))" \
	[ "$(assigned alice)" = "$ALICE" ]

# ---- SAR from the I-CSCF's identity ----
out=$(cx icscf sar --impi "alice@$DOMAIN" --impu "sip:alice@$DOMAIN" \
	--type 1 --server-name "$EVIL")
check "icscf: SAR REGISTRATION for alice to sip:evil: 5012 unknown Server-Name" \
	refused "$out" "unknown Server-Name"
check "...no User-Data" [ -z "$(echo "$out" | kv user_data)" ]
check "...alice still at scscf ($(assigned alice))" [ "$(assigned alice)" = "$ALICE" ]
out=$(cx icscf sar --impi "alice@$DOMAIN" --impu "sip:alice@$DOMAIN" \
	--type 1 --server-name "$N1")
check "icscf: SAR REGISTRATION under scscf's own name: 5012" \
	refused "$out" "Server-Name of another Diameter peer"
check "...alice still at scscf" [ "$(assigned alice)" = "$ALICE" ]
check "the hss logged the refusals" \
	grep -q "SA3 user=- peer=icscf.$DOMAIN: hss: SAR with Server-Name $EVIL refused: unknown Server-Name" hss.log

# ---- a second, configured S-CSCF against the first one's user ----
out=$(cx scscf2 sar --impi "alice@$DOMAIN" --impu "sip:alice@$DOMAIN" \
	--type 1 --server-name "$N1")
check "scscf2: SAR REGISTRATION under scscf's name: 5012" \
	refused "$out" "Server-Name of another Diameter peer"
for t in 5 4 9; do
	out=$(cx scscf2 sar --impi "alice@$DOMAIN" --impu "sip:alice@$DOMAIN" \
		--type $t --udaa 1 --server-name "$N2")
	check "scscf2: SAR type $t for alice whom scscf holds: 5012" \
		refused "$out" "not the assigned S-CSCF"
	check "...alice still at scscf" [ "$(assigned alice)" = "$ALICE" ]
done

# ---- MAR from the I-CSCF's identity: no vector, no SQN, no name ----
sqn=$(ctl show --impi "bob@$DOMAIN" | kv sqn)
for n in "$EVIL" "$N1"; do
	out=$(cx icscf mar --impi "bob@$DOMAIN" --impu "sip:bob@$DOMAIN" \
		--server-name "$n")
	check "icscf: MAR for bob with Server-Name $n: 5012, no vector" \
		[ "$(echo "$out" | kv result)" = 5012 -a "$(echo "$out" | kv items)" = 0 ]
done
check "bob's SQN unchanged ($sqn)" [ "$(ctl show --impi "bob@$DOMAIN" | kv sqn)" = "$sqn" ]
check "no name stored for bob ($(assigned bob))" \
	[ "$(assigned bob)" = "not-registered  " ]

# ---- a forged Origin-Host: the I-CSCF's connection, scscf's name ----
out=$(in_ns icscf "${RAW[@]}" send "$HS" 3868 "icscf.$DOMAIN" "$DOMAIN" "$IC" sar \
	origin-host="scscf.$DOMAIN" user-name="bob@$DOMAIN" \
	impu="sip:bob@$DOMAIN" server-name="$N1" type=1)
check "icscf with Origin-Host scscf: SAR refused (5012, one result)" \
	eval "echo \"\$out\" | grep -qx result=5012 && echo \"\$out\" | grep -qx results=1"
check "...as not from this peer" \
	eval "echo \"\$out\" | grep -qx 'error_message=request not accepted from this peer'"
check "...bob not registered ($(assigned bob))" \
	[ "$(assigned bob)" = "not-registered  " ]
check "the hss logged why" \
	grep -q "refused command 301: Origin-Host is not the sending peer icscf.$DOMAIN" hss.log

# ---- a SAR whose answer cannot be built stores nothing ----
out=$(in_ns scscf "${RAW[@]}" send "$HS" 3868 "scscf.$DOMAIN" "$DOMAIN" "$SC" sar \
	user-name="big@$DOMAIN" impu="sip:big0@$DOMAIN" server-name="$N1" type=1)
check "SAR REGISTRATION for a 33-identity set: 5012 (${out//$'\n'/ })" \
	eval "echo \"\$out\" | grep -qx result=5012"
check "...exactly one result, no User-Data" \
	eval "echo \"\$out\" | grep -qx results=1 && ! echo \"\$out\" | grep -q ^user_data="
check "...and no assignment stored ($(assigned big))" \
	[ "$(assigned big)" = "not-registered  " ]

# ---- the legitimate peers still work ----
out=$(cx scscf sar --impi "alice@$DOMAIN" --impu "sip:alice@$DOMAIN" \
	--type 2 --udaa 1 --server-name "$N1")
check "scscf's RE_REGISTRATION for alice: 2001" [ "$(echo "$out" | kv result)" = 2001 ]
out=$(cx scscf2 mar --impi "bob@$DOMAIN" --impu "sip:bob@$DOMAIN" \
	--server-name "$N2")
check "scscf2's MAR for bob: 2001" [ "$(echo "$out" | kv result)" = 2001 ]
out=$(cx scscf2 sar --impi "bob@$DOMAIN" --impu "sip:bob@$DOMAIN" \
	--type 1 --server-name "$N2")
check "scscf2's SAR REGISTRATION for bob: 2001" [ "$(echo "$out" | kv result)" = 2001 ]
check "bob is registered at scscf2 ($(assigned bob))" \
	[ "$(assigned bob)" = "registered $N2 scscf2.$DOMAIN" ]
out=$(cx scscf sar --impi "alice@$DOMAIN" --impu "sip:alice@$DOMAIN" \
	--type 5 --udaa 1 --server-name "$N1")
check "scscf de-registers alice: 2001" [ "$(echo "$out" | kv result)" = 2001 ]
check "alice not registered ($(assigned alice))" \
	[ "$(assigned alice)" = "not-registered  " ]

# ---- an RTR/PPR for an S-CSCF that is not connected goes nowhere else ----
# bob is registered at scscf2, which is not connected; scscf listens.
in_ns scscf "$CXCLIENT" -c scscf.cli -o diameter.timeout=4000 listen \
	--count 2 >listen.out 2>>cxclient.err &
LISTEN_PID=$!
PIDS+=("$LISTEN_PID")
wait_log listen.out '^status=ready' 100 || fail "the scscf listener is not ready"
ifc='<InitialFilterCriteria><Priority>0</Priority></InitialFilterCriteria>'
echo "$ifc" >ifc.xml
out=$(ctl set-ifc --impi "bob@$DOMAIN" --ifc ifc.xml)
check "hss-ctl set-ifc for bob queues a PPR (for scscf2)" \
	eval "echo \"\$out\" | grep -qx ppr=queued"
out=$(ctl deregister --impu "sip:bob@$DOMAIN")
check "hss-ctl deregister bob queues an RTR (for scscf2)" \
	eval "echo \"\$out\" | grep -qx rtr=queued"
check "the hss sent neither: the RTR dropped after push-expiry" \
	wait_log hss.log "RTR for bob@$DOMAIN dropped: no hss had a Cx connection to scscf2.$DOMAIN" 60
check "...the PPR too" \
	grep -q "PPR for bob@$DOMAIN dropped: no hss had a Cx connection to scscf2.$DOMAIN" hss.log
wait "$LISTEN_PID"
check "scscf, also a Cx peer of the realm, got neither (listener timed out)" \
	[ $? -ne 0 ]
check "...no RTR or PPR printed" eval "! grep -q -e ^rtr_ -e ^ppr_ listen.out"

# ---- the wire: one result in every Cx answer ----
sleep 1
kill -INT "$BR_PID" 2>/dev/null
wait "$BR_PID" 2>/dev/null
tshark -r cx.pcapng -Y 'diameter.flags.request == 0 && diameter.cmd.code >= 300 && diameter.cmd.code <= 305' \
	-T fields -E occurrence=a -E 'separator=;' -e diameter.cmd.code \
	-e diameter.Result-Code -e diameter.Experimental-Result-Code \
	2>/dev/null >answers.txt
n=$(wc -l <answers.txt)
bad=$(awk -F';' '{ r = 0; for (i = 2; i <= NF; i++) if ($i != "")
	r += split($i, v, ","); if (r != 1) print }' answers.txt | wc -l)
check "Cx answers on the wire ($n) each carry exactly one result ($bad not)" \
	[ "$n" -ge 15 -a "$bad" -eq 0 ]
n=$(grep -c '^301;5012;$' answers.txt)
check "SAAs with 5012 on the wire ($n)" [ "$n" -ge 7 ]
check "hss alive" kill -0 "$HSS_PID"
summary
