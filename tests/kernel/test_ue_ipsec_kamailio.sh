#!/bin/bash
# test_ue_ipsec_kamailio.sh BUILD_DIR - the UE side of Gm IPsec (ims-ue
# --ipsec, TS 33.203 7 / Annex H, TS 24.229 5.1.1, RFC 3329) against a real,
# independent P-CSCF: Kamailio 5.6's ims_ipsec_pcscf, in front of our
# icscf, scscf and hss (Cx over TCP).  Runs where the kernel has ESP
# (kernel_test.sh: qemu here).  Each node in its own namespace on a bridge
# (scripts/lablib.sh, prefix imsku-); Kamailio (run as root: it flushes
# every SA of its namespace at start) in the pcscf one.
#
# Asserted:
#  - `ims-ue register --ipsec` (default offers, unprotected port 5060)
#    ends registered with ipsec=yes and the four SPIs and ports;
#  - the UE's kernel holds exactly that set: 4 SAs with those SPIs, each
#    marked with the UE's owner tag 0xa6 (output-mark 0x1a5ec0a6/0), and 8
#    policies (UDP and TCP per SA); the hard lifetime is the registration's
#    expiry + 30 s (TS 33.203 7.4);
#  - `message --ipsec` (alice to herself) goes over the live set: Kamailio
#    relays it to our scscf, which sends it back through Kamailio to the
#    UE's protected server port; the UE answers 200 and gets 200;
#  - `deregister --ipsec` (TS 33.203 7.4: its first REGISTER over the old
#    set, a new set for the authenticated one) ends deregistered and leaves
#    no SA or policy of the UE's tag;
#  - the capture on the UE's link: exactly one REGISTER and one 401 in
#    clear (port 5060), no other cleartext SIP, ESP carrying only the SPIs
#    ims-ue printed, each in its direction (spi_ps, spi_pc UE -> P-CSCF;
#    spi_uc, spi_us P-CSCF -> UE), all four SPIs of the registration set
#    seen; nothing malformed.
#
# Kamailio 5.6.3 quirks this test lives with (see docs/testing.md):
#  - ipsec_create tells a first registration from a re-registration by
#    the UE's Via port being 5060 (SIP_PORT): the UE must send its first,
#    unprotected REGISTER from port 5060 (--local UE:5060);
#  - it reads only the FIRST Security-Client header, taking the last alg
#    and ealg within it; Sofia-SIP writes one header line per mechanism,
#    so Kamailio picks ims-ue's first offer (hmac-sha-1-96 / aes-cbc);
#  - over UDP it answers from port_pc to port_us (ipsec_forward), not from
#    port_ps to port_uc: ims-ue listens on both;
#  - it strips nothing of the 401 itself: the config takes ck/ik out
#    after ipsec_create (which reads them from the S-CSCF's 401);
#  - it needs a P-Asserted-Identity added by the config for the S-CSCF's
#    originating check (ours: TS 24.229 5.4.3.2);
#  - connection n gets client port ipsec_client_port + n and server port
#    ipsec_server_port + n: with its defaults (5062, 5063) the second
#    set's port_pc is the first set's port_ps, so the config spaces them
#    (5100.., 6100..); ipsec_reuse_server_port 0 gives a 7.4 re-registration
#    new P-CSCF ports and SPIs (with 1 it would reuse spi_ps for a new
#    port_uc, one SPI for two selectors).
set -u
: "${1:?usage: test_ue_ipsec_kamailio.sh BUILD_DIR}"
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
root=$(cd "$here/../.." && pwd -P)
BIN=$(cd "$1" && pwd -P)/bin
export LAB_PREFIX=imsku- LAB_NET=10.208.0 LAB_DIAMETER=tcp
export LAB_DIR=${TMPDIR:-/tmp}/ue-ipsec-kam
# shellcheck source=SCRIPTDIR/../../scripts/lablib.sh
. "$root/scripts/lablib.sh" || { echo "FATAL: cannot source lablib.sh" >&2; exit 1; }
# shellcheck source=SCRIPTDIR/../lib/testlib.sh
. "$here/../lib/testlib.sh" ||
	{ echo "FATAL: cannot source testlib.sh" >&2; exit 1; }
