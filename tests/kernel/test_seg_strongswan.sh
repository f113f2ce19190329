#!/bin/bash
# test_seg_strongswan.sh BIN - our seg against strongSwan's charon
# (5.9, kernel ESP), run by kernel_test.sh where the kernel has ESP.
#
# Namespace A runs our seg (outer 10.48.0.1, inner 192.168.221.1/24 on
# lo), namespace B charon (outer 10.48.0.2, inner 192.168.222.1/24).
# Cases, each with fresh daemons:
#   1 PSK, our seg initiates, AES-CBC-128 + HMAC-SHA2-256-128 +
#     PRF-HMAC-SHA2-256 + MODP-2048 for IKE, AES-CBC-128/HMAC for ESP
#   2 PSK, charon initiates, AES-GCM-16-256 + PRF-HMAC-SHA2-256 + ECP-256,
#     ESP AES-GCM-16-256
#   3 certificates of one CA (ours ECDSA P-256, charon's RSA 2048),
#     charon initiates; then our seg initiates
# Asserted per case: both sides list the IKE SA and the CHILD_SA with the
# algorithms expected and the same SPI pair (ours in = theirs out);
# a UDP datagram crosses between the inner subnets both ways and the
# SA counters rise on both sides; the capture on the outer link holds
# only IKE (UDP 500/4500) and ESP, no inner address, no payload marker.
# Cases 1 and 2 rekey the IKE SA (RFC 7296 2.18; 1: seg-ctl rekey-ike,
# 2: swanctl --rekey --ike): new IKE SPIs on both sides, charon logs the
# rekey, the CHILD_SA keeps agreeing and carries a datagram each way.
# At the end: seg-ctl delete tears the SAs down on both sides, and SIGTERM
# leaves none of the seg's SAs or policies in the kernel.
set -uo pipefail
BIN=${1:?usage: test_seg_strongswan.sh BUILD/bin}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
PY=/usr/bin/python3
A=imsSA$$ B=imsSB$$
# shellcheck source=SCRIPTDIR/klib.sh
. "$here/klib.sh"
# shellcheck source=SCRIPTDIR/swanlib.sh
. "$here/swanlib.sh"
klib_init ims-segsw
need tcpdump tshark mergecap openssl
for b in seg seg-ctl; do [ -x "$BIN/$b" ] || die "no $BIN/$b"; done

OA=10.48.0.1 OB=10.48.0.2 IA=192.168.221.1 IB=192.168.222.1
NA=192.168.221.0/24 NB=192.168.222.0/24
netns_pair "$A" va "$OA/24" "$B" vb "$OB/24" || die "no namespaces"
ip -n "$A" addr add "$IA/24" dev lo || die "inner A"
ip -n "$B" addr add "$IB/24" dev lo || die "inner B"
ip -n "$A" route add "$NB" via "$OB" src "$IA" || die "route A"
ip -n "$B" route add "$NA" via "$OA" src "$IB" || die "route B"
xfrm_warm "$A"
xfrm_warm "$B"

# --- credentials: one CA, an ECDSA certificate for us, RSA for charon ----
ca=$work/ca
mkdir -p "$ca"
openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$ca/ca.key" -out "$ca/ca.pem" -days 2 -subj "/CN=segtest CA" \
    -addext basicConstraints=critical,CA:TRUE \
    -addext keyUsage=critical,keyCertSign,cRLSign >/dev/null 2>&1 || die "CA"
# issue NAME FQDN KEYARGS...: $ca/NAME.pem and .key, SAN DNS:FQDN.
issue() {
	local n=$1 fq=$2
	shift 2
	printf 'subjectAltName=DNS:%s\nbasicConstraints=CA:FALSE\n' "$fq" >"$ca/$n.ext"
	openssl req -new -newkey "$@" -nodes -keyout "$ca/$n.key" \
	    -out "$ca/$n.csr" -subj "/CN=$fq" >/dev/null 2>&1 ||
		die "key and request $n"
	openssl x509 -req -in "$ca/$n.csr" -CA "$ca/ca.pem" -CAkey "$ca/ca.key" \
	    -CAcreateserial -out "$ca/$n.pem" -days 2 -extfile "$ca/$n.ext" \
	    >/dev/null 2>&1 || die "certificate $n"
}
issue seg sega.test ec -pkeyopt ec_paramgen_curve:P-256
issue swan segb.test rsa:2048
PSK=0x$(openssl rand -hex 32)

