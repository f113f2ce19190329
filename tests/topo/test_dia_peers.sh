#!/bin/bash
# test_dia_peers.sh - who may connect to the hss (diameter.accept,
# dia_conf.h).  The hss (namespace A) accepts cscf.REALM from IP_B only.
# cxclient (namespace B, addresses IP_B and IP_B2) plays: the listed peer
# (its MAR is answered), a peer with an unlisted identity, the listed
# identity from the wrong address (whose CER still advertises IP_B in
# Host-IP-Address, which must not count), and the listed identity in
# another realm: none of those gets a Cx answer, each is logged; the
# listed peer still works afterwards.
# Env: HSS, HSS_CTL, CXCLIENT.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/topo_lib.sh"
: "${HSS:?}" "${HSS_CTL:?}" "${CXCLIENT:?}"
need ss tshark

IP_B2=10.201.0.3
K=465b5ce8b199b49faa5f0a2ee238a6bc
OP=cdc202d5123e20f62b6d676ac72cb318
work_dir "$PWD/run"
topo_up
ip -n "$NS_B" addr add "$IP_B2/24" dev "$IF_B" || die "second address"

lab_conf "$HSS" hss hss.conf -o diameter.identity="hss.$REALM" \
	-o diameter.tc-timer=2 -o diameter.extensions-dir="$FD_EXT" \
	-o db="$PWD/db/hss.db" -o diameter.accept="cscf.$REALM@$IP_B" \
	-o scscf="sip:scscf.$REALM@cscf.$REALM"
"$HSS_CTL" --db "$PWD/db/hss.db" add --impi "alice@$REALM" \
	--impu "sip:alice@$REALM" --k $K --op $OP >/dev/null || die "hss-ctl"
ip netns exec "$NS_A" "$HSS" -c hss.conf >>hss.log 2>&1 &
HSS_PID=$!
PIDS="$PIDS $HSS_PID"
for _ in $(seq 100); do
	ip netns exec "$NS_A" ss -ltn | grep -q ':3868 ' && break
	sleep 0.1
done
ip netns exec "$NS_B" tshark -i "$IF_B" -w "$PWD/cer.pcapng" -q \
	>tshark.log 2>&1 &
TSHARK_PID=$!
PIDS="$PIDS $TSHARK_PID"
sleep 3

# mar NAME IDENTITY [KEY=VALUE...]: one MAR as IDENTITY; output in NAME.out.
mar() {
	local name=$1 id=$2
	shift 2
	cli_conf "$name.conf" "$id" diameter.timeout=1000 "$@"
	ip netns exec "$NS_B" "$CXCLIENT" -c "$name.conf" mar \
		--impi "alice@$REALM" --impu "sip:alice@$REALM" \
		>"$name.out" 2>"$name.err"
}
answered() { grep -q '^result=2001' "$1.out"; }
no_answer() { grep -q '^status=no-peer' "$1.out" && ! grep -q '^result=' "$1.out"; }

mar listed "cscf.$REALM"
check "the listed peer (cscf.$REALM from $IP_B): MAR answered 2001" \
	answered listed
check "...accepted and logged" \
	grep -q "accepted peer cscf.$REALM from $IP_B" hss.log

mar unlisted "intruder.$REALM"
check "an unlisted identity gets no Cx answer" no_answer unlisted
check "...refused and logged" \
	grep -q "refused peer intruder.$REALM from $IP_B: not in diameter.accept" hss.log

# The listed identity from IP_B2: the route to the hss takes that source.
ip -n "$NS_B" route add "$IP_A/32" dev "$IF_B" src "$IP_B2" ||
	die "route via $IP_B2"
mar spoof "cscf.$REALM"
ip -n "$NS_B" route del "$IP_A/32"
check "the listed identity from the wrong address gets no Cx answer" \
	no_answer spoof
check "...refused and logged" \
	grep -q "refused peer cscf.$REALM from $IP_B2: not the address" hss.log

mar realm "cscf.$REALM" diameter.realm=other.test
check "the listed identity in another realm gets no Cx answer" \
	no_answer realm
check "...refused and logged" \
	grep -q "refused peer cscf.$REALM from $IP_B: realm other.test" hss.log

mar again "cscf.$REALM"
check "the listed peer still works: MAR answered 2001" answered again

kill -INT "$TSHARK_PID" 2>/dev/null
wait "$TSHARK_PID" 2>/dev/null
# The spoofing CER advertised IP_B as well (Host-IP-Address: every
# address of namespace B) and was refused all the same.
n=$(tshark -r cer.pcapng -Y "diameter.cmd.code == 257 && diameter.flags.request == 1 && ip.src == $IP_B2 && diameter.Host-IP-Address.IPv4 == $IP_B" 2>/dev/null | wc -l)
check "the refused CER from $IP_B2 advertised $IP_B ($n)" [ "$n" -gt 0 ]
n=$(tshark -r cer.pcapng -Y "diameter.cmd.code == 257 && diameter.flags.request == 0 && diameter.Result-Code == 3010" 2>/dev/null | wc -l)
check "refusals are CEAs with DIAMETER_UNKNOWN_PEER 3010 ($n)" [ "$n" -ge 3 ]
check "no MAA to a refused peer" [ "$(tshark -r cer.pcapng -Y \
	"diameter.cmd.code == 303 && diameter.flags.request == 0 && ip.dst == $IP_B2" \
	2>/dev/null | wc -l)" -eq 0 ]
check "hss alive" kill -0 "$HSS_PID"
summary
