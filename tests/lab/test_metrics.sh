#!/bin/bash
# test_metrics.sh - every daemon of the lab serves /metrics (Prometheus text
# format 0.0.4, checked by tests/lib/promparse.py and, when installed,
# `promtool check metrics`) and /healthz on metrics-listen (./lab: its
# address, port 9100); 404, 405, HEAD, the connection bound; then an IMS
# AKA registration, one with a wrong key and a GBA bootstrap move the
# counters they must (S-CSCF: REGISTER 401/200/403, the cause of the
# failure, bindings; HSS: MAR/SAR/Zh-MAR answered 2001; ...), and no
# scrape holds a subscriber's identity, key or address.
# Env: LAB (the ./lab script), BUILD_DIR.
set -u
: "${LAB:?}" "${BUILD_DIR:?}"
export BUILD_DIR LAB_PREFIX=imst-met- LAB_NET=10.211.0 LAB_DIR=$PWD/lab \
    LAB_SEC_AGREE=optional
LIB=$(cd "$(dirname "$0")/../lib" && pwd)
# shellcheck source=../lib/testlib.sh
. "$LIB/testlib.sh" || { echo "FATAL: cannot source testlib.sh" >&2; exit 1; }
need ip curl python3
trap '"$LAB" down >/dev/null 2>&1' EXIT
DAEMONS=(hss scscf icscf pcscf bsf naf xcap)

