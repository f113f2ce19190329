#!/bin/bash
# test_bsf_ub.sh - the bsf (TS 33.220 4.5.2) between a real hss and a Ub
# client, in two network namespaces.
#
# Namespace A: the hss (Zh), the UE (ub_client.py: HTTP Digest AKA, the
# USIM by `imsauth ue-check`, the Digest arithmetic in Python) and the
# NAF (cxclient zn-bir, accepting the bsf on port 3869); namespace B: the
# bsf.  Checks: the bootstrap (401 with AKAv1-MD5 and qop auth-int, 200
# with a correct rspauth, the bsf+xml body with B-TID = base64(RAND)@bsf
# and the lifetime), qop auth over POST, a wrong RES refused (403), a
# subscriber's right answer to his own challenge in another's name refused
# (403), the resynchronisation (the hss's SQN set back with hss-ctl set-sqn: auts, a
# fresh 401, then 200), bad requests (400, the bsf keeps running), the
# store's mode, Zn (Ks_NAF equals `imsauth ks-naf`; unknown B-TID 5403;
# another NAF's FQDN 5402; the GUSS's lifeTime and NAF groups: 5402
# without a USS for the NAF's group, naf-group), a restart keeping the
# B-TID, max-pending and mar-limit (503 with Retry-After), Ub over TLS
# 1.2+.
# Env: BSF, HSS, HSS_CTL, CXCLIENT, IMSAUTH (binaries).
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../topo/topo_lib.sh"

: "${BSF:?}" "${HSS:?}" "${HSS_CTL:?}" "${CXCLIENT:?}" "${IMSAUTH:?}"
for b in "$BSF" "$HSS" "$HSS_CTL" "$CXCLIENT" "$IMSAUTH"; do
	[ -x "$b" ] || die "not executable: $b"
done
need python3 ss openssl sqlite3
export IMSAUTH
UB="$here/ub_client.py"

WORK=$PWD/run		# kept after the run for inspection
work_dir "$WORK"
K=465b5ce8b199b49faa5f0a2ee238a6bc
OP=cdc202d5123e20f62b6d676ac72cb318
HSS_DB=$WORK/db/hss.db BSF_DB=$WORK/db/bsf.db
BSFNAME=bsf.$REALM NAF=naf.$REALM
IMPI=alice@$REALM
URL=http://$IP_B:8080/
LIFE=600

topo_up

lab_conf "$HSS" hss hss.conf -o diameter.identity="hss.$REALM" \
	-o diameter.tc-timer=2 -o diameter.extensions-dir="$FD_EXT" \
	-o db="$HSS_DB" -o diameter.accept="$BSFNAME@$IP_B"
# bsf_conf OUT [-o KEY=VALUE...]: the test's bsf (topo_lib.sh), key
# lifetime LIFE.
bsf_conf() { gba_bsf_conf "$@" -o key-lifetime="$LIFE"; }
bsf_conf bsf.conf
gba_zn_conf naf.conf

HSS_PID='' BSF_PID=''
start_hss() {
	ip netns exec "$NS_A" "$HSS" -c hss.conf >>hss.log 2>&1 &
	HSS_PID=$!
	PIDS="$PIDS $HSS_PID"
	for _ in $(seq 100); do
		ip netns exec "$NS_A" ss -ltn | grep -q ':3868 ' && return 0
		sleep 0.1
	done
	cat hss.log >&2
	die "hss did not start"
}
# start_bsf CONF: until Ub listens and Zh is up (the hss logs the peer).
start_bsf() {
	ip netns exec "$NS_B" "$BSF" -c "$1" >>bsf.log 2>&1 &
	BSF_PID=$!
	PIDS="$PIDS $BSF_PID"
	for _ in $(seq 100); do
		ip netns exec "$NS_B" ss -ltn | grep -q "$IP_B:8080 " &&
		    grep -q 'bsf: ready' bsf.log && break
		kill -0 "$BSF_PID" 2>/dev/null || break
		sleep 0.1
	done
	ip netns exec "$NS_B" ss -ltn | grep -q "$IP_B:8080 " || {
		cat bsf.log >&2
		die "bsf did not start"
	}
	for _ in $(seq 100); do
		[ "$(ip netns exec "$NS_B" ss -tn state established \
		    "( dport = :3868 )" | wc -l)" -gt 1 ] && return 0
		sleep 0.1
	done
	die "the bsf did not connect to the hss"
}
stop_bsf() {
	kill "$BSF_PID" 2>/dev/null
	for _ in $(seq 100); do
		kill -0 "$BSF_PID" 2>/dev/null || break
		sleep 0.1
	done
	wait "$BSF_PID" 2>/dev/null
}
ub() {	# ARGS: ub_client.py from namespace A
	ip netns exec "$NS_A" python3 "$UB" "$@" 2>>ub.err
}
boot() {	# OUT [options]
	local out=$1
	shift
	ub bootstrap "$URL" "$IMPI" "$BSFNAME" "$K" "$OP" "$@" >"$out"
}
val() { sed -n "s/^$1=//p" "$2" | head -n 1; }
has() { grep -q -- "$1" <<<"$2"; }	# PATTERN TEXT
hasx() { grep -qx -- "$1" <<<"$2"; }	# LINE TEXT

