#!/bin/bash
# test_dns_stall.sh - the SIP loop cannot be stalled by a slow resolver
# (issue 7).  The I-CSCF's and the S-CSCF's namespaces get a resolv.conf
# (/etc/netns/NS/resolv.conf, bind-mounted by `ip netns exec`) naming a
# DNS server that never answers (dns_stall.py sink on the ext node), and
# an /etc/hosts naming a UAS (uas.test, on the ext node).  From a core
# peer (the ue node, trusted), a request whose Route names a host only DNS
# could resolve; while that lookup hangs, unrelated REGISTERs (each a Cx
# round trip) must be answered within 1 s, and the named request must get
# 504 Server Time-out once the lookup times out (SIPX_RESOLVE_TIMEOUT_MS,
# 4 s; 408 is not sent to a non-INVITE, RFC 4320), not hang.  The
# Diameter identities are in the hosts files (freeDiameter resolves them).
# 80 such names at once: beyond the lookups allowed in flight (64), 503
# with Retry-After, the loop still prompt.  Positive control: a Route
# naming uas.test (resolved from /etc/hosts off the loop) is forwarded
# and its 200 comes back.  (While every worker hangs, other names wait
# too and may get 504: the loop stays free, name resolution does not.)
# Env: HSS, HSS_CTL, SCSCF, ICSCF, PCSCF (binaries), SIPDIR.
set -u
: "${HSS:?}" "${HSS_CTL:?}" "${SCSCF:?}" "${ICSCF:?}" "${SIPDIR:?}"
# shellcheck source=tests/sip/sip_lib.sh
. "$SIPDIR/sip_lib.sh"
HERE=$(cd "${BASH_SOURCE[0]%/*}" && pwd)
need ss python3

# The I-CSCF's and the S-CSCF's resolver: the sink on ext; uas.test in
# their hosts files.
netns_etc "$EXT" "$EXT uas.test" scscf icscf
# The names come from a core peer (the ue node plays a P-CSCF relaying
# what an attacker put in a Route or Request-URI): from outside the trust
# domain an initial request with a Route set is refused before any
# resolution (test_icscf_trust, test_scscf_trust).
chain_up "$PWD/run-dns-stall" -n "hss scscf icscf ue ext" \
	-S trusted-peer="$UE" -I trusted-peer="$UE"
bg ext sink.log python3 "$HERE/dns_stall.py" sink "$EXT" "$WORK/queries"
wait_listen ext u 53 "$BG_PID" sink.log
bg ext uas.log python3 "$HERE/dns_stall.py" uas "$EXT" 5060
wait_listen ext u 5060 "$BG_PID" uas.log

probe() {	# OUT HOST PORT ARGS...
	local out=$1
	shift
	in_ns ue python3 "$HERE/dns_stall.py" probe "$@" >"$out" 2>&1
}
# field OUT KEY N: field N of the line starting with KEY.
field() {
	awk -v k="$2" -v n="$3" '$1 == k { v = $n; exit } END { print v == "" ? "-1" : v }' "$1"
}
le() { python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) <= float(sys.argv[2]) else 1)' "$1" "$2"; }

check "the resolver really is black-holed (hosts lookups still work)" \
	in_ns icscf getent hosts uas.test
for n in icscf scscf; do
	case $n in icscf) A=$IC; P=5060 ;; scscf) A=$SC; P=6060 ;; esac
	probe "$n-slow.out" "$A" "$P" "nowhere-$n.example.net" \
		--unrelated 10 --wait 12
	cat "$n-slow.out"
	check "$n: 10 unrelated REGISTERs answered while a lookup hangs" \
		[ "$(field "$n-slow.out" unrelated 4)" = 10 ]
	check "$n: ... each after its Cx round trip (403: unknown user)" \
		[ "$(field "$n-slow.out" unrelated 5)" = 403 ]
	check "$n: each of them within 1 s ($(field "$n-slow.out" unrelated 3) s)" \
		le "$(field "$n-slow.out" unrelated 3)" 1.0
	check "$n: the named request gets 504" \
		[ "$(field "$n-slow.out" named 3)" = 504 ]
	check "$n: ... after the lookup timeout, in bounded time" \
		eval "le 3.5 $(field "$n-slow.out" named 4) &&
		    le $(field "$n-slow.out" named 4) 6.0"
done
check "the black-holed DNS server was asked" \
	[ "$(cat queries 2>/dev/null || echo 0)" -ge 1 ]

# Positive control: a name the resolver knows (hosts) is forwarded (a
# worker is free: at most one hangs on the names above).
probe good.out "$IC" 5060 uas.test --wait 8
cat good.out
check "a Route naming uas.test (resolved off the loop) is forwarded: 200" \
	[ "$(field good.out named 3)" = 200 ]
probe good-s.out "$SC" 6060 uas.test --wait 8
check "the same through the S-CSCF: 200" \
	[ "$(field good-s.out named 3)" = 200 ]

# Too many names at once: 503 with Retry-After beyond the bound.
names=()
for i in $(seq 80); do names+=("flood$i.example.net"); done
probe flood.out "$IC" 5060 "${names[@]}" --unrelated 5 --wait 15
n504=$(awk '$1 == "named" && $3 == 504' flood.out | wc -l)
n503=$(awk '$1 == "named" && $3 == 503 && $5 ~ /^retry-after=/' flood.out |
	wc -l)
echo "flood: $n504 x 504, $n503 x 503 with Retry-After"
check "flood: every named request answered (504 or 503)" \
	[ $((n504 + n503)) = 80 ]
check "flood: beyond the lookups in flight, 503 with Retry-After" \
	[ "$n503" -ge 16 ]
check "flood: unrelated REGISTERs still answered within 1 s" \
	eval "[ \"$(field flood.out unrelated 4)\" = 5 ] &&
	    le $(field flood.out unrelated 3) 1.0"

for p in "$SCSCF_PID" "$ICSCF_PID"; do
	check "daemon $p still running" kill -0 "$p"
done
check "the I-CSCF logged the timeouts" \
	grep -q "resolving nowhere-icscf.example.net timed out" icscf.log
summary
