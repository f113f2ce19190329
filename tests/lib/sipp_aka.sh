# shellcheck shell=bash
# sipp_aka.sh - SIPp 3.6.1's AKA digest takes RES as a C string: a RES
# with a 0x00 byte (about one challenge in 32, the RAND is random) is cut
# at that byte and SIPp's answer is wrong, so the registrar rightly
# refuses it.  sipp_res_nul tells a test that this, SIPp's fault, is why
# a registration failed, so it registers again (a new challenge) instead
# of failing.  Needs IMSAUTH (the imsauth binary).
#
# sipp_res_nul MSGS K OP: 0 when the last AKA challenge in SIPp's message
# trace MSGS (-trace_msg) gives, with K and OP, a RES holding a 0x00 byte.
sipp_res_nul() {
	local nonce hex res
	nonce=$(sed -n 's/^WWW-Authenticate:.*nonce="\([^"]*\)".*/\1/p' "$1" \
		2>/dev/null | tail -n 1)
	[ -n "$nonce" ] || return 1
	# The nonce is base64(RAND || AUTN ...) (RFC 3310 3.2).
	hex=$(printf '%s' "$nonce" | base64 -d 2>/dev/null | od -An -tx1 -v |
		tr -d ' \n')
	[ "${#hex}" -ge 64 ] || return 1
	res=$("${IMSAUTH:?}" ue-check --k "$2" --op "$3" --rand "${hex:0:32}" \
		--autn "${hex:32:32}" | sed -n 's/^res=//p')
	[[ $res =~ ^([0-9a-f]{2})*00 ]]
}
