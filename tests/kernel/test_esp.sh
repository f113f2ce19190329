#!/bin/bash
# test_esp.sh IMSXFRM - ESP transport-mode SAs installed by imsxfrm, for real.
#
# Two network namespaces joined by a veth pair.  Per-port SA pairs in the
# style of TS 33.203 (one SA per direction, UDP selectors on the SIP ports),
# one pair per algorithm set, IPv4 and IPv6 (RFC 4303 ESP):
#   1 v4 hmac-sha-1-96 + aes-cbc      spi 0x1001/0x1002  ports 5062<->5064
#   2 v6 hmac-sha-1-96 + aes-cbc      spi 0x2001/0x2002  ports 5062<->5064
#   3 v4 aes-gcm (rfc4106, ICV 16)    spi 0x3001/0x3002  ports 6062<->6064
#   4 v6 hmac-md5-96 + des-ede3-cbc   spi 0x4001/0x4002  ports 7062<->7064
#   5 v4 hmac-sha2-256-128 + null     spi 0x5001/0x5002  ports 8062<->8064
# A UDP datagram is echoed through each pair.  Asserted: every echo arrives;
# the SA counters read with `imsxfrm sa-get` rise on both sides; the capture
# on the veth holds ESP with exactly these SPIs and no cleartext UDP, and the
# payload marker is absent from it (but present for the ESP-NULL pair: the
# control that the grep would see it); spi-alloc + sa-update + sa-del work;
# usage/kernel errors give exit 2/1; flush-ours removes all our SAs and
# policies and leaves foreign ones (added with ip xfrm) in place.
# Runs as root where the kernel has ESP: via tests/kernel/kernel_test.sh.
# A failed check is counted and the test goes on; setup errors (namespaces,
# SA installation, servers) end it at once (die).
set -uo pipefail
X=${1:?usage: test_esp.sh PATH/TO/imsxfrm}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
PY=/usr/bin/python3
A=imsA$$ B=imsB$$
# shellcheck source=SCRIPTDIR/klib.sh
. "$here/klib.sh"
klib_init ims-esp
need tcpdump tshark
inA() { ip netns exec "$A" "$@"; }
inB() { ip netns exec "$B" "$@"; }

[ -x "$X" ] || die "imsxfrm not executable: $X"
echo "test_esp: kernel $(uname -r), imsxfrm $X"

# --- topology --------------------------------------------------------------------
netns_pair "$A" va "10.77.0.1/24 fd77::1/64" "$B" vb "10.77.0.2/24 fd77::2/64" ||
	die "no namespaces"

# --- SAs and policies, all through imsxfrm ------------------------------------------
# Test keys only.
K160=0123456789abcdef0123456789abcdef01234567
K128=00112233445566778899aabbccddeeff
K256=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
K192=0f0e0d0c0b0a09080706050403020100f0e0d0c0b0a09080
GCM=${K128}a1b2c3d4			# AES-128 key || 4-byte salt (RFC 4106)

# pol NS SRC DST SPORT DPORT DIR REQID: a transport-mode UDP policy.
pol() {
	ip netns exec "$1" "$X" policy-add --src "$2" --dst "$3" --proto udp \
	    --sport "$4" --dport "$5" --dir "$6" --tmpl-src "$2" --tmpl-dst "$3" \
	    --mode transport --reqid "$7" >/dev/null
}