lab_die() { die "lab: $*"; }
# same DESC GOT WANT: pass DESC when GOT is WANT, else fail it with both.
# in_range LO HI N...: at least one N, every N in [LO, HI].
in_range() {
	local lo=$1 hi=$2 v
	shift 2
	[ $# -gt 0 ] || return 1
	for v in "$@"; do
		[ "$v" -ge "$lo" ] && [ "$v" -le "$hi" ] || return 1
	done
}
same() {
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1: got '$2', want '$3'"; fi
}
need tcpdump tshark kamailio
for b in hss hss-ctl scscf icscf ims-ue; do
	[ -x "$BIN/$b" ] || die "missing $BIN/$b (build first)"
done
MPATH=
for d in /usr/lib/x86_64-linux-gnu/kamailio/modules /usr/lib/kamailio/modules; do
	[ -f "$d/ims_ipsec_pcscf.so" ] && { MPATH=$d/; break; }
done
[ -n "$MPATH" ] || die "no ims_ipsec_pcscf.so (package kamailio-ims-modules)"

D=$LAB_DOMAIN
K=f1e2d3c4b5a69788796a4a4c3d2e1f01
OP=494d53414b41746573744f5030303136
UE_OWNER_MARK=0x1a5ec0a6

trap lab_cleanup EXIT
trap 'exit 1' INT TERM
lab_cleanup
rm -rf "$LAB_DIR"
lab_conf_dir "$LAB_DIR"
lab_private_dir "$LAB_DIR/db"
lab_net_up hss scscf icscf pcscf ue

HS=$(lab_ip hss) SC=$(lab_ip scscf) IC=$(lab_ip icscf) PC=$(lab_ip pcscf)
UE=$(lab_ip ue)
cx=(-o "diameter.connect=hss.$D@$HS")
dia_hss=() dia_scscf=() dia_icscf=()	# filled by lab_dia_args (namerefs)
lab_dia_args dia_hss hss
lab_dia_args dia_scscf scscf
lab_dia_args dia_icscf icscf
lab_conf "$BIN/hss" hss "$LAB_DIR/hss.conf" "${dia_hss[@]}" \
    -o db="$LAB_DIR/db/hss.db" -o pid-file="$LAB_DIR/hss.pid" \
    -o diameter.accept="scscf.$D@$SC" -o diameter.accept="icscf.$D@$IC" \
    -o scscf="sip:$SC:6060@scscf.$D"
lab_conf "$BIN/scscf" scscf "$LAB_DIR/scscf.conf" "${dia_scscf[@]}" "${cx[@]}" \
    -o listen="$SC:6060" -o domain="$D" -o name="sip:$SC:6060" \
    -o db="$LAB_DIR/db/scscf.db" -o pid-file="$LAB_DIR/scscf.pid" \
    -o trusted-peer="$PC" -o trusted-peer="$IC"
lab_conf "$BIN/icscf" icscf "$LAB_DIR/icscf.conf" "${dia_icscf[@]}" "${cx[@]}" \
    -o listen="$IC:4060" -o domain="$D" -o scscf="sip:$SC:6060=1,2" \
    -o pid-file="$LAB_DIR/icscf.pid" \
    -o trusted-peer="$PC" -o trusted-peer="$SC"
"$BIN/hss-ctl" --db "$LAB_DIR/db/hss.db" add --impi "alice@$D" \
    --impu "sip:alice@$D" --k "$K" --op "$OP" --amf 8001 >/dev/null ||
	die "hss-ctl add alice"
lab_start hss hss "$BIN/hss" -c "$LAB_DIR/hss.conf"
lab_wait_listen hss t 3868 hss
lab_start scscf scscf "$BIN/scscf" -c "$LAB_DIR/scscf.conf"
lab_wait_listen scscf u 6060 scscf
lab_start icscf icscf "$BIN/icscf" -c "$LAB_DIR/icscf.conf"
lab_wait_listen icscf u 4060 icscf

mkdir -p "$LAB_DIR/kam/run"
sed -e "s|@IP@|$PC|g" -e "s|@DOMAIN@|$D|g" -e "s|@MPATH@|$MPATH|g" \
    -e "s|@ICSCF_IP@|$IC|g" -e "s|@ICSCF_PORT@|4060|g" \
    -e "s|@SCSCF_IP@|$SC|g" -e "s|@DEBUG@|${KAM_DEBUG:-2}|g" \
    "$here/kamailio/pcscf_ipsec.cfg" >"$LAB_DIR/kam/pcscf.cfg" ||
	die "render the Kamailio config"
lab_start pcscf kam-pcscf kamailio -DD -E -f "$LAB_DIR/kam/pcscf.cfg" \
    -Y "$LAB_DIR/kam/run" -P "$LAB_DIR/kam/run/kamailio.pid" -m 64 -M 8
lab_wait_listen pcscf u 5060 kam-pcscf
for _ in $(seq 150); do
	n=$(lab_in hss ss -tn state established 2>/dev/null | grep -c ':3868 ')
	[ "$n" -ge 2 ] && break
	sleep 0.1
done
[ "$n" -ge 2 ] || die "Cx links to the hss did not come up"
pass "hss, icscf, scscf and Kamailio's P-CSCF (ims_ipsec_pcscf) up"

lab_in ue tcpdump -i eth0 -U -w "$LAB_DIR/ue.pcap" "host $PC" \
    >"$LAB_DIR/tcpdump.log" 2>&1 &
td=$!
for _ in $(seq 50); do grep -q listening "$LAB_DIR/tcpdump.log" && break; sleep 0.1; done

# ue CMD [ARG...]: ims-ue CMD --ipsec for alice from UE:5060; key=value lines.
ue() {
	local cmd=$1; shift
	lab_in ue "$BIN/ims-ue" "$cmd" --ipsec --impi "alice@$D" \
	    --impu "sip:alice@$D" --k "$K" --op "$OP" --pcscf "$PC:5060" \
	    --local "$UE:5060" --state "$LAB_DIR/alice.usim" --expires 600 \
	    "$@" 2>>"$LAB_DIR/ue.err"
}
# val FILE KEY: KEY's value in a key=value output.
val() { sed -n "s/^$2=//p" "$1" | head -n 1; }
hex() { printf '0x%08x' "$1"; }

# --- register -----------------------------------------------------------
ue register >"$LAB_DIR/reg.out"; rc=$?
sed 's/^/  register: /' "$LAB_DIR/reg.out"
same "register --ipsec exits 0" "$rc" 0
same "...registered" "$(val "$LAB_DIR/reg.out" result)" registered
same "...over IPsec" "$(val "$LAB_DIR/reg.out" ipsec)" yes
same "...Kamailio took the first offer (its quirk)" \
    "$(val "$LAB_DIR/reg.out" alg)/$(val "$LAB_DIR/reg.out" ealg)" \
    hmac-sha-1-96/aes-cbc
for k in spi_uc spi_us spi_pc spi_ps port_uc port_us port_pc port_ps; do
	eval "R_$k=\$(val \"\$LAB_DIR/reg.out\" $k)"
done
# shellcheck disable=SC2154 # R_* are set by the eval above
{
	same "...port_uc/port_us as configured" "$R_port_uc/$R_port_us" 5070/5069
	check "...Kamailio's protected ports (5100../6100..)" \
	    eval "[ '$R_port_pc' -ge 5100 ] && [ '$R_port_ps' -ge 6100 ]"
	expires=$(val "$LAB_DIR/reg.out" expires)

	# The UE's SA table: exactly the set, marked with the UE's tag.
	lab_in ue ip xfrm state >"$LAB_DIR/xfrm-state.txt"
	lab_in ue ip -s xfrm state >"$LAB_DIR/xfrm-state-s.txt"
	lab_in ue ip xfrm policy >"$LAB_DIR/xfrm-policy.txt"
	got=$(grep -o 'spi 0x[0-9a-f]*' "$LAB_DIR/xfrm-state.txt" | sort | tr '\n' ' ')
	want=$(for s in "$R_spi_uc" "$R_spi_us" "$R_spi_pc" "$R_spi_ps"; do
		echo "spi $(hex "$s")"; done | sort | tr '\n' ' ')
	same "the UE's SAs are exactly the printed four" "$got" "$want"
	same "...each with the UE's owner mark" \
	    "$(grep -c "output-mark $UE_OWNER_MARK" "$LAB_DIR/xfrm-state.txt")" 4
	same "...8 policies (UDP, TCP per SA)" \
	    "$(grep -c '^src ' "$LAB_DIR/xfrm-policy.txt")" 8
	check "...inbound SAs: spi_uc from $PC:$R_port_ps, spi_us from :$R_port_pc" \
	    eval "grep -A3 'src $PC dst $UE' '$LAB_DIR/xfrm-state.txt' | grep -q 'spi $(hex "$R_spi_uc")' &&
	    grep -A3 'src $PC dst $UE' '$LAB_DIR/xfrm-state.txt' | grep -q 'spi $(hex "$R_spi_us")'"
	hard=$(grep 'expire add:' "$LAB_DIR/xfrm-state-s.txt" |
	    grep -o 'hard [0-9]*(sec)' | grep -o '[0-9]*' | sort -u | tr '\n' ' ')
	read -ra hards <<<"$hard"
	# Counted from each SA's add time (gm_sa_set_lifetime: the same
	# moment for all), so an SA added a second later shows one more.
	check "...hard lifetime = expires + 30 s (TS 33.203 7.4): $hard" \
	    in_range "$((expires + 30))" "$((expires + 33))" "${hards[@]}"
}

# --- message over the live set ------------------------------------------
ue message --to "sip:alice@$D" --body "hello over ESP" >"$LAB_DIR/msg.out"; rc=$?
sed 's/^/  message: /' "$LAB_DIR/msg.out"
same "message --ipsec exits 0" "$rc" 0
same "...over the live set (no new registration)" \
    "$(val "$LAB_DIR/msg.out" ipsec_set)" live
same "...MESSAGE answered 200 (S-CSCF -> Kamailio -> UE's port_us and back)" \
    "$(val "$LAB_DIR/msg.out" message_status)" 200

# --- deregister -----------------------------------------------------------
ue deregister >"$LAB_DIR/dereg.out"; rc=$?
sed 's/^/  deregister: /' "$LAB_DIR/dereg.out"
same "deregister --ipsec exits 0" "$rc" 0
same "...deregistered" "$(val "$LAB_DIR/dereg.out" result)" deregistered
check "...every set of alice removed" \
    eval "[ \"\$(val '$LAB_DIR/dereg.out' ipsec_removed)\" -ge 1 ]"
same "no SA left in the UE's namespace" \
    "$(lab_in ue ip xfrm state | grep -c '^src ')" 0
same "no policy left in the UE's namespace" \
    "$(lab_in ue ip xfrm policy | grep -c '^src ')" 0
D_spis=""
for k in spi_uc spi_us spi_pc spi_ps; do
	D_spis+=" $(val "$LAB_DIR/dereg.out" $k)"
done

sleep 1
kill "$td" 2>/dev/null
wait "$td" 2>/dev/null

# --- the wire -------------------------------------------------------------
pcap=$LAB_DIR/ue.pcap
tsk() { tshark -r "$pcap" -Y "$1" "${@:2}" 2>/dev/null; }
# (retransmissions of the first REGISTER and its 401 are the same one)
same "one REGISTER in clear, UE:5060 -> P-CSCF:5060" \
    "$(tsk 'sip.Method == "REGISTER"' -T fields -e udp.srcport \
	-e udp.dstport -e sip.Via.branch | sort -u | tr '\t' ' ')" \
    "5060 5060 $(tsk 'sip.Method == "REGISTER"' -T fields \
	-e sip.Via.branch | head -n 1)"
same "...and its 401 in clear, to UE:5060, and no other response" \
    "$(tsk 'sip.Status-Line' -T fields -e sip.Status-Code -e udp.dstport \
	-e sip.CSeq.seq | sort -u | tr '\t' ' ')" "401 5060 1"
same "no other cleartext UDP (fragments counted)" \
    "$(tsk 'ip.proto == 17 && !(udp.port == 5060)' | wc -l)" 0
tsk esp -T fields -e ip.src -e esp.spi >"$LAB_DIR/esp.txt"
check "ESP on the wire ($(wc -l <"$LAB_DIR/esp.txt") packets)" \
    [ -s "$LAB_DIR/esp.txt" ]
# allowed: SRC SPI of each set (UE -> P-CSCF: spi_ps, spi_pc)
allowed=$(
	for s in "$R_spi_ps" "$R_spi_pc"; do echo "$UE $(hex "$s")"; done
	for s in "$R_spi_uc" "$R_spi_us"; do echo "$PC $(hex "$s")"; done
	read -r duc dus dpc dps <<<"$D_spis"
	for s in $dps $dpc; do echo "$UE $(hex "$s")"; done
	for s in $duc $dus; do echo "$PC $(hex "$s")"; done
)
bad=$(awk '{print $1, $2}' "$LAB_DIR/esp.txt" | sort -u | grep -vxF "$allowed")
same "every ESP packet carries a printed SPI, in its direction" "$bad" ""
for s in "$R_spi_ps" "$R_spi_pc" "$R_spi_uc" "$R_spi_us"; do
	check "...SPI $(hex "$s") of the registration set seen" \
	    eval "awk '{print \$2}' '$LAB_DIR/esp.txt' | grep -qx $(hex "$s")"
done
same "nothing malformed" "$(tsk _ws.malformed | wc -l)" 0
check "no key material in ims-ue's stderr" \
    eval "! grep -Eqi '(ck|ik|key)=' '$LAB_DIR/ue.err'"
check "Kamailio still running" kill -0 "$(lab_pid kam-pcscf)"

if [ "$FAILED" -gt 0 ]; then	# the guest's /tmp goes with it: show why
	for f in "$LAB_DIR"/kam-pcscf.log "$LAB_DIR"/ue.err "$LAB_DIR"/scscf.log; do
		echo "== $f"
		grep -Ev ' DEBUG: ' "$f" | tail -n 40
	done
	tshark -r "$pcap" 2>/dev/null | tail -n 40
fi
lab_cleanup
trap - EXIT
summary
