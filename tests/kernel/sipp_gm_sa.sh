#!/bin/bash
# sipp_gm_sa.sh - the UE side of Gm IPsec (TS 33.203 7.1) for a SIPp UE
# (kernel.test_sipp_ipsec).  SIPp 3.6.1 computes the AKA RES itself but
# neither exposes CK/IK nor installs SAs, so the scenario's <exec> runs
# this on the 401:
#
#   sipp_gm_sa.sh BIN OUT K OP PCSCF_IP PORT_US SPI_UC SPI_US UE_IP PORT_UC \
#       SECURITY_SERVER NONCE CALL_ID
#
# SECURITY_SERVER: the 401's Security-Server value (one ipsec-3gpp
# mechanism, decimal spi-c/spi-s/port-c/port-s); NONCE: its AKA nonce
# (base64 of RAND || AUTN ...); UE_IP:PORT_UC: SIPp's own address and port
# ([local_ip], [local_port]: every message of the scenario leaves from
# there).  CK/IK come from BIN/imsauth ue-check with K and OP (the USIM);
# the four SAs and eight policies from BIN/imsxfrm gm-sa install --side ue
# with the UE's fixed SPIs SPI_UC/SPI_US (>= 256, not reserved: no
# --larval) and a lifetime of 600 s.  Appends alg, ealg, spi_*, port_*
# and result=installed (or result=failed, error=WHY) to OUT; no key.
#
# SIPp runs <exec> commands in a grandchild and does not wait for them,
# so the scenario cannot know by itself when the SAs are in place: this
# helper then sends an INFO with the scenario's Call-ID to UE_IP:PORT_UC
# (from UE_IP, over the loopback: no policy of the set matches it) with
# `X-Gm-SA: installed` or `X-Gm-SA: failed`, which the scenario waits for
# before it sends the protected REGISTER.
set -u
[ $# -eq 13 ] || { echo "usage: ${0##*/} BIN OUT K OP PCSCF_IP PORT_US SPI_UC SPI_US UE_IP PORT_UC SECURITY_SERVER NONCE CALL_ID" >&2; exit 2; }
bin=$1 out=$2 k=$3 op=$4 pip=$5 port_us=$6 spi_uc=$7 spi_us=$8
ue=$9 port_uc=${10} server=${11} nonce=${12} callid=${13}

# report installed|failed: the INFO that releases the scenario.
report() {
	local m
	m="INFO sip:ue@$ue:$port_uc SIP/2.0"$'\r\n'
	m+="Via: SIP/2.0/UDP $ue:9;branch=z9hG4bK-gm-sa-$$"$'\r\n'
	m+="From: <sip:sipp_gm_sa@$ue>;tag=gm-sa-$$"$'\r\n'
	m+="To: <sip:ue@$ue>"$'\r\n'
	m+="Call-ID: $callid"$'\r\n'
	m+="CSeq: 1 INFO"$'\r\n'
	m+="X-Gm-SA: $1"$'\r\n'
	m+="Content-Length: 0"$'\r\n\r\n'
	printf '%s' "$m" >"/dev/udp/$ue/$port_uc"
}
failed() {
	printf 'result=failed\nerror=%s\n' "$*" >>"$out"
	report failed
	exit 1
}

# The Security-Server's parameters (RFC 3329, TS 33.203 Annex H).
alg='' ealg=null spi_pc='' spi_ps='' port_pc='' port_ps=''
mech=${server%%,*}
case $mech in ipsec-3gpp\;*) ;; *) failed "not an ipsec-3gpp Security-Server: $server" ;; esac
IFS=';' read -r -a params <<<"${mech#ipsec-3gpp;}"
for kv in "${params[@]}"; do
	v=${kv#*=}
	case ${kv%%=*} in
	alg) alg=$v ;; ealg) ealg=$v ;;
	spi-c) spi_pc=$v ;; spi-s) spi_ps=$v ;;
	port-c) port_pc=$v ;; port-s) port_ps=$v ;;
	esac
done
for v in "$spi_pc" "$spi_ps" "$port_pc" "$port_ps"; do
	[[ $v =~ ^[0-9]+$ ]] || failed "Security-Server without decimal spi-c/spi-s/port-c/port-s: $server"
done
[ -n "$alg" ] || failed "Security-Server without alg: $server"

# RAND || AUTN from the nonce (RFC 3310 3.2); CK/IK as the USIM gives them.
hex=$(printf '%s' "$nonce" | base64 -d 2>/dev/null | od -An -tx1 -v | tr -d ' \n')
[ "${#hex}" -ge 64 ] || failed "nonce too short: $nonce"
keys=$("$bin/imsauth" ue-check --k "$k" --op "$op" --rand "${hex:0:32}" \
    --autn "${hex:32:32}") || failed "imsauth ue-check refused the challenge"
ck=$(sed -n 's/^ck=//p' <<<"$keys")
ik=$(sed -n 's/^ik=//p' <<<"$keys")
if [ -z "$ck" ] || [ -z "$ik" ]; then failed "imsauth ue-check gave no ck/ik"; fi

set_args=(--side ue --ue "$ue" --pcscf "$pip" --port-uc "$port_uc"
    --port-us "$port_us" --port-pc "$port_pc" --port-ps "$port_ps"
    --spi-uc "$spi_uc" --spi-us "$spi_us" --spi-pc "$spi_pc"
    --spi-ps "$spi_ps")
printf 'alg=%s\nealg=%s\nspi_uc=%s\nspi_us=%s\nspi_pc=%s\nspi_ps=%s\nport_uc=%s\nport_us=%s\nport_pc=%s\nport_ps=%s\n' \
    "$alg" "$ealg" "$spi_uc" "$spi_us" "$spi_pc" "$spi_ps" "$port_uc" \
    "$port_us" "$port_pc" "$port_ps" >>"$out"
err=$("$bin/imsxfrm" gm-sa install "${set_args[@]}" --alg "$alg" \
    --ealg "$ealg" --ck "$ck" --ik "$ik" --lifetime 600 2>&1 >/dev/null) ||
	failed "imsxfrm gm-sa install: $err"
echo "result=installed" >>"$out"
report installed