# sa_case NAME A-ADDR B-ADDR SPI-AB SPI-BA PORT-A PORT-B REQID ALGARGS...:
# the SA pair and its four policies in both namespaces; the case is
# appended to cases ("NAME A-ADDR B-ADDR SPI-AB SPI-BA PORT-A PORT-B").
cases=()
sa_case() {
	local name=$1 a=$2 b=$3 sab=$4 sba=$5 pa=$6 pb=$7 reqid=$8 n
	shift 8
	for n in "$A" "$B"; do
		ip netns exec "$n" "$X" sa-add --src "$a" --dst "$b" --spi "$sab" \
		    --mode transport --proto-sel udp --sport "$pa" --dport "$pb" \
		    --reqid "$reqid" --replay 32 "$@" || die "$name: sa-add $sab in $n"
		ip netns exec "$n" "$X" sa-add --src "$b" --dst "$a" --spi "$sba" \
		    --mode transport --proto-sel udp --sport "$pb" --dport "$pa" \
		    --reqid "$reqid" --replay 32 "$@" || die "$name: sa-add $sba in $n"
	done
	pol "$A" "$a" "$b" "$pa" "$pb" out "$reqid" || die "$name: policy-add out in $A"
	pol "$A" "$b" "$a" "$pb" "$pa" in "$reqid" || die "$name: policy-add in in $A"
	pol "$B" "$b" "$a" "$pb" "$pa" out "$reqid" || die "$name: policy-add out in $B"
	pol "$B" "$a" "$b" "$pa" "$pb" in "$reqid" || die "$name: policy-add in in $B"
	cases+=("$name $a $b $sab $sba $pa $pb")
}
sa_case v4-sha1-aes 10.77.0.1 10.77.0.2 0x1001 0x1002 5062 5064 1 \
    --auth hmac-sha-1-96 --auth-key $K160 --enc aes-cbc --enc-key $K128
sa_case v6-sha1-aes fd77::1 fd77::2 0x2001 0x2002 5062 5064 2 \
    --auth hmac-sha-1-96 --auth-key $K160 --enc aes-cbc --enc-key $K256
sa_case v4-aes-gcm 10.77.0.1 10.77.0.2 0x3001 0x3002 6062 6064 3 \
    --aead aes-gcm --aead-key $GCM
sa_case v6-md5-3des fd77::1 fd77::2 0x4001 0x4002 7062 7064 4 \
    --auth hmac-md5-96 --auth-key $K128 --enc des-ede3-cbc --enc-key $K192
sa_case v4-sha256-null 10.77.0.1 10.77.0.2 0x5001 0x5002 8062 8064 5 \
    --auth hmac-sha2-256-128 --auth-key $K256 --enc null
pass "installed ${#cases[@]} SA pairs and their policies in both namespaces with imsxfrm"

# sa_field NS DST SPI FIELD: FIELD of `imsxfrm sa-get`.
sa_field() {
	ip netns exec "$1" "$X" sa-get --dst "$2" --spi "$3" | sed -n "s/^$4=//p"
}
since=$FAILED
for c in "${cases[@]}"; do
	read -r name _ b sab _ <<<"$c"
	[ "$(sa_field "$A" "$b" "$sab" packets)" = 0 ] ||
		fail "$name: counter not 0 before traffic"
	[ "$(sa_field "$A" "$b" "$sab" ours)" = 1 ] || fail "$name: SA not marked as ours"
done
[ "$FAILED" -gt "$since" ] || pass "sa-get: every SA is ours, counters 0 before traffic"

# --- errors: kernel refusal -> 1, usage -> 2 ------------------------------------------
err=$(inA "$X" sa-add --src 10.77.0.1 --dst 10.77.0.2 --spi 0x1001 --mode transport \
    --auth hmac-sha-1-96 --auth-key $K160 --enc aes-cbc --enc-key $K128 2>&1); rc=$?
if [ $rc = 1 ] && [[ $err == *"sa-add: File exists"* ]]; then
	pass "duplicate sa-add -> exit 1 'File exists'"
else
	fail "duplicate sa-add: want exit 1 + 'File exists', got $rc '$err'"
fi
err=$(inA "$X" sa-add --src 10.77.0.1 --spi 0x1001 2>&1); rc=$?
if [ $rc = 2 ] && [ "$(wc -l <<<"$err")" = 1 ]; then
	pass "bad usage -> exit 2 and one line"
else
	fail "bad usage: want exit 2 + one line, got $rc '$err'"
fi
err=$(inA "$X" sa-add --src 10.77.0.1 --dst 10.77.0.2 --spi 0x1009 \
    --auth hmac-sha-1-96 --auth-key 0011 2>&1); rc=$?
