#!/bin/bash
# test_lab.sh - the ./lab contract, as scripts use it: `up` brings the whole
# topology up, `env` describes it, a SIPp UE in $UE_NS registers through
# $PCSCF_ADDR:$PCSCF_PORT with a subscriber added by hss-ctl, a wrong key
# gets 403, ims-ue registers (also after an SQN resynchronisation), and
# `down` leaves nothing behind.  Its own prefix/subnet so it never meets a
# lab a user has up.  Env: LAB (the ./lab script), BUILD_DIR, SIPDIR.
set -u
: "${LAB:?}" "${BUILD_DIR:?}" "${SIPDIR:?}"
# sec-agree optional: its SIPp UEs offer no IPsec (where the kernel has
# ESP the lab would require it; Gm IPsec: tests/kernel/test_gm_pcscf.sh).
export BUILD_DIR LAB_PREFIX=imst-lab- LAB_NET=10.203.0 LAB_DIR=$PWD/lab \
    LAB_SEC_AGREE=optional
. "$(dirname "$0")/../lib/testlib.sh" ||
	{ echo "FATAL: cannot source testlib.sh" >&2; exit 1; }
# shellcheck source=../lib/sipp_aka.sh
. "$(dirname "$0")/../lib/sipp_aka.sh" || die "cannot source sipp_aka.sh"
need sipp ip
trap '"$LAB" down >/dev/null 2>&1' EXIT

"$LAB" down >/dev/null 2>&1
if ! "$LAB" up >up.log 2>&1; then
	cat up.log; cat "$LAB_DIR"/*.log 2>/dev/null | tail -n 40
	echo "FATAL: ./lab up failed" >&2
	exit 1
fi
pass "./lab up"
env_out=$("$LAB" env)
for v in PCSCF_ADDR PCSCF_PORT UE_NS HSS_DB DOMAIN BIN; do
	check "./lab env sets $v" eval "echo \"\$env_out\" | grep -q '^$v=.'"
done
eval "$env_out"
check "status shows seven running daemons" \
    [ "$("$LAB" status | grep -c running)" = 7 ]

# A subscriber of the test's own, added while the lab runs.
K=0f1e2d3c4b5a69788796a4a4c3d2e1f0 OP=$DEMO_OP AMF=8000
check "hss-ctl adds carol" "$BIN/hss-ctl" --db "$HSS_DB" add \
    --impi "carol@$DOMAIN" --impu "sip:carol@$DOMAIN" --k "$K" --op "$OP" \
    --amf "$AMF"

sipp_reg() {	# TEMPLATE USER KEY PORT
	sed -e "s/@USER@/$2/g" -e "s/@DOMAIN@/$DOMAIN/g" -e "s/@K@/$3/g" \
	    -e "s/@OP@/$OP/g" -e "s/@AMF@/$AMF/g" -e "s/@EXPIRES@/600/g" \
	    "$SIPDIR/$1" >"$2-$1"
	sipp_reg_once "$@" && return 0
	# SIPp cut its RES at a 0x00 byte (tests/lib/sipp_aka.sh): again.
	IMSAUTH=$BIN/imsauth sipp_res_nul "$2-$1.msgs" "$3" "$OP" || return 1
	echo "note: $2: SIPp cut its RES at a 0x00 byte; again" >&2
	sipp_reg_once "$@"
}
sipp_reg_once() {
	ip netns exec "$UE_NS" timeout 30 sipp -sf "$2-$1" \
	    "$PCSCF_ADDR:$PCSCF_PORT" -i "$UE_ADDR" -p "$4" -s "$2" -m 1 \
	    -nostdin -auth_uri "$DOMAIN" -timeout 20s -trace_msg \
	    -message_file "$2-$1.msgs" >"$2-$1.out" 2>&1
}
check "SIPp UE in \$UE_NS registers carol via the P-CSCF: 200 OK" \
    sipp_reg reg.xml carol "$K" 5071
check "the 200 OK carried Service-Route and P-Associated-URI" \
    eval "grep -q '^Service-Route:' carol-reg.xml.msgs && grep -q '^P-Associated-URI:' carol-reg.xml.msgs"
check "a wrong key gets 403" \
    sipp_reg reg_fail.xml carol 0f1e2d3c4b5a69788796a4a4c3d2e1f1 5072
check "...and the 403 was seen" grep -q 'SIP/2.0 403' carol-reg_fail.xml.msgs

ue() {
	ip netns exec "$UE_NS" "$BIN/ims-ue" register --impi "alice@$DOMAIN" \
	    --impu "sip:alice@$DOMAIN" --k "$DEMO_K" --op "$DEMO_OP" \
	    --pcscf "$PCSCF_ADDR:$PCSCF_PORT" --state alice.usim
}
out=$(ue); echo "$out" >ue1.out
check "ims-ue registers alice" grep -q '^result=registered' ue1.out
ue >/dev/null
"$BIN/hss-ctl" --db "$HSS_DB" set-sqn --impi "alice@$DOMAIN" --sqn 0 >/dev/null
out=$(ue); echo "$out" >ue3.out
check "after the HSS lost its SQN: resync (AUTS) and registered" \
    eval "grep -q '^resync=1' ue3.out && grep -q '^result=registered' ue3.out"

"$LAB" down >down.log 2>&1
check "./lab down" grep -q 'lab: down' down.log
check "no lab namespace left" \
    eval "! ip netns list | grep -q '^$LAB_PREFIX'"
check "no lab daemon left" \
    eval "! pgrep -f -- '-c $LAB_DIR/' >/dev/null"

# --roaming needs ESP (Za, TS 33.210): where the kernel has none it says
# so and makes nothing.  Where it has ESP, kernel.test_lab_roaming brings
# the roaming lab up (natively there, in qemu here).
if ! unshare -n ip xfrm state add src 192.0.2.1 dst 192.0.2.2 proto esp \
    spi 0x101 mode tunnel enc "cbc(aes)" 0x00112233445566778899aabbccddeeff \
    2>/dev/null; then
	"$LAB" up --roaming >roam.log 2>&1
	check "./lab up --roaming without ESP fails" [ $? -eq 1 ]
	check "...saying that it needs ESP in the kernel" \
	    grep -q 'roaming needs ESP in the kernel' roam.log
	check "...and makes no namespace" \
	    eval "! ip netns list | grep -q '^$LAB_PREFIX'"
fi
check "./lab up with an unknown option is a usage error" \
    eval "'$LAB' up --bogus >/dev/null 2>&1; [ \$? -eq 2 ]"
trap - EXIT
summary
