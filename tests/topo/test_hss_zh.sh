#!/bin/bash
# test_hss_zh.sh - the HSS over Zh (TS 29.109 5) in two network namespaces.
#
# Namespace A runs hss, namespace B cxclient as the BSF (zh-mar) and as an
# S-CSCF (mar); Diameter over TCP on a veth pair, captured with tshark.
# Checks: the Zh vector verifies against imsauth's own computation from
# K/OP/RAND, the GUSS (the default, after gba-set, gba-none, gba-default,
# GUSS-Timestamp), unknown IMPI 5401, resynchronisation, and that Cx and
# Zh MARs never share an SQN, interleaved and across kill -9 of the hss;
# the bsf key restricting Zh to the BSFs named.
# Env: HSS, HSS_CTL, CXCLIENT, IMSAUTH; HSS_BACKEND=pg: a PostgreSQL
# store (topo_lib.sh hss_store).  Fails loudly, never skips.
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

# TS 35.208 test set 1 keys.
K=465b5ce8b199b49faa5f0a2ee238a6bc
OP=cdc202d5123e20f62b6d676ac72cb318
SCSCF=sip:scscf.$REALM
NS_URI=urn:3gpp:gba:GBAGUSSSchema-R9:2010-02

topo_up
hss_store "$WORK"

# The hss accepts the BSFs bsf, bsf1, bsf2 and the S-CSCFs cscf, cscf1,
# cscf2, all from namespace B.
peers=()
for p in bsf bsf1 bsf2; do
	peers+=(-o "diameter.accept=$p.$REALM@$IP_B")
done
for p in cscf cscf1 cscf2; do
	peers+=(-o "diameter.accept=$p.$REALM@$IP_B" -o "scscf=$SCSCF@$p.$REALM")
done
lab_conf "$HSS" hss hss.conf -o diameter.identity="hss.$REALM" \
	-o diameter.tc-timer=2 -o diameter.extensions-dir="$FD_EXT" \
	-o db="$DB" "${peers[@]}"
cli_conf bsf.conf "bsf.$REALM" diameter.timeout=3000
cli_conf cscf.conf "cscf.$REALM" diameter.timeout=3000 diameter.port=3869

zh() {
	ip netns exec "$NS_B" "$CXCLIENT" -c bsf.conf zh-mar "$@" \
		2>>cxclient.err
}
cx() {
	ip netns exec "$NS_B" "$CXCLIENT" -c cscf.conf "$@" 2>>cxclient.err
}
ctl() {
	"$HSS_CTL" --db "$DB" "$@"
}
add_user() {
	ctl add --impi "$1@$REALM" --impu "sip:$1@$REALM" --k "$K" --op "$OP" \
		"${@:2}" >/dev/null
}

# ---- usage errors of the new commands ----
"$CXCLIENT" -c bsf.conf zh-mar >/dev/null 2>&1
check "cxclient zh-mar without --impi or --impu: exit 2" [ $? -eq 2 ]
"$CXCLIENT" -c bsf.conf zh-mar --impi a --resync 00 >/dev/null 2>&1
check "cxclient zh-mar with a short --resync: exit 2" [ $? -eq 2 ]
"$CXCLIENT" -c bsf.conf zn-bir --btid x >/dev/null 2>&1
check "cxclient zn-bir without --naf-id: exit 2" [ $? -eq 2 ]

# ---- the store: GBA settings through hss-ctl ----
check "ctl add alice (two public identities)" \
	add_user alice --impu "tel:+15550001"
