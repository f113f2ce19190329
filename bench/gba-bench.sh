#!/bin/bash
# gba-bench.sh [BOOTSTRAPS [UT_REQUESTS [THREADS [USERS]]]] - GBA throughput
# with the real daemons in two network namespaces (tests/topo/topo_lib.sh):
# hss in A; bsf, naf and xcap in B; bench/gba_bench (ims-ue's Ub/Ut code)
# in A.  Prints:
#   - bootstraps per second: Ub (401 challenge with a Zh MAR to the hss,
#     the UE's AKA check, 200 with the bsf+xml body) over plain HTTP, USERS
#     subscribers in turn, THREADS clients at once;
#   - authenticated Ut requests per second: GET of an XCAP document
#     through the naf (HTTPS; 401, then Digest with the B-TID and Ks_NAF,
#     Zn once per B-TID, proxied to xcap), one kept-alive connection per
#     thread, then a new TLS connection per request.
# Asserts nothing.  Needs root and a build in BUILD_DIR (default build);
# takes /tmp/imssec-topo.lock like the topo tests.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
boots=${1:-500} uts=${2:-2000} threads=${3:-4} users=${4:-50}
BUILD_DIR=${BUILD_DIR:-$root/build}
BIN=$BUILD_DIR/bin
exec 9>/tmp/imssec-topo.lock
flock 9
. "$root/tests/topo/topo_lib.sh"
for b in hss hss-ctl bsf naf xcap ims-ue gba_bench; do
	[ -x "$BIN/$b" ] || die "not built: $BIN/$b"
done
need ss openssl

WORK=${TMPDIR:-/tmp}/ims-gba-bench
work_dir "$WORK"
K=465b5ce8b199b49faa5f0a2ee238a6bc
OP=cdc202d5123e20f62b6d676ac72cb318
BSFNAME=bsf.$REALM NAF=ut.$REALM
topo_up
lab_conf "$BIN/hss" hss hss.conf -o diameter.identity="hss.$REALM" \
	-o diameter.extensions-dir="$FD_EXT" -o db="$WORK/db/hss.db" \
	-o diameter.accept="$BSFNAME@$IP_B" -o log-level=warn
lab_conf "$BIN/bsf" bsf bsf.conf -o name="$BSFNAME" -o db="$WORK/db/bsf.db" \
	-o listen="$IP_B:8080" -o hss="hss.$REALM" -o key-lifetime=3600 \
	-o max-pending=65536 -o mar-limit=64 -o mar-window=1 \
	-o diameter.identity="$BSFNAME" \
	-o diameter.connect="hss.$REALM@$IP_A" \
	-o diameter.connect="$NAF@$IP_B:3870" -o diameter.tc-timer=2 \
	-o diameter.extensions-dir="$FD_EXT" -o log-level=warn
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-keyout naf.key -out naf.pem -days 1 -subj "/CN=$NAF" \
	-addext "subjectAltName=DNS:$NAF,IP:$IP_B" >/dev/null 2>&1 ||
	die "openssl req"
chgrp "$(id -gn "$LAB_USER")" naf.key && chmod 0640 naf.key
lab_conf "$BIN/xcap" naf/xcap xcap.conf \
	-o listen="$IP_B:8081" \
	-o db="$WORK/db/xcap.db" -o trusted-peer="$IP_B" -o log-level=warn
lab_conf "$BIN/naf" naf naf.conf \
	-o listen="$IP_B:8443" -o fqdn="$NAF" \
	-o tls-cert="$WORK/naf.pem" -o tls-key="$WORK/naf.key" \
	-o as="http://$IP_B:8081" -o diameter.identity="$NAF" \
	-o diameter.port=3870 -o diameter.accept="$BSFNAME@$IP_B" \
	-o diameter.tc-timer=2 -o diameter.extensions-dir="$FD_EXT" \
	-o max-requests=65536 -o log-level=warn

