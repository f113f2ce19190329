#!/bin/bash
# test_esp_tunnel.sh IMSXFRM - ESP tunnel-mode SAs installed by imsxfrm, for real.
#
# Two network namespaces joined by a veth pair (outer 10.46.0.1 <-> 10.46.0.2),
# each with inner host addresses on lo and routes to the other side's inner
# addresses via the veth.  Tunnel-mode SA pairs (RFC 4303 section 3.1.2; SA
# src/dst = the outer addresses, SA selector = the inner hosts) and tunnel
# policies (selector = inner hosts, template = outer addresses):
#   1 plain ESP        hmac-sha2-256-128 + aes-cbc  spi 0x7101/0x7102
#                      inner 192.168.201.1 <-> 192.168.202.1
#   2 ESP-in-UDP 4500  aes-gcm (rfc4106)             spi 0x7201/0x7202
#     (RFC 3948)       inner 192.168.201.2 <-> 192.168.202.2
# A UDP datagram is echoed between the inner addresses of each pair.
# Asserted: every echo arrives; sa-get reports mode=tunnel and the SA packet
# counters rise on both sides; the capture on the veth holds ESP with exactly
# these SPIs between the OUTER addresses only (pair 2 inside UDP 4500->4500),
# no packet with an inner address in clear, and not the payload marker;
# --sel-src outside tunnel mode is a usage error (exit 2).
# Runs as root where the kernel has ESP: via tests/kernel/kernel_test.sh.
# A failed check is counted and the test goes on; setup errors (namespaces,
# SA installation, servers) end it at once (die).
set -uo pipefail
X=${1:?usage: test_esp_tunnel.sh PATH/TO/imsxfrm}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
PY=/usr/bin/python3
A=imsTA$$ B=imsTB$$
# shellcheck source=SCRIPTDIR/klib.sh
. "$here/klib.sh"
klib_init ims-esptun
need tcpdump tshark mergecap
inA() { ip netns exec "$A" "$@"; }

[ -x "$X" ] || die "imsxfrm not executable: $X"
echo "test_esp_tunnel: kernel $(uname -r), imsxfrm $X"

# --- topology --------------------------------------------------------------------
OA=10.46.0.1 OB=10.46.0.2
netns_pair "$A" va "$OA/24" "$B" vb "$OB/24" || die "no namespaces"
for ia in 192.168.201.1 192.168.201.2; do
	ip -n "$A" addr add "$ia/32" dev lo || die "inner address $ia in A"
done
for ib in 192.168.202.1 192.168.202.2; do
	ip -n "$B" addr add "$ib/32" dev lo || die "inner address $ib in B"
done
ip -n "$A" route add 192.168.202.0/24 via "$OB" dev va || die "route to B's inner net"
ip -n "$B" route add 192.168.201.0/24 via "$OA" dev vb || die "route to A's inner net"

# --- SAs and policies, all through imsxfrm ------------------------------------------
# Test keys only.
K256=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
K128=00112233445566778899aabbccddeeff
GCM=${K128}a1b2c3d4			# AES-128 key || 4-byte salt (RFC 4106)

# tpol NS SEL-SRC SEL-DST TMPL-SRC TMPL-DST DIR REQID: a tunnel policy.
tpol() {
	ip netns exec "$1" "$X" policy-add --src "$2" --dst "$3" --dir "$6" \
	    --tmpl-src "$4" --tmpl-dst "$5" --mode tunnel --reqid "$7" >/dev/null ||
		die "policy-add $6 $2->$3 in $1"
}

# tun_case NAME INNER-A INNER-B SPI-AB SPI-BA REQID ALGARGS...: the tunnel
# SA pair and its four policies in both namespaces; appended to cases.
cases=()
tun_case() {
	local name=$1 ia=$2 ib=$3 sab=$4 sba=$5 reqid=$6 n
	shift 6
	for n in "$A" "$B"; do
		ip netns exec "$n" "$X" sa-add --src "$OA" --dst "$OB" --spi "$sab" \
		    --mode tunnel --sel-src "$ia" --sel-dst "$ib" --reqid "$reqid" \
		    --replay 32 "$@" || die "$name: sa-add $sab in $n"
		ip netns exec "$n" "$X" sa-add --src "$OB" --dst "$OA" --spi "$sba" \
		    --mode tunnel --sel-src "$ib" --sel-dst "$ia" --reqid "$reqid" \
		    --replay 32 "$@" || die "$name: sa-add $sba in $n"
	done
	tpol "$A" "$ia" "$ib" "$OA" "$OB" out "$reqid"
	tpol "$A" "$ib" "$ia" "$OB" "$OA" in "$reqid"
	tpol "$B" "$ib" "$ia" "$OB" "$OA" out "$reqid"
	tpol "$B" "$ia" "$ib" "$OA" "$OB" in "$reqid"
	cases+=("$name $ia $ib $sab $sba")
}
tun_case tun-sha256-aes 192.168.201.1 192.168.202.1 0x7101 0x7102 71 \
    --auth hmac-sha2-256-128 --auth-key $K256 --enc aes-cbc --enc-key $K128
