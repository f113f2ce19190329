#!/bin/bash
# test_gm_pcscf.sh BUILD_DIR - Gm protected by IPsec (TS 33.203 7, Annex H;
# RFC 3329; TS 24.229 5.2.2) through the lab's pcscf, where the kernel has
# ESP (kernel_test.sh: natively, or in qemu here).  ./lab up with
# sec-agree required; UEs are tests/kernel/gm_ue.py (AKA by imsauth, their
# SAs by imsxfrm gm-sa), each in the lab's ue namespace on its own ports.
# Asserted:
#  - ./lab env says SEC_AGREE=required;
#  - alice and carol (newly provisioned) register over SAs (401 in clear,
#    then 200 over ESP); a MESSAGE from carol reaches alice over both
#    sets (carol -> port_ps, P-CSCF port_pc -> alice's port_us);
#  - the pcscf holds 4 SAs and 8 policies per UE while registered;
#  - attacks: carol's request from her protected port sent in clear to
#    5060 (403); a REGISTER in clear at port_ps (403); a tampered
#    Security-Verify (494, the pending SAs gone); only null encryption
#    offered (494, nothing installed); no Security-Client (421, Require:
#    sec-agree); a replayed ESP packet (dropped: the SA's replay counter);
#  - gina does the same over TCP (a connection port_uc -> port_ps);
#  - carol re-registers (TS 33.203 7.4: a new set over the old one, the
#    old gone) and her MESSAGE still gets through; she de-registers and
#    every SA and policy of hers is gone at the pcscf;
#  - the capture on the UE's link: ESP only with the negotiated SPIs, no
#    cleartext SIP on a protected port, no ck=/ik=, nothing malformed;
#  - SPI exhaustion (ipsec-spi-min/max allowing one set): 503 with
#    Retry-After; kill -9 of the pcscf leaves SAs that its restart
#    flushes; a stopped pcscf leaves no SA or policy.
set -u
: "${1:?usage: test_gm_pcscf.sh BUILD_DIR}"
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
root=$(cd "$here/../.." && pwd -P)
export BUILD_DIR=$1 LAB_PREFIX=imsg- LAB_NET=10.205.0 LAB_SEC_AGREE=required
export LAB_DIR=${TMPDIR:-/tmp}/lab-gm
# shellcheck source=SCRIPTDIR/../lib/testlib.sh
. "$here/../lib/testlib.sh" ||
	{ echo "FATAL: cannot source testlib.sh" >&2; exit 1; }
need tcpdump tshark
# shellcheck source=SCRIPTDIR/gm_lab.sh
. "$here/gm_lab.sh"
gm_lab_up gm
gm_provision carol dave erin gina
pcap=$W/ue.pcap
ip netns exec "$UE_NS" tcpdump -i eth0 -U --immediate-mode -s 0 \
    -w "$pcap" 'udp or tcp or esp' 2>/dev/null &
td=$!
sleep 1

# differ LIST1 LIST2 COLS: how many lines `comm -COLS` gives for two
# sorted lists (no process substitution: the guest has no /dev/fd).
differ() {
	echo "$1" >"$W/differ.1"
	echo "$2" >"$W/differ.2"
	comm "-$3" "$W/differ.1" "$W/differ.2" | grep -c . || true
}

# ---- alice registers and listens on her port_us ----
gm alice 5070 6100 --listen-us 120 register >"$W/alice.out" 2>&1 &
alice_pid=$!
for _ in $(seq 400); do
	grep -q '^register=' "$W/alice.out" && break
	sleep 0.2
done
check "alice: the unprotected REGISTER is challenged (401)" \
	[ "$(val "$W/alice.out" first)" = 401 ]
check "alice: the protected REGISTER over her SAs: 200" \
	[ "$(val "$W/alice.out" register)" = 200 ]
check "the pcscf holds alice's 4 SAs" [ "$(pc_count state)" -eq 4 ]
check "and her 8 policies (UDP and TCP each)" \
	[ "$(pc_count policy "port 610[01]")" -eq 8 ]

# ---- carol: MESSAGE to alice, clear attempts, re-registration ----
gm carol 5072 6200 --to alice register message clear-message clear-ps \
    reregister message deregister >"$W/carol.out" 2>&1
cat "$W/carol.out"
check "carol registers over SAs (first 401, then 200)" \
	both [ "$(val "$W/carol.out" first)" = 401 ] -- \
	[ "$(val "$W/carol.out" register)" = 200 ]
