#!/bin/bash
# test_sipp_ipsec.sh BUILD_DIR - a SIPp UE (SIPp 3.6.1, a peer not written
# here) registers with Gm IPsec (TS 33.203 7, RFC 3329, TS 24.229 5.1.1)
# through the lab's pcscf (sec-agree required), where the kernel has ESP
# (kernel_test.sh: natively, or in qemu here).  The UE is
# tests/kernel/sipp_ipsec_ue.xml run with -p PORT_UC (6101), so every
# message of it leaves from its protected client port, plus
# sipp_ipsec_uas.xml on PORT_US (6100); its Security-Client offers
# md5/3des and sha1/aes-cbc with fixed SPIs (40961, 40962: not reserved
# from the kernel, the UE namespace has no other SA); SIPp's AKA answers the
# challenges; its SA set is installed from the 401 by sipp_gm_sa.sh, which
# the scenario's <exec> runs (CK/IK by imsauth, the SAs by imsxfrm gm-sa).
# Asserted:
#  - the SIPp UE completes: REGISTER in clear to 5060, 401 with
#    Security-Server, the protected REGISTER (setdest to the 401's port-s:
#    port_ps) 200, a MESSAGE to itself over the set 200 (delivered by the
#    pcscf to the second SIPp at port_us, answered over the set), the
#    de-registration over the set 200;
#  - the helper installed the set the pcscf logged (alg/ealg, the four
#    SPIs, the ports), the strongest of the two offers; the pcscf logged
#    the set in use for the user, then the de-registration;
#  - while registered the pcscf holds 4 SAs and 8 policies of the UE's
#    ports (and the UE the same 4 + 8); after de-registration none;
#  - the capture on the UE's link: ESP with exactly the SPIs of the set
#    (spi_ps/spi_pc towards the pcscf, spi_uc/spi_us towards the UE, all
#    four used) after the 401; cleartext SIP only the first REGISTER and
#    its 401 (port_uc <-> 5060), none after that 401, no UDP at all to or
#    from 5064/5066/5067 or port_us, no ck=/ik=, nothing malformed.
# SIPp limits the test lives with (docs/testing.md):
#  - <exec> runs its command in a grandchild and does not wait: the helper
#    reports with an INFO (Call-ID of the scenario) that the scenario
#    waits for before the protected REGISTER;
#  - one UDP socket per SIPp (-p): no second port_uc, hence no TS 33.203
#    7.4 new set on re-/de-registration; the de-registering REGISTER goes
#    over the set in use with Security-Verify and no new Security-Client
#    (our pcscf keeps the set for it), its challenge is answered over the
#    same set;
#  - it matches responses to a scenario's call by Call-ID only: the
#    MESSAGE carries the registration's Call-ID;
#  - SIPp cuts a RES holding a 0x00 byte (tests/lib/sipp_aka.sh): when
#    that is why a run failed, the UE runs again (at most three runs) with
#    a fresh IMPI, ports and SPIs (+10, +16: a set an earlier run left at
#    the pcscf cannot collide), the UE's SAs flushed.
set -u
: "${1:?usage: test_sipp_ipsec.sh BUILD_DIR}"
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
root=$(cd "$here/../.." && pwd -P)
export BUILD_DIR=$1 LAB_PREFIX=imsq- LAB_NET=10.209.0 LAB_SEC_AGREE=required
export LAB_DIR=${TMPDIR:-/tmp}/lab-sipp
# shellcheck source=SCRIPTDIR/../lib/testlib.sh
. "$here/../lib/testlib.sh" ||
	{ echo "FATAL: cannot source testlib.sh" >&2; exit 1; }
# shellcheck source=SCRIPTDIR/../lib/sipp_aka.sh
. "$root/tests/lib/sipp_aka.sh" || die "cannot source sipp_aka.sh"
need sipp tcpdump tshark
lab=$root/lab
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	"$lab" down >/dev/null 2>&1
}
trap cleanup EXIT
trap 'exit 1' INT TERM