start_hss
"$HSS_CTL" --db "$HSS_DB" add --impi "$IMPI" --impu "sip:alice@$REALM" \
	--k "$K" --op "$OP" >/dev/null || die "hss-ctl add"
start_bsf bsf.conf

# ---- privileges and the store ----
check "bsf runs as the run user with no capability" \
	both grep -Eq "^Uid:\s+$(id -u imssec)\s" "/proc/$BSF_PID/status" -- \
	grep -Eq '^CapEff:\s+0+$' "/proc/$BSF_PID/status"

# ---- Ub: the bootstrap (TS 24.109 4.2) ----
NOW=$(date +%s)
check "bootstrap (GET, qop auth-int): 200" boot b1.out
cat b1.out >>ub.log
check "the first request gets 401" [ "$(val status1 b1.out)" = 401 ]
check "the challenge: AKAv1-MD5, qop auth-int" \
	both [ "$(val challenge_algorithm b1.out)" = AKAv1-MD5 ] -- \
	[ "$(val challenge_qop b1.out)" = auth-int ]
check "rspauth (over our auth-int body) is right" \
	[ "$(val rspauth_ok b1.out)" = yes ]
check "Content-Type application/vnd.3gpp.bsf+xml" \
	[ "$(val content_type b1.out)" = application/vnd.3gpp.bsf+xml ]
RAND=$(val rand b1.out) CK=$(val ck b1.out) IK=$(val ik b1.out)
BTID=$(val btid b1.out)
want=$(printf %s "$RAND" | xxd -r -p | base64)@$BSFNAME
check "B-TID = base64(RAND)@bsf ($BTID)" [ "$BTID" = "$want" ]
life=$(date -d "$(val lifetime b1.out)" +%s 2>/dev/null || echo 0)
check "lifetime = now + key-lifetime ($(val lifetime b1.out))" \
	[ $((life - NOW - LIFE)) -ge -2 -a $((life - NOW - LIFE)) -le 5 ]

check "bootstrap (POST, qop auth): 200" boot b2.out --method POST --qop auth
check "...rspauth right" [ "$(val rspauth_ok b2.out)" = yes ]
check "...Authentication-Info has qop auth" \
	[ "$(val info_qop b2.out)" = auth ]
boot b3.out --wrong-res
check "a wrong RES: 403 (TS 24.109 4.3)" [ "$(val status b3.out)" = 403 ]
BOB=bob@$REALM
"$HSS_CTL" --db "$HSS_DB" add --impi "$BOB" --impu "sip:$BOB" --k "$K" \
	--op "$OP" --amf 8000 >/dev/null || fail "hss-ctl add $BOB"
# bob's own challenge, his right answer to it under alice's name
ub bootstrap "$URL" "$BOB" "$BSFNAME" "$K" "$OP" --answer-as "$IMPI" >b5.out
check "bob's right answer to his own challenge, in alice's name: 403" \
	[ "$(val status b5.out)" = 403 ]
check "...and no B-TID for anyone" eval "! grep -q '^btid=' b5.out"
NONCE3=$(val nonce b3.out)
out=$(ub raw "$URL" "Digest username=\"$IMPI\", realm=\"$BSFNAME\", nonce=\"$NONCE3\", uri=\"/\", qop=auth-int, nc=00000002, cnonce=\"ab\", response=\"00000000000000000000000000000000\", opaque=\"x\", algorithm=AKAv1-MD5")
check "the spent nonce gets a fresh challenge (401 stale)" \
	both hasx status=401 "$out" -- has 'stale=true' "$out"

# ---- resynchronisation (TS 24.109 4.5) ----
SQN=$(val sqn b2.out)
"$HSS_CTL" --db "$HSS_DB" set-sqn --impi "$IMPI" --sqn 000000000000 \
	>/dev/null || fail "hss-ctl set-sqn"