# run NS NAME: the daemon NAME with NAME.conf in NS
run() {
	ip netns exec "$1" "$BIN/$2" -c "$2.conf" >>"$2.log" 2>&1 &
	PIDS="$PIDS $!"
}
# listening NS ADDR:PORT / zn: wait (10 s at most)
waitfor() {
	for _ in $(seq 100); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}
listening() { ip netns exec "$1" ss -ltn | grep -q "$2 "; }
zn_up() {
	[ "$(ip netns exec "$NS_B" ss -tn state established \
	    "( sport = :3870 )" | wc -l)" -gt 1 ]
}
zh_up() {
	[ "$(ip netns exec "$NS_A" ss -tn state established \
	    "( sport = :3868 )" | wc -l)" -gt 1 ]
}
run "$NS_A" hss
waitfor listening "$NS_A" ":3868" || die "hss did not start"
run "$NS_B" xcap
run "$NS_B" naf
waitfor listening "$NS_B" "$IP_B:8443" || die "naf did not start"
run "$NS_B" bsf
waitfor listening "$NS_B" "$IP_B:8080" || die "bsf did not start"
waitfor zh_up || die "bsf-hss (Zh) not connected"
waitfor zn_up || die "bsf-naf (Zn) not connected"

t0=$(date +%s.%N)
for i in $(seq "$users"); do
	"$BIN/hss-ctl" --db "$WORK/db/hss.db" add --impi "bench$i@$REALM" \
	    --impu "sip:bench$i@$REALM" --k "$K" --op "$OP" >/dev/null ||
	    die "hss-ctl add"
done
t1=$(date +%s.%N)
echo "# $users subscribers provisioned in $(echo "$t1 - $t0" | bc) s"

echo "# Ub: $boots bootstraps, $threads clients, $users users"
ip netns exec "$NS_A" "$BIN/gba_bench" bootstrap --bsf "http://$IP_B:8080/" \
    --realm "$BSFNAME" --naf "$NAF" --impi "bench%d@$REALM" \
    --users "$users" --k "$K" --op "$OP" --count "$boots" \
    --threads "$threads" | sed 's/^/bootstrap_/'

out=$(ip netns exec "$NS_A" "$BIN/ims-ue" gba-bootstrap \
    --impi "bench1@$REALM" --k "$K" --op "$OP" --bsf "http://$IP_B:8080/" \
    --realm "$BSFNAME" --naf "$NAF") || die "ims-ue gba-bootstrap"
BTID=$(sed -n 's/^btid=//p' <<<"$out") KS=$(sed -n 's/^ks_naf_b64=//p' <<<"$out")
DOC=https://$IP_B:8443/simservs.ngn.etsi.org/users/sip:bench1@$REALM/simservs.xml
printf '%s\n' '<?xml version="1.0" encoding="UTF-8"?>' \
    '<simservs xmlns="http://uri.etsi.org/ngn/params/xml/simservs/xcap">' \
    '  <communication-diversion active="true"/>' '</simservs>' >doc.xml
ip netns exec "$NS_A" "$BIN/ims-ue" ut put --url "$DOC" --btid "$BTID" \
    --ks-naf-b64 "$KS" --cacert naf.pem --body doc.xml \
    --content-type application/simservs+xml >/dev/null || die "ims-ue ut put"
ut() {
	ip netns exec "$NS_A" "$BIN/gba_bench" ut --url "$DOC" --btid "$BTID" \
	    --ks-naf-b64 "$KS" --identity "sip:bench1@$REALM" \
	    --cacert naf.pem --count "$uts" --threads "$threads" "$@"
}
echo "# Ut: $uts authenticated GETs, $threads clients, kept-alive connections"
ut | sed 's/^/ut_/'
echo "# Ut: $uts authenticated GETs, $threads clients, a TLS handshake each"
ut --new-connection | sed 's/^/ut_newconn_/'
for d in hss bsf naf xcap; do
	grep -c ' ERROR: ' "$d.log" | sed "s/^/errors_in_${d}_log=/"
done
