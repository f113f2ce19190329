#!/bin/bash
# test_hss_shared.sh - two hss processes (hss1, hss2: distinct Diameter
# identities and ports) on one PostgreSQL store (issue 10, scaling the
# HSS): namespace A runs both, namespace B the cxclient S-CSCF peers,
# each connected to one of them.
#
# - concurrent MARs through both hss for the same IMPIs never hand out an
#   SQN twice (each vector checked by the USIM side, imsauth ue-check);
# - kill -9 of hss1 under load, four times: hss2's peers keep being
#   served, no subscriber is lost, no SQN is reused after, SQN_HE in the
#   store covers every SQN handed out;
# - an RTR queued by hss-ctl deregister (and a PPR by set-ifc) is sent by
#   the hss the S-CSCF is connected to, not by the one that took its SAR.
# Env: HSS, HSS_CTL, CXCLIENT, IMSAUTH; HSS_BACKEND must be pg.  Fails
# loudly, never skips.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/topo_lib.sh"

: "${HSS:?HSS not set}" "${HSS_CTL:?HSS_CTL not set}"
: "${CXCLIENT:?CXCLIENT not set}" "${IMSAUTH:?IMSAUTH not set}"
for b in "$HSS" "$HSS_CTL" "$CXCLIENT" "$IMSAUTH"; do
	[ -x "$b" ] || die "not executable: $b"
done
[ "${HSS_BACKEND:-}" = pg ] || die "HSS_BACKEND=pg expected (a shared store)"
need ss

WORK=$PWD/run
work_dir "$WORK"
T0=$(date +%s)
K=465b5ce8b199b49faa5f0a2ee238a6bc
OP=cdc202d5123e20f62b6d676ac72cb318
SCSCF=sip:scscf.$REALM

topo_up
hss_store "$WORK"

ctl() {
	"$HSS_CTL" --db "$DB" "$@"
}

# hssN listens on port 3858 + 10 N; every peer of namespace B may use it.
peers=()
for p in c1 c2 c3 c4 lst1 lst2; do
	peers+=(-o "diameter.accept=$p.$REALM@$IP_B" -o "scscf=$SCSCF@$p.$REALM")
done
for n in 1 2; do
	lab_conf "$HSS" hss "hss$n.conf" -o diameter.identity="hss$n.$REALM" \
		-o diameter.port=$((3858 + 10 * n)) -o diameter.tc-timer=2 \
		-o diameter.extensions-dir="$FD_EXT" -o db="$DB" "${peers[@]}"
done

# hss_n N: starts hssN (HSS_PID_N), returns once it listens.
declare -A HPID
hss_n() {
	hss_start "hss$1" $((3858 + 10 * $1))
	HPID[$1]=$HSS_PID
}

# to_hss FILE IDENTITY N: cxclient settings, a peer of hssN only.
to_hss() {
	{
		echo "diameter.identity = $2.$REALM"
		echo "diameter.connect = hss$3.$REALM@$IP_A:$((3858 + 10 * $3))"
		echo "diameter.dest-realm = $REALM"
		echo "diameter.tc-timer = 2"
		echo "diameter.timeout = 3000"
		echo "diameter.extensions-dir = $FD_EXT"
	} >"$1"
}
to_hss c1.conf c1 1
to_hss c2.conf c2 1
to_hss c3.conf c3 2
to_hss c4.conf c4 2

cx() {
	local c=$1
	shift
	ip netns exec "$NS_B" "$CXCLIENT" -c "$c.conf" "$@" 2>>cxclient.err
}

# ---- provisioning through hss-ctl, both hss running ----
USERS="alice bob"
for i in $(seq 1 20); do USERS="$USERS u$i"; done
ok=1
for u in $USERS; do
	ctl add --impi "$u@$REALM" --impu "sip:$u@$REALM" --k "$K" --op "$OP" \
		>/dev/null || ok=0
done
check "hss-ctl add 22 subscribers on PostgreSQL" [ $ok -eq 1 ]
hss_n 1
hss_n 2
check "hss1 logs its PostgreSQL store" grep -q "db postgresql://.*postgresql)" hss1.log