tun_case tun-udpencap-gcm 192.168.201.2 192.168.202.2 0x7201 0x7202 72 \
    --aead aes-gcm --aead-key $GCM --encap-sport 4500 --encap-dport 4500
pass "installed ${#cases[@]} tunnel-mode SA pairs and their tunnel policies in both namespaces"

# sa_field NS DST SPI FIELD: FIELD of `imsxfrm sa-get`.
sa_field() {
	ip netns exec "$1" "$X" sa-get --dst "$2" --spi "$3" | sed -n "s/^$4=//p"
}
SA_ENDS=("$OB 0x7101" "$OA 0x7102" "$OB 0x7201" "$OA 0x7202")	# DST SPI
since=$FAILED
for n in "$A" "$B"; do
	for sa in "${SA_ENDS[@]}"; do
		read -r dst spi <<<"$sa"
		[ "$(sa_field "$n" "$dst" "$spi" mode)" = tunnel ] ||
			fail "SA $spi in $n: not tunnel mode"
		[ "$(sa_field "$n" "$dst" "$spi" packets)" = 0 ] ||
			fail "SA $spi in $n: counter not 0 before traffic"
		[ "$(sa_field "$n" "$dst" "$spi" ours)" = 1 ] ||
			fail "SA $spi in $n: not marked as ours"
	done
done
[ "$FAILED" -gt "$since" ] ||
	pass "sa-get: all 8 SA ends are ours, mode=tunnel, counters 0"
# state_has SPI TEXT DESC: A's SA SPI (OA -> OB) shows TEXT in ip xfrm.
state_has() {
	local st
	st=$(ip -n "$A" xfrm state get src "$OA" dst "$OB" proto esp spi "$1")
	if grep -q "$2" <<<"$st"; then pass "$3"; else fail "$3: $st"; fi
}
state_has 0x7201 'encap type espinudp sport 4500 dport 4500' \
    "SA 0x7201 has the ESP-in-UDP encapsulation"
state_has 0x7101 'sel src 192.168.201.1/32 dst 192.168.202.1/32' \
    "SA 0x7101 has the inner selector"

err=$(inA "$X" sa-add --src "$OA" --dst "$OB" --spi 0x7301 --mode transport \
    --sel-src 192.168.201.1 --sel-dst 192.168.202.1 --aead aes-gcm \
    --aead-key $GCM 2>&1); rc=$?
check "--sel-src in transport mode -> exit 2 (got $rc '$err')" [ $rc = 2 ]
err=$(inA "$X" sa-add --src "$OA" --dst "$OB" --spi 0x7301 --mode tunnel \
    --sel-src 192.168.201.1/33 --sel-dst 192.168.202.1 --aead aes-gcm \
    --aead-key $GCM 2>&1); rc=$?
check "--sel-src with prefix /33 -> exit 2 (got $rc '$err')" [ $rc = 2 ]

# --- traffic, captured on the veth ---------------------------------------------------
# What each end SENDS (-Q out), merged: exactly what crossed the wire.  A plain
# capture on the receiving end would also show the decapsulated inner packet,
# which tunnel-mode xfrm_input re-injects on the same device (not on the wire).
pcap=$work/esptun.pcap
bg "$A" tcpdumpA tcpdump -Z root -U --immediate-mode -n -s 0 -Q out -i va \
    -w "$work/a.pcap" 2>"$work/tcpdumpA.err"
bg "$B" tcpdumpB tcpdump -Z root -U --immediate-mode -n -s 0 -Q out -i vb \
    -w "$work/b.pcap" 2>"$work/tcpdumpB.err"
# ESP-in-UDP is decapsulated only on a UDP socket with UDP_ENCAP_ESPINUDP (an
# IKE daemon's port 4500 socket): one per side.
encap_sock='import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], 4500))
s.setsockopt(socket.IPPROTO_UDP, 100, 2)	# UDP_ENCAP, UDP_ENCAP_ESPINUDP
print("ready", flush=True)
time.sleep(600)'
bg "$A" encapA "$PY" -c "$encap_sock" "$OA" >"$work/encapA.out" 2>&1
bg "$B" encapB "$PY" -c "$encap_sock" "$OB" >"$work/encapB.out" 2>&1
bg "$B" udpsrv "$PY" "$here/udp_echo.py" server 192.168.202.1:5070 \
    192.168.202.2:5070 >"$work/server.out" 2>&1
