#!/bin/bash
# test_torture.sh - every RFC 4475 message (rfc4475/*.msg) sent to the
# P-CSCF, the I-CSCF and the S-CSCF over UDP and over TCP (torture.py,
# from the UE's namespace), each answer checked against
# rfc4475/expected.txt: the status, and over TCP that it came back on the
# connection the request came on (RFC 3261 18.2.2).  The daemons stay up,
# and tshark on the bridge finds nothing malformed in what the daemons
# send.  The identities of the RFC's REGISTERs are provisioned, so that
# a registrar's normal answer to them is the challenge (401).
# TORTURE_MEASURE=1 prints the table of answers instead of checking.
# Env: HSS, HSS_CTL, SCSCF, ICSCF, PCSCF (binaries), SIPDIR.
set -u
: "${HSS:?}" "${HSS_CTL:?}" "${SCSCF:?}" "${ICSCF:?}" "${PCSCF:?}"
: "${SIPDIR:?}"
# shellcheck source=tests/sip/sip_lib.sh
. "$SIPDIR/sip_lib.sh"
need tshark ss python3

EXPECTED=$SIPDIR/rfc4475/expected.txt
# A resolver that fails at once (nothing on 127.0.0.1:53): the names of
# the corpus (wsinv's Route) get 404 whatever the host's DNS is.
netns_etc 127.0.0.1 "" scscf icscf pcscf
# For the I- and the S-CSCF the sender plays a core peer (a P-CSCF relaying
# what reached it), so that the messages meet their proxy processing, not
# the trust boundary (tests/security attacks that); the P-CSCF sees a UE.
chain_up "$PWD/run-torture" -c br:br.pcapng \
	-S trusted-peer="$UE" -I trusted-peer="$UE"
# The identities of the RFC's REGISTERs.
for id in j.user watson user null-%00-null; do
	provision "$id@example.com" '*'
done

# All six runs at once (each message on its own socket).
for d in pcscf icscf scscf; do
	case $d in pcscf) a=$PC:5060 ;; icscf) a=$IC:5060 ;; scscf) a=$SC:6060 ;; esac
	for t in udp tcp; do
		in_ns ue python3 "$SIPDIR/torture.py" -t 3 "${a%:*}" "${a#*:}" \
			"$t" all >"$d-$t.out" 2>&1 &
		PIDS+=("$!")
		eval "RUN_${d}_$t=$!"
	done
done
for d in pcscf icscf scscf; do
	for t in udp tcp; do
		eval "wait \$RUN_${d}_$t"
	done
done

# expected STATUS-SET for NAME DAEMON TRANSPORT: the first line of
# expected.txt that matches ('*' matches any daemon or transport).
expected() {
	awk -v n="$1" -v d="$2" -v t="$3" '
	    /^#/ || NF < 4 { next }
	    $1 == n && ($2 == d || $2 == "*") && ($3 == t || $3 == "*") {
		print $4; exit }' "$EXPECTED"
}

if [ "${TORTURE_MEASURE:-0}" = 1 ]; then
	for d in pcscf icscf scscf; do
		for t in udp tcp; do
			sed "s/^/$d $t /" "$d-$t.out"
		done
	done
	exit 0
fi

for d in pcscf icscf scscf; do
	for t in udp tcp; do
		n=0
		while read -r name got rest; do
			n=$((n + 1))
			want=$(expected "$name" "$d" "$t")
			if [ -z "$want" ]; then
				fail "$name at $d/$t: no expected answer listed"
				continue
			fi
			ok=0
			case ",$want," in *",$got,"*) ok=1 ;; esac
			if [ $ok = 1 ] && [ "$t" = tcp ] && [ "$got" != none ]; then
				case $rest in *"[same-connection]"*) ;; *) ok=0 ;; esac
			fi
			if [ $ok = 1 ]; then
				pass "$name at $d/$t: $got $rest"
			else
				fail "$name at $d/$t: got '$got $rest', want $want"
			fi
		done <"$d-$t.out"
		check "$d/$t: all 49 messages sent" [ "$n" = 49 ]
	done
done

# RFC 3261 16.3 step 5 / 20.40: the 420 lists the Proxy-Require options.
for d in pcscf icscf scscf; do
	case $d in pcscf) a=$PC:5060 ;; icscf) a=$IC:5060 ;; scscf) a=$SC:6060 ;; esac
	in_ns ue python3 "$SIPDIR/torture.py" -t 3 --show Unsupported \
		"${a%:*}" "${a#*:}" udp bext01 >"$d-bext01.out" 2>&1
	check "$d: 420 Unsupported names the Proxy-Require options" grep -q \
		"^bext01 420 .*Unsupported=noProxiesSupportThis, norDoAnyProxiesSupportThis$" \
		"$d-bext01.out"
done

# Stray responses (RFC 3261 16.7 step 10, 18.1.2): a 2xx to INVITE whose
# top Via is the element's own goes on to the next Via; one whose top Via
# is someone else's, or any other stray response, is dropped (it used to
# be relayed along the Vias it carried).
for d in pcscf icscf scscf; do
	case $d in pcscf) a=$PC:5060 ;; icscf) a=$IC:5060 ;; scscf) a=$SC:6060 ;; esac
	check "$d: stray 2xx to INVITE under our own Via: relayed" eval \
		"[ \"\$(in_ns ue python3 $SIPDIR/stray.py ${a%:*} ${a#*:} self INVITE)\" = relayed ]"
	check "$d: stray 2xx under a foreign top Via: dropped" eval \
		"[ \"\$(in_ns ue python3 $SIPDIR/stray.py ${a%:*} ${a#*:} 192.0.2.1:5060 INVITE)\" = dropped ]"
	check "$d: stray 200 to MESSAGE under our own Via: dropped" eval \
		"[ \"\$(in_ns ue python3 $SIPDIR/stray.py ${a%:*} ${a#*:} self MESSAGE)\" = dropped ]"
done

for p in "$SCSCF_PID" "$ICSCF_PID" "$PCSCF_PID"; do
	check "daemon $p still running" kill -0 "$p"
done
sleep 1
kill "$BR_PID" 2>/dev/null; wait "$BR_PID" 2>/dev/null
DEC="-d udp.port==6060,sip -d tcp.port==6060,sip"
FROM="(ip.src==$SC || ip.src==$IC || ip.src==$PC)"
check "the daemons answered over SIP on the wire" eval \
	"[ -n \"\$(tshark -r br.pcapng $DEC -Y 'sip.Status-Code && $FROM' 2>/dev/null)\" ]"
check "nothing malformed sent by the daemons" eval \
	"[ -z \"\$(tshark -r br.pcapng $DEC -Y '_ws.malformed && $FROM' 2>/dev/null)\" ]"
summary
