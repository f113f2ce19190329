#!/bin/bash
# test_scscf_reauth.sh - which REGISTERs the S-CSCF authenticates again
# (TS 24.229 5.4.1.2.2 step 1, its reauth setting) by the
# integrity-protected parameter a P-CSCF puts into the Authorization
# header (5.2.2), against the real hss and S-CSCFs in namespaces.  The
# REGISTERs come straight from a trusted address (the icscf node), as a
# P-CSCF forwards them: "no" on the unprotected first one,
# "ip-assoc-pending" on the answer to the challenge, "ip-assoc-yes" on
# later ones over the same SAs.  S-CSCF scscf runs reauth=unless-protected,
# scscf2 the default (always).
#   1. alice registers (AKA).  Her re-REGISTER marked ip-assoc-yes, with
#      no challenge answer at all (nonce=""), gets 200 at once: no 401, no
#      MAR (her SQN unmoved), a SAR RE_REGISTRATION, her binding's expiry
#      refreshed in the S-CSCF's SQLite store.
#   2. The same re-REGISTER marked "no", "ip-assoc-pending", unmarked, or
#      without Authorization: 401, her binding untouched.
#   3. Never a registration without authentication: carol (never
#      registered) marked ip-assoc-yes, and alice with a contact she never
#      registered: 401, no binding.  bob (registered as bob) with his
#      username and alice's identity, marked ip-assoc-yes, refreshing or
#      removing her contact: refused before any SAR (the challenge for
#      (bob, alice) is a MAR the HSS refuses: 403), alice's binding,
#      expiry and owner untouched.
#   4. alice de-registers marked ip-assoc-yes: 200 without a challenge,
#      SAR USER_DEREGISTRATION, no binding, the HSS says not registered;
#      marked ip-assoc-yes again afterwards: 401.
#   5. reauth=always (scscf2): dave's re-REGISTER marked ip-assoc-yes: 401.
# Env: HSS HSS_CTL SCSCF ICSCF PCSCF IMSAUTH SIPDIR SECDIR.
set -u
# shellcheck source=tests/security/scscf_lib.sh
. "${SECDIR:?}/scscf_lib.sh"

chain_up "$PWD/run-scscf-reauth" -n "hss scscf scscf2 icscf" \
	-d "scscf scscf2" -u "alice bob carol dave" -c br:core.pcapng \
	-H diameter.accept="scscf2.$DOMAIN@$SC2" -S diameter.timeout=2000 \
	-S reauth=unless-protected

# expires_of USER PORT: expires_at of the binding sip:USER@UE:PORT.
expires_of() {
	db_query "select expires_at from bindings where impu=? and contact=?" \
		"sip:$1@$DOMAIN" "sip:$1@$UE:$2"
}
# owner_of USER: the IMPI the registration of USER's identity is held for.
owner_of() {
	db_query "select impi from registrations where impu=?" "sip:$1@$DOMAIN"
}
# sars USER TYPE: SARs of Server-Assignment-Type TYPE (TS 29.229 6.3.15:
# 1 REGISTRATION, 2 RE_REGISTRATION, 5 USER_DEREGISTRATION) for USER's
# IMPI on the core wire, after stop_capture.
sars() {
	tshark -r "$WORK/core.pcapng" -Y "diameter.cmd.code == 301 &&
		diameter.flags.request == 1 &&
		diameter.Server-Assignment-Type == $2 &&
		diameter.User-Name == \"$1@$DOMAIN\"" 2>/dev/null | wc -l
}
stop_capture() {
	sleep 1
	kill "$BR_PID" 2>/dev/null
	wait "$BR_PID" 2>/dev/null
}

check "scscf runs reauth unless-protected" \
	grep -q 'reauth unless-protected' scscf.log
check "scscf2 runs reauth always (the default)" \
	grep -q 'reauth always' scscf2.log

# ---- 1. a protected re-registration ----
py icscf <<'EOF'
def reg(port, user, dest=SC, **kw):
    ue = UE(IC + ":%d" % port, dest + ":6060", user, DOMAIN, K, OP)
    ue.contact = "sip:%s@%s:5071" % (user, UEIP)
    r = ue.register(expires=300, intprot="no")
    if r is not None and r.status == 401:
        r = ue.register(expires=300, auth=ue.answer(r),
                        intprot="ip-assoc-pending")
    return st(r)
out("alice", reg(5080, "alice"))
out("bob", reg(5081, "bob"))
out("dave", reg(5082, "dave", dest=SC2))
EOF
check "alice registers: 401 for \"no\", 200 for her answer marked ip-assoc-pending" \
	[ "$(val alice)" = 200 ]