"$LAB" down >/dev/null 2>&1
if ! "$LAB" up >up.log 2>&1; then
	cat up.log; tail -n 20 "$LAB_DIR"/*.log 2>/dev/null
	die "./lab up failed"
fi
pass "./lab up"
env_out=$("$LAB" env)
eval "$env_out"
for n in "${DAEMONS[@]}"; do
	v=METRICS_${n^^}
	check "./lab env sets $v" [ -n "${!v:-}" ]
done

# get URL [curl options]: from the UE's namespace (the lab's bridge).
get() {
	local u=$1; shift
	ip netns exec "$UE_NS" curl -s -m 5 "$@" "$u"
}
# scrape TAG: every daemon's /metrics into TAG-NAME.txt, parsed strictly
# into TAG-NAME.prom (one "series value" a line).
scrape() {
	local n v
	for n in "${DAEMONS[@]}"; do
		v=METRICS_${n^^}
		get "${!v}/metrics" >"$1-$n.txt"
		check "$n /metrics ($1) parses strictly" \
		    eval "python3 '$LIB/promparse.py' '$1-$n.txt' >'$1-$n.prom'"
	done
}
# val TAG NAME SERIES: the value of SERIES (labels sorted) in
# TAG-NAME.prom, 0 when absent.
val() {
	awk -v k="$3" '$1 == k { print $2; f = 1 } END { if (!f) print 0 }' \
	    "$1-$2.prom"
}
# grew NAME SERIES MIN: SERIES went up by at least MIN from before to
# after.
grew() {
	local b a
	b=$(val before "$1" "$2") a=$(val after "$1" "$2")
	[ $((a - b)) -ge "$3" ] || {
		echo "  $1 $2: $b -> $a, not +$3" >&2; return 1; }
}

scrape before
for n in "${DAEMONS[@]}"; do
	v=METRICS_${n^^}
	check "$n: imssec_build_info names its function" \
	    grep -q "^imssec_build_info{function=\"$n\",version=\"[0-9.]*\"} 1$" \
	    "before-$n.prom"
	check "$n: /metrics is text/plain; version=0.0.4" eval \
	    "get '${!v}/metrics' -o /dev/null -w '%{content_type}' | grep -qx 'text/plain; version=0.0.4; charset=utf-8'"
	check "$n: /healthz 200 ok" eval \
	    "[ \"\$(get '${!v}/healthz' -w ' %{http_code}')\" = 'ok
 200' ]"
	check "$n: another path 404" eval \
	    "[ \"\$(get '${!v}/nope' -o /dev/null -w '%{http_code}')\" = 404 ]"
	check "$n: POST /metrics 405 with Allow" eval \
	    "get '${!v}/metrics' -X POST -D - -o /dev/null | grep -qi '^Allow: GET, HEAD'"
done
check "HEAD /metrics: 200, no body" eval \
    "[ \"\$(get '$METRICS_SCSCF/metrics' -I -w '%{http_code}' | tail -n 1)\" = 200 ]"
check "Diameter peers up: hss 3, scscf 1, naf 1" eval \
    "[ $(val before hss imssec_diameter_peers_up) -ge 3 ] &&
     [ $(val before scscf imssec_diameter_peers_up) -eq 1 ] &&
     [ $(val before naf imssec_diameter_peers_up) -eq 1 ]"
if command -v promtool >/dev/null; then
	for n in "${DAEMONS[@]}"; do
		check "promtool check metrics ($n)" \
		    eval "promtool check metrics <before-$n.txt"
	done
else
	echo "note: no promtool; promparse.py only"
fi

# The connection bound (metrics_http.h): 16 kept-alive connections are
# served, the 17th gets 503.
conns() {
	ip netns exec "$UE_NS" python3 - "$SCSCF_ADDR" "${METRICS_PORT:?}" <<'PY'
import socket, sys
codes = []
socks = []
for i in range(17):
    s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=5)
    s.sendall(b'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n')
    codes.append(s.recv(4096).split(b' ')[1].decode())
    socks.append(s)
print(' '.join(codes))
sys.exit(0 if codes == ['200'] * 16 + ['503'] else 1)
PY
}
check "16 connections served, the 17th 503" conns
check "...and freed when they close" eval \
    "[ \"\$(get '$METRICS_SCSCF/healthz' -o /dev/null -w '%{http_code}')\" = 200 ]"

# A registration, one with a wrong key (the UE finds the network's MAC
# wrong and says so: TS 24.229 5.1.1.5.3), a GBA bootstrap.
ue() {	# KEY
	ip netns exec "$UE_NS" "$BIN/ims-ue" register --impi "alice@$DOMAIN" \
	    --impu "sip:alice@$DOMAIN" --k "$1" --op "$DEMO_OP" \
	    --pcscf "$PCSCF_ADDR:$PCSCF_PORT" --state alice.usim
}
ue "$DEMO_K" >ue1.out
check "ims-ue registers alice" grep -q '^result=registered' ue1.out
WRONG_K=00112233445566778899aabbccddeeff
ue "$WRONG_K" >ue2.out
check "with a wrong key: mac-failure, 403" \
    eval "grep -q '^result=mac-failure' ue2.out && grep -q '^status=403' ue2.out"
ip netns exec "$UE_NS" "$BIN/ims-ue" gba-bootstrap --impi "alice@$DOMAIN" \
    --k "$DEMO_K" --op "$DEMO_OP" --bsf "$BSF_URL" --naf "$NAF_FQDN" \
    >boot.out 2>&1
check "ims-ue bootstraps alice at the bsf" grep -q '^btid=' boot.out
scrape after

R='imssec_sip_responses_total{method="REGISTER",status='
check "scscf: REGISTER 401 +2" grew scscf "${R}\"401\"}" 2
check "scscf: REGISTER 200 +1" grew scscf "${R}\"200\"}" 1
check "scscf: REGISTER 403 +1" grew scscf "${R}\"403\"}" 1
check "scscf: REGISTERs received +3" grew scscf \
    'imssec_sip_requests_total{method="REGISTER"}' 3
check "scscf: auth failure cause mac_failure +1" grew scscf \
    'imssec_auth_failures_total{cause="mac_failure"}' 1
for c in wrong_response no_qop_or_replay; do
	A="imssec_auth_failures_total{cause=\"$c\"}"
	check "scscf: no $c counted for it" \
	    [ "$(val before scscf "$A")" = "$(val after scscf "$A")" ]
done
check "scscf: bindings up to at least 1" eval \
    "[ $(val after scscf imssec_bindings_active) -ge 1 ]"
check "scscf: REGISTER latency observed (+3)" grew scscf \
    imssec_sip_register_seconds_count 3
check "scscf: MAR answers 2001 received +2" grew scscf \
    'imssec_diameter_answers_total{cmd="MAR",result="2001",role="client"}' 2
check "scscf: MAR round trips observed +2" grew scscf \
    'imssec_diameter_request_seconds_count{cmd="MAR"}' 2
check "hss: MAR answered 2001 +2" grew hss \
    'imssec_diameter_answers_total{cmd="MAR",result="2001",role="server"}' 2
check "hss: SAR answered 2001 +1" grew hss \
    'imssec_diameter_answers_total{cmd="SAR",result="2001",role="server"}' 1
check "hss: UARs received +3" grew hss \
    'imssec_diameter_requests_total{cmd="UAR",role="server"}' 3
check "hss: Zh-MAR answered 2001 +1" grew hss \
    'imssec_diameter_answers_total{cmd="Zh-MAR",result="2001",role="server"}' 1
check "icscf: REGISTER 200 relayed +1" grew icscf "${R}\"200\"}" 1
check "pcscf: REGISTER 401 relayed +2" grew pcscf "${R}\"401\"}" 2
check "pcscf: REGISTER 403 relayed +1" grew pcscf "${R}\"403\"}" 1
check "bsf: HTTP 4xx (the 401) and 2xx +1 each" eval \
    "grew bsf 'imssec_http_requests_total{code_class=\"4xx\"}' 1 &&
     grew bsf 'imssec_http_requests_total{code_class=\"2xx\"}' 1"
check "bsf: Zh-MAR answers 2001 +1" grew bsf \
    'imssec_diameter_answers_total{cmd="Zh-MAR",result="2001",role="client"}' 1

# Nothing of the subscriber: identities, keys, addresses.
leak=$(grep -ilE "alice|bob|carol|$DOMAIN|sip:|tel:|\+1555|$DEMO_K|$DEMO_OP|$WRONG_K|${LAB_NET//./\\.}\." \
    before-*.txt after-*.txt)
check "no identity, key or address in any scrape${leak:+ ($leak)}" \
    [ -z "$leak" ]

"$LAB" down >down.log 2>&1
check "./lab down" grep -q 'lab: down' down.log
summary
