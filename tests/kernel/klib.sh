# klib.sh - sourced by the kernel tests (test_esp.sh, test_sctp.sh,
# esp_demo.sh): two network namespaces joined by a veth pair, commands run in
# the background inside them, and the pass/fail lines.  Bash only.
#
#   . "$here/klib.sh"
#   klib_init test-foo ims-foo      # message prefix, scratch directory prefix
#   klib_pair $A va "10.1.0.1/24 fd01::1/64" $B vb "10.1.0.2/24 fd01::2/64"
#
# klib_init sets work (a scratch directory, kept when KEEP_WORK is set),
# pids and checks, and traps EXIT to stop what bg started and delete the
# namespaces made by klib_pair.

# klib_init NAME WORKPREFIX
klib_init() {
	klib_name=$1
	klib_ns=()
	work=$(mktemp -d "${TMPDIR:-/tmp}/$2.XXXXXX")
	pids=()
	checks=0
	trap klib_cleanup EXIT
}

klib_cleanup() {
	local p n
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	for n in "${klib_ns[@]}"; do ip netns del "$n" 2>/dev/null; done
	[ -n "${KEEP_WORK:-}" ] || rm -rf "$work"
}

fail() { echo "$klib_name: FAIL: $*" >&2; exit 1; }
ok() { checks=$((checks + 1)); echo "$klib_name: ok: $*"; }

# klib_pair NS-A DEV-A "ADDR..." NS-B DEV-B "ADDR...": namespaces NS-A and NS-B
# joined by the veth DEV-A <-> DEV-B, with these addresses (IPv6 ones without
# duplicate address detection), the veth ends and lo up.  Fails the test on
# any error.
klib_pair() {
	local na=$1 da=$2 aa=$3 nb=$4 db=$5 ab=$6 end ns dev a
	ip netns add "$na" && klib_ns+=("$na") && ip netns add "$nb" &&
		klib_ns+=("$nb") || fail "cannot create namespaces $na/$nb"
	ip link add "$da" netns "$na" type veth peer name "$db" netns "$nb" ||
		fail "veth $da/$db"
	for end in "$na $da $aa" "$nb $db $ab"; do
		set -- $end
		ns=$1 dev=$2
		shift 2
		for a in "$@"; do
			if [[ $a == *:* ]]; then
				ip -n "$ns" addr add "$a" dev "$dev" nodad
			else
				ip -n "$ns" addr add "$a" dev "$dev"
			fi || fail "address $a on $dev in $ns"
		done
		ip -n "$ns" link set lo up && ip -n "$ns" link set "$dev" up ||
			fail "cannot bring up $dev in $ns"
	done
}

# bg NS NAME COMMAND...: start COMMAND in namespace NS in the background; its
# own pid (not that of `ip netns exec`, which may fork) lands in $work/NAME.pid.
bg() {
	local ns=$1 name=$2
	shift 2
	ip netns exec "$ns" /bin/sh -c 'echo $$ >"$0"; exec "$@"' "$work/$name.pid" "$@" &
	for _ in $(seq 50); do [ -s "$work/$name.pid" ] && break; sleep 0.1; done
	pids+=("$(cat "$work/$name.pid")")
}

stop() { # NAME: SIGINT and wait until gone
	local p
	p=$(cat "$work/$1.pid")
	kill -INT "$p" 2>/dev/null
	for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || return 0; sleep 0.1; done
	kill "$p" 2>/dev/null
}
