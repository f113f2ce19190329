#!/bin/bash
# esp_demo.sh IMSXFRM - the Gm part of scripts/demo.sh: the four ESP SAs of
# TS 33.203 (clause 7.1) between a UE and a P-CSCF, keyed from the IMS AKA
# CK/IK (Annex I, via `imsxfrm gm-keys`), carrying a REGISTER and its answer.
#
#   IMS_DEMO_CK=HEX IMS_DEMO_IK=HEX tests/kernel/kernel_test.sh \
#       tests/kernel/esp_demo.sh build/bin/imsxfrm
# Without IMS_DEMO_CK/IK the CK/IK of TS 35.208 test set 1 are used.
#
# Two namespaces, "ue" and "pcscf", joined by a veth.  TS 33.203 7.1: each
# side has a protected client and server port (port_uc/port_us at the UE,
# port_pc/port_ps at the P-CSCF) and picks the SPIs of its inbound SAs
# (spi_uc/spi_us, spi_pc/spi_ps); the SAs are unidirectional:
#   UE:port_uc -> P-CSCF:port_ps  spi_ps  (UE requests, e.g. REGISTER)
#   P-CSCF:port_ps -> UE:port_uc  spi_uc  (their responses)
#   P-CSCF:port_pc -> UE:port_us  spi_us  (P-CSCF requests)
#   UE:port_us -> P-CSCF:port_pc  spi_pc  (their responses)
# ESP transport mode, hmac-sha-1-96 + aes-cbc, UDP selectors on the ports;
# every SA and its policy installed with imsxfrm on both sides.
# Shown: the SA table with the kernel's packet/byte counters (imsxfrm
# sa-get), the capture one line per packet (tcpdump -r decodes the SPI).
# Asserted: both exchanges arrive, every SA counts one packet on both sides,
# the capture holds ESP with exactly the four SPIs and no UDP, and the
# cleartext "REGISTER" is not in it.  A failed check is counted (FAIL:
# lines, exit 1 at the end); setup errors end the demo at once (FATAL:).
set -uo pipefail
X=${1:?usage: esp_demo.sh PATH/TO/imsxfrm}
PY=(/usr/bin/python3 -S)	# no site scan: slow over 9p in the guest
CK=${IMS_DEMO_CK:-b40ba9a3c58b2a05bbf0d987b21bf8cb}	# TS 35.208 set 1
IK=${IMS_DEMO_IK:-f769bcd751044604127672711c6d3441}
UE=ue PC=pcscf
UE_IP=10.45.0.10 PC_IP=10.45.0.1
port_uc=5070 port_us=5072 port_pc=5062 port_ps=5064
spi_uc=0x00001001 spi_us=0x00001002 spi_pc=0x00002001 spi_ps=0x00002002
AUTH=hmac-sha-1-96 ENC=aes-cbc
start=$(date +%s)
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
# shellcheck source=SCRIPTDIR/klib.sh
. "$here/klib.sh"
klib_init ims-gm
need tcpdump
inUE() { ip netns exec "$UE" "$@"; }
inPC() { ip netns exec "$PC" "$@"; }

[ -x "$X" ] || die "imsxfrm not executable: $X"
[[ $CK =~ ^[0-9a-fA-F]{32}$ && $IK =~ ^[0-9a-fA-F]{32}$ ]] ||
	die "IMS_DEMO_CK / IMS_DEMO_IK must be 32 hex digits"

# --- keys: TS 33.203 Annex I ---------------------------------------------------------
keys=$("$X" gm-keys --ck "$CK" --ik "$IK" --alg $AUTH --ealg $ENC 2>"$work/keys.err") ||
	die "gm-keys: $(cat "$work/keys.err")"