check "out-of-range SQN: auts, a fresh 401, then 200" \
	boot b4.out --sqn-ms "$SQN"
check "...the client resynchronised" \
	both [ "$(val resync b4.out)" = yes ] -- \
	[ "$(val status_resync b4.out)" = 401 ]
check "...rspauth right" [ "$(val rspauth_ok b4.out)" = yes ]
BTID=$(val btid b4.out) RAND=$(val rand b4.out)
CK=$(val ck b4.out) IK=$(val ik b4.out)

# ---- bad requests: 400, the bsf carries on ----
out=$(ub raw "$URL")
check "no Authorization: 400 with a reason" \
	both hasx status=400 "$out" -- has 'body=no Authorization' "$out"
out=$(ub raw "$URL" 'Digest username="x", realm=')
check "malformed Authorization: 400" grep -qx status=400 <<<"$out"
out=$(ub raw "$URL" "Digest username=\"$IMPI\", realm=\"evil.test\", nonce=\"\", uri=\"/\", response=\"\"")
check "another realm: 400" grep -qx status=400 <<<"$out"
out=$(ub raw "$URL" 'Basic YWxhZGRpbjpvcGVuc2VzYW1l')
check "Basic: 400" grep -qx status=400 <<<"$out"
out=$(ub raw "$URL" "Digest username=\"nobody@$REALM\", realm=\"$BSFNAME\", nonce=\"\", uri=\"/\", response=\"\"")
check "an IMPI the hss does not know: 403" grep -qx status=403 <<<"$out"
check "the bsf is still running" kill -0 "$BSF_PID"
check "the store is the run user's, 0600" \
	[ "$(stat -c %U:%a "$BSF_DB")" = imssec:600 ]
check "one row for alice (a new bootstrap replaced the old)" \
	[ "$(sqlite3 "$BSF_DB" "SELECT count(*) FROM bootstraps WHERE impi='$IMPI'")" = 1 ]
check "Ks never in the log" eval "! grep -qi '$CK$IK' bsf.log"

# ---- Zn (TS 29.109 6) ----
NAFID=$(printf %s "$NAF" | xxd -p | tr -d '\n')0100000002
zn() {	# OUT BTID NAF-ID-HEX
	ip netns exec "$NS_A" "$CXCLIENT" -c naf.conf zn-bir --btid "$2" \
	    --naf-id "$3" >"$1" 2>>zn.err
}
zn z1.out "$BTID" "$NAFID"
KSNAF=$(val ks_naf z1.out)
want=$("$IMSAUTH" ks-naf --ck "$CK" --ik "$IK" --rand "$RAND" \
    --impi "$IMPI" --naf-id "$NAFID" | sed -n 's/^ks_naf=//p')
check "Zn: Ks_NAF equals imsauth ks-naf ($KSNAF)" \
	both [ -n "$want" ] -- [ "$KSNAF" = "$want" ]
check "Zn: the IMPI, GBA-Type 3G, the times" \
	both [ "$(val impi z1.out)" = "$IMPI" ] -- \
	[ "$(val gba_type z1.out)" = 0 ]
check "Zn: Key-ExpiryTime = the lifetime given on Ub" \
	[ "$(val expiry z1.out)" = "$(date -d "$(val lifetime b4.out)" +%s)" ]
zn z2.out "AAAAAAAAAAAAAAAAAAAAAA==@$BSFNAME" "$NAFID"
check "Zn: unknown B-TID: 5403" [ "$(val exp_result_code z2.out)" = 5403 ]
OTHER=$(printf %s "other.$REALM" | xxd -p | tr -d '\n')0100000002
zn z3.out "$BTID" "$OTHER"
check "Zn: another NAF's FQDN from this peer: 5402" \
	[ "$(val exp_result_code z3.out)" = 5402 ]
check "Zn: nothing of the key in a refusal" \
	eval "! grep -q '^ks_naf=' z2.out z3.out"

stop_bsf
start_bsf bsf.conf
zn z4.out "$BTID" "$NAFID"
check "after a restart the B-TID still gives the same Ks_NAF" \
	[ "$(val ks_naf z4.out)" = "$KSNAF" ]

# The GUSS (TS 29.109 Annex A): one USS for NAF group xcap, lifeTime 300.
"$HSS_CTL" --db "$HSS_DB" gba-set --impi "$IMPI" --uss 1:xcap \
	--lifetime 300 >/dev/null || fail "hss-ctl gba-set"