# --- our seg -------------------------------------------------------------
# seg_up AUTH INITIATE IKEPROP ESPPROP: our seg in A (bg "seg").
seg_up() {
	local auth="auth=psk psk=$PSK"
	[ "$1" = cert ] && auth="auth=cert"
	{
		echo "local = $OA"
		echo "identity = sega.test"
		echo "peer = swan address=$OB id=segb.test $auth local-subnet=$NA remote-subnet=$NB initiate=$2"
		local x
		for x in ${3//,/ }; do echo "ike-proposal = $x"; done
		for x in ${4//,/ }; do echo "esp-proposal = $x"; done
		echo "cert = $ca/seg.pem"
		echo "key = $ca/seg.key"
		echo "ca = $ca/ca.pem"
		echo "ctl-socket = $work/seg.ctl"
		echo "pid-file = $work/seg.run.pid"
		echo "dpd-delay = ${SEG_DPD:-0}"
	} >"$work/seg.conf"
	"$BIN/seg" -n -c "$work/seg.conf" >"$work/seg.n.out" 2>&1 ||
		die "seg -n: $(cat "$work/seg.n.out")"
	bg "$A" seg /bin/sh -c "exec '$BIN/seg' -d -c '$work/seg.conf' >>'$work/seg.log' 2>&1"
	for _ in $(seq 50); do
		"$BIN/seg-ctl" -s "$work/seg.ctl" list >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	die "seg did not answer on its control socket: $(tail -5 "$work/seg.log" 2>/dev/null)"
}
segctl() { "$BIN/seg-ctl" -s "$work/seg.ctl" "$@"; }

# --- charon --------------------------------------------------------------
# swan_up AUTH IKEPROP ESPPROP: charon in B with one connection "za".
swan_up() {
	local d=$work/swan$1$RANDOM auth
	swan_init "$d"
	cp "$ca/swan.pem" "$d/x509/" || die "charon's certificate"
	cp "$ca/swan.key" "$d/private/" || die "charon's key"
	if [ "$1" = cert ]; then
		auth="local { auth = pubkey
    certs = swan.pem
    id = segb.test }
  remote { auth = pubkey
    id = sega.test
    cacerts = $ca/ca.pem }"
	else
		auth="local { auth = psk
    id = segb.test }
  remote { auth = psk
    id = sega.test }"
	fi
	cat >"$d/swanctl.conf" <<CONF
connections { za { version = 2
  local_addrs = $OB
  remote_addrs = $OA
  proposals = $2
  encap = no
  ${SWAN_DPD:-}
  $auth
  children { za { mode = tunnel
    esp_proposals = $3
    local_ts = $NB
    remote_ts = $NA
    start_action = none } } } }
secrets {
  ike-za { id-1 = sega.test
    id-2 = segb.test
    secret = $PSK }
}
CONF
	swan_start "$B" "$d" charon
	swan_load "$d"
	SW=$d
}

down() {
	stop seg
	stop charon
}

# sa_pair: "IN OUT" SPIs of the seg's CHILD_SA from seg-ctl list (hex).
seg_spis() {
	segctl list | awk '/^  child /{ for (i = 1; i < NF; i++) {
	    if ($i == "spi-in") a = $(i+1); if ($i == "spi-out") b = $(i+1) } }
	    END { print a, b }'
}
# swan_spis: "IN OUT" of charon's CHILD_SA (hex, 0x-prefixed like ours).
swan_spis() {
	swanctl_in "$SW" --list-sas --raw 2>/dev/null |
	    sed -n 's/.*spi-in=\([0-9a-f]*\) spi-out=\([0-9a-f]*\).*/0x\1 0x\2/p' | head -1
}

# echo_both TAG: a UDP datagram each way between the inner addresses.
echo_both() {
	bg "$B" "echo$1" $PY "$here/udp_echo.py" server "$IB:7100"
	sleep 0.5
	check "$1: UDP $IA -> $IB and back through the tunnel" \
	    ip netns exec "$A" $PY "$here/udp_echo.py" client "$IA:7101>$IB:7100:segmark-$1"
	stop "echo$1"
}

