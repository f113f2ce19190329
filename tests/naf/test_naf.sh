#!/bin/bash
# test_naf.sh - the naf (TS 33.222 5.3 authentication proxy) with the
# xcap server behind it and a stand-in BSF on Zn (zn_peer.py: CER/CEA, the
# BIA with Ks_NAF, Key-ExpiryTime and the USS, or the GBA errors), a Ut
# client over TLS (ut_client.py: Digest with username B-TID and password
# base64(Ks_NAF)).  Checks: the configuration (-n), TLS 1.2 and 1.3 only
# with a certificate of a test CA (openssl CLI), the 401 challenge (realm
# 3GPP-bootstrapping@FQDN, qop auth, MD5), the NAF-Id on Zn (FQDN ||
# 01 00 00 00 02), the Ks_NAF cache (one BIR per B-TID), a wrong
# password, nonce-count replay, stale=true, 5403 -> 401, 5402 -> 403,
# Zn silence -> 503 + Retry-After, the intended identity and the XCAP
# user against the USS uids (403), the UE's own X-3GPP-Asserted-Identity
# stripped, ETags relayed both ways, 502 without the server, the overload
# limit, no capabilities.  Env: NAF, XCAP (binaries).
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=naf_lib.sh
. "$here/naf_lib.sh"

: "${NAF:?NAF not set}" "${XCAP:?XCAP not set}"
for b in "$NAF" "$XCAP"; do
	[ -x "$b" ] || die "not executable: $b"
done
for e in dict_nasreq dict_dcca dict_dcca_3gpp; do
	[ -f "$FD_EXT/$e.fdx" ] || die "missing freeDiameter extension $e"
done
need ss python3 openssl

WORK=$PWD/run
work_dir "$WORK"
naf_topo_up
FQDN=naf.$REALM
NPORT=8443
XPORT=8080
URL=https://$IP_A:$NPORT

# ---- a test CA and the naf's certificate (its FQDN and address) ----
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-keyout ca.key -out ca.crt -days 2 -subj "/CN=imssec test CA" \
	2>/dev/null || die "CA"
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-keyout naf.key -out naf.csr -subj "/CN=$FQDN" 2>/dev/null || die "CSR"
printf 'subjectAltName=DNS:%s,IP:%s\n' "$FQDN" "$IP_A" >san.ext
openssl x509 -req -in naf.csr -CA ca.crt -CAkey ca.key -CAcreateserial \
	-out naf.crt -days 2 -extfile san.ext 2>/dev/null || die "certificate"
chmod 0600 naf.key		# root's: read in start(), before the switch

# ---- Zn: the stand-in BSF ----
KS_A=$(openssl rand -hex 32)
KS_B=$(openssl rand -hex 32)
BT_A="$(openssl rand -base64 16)@bsf.$REALM"
BT_B="$(openssl rand -base64 16)@bsf.$REALM"
cat >users.json <<JSON
{
 "$BT_A": {"ks": "$KS_A", "impi": "alice@$REALM",
   "uids": ["$ALICE", "tel:+15551234"], "lifetime": 3600},
 "$BT_B": {"ks": "$KS_B", "impi": "bob@$REALM", "uids": ["$BOB"]},
 "notme@bsf.$REALM": {"result": 5402},
 "gone@bsf.$REALM": {"result": 5403},
 "mute@bsf.$REALM": {"result": "silent"}
}
JSON
# It connects to the naf, as the bsf does (the naf accepts it).
ip netns exec "$NS_B" python3 "$here/zn_peer.py" "$IP_A" 3868 \
	"bsf.$REALM" "$REALM" users.json zn.log 2>zn_peer.err &
PIDS="$PIDS $!"
# zn_up N: wait until the BSF's N-th connection is up.
zn_up() {
	for _ in $(seq 100); do
		[ -f zn.log ] && [ "$(grep -c '^connected' zn.log)" -ge "$1" ] &&
			return 0
		sleep 0.1
	done
	return 1
}

