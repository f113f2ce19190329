#!/bin/bash
# test_gm_sa.sh IMSXFRM - the TS 33.203 7.1 SA sets of common/ipsec/gm_sa,
# installed by `imsxfrm gm-sa` as a P-CSCF and as a UE, carrying UDP and TCP.
#
# Two namespaces, "pcscf" and "ue", joined by a veth.  Sixteen sets, one
# per algorithm pair and family: hmac-md5-96 and hmac-sha-1-96 x null,
# aes-cbc, des-ede3-cbc, and the Rel-15 AEAD pairs alg null + ealg aes-gcm
# (rfc4106) and alg aes-gmac + ealg null (rfc4543), IPv4 and IPv6; half
# with SPIs reserved from the kernel (gm-sa alloc-spis, then install over
# the larval states), half with fixed SPIs.  Each set: 4 SAs + 8 policies
# (UDP and TCP) on each side, keyed from TS 35.208 set 1's CK/IK (Annex I;
# gm-keys prints the AEAD keys, CK or IK || salt, compared with values
# computed outside the project), a pending lifetime of 120 s, then 3600 s
# (gm-sa set-lifetime, TS 33.203 7.4).  Asserted:
#  - the kernel's policy table on both sides is exactly the expected one
#    (directions, ports, protocols), 64 SAs + 128 policies bear our marker;
#  - the AEAD sets' SAs are AEAD states of the right kernel algorithm;
#  - set-lifetime moved every SA's hard expiry to 3600 s from then, and
#    the keys stayed (the traffic afterwards needs them);
#  - for every set, UDP and TCP both ways on both port pairs (UE:port_uc ->
#    P-CSCF:port_ps and P-CSCF:port_pc -> UE:port_us) are echoed;
#  - the capture on the P-CSCF's veth holds no cleartext UDP or TCP, ESP
#    with exactly the 48 (source, destination, SPI) triples of the sets,
#    and per SPI as many packets as the SA counters (ip -s xfrm state) of
#    both ends show; the payload marker of the encrypted sets (aes-gcm
#    included) is not in it, the ESP-NULL and AES-GMAC sets' marker is (the
#    control: GMAC authenticates only), and tshark's NULL-ESP heuristic
#    finds UDP and TCP inside each ESP-NULL SA (not the GMAC ones: their
#    8-octet IV and 16-octet ICV are not what the heuristic expects);
#  - the policies force ESP: a set installed at the P-CSCF only, the "UE"
#    sending in clear gets no answer and the P-CSCF counts the drops;
#  - a failed install (an SA already there) leaves nothing of the set, the
#    reserved SPIs included, and the foreign SA stays;
#  - gm-sa remove takes 4 SAs + 8 policies per set and side (again: none,
#    no error); at the end nothing bears our marker, only the foreign SA
#    is left.
# Runs as root where the kernel has ESP: via tests/kernel/kernel_test.sh.
# A failed check is counted and the test goes on; setup errors end it (die).
set -uo pipefail
X=${1:?usage: test_gm_sa.sh PATH/TO/imsxfrm}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
PY=(/usr/bin/python3 -S)	# no site scan: slow over 9p in the guest
PC=imsGP$$ UE=imsGU$$
CK=b40ba9a3c58b2a05bbf0d987b21bf8cb	# TS 35.208 test set 1
IK=f769bcd751044604127672711c6d3441
start=$(date +%s)
# shellcheck source=SCRIPTDIR/klib.sh
. "$here/klib.sh"
klib_init ims-gm-sa
need tcpdump tshark
inPC() { ip netns exec "$PC" "$@"; }
inUE() { ip netns exec "$UE" "$@"; }
[ -x "$X" ] || die "imsxfrm not executable: $X"
echo "test_gm_sa: kernel $(uname -r), imsxfrm $X"

netns_pair "$PC" gm-pc "10.79.0.1/24 fd79::1/64" "$UE" gm-ue "10.79.0.2/24 fd79::2/64" ||
	die "no namespaces"

