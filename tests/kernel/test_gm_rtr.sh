#!/bin/bash
# test_gm_rtr.sh BUILD_DIR - issue 8: a network-initiated de-registration
# removes the UE's Gm SAs at the P-CSCF.  ./lab up with sec-agree
# required (ESP: kernel_test.sh, natively or in qemu); UEs are
# tests/kernel/gm_ue.py.  Asserted:
#  - alice and carol register over SAs; the pcscf holds 4 SAs and 8
#    policies of each, and subscribed to each one's reg event (TS 24.229
#    5.2.3), which the scscf accepted;
#  - hss-ctl deregister alice: RTR -> the scscf's NOTIFY terminated
#    (contacts "rejected", 5.4.1.5) -> the pcscf forgets alice, and within
#    a few seconds none of her SAs or policies is left; carol's stay.
set -u
: "${1:?usage: test_gm_rtr.sh BUILD_DIR}"
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
root=$(cd "$here/../.." && pwd -P)
export BUILD_DIR=$1 LAB_PREFIX=imsr- LAB_NET=10.209.0 LAB_SEC_AGREE=required
export LAB_DIR=${TMPDIR:-/tmp}/lab-gm-rtr
# shellcheck source=SCRIPTDIR/../lib/testlib.sh
. "$here/../lib/testlib.sh" ||
	{ echo "FATAL: cannot source testlib.sh" >&2; exit 1; }
PY=/usr/bin/python3
lab=$root/lab
trap '"$lab" down >/dev/null 2>&1' EXIT
trap 'exit 1' INT TERM

uplog=$LAB_DIR.up.log
if ! "$lab" up >"$uplog" 2>&1; then
	cat "$uplog"
	tail -n 30 "$LAB_DIR"/*.log
	die "./lab up with sec-agree required failed"
fi
eval "$("$lab" env)"
check "./lab env: SEC_AGREE=required" [ "$SEC_AGREE" = required ]
PC_NS=${LAB_PREFIX}pcscf
W=$LAB_DIR/rtr
mkdir -p "$W"
"$BIN/hss-ctl" --db "$HSS_DB" add --impi "carol@$DOMAIN" \
    --impu "sip:carol@$DOMAIN" --k "$DEMO_K" --op "$DEMO_OP" \
    --amf "$DEMO_AMF" >/dev/null || die "hss-ctl add carol"

# gm USER PORT PORT_UC STEP...: one gm_ue.py run (its SAs on PORT_UC and
# PORT_UC + 1).
gm() {
	local u=$1 p=$2 uc=$3
	shift 3
	IMSAUTH=$BIN/imsauth ip netns exec "$UE_NS" $PY -S "$here/gm_ue.py" \
	    --imsxfrm "$BIN/imsxfrm" --secdir "$root/tests/security" \
	    --ue "$UE_ADDR" --port "$p" --pcscf "$PCSCF_ADDR:$PCSCF_PORT" \
	    --user "$u" --domain "$DOMAIN" --k "$DEMO_K" --op "$DEMO_OP" \
	    --port-uc "$uc" --port-us $((uc + 1)) "$@"
}
# sas state|policy PATTERN: how many of the pcscf's SAs or policies (their
# first two lines; not the kernel's acquire states, SPI 0) match PATTERN.
sas() {
	ip -n "$PC_NS" xfrm "$1" 2>/dev/null |
	    grep --no-group-separator -A1 '^src' | paste - - |
	    grep -v 'spi 0x00000000 ' | grep -c -- "$2"
}
# spis FILE: the four SPIs gm_ue.py printed, as a pattern for sas state
# (an SA's ports are not in its first two lines).
spis() {
	local f=$1 k v p=''
	for k in spi_uc spi_us spi_pc spi_ps; do
		v=$(grep "^$k=" "$f" | tail -n 1 | cut -d= -f2-)
		[ -n "$v" ] || continue
		p="$p${p:+\\|}spi $(printf '0x%08x' "$v")"
	done
	echo "${p:-none}"
}
val() { grep "^$2=" "$1" | tail -n 1 | cut -d= -f2-; }

gm alice 5070 6100 register >"$W/alice.out" 2>&1
gm carol 5072 6200 register >"$W/carol.out" 2>&1
check "alice registers over SAs (401, then 200)" \
	both [ "$(val "$W/alice.out" first)" = 401 ] -- \
	[ "$(val "$W/alice.out" register)" = 200 ]
check "carol too" [ "$(val "$W/carol.out" register)" = 200 ]
A=$(spis "$W/alice.out") C=$(spis "$W/carol.out")
check "the pcscf holds alice's 4 SAs" [ "$(sas state "$A")" -eq 4 ]
check "and her 8 policies" [ "$(sas policy "port 610[01]")" -eq 8 ]
check "and carol's 4 SAs and 8 policies" \
	both [ "$(sas state "$C")" -eq 4 ] -- [ "$(sas policy "port 620[01]")" -eq 8 ]
wl() {	# FILE REGEX: within 10 s
	for _ in $(seq 50); do
		grep -Eq "$2" "$1" 2>/dev/null && return 0
		sleep 0.2
	done
	return 1
}
check "the pcscf subscribed to alice's reg event" \
	wl "$LAB_DIR/pcscf.log" "subscribed to the reg event of sip:alice@$DOMAIN \(200\)"
check "and to carol's" \
	wl "$LAB_DIR/pcscf.log" "subscribed to the reg event of sip:carol@$DOMAIN \(200\)"

# ---- RTR ----
out=$("$BIN/hss-ctl" --db "$HSS_DB" deregister --impu "sip:alice@$DOMAIN")
check "hss-ctl deregister alice queues an RTR" grep -qx rtr=queued <<<"$out"
check "the scscf NOTIFYed the pcscf: alice terminated (rejected)" \
	wl "$LAB_DIR/scscf.log" "regevent: NOTIFY sip:alice@$DOMAIN terminated \(rejected\)"
check "the pcscf forgot alice's UE" \
	wl "$LAB_DIR/pcscf.log" "sip:alice@$DOMAIN de-registered by the network"
gone=0
for i in $(seq 50); do	# the pcscf's grace for a last answer, then its sweep
	if [ "$(sas state "$A")" -eq 0 ] &&
	    [ "$(sas policy "port 610[01]")" -eq 0 ]; then
		gone=$i
		break
	fi
	sleep 0.2
done
check "none of alice's SAs or policies is left at the pcscf (after $((gone / 5)) s)" \
	[ "$gone" -gt 0 ]
check "carol's 4 SAs and 8 policies are still there" \
	both [ "$(sas state "$C")" -eq 4 ] -- [ "$(sas policy "port 620[01]")" -eq 8 ]
summary
