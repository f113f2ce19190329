#!/bin/bash
# test_scscf_replay.sh - replayed and forged answers to the S-CSCF's AKA
# challenge (RFC 2617 3.2.2, RFC 3310, TS 24.229 5.4.1.2.3), through the
# real chain from the UE network and straight from a trusted address.
#   1. qop: the challenge says qop="auth"; alice's correct answer in the
#      RFC 2069 form (no qop, nc, cnonce) is refused 403 (not an answer to
#      the challenge sent; a new challenge would cost the HSS an SQN),
#      and so is its replay by an attacker with his own contact from
#      another address.  alice's qop=auth answer to the same challenge
#      then gets 200.
#   2. nc: alice's used answer (nc 1) replayed verbatim by the attacker,
#      through the chain and straight to the S-CSCF: 403; alice's
#      re-registration with nc 2: 200; nc 2 replayed: 403.  The attacker's
#      contact is never bound, alice's binding is intact.
#   3. A wrong answer to carol's pending challenge, sent by the attacker:
#      403, and carol's own answer to it still gets 200 with no new MAR.
#   4. A forged AUTS for bob's pending nonce: the HSS refuses the
#      resynchronisation (MAC-S), and bob's answer to his challenge still
#      gets 200 with no second vector spent.
# Env: HSS HSS_CTL SCSCF ICSCF PCSCF IMSAUTH SIPDIR SECDIR.
set -u
# shellcheck source=tests/security/scscf_lib.sh
. "${SECDIR:?}/scscf_lib.sh"

scscf_chain "$PWD/run-scscf-replay" "alice bob carol"

# ---- 1 and 2: alice's answers, and the attacker's replays ----
# alice on the UE node, the attacker on another address (ext), both
# through the P-CSCF.
alice() {	# python for alice's UE (ue node, port 5090)
	py ue <<EOF
alice = UE(UEIP + ":5090", PC + ":5060", "alice", DOMAIN, K, OP)
$(cat)
EOF
}
evil() {	# python for the attacker (ext node, port 5090), into evil.out
	py ext evil.tmp <<EOF
evil = UE(EXT + ":5090", PC + ":5060", "mallory", DOMAIN)
evil.contact = "sip:mallory@%s:5090" % EXT
impu = "sip:alice@" + DOMAIN
$(cat)
EOF
	cat evil.tmp evil.tmp.err >>evil.out
}
: >evil.out
alice <<'EOF'
r = alice.register()
out("chal", st(r))
out("chal_qop", 'qop="auth"' in r.hdr("WWW-Authenticate"))
save("nonce", r.nonce())
save("a2069", alice.creds(r.nonce(), qop=False))
out("rfc2069", st(alice.register(auth=load("a2069"))))
EOF
cp py.out alice1.out
evil <<'EOF'
out("rfc2069_replay", st(evil.register(auth=load("a2069"), impu=impu)))
EOF
alice <<'EOF'
save("a1", alice.creds(load("nonce"), nc=1))
out("answer", st(alice.register(auth=load("a1"))))
EOF
cp py.out alice2.out
evil <<'EOF'
out("replay_nc1", st(evil.register(auth=load("a1"), impu=impu)))
EOF
alice <<'EOF'
save("a2", alice.creds(load("nonce"), nc=2))
out("renew_nc2", st(alice.register(auth=load("a2"))))
EOF
cp py.out alice3.out
evil <<'EOF'
out("replay_nc2", st(evil.register(auth=load("a2"), impu=impu)))
EOF
PY_OUT=alice1.out
check "the challenge asks for qop=auth" \
	eval "[ \"$(val chal)\" = 401 ] && [ \"$(val chal_qop)\" = True ]"
check "alice's RFC 2069 form answer (no qop): 403" [ "$(val rfc2069)" = 403 ]
check "the attacker's replay of it from another address: 403" \
	[ "$(val rfc2069_replay evil.out)" = 403 ]
check "alice's qop=auth answer to the same challenge: 200" \
	[ "$(val answer alice2.out)" = 200 ]
