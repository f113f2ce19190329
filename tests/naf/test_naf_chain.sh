#!/bin/bash
# test_naf_chain.sh - GBA end to end through the real daemons: hss (Zh),
# bsf (Ub, Zh client, Zn server), naf and xcap.  The UE is played by
# tests/bsf/ub_client.py (a bootstrap with HTTP Digest AKA: B-TID, RAND,
# CK, IK), `imsauth ks-naf` (Ks_NAF for the NAF-Id FQDN || 01 00 00 00 02)
# and ut_client.py (Digest with the B-TID and base64(Ks_NAF) over TLS):
# alice writes and reads her simservs document, her USS uids come from
# the hss (hss-ctl gba-set), bob's document and an identity the USS does
# not list are refused, a made-up B-TID gets 401, and a NAF the hss's USS
# does not cover gets 403 (5402).
# Namespace A: hss, naf (Diameter on 3869) and xcap; namespace B: the bsf
# and the UE.  Env: HSS, HSS_CTL, BSF, NAF, XCAP, IMSAUTH (binaries).
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=naf_lib.sh
. "$here/naf_lib.sh"

: "${HSS:?}" "${HSS_CTL:?}" "${BSF:?}" "${NAF:?}" "${XCAP:?}" "${IMSAUTH:?}"
for b in "$HSS" "$HSS_CTL" "$BSF" "$NAF" "$XCAP" "$IMSAUTH"; do
	[ -x "$b" ] || die "not executable: $b"
done
need ss python3 openssl
export IMSAUTH

WORK=$PWD/run
work_dir "$WORK"
naf_topo_up
K=465b5ce8b199b49faa5f0a2ee238a6bc
OP=cdc202d5123e20f62b6d676ac72cb318
IMPI=alice@$REALM
BSFNAME=bsf.$REALM
FQDN=naf.$REALM
NPORT=8443
XPORT=8080
URL=https://$IP_A:$NPORT

# The naf's certificate from a test CA.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-keyout ca.key -out ca.crt -days 2 -subj "/CN=imssec test CA" \
	2>/dev/null || die "CA"
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-keyout naf.key -out naf.csr -subj "/CN=$FQDN" 2>/dev/null || die "CSR"
printf 'subjectAltName=DNS:%s,IP:%s\n' "$FQDN" "$IP_A" >san.ext
openssl x509 -req -in naf.csr -CA ca.crt -CAkey ca.key -CAcreateserial \
	-out naf.crt -days 2 -extfile san.ext 2>/dev/null || die "certificate"
chmod 0600 naf.key

lab_conf "$HSS" hss hss.conf -o diameter.identity="hss.$REALM" \
	-o diameter.tc-timer=2 -o diameter.extensions-dir="$FD_EXT" \
	-o db="$WORK/db/hss.db" -o diameter.accept="$BSFNAME@$IP_B"
lab_conf "$BSF" bsf bsf.conf -o name="$BSFNAME" -o db="$WORK/db/bsf.db" \
	-o listen="$IP_B:8080" -o hss="hss.$REALM" \
	-o diameter.identity="$BSFNAME" \
	-o diameter.connect="hss.$REALM@$IP_A" \
	-o diameter.connect="$FQDN@$IP_A:3869" -o diameter.tc-timer=2 \
	-o diameter.extensions-dir="$FD_EXT"
lab_conf "$XCAP" naf/xcap xcap.conf \
	-o listen="$IP_A:$XPORT" -o db="$WORK/db/xcap.db" -o trusted-peer="$IP_A"
lab_conf "$NAF" naf naf.conf \
	-o listen="$IP_A:$NPORT" -o fqdn="$FQDN" -o tls-cert="$WORK/naf.crt" \
	-o tls-key="$WORK/naf.key" -o as="http://$IP_A:$XPORT" \
	-o diameter.identity="$FQDN" -o diameter.port=3869 \
	-o diameter.accept="$BSFNAME@$IP_B" -o diameter.tc-timer=2 \
	-o diameter.extensions-dir="$FD_EXT"

start_daemon "$NS_A" HSS hss.log 3868 "$HSS" -c hss.conf
"$HSS_CTL" --db "$WORK/db/hss.db" add --impi "$IMPI" \
	--impu "$ALICE" --impu "tel:+15551234" --k "$K" --op "$OP" \
	>/dev/null || die "hss-ctl add"
"$HSS_CTL" --db "$WORK/db/hss.db" gba-set --impi "$IMPI" \
	--uss "1::$ALICE" >/dev/null || die "hss-ctl gba-set"