# ---- the xcap server and the naf, both in namespace A ----
lab_conf "$XCAP" naf/xcap xcap.conf \
	-o listen="$IP_A:$XPORT" -o db="$WORK/db/xcap.db" -o trusted-peer="$IP_A"
start_daemon "$NS_A" XCAP xcap.log "$XPORT" "$XCAP" -c xcap.conf
lab_conf "$NAF" naf naf.conf \
	-o listen="$IP_A:$NPORT" -o fqdn="$FQDN" -o tls-cert="$WORK/naf.crt" \
	-o tls-key="$WORK/naf.key" -o as="http://$IP_A:$XPORT" \
	-o nonce-lifetime=10 -o diameter.identity="$FQDN" \
	-o diameter.accept="bsf.$REALM@$IP_B" -o diameter.tc-timer=2 \
	-o diameter.timeout=1500 -o diameter.extensions-dir="$FD_EXT"
check "naf -n accepts the configuration" "$NAF" -n -c naf.conf
"$NAF" -n -c naf.conf -o as=ftp://x >/dev/null 2>naf_bad.err
check "naf -n refuses as=ftp://x (exit 1)" [ $? -eq 1 ]
ip netns exec "$NS_A" "$NAF" -c naf.conf -o tls-key="$WORK/ca.key" \
	-o listen="$IP_A:9443" >naf_badkey.log 2>&1
check "a key that is not the certificate's: no start (exit 1)" [ $? -eq 1 ]
start_daemon "$NS_A" NAF naf.log "$NPORT" "$NAF" -c naf.conf
check "the BSF connected to the naf (Zn, CER/CEA)" zn_up 1

ut() {	# ut_client.py URL-PATH ARGS...: from namespace B, the test CA
	ip netns exec "$NS_B" python3 "$here/ut_client.py" "$URL$1" --ca ca.crt \
		"${@:2}" 2>>ut.err
}
tls() {	# curl from B with the test CA
	ip netns exec "$NS_B" curl -s -o /dev/null -w '%{http_code}' \
		--cacert ca.crt "$@" "$URL/"
}
A_DOC=$DOC_PATH/$ALICE_ENC/simservs.xml
B_DOC=$DOC_PATH/sip%3Abob%40$REALM/simservs.xml

# ---- TLS ----
check "TLS 1.3 with the test CA: a 401 answer" [ "$(tls --tlsv1.3)" = 401 ]
check "TLS 1.2: a 401 answer" [ "$(tls --tlsv1.2 --tls-max 1.2)" = 401 ]
check "TLS 1.1: refused" [ "$(tls --tlsv1.1 --tls-max 1.1)" = 000 ]
check "the certificate is checked (no CA given: refused)" \
	[ "$(ip netns exec "$NS_B" curl -s -o /dev/null -w '%{http_code}' "$URL/")" = 000 ]
