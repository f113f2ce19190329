#!/bin/bash
# The main job: builds everything, brings the lab up (HSS, P-/I-/S-CSCF, bsf,
# naf and XCAP server in network namespaces, Cx/Zh/Zn over Diameter),
# registers a UE with IMS AKA through it, shows an SQN resynchronisation
# across the network, bootstraps GBA and writes and reads the UE's Ut
# document through the naf over TLS with curl, walks the AKA
# computations step by step with imsauth, derives the GBA key, then shows a
# real Gm IPsec registration (TS 33.203 7) through a second lab whose pcscf
# requires sec-agree, in a kernel with ESP (qemu when this one has none):
# ims-ue --ipsec registers and sends a MESSAGE over the negotiated SAs, both
# sides' xfrm tables, the capture (REGISTER/401 in clear, then ESP only),
# de-registration.  The first lab stays up: eval "$(./lab env)"; ./lab down.
#   scripts/demo.sh --gm-lab BUILD_DIR: that Gm part alone, in this kernel
#   (demo.sh runs it through tests/kernel/kernel_test.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
kv() { sed -n "s/^$1=//p"; }     # value of NAME from name=value output
step() { printf '\n== %s\n' "$*"; }

# gm_lab BUILD_DIR: the Gm IPsec part, run where the kernel has ESP.  A lab
# of its own (prefix imsd-), sec-agree required at the pcscf; the UE is
# ims-ue --ipsec in the lab's ue namespace.
gm_lab() {
	export BUILD_DIR=$1 LAB_PREFIX=imsd- LAB_NET=10.210.0
	export LAB_DIR=${TMPDIR:-/tmp}/ims-gm-demo LAB_SEC_AGREE=required
	local BIN=$1/bin D PC_NS out pcap td n
	trap './lab down >/dev/null 2>&1' EXIT
	./lab down >/dev/null 2>&1 || true
	step "Gm: ./lab up with sec-agree required ($(uname -r), ${IMS_KERNEL_MODE_USED:-native})"
	./lab up | grep -E '^(NODE|pcscf|ue) '
	eval "$(./lab env)"
	D=$DOMAIN PC_NS=${LAB_PREFIX}pcscf
	step "Gm: hss-ctl provisions carol (K, OP from stdin, not shown)"
	printf '%s\n%s\n' "$DEMO_K" "$DEMO_OP" | "$BIN/hss-ctl" --db "$HSS_DB" \
	    add --impi "carol@$D" --impu "sip:carol@$D" --k-file - --op-file -
	pcap=$LAB_DIR/gm.pcap
	ip netns exec "$UE_NS" tcpdump -i eth0 -U -s 0 -w "$pcap" \
	    'udp or esp' 2>/dev/null &
	td=$!
	sleep 1
	# ue CMD [ARGS]: carol's ims-ue with IPsec, her USIM and SA state files.
	ue() {
		ip netns exec "$UE_NS" "$BIN/ims-ue" "$1" --ipsec \
		    --impi "carol@$D" --impu "sip:carol@$D" --k "$DEMO_K" \
		    --op "$DEMO_OP" --pcscf "$PCSCF_ADDR:$PCSCF_PORT" \
		    --state "$LAB_DIR/carol.usim" "${@:2}"
	}
	step "Gm: ims-ue register --ipsec: Security-Client offers, 401 with Security-Server, SAs from CK/IK, REGISTER over them"
	out=$(ue register) || { echo "$out"; exit 1; }
	grep -E '^(result|status|ipsec|alg|ealg)=' <<<"$out"
	echo "negotiated: UE client port $(kv port_uc <<<"$out") <-> P-CSCF server port" \
	    "$(kv port_ps <<<"$out"), P-CSCF client port $(kv port_pc <<<"$out") <->" \
	    "UE server port $(kv port_us <<<"$out")"
	for s in spi_uc spi_us spi_pc spi_ps; do
		printf '  %s = 0x%08x\n' "$s" "$(kv "$s" <<<"$out")"
	done
	step "Gm: ims-ue message --ipsec: carol to herself (UE -> P-CSCF -> S-CSCF -> P-CSCF -> UE, ESP both ways on Gm)"
	ue message --to "sip:carol@$D" --body "hello over ESP" |
	    grep -E '^(result|message_status|ipsec_set)='
	# xfrm SIDE NS: that namespace's SAs and policies, keys masked.
	xfrm() {
		echo "-- $1: ip xfrm state (keys masked)"
		ip -n "$2" xfrm state | sed -E 's/0x[0-9a-f]{16,}/0x<key>/'
		echo "-- $1: ip xfrm policy ($(ip -n "$2" xfrm policy | grep -c '^src') policies; the UDP ones)"
		ip -n "$2" xfrm policy | grep -A2 'proto udp'
	}
	step "Gm: the four SAs and their policies on both sides"
	xfrm UE "$UE_NS"
	xfrm P-CSCF "$PC_NS"
	step "Gm: ims-ue deregister --ipsec (over the live set, then every SA of carol removed)"
	ue deregister | grep -E '^(result|status|ipsec_removed)='
	sleep 4		# the pcscf's grace for the last answer, then its sweep
	n=$(ip -n "$PC_NS" xfrm state | grep -c 'proto esp spi 0x[0-9a-f]*[1-9a-f]' || true)
	echo "SAs left: UE $(ip -n "$UE_NS" xfrm state | grep -c '^src' || true), P-CSCF $n"
	kill "$td"
	wait "$td" 2>/dev/null || true
	step "Gm: the capture on the UE's link (tshark): REGISTER and 401 in clear (UDP retransmissions repeat them under qemu TCG), then ESP only"
	tshark -r "$pcap" -T fields -E separator=' ' -e frame.number -e ip.src \
	    -e ip.dst -e _ws.col.Protocol -e _ws.col.Info 2>/dev/null |
	    awk '{ printf "  %3s %-12s -> %-12s %s\n", $1, $2, $3, substr($0, index($0, $4)) }'
	# count FILTER: the frames of the capture that match FILTER.
	count() { tshark -r "$pcap" -Y "$1" 2>/dev/null | wc -l; }
	echo "frames: $(count 'ip.proto == 50') ESP (fragments included)," \
	    "$(count 'sip.Method == "REGISTER"') REGISTER + $(count 'sip.Status-Code == 401') 401 in clear," \
	    "$(count 'udp && !(udp.port == 5060)') UDP off port 5060 (protected ports in clear)"
	./lab down >/dev/null
	trap - EXIT
}

