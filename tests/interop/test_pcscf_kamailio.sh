#!/bin/bash
# test_pcscf_kamailio.sh - OUR pcscf in front of Kamailio 5.6's I-CSCF and
# S-CSCF, with OUR hss over Cx (TCP); every node in its own namespace
# (imst-kam-*).  A SIPp UE registers through the pcscf (AKAv1-MD5): 200; the
# UE never sees ck=/ik= (SIPp's message trace and the UE's wire) while
# Kamailio's S-CSCF did send them on the core side; a wrong AKA response
# gets a 4xx final and no 200; no malformed SIP or Diameter on either wire.
# Env: HSS, HSS_CTL, PCSCF (binaries), LABLIB (scripts/lablib.sh), KAMDIR.
set -u
: "${HSS:?}" "${HSS_CTL:?}" "${PCSCF:?}" "${LABLIB:?}" "${KAMDIR:?}"
export LAB_PREFIX=imst-kam- LAB_NET=10.207.0 LAB_DIR=$PWD/run
# shellcheck source=kam_lib.sh
. "$KAMDIR/../kam_lib.sh"
kam_require "$PCSCF"

kam_topo hss scscf icscf pcscf ue
IC=$(lab_ip icscf); ICP=$(lab_port icscf)
PC=$(lab_ip pcscf); PCP=$(lab_port pcscf)
capture ue ue
capture br core
hss_up
for u in alice carol dave; do provision "$u"; done
kam_up scscf
kam_up icscf
lab_conf "$PCSCF" pcscf "$LAB_DIR/pcscf.conf" -o listen="$PC:$PCP" \
    -o icscf="sip:$IC:$ICP" -o visited="$DOMAIN" \
    -o trusted-peer="$IC" -o trusted-peer="$(lab_ip scscf)"
lab_start pcscf pcscf "$PCSCF" -c "$LAB_DIR/pcscf.conf"
lab_wait_listen pcscf u "$PCP" pcscf
pass "Kamailio S-CSCF and I-CSCF and our pcscf started"
kam_wait_cx scscf icscf || {
	tail -n 20 "$LAB_DIR"/kam-*.log "$LAB_DIR/hss.log"
	fatal "Cx links Kamailio -> hss not up within 45 s"
}
pass "Cx links Kamailio S-CSCF/I-CSCF -> our hss up (CER/CEA)"

# alice's is a first registration (UAA 2001, S-CSCF chosen by the I-CSCF).
check "alice registers via our pcscf -> Kamailio I-CSCF/S-CSCF -> our hss: 200" \
    sipp_ue alice 5071 reg.xml "$PC:$PCP" 0
M=$LAB_DIR/alice-reg.xml.msgs
check "...the UE got the AKAv1-MD5 challenge" \
    grep -q 'algorithm=AKAv1-MD5' "$M"
check "...and a final 200" eval "[ \"\$(statuses $M | tail -n 1)\" = 200 ]"
check "...the UE never saw ck=/ik= (SIPp message trace)" \
    eval "! grep -Eqi '(^|[ ,;])(ck|ik)=' '$M'"
check "...the pcscf added Path and P-Visited-Network-ID on the way" \
    eval "grep -q \"REQ REGISTER\" '$LAB_DIR/kam-icscf.log' && ! grep -q 'P-Visited-Network-ID' '$M'"
"$HSS_CTL" --db "$LAB_DIR/db/hss.db" show --impi "alice@$DOMAIN" \
    >"$LAB_DIR/alice.show" 2>&1
check "hss-ctl show: alice registered at Kamailio's S-CSCF ($(SCSCF_URI))" \
    eval "grep -qx 'state=registered' '$LAB_DIR/alice.show' && grep -qx 'scscf=$(SCSCF_URI)' '$LAB_DIR/alice.show'"

sipp_ue carol 5072 reg_fail.xml "$PC:$PCP" 0
M=$LAB_DIR/carol-reg_fail.xml.msgs
st=$(statuses "$M" | tr '\n' ' ')
echo "wrong response: statuses received: $st"
check "a wrong AKA response via the pcscf: 401 then a 4xx final ($st)" \
    eval "statuses $M | head -n 1 | grep -qx 401 && statuses $M | tail -n 1 | grep -qx '4[0-9][0-9]' && [ \$(statuses $M | wc -l) -ge 2 ]"
check "...and no 200" eval "! statuses $M | grep -qx 200"
check "...no ck=/ik= in that trace either" \
    eval "! grep -Eqi '(^|[ ,;])(ck|ik)=' '$M'"

for n in scscf icscf; do
	check "Kamailio $n still running, no crash in its log" kam_alive $n
done
check "our pcscf still running" \
    kill -0 "$(cat "$LAB_DIR/pcscf.pid" 2>/dev/null)"
sleep 1
capture_stop ue
capture_stop core
DEC="-d udp.port==$ICP,sip -d udp.port==$(lab_port scscf),sip"
check "the UE's wire carried SIP" eval "[ -n \"\$(tsk ue sip)\" ]"
# (the work-around's REGISTERs went straight to the S-CSCF, whose 401s
# to the UE do carry ck/ik: only what the pcscf sent counts)
check "no ck=/ik= in what the pcscf sent on the UE's wire" eval \
    "[ -n \"\$(tsk ue 'ip.src == $PC && sip')\" ] && [ -z \"\$(tsk ue 'ip.src == $PC && (sip contains \"ck=\" || sip contains \"ik=\")')\" ]"
check "ck= on the core wire (Kamailio S-CSCF -> I-CSCF -> pcscf)" eval \
    "[ -n \"\$(tsk core 'sip contains \"ck=\"' $DEC)\" ]"
check "Diameter on the core wire, with UAR, MAR and SAR" eval \
    "[ -n \"\$(tsk core 'diameter.cmd.code == 300')\" ] && [ -n \"\$(tsk core 'diameter.cmd.code == 303')\" ] && [ -n \"\$(tsk core 'diameter.cmd.code == 301')\" ]"
check "no malformed SIP (UE side)" eval "[ -z \"\$(tsk ue _ws.malformed)\" ]"
check "no malformed SIP or Diameter (core)" \
    eval "[ -z \"\$(tsk core _ws.malformed $DEC)\" ]"
check "no key material in our pcscf's log" \
    eval "! grep -Eqi '(^|[ ,;])(ck|ik)=' '$LAB_DIR/pcscf.log'"
summary