# tunnel_checks TAG WANT_SWAN_ALG: what every case asserts once up.
tunnel_checks() {
	local tag=$1 want=$2 ours theirs
	local l
	l=$(segctl list)
	printf '  seg-ctl: %s\n' "${l//$'\n'/$'\n'  seg-ctl: }"
	check "$tag: seg-ctl lists the IKE SA established" \
	    grep -q '^ike swan .* established' <<<"$l"
	check "$tag: seg-ctl lists the CHILD_SA $NA === $NB" \
	    grep -q "^  child $NA === $NB esp tunnel" <<<"$l"
	swanctl_in "$SW" --list-sas >"$work/$tag.sas" 2>&1
	sed 's/^/  charon: /' "$work/$tag.sas"
	check "$tag: charon: IKE SA ESTABLISHED" grep -q 'ESTABLISHED, IKEv2' "$work/$tag.sas"
	check "$tag: charon: CHILD_SA INSTALLED, TUNNEL, $want" \
	    grep -q "INSTALLED, TUNNEL, ESP:$want" "$work/$tag.sas"
	ours=$(seg_spis) theirs=$(swan_spis)
	read -r oi oo <<<"$ours"
	read -r ti to <<<"$theirs"
	check "$tag: SPIs agree (ours in=$oi out=$oo, charon in=$ti out=$to)" \
	    [ -n "$oi" ] && [ "$((oi))" = "$((to))" ] && [ "$((oo))" = "$((ti))" ]
}

# rekeyed TAG OLD_SEG_SPIS: the CHILD_SA has new SPIs on both sides (10 s),
# agreeing, and the old pair is gone from our kernel.
rekeyed() {
	local tag=$1 old=$2 now
	for _ in $(seq 100); do
		now=$(seg_spis)
		[ -n "${now% *}" ] && [ "$now" != "$old" ] && break
		sleep 0.1
	done
	check "$tag: new SPIs at the seg ($old -> $now)" [ "$now" != "$old" ]
	sleep 1
	read -r oi oo <<<"$now"
	read -r ti to <<<"$(swan_spis)"
	check "$tag: charon holds the same new pair (in=$ti out=$to)" \
	    [ -n "$ti" ] && [ "$((oi))" = "$((to))" ] && [ "$((oo))" = "$((ti))" ]
	same "$tag: one SA pair left in our kernel" "$(ours_left)" 2
}

# seg_ikespis: "SPIi SPIr" of the seg's IKE SAs with charon, one a line.
seg_ikespis() {
	segctl list | sed -n 's/^ike swan .* spi-i \([0-9a-f]*\) spi-r \([0-9a-f]*\) .*/\1 \2/p'
}
# ike_rekeyed TAG OLD: one IKE SA at the seg with new SPIs (10 s), which
# charon lists too; charon logged the rekey; the CHILD_SA still agrees.
ike_rekeyed() {
	local tag=$1 old=$2 now n si sr
	for _ in $(seq 100); do
		now=$(seg_ikespis)
		n=$(grep -c . <<<"$now")
		[ "$n" = 1 ] && [ "$now" != "$old" ] && break
		sleep 0.1
	done
	check "$tag: one IKE SA at the seg, new SPIs ($old -> $now)" \
	    [ "$n" = 1 ] && [ "$now" != "$old" ]
	for _ in $(seq 50); do
		grep -Eq 'IKE_SA za\[[0-9]+\] rekeyed' "$SW/charon.log" && break
		sleep 0.1
	done
	check "$tag: charon logged the IKE_SA rekeyed" \
	    grep -Eq 'IKE_SA za\[[0-9]+\] rekeyed' "$SW/charon.log"
	read -r si sr <<<"$now"
	for _ in $(seq 50); do
		swanctl_in "$SW" --list-sas >"$work/$tag.sas" 2>&1
		[ "$(grep -c 'ESTABLISHED, IKEv2' "$work/$tag.sas")" = 1 ] && break
		sleep 0.1
	done
	sed 's/^/  charon: /' "$work/$tag.sas"
	check "$tag: charon lists the new IKE SA ${si}_i ${sr}_r" \
	    grep -Eq "ESTABLISHED, IKEv2, ${si:-none}_i\*? ${sr:-none}_r" "$work/$tag.sas"
	same "$tag: charon lists one IKE SA" "$(grep -c 'ESTABLISHED, IKEv2' "$work/$tag.sas")" 1
	read -r oi oo <<<"$(seg_spis)"
	read -r ti to <<<"$(swan_spis)"
	check "$tag: the CHILD_SA agrees under the new IKE SA (in=$oi out=$oo)" \
	    [ -n "$ti" ] && [ "$((oi))" = "$((to))" ] && [ "$((oo))" = "$((ti))" ]
	same "$tag: one SA pair in our kernel" "$(ours_left)" 2
}

