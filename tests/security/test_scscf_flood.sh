#!/bin/bash
# test_scscf_flood.sh - credential-less REGISTERs for someone else's IMPI
# (TS 24.229 5.4.1.2.1, TS 33.203 6.1) against the real chain: they never
# take the victim's challenge away, and the HSS spends at most mar-limit
# vectors (SQNs, fsyncs) per IMPI and mar-window, whatever the rate.
#   1. From the UE network through the P-CSCF, 3000 REGISTERs for alice's
#      IMPI at 300/s while alice registers twice: each request answered
#      once, alice gets 200 both times, her SQN advanced by at most
#      mar-limit (5).
#   2. Straight from a trusted address at 1000/s for frank while frank
#      registers through the chain: the same, from the S-CSCF's own rule
#      (the pending challenge sent again; REGISTERs that come while its
#      MAR is out wait for it).
#   3. The budget itself, gina's IMPI from the UE network: rounds of
#      "challenge me, here is a wrong answer" each make the S-CSCF ask for
#      a new vector, five times; then the challenge still answerable is
#      sent again without a MAR, and a resynchronisation (which needs a
#      MAR) gets 503 with Retry-After.  Exactly five vectors spent, and
#      gina still registers.
# Env: HSS HSS_CTL SCSCF ICSCF PCSCF IMSAUTH SIPDIR SECDIR.
set -u
# shellcheck source=tests/security/scscf_lib.sh
. "${SECDIR:?}/scscf_lib.sh"

scscf_chain "$PWD/run-scscf-flood" "alice frank gina"

field() {	# FILE NAME: the number after NAME= (0 when absent)
	local v
	v=$(sed -n "s/.*$2=\([0-9]*\).*/\1/p" "$1" | head -1)
	echo "${v:-0}"
}
flood() {	# NODE TO BIND USER COUNT RATE OUT
	in_ns "$1" python3 "$SIPDIR/flood.py" --to "$2" --bind "$3" \
		--users "$4" --domain "$DOMAIN" --count "$5" --rate "$6" \
		--wait 40 >"$7" 2>&1
}

# ---- 1. through the chain ----
seqa=$(seq_of alice)
flood ue "$PC:5060" "$UE:5095" alice 3000 300 flood1.out &
FPID=$!
sleep 2
check "alice registers during the flood (200)" \
	sipp_ue alice 5071 reg.xml "$PC:5060"
sleep 3
check "alice registers again during the flood (200)" \
	sipp_ue alice 5072 reg.xml "$PC:5060"
wait "$FPID"
frc=$?
head -4 flood1.out
check "flood through the chain: every REGISTER answered exactly once" \
	[ "$frc" -eq 0 ]
check "the flood's REGISTERs were challenged (401)" \
	[ "$(field flood1.out status_401)" -gt 0 ]
d=$(($(seq_of alice) - seqa))
echo "alice: $d vectors for $(field flood1.out sent) flooded REGISTERs"
check "alice's SQN advanced by at most mar-limit (5): $d" \
	[ "$d" -ge 1 -a "$d" -le 5 ]
check "alice registered at both" \
	eval "[ \"\$(hss_state alice)\" = registered ] && [ \"\$(bindings alice)\" = 2 ]"

# ---- 2. straight to the S-CSCF from a trusted address ----
seqf=$(seq_of frank)
flood icscf "$SC:6060" "$IC:5095" frank 5000 1000 flood2.out &
FPID=$!
sleep 2
check "frank registers during the flood (200)" \
	sipp_ue frank 5073 reg.xml "$PC:5060"
wait "$FPID"
frc=$?
head -4 flood2.out
check "flood at the S-CSCF: every REGISTER answered exactly once" \
	[ "$frc" -eq 0 ]
d=$(($(seq_of frank) - seqf))
echo "frank: $d vectors for $(field flood2.out sent) flooded REGISTERs"
check "frank's SQN advanced by at most mar-limit (5): $d" \
	[ "$d" -ge 1 -a "$d" -le 5 ]

# ---- 3. the budget ----
seqg=$(seq_of gina)
py ext <<'EOF'
import base64
evil = UE(EXT + ":5096", PC + ":5060", "gina", DOMAIN, K, OP)
nonces = []
for i in range(7):
    r = evil.register()
    nonces.append(r.nonce() if r is not None and r.status == 401 else "-")
    out("round%d" % i, st(r))
    w = evil.register(auth=evil.creds(nonces[-1], res="00" * 8))
    out("wrong%d" % i, st(w))
out("distinct", len(set(nonces[:5])))
out("again", nonces[5] == nonces[4] and nonces[6] == nonces[4])
auts = base64.b64encode(os.urandom(14)).decode()
r = evil.register(auth=evil.creds(nonces[4], res="", auts=auts))
out("resync", st(r))
save("nonce4", nonces[4])
out("retry_after", r.hdr("Retry-After") if r is not None else "")
EOF
cp py.out budget.out
ok=1
for i in 0 1 2 3 4 5 6; do
	[ "$(val round$i)" = 401 ] && [ "$(val wrong$i)" = 403 ] || ok=0
done
check "seven rounds of challenge and wrong answer: 401 then 403 each" \
	[ $ok = 1 ]
check "the first five each brought a new vector (5 distinct nonces)" \
	[ "$(val distinct)" = 5 ]
check "then no MAR: the challenge still answerable was sent again" \
	[ "$(val again)" = True ]
check "a resynchronisation beyond the budget: 503" [ "$(val resync)" = 503 ]
check "with Retry-After (1..60 s)" \
	eval "[ \"$(val retry_after)\" -ge 1 ] && [ \"$(val retry_after)\" -le 60 ]"
check "the S-CSCF logged the budget" \
	grep -q 'SA1 user=gina@ims.example.org .*: registrar: 5 MARs within 60 s: 503' scscf.log
check "exactly five vectors spent for gina" \
	[ $(($(seq_of gina) - seqg)) = 5 ]
# With the project's UE: SIPp cannot answer a RES holding a 0x00 byte
# (tests/lib/sipp_aka.sh), and this challenge is the only one left.
py ue <<'EOF2'
ue = UE(UEIP + ":5097", PC + ":5060", "gina", DOMAIN, K, OP)
out("gina", st(ue.full_register()))
out("same", ue.nonce == load("nonce4"))
EOF2
check "gina still registers (the answerable challenge, no MAR): 200" \
	[ "$(val gina)" = 200 ]
check "with the challenge still answerable" [ "$(val same)" = True ]
check "still five vectors" [ $(($(seq_of gina) - seqg)) = 5 ]
stop_captures
check "at most 5 MARs for alice on the core wire" [ "$(mars alice)" -le 5 ]
check "at most 5 for frank" [ "$(mars frank)" -le 5 ]
check "5 for gina (the resync beyond the budget never left)" \
	[ "$(mars gina)" = 5 ]
for p in "$SCSCF_PID" "$ICSCF_PID" "$PCSCF_PID"; do
	check "daemon $p still running" kill -0 "$p"
done
summary
