# shellcheck shell=bash
# gm_lab.sh - the lab with Gm IPsec for the kernel tests (test_gm_pcscf.sh,
# test_gm_rtr.sh): ./lab up with sec-agree required, subscribers, UEs
# driven by gm_ue.py, and the pcscf's SAs counted.  Sourced after
# testlib.sh, with here, root, BUILD_DIR, LAB_PREFIX, LAB_NET, LAB_DIR and
# LAB_SEC_AGREE=required set; takes down the lab on exit.
: "${root:?}" "${here:?}"
PY=/usr/bin/python3	# not a pyenv shim: slow to start in the guest
lab=$root/lab
trap '"$lab" down >/dev/null 2>&1' EXIT
trap 'exit 1' INT TERM

# gm_lab_up SUBDIR: ./lab up, its env in the shell, PC_NS, the work
# directory W=$LAB_DIR/SUBDIR.
gm_lab_up() {
	local uplog=$LAB_DIR.up.log
	if ! "$lab" up >"$uplog" 2>&1; then
		cat "$uplog"
		tail -n 30 "$LAB_DIR"/*.log
		die "./lab up with sec-agree required failed"
	fi
	eval "$("$lab" env)"
	check "./lab env: SEC_AGREE=required" [ "$SEC_AGREE" = required ]
	PC_NS=${LAB_PREFIX}pcscf
	W=$LAB_DIR/$1
	mkdir -p "$W"
}
# gm_provision USER...: new subscribers with the demo keys.
gm_provision() {
	local u
	for u in "$@"; do
		"$BIN/hss-ctl" --db "$HSS_DB" add --impi "$u@$DOMAIN" \
		    --impu "sip:$u@$DOMAIN" --k "$DEMO_K" --op "$DEMO_OP" \
		    --amf "$DEMO_AMF" >/dev/null || die "hss-ctl add $u"
	done
}
# gm USER PORT PORT_UC [gm_ue.py options and steps]: one UE run, its SAs
# on PORT_UC and PORT_UC + 1.
gm() {
	local u=$1 p=$2 uc=$3
	shift 3
	IMSAUTH=$BIN/imsauth ip netns exec "$UE_NS" $PY -S "$here/gm_ue.py" \
	    --imsxfrm "$BIN/imsxfrm" --secdir "$root/tests/security" \
	    --ue "$UE_ADDR" --port "$p" --pcscf "$PCSCF_ADDR:$PCSCF_PORT" \
	    --user "$u" --domain "$DOMAIN" --k "$DEMO_K" --op "$DEMO_OP" \
	    --port-uc "$uc" --port-us $((uc + 1)) "$@"
}
# val FILE KEY [N]: the Nth (default last) value of KEY= in FILE.
val() {
	local v
	v=$(grep "^$2=" "$1" | cut -d= -f2-)
	if [ $# -gt 2 ]; then sed -n "$3p" <<<"$v"; else tail -n 1 <<<"$v"; fi
}
# pc_count state|policy [PATTERN]: the pcscf's SAs or policies (their
# first two lines), those matching PATTERN.  An SA with SPI 0 is the
# kernel's acquire state (a failed ALLOCSPI leaves one; it expires in
# 30 s), not an SA of anyone's.
pc_count() {
	ip -n "$PC_NS" xfrm "$1" 2>/dev/null |
	    grep --no-group-separator -A1 '^src' | paste - - |
	    grep -v 'spi 0x00000000 ' | grep -c -- "${2:-.}"
}
