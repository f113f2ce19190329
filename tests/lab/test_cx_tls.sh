#!/bin/bash
# test_cx_tls.sh - Diameter over TLS in the lab (diameter.tls = required,
# LAB_CX_TLS=1, the default; TS 33.210 TLS where no SEG protects Cx):
#
# 1. -n: required without the three files, or with a missing file, is
#    refused; the lab's configurations pass.
# 2. A SIPp UE registers through the chain (200 with its Contact and
#    expiry) while tcpdump records port 3868 on the lab's bridge: no
#    Diameter message dissects in clear, the I-CSCF's and the S-CSCF's
#    links carry TLS application data, the IMPI is nowhere in the bytes.
#    A SIGHUP (as the run user, the key root's only) still reloads.
# 3. With the real I-CSCF stopped, from its address and claiming its
#    identity: our cxclient in clear, a TLS peer without a certificate, one
#    with a certificate of another CA (for icscf.DOMAIN), one with a valid
#    lab certificate of another element (the S-CSCF's): each fails
#    (no-peer / no CEA / CEA 3010), and the hss logs and counts each
#    refusal; the same tool with the I-CSCF's own certificate gets CEA 2001
#    (the refusals are not the tool's).  A TLS client expecting another
#    identity at the hss's address refuses the hss's certificate
#    (freeDiameter's check of the peers it connects to).  The hss keeps running, its S-CSCF
#    link stays up, the real I-CSCF comes back and a second registration
#    gets 200.
# 4. LAB_CX_TLS=0: `./lab env` says CX_TLS=0, the links are clear Diameter
#    (the opt-out for clear-only peers) and a registration still works.
# Its own prefix/subnet.  Env: LAB (the ./lab script), BUILD_DIR, SIPDIR.
set -u
: "${LAB:?}" "${BUILD_DIR:?}" "${SIPDIR:?}"
export BUILD_DIR LAB_PREFIX=imst-cxtls- LAB_NET=10.213.0 LAB_DIR=$PWD/lab \
    LAB_SEC_AGREE=optional LAB_CX_TLS=1
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/testlib.sh" ||
	{ echo "FATAL: cannot source testlib.sh" >&2; exit 1; }
# shellcheck source=../lib/sipp_aka.sh
. "$here/../lib/sipp_aka.sh" || die "cannot source sipp_aka.sh"
# shellcheck source=../../scripts/lablib.sh
. "$here/../../scripts/lablib.sh" || die "cannot source lablib.sh"
lab_die() { die "lab: $*"; }
need sipp ip tcpdump tshark python3 openssl curl ss
TD_PID=
trap '[ -n "$TD_PID" ] && kill "$TD_PID" 2>/dev/null; "$LAB" down >/dev/null 2>&1' EXIT

