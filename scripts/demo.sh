#!/bin/bash
# The main job (until the lab arrives): builds everything, then walks one
# subscriber through IMS AKA with the project's own tools, HSS side and UE
# side, including a resynchronisation, derives the GBA key, and installs the
# Gm ESP security associations keyed from CK/IK in a real kernel (qemu here
# when this kernel has no ESP), showing the traffic cross as ESP.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh all
scripts/build.sh build
BIN=$PWD/build/bin
kv() { sed -n "s/^$1=//p"; }     # value of NAME from name=value output
step() { printf '\n== %s\n' "$*"; }

K=$(openssl rand -hex 16) OP=$(openssl rand -hex 16) AMF=8000
IMPI=alice@ims.example.org REALM=ims.example.org

step "Subscriber $IMPI: K and OP provisioned (not shown); OPc:"
$BIN/imsauth milenage --k "$K" --op "$OP" --rand "$(openssl rand -hex 16)" \
    --sqn 0 --amf $AMF | grep '^opc='

step "HSS: authentication vector for SQN 000000000021 (TS 33.102 6.3.2)"
V=$($BIN/imsauth vector --k "$K" --op "$OP" --sqn 21 --amf $AMF)
echo "$V" | grep -E '^(rand|autn|sqn|nonce)='
RAND=$(echo "$V" | kv rand) AUTN=$(echo "$V" | kv autn)
XRES=$(echo "$V" | kv xres) NONCE=$(echo "$V" | kv nonce)

step "UE (USIM at SQN_MS 000000000001): checks AUTN, computes RES"
U=$($BIN/imsauth ue-check --k "$K" --op "$OP" --rand "$RAND" --autn "$AUTN" --sqn-ms 1)
echo "$U" | grep -E '^(result|sqn)='
RES=$(echo "$U" | kv res) CK=$(echo "$U" | kv ck) IK=$(echo "$U" | kv ik)
[ "$RES" = "$XRES" ] && echo "RES = XRES: the UE is authenticated"

step "UE: Authorization response (RFC 3310 AKAv1-MD5, qop=auth)"
$BIN/imsauth digest --algorithm AKAv1-MD5 --username $IMPI --realm $REALM \
    --method REGISTER --uri sip:$REALM --nonce "$NONCE" --res "$RES" \
    --qop auth --nc 00000001 --cnonce "$(openssl rand -hex 4)"

step "Replay of the same challenge to a UE that moved on: sync failure, AUTS"
S=$($BIN/imsauth ue-check --k "$K" --op "$OP" --rand "$RAND" --autn "$AUTN" \
    --sqn-ms 41) || true
echo "$S"
AUTS=$(echo "$S" | kv auts)
step "HSS: recovers SQN_MS from AUTS (MAC-S checked), issues a fresher vector"
SQN_MS=$($BIN/imsauth auts --k "$K" --op "$OP" --rand "$RAND" --auts "$AUTS" | kv sqn_ms)
echo "sqn_ms=$SQN_MS"
NEXT=$(printf '%x' $((0x$SQN_MS + 32)))
V2=$($BIN/imsauth vector --k "$K" --op "$OP" --sqn "$NEXT" --amf $AMF)
$BIN/imsauth ue-check --k "$K" --op "$OP" --rand "$(echo "$V2" | kv rand)" \
    --autn "$(echo "$V2" | kv autn)" --sqn-ms "$SQN_MS" | grep -E '^(result|sqn)='

step "GBA: Ks_NAF for naf.ims.example.org (TS 33.220 Annex B)"
$BIN/imsauth ks-naf --ck "$CK" --ik "$IK" --rand "$RAND" --impi $IMPI \
    --naf-id "$(printf 'naf.ims.example.org' | od -An -tx1 | tr -d ' \n')0100000002"

if [ -x tests/kernel/esp-demo.sh ]; then
	step "Gm: ESP SAs keyed from IK/CK between a UE and a P-CSCF namespace"
	IMS_DEMO_CK=$CK IMS_DEMO_IK=$IK tests/kernel/kernel-test.sh \
	    tests/kernel/esp-demo.sh "$BIN/imsxfrm"
fi
