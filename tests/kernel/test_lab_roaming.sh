#!/bin/bash
# test_lab_roaming.sh BUILD_DIR - ./lab up --roaming (run by kernel_test.sh
# where the kernel has ESP: natively, or in qemu here).
#
# The UE and the P-CSCF sit in a visited network behind segv, the I-/S-CSCF,
# hss, bsf, naf and xcap at home behind segh; Za between the SEGs is an
# IKEv2 + ESP tunnel (TS 33.210).  Asserted:
#   - ./lab env describes the roaming lab (ROAMING=1, VISITED_NET,
#     SEG_V_NS, SEG_H_NS, ZA_NS, ZA_IF) and both SEGs list the Za tunnel;
#   - alice registers from the visited network (200: expiry, Service-Route);
#   - the home hss decided on the visited network the UAR carried: dave,
#     allowed to roam in VISITED_NET only, registers; erin, allowed only
#     in another network, gets 403 (DIAMETER_ERROR_ROAMING_NOT_ALLOWED);
#   - the capture on Za holds IKE and ESP only: no SIP, no Diameter, no
#     address of either domain in clear; its ESP counts rise with the
#     registrations;
#   - the capture on the home bridge holds no Diameter in clear (Cx over
#     TLS, CX_TLS=1);
#   - ./lab down leaves no namespace and no SA behind.
set -u
: "${1:?usage: test_lab_roaming.sh BUILD_DIR}"
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
root=$(cd "$here/../.." && pwd -P)
# sec-agree optional: this test's ims-ue offers no IPsec on Gm (that is
# test_gm_pcscf.sh's); Za is what is under test.
export BUILD_DIR=$1 LAB_PREFIX=imsr- LAB_NET=10.206.0 LAB_VNET=10.207.0 \
    LAB_ZANET=10.208.0 LAB_SEC_AGREE=optional
export LAB_DIR=${TMPDIR:-/tmp}/lab-roam
# shellcheck source=SCRIPTDIR/klib.sh
. "$here/klib.sh" || { echo "FATAL: cannot source klib.sh" >&2; exit 1; }
need tcpdump tshark
lab=$root/lab
trap '"$lab" down >/dev/null 2>&1' EXIT
trap 'exit 1' INT TERM

uplog=$LAB_DIR.up.log	# ./lab up empties LAB_DIR
if ! "$lab" up --roaming >"$uplog" 2>&1; then
	cat "$uplog"
	tail -n 30 "$LAB_DIR"/*.log
	die "./lab up --roaming failed"
fi
pass "./lab up --roaming"
env_out=$("$lab" env)
eval "$env_out"
for v in ROAMING VISITED_NET SEG_V_NS SEG_H_NS ZA_NS ZA_IF; do
	check "./lab env sets $v" grep -q "^$v=." <<<"$env_out"
done
check "ROAMING=1" [ "$ROAMING" = 1 ]
"$lab" status | sed 's/^/  /'
for s in "$SEG_V_CTL" "$SEG_H_CTL"; do
	l=$("$BIN/seg-ctl" -s "$s" list 2>&1)
	printf '  seg-ctl: %s\n' "${l//$'\n'/$'\n'  seg-ctl: }"
	check "${s##*/}: the Za IKE SA is established" grep -q '^ike .* established' <<<"$l"
	check "${s##*/}: a CHILD_SA between the domains" \
	    grep -q "^  child .*/24 === .*/24 esp tunnel" <<<"$l"
done

pza=$LAB_DIR/za.pcap phome=$LAB_DIR/home.pcap
ip netns exec "$ZA_NS" tcpdump -i "$ZA_IF" -U -w "$pza" -s 0 2>/dev/null &
td1=$!
ip netns exec "${LAB_PREFIX}br" tcpdump -i br0 -U -w "$phome" -s 0 2>/dev/null &
td2=$!
sleep 2