if [ "${1:-}" = --gm-lab ]; then
	gm_lab "$2"
	exit
fi
scripts/install-deps.sh all
scripts/build.sh build
BIN=$PWD/build/bin

./lab down >/dev/null 2>&1 || true
step "The lab: one namespace per IMS function"
# sec-agree optional: this UE offers none (the IPsec part has its own lab).
LAB_SEC_AGREE=${LAB_SEC_AGREE:-optional} ./lab up
eval "$(./lab env)"
ue() {
	ip netns exec "$UE_NS" "$BIN/ims-ue" register --impi "alice@$DOMAIN" \
	    --impu "sip:alice@$DOMAIN" --k "$DEMO_K" --op "$DEMO_OP" \
	    --pcscf "$PCSCF_ADDR:$PCSCF_PORT" --state "$LAB_DIR/alice.usim"
}
step "ims-ue (in $UE_NS) registers alice: P-CSCF -> I-CSCF (UAR) -> S-CSCF (MAR, 401, SAR) -> 200"
ue
step "The HSS loses its SQN (hss-ctl set-sqn 0): the USIM answers with AUTS, the HSS resynchronises"
"$BIN/hss-ctl" --db "$HSS_DB" set-sqn --impi "alice@$DOMAIN" --sqn 0 >/dev/null
ue | grep -E '^(result|resync|sqn)='
step "The HSS's view of alice"
"$BIN/hss-ctl" --db "$HSS_DB" show --impi "alice@$DOMAIN"

step "GBA (SA6): ims-ue bootstraps alice over Ub: bsf -> hss (Zh MAR), 401 AKAv1-MD5, 200 with the B-TID"
G=$(ip netns exec "$UE_NS" "$BIN/ims-ue" gba-bootstrap --impi "alice@$DOMAIN" \
    --k "$DEMO_K" --op "$DEMO_OP" --bsf "$BSF_URL" --naf "$NAF_FQDN" \
    --cacert "$LAB_CA" --state "$LAB_DIR/alice.usim")
grep -E '^(btid|naf_id|lifetime|resync)=' <<<"$G"
BTID=$(kv btid <<<"$G") KSNAF=$(kv ks_naf_b64 <<<"$G")
DOC=$NAF_URL/simservs.ngn.etsi.org/users/sip:alice@$DOMAIN/simservs.xml
step "Ut over TLS with curl: Digest username = B-TID, password = base64(Ks_NAF); the naf asks the bsf (Zn) and forwards to the XCAP server"
printf '%s\n' '<?xml version="1.0" encoding="UTF-8"?>' \
    '<simservs xmlns="http://uri.etsi.org/ngn/params/xml/simservs/xcap">' \
    '  <communication-diversion active="true"/>' '</simservs>' >"$LAB_DIR/simservs.xml"
