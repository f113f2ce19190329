# shellcheck shell=bash
# scscf_lib.sh - helpers of the S-CSCF registrar attack tests
# (test_scscf_*.sh), over tests/sip/sip_lib.sh: the chain (hss, scscf,
# icscf, pcscf) with the UE network (ue, ext), crafted SIP from python
# (aka_ue.py) in any node, and the state the tests assert on: the
# S-CSCF's store, the HSS's registration state and SQN, the MARs on the
# core wire.
# Env: HSS HSS_CTL SCSCF ICSCF PCSCF IMSAUTH (binaries), SIPDIR, SECDIR.
: "${HSS:?}" "${HSS_CTL:?}" "${SCSCF:?}" "${ICSCF:?}" "${PCSCF:?}"
: "${IMSAUTH:?}" "${SIPDIR:?}" "${SECDIR:?}"
# shellcheck source=tests/sip/sip_lib.sh
. "$SIPDIR/sip_lib.sh"
need sipp tshark ss python3

# scscf_chain WORK USERS [-S KEY=VALUE ...]: chain_up with the UE network
# (ue, ext), a capture of the core (bridge, core.pcapng) and of the UE's
# wire (ue.pcapng), USERS provisioned, the S-CSCF with the extra settings.
# The P-CSCF's per-source REGISTER limit is lifted: these tests measure
# the S-CSCF's own rules (test_pcscf_register.sh has the P-CSCF's), and
# their floods share the ue node's address with the victim.
scscf_chain() {
	local w=$1 users=$2
	shift 2
	chain_up "$w" -n "hss scscf icscf pcscf ue ext" -u "$users" \
		-c br:core.pcapng -c ue:ue.pcapng \
		-S diameter.timeout=2000 "$@" \
		-I scscf="sip:$SC:6060=1,2" -I diameter.timeout=2000 \
		-P register-burst=16777216 -P register-rate=16777216
}

# paths USER / contacts USER: the stored Path / contacts of every binding.
paths() { db_query "select path from bindings where impu=?" "sip:$1@$DOMAIN"; }
contacts() { db_query "select contact from bindings where impu=?" "sip:$1@$DOMAIN"; }
# seq_of USER: SEQ of the HSS's SQN_HE (SQN = SEQ || IND, 5 IND bits):
# one more per vector the HSS made.
seq_of() {
	local sqn
	sqn=$(hss_show "$1" | sed -n 's/^sqn=//p' | head -1)
	echo $(((0x${sqn:-0}) >> 5))
}
# stop_captures: end both captures (their files complete; mars and
# no_keys read them afterwards).
stop_captures() {
	sleep 1
	kill "$CAP_PID" "$BR_PID" 2>/dev/null
	wait "$CAP_PID" "$BR_PID" 2>/dev/null
}
# mars USER: MARs for USER's IMPI on the core wire (after stop_captures).
mars() {
	tshark -r "$WORK/core.pcapng" -Y "diameter.cmd.code == 303 &&
		diameter.flags.request == 1 &&
		diameter.User-Name == \"$1@$DOMAIN\"" 2>/dev/null | wc -l
}

# py NODE [OUT]: run the python on stdin in NODE's namespace with aka_ue
# importable and the topology in its globals (SC SC2 IC PC UE EXT DOMAIN
# K OP), save(NAME, TEXT) / load(NAME) to pass values between runs; its
# "name=value" lines go to OUT (default py.out) for val.
py() {
	local n=$1 out=${2:-py.out}
	{
		cat <<'PRE'
import os, sys, time
from aka_ue import UE, Resp, imsauth
E = os.environ
SC, IC, PC, UEIP, EXT = E["SC"], E["IC"], E["PC"], E["UEIP"], E["EXT"]
SC2 = E["SC2"]
DOMAIN, K, OP = E["DOMAIN"], E["K"], E["OP"]
def out(name, value):
    print("%s=%s" % (name, value), flush=True)
def st(r):
    return r.status if r is not None else 0
def save(name, value):
    open(name + ".saved", "w").write(value)
def load(name):
    return open(name + ".saved").read()
PRE
		cat
	} | in_ns "$n" env IMSAUTH="$IMSAUTH" PYTHONPATH="$SECDIR" SC="$SC" \
		SC2="$SC2" IC="$IC" PC="$PC" UEIP="$UE" EXT="$EXT" \
		DOMAIN="$DOMAIN" K="$K" OP="$OP" python3 - >"$out" 2>"$out.err"
	PY_OUT=$out
}
# val NAME [FILE]: the value of NAME= in the last py output.
val() { sed -n "s/^$1=//p" "${2:-$PY_OUT}" | tail -1; }

# listener NODE IP:PORT SECONDS FILE: records what reaches IP:PORT.
listener() {
	bg "$1" "$4.log" python3 "$SECDIR/aka_ue.py" listen "$2" "$3" \
		"$PWD/$4"
	: >"$4"
}

# no_keys FILE: no ck=/ik= parameter in any SIP of a capture (a base64
# nonce may end in "ck=" or "ik=": what precedes a parameter tells).
no_keys() {
	[ -z "$(tshark -r "$1" -d udp.port==6060,sip -d tcp.port==6060,sip \
		-Y 'sip matches "[ ,](ck|ik)="' 2>/dev/null)" ]
}
