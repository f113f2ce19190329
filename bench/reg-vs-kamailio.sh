#!/bin/bash
# reg-vs-kamailio.sh - IMS AKA registrations per second through our
# P/I/S-CSCF and through Kamailio 5.6's IMS P/I/S-CSCF (no IPsec, children=4
# each), side by side on the same machine and the same hss of ours (SQLite
# store on disk), Cx over TCP.  Every node in a network namespace of its own
# (prefix imskb-, 10.212.0.0/24): hss; pcscf, icscf, scscf (ours); kpcscf,
# kicscf, kscscf (Kamailio); ue (SIPp).  For each offered rate, SIPp runs the
# same scenario (tests/sip/reg.xml: REGISTER, 401, REGISTER with the AKA
# response, 200) on each chain in turn with a fresh slice of subscribers, so
# every registration is an initial one (UAR x2, MAR, SAR), for DURATION
# seconds, with a UE's retransmissions (T1 500 ms, T2 4 s, 7 of them), and
# prints per chain: completed reg/s (successful calls / wall time of the
# run), failed calls, retransmissions, p50/p99 of the latency from the first
# REGISTER to the 200 (per Call-ID, on the UE's wire), CPU-seconds per 1000 completed
# registrations of each hop (utime+stime of all the node's processes), and
# the ratio ours/Kamailio of completed reg/s; at the end the knee of each
# chain (its highest completed reg/s).  Prints figures; asserts nothing.
#
#   bench/reg-vs-kamailio.sh            as root, after a build
#
# Env: BUILD_DIR (default build), RATES (offered reg/s, default
# "50 100 200 350 500 700 1000"), DURATION (s per run, default 20), USERS
# (subscribers provisioned; default what the ramp needs, 2 x DURATION x the
# sum of RATES; fewer shortens every run in proportion), LAB_DIR (default
# /var/tmp/ims-reg-vs-kamailio: on disk, removed at exit unless KEEP=1),
# KAM_SHM (Kamailio's shared memory per instance in MB, default 256).
set -eu -o pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$root/build}
BIN=$BUILD_DIR/bin
RATES=${RATES:-50 100 200 350 500 700 1000}
DURATION=${DURATION:-20}
export LAB_PREFIX=imskb- LAB_NET=10.212.0 LAB_DIAMETER=tcp \
    LAB_DIR=${LAB_DIR:-/var/tmp/ims-reg-vs-kamailio} KAM_SHM=${KAM_SHM:-256}
KDIR=$root/bench/kamailio
# shellcheck source=../scripts/lablib.sh
. "$root/scripts/lablib.sh"
# shellcheck source=../scripts/kamlib.sh
. "$root/scripts/kamlib.sh"
D=$LAB_DOMAIN
# Keys without 0x00 and 0x5b bytes (SIPp takes them literally).
K=f1e2d3c4b5a69788796a4a4c3d2e1f01
OP=494d53414b41746573744f5030303136
AMF=8001

die() { echo "reg-vs-kamailio: $*" >&2; exit 1; }
lab_die() { die "lab: $*"; }
[ "$(id -u)" -eq 0 ] || die "needs root (network namespaces)"
for b in hss hss-ctl pcscf icscf scscf; do
	[ -x "$BIN/$b" ] || die "no $BIN/$b (build first, or set BUILD_DIR)"
done
for b in sipp kamailio unshare xargs; do
	command -v "$b" >/dev/null 2>&1 ||
	    die "missing $b (scripts/install-deps.sh test)"
done
kam_mpath || die "no Kamailio module directory (kamailio-ims-modules)"
for m in ims_icscf ims_auth ims_registrar_scscf ims_registrar_pcscf presence; do
	[ -f "$KAM_MPATH$m.so" ] || die "no Kamailio module $m" \
	    "(kamailio-ims-modules, kamailio-presence-modules)"
done
[[ $DURATION =~ ^[1-9][0-9]*$ ]] || die "DURATION: whole seconds"
sum=0 nrates=0
for r in $RATES; do
	[[ $r =~ ^[1-9][0-9]*$ ]] || die "RATES: whole reg/s, blank-separated"
	sum=$((sum + r)) nrates=$((nrates + 1))