check "her used answer (nc 1) replayed by the attacker: 403" \
	[ "$(val replay_nc1 evil.out)" = 403 ]
check "alice re-registers with nc 2 (no new challenge): 200" \
	[ "$(val renew_nc2 alice3.out)" = 200 ]
check "nc 2 replayed by the attacker: 403" [ "$(val replay_nc2 evil.out)" = 403 ]
py icscf <<'EOF'
evil = UE(IC + ":5097", SC + ":6060", "mallory", DOMAIN)
evil.contact = "sip:mallory@%s:5091" % EXT
out("direct_replay", st(evil.register(auth=load("a2"),
                                      impu="sip:alice@" + DOMAIN)))
EOF
check "nc 2 replayed straight to the S-CSCF: 403" \
	[ "$(val direct_replay)" = 403 ]
check "the attacker's contact was never bound" \
	eval "! contacts alice | grep -q mallory"
check "alice's binding intact" \
	eval "[ \"\$(bindings alice)\" = 1 ] && [ \"\$(hss_state alice)\" = registered ]"
check "the S-CSCF logged the refusals as such" \
	[ "$(grep -c 'SA1 user=alice@ims.example.org .*: registrar: authentication failed (no qop=auth, or nc replayed): 403' scscf.log)" -ge 5 ]

# ---- 3. a wrong answer by the attacker to carol's challenge ----
seqc=$(seq_of carol)
py ue <<'EOF'
carol = UE(UEIP + ":5092", PC + ":5060", "carol", DOMAIN, K, OP)
r = carol.register()
save("cnonce", r.nonce())
save("cwrong", carol.creds(r.nonce(), res="00" * 8))
out("carol401", st(r))
EOF
cp py.out carol1.out
py ext <<'EOF'
evil = UE(EXT + ":5092", PC + ":5060", "mallory", DOMAIN)
out("wrong", st(evil.register(auth=load("cwrong"), impu="sip:carol@" + DOMAIN)))
EOF
cp py.out carol2.out
py ue <<'EOF'
carol = UE(UEIP + ":5092", PC + ":5060", "carol", DOMAIN, K, OP)
out("carol", st(carol.register(auth=carol.creds(load("cnonce")))))
EOF
cp py.out carol3.out
check "carol challenged" [ "$(val carol401 carol1.out)" = 401 ]
check "the attacker's wrong answer to carol's challenge: 403" \
	[ "$(val wrong carol2.out)" = 403 ]
check "carol's answer to it still counts: 200" \
	[ "$(val carol carol3.out)" = 200 ]
check "one vector spent for carol (no second MAR)" \
	[ $(($(seq_of carol) - seqc)) = 1 ]

# ---- 4. a forged AUTS for bob's nonce ----
seqb=$(seq_of bob)
py ue <<'EOF'
import base64
bob = UE(UEIP + ":5093", PC + ":5060", "bob", DOMAIN, K, OP)
r = bob.register()
save("bnonce", r.nonce())
auts = base64.b64encode(os.urandom(14)).decode()
save("bauts", bob.creds(r.nonce(), res="", auts=auts))
out("bob401", st(r))
EOF
cp py.out bob1.out
py ext <<'EOF'
evil = UE(EXT + ":5093", PC + ":5060", "mallory", DOMAIN)
out("auts", st(evil.register(auth=load("bauts"), impu="sip:bob@" + DOMAIN)))
EOF
cp py.out bob2.out
py ue <<'EOF'
bob = UE(UEIP + ":5093", PC + ":5060", "bob", DOMAIN, K, OP)
out("bob", st(bob.register(auth=bob.creds(load("bnonce")))))
EOF
cp py.out bob3.out
check "bob challenged" [ "$(val bob401 bob1.out)" = 401 ]
check "a forged AUTS: the HSS refuses the resynchronisation (500)" \
	[ "$(val auts bob2.out)" = 500 ]
check "bob's answer to his challenge still counts: 200" \
	[ "$(val bob bob3.out)" = 200 ]
check "one vector spent for bob (the forged resync spent none)" \
	[ $(($(seq_of bob) - seqb)) = 1 ]
summary