# capture_on / capture_checks TAG: what each side sends on the outer link
# (tcpdump -Q out on both ends, merged).  Not -Q inout: the kernel passes
# a tunnel's decapsulated packets up through the same device, so a
# receiver's capture would show them although they never crossed the wire.
capture_on() {
	bg "$A" "cap$1a" tcpdump -i va -Q out -U -w "$work/$1.a.pcap" -s 0
	bg "$B" "cap$1b" tcpdump -i vb -Q out -U -w "$work/$1.b.pcap" -s 0
	sleep 1.5
}
capture_checks() {
	stop "cap$1a"
	stop "cap$1b"
	local p=$work/$1.pcap n
	mergecap -w "$p" "$work/$1.a.pcap" "$work/$1.b.pcap" || die "mergecap $1"
	local l
	l=$(pcap_lines "$p")
	n=$(pcap_count "$l" ':esp( |$)')
	check "$1: ESP on the outer link ($n packets)" [ "$n" -ge 2 ]
	n=$(($(pcap_count "$l" .) - $(pcap_count "$l" ':(esp|isakmp|arp|icmpv6)( |$)')))
	check "$1: nothing but IKE and ESP on the outer link ($n other)" [ "$n" -eq 0 ]
	n=$(pcap_count "$l" ' (192\.168\.221|192\.168\.222)\.')
	check "$1: no inner address in clear ($n)" [ "$n" -eq 0 ]
	check "$1: the payload marker is not in clear" absent "segmark-$1" "$p"
}
# ours_left: the seg's SAs and policies still in A's kernel (owner tag 94).
ours_left() {
	ip -n "$A" xfrm state | grep -c '^src' || true
}

# --- case 1: PSK, our seg initiates, AES-CBC + HMAC, MODP-2048 ------------
SWAN_DPD="dpd_delay = 2s" swan_up psk aes128-sha256-modp2048 aes128-sha256-modp2048,aes128-sha256
seg_up psk yes aes128-sha256-modp2048 aes128-sha256
capture_on c1
for _ in $(seq 100); do segctl list | grep -q '^  child ' && break; sleep 0.1; done
tunnel_checks c1 AES_CBC-128/HMAC_SHA2_256_128
check "c1: charon's IKE SA is AES_CBC-128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048" \
    grep -q 'AES_CBC-128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048' "$work/c1.sas"
check "c1: charon is the responder" grep -q "'segb.test' @ $OB\[500\]" "$work/c1.sas"
echo_both c1
capture_checks c1
# charon's dead-peer detection (RFC 7296 2.4): our seg answers its empty
# INFORMATIONAL requests.
sleep 5
check "c1: charon sent DPD requests" grep -q 'sending DPD request' "$SW/charon.log"
check "c1: our seg answered them (empty INFORMATIONAL responses)" \
    grep -Eq 'parsed INFORMATIONAL response [0-9]+ \[ \]' "$SW/charon.log"
# CREATE_CHILD_SA rekeying started by our seg (RFC 7296 1.3.3).
spis=$(seg_spis)
segctl rekey swan >/dev/null
rekeyed c1-rekey "$spis"
check "c1: charon saw the rekey" grep -Eq 'parsed CREATE_CHILD_SA request' "$SW/charon.log"
echo_both c1r
# The IKE SA rekeyed by our seg (RFC 7296 1.3.2, 2.18).
spis=$(seg_ikespis)
same "c1: seg-ctl rekey-ike swan" "$(segctl rekey-ike swan 2>&1)" \
    "rekeying the IKE SA with swan"