# ready: every helper said so, both captures have begun.
ready() {
	[ -s "$work/a.pcap" ] && [ -s "$work/b.pcap" ] &&
		grep -q ready "$work/server.out" && grep -q ready "$work/encapA.out" &&
		grep -q ready "$work/encapB.out"
}
for _ in $(seq 100); do ready && break; sleep 0.1; done
grep -q ready "$work/server.out" ||
	die "udp echo server did not start: $(cat "$work/server.out")"
for e in A B; do
	grep -q ready "$work/encap$e.out" ||
		die "encap socket in $e: $(cat "$work/encap$e.out")"
done
for e in a b; do
	[ -s "$work/$e.pcap" ] ||
		die "tcpdump in $e did not start: $(cat "$work/tcpdump${e^}.err")"
done
MARK=IMSSEC-TUNNEL-CLEARTEXT-5b9e
client=()
for c in "${cases[@]}"; do
	read -r name ia ib _ <<<"$c"
	client+=("$ia:5071>$ib:5070:$MARK-$name")
done
check "UDP echoed between the inner addresses through all ${#cases[@]} tunnel SA pairs" \
    inA "$PY" "$here/udp_echo.py" client "${client[@]}"
sleep 1
for p in tcpdumpA tcpdumpB udpsrv encapA encapB; do stop "$p"; done
mergecap -w "$pcap" "$work/a.pcap" "$work/b.pcap" || die "mergecap"

# --- counters -------------------------------------------------------------------------
since=$FAILED
for n in "$A" "$B"; do
	for sa in "${SA_ENDS[@]}"; do
		read -r dst spi <<<"$sa"
		p=$(sa_field "$n" "$dst" "$spi" packets)
		by=$(sa_field "$n" "$dst" "$spi" bytes)
		if [ "${p:-0}" -lt 1 ] || [ "${by:-0}" -le 0 ]; then
			fail "SA spi $spi in $n: packets=$p bytes=$by, expected to rise"
		fi
	done
done
[ "$FAILED" -gt "$since" ] || pass "sa-get: packets and bytes rose on all 8 tunnel SA ends"

# --- the capture -----------------------------------------------------------------------
got=$(tshark -n -r "$pcap" -Y esp -T fields -E separator=' ' -e ip.src -e ip.dst \
    -e udp.srcport -e udp.dstport -e esp.spi 2>"$work/tshark.err" | sort -u)
want=$(printf '%s\n' "$OA $OB   0x00007101" "$OB $OA   0x00007102" \
    "$OA $OB 4500 4500 0x00007201" "$OB $OA 4500 4500 0x00007202" | sort -u)
grep -v 'Running as user' "$work/tshark.err"
same "tshark: ESP between the outer addresses only, SPIs 0x7101/0x7102 bare, 0x7201/0x7202 in UDP 4500 (src dst sport dport spi)" \
    "${got//$'\n'/; }" "${want//$'\n'/; }"
enc=$(tcpdump -n -r "$pcap" 'udp port 4500' 2>/dev/null)
check "tcpdump: UDP-encap ESP with SPI 0x7201 from A on port 4500" \
    grep -q "$OA.4500 > $OB.4500: UDP-encap: ESP(spi=0x00007201" <<<"$enc"
check "tcpdump: UDP-encap ESP with SPI 0x7202 from B on port 4500" \
    grep -q "$OB.4500 > $OA.4500: UDP-encap: ESP(spi=0x00007202" <<<"$enc"
n=$(grep -vc 'UDP-encap: ESP(spi=0x000072' <<<"$enc")
check "every packet on port 4500 is ESP-in-UDP with our SPIs ($n others)" [ "$n" = 0 ]
inner='ip.addr == 192.168.201.0/24 || ip.addr == 192.168.202.0/24'
n=$(tshark -n -r "$pcap" -Y "$inner" 2>/dev/null | wc -l)
[ "$n" = 0 ] || tshark -n -r "$pcap" -V -Y "$inner" 2>/dev/null
check "no packet with an inner address in clear in the capture ($n)" [ "$n" = 0 ]
n=$(tshark -n -r "$pcap" -Y 'ip && !esp && !arp' 2>/dev/null | wc -l)
[ "$n" = 0 ] || tshark -n -r "$pcap" -Y 'ip && !esp' 2>/dev/null
check "no IP packet other than ESP in the capture ($n)" [ "$n" = 0 ]
check "no cleartext payload marker $MARK in the capture" absent "$MARK" "$pcap"

echo "test_esp_tunnel: ${#cases[@]} tunnel-mode SA pairs (ESP and ESP-in-UDP 4500) tried with inner UDP"
summary
