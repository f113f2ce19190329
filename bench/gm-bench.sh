#!/bin/bash
# gm-bench.sh [SETS [IP_SETS [REGS]]] - what Gm IPsec (TS 33.203 7) costs:
#
#  1. SA sets (4 SAs + 8 policies, the P-CSCF's side) per second:
#     bench/gm_sa_bench SETS through common/ipsec/gm_sa (alloc SPIs +
#     install + remove, as pcscf_gm.c does; also with fixed SPIs, and N
#     sets held at once), against the same fixed-SPI sets written as
#     `ip xfrm` lines (gm_sa_bench --ip-cmds) run with one `ip` process per
#     line (IP_SETS sets) and as one `ip -batch` (SETS sets);
#  2. registrations per second through the lab's pcscf (sec-agree
#     optional), REGS with `ims-ue register` (no offer: no IPsec) and REGS
#     with `ims-ue register --ipsec` (sec-agree, 401 in clear, the UE's and
#     the pcscf's sets, the rest over ESP), alternating, one at a time, each
#     its own subscriber; latency = the wall time of one ims-ue run (its
#     process start included), p50 and p99.
# Defaults: SETS 500, IP_SETS 20, REGS 50.  Runs where the kernel has ESP:
# natively, or in Debian's 6.1 kernel under qemu (tests/kernel/kernel_test.sh
# decides; IMS_KERNEL_MODE=native|vm forces).  Needs root and a build in
# BUILD_DIR (default build; scripts/build.sh).  A benchmark: no timing is
# judged, but any failure (an xfrm error, a registration that is not 200,
# SAs missing at the pcscf) stops it with exit 1.  Under TCG, figures are
# far below native ones; compare the rows of one run, not runs.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)

if [ "${1:-}" != --in-kernel ]; then		# the host side: pick the kernel
	build=$(cd "${BUILD_DIR:-$root/build}" && pwd -P)
	[ -x "$build/bin/gm_sa_bench" ] || {
		echo "gm-bench: no $build/bin/gm_sa_bench (scripts/build.sh)" >&2
		exit 2
	}
	cd "$root"
	exec tests/kernel/kernel_test.sh "$root/bench/gm-bench.sh" --in-kernel \
	    "$build" "${1:-500}" "${2:-20}" "${3:-50}"
fi

# ---- in a kernel with ESP ----
build=$2 sets=$3 ip_sets=$4 regs=$5
BIN=$build/bin
work=$(mktemp -d "${TMPDIR:-/tmp}/gm-bench.XXXXXX")
die() { echo "gm-bench: FATAL: $*" >&2; exit 1; }
ms() { date +%s%N | awk '{ printf "%.3f", $1 / 1e6 }'; }	# a clock in ms
sub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a - b }'; }
# val FILE PASS KEY: KEY= of the block of gm_sa_bench output for PASS.
val() {
	awk -F= -v p="$2" -v k="$3" '$1 == "pass" { in_p = ($2 == p) }
	    in_p && $1 == k { print $2; exit }' "$1"
}
row() { printf '  %-44s %9s %9s %9s\n' "$@"; }
# setrow NAME SETS MS: one row from a count and a time in ms.
setrow() {
	awk -v n="$1" -v s="$2" -v t="$3" 'BEGIN { printf "  %-44s %9.1f %9.1f %9.3f\n",
	    n, s / (t / 1e3), 4 * s / (t / 1e3), t / s }'
}

echo "gm-bench: $(uname -r) (${IMS_KERNEL_MODE_USED:-native}), $(nproc) CPUs," \
    "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"

