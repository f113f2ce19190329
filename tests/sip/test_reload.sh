#!/bin/bash
# test_reload.sh - SIGHUP re-reads the configuration file (daemon.h): the
# I-CSCF's log-level goes from info to debug (DEBUG lines appear) and its
# S-CSCF list is replaced (a first registration after the reload is
# assigned to the new S-CSCF, on the su_root thread); a broken file is
# refused with FILE:LINE and the running configuration kept; the hss takes
# a new log level too.  Every log line has the daemon format.  Two S-CSCFs,
# the hss, SIPp UEs sending to the I-CSCF (trusted as if a P-CSCF); Cx
# over TCP.
# Env: HSS, HSS_CTL, SCSCF, ICSCF (binaries), SIPDIR.
set -u
: "${HSS:?}" "${HSS_CTL:?}" "${SCSCF:?}" "${ICSCF:?}" "${SIPDIR:?}"
# shellcheck source=tests/sip/sip_lib.sh
. "$SIPDIR/sip_lib.sh"
need sipp ss python3

# The SIPp UEs stand in for a P-CSCF: the I-CSCF refuses a REGISTER from
# outside the trust domain (TS 24.229 5.3.1.2).
chain_up "$PWD/run-reload" -n "hss scscf scscf2 icscf ue" \
	-d "scscf scscf2 icscf" -u "alice bob carol dave" \
	-H diameter.accept="scscf2.$DOMAIN@$SC2" \
	-I scscf="sip:$SC:6060=1,2" -I log-level=info -I trusted-peer="$UE"

# Lines "2026-12-01T15:11:54.123Z name[pid] LEVEL: message", nothing else.
FMT='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z'

check "alice registers through the I-CSCF: 200" \
	sipp_ue alice 5071 reg.xml "$IC:5060"
check "...assigned to the first S-CSCF" \
	grep -q "REGISTER for sip:alice@$DOMAIN to sip:$SC:6060" icscf.log
check "no DEBUG line at log-level info" eval "! grep -q ' DEBUG: ' icscf.log"

# The operator edits the file: debug, and the other S-CSCF.
sed -i -e 's/^log-level = .*/log-level = debug/' \
	-e "s|^scscf = .*|scscf = sip:$SC2:6060=1,2|" icscf.conf
kill -HUP "$ICSCF_PID"
check "SIGHUP: the I-CSCF reloaded its file" \
	wait_log icscf.log "INFO: reloaded icscf.conf" 50
check "log-level debug in effect: DEBUG lines" \
	wait_log icscf.log "DEBUG: icscf: S-CSCF 0: sip:$SC2:6060" 50
check "bob registers through the I-CSCF: 200" \
	sipp_ue bob 5072 reg.xml "$IC:5060"
check "...assigned to the new S-CSCF" \
	grep -q "REGISTER for sip:bob@$DOMAIN to sip:$SC2:6060" icscf.log
check "bob's binding is at the new S-CSCF, not the first" \
	[ "$(bindings bob scscf2)" = 1 -a "$(bindings bob scscf)" = 0 ]

# A broken file: refused with FILE:LINE, the running list stays.
echo "scscf = mailto:nobody" >>icscf.conf
n=$(wc -l <icscf.conf)
kill -HUP "$ICSCF_PID"
check "a broken file is refused with FILE:LINE" \
	wait_log icscf.log "ERROR: reload: icscf.conf:$n: scscf: expected" 50
check "carol registers: 200" sipp_ue carol 5073 reg.xml "$IC:5060"
check "...still by the running list (the new S-CSCF)" \
	grep -q "REGISTER for sip:carol@$DOMAIN to sip:$SC2:6060" icscf.log
check "the I-CSCF still runs" kill -0 "$ICSCF_PID"

# The hss has no reloadable key of its own; its log level is the
# skeleton's.
check "no DEBUG line in the hss log at info" eval "! grep -q ' DEBUG: ' hss.log"
sed -i 's/^log-level = .*/log-level = debug/' hss.conf
kill -HUP "$HSS_PID"
check "SIGHUP: the hss reloaded its file" \
	wait_log hss.log "INFO: reloaded hss.conf" 50
check "dave registers: 200" sipp_ue dave 5074 reg.xml "$IC:5060"
check "the hss logs DEBUG lines after its reload" grep -q ' DEBUG: ' hss.log

for f in icscf hss scscf scscf2; do
	n=${f%2}
	bad=$(grep -Evc "$FMT $n\[[0-9]+\] (ERROR|WARN|INFO|DEBUG): " "$f.log")
	check "every line of $f.log is 'TIME ${n}[PID] LEVEL: message' ($bad not)" \
		[ "$bad" -eq 0 ]
done
summary
