#!/bin/bash
# test_scscf_limits.sh - the S-CSCF's limits on what a REGISTER may do to
# the bindings (RFC 3261 10.2.1.1, 10.3 steps 6-8, 20.19, 25.1), against
# the real chain, the S-CSCF with max-contacts = 3.
#   1. Contacts: alice registers three (the 200 lists all three); a fourth
#      gets 403 and changes nothing; a refresh, and a swap of one contact
#      for another, are fine; a REGISTER adding four at once for bob gets
#      403 before any SAR.
#   2. Expiry parsed strictly: "Expires: abc", "expires=99999999999",
#      "expires=-1", "Expires: 99999999999", "Expires: 4294967296" (which
#      truncated to 32 bits was a de-registration), a date in Expires, "*"
#      with a non-zero Expires or with another contact all get 400 (straight from a trusted
#      address and through the chain), and none removes a binding.
#   3. RFC 3261 10.3 step 7: a REGISTER of a Call-ID whose CSeq is not
#      above the binding's (an old one replayed) fails (500) and changes
#      nothing.
# Env: HSS HSS_CTL SCSCF ICSCF PCSCF IMSAUTH SIPDIR SECDIR.
set -u
# shellcheck source=tests/security/scscf_lib.sh
. "${SECDIR:?}/scscf_lib.sh"

scscf_chain "$PWD/run-scscf-limits" "alice bob" -S max-contacts=3

# ---- 1. contacts per public identity ----
py icscf <<'EOF'
ue = UE(IC + ":5080", SC + ":6060", "alice", DOMAIN, K, OP)
c = ["<sip:alice@%s:%d>;expires=600" % (UEIP, 5071 + i) for i in range(5)]
r = ue.full_register(contacts=c[:3])
out("three", st(r))
out("listed", r.hdr("Contact").count("sip:alice@") if r else 0)
nc = 2
def again(contacts):
    global nc
    r = ue.register(auth=ue.creds(ue.nonce, nc=nc), contacts=contacts)
    nc += 1
    return r
r = again(c[3:4])
out("fourth", st(r))
out("fourth_reason", r.reason if r else "")
out("refresh", st(again(c[0:1])))
out("swap", st(again([c[0].replace("600", "0"), c[3]])))
save("alice_nonce", ue.nonce)
save("alice_nc", str(nc))
save("alice_callid", ue.callid)
b = UE(IC + ":5081", SC + ":6060", "bob", DOMAIN, K, OP)
r = b.full_register(contacts=["<sip:bob@%s:%d>;expires=600" % (UEIP, 5071 + i)
                              for i in range(4)])
out("bob4", st(r))
EOF
check "alice registers three contacts: 200" [ "$(val three)" = 200 ]
check "the 200 lists all three (RFC 3261 10.3 step 8)" [ "$(val listed)" = 3 ]
check "a fourth contact: 403" [ "$(val fourth)" = 403 ]
check "with the reason" [ "$(val fourth_reason)" = "Too Many Contacts" ]
check "a refresh of one of the three: 200" [ "$(val refresh)" = 200 ]
check "one contact swapped for another: 200" [ "$(val swap)" = 200 ]
check "alice has three bindings, the fourth contact in place of the first" \
	eval "[ \"\$(bindings alice)\" = 3 ] && contacts alice | grep -q ':5074' && ! contacts alice | grep -q ':5071'"
check "four contacts at once for bob: 403" [ "$(val bob4)" = 403 ]
check "before any SAR: bob has no binding, the HSS none either" \
	eval "[ \"\$(bindings bob)\" = 0 ] && [ \"\$(hss_state bob)\" != registered ]"

# ---- 2. expiry parsed strictly ----
contacts alice | sort >alice.before
bad_expiry() {	# NODE BIND DEST OUT
	py "$1" "$4" <<EOF
ue = UE("$2", "$3", "alice", DOMAIN)
c = "<sip:alice@%s:5072>" % UEIP
cases = {
    "hdr_abc": dict(contacts=[c], expires_hdr="abc"),
    "param_big": dict(contacts=[c + ";expires=99999999999"]),
    "param_neg": dict(contacts=[c + ";expires=-1"]),
    "hdr_big": dict(contacts=[c], expires_hdr="99999999999"),
    "hdr_2p32": dict(contacts=[c], expires_hdr="4294967296"),
    "hdr_date": dict(contacts=[c],
                     expires_hdr="Thu, 01 Dec 2094 16:00:00 GMT"),
    "star_600": dict(contacts=["*"], expires_hdr="600"),
    "star_more": dict(contacts=["*", c + ";expires=0"], expires_hdr="0"),
}
for name, kw in cases.items():
    out(name, st(ue.register(**kw)))
EOF
}
bad_expiry icscf "$IC:5082" "$SC:6060" direct.out
bad_expiry ue "$UE:5090" "$PC:5060" chain.out
for f in direct chain; do
	for n in hdr_abc param_big param_neg hdr_big hdr_2p32 hdr_date \
	    star_600 star_more; do
		check "$f: $n: 400" [ "$(val $n $f.out)" = 400 ]
	done
done
contacts alice | sort >alice.after
check "none of them removed a binding" \
	eval "[ \"\$(bindings alice)\" = 3 ] && cmp -s alice.before alice.after"

# ---- 3. CSeq order (RFC 3261 10.3 step 7) ----
expires_of() {	# CONTACT-PORT: expires_at of alice's binding
	db_query "select expires_at from bindings where impu=? and contact like ?" \
		"sip:alice@$DOMAIN" "%:$1"
}
e0=$(expires_of 5072)
sleep 1
cseq_try() {	# NAME CSEQ NC-DELTA: alice's credentials, her Call-ID
	py icscf <<EOF
ue = UE(IC + ":5080", SC + ":6060", "alice", DOMAIN, K, OP)
nonce, nc = load("alice_nonce"), int(load("alice_nc")) + $3
callid = load("alice_callid")
c = ["<sip:alice@%s:5072>;expires=300" % UEIP]
out("$1", st(ue.register(auth=ue.creds(nonce, nc=nc), contacts=c,
                         callid=callid, cseq=$2)))
EOF
}
# The CSeq of the REGISTER that last wrote the binding.
cs=$(db_query "select cseq from bindings where impu=? and contact like ?" \
	"sip:alice@$DOMAIN" "%:5072")
cseq_try old "$cs" 0
check "the same CSeq of the same Call-ID again (a replayed REGISTER, new nc): 500" [ "$(val old)" = 500 ]
check "it changed nothing" [ "$(expires_of 5072)" = "$e0" ]
cseq_try new 1000 1
check "a newer one: 200" [ "$(val new)" = 200 ]
check "that one changed the binding (expires 300)" \
	[ "$(expires_of 5072)" -lt "$e0" ]
summary