start_daemon "$NS_A" XCAP xcap.log "$XPORT" "$XCAP" -c xcap.conf
start_daemon "$NS_A" NAF naf.log "$NPORT" "$NAF" -c naf.conf
start_daemon "$NS_B" BSF bsf.log 8080 "$BSF" -c bsf.conf
for _ in $(seq 100); do
	[ "$(ip netns exec "$NS_A" ss -tn state established \
	    "( sport = :3869 )" | wc -l)" -gt 1 ] && break
	sleep 0.1
done
check "the bsf connected to the naf (Zn)" [ "$(ip netns exec "$NS_A" ss -tn \
	state established "( sport = :3869 )" | wc -l)" -gt 1 ]
for _ in $(seq 100); do
	[ "$(ip netns exec "$NS_A" ss -tn state established \
	    "( sport = :3868 )" | wc -l)" -gt 1 ] && break
	sleep 0.1
done

# ---- Ub: alice bootstraps ----
ip netns exec "$NS_B" python3 "$SRC/tests/bsf/ub_client.py" bootstrap \
	"http://$IP_B:8080/" "$IMPI" "$BSFNAME" "$K" "$OP" >boot.out 2>ub.err
val() { sed -n "s/^$1=//p" "$2" | tail -n 1; }
BTID=$(val btid boot.out)
check "Ub bootstrap: 200 and a B-TID ($BTID)" \
	both [ "$(val status boot.out)" = 200 ] -- [ -n "$BTID" ]
NAF_ID=$(printf '%s' "$FQDN" | od -An -tx1 | tr -d ' \n')0100000002
KS=$("$IMSAUTH" ks-naf --ck "$(val ck boot.out)" --ik "$(val ik boot.out)" \
	--rand "$(val rand boot.out)" --impi "$IMPI" --naf-id "$NAF_ID" |
	sed -n 's/^ks_naf=//p')
check "Ks_NAF computed on the UE side" grep -Eq '^[0-9a-f]{64}$' <<<"$KS"

ut() {	# URL-PATH ARGS...: the Ut client from namespace B
	ip netns exec "$NS_B" python3 "$here/ut_client.py" "$URL$1" --ca ca.crt \
		"${@:2}" 2>>ut.err
}
A_DOC=$DOC_PATH/$ALICE_ENC/simservs.xml
cat >doc.xml <<XML
<?xml version="1.0" encoding="UTF-8"?>
<simservs xmlns="http://uri.etsi.org/ngn/params/xml/simservs/xcap">
  <originating-identity-presentation active="true"/>
</simservs>
XML

# ---- Ut through the naf ----
out=$(ut "$A_DOC" --btid "$BTID" --ks "$KS" --method PUT --data doc.xml \
	--ctype application/simservs+xml)
check "Ut: alice PUTs her document (Zn to the real bsf): 201" \
	[ "$(kv status <<<"$out")" = 201 ]
out=$(ut "$A_DOC/~~/simservs/originating-identity-presentation" \
	--btid "$BTID" --ks "$KS")
check "Ut: GET of an element: 200, the element" both \
	[ "$(kv status <<<"$out")" = 200 ] -- \
	grep -q 'originating-identity-presentation' <<<"$(kv body <<<"$out")"
check "the naf learned the IMPI from Zn" grep -q "is $IMPI, 1 identities" naf.log
out=$(ut "$DOC_PATH/sip%3Abob%40$REALM/simservs.xml" --btid "$BTID" --ks "$KS")
check "Ut: bob's document: 403" [ "$(kv status <<<"$out")" = 403 ]
out=$(ut "$DOC_PATH/tel%3A%2B15551234/simservs.xml" --btid "$BTID" --ks "$KS" \
	--header 'X-3GPP-Intended-Identity: "tel:+15551234"')
check "Ut: an IMPU of hers the USS does not give this NAF: 403" \
	[ "$(kv status <<<"$out")" = 403 ]
out=$(ut "$A_DOC" --btid "AAAAAAAAAAAAAAAAAAAAAA==@$BSFNAME" --ks "$KS")
check "Ut: a B-TID the bsf never gave: 401" [ "$(kv status <<<"$out")" = 401 ]
out=$(ut "$A_DOC" --btid "$BTID" --ks "$(openssl rand -hex 32)")
check "Ut: the right B-TID with another key: 401" [ "$(kv status <<<"$out")" = 401 ]
check "Ks_NAF never in the naf's log" bash -c "! grep -qi '$KS' naf.log"
summary