check "ctl add bob" add_user bob
ctl gba-show --impi "nobody@$REALM" >/dev/null 2>&1
check "gba-show of a missing IMPI: exit 1" [ $? -eq 1 ]
ctl gba-set --impi "nobody@$REALM" >/dev/null 2>&1
check "gba-set of a missing IMPI: exit 1" [ $? -eq 1 ]
ctl gba-set --impi "alice@$REALM" --uss bad >/dev/null 2>&1
check "gba-set --uss without a colon: exit 2" [ $? -eq 2 ]
ctl gba-set --impi "alice@$REALM" --uss 1:a --uss 1:b >/dev/null 2>&1
check "gba-set two uss with one id: exit 2" [ $? -eq 2 ]
ctl gba-set --impi "alice@$REALM" --uss 1:a --flag 2:1 >/dev/null 2>&1
check "gba-set --flag of an unknown uss: exit 2" [ $? -eq 2 ]
ctl gba-set --impi "alice@$REALM" --lifetime -5 >/dev/null 2>&1
check "gba-set negative --lifetime: exit 2" [ $? -eq 2 ]
ctl gba-set --impi "alice@$REALM" --uicc-type GBA_X >/dev/null 2>&1
check "gba-set bad --uicc-type: exit 2" [ $? -eq 2 ]
# A store made before the GBA tables existed gains them on open.
ctl gba-set --impi "bob@$REALM" --lifetime 60 >/dev/null
if [ "${HSS_BACKEND:-sqlite}" = pg ]; then
	pg_sql "DROP TABLE gba_uss; DROP TABLE gba_settings"
else
	python3 -c 'import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("DROP TABLE gba_uss")
c.execute("DROP TABLE gba_settings")
c.commit()' "$DB"
fi
check "an older store: gba-show gives the default" \
	eval "ctl gba-show --impi bob@$REALM | grep -q '<uss id=\"1\" type=\"0\"><uids><uid>sip:bob@$REALM</uid></uids>'"
check "an older store: gba-set works" \
	eval "ctl gba-set --impi bob@$REALM --uss 1:x >/dev/null &&
	ctl gba-show --impi bob@$REALM | grep -q 'nafGroup=\"x\"' &&
	ctl gba-default --impi bob@$REALM >/dev/null"
def=$(ctl gba-show --impi "alice@$REALM")
check "default GUSS: in the Annex A namespace" \
	eval "echo \"\$def\" | grep -q '<guss xmlns=\"$NS_URI\">'"
check "default GUSS: one uss, id 1, no nafGroup (every NAF)" \
	eval "[ \"\$(echo \"\$def\" | grep -o '<uss ' | wc -l)\" -eq 1 ] &&
	echo \"\$def\" | grep -q '<uss id=\"1\" type=\"0\">'"
check "default GUSS: uids are every public identity" \
	eval "echo \"\$def\" | grep -q '<uids><uid>sip:alice@$REALM</uid><uid>tel:+15550001</uid></uids>'"
check "default GUSS: no lifeTime, uiccType GBA, no flags" \
	eval "! echo \"\$def\" | grep -q lifeTime &&
	echo \"\$def\" | grep -q '<uiccType>GBA</uiccType>' &&
	echo \"\$def\" | grep -q '<flags></flags>'"
check "default GUSS is well-formed XML" \
	python3 -c 'import sys, xml.dom.minidom as m; m.parseString(sys.argv[1])' "$def"

# ---- Diameter, under capture ----
ip netns exec "$NS_B" tshark -i "$IF_B" -w "$WORK/zh.pcapng" -q \
	>tshark.log 2>&1 &
TSHARK_PID=$!
PIDS="$PIDS $TSHARK_PID"
sleep 3
hss_start

# Zh MAR: one vector that a USIM with K/OP accepts, RES = XRES, CK, IK
# (imsauth computes them from K, OP and the RAND).
out=$(zh --impi "alice@$REALM")
check "Zh MAR: 2001" [ "$(echo "$out" | kv result_code)" = 2001 ]
check "Zh MAA carries User-Name" \
	[ "$(echo "$out" | kv user_name)" = "alice@$REALM" ]
rand=$(echo "$out" | kv rand)
autn=$(echo "$out" | kv autn)
ue=$("$IMSAUTH" ue-check --k "$K" --op "$OP" --rand "${rand:-00}" \
	--autn "${autn:-00}")
