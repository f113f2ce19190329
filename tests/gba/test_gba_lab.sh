#!/bin/bash
# test_gba_lab.sh - SA6 end to end in the lab (./lab up): a subscriber
# provisioned with hss-ctl bootstraps from $UE_NS with `ims-ue
# gba-bootstrap` (Ub, the bsf, Zh to the hss), then uses Ut through the
# naf (HTTPS, Digest with the B-TID and Ks_NAF, Zn to the bsf) to the XCAP
# server, with curl and with `ims-ue ut`:
#   - PUT then GET returns the document (curl and ims-ue);
#   - the UE's Ks_NAF equals `imsauth ks-naf` for the same inputs (the naf's
#     equals it too: its Digest check passes with it);
#   - a wrong password gets 401; an expired B-TID gets 401 and a new
#     bootstrap works; user A's credentials on user B's document get 403;
#   - a NAF the GUSS does not allow is refused at Zn (5402 on the wire,
#     403 to the UE);
#   - bootstraps and registrations of one subscriber interleaved: the UE
#     never sees a reused SQN (no resynchronisation);
#   - tshark: only TLS on Ut, well-formed Diameter on Zh and Zn.
# Its own prefix/subnet.  Env: LAB (the ./lab script), BUILD_DIR.
set -u
: "${LAB:?}" "${BUILD_DIR:?}"
# Zh and Zn in clear (LAB_CX_TLS=0): the test reads their messages on the
# wire; their TLS is the same as Cx's (tests/lab/test_cx_tls.sh).
export BUILD_DIR LAB_PREFIX=imst-gba- LAB_NET=10.209.0 LAB_DIR=$PWD/lab \
    LAB_SEC_AGREE=optional LAB_CX_TLS=0
. "$(dirname "$0")/../lib/testlib.sh" ||
	{ echo "FATAL: cannot source testlib.sh" >&2; exit 1; }
need ip curl tshark openssl base64 xxd
CAP_PIDS=
trap 'for p in $CAP_PIDS; do kill "$p" 2>/dev/null; done
	"$LAB" down >/dev/null 2>&1' EXIT