done
[ "$nrates" -gt 0 ] || die "RATES is empty"
WARM=20				# per chain, before the ramp, not measured
need=$((2 * (DURATION * sum + WARM)))
USERS=${USERS:-$need}
if ! [[ $USERS =~ ^[0-9]+$ ]] || [ "$USERS" -lt $((4 * WARM)) ]; then
	die "USERS: at least $((4 * WARM))"
fi
# scale (per mille): each run registers rate x DURATION x scale users.
scale=1000
[ "$USERS" -lt "$need" ] &&
    scale=$(((USERS - 2 * WARM) * 1000 / (need - 2 * WARM)))

cleanup() {
	lab_cleanup
	if [ "${KEEP:-0}" = 1 ]; then
		echo "reg-vs-kamailio: kept $LAB_DIR"
	else
		rm -rf "$LAB_DIR"
	fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM
lab_cleanup
rm -rf "$LAB_DIR"
lab_conf_dir "$LAB_DIR"
lab_private_dir "$LAB_DIR/db"
lab_net_up hss scscf icscf pcscf kscscf kicscf kpcscf ue

# Subscribers bench1..benchUSERS, with hss-ctl add-range, before the hss
# starts (as ./lab does).
t0=$(date +%s.%N)
"$BIN/hss-ctl" --db "$LAB_DIR/db/hss.db" add-range --prefix bench --first 1 \
    --count "$USERS" --domain "$D" --k "$K" --op "$OP" --amf "$AMF" \
    >/dev/null || die "hss-ctl add-range failed"
awk -v n="$USERS" -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {
    printf "provisioned %d subscribers with hss-ctl in %.0f s\n", n, b - a }'

# Ours, configured as ./lab does (sec-agree off: no IPsec on either side),
# the pcscf's per-source challenge limit lifted (every REGISTER comes from
# SIPp's one address) and room for every UE; Kamailio's S-CSCF known to
# the hss as kscscf.
ip_of() { lab_ip "$1"; }
hss_ip=$(ip_of hss) sc=$(ip_of scscf) ic=$(ip_of icscf) pc=$(ip_of pcscf)
ksc=$(ip_of kscscf) kic=$(ip_of kicscf) kpc=$(ip_of kpcscf)
cx=(-o "diameter.connect=hss.$D@$hss_ip")
dia_hss=() dia_scscf=() dia_icscf=()
lab_dia_args dia_hss hss
lab_dia_args dia_scscf scscf
lab_dia_args dia_icscf icscf
lab_conf "$BIN/hss" hss "$LAB_DIR/hss.conf" "${dia_hss[@]}" \
    -o db="$LAB_DIR/db/hss.db" -o pid-file="$LAB_DIR/hss.pid" \
    -o diameter.accept="scscf.$D@$sc" -o diameter.accept="icscf.$D@$ic" \
    -o diameter.accept="kscscf.$D@$ksc" -o diameter.accept="kicscf.$D@$kic" \
    -o scscf="sip:$sc:6060@scscf.$D" -o scscf="sip:$ksc:6060@kscscf.$D"
lab_conf "$BIN/scscf" scscf "$LAB_DIR/scscf.conf" "${dia_scscf[@]}" \
    "${cx[@]}" -o listen="$sc:6060" -o domain="$D" -o name="sip:$sc:6060" \
    -o db="$LAB_DIR/db/scscf.db" -o pid-file="$LAB_DIR/scscf.pid" \
    -o trusted-peer="$pc" -o trusted-peer="$ic"
lab_conf "$BIN/icscf" icscf "$LAB_DIR/icscf.conf" "${dia_icscf[@]}" \
    "${cx[@]}" -o listen="$ic:4060" -o domain="$D" \
    -o scscf="sip:$sc:6060=1,2" -o pid-file="$LAB_DIR/icscf.pid" \
    -o trusted-peer="$pc" -o trusted-peer="$sc"
lab_conf "$BIN/pcscf" pcscf "$LAB_DIR/pcscf.conf" -o listen="$pc:5060" \
    -o icscf="sip:$ic:4060" -o visited="$D" -o pid-file="$LAB_DIR/pcscf.pid" \
    -o trusted-peer="$ic" -o trusted-peer="$sc" -o sec-agree=off \
    -o register-burst=16777216 -o register-rate=16777216 \
    -o max-ues=$((USERS + 1024))
for n in hss scscf icscf pcscf; do
	lab_start "$n" "$n" "$BIN/$n" -c "$LAB_DIR/$n.conf"
	if [ "$n" = hss ]; then
		lab_wait_listen hss t 3868 hss
	else
		lab_wait_listen "$n" u "$(lab_port "$n")" "$n"
	fi
	lab_wait_running "$n"
done

# Kamailio: configurations from bench/kamailio/ (@...@ filled here).
kam_render() {	# TEMPLATE OUT NODE
	local su="sip:$ksc:6060"
	sed -e "s|@IP@|$(lab_ip "$3")|g" -e "s|@PORT@|$(lab_port "$3")|g" \
	    -e "s|@NODE@|$3|g" -e "s|@DOMAIN@|$D|g" \
	    -e "s|@MPATH@|$KAM_MPATH|g" -e "s|@DIR@|$LAB_DIR/$3|g" \
	    -e "s|@XSD@|$KAM_XSD|g" -e "s|@SCSCF_URI@|$su|g" \
	    -e "s|@SCSCF_URI_ESC@|${su//:/\\\\:}|g" \
	    -e "s|@ICSCF_IP@|$kic|g" -e "s|@ICSCF_PORT@|$(lab_port kicscf)|g" \
	    "$1" >"$2" || die "render $1"
}
for n in kscscf kicscf kpcscf; do
	d=$LAB_DIR/$n
	mkdir -p "$d/icscf_db"
	kam_render "$KDIR/${n#k}.cfg" "$d/kamailio.cfg" "$n"
	kam_render "$KDIR/cdp.xml" "$d/cdp.xml" "$n"
	if [ "$n" = kicscf ]; then
		for f in "$KDIR"/icscf_db/*; do
			kam_render "$f" "$d/icscf_db/${f##*/}" "$n"
		done
	fi
	kam_start "$n" "$n" "$d" "$(lab_port "$n")"