check "carol's MESSAGE over her SAs reaches alice over hers: 200" \
	[ "$(val "$W/carol.out" message 1)" = 200 ]
check "alice got it from the pcscf's protected client port" \
	grep -q "^received=MESSAGE from=$PCSCF_ADDR:506[67]$" "$W/alice.out"
check "carol's request from her protected port, in clear to 5060: 403" \
	[ "$(val "$W/carol.out" clear-message)" = 403 ]
check "a REGISTER in clear at the protected server port: 403" \
	[ "$(val "$W/carol.out" clear-ps)" = 403 ]
check "carol re-registers over her SAs: 401 (new Security-Server), 200" \
	both [ "$(val "$W/carol.out" reregister-first)" = 401 ] -- \
	[ "$(val "$W/carol.out" reregister)" = 200 ]
check "the new set differs (SPIs, port_pc)" \
	both [ "$(val "$W/carol.out" spi_ps 1)" != "$(val "$W/carol.out" spi_ps 2)" ] -- \
	[ "$(val "$W/carol.out" port_pc 1)" != "$(val "$W/carol.out" port_pc 2)" ]
check "her MESSAGE over the new set: 200" \
	[ "$(val "$W/carol.out" message 2)" = 200 ]
check "carol de-registers over her SAs: 200" \
	[ "$(val "$W/carol.out" deregister)" = 200 ]
gm gina 5084 6700 --tcp --to alice register message >"$W/gina.out" 2>&1
check "gina registers over TCP inside her SAs (port_uc -> port_ps): 200" \
	[ "$(val "$W/gina.out" register)" = 200 ]
check "her MESSAGE on that connection reaches alice: 200" \
	[ "$(val "$W/gina.out" message)" = 200 ]
sleep 4		# the pcscf's grace for the last answer, then its sweep
check "none of carol's SAs or policies is left at the pcscf" \
	[ "$(pc_count policy "sport 62[0-9][0-9]\|dport 62[0-9][0-9]")" -eq 0 ]
check "alice's are still there" [ "$(pc_count policy "port 610[01]")" -eq 8 ]

# ---- bidding down, null encryption, no sec-agree ----
gm dave 5074 6300 --tamper verify register >"$W/dave.out" 2>&1
check "a tampered Security-Verify: 494" \
	[ "$(val "$W/dave.out" register)" = 494 ]
sleep 4
check "and dave's pending SAs are gone at the pcscf" \
	[ "$(pc_count policy "sport 630[01]\|dport 630[01]")" -eq 0 ]
gm erin 5076 6400 --ealg null register >"$W/erin.out" 2>&1
check "only null encryption offered (not in the policy): 494" \
	[ "$(val "$W/erin.out" first)" = 494 ]
check "nothing installed for erin" \
	[ "$(pc_count policy "sport 640[01]\|dport 640[01]")" -eq 0 ]
ip netns exec "$UE_NS" "$BIN/ims-ue" register --impi "erin@$DOMAIN" \
    --impu "sip:erin@$DOMAIN" --k "$DEMO_K" --op "$DEMO_OP" \
    --pcscf "$PCSCF_ADDR:$PCSCF_PORT" --local "$UE_ADDR:5078" \
    >"$W/erin-plain.out" 2>&1
check "a REGISTER without Security-Client: 421 (ims-ue refused)" \
	grep -q "without Security-Client: 421" "$LAB_DIR/pcscf.log"

# ---- replay (RFC 4303 3.4.3) ----
kill "$alice_pid" 2>/dev/null
wait "$alice_pid" 2>/dev/null
sleep 1
kill "$td" 2>/dev/null
wait "$td" 2>/dev/null
# Her answer to carol's MESSAGE (her protected REGISTER was fragmented).
spi=$(val "$W/alice.out" spi_pc)
ip netns exec "$UE_NS" $PY -S "$here/esp_replay.py" "$pcap" "$PCSCF_ADDR" \
    "$spi" >"$W/replay.out" 2>&1
sleep 1
ip netns exec "$PC_NS" "$BIN/imsxfrm" sa-get --dst "$PCSCF_ADDR" \
    --spi "$spi" >"$W/replay-sa.out" 2>&1
