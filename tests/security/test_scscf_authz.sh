#!/bin/bash
# test_scscf_authz.sh - whose registration a REGISTER may change (TS 24.229
# 5.4.1.2, 5.4.1.4; TS 29.228 6.1.2, 6.3), and the HSS and the S-CSCF
# never disagreeing about one, against the real chain in namespaces.
#   1. bob, authenticated as bob, tries to de-register alice, to remove
#      one of her contacts, to remove them all with "*", to add his own
#      contact to her registration: straight to the S-CSCF from a trusted
#      address (the S-CSCF's own rule: his challenge is not for alice's
#      identity, the MAR for (bob, alice) gets 5002) and through the
#      chain.  Each is refused 403; alice keeps both bindings and stays
#      registered at the HSS.  Control: alice removes one of her contacts
#      (no SAR) and then de-registers (SAR) herself.
#   2. De-registration while the HSS does not answer: 504, the binding
#      stays (the HSS's store too), and a second try once the HSS answers
#      de-registers at both.  A REGISTRATION whose SAR gets no answer:
#      504, and a compensating SAR leaves both saying "not registered".
#   3. The S-CSCF's store refuses the write after a successful SAR
#      (REGISTRATION): the REGISTER gets 500 and a compensating SAR
#      (USER_DEREGISTRATION) leaves the HSS saying "not registered" too.
#      The store forced to fail with an SQLite trigger, then repaired.
# Env: HSS HSS_CTL SCSCF ICSCF PCSCF IMSAUTH SIPDIR SECDIR.
set -u
# shellcheck source=tests/security/scscf_lib.sh
. "${SECDIR:?}/scscf_lib.sh"

scscf_chain "$PWD/run-scscf-authz" "alice bob dave erin"

# ---- 1. bob against alice ----
check "alice registers a first contact through the chain" \
	sipp_ue alice 5071 reg.xml "$PC:5060"
check "and a second one" sipp_ue alice 5072 reg.xml "$PC:5060"
check "alice has two bindings" [ "$(bindings alice)" = 2 ]
contacts alice | sort >alice.before
py icscf <<'EOF'
a1 = "<sip:alice@%s:5071>" % UEIP
ue = UE(IC + ":5080", SC + ":6060", "bob", DOMAIN, K, OP)
ue.contact = "sip:bob@%s:5090" % UEIP
r = ue.full_register()
out("bob", st(r))
nc = 2
def as_bob(**kw):
    global nc
    r = ue.register(auth=ue.creds(ue.nonce, nc=nc), impu="sip:alice@" +
                    DOMAIN, **kw)
    nc += 1
    return st(r)
# bob's credentials, alice's identity in To.
out("dereg", as_bob(contacts=[a1 + ";expires=0"], expires=0))
out("star", as_bob(contacts=["*"], expires=0))
out("add", as_bob(contacts=["<sip:bob@%s:5090>;expires=600" % UEIP]))
# A fresh challenge for (bob, alice): the HSS says no.
r = ue.register(impu="sip:alice@" + DOMAIN, contacts=[a1 + ";expires=0"],
                expires=0)
out("fresh", st(r))
# bob's own registration still works with his credentials.
out("own", st(ue.register(auth=ue.creds(ue.nonce, nc=nc))))
EOF
check "bob registers (straight, from a trusted address)" [ "$(val bob)" = 200 ]
check "bob's credentials de-registering alice's contact: 403" \
	[ "$(val dereg)" = 403 ]
check "bob's credentials removing all of alice's contacts (*): 403" \
	[ "$(val star)" = 403 ]
check "bob's credentials adding his contact to alice: 403" \
	[ "$(val add)" = 403 ]
check "a fresh challenge for (bob, alice): 403 (MAR 5002)" \
	[ "$(val fresh)" = 403 ]
check "bob's own re-registration still fine (200)" [ "$(val own)" = 200 ]
check "the S-CSCF asked the HSS, which refused the pair" \
	grep -q 'MAR for bob@ims.example.org failed (status 0, result 0/5002): 403' scscf.log

py ue <<'EOF'
ue = UE(UEIP + ":5091", PC + ":5060", "bob", DOMAIN, K, OP)
r = ue.full_register()
out("bob_chain", st(r))
r = ue.register(auth=ue.creds(ue.nonce, nc=2), impu="sip:alice@" + DOMAIN,
                contacts=["<sip:alice@%s:5071>;expires=0" % UEIP], expires=0)
out("dereg_chain", st(r))
r = ue.register(auth=ue.creds(ue.nonce, nc=3), impu="sip:alice@" + DOMAIN,
                contacts=["*"], expires=0)
out("star_chain", st(r))
EOF
check "bob registers through the chain" [ "$(val bob_chain)" = 200 ]
check "through the chain, bob de-registering alice's contact: 403" \
	[ "$(val dereg_chain)" = 403 ]
check "through the chain, bob removing all of alice's contacts: 403" \
	[ "$(val star_chain)" = 403 ]
contacts alice | sort >alice.after
check "alice's bindings intact (both contacts)" \
	eval "[ \"\$(bindings alice)\" = 2 ] && cmp -s alice.before alice.after"
check "the HSS still has alice registered" [ "$(hss_state alice)" = registered ]

# Control: alice herself.
py icscf <<'EOF'
ue = UE(IC + ":5085", SC + ":6060", "alice", DOMAIN, K, OP)
ue.contact = "sip:alice@%s:5073" % UEIP
out("third", st(ue.full_register()))
a3 = "<%s>;expires=0" % ue.contact
out("remove", st(ue.register(auth=ue.creds(ue.nonce, nc=2),
                             contacts=[a3], expires=0)))
