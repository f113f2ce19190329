#!/bin/bash
# The main job: builds everything, brings the lab up (HSS and P-/I-/S-CSCF in
# network namespaces, Cx over Diameter), registers a UE with IMS AKA through
# it, shows an SQN resynchronisation across the network, walks the AKA
# computations step by step with imsauth, derives the GBA key, and installs
# the Gm ESP security associations keyed from CK/IK in a real kernel (qemu
# here when this kernel has no ESP), showing the traffic cross as ESP.
# The lab stays up afterwards: eval "$(./lab env)"; ./lab down.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh all
scripts/build.sh build
BIN=$PWD/build/bin
kv() { sed -n "s/^$1=//p"; }     # value of NAME from name=value output
step() { printf '\n== %s\n' "$*"; }

./lab down >/dev/null 2>&1 || true
step "The lab: one namespace per IMS function"
./lab up
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

if [ -x tests/kernel/esp_demo.sh ]; then
	step "Gm: ESP SAs keyed from IK/CK between a UE and a P-CSCF namespace"
	IMS_DEMO_CK=$CK IMS_DEMO_IK=$IK tests/kernel/kernel_test.sh \
	    tests/kernel/esp_demo.sh "$BIN/imsxfrm"
fi

step "The lab is still up"
./lab status
echo "eval \"\$(./lab env)\" to script against it; ./lab down to remove it."
