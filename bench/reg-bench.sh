#!/bin/bash
# reg-bench.sh [USERS [RATE]] - IMS AKA registrations per second through the
# lab chain (SIPp UE -> pcscf -> icscf (UAR) -> scscf (MAR, 401, SAR) -> hss),
# Cx over TCP.  Brings up a lab of its own (prefix imsb-), provisions USERS
# subscribers, has SIPp register each once at RATE calls/s (default: as fast
# as SIPp's default pacing allows), and prints the figures.  Asserts nothing.
# Needs root and a build in BUILD_DIR (default build).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
users=${1:-200} rate=${2:-50}
# sec-agree optional: SIPp offers no IPsec (bench/gm-bench.sh measures it).
export LAB_PREFIX=imsb- LAB_NET=10.205.0 LAB_DIR=${TMPDIR:-/tmp}/ims-reg-bench \
    LAB_SEC_AGREE=optional
export BUILD_DIR=${BUILD_DIR:-$root/build}
lab=$root/lab
trap '"$lab" down >/dev/null 2>&1' EXIT
"$lab" down >/dev/null 2>&1 || true
"$lab" up >/dev/null
eval "$("$lab" env)"
# Every registration comes from the one SIPp address: lift the P-CSCF's
# per-source challenge limit (register-burst, register-rate; SIGHUP).
sed -i -e 's/^register-burst = .*/register-burst = 16777216/' \
    -e 's/^register-rate = .*/register-rate = 16777216/' "$LAB_DIR/pcscf.conf"
kill -HUP "$(cat "$LAB_DIR/pcscf.pid")"
for _ in $(seq 50); do
	grep -q 'challenges per source: 16777216' "$LAB_DIR/pcscf.log" && break
	sleep 0.1
done

K=$DEMO_K OP=$DEMO_OP AMF=$DEMO_AMF
csv=$LAB_DIR/users.csv
echo SEQUENTIAL >"$csv"
t0=$(date +%s.%N)
for i in $(seq "$users"); do
	u=bench$i
	"$BIN/hss-ctl" --db "$HSS_DB" add --impi "$u@$DOMAIN" \
	    --impu "sip:$u@$DOMAIN" --k "$K" --op "$OP" --amf "$AMF" >/dev/null
	# SIPp expands no keyword inside [authentication ...]: the whole
	# keyword comes from the injection file (SIPp's documented way).
	echo "$u;[authentication username=$u@$DOMAIN aka_K=0x$K aka_OP=0x$OP aka_AMF=0x$AMF]" >>"$csv"
done
t1=$(date +%s.%N)

# The registration scenario of tests/sip with the user from the CSV.
sed -e 's/@USER@/[field0]/g' -e "s/@DOMAIN@/$DOMAIN/g" -e "s/@K@/$K/g" \
    -e "s/@OP@/$OP/g" -e "s/@AMF@/$AMF/g" -e 's/@EXPIRES@/600/g' \
    -e 's/regexp="\[field0\]@/regexp="@/' \
    -e 's/^\[authentication .*\]$/[field1]/' \
    "$root/tests/sip/reg.xml" >"$LAB_DIR/reg.xml"
t2=$(date +%s.%N)
set +e
ip netns exec "$UE_NS" sipp -sf "$LAB_DIR/reg.xml" -inf "$csv" \
    "$PCSCF_ADDR:$PCSCF_PORT" -i "$UE_ADDR" -p 5099 -m "$users" -r "$rate" \
    -l 100 -nostdin -auth_uri "$DOMAIN" -timeout 120s \
    -trace_stat -stf "$LAB_DIR/stat.csv" -trace_err \
    -error_file "$LAB_DIR/sipp.err" >"$LAB_DIR/sipp.out" 2>&1
rc=$?
set -e
t3=$(date +%s.%N)
succ=$(awk -F';' 'NR==1 {for (i = 1; i <= NF; i++) if ($i == "SuccessfulCall(C)") c = i}
    END {print $c}' "$LAB_DIR/stat.csv")
fail=$(awk -F';' 'NR==1 {for (i = 1; i <= NF; i++) if ($i == "FailedCall(C)") c = i}
    END {print $c}' "$LAB_DIR/stat.csv")
awk -v n="$users" -v a="$t0" -v b="$t1" 'BEGIN {
    printf "reg-bench: provisioning %d subscribers with hss-ctl: %.2f s (%.0f/s)\n",
    n, b - a, n / (b - a) }'
awk -v s="$succ" -v f="$fail" -v a="$t2" -v b="$t3" -v r="$rate" 'BEGIN {
    printf "reg-bench: %d registrations (AKA: 2 REGISTERs, UAR x2, MAR, SAR each) " \
    "at offered %s/s: %d ok, %d failed in %.2f s = %.1f registrations/s\n",
    s + f, r, s, f, b - a, s / (b - a) }'
[ $rc -eq 0 ] || echo "reg-bench: sipp exit $rc (see $LAB_DIR/sipp.out)"
# SIPp's fault, not the chain's (tests/lib/sipp_aka.sh).
[ "$fail" = 0 ] || echo "reg-bench: SIPp 3.6.1 answers a RES holding a" \
    "0x00 byte wrongly (403): expect ~3% failed"