# ---- 1. SA sets ----
"$BIN/gm_sa_bench" "$sets" >"$work/gm_sa.out" || die "gm_sa_bench failed"
"$BIN/gm_sa_bench" --ip-cmds "$sets" "$work/ip.batch" || die "gm_sa_bench --ip-cmds"
# The per-process run takes the first IP_SETS sets (24 lines each).
head -n $((ip_sets * 24)) "$work/ip.batch" >"$work/ip.each"
# One `ip` per line, in a namespace of its own (unshare: nothing left).
t0=$(ms)
# shellcheck disable=SC2016 # $l expands in the inner shell
unshare -n bash -c 'while read -r l; do ip $l || exit 1; done' <"$work/ip.each" ||
	die "ip xfrm, one command per process, failed"
t1=$(ms)
unshare -n ip -batch "$work/ip.batch" || die "ip -batch failed"
t2=$(ms)
# The same lines by kind, one `ip -batch` each (all sets in, then all out),
# in one namespace: where ip's time goes.
for k in "state add" "policy add" "state delete" "policy delete"; do
	grep "^xfrm $k " "$work/ip.batch" >"$work/ip.${k/ /-}"
done
# shellcheck disable=SC2016 # expanded by the inner shell
unshare -n bash -c 'for f in "$@"; do
	a=$(date +%s%N); ip -batch "$f" || exit 1; b=$(date +%s%N)
	echo "$(( (b - a) / 1000 ))"; done' - "$work"/ip.{state-add,policy-add,state-delete,policy-delete} \
    >"$work/ip.kinds" || die "ip -batch by kind failed"

echo
echo "SA sets, P-CSCF side (4 SAs + 8 policies; hmac-sha-1-96 + aes-cbc):"
row "" "sets/s" "SAs/s" "ms/set"
for p in "gm_sa alloc+install+remove" "gm_sa install+remove (fixed SPIs)"; do
	row "$p" "$(val "$work/gm_sa.out" "$p" sets_per_s)" \
	    "$(val "$work/gm_sa.out" "$p" sas_per_s)" \
	    "$(val "$work/gm_sa.out" "$p" ms_per_set)"
done
setrow "ip xfrm, 1 process/command (24/set)" "$ip_sets" "$(sub "$t1" "$t0")"
setrow "ip -batch (24 lines/set)" "$sets" "$(sub "$t2" "$t1")"
for p in "gm_sa install of N kept sets" "gm_sa remove of N kept sets"; do
	row "${p/N/$sets}" "$(val "$work/gm_sa.out" "$p" sets_per_s)" \
	    "$(val "$work/gm_sa.out" "$p" sas_per_s)" \
	    "$(val "$work/gm_sa.out" "$p" ms_per_set)"
done
awk -v n="$sets" 'BEGIN { split("state-add policy-add state-delete policy-delete", k) }
    { printf "%s%s %.3f", (NR > 1 ? ", " : "  (ip -batch by kind, ms/line: "), k[NR],
      $1 / 1e3 / (n * (NR % 2 ? 4 : 8)) } END { print ")" }' "$work/ip.kinds"
p="gm_sa alloc+install+remove"
echo "  (pcscf path per set: alloc $(val "$work/gm_sa.out" "$p" ms_alloc) ms," \
    "install $(val "$work/gm_sa.out" "$p" ms_install) ms," \
    "remove $(val "$work/gm_sa.out" "$p" ms_remove) ms; $sets sets," \
    "ip: $ip_sets sets one process per command)"

# ---- 2. registrations with and without IPsec ----
# LAB_DIR apart from $work (0700): the pcscf re-reads its file as imssec.
export LAB_PREFIX=imsgb- LAB_NET=10.209.0 LAB_DIR=${TMPDIR:-/tmp}/ims-gm-bench
export LAB_SEC_AGREE=optional
export BUILD_DIR=$build
lab=$root/lab
trap '"$lab" down >/dev/null 2>&1' EXIT
"$lab" up >"$work/lab-up.log" 2>&1 || { cat "$work/lab-up.log"; die "./lab up"; }
eval "$("$lab" env)"
[ "$SEC_AGREE" = optional ] || die "the lab's pcscf has sec-agree $SEC_AGREE"
# Every UE comes from one address: lift the pcscf's per-source challenge
# limit (register-rate/-burst, re-read on SIGHUP), as reg-bench.sh does.
sed -i -e 's/^register-burst = .*/register-burst = 16777216/' \
    -e 's/^register-rate = .*/register-rate = 16777216/' "$LAB_DIR/pcscf.conf"