"$LAB" down >/dev/null 2>&1
rm -f ./*.usim ./*.pcap	# a fresh lab's HSS starts its SQNs again
if ! "$LAB" up >up.log 2>&1; then
	cat up.log; tail -n 20 "$LAB_DIR"/*.log 2>/dev/null
	die "./lab up failed"
fi
pass "./lab up"
env_out=$("$LAB" env)
for v in BSF_URL NAF_URL NAF_FQDN LAB_CA; do
	check "./lab env sets $v" grep -q "^$v=." <<<"$env_out"
done
eval "$env_out"
check "status shows bsf, naf and xcap running" \
    [ "$("$LAB" status | grep -E '^(bsf|naf|xcap) ' | grep -c running)" = 3 ]

# Captures: Ub/Zh/Zn on the bsf's interface, Ut on the naf's.
ip netns exec "$LAB_PREFIX"bsf tshark -q -i eth0 -w "$PWD/bsf.pcap" \
    >/dev/null 2>&1 &
CAP_PIDS="$CAP_PIDS $!"
ip netns exec "$LAB_PREFIX"naf tshark -q -i eth0 -w "$PWD/naf.pcap" \
    >/dev/null 2>&1 &
CAP_PIDS="$CAP_PIDS $!"
sleep 2

K=3c4b5a69788796a4a4c3d2e1f0e1f2d3 AMF=8000
add_sub() {	# USER
	"$BIN/hss-ctl" --db "$HSS_DB" add --impi "$1@$DOMAIN" \
	    --impu "sip:$1@$DOMAIN" --impu "tel:+1555$RANDOM" --k "$K" \
	    --op "$DEMO_OP" --amf "$AMF" >/dev/null
}
check "hss-ctl adds dave and erin (newly provisioned)" \
    both add_sub dave -- add_sub erin

boot() {	# USER OUTFILE
	ip netns exec "$UE_NS" "$BIN/ims-ue" gba-bootstrap --impi "$1@$DOMAIN" \
	    --k "$K" --op "$DEMO_OP" --bsf "$BSF_URL" --naf "$NAF_FQDN" \
	    --cacert "$LAB_CA" --state "$PWD/$1.usim" >"$2" 2>"$2.err"
}
kv() { sed -n "s/^$1=//p" "$2" | head -n 1; }

check "dave bootstraps (ims-ue gba-bootstrap over Ub)" boot dave dave1.out
BTID=$(kv btid dave1.out) KS=$(kv ks_naf_b64 dave1.out)
NAFID=$(kv naf_id dave1.out)
check "B-TID is base64(RAND)@bsf ($BTID)" \
    grep -Eq '^[A-Za-z0-9+/]{22}==@[a-z0-9.-]+$' <<<"$BTID"
check "the NAF_Id is the NAF's FQDN and the Ua protocol id" \
    [ "${NAFID:0:$((${#NAF_FQDN} * 2))}" = "$(printf %s "$NAF_FQDN" |
    xxd -p | tr -d '\n')" ]
check "a lifetime is given" grep -q '^lifetime=.' dave1.out

# Ks_NAF from the same inputs, independently (imsauth: CK, IK from K, OP
# and RAND; then the Annex B KDF).
RAND=$(printf %s "${BTID%@*}" | base64 -d | xxd -p | tr -d '\n')
mil=$("$BIN/imsauth" milenage --k "$K" --op "$DEMO_OP" --rand "$RAND" \
    --sqn 000000000000 --amf "$AMF")
CK=$(sed -n 's/^ck=//p' <<<"$mil") IK=$(sed -n 's/^ik=//p' <<<"$mil")
want=$("$BIN/imsauth" ks-naf --ck "$CK" --ik "$IK" --rand "$RAND" \
    --impi "dave@$DOMAIN" --naf-id "$NAFID" | sed -n 's/^ks_naf=//p' |
    xxd -r -p | base64)
check "the UE's Ks_NAF equals imsauth ks-naf ($KS)" \
    both [ -n "$want" ] -- [ "$KS" = "$want" ]

DOC=$NAF_URL/simservs.ngn.etsi.org/users/sip:dave@$DOMAIN/simservs.xml
EDOC=$NAF_URL/simservs.ngn.etsi.org/users/sip:erin@$DOMAIN/simservs.xml
cat >doc.xml <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<simservs xmlns="http://uri.etsi.org/ngn/params/xml/simservs/xcap">
  <communication-diversion active="true"/>
</simservs>
XML
ut() {	# OUT USER PASS URL [curl args]: status code on stdout, body in OUT
	local out=$1 u=$2 p=$3 url=$4
	shift 4
	ip netns exec "$UE_NS" curl -sS --digest -u "$u:$p" \
	    --cacert "$LAB_CA" -o "$out" -w '%{http_code}' "$@" "$url"
}
st=$(ut put1.out "$BTID" "$KS" "$DOC" -X PUT \
    -H 'Content-Type: application/simservs+xml' --data-binary @doc.xml)
check "curl PUTs dave's document through the naf: 201 or 200 ($st)" \
    grep -Eq '^20[01]$' <<<"$st"
st=$(ut get1.out "$BTID" "$KS" "$DOC")
check "curl GETs it back: 200, the same document ($st)" \
    both [ "$st" = 200 ] -- cmp -s get1.out doc.xml
st=$(ut bad.out "$BTID" "${KS%?}A" "$DOC")
[ "${KS%?}A" = "$KS" ] && st=$(ut bad.out "$BTID" "${KS%?}B" "$DOC")
check "a wrong password gets 401 ($st)" [ "$st" = 401 ]

ip netns exec "$UE_NS" "$BIN/ims-ue" ut get --url "$DOC" \
    --btid "$BTID" --ks-naf-b64 "$KS" --cacert "$LAB_CA" >ueget.out
check "ims-ue ut get reads the same document" \
    both grep -q '^status=200' ueget.out -- \
    grep -q 'communication-diversion' ueget.out

# User B's credentials on user A's document, and B's own.
check "erin bootstraps" boot erin erin1.out
EBTID=$(kv btid erin1.out) EKS=$(kv ks_naf_b64 erin1.out)
st=$(ut x.out "$EBTID" "$EKS" "$DOC")
check "erin's credentials on dave's document: 403 ($st)" [ "$st" = 403 ]
st=$(ut x.out "$EBTID" "$EKS" "$DOC" -X PUT \
    -H 'Content-Type: application/simservs+xml' --data-binary @doc.xml)
check "erin cannot write dave's document either: 403 ($st)" [ "$st" = 403 ]
st=$(ut x.out "$EBTID" "$EKS" "$DOC" -H "X-3GPP-Intended-Identity: \"sip:dave@$DOMAIN\"")
check "nor by claiming dave's identity (X-3GPP-Intended-Identity): 403 ($st)" \
    [ "$st" = 403 ]
st=$(ut x.out "$EBTID" "$EKS" "$EDOC")
check "erin's own (empty) document: 404 ($st)" [ "$st" = 404 ]
st=$(ut get2.out "$BTID" "$KS" "$DOC")
check "dave's document is unchanged" \
    both [ "$st" = 200 ] -- cmp -s get2.out doc.xml

# A new bootstrap replaces the old B-TID: the old one is refused with a
# fresh challenge (401), the new one works.
check "dave bootstraps again" boot dave dave2.out
BTID2=$(kv btid dave2.out) KS2=$(kv ks_naf_b64 dave2.out)
check "a new B-TID" both [ -n "$BTID2" ] -- [ "$BTID2" != "$BTID" ]
st=$(ut x.out "$BTID2" "$KS2" "$DOC")
check "the new B-TID reads the document ($st)" [ "$st" = 200 ]

# An expired B-TID: GBA key lifetime 4 s in erin's GUSS.
"$BIN/hss-ctl" --db "$HSS_DB" gba-set --impi "erin@$DOMAIN" \
    --uss "1::sip:erin@$DOMAIN" --lifetime 4 >/dev/null ||
	fail "hss-ctl gba-set --lifetime"
check "erin bootstraps with a 4 s key lifetime" boot erin erin2.out
EBTID=$(kv btid erin2.out) EKS=$(kv ks_naf_b64 erin2.out)
st=$(ut x.out "$EBTID" "$EKS" "$EDOC" -X PUT \
    -H 'Content-Type: application/simservs+xml' --data-binary @doc.xml)
check "erin writes her document before expiry ($st)" grep -Eq '^20[01]$' <<<"$st"
sleep 6
st=$(ut x.out "$EBTID" "$EKS" "$EDOC")
check "after expiry the B-TID gets 401 ($st)" [ "$st" = 401 ]
check "a new bootstrap works" boot erin erin3.out
st=$(ut x.out "$(kv btid erin3.out)" "$(kv ks_naf_b64 erin3.out)" "$EDOC")
check "...and reads her document again ($st)" [ "$st" = 200 ]

# A NAF the GUSS does not allow: dave's only USS is for NAF group
# "elsewhere"; the naf is in another group.
"$BIN/hss-ctl" --db "$HSS_DB" gba-set --impi "dave@$DOMAIN" \
    --uss "1:elsewhere:sip:dave@$DOMAIN" >/dev/null ||
	fail "hss-ctl gba-set --uss 1:elsewhere"
check "dave bootstraps (Ub does not depend on the NAF)" boot dave dave3.out
st=$(ut x.out "$(kv btid dave3.out)" "$(kv ks_naf_b64 dave3.out)" "$DOC")
check "the naf is refused at Zn: 403 to the UE ($st)" [ "$st" = 403 ]

# SQN: bootstraps and IMS registrations of alice interleaved, one USIM
# state: every vector is fresh to the UE (no resynchronisation).
reg() {
	ip netns exec "$UE_NS" "$BIN/ims-ue" register --impi "alice@$DOMAIN" \
	    --impu "sip:alice@$DOMAIN" --k "$DEMO_K" --op "$DEMO_OP" \
	    --pcscf "$PCSCF_ADDR:$PCSCF_PORT" --state "$PWD/alice.usim"
}
aboot() {
	ip netns exec "$UE_NS" "$BIN/ims-ue" gba-bootstrap \
	    --impi "alice@$DOMAIN" --k "$DEMO_K" --op "$DEMO_OP" \
	    --bsf "$BSF_URL" --naf "$NAF_FQDN" --cacert "$LAB_CA" \
	    --state "$PWD/alice.usim"
}
: >inter.out
for _ in 1 2 3; do
	reg >>inter.out 2>&1
	aboot >>inter.out 2>&1
done
check "3 registrations and 3 bootstraps interleaved succeed" \
    both [ "$(grep -c '^result=registered' inter.out)" = 3 ] -- \
    [ "$(grep -c '^btid=' inter.out)" = 3 ]
check "...and none needed a resynchronisation (no SQN reused)" \
    [ "$(grep -c '^resync=1' inter.out)" = 0 ]

sleep 1
for p in $CAP_PIDS; do kill "$p" 2>/dev/null; done
wait 2>/dev/null
CAP_PIDS=
BSF_PORT=${BSF_URL##*:} BSF_PORT=${BSF_PORT%%/*}
NAF_PORT=${NAF_URL##*:} NAF_PORT=${NAF_PORT%%/*}
dia() {	# PCAP FILTER: diameter fields, one line per message
	tshark -r "$1" -d tcp.port==3868,diameter -Y "$2" -T fields \
	    -e diameter.applicationId -e diameter.cmd.code \
	    -e diameter.flags.request -e diameter.Experimental-Result-Code \
	    2>/dev/null
}
dia bsf.pcap diameter >dia.txt
check "Zh on the wire: MAR/MAA with Application-Id 16777221" \
    grep -Eq '^16777221	303	(1|True)' dia.txt
check "Zn on the wire: BIR/BIA with Application-Id 16777220" \
    grep -Eq '^16777220	310	(1|True)' dia.txt
check "the refused NAF: 5402 (DIAMETER_ERROR_NOT_AUTHORIZED) in a BIA" \
    grep -Eq '^16777220	310	(0|False)	5402' dia.txt
check "no malformed Diameter" \
    [ -z "$(tshark -r bsf.pcap -d tcp.port==3868,diameter -Y _ws.malformed 2>/dev/null)" ]
n_ub=$(tshark -r bsf.pcap -d "tcp.port==$BSF_PORT,http" -Y \
    'http.content_type contains "vnd.3gpp.bsf+xml"' 2>/dev/null | wc -l)
check "Ub: 200s with the bsf+xml body on the wire ($n_ub)" [ "$n_ub" -ge 5 ]
n_tls=$(tshark -r naf.pcap -Y "tcp.port==$NAF_PORT && tls" 2>/dev/null | wc -l)
n_http=$(tshark -r naf.pcap -d "tcp.port==$NAF_PORT,http" \
    -Y "tcp.port==$NAF_PORT && http" 2>/dev/null | wc -l)
n_plain=$(tshark -r naf.pcap -Y "tcp.port==$NAF_PORT && tcp.len>0" \
    -T fields -e tcp.payload 2>/dev/null | grep -ci '^474554\|^505554' || true)
check "Ut: TLS records ($n_tls), no HTTP in the clear ($n_http, $n_plain)" \
    both [ "$n_tls" -gt 10 ] -- [ "$n_http$n_plain" = 00 ]

"$LAB" down >down.log 2>&1
check "./lab down" grep -q 'lab: down' down.log
summary