# mar_batch CLIENT N ITEMS: N MARs alternating alice and bob; prints
# "IMPI SQN" per vector the USIM accepts, "lost" per failed MAR.
mar_batch() {
	local c=$1 i j o impi n
	for i in $(seq "$2"); do
		impi=alice
		[ $((i % 2)) -eq 0 ] && impi=bob
		o=$(cx "$c" mar --impi "$impi@$REALM" --impu "sip:$impi@$REALM" \
			--items "$3")
		n=$(echo "$o" | kv items)
		[ "$(echo "$o" | kv result)" = 2001 ] || { echo lost; continue; }
		for j in $(seq "${n:-0}"); do
			echo "$impi $(ue_sqn "$(echo "$o" | kv rand "$j")" \
				"$(echo "$o" | kv autn "$j")")"
		done
	done
}

# ---- concurrent MARs through both hss ----
for c in c1 c2 c3 c4; do
	mar_batch "$c" 6 4 >"par-$c.txt" &
	eval "P_$c=\$!"
done
# shellcheck disable=SC2154
wait "$P_c1" "$P_c2" "$P_c3" "$P_c4"
cat par-c*.txt >par.txt
check "concurrent MARs through two hss: 96 vectors accepted ($(grep -c '[0-9a-f]$' par.txt))" \
	[ "$(grep -c ' [0-9a-f]\{12\}$' par.txt)" -eq 96 ]
check "concurrent MARs: no SQN twice for one IMPI" \
	[ "$(sort par.txt | uniq -d | wc -l)" -eq 0 ]
check "both hss answered MARs" \
	both [ "$(grep -c '[0-9a-f]$' par-c1.txt)" -gt 0 ] -- \
	[ "$(grep -c '[0-9a-f]$' par-c3.txt)" -gt 0 ]

# ---- kill -9 of hss1 under load ----
mar_loop() {
	while :; do
		mar_batch "$1" 1 8
	done >"load-$1.txt"
}
LOOP_PIDS=()
for c in c1 c2 c3 c4; do
	mar_loop "$c" &
	LOOP_PIDS+=("$!")
done
PIDS="$PIDS ${LOOP_PIDS[*]}"
for _ in 1 2 3 4; do
	sleep "1.$((RANDOM % 9 + 1))"
	kill -9 "${HPID[1]}"
	wait "${HPID[1]}" 2>/dev/null
	sleep 0.5
	hss_n 1
done
sleep 2
kill "${LOOP_PIDS[@]}" 2>/dev/null
wait "${LOOP_PIDS[@]}" 2>/dev/null
cat par.txt load-c*.txt | grep ' [0-9a-f]\{12\}$' >all.txt
total=$(grep -c . all.txt)
echo "kill loop: $total SQNs; lost MARs: hss1 $(cat load-c1.txt load-c2.txt | grep -c lost), hss2 $(cat load-c3.txt load-c4.txt | grep -c lost)"
check "kill loop: SQNs through hss1 ($(grep -c ' [0-9a-f]\{12\}$' load-c1.txt))" \
	[ "$(grep -c ' [0-9a-f]\{12\}$' load-c1.txt)" -gt 0 ]
check "kill loop: hss2's peers served without a loss while hss1 died" \
	both [ "$(grep -c ' [0-9a-f]\{12\}$' load-c3.txt)" -gt 8 ] -- \
	[ "$(cat load-c3.txt load-c4.txt | grep -c lost)" -eq 0 ]
check "no SQN handed out twice for one IMPI across 4 kill -9 ($total)" \
	[ "$(sort all.txt | uniq -d | wc -l)" -eq 0 ]
