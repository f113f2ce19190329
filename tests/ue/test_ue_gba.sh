#!/bin/bash
# test_ue_gba.sh - `ims-ue gba-bootstrap` (Ub, TS 24.109 4.4) against the
# real bsf and hss in two network namespaces: hss, the UE and a Zn peer
# (cxclient zn-bir) in A, the bsf in B.  Checks: the bootstrap and its
# output (B-TID = base64(RAND)@bsf, the lifetime text and its Unix time),
# Ks_NAF equal to `imsauth ks-naf` (K, OP and RAND through imsauth
# milenage) and to the bsf's over Zn, the SQN state file (a second
# bootstrap without resync), the resynchronisation (the hss's SQN set
# back: auts, then 200), a wrong K (MAC failure, exit 1), an unknown IMPI,
# Ub over TLS (the CA file and the name or address checked: a wrong CA
# and a wrong name are refused).
# Then Ut (TS 24.109 5.2) with `ims-ue ut` through the naf (HTTPS, Zn to
# the bsf) to the xcap server, all three in B: PUT, GET (status, ETag, the
# body after the empty line), If-Match 412, a wrong key 401, DELETE, 404.
# Env: IMS_UE, BSF, HSS, HSS_CTL, CXCLIENT, IMSAUTH, NAF_BIN, XCAP
# (binaries).
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../topo/topo_lib.sh"

: "${IMS_UE:?}" "${BSF:?}" "${HSS:?}" "${HSS_CTL:?}" "${CXCLIENT:?}" \
    "${IMSAUTH:?}" "${NAF_BIN:?}" "${XCAP:?}"
for b in "$IMS_UE" "$BSF" "$HSS" "$HSS_CTL" "$CXCLIENT" "$IMSAUTH" \
    "$NAF_BIN" "$XCAP"; do
	[ -x "$b" ] || die "not executable: $b"
done
need ss openssl xxd base64

WORK=$PWD/run
work_dir "$WORK"
K=465b5ce8b199b49faa5f0a2ee238a6bc
OP=cdc202d5123e20f62b6d676ac72cb318
HSS_DB=$WORK/db/hss.db BSF_DB=$WORK/db/bsf.db
BSFNAME=bsf.$REALM NAF=naf.$REALM UTNAF=ut.$REALM
IMPI=alice@$REALM
URL=http://$IP_B:8080/

topo_up
lab_conf "$HSS" hss hss.conf -o diameter.identity="hss.$REALM" \
	-o diameter.tc-timer=2 -o diameter.extensions-dir="$FD_EXT" \
	-o db="$HSS_DB" -o diameter.accept="$BSFNAME@$IP_B"
# bsf_conf OUT [-o KEY=VALUE...]: the test's bsf (topo_lib.sh), also
# connected to the Ut NAF on IP_B:3870.
bsf_conf() {
	gba_bsf_conf "$@" -o key-lifetime=600 \
	    -o diameter.connect="$UTNAF@$IP_B:3870"
}
bsf_conf bsf.conf
gba_zn_conf naf.conf

ip netns exec "$NS_A" "$HSS" -c hss.conf >>hss.log 2>&1 &
PIDS="$PIDS $!"
for _ in $(seq 100); do
	ip netns exec "$NS_A" ss -ltn | grep -q ':3868 ' && break
	sleep 0.1
done
BSF_PID=
start_bsf() {	# CONF
	ip netns exec "$NS_B" "$BSF" -c "$1" >>bsf.log 2>&1 &
	BSF_PID=$!
	PIDS="$PIDS $BSF_PID"
	for _ in $(seq 100); do
		ip netns exec "$NS_B" ss -ltn | grep -q "$IP_B:8080 " &&
		    [ "$(ip netns exec "$NS_B" ss -tn state established \
		    "( dport = :3868 )" | wc -l)" -gt 1 ] && return 0
		kill -0 "$BSF_PID" 2>/dev/null || break
		sleep 0.1
	done
	cat bsf.log >&2
	die "bsf did not start"
}
stop_bsf() {
	kill "$BSF_PID" 2>/dev/null
	wait "$BSF_PID" 2>/dev/null
}
"$HSS_CTL" --db "$HSS_DB" add --impi "$IMPI" --impu "sip:alice@$REALM" \
	--k "$K" --op "$OP" >/dev/null || die "hss-ctl add"
