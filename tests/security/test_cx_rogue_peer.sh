#!/bin/bash
# test_cx_rogue_peer.sh - a rogue Diameter peer against the CSCFs' Cx links
# (issue 7, "Cx"): hss, scscf, icscf, pcscf, a SIPp UE and the attacker
# (node ext, cx_raw.py) each in a namespace on one bridge, Cx over TCP,
# tshark on the bridge.
#
# 1. With the HSS down (the CSCFs' links to it not open), the attacker
#    connects to the S-CSCF and the I-CSCF and sends a CER claiming the
#    HSS's identity: the CSCFs do not listen for Diameter (they only
#    connect to the HSS), so the connection is refused: no CEA, no
#    session, nothing the impostor could answer MARs or send RTRs over.
# 2. The real HSS comes up: the CSCFs connect, alice registers through the
#    chain (AKA, 200).  The impostor is still refused while the link is
#    open.
# 3. A configured peer (the I-CSCF's identity, from the I-CSCF's address,
#    after the real I-CSCF stopped) sends an RTR and a PPR for alice to
#    the HSS with Destination-Host the S-CSCF and the HSS's Origin-Host:
#    the HSS relays nothing (NoRelay; DIAMETER_UNABLE_TO_DELIVER 3002), the
#    S-CSCF never sees them and alice's binding stays.
# 4. The real RTR still works: hss-ctl deregister -> the S-CSCF removes
#    alice's binding.
# 5. A node configured to both accept and connect refuses to start.
# Env: HSS, HSS_CTL, SCSCF, ICSCF, PCSCF, CXCLIENT, SIPDIR, TOPODIR.
set -u
: "${HSS:?}" "${HSS_CTL:?}" "${SCSCF:?}" "${ICSCF:?}" "${PCSCF:?}"
: "${CXCLIENT:?}" "${SIPDIR:?}" "${TOPODIR:?}"
# shellcheck source=tests/sip/sip_lib.sh
. "$SIPDIR/sip_lib.sh"
need sipp tshark ss python3

# The CSCFs first, the HSS (hss_start) only in part 2.
chain_up "$PWD/run" -n "hss scscf icscf pcscf ue ext" -x -c br:cx.pcapng \
	-I scscf="sip:$SC:6060=1,2" -P visited=visited.example.net
sleep 1
RAW=(python3 "$TOPODIR/cx_raw.py")

# listeners NODE: the node's listening TCP ports, one a line.
listeners() {
	in_ns "$1" ss -ltnH | awk '{print $4}' | sed 's/.*://' | sort -u
}
# links: established Cx connections at the HSS.
links() {
	in_ns hss ss -tnH state established '( sport = :3868 )' | wc -l
}
wait_links() {	# N
	for _ in $(seq 100); do
		[ "$(links)" -eq "$1" ] && return 0
		sleep 0.1
	done
	return 1
}

# ---- 1: the HSS is down; an impostor claims its identity ----
check "the S-CSCF listens on TCP for SIP only ($(listeners scscf | tr '\n' ' '))" \
	[ "$(listeners scscf)" = 6060 ]
check "the I-CSCF listens on TCP for SIP only ($(listeners icscf | tr '\n' ' '))" \
	[ "$(listeners icscf)" = 5060 ]
for n in scscf icscf; do
	out=$(in_ns ext "${RAW[@]}" cer "$(ip_of "$n")" 3868 "hss.$DOMAIN" "$DOMAIN" "$EXT")
	check "impostor HSS -> $n: connection refused, no CEA (${out//$'\n'/ })" \
		[ "$out" = connect=refused ]
done

# ---- 2: the real HSS; alice registers ----
hss_start
provision alice
check "the CSCFs connect to the real HSS" wait_links 2
check "alice registers through the chain (200)" \
	sipp_ue alice 5071 reg.xml "$PC:5060"