kill -HUP "$(cat "$LAB_DIR/pcscf.pid")"
for _ in $(seq 100); do
	grep -q 'challenges per source: 16777216' "$LAB_DIR/pcscf.log" && break
	sleep 0.1
done
grep -q 'challenges per source: 16777216' "$LAB_DIR/pcscf.log" ||
	die "the pcscf did not take the lifted register limit"
for i in $(seq "$regs"); do
	for k in p s; do
		"$BIN/hss-ctl" --db "$HSS_DB" add --impi "gb$k$i@$DOMAIN" \
		    --impu "sip:gb$k$i@$DOMAIN" --k "$DEMO_K" --op "$DEMO_OP" \
		    --amf "$DEMO_AMF" >/dev/null || die "hss-ctl add gb$k$i"
	done
done

# reg KIND I [ims-ue options]: one registration of subscriber gbKIND$I,
# its time in ms appended to $work/KIND.ms; anything but 200 is fatal.
reg() {
	local k=$1 i=$2 t0 t1 out
	shift 2
	t0=$(ms)
	if ! out=$(ip netns exec "$UE_NS" "$BIN/ims-ue" register \
	    --impi "gb$k$i@$DOMAIN" --impu "sip:gb$k$i@$DOMAIN" --k "$DEMO_K" \
	    --op "$DEMO_OP" --pcscf "$PCSCF_ADDR:$PCSCF_PORT" \
	    --state "$work/gb$k$i.usim" "$@" 2>&1) ||
	    ! grep -q '^result=registered$' <<<"$out"; then
		echo "$out" >&2
		tail -n 20 "$LAB_DIR/pcscf.log" >&2
		die "registration $k$i failed"
	fi
	t1=$(ms)
	sub "$t1" "$t0" >>"$work/$k.ms"
	echo >>"$work/$k.ms"
}
for i in $(seq "$regs"); do		# alternating: drift hits both alike
	reg p "$i"
	reg s "$i" --ipsec --port-uc $((20000 + 2 * i)) --port-us $((20001 + 2 * i))
done
# Every IPsec UE's set is still up at the pcscf (4 SAs each; SPI 0 is an
# acquire state, nobody's SA).
n=$(ip -n "${LAB_PREFIX}pcscf" xfrm state | grep -c 'proto esp spi 0x[0-9a-f]*[1-9a-f]')
[ "$n" -eq $((4 * regs)) ] || die "the pcscf holds $n SAs, expected $((4 * regs))"

# stats KIND: count, registrations/s, p50, p99 (nearest rank) in ms.
stats() {
	sort -n "$work/$1.ms" | awk '{ v[NR] = $1; s += $1 }
	    END { p50 = v[int((NR * 50 + 99) / 100)]; p99 = v[int((NR * 99 + 99) / 100)]
		  printf "%9d %9.2f %9.1f %9.1f\n", NR, NR / (s / 1e3), p50, p99 }'
}
echo
echo "Registrations through the lab's pcscf (sec-agree optional), IMS AKA, one at a time:"
printf '  %-44s %9s %9s %9s %9s\n' "" n "regs/s" "p50 ms" "p99 ms"
printf '  %-44s %s\n' "ims-ue register (no IPsec)" "$(stats p)"
printf '  %-44s %s\n' "ims-ue register --ipsec (4+4 SAs installed)" "$(stats s)"
echo "  (pcscf holds $n SAs of the $regs IPsec UEs afterwards)"
"$lab" down >/dev/null 2>&1
trap - EXIT
rm -rf "$work"