# --- the sets ----------------------------------------------------------------------
# n alg ealg family spis: set n has ports 6n00+{0,1,2,3} = uc, us, pc, ps;
# spis "alloc" (reserved from the kernel) or "fixed" (0x<n>0001.. below).
SETS=("0 hmac-md5-96 null 4 alloc"       "1 hmac-md5-96 null 6 fixed"
      "2 hmac-md5-96 aes-cbc 4 fixed"    "3 hmac-md5-96 aes-cbc 6 alloc"
      "4 hmac-md5-96 des-ede3-cbc 4 alloc" "5 hmac-md5-96 des-ede3-cbc 6 fixed"
      "6 hmac-sha-1-96 null 4 fixed"     "7 hmac-sha-1-96 null 6 alloc"
      "8 hmac-sha-1-96 aes-cbc 4 alloc"  "9 hmac-sha-1-96 aes-cbc 6 fixed"
      "10 hmac-sha-1-96 des-ede3-cbc 4 fixed" "11 hmac-sha-1-96 des-ede3-cbc 6 alloc"
      # 12 and 13 are the sets of the later sections (ports 7200, 7300).
      "14 null aes-gcm 4 alloc"          "15 null aes-gcm 6 fixed"
      "16 aes-gmac null 4 fixed"         "17 aes-gmac null 6 alloc")
addr() { if [ "$2" = 4 ]; then echo "10.79.0.$1"; else echo "fd79::$1"; fi; }	# 1|2 FAM
# ep ADDR PORT: ADDR:PORT, IPv6 in brackets.
ep() { if [[ $1 == *:* ]]; then echo "[$1]:$2"; else echo "$1:$2"; fi; }

# Per set, filled below: "pc ue uc us pc ps spi_uc spi_us spi_pc spi_ps alg ealg".
declare -A SET
# gm NS N SIDE ACTION [OPTION...]: imsxfrm gm-sa ACTION in NS with set N's
# addresses, ports and SPIs, as SIDE.
gm() {
	local ns=$1 n=$2 side=$3 act=$4 pc ue uc us ppc pps suc sus spc sps
	shift 4
	read -r pc ue uc us ppc pps suc sus spc sps _ <<<"${SET[$n]}"
	ip netns exec "$ns" "$X" gm-sa "$act" --side "$side" --pcscf "$pc" --ue "$ue" \
	    --port-uc "$uc" --port-us "$us" --port-pc "$ppc" --port-ps "$pps" \
	    --spi-uc "$suc" --spi-us "$sus" --spi-pc "$spc" --spi-ps "$sps" "$@"
}
# field OUTPUT KEY: KEY=value in OUTPUT.
field() { sed -n "s/^$2=//p" <<<"$1"; }

# Annex I AEAD keys of set 1's CK/IK: CK or IK || the last 4 octets of
# HMAC-SHA-256(CK || IK, FC || P0 || L0) (TS 33.220 Annex B), computed with
# `openssl mac` and Python's hmac, not with the project's code.
o=$("$X" gm-keys --ck $CK --ik $IK --alg null --ealg aes-gcm 2>/dev/null)
same "gm-keys aes-gcm: CK || salt(0x59, AES_GCM_SALT)" "$o" \
    "$(printf 'aead_alg=aes-gcm\naead_key=%s89273db6' $CK)"
o=$("$X" gm-keys --ck $CK --ik $IK --alg aes-gmac 2>/dev/null)
same "gm-keys aes-gmac: IK || salt(0x58, AES_GMAC_SALT)" "$o" \
    "$(printf 'aead_alg=aes-gmac\naead_key=%sdbc2b1c2' $IK)"

