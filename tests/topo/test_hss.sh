#!/bin/bash
# test_hss.sh - the HSS over Cx in two network namespaces.
#
# Namespace A runs hss, namespace B the cxclient test peer; Diameter over
# TCP on a veth pair, captured with tshark.  Env: HSS, HSS_CTL, CXCLIENT,
# IMSAUTH (binaries); HSS_BACKEND=pg runs it over a private PostgreSQL
# store (topo_lib.sh hss_store), else SQLite.  Fails loudly when anything
# is missing.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/topo_lib.sh"

: "${HSS:?HSS not set}" "${HSS_CTL:?HSS_CTL not set}"
: "${CXCLIENT:?CXCLIENT not set}" "${IMSAUTH:?IMSAUTH not set}"
for b in "$HSS" "$HSS_CTL" "$CXCLIENT" "$IMSAUTH"; do
	[ -x "$b" ] || die "not executable: $b"
done
for e in dict_nasreq dict_dcca dict_dcca_3gpp; do
	[ -f "$FD_EXT/$e.fdx" ] || die "missing freeDiameter extension $e"
done
need tshark ss python3

WORK=$PWD/run		# kept after the run for inspection
work_dir "$WORK"
T0=$(date +%s)

# TS 35.208 test set 1 keys (SIPp is not used here).
K=465b5ce8b199b49faa5f0a2ee238a6bc
OP=cdc202d5123e20f62b6d676ac72cb318
SCSCF=sip:scscf.$REALM

topo_up
hss_store "$WORK"

# The hss accepts the test's Cx peers, all from namespace B, each of
# them allowed to act as the S-CSCF $SCSCF (the scscf key).
peers=()
for p in cscf cscf1 cscf2 cscf3 raw raw2 load1 load2; do
	peers+=(-o "diameter.accept=$p.$REALM@$IP_B" -o "scscf=$SCSCF@$p.$REALM")
done
lab_conf "$HSS" hss hss.conf -o diameter.identity="hss.$REALM" \
	-o diameter.tc-timer=2 -o diameter.extensions-dir="$FD_EXT" \
	-o db="$DB" -o capability=1 -o optional-capability=2 "${peers[@]}"
cli_conf cli.conf "cscf.$REALM" diameter.timeout=3000

cx() {
	ip netns exec "$NS_B" "$CXCLIENT" -c cli.conf "$@" 2>>cxclient.err
}

ctl() {
	"$HSS_CTL" --db "$DB" "$@"
}

# ---- usage errors ----
"$HSS" --no-such-option >/dev/null 2>&1
check "hss with an unknown option: exit 2" [ $? -eq 2 ]
"$CXCLIENT" -c cli.conf frob >/dev/null 2>&1
check "cxclient unknown command: exit 2" [ $? -eq 2 ]
"$CXCLIENT" -c cli.conf mar --impi a --impu sip:a@b \
	--auts 00 --auts-rand 00 >/dev/null 2>&1
check "cxclient bad AUTS: exit 2" [ $? -eq 2 ]
"$CXCLIENT" -c cli.conf -o diameter.port=0 lir --impu sip:a@b \
	>/dev/null 2>cli-bad.err
rc=$?
check "cxclient bad setting: exit 2, one line" \
	[ $rc -eq 2 -a "$(wc -l <cli-bad.err)" -eq 1 ]
ip netns exec "$NS_A" "$HSS" -c /nonexistent.conf >/dev/null 2>&1
check "hss with a missing config: exit 1" [ $? -eq 1 ]

# ---- hss-ctl ----
add_user() {
	ctl add --impi "$1@$REALM" --impu "sip:$1@$REALM" --k "$K" --op "$OP" \
		"${@:2}" >/dev/null
}
check "ctl add alice" add_user alice --impu "tel:+15550001"
check "ctl add bob" add_user bob
check "ctl add carol (roaming restricted)" add_user carol --visited home.net
cat >ifc.xml <<'IFC'
<InitialFilterCriteria><Priority>0</Priority><TriggerPoint><ConditionTypeCNF>0</ConditionTypeCNF><SPT><ConditionNegated>0</ConditionNegated><Group>0</Group><Method>INVITE</Method></SPT></TriggerPoint><ApplicationServer><ServerName>sip:as.imst.test</ServerName><DefaultHandling>0</DefaultHandling></ApplicationServer></InitialFilterCriteria>
IFC
check "ctl add dave with an iFC profile" add_user dave --ifc ifc.xml --amf 8000
ctl add --impi "dup@$REALM" --impu "sip:alice@$REALM" --k "$K" --op "$OP" \
	>/dev/null 2>ctl.err
