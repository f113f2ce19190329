# shellcheck shell=bash
# sip_lib.sh - helpers of the SIP topology tests (tests/sip, tests/security):
# one network namespace per node (names imst-sip-*), all joined by a bridge
# living in its own namespace (scripts/netns.sh); the daemons'
# configurations rendered from the samples (scripts/lablib.sh's lab_conf,
# lab_dia); daemons; captures; pass/fail bookkeeping (tests/lib/testlib.sh).
# chain_up starts the chain most tests run against (hss with users, scscf,
# icscf, pcscf, their Cx links up).
# Sourced by the test scripts; cleanup() (an EXIT trap) removes everything.

# shellcheck source=tests/lib/testlib.sh
. "${BASH_SOURCE[0]%/*}/../lib/testlib.sh" ||
	{ echo "FATAL: cannot source testlib.sh" >&2; exit 1; }
# shellcheck source=tests/lib/sipp_aka.sh
. "${BASH_SOURCE[0]%/*}/../lib/sipp_aka.sh" || die "cannot source sipp_aka.sh"
PIDS=()		# killed by cleanup
NODES=()	# the namespaces of topo_up
NETNS_DIRS=()	# /etc/netns/NS of netns_etc, removed by cleanup
TAG=$$
NS_BR=imst-sip-br-$TAG
NET=10.202.$((TAG % 200 + 20))
DOMAIN=ims.example.org
FD_EXT=/usr/lib/freeDiameter
# Keys without 0x00 and 0x5b bytes (SIPp limits, see the shared notes).
K=f1e2d3c4b5a69788796a4a4c3d2e1f01
OP=494d53414b41746573744f5030303136
AMF=8001
# lab_conf / lab_dia: Diameter over TCP, identity NODE.$DOMAIN.
# shellcheck disable=SC2034  # read by lablib.sh
LAB_DOMAIN=$DOMAIN LAB_FD_EXT=$FD_EXT LAB_DIAMETER=tcp
# shellcheck source=scripts/lablib.sh
. "${BASH_SOURCE[0]%/*}/../../scripts/lablib.sh" || die "cannot source lablib.sh"

ns() { echo "imst-sip-$1-$TAG"; }
ip_of() {
	case $1 in
	hss) echo "$NET.1" ;; scscf) echo "$NET.2" ;; icscf) echo "$NET.3" ;;
	pcscf) echo "$NET.4" ;; scscf2) echo "$NET.5" ;; scscf3) echo "$NET.6" ;;
	ue) echo "$NET.10" ;; ext) echo "$NET.11" ;;
	*) die "ip_of $1" ;;
	esac
}
# The nodes' addresses, for the tests.
# shellcheck disable=SC2034  # used by the tests that source this
{
	HS=$(ip_of hss) SC=$(ip_of scscf) SC2=$(ip_of scscf2)
	IC=$(ip_of icscf) PC=$(ip_of pcscf) UE=$(ip_of ue) EXT=$(ip_of ext)
}
in_ns() { local n=$1; shift; ip netns exec "$(ns "$n")" "$@"; }
# bg NODE LOG CMD...: start CMD in NODE's namespace; BG_PID is its pid
# (ip netns exec execs, so the pid is the daemon's own).
bg() {
	local n=$1 l=$2
	shift 2
	ip netns exec "$(ns "$n")" "$@" >>"$l" 2>&1 &
	BG_PID=$!
	PIDS+=("$BG_PID")
}
# capture_bg NODE FILE: tshark on NODE's eth0 (NODE br: on the bridge,
# br0) into FILE, its output in FILE.log; the pid in CAP_PID (BR_PID for
# the bridge).  tshark needs ~3 s before it captures: capture NODE FILE
# waits for it.
capture_bg() {
	if [ "$1" = br ]; then
		ip netns exec "$NS_BR" tshark -i br0 -w "$PWD/$2" -q \
			>>"$2.log" 2>&1 &
		BR_PID=$!
		PIDS+=("$BR_PID")
	else
		bg "$1" "$2.log" tshark -i eth0 -w "$PWD/$2" -q
		# shellcheck disable=SC2034  # for the tests
		CAP_PID=$BG_PID
	fi
}
capture() {
	capture_bg "$@"
	sleep 3
}

