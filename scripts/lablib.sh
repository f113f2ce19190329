# lablib.sh - the lab topology: one network namespace per IMS function, all
# joined by a bridge in a namespace of its own, freeDiameter configs, and
# daemons started detached with pid files.  Sourced by ./lab (and usable by
# tests).  Nothing here touches the host's own network namespace.
#
# Settings (environment):
#   LAB_PREFIX  namespace prefix            (default ims-)
#   LAB_NET     first three octets of /24   (default 10.77.0)
#   LAB_DIR     configs, databases, logs    (default <repo>/.lab)
#   LAB_DOMAIN  home domain and realm       (default ims.example.org)
#   LAB_DIAMETER  tcp | sctp                (default tcp: this kernel has
#               no SCTP; the kernel tests run the lab over SCTP in qemu)

LAB_PREFIX=${LAB_PREFIX:-ims-}
LAB_NET=${LAB_NET:-10.77.0}
LAB_DOMAIN=${LAB_DOMAIN:-ims.example.org}
LAB_FD_EXT=${LAB_FD_EXT:-/usr/lib/freeDiameter}
LAB_DIAMETER=${LAB_DIAMETER:-tcp}
LAB_NODES="hss scscf icscf pcscf ue"

lab_die() { echo "lab: $*" >&2; exit 1; }

lab_ns() { echo "${LAB_PREFIX}$1"; }
lab_ip() {
	case $1 in
	hss) echo "$LAB_NET.10" ;; scscf) echo "$LAB_NET.20" ;;
	icscf) echo "$LAB_NET.30" ;; pcscf) echo "$LAB_NET.40" ;;
	ue) echo "$LAB_NET.100" ;; ue2) echo "$LAB_NET.101" ;;
	*) lab_die "no address for node $1" ;;
	esac
}
lab_port() {
	case $1 in
	scscf) echo 6060 ;; icscf) echo 4060 ;; pcscf) echo 5060 ;;
	hss) echo 3868 ;; *) echo 0 ;;
	esac
}
lab_in() { n=$1; shift; ip netns exec "$(lab_ns "$n")" "$@"; }

# lab_net_up NODE...: the bridge namespace and one veth per node.
lab_net_up() {
	br=$(lab_ns br)
	ip netns add "$br" || lab_die "ip netns add $br (already up? ./lab down)"
	ip -n "$br" link add br0 type bridge || lab_die "bridge"
	ip -n "$br" link set br0 up
	ip -n "$br" link set lo up
	for n in "$@"; do
		ip netns add "$(lab_ns "$n")" || lab_die "ip netns add $n"
		ip -n "$br" link add "v$n" type veth peer name eth0 \
		    netns "$(lab_ns "$n")" || lab_die "veth $n"
		ip -n "$br" link set "v$n" master br0 up
		ip -n "$(lab_ns "$n")" addr add "$(lab_ip "$n")/24" dev eth0
		ip -n "$(lab_ns "$n")" link set eth0 up
		ip -n "$(lab_ns "$n")" link set lo up
	done
}

# lab_net_down: every namespace with our prefix.
lab_net_down() {
	for n in $(ip netns list | awk '{print $1}'); do
		case $n in "$LAB_PREFIX"*) ip netns del "$n" || true ;; esac
	done
}

# lab_fd_conf FILE NODE [EXTRA-LINE...]: freeDiameter 1.2.1 over TCP or SCTP
# only (LAB_DIAMETER), no TLS (SecPort 0), quick reconnects (TcTimer 2).
lab_fd_conf() {
	f=$1 node=$2; shift 2
	{
		echo "Identity = \"$node.$LAB_DOMAIN\";"
		echo "Realm = \"$LAB_DOMAIN\";"
		echo "Port = 3868;"
		echo "SecPort = 0;"
		case $LAB_DIAMETER in
		tcp) echo "No_SCTP;" ;;
		sctp) echo "No_TCP;" ;;
		*) lab_die "LAB_DIAMETER must be tcp or sctp" ;;
		esac
		echo "No_IPv6;"
		echo "TcTimer = 2;"
		for e in dict_nasreq dict_dcca dict_dcca_3gpp; do
			echo "LoadExtension = \"$LAB_FD_EXT/$e.fdx\";"
		done
		for l in "$@"; do echo "$l"; done
	} >"$f"
}

# lab_start NODE NAME CMD...: detached in NODE's namespace, log and pid file
# in LAB_DIR.
lab_start() {
	n=$1 name=$2; shift 2
	ip netns exec "$(lab_ns "$n")" setsid "$@" \
	    >>"$LAB_DIR/$name.log" 2>&1 </dev/null &
	echo $! >"$LAB_DIR/$name.pid"
}

# lab_wait_listen NODE PROTO(t|u|S) PORT NAME: until the port is bound
# (ss -l with -t TCP, -u UDP, -S SCTP).
lab_wait_listen() {
	for _ in $(seq 150); do
		lab_in "$1" ss -ln"$2" 2>/dev/null | grep -q ":$3 " && return 0
		kill -0 "$(cat "$LAB_DIR/$4.pid")" 2>/dev/null || break
		sleep 0.1
	done
	tail -n 20 "$LAB_DIR/$4.log" >&2
	lab_die "$4 did not start (log: $LAB_DIR/$4.log)"
}

# lab_stop_all: SIGTERM, then SIGKILL what is left (freeDiameter can hang
# in shutdown, see the shared notes).
lab_stop_all() {
	for f in "$LAB_DIR"/*.pid; do
		[ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null || true
	done
	for _ in $(seq 30); do
		alive=0
		for f in "$LAB_DIR"/*.pid; do
			[ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null &&
			    alive=1 || true
		done
		[ $alive = 0 ] && break
		sleep 0.1
	done
	for f in "$LAB_DIR"/*.pid; do
		[ -f "$f" ] && kill -9 "$(cat "$f")" 2>/dev/null || true
		rm -f "$f"
	done
}