AK=$(sed -n 's/^auth_key=//p' <<<"$keys") EK=$(sed -n 's/^enc_key=//p' <<<"$keys")
if [ ${#AK} != 40 ] || [ ${#EK} != 32 ]; then
	die "gm-keys gave unexpected key lengths"
fi
echo "keys (not shown): $AUTH IK_ESP = IK || 32 zero bits (160 bits), $ENC CK_ESP = CK (128 bits)"

# --- topology -----------------------------------------------------------------------
netns_pair "$UE" gm-ue "$UE_IP/24" "$PC" gm-pcscf "$PC_IP/24" || die "no namespaces"

# --- the four SAs and their policies, with imsxfrm, in both namespaces ----------------
# name src sport dst dport spi reqid (src/dst: ue|pc)
SAS=("uc->ps ue $port_uc pc $port_ps $spi_ps 1"
     "ps->uc pc $port_ps ue $port_uc $spi_uc 2"
     "pc->us pc $port_pc ue $port_us $spi_us 3"
     "us->pc ue $port_us pc $port_pc $spi_pc 4")
# addr ue|pc, ns ue|pc: that side's address, namespace.
addr() { if [ "$1" = ue ]; then echo "$UE_IP"; else echo "$PC_IP"; fi; }
ns() { if [ "$1" = ue ]; then echo "$UE"; else echo "$PC"; fi; }
for s in "${SAS[@]}"; do
	read -r name from sport to dport spi reqid <<<"$s"
	src=$(addr "$from") dst=$(addr "$to")
	for n in "$UE" "$PC"; do
		ip netns exec "$n" "$X" sa-add --src "$src" --dst "$dst" --spi "$spi" \
		    --mode transport --proto-sel udp --sport "$sport" --dport "$dport" \
		    --reqid "$reqid" --replay 32 --auth $AUTH --auth-key "$AK" \
		    --enc $ENC --enc-key "$EK" || die "sa-add $name spi $spi in $n"
	done
	for n in "$UE" "$PC"; do
		dir=in
		[ "$n" != "$(ns "$from")" ] || dir=out
		ip netns exec "$n" "$X" policy-add --src "$src" --dst "$dst" --proto udp \
		    --sport "$sport" --dport "$dport" --dir $dir --tmpl-src "$src" \
		    --tmpl-dst "$dst" --mode transport --reqid "$reqid" >/dev/null ||
			die "policy-add $name $dir in $n"
	done
done
unset AK EK keys
echo "installed 4 SAs + 4 policies in each of $UE and $PC with imsxfrm"

# --- traffic: REGISTER UE:port_uc -> P-CSCF:port_ps and its answer back; a
# P-CSCF request port_pc -> UE:port_us (NOTIFY) and its 200 OK back ----------------------
cat >"$work/sip.py" <<'PYEOF'
import socket, sys
mode, me, peer, first = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
def ep(s):
    h, p = s.rsplit(":", 1)
    return (h, int(p))
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(ep(me))
s.settimeout(30)
# SIP over UDP: CRLF line ends, an empty line after the headers.
msg = (sys.stdin.read().rstrip("\n") + "\n\n").replace("\n", "\r\n").encode()
if mode == "serve":
    print("ready", flush=True)
    data, src = s.recvfrom(65535)
    print("%s got %r from %s:%d" % (me, data.split(b"\r\n")[0].decode(), *src), flush=True)
    s.sendto(msg, src)
else:
    s.sendto(msg, ep(peer))
    data, src = s.recvfrom(65535)
    print("%s got %r from %s:%d" % (me, data.split(b"\r\n")[0].decode(), *src), flush=True)
if not data.decode().startswith(first):
    sys.exit(1)
PYEOF
sv="ipsec-3gpp;alg=$AUTH;ealg=$ENC;prot=esp;mod=trans;spi-c=$((spi_pc));spi-s=$((spi_ps));port-c=$port_pc;port-s=$port_ps"
register="REGISTER sip:ims.example.org SIP/2.0
Via: SIP/2.0/UDP $UE_IP:$port_uc;branch=z9hG4bK-demo-2;rport
Max-Forwards: 70
From: <sip:alice@ims.example.org>;tag=demo1
To: <sip:alice@ims.example.org>
Call-ID: demo-gm-1@$UE_IP
CSeq: 2 REGISTER
Contact: <sip:alice@$UE_IP:$port_us>
Security-Verify: $sv
Require: sec-agree
Proxy-Require: sec-agree
Content-Length: 0
"
answer="SIP/2.0 200 OK
Via: SIP/2.0/UDP $UE_IP:$port_uc;branch=z9hG4bK-demo-2;rport=$port_uc
From: <sip:alice@ims.example.org>;tag=demo1
To: <sip:alice@ims.example.org>;tag=pcscf1
Call-ID: demo-gm-1@$UE_IP
CSeq: 2 REGISTER
Content-Length: 0
"
notify="NOTIFY sip:alice@$UE_IP:$port_us SIP/2.0
Via: SIP/2.0/UDP $PC_IP:$port_pc;branch=z9hG4bK-demo-n1
Max-Forwards: 70
From: <sip:alice@ims.example.org>;tag=reg1
To: <sip:alice@ims.example.org>;tag=demo1
Call-ID: demo-reg-1@$PC_IP
CSeq: 1 NOTIFY
Event: reg
Subscription-State: active;expires=600000
Content-Length: 0
"
notify_ok="SIP/2.0 200 OK
Via: SIP/2.0/UDP $PC_IP:$port_pc;branch=z9hG4bK-demo-n1
CSeq: 1 NOTIFY
Content-Length: 0
"
pcap=$work/gm.pcap
bg "$PC" tcpdump tcpdump -Z root -U --immediate-mode -n -s 0 -i gm-pcscf -w "$pcap" \
    2>"$work/tcpdump.err"
for _ in $(seq 100); do [ -s "$pcap" ] && break; sleep 0.1; done
[ -s "$pcap" ] || die "tcpdump did not start: $(cat "$work/tcpdump.err")"

# exchange NAME SERVER-NS SERVER CLIENT-NS CLIENT REQUEST ANSWER: REQUEST
# from CLIENT to SERVER, ANSWER back; passes NAME when both sides got what
# they expected (the first word of the other's message).
exchange() {
	local name=$1 sns=$2 srv=$3 cns=$4 cli=$5 req=$6 ans=$7
	local out=$work/$name spid
	printf '%s' "$ans" | ip netns exec "$sns" "${PY[@]}" "$work/sip.py" serve \
	    "$srv" - "${req%% *}" >"$out.srv" 2>&1 &
	spid=$!
	for _ in $(seq 100); do grep -q ready "$out.srv" && break; sleep 0.1; done
	if ! printf '%s' "$req" | ip netns exec "$cns" "${PY[@]}" "$work/sip.py" \
	    send "$cli" "$srv" "${ans%% *}" >"$out.cli" 2>&1; then
		kill "$spid" 2>/dev/null
		cat "$out.srv" "$out.cli" >&2
		fail "$name: no answer"
		return
	fi
	if ! wait "$spid"; then
		cat "$out.srv" >&2
		fail "$name: the server side failed"
		return
	fi
	grep -v ready "$out.srv"
	cat "$out.cli"
	pass "$name: ${req%% *} from $cli to $srv, '${ans%%$'\n'*}' back"
}
echo
echo "traffic:"
exchange register "$PC" "$PC_IP:$port_ps" "$UE" "$UE_IP:$port_uc" "$register" "$answer"
exchange notify "$UE" "$UE_IP:$port_us" "$PC" "$PC_IP:$port_pc" "$notify" "$notify_ok"
sleep 0.5
stop tcpdump

# --- the SA table ---------------------------------------------------------------------
# counters NS DST SPI -> "packets/bytes"
counters() {
	ip netns exec "$1" "$X" sa-get --dst "$2" --spi "$3" |
	    awk -F= '$1 == "packets" { p = $2 } $1 == "bytes" { b = $2 } END { print p "/" b }'
}
echo
echo "SAs (TS 33.203 7.1; transport mode, UDP; $AUTH + $ENC; counters from imsxfrm sa-get):"
printf '  %-10s  %-46s  %-9s  %-9s\n' spi "from -> to" "ue pkt/B" "pcscf pkt/B"
since=$FAILED
for s in "${SAS[@]}"; do
	read -r name from sport to dport spi _ <<<"$s"
	src=$(addr "$from") dst=$(addr "$to")
	u=$(counters "$UE" "$dst" "$spi") p=$(counters "$PC" "$dst" "$spi")
	who=UE to_who=UE
	[ "$from" = ue ] || who=P-CSCF
	[ "$to" = ue ] || to_who=P-CSCF
	printf '  %-10s  %-46s  %-9s  %-11s  %s\n' "$spi" \
	    "$who $src:$sport -> $to_who $dst:$dport" "$u" "$p" "spi_${name#*>}"
	if [ "${u%%/*}" != 1 ] || [ "${p%%/*}" != 1 ]; then
		fail "SA $spi: $u at the UE, $p at the P-CSCF; want one packet on both sides"
	fi
done
[ "$FAILED" -gt "$since" ] || pass "every SA carried exactly one packet on both sides"

# --- the capture ----------------------------------------------------------------------
echo
echo "capture on the P-CSCF's veth, every IPv4 packet (tcpdump -n -r, ARP left out):"
tcpdump -n -t -r "$pcap" ip 2>/dev/null | sed 's/^/  /'
got=$(tcpdump -n -r "$pcap" esp 2>/dev/null | grep -o 'ESP(spi=0x[0-9a-f]*' |
    sed 's/ESP(spi=//' | sort | tr '\n' ' ')
want=$(printf '%s\n' "$spi_ps" "$spi_uc" "$spi_us" "$spi_pc" | sort | tr '\n' ' ')
same "4 ESP packets with exactly the SPIs $want(one per SA)" "$got" "$want"
n=$(tcpdump -n -r "$pcap" udp 2>/dev/null | wc -l)
check "no UDP on the wire ($n packets)" [ "$n" = 0 ]
check "control: the P-CSCF received the REGISTER in clear after ESP" \
    grep -q "got 'REGISTER sip:" "$work/register.srv"
check "'REGISTER' is not in the capture" absent REGISTER "$pcap"

if out=$(inUE "$X" flush-ours) && o2=$(inPC "$X" flush-ours); then
	pass "flush-ours: ue $out, pcscf $o2"
else
	fail "flush-ours"
fi
echo "esp_demo: $(( $(date +%s) - start )) s ($(uname -r))"
summary