cleanup() {
	local p
	for p in "${PIDS[@]}"; do
		kill "$p" 2>/dev/null
	done
	sleep 0.5
	for p in "${PIDS[@]}"; do
		kill -9 "$p" 2>/dev/null
	done
	wait 2>/dev/null
	netns_down
	[ ${#NETNS_DIRS[@]} -eq 0 ] || rm -rf "${NETNS_DIRS[@]}"
}

# topo_up NODE...: a namespace per node on the bridge (scripts/netns.sh).
topo_up() {
	local n
	[ "$(id -u)" -eq 0 ] || die "the sip tests need root (namespaces)"
	need ip
	trap cleanup EXIT
	trap 'exit 1' INT TERM
	netns_bridge "$NS_BR" || die "no bridge"
	for n in "$@"; do
		NODES+=("$n")
		netns_join "$NS_BR" "$(ns "$n")" "v$n" "$(ip_of "$n")/24" ||
			die "no node $n"
	done
}

# netns_etc NAMESERVER HOSTS NODE...: each NODE's namespace gets its own
# /etc/resolv.conf naming NAMESERVER and /etc/hosts: localhost, the lines
# of HOSTS (may be empty), the Diameter identities of hss, scscf and icscf
# (freeDiameter resolves them).  `ip netns exec` bind-mounts them: before
# the daemons start (chain_up).  Removed at exit.
netns_etc() {
	local server=$1 hosts=$2 n d h
	shift 2
	trap cleanup EXIT
	for n in "$@"; do
		d=/etc/netns/$(ns "$n")
		mkdir -p "$d" || die "mkdir $d"
		NETNS_DIRS+=("$d")
		printf 'nameserver %s\n' "$server" >"$d/resolv.conf"
		{
			printf '127.0.0.1 localhost\n'
			[ -z "$hosts" ] || printf '%s\n' "$hosts"
			for h in hss scscf icscf; do
				printf '%s %s.%s\n' "$(ip_of "$h")" "$h" "$DOMAIN"
			done
		} >"$d/hosts"
		chmod 644 "$d/resolv.conf" "$d/hosts"
	done
}

# work_dir DIR: a fresh working directory for configurations, logs and
# captures (group of the daemons' run user, 0750) with the stores in db/
# (the run user's, 0700); cd into it.
work_dir() {
	rm -rf "$1"
	lab_conf_dir "$1"
	lab_private_dir "$1/db"
	cd "$1" || die "cd $1"
}

# dia NODE: DIA, NODE's Diameter settings (lab_dia prints them as words
# without blanks).
dia() { read -r -a DIA <<<"$(lab_dia "$1")"; }
# trusted: TRUSTED, the trust domain of a CSCF: every CSCF node of the
# topology (trusted-peer settings).
trusted() {
	local n
	TRUSTED=()
	for n in "${NODES[@]}"; do
		case $n in pcscf|icscf|scscf|scscf2|scscf3)
			TRUSTED+=(-o "trusted-peer=$(ip_of "$n")") ;;
		esac
	done
}

# scscf_conf FILE NODE [-o ...]: an S-CSCF on NODE (port 6060), Cx to the
# hss, its store db/NODE.db.
scscf_conf() {
	local f=$1 n=$2 a
	a=$(ip_of "$n")
	shift 2
	dia "$n"
	trusted
	lab_conf "$SCSCF" scscf "$f" "${DIA[@]}" "${CX[@]}" "${TRUSTED[@]}" \
		-o listen="$a:6060" -o domain="$DOMAIN" -o name="sip:$a:6060" \
		-o db="$PWD/db/$n.db" "$@"
}
# icscf_conf FILE [-o ...]: the I-CSCF (port 5060), Cx to the hss, the
# S-CSCF on node scscf.
icscf_conf() {
	local f=$1
	shift
	dia icscf
	trusted
	lab_conf "$ICSCF" icscf "$f" "${DIA[@]}" "${CX[@]}" "${TRUSTED[@]}" \
		-o listen="$IC:5060" -o domain="$DOMAIN" \
		-o scscf="sip:$SC:6060" "$@"
}
# pcscf_conf FILE [-o ...]: the P-CSCF (port 5060) in front of the I-CSCF.
pcscf_conf() {
	local f=$1
	shift
	trusted
	lab_conf "$PCSCF" pcscf "$f" "${TRUSTED[@]}" \
		-o listen="$PC:5060" -o icscf="sip:$IC:5060" "$@"
}
# CX: the Cx link of a CSCF, to the hss.
CX=(-o "diameter.connect=hss.$DOMAIN@$HS")

# wait_listen NODE PROTO PORT PID LOG
wait_listen() {
	for _ in $(seq 100); do
		in_ns "$1" ss -ln"$2" 2>/dev/null | grep -q ":$3 " && return 0
		kill -0 "$4" 2>/dev/null || break
		sleep 0.1
	done
	cat "$5" >&2
	die "$1 did not start"
}

# wait_log FILE REGEX [TENTHS]: until FILE has a line matching REGEX.
wait_log() {
	for _ in $(seq "${3:-100}"); do
		grep -Eq "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# hss_start [-o ...]: the hss, accepting the scscf and icscf nodes as Cx
# peers (each from its own address), the S-CSCFs scscf and scscf2 by their
# names (scscf_conf) and identities, its store db/hss.db.
hss_start() {
	dia hss
	lab_conf "$HSS" hss hss.conf "${DIA[@]}" -o db="$PWD/db/hss.db" \
		-o diameter.accept="scscf.$DOMAIN@$SC" \
		-o diameter.accept="icscf.$DOMAIN@$IC" \
		-o scscf="sip:$SC:6060@scscf.$DOMAIN" \
		-o scscf="sip:$SC2:6060@scscf2.$DOMAIN" "$@"
	bg hss hss.log "$HSS" -c hss.conf
	HSS_PID=$BG_PID
	wait_listen hss t 3868 "$HSS_PID" hss.log
}

# provision USER[@REALM] [VISITED]: the IMPI USER@REALM (realm default
# DOMAIN) with the IMPU sip:IMPI, K/OP/AMF as above; VISITED: the only
# network it may register from ('*': any).
provision() {
	local impi=$1 v=()
	case $impi in *@*) ;; *) impi=$impi@$DOMAIN ;; esac
	[ -z "${2:-}" ] || v=(--visited "$2")
	"$HSS_CTL" --db "$PWD/db/hss.db" add --impi "$impi" \
		--impu "sip:$impi" --k "$K" --op "$OP" --amf "$AMF" "${v[@]}" \
		>/dev/null || die "hss-ctl add $impi"
}

