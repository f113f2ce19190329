# shellcheck shell=bash
# lablib.sh - the lab topology: one network namespace per IMS function, all
# joined by a bridge in a namespace of its own, the daemons' configurations
# (rendered from the samples hss/hss.conf ... with `DAEMON -p`), and daemons
# started detached with pid files.  Sourced by ./lab (and usable by tests).
# Nothing here touches the host's own network namespace.
#
# Settings (environment):
#   LAB_PREFIX  namespace prefix            (default ims-)
#   LAB_NET     first three octets of /24   (default 10.77.0)
#   LAB_DIR     configs, logs; stores in db/ (default <repo>/.lab)
#   LAB_DOMAIN  home domain and realm       (default ims.example.org)
#   LAB_DIAMETER  tcp | sctp                (default tcp: this kernel has
#               no SCTP; the kernel tests run the lab over SCTP in qemu)
#   LAB_USER    the daemons' run user       (default imssec)
#   LAB_SEC_AGREE  required | optional | off  (the pcscf's sec-agree;
#               default: required where the kernel has ESP, else optional)
#   LAB_METRICS_PORT  every daemon's metrics-listen port, on its own
#               address (default 9100): GET /metrics, /healthz
#   LAB_CX_TLS  1 | 0: every Diameter link (Cx, Zh, Zn) over TLS with
#               certificates of the lab CA (default 1); 0: clear links,
#               for peers that speak Diameter only in clear (Kamailio's cdp)

LAB_PREFIX=${LAB_PREFIX:-ims-}
LAB_NET=${LAB_NET:-10.77.0}
LAB_DOMAIN=${LAB_DOMAIN:-ims.example.org}
LAB_FD_EXT=${LAB_FD_EXT:-/usr/lib/freeDiameter}
LAB_DIAMETER=${LAB_DIAMETER:-tcp}
LAB_USER=${LAB_USER:-imssec}
LAB_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)	# the samples
# shellcheck source=netns.sh
. "$LAB_SRC/scripts/netns.sh"
# shellcheck source=labroam.sh
. "$LAB_SRC/scripts/labroam.sh"

lab_die() { echo "lab: $*" >&2; exit 1; }

# lab_esp_ok NODE: 0 when NODE's namespace can hold an ESP SA (the kernel
# has esp4), probed with a throw-away SA.
lab_esp_ok() {
	local ns
	ns=$(lab_ns "$1")
	ip -n "$ns" xfrm state add src 192.0.2.1 dst 192.0.2.2 proto esp \
	    spi 0x101 mode transport \
	    auth "hmac(sha1)" 0x0123456789abcdef0123456789abcdef01234567 \
	    enc cipher_null "" 2>/dev/null || return 1
	ip -n "$ns" xfrm state del src 192.0.2.1 dst 192.0.2.2 proto esp \
	    spi 0x101 2>/dev/null
	return 0
}

# NAME -> the pid lab_start started (the pid file can be missing for a
# moment: a daemon replaces the file its launcher wrote, common/base/daemon.c).
declare -gA LAB_PID=()

lab_ns() { echo "${LAB_PREFIX}$1"; }
lab_ip() {
	if lab_roaming; then
		local r
		r=$(lab_roam_ip "$1")
		[ -n "$r" ] && { echo "$r"; return; }
	fi
	case $1 in
	hss) echo "$LAB_NET.10" ;; scscf) echo "$LAB_NET.20" ;;
	icscf) echo "$LAB_NET.30" ;; pcscf) echo "$LAB_NET.40" ;;
	bsf) echo "$LAB_NET.50" ;; naf) echo "$LAB_NET.60" ;;
	xcap) echo "$LAB_NET.70" ;;
	# Kamailio's CSCFs next to ours (bench/reg-vs-kamailio.sh)
	kscscf) echo "$LAB_NET.21" ;; kicscf) echo "$LAB_NET.31" ;;
	kpcscf) echo "$LAB_NET.41" ;;
	ue) echo "$LAB_NET.100" ;; ue2) echo "$LAB_NET.101" ;;
	*) lab_die "no address for node $1" ;;
	esac
}
lab_port() {
	case $1 in
	scscf|kscscf) echo 6060 ;; icscf|kicscf) echo 4060 ;;
	pcscf|kpcscf) echo 5060 ;;
	hss) echo 3868 ;; bsf) echo 8080 ;; naf) echo 8443 ;;
	xcap) echo 8080 ;; *) echo 0 ;;
	esac
}
lab_metrics_port() { echo "${LAB_METRICS_PORT:-9100}"; }
lab_in() { n=$1; shift; ip netns exec "$(lab_ns "$n")" "$@"; }

