# sip_lib.sh - helpers of the SIP topology tests: one network namespace per
# node (names imst-sip-*), all joined by a bridge living in its own
# namespace; the daemons' configurations rendered from the samples
# (scripts/lablib.sh's lab_conf, lab_dia); daemons; pass/fail bookkeeping
# (tests/lib/testlib.sh).
# Sourced by the test scripts; cleanup() (an EXIT trap) removes everything.

. "${BASH_SOURCE[0]%/*}/../lib/testlib.sh" ||
	{ echo "FATAL: cannot source testlib.sh" >&2; exit 1; }
PIDS=
NODES=
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
LAB_DOMAIN=$DOMAIN LAB_FD_EXT=$FD_EXT LAB_DIAMETER=tcp
. "${BASH_SOURCE[0]%/*}/../../scripts/lablib.sh" || die "cannot source lablib.sh"

ns() { echo "imst-sip-$1-$TAG"; }
ip_of() {
	case $1 in
	hss) echo "$NET.1" ;; scscf) echo "$NET.2" ;; icscf) echo "$NET.3" ;;
	pcscf) echo "$NET.4" ;; scscf2) echo "$NET.5" ;;
	ue) echo "$NET.10" ;; ext) echo "$NET.11" ;;
	*) die "ip_of $1" ;;
	esac
}
in_ns() { local n=$1; shift; ip netns exec "$(ns "$n")" "$@"; }
# bg NODE LOG CMD...: start CMD in NODE's namespace; BG_PID is its pid
# (ip netns exec execs, so the pid is the daemon's own).
bg() {
	local n=$1 l=$2
	shift 2
	ip netns exec "$(ns "$n")" "$@" >>"$l" 2>&1 &
	BG_PID=$!
	PIDS="$PIDS $BG_PID"
}
# capture NODE FILE: tshark on NODE's eth0; CAP_PID; waits the ~3 s
# tshark needs before it captures.
capture() {
	bg "$1" "$2.log" tshark -i eth0 -w "$PWD/$2" -q
	CAP_PID=$BG_PID
	sleep 3
}

cleanup() {
	for p in $PIDS; do
		kill "$p" 2>/dev/null
	done
	sleep 0.5
	for p in $PIDS; do
		kill -9 "$p" 2>/dev/null
	done
	wait 2>/dev/null
	netns_down
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
		NODES="$NODES $n"
		netns_join "$NS_BR" "$(ns "$n")" "v$n" "$(ip_of "$n")/24" ||
			die "no node $n"
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

# cx: the Cx link of a CSCF, to the hss.
cx() { echo "-o diameter.connect=hss.$DOMAIN@$(ip_of hss)"; }

# trusted: the trust domain of a CSCF, every CSCF node of the topology
# (trusted-peer settings).
trusted() {
	local n
	for n in $NODES; do
		case $n in pcscf|icscf|scscf|scscf2)
			echo "-o trusted-peer=$(ip_of "$n")" ;;
		esac
	done
}

# scscf_conf FILE NODE [-o ...]: an S-CSCF on NODE (port 6060), Cx to the
# hss, its store db/NODE.db.
scscf_conf() {
	local f=$1 n=$2 a
	a=$(ip_of "$n")
	shift 2
	lab_conf "$SCSCF" scscf "$f" $(lab_dia "$n") $(cx) $(trusted) \
		-o listen="$a:6060" -o domain="$DOMAIN" -o name="sip:$a:6060" \
		-o db="$PWD/db/$n.db" "$@"
}
# icscf_conf FILE [-o ...]: the I-CSCF (port 5060), Cx to the hss, the
# S-CSCF on node scscf.
icscf_conf() {
	local f=$1
	shift
	lab_conf "$ICSCF" icscf "$f" $(lab_dia icscf) $(cx) $(trusted) \
		-o listen="$(ip_of icscf):5060" -o domain="$DOMAIN" \
		-o scscf="sip:$(ip_of scscf):6060" "$@"
}
# pcscf_conf FILE [-o ...]: the P-CSCF (port 5060) in front of the I-CSCF.
pcscf_conf() {
	local f=$1
	shift
	lab_conf "$PCSCF" pcscf "$f" $(trusted) \
		-o listen="$(ip_of pcscf):5060" \
		-o icscf="sip:$(ip_of icscf):5060" "$@"
}
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
	lab_conf "$HSS" hss hss.conf $(lab_dia hss) -o db="$PWD/db/hss.db" \
		-o diameter.accept="scscf.$DOMAIN@$(ip_of scscf)" \
		-o diameter.accept="icscf.$DOMAIN@$(ip_of icscf)" \
		-o scscf="sip:$(ip_of scscf):6060@scscf.$DOMAIN" \
		-o scscf="sip:$(ip_of scscf2):6060@scscf2.$DOMAIN" "$@"
	bg hss hss.log "$HSS" -c hss.conf
	HSS_PID=$BG_PID
	wait_listen hss t 3868 "$HSS_PID" hss.log
}

# provision USER: K/OP/AMF as above.
provision() {
	"$HSS_CTL" --db "$PWD/db/hss.db" add --impi "$1@$DOMAIN" \
		--impu "sip:$1@$DOMAIN" --k "$K" --op "$OP" --amf "$AMF" \
		>/dev/null || die "hss-ctl add $1"
}

# scenario TEMPLATE OUT USER [KEY]: SIPp keeps keys literal in the file.
scenario() {
	sed -e "s/@USER@/$3/g" -e "s/@DOMAIN@/$DOMAIN/g" \
	    -e "s/@K@/${4:-$K}/g" -e "s/@OP@/$OP/g" -e "s/@AMF@/$AMF/g" \
	    -e "s/@EXPIRES@/${EXPIRES:-600}/g" \
	    -e "s/@TARGET@/${TARGET:-bob}/g" -e "s/@STATUS@/${STATUS:-200}/g" \
	    "$SIPDIR/$1" >"$2" || die "scenario $1"
}

# sipp_ue USER PORT TEMPLATE DEST [extra sipp args]: one UE call, 0 if the
# scenario completed.
sipp_ue() {
	local u=$1 p=$2 t=$3 d=$4
	shift 4
	scenario "$t" "$u-$t" "$u"
	in_ns ue timeout 30 sipp -sf "$u-$t" "$d" -i "$(ip_of ue)" -p "$p" \
		-s "$u" -m 1 -nostdin -auth_uri "$DOMAIN" -timeout 20s \
		-trace_msg -message_file "$u-$t.msgs" \
		-trace_err -error_file "$u-$t.err" "$@" >"$u-$t.out" 2>&1
}