for u in alice bob; do
	max=$(sed -n "s/^$u //p" all.txt | sort | tail -1)
	he=$(ctl show --impi "$u@$REALM" | kv sqn)
	check "SQN_HE of $u ($he) >= every SQN handed out ($max)" \
		[ $((16#${he:-0})) -ge $((16#${max:-0})) ]
done
check "no subscriber lost (22 listed)" [ "$(ctl list | grep -c '^impi=')" -eq 22 ]
ok=1
for u in u1 u7 u20; do
	o=$(cx c1 mar --impi "$u@$REALM" --impu "sip:$u@$REALM")
	[ -n "$(ue_sqn "$(echo "$o" | kv rand)" "$(echo "$o" | kv autn)")" ] || ok=0
done
check "after the kills the restarted hss1 serves other subscribers" [ $ok -eq 1 ]

# ---- RTR/PPR from the hss the S-CSCF is connected to ----
# lst1's SAR goes through hss2, but lst1 listens on hss1; lst2 the other
# way round.
to_hss lst1-sar.conf lst1 2
to_hss lst2-sar.conf lst2 1
to_hss lst1.conf lst1 1
to_hss lst2.conf lst2 2
out=$(cx lst1-sar sar --impi "u1@$REALM" --impu "sip:u1@$REALM" --type 1 \
	--server-name "$SCSCF")
check "SAR for u1 from lst1 through hss2: 2001" [ "$(echo "$out" | kv result_code)" = 2001 ]
out=$(cx lst2-sar sar --impi "u2@$REALM" --impu "sip:u2@$REALM" --type 1 \
	--server-name "$SCSCF")
check "SAR for u2 from lst2 through hss1: 2001" [ "$(echo "$out" | kv result_code)" = 2001 ]
listen() {	# CLIENT OUT: a listener for N=2 requests, ready when it returns
	ip netns exec "$NS_B" "$CXCLIENT" -c "$1.conf" -o diameter.timeout=30000 \
		listen --count 2 >"$2" 2>>cxclient.err &
	LPID=$!
	PIDS="$PIDS $LPID"
	for _ in $(seq 100); do
		grep -q '^status=ready' "$2" && return 0
		sleep 0.1
	done
	die "listener $1 not ready"
}
listen lst1 lst1.out
L1=$LPID
listen lst2 lst2.out
L2=$LPID
check "ctl deregister u1 queues an RTR" \
	[ "$(ctl deregister --impu "sip:u1@$REALM" | kv rtr)" = queued ]
check "ctl deregister u2 queues an RTR" \
	[ "$(ctl deregister --impu "sip:u2@$REALM" | kv rtr)" = queued ]
# A PPR each: register again, change the profile.
cx lst1-sar sar --impi "u1@$REALM" --impu "sip:u1@$REALM" --type 1 \
	--server-name "$SCSCF" >/dev/null
cx lst2-sar sar --impi "u2@$REALM" --impu "sip:u2@$REALM" --type 1 \
	--server-name "$SCSCF" >/dev/null
echo '<InitialFilterCriteria><Priority>0</Priority></InitialFilterCriteria>' >ifc.xml
check "ctl set-ifc u1 queues a PPR" \
	[ "$(ctl set-ifc --impi "u1@$REALM" --ifc ifc.xml | kv ppr)" = queued ]
check "ctl set-ifc u2 queues a PPR" \
	[ "$(ctl set-ifc --impi "u2@$REALM" --ifc ifc.xml | kv ppr)" = queued ]
wait "$L1"
check "lst1 (on hss1) received its RTR and PPR" [ $? -eq 0 ]
wait "$L2"
check "lst2 (on hss2) received its RTR and PPR" [ $? -eq 0 ]
check "lst1's RTR is u1's" [ "$(kv rtr_user_name <lst1.out)" = "u1@$REALM" ]
check "lst1's PPR is u1's" [ "$(kv ppr_user_name <lst1.out)" = "u1@$REALM" ]
check "lst2's RTR is u2's" [ "$(kv rtr_user_name <lst2.out)" = "u2@$REALM" ]
check "lst2's PPR is u2's" [ "$(kv ppr_user_name <lst2.out)" = "u2@$REALM" ]
check "hss1 sent u1's RTR to lst1" grep -q "RTR for u1@$REALM sent to lst1.$REALM" hss1.log
check "hss2 sent u2's RTR to lst2" grep -q "RTR for u2@$REALM sent to lst2.$REALM" hss2.log
check "each push sent once, by one hss" \
	[ "$(cat hss1.log hss2.log | grep -c ' for u[12]@.* sent to ')" -eq 4 ]
check "the queue is empty" [ "$(pg_sql 'SELECT count(*) FROM push_queue')" = 0 ]

# ---- both stop cleanly ----
kill -TERM "${HPID[1]}" "${HPID[2]}"
wait "${HPID[1]}"
r1=$?
wait "${HPID[2]}"
check "both hss exit 0 on SIGTERM" [ $r1 -eq 0 -a $? -eq 0 ]
check "no key in the logs" eval "! grep -qi $K hss1.log hss2.log"

echo "elapsed $(($(date +%s) - T0)) s"
summary