done
kam_wait_cx scscf icscf kscscf kicscf >/dev/null ||
    die "Cx links to the hss not up within 45 s (logs: KEEP=1, $LAB_DIR)"

# The scenario of tests/sip/reg.xml with the user from the injection file
# (SIPp expands no keyword inside [authentication ...]: the whole keyword
# comes from the file), no check of the Service-Route's user part
# (Kamailio's differs), and a UE's answer to a second challenge (a 401 to
# the REGISTER with the response: Kamailio 5.6 sometimes re-challenges an
# immediate one, see the shared notes): the response to the new challenge.
sed -e 's/@USER@/[field0]/g' -e "s/@DOMAIN@/$D/g" -e 's/@EXPIRES@/600/g' \
    -e 's/regexp="\[field0\]@/regexp="@/' \
    -e 's/^\[authentication .*\]$/[field1]/' \
    -e '/header="Service-Route:"/d' \
    -e 's/<Reference variables="sr,pau"\/>/<Reference variables="pau"\/>/' \
    -e 's|<recv response="401" auth="true"/>|&\n  <label id="auth"/>|' \
    -e 's|<recv response="403" optional="true" next="retry"/>|<recv response="401" optional="true" auth="true" next="auth"/>\n  &|' \
    "$root/tests/sip/reg.xml" >"$LAB_DIR/reg.xml"

next=1		# the next fresh subscriber
# slice FILE N: an injection file with the next N subscribers.
slice() {
	awk -v a="$next" -v n="$2" -v d="$D" -v k="$K" -v op="$OP" \
	    -v amf="$AMF" 'BEGIN { print "SEQUENTIAL"
	    for (i = a; i < a + n; i++)
		printf "bench%d;[authentication username=bench%d@%s " \
		    "aka_K=0x%s aka_OP=0x%s aka_AMF=0x%s]\n", i, i, d, k, op, amf
	    }' >"$1"
	next=$((next + $2))
}

# ticks NODE: CPU time (utime + stime, clock ticks) of every process in
# NODE's namespace (Kamailio's are many: all of them).
ticks() {
	local p t=0 s f
	for p in $(ip netns pids "$(lab_ns "$1")"); do
		s=$(cat "/proc/$p/stat" 2>/dev/null) || continue
		read -ra f <<<"${s##*) }"
		t=$((t + f[11] + f[12]))
	done
	echo "$t"
}
HZ=$(getconf CLK_TCK)