ike_rekeyed c1-ikerekey "$spis"
echo_both c1i
segctl delete swan >/dev/null
for _ in $(seq 50); do
	swanctl_in "$SW" --list-sas 2>/dev/null | grep -q ESTABLISHED || break
	sleep 0.1
done
check "c1: seg-ctl delete: charon has no SA left" \
    sh -c "! STRONGSWAN_CONF=$SW/strongswan.conf swanctl --list-sas --uri unix://$SW/charon.vici | grep -q ESTABLISHED"
same "c1: seg-ctl delete: no ESP SA left in our kernel" "$(ours_left)" 0
down

# --- case 2: PSK, charon initiates, AES-GCM-16-256, ECP-256 ---------------
swan_up psk aes256gcm16-prfsha256-ecp256 aes256gcm16
SEG_DPD=2 seg_up psk no aes128-sha256-modp2048,aes256gcm16-prfsha256-ecp256 aes128-sha256,aes256gcm16
capture_on c2
swanctl_in "$SW" --initiate --child za --timeout 20 >"$work/c2.init" 2>&1
check "c2: charon initiates and succeeds" grep -q 'initiate completed successfully' "$work/c2.init"
tunnel_checks c2 AES_GCM_16-256
check "c2: charon's IKE SA is AES_GCM_16-256/PRF_HMAC_SHA2_256/ECP_256" \
    grep -q 'AES_GCM_16-256/PRF_HMAC_SHA2_256/ECP_256' "$work/c2.sas"
echo_both c2
capture_checks c2
# Our seg's dead-peer detection: charon answers its empty INFORMATIONALs.
sleep 5
check "c2: our seg checked charon's liveness" grep -q 'liveness check' "$work/seg.log"
check "c2: charon received them (empty INFORMATIONAL requests)" \
    grep -Eq 'parsed INFORMATIONAL request [0-9]+ \[ \]' "$SW/charon.log"
check "c2: our seg saw charon alive" grep -q 'swan: alive' "$work/seg.log"
# CREATE_CHILD_SA rekeying started by charon.
spis=$(seg_spis)
swanctl_in "$SW" --rekey --child za >"$work/c2.rekey" 2>&1
rekeyed c2-rekey "$spis"
check "c2: charon's rekey completed" grep -Eq 'CHILD_SA za\{[0-9]+\} established' "$SW/charon.log"
echo_both c2r
# The IKE SA rekeyed by charon (RFC 7296 1.3.2, 2.18).
spis=$(seg_ikespis)
swanctl_in "$SW" --rekey --ike za >"$work/c2.ikerekey" 2>&1
ike_rekeyed c2-ikerekey "$spis"
check "c2: our seg answered it as responder" \
    grep -q 'peer swan: IKE SA [0-9a-f/]* rekeyed to [0-9a-f/]* as responder' "$work/seg.log"
echo_both c2i
down
same "c2: SIGTERM leaves no seg SA in the kernel" "$(ours_left)" 0
same "c2: SIGTERM leaves no seg policy in the kernel" \
    "$(ip -n "$A" xfrm policy | grep -c '^src' || true)" 0

# --- case 3: certificates (ECDSA ours, RSA charon's) ----------------------
swan_up cert aes128gcm16-prfsha256-ecp256 aes128gcm16
seg_up cert no aes128gcm16-prfsha256-ecp256 aes128gcm16
capture_on c3
swanctl_in "$SW" --initiate --child za --timeout 20 >"$work/c3.init" 2>&1
check "c3: charon initiates with its RSA certificate and succeeds" \
    grep -q 'initiate completed successfully' "$work/c3.init"
tunnel_checks c3 AES_GCM_16-128
check "c3: charon authenticated us by our ECDSA certificate" \
    grep -Eq "authentication of 'sega.test' with [A-Z].* successful" "$SW/charon.log"
echo_both c3
capture_checks c3
segctl delete swan >/dev/null
sleep 1
segctl initiate swan >/dev/null
for _ in $(seq 100); do segctl list | grep -q '^  child ' && break; sleep 0.1; done
tunnel_checks c3i AES_GCM_16-128
down

if [ "$FAILED" -gt 0 ]; then
	echo "== seg log"; tail -n 40 "$work/seg.log" 2>/dev/null
	for l in "$work"/swan*/charon.log; do echo "== $l"; tail -n 30 "$l"; done
fi
summary
