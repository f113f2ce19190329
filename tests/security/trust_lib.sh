# shellcheck shell=bash
# trust_lib.sh - helpers of the trust-boundary tests (test_icscf_trust.sh,
# test_scscf_trust.sh), over tests/sip/sip_lib.sh: crafted requests sent
# with trust_sip.py, and what a UAS got of them.
TRUST_SIP=$(cd "${BASH_SOURCE[0]%/*}" && pwd)/trust_sip.py

# sip NODE HOST PORT BODY METHOD RURI [HEADER...]: the final status code.
sip() {
	local n=$1 h=$2 p=$3 b=$4
	shift 4
	in_ns "$n" python3 "$TRUST_SIP" send --body "$b" "$h" "$p" "$@" |
		awk '{ print $2 }'
}
# expect CODE DESC NODE HOST PORT BODY METHOD RURI [HEADER...]
expect() {
	local want=$1 desc=$2 got
	shift 2
	got=$(sip "$@")
	if [ "$got" = "$want" ]; then pass "$desc"; else
		fail "$desc (got ${got:-nothing}, want $want)"; fi
}
# at FILE MARKER: the head of the request a UAS got with MARKER (at_bob:
# bob's UAS, bob-uas.msgs).
at() { python3 "$TRUST_SIP" received "$1" "$2"; }
at_bob() { at bob-uas.msgs "$1"; }
not_at_bob() { ! at_bob "$1" >/dev/null; }
