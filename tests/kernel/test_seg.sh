#!/bin/bash
# test_seg.sh BIN - two segs (TS 33.210 Za) set up an ESP tunnel with
# IKEv2 between two security domains, for real.
#
# Namespaces A and B joined by a veth (outer 10.46.0.1 <-> 10.46.0.2); the
# domains' inner hosts 192.168.201.1 (A, subnet .201.0/24) and
# 192.168.202.1 (B, .202.0/24) on lo, routed via the outer link.  A seg in
# each (A initiates, B responds).  Cases:
#   psk      the tunnel comes up (seg-ctl list: established, a CHILD_SA on
#            both); a UDP echo between the inner hosts works; both segs'
#            SA counters rise; the capture of the outer link holds only IKE
#            (UDP 500) and ESP, no inner address, no payload marker;
#   restart  A killed with SIGKILL and restarted: its leftovers flushed,
#            the tunnel back, exactly one SA pair on each side, echo works;
#   stop     SIGTERM to both: no SA or policy of theirs is left;
#   cert     RSA certificate on A, ECDSA on B (one lab CA): up, echo works;
#   ikerekey seg-ctl rekey-ike from A then from B (2.18): new IKE SPIs on
#            both, the old IKE SA gone, the CHILD_SA's SPIs unchanged and
#            echo works; a CHILD_SA rekey and a Delete on the new IKE SA;
#   ikelife  ike-lifetime 60, rekey-margin 10: A rekeys the IKE SA by
#            itself, the CHILD_SA's SPIs unchanged;
#   wrongpsk B holds another PSK: A is refused with AUTHENTICATION_FAILED
#            and neither side installs an SA.
# Runs as root where the kernel has ESP: via tests/kernel/kernel_test.sh.
set -uo pipefail
BIN=${1:?usage: test_seg.sh BUILD/bin}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
PY=/usr/bin/python3
A=imsSA$$ B=imsSB$$
# shellcheck source=SCRIPTDIR/klib.sh
. "$here/klib.sh"
# shellcheck source=SCRIPTDIR/../../scripts/lablib.sh
. "$here/../../scripts/lablib.sh"
klib_init ims-seg
need tcpdump tshark mergecap openssl
for b in seg seg-ctl; do [ -x "$BIN/$b" ] || die "no $BIN/$b"; done
echo "test_seg: kernel $(uname -r), $BIN"
# The control sockets under /tmp: $work may be on a file system without
# Unix sockets (9p, when TMPDIR points into the shared tree).
socks=$(mktemp -d /tmp/imsseg.XXXXXX) || die "mktemp"

# The first ESP state of each algorithm loads kernel modules (esp4,
# rfc4106(gcm(aes)), cbc(aes), ...), which took 20 s once under TCG: load
# them in a throw-away namespace first, so the IKE timers measure the segs.
for alg in 'aead rfc4106(gcm(aes)) 0x00112233445566778899aabbccddeeff01020304 128' \
    'enc cbc(aes) 0x00112233445566778899aabbccddeeff auth-trunc hmac(sha256) 0x00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff 128'; do
	# shellcheck disable=SC2086 # the algorithm's words
	unshare -n ip xfrm state add src 192.0.2.1 dst 192.0.2.2 proto esp \
	    spi 0x100 mode tunnel $alg || die "ESP state with $alg"
done
OA=10.46.0.1 OB=10.46.0.2 IA=192.168.201.1 IB=192.168.202.1
netns_pair "$A" va "$OA/24" "$B" vb "$OB/24" || die "no namespaces"
ip -n "$A" addr add "$IA/32" dev lo || die "inner address in A"
ip -n "$B" addr add "$IB/32" dev lo || die "inner address in B"
ip -n "$A" route add 192.168.202.0/24 via "$OB" dev va || die "route in A"
ip -n "$B" route add 192.168.201.0/24 via "$OA" dev vb || die "route in B"

