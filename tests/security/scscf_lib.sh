# scscf_lib.sh - helpers of the S-CSCF registrar attack tests
# (test_scscf_*.sh), over tests/sip/sip_lib.sh: the chain (hss, scscf,
# icscf, pcscf) with the UE network (ue, ext), crafted SIP from python
# (aka_ue.py) in any node, and the state the tests assert on: the
# S-CSCF's store, the HSS's registration state and SQN, the MARs on the
# core wire.
# Env: HSS HSS_CTL SCSCF ICSCF PCSCF IMSAUTH (binaries), SIPDIR, SECDIR.
: "${HSS:?}" "${HSS_CTL:?}" "${SCSCF:?}" "${ICSCF:?}" "${PCSCF:?}"
: "${IMSAUTH:?}" "${SIPDIR:?}" "${SECDIR:?}"
. "$SIPDIR/sip_lib.sh"
need sipp tshark ss python3

# chain_up WORK USERS [-o KEY=VALUE ...]: the namespaces, a capture of
# the core (bridge, core.pcapng) and of the UE's wire (ue.pcapng), the
# hss with USERS provisioned, and the three CSCFs, the S-CSCF with the
# extra settings.  The P-CSCF's per-source REGISTER limit is lifted: these
# tests measure the S-CSCF's own rules (test_pcscf_register.sh has the
# P-CSCF's), and their floods share the ue node's address with the victim.
chain_up() {
	local w=$1 users=$2 u
	shift 2
	topo_up hss scscf icscf pcscf ue ext
	work_dir "$w"
	WORK=$w
	SC=$(ip_of scscf); IC=$(ip_of icscf); PC=$(ip_of pcscf)
	UE=$(ip_of ue); EXT=$(ip_of ext)
	ip netns exec "$NS_BR" tshark -i br0 -w "$WORK/core.pcapng" -q \
		>>br.log 2>&1 &
	BR_PID=$!
	PIDS="$PIDS $BR_PID"
	capture ue ue.pcapng
	hss_start
	for u in $users; do provision "$u"; done
	scscf_conf scscf.conf scscf -o diameter.timeout=2000 "$@"
	icscf_conf icscf.conf -o scscf="sip:$SC:6060=1,2" \
		-o diameter.timeout=2000
	pcscf_conf pcscf.conf -o register-burst=16777216 \
		-o register-rate=16777216
	bg scscf scscf.log "$SCSCF" -c scscf.conf
	SCSCF_PID=$BG_PID
	wait_listen scscf u 6060 "$SCSCF_PID" scscf.log
	bg icscf icscf.log "$ICSCF" -c icscf.conf
	ICSCF_PID=$BG_PID
	wait_listen icscf u 5060 "$ICSCF_PID" icscf.log
	bg pcscf pcscf.log "$PCSCF" -c pcscf.conf
	PCSCF_PID=$BG_PID
	wait_listen pcscf u 5060 "$PCSCF_PID" pcscf.log
	sleep 4		# Cx links up (TcTimer 2)
}

# db_query SQL ARG...: rows of the S-CSCF's store, "|"-separated.
db_query() {
	python3 -c 'import sqlite3,sys
c=sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
for r in c.execute(sys.argv[2], sys.argv[3:]):
    print("|".join(str(x) for x in r))' "$WORK/db/scscf.db" "$@"
}
# bindings USER: live bindings of sip:USER@DOMAIN in the S-CSCF's store.
bindings() {
	db_query "select count(*) from bindings where impu=? and
		expires_at>strftime('%s','now')" "sip:$1@$DOMAIN"
}
# paths USER / contacts USER: the stored Path / contacts of every binding.
paths() { db_query "select path from bindings where impu=?" "sip:$1@$DOMAIN"; }
contacts() { db_query "select contact from bindings where impu=?" "sip:$1@$DOMAIN"; }
hss_show() { "$HSS_CTL" --db "$WORK/db/hss.db" show --impi "$1@$DOMAIN"; }
hss_state() { hss_show "$1" | sed -n 's/^state=//p' | head -1; }
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
# importable and the topology in its globals (SC IC PC UE EXT DOMAIN K
# OP), save(NAME, TEXT) / load(NAME) to pass values between runs; its
# "name=value" lines go to OUT (default py.out) for val.
py() {
	local n=$1 out=${2:-py.out}
	{
		cat <<'PRE'
import os, sys, time
from aka_ue import UE, Resp, imsauth
E = os.environ
SC, IC, PC, UEIP, EXT = E["SC"], E["IC"], E["PC"], E["UEIP"], E["EXT"]
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
		IC="$IC" PC="$PC" UEIP="$UE" EXT="$EXT" DOMAIN="$DOMAIN" \
		K="$K" OP="$OP" python3 - >"$out" 2>"$out.err"
	PY_OUT=$out
}
# val NAME [FILE]: the value of NAME= in the last py output.
val() { sed -n "s/^$1=//p" "${2:-$PY_OUT}" | tail -1; }

# listener NODE IP:PORT SECONDS FILE: records what reaches IP:PORT.
listener() {
	bg "$1" "$4.log" python3 "$SECDIR/aka_ue.py" listen "$2" "$3" \
		"$PWD/$4"
	LISTEN_PID=$BG_PID
	: >"$4"
}

# no_keys FILE: no ck=/ik= in any SIP of a capture.
no_keys() {
	[ -z "$(tshark -r "$1" -d udp.port==6060,sip -d tcp.port==6060,sip \
		-Y 'sip contains "ck=" || sip contains "ik="' 2>/dev/null)" ]
}
