#!/bin/bash
# test_lab_sctp.sh BUILD_DIR - the lab with Diameter Cx over SCTP (run by
# kernel_test.sh where the kernel has SCTP: natively, or in qemu here):
# ./lab up, an AKA registration and an SQN resynchronisation through the
# P-/I-/S-CSCF with ims-ue, and the capture on the lab bridge proving the
# Cx traffic (MAR/SAR/UAR) crossed as SCTP, never TCP, with no malformed
# packet.  ./lab builds its namespaces with scripts/netns.sh.
set -u
: "${1:?usage: test_lab_sctp.sh BUILD_DIR}"
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
root=$(cd "$here/../.." && pwd -P)
# sec-agree optional: this test's ims-ue offers no IPsec (Gm over SAs is
# test_gm_pcscf.sh's).  Cx in clear (LAB_CX_TLS=0): the test reads the
# Diameter commands in the SCTP chunks (with TLS over SCTP the
# registration and the resync passed here as well, but nothing is
# readable on the wire).
export BUILD_DIR=$1 LAB_DIAMETER=sctp LAB_PREFIX=imsk- LAB_NET=10.204.0 \
    LAB_SEC_AGREE=optional LAB_CX_TLS=0
export LAB_DIR=${TMPDIR:-/tmp}/lab-sctp
# shellcheck source=SCRIPTDIR/../lib/testlib.sh
. "$here/../lib/testlib.sh" ||
	{ echo "FATAL: cannot source testlib.sh" >&2; exit 1; }
need tcpdump tshark
lab=$root/lab
trap '"$lab" down >/dev/null 2>&1' EXIT
trap 'exit 1' INT TERM

modprobe sctp 2>/dev/null
uplog=$LAB_DIR.up.log	# ./lab up empties LAB_DIR
if ! "$lab" up >"$uplog" 2>&1; then
	cat "$uplog"
	tail -n 30 "$LAB_DIR"/*.log
	die "./lab up over SCTP failed"
fi
pass "./lab up with Cx over SCTP"
eval "$("$lab" env)"
pcap=$LAB_DIR/cx.pcap
ip netns exec "${LAB_PREFIX}br" tcpdump -i br0 -U --immediate-mode -w "$pcap" \
    'sctp or tcp port 3868' 2>/dev/null &
td=$!
sleep 1

# ue: one registration of alice with ims-ue, its key=value lines.
ue() {
	ip netns exec "$UE_NS" "$BIN/ims-ue" register --impi "alice@$DOMAIN" \
	    --impu "sip:alice@$DOMAIN" --k "$DEMO_K" --op "$DEMO_OP" \
	    --pcscf "$PCSCF_ADDR:$PCSCF_PORT" --state "$LAB_DIR/alice.usim"
}
# registered [resync]: ue ends registered (after a resync with "resync").
registered() {
	local out
	out=$(ue | tr '\n' ' ')
	if [ $# -gt 0 ]; then
		[[ $out == *result=registered*resync=1* ]]
	else
		[[ $out == *result=registered* ]]
	fi
}
check "ims-ue registers alice (Cx over SCTP)" registered
ue >/dev/null
"$BIN/hss-ctl" --db "$HSS_DB" set-sqn --impi "alice@$DOMAIN" --sqn 0 >/dev/null ||
	die "hss-ctl set-sqn"
check "resync over SCTP Cx, then registered" registered resync
sleep 1
kill "$td"
wait "$td" 2>/dev/null

# count FILTER: the packets in the capture that match FILTER.
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
		echo "== $f"
		grep -Ev ' DEBUG: ' "$f" | tail -n 25
	done
fi
"$lab" down >/dev/null 2>&1
trap - EXIT
summary