ip netns exec "$UE_NS" curl -sS --digest -u "$BTID:$KSNAF" --cacert "$LAB_CA" \
    -X PUT -H 'Content-Type: application/simservs+xml' \
    --data-binary @"$LAB_DIR/simservs.xml" -o /dev/null -w 'PUT %{http_code}\n' "$DOC"
ip netns exec "$UE_NS" curl -sS --digest -u "$BTID:$KSNAF" --cacert "$LAB_CA" \
    -w '\nGET %{http_code}\n' "$DOC"
ip netns exec "$UE_NS" curl -sS --digest -u "$BTID:wrong" --cacert "$LAB_CA" \
    -o /dev/null -w 'a wrong password: %{http_code}\n' "$DOC"

step "Offline: the same AKA computations, one by one, with imsauth"
K=$(openssl rand -hex 16) OP=$(openssl rand -hex 16) AMF=8000
IMPI=alice@ims.example.org REALM=ims.example.org

step "Subscriber $IMPI: K and OP provisioned (not shown); OPc:"
"$BIN/imsauth" milenage --k "$K" --op "$OP" --rand "$(openssl rand -hex 16)" \
    --sqn 0 --amf "$AMF" | grep '^opc='

step "HSS: authentication vector for SQN 000000000021 (TS 33.102 6.3.2)"
V=$("$BIN/imsauth" vector --k "$K" --op "$OP" --sqn 21 --amf "$AMF")
echo "$V" | grep -E '^(rand|autn|sqn|nonce)='
RAND=$(echo "$V" | kv rand) AUTN=$(echo "$V" | kv autn)
XRES=$(echo "$V" | kv xres) NONCE=$(echo "$V" | kv nonce)

step "UE (USIM at SQN_MS 000000000001): checks AUTN, computes RES"
U=$("$BIN/imsauth" ue-check --k "$K" --op "$OP" --rand "$RAND" --autn "$AUTN" --sqn-ms 1)
echo "$U" | grep -E '^(result|sqn)='
RES=$(echo "$U" | kv res) CK=$(echo "$U" | kv ck) IK=$(echo "$U" | kv ik)
[ "$RES" = "$XRES" ] && echo "RES = XRES: the UE is authenticated"

step "UE: Authorization response (RFC 3310 AKAv1-MD5, qop=auth)"
"$BIN/imsauth" digest --algorithm AKAv1-MD5 --username "$IMPI" --realm "$REALM" \
    --method REGISTER --uri "sip:$REALM" --nonce "$NONCE" --res "$RES" \
    --qop auth --nc 00000001 --cnonce "$(openssl rand -hex 4)"

step "Replay of the same challenge to a UE that moved on: sync failure, AUTS"
S=$("$BIN/imsauth" ue-check --k "$K" --op "$OP" --rand "$RAND" --autn "$AUTN" \
    --sqn-ms 41) || true
echo "$S"
AUTS=$(echo "$S" | kv auts)
step "HSS: recovers SQN_MS from AUTS (MAC-S checked), issues a fresher vector"
SQN_MS=$("$BIN/imsauth" auts --k "$K" --op "$OP" --rand "$RAND" --auts "$AUTS" | kv sqn_ms)
echo "sqn_ms=$SQN_MS"
NEXT=$(printf '%x' $((0x$SQN_MS + 32)))
V2=$("$BIN/imsauth" vector --k "$K" --op "$OP" --sqn "$NEXT" --amf "$AMF")
"$BIN/imsauth" ue-check --k "$K" --op "$OP" --rand "$(echo "$V2" | kv rand)" \
    --autn "$(echo "$V2" | kv autn)" --sqn-ms "$SQN_MS" | grep -E '^(result|sqn)='

step "GBA: Ks_NAF for naf.ims.example.org (TS 33.220 Annex B)"
"$BIN/imsauth" ks-naf --ck "$CK" --ik "$IK" --rand "$RAND" --impi "$IMPI" \
    --naf-id "$(printf 'naf.ims.example.org' | od -An -tx1 | tr -d ' \n')0100000002"

step "Gm IPsec through the lab's pcscf, in a kernel with ESP ($(uname -r) or qemu)"
tests/kernel/kernel_test.sh scripts/demo.sh --gm-lab "$PWD/build"

step "The lab is still up"
./lab status
echo "eval \"\$(./lab env)\" to script against it; ./lab down to remove it."