check "ctl add duplicate IMPU refused (exit 1)" [ $? -eq 1 ]
check "ctl duplicate add left nothing" \
	[ "$(ctl show --impi "dup@$REALM" 2>/dev/null | kv impi)" = "" ]
ctl add --impi "bad@$REALM" --impu "sip:bad@$REALM" --k 00 --op "$OP" \
	>/dev/null 2>ctl.err
check "ctl add with a short K is bad input (exit 2)" [ $? -eq 2 ]
ctl add --impi "bad@$REALM" --impu "sip:bad@$REALM" --k "$K" --op "$OP" \
	--opc "$OP" >/dev/null 2>ctl.err
check "ctl add with --op and --opc is bad input (exit 2)" [ $? -eq 2 ]
ctl add --impi "bad@$REALM" --impu "not a uri" --k "$K" --op "$OP" \
	>/dev/null 2>ctl.err
check "ctl add with a bad IMPU is bad input (exit 2)" [ $? -eq 2 ]
check "ctl error is one line" [ "$(wc -l <ctl.err)" -eq 1 ]
out=$(ctl show --impi "alice@$REALM")
check "ctl show impi" [ "$(echo "$out" | kv impi)" = "alice@$REALM" ]
check "ctl show 2 IMPUs" [ "$(echo "$out" | grep -c '^impu=')" -eq 2 ]
check "ctl show never prints K" eval "! echo \"\$out\" | grep -qi $K"
check "ctl list" [ "$(ctl list | grep -c '^impi=')" -eq 4 ]
ctl add --impi "tmp@$REALM" --impu "sip:tmp@$REALM" --k "$K" --opc "$OP" >/dev/null
check "ctl del" eval "ctl del --impi tmp@$REALM >/dev/null"
ctl del --impi "tmp@$REALM" >/dev/null 2>&1
check "ctl del of a missing IMPI (exit 1)" [ $? -eq 1 ]
ctl show --impi nobody >/dev/null 2>&1
check "ctl show of a missing IMPI (exit 1)" [ $? -eq 1 ]
ctl frobnicate >/dev/null 2>&1
check "ctl unknown command (exit 2)" [ $? -eq 2 ]
check "ctl without --db uses HSS_DB" \
	[ "$(HSS_DB=$DB "$HSS_CTL" list | grep -c '^impi=')" -eq 4 ]
env -u HSS_DB "$HSS_CTL" list >/dev/null 2>&1
check "ctl without --db nor HSS_DB: usage (exit 2)" [ $? -eq 2 ]
ctl set-sqn --impi "bob@$REALM" --sqn 000000000040 >/dev/null
check "ctl set-sqn" [ "$(ctl show --impi "bob@$REALM" | kv sqn)" = 000000000040 ]
out=$(ctl add-range --prefix rng --first 7 --count 3 --domain "$REALM" \
	--k "$K" --op "$OP" --amf 8001)
check "ctl add-range: added=3" [ "$out" = added=3 ]
check "ctl add-range: rng7..rng9, each with its IMPU" \
	eval "ctl show --impi rng9@$REALM | grep -qx 'impu=sip:rng9@$REALM' &&
	ctl show --impi rng7@$REALM >/dev/null &&
	! ctl show --impi rng10@$REALM >/dev/null 2>&1"
ctl add-range --prefix rng --first 9 --count 2 --domain "$REALM" \
	--k "$K" --op "$OP" >/dev/null 2>&1
check "ctl add-range over an existing IMPI: exit 1" [ $? -eq 1 ]
for i in 7 8 9 10; do ctl del --impi "rng$i@$REALM" >/dev/null 2>&1; done

# ---- Diameter, under capture ----
ip netns exec "$NS_B" tshark -i "$IF_B" -w "$WORK/cx.pcapng" -q \
	>tshark.log 2>&1 &
TSHARK_PID=$!
PIDS="$PIDS $TSHARK_PID"
sleep 3
hss_start