# cscf_start NODE: the CSCF of NODE (scscf, scscf2, scscf3, icscf, pcscf)
# with NODE.conf, its log NODE.log, until it listens (UDP 6060 or 5060);
# its pid in SCSCF_PID, SCSCF2_PID, SCSCF3_PID, ICSCF_PID or PCSCF_PID.
cscf_start() {
	local n=$1 bin=$SCSCF port=6060
	case $n in icscf) bin=$ICSCF port=5060 ;; pcscf) bin=$PCSCF port=5060 ;; esac
	bg "$n" "$n.log" "$bin" -c "$n.conf"
	# shellcheck disable=SC2034  # for the tests
	case $n in
	scscf) SCSCF_PID=$BG_PID ;; scscf2) SCSCF2_PID=$BG_PID ;;
	scscf3) SCSCF3_PID=$BG_PID ;;
	icscf) ICSCF_PID=$BG_PID ;; pcscf) PCSCF_PID=$BG_PID ;;
	*) die "cscf_start $n" ;;
	esac
	wait_listen "$n" u "$port" "$BG_PID" "$n.log"
}
# cx_opened NODE: how often NODE.log saw its Cx link to the hss open.
cx_opened() {
	local c
	c=$(grep -c "'STATE_OPEN' 'hss\.$DOMAIN'" "$1.log" 2>/dev/null)
	echo "${c:-0}"
}
# cx_wait NODE [SEEN]: until NODE's Cx link to the hss opened more than
# SEEN times (default 0; cx_opened before a restart), 10 s at most.
cx_wait() {
	for _ in $(seq 100); do
		[ "$(cx_opened "$1")" -gt "${2:-0}" ] && return 0
		sleep 0.1
	done
	return 1
}