for s in "${SETS[@]}"; do
	read -r n alg ealg fam spis <<<"$s"
	pc=$(addr 1 "$fam") ue=$(addr 2 "$fam") base=$((6000 + 100 * n))
	larval=no
	if [ "$spis" = alloc ]; then
		o=$(inUE "$X" gm-sa alloc-spis --side ue --ue "$ue" --pcscf "$pc") ||
			die "set $n: alloc-spis at the UE"
		suc=$(field "$o" spi_uc) sus=$(field "$o" spi_us)
		o=$(inPC "$X" gm-sa alloc-spis --side pcscf --ue "$ue" --pcscf "$pc") ||
			die "set $n: alloc-spis at the P-CSCF"
		spc=$(field "$o" spi_pc) sps=$(field "$o" spi_ps)
		larval=yes
	else
		suc=$(printf '0x%x0001' "$((n + 1))") sus=$(printf '0x%x0002' "$((n + 1))")
		spc=$(printf '0x%x0003' "$((n + 1))") sps=$(printf '0x%x0004' "$((n + 1))")
	fi
	SET[$n]="$pc $ue $base $((base + 1)) $((base + 2)) $((base + 3)) $suc $sus $spc $sps $alg $ealg"
	gm "$PC" "$n" pcscf install --alg "$alg" --ealg "$ealg" --ck $CK --ik $IK \
	    --lifetime 120 --larval $larval >/dev/null || die "set $n: install at the P-CSCF"
	gm "$UE" "$n" ue install --alg "$alg" --ealg "$ealg" --ck $CK --ik $IK \
	    --lifetime 120 --larval $larval >/dev/null || die "set $n: install at the UE"
done
pass "installed ${#SETS[@]} sets (UDP+TCP policies) as P-CSCF and as UE with imsxfrm gm-sa"

