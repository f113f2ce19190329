#!/bin/bash
# hss-mar-bench.sh [USERS [MARS [CLIENTS [WINDOW]]]] - the hss's MAR
# throughput over Cx (tests/topo/topo_lib.sh: hss in namespace A, SQLite
# store on disk in WORK; CLIENTS cxclient mar-load peers in B, each its own
# connection with WINDOW MARs outstanding, MARS MARs each over USERS
# subscribers).  Prints MARs/s, then the same run again under strace
# counting the hss's fsync/fdatasync calls: fsyncs per MAR; and the hss's
# CPU time per MAR (/proc/PID/stat) in the first run.  Env:
# BUILD_DIR (default build), HSS_OPTS (extra -o KEY=VALUE for the hss),
# HSS_BACKEND=pg (a private PostgreSQL store instead).  Asserts nothing;
# needs root; takes /tmp/imssec-topo.lock like the topo tests.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
users=${1:-200} mars=${2:-2000} clients=${3:-4} window=${4:-8}
BUILD_DIR=${BUILD_DIR:-$root/build}
BIN=$BUILD_DIR/bin
exec 9>/tmp/imssec-topo.lock
flock 9
. "$root/tests/topo/topo_lib.sh"
for b in hss hss-ctl cxclient; do
	[ -x "$BIN/$b" ] || die "not built: $BIN/$b"
done
need ss strace
HSS=$BIN/hss

WORK=${TMPDIR:-/tmp}/ims-hss-mar-bench
work_dir "$WORK"
K=465b5ce8b199b49faa5f0a2ee238a6bc
OP=cdc202d5123e20f62b6d676ac72cb318
topo_up
hss_store "$WORK"
peers=()
for c in $(seq "$clients"); do
	peers+=(-o "diameter.accept=c$c.$REALM@$IP_B"
		-o "scscf=sip:scscf.$REALM@c$c.$REALM")
	cli_conf "c$c.conf" "c$c.$REALM" diameter.timeout=10000
done
# shellcheck disable=SC2086  # HSS_OPTS: words on purpose
lab_conf "$HSS" hss hss.conf -o diameter.identity="hss.$REALM" \
	-o diameter.extensions-dir="$FD_EXT" -o db="$DB" -o log-level=warn \
	"${peers[@]}" ${HSS_OPTS:-}
for i in $(seq "$users"); do
	"$BIN/hss-ctl" --db "$DB" add --impi "u$i@$REALM" \
		--impu "sip:u$i@$REALM" --k "$K" --op "$OP" >/dev/null ||
		die "hss-ctl add"
done
hss_start

# run: CLIENTS mar-load at once; prints their summed MARs and the rate.
run() {
	local c t0 t1 ok=0 n cpids=()
	t0=$(date +%s.%N)
	for c in $(seq "$clients"); do
		ip netns exec "$NS_B" "$BIN/cxclient" -c "c$c.conf" mar-load \
			--users "$users" --count "$mars" --window "$window" \
			>"load$c.out" 2>>cxclient.err &
		cpids+=("$!")
	done
	wait "${cpids[@]}"
	t1=$(date +%s.%N)
	for c in $(seq "$clients"); do
		n=$(sed -n 's/.* ok=\([0-9]*\) .*/\1/p' "load$c.out")
		ok=$((ok + ${n:-0}))
	done
	RUN_OK=$ok
	echo "$ok MARs answered 2001 of $((clients * mars)) in" \
		"$(echo "$t1 - $t0" | bc) s: $(echo "$ok / ($t1 - $t0)" | bc) MARs/s" \
		"(incl. the clients' start)"
	cat load*.out | grep '^mars=' | sed 's/^/  client: /'
}

# cpu: the hss's user+system CPU time so far, in clock ticks.
cpu() {
	awk '{ print $14 + $15 }' "/proc/$HSS_PID/stat"
}

echo "hss-mar-bench: $users users, $clients clients x $mars MARs, window $window, store ${HSS_BACKEND:-sqlite}"
c0=$(cpu)
run
c1=$(cpu)
echo "hss CPU: $(echo "scale=3; ($c1 - $c0) * 1000 / $(getconf CLK_TCK) / ($RUN_OK + 0.0001)" | bc) ms per MAR"
strace -q -f -c -e trace=fsync,fdatasync -o strace.out -p "$HSS_PID" 2>/dev/null &
SPID=$!
sleep 1
run
kill -INT "$SPID"
wait "$SPID" 2>/dev/null
calls=$(awk '$NF == "fsync" || $NF == "fdatasync" { n += $4 } END { print n + 0 }' strace.out)
echo "under strace: $calls fsync+fdatasync for $RUN_OK MARs:" \
	"$(echo "scale=3; $calls / ($RUN_OK + 0.0001)" | bc) per MAR"