start_bsf bsf.conf

boot() {	# OUT [options]: ims-ue gba-bootstrap from namespace A
	local out=$1
	shift
	ip netns exec "$NS_A" "$IMS_UE" gba-bootstrap --impi "$IMPI" \
	    --naf "${BOOTNAF:-$NAF}" --state "$WORK/alice.usim" \
	    --realm "$BSFNAME" --debug-keys "$@" >"$out" 2>"$out.err"
}
val() { sed -n "s/^$1=//p" "$2" | head -n 1; }

# ---- the bootstrap ----
NOW=$(date +%s)
check "gba-bootstrap: exit 0" boot b1.out --k "$K" --op "$OP" --bsf "$URL"
cat b1.out.err >&2
BTID=$(val btid b1.out) RAND=$(val rand b1.out) KS=$(val ks_naf_b64 b1.out)
check "B-TID = base64(RAND)@$BSFNAME ($BTID)" [ "$BTID" = \
    "$(printf %s "$RAND" | xxd -r -p | base64)@$BSFNAME" ]
check "naf_id = FQDN || 01 00 00 00 02" [ "$(val naf_id b1.out)" = \
    "$(printf %s "$NAF" | xxd -p | tr -d '\n')0100000002" ]
EXP=$(val expires b1.out)
check "lifetime is an xs:dateTime, expires its Unix time" \
    [ "$(date -u -d "$(val lifetime b1.out)" +%s)" = "$EXP" ]
check "...600 s ahead ($((EXP - NOW)))" \
    both [ $((EXP - NOW)) -ge 590 ] -- [ $((EXP - NOW)) -le 610 ]
check "no resynchronisation" [ "$(val resync b1.out)" = 0 ]
mil=$("$IMSAUTH" milenage --k "$K" --op "$OP" --rand "$RAND" \
    --sqn 000000000000 --amf 8000)
CK=$(sed -n 's/^ck=//p' <<<"$mil") IK=$(sed -n 's/^ik=//p' <<<"$mil")
want=$("$IMSAUTH" ks-naf --ck "$CK" --ik "$IK" --rand "$RAND" \
    --impi "$IMPI" --naf-id "$(val naf_id b1.out)" | sed -n 's/^ks_naf=//p')
check "Ks_NAF equals imsauth ks-naf (K, OP, RAND)" \
    both [ -n "$want" ] -- [ "$(printf %s "$KS" | base64 -d | xxd -p |
    tr -d '\n')" = "$want" ]
check "...and --debug-keys' ks_naf" [ "$(val ks_naf b1.out)" = "$want" ]
ip netns exec "$NS_A" "$CXCLIENT" -c naf.conf zn-bir --btid "$BTID" \
    --naf-id "$(val naf_id b1.out)" >z1.out 2>>zn.err
check "the bsf's Ks_NAF over Zn is the same" [ "$(val ks_naf z1.out)" = "$want" ]
check "the SQN state file was written" grep -q '^sqn_ms=' alice.usim

check "a second bootstrap" boot b2.out --k "$K" --op "$OP" --bsf "$URL"
check "...a new B-TID, no resync" \
    both [ "$(val resync b2.out)" = 0 ] -- [ "$(val btid b2.out)" != "$BTID" ]

# ---- resynchronisation (RFC 3310 3.4) ----
"$HSS_CTL" --db "$HSS_DB" set-sqn --impi "$IMPI" --sqn 000000000000 \
	>/dev/null || fail "hss-ctl set-sqn"
check "the hss's SQN set back: the bootstrap succeeds" \
    boot b3.out --k "$K" --op "$OP" --bsf "$URL"
check "...after auts (resync=1)" [ "$(val resync b3.out)" = 1 ]
boot b4.out --k "$K" --op "$OP" --bsf "$URL"
check "...and the next one needs none" [ "$(val resync b4.out)" = 0 ]

# ---- failures ----
boot bad.out --k 00112233445566778899aabbccddeeff --op "$OP" --bsf "$URL"
rc=$?
check "a wrong K: exit 1, MAC failure named" \
    both [ $rc = 1 ] -- grep -q 'MAC failure' bad.out.err