HOLD=3000	# ms the UE stays registered after its MESSAGE: SAs counted

uplog=$LAB_DIR.up.log
if ! "$lab" up >"$uplog" 2>&1; then
	cat "$uplog"
	tail -n 30 "$LAB_DIR"/*.log
	die "./lab up with sec-agree required failed"
fi
eval "$("$lab" env)"
check "./lab env: SEC_AGREE=required" [ "$SEC_AGREE" = required ]
export IMSAUTH=$BIN/imsauth	# sipp_res_nul
PC_NS=${LAB_PREFIX}pcscf
W=$LAB_DIR/sipp
mkdir -p "$W"
for n in 1 2 3; do
	"$BIN/hss-ctl" --db "$HSS_DB" add --impi "sipue$n@$DOMAIN" \
	    --impu "sip:sipue$n@$DOMAIN" --k "$DEMO_K" --op "$DEMO_OP" \
	    --amf "$DEMO_AMF" >/dev/null || die "hss-ctl add sipue$n"
done
pcap=$W/ue.pcap
ip netns exec "$UE_NS" tcpdump -i eth0 -U --immediate-mode -s 0 \
    -w "$pcap" 'udp or tcp or esp' 2>/dev/null &
td=$!
pids+=("$td")
sleep 1

# val FILE KEY: the last value of KEY= in FILE.
val() { grep "^$2=" "$1" 2>/dev/null | tail -n 1 | cut -d= -f2-; }
# xcount NS state|policy [PATTERN]: SAs or policies in NS (their first two
# lines), those matching PATTERN; acquire states (SPI 0) not counted.
xcount() {
	ip -n "$1" xfrm "$2" 2>/dev/null | grep --no-group-separator -A1 '^src' |
	    paste - - | grep -v 'spi 0x00000000 ' | grep -c -- "${3:-.}"
}
# set_run N: run N's UE ports and SPIs (their own, so that a set an
# earlier run left at the pcscf cannot collide), its policy pattern, its
# Security-Client (two offers, the weaker first).
all_uc='' all_us='' all_ue_spi=''
set_run() {
	PORT_US=$((6100 + 10 * ($1 - 1))) SPI_UC=$((40961 + 16 * ($1 - 1)))
	PORT_UC=$((PORT_US + 1)) SPI_US=$((SPI_UC + 1))
	all_uc+=" $PORT_UC" all_us+=" $PORT_US"
	all_ue_spi+=$(hx "$SPI_UC" "$SPI_US")$'\n'
	ports="port $PORT_UC \|port $PORT_US "
	local m="prot=esp;mod=trans;spi-c=$SPI_UC;spi-s=$SPI_US;port-c=$PORT_UC;port-s=$PORT_US"
	offer="ipsec-3gpp;alg=hmac-md5-96;ealg=des-ede3-cbc;$m, ipsec-3gpp;alg=hmac-sha-1-96;ealg=aes-cbc;$m"
}
# spi_pat: the states of run's set at the pcscf, by SPI (from the helper).
spi_pat() {
	printf 'spi 0x%08x \\|' "$(val "$out" spi_pc)" "$(val "$out" spi_ps)" \
	    "$SPI_UC"
	printf 'spi 0x%08x ' "$SPI_US"
}
# hx N...: SPIs as tshark prints them, sorted.
hx() { printf '0x%08x\n' "$@" | sort -u; }
# scenario TEMPLATE FILE USER OUT: a scenario with this run's values.
scenario() {
	sed -e "s#@HELPER@#$here/sipp_gm_sa.sh#g" -e "s#@BIN@#$BIN#g" \
	    -e "s#@OUT@#$4#g" -e "s#@K@#$DEMO_K#g" -e "s#@OP@#$DEMO_OP#g" \
	    -e "s#@AMF@#$DEMO_AMF#g" -e "s#@PCSCF@#$PCSCF_ADDR#g" \
	    -e "s#@PORT_US@#$PORT_US#g" -e "s#@SPI_UC@#$SPI_UC#g" \
	    -e "s#@SPI_US@#$SPI_US#g" -e "s#@USER@#$3#g" \
	    -e "s#@DOMAIN@#$DOMAIN#g" -e "s#@HOLD@#$HOLD#g" \
	    -e "s#@SECCLIENT@#$offer#g" "$1" >"$2" || die "scenario $2"
}

# ---- the SIPp UE: at most three runs when SIPp cut its RES ----
run=0 rc=1 user='' out=''
pc_sa=-1 pc_pol=-1 ue_sa=-1 ue_pol=-1
while [ $run -lt 3 ]; do
	run=$((run + 1)) user=sipue$run out=$W/sa-$run.out
	set_run $run
	if [ $run -gt 1 ]; then
		ip -n "$UE_NS" xfrm state flush
		ip -n "$UE_NS" xfrm policy flush
	fi
	scenario "$here/sipp_ipsec_ue.xml" "$W/ue-$run.xml" "$user" "$out"
	scenario "$here/sipp_ipsec_uas.xml" "$W/uas-$run.xml" "$user" "$out"
	ip netns exec "$UE_NS" timeout 150 sipp -sf "$W/uas-$run.xml" \
	    -i "$UE_ADDR" -p "$PORT_US" -m 1 -nostdin -timeout 120s \
	    -trace_msg -message_file "$W/uas-$run.msgs" -trace_err \
	    -error_file "$W/uas-$run.err" >"$W/uas-$run.log" 2>&1 &
	uas=$!
	pids+=("$uas")
	ip netns exec "$UE_NS" timeout 150 sipp -sf "$W/ue-$run.xml" \
	    "$PCSCF_ADDR:$PCSCF_PORT" -i "$UE_ADDR" -p "$PORT_UC" -m 1 \
	    -nostdin -auth_uri "$DOMAIN" -timeout 120s -trace_msg \
	    -message_file "$W/ue-$run.msgs" -trace_err \
	    -error_file "$W/ue-$run.err" >"$W/ue-$run.log" 2>&1 &
	uac=$!
	pids+=("$uac")
	counted=0
	while kill -0 "$uac" 2>/dev/null; do
		if [ $counted = 0 ] && [ -e "$out.registered" ]; then
			pc_sa=$(xcount "$PC_NS" state "$(spi_pat)")
			pc_pol=$(xcount "$PC_NS" policy "$ports")
			ue_sa=$(xcount "$UE_NS" state)
			ue_pol=$(xcount "$UE_NS" policy "$ports")
			counted=1
		fi
		sleep 0.2
	done
	wait "$uac"
	rc=$?
	echo "SIPp UE run $run ($user): exit $rc" >&2
	[ $rc -eq 0 ] && break
	sipp_res_nul "$W/ue-$run.msgs" "$DEMO_K" "$DEMO_OP" || break
	echo "SIPp cut its RES at a 0x00 byte: again with a new IMPI" >&2
	kill "$uas" 2>/dev/null
	wait "$uas" 2>/dev/null
done
for _ in $(seq 50); do kill -0 "$uas" 2>/dev/null || break; sleep 0.2; done
kill "$uas" 2>/dev/null
wait "$uas"
uas_rc=$?
impi=$user@$DOMAIN

check "the SIPp UE registers over its SAs, sends its MESSAGE and de-registers over them (run $run, exit $rc)" \
	[ $rc -eq 0 ]
check "the helper installed the UE's set from the 401" \
	[ "$(val "$out" result)" = installed ]
check "the strongest offer negotiated: hmac-sha-1-96 / aes-cbc" \
	[ "$(val "$out" alg)/$(val "$out" ealg)" = hmac-sha-1-96/aes-cbc ]
check "port_ps from the 401 is the pcscf's protected server port ($PCSCF_PORT_PS)" \
	[ "$(val "$out" port_ps)" = "$PCSCF_PORT_PS" ]
check "the protected REGISTER carried Security-Verify = the Security-Server" \
	grep -q "^Security-Verify: ipsec-3gpp;q=0.1;alg=hmac-sha-1-96;ealg=aes-cbc;spi-c=$(val "$out" spi_pc);spi-s=$(val "$out" spi_ps);" \
	"$W/ue-$run.msgs"
pend="pcscf: Gm SAs for $impi pending: $UE_ADDR:$PORT_UC/$PORT_US <-> $(val "$out" port_pc)/$(val "$out" port_ps), hmac-sha-1-96/aes-cbc, spi pc $(val "$out" spi_pc) ps $(val "$out" spi_ps) uc $SPI_UC us $SPI_US"
check "the pcscf installed that very set with the 401" \
	grep -qF "$pend" "$LAB_DIR/pcscf.log"
check "the pcscf logged the set in use for $impi" \
	grep -q "pcscf: Gm SAs of $impi in use for " "$LAB_DIR/pcscf.log"
check "the MESSAGE reached the SIPp at port_us, which answered it (exit $uas_rc)" \
	eval "[ $uas_rc -eq 0 ] && grep -q '^MESSAGE sip:' '$W/uas-$run.msgs'"
check "while registered the pcscf holds the set's 4 SAs ($pc_sa)" [ "$pc_sa" -eq 4 ]
check "and 8 policies of the UE's ports ($pc_pol)" [ "$pc_pol" -eq 8 ]
check "the UE holds its 4 SAs ($ue_sa) and 8 policies ($ue_pol)" \
	[ "$ue_sa/$ue_pol" = 4/8 ]
check "the pcscf logged the de-registration" \
	grep -q "pcscf: sip:$impi de-registered" "$LAB_DIR/pcscf.log"
sleep 4		# the pcscf's grace for the last answer, then its sweep
check "after de-registration no SA or policy of the UE is left at the pcscf" \
	[ "$(xcount "$PC_NS" state "$(spi_pat)")/$(xcount "$PC_NS" policy "$ports")" = 0/0 ]

# ---- the capture ----
kill "$td" 2>/dev/null
wait "$td" 2>/dev/null
# esp_to IP: the SPIs of the ESP packets to IP.
esp_to() {
	tshark -r "$pcap" -Y "esp && ip.dst == $1" -T fields -e esp.spi \
	    2>/dev/null | sort -u
}
# subset A B: every line of A is a line of B (files: the guest has no
# /dev/fd for process substitution).
subset() {
	printf '%s\n' "$1" >"$W/subset.a"
	printf '%s\n' "$2" >"$W/subset.b"
	! grep -vxF -f "$W/subset.b" "$W/subset.a" | grep -q .
}
# Towards the pcscf: spi_ps (port_uc -> port_ps) and spi_pc (port_us ->
# port_pc); towards the UE: spi_uc and spi_us.  Runs that SIPp's RES cut
# ended used sets of their own.
want_pc=$(hx "$(val "$out" spi_ps)" "$(val "$out" spi_pc)")
any_pc=$(cat "$W"/sa-*.out | sed -n 's/^spi_p[cs]=//p' | sort -u |
    while read -r s; do hx "$s"; done | sort -u)
want_ue=$(hx "$SPI_UC" "$SPI_US")
any_ue=$(sort -u <<<"$all_ue_spi" | grep .)
seen_pc=$(esp_to "$PCSCF_ADDR")
seen_ue=$(esp_to "$UE_ADDR")
pc_spis_ok() { subset "$want_pc" "$seen_pc" && subset "$seen_pc" "$any_pc"; }
check "ESP towards the pcscf: spi_ps and spi_pc of the set, both used, no other ($(tr '\n' ' ' <<<"$seen_pc"))" \
	pc_spis_ok
ue_spis_ok() { subset "$want_ue" "$seen_ue" && subset "$seen_ue" "$any_ue"; }
check "ESP towards the UE: spi_uc and spi_us of the set, both used, no other ($(tr '\n' ' ' <<<"$seen_ue"))" \
	ue_spis_ok
[ $run -gt 1 ] ||
	check "(one run: exactly those four)" [ "$seen_pc/$seen_ue" = "$want_pc/$want_ue" ]
# Cleartext: only REGISTER (port_uc -> 5060) and its 401, nothing after
# the last 401; nothing (UDP at all) on a protected port.
clear_sip=$(tshark -r "$pcap" -Y sip -T fields -e frame.number \
    -e udp.srcport -e udp.dstport -e sip.Method -e sip.Status-Code \
    2>/dev/null)
echo "$clear_sip" >"$W/clear.txt"
# clear_only_reg: every cleartext SIP packet is a REGISTER port_uc -> 5060
# or a 401 back (port_uc of any run), and there is at least one.
clear_only_reg() {
	[ -s "$W/clear.txt" ] && ! awk -F'\t' -v ucs="$all_uc " -v p="$PCSCF_PORT" \
	    '!((index(ucs, " " $2 " ") && $3 == p && $4 == "REGISTER") ||
	       ($2 == p && index(ucs, " " $3 " ") && $5 == 401))' \
	    "$W/clear.txt" | grep -q .
}
check "cleartext SIP on the UE's link: $(grep -c . "$W/clear.txt") packets, each a REGISTER port_uc -> 5060 or its 401" \
	clear_only_reg
last401=$(awk -F'\t' '$5 == 401 { n = $1 } END { print n + 0 }' "$W/clear.txt")
esp_after=$(tshark -r "$pcap" -Y "esp && frame.number > $last401" 2>/dev/null | grep -c . || true)
only_esp_after() {
	[ "$esp_after" -gt 0 ] &&
	    ! awk -F'\t' -v n="$last401" '$1 > n' "$W/clear.txt" | grep -q .
}
check "after the last 401 (frame $last401) only ESP: $esp_after ESP packets, no cleartext SIP" \
	only_esp_after
check "no UDP in clear to or from 5064/5066/5067 or port_us ($all_us)" \
	[ "$(tshark -r "$pcap" -Y "udp.port in {5064 5066 5067$all_us} || tcp.port in {5064 5066 5067$all_us}" 2>/dev/null | grep -c . || true)" -eq 0 ]
check "port_uc ($all_uc) in clear only with 5060" \
	[ "$(tshark -r "$pcap" -Y "(udp.port in {${all_uc# }} && !(udp.port == $PCSCF_PORT)) || tcp.port in {${all_uc# }}" 2>/dev/null | grep -c . || true)" -eq 0 ]
check "no ck= or ik= on the UE's link" \
	eval "! tshark -r '$pcap' -Y sip -V 2>/dev/null | grep -Eqi '(^|[ ,])(ck|ik)='"
check "nothing malformed" \
	[ "$(tshark -r "$pcap" -Y _ws.malformed 2>/dev/null | grep -c . || true)" -eq 0 ]

if [ "$FAILED" -gt 0 ]; then
	for f in "$W"/ue-*.log "$W"/ue-*.err "$W"/uas-*.err "$W"/sa-*.out*; do
		[ -e "$f" ] || continue
		echo "== $f"
		tail -n 30 "$f"
	done
	echo "== $W/ue-$run.msgs"
	tail -n 80 "$W/ue-$run.msgs"
	for f in "$LAB_DIR"/pcscf.log "$LAB_DIR"/scscf.log; do
		echo "== $f"
		grep -Ev ' DEBUG: ' "$f" | tail -n 40
	done
fi
summary
