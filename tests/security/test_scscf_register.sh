#!/bin/bash
# test_scscf_register.sh - who may REGISTER at the S-CSCF and which Path it
# keeps (TS 24.229 5.4.1.2.2, TS 33.203 6.1, RFC 3327 5.3), against the
# real chain (hss, scscf, icscf, pcscf) in namespaces.
#   1. A UE sends REGISTER straight to the S-CSCF (UDP, TCP, with and
#      without credentials): 403 without a challenge, no MAR (the HSS's
#      SQN for alice unmoved), no ck=/ik= on the UE's wire.  Control:
#      alice registers through the chain; ck/ik only on the core side.
#   2. Path.  From a trusted address (the I-CSCF's namespace, to test the
#      S-CSCF's own rule): a REGISTER whose top Path entry is a host of
#      the UE network gets 403 before any MAR; one with a trusted entry
#      followed by the attacker's is registered with the trusted entry
#      alone (the 200 echoes it, the store holds it) and a terminating
#      MESSAGE goes to that entry, never to the attacker's host.  Through
#      the P-CSCF: a UE's own Path never reaches the store.
# Env: HSS HSS_CTL SCSCF ICSCF PCSCF IMSAUTH SIPDIR SECDIR.
set -u
# shellcheck source=tests/security/scscf_lib.sh
. "${SECDIR:?}/scscf_lib.sh"

scscf_chain "$PWD/run-scscf-trust" "alice bob carol"

# ---- 1. REGISTER from outside the trust domain ----
seq0=$(seq_of alice)
py ue <<'EOF'
import base64
for tcp, port in ((False, 5090), (True, 5091)):
    t = "tcp" if tcp else "udp"
    ue = UE("%s:%d" % (UEIP, port), SC + ":6060", "alice", DOMAIN, K, OP,
            tcp=tcp)
    r = ue.register()
    out("direct_" + t, st(r))
    out("direct_" + t + "_www", r is not None and
        r.hdr("WWW-Authenticate") == "")
    # With credentials for a made-up nonce: still no challenge.
    nonce = base64.b64encode(bytes(32)).decode()
    r = ue.register(auth=ue.creds(nonce, res="00" * 8))
    out("creds_" + t, st(r))
EOF
for t in udp tcp; do
	check "UE straight to the S-CSCF over $t: 403" \
		[ "$(val direct_$t)" = 403 ]
	check "... without a challenge (no WWW-Authenticate)" \
		[ "$(val direct_${t}_www)" = True ]
	check "... also with credentials: 403" [ "$(val creds_$t)" = 403 ]
done
check "no MAR for alice: her SQN did not move" [ "$(seq_of alice)" = "$seq0" ]
check "the S-CSCF logged the refusals" \
	[ "$(grep -c 'REGISTER from outside the trust domain: 403' scscf.log)" -ge 4 ]
check "control: alice registers through the chain (AKA, 200)" \
	sipp_ue alice 5071 reg.xml "$PC:5060"
check "control: alice has a binding" [ "$(bindings alice)" = 1 ]

# ---- 2. Path ----
listener ext "$EXT:5060" 60 evil.rec
listener icscf "$IC:5070" 60 term.rec
sleep 1
seqb=$(seq_of bob)
py icscf <<'EOF'
ue = UE(IC + ":5080", SC + ":6060", "bob", DOMAIN, K, OP)
ue.contact = "sip:bob@%s:5072" % UEIP
r = ue.register(extra=["Path: <sip:evil@%s:5060;lr>" % EXT])
out("evil_top", st(r))
r = ue.register(extra=["Path: <sip:evil@%s:5060;lr>, <sip:term@%s:5060;lr>"
                       % (EXT, PC)])
out("evil_top2", st(r))
r = ue.register(extra=["Path: <sip:evil@ims.example.org;lr>"])
out("evil_name", st(r))
EOF
check "Path with the UE network's host on top: 403" [ "$(val evil_top)" = 403 ]
check "... even with a trusted entry below it: 403" [ "$(val evil_top2)" = 403 ]
check "a Path entry naming a host (not an address of ours): 403" \
	[ "$(val evil_name)" = 403 ]
check "no MAR for those: bob's SQN did not move" [ "$(seq_of bob)" = "$seqb" ]

py icscf <<'EOF'
ue = UE(IC + ":5081", SC + ":6060", "bob", DOMAIN, K, OP)
ue.contact = "sip:bob@%s:5072" % UEIP
path = "Path: <sip:term@%s:5070;lr>, <sip:evil@%s:5060;lr>" % (IC, EXT)
r = ue.full_register(extra=[path])
out("mixed", st(r))
out("mixed_path", r.hdr("Path") if r is not None else "")
# A terminating request for bob (as the I-CSCF would send it).
m = UE(IC + ":5082", SC + ":6060", "carol", DOMAIN)
r = m.send(m.request(method="MESSAGE", ruri="sip:bob@" + DOMAIN,
                     to="sip:bob@" + DOMAIN))
out("msg", st(r))
EOF
check "trusted Path entry then the attacker's: registered (200)" \
	[ "$(val mixed)" = 200 ]
check "the 200's Path is the trusted entry alone" \
	eval "val mixed_path | grep -q 'term@$IC:5070' && ! val mixed_path | grep -q '$EXT'"
check "the store holds the trusted entry only" \
	eval "paths bob | grep -q 'term@$IC:5070' && ! paths bob | grep -q '$EXT'"
check "the terminating MESSAGE reached bob through the stored Path (200)" \
	[ "$(val msg)" = 200 ]
check "it arrived at the trusted Path entry" grep -q '^MESSAGE sip:bob@' term.rec
check "its Route named no host of the attacker" \
	eval "! grep -i '^Route:' term.rec | grep -q '$EXT'"

# Through the chain: the UE's own Path.
py ue <<'EOF'
ue = UE(UEIP + ":5093", PC + ":5060", "carol", DOMAIN, K, OP)
r = ue.full_register(extra=["Path: <sip:evil@%s:5060;lr>" % EXT])
out("chain", st(r))
EOF
check "a UE-supplied Path through the P-CSCF: refused (403) or dropped (200)" \
	eval "[ '$(val chain)' = 403 ] || [ '$(val chain)' = 200 ]"
check "no binding of carol's holds the UE's Path" \
	eval "! paths carol | grep -q '$EXT'"
py icscf <<'EOF'
m = UE(IC + ":5084", SC + ":6060", "bob", DOMAIN)
r = m.send(m.request(method="MESSAGE", ruri="sip:carol@" + DOMAIN,
                     to="sip:carol@" + DOMAIN))
out("msg_carol", st(r))
EOF
sleep 1
check "nothing ever reached the attacker's host" [ ! -s evil.rec ]

stop_captures
n=$(mars alice)
check "alice's MARs on the core wire are the control's ($n, one a vector)" \
	[ "$n" -ge 1 -a "$n" = $(($(seq_of alice) - seq0)) ]
check "one MAR for bob: the registration with the trusted Path" \
	[ "$(mars bob)" = 1 ]
check "no ck=/ik= on the UE's wire" no_keys ue.pcapng
check "ck= on the core side (S-CSCF -> I-CSCF) for the chain's 401" eval \
	"[ -n \"\$(tshark -r core.pcapng -d udp.port==6060,sip -Y 'sip matches \"[ ,]ck=\"' 2>/dev/null)\" ]"
check "no key material in the logs" eval "! grep -Eqi 'ck=|ik=' scscf.log icscf.log pcscf.log"
summary