# chain_up WORK [OPTION...]: the chain, in the working directory WORK
# (work_dir, WORK set): the namespaces, captures, the hss with users, the
# CSCFs, until their Cx links are open.  Options:
#   -n "NODE..."  the namespaces (default: hss scscf icscf pcscf ue)
#   -d "CSCF..."  the CSCFs run, in this order (default: those of scscf,
#                 icscf, pcscf among the nodes; scscf2: a second S-CSCF;
#                 "": none)
#   -u "USER..."  users provisioned (provision; USER:VISITED: one who may
#                 only register from VISITED)
#   -c NODE:FILE  a capture (capture_bg; NODE br: the bridge), before
#                 anything starts; repeatable
#   -H, -S, -I, -P KEY=VALUE  an extra setting of the hss, the S-CSCF on
#                 node scscf, the I-CSCF, the P-CSCF; repeatable
#   -x            no hss: the CSCFs start without one, nothing waits for
#                 Cx (the test starts it later: hss_start, provision)
# HSS_PID, SCSCF_PID, ICSCF_PID, PCSCF_PID (cscf_start), CAP_PID and
# BR_PID (captures) for the test.
chain_up() {
	local w=$1 nodes="hss scscf icscf pcscf ue" cscfs=- users='' hss=1
	local opt OPTIND=2 OPTARG n u
	local -a nl cl ul cap=() ho=() so=() io=() po=()
	while getopts n:d:u:c:H:S:I:P:x opt; do
		case $opt in
		n) nodes=$OPTARG ;; d) cscfs=$OPTARG ;; u) users=$OPTARG ;;
		c) cap+=("$OPTARG") ;;
		H) ho+=(-o "$OPTARG") ;; S) so+=(-o "$OPTARG") ;;
		I) io+=(-o "$OPTARG") ;; P) po+=(-o "$OPTARG") ;;
		x) hss='' ;;
		*) die "chain_up: usage" ;;
		esac
	done
	[ "$OPTIND" -gt $# ] || die "chain_up: stray argument ${!OPTIND}"
	read -r -a nl <<<"$nodes"
	read -r -a ul <<<"$users"
	if [ "$cscfs" = - ]; then
		cscfs=
		for n in scscf icscf pcscf; do
			case " $nodes " in *" $n "*) cscfs="$cscfs $n" ;; esac
		done
	fi
	read -r -a cl <<<"$cscfs"
	topo_up "${nl[@]}"
	work_dir "$w"
	# shellcheck disable=SC2034  # for the tests
	WORK=$w
	for n in "${cap[@]}"; do
		capture_bg "${n%%:*}" "${n#*:}"
	done
	[ ${#cap[@]} -eq 0 ] || sleep 3
	if [ -n "$hss" ]; then
		hss_start "${ho[@]}"
		for u in "${ul[@]}"; do
			case $u in
			*:*) provision "${u%%:*}" "${u#*:}" ;;
			*) provision "$u" ;;
			esac
		done
	fi
	for n in "${cl[@]}"; do
		case $n in
		scscf) scscf_conf scscf.conf scscf "${so[@]}" ;;
		scscf2) scscf_conf scscf2.conf scscf2 ;;
		icscf) icscf_conf icscf.conf "${io[@]}" ;;
		pcscf) pcscf_conf pcscf.conf "${po[@]}" ;;
		esac
	done
	for n in "${cl[@]}"; do
		cscf_start "$n"
	done
	[ -n "$hss" ] || return 0
	for n in "${cl[@]}"; do
		case $n in scscf*|icscf)
			cx_wait "$n" || die "$n: no Cx link to the hss" ;;
		esac
	done
}