# lab_net_up NODE...: the bridge namespace and one veth per node
# (scripts/netns.sh).
lab_net_up() {
	local n
	netns_bridge "$(lab_ns br)" || lab_die "no bridge (already up? ./lab down)"
	for n in "$@"; do
		netns_join "$(lab_ns br)" "$(lab_ns "$n")" "v$n" "$(lab_ip "$n")/24" ||
		    lab_die "cannot add node $n"
	done
}

# lab_hosts NODE NAME=NODE...: names for NODE's namespace: `ip netns exec`
# puts /etc/netns/NS/hosts over /etc/hosts (ip-netns(8)), so a client in
# it reaches the bsf and the naf by the FQDNs their realms and
# certificates name.  Removed by lab_net_down.
lab_hosts() {
	local d e
	d=/etc/netns/$(lab_ns "$1")
	shift
	mkdir -p "$d" || lab_die "cannot make $d"
	{ echo "127.0.0.1 localhost"
	for e in "$@"; do echo "$(lab_ip "${e#*=}") ${e%%=*}"; done
	} >"$d/hosts" || lab_die "cannot write $d/hosts"
	chmod 0644 "$d/hosts"
}

# lab_net_down: every namespace with our prefix (./lab down runs in a
# process of its own: it finds them by name), and their /etc/netns files.
lab_net_down() {
	local d
	for d in /etc/netns/"$LAB_PREFIX"*; do
		[ -d "$d" ] && rm -rf "$d"
	done
	# shellcheck disable=SC2046
	netns_down $(ip netns list | awk -v p="$LAB_PREFIX" \
	    'index($1, p) == 1 { print $1 }')
}

# lab_conf_dir DIR: configurations, logs, pid files: owner root, group of
# the daemons' run user (who re-reads its configuration on SIGHUP), mode
# 0750, like /etc/imssec.
lab_conf_dir() {
	getent passwd "$LAB_USER" >/dev/null ||
	    lab_die "no user $LAB_USER (scripts/install-deps.sh creates it)"
	{ mkdir -p "$1" && chown "root:$(id -gn "$LAB_USER")" "$1" &&
	    chmod 0750 "$1"; } || lab_die "cannot make $1"
}

# lab_private_dir DIR: stores, owner the run user, mode 0700, like
# /var/lib/imssec (root, the lab and hss-ctl, still reads and writes it).
lab_private_dir() {
	{ mkdir -p "$1" && chown "$LAB_USER:" "$1" && chmod 0700 "$1"; } ||
	    lab_die "cannot make $1"
}

# lab_dia_args ARRAY NODE: the -o settings of NODE's Diameter, into the
# array variable ARRAY: identity NODE.DOMAIN, realm, TCP or SCTP
# (LAB_DIAMETER), quick reconnects (tc-timer 2 s).
lab_dia_args() {
	local -n lab_dia_out=$1
	case $LAB_DIAMETER in tcp|sctp) ;;
	*) lab_die "LAB_DIAMETER must be tcp or sctp" ;; esac
	# shellcheck disable=SC2034  # a nameref: this sets the caller's ARRAY
	lab_dia_out=(-o "diameter.identity=$2.$LAB_DOMAIN"
	    -o "diameter.realm=$LAB_DOMAIN"
	    -o "diameter.transport=$LAB_DIAMETER" -o diameter.tc-timer=2
	    -o "diameter.extensions-dir=$LAB_FD_EXT")
}