check "UE accepts the Zh vector" [ "$(echo "$ue" | kv result)" = ok ]
check "Zh: RES equals XRES" [ -n "$rand" -a \
	"$(echo "$ue" | kv res)" = "$(echo "$out" | kv xres)" ]
check "Zh: CK matches" [ -n "$rand" -a "$(echo "$ue" | kv ck)" = "$(echo "$out" | kv ck)" ]
check "Zh: IK matches" [ -n "$rand" -a "$(echo "$ue" | kv ik)" = "$(echo "$out" | kv ik)" ]
sqn=$(echo "$ue" | kv sqn)
v=$("$IMSAUTH" milenage --k "$K" --op "$OP" --rand "${rand:-00}" \
	--sqn "${sqn:-0}" --amf 0000)
check "Zh: AUTN = SQN^AK || AMF || MAC-A as imsauth milenage computes" \
	[ -n "$rand" -a "$(echo "$v" | kv autn)" = "$autn" ]
check "Zh MAA carries the default GUSS, as gba-show prints it" \
	[ "$(echo "$out" | kv guss)" = "$def" ]
check "SQN_HE in the store is the Zh vector's" \
	[ "$(ctl show --impi "alice@$REALM" | kv sqn)" = "$sqn" ]

# The GUSS after gba-set, as the BSF receives it.
ctl gba-set --impi "alice@$REALM" --uss 1:xcap --uss "2::sip:alice@$REALM" \
	--uss 3:web: --flag 1:1 --lifetime 3600 --uicc-type GBA_U >/dev/null
check "gba-set: exit 0" [ $? -eq 0 ]
set1=$(ctl gba-show --impi "alice@$REALM")
out=$(zh --impi "alice@$REALM")
g=$(echo "$out" | kv guss)
check "after gba-set: the MAA's GUSS is gba-show's" [ -n "$g" -a "$g" = "$set1" ]
check "after gba-set: nafGroup xcap with every identity and flag 1" \
	eval "echo \"\$g\" | grep -q '<uss id=\"1\" type=\"0\" nafGroup=\"xcap\"><uids><uid>sip:alice@$REALM</uid><uid>tel:+15550001</uid></uids><flags><flag>1</flag></flags></uss>'"
check "after gba-set: uss 2 for every NAF with one identity" \
	eval "echo \"\$g\" | grep -q '<uss id=\"2\" type=\"0\"><uids><uid>sip:alice@$REALM</uid></uids>'"
check "after gba-set: uss 3 with no identity" \
	eval "echo \"\$g\" | grep -q '<uss id=\"3\" type=\"0\" nafGroup=\"web\"><uids></uids>'"
check "after gba-set: lifeTime 3600, uiccType GBA_U" \
	eval "echo \"\$g\" | grep -q '<bsfInfo><uiccType>GBA_U</uiccType><lifeTime>3600</lifeTime></bsfInfo>'"
check "after gba-set: well-formed XML" \
	python3 -c 'import sys, xml.dom.minidom as m; m.parseString(sys.argv[1])' "$g"
check "bob keeps the default GUSS" \
	eval "zh --impi bob@$REALM | kv guss | grep -q '<uss id=\"1\" type=\"0\"><uids><uid>sip:bob@$REALM</uid></uids>'"
# GUSS-Timestamp (TS 29.109 5.2.2.1): a BSF holding the current GUSS does
# not get it again; an older one does.
out=$(zh --impi "alice@$REALM" --guss-timestamp $(($(date +%s) + 60)))
check "GUSS-Timestamp after the change: 2001, no GUSS" \
	[ "$(echo "$out" | kv result_code)" = 2001 -a \
	-z "$(echo "$out" | kv guss)" -a -n "$(echo "$out" | kv rand)" ]
out=$(zh --impi "alice@$REALM" --guss-timestamp 1000000000)
check "GUSS-Timestamp before the change: the GUSS" \
	[ "$(echo "$out" | kv guss)" = "$set1" ]