check "bad key length -> exit 2 ($rc '$err')" [ $rc = 2 ]

# --- traffic, captured on vb ---------------------------------------------------------
pcap=$work/esp.pcap
bg "$B" tcpdump tcpdump -Z root -U --immediate-mode -n -s 0 -i vb -w "$pcap" \
    2>"$work/tcpdump.err"
bg "$B" udpsrv "$PY" "$here/udp_echo.py" server 10.77.0.2:5064 '[fd77::2]:5064' \
    10.77.0.2:6064 '[fd77::2]:7064' 10.77.0.2:8064 >"$work/server.out" 2>&1
for _ in $(seq 100); do
	[ -s "$pcap" ] && grep -q ready "$work/server.out" && break
	sleep 0.1
done
grep -q ready "$work/server.out" ||
	die "udp echo server did not start: $(cat "$work/server.out")"
[ -s "$pcap" ] || die "tcpdump did not start: $(cat "$work/tcpdump.err")"
MARK=IMSSEC-CLEARTEXT-7f3a NULLMARK=IMSSEC-ESPNULL-c0de
client=()
for c in "${cases[@]}"; do
	read -r name a b _ _ pa pb <<<"$c"
	m=$MARK-$name
	[ "$name" != v4-sha256-null ] || m=$NULLMARK
	if [[ $a == *:* ]]; then
		client+=("[$a]:$pa>[$b]:$pb:$m")
	else
		client+=("$a:$pa>$b:$pb:$m")
	fi
done
check "UDP echoed through all ${#cases[@]} SA pairs" \
    inA "$PY" "$here/udp_echo.py" client "${client[@]}"
sleep 1
stop tcpdump
stop udpsrv

# --- counters -------------------------------------------------------------------------
since=$FAILED
for c in "${cases[@]}"; do
	read -r _ a b sab sba _ <<<"$c"
	for sa in "$A $b $sab" "$B $b $sab" "$A $a $sba" "$B $a $sba"; do
		read -r n dst spi <<<"$sa"
		p=$(sa_field "$n" "$dst" "$spi" packets)
		by=$(sa_field "$n" "$dst" "$spi" bytes)
		if [ "${p:-0}" -lt 1 ] || [ "${by:-0}" -le 0 ]; then
			fail "SA spi $spi in $n: packets=$p bytes=$by, expected to rise"
		fi
	done
done
[ "$FAILED" -gt "$since" ] ||
	pass "sa-get: packets and bytes rose on all $(( ${#cases[@]} * 4 )) SA ends"

# --- the capture -----------------------------------------------------------------------
spis=$(tshark -n -r "$pcap" -Y esp -T fields -e esp.spi 2>"$work/tshark.err" |
    sort -u | tr '\n' ' ')
want=$(for c in "${cases[@]}"; do
	read -r _ _ _ sab sba _ <<<"$c"
	printf '0x%08x\n' "$sab" "$sba"
done | sort -u | tr '\n' ' ')
grep -v 'Running as user' "$work/tshark.err"
same "tshark: ESP on the veth with exactly the SPIs $want" "$spis" "$want"
n=$(tshark -n -r "$pcap" -Y 'udp.port in {5062 5064 6062 6064 7062 7064 8062 8064}' \
    2>/dev/null | wc -l)
check "no cleartext UDP on the SIP ports in the capture ($n packets)" [ "$n" = 0 ]
check "no cleartext payload marker $MARK in the capture" absent "$MARK" "$pcap"
check "control: the ESP-NULL payload marker is visible in the capture" \
    grep -a -q "$NULLMARK" "$pcap"

