#!/bin/bash
# ike-vs-strongswan.sh [BUILD_DIR] - IKE_SA + CHILD_SA establishments per
# second, our seg against strongSwan's charon (5.9), in the same run,
# where the kernel has ESP: run as root on such a kernel, or through
# tests/kernel/kernel_test.sh (this script calls itself through it when
# not already under it, so the qemu guest is used where the host lacks ESP).
#
# Two namespaces joined by a veth (outer 10.49.0.1 <-> 10.49.0.2), the
# initiator in A, the responder in B, PSK, the same transforms on every
# side.  Pairs (PAIRS, default all four), each with fresh daemons:
#   seg-seg      our initiator, our responder
#   swan-swan    charon initiates, charon responds
#   seg-swan     ours initiates, charon responds (interop)
#   swan-seg     charon initiates, ours responds (interop)
# After WARM (3) unmeasured ones, bench/ike_drive.py does N establishments
# one after the other, each: initiate; wait until the initiator's CHILD_SA
# is installed (latency); delete the IKE SA; wait until the responder holds
# none.  It drives both daemons over their own sockets (the seg's control
# socket, charon's vici), so no tool's start-up is measured.  Printed per
# pair: total s, establishments/s, latency mean/p50/p99 (ms), CPU-seconds
# of the initiator's and the responder's daemon per 1000 establishments
# (/proc/PID/stat utime+stime), then the ratios ours/strongSwan (seg-seg
# over swan-swan).  Prints figures; asserts nothing.
#
# Env: N (default 50), WARM (default 3), SUITE=gcm (default: IKE
# aes128gcm16-prfsha256-ecp256, ESP aes128gcm16) | cbc (IKE
# aes128-sha256-modp2048, ESP aes128-sha256), PAIRS, POLL_MS (the seg's
# list poll, default 1), BUILD_DIR (default build).
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
BUILD=$(cd "${1:-${BUILD_DIR:-$root/build}}" && pwd -P) ||
	{ echo "ike-vs-strongswan: no build directory" >&2; exit 2; }
BIN=$BUILD/bin
if [ -z "${IMS_KERNEL_MODE_USED:-}" ]; then
	exec "$root/tests/kernel/kernel_test.sh" "$root/bench/ike-vs-strongswan.sh" "$BUILD"
fi
here=$root/tests/kernel
PY=/usr/bin/python3
N=${N:-50} SUITE=${SUITE:-gcm}
PAIRS=${PAIRS:-seg-seg swan-swan seg-swan swan-seg}
A=imsIA$$ B=imsIB$$
# shellcheck source=../tests/kernel/klib.sh
. "$here/klib.sh"
# shellcheck source=../tests/kernel/swanlib.sh
. "$here/swanlib.sh"
klib_init ims-ikebench
need openssl
for b in seg seg-ctl; do [ -x "$BIN/$b" ] || die "no $BIN/$b (build first)"; done
[[ $N =~ ^[1-9][0-9]*$ ]] || die "N: a whole number of establishments"
case $SUITE in
gcm) IKEP=aes128gcm16-prfsha256-ecp256 ESPP=aes128gcm16 ;;
cbc) IKEP=aes128-sha256-modp2048 ESPP=aes128-sha256 ;;
*) die "SUITE: gcm or cbc" ;;
esac

declare -A OUTER=([a]=10.49.0.1 [b]=10.49.0.2) NET SOCK PID LOG
NET=([a]=192.168.231.0/24 [b]=192.168.232.0/24)
netns_pair "$A" va "${OUTER[a]}/24" "$B" vb "${OUTER[b]}/24" || die "no namespaces"
xfrm_warm "$A"
xfrm_warm "$B"
PSK=0x$(openssl rand -hex 32)

# ns SIDE / other SIDE
ns() { if [ "$1" = a ]; then echo "$A"; else echo "$B"; fi; }
other() { if [ "$1" = a ]; then echo b; else echo a; fi; }

# seg_up SIDE: our seg on SIDE (bg seg$SIDE), peer "bench" = the other
# side, never initiating on its own; sets SOCK[SIDE] and PID[SIDE].
seg_up() {
	local s=$1 o c
	o=$(other "$s")
	c=$work/seg$s.conf
	{
		echo "local = ${OUTER[$s]}"
		echo "identity = $s.bench.test"
		echo "peer = bench address=${OUTER[$o]} id=$o.bench.test auth=psk psk=$PSK local-subnet=${NET[$s]} remote-subnet=${NET[$o]} initiate=no"
		echo "ike-proposal = $IKEP"
		echo "esp-proposal = $ESPP"
		echo "ctl-socket = $work/seg$s.ctl"
		echo "dpd-delay = 0"
	} >"$c"
	"$BIN/seg" -n -c "$c" >"$work/seg$s.n" 2>&1 || die "seg -n: $(cat "$work/seg$s.n")"
	rm -f "$work/seg$s.pid"
	bg "$(ns "$s")" "seg$s" /bin/sh -c "exec '$BIN/seg' -c '$c' >>'$work/seg$s.log' 2>&1"
	for _ in $(seq 100); do
		"$BIN/seg-ctl" -s "$work/seg$s.ctl" list >/dev/null 2>&1 && break
		sleep 0.1
	done
	"$BIN/seg-ctl" -s "$work/seg$s.ctl" list >/dev/null 2>&1 ||
		die "seg $s: no control socket: $(tail -3 "$work/seg$s.log")"
	SOCK[$s]=$work/seg$s.ctl
	LOG[$s]=$work/seg$s.log
	PID[$s]=$(cat "$work/seg$s.pid")
}