# lab_dia NODE: the same settings on stdout, blank-separated (values hold
# no blanks), for $(lab_dia NODE).
lab_dia() {
	local a
	lab_dia_args a "$1"
	echo "${a[*]}"
}

# lab_conf BIN NAME OUT [-o KEY=VALUE...]: OUT from the sample NAME/NAME.conf
# (or NAME.conf when NAME is DIR/FILE, e.g. naf/xcap)
# with the given settings, written by the daemon itself (`BIN -p`), so it is
# complete, commented and checked.  Values hold no blanks.  Mode 0640,
# group of the run user: the daemon re-reads it on SIGHUP, no one else
# reads it.
lab_conf() {
	b=$1 name=$2 out=$3; shift 3
	local sample=$LAB_SRC/$name/$name.conf
	case $name in */*) sample=$LAB_SRC/$name.conf ;; esac
	{ (umask 077; "$b" -p -c "$sample" "$@" >"$out.tmp") &&
	    chgrp "$(id -gn "$LAB_USER")" "$out.tmp" && chmod 0640 "$out.tmp" &&
	    mv "$out.tmp" "$out"; } || lab_die "cannot write $out"
}

# lab_start NODE NAME CMD...: detached in NODE's namespace, log and pid file
# in LAB_DIR.
lab_start() {
	n=$1 name=$2; shift 2
	ip netns exec "$(lab_ns "$n")" setsid "$@" \
	    >>"$LAB_DIR/$name.log" 2>&1 </dev/null &
	LAB_PID[$name]=$!
	echo $! >"$LAB_DIR/$name.pid"
}

# lab_pid NAME: the pid in LAB_DIR/NAME.pid or, while that file is being
# rewritten, the one lab_start started (empty: neither).
lab_pid() {
	local p
	p=$(cat "$LAB_DIR/$1.pid" 2>/dev/null)
	echo "${p:-${LAB_PID[$1]:-}}"
}

# lab_wait_listen NODE PROTO(t|u|S) PORT NAME: until the port is bound
# (ss -l with -t TCP, -u UDP, -S SCTP).
lab_wait_listen() {
	for _ in $(seq 150); do
		lab_in "$1" ss -ln"$2" 2>/dev/null | grep -q ":$3 " && return 0
		kill -0 "$(lab_pid "$4")" 2>/dev/null || break
		sleep 0.1
	done
	tail -n 20 "$LAB_DIR/$4.log" >&2
	lab_die "$4 did not start (log: $LAB_DIR/$4.log)"
}

# lab_wait_running NAME: until the daemon named by LAB_DIR/NAME.pid has
# logged "running (uid ...)" in LAB_DIR/NAME.log (common/base/daemon.c):
# its start-up is over and it has switched to its run user.  The ports
# are bound before that, as root (lab_wait_listen).
lab_wait_running() {
	local pid
	for _ in $(seq 150); do
		pid=$(lab_pid "$1")
		[ -n "$pid" ] || break
		grep -qF "[$pid] INFO: running (uid " "$LAB_DIR/$1.log" 2>/dev/null &&
		    return 0
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	tail -n 20 "$LAB_DIR/$1.log" >&2
	lab_die "$1 did not finish its start-up (log: $LAB_DIR/$1.log)"
}

# lab_stop_all: SIGTERM, then SIGKILL what is left (freeDiameter can hang
# in shutdown, see the shared notes).
lab_stop_all() {
	for f in "$LAB_DIR"/*.pid; do
		[ -f "$f" ] || continue
		kill "$(cat "$f")" 2>/dev/null || true
	done
	for _ in $(seq 30); do
		alive=0
		for f in "$LAB_DIR"/*.pid; do
			if [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null; then
				alive=1
			fi
		done
		[ $alive = 0 ] && break
		sleep 0.1
	done
	for f in "$LAB_DIR"/*.pid; do
		if [ -f "$f" ]; then
			kill -9 "$(cat "$f")" 2>/dev/null || true
		fi
		rm -f "$f"
	done
}

# lab_cleanup: the daemons by pid file, then whatever is left in our
# namespaces (a peer's children, such as Kamailio's), then the namespaces.
lab_cleanup() {
	[ -d "$LAB_DIR" ] && lab_stop_all 2>/dev/null
	for n in $(ip netns list 2>/dev/null | awk '{print $1}'); do
		case $n in "$LAB_PREFIX"*)
			for p in $(ip netns pids "$n" 2>/dev/null); do
				kill -9 "$p" 2>/dev/null
			done ;;
		esac
	done
	lab_net_down 2>/dev/null
	true
}

# lab_ca DIR: the lab's own certificate authority, DIR/ca.pem (the trust
# anchor clients take, LAB_CA) and its key DIR/ca.key (0600, root), made
# once per `up`: EC P-256, 30 days.
lab_ca() {
	(umask 077
	openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
	    -nodes -keyout "$1/ca.key" -out "$1/ca.pem" -days 30 \
	    -subj "/O=imssec lab/CN=imssec lab CA" \
	    -addext basicConstraints=critical,CA:TRUE \
	    -addext keyUsage=critical,keyCertSign,cRLSign) \
	    >/dev/null 2>&1 || lab_die "cannot make the lab CA in $1"
	chmod 0644 "$1/ca.pem"
}

# lab_cert DIR NAME FQDN IP [EKU]: a TLS certificate for FQDN and IP
# (subjectAltName DNS and IP, CN FQDN), signed by DIR/ca.key, for EKU
# (default serverAuth): DIR/NAME.pem (chain: the certificate) and
# DIR/NAME.key (0600, root: the daemon reads it as root at start-up).
lab_cert() {
	local d=$1 n=$2 eku=${5:-serverAuth}
	# The extensions in a file: no process substitution (the kernel
	# tests' guest has no /dev/fd).
	(umask 077
	printf '%s\n' "subjectAltName=DNS:$3,IP:$4" \
	    "extendedKeyUsage=$eku" "basicConstraints=CA:FALSE" \
	    >"$d/$n.ext" &&
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$d/$n.key" -out "$d/$n.csr" -subj "/CN=$3" &&
	openssl x509 -req -in "$d/$n.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" \
	    -CAcreateserial -out "$d/$n.pem" -days 30 -extfile "$d/$n.ext") \
	    >/dev/null 2>&1 || lab_die "cannot make the certificate of $n"
	rm -f "$d/$n.csr" "$d/$n.ext"
	chmod 0644 "$d/$n.pem"
}

# lab_cx_tls: 1 when the lab's Diameter links run over TLS (LAB_CX_TLS,
# default 1), else 0; anything else is refused.
lab_cx_tls() {
	case ${LAB_CX_TLS:-1} in
	1|0) echo "${LAB_CX_TLS:-1}" ;;
	*) lab_die "LAB_CX_TLS must be 1 or 0" ;;
	esac
}

# lab_dia_tls_args ARRAY NODE: with lab_cx_tls 1, NODE's Diameter
# certificate from the lab CA (DIR/dia-NODE.pem, .key; made here; CN and
# subjectAltName DNS its identity NODE.DOMAIN, both TLS client and server:
# a Diameter node is either) and the -o settings for diameter.tls into
# ARRAY; with 0, nothing.  Needs lab_ca in LAB_DIR first.
lab_dia_tls_args() {
	local -n lab_tls_out=$1
	# shellcheck disable=SC2034  # a nameref: this sets the caller's ARRAY
	lab_tls_out=()
	[ "$(lab_cx_tls)" = 1 ] || return 0
	lab_cert "$LAB_DIR" "dia-$2" "$2.$LAB_DOMAIN" "$(lab_ip "$2")" \
	    serverAuth,clientAuth
	# shellcheck disable=SC2034
	lab_tls_out=(-o diameter.tls=required
	    -o "diameter.tls-cert=$LAB_DIR/dia-$2.pem"
	    -o "diameter.tls-key=$LAB_DIR/dia-$2.key"
	    -o "diameter.tls-ca=$LAB_DIR/ca.pem")
}