NOW=$(date +%s)
check "bootstrap with a GUSS lifeTime of 300 s" boot b6.out
life=$(date -d "$(val lifetime b6.out)" +%s 2>/dev/null || echo 0)
check "the GUSS lifeTime caps the key lifetime ($(val lifetime b6.out))" \
	[ $((life - NOW - 300)) -ge -2 -a $((life - NOW - 300)) -le 5 ]
BTID6=$(val btid b6.out)
zn z5.out "$BTID6" "$NAFID"
check "Zn: a NAF in group default, the USS for xcap only: 5402" \
	[ "$(val exp_result_code z5.out)" = 5402 ]
stop_bsf
bsf_conf bsf-group.conf -o naf-group="$NAF=xcap"
start_bsf bsf-group.conf
zn z6.out "$BTID6" "$NAFID"
check "Zn: naf-group puts the NAF in xcap: 2001 with that USS" \
	both [ "$(val result z6.out)" = 2001 ] -- grep -q '^uss=.*xcap' z6.out
"$HSS_CTL" --db "$HSS_DB" gba-none --impi "$IMPI" >/dev/null ||
	fail "hss-ctl gba-none"
boot b7.out
zn z7.out "$(val btid b7.out)" "$NAFID"
check "Zn: a GUSS without USS: 5402" [ "$(val exp_result_code z7.out)" = 5402 ]
zn z8.out "$BTID6" "$NAFID"
check "Zn: the replaced B-TID is gone: 5403" \
	[ "$(val exp_result_code z8.out)" = 5403 ]

# ---- max-pending: 503 with Retry-After ----
stop_bsf
bsf_conf bsf-small.conf -o max-pending=1
start_bsf bsf-small.conf
req0="Digest username=\"$IMPI\", realm=\"$BSFNAME\", nonce=\"\", uri=\"/\", response=\"\""
out1=$(ub raw "$URL" "$req0")
out2=$(ub raw "$URL" "$req0")
check "max-pending 1: a challenge, then 503 with Retry-After" \
	both hasx status=401 "$out1" -- has '^hdr_retry-after=' "$out2"

# ---- mar-limit: an IMPI's MARs (SQNs spent at the hss) are bounded ----
stop_bsf
bsf_conf bsf-mar.conf -o mar-limit=2
start_bsf bsf-mar.conf
o1=$(ub raw "$URL" "$req0") o2=$(ub raw "$URL" "$req0")
o3=$(ub raw "$URL" "$req0")
check "mar-limit 2: two challenges" \
	both hasx status=401 "$o1" -- hasx status=401 "$o2"
check "...then 503 with Retry-After" \
	both hasx status=503 "$o3" -- has '^hdr_retry-after=' "$o3"

# ---- Ub over TLS ----
stop_bsf
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-keyout tls.key -out tls.pem -days 1 -subj "/CN=$BSFNAME" \
	-addext "subjectAltName=DNS:$BSFNAME,IP:$IP_B" >/dev/null 2>&1 ||
	die "openssl req"
chmod 0600 tls.key
bsf_conf bsf-tls.conf -o tls-cert="$WORK/tls.pem" -o tls-key="$WORK/tls.key"
start_bsf bsf-tls.conf
ub bootstrap "https://$IP_B:8080/" "$IMPI" "$BSFNAME" "$K" "$OP" \
	--sqn-ms "$(val sqn b4.out)" --cafile "$WORK/tls.pem" \>b5.out -- true
ub bootstrap "https://$IP_B:8080/" "$IMPI" "$BSFNAME" "$K" "$OP" \
	--cafile "$WORK/tls.pem" >b5.out
check "bootstrap over HTTPS: 200, rspauth right" \
	both [ "$(val status b5.out)" = 200 ] -- [ "$(val rspauth_ok b5.out)" = yes ]
out=$(ip netns exec "$NS_A" openssl s_client -connect "$IP_B:8080" \
	-tls1_1 -cipher 'DEFAULT:@SECLEVEL=0' </dev/null 2>&1)
check "TLS 1.1 is refused" has 'Cipher is (NONE)' "$out"
out=$(ip netns exec "$NS_A" openssl s_client -connect "$IP_B:8080" \
	-tls1_2 </dev/null 2>&1)
check "TLS 1.2 is taken" has 'Protocol *: TLSv1.2' "$out"
check "the bsf stopped cleanly" both stop_bsf -- true

summary