check "bob registers at scscf" [ "$(val bob)" = 200 ]
check "dave registers at scscf2" [ "$(val dave)" = 200 ]
exp0=$(expires_of alice 5071)
seq0=$(seq_of alice)
check "alice's binding expires in about 300 s ($exp0)" \
	[ "$((exp0 - $(date +%s)))" -gt 250 ]

py icscf <<'EOF'
ue = UE(IC + ":5083", SC + ":6060", "alice", DOMAIN, K, OP)
ue.contact = "sip:alice@%s:5071" % UEIP
r = ue.register(expires=900, intprot="ip-assoc-yes")
out("prot", st(r))
out("prot_contact", r.hdr("Contact") if r is not None else "")
EOF
exp1=$(expires_of alice 5071)
check "re-REGISTER marked ip-assoc-yes, no challenge answer: 200 at once (no 401)" \
	[ "$(val prot)" = 200 ]
check "... its 200 grants the new expiry ($(val prot_contact))" \
	eval "val prot_contact | grep -q 'alice@$UE:5071>;expires=9[0-9][0-9]'"
check "... the stored binding's expiry refreshed ($exp0 -> $exp1)" \
	[ "$((exp1 - exp0))" -ge 550 ]
check "... no MAR: alice's SQN did not move" [ "$(seq_of alice)" = "$seq0" ]
check "... the HSS still has alice registered" \
	[ "$(hss_state alice)" = registered ]
check "... logged as accepted protected" \
	grep -q "SA2 user=alice@$DOMAIN peer=[^ ]*: registrar: sip:alice@$DOMAIN: integrity-protected=ip-assoc-yes: re-registration accepted protected" scscf.log

# ---- 2. not marked protected: challenged ----
py icscf <<'EOF'
ue = UE(IC + ":5084", SC + ":6060", "alice", DOMAIN, K, OP)
ue.contact = "sip:alice@%s:5071" % UEIP
for name, ip in (("no", "no"), ("pending", "ip-assoc-pending"),
                 ("tls_pending", "tls-pending"), ("bogus", "maybe"),
                 ("unmarked", None)):
    r = ue.register(expires=900, intprot=ip)
    out(name, st(r))
    out(name + "_www", r is not None and r.hdr("WWW-Authenticate") != "")
out("noauth", st(ue.register(expires=900, auth=False)))
EOF
for t in no pending tls_pending bogus unmarked; do
	check "re-REGISTER marked $t: 401" \
		eval "[ '$(val $t)' = 401 ] && [ '$(val ${t}_www)' = True ]"
done
check "re-REGISTER without Authorization: 401" [ "$(val noauth)" = 401 ]
check "alice's binding untouched by them" [ "$(expires_of alice 5071)" = "$exp1" ]

# ---- 3. never a registration without authentication ----
seqc=$(seq_of carol)
py icscf <<'EOF'
ue = UE(IC + ":5085", SC + ":6060", "carol", DOMAIN, K, OP)
ue.contact = "sip:carol@%s:5071" % UEIP
r = ue.register(expires=900, intprot="ip-assoc-yes")
out("carol", st(r))
out("carol_www", r is not None and r.hdr("WWW-Authenticate") != "")
ue = UE(IC + ":5086", SC + ":6060", "alice", DOMAIN, K, OP)
ue.contact = "sip:alice@%s:5079" % UEIP
out("newcontact", st(ue.register(expires=900, intprot="ip-assoc-yes")))
# bob's username, alice's identity and contact.
ue = UE(IC + ":5087", SC + ":6060", "bob", DOMAIN, K, OP)
a1 = "<sip:alice@%s:5071>" % UEIP
out("other", st(ue.register(impu="sip:alice@" + DOMAIN, intprot="ip-assoc-yes",
                            contacts=[a1 + ";expires=900"])))
out("other_dereg", st(ue.register(impu="sip:alice@" + DOMAIN,
                                  intprot="ip-assoc-yes",
                                  contacts=[a1 + ";expires=0"], expires=0)))
out("other_star", st(ue.register(impu="sip:alice@" + DOMAIN,
                                 intprot="ip-assoc-yes", contacts=["*"],
                                 expires=0)))
EOF
check "carol, never registered, marked ip-assoc-yes: 401" \
	eval "[ '$(val carol)' = 401 ] && [ '$(val carol_www)' = True ]"