check "...nothing on stdout" [ ! -s bad.out ]
ip netns exec "$NS_A" "$IMS_UE" gba-bootstrap --impi "nobody@$REALM" \
    --naf "$NAF" --k "$K" --op "$OP" --bsf "$URL" --realm "$BSFNAME" \
    >nobody.out 2>nobody.err
rc=$?
check "an unknown IMPI: exit 1 ($(cat nobody.err))" \
    both [ $rc = 1 ] -- grep -q 403 nobody.err
ip netns exec "$NS_A" "$IMS_UE" gba-bootstrap --impi "$IMPI" \
    --naf "$NAF" --k "$K" --op "$OP" --bsf "$URL" >realm.out 2>realm.err
rc=$?
check "the URL's address as the realm: the bsf says 400, exit 1" \
    both [ $rc = 1 ] -- grep -q 400 realm.err

# ---- Ut: ims-ue ut through the naf to the xcap server ----
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-keyout naf.key -out naf.pem -days 1 -subj "/CN=$UTNAF" \
	-addext "subjectAltName=DNS:$UTNAF,IP:$IP_B" >/dev/null 2>&1 ||
	die "openssl req"
chgrp "$(id -gn "$LAB_USER")" naf.key && chmod 0640 naf.key
lab_conf "$XCAP" naf/xcap xcap.conf \
	-o listen="$IP_B:8081" \
	-o db="$WORK/db/xcap.db" -o trusted-peer="$IP_B"
lab_conf "$NAF_BIN" naf naf-d.conf \
	-o listen="$IP_B:8443" \
	-o fqdn="$UTNAF" -o tls-cert="$WORK/naf.pem" -o tls-key="$WORK/naf.key" \
	-o as="http://$IP_B:8081" -o diameter.identity="$UTNAF" \
	-o diameter.port=3870 -o diameter.accept="$BSFNAME@$IP_B" \
	-o diameter.tc-timer=2 -o diameter.extensions-dir="$FD_EXT"
ip netns exec "$NS_B" "$XCAP" -c xcap.conf >>xcap.log 2>&1 &
PIDS="$PIDS $!"
ip netns exec "$NS_B" "$NAF_BIN" -c naf-d.conf >>naf.log 2>&1 &
PIDS="$PIDS $!"
for _ in $(seq 100); do
	ip netns exec "$NS_B" ss -ltn | grep -q "$IP_B:8443 " &&
	    ip netns exec "$NS_B" ss -ltn | grep -q "$IP_B:8081 " &&
	    [ "$(ip netns exec "$NS_B" ss -tn state established \
	    "( sport = :3870 )" | wc -l)" -gt 1 ] && break
	sleep 0.1
done
check "naf and xcap up, the bsf connected to the naf (Zn)" \
    [ "$(ip netns exec "$NS_B" ss -tn state established "( sport = :3870 )" |
    wc -l)" -gt 1 ]
BOOTNAF=$UTNAF
check "bootstrap for the naf $UTNAF" \
    boot u1.out --k "$K" --op "$OP" --bsf "$URL"
BOOTNAF=
UBTID=$(val btid u1.out) UKS=$(val ks_naf_b64 u1.out)
DOC=https://$IP_B:8443/simservs.ngn.etsi.org/users/sip:alice@$REALM/simservs.xml
cat >doc.xml <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<simservs xmlns="http://uri.etsi.org/ngn/params/xml/simservs/xcap">
  <communication-diversion active="true"/>
</simservs>
XML
ut() {	# OUT VERB [options]: ims-ue ut from namespace A; its exit status
	local out=$1 verb=$2
	shift 2
	ip netns exec "$NS_A" "$IMS_UE" ut "$verb" --url "$DOC" \
	    --cacert "$WORK/naf.pem" --identity "sip:alice@$REALM" "$@" \
	    >"$out" 2>"$out.err"
}
body() { sed '1,/^$/d' "$1"; }	# what follows the empty line
check "ut put: exit 0" ut p1.out put --btid "$UBTID" --ks-naf-b64 "$UKS" \
    --body doc.xml --content-type application/simservs+xml