# gba-none: no uss, GBA refused at every NAF; gba-default: back.
ctl gba-none --impi "alice@$REALM" >/dev/null
check "gba-none: an empty ussList" \
	eval "zh --impi alice@$REALM | kv guss | grep -q '<ussList></ussList>'"
ctl gba-default --impi "alice@$REALM" >/dev/null
check "gba-default: the default GUSS again" \
	[ "$(zh --impi "alice@$REALM" | kv guss)" = "$def" ]

# A BSF with only the IMPU (TS 29.109 5.2.2.1): the IMPI's vector.
out=$(zh --impu "tel:+15550001")
check "Zh MAR with Public-Identity only: 2001, User-Name the IMPI" \
	[ "$(echo "$out" | kv result_code)" = 2001 -a \
	"$(echo "$out" | kv user_name)" = "alice@$REALM" ]
check "Zh MAR with Public-Identity only: the USIM accepts the vector" \
	[ -n "$(ue_sqn "$(echo "$out" | kv rand)" "$(echo "$out" | kv autn)")" ]
out=$(zh --impu "sip:nobody@$REALM")
check "Zh MAR unknown IMPU: 5401" \
	[ "$(echo "$out" | kv exp_result_code)" = 5401 ]

# Unknown IMPI: Experimental-Result 5401 DIAMETER_ERROR_IMPI_UNKNOWN
# (TS 29.109 6.2), no vector, no SQN anywhere.
out=$(zh --impi "nobody@$REALM")
check "Zh MAR unknown IMPI: 5401" \
	[ "$(echo "$out" | kv exp_result_code)" = 5401 ]
check "Zh MAR unknown IMPI: no vector, no GUSS" \
	[ -z "$(echo "$out" | kv rand)" -a -z "$(echo "$out" | kv guss)" ]

# Resynchronisation (TS 33.220 4.5.2, TS 33.102 6.3.5): the USIM is at X.
rand=$(zh --impi "alice@$REALM" | kv rand)
X=000002000000
auts=$("$IMSAUTH" auts-make --k "$K" --op "$OP" --rand "$rand" \
	--sqn-ms $X | kv auts)