check "... no binding for carol, not registered at the HSS" \
	eval "[ \"\$(bindings carol)\" = 0 ] && [ \"\$(hss_state carol)\" != registered ]"
check "... her challenge cost one vector (a MAR, as any first REGISTER)" \
	[ "$(seq_of carol)" = $((seqc + 1)) ]
check "alice marked ip-assoc-yes with a contact she never registered: 401" \
	[ "$(val newcontact)" = 401 ]
check "... no binding for that contact" [ -z "$(expires_of alice 5079)" ]
check "bob's username, alice's identity and contact, ip-assoc-yes: refused (403)" \
	[ "$(val other)" = 403 ]
check "... removing her contact: refused (403)" [ "$(val other_dereg)" = 403 ]
check "... removing all of hers with *: refused (403)" \
	[ "$(val other_star)" = 403 ]
check "alice's binding, expiry and owner untouched by them" \
	eval "[ \"\$(expires_of alice 5071)\" = '$exp1' ] && [ \"\$(bindings alice)\" = 1 ] && [ \"\$(owner_of alice)\" = 'alice@$DOMAIN' ]"
check "the HSS still has alice registered" [ "$(hss_state alice)" = registered ]
check "the refusals logged why" \
	grep -q "SA2 user=bob@$DOMAIN peer=[^ ]*: registrar: sip:alice@$DOMAIN: integrity-protected=ip-assoc-yes: authentication required (registered by another IMPI)" scscf.log

# ---- 4. a protected de-registration ----
seq1=$(seq_of alice)
py icscf <<'EOF'
ue = UE(IC + ":5088", SC + ":6060", "alice", DOMAIN, K, OP)
ue.contact = "sip:alice@%s:5071" % UEIP
save("cid", ue.callid)
out("dereg", st(ue.register(expires=0, intprot="ip-assoc-yes")))
EOF
check "alice de-registers marked ip-assoc-yes: 200 without a challenge" \
	[ "$(val dereg)" = 200 ]
check "... no MAR for it: her SQN did not move" [ "$(seq_of alice)" = "$seq1" ]
check "... no binding left, the HSS says not registered" \
	eval "[ \"\$(bindings alice)\" = 0 ] && [ \"\$(hss_state alice)\" = not-registered ]"
py icscf <<'EOF'
ue = UE(IC + ":5088", SC + ":6060", "alice", DOMAIN, K, OP)
ue.contact = "sip:alice@%s:5071" % UEIP
ue.callid, ue.cseq = load("cid"), 1
out("after", st(ue.register(expires=900, intprot="ip-assoc-yes")))
EOF
check "marked ip-assoc-yes once de-registered: 401" [ "$(val after)" = 401 ]

# ---- 5. reauth=always ----
py icscf <<'EOF'
ue = UE(IC + ":5089", SC2 + ":6060", "dave", DOMAIN, K, OP)
ue.contact = "sip:dave@%s:5071" % UEIP
r = ue.register(expires=900, intprot="ip-assoc-yes")
out("always", st(r))
out("always_www", r is not None and r.hdr("WWW-Authenticate") != "")
EOF
check "reauth=always: dave's re-REGISTER marked ip-assoc-yes: 401" \
	eval "[ '$(val always)' = 401 ] && [ '$(val always_www)' = True ]"
check "... logged why" \
	grep -q "SA2 user=dave@$DOMAIN peer=[^ ]*: registrar: sip:dave@$DOMAIN: integrity-protected=ip-assoc-yes: authentication required (reauth=always)" scscf2.log

stop_capture
check "one SAR REGISTRATION for alice: her AKA registration" \
	[ "$(sars alice 1)" = 1 ]
check "one SAR RE_REGISTRATION for alice: the protected refresh" \
	[ "$(sars alice 2)" = 1 ]
check "one SAR USER_DEREGISTRATION for alice: the protected de-registration" \
	[ "$(sars alice 5)" = 1 ]
check "bob's attempts on alice sent no SAR (only his own REGISTRATION)" \
	eval "[ \"\$(sars bob 1)\" = 1 ] && [ \"\$(sars bob 2)\" = 0 ] && [ \"\$(sars bob 5)\" = 0 ]"
check "dave: one SAR REGISTRATION, no RE_REGISTRATION (challenged)" \
	eval "[ \"\$(sars dave 1)\" = 1 ] && [ \"\$(sars dave 2)\" = 0 ]"
check "no key material in the logs" eval "! grep -Eqi 'ck=|ik=' scscf.log scscf2.log"
summary