# swan_up SIDE: charon on SIDE (bg swan$SIDE), connection "bench".
swan_up() {
	local s=$1 o d=$work/swan$1$RANDOM
	o=$(other "$s")
	swan_init "$d"
	# charon logs about as much per SA as our seg at info (ike = 1)
	sed -i 's/ike = 2/ike = 1/' "$d/strongswan.conf"
	cat >"$d/swanctl.conf" <<CONF
connections { bench { version = 2
  local_addrs = ${OUTER[$s]}
  remote_addrs = ${OUTER[$o]}
  proposals = $IKEP
  encap = no
  local { auth = psk
    id = $s.bench.test }
  remote { auth = psk
    id = $o.bench.test }
  children { bench { mode = tunnel
    esp_proposals = $ESPP
    local_ts = ${NET[$s]}
    remote_ts = ${NET[$o]}
    start_action = none } } } }
secrets {
  ike-bench { id-1 = a.bench.test
    id-2 = b.bench.test
    secret = $PSK }
}
CONF
	rm -f "$work/swan$s.pid"
	swan_start "$(ns "$s")" "$d" "swan$s"
	swan_load "$d"
	SOCK[$s]=$d/charon.vici
	LOG[$s]=$d/charon.log
	PID[$s]=$(cat "$work/swan$s.pid")
}

# daemon_check SIDE WANT: PID[SIDE] is the daemon itself (comm WANT).
daemon_check() {
	local p=${PID[$1]} comm
	comm=$(cat "/proc/$p/comm" 2>/dev/null)
	[ "$comm" = "$2" ] || die "side $1: pid $p is '$comm', not $2"
}

echo "ike-vs-strongswan: N=$N (+${WARM:-3} warm-up) SUITE=$SUITE: IKE $IKEP, ESP $ESPP, PSK"
echo "  kernel $(uname -r) (${IMS_KERNEL_MODE_USED}), $(nproc) CPUs, seg $BIN/seg, charon $(dpkg-query -W -f '${Version}' strongswan-charon 2>/dev/null)"
declare -A R
for pair in $PAIRS; do
	ik=${pair%-*} rk=${pair#*-}
	case "$ik $rk" in seg\ seg|seg\ swan|swan\ seg|swan\ swan) ;;
	*) die "PAIRS: seg-seg, swan-swan, seg-swan, swan-seg" ;; esac
	t0=$SECONDS
	"${rk}_up" b
	"${ik}_up" a
	daemon_check b "$([ "$rk" = seg ] && echo seg || echo charon)"
	daemon_check a "$([ "$ik" = seg ] && echo seg || echo charon)"
	out=$(WARM=${WARM:-3} $PY "$root/bench/ike_drive.py" "$N" \
	    "$ik" "${SOCK[a]}" "${PID[a]}" "$rk" "${SOCK[b]}" "${PID[b]}") ||
		die "$pair: the drive failed (logs in $work with KEEP_WORK=1)"
	R[$pair]=$out
	# what was negotiated, from the last IKE SA of each side's log
	for s in a b; do
		grep -E 'IKE SA .* established|selected proposal: IKE|CHILD_SA .*established' "${LOG[$s]}" |
		    tail -n 2 | sed "s/^/  $pair $s: /" >&2
	done
	t1=$SECONDS
	stop "${ik}a"
	stop "${rk}b"
	for n in "$A" "$B"; do
		ip -n "$n" xfrm state flush
		ip -n "$n" xfrm policy flush
	done
	echo "  $pair: set-up + warm-up + run $((t1 - t0)) s, stop $((SECONDS - t1)) s" >&2
done

# field PAIR KEY: one value of a pair's result line.
field() { tr ' ' '\n' <<<"${R[$1]}" | sed -n "s/^$2=//p"; }
name() { sed 's/swan/charon/g; s/-/ -> /' <<<"$1"; }
printf '\n%-18s %8s %8s %8s %8s %8s %12s %12s\n' "initiator -> responder" \
    "total s" "est/s" "mean ms" "p50 ms" "p99 ms" "CPU-s/1k ini" "CPU-s/1k resp"
for pair in $PAIRS; do
	printf '%-22s %8s %8s %8s %8s %8s %12s %12s\n' "$(name "$pair")" \
	    "$(field "$pair" total_s)" "$(field "$pair" rate)" \
	    "$(field "$pair" mean_ms)" "$(field "$pair" p50_ms)" \
	    "$(field "$pair" p99_ms)" "$(field "$pair" cpu_ini_per1k)" \
	    "$(field "$pair" cpu_resp_per1k)"
done
if [ -n "${R[seg-seg]:-}" ] && [ -n "${R[swan-swan]:-}" ]; then
	ratio() { awk -v a="$(field seg-seg "$1")" -v b="$(field swan-swan "$1")" \
	    'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "-" }'; }
	echo
	echo "ours/strongSwan (seg -> seg over charon -> charon): est/s $(ratio rate)," \
	    "p50 $(ratio p50_ms), p99 $(ratio p99_ms), CPU initiator $(ratio cpu_ini_per1k)," \
	    "CPU responder $(ratio cpu_resp_per1k)"
fi
echo "(seg list polls every ${POLL_MS:-1} ms, answered by the seg and counted in its CPU:" \
    "$(for p in $PAIRS; do printf '%s %s; ' "$p" "$(field "$p" polls)"; done))"