# ue IMPI [K]: one registration through the visited P-CSCF.
ue() {
	ip netns exec "$UE_NS" "$BIN/ims-ue" register --impi "$1@$DOMAIN" \
	    --impu "sip:$1@$DOMAIN" --k "${2:-$DEMO_K}" --op "$DEMO_OP" \
	    --pcscf "$PCSCF_ADDR:$PCSCF_PORT" --state "$LAB_DIR/$1.usim"
}
out=$(ue alice | tr '\n' ' ')
echo "  alice: $out"
check "alice registers from the visited network" grep -q 'result=registered' <<<"$out"
check "alice's 200 carries an expiry" grep -Eq 'expires=[1-9]' <<<"$out"
check "alice's 200 carries the S-CSCF's Service-Route" \
    grep -q "service_route=<sip:.*$LAB_NET" <<<"$out"

add() {	# add USER VISITED
	"$BIN/hss-ctl" --db "$HSS_DB" add --impi "$1@$DOMAIN" --impu "sip:$1@$DOMAIN" \
	    --k "$DEMO_K" --op "$DEMO_OP" --amf "$DEMO_AMF" --visited "$2" >/dev/null
}
check "hss-ctl adds dave (may roam in $VISITED_NET)" add dave "$VISITED_NET"
check "hss-ctl adds erin (may roam in other.example.net only)" add erin other.example.net
out=$(ue dave | tr '\n' ' ')
check "dave registers: the UAR named $VISITED_NET" grep -q 'result=registered' <<<"$out"
out=$(ue erin | tr '\n' ' ')
echo "  erin: $out"
check "erin is refused with 403: roaming not allowed in $VISITED_NET" \
    grep -q 'result=rejected status=403' <<<"$out"
sleep 1
kill "$td1" "$td2"
wait "$td1" "$td2" 2>/dev/null

lza=$(pcap_lines "$pza")
n=$(pcap_count "$lza" ':esp( |$)')
check "ESP on Za ($n packets)" [ "$n" -ge 6 ]
n=$(($(pcap_count "$lza" .) - $(pcap_count "$lza" ':(esp|isakmp|arp|icmpv6)( |$)')))
check "nothing but IKE and ESP on Za ($n other packets)" [ "$n" -eq 0 ]
check "no SIP on Za" [ "$(pcap_count "$lza" ':sip')" -eq 0 ]
check "no Diameter on Za" [ "$(pcap_count "$lza" ':diameter')" -eq 0 ]
n=$(pcap_count "$lza" " (${LAB_NET//./\\.}|${LAB_VNET//./\\.})\\.")
check "no address of either domain in clear on Za ($n)" [ "$n" -eq 0 ]
lhome=$(tshark -n -r "$phome" -T fields -E separator=' ' -e frame.protocols \
    -e tcp.port 2>/dev/null)
n=$(pcap_count "$lhome" ':tcp[^ ]* ([0-9]+,)?3868(,|$)')
check "Cx on the home bridge ($n packets)" [ "$n" -gt 0 ]
check "CX_TLS=1" [ "${CX_TLS:-}" = 1 ]
n=$(pcap_count "$lhome" ':diameter')
check "no Diameter in clear on the home bridge ($n)" [ "$n" -eq 0 ]
n=$(pcap_count "$lhome" ':tcp:tls[^ ]* ([0-9]+,)?3868(,|$)')
check "Cx on the home bridge is TLS ($n packets)" [ "$n" -gt 0 ]

if [ "$FAILED" -gt 0 ]; then	# the guest's /tmp goes with it: show why
	for f in "$LAB_DIR"/*.log; do
		echo "== $f"
		grep -Ev ' DEBUG: ' "$f" | tail -n 25
	done
fi
"$lab" down >/dev/null 2>&1
trap - EXIT
check "./lab down: no namespace left" \
    [ "$(ip netns list | grep -c "^$LAB_PREFIX")" -eq 0 ]
summary