# MAR: a vector the UE accepts, RES = XRES (TS 33.102 6.3.3).
out=$(cx mar --impi "alice@$REALM" --impu "sip:alice@$REALM")
check "MAR result 2001" [ "$(echo "$out" | kv result)" = 2001 ]
check "MAA carries User-Name" [ "$(echo "$out" | kv user_name)" = "alice@$REALM" ]
rand=$(echo "$out" | kv rand)
autn=$(echo "$out" | kv autn)
ue=$("$IMSAUTH" ue-check --k "$K" --op "$OP" --rand "$rand" --autn "$autn")
check "UE accepts the vector" [ "$(echo "$ue" | kv result)" = ok ]
check "RES equals XRES" [ -n "$rand" -a \
	"$(echo "$ue" | kv res)" = "$(echo "$out" | kv xres)" ]
check "CK matches" [ "$(echo "$ue" | kv ck)" = "$(echo "$out" | kv ck)" ]
check "IK matches" [ "$(echo "$ue" | kv ik)" = "$(echo "$out" | kv ik)" ]
sqn1=$(echo "$ue" | kv sqn)

# Consecutive MARs use increasing SQNs; several items in one MAR too.
prev=$((16#${sqn1:-0}))
ok=1
for _ in 1 2 3; do
	out=$(cx mar --impi "alice@$REALM" --impu "sip:alice@$REALM" --items 2)
	[ "$(echo "$out" | kv items)" = 2 ] || ok=0
	for j in 1 2; do
		s=$(ue_sqn "$(echo "$out" | kv rand $j)" \
			"$(echo "$out" | kv autn $j)")
		[ -n "$s" ] && [ $((16#$s)) -gt $prev ] || ok=0
		prev=$((16#${s:-0}))
	done
done
check "consecutive MARs use increasing SQNs" [ $ok -eq 1 ]
check "SQN_HE in the store matches the last vector" \
	[ $((16#$(ctl show --impi "alice@$REALM" | kv sqn))) -eq $prev ]

# Resynchronisation (TS 33.102 6.3.5): the UE is far ahead at X.
X=000001000000
auts=$("$IMSAUTH" auts-make --k "$K" --op "$OP" --rand "$rand" \
	--sqn-ms $X | kv auts)
out=$(cx mar --impi "alice@$REALM" --impu "sip:alice@$REALM" \
	--auts-rand "$rand" --auts "$auts")
check "MAR with AUTS: 2001" [ "$(echo "$out" | kv result)" = 2001 ]
s=$(ue_sqn "$(echo "$out" | kv rand)" "$(echo "$out" | kv autn)" $X)
check "after resync the UE at SQN_MS accepts the vector" [ -n "$s" ]
check "after resync SQN > SQN_MS" [ $((16#${s:-0})) -gt $((16#$X)) ]
bad=${auts:0:26}$(printf '%02x' $(( (16#${auts:26:2}) ^ 1 )))
out=$(cx mar --impi "alice@$REALM" --impu "sip:alice@$REALM" \
	--auts-rand "$rand" --auts "$bad")
check "MAR with a forged AUTS is refused (5012)" \
	[ "$(echo "$out" | kv result)" = 5012 ]
check "refused resync has no vector" [ "$(echo "$out" | kv items)" = 0 ]

# Errors (TS 29.229 6.2).
out=$(cx mar --impi "nobody@$REALM" --impu "sip:nobody@$REALM")
check "MAR unknown user: 5001" [ "$(echo "$out" | kv exp_result_code)" = 5001 ]
out=$(cx mar --impi "bob@$REALM" --impu "sip:alice@$REALM")
check "MAR IMPI/IMPU mismatch: 5002" \
	[ "$(echo "$out" | kv exp_result_code)" = 5002 ]
out=$(cx mar --impi "alice@$REALM" --impu "sip:alice@$REALM" --scheme "SIP Digest")
check "MAR unsupported scheme: 5006" \
	[ "$(echo "$out" | kv exp_result_code)" = 5006 ]
out=$(cx mar --impi "alice@$REALM" --impu "sip:alice@$REALM" --scheme Digest-AKAv2-MD5)
check "MAR Digest-AKAv2-MD5: 2001" [ "$(echo "$out" | kv result)" = 2001 ]

# SQN exhausted (TS 33.102 C.1.1.2): refused, nothing handed out.
add_user eve --sqn ffffffffffe0
out=$(cx mar --impi "eve@$REALM" --impu "sip:eve@$REALM")
check "MAR with SEQ exhausted: 5012, no vector" \
	[ "$(echo "$out" | kv result_code)" = 5012 -a \
	"$(echo "$out" | kv items)" = 0 ]
check "SQN_HE unchanged after the refusal" \
	[ "$(ctl show --impi "eve@$REALM" | kv sqn)" = ffffffffffe0 ]

# UAR / SAR / LIR (TS 29.228 6.1).
out=$(cx uar --impi "bob@$REALM" --impu "sip:bob@$REALM")
check "UAR first registration: 2001" \
	[ "$(echo "$out" | kv exp_result_code)" = 2001 ]
check "UAR first registration: Server-Capabilities (1 mandatory, 1 optional)" \
	[ "$(echo "$out" | kv server_capabilities)" = 1,1 ]
out=$(cx lir --impu "sip:bob@$REALM")
check "LIR not registered: 5003" [ "$(echo "$out" | kv exp_result_code)" = 5003 ]
out=$(cx sar --impi "bob@$REALM" --impu "sip:bob@$REALM" --type 1 \
	--server-name "$SCSCF")
check "SAR REGISTRATION: 2001" [ "$(echo "$out" | kv result_code)" = 2001 ]
check "SAA User-Name" [ "$(echo "$out" | kv user_name)" = "bob@$REALM" ]
check "SAA User-Data has the IMPU" \
	eval "echo \"\$out\" | kv user_data | grep -q '<Identity>sip:bob@$REALM</Identity>'"
check "SAA User-Data has the PrivateID" \
	eval "echo \"\$out\" | kv user_data | grep -q '<PrivateID>bob@$REALM</PrivateID>'"
out=$(cx uar --impi "bob@$REALM" --impu "sip:bob@$REALM")
check "UAR subsequent registration: 2002" \
	[ "$(echo "$out" | kv exp_result_code)" = 2002 ]
check "UAR subsequent: Server-Name" [ "$(echo "$out" | kv server_name)" = "$SCSCF" ]
out=$(cx lir --impu "sip:bob@$REALM")
check "LIR registered: 2001 + Server-Name" \
	[ "$(echo "$out" | kv result_code)" = 2001 -a \
	"$(echo "$out" | kv server_name)" = "$SCSCF" ]
check "store shows bob registered" \
	[ "$(ctl show --impi "bob@$REALM" | kv state)" = registered ]
out=$(cx sar --impi "bob@$REALM" --impu "sip:bob@$REALM" --type 9 --udaa 1 \
	--server-name "$SCSCF")
check "SAR AUTHENTICATION_FAILURE keeps a registration" \
	[ "$(ctl show --impi "bob@$REALM" | kv state)" = registered ]
out=$(cx uar --impi "bob@$REALM" --impu "sip:bob@$REALM" --type 1)
check "UAR de-registration: 2001 + Server-Name" \
	[ "$(echo "$out" | kv result_code)" = 2001 -a \
	"$(echo "$out" | kv server_name)" = "$SCSCF" ]
out=$(cx sar --impi "bob@$REALM" --impu "sip:bob@$REALM" --type 5 --udaa 1 \
	--server-name "$SCSCF")
check "SAR USER_DEREGISTRATION: 2001" [ "$(echo "$out" | kv result_code)" = 2001 ]
check "SAR USER_DEREGISTRATION: no User-Data" \
	[ -z "$(echo "$out" | kv user_data)" ]
out=$(cx lir --impu "sip:bob@$REALM")
check "LIR after de-registration: 5003" \
	[ "$(echo "$out" | kv exp_result_code)" = 5003 ]
out=$(cx uar --impi "bob@$REALM" --impu "sip:bob@$REALM" --type 1)
check "UAR de-registration of a not registered user: 5003" \
	[ "$(echo "$out" | kv exp_result_code)" = 5003 ]
out=$(cx sar --impi "bob@$REALM" --impu "sip:bob@$REALM" --type 3 \
	--server-name "$SCSCF")
check "SAR UNREGISTERED_USER: 2001 + User-Data" \
	[ "$(echo "$out" | kv result_code)" = 2001 -a \
	-n "$(echo "$out" | kv user_data)" ]
check "store shows bob unregistered" \
	[ "$(ctl show --impi "bob@$REALM" | kv state)" = unregistered ]
out=$(cx sar --impi "bob@$REALM" --impu "sip:bob@$REALM" --type 0 \
	--server-name "sip:other.$REALM")
check "SAR NO_ASSIGNMENT with an unknown Server-Name: 5012" \
	[ "$(echo "$out" | kv result_code)" = 5012 ]
out=$(cx sar --impi "bob@$REALM" --impu "sip:bob@$REALM" --type 99 \
	--server-name "$SCSCF")
check "SAR unknown type: 5007" [ "$(echo "$out" | kv exp_result_code)" = 5007 ]
out=$(cx sar --impi "bob@$REALM" --impu "sip:bob@$REALM" --type 8 --udaa 1 \
	--server-name "$SCSCF")
check "SAR ADMINISTRATIVE_DEREGISTRATION: 2001" \
	[ "$(echo "$out" | kv result_code)" = 2001 ]
out=$(cx sar --impi "carol@$REALM" --type 3 --server-name "$SCSCF")
check "SAR with User-Name only: 2001 + User-Data of its IMPU" \
	[ "$(echo "$out" | kv result_code)" = 2001 -a \
	-n "$(echo "$out" | kv user_data | grep "sip:carol@$REALM")" ]
out=$(cx sar --impi "carol@$REALM" --type 5 --udaa 1 --server-name "$SCSCF")
out=$(cx uar --impi "carol@$REALM" --impu "sip:carol@$REALM" --visited other.net)
check "UAR roaming not allowed: 5004" \
	[ "$(echo "$out" | kv exp_result_code)" = 5004 ]
out=$(cx uar --impi "carol@$REALM" --impu "sip:carol@$REALM" --visited home.net)
check "UAR allowed visited network: 2001" \
	[ "$(echo "$out" | kv exp_result_code)" = 2001 ]
out=$(cx uar --impi "carol@$REALM" --impu "sip:carol@$REALM" --type 2 \
	--visited home.net)
check "UAR REGISTRATION_AND_CAPABILITIES: 2001 + capabilities" \
	[ "$(echo "$out" | kv result_code)" = 2001 -a \
	-n "$(echo "$out" | kv server_capabilities)" ]

# Implicit registration set: alice's sip: and tel: IMPUs move together.
out=$(cx sar --impi "alice@$REALM" --impu "sip:alice@$REALM" --type 1 \
	--server-name "$SCSCF")
check "SAR User-Data lists the whole implicit registration set" \
	eval "echo \"\$out\" | kv user_data | grep -q '<Identity>tel:+15550001</Identity>'"
out=$(cx lir --impu tel:+15550001)
check "LIR for the tel: IMPU of the registered set: Server-Name" \
	[ "$(echo "$out" | kv server_name)" = "$SCSCF" ]
# A service profile: unregistered services and iFC in User-Data.
out=$(cx lir --impu "sip:dave@$REALM")
check "LIR not registered with services: 2003 + capabilities" \
	[ "$(echo "$out" | kv exp_result_code)" = 2003 -a \
	-n "$(echo "$out" | kv server_capabilities)" ]
out=$(cx sar --impi "dave@$REALM" --impu "sip:dave@$REALM" --type 3 \
	--server-name "$SCSCF")
check "SAR UNREGISTERED_USER: User-Data carries the iFC" \
	eval "echo \"\$out\" | kv user_data | grep -q '<ServerName>sip:as.imst.test</ServerName>'"
out=$(cx mar --impi "dave@$REALM" --impu "sip:dave@$REALM")
check "MAR with AMF 8000: the AUTN carries it" \
	[ "$(echo "$out" | kv autn | cut -c13-16)" = 8000 ]
check "MAR with AMF 8000: UE accepts" \
	[ -n "$(ue_sqn "$(echo "$out" | kv rand)" "$(echo "$out" | kv autn)")" ]

# RTR (TS 29.228 6.1.3): hss-ctl deregister -> RTR to the S-CSCF.
out=$(cx sar --impi "bob@$REALM" --impu "sip:bob@$REALM" --type 1 --udaa 1 \
	--server-name "$SCSCF")
check "SAR REGISTRATION before RTR" [ "$(echo "$out" | kv result_code)" = 2001 ]
ip netns exec "$NS_B" "$CXCLIENT" -c cli.conf -o diameter.timeout=8000 \
	listen >rtr.out 2>>cxclient.err &
RTR_PID=$!
PIDS="$PIDS $RTR_PID"
for _ in $(seq 100); do
	grep -q '^status=ready' rtr.out && break
	sleep 0.1
done
out=$(ctl deregister --impu "sip:bob@$REALM")
check "ctl deregister queues an RTR" [ "$(echo "$out" | kv rtr)" = queued ]
check "ctl deregister names the S-CSCF" \
	[ "$(echo "$out" | kv previous_scscf)" = "$SCSCF" ]
wait "$RTR_PID"
check "the S-CSCF peer received the RTR" [ $? -eq 0 ]
check "RTR User-Name" [ "$(kv rtr_user_name <rtr.out)" = "bob@$REALM" ]
check "RTR Public-Identity" [ "$(kv rtr_impu <rtr.out)" = "sip:bob@$REALM" ]
check "RTR Reason-Code PERMANENT_TERMINATION" [ "$(kv rtr_reason <rtr.out)" = 0 ]
check "store shows bob not registered after RTR" \
	[ "$(ctl show --impi "bob@$REALM" | kv state)" = not-registered ]
for _ in $(seq 30); do
	grep -q "RTA for bob@$REALM: result 2001" hss.log && break
	sleep 0.1
done
check "hss got the RTA (2001)" grep -q "RTA for bob@$REALM: result 2001" hss.log
out=$(ctl deregister --impu "sip:bob@$REALM")
check "ctl deregister when not registered: no RTR" [ "$(echo "$out" | kv rtr)" = none ]
ctl deregister --impu "sip:nobody@$REALM" >/dev/null 2>&1
check "ctl deregister of an unknown IMPU (exit 1)" [ $? -eq 1 ]

# PPR (TS 29.228 6.2.1): hss-ctl set-ifc -> PPR with the new User-Data.
sed 's/sip:as.imst.test/sip:as2.imst.test/' ifc.xml >ifc2.xml
ip netns exec "$NS_B" "$CXCLIENT" -c cli.conf -o diameter.timeout=8000 \
	listen >ppr.out 2>>cxclient.err &
PPR_PID=$!
PIDS="$PIDS $PPR_PID"
for _ in $(seq 100); do
	grep -q '^status=ready' ppr.out && break
	sleep 0.1
done
out=$(ctl set-ifc --impi "dave@$REALM" --ifc ifc2.xml)
check "ctl set-ifc queues a PPR" [ "$(echo "$out" | kv ppr)" = queued ]
wait "$PPR_PID"
check "the S-CSCF peer received the PPR" [ $? -eq 0 ]
check "PPR User-Name" [ "$(kv ppr_user_name <ppr.out)" = "dave@$REALM" ]
check "PPR User-Data carries the new iFC" \
	eval "kv ppr_user_data <ppr.out | grep -q 'sip:as2.imst.test'"
for _ in $(seq 30); do
	grep -q "PPA for dave@$REALM: result 2001" hss.log && break
	sleep 0.1
done
check "hss got the PPA (2001)" grep -q "PPA for dave@$REALM: result 2001" hss.log
out=$(ctl set-ifc --impi "carol@$REALM" --ifc ifc2.xml)
check "ctl set-ifc for a user with no S-CSCF: no PPR" \
	[ "$(echo "$out" | kv ppr)" = none ]
ctl set-ifc --impi "nobody@$REALM" --ifc ifc2.xml >/dev/null 2>&1
check "ctl set-ifc of an unknown IMPI (exit 1)" [ $? -eq 1 ]

# ---- the capture: Diameter seen, nothing malformed ----
sleep 1
kill -INT "$TSHARK_PID" 2>/dev/null
wait "$TSHARK_PID" 2>/dev/null
n=$(tshark -r cx.pcapng -Y diameter 2>/dev/null | wc -l)
check "capture holds Diameter ($n packets)" [ "$n" -gt 0 ]
mal=$(tshark -r cx.pcapng -Y _ws.malformed 2>/dev/null)
check "no malformed Diameter in the capture" [ -z "$mal" ]
[ -z "$mal" ] || echo "$mal" | head -5
n=$(tshark -r cx.pcapng -Y 'diameter.cmd.code == 303 && diameter.flags.request == 0 && diameter.Vendor-Specific-Application-Id' 2>/dev/null | wc -l)
check "MAAs carry Vendor-Specific-Application-Id ($n)" [ "$n" -gt 0 ]
n=$(tshark -r cx.pcapng -Y 'diameter.cmd.code == 257 && diameter.flags.request == 0 && diameter.Auth-Application-Id == 16777216 && diameter.Vendor-Id == 10415' 2>/dev/null | wc -l)
check "CEA advertises Cx 16777216 / vendor 10415" [ "$n" -gt 0 ]
n=$(tshark -r cx.pcapng -Y 'diameter.cmd.code == 304 && diameter.flags.request == 0 && diameter.Result-Code == 2001' 2>/dev/null | wc -l)
check "RTA 2001 on the wire" [ "$n" -gt 0 ]
n=$(tshark -r cx.pcapng -Y 'diameter.cmd.code == 305 && diameter.flags.request == 0 && diameter.Result-Code == 2001' 2>/dev/null | wc -l)
check "PPA 2001 on the wire" [ "$n" -gt 0 ]

# ---- bad requests, byte by byte (after the capture: one is malformed) ----
ip netns exec "$NS_B" python3 "$here/cx_raw.py" "$IP_A" 3868 "raw.$REALM" \
	"$REALM" "$IP_B" >raw.out 2>&1
check "cx_raw.py completed" [ $? -eq 0 ]
cat raw.out
PASSED=$((PASSED + $(grep -c '^PASS:' raw.out)))
FAILED=$((FAILED + $(grep -c '^FAIL:' raw.out)))
grep -q '^PASS:' raw.out || fail "cx_raw.py ran no check"
check "hss alive after the bad requests" kill -0 "$HSS_PID"

# ---- concurrency: three S-CSCF peers MAR the same IMPI at once ----
: >par.txt
par_client() {
	cli_conf "cli$1.conf" "cscf$1.$REALM" diameter.port=$((3870 + $1))
	for _ in 1 2 3 4; do
		o=$(ip netns exec "$NS_B" "$CXCLIENT" -c "cli$1.conf" \
			mar --impi "alice@$REALM" \
			--impu "sip:alice@$REALM" --items 2 2>>cxclient.err)
		for j in 1 2; do
			ue_sqn "$(echo "$o" | kv rand "$j")" \
				"$(echo "$o" | kv autn "$j")"
		done
	done >"par$1.txt"
}
par_client 1 &
p1=$!
par_client 2 &
p2=$!
par_client 3 &
p3=$!
wait $p1 $p2 $p3
cat par1.txt par2.txt par3.txt | grep . >par.txt
check "concurrent MARs: 24 vectors ($(grep -c . par.txt))" \
	[ "$(grep -c . par.txt)" -eq 24 ]
check "concurrent MARs: no SQN twice" [ "$(sort par.txt | uniq -d | wc -l)" -eq 0 ]

# ---- crash safety: kill -9 the hss while MARs run; no SQN twice ----
: >lost.txt
# Three S-CSCF peers (cli1..3.conf from the concurrency case) keep the hss
# busy so that some kills land while a MAR is being handled.
mar_loop() {
	while :; do
		o=$(ip netns exec "$NS_B" "$CXCLIENT" -c "cli$1.conf" \
			-o diameter.timeout=3000 mar \
			--impi "alice@$REALM" --impu "sip:alice@$REALM" --items 8 \
			2>>cxclient.err)
		n=$(echo "$o" | kv items)
		[ "$(echo "$o" | kv result)" = 2001 ] || echo x >>lost.txt
		for j in $(seq "${n:-0}"); do
			echo "$(echo "$o" | kv rand "$j") $(echo "$o" | kv autn "$j")"
		done >>"vec$1.txt"
	done
}
# Two more peers (own connections) run cxclient mar-load over 30 other
# subscribers, 16 MARs outstanding each, while the kills happen: the
# reservations of different subscribers share transactions (group
# commit), and a kill lands while a group is being committed.  Each vector
# is checked as the USIM would (mar-load --k): "sqn IMPI SQN".
for i in $(seq 30); do
	add_user "g$i" >/dev/null || fail "ctl add g$i"
done
load_loop() {
	cli_conf "load$1.conf" "load$1.$REALM" diameter.port=$((3880 + $1))
	local cp=
	trap '[ -n "$cp" ] && kill "$cp" 2>/dev/null; exit 0' TERM
	: >"gload$1.txt"
	while :; do
		ip netns exec "$NS_B" "$CXCLIENT" -c "load$1.conf" \
			-o diameter.timeout=3000 mar-load --prefix g --users 30 \
			--count 300 --window 16 --items 2 --k "$K" --op "$OP" \
			>>"gload$1.txt" 2>>cxclient.err &
		cp=$!
		wait "$cp"
	done
}
LOOP_PIDS=()
for c in 1 2 3; do
	: >"vec$c.txt"
	mar_loop $c &
	LOOP_PIDS+=("$!")
done
for c in 1 2; do
	load_loop $c &
	LOOP_PIDS+=("$!")
done
PIDS="$PIDS ${LOOP_PIDS[*]}"
for _ in 1 2 3 4 5 6; do
	sleep "1.$((RANDOM % 9 + 1))"
	kill -9 "$HSS_PID"
	wait "$HSS_PID" 2>/dev/null
	hss_start
done
sleep 2
kill "${LOOP_PIDS[@]}" 2>/dev/null
wait "${LOOP_PIDS[@]}" 2>/dev/null
# SQNs per peer, in the order that peer received them.
for c in 1 2 3; do
	while read -r r a; do
		[ -n "$r" ] && ue_sqn "$r" "$a"
	done <"vec$c.txt" >"sqn$c.txt"
done
cat sqn1.txt sqn2.txt sqn3.txt | grep . >sqns.txt
total=$(grep -c . sqns.txt)
dups=$(sort sqns.txt | uniq -d | wc -l)
check "crash loop collected SQNs ($total)" [ "$total" -gt 10 ]
echo "crash loop: $total SQNs received, $(grep -c . lost.txt) MARs without an answer"
check "no SQN seen twice across 6 kill -9" [ "$dups" -eq 0 ]
inc=1
for c in 1 2 3; do
	prev=0
	while read -r s; do
		[ -n "$s" ] || continue
		[ $((16#$s)) -gt $prev ] || inc=0
		prev=$((16#$s))
	done <"sqn$c.txt"
done
check "each peer sees strictly increasing SQNs across restarts" [ $inc -eq 1 ]
max=$(sort sqns.txt | tail -1)
check "SQN_HE in the store >= every SQN handed out" \
	[ $((16#$(ctl show --impi "alice@$REALM" | kv sqn))) -ge $((16#${max:-0})) ]
# The mar-load peers: many subscribers, several connections, 6 kills.
cat gload1.txt gload2.txt >gload.txt
gtotal=$(grep -c '^sqn ' gload.txt)
echo "crash loop, 30 subscribers over 2 mar-load peers: $gtotal vectors"
check "mar-load peers collected vectors across the kills ($gtotal)" \
	[ "$gtotal" -gt 100 ]
check "every mar-load vector passes the USIM's MAC check" \
	[ "$(grep -c '^badmac' gload.txt)" -eq 0 ]
check "no SQN handed out twice to one of 30 subscribers across 6 kill -9" \
	[ "$(grep '^sqn ' gload.txt | sort | uniq -d | wc -l)" -eq 0 ]
ok=1
for i in $(seq 30); do
	he=$(ctl show --impi "g$i@$REALM" | kv sqn)
	gmax=$(sed -n "s/^sqn g$i@$REALM //p" gload.txt | sort | tail -1)
	[ $((16#${he:-0})) -ge $((16#${gmax:-0})) ] || ok=0
done
check "SQN_HE of each of the 30 >= every SQN handed out to it" [ $ok -eq 1 ]

# ---- clean shutdown with a bounded wait ----
kill -TERM "$HSS_PID"
for _ in $(seq 100); do
	kill -0 "$HSS_PID" 2>/dev/null || break
	sleep 0.1
done
check "hss exits on SIGTERM within 10 s" eval "! kill -0 $HSS_PID 2>/dev/null"
wait "$HSS_PID"
check "hss exit status 0 after SIGTERM" [ $? -eq 0 ]
check "hss logged its clean stop" grep -q "hss: stopped" hss.log
check "hss log never shows key material" eval "! grep -qi $K hss.log"

echo "elapsed $(($(date +%s) - T0)) s"
summary