EOF
check "control: alice registers a third contact (straight)" \
	[ "$(val third)" = 200 ]
check "control: alice removes it herself: 200 (no SAR)" [ "$(val remove)" = 200 ]
check "control: her two other bindings stay, she stays registered" \
	eval "[ \"\$(bindings alice)\" = 2 ] && [ \"\$(hss_state alice)\" = registered ]"
py icscf <<'EOF'
ue = UE(IC + ":5086", SC + ":6060", "alice", DOMAIN, K, OP)
ue.contact = "sip:alice@%s:5073" % UEIP
out("first", st(ue.full_register()))
out("all", st(ue.register(auth=ue.creds(ue.nonce, nc=2), contacts=["*"],
                          expires=0)))
EOF
check "control: alice de-registers everything (*): 200" [ "$(val all)" = 200 ]
check "control: no binding left, the HSS has her not registered" \
	eval "[ \"\$(bindings alice)\" = 0 ] && [ \"\$(hss_state alice)\" = not-registered ]"

# ---- 2. SARs the HSS does not answer ----
py icscf <<'EOF'
ue = UE(IC + ":5087", SC + ":6060", "dave", DOMAIN, K, OP)
out("dave", st(ue.full_register()))
open("dave.nonce", "w").write(ue.nonce)
EOF
check "dave registers" [ "$(val dave)" = 200 ]
kill -STOP "$HSS_PID"
py icscf <<'EOF'
ue = UE(IC + ":5087", SC + ":6060", "dave", DOMAIN, K, OP)
ue.timeout = 12
nonce = open("dave.nonce").read()
out("dave_dereg", st(ue.register(auth=ue.creds(nonce, nc=2), expires=0)))
EOF
check "de-registration with the HSS silent: 504 (diameter.timeout)" \
	[ "$(val dave_dereg)" = 504 ]
check "dave's binding stays" [ "$(bindings dave)" = 1 ]
check "the HSS's store still has dave registered" \
	[ "$(hss_state dave)" = registered ]
kill -CONT "$HSS_PID"
py icscf <<'EOF'
ue = UE(IC + ":5087", SC + ":6060", "dave", DOMAIN, K, OP)
nonce = open("dave.nonce").read()
out("dave_again", st(ue.register(auth=ue.creds(nonce, nc=3), expires=0)))
EOF
check "dave de-registers again once the HSS answers: 200" \
	[ "$(val dave_again)" = 200 ]
check "both agree: dave not registered" \
	eval "[ \"\$(hss_state dave)\" = not-registered ] && [ \"\$(bindings dave)\" = 0 ]"
# A REGISTRATION whose SAR gets no answer: the HSS may act on it late, so
# the S-CSCF sends USER_DEREGISTRATION after it.
py icscf <<'EOF'
ue = UE(IC + ":5088", SC + ":6060", "dave", DOMAIN, K, OP)
r = ue.register()
open("dave.nonce", "w").write(r.nonce())
out("dave401", st(r))
EOF
check "dave challenged" [ "$(val dave401)" = 401 ]
kill -STOP "$HSS_PID"
py icscf <<'EOF'
ue = UE(IC + ":5088", SC + ":6060", "dave", DOMAIN, K, OP)
ue.timeout = 12
nonce = open("dave.nonce").read()
out("dave_reg", st(ue.register(auth=ue.creds(nonce, nc=1))))
EOF
kill -CONT "$HSS_PID"
check "REGISTRATION with the HSS silent: 504" [ "$(val dave_reg)" = 504 ]
check "the S-CSCF sent the compensating SAR" \
	wait_log scscf.log "sip:dave@$DOMAIN: registration undone at the HSS" 150
check "both agree: dave not registered" \
	eval "[ \"\$(hss_state dave)\" = not-registered ] && [ \"\$(bindings dave)\" = 0 ]"

# ---- 3. the store fails after a successful SAR ----
trigger() {	# SQL: a change to the S-CSCF's store (the daemon runs)
	python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]);
c.execute(sys.argv[2]); c.commit()' "$WORK/db/scscf.db" "$1"
}
trigger "CREATE TRIGGER fail_erin BEFORE INSERT ON bindings
	WHEN NEW.impu = 'sip:erin@$DOMAIN'
	BEGIN SELECT RAISE(ABORT, 'forced by the test'); END"
py ue <<'PYEOF'
ue = UE(UEIP + ":5095", PC + ":5060", "erin", DOMAIN, K, OP)
r = ue.full_register()
out("erin", st(r))
PYEOF
check "erin's REGISTER when the store fails after the SAR: 500" \
	[ "$(val erin)" = 500 ]
check "the S-CSCF undid the registration at the HSS" \
	wait_log scscf.log "sip:erin@$DOMAIN: registration undone at the HSS" 50
check "the HSS has erin not registered, as the S-CSCF" \
	eval "[ \"\$(hss_state erin)\" = not-registered ] && [ \"\$(bindings erin)\" = 0 ]"
check "no registration row for erin" \
	[ -z "$(db_query "select impu from registrations where impu=? and registered=1" "sip:erin@$DOMAIN")" ]
trigger "DROP TRIGGER fail_erin"
check "the store repaired: erin registers" sipp_ue erin 5075 reg.xml "$PC:5060"
check "both agree: registered" \
	eval "[ \"\$(hss_state erin)\" = registered ] && [ \"\$(bindings erin)\" = 1 ]"
summary