# run CHAIN RATE CALLS: one SIPp run; sets the globals of its result line.
run() {
	local chain=$1 rate=$2 m=$3 dst=$pc pfx="" n w
	[ "$chain" = kamailio ] && { dst=$kpc; pfx=k; }
	local dir=$LAB_DIR/run-$chain-$rate
	mkdir -p "$dir"
	cp "$LAB_DIR/reg.xml" "$dir/reg.xml"
	slice "$dir/users.csv" "$m"
	local -A c0 c1
	for n in pcscf icscf scscf; do c0[$n]=$(ticks "$pfx$n"); done
	c0[hss]=$(ticks hss)
	# The UE's wire, for the latencies: SIPp's clock ticks in jiffies (4
	# ms here), the capture's in microseconds.
	: >"$LAB_DIR/cap.log"
	lab_start ue cap tcpdump -i eth0 -n -s 0 -B 32768 -w "$dir/ue.pcap" \
	    udp port 5099
	for _ in $(seq 50); do
		grep -q 'listening on' "$LAB_DIR/cap.log" && break
		sleep 0.1
	done
	local t0 t1
	t0=$(date +%s.%N)
	# -l: room for every call for as long as a UE tries (Timer F, 32 s).
	# -bye off: a call ended by a 503 sends no BYE (a UE sends none).
	(cd "$dir" && lab_in ue timeout $((DURATION + 120)) sipp -sf reg.xml \
	    -inf users.csv "$dst:5060" -i "$(lab_ip ue)" -p 5099 -m "$m" \
	    -r "$rate" -rp 1000 -l $((rate * 32 + 100)) -nostdin \
	    -auth_uri "$D" -max_non_invite_retrans 7 -T2 4000 \
	    -timeout $((DURATION + 90))s -trace_stat -stf stat.csv -fd 1 \
	    -trace_err -error_file sipp.err -default_behaviors all,-bye \
	    >sipp.out 2>&1) || true
	t1=$(date +%s.%N)
	for n in pcscf icscf scscf; do c1[$n]=$(ticks "$pfx$n"); done
	c1[hss]=$(ticks hss)
	kill -INT "$(lab_pid cap)" 2>/dev/null || true
	for _ in $(seq 50); do
		kill -0 "$(lab_pid cap)" 2>/dev/null || break
		sleep 0.1
	done
	rm -f "$LAB_DIR/cap.pid"
	DROP=$(sed -n 's/^\([0-9]*\) packets\{0,1\} dropped by kernel$/\1/p' \
	    "$LAB_DIR/cap.log")
	[ "${DROP:-0}" = 0 ] || echo "note: $chain at $rate/s: the capture" \
	    "dropped $DROP packets (latencies of some calls missing)" >&2
	# SIPp's cumulative counters, by name, in the last line.
	col() { awk -F';' -v k="$1" 'NR == 1 { for (i = 1; i <= NF; i++)
	    if ($i == k) c = i } END { print (c ? $c : 0) + 0 }' "$dir/stat.csv"; }
	OK=$(col 'SuccessfulCall(C)') FAIL=$(col 'FailedCall(C)')
	RETX=$(col 'Retransmissions(C)')
	REGS=$(awk -v s="$OK" -v a="$t0" -v b="$t1" \
	    'BEGIN { printf "%.1f", s / (b - a) }')
	# Latencies (ms) of every successful call: from its first REGISTER
	# to its first 200, by Call-ID, on the UE's wire.
	tshark -r "$dir/ue.pcap" -Y sip -T fields -E separator=';' \
	    -e frame.time_epoch -e sip.Call-ID -e sip.Method -e sip.Status-Code \
	    -e sip.CSeq.seq >"$dir/sip.txt" 2>/dev/null || true
	# Calls challenged more than once (not counting a retransmitted 401).
	RECH=$(awk -F';' '$4 == "401" && !(($2, $5) in seen) { seen[$2, $5]
	    n[$2]++ } END { for (k in n) c += (n[k] > 1); print c + 0 }' \
	    "$dir/sip.txt")
	read -r P50 P99 < <(awk -F';' '
	    $3 == "REGISTER" && !($2 in s) { s[$2] = $1 }
	    $4 == "200" && ($2 in s) && !($2 in e) { e[$2] = $1 }
	    END { for (k in e) printf "%.3f\n", (e[k] - s[k]) * 1000 }' \
	    "$dir/sip.txt" |
	    sort -n | awk '{ v[NR] = $1 } END { if (!NR) { print "- -"; exit }
	    i = int(NR * 0.5 + 0.999); j = int(NR * 0.99 + 0.999)
	    printf "%.1f %.1f\n", v[i], v[j] }')
	CPU=() TOT=0
	for n in pcscf icscf scscf hss; do
		w=$(awk -v d=$((c1[$n] - c0[$n])) -v s="$OK" -v hz="$HZ" \
		    'BEGIN { printf "%.2f", s ? d / hz * 1000 / s : 0 }')
		CPU+=("$w")
		TOT=$(awk -v a="$TOT" -v b="$w" 'BEGIN { printf "%.2f", a + b }')
	done
}