out=$(zh --impi "alice@$REALM" --resync "$rand$auts")
check "Zh MAR with RAND||AUTS: 2001" [ "$(echo "$out" | kv result_code)" = 2001 ]
s=$(ue_sqn "$(echo "$out" | kv rand)" "$(echo "$out" | kv autn)" $X)
check "after Zh resync the USIM at SQN_MS accepts the vector" [ -n "$s" ]
check "after Zh resync SQN > SQN_MS" [ $((16#${s:-0})) -gt $((16#$X)) ]
before=$(ctl show --impi "alice@$REALM" | kv sqn)
bad=${auts:0:26}$(printf '%02x' $(( (16#${auts:26:2}) ^ 1 )))
out=$(zh --impi "alice@$REALM" --resync "$rand$bad")
check "Zh MAR with a forged AUTS: 5012, no vector" \
	[ "$(echo "$out" | kv result_code)" = 5012 -a -z "$(echo "$out" | kv rand)" ]
check "forged AUTS spends no SQN" \
	[ "$(ctl show --impi "alice@$REALM" | kv sqn)" = "$before" ]

# A Zn request to the hss: it serves no Zn (no peer advertises it).
ip netns exec "$NS_B" "$CXCLIENT" -c bsf.conf -o diameter.timeout=1000 \
	zn-bir --btid "x@bsf.$REALM" --naf-id 6e61660100000002 >zn.out \
	2>>cxclient.err
check "zn-bir to the hss: exit 1, no Zn peer" \
	both [ $? -eq 1 ] -- grep -q '^status=no-peer' zn.out

# ---- Cx and Zh MARs interleaved: one SQN series ----
prev=$((16#$(ctl show --impi "alice@$REALM" | kv sqn)))
ok=1
: >inter.txt
for i in 1 2 3 4 5 6; do
	if [ $((i % 2)) -eq 0 ]; then
		o=$(cx mar --impi "alice@$REALM" --impu "sip:alice@$REALM" \
			--items 2)
		[ "$(echo "$o" | kv items)" = 2 ] || ok=0
	else
		o=$(zh --impi "alice@$REALM")
	fi
	for j in 1 2; do
		r=$(echo "$o" | kv rand $j)
		[ -n "$r" ] || continue
		s=$(ue_sqn "$r" "$(echo "$o" | kv autn $j)")
		echo "$s" >>inter.txt
		[ -n "$s" ] && [ $((16#$s)) -gt $prev ] || ok=0
		prev=$((16#${s:-0}))
	done
done
check "interleaved Cx and Zh MARs: 9 vectors ($(grep -c . inter.txt))" \
	[ "$(grep -c . inter.txt)" -eq 9 ]
check "interleaved Cx and Zh MARs: strictly increasing SQNs" [ $ok -eq 1 ]

# ---- no malformed Diameter on the wire; Zh advertised and used ----
sleep 1
kill "$TSHARK_PID" 2>/dev/null
wait "$TSHARK_PID" 2>/dev/null
mal=$(tshark -r zh.pcapng -Y '_ws.malformed || _ws.expert.severity == error' \
	2>/dev/null)
check "no malformed Diameter in the capture" [ -z "$mal" ]
[ -z "$mal" ] || echo "$mal" | head -5
n=$(tshark -r zh.pcapng -Y 'diameter.cmd.code == 257 && diameter.flags.request == 0 && diameter.Auth-Application-Id == 16777221' 2>/dev/null | wc -l)
check "CEA advertises Zh 16777221 ($n)" [ "$n" -gt 0 ]
n=$(tshark -r zh.pcapng -Y 'diameter.cmd.code == 303 && diameter.flags.request == 0 && diameter.applicationId == 16777221 && diameter.Vendor-Specific-Application-Id' 2>/dev/null | wc -l)
check "Zh MAAs (application 16777221) carry the VSAI ($n)" [ "$n" -gt 0 ]

# ---- crash safety: kill -9 the hss while Cx and Zh MARs run ----
cli_conf bsf1.conf "bsf1.$REALM" diameter.port=3871
cli_conf bsf2.conf "bsf2.$REALM" diameter.port=3872
cli_conf cscf1.conf "cscf1.$REALM" diameter.port=3873
cli_conf cscf2.conf "cscf2.$REALM" diameter.port=3874
: >lost.txt
mar_loop() {
	local o n j
	while :; do
		if [ "${1#bsf}" != "$1" ]; then
			o=$(ip netns exec "$NS_B" "$CXCLIENT" -c "$1.conf" \
				-o diameter.timeout=3000 zh-mar \
				--impi "alice@$REALM" 2>>cxclient.err)
			n=1
		else
			o=$(ip netns exec "$NS_B" "$CXCLIENT" -c "$1.conf" \
				-o diameter.timeout=3000 mar --items 4 \
				--impi "alice@$REALM" --impu "sip:alice@$REALM" \
				2>>cxclient.err)
			n=$(echo "$o" | kv items)
		fi
		[ -n "$(echo "$o" | kv rand)" ] || echo x >>lost.txt
		for j in $(seq "${n:-0}"); do
			echo "$(echo "$o" | kv rand "$j") $(echo "$o" | kv autn "$j")"
		done >>"vec-$1.txt"
	done
}
LOOPS="bsf1 bsf2 cscf1 cscf2"
LOOP_PIDS=()
for c in $LOOPS; do
	: >"vec-$c.txt"
	mar_loop "$c" &
	LOOP_PIDS+=("$!")
done
PIDS="$PIDS ${LOOP_PIDS[*]}"
for _ in 1 2 3 4 5; do
	sleep "1.$((RANDOM % 9 + 1))"
	kill -9 "$HSS_PID"
	wait "$HSS_PID" 2>/dev/null
	hss_start
done
sleep 3
kill "${LOOP_PIDS[@]}" 2>/dev/null
wait "${LOOP_PIDS[@]}" 2>/dev/null
for c in $LOOPS; do
	while read -r r a; do
		[ -n "$r" ] && ue_sqn "$r" "$a"
	done <"vec-$c.txt" >"sqn-$c.txt"
done
cat sqn-*.txt | grep . >sqns.txt
zhn=$(cat sqn-bsf1.txt sqn-bsf2.txt | grep -c .)
cxn=$(cat sqn-cscf1.txt sqn-cscf2.txt | grep -c .)
echo "crash loop: $zhn Zh and $cxn Cx SQNs, $(grep -c . lost.txt) MARs without a vector"
check "crash loop collected Zh SQNs ($zhn)" [ "$zhn" -gt 3 ]
check "crash loop collected Cx SQNs ($cxn)" [ "$cxn" -gt 3 ]
check "no SQN twice across Cx and Zh and 5 kill -9" \
	[ "$(sort sqns.txt | uniq -d | wc -l)" -eq 0 ]
inc=1
for c in $LOOPS; do
	prev=0
	while read -r s; do
		[ -n "$s" ] || continue
		[ $((16#$s)) -gt $prev ] || inc=0
		prev=$((16#$s))
	done <"sqn-$c.txt"
done
check "each peer sees strictly increasing SQNs across restarts" [ $inc -eq 1 ]
max=$(sort sqns.txt | tail -1)
check "SQN_HE in the store >= every SQN handed out" \
	[ $((16#$(ctl show --impi "alice@$REALM" | kv sqn))) -ge $((16#${max:-0})) ]
check "the GUSS survives the crashes" \
	[ "$(zh --impi "alice@$REALM" | kv guss)" = "$def" ]

# ---- the bsf key: only the BSFs named get Zh answered ----
kill -TERM "$HSS_PID"
wait "$HSS_PID" 2>/dev/null
lab_conf "$HSS" hss hss.conf -o diameter.identity="hss.$REALM" \
	-o diameter.tc-timer=2 -o diameter.extensions-dir="$FD_EXT" \
	-o db="$DB" "${peers[@]}" -o bsf="BSF.$REALM"
hss_start
before=$(ctl show --impi "alice@$REALM" | kv sqn)
out=$(ip netns exec "$NS_B" "$CXCLIENT" -c cscf.conf zh-mar \
	--impi "alice@$REALM" 2>>cxclient.err)
check "bsf key set: a Zh MAR from an S-CSCF peer is refused (5012)" \
	[ "$(echo "$out" | kv result_code)" = 5012 -a -z "$(echo "$out" | kv rand)" ]
check "bsf key set: the refused MAR spent no SQN" \
	[ "$(ctl show --impi "alice@$REALM" | kv sqn)" = "$before" ]
out=$(zh --impi "alice@$REALM")
check "bsf key set: the BSF named (any case) gets its vector" \
	[ "$(echo "$out" | kv result_code)" = 2001 -a -n "$(echo "$out" | kv rand)" ]
out=$(cx mar --impi "alice@$REALM" --impu "sip:alice@$REALM")
check "bsf key set: Cx MAR unchanged" [ "$(echo "$out" | kv result)" = 2001 ]
"$HSS" -n -c /dev/null -o db=x -o diameter.identity=h.x -o bsf='bad id' \
	>/dev/null 2>&1
check "hss -n refuses a bsf that is no Diameter identity" [ $? -eq 1 ]

# ---- clean stop ----
kill -TERM "$HSS_PID"
for _ in $(seq 100); do
	kill -0 "$HSS_PID" 2>/dev/null || break
	sleep 0.1
done
check "hss exits on SIGTERM" eval "! kill -0 $HSS_PID 2>/dev/null"
check "hss log never shows key material" eval "! grep -qi $K hss.log"

echo "elapsed $(($(date +%s) - T0)) s"
summary