# --- spi-alloc, sa-update of the larval SA, sa-del ---------------------------------------
# spi_cycle: allocate an SPI, make it a full SA, delete it; fails at the
# first step that goes wrong.
spi_cycle() {
	local out spi err rc
	out=$(inA "$X" spi-alloc --src 10.77.0.2 --dst 10.77.0.1 --min 0x6000 \
	    --max 0x6fff --reqid 6) || { fail "spi-alloc: '$out'"; return; }
	spi=${out#spi=}
	if ! [[ $spi =~ ^0x[0-9a-f]+$ ]] || [ $((spi)) -lt $((0x6000)) ] ||
	    [ $((spi)) -gt $((0x6fff)) ]; then
		fail "spi-alloc gave '$out'"
		return
	fi
	inA "$X" sa-update --src 10.77.0.2 --dst 10.77.0.1 --spi "$spi" \
	    --mode transport --reqid 6 --proto-sel udp --sport 9064 --dport 9062 \
	    --auth hmac-sha-1-96 --auth-key $K160 --enc aes-cbc --enc-key $K128 ||
		{ fail "sa-update of the allocated SPI $spi"; return; }
	[ "$(sa_field "$A" 10.77.0.1 "$spi" ours)" = 1 ] ||
		{ fail "updated SA $spi not ours"; return; }
	inA "$X" sa-del --dst 10.77.0.1 --spi "$spi" || { fail "sa-del $spi"; return; }
	err=$(inA "$X" sa-get --dst 10.77.0.1 --spi "$spi" 2>&1); rc=$?
	[ $rc = 1 ] || { fail "sa-get after sa-del: want exit 1, got $rc '$err'"; return; }
	pass "spi-alloc -> $spi, sa-update made it a marked SA, sa-del removed it ($err)"
}
spi_cycle

# --- flush-ours leaves foreign SAs and policies alone -----------------------------------
ip -n "$A" xfrm state add src 10.77.0.1 dst 10.77.0.2 proto esp spi 0x9999 \
    mode transport auth 'hmac(sha1)' 0x$K160 enc 'cbc(aes)' 0x$K128 ||
	die "foreign SA"
ip -n "$A" xfrm state add src 10.77.0.1 dst 10.77.0.2 proto esp spi 0x999a \
    mode transport auth 'hmac(sha1)' 0x$K160 enc 'cbc(aes)' 0x$K128 \
    output-mark 0x1a5ec0a5 mask 0xffffffff ||
	die "foreign SA with an output mark equal to our marker value"
ip -n "$A" xfrm policy add src 10.77.0.1/32 dst 10.77.0.2/32 proto udp dport 9999 \
    dir out tmpl src 10.77.0.1 dst 10.77.0.2 proto esp mode transport ||
	die "foreign policy"
nsa=$(( ${#cases[@]} * 2 )) npol=$(( ${#cases[@]} * 2 ))
out=$(inA "$X" list-ours | tail -1)
same "list-ours in A" "$out" "ours: sa=$nsa policy=$npol"
out=$(inA "$X" flush-ours)
same "flush-ours in A" "$out" "flushed: sa=$nsa policy=$npol"
out=$(inA "$X" list-ours | tail -1)
same "list-ours in A after flush-ours" "$out" "ours: sa=0 policy=0"
left=$(ip -n "$A" xfrm state | awk '/proto esp spi/ {print $4}' | sort | tr '\n' ' ')
same "flush-ours kept the 2 foreign SAs" "$left" "0x00009999 0x0000999a "
left=$(ip -n "$A" xfrm policy | grep -c '^src')
same "flush-ours kept the foreign policy (policies left)" "$left" 1
policy_has() { ip -n "$1" xfrm policy | grep -q "$2"; }	# NS TEXT
check "the foreign policy is the dport 9999 one" policy_has "$A" "dport 9999"
out=$(inB "$X" flush-ours)
same "flush-ours in B" "$out" "flushed: sa=$nsa policy=$npol"
check "B empty after flush-ours" \
    [ -z "$(ip -n "$B" xfrm state)$(ip -n "$B" xfrm policy)" ]

echo "test_esp: ${#cases[@]} SA pairs (v4+v6, sha1/md5/sha256, aes-cbc/3des/null/aes-gcm) tried with UDP"
summary