check "plain HTTP to the TLS port: no answer" [ "$(ip netns exec "$NS_B" \
	curl -s -m 5 -o /dev/null -w '%{http_code}' "http://$IP_A:$NPORT/")" = 000 ]

# ---- the challenge (TS 24.109 5.2.2) ----
out=$(ut "$A_DOC")
ch=$(kv challenge <<<"$out")
check "no credentials: 401" [ "$(kv challenge_status <<<"$out")" = 401 ]
check "...Digest realm=\"3GPP-bootstrapping@$FQDN\", a 128-bit nonce, MD5, qop auth ($ch)" \
	grep -Eq "^Digest realm=\"3GPP-bootstrapping@$FQDN\", nonce=\"[0-9a-f]{32}\", algorithm=MD5, qop=\"auth\"$" <<<"$ch"

# ---- alice: Zn, the document through the naf ----
cat >doc.xml <<XML
<?xml version="1.0" encoding="UTF-8"?>
<simservs xmlns="http://uri.etsi.org/ngn/params/xml/simservs/xcap">
  <communication-diversion active="false"/>
</simservs>
XML
out=$(ut "$A_DOC" --btid "$BT_A" --ks "$KS_A" --method PUT --data doc.xml \
	--ctype application/simservs+xml)
check "alice PUTs her simservs document through the naf: 201" \
	[ "$(kv status <<<"$out")" = 201 ]
E1=$(kv etag <<<"$out")
check "...the server's ETag relayed ($E1)" grep -Eq '^"[0-9a-f]{32}"$' <<<"$E1"
NAF_ID=$(printf '%s' "$FQDN" | od -An -tx1 | tr -d ' \n')0100000002
check "Zn BIR carried her B-TID and NAF-Id = FQDN || 01 00 00 00 02" \
	grep -qx "bir btid=$BT_A naf_id=$NAF_ID" zn.log
out=$(ut "$A_DOC" --btid "$BT_A" --ks "$KS_A")
check "Authentication-Info: rspauth proves the naf knew Ks_NAF" \
	[ "$(kv rspauth_ok <<<"$out")" = yes ]
check "GET: 200, the document" both [ "$(kv status <<<"$out")" = 200 ] -- \
	grep -q 'communication-diversion active="false"' <<<"$(kv body <<<"$out")"
check "...application/simservs+xml and the same ETag" \
	both [ "$(kv ctype <<<"$out")" = application/simservs+xml ] -- \
	[ "$(kv etag <<<"$out")" = "$E1" ]
check "Ks_NAF cached: one BIR for her B-TID" \
	[ "$(grep -c "btid=$BT_A " zn.log)" = 1 ]
out=$(ut "$A_DOC" --btid "$BT_A" --ks "$KS_A" --header "If-None-Match: $E1")
check "If-None-Match relayed: 304" [ "$(kv status <<<"$out")" = 304 ]
out=$(ut "$A_DOC/~~/simservs/communication-diversion" --btid "$BT_A" \
	--ks "$KS_A" --method PUT --ctype application/xcap-el+xml \
	--data <(echo '<communication-diversion active="true"/>') \
	--header "If-Match: $E1")
check "element PUT with If-Match: 200" [ "$(kv status <<<"$out")" = 200 ]
out=$(ut "$A_DOC" --btid "$BT_A" --ks "$KS_A" --method PUT --data doc.xml \
	--ctype application/simservs+xml --header "If-Match: $E1")
check "PUT If-Match the old ETag: 412 relayed" [ "$(kv status <<<"$out")" = 412 ]
out=$(ut "$A_DOC" --btid "$BT_A" --ks "$KS_A" \
	--header "X-3GPP-Asserted-Identity: \"$BOB\"")
check "the UE's own X-3GPP-Asserted-Identity is dropped: 200 as alice" \
	[ "$(kv status <<<"$out")" = 200 ]
out=$(ut "$DOC_PATH/tel%3A%2B15551234/simservs.xml" --btid "$BT_A" \
	--ks "$KS_A" --header 'X-3GPP-Intended-Identity: "tel:+15551234"')
check "her other identity, intended: 404 from the server (no document)" \
	[ "$(kv status <<<"$out")" = 404 ]

# curl's own Digest (and Expect: 100-continue for a larger body).
PW_A=$(python3 -c 'import base64,sys; print(base64.b64encode(bytes.fromhex(sys.argv[1])).decode())' "$KS_A")
{
	printf '<?xml version="1.0"?>\n<simservs xmlns="http://uri.etsi.org/ngn/params/xml/simservs/xcap">\n'
	for i in $(seq 200); do printf '<!-- padding %d -->\n' "$i"; done
	printf '</simservs>\n'
} >big.xml
code=$(ip netns exec "$NS_B" curl -s -o /dev/null -w '%{http_code}' \
	--cacert ca.crt --digest -u "$BT_A:$PW_A" -X PUT \
	-H 'Content-Type: application/simservs+xml' --data-binary @big.xml \
	"$URL$A_DOC")
check "curl --digest PUTs a $(wc -c <big.xml)-byte document (100-continue): 200" \
	[ "$code" = 200 ]

# ---- refusals ----
out=$(ut "$A_DOC" --btid "$BT_A" --ks "$KS_A" --password-bad)
check "a wrong password: 401 with a fresh challenge" both \
	[ "$(kv status <<<"$out")" = 401 ] -- grep -q 'nonce=' <<<"$(kv www <<<"$out")"
out=$(ut "$A_DOC" --btid "$BT_A" --ks "$KS_A" --replay)
check "the same nonce and nc again (replay): 401" both \
	[ "$(kv status <<<"$out")" = 200 ] -- [ "$(kv replay_status <<<"$out")" = 401 ]
out=$(ut "$B_DOC" --btid "$BT_A" --ks "$KS_A")
check "alice asks for bob's document: 403 at the naf" [ "$(kv status <<<"$out")" = 403 ]
check "...never reached the server" bash -c "! grep -q 'bob' xcap.log"
out=$(ut "$A_DOC" --btid "$BT_A" --ks "$KS_A" \
	--header "X-3GPP-Intended-Identity: \"$BOB\"")
check "an intended identity not hers: 403" [ "$(kv status <<<"$out")" = 403 ]
out=$(ut "$B_DOC" --btid "$BT_B" --ks "$KS_B")
check "bob, his own document: 404 from the server (none)" [ "$(kv status <<<"$out")" = 404 ]
out=$(ut "$A_DOC" --btid "gone@bsf.$REALM" --ks "$KS_A")
check "a B-TID the BSF no longer knows (5403): 401, bootstrap again" \
	[ "$(kv status <<<"$out")" = 401 ]
out=$(ut "$A_DOC" --btid "never@bsf.$REALM" --ks "$KS_A")
check "an unknown B-TID: 401" [ "$(kv status <<<"$out")" = 401 ]
out=$(ut "$A_DOC" --btid "notme@bsf.$REALM" --ks "$KS_A")
check "the BSF does not authorise this NAF (5402): 403" [ "$(kv status <<<"$out")" = 403 ]
out=$(ut "$A_DOC" --btid "mute@bsf.$REALM" --ks "$KS_A")
check "the BSF does not answer: 503 with Retry-After" both \
	[ "$(kv status <<<"$out")" = 503 ] -- [ -n "$(kv retry_after <<<"$out")" ]
out=$(ut "$A_DOC" --btid "$BT_A" --ks "$KS_A" --stale-wait 11)
check "an expired nonce with the right password: 401 stale=true" both \
	[ "$(kv status <<<"$out")" = 401 ] -- grep -q 'stale=true' <<<"$(kv www <<<"$out")"

# ---- the server away, overload ----
kill "$XCAP_PID"
wait "$XCAP_PID" 2>/dev/null
out=$(ut "$A_DOC" --btid "$BT_A" --ks "$KS_A")
check "the application server down: 502" [ "$(kv status <<<"$out")" = 502 ]
pid_status() { sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status"; }
# shellcheck disable=SC2153 # NAF_PID: set by start_daemon
check "the naf runs as $LAB_USER without capabilities" both \
	[ "$(ps -o user= -p "$NAF_PID")" = "$LAB_USER" ] -- \
	[ "$(pid_status "$NAF_PID" CapEff)" = 0000000000000000 ]
kill "$NAF_PID"
wait "$NAF_PID" 2>/dev/null
start_daemon "$NS_A" NAF naf.log "$NPORT" "$NAF" -c naf.conf -o max-requests=1
zn_up 2 || fail "the BSF did not connect again"
ut "$A_DOC" --btid "mute@bsf.$REALM" --ks "$KS_A" >mute.out &
sleep 0.7
check "max-requests=1, one waiting for Zn: the next gets 503" \
	[ "$(tls --tlsv1.3)" = 503 ]
wait $!
summary