cat p1.out.err >&2
check "...status 201 ($(val status p1.out))" [ "$(val status p1.out)" = 201 ]
check "ut get: exit 0" ut g1.out get --btid "$UBTID" --ks-naf-b64 "$UKS"
check "...status 200, an ETag" \
    both [ "$(val status g1.out)" = 200 ] -- [ -n "$(val etag g1.out)" ]
check "...the document after the empty line" cmp -s <(body g1.out) doc.xml
check "ut get from stdin-less put: the body by --body -" \
    ut p2.out put --btid "$UBTID" --ks-naf-b64 "$UKS" --body - \
    --content-type application/simservs+xml --if-match "$(val etag g1.out)" \
    <doc.xml
ut p3.out put --btid "$UBTID" --ks-naf-b64 "$UKS" --body doc.xml \
    --content-type application/simservs+xml --if-match '"nope"'
rc=$?
check "If-Match with another ETag: 412, exit 1" \
    both [ $rc = 1 ] -- [ "$(val status p3.out)" = 412 ]
WRONG=$(printf %s "$UKS" | base64 -d | tr '\000-\377' '\001-\377\000' | base64)
ut w1.out get --btid "$UBTID" --ks-naf-b64 "$WRONG"
rc=$?
check "another key: 401, exit 1" \
    both [ $rc = 1 ] -- [ "$(val status w1.out)" = 401 ]
check "ut delete: exit 0" ut d1.out delete --btid "$UBTID" --ks-naf-b64 "$UKS"
ut g2.out get --btid "$UBTID" --ks-naf-b64 "$UKS"
rc=$?
check "...then get: 404, exit 1" \
    both [ $rc = 1 ] -- [ "$(val status g2.out)" = 404 ]

# ---- Ub over TLS ----
stop_bsf
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-keyout tls.key -out tls.pem -days 1 -subj "/CN=$BSFNAME" \
	-addext "subjectAltName=DNS:$BSFNAME,IP:$IP_B" >/dev/null 2>&1 ||
	die "openssl req"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-keyout other.key -out other.pem -days 1 -subj "/CN=other" \
	>/dev/null 2>&1 || die "openssl req"
chmod 0600 tls.key
bsf_conf bsf-tls.conf -o tls-cert="$WORK/tls.pem" -o tls-key="$WORK/tls.key"
start_bsf bsf-tls.conf
check "over https with --cacert (the address checked)" \
    boot t1.out --k "$K" --op "$OP" --bsf "https://$IP_B:8080/" \
    --cacert "$WORK/tls.pem"
boot t2.out --k "$K" --op "$OP" --bsf "https://$IP_B:8080/" \
    --cacert "$WORK/other.pem"
rc=$?
check "another CA: refused, exit 1" \
    both [ $rc = 1 ] -- grep -q 'certificate' t2.out.err
# names for namespace A: `ip netns exec` binds /etc/netns/NS/hosts
mkdir -p "/etc/netns/$NS_A" || die "mkdir /etc/netns/$NS_A"
echo "$IP_B $BSFNAME wrong.$REALM" >"/etc/netns/$NS_A/hosts" ||
    die "/etc/netns/$NS_A/hosts"
trap 'rm -rf "/etc/netns/$NS_A"; cleanup' EXIT
byname() {	# no --realm: the URL's host is the BSF's name
	ip netns exec "$NS_A" "$IMS_UE" gba-bootstrap --impi "$IMPI" \
	    --naf "$NAF" --state "$WORK/alice.usim" --k "$K" --op "$OP" \
	    --bsf "https://$BSFNAME:8080/" --cacert "$WORK/tls.pem" \
	    >t3.out 2>t3.err
}
check "over https by name (realm from the URL, the name checked)" byname
boot t4.out --k "$K" --op "$OP" --bsf "https://wrong.$REALM:8080/" \
    --cacert "$WORK/tls.pem"
rc=$?
check "a name the certificate does not hold: refused, exit 1" \
    both [ $rc = 1 ] -- grep -q 'certificate' t4.out.err
boot t5.out --k "$K" --op "$OP" --bsf "http://$IP_B:8080/"
rc=$?
check "plain HTTP to the TLS port: exit 1" [ $rc = 1 ]
check "the bsf stopped cleanly" both stop_bsf -- true

summary