lab_up() {
	"$LAB" down >/dev/null 2>&1
	if ! "$LAB" up >up.log 2>&1; then
		cat up.log; tail -n 40 "$LAB_DIR"/*.log 2>/dev/null
		die "./lab up failed"
	fi
	eval "$("$LAB" env)"
}

K=0f1e2d3c4b5a69788796a4a4c3d2e1f0 OP=494d53414b41746573744f5030303136
AMF=8000
# reg NAME PORT: carol registers with SIPp through the P-CSCF (200), the
# messages in NAME.msgs.
reg() {
	sed -e "s/@USER@/carol/g" -e "s/@DOMAIN@/$DOMAIN/g" -e "s/@K@/$K/g" \
	    -e "s/@OP@/$OP/g" -e "s/@AMF@/$AMF/g" -e "s/@EXPIRES@/600/g" \
	    "$SIPDIR/reg.xml" >"$1.xml"
	reg_once "$@" && return 0
	# SIPp cut its RES at a 0x00 byte (tests/lib/sipp_aka.sh): again.
	IMSAUTH=$BIN/imsauth sipp_res_nul "$1.msgs" "$K" "$OP" || return 1
	reg_once "$@"
}
reg_once() {
	rm -f "$1.msgs"
	ip netns exec "$UE_NS" timeout 30 sipp -sf "$1.xml" \
	    "$PCSCF_ADDR:$PCSCF_PORT" -i "$UE_ADDR" -p "$2" -s carol -m 1 \
	    -nostdin -auth_uri "$DOMAIN" -timeout 20s -trace_msg \
	    -message_file "$1.msgs" >"$1.out" 2>&1
}
# contact_ok NAME PORT: the 200 binds carol's Contact with expires=600.
contact_ok() {
	awk '/^SIP\/2.0 200/ { ok = 1 } ok && /^$/ { ok = 0 } ok' "$1.msgs" |
	    grep -q "^Contact: <sip:carol@$UE_ADDR:$2>;expires=600"
}
add_carol() {
	"$BIN/hss-ctl" --db "$HSS_DB" add --impi "carol@$DOMAIN" \
	    --impu "sip:carol@$DOMAIN" --k "$K" --op "$OP" --amf "$AMF" \
	    >/dev/null
}
# capture_start FILE / capture_stop: port 3868 on the lab's bridge.
capture_start() {
	ip netns exec "$(lab_ns br)" tcpdump -i br0 -U --immediate-mode -w "$1" 'tcp port 3868' \
	    >/dev/null 2>tcpdump.err &
	TD_PID=$!
	for _ in $(seq 50); do
		grep -q 'listening on' tcpdump.err 2>/dev/null && return 0
		sleep 0.1
	done
	die "tcpdump did not start"
}
capture_stop() {
	sleep 1
	kill -INT "$TD_PID" 2>/dev/null
	wait "$TD_PID" 2>/dev/null
	TD_PID=
}
# links_from ADDR: established Diameter connections at the hss from ADDR.
links_from() {
	lab_in hss ss -tnH state established "( sport = :3868 )" |
	    grep -c " $1:" || true
}
wait_link() {	# ADDR N
	for _ in $(seq 100); do
		[ "$(links_from "$1")" -eq "$2" ] && return 0
		sleep 0.1
	done
	return 1
}
refused() {	# CAUSE: the hss's refusal counter
	ip netns exec "$UE_NS" curl -s "$METRICS_HSS/metrics" |
	    sed -n "s/^imssec_diameter_peers_refused_total{cause=\"$1\"} //p"
}

lab_up
pass "./lab up (LAB_CX_TLS=1)"
check "./lab env: CX_TLS=1" [ "$CX_TLS" = 1 ]
D=$DOMAIN HS=$HSS_ADDR SC=$SCSCF_ADDR IC=$ICSCF_ADDR

# ---- 1: the configuration check ----
for n in hss scscf icscf bsf naf; do
	check "$n -n: the lab's TLS configuration is OK" \
	    "$BIN/$n" -n -c "$LAB_DIR/$n.conf"
done
grep -v '^diameter.tls-key' "$LAB_DIR/scscf.conf" >nokey.conf
"$BIN/scscf" -n -c nokey.conf >nokey.out 2>&1
check "-n: required without diameter.tls-key is refused (exit 1)" [ $? -eq 1 ]
check "...and says why" grep -q 'required needs diameter.tls-cert, diameter.tls-key and diameter.tls-ca' nokey.out
"$BIN/scscf" -n -c "$LAB_DIR/scscf.conf" \
    -o diameter.tls-ca="$PWD/missing-ca.pem" >noca.out 2>&1
check "-n: a missing diameter.tls-ca file is refused (exit 1)" [ $? -eq 1 ]
check "...and names it" grep -q "missing-ca.pem: No such file" noca.out

# ---- 2: a registration; Cx on the wire ----
check "hss-ctl adds carol" add_carol
capture_start cx.pcap
check "carol registers through the chain over Cx/TLS: 200" reg reg1 5071
check "...the 200 binds her Contact with its expiry" contact_ok reg1 5071
capture_stop
n=$(tshark -r cx.pcap -Y diameter 2>/dev/null | wc -l)
check "no Diameter message in clear on port 3868 ($n)" [ "$n" -eq 0 ]
for a in "$IC" "$SC"; do
	n=$(tshark -r cx.pcap -d tcp.port==3868,tls \
	    -Y "tls.app_data && ip.src == $a && ip.dst == $HS" 2>/dev/null | wc -l)
	check "TLS application data from $a to the hss ($n)" [ "$n" -ge 1 ]
	n=$(tshark -r cx.pcap -d tcp.port==3868,tls \
	    -Y "tls.app_data && ip.src == $HS && ip.dst == $a" 2>/dev/null | wc -l)
	check "...and back ($n)" [ "$n" -ge 1 ]
done
check "the IMPI (carol@$D) is nowhere in the captured bytes" \
    eval "! grep -qa 'carol@$D' cx.pcap"
check "...though the capture is not empty" [ "$(stat -c %s cx.pcap)" -gt 1000 ]

# A SIGHUP re-reads the configuration as the run user, who may not read
# the root-only key: the reload still goes through.
check "the Diameter key is root's only (0600)" \
    [ "$(stat -c %a:%U "$LAB_DIR/dia-hss.key")" = 600:root ]
kill -HUP "$(cat "$LAB_DIR/hss.pid")"
check "a SIGHUP to the hss reloads its configuration" \
    eval "for _ in \$(seq 50); do grep -q 'INFO: reloaded ' '$LAB_DIR/hss.log' && exit 0; sleep 0.1; done; exit 1"

# ---- 3: rogue peers from the I-CSCF's address, as the I-CSCF ----
kill "$(cat "$LAB_DIR/icscf.pid")"
check "the real I-CSCF's link is gone" wait_link "$IC" 0
openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout other-ca.key -out other-ca.pem -days 2 -subj "/CN=other CA" \
    -addext basicConstraints=critical,CA:TRUE \
    -addext keyUsage=critical,keyCertSign >/dev/null 2>&1 || die "other CA"
printf '%s\n' "subjectAltName=DNS:icscf.$D" \
    "extendedKeyUsage=serverAuth,clientAuth" >other.ext
{ openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout other.key -out other.csr -subj "/CN=icscf.$D" &&
  openssl x509 -req -in other.csr -CA other-ca.pem -CAkey other-ca.key \
    -CAcreateserial -out other.pem -days 2 -extfile other.ext; } \
    >/dev/null 2>&1 || die "a certificate of the other CA"
t0=$(refused transport) c0=$(refused certificate)
check "the hss counts refusals (transport $t0, certificate $c0)" \
    eval "[ -n '$t0' ] && [ -n '$c0' ]"
peer() {	# NAME [CERT KEY]: cx_tls_peer.py as icscf.D from the I-CSCF
	local name=$1
	shift
	lab_in icscf python3 "$here/cx_tls_peer.py" "$HS" 3868 "icscf.$D" \
	    "$D" "$IC" "hss.$D" "$LAB_CA" "$@" >"$name.out" 2>&1
}

lab_in icscf "$BIN/cxclient" -o diameter.identity="icscf.$D" \
    -o diameter.connect="hss.$D@$HS" -o diameter.tc-timer=2 \
    -o diameter.extensions-dir="$LAB_FD_EXT" -o diameter.timeout=1000 \
    mar --impi "carol@$D" --impu "sip:carol@$D" >clear.out 2>clear.err
check "cxclient in clear: no Cx peer (exit 1)" \
    eval "[ $? -eq 1 ] && grep -qx status=no-peer clear.out"
check "...the hss refused its connection (TLS handshake, from $IC)" \
    grep -q "refused a connection: TLS handshake failed for connection .*TCP from \[$IC\]" "$LAB_DIR/hss.log"

peer nocert
check "a TLS peer without a certificate: no CEA ($(tr '\n' ' ' <nocert.out))" \
    grep -qx cea=none nocert.out
peer othercA other.pem other.key
check "a certificate of another CA: no CEA ($(tr '\n' ' ' <othercA.out))" \
    grep -qx cea=none othercA.out
t1=$(refused transport)
check "the hss counted the three connections it dropped ($t0 -> $t1)" \
    [ "$t1" -ge $((t0 + 3)) ]
n=$(grep -c "refused a connection: TLS handshake failed for connection .*TCP from \[$IC\]" "$LAB_DIR/hss.log")
check "...and logged each ($n)" [ "$n" -ge 3 ]

peer wrongid "$LAB_DIR/dia-scscf.pem" "$LAB_DIR/dia-scscf.key"
check "the S-CSCF's valid lab certificate claiming icscf.$D: CEA 3010 ($(tr '\n' ' ' <wrongid.out))" \
    grep -qx cea=3010 wrongid.out
check "...refused and logged by the hss" grep -q \
    "refused peer icscf.$D from $IC: its certificate does not name that identity" \
    "$LAB_DIR/hss.log"
check "...and counted" [ "$(refused certificate)" -eq $((c0 + 1)) ]

peer own "$LAB_DIR/dia-icscf.pem" "$LAB_DIR/dia-icscf.key"
check "control: the I-CSCF's own certificate gets CEA 2001 ($(tr '\n' ' ' <own.out))" \
    grep -qx cea=2001 own.out

# The other direction (freeDiameter's own check, towards a peer it
# connects to): a client with the I-CSCF's certificate expecting
# bsf.DOMAIN at the hss's address refuses the hss's certificate.
lab_in icscf "$BIN/cxclient" -o diameter.identity="icscf.$D" \
    -o diameter.connect="bsf.$D@$HS" -o diameter.tc-timer=2 \
    -o diameter.extensions-dir="$LAB_FD_EXT" -o diameter.timeout=1000 \
    -o diameter.tls=required -o diameter.tls-ca="$LAB_CA" \
    -o diameter.tls-cert="$LAB_DIR/dia-icscf.pem" \
    -o diameter.tls-key="$LAB_DIR/dia-icscf.key" \
    mar --impi "carol@$D" --impu "sip:carol@$D" >name.out 2>name.err
check "a connecting client refuses a server certificate not naming the peer it expects (no peer)" \
    eval "[ $? -eq 1 ] && grep -qx status=no-peer name.out"
check "...freeDiameter says why" \
    grep -q "The certificate hostname does not match 'bsf.$D'" name.err

check "hss alive" kill -0 "$(cat "$LAB_DIR/hss.pid")"
check "the S-CSCF's link stayed up" [ "$(links_from "$SC")" -eq 1 ]
lab_start icscf icscf "$BIN/icscf" -c "$LAB_DIR/icscf.conf"
lab_wait_running icscf
check "the real I-CSCF is back on Cx" wait_link "$IC" 1
check "carol registers again: 200" reg reg2 5072
check "...with her Contact and expiry" contact_ok reg2 5072

cp "$LAB_DIR/hss.log" hss-tls.log	# the next `up` empties LAB_DIR

# ---- 4: the opt-out ----
export LAB_CX_TLS=0
lab_up
pass "./lab up (LAB_CX_TLS=0)"
check "./lab env: CX_TLS=0" [ "$CX_TLS" = 0 ]
check "hss-ctl adds carol" add_carol
capture_start clear.pcap
check "carol registers over clear Cx: 200" reg reg3 5073
capture_stop
n=$(tshark -r clear.pcap -Y "diameter.cmd.code == 303" 2>/dev/null | wc -l)
check "the opt-out is clear Diameter: MAR/MAA on the wire ($n)" [ "$n" -ge 2 ]
"$LAB" down >down.log 2>&1
check "./lab down" grep -q 'lab: down' down.log
summary