fmt='%-8s %6s %-8s %7s %6s %6s %6s %5s %7s %7s %6s %6s %6s %6s %6s\n'
line() {	# CHAIN RATE CALLS
	# shellcheck disable=SC2059  # the one format above
	printf "$fmt" "$2" "$3" "$1" "$REGS" "$OK" \
	    "$FAIL" "$RETX" "$RECH" "$P50" "$P99" "${CPU[@]}" "$TOT"
}

# Warm-up (not counted): a few registrations through each chain, which
# must succeed, else the chain is broken and the ramp is pointless.
# (Twice: SIPp 3.6.1 once quit at its first call with "Syntax error or
# invalid [keyword] in scenario while parsing ''", sending nothing.)
for chain in ours kamailio; do
	for try in 1 2; do
		run "$chain" 10 "$WARM"
		rm -rf "$LAB_DIR/warm-$chain"
		mv "$LAB_DIR/run-$chain-10" "$LAB_DIR/warm-$chain"
		[ "$OK" -gt 0 ] && break
		echo "note: $chain: warm-up try $try: no registration passed" >&2
	done
	[ "$OK" -gt 0 ] || die "$chain: no registration passed the warm-up" \
	    "(KEEP=1, then $LAB_DIR/warm-$chain/sipp.out and the logs)"
done

echo "reg-vs-kamailio: $((next - 1)) of $USERS subscribers used in the warm-up;" \
    "runs of $((DURATION * scale / 1000)) s; hss store on $(df --output=fstype "$LAB_DIR" | tail -n 1)"
echo "pcscf..hss: CPU-seconds per 1000 completed registrations; 2x401: calls" \
    "challenged more than once (a re-challenge, or SIPp's own retry after a" \
    "403 to its wrong RES, ~3%); p50, p99: ms from the first REGISTER to the 200"
# shellcheck disable=SC2059
printf "$fmt" offered calls chain "reg/s" ok failed retx 2x401 p50 p99 \
    pcscf icscf scscf hss chain
declare -A KNEE KNEE_AT
for rate in $RATES; do
	m=$(((rate * DURATION * scale + 999) / 1000))
	[ "$m" -ge 1 ] || m=1
	ours=0
	for chain in ours kamailio; do
		sleep 2		# the previous run's last retransmissions
		run "$chain" "$rate" "$m"
		line "$chain" "$rate" "$m"
		[ "$chain" = ours ] && ours=$REGS
		if awk -v a="$REGS" -v b="${KNEE[$chain]:-0}" 'BEGIN { exit !(a > b) }'; then
			KNEE[$chain]=$REGS KNEE_AT[$chain]=$rate
		fi
	done
	awk -v a="$ours" -v b="$REGS" -v r="$rate" 'BEGIN {
	    printf "%-9s ratio ours/kamailio (completed reg/s): %s\n", r,
	    (b > 0 ? sprintf("%.2f", a / b) : "-") }'
done
for chain in ours kamailio; do
	echo "knee $chain: ${KNEE[$chain]:-0} reg/s completed (offered ${KNEE_AT[$chain]:--})"
done
awk -v a="${KNEE[ours]:-0}" -v b="${KNEE[kamailio]:-0}" 'BEGIN {
    printf "knee ratio ours/kamailio: %s\n",
    (b > 0 ? sprintf("%.2f", a / b) : "-") }'
