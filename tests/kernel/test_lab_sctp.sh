#!/bin/bash
# test_lab_sctp.sh BUILD_DIR - the lab with Diameter Cx over SCTP (run by
# kernel_test.sh where the kernel has SCTP: natively, or in qemu here):
# ./lab up, an AKA registration and an SQN resynchronisation through the
# P-/I-/S-CSCF with ims-ue, and the capture on the lab bridge proving the
# Cx traffic (MAR/SAR/UAR) crossed as SCTP, never TCP, with no malformed
# packet.
set -u
: "${1:?usage: test_lab_sctp.sh BUILD_DIR}"
root=$(cd "$(dirname "$0")/../.." && pwd -P)
export BUILD_DIR=$1 LAB_DIAMETER=sctp LAB_PREFIX=imsk- LAB_NET=10.204.0
export LAB_DIR=${TMPDIR:-/tmp}/lab-sctp
. "$root/tests/lib/testlib.sh" ||
	{ echo "FATAL: cannot source testlib.sh" >&2; exit 1; }
lab=$root/lab
trap '"$lab" down >/dev/null 2>&1' EXIT

modprobe sctp 2>/dev/null
if ! "$lab" up >/tmp/lab-up.log 2>&1; then
	cat /tmp/lab-up.log; tail -n 30 "$LAB_DIR"/*.log
	echo "FATAL: ./lab up over SCTP failed" >&2
	exit 1
fi
pass "./lab up with Cx over SCTP"
eval "$("$lab" env)"
pcap=$LAB_DIR/cx.pcap
ip netns exec "${LAB_PREFIX}br" tcpdump -i br0 -U --immediate-mode -w "$pcap" \
    'sctp or tcp port 3868' 2>/dev/null &
td=$!
sleep 1

ue() {
	ip netns exec "$UE_NS" "$BIN/ims-ue" register --impi "alice@$DOMAIN" \
	    --impu "sip:alice@$DOMAIN" --k "$DEMO_K" --op "$DEMO_OP" \
	    --pcscf "$PCSCF_ADDR:$PCSCF_PORT" --state "$LAB_DIR/alice.usim"
}
check "ims-ue registers alice (Cx over SCTP)" eval "ue | grep -q '^result=registered'"
ue >/dev/null
"$BIN/hss-ctl" --db "$HSS_DB" set-sqn --impi "alice@$DOMAIN" --sqn 0 >/dev/null
check "resync over SCTP Cx, then registered" \
    eval "ue | tr '\n' ' ' | grep -q 'result=registered.*resync=1'"
sleep 1
kill "$td"; wait "$td" 2>/dev/null

count() { tshark -r "$pcap" -Y "$1" 2>/dev/null | wc -l; }
n_sctp=$(count 'sctp && diameter')
check "Diameter over SCTP on the wire ($n_sctp packets)" [ "$n_sctp" -gt 0 ]
for c in 300 301 303; do
	check "Cx command $c over SCTP" [ "$(count "sctp && diameter.cmd.code == $c")" -gt 0 ]
done
check "no Diameter over TCP" [ "$(count 'tcp.port == 3868')" -eq 0 ]
check "no malformed packet" [ "$(count '_ws.malformed')" -eq 0 ]
tshark -r "$pcap" -Y 'sctp && diameter' -T fields -e ip.src -e ip.dst \
    -e diameter.cmd.code -e diameter.flags.request 2>/dev/null | head -n 8 |
    sed 's/^/  cx: /'

if [ "$FAILED" -gt 0 ]; then	# the guest's /tmp goes with it: show why
	for f in "$LAB_DIR"/*.log; do
		echo "== $f"; grep -Ev ' DEBUG: ' "$f" | tail -n 25
	done
fi
"$lab" down >/dev/null 2>&1
trap - EXIT
summary
