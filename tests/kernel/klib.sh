# shellcheck shell=bash
# klib.sh - sourced by the kernel tests with two namespaces (test_esp.sh,
# test_sctp.sh, test_esp_tunnel.sh, esp_demo.sh).  Brings in the pass/fail
# bookkeeping of tests/lib/testlib.sh (pass, fail, check, die, need,
# summary) and the namespace builder scripts/netns.sh (netns_pair,
# netns_down); adds a scratch directory, commands run in the background
# inside a namespace, and two checks (same, absent).  Found next to the sourcing script, so it works in
# the qemu guest too (run_in_vm shows the whole tree at the same path).
#
#   . "$here/klib.sh"
#   klib_init ims-foo              # scratch directory prefix
#   netns_pair "$A" va "10.1.0.1/24 fd01::1/64" "$B" vb "10.1.0.2/24" ||
#       die "no namespaces"
#   ...
#   summary                        # last: the script's exit status
#
# klib_init sets work (a scratch directory, kept when KEEP_WORK is set)
# and traps EXIT to stop what bg started, delete the namespaces made by
# netns_pair and remove work.

klib_dir=${BASH_SOURCE[0]%/*}
# shellcheck source=SCRIPTDIR/../lib/testlib.sh
. "$klib_dir/../lib/testlib.sh" ||
	{ echo "FATAL: cannot source testlib.sh" >&2; exit 1; }
# shellcheck source=SCRIPTDIR/../../scripts/netns.sh
. "$klib_dir/../../scripts/netns.sh" || die "cannot source scripts/netns.sh"

# klib_init WORKPREFIX: the scratch directory $work, the cleanup traps.
klib_init() {
	[ "$(id -u)" = 0 ] || die "needs root (network namespaces, xfrm)"
	need ip
	work=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX") || die "mktemp"
	klib_pids=()
	trap klib_cleanup EXIT
	trap 'exit 1' INT TERM
}

# klib_cleanup: kill the bg commands, remove the namespaces and $work.
klib_cleanup() {
	local p
	for p in "${klib_pids[@]}"; do kill "$p" 2>/dev/null; done
	netns_down
	[ -n "${KEEP_WORK:-}" ] || rm -rf "$work"
}

# same DESC GOT WANT: pass DESC when GOT is WANT, else fail it with both.
same() {
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1: got '$2', want '$3'"; fi
}

# absent TEXT FILE: TEXT is not in FILE (binary or not); for check.
absent() { ! grep -a -q "$1" "$2"; }

# bg NS NAME COMMAND...: start COMMAND in namespace NS in the background;
# its own pid (not that of `ip netns exec`, which may fork) lands in
# $work/NAME.pid.  Dies when no pid shows up within 5 s.
bg() {
	local ns=$1 pidf=$work/$2.pid
	shift 2
	# shellcheck disable=SC2016 # $$ and $0 belong to the inner shell
	ip netns exec "$ns" /bin/sh -c 'echo $$ >"$0"; exec "$@"' "$pidf" "$@" &
	for _ in $(seq 50); do [ -s "$pidf" ] && break; sleep 0.1; done
	[ -s "$pidf" ] || die "bg: $1 did not start in $ns"
	klib_pids+=("$(cat "$pidf")")
}

# stop NAME: SIGINT to what bg started as NAME, wait until it is gone
# (SIGTERM after 5 s).
stop() {
	local p
	p=$(cat "$work/$1.pid")
	kill -INT "$p" 2>/dev/null
	for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || return 0; sleep 0.1; done
	kill "$p" 2>/dev/null
}

# pcap_lines PCAP: one line per packet, "PROTOCOLS SRC DST" (tshark's
# frame.protocols, e.g. eth:ethertype:ip:esp, and the IPv4/IPv6
# addresses): one tshark run per capture, then plain greps (tshark costs
# seconds per start in the qemu guest).  Printed on stdout.
pcap_lines() {
	tshark -n -r "$1" -T fields -E separator=' ' -e frame.protocols \
	    -e ip.src -e ip.dst -e ipv6.src -e ipv6.dst 2>/dev/null
}
# pcap_count LINES ERE: how many lines of pcap_lines' output match ERE.
pcap_count() { grep -cE -- "$2" <<<"$1" || true; }