check "the S-CSCF has alice's binding" [ "$(bindings "sip:alice@$DOMAIN")" = 1 ]
out=$(in_ns ext "${RAW[@]}" cer "$SC" 3868 "hss.$DOMAIN" "$DOMAIN" "$EXT")
check "impostor HSS -> scscf while the link is open: refused (${out//$'\n'/ })" \
	[ "$out" = connect=refused ]

# ---- 3: the I-CSCF's identity uses the HSS as a relay ----
kill "$ICSCF_PID"
wait "$ICSCF_PID" 2>/dev/null
check "the I-CSCF's link is gone" wait_links 1
for c in rtr ppr; do
	out=$(in_ns icscf "${RAW[@]}" send "$HS" 3868 "icscf.$DOMAIN" "$DOMAIN" "$IC" \
		$c dest-host="scscf.$DOMAIN" origin-host="hss.$DOMAIN" \
		user-name="alice@$DOMAIN" impu="sip:alice@$DOMAIN")
	check "the I-CSCF's identity is a Cx peer of the HSS (CEA 2001)" \
		eval "echo \"\$out\" | grep -qx cea=2001"
	check "${c^^} for the S-CSCF through the HSS: 3002, not relayed" \
		eval "echo \"\$out\" | grep -qx result=3002"
done
sleep 1
check "the S-CSCF saw no RTR: no de-registration logged" \
	eval "! grep -q 'de-registered by the HSS' scscf.log"
check "alice's binding is intact" [ "$(bindings "sip:alice@$DOMAIN")" = 1 ]

# ---- 4: the configured HSS's RTR still works ----
out=$("$HSS_CTL" --db "$WORK/db/hss.db" deregister --impu "sip:alice@$DOMAIN")
check "hss-ctl deregister queues an RTR" eval "echo \"\$out\" | grep -qx rtr=queued"
check "the S-CSCF acts on the real HSS's RTR" \
	wait_log scscf.log "sip:alice@$DOMAIN de-registered by the HSS" 50
check "alice's binding is gone" [ "$(bindings "sip:alice@$DOMAIN")" = 0 ]

# ---- 5: accept and connect together ----
in_ns ext "$CXCLIENT" -o diameter.identity="x.$DOMAIN" \
	-o diameter.connect="hss.$DOMAIN@$HS" -o diameter.accept="y.$DOMAIN@$SC" \
	-o diameter.extensions-dir="$FD_EXT" lir --impu sip:a@b >both.out 2>&1
check "a node that both accepts and connects does not start (exit 1)" [ $? -eq 1 ]
check "...and says why" grep -q 'diameter.connect and diameter.accept together are refused' both.out

# ---- the wire ----
sleep 1
kill -INT "$BR_PID" 2>/dev/null
wait "$BR_PID" 2>/dev/null
n=$(tshark -r cx.pcapng -Y "diameter && (ip.src == $EXT || ip.dst == $EXT)" 2>/dev/null | wc -l)
check "no Diameter message to or from the impostor ($n)" [ "$n" -eq 0 ]
n=$(tshark -r cx.pcapng -Y "tcp.flags.reset == 1 && ip.dst == $EXT && tcp.srcport == 3868" 2>/dev/null | wc -l)
check "the CSCFs reset the impostor's connections ($n)" [ "$n" -ge 3 ]
n=$(tshark -r cx.pcapng -Y "diameter.cmd.code == 304 && diameter.flags.request == 1 && ip.dst == $SC" 2>/dev/null | wc -l)
check "one RTR reached the S-CSCF, the HSS's own ($n)" [ "$n" -eq 1 ]
n=$(tshark -r cx.pcapng -Y "diameter.cmd.code == 305 && diameter.flags.request == 1 && ip.dst == $SC" 2>/dev/null | wc -l)
check "no PPR reached the S-CSCF ($n)" [ "$n" -eq 0 ]
check "hss alive" kill -0 "$HSS_PID"
check "scscf alive" kill -0 "$SCSCF_PID"
summary