# store_query NODE SQL ARG...: rows of the store of the S-CSCF on NODE,
# "|"-separated; db_query SQL ARG...: of the one on node scscf.
store_query() {
	python3 -c 'import sqlite3,sys
c=sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
for r in c.execute(sys.argv[2], sys.argv[3:]):
    print("|".join(str(x) for x in r))' "$WORK/db/$1.db" "${@:2}"
}
db_query() { store_query scscf "$@"; }
# bindings USER|IMPU [NODE]: live bindings of the IMPU (USER:
# sip:USER@DOMAIN) at the S-CSCF on NODE (default scscf).
bindings() {
	local impu=$1
	case $impu in *:*) ;; *) impu=sip:$impu@$DOMAIN ;; esac
	store_query "${2:-scscf}" "select count(*) from bindings where
		impu=? and expires_at>strftime('%s','now')" "$impu"
}
# hss_show USER: hss-ctl show of USER@DOMAIN; hss_state USER: its
# registration state.
hss_show() { "$HSS_CTL" --db "$WORK/db/hss.db" show --impi "$1@$DOMAIN"; }
hss_state() { hss_show "$1" | sed -n 's/^state=//p' | head -1; }

# scenario TEMPLATE OUT USER [KEY]: SIPp keeps keys literal in the file.
scenario() {
	sed -e "s/@USER@/$3/g" -e "s/@DOMAIN@/$DOMAIN/g" \
	    -e "s/@K@/${4:-$K}/g" -e "s/@OP@/$OP/g" -e "s/@AMF@/$AMF/g" \
	    -e "s/@EXPIRES@/${EXPIRES:-600}/g" \
	    -e "s/@TARGET@/${TARGET:-bob}/g" -e "s/@STATUS@/${STATUS:-200}/g" \
	    "$SIPDIR/$1" >"$2" || die "scenario $1"
}

# sipp_ue USER PORT TEMPLATE DEST [extra sipp args]: one UE call, 0 if the
# scenario completed.  When SIPp failed because it cut a RES holding a
# 0x00 byte (tests/lib/sipp_aka.sh), once more: a new challenge.  From
# node UE_NODE (default ue), address UE_IP (default the node's).
sipp_ue() {
	local u=$1 p=$2 t=$3 d=$4
	shift 4
	scenario "$t" "$u-$t" "$u"
	sipp_ue_once "$u" "$p" "$t" "$d" "$@" && return 0
	sipp_res_nul "$u-$t.msgs" "$K" "$OP" || return 1
	echo "sipp_ue: $u: SIPp cut its RES at a 0x00 byte; again" >&2
	sipp_ue_once "$u" "$p" "$t" "$d" "$@"
}
sipp_ue_once() {
	local u=$1 p=$2 t=$3 d=$4
	shift 4
	local n=${UE_NODE:-ue}
	in_ns "$n" timeout 30 sipp -sf "$u-$t" "$d" -i "${UE_IP:-$(ip_of "$n")}" -p "$p" \
		-s "$u" -m 1 -nostdin -auth_uri "$DOMAIN" -timeout 20s \
		-trace_msg -message_file "$u-$t.msgs" \
		-trace_err -error_file "$u-$t.err" "$@" >"$u-$t.out" 2>&1
}

# sipp_uas NODE USER PORT TEMPLATE NAME [extra sipp args]: a SIPp UAS
# (TEMPLATE: uas.xml answers, uas_ring.xml only rings) for USER on NODE's
# address and PORT, in the background: the scenario NAME.xml, the
# messages it saw in NAME.msgs, errors in NAME.err; its pid in BG_PID.
sipp_uas() {
	local n=$1 u=$2 p=$3 t=$4 name=$5
	shift 5
	scenario "$t" "$name.xml" "$u"
	bg "$n" "$name.out" sipp -sf "$name.xml" -i "$(ip_of "$n")" -p "$p" \
		-s "$u" -nostdin -trace_msg -message_file "$name.msgs" \
		-trace_err -error_file "$name.err" "$@"
}
