#!/bin/bash
# compose.test_compose_pg: two hss replicas on one PostgreSQL store (the
# compose profile pg).  Registrations through the chain while two Cx
# clients MAR the same IMPI through each hss at once, one hss killed with
# SIGKILL and started again under that load: no SQN is ever handed out
# twice (the SQNs the USIM accepts, as topo.test_hss checks them), no
# subscriber is lost, and an RTR queued through either hss reaches the
# S-CSCF holding the user.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/compose_lib.sh"
[ "$(id -u)" -eq 0 ] || die "needs root (the container engine)"
trap 'compose_cleanup' EXIT
trap 'exit 1' INT TERM
K=f1e2d3c4b5a69788796a4a4c3d2e1f01 OP=494d53414b41746573744f5030303136
D=ims.example.org
export HSS_DB=postgresql://imssec:imssec-lab@10.79.0.5/imssec HSS_REPLICAS=many

engine_up
compose --profile pg build >build.log 2>&1 || { tail -n 30 build.log; die "image build failed"; }
compose --profile pg up -d --scale hss=2 --scale scscf=2 >up.log 2>&1
check "up with postgres, 2 hss, 2 scscf" [ $? -eq 0 ]
check "postgres healthy" wait_healthy postgres
check "2 hss replicas healthy" wait_healthy hss 2
check "2 scscf replicas healthy" wait_healthy scscf 2
for s in icscf pcscf; do check "$s healthy" wait_healthy "$s"; done
for _ in $(seq 60); do
	[ "$("$DOCKER" inspect -f '{{.State.Status}}' "$(cid provision)")" = exited ] && break
	sleep 0.5
done
check "provisioned into PostgreSQL" [ "$("$DOCKER" inspect -f \
    '{{.State.ExitCode}}' "$(cid provision)")" = 0 ]
addr() { "$DOCKER" inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$1"; }
mapfile -t HSS < <(compose ps -q hss)
mapfile -t SC < <(compose ps -q scscf)
H1=$(addr "${HSS[0]}") H2=$(addr "${HSS[1]}")
echo "hss replicas: $H1 $H2"
n0=$(cexec hss hss-ctl list | grep -c .)
check "both hss see the subscribers ($n0)" eval \
    "[ $n0 -ge 2 ] && [ \"\$(\"\$DOCKER\" exec ${HSS[1]} hss-ctl list | grep -c .)\" -eq $n0 ]"

reg() {	# USER: ims-ue register in the ue service (its USIM state kept)
	cexec ue sh -c "ims-ue register --impi $1@\$DOMAIN --impu sip:$1@\$DOMAIN \
	    --k \$DEMO_K --op \$DEMO_OP --pcscf \$PCSCF_ADDR:\$PCSCF_PORT \
	    --state $1.usim"
}
check "alice registers" eval "reg alice | grep -q '^result=registered'"

# A Cx client in an scscf replica (identity scscf-probeN: the hss's
# pattern, Server-Name its own address) MARs alice through hss H in a loop.
mar_loop() {	# N CONTAINER HSS-ADDRESS SECONDS
	"$DOCKER" exec "$2" sh -c "
	a=\$(imssec-entry addr); end=\$((\$(date +%s) + $4))
	printf '%s\n' 'diameter.identity = scscf-probe$1.$D' \
	    'diameter.connect = hss-$(echo "$3" | tr . -).$D@$3' \
	    'diameter.dest-realm = $D' 'diameter.timeout = 3000' \
	    'diameter.extensions-dir = /usr/lib/freeDiameter' >/tmp/cli$1.conf
	while [ \$(date +%s) -lt \$end ]; do
		cxclient -c /tmp/cli$1.conf mar --impi alice@$D \
		    --impu sip:alice@$D --items 4 --server-name sip:\$a:6060 \
		    2>/dev/null | sed -n 's/^\(rand\|autn\)=//p' | paste - -
	done" >"vec$1.txt"
}
mar_loop 1 "${SC[0]}" "$H1" 20 &
l1=$!
mar_loop 2 "${SC[1]}" "$H2" 20 &
l2=$!
: >regs.txt
( for _ in $(seq 8); do reg alice; sleep 0.5; done >>regs.txt 2>&1 ) &
l3=$!
sleep 6
"$DOCKER" kill -s KILL "${HSS[0]}" >/dev/null
check "hss $H1 killed (SIGKILL) under load" [ $? -eq 0 ]
sleep 2
"$DOCKER" start "${HSS[0]}" >/dev/null
check "...and started again" wait_healthy hss 2
wait $l1 $l2 $l3
n1=$(grep -c . vec1.txt) n2=$(grep -c . vec2.txt)
check "vectors through both hss ($n1, $n2)" both [ "$n1" -gt 8 ] -- [ "$n2" -gt 8 ]
# The SQN of each vector, as the USIM recovers it (imsauth ue-check).
cat vec1.txt vec2.txt | cexec ue sh -c "while read r a; do
	imsauth ue-check --k $K --op $OP --rand \$r --autn \$a | sed -n 's/^sqn=//p'
done" >sqns.txt
sed -n 's/^sqn=//p' regs.txt >>sqns.txt
total=$(grep -c . sqns.txt) dups=$(sort sqns.txt | uniq -d | wc -l)
check "SQNs collected from both hss and the registrations ($total)" \
    [ "$total" -ge $((n1 + n2)) ]
check "no SQN handed out twice across 2 hss and a kill -9" [ "$dups" -eq 0 ]
check "no subscriber lost" [ "$(cexec hss hss-ctl list | grep -c .)" -eq "$n0" ]
# Until the CSCFs' watchdogs (Tw 6 s) close their links to the dead
# replica, Cx may still go there: a UE tries again, as a UE would.
ok=0
for _ in $(seq 12); do
	reg alice >after.out 2>&1
	grep -q '^result=registered' after.out && { ok=1; break; }
	sleep 5
done
check "alice registers after the kill (Cx through the other hss)" [ "$ok" -eq 1 ]

# RTR: queued through each hss in turn; sent by the one connected to
# alice's S-CSCF, which removes her binding.
rtrs() {	# CONTAINER: RTRs for alice its log shows
	"$DOCKER" logs "$1" 2>&1 | grep -c "rtr: sip:alice@$D de-registered by the HSS"
}
for h in "${HSS[1]}" "${HSS[0]}"; do
	reg alice >/dev/null
	sc=$(cexec hss hss-ctl show --impi "alice@$D" | kv scscf)
	tc=
	for c in "${SC[@]}"; do
		[ "sip:$(addr "$c"):6060" = "$sc" ] && tc=$c
	done
	before=$(rtrs "$tc")
	"$DOCKER" exec "$h" hss-ctl deregister --impu "sip:alice@$D" >/dev/null
	ok=0
	for _ in $(seq 40); do
		[ "$(rtrs "$tc")" -gt "$before" ] && { ok=1; break; }
		sleep 0.5
	done
	check "RTR queued at hss $(addr "$h") reached alice's S-CSCF $sc" [ "$ok" -eq 1 ]
done

compose --profile pg logs --no-color >compose.log 2>&1
compose --profile pg down -v --remove-orphans -t 5 >down.log 2>&1
check "down -v" [ $? -eq 0 ]
check "no container, network or volume left" project_gone
summary