rep=$(sed -n 's/^replay_errors=//p' "$W/replay-sa.out")
check "a replayed ESP packet of alice's is dropped (replay counter ${rep:-?})" \
	[ "${rep:-0}" -ge 1 ]

# ---- the capture ----
spis=$(grep -h '^spi_' "$W"/*.out | cut -d= -f2 |
    awk '{printf "0x%08x\n", $1}' | sort -u)
seen=$(tshark -r "$pcap" -Y esp -T fields -e esp.spi 2>/dev/null | sort -u)
extra=$(differ "$spis" "$seen" 13)
check "ESP on the UE's link: $(echo "$seen" | grep -c .) SPIs, all negotiated ones" \
	both [ -n "$seen" ] -- [ "$extra" -eq 0 ]
# (but the deliberate clear-ps REGISTER from carol's port 5072, and its 403)
check "no cleartext SIP to or from a protected port of the pcscf" \
	[ "$(tshark -r "$pcap" -Y "sip && (udp.port in {5064 5066 5067} || tcp.port in {5064 5066 5067}) && !(udp.port == 5072)" 2>/dev/null | grep -c . || true)" -eq 0 ]
# (but carol's deliberate clear-message from port_uc 6200 to 5060, and its 403)
check "no cleartext SIP to or from a protected port of a UE" \
	[ "$(tshark -r "$pcap" -Y "sip && udp.port >= 6100 && udp.port < 6700 && !(udp.port == 6200 && udp.port == 5060)" 2>/dev/null | grep -c . || true)" -eq 0 ]
check "no ck= or ik= on the UE's link" \
	eval "! tshark -r '$pcap' -Y sip -V 2>/dev/null | grep -Eqi '(^|[ ,])(ck|ik)='"
check "nothing malformed" \
	[ "$(tshark -r "$pcap" -Y _ws.malformed 2>/dev/null | grep -c . || true)" -eq 0 ]

# ---- SPI exhaustion, crash, restart, stop ----
stop_pcscf() {	# [signal]
	kill "-${1:-TERM}" "$(cat "$LAB_DIR/pcscf.pid")" 2>/dev/null
	for _ in $(seq 50); do
		ip netns exec "$PC_NS" ss -lnu | grep -q ':5060 ' || return 0
		sleep 0.1
	done
}
start_pcscf() {	# extra -o options
	ip netns exec "$PC_NS" setsid "$BIN/pcscf" -c "$LAB_DIR/pcscf.conf" \
	    "$@" >>"$LAB_DIR/pcscf.log" 2>&1 </dev/null &
	for _ in $(seq 100); do
		tail -n 5 "$LAB_DIR/pcscf.log" | grep -q "running (uid" &&
		    ip netns exec "$PC_NS" ss -lnu | grep -q ':5066 ' && return 0
		sleep 0.1
	done
	die "pcscf did not restart"
}
stop_pcscf
check "a stopped pcscf leaves no SA and no policy (alice's went)" \
	both [ "$(pc_count state)" -eq 0 ] -- [ "$(pc_count policy)" -eq 0 ]
start_pcscf -o ipsec-spi-min=4096 -o ipsec-spi-max=4097
gm dave 5080 6500 --keep register >"$W/spi1.out" 2>&1
gm erin 5082 6600 register >"$W/spi2.out" 2>&1
check "one set fits the SPI range: dave 200" \
	[ "$(val "$W/spi1.out" register)" = 200 ]
check "no SPI left for the next UE: 503" \
	[ "$(val "$W/spi2.out" first)" = 503 ]
check "the 503 carries Retry-After" \
	[ -n "$(val "$W/spi2.out" retry_after)" ]
n=$(pc_count state)
stop_pcscf 9
sleep 0.5
check "kill -9 leaves the pcscf's SAs behind ($n)" [ "$(pc_count state)" -ge 4 ]
start_pcscf
check "its restart flushes them: no SA, no policy" \
	both [ "$(pc_count state)" -eq 0 ] -- [ "$(pc_count policy)" -eq 0 ]
[ "$(pc_count state)" -eq 0 ] || ip -n "$PC_NS" xfrm state
check "and logged it" grep -q "of an earlier run removed" "$LAB_DIR/pcscf.log"

# ---- ims-ue --ipsec: every algorithm pair, carrying traffic ----
# Newly provisioned subscribers frank1..7 (one per pair: the S-CSCF's
# MAR budget is per IMPI); the pcscf now also accepts null encryption
# (integrity only), and this one address may send many REGISTERs.
gm_provision frank1 frank2 frank3 frank4 frank5 frank6 frank7
stop_pcscf
start_pcscf -o ipsec-ealg=aes-gcm,aes-cbc,des-ede3-cbc,null \
    -o register-burst=1000
pcap2=$W/ue-ims-ue.pcap
ip netns exec "$UE_NS" tcpdump -i eth0 -U --immediate-mode -s 0 \
    -w "$pcap2" 'udp or tcp or esp' 2>/dev/null &
td=$!
sleep 1
ue() {	# N register|message|deregister [ims-ue options]
	local n=$1 cmd=$2
	shift 2
	ip netns exec "$UE_NS" "$BIN/ims-ue" "$cmd" --impi "frank$n@$DOMAIN" \
	    --impu "sip:frank$n@$DOMAIN" --k "$DEMO_K" --op "$DEMO_OP" \
	    --pcscf "$PCSCF_ADDR:$PCSCF_PORT" --local "$UE_ADDR:$((5100 + n))" \
	    --state "$W/frank$n.usim" --ipsec-state "$W/frank-$n.ipsec" --ipsec \
	    --port-uc $((7001 + 10 * n)) --port-us $((7000 + 10 * n)) "$@"
}
n=0
for pair in hmac-md5-96:null hmac-md5-96:aes-cbc hmac-md5-96:des-ede3-cbc \
    hmac-sha-1-96:null hmac-sha-1-96:aes-cbc hmac-sha-1-96:des-ede3-cbc \
    null:aes-gcm; do
	a=${pair%:*} e=${pair#*:} n=$((n + 1)) o=$W/frank-$n.out
	ue "$n" register --alg "$a" --ealg "$e" >"$o" 2>&1
	ue "$n" message --to "sip:frank$n@$DOMAIN" --body "over $pair" \
	    >>"$o" 2>&1
	check "ims-ue --ipsec $a/$e: registered, the pair negotiated, its MESSAGE answered over the SAs" \
		eval "grep -q '^result=registered' '$o' && grep -qx 'alg=$a' '$o' && grep -qx 'ealg=$e' '$o' && grep -q '^message_status=[1-6][0-9][0-9]' '$o'"
	ue "$n" deregister >>"$o" 2>&1
	check "ims-ue --ipsec $a/$e: de-registered, its SAs gone at the UE" \
		eval "grep -q '^result=deregistered' '$o' && [ \$(ip -n '$UE_NS' xfrm policy | grep -c 'port 70${n}[0-9] ') -eq 0 ]"
done
sleep 3
check "after the de-registrations (and the pcscf's 2 s grace) no SA of the franks' is left at the pcscf" \
	[ "$(pc_count policy "port 70[0-9][0-9]")" -eq 0 ]
kill "$td" 2>/dev/null
wait "$td" 2>/dev/null
spis=$(grep -h '^spi_' "$W"/frank-*.out | cut -d= -f2 |
    awk '{printf "0x%08x\n", $1}' | sort -u)
seen=$(tshark -r "$pcap2" -Y esp -T fields -e esp.spi 2>/dev/null | sort -u)
# (a de-registration's set carries only the REGISTER and its answer: its
# spi_pc and spi_us stay unused)
check "the ims-ue capture: ESP only with SPIs ims-ue printed ($(echo "$seen" | grep -c .) of $(echo "$spis" | grep -c .))" \
	both [ "$(echo "$seen" | grep -c .)" -ge 42 ] -- [ "$(differ "$spis" "$seen" 13)" -eq 0 ]
check "no cleartext SIP on a protected port there" \
	[ "$(tshark -r "$pcap2" -Y "sip && (udp.port in {5064 5066 5067} || (udp.port >= 7000 && udp.port < 7100))" 2>/dev/null | grep -c . || true)" -eq 0 ]
check "nothing malformed there" \
	[ "$(tshark -r "$pcap2" -Y _ws.malformed 2>/dev/null | grep -c . || true)" -eq 0 ]
stop_pcscf

if [ "$FAILED" -gt 0 ]; then
	for f in "$LAB_DIR"/pcscf.log "$LAB_DIR"/scscf.log; do
		echo "== $f"
		grep -Ev ' DEBUG: ' "$f" | tail -n 40
	done
	tail -n 20 "$W"/*.out
fi
summary
