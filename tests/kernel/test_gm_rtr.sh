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
# shellcheck source=SCRIPTDIR/gm_lab.sh
. "$here/gm_lab.sh"
gm_lab_up rtr
gm_provision carol

# spis FILE: the four SPIs gm_ue.py printed, as a pattern for pc_count state
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

gm alice 5070 6100 register >"$W/alice.out" 2>&1
gm carol 5072 6200 register >"$W/carol.out" 2>&1
check "alice registers over SAs (401, then 200)" \
	both [ "$(val "$W/alice.out" first)" = 401 ] -- \
	[ "$(val "$W/alice.out" register)" = 200 ]
check "carol too" [ "$(val "$W/carol.out" register)" = 200 ]
A=$(spis "$W/alice.out") C=$(spis "$W/carol.out")
check "the pcscf holds alice's 4 SAs" [ "$(pc_count state "$A")" -eq 4 ]
check "and her 8 policies" [ "$(pc_count policy "port 610[01]")" -eq 8 ]
check "and carol's 4 SAs and 8 policies" \
	both [ "$(pc_count state "$C")" -eq 4 ] -- [ "$(pc_count policy "port 620[01]")" -eq 8 ]
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
	if [ "$(pc_count state "$A")" -eq 0 ] &&
	    [ "$(pc_count policy "port 610[01]")" -eq 0 ]; then
		gone=$i
		break
	fi
	sleep 0.2
done
check "none of alice's SAs or policies is left at the pcscf (after $((gone / 5)) s)" \
	[ "$gone" -gt 0 ]
check "carol's 4 SAs and 8 policies are still there" \
	both [ "$(pc_count state "$C")" -eq 4 ] -- [ "$(pc_count policy "port 620[01]")" -eq 8 ]
summary