# --- the kernel's table: exactly the expected policies, our marker ------------------
# want_pol SIDE: the expected `imsxfrm list-ours` policy lines (without the
# index), sorted.
want_pol() {
	local n pc ue uc us ppc pps d1 d2 p
	for n in "${!SET[@]}"; do
		read -r pc ue uc us ppc pps _ <<<"${SET[$n]}"
		d1=in d2=out		# UE -> P-CSCF is inbound at the P-CSCF
		[ "$1" = pcscf ] || { d1=out d2=in; }
		for p in 17 6; do
			echo "policy dir=$d1 src=$ue dst=$pc proto=$p sport=$uc dport=$pps"
			echo "policy dir=$d2 src=$pc dst=$ue proto=$p sport=$pps dport=$uc"
			echo "policy dir=$d2 src=$pc dst=$ue proto=$p sport=$ppc dport=$us"
			echo "policy dir=$d1 src=$ue dst=$pc proto=$p sport=$us dport=$ppc"
		done
	done | sort
}
# got_pol NS: the policy lines of `imsxfrm list-ours` in NS, index cut out.
got_pol() {
	ip netns exec "$1" "$X" list-ours | sed -n 's/^\(policy dir=[a-z]*\) index=[^ ]* /\1 /p' | sort
}
nsa=$(( ${#SETS[@]} * 4 )) npol=$(( ${#SETS[@]} * 8 ))
for side in pcscf ue; do
	ns=$PC; [ $side = pcscf ] || ns=$UE
	same "$side: list-ours" "$(ip netns exec "$ns" "$X" list-ours | tail -1)" \
	    "ours: sa=$nsa policy=$npol"
	if [ "$(got_pol "$ns")" = "$(want_pol $side)" ]; then
		pass "$side: the $npol policies are exactly TS 33.203 7.1's (dir, ports, UDP+TCP)"
	else
		fail "$side: policies differ (< got, > want):"
		diff <(got_pol "$ns") <(want_pol $side) | head -20
	fi
done

# --- the AEAD sets are AEAD states ----------------------------------------------------
# aead_of NS SPI: the kernel algorithm and ICV bits of an AEAD SA ("" if none).
aead_of() { ip -n "$1" xfrm state | awk -v spi="$(printf '0x%08x' "$2")" '
	/proto esp spi/ { cur = $4 } /^\taead / && cur == spi { print $2, $4 }'; }
since=$FAILED
for n in "${!SET[@]}"; do
	read -r _ _ _ _ _ _ suc sus spc sps alg ealg <<<"${SET[$n]}"
	want=""
	[ "$ealg" = aes-gcm ] && want="rfc4106(gcm(aes)) 128"
	[ "$alg" = aes-gmac ] && want="rfc4543(gcm(aes)) 128"
	for spi in "$suc" "$sus" "$spc" "$sps"; do
		for ns in "$PC" "$UE"; do
			got=$(aead_of "$ns" "$spi")
			[ "$got" = "$want" ] ||
				fail "set $n ($alg/$ealg) SPI $spi in $ns: aead '$got', want '$want'"
		done
	done
done
[ "$FAILED" -gt "$since" ] ||
	pass "aes-gcm sets: rfc4106(gcm(aes)), aes-gmac sets: rfc4543(gcm(aes)), 128-bit ICV; the others no AEAD"

# --- 7.4: the registered lifetime -------------------------------------------------------
t0=$(date +%s)
for n in "${!SET[@]}"; do
	read -r _ _ _ _ _ _ _ _ _ _ alg ealg <<<"${SET[$n]}"
	gm "$PC" "$n" pcscf set-lifetime --alg "$alg" --ealg "$ealg" --lifetime 3600 \
	    >/dev/null || fail "set $n: set-lifetime at the P-CSCF"
	gm "$UE" "$n" ue set-lifetime --alg "$alg" --ealg "$ealg" --lifetime 3600 \
	    >/dev/null || fail "set $n: set-lifetime at the UE"
done
# hard_expiries NS: "SPI HARD ADDED" for each of our SAs (ip -s xfrm state:
# the hard add expiry in seconds from ADDED, its add time).
hard_expiries() {
	ip -n "$1" -s xfrm state | awk '
	    /proto esp spi/ { spi = $4; sub(/\(.*/, "", spi); ours = 0 }
	    /output-mark 0x1a5ec0a5\/0x0/ { ours = 1 }
	    /expire add:/ { h = $6; sub(/\(sec\)/, "", h) }
	    /^\t  add / && ours { cmd = "date -d \"" $2 " " $3 "\" +%s"; cmd | getline t
	        close(cmd); print spi, h, t }'
}
# Set between t0 and now: the expiry is 3600 s after that, from the add time.
for ns in "$PC" "$UE"; do
	bad=$(hard_expiries "$ns" | awk -v t0="$t0" -v now="$(date +%s)" -v want="$nsa" '
	    { n++; e = $2 - 3600 }
	    e < t0 - $3 - 1 || e > now - $3 + 1 { print }
	    END { if (n != want) print "only", n, "SAs" }')
	if [ -z "$bad" ]; then
		pass "set-lifetime: all $nsa SAs in $ns expire 3600 s after it (ip -s xfrm state)"
	else
		fail "set-lifetime in $ns: SPI hard added: $bad"
	fi
done

# --- traffic, captured on the P-CSCF's veth -----------------------------------------
pcap=$work/gm.pcap
bg "$PC" tcpdump tcpdump -Z root -U --immediate-mode -n -s 0 -i gm-pc -w "$pcap" \
    2>"$work/tcpdump.err"
srv_pc=() srv_ue=() cli_ue=() cli_pc=()
MARK=IMSSEC-GM-CLEAR-5b1e NULLMARK=IMSSEC-GM-NULL-0e5a
for n in "${!SET[@]}"; do
	read -r pc ue uc us ppc pps _ _ _ _ _ ealg <<<"${SET[$n]}"
	m=$MARK-$n; [ "$ealg" != null ] || m=$NULLMARK-$n
	srv_pc+=("$(ep "$pc" "$pps")") srv_ue+=("$(ep "$ue" "$us")")
	cli_ue+=("$(ep "$ue" "$uc")>$(ep "$pc" "$pps"):$m-uc")
	cli_pc+=("$(ep "$pc" "$ppc")>$(ep "$ue" "$us"):$m-pc")
done
bg "$PC" srvpc "${PY[@]}" "$here/gm_traffic.py" server "${srv_pc[@]}" >"$work/srvpc.out" 2>&1
bg "$UE" srvue "${PY[@]}" "$here/gm_traffic.py" server "${srv_ue[@]}" >"$work/srvue.out" 2>&1
for _ in $(seq 150); do
	[ -s "$pcap" ] && grep -q ready "$work/srvpc.out" && grep -q ready "$work/srvue.out" &&
		break
	sleep 0.1
done
grep -q ready "$work/srvpc.out" || die "server at the P-CSCF: $(cat "$work/srvpc.out")"
grep -q ready "$work/srvue.out" || die "server at the UE: $(cat "$work/srvue.out")"
[ -s "$pcap" ] || die "tcpdump did not start: $(cat "$work/tcpdump.err")"
if inUE "${PY[@]}" "$here/gm_traffic.py" client "${cli_ue[@]}" >"$work/cli_ue.out" 2>&1; then
	pass "UE:port_uc -> P-CSCF:port_ps, UDP and TCP echoed in all ${#SETS[@]} sets"
else
	fail "UE -> P-CSCF traffic: $(grep -v echoed "$work/cli_ue.out")"
fi
if inPC "${PY[@]}" "$here/gm_traffic.py" client "${cli_pc[@]}" >"$work/cli_pc.out" 2>&1; then
	pass "P-CSCF:port_pc -> UE:port_us, UDP and TCP echoed in all ${#SETS[@]} sets"
else
	fail "P-CSCF -> UE traffic: $(grep -v echoed "$work/cli_pc.out")"
fi
sleep 1
stop tcpdump

# --- counters and the capture -------------------------------------------------------
# counts NS: "SRC DST SPI PACKETS" of our SAs (ip -s xfrm state), sorted.
counts() {
	ip -n "$1" -s xfrm state | awk '
	    /^src / { s = $2; d = $4 }
	    /proto esp spi/ { spi = $4; sub(/\(.*/, "", spi); ours = 0 }
	    /output-mark 0x1a5ec0a5\/0x0/ { ours = 1 }
	    /\(packets\)$/ && !/limit/ && ours { p = $2; sub(/\(packets\)/, "", p); print s, d, spi, p }' |
	    sort
}
# wire: "SRC DST SPI PACKETS" of the ESP in the capture, sorted.
wire() {
	tshark -n -r "$pcap" -Y esp -T fields -E separator=, -e ip.src -e ipv6.src \
	    -e ip.dst -e ipv6.dst -e esp.spi 2>/dev/null |
	    awk -F, '{ print ($1 $2), ($3 $4), $5 }' | sort | uniq -c |
	    awk '{ print $2, $3, $4, $1 }' | sort
}
# want_triples: "SRC DST SPI" of every SA of the sets, sorted.
want_triples() {
	local n pc ue suc sus spc sps
	for n in "${!SET[@]}"; do
		read -r pc ue _ _ _ _ suc sus spc sps _ <<<"${SET[$n]}"
		printf '%s %s 0x%08x\n' "$ue" "$pc" "$sps" "$pc" "$ue" "$suc" \
		    "$pc" "$ue" "$sus" "$ue" "$pc" "$spc"
	done | sort
}
cpc=$(counts "$PC") cue=$(counts "$UE") cw=$(wire)
same "the capture holds ESP with exactly the $nsa (src, dst, SPI) of the sets" \
    "$(cut -d' ' -f1-3 <<<"$cw")" "$(want_triples)"
same "per SA, the packets on the wire = the P-CSCF's counters" "$cw" "$cpc"
same "per SA, the UE's counters = the P-CSCF's counters" "$cue" "$cpc"
low=$(awk '$4 < 4' <<<"$cpc")
check "every SA carried >= 4 packets (a datagram and a TCP connection)${low:+: $low}" \
    [ -z "$low" ]
n=$(tshark -n -r "$pcap" -o esp.enable_null_encryption_decode_heuristic:FALSE \
    -Y '(udp || tcp) && !esp' 2>/dev/null | wc -l)
check "no cleartext UDP or TCP on the wire ($n packets)" [ "$n" = 0 ]
check "no cleartext payload marker $MARK in the capture" absent "$MARK" "$pcap"
check "control: the ESP-NULL sets' marker is visible in the capture" \
    grep -a -q "$NULLMARK" "$pcap"
# in_pcap TEXT...: every TEXT is in the capture.
in_pcap() { local t; for t; do grep -a -q "$t" "$pcap" || return 1; done; }
check "AES-GMAC authenticates only: sets 16 and 17's markers are in the capture" \
    in_pcap "$NULLMARK-16-uc" "$NULLMARK-16-pc" "$NULLMARK-17-uc" "$NULLMARK-17-pc"
# Inside the ESP-NULL SAs (tshark's heuristic decodes them): UDP and TCP on
# each of their SPIs.  Only their SPIs are looked at: on an encrypted SA the
# heuristic now and then takes random bytes for a UDP or TCP header.
want=$(for n in "${!SET[@]}"; do
	read -r _ _ _ _ _ _ suc sus spc sps alg ealg <<<"${SET[$n]}"
	if [ "$ealg" != null ] || [ "$alg" = aes-gmac ]; then continue; fi
	for spi in "$suc" "$sus" "$spc" "$sps"; do
		printf '0x%08x tcp\n0x%08x udp\n' "$spi" "$spi"
	done
done | sort -u)
inner=$(tshark -n -r "$pcap" -o esp.enable_null_encryption_decode_heuristic:TRUE \
    -Y 'esp && (udp || tcp)' -T fields -E separator=, -e esp.spi -e udp.srcport \
    2>/dev/null | awk -F, -v want="$want" '
	BEGIN { n = split(want, w, "\n"); for (i = 1; i <= n; i++) { split(w[i], f, " "); null[f[1]] = 1 } }
	$1 in null { print $1, ($2 != "" ? "udp" : "tcp") }' | sort -u)
same "ESP-NULL SAs: UDP and TCP inside each (tshark NULL-ESP heuristic)" "$inner" "$want"
stop srvpc
stop srvue

# --- the policies force ESP: P-CSCF side only, the "UE" sends in clear ------------------
SET[12]="10.79.0.1 10.79.0.2 7200 7201 7202 7203 0x130001 0x130002 0x130003 0x130004 hmac-sha-1-96 aes-cbc"
gm "$PC" 12 pcscf install --alg hmac-sha-1-96 --ealg aes-cbc --ck $CK --ik $IK \
    --lifetime 600 >/dev/null || die "set 12: install at the P-CSCF"
# xstat NS KEY: a counter of /proc/net/xfrm_stat in NS.
xstat() { ip netns exec "$1" cat /proc/net/xfrm_stat | awk -v k="$2" '$1 == k { print $2 }'; }
before=$(xstat "$PC" XfrmInTmplMismatch)
bg "$PC" srv12 "${PY[@]}" "$here/gm_traffic.py" server 10.79.0.1:7203 >"$work/srv12.out" 2>&1
for _ in $(seq 100); do grep -q ready "$work/srv12.out" && break; sleep 0.1; done
if GM_TIMEOUT=1 inUE "${PY[@]}" "$here/gm_traffic.py" client \
    "10.79.0.2:7200>10.79.0.1:7203:clear" >"$work/cli12.out" 2>&1; then
	fail "cleartext UDP/TCP to the protected server port got an answer"
else
	pass "cleartext UDP and TCP to the protected server port: no answer ($(grep -c 'NO ECHO' "$work/cli12.out") of 2)"
fi
after=$(xstat "$PC" XfrmInTmplMismatch)
check "the P-CSCF dropped them (XfrmInTmplMismatch $before -> $after, >= 4: 3 datagrams, a SYN)" \
    [ $((after - before)) -ge 4 ]
stop srv12
out=$(gm "$PC" 12 pcscf remove)
same "set 12 removed at the P-CSCF" "$out" "removed: sa=4 policy=8"
unset 'SET[12]'

# --- a failed install leaves nothing ------------------------------------------------------
# Set 13 at the P-CSCF with its SPIs reserved, and a foreign (unmarked) SA
# where its third SA (pc->us, spi_us) goes.
o=$(inPC "$X" gm-sa alloc-spis --side pcscf --ue 10.79.0.2 --pcscf 10.79.0.1) ||
	die "set 13: alloc-spis"
spc=$(field "$o" spi_pc) sps=$(field "$o" spi_ps)
SET[13]="10.79.0.1 10.79.0.2 7300 7301 7302 7303 0x140001 0x140002 $spc $sps hmac-md5-96 null"
ip -n "$PC" xfrm state add src 10.79.0.1 dst 10.79.0.2 proto esp spi 0x140002 \
    mode transport auth 'hmac(md5)' 0x$IK enc 'cbc(aes)' 0x$CK || die "foreign SA"
err=$(gm "$PC" 13 pcscf install --alg hmac-md5-96 --ealg null --ck $CK --ik $IK \
    --lifetime 600 --larval yes 2>&1); rc=$?
if [ $rc = 1 ] && [[ $err == *"gm-sa install: File exists"* ]]; then
	pass "install over a foreign SA -> exit 1 'File exists'"
else
	fail "install over a foreign SA: want exit 1 + 'File exists', got $rc '$err'"
fi
same "after the failed install: ours unchanged" \
    "$(inPC "$X" list-ours | tail -1)" "ours: sa=$nsa policy=$npol"
left=$(ip -n "$PC" xfrm state | grep -c -e "spi $spc" -e "spi $sps")
same "the reserved SPIs $spc $sps are released" "$left" 0
sa_there() { ip -n "$PC" xfrm state get src 10.79.0.1 dst 10.79.0.2 proto esp spi "$1" >/dev/null; }
check "the foreign SA stays" sa_there 0x140002
n=$(ip -n "$PC" xfrm policy | grep -c -e 'sport 730[0-3]' -e 'dport 730[0-3]')
same "no policy of the failed set" "$n" 0
unset 'SET[13]'

# --- removal -----------------------------------------------------------------------------------
since=$FAILED
for n in "${!SET[@]}"; do
	for side in pcscf ue; do
		ns=$PC; [ $side = pcscf ] || ns=$UE
		out=$(gm "$ns" "$n" $side remove) || fail "set $n: remove at the $side"
		[ "$out" = "removed: sa=4 policy=8" ] || fail "set $n at the $side: $out"
	done
done
[ "$FAILED" -gt "$since" ] || pass "gm-sa remove: 4 SAs + 8 policies per set and side"
out=$(gm "$PC" 0 pcscf remove); rc=$?
same "remove again: nothing, exit 0" "$out $rc" "removed: sa=0 policy=0 0"
for ns in "$PC" "$UE"; do
	same "$ns: list-ours after removal" "$(ip netns exec "$ns" "$X" list-ours | tail -1)" \
	    "ours: sa=0 policy=0"
	ip -n "$ns" -s xfrm state >"$work/state" || fail "$ns: ip xfrm state"
	check "$ns: no state with our marker (ip xfrm state)" \
	    absent "output-mark 0x1a5ec0a5" "$work/state"
	same "$ns: no policy left (ip xfrm policy)" "$(ip -n "$ns" xfrm policy | wc -l)" 0
done
same "the P-CSCF keeps only the foreign SA" \
    "$(ip -n "$PC" xfrm state | awk '/proto esp spi/ { print $4 }')" 0x00140002
same "the UE has no state" "$(ip -n "$UE" xfrm state | wc -l)" 0

echo "test_gm_sa: ${#SETS[@]} sets (md5/sha1 x null/aes-cbc/3des, aes-gcm, aes-gmac x v4/v6), $(( $(date +%s) - start )) s"
summary
