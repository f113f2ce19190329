# shellcheck shell=bash
# topo_lib.sh - shared helpers of the topo tests: two network namespaces
# joined by a veth pair (scripts/netns.sh), the daemons' configurations
# (scripts/lablib.sh's lab_conf), cxclient settings files, pass/fail
# bookkeeping (tests/lib/testlib.sh).
# Sourced by the test scripts; everything created is removed by cleanup().

. "${BASH_SOURCE[0]%/*}/../lib/testlib.sh" ||
	{ echo "FATAL: cannot source testlib.sh" >&2; exit 1; }
. "${BASH_SOURCE[0]%/*}/../lib/pg_lib.sh" ||
	{ echo "FATAL: cannot source pg_lib.sh" >&2; exit 1; }
PIDS=
NS_A=imst-a-$$
NS_B=imst-b-$$
IF_A=imsta$$
IF_B=imstb$$
IP_A=10.201.0.1
IP_B=10.201.0.2
REALM=imst.test
FD_EXT=/usr/lib/freeDiameter
# lab_conf, lab_conf_dir, lab_private_dir; lab_die is ours (die).
LAB_DOMAIN=$REALM LAB_FD_EXT=$FD_EXT LAB_DIAMETER=tcp
. "${BASH_SOURCE[0]%/*}/../../scripts/lablib.sh" ||
	{ echo "FATAL: cannot source lablib.sh" >&2; exit 1; }
lab_die() { die "$*"; }

# kv NAME [N]: the N-th (1-based) value of NAME=... on stdin
kv() {
	sed -n "s/^$1=//p" | sed -n "${2:-1}p"
}

cleanup() {
	local p
	for p in $PIDS; do
		kill -9 "$p" 2>/dev/null
	done
	wait 2>/dev/null
	pg_stop
	netns_down
}

# topo_up: namespaces NS_A and NS_B joined by a veth pair
# (scripts/netns.sh).
topo_up() {
	[ "$(id -u)" -eq 0 ] || die "topo tests need root (network namespaces)"
	need ip
	trap cleanup EXIT
	trap 'exit 1' INT TERM
	netns_pair "$NS_A" "$IF_A" "$IP_A/24" "$NS_B" "$IF_B" "$IP_B/24" ||
		die "no namespaces"
}

# work_dir DIR: a fresh working directory (configurations, logs, captures;
# group of the daemons' run user, 0750) with the stores in db/ (the run
# user's, 0700); cd into it.
work_dir() {
	rm -rf "$1"
	lab_conf_dir "$1"
	lab_private_dir "$1/db"
	cd "$1" || die "cd $1"
}

# hss_store WORK: DB, the hss's store: WORK/db/hss.db (SQLite), or with
# HSS_BACKEND=pg a private PostgreSQL cluster (pg_lib.sh) in pg/ beside
# WORK (outside it: the postgres user must reach it), stopped by cleanup.
# Call after topo_up.
hss_store() {
	case ${HSS_BACKEND:-sqlite} in
	sqlite) DB=$1/db/hss.db ;;
	pg) pg_start "${1%/*}/pg"; DB=$PG_URL ;;
	*) die "HSS_BACKEND is sqlite or pg, not \"$HSS_BACKEND\"" ;;
	esac
	echo "hss store (${HSS_BACKEND:-sqlite}): $DB"
}

# cli_conf FILE IDENTITY [KEY=VALUE...]: cxclient's settings in the
# daemons' format (diameter.* keys, dia_conf.h): connect to the hss on
# IP_A, quick reconnects, Destination-Realm REALM.
cli_conf() {
	local f=$1 id=$2 kv
	shift 2
	{
		echo "diameter.identity = $id"
		echo "diameter.connect = hss.$REALM@$IP_A"
		echo "diameter.dest-realm = $REALM"
		echo "diameter.tc-timer = 2"
		echo "diameter.extensions-dir = $FD_EXT"
		for kv in "$@"; do
			echo "${kv%%=*} = ${kv#*=}"
		done
	} >"$f"
}

# gba_bsf_conf OUT [-o KEY=VALUE...]: the bsf (binary BSF) in NS_B on
# IP_B:8080, named BSFNAME, store BSF_DB; it connects to the hss on IP_A and
# to the NAF (the test's Zn peer, a cxclient, on IP_A:3869: a node either
# connects or accepts, dia_conf); mar-limit 64 (tests bootstrap often).
gba_bsf_conf() {
	local out=$1
	shift
	lab_conf "$BSF" bsf "$out" -o name="$BSFNAME" -o db="$BSF_DB" \
	    -o listen="$IP_B:8080" -o hss="hss.$REALM" -o mar-limit=64 \
	    -o diameter.identity="$BSFNAME" \
	    -o diameter.connect="hss.$REALM@$IP_A" \
	    -o diameter.connect="$NAF@$IP_A:3869" -o diameter.tc-timer=2 \
	    -o diameter.extensions-dir="$FD_EXT" "$@"
}

# gba_zn_conf OUT: cxclient's settings as the NAF NAF towards the bsf
# (zn-bir): it accepts the bsf on port 3869.
gba_zn_conf() {
	{
		echo "diameter.identity = $NAF"
		echo "diameter.port = 3869"
		echo "diameter.accept = $BSFNAME@$IP_B"
		echo "diameter.dest-realm = $REALM"
		echo "diameter.tc-timer = 2"
		echo "diameter.timeout = 5000"
		echo "diameter.extensions-dir = $FD_EXT"
		echo "dest-host = $BSFNAME"
	} >"$1"
}

# hss_start: the hss of HSS with hss.conf in NS_A, logging to hss.log;
# HSS_PID, in PIDS; returns once it listens on 3868 (dies otherwise).
# hss_start NAME PORT: the same with NAME.conf, NAME.log and PORT (several
# hss on one store, test_hss_shared).
HSS_PID=
# shellcheck disable=SC2120  # both arguments are optional
hss_start() {
	local name=${1:-hss} port=${2:-3868}
	ip netns exec "$NS_A" "$HSS" -c "$name.conf" >>"$name.log" 2>&1 &
	HSS_PID=$!
	PIDS="$PIDS $HSS_PID"
	for _ in $(seq 100); do
		ip netns exec "$NS_A" ss -ltn 2>/dev/null | grep -q ":$port " &&
			return 0
		kill -0 "$HSS_PID" 2>/dev/null || break
		sleep 0.1
	done
	cat "$name.log" >&2
	die "$name did not start"
}

# ue_sqn RAND AUTN [SQN_MS]: the SQN a USIM with K and OP accepts (imsauth
# ue-check of IMSAUTH), or "" on rejection.
ue_sqn() {
	"$IMSAUTH" ue-check --k "$K" --op "$OP" --rand "$1" --autn "$2" \
		${3:+--sqn-ms "$3"} | kv sqn
}