# conf SIDE AUTH PSK [LINE...]: writes $work/SIDE.conf (A initiates),
# with the extra LINEs.
conf() {
	local side=$1 auth=$2 psk=$3 me peer lo ro rn ini c
	if [ "$side" = a ]; then
		me=$OA peer=$OB lo=201 ro=202 rn=segb ini=yes
	else
		me=$OB peer=$OA lo=202 ro=201 rn=sega ini=no
	fi
	c="peer = $rn address=$peer id=$rn.example.net auth=$auth"
	[ "$auth" = psk ] && c+=" psk=$psk"
	c+=" local-subnet=192.168.$lo.0/24 remote-subnet=192.168.$ro.0/24"
	c+=" initiate=$ini"
	{
		echo "local = $me"
		echo "identity = seg$side.example.net"
		echo "$c"
		echo "ctl-socket = $socks/$side.ctl"
		echo "pid-file = $work/$side.pid"
		echo "dpd-delay = 3"
		echo "retransmit-ms = 300"
		echo "retransmit-tries = 4"
		if [ "$auth" = cert ]; then
			echo "cert = $work/seg$side.pem"
			echo "key = $work/seg$side.key"
			echo "ca = $work/ca.pem"
		fi
		[ $# -gt 3 ] && printf '%s\n' "${@:4}"
	} >"$work/$side.conf"
}

# start SIDE: the seg of SIDE in its namespace, its debug log in
# $work/segSIDE.log (the previous one kept as segSIDE.log.N).
nstart=0
start() {
	local ns=$A
	[ "$1" = b ] && ns=$B
	nstart=$((nstart + 1))
	[ -f "$work/seg$1.log" ] && mv "$work/seg$1.log" "$work/seg$1.log.$nstart"
	"$BIN/seg" -n -c "$work/$1.conf" >/dev/null 2>&1 ||
		die "seg -n refuses $1.conf: $("$BIN/seg" -n -c "$work/$1.conf" 2>&1)"
	bg "$ns" "seg$1" "$BIN/seg" -d -c "$work/$1.conf" >"$work/seg$1.log" 2>&1
}
inA() { ip netns exec "$A" "$@"; }
inB() { ip netns exec "$B" "$@"; }
ctl() {	# ctl SIDE ARGS...
	local ns=$A
	[ "$1" = b ] && ns=$B
	ip netns exec "$ns" "$BIN/seg-ctl" -s "$socks/$1.ctl" "${@:2}"
}
# up: both list an established IKE SA with a CHILD_SA (within 20 s).
up() {
	for _ in $(seq 100); do
		ctl a list 2>/dev/null | grep -q '^  child' &&
			ctl b list 2>/dev/null | grep -q '^  child' && return 0
		sleep 0.2
	done
	return 1
}
# nstates NS: our SAs in NS (ip xfrm state entries).
nstates() { ip -n "$1" xfrm state | grep -c '^src'; }
# npolicies NS: the policies in NS's policy database (ip xfrm policy
# prints "dir in|out|fwd" under each); the seg's IKE socket's own
# bypass policies ("socket in|out") are not in it.
npolicies() { ip -n "$1" xfrm policy | grep -cE '^[[:space:]]+dir (in|out|fwd) '; }
MARK=IMSSEC-SEG-CLEARTEXT-77c1
echo_ok() {	# echo_ok TAG: a UDP echo from IA to IB
	inA "$PY" "$here/udp_echo.py" client "$IA:5071>$IB:5070:$MARK-$1"
}
stopseg() { stop "seg$1"; }

# --- psk -----------------------------------------------------------------
conf a psk lab-secret-1
conf b psk lab-secret-1
bg "$B" udpsrv "$PY" "$here/udp_echo.py" server "$IB:5070" >"$work/server.out" 2>&1
bg "$A" tcpdumpA tcpdump -Z root -U --immediate-mode -n -s 0 -Q out -i va \
    -w "$work/a.pcap" 2>"$work/tcpdumpA.err"
bg "$B" tcpdumpB tcpdump -Z root -U --immediate-mode -n -s 0 -Q out -i vb \
    -w "$work/b.pcap" 2>"$work/tcpdumpB.err"
for _ in $(seq 50); do [ -s "$work/a.pcap" ] && [ -s "$work/b.pcap" ] && break; sleep 0.1; done
start b
start a
if up; then pass "psk: the tunnel is up (seg-ctl list on both)"
else fail "psk: no tunnel: $(ctl a list 2>&1) / $(ctl b list 2>&1)"; fi
la=$(ctl a list) lb=$(ctl b list)
echo "$la"; echo "$lb"
check "psk: A lists an established IKE SA as initiator" \
    grep -q '^ike segb 10.46.0.2 segb.example.net established initiator' <<<"$la"
check "psk: B lists an established IKE SA as responder" \
    grep -q '^ike sega 10.46.0.1 sega.example.net established responder' <<<"$lb"
check "psk: A's CHILD_SA is 192.168.201.0/24 === 192.168.202.0/24 in ESP tunnel mode" \
    grep -q '^  child 192.168.201.0/24 === 192.168.202.0/24 esp tunnel' <<<"$la"
spia=$(sed -n 's/.*spi-in \(0x[0-9a-f]*\) spi-out \(0x[0-9a-f]*\).*/\1 \2/p' <<<"$la")
spib=$(sed -n 's/.*spi-in \(0x[0-9a-f]*\) spi-out \(0x[0-9a-f]*\).*/\2 \1/p' <<<"$lb")
same "psk: A's SPIs in/out are B's out/in" "$spia" "$spib"
same "psk: two SAs in A's kernel" "$(nstates "$A")" 2
same "psk: two SAs in B's kernel" "$(nstates "$B")" 2
check "psk: A's SA to B is a tunnel between the outer addresses" \
    grep -q "src $OA dst $OB" <<<"$(ip -n "$A" xfrm state)"
check "psk: UDP echoed between the inner hosts through the tunnel" echo_ok psk
la=$(ctl a list)
pk=$(sed -n 's/.* out [0-9]* bytes \([0-9]*\) packets$/\1/p' <<<"$la")
check "psk: seg-ctl list shows A's outbound packet counter risen ($pk)" [ "${pk:-0}" -ge 1 ]
pk=$(sed -n 's/.* in [0-9]* bytes \([0-9]*\) packets out.*/\1/p' <<<"$(ctl b list)")
check "psk: seg-ctl list shows B's inbound packet counter risen ($pk)" [ "${pk:-0}" -ge 1 ]
check "A logged the CHILD_SA's algorithms and SPIs" \
    grep -q "CHILD_SA ESP tunnel 192.168.201.0/24 <-> 192.168.202.0/24, aes128gcm16, SPIs in" "$work/sega.log"

# --- restart -------------------------------------------------------------
p=$(cat "$work/sega.pid")
{ kill -9 "$p" && wait "$p"; } 2>/dev/null	# no "Killed" job notice
sleep 0.5
check "restart: A's SAs stay after SIGKILL (fail closed)" [ "$(nstates "$A")" -ge 2 ]
start a
if up && ctl a list | grep -q 'age [0-9]s'; then pass "restart: the tunnel is back"
else fail "restart: no new tunnel: $(ctl a list 2>&1) / $(ctl b list 2>&1)"; fi
check "restart: the new A flushed the leftovers by owner tag" \
    grep -q 'SAs and 3 policies left by an earlier run flushed' "$work/sega.log"
for _ in $(seq 25); do [ "$(nstates "$B")" = 2 ] && break; sleep 0.2; done
same "restart: two SAs in A's kernel" "$(nstates "$A")" 2
same "restart: two SAs in B's kernel (the old pair deleted)" "$(nstates "$B")" 2
same "restart: three policies in A's kernel" "$(npolicies "$A")" 3
lb=$(ctl b list)
same "restart: one established IKE SA listed by B" \
    "$(grep -c '^ike .* established' <<<"$lb")" 1
echo "$lb"
check "restart: UDP echoed again" echo_ok restart

# --- the capture ---------------------------------------------------------
sleep 0.5
stop tcpdumpA
stop tcpdumpB
mergecap -w "$work/seg.pcap" "$work/a.pcap" "$work/b.pcap" || die "mergecap"
n=$(tshark -n -r "$work/seg.pcap" -Y 'ip && !esp && !(udp.port == 500) && !arp' 2>/dev/null | wc -l)
[ "$n" = 0 ] || tshark -n -r "$work/seg.pcap" -Y 'ip && !esp && !(udp.port == 500)' 2>/dev/null | head
check "capture: nothing but IKE (UDP 500) and ESP on the outer link ($n)" [ "$n" = 0 ]
n=$(tshark -n -r "$work/seg.pcap" -Y esp 2>/dev/null | wc -l)
check "capture: ESP seen ($n packets)" [ "$n" -ge 4 ]
n=$(tshark -n -r "$work/seg.pcap" -Y 'isakmp' 2>/dev/null | wc -l)
check "capture: IKEv2 seen ($n packets)" [ "$n" -ge 4 ]
n=$(tshark -n -r "$work/seg.pcap" -Y 'ip.addr == 192.168.201.0/24 || ip.addr == 192.168.202.0/24' 2>/dev/null | wc -l)
check "capture: no inner address in clear ($n)" [ "$n" = 0 ]
check "capture: no cleartext payload marker" absent "$MARK" "$work/seg.pcap"
n=$(tshark -n -r "$work/seg.pcap" -Y 'isakmp && _ws.malformed' 2>/dev/null | wc -l)
check "capture: tshark finds no malformed IKE message ($n)" [ "$n" = 0 ]

# --- stop ----------------------------------------------------------------
stopseg a
stopseg b
same "stop: no SA left in A" "$(nstates "$A")" 0
same "stop: no SA left in B" "$(nstates "$B")" 0
same "stop: no policy left in A" "$(npolicies "$A")" 0
same "stop: no policy left in B" "$(npolicies "$B")" 0

# --- cert: RSA (A) and ECDSA (B) ------------------------------------------
lab_ca "$work"
lab_cert "$work" segb segb.example.net "$OB"		# EC P-256
(umask 077
printf '%s\n' "subjectAltName=DNS:sega.example.net" "basicConstraints=CA:FALSE" \
    >"$work/sega.ext" &&
openssl req -new -newkey rsa:2048 -nodes -keyout "$work/sega.key" \
    -out "$work/sega.csr" -subj "/CN=sega.example.net" &&
openssl x509 -req -in "$work/sega.csr" -CA "$work/ca.pem" -CAkey "$work/ca.key" \
    -CAcreateserial -out "$work/sega.pem" -days 30 -extfile "$work/sega.ext") \
    >/dev/null 2>&1 || die "cannot make A's RSA certificate"
# The echo server gives up after 120 s of silence: tshark above is slow
# on a first start in the guest.
stop udpsrv
bg "$B" udpsrv2 "$PY" "$here/udp_echo.py" server "$IB:5070" >"$work/server2.out" 2>&1
conf a cert x
conf b cert x
start b
start a
if up; then pass "cert: the tunnel is up with RSA (A) and ECDSA (B) certificates"
else fail "cert: no tunnel: $(ctl a list 2>&1) / $(ctl b list 2>&1)"; fi
check "cert: UDP echoed between the inner hosts" echo_ok cert
stopseg a
stopseg b

# --- INVALID_KE_PAYLOAD, AES-CBC ESP, seg-ctl delete and initiate -------
# B takes only A's last IKE proposal (group 20) and its last ESP one: A's
# first KE (group 14) is answered INVALID_KE_PAYLOAD and A starts again.
conf a psk lab-secret-2
conf b psk lab-secret-2 "ike-proposal = aes256gcm16-prfsha256-ecp384" \
    "esp-proposal = aes256-sha256"
start b
start a
if up; then pass "invalid-ke: the tunnel is up"
else fail "invalid-ke: no tunnel: $(ctl a list 2>&1) / $(ctl b list 2>&1)"; fi
check "invalid-ke: A was asked for group 20 and tried again" \
    grep -q 'peer segb: asks for DH group 20' "$work/sega.log"
la=$(ctl a list)
check "invalid-ke: the IKE SA is aes256gcm16-prfsha256-ecp384" \
    grep -q '^ike .* aes256gcm16-prfsha256-ecp384 age' <<<"$la"
check "invalid-ke: the CHILD_SA is AES-CBC-256 + HMAC-SHA2-256-128" \
    grep -q '^  child .* esp tunnel aes256-sha256 spi-in' <<<"$la"
check "invalid-ke: UDP echoed through the AES-CBC tunnel" echo_ok cbc
out=$(ctl a delete segb 2>&1)
same "ctl: seg-ctl delete segb" "$out" "deleted segb"
for _ in $(seq 25); do [ "$(nstates "$B")" = 0 ] && break; sleep 0.2; done
same "ctl: after delete no SA in A's kernel" "$(nstates "$A")" 0
same "ctl: after delete no SA in B's kernel (the Delete reached B)" "$(nstates "$B")" 0
check "ctl: B lists sega as down" grep -q '^peer sega 10.46.0.1 sega.example.net down' <<<"$(ctl b list)"
check "ctl: A holds segb down" grep -q '^peer segb .* down (held)' <<<"$(ctl a list)"
same "ctl: the policies stay (fail closed)" "$(npolicies "$A")" 3
out=$(ctl a delete nosuch 2>&1); rc=$?
check "ctl: delete of an unknown peer is refused (exit $rc: $out)" \
    [ $rc = 1 ] && [ "$out" = "error: no peer nosuch" ]
same "ctl: seg-ctl initiate segb" "$(ctl a initiate segb 2>&1)" "initiating segb"
if up; then pass "ctl: the tunnel is up again"
else fail "ctl: no tunnel after initiate: $(ctl a list 2>&1)"; fi
check "ctl: UDP echoed again" echo_ok initiate

# CREATE_CHILD_SA: new SPIs on both sides, the old pair gone, traffic on.
old=$(sed -n 's/.* spi-in \(0x[0-9a-f]*\) .*/\1/p' <<<"$(ctl a list)")
same "rekey: seg-ctl rekey segb" "$(ctl a rekey segb 2>&1)" "rekeying segb"
for _ in $(seq 50); do
	new=$(sed -n 's/.* spi-in \(0x[0-9a-f]*\) .*/\1/p' <<<"$(ctl a list)")
	[ -n "$new" ] && [ "$new" != "$old" ] && [ "$(nstates "$A")" = 2 ] &&
		[ "$(nstates "$B")" = 2 ] && break
	sleep 0.2
done
check "rekey: A's inbound SPI changed ($old -> $new)" [ -n "$new" ] && [ "$new" != "$old" ]
same "rekey: two SAs in A's kernel (the old pair deleted)" "$(nstates "$A")" 2
same "rekey: two SAs in B's kernel (the old pair deleted)" "$(nstates "$B")" 2
check "rekey: B's outbound SPI is A's new inbound one" \
    grep -q "spi-out $new " <<<"$(ctl b list)"
check "rekey: B removed the old pair on A's Delete" \
    grep -q "old CHILD_SA removed, SPIs in 0x[0-9a-f]* out $old" "$work/segb.log"
check "rekey: UDP echoed through the new pair" echo_ok rekey
same "rekey: still one IKE SA at A" "$(ctl a list | grep -c '^ike .* established')" 1

# CREATE_CHILD_SA of the IKE SA (2.18): new IKE SPIs on both sides, the
# old IKE SA deleted, the CHILD_SA (same SPIs) moved over; then B rekeys
# it back, and a CHILD_SA rekey and a Delete work on the newest IKE SA.
ikespis() { sed -n 's/^ike .* spi-i \([0-9a-f]*\) spi-r \([0-9a-f]*\) .*/\1 \2/p' <<<"$(ctl "$1" list)"; }
childspis() { sed -n 's/.* spi-in \(0x[0-9a-f]*\) spi-out \(0x[0-9a-f]*\) .*/\1 \2/p' <<<"$(ctl "$1" list)"; }
rekey_ike() {	# rekey_ike SIDE TAG
	local old oc ni na nb
	old=$(ikespis a) oc=$(childspis a)
	same "$2: seg-ctl rekey-ike" "$(ctl "$1" rekey-ike "$([ "$1" = a ] && echo segb || echo sega)" 2>&1)" \
	    "rekeying the IKE SA with $([ "$1" = a ] && echo segb || echo sega)"
	for _ in $(seq 50); do
		na=$(ikespis a) nb=$(ikespis b)
		[ "$na" != "$old" ] && [ "$(wc -l <<<"$na")" = 1 ] &&
			[ "$(wc -l <<<"$nb")" = 1 ] && [ "$na" = "$nb" ] && break
		sleep 0.2
	done
	ni=$(printf '%s\n' "$na" | wc -l)
	check "$2: one IKE SA listed by A, new SPIs ($old -> $na)" \
	    [ "$ni" = 1 ] && [ -n "$na" ] && [ "$na" != "$old" ]
	same "$2: B lists the same single IKE SA (the old one deleted)" "$nb" "$na"
	same "$2: the CHILD_SA kept its SPIs" "$(childspis a)" "$oc"
	same "$2: two SAs in A's kernel" "$(nstates "$A")" 2
	same "$2: two SAs in B's kernel" "$(nstates "$B")" 2
	check "$2: UDP echoed through the CHILD_SA under the new IKE SA" echo_ok "$2"
}
rekey_ike a ikerekey
# B takes only group 20: A's first KE (group 14) is refused (1.3.2).
check "ikerekey: B answered A's group-14 KE with INVALID_KE_PAYLOAD" \
    grep -q 'peer sega: answered INVALID_KE_PAYLOAD' "$work/segb.log"
check "ikerekey: A rekeyed again with group 20" \
    grep -q 'peer segb: rekeying IKE SA [0-9a-f/]* (group 20)' "$work/sega.log"
check "ikerekey: A logged the switch as initiator" \
    grep -q 'peer segb: IKE SA [0-9a-f/]* rekeyed to [0-9a-f/]* as initiator' "$work/sega.log"
check "ikerekey: B logged the switch as responder" \
    grep -q 'peer sega: IKE SA [0-9a-f/]* rekeyed to [0-9a-f/]* as responder' "$work/segb.log"
check "ikerekey: B closed the old IKE SA on A's Delete, not the CHILD_SA" \
    grep -q 'peer sega: IKE SA [0-9a-f]*/[0-9a-f]* closed: deleted by the peer' "$work/segb.log"
check "ikerekey: A lists itself as the new SA's initiator" \
    grep -q '^ike segb .* established initiator' <<<"$(ctl a list)"
rekey_ike b ikerekey-b
check "ikerekey-b: B is the initiator of the newest IKE SA" \
    grep -q '^ike sega .* established initiator' <<<"$(ctl b list)"
old=$(sed -n 's/.* spi-in \(0x[0-9a-f]*\) .*/\1/p' <<<"$(ctl a list)")
same "ikerekey: seg-ctl rekey segb (CHILD_SA) on the new IKE SA" \
    "$(ctl a rekey segb 2>&1)" "rekeying segb"
for _ in $(seq 50); do
	new=$(sed -n 's/.* spi-in \(0x[0-9a-f]*\) .*/\1/p' <<<"$(ctl a list)")
	[ -n "$new" ] && [ "$new" != "$old" ] && [ "$(nstates "$A")" = 2 ] &&
		[ "$(nstates "$B")" = 2 ] && break
	sleep 0.2
done
check "ikerekey: the CHILD_SA rekeyed on the new IKE SA ($old -> $new)" \
    [ -n "$new" ] && [ "$new" != "$old" ]
same "ikerekey: two SAs in B's kernel after the CHILD_SA rekey" "$(nstates "$B")" 2
check "ikerekey: UDP echoed through the rekeyed CHILD_SA" echo_ok ikerekey-child
same "ikerekey: seg-ctl delete segb on the new IKE SA" "$(ctl a delete segb 2>&1)" "deleted segb"
for _ in $(seq 25); do [ "$(nstates "$B")" = 0 ] && break; sleep 0.2; done
same "ikerekey: after delete no SA in B's kernel (the Delete reached B)" "$(nstates "$B")" 0
check "ikerekey: B lists sega as down" grep -q '^peer sega .* down' <<<"$(ctl b list)"
stopseg a
stopseg b

# --- the IKE SA rekeyed on time (2.18) ----------------------------------
# ike-lifetime 60, rekey-margin 10: A rekeys the IKE SA by CREATE_CHILD_SA
# 50 s after it is up, the CHILD_SA untouched (no re-authentication).
stop udpsrv2	# it gives up after 120 s of silence: a fresh one
bg "$B" udpsrv3 "$PY" "$here/udp_echo.py" server "$IB:5070" >"$work/server3.out" 2>&1
conf a psk lab-secret-3 "ike-lifetime = 60" "rekey-margin = 10"
conf b psk lab-secret-3
start b
start a
if up; then pass "ikelife: the tunnel is up"
else fail "ikelife: no tunnel: $(ctl a list 2>&1) / $(ctl b list 2>&1)"; fi
old=$(ikespis a) oc=$(childspis a)
for _ in $(seq 100); do
	na=$(ikespis a) nb=$(ikespis b)
	[ -n "$na" ] && [ "$na" != "$old" ] && [ "$na" = "$nb" ] && break
	sleep 1
done
check "ikelife: A rekeyed the IKE SA on time ($old -> $na)" \
    grep -q 'peer segb: IKE SA [0-9a-f/]* rekeyed to [0-9a-f/]* as initiator' "$work/sega.log"
same "ikelife: B lists the same single new IKE SA" "$nb" "$na"
same "ikelife: the CHILD_SA kept its SPIs (no re-authentication)" "$(childspis a)" "$oc"
same "ikelife: one IKE SA set up by IKE_SA_INIT in A's log (no re-authentication)" \
    "$(grep -c 'established as initiator' "$work/sega.log")" 1
check "ikelife: UDP echoed after the rekey" echo_ok ikelife
stopseg a
stopseg b

# --- wrong PSK ------------------------------------------------------------
conf a psk lab-secret-1
conf b psk not-the-same
start b
start a
for _ in $(seq 50); do
	grep -q 'IKE_AUTH refused: AUTHENTICATION_FAILED' "$work/sega.log" && break
	sleep 0.2
done
check "wrongpsk: A was refused with AUTHENTICATION_FAILED" \
    grep -q 'IKE_AUTH refused: AUTHENTICATION_FAILED' "$work/sega.log"
check "wrongpsk: B logged the failed authentication" \
    grep -q 'AUTH of sega.example.net does not verify' "$work/segb.log"
same "wrongpsk: no SA in A's kernel" "$(nstates "$A")" 0
same "wrongpsk: no SA in B's kernel" "$(nstates "$B")" 0
check "wrongpsk: no key material in the logs (the PSK)" \
    absent lab-secret-1 "$work/sega.log"
stopseg a
stopseg b

rm -rf "$socks"
summary
