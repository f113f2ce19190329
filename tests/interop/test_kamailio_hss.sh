#!/bin/bash
# test_kamailio_hss.sh - Kamailio 5.6's I-CSCF and S-CSCF (ims_icscf,
# ims_auth, ims_registrar_scscf; two instances, each in its own namespace)
# with OUR hss over Cx (TCP): a SIPp UE (AKAv1-MD5 with OP) registers
# through Kamailio I-CSCF -> Kamailio S-CSCF -> hss (UAR, MAR, SAR): 200;
# a wrong AKA response and an unknown user get a 4xx final (no 200); the
# hss's store holds the S-CSCF assignment; the Diameter on the hss's wire
# is well formed and has UAR/MAR/SAR.  Namespaces imst-kam-*.
# Env: HSS, HSS_CTL (binaries), LABLIB (scripts/lablib.sh), KAMDIR.
set -u
: "${HSS:?}" "${HSS_CTL:?}" "${LABLIB:?}" "${KAMDIR:?}"
export LAB_PREFIX=imst-kam- LAB_NET=10.206.0 LAB_DIR=$PWD/run
# shellcheck source=kam_lib.sh
. "$KAMDIR/../kam_lib.sh"
# shellcheck disable=SC2119  # kam_require's PROGRAM arguments are optional
kam_require

kam_topo hss scscf icscf ue
IC=$(lab_ip icscf); ICP=$(lab_port icscf)
capture hss hss
hss_up
for u in alice carol dave; do provision "$u"; done
kam_up scscf
kam_up icscf
pass "Kamailio S-CSCF and I-CSCF started"
kam_wait_cx scscf icscf || {
	tail -n 20 "$LAB_DIR"/kam-*.log "$LAB_DIR/hss.log"
	fatal "Cx links Kamailio -> hss not up within 45 s"
}
pass "Cx links Kamailio S-CSCF/I-CSCF -> our hss up (CER/CEA)"

# alice's is a first registration: UAA 2001 (no S-CSCF stored), the
# I-CSCF picks Kamailio's S-CSCF from its list.  Our hss leaves an empty
# Server-Capabilities out, since Kamailio's cdp drops a UAA carrying one
# ('AAACreateAVP: NULL value ... AVP Code 603').
check "alice has no S-CSCF assigned before registering" \
    eval "! \"\$HSS_CTL\" --db '$LAB_DIR/db/hss.db' show --impi alice@$DOMAIN | grep -q '^scscf=.'"
check "alice registers via Kamailio I-CSCF/S-CSCF and our hss: 200" \
    sipp_ue alice 5071 reg.xml "$IC:$ICP" 1
M=$LAB_DIR/alice-reg.xml.msgs
check "...the 401 carried an AKAv1-MD5 challenge" \
    grep -q 'algorithm=AKAv1-MD5' "$M"
check "...and the final response was 200" \
    eval "[ \"\$(statuses $M | tail -n 1)\" = 200 ]"
check "...Kamailio's cdp accepted every UAA (no 'NULL value ... AVP Code 603')" \
    eval "! grep -q 'AVP Code 603' '$LAB_DIR/kam-icscf.log'"
show=$("$HSS_CTL" --db "$LAB_DIR/db/hss.db" show --impi "alice@$DOMAIN" 2>&1)
echo "$show" >"$LAB_DIR/alice.show"
check "hss-ctl show: alice registered at Kamailio's S-CSCF ($(SCSCF_URI))" \
    eval "grep -qx 'state=registered' '$LAB_DIR/alice.show' && grep -qx 'scscf=$(SCSCF_URI)' '$LAB_DIR/alice.show'"

sipp_ue carol 5072 reg_fail.xml "$IC:$ICP" 1
M=$LAB_DIR/carol-reg_fail.xml.msgs
st=$(statuses "$M" | tr '\n' ' ')
echo "wrong response: statuses received: $st"
check "a wrong AKA response: 401 then a 4xx final ($st)" \
    eval "statuses $M | head -n 1 | grep -qx 401 && statuses $M | tail -n 1 | grep -qx '4[0-9][0-9]' && [ \$(statuses $M | wc -l) -ge 2 ]"
check "...and no 200" eval "! statuses $M | grep -qx 200"
"$HSS_CTL" --db "$LAB_DIR/db/hss.db" show --impi "carol@$DOMAIN" \
    >"$LAB_DIR/carol.show" 2>&1
check "...carol is not registered in the hss" \
    eval "! grep -qx 'state=registered' '$LAB_DIR/carol.show'"

sipp_ue mallory 5073 reg_fail.xml "$IC:$ICP" 1
M=$LAB_DIR/mallory-reg_fail.xml.msgs
st=$(statuses "$M" | tr '\n' ' ')
check "an unknown user (UAR 5001): a 4xx final, no 200 ($st)" \
    eval "statuses $M | tail -n 1 | grep -qx '4[0-9][0-9]' && ! statuses $M | grep -qx 200"

for n in scscf icscf; do
	check "Kamailio $n still running, no crash in its log" kam_alive $n
done
sleep 1
capture_stop hss
check "Diameter on the hss's wire" eval "[ -n \"\$(tsk hss diameter)\" ]"
for c in 300:UAR 301:SAR 303:MAR; do
	check "...with ${c#*:}s (command code ${c%%:*}) and answers" eval \
	    "[ -n \"\$(tsk hss 'diameter.cmd.code == ${c%%:*} && diameter.flags.request == 1')\" ] && [ -n \"\$(tsk hss 'diameter.cmd.code == ${c%%:*} && diameter.flags.request == 0')\" ]"
done
check "...a MAA with SIP-Auth-Data-Item and a SAA with (Cx-)User-Data" eval \
    "[ -n \"\$(tsk hss 'diameter.cmd.code == 303 && diameter.flags.request == 0 && diameter.avp.code == 612')\" ] && [ -n \"\$(tsk hss 'diameter.cmd.code == 301 && diameter.flags.request == 0 && diameter.avp.code == 606')\" ]"
check "no malformed Diameter (tshark _ws.malformed)" \
    eval "[ -z \"\$(tsk hss _ws.malformed)\" ]"
check "no tshark expert errors" eval \
    "! tshark -r '$LAB_DIR/hss.pcapng' -q -z expert,error 2>/dev/null | grep -q '^Errors'"
summary
