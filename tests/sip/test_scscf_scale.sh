#!/bin/bash
# test_scscf_scale.sh - scaled S-CSCFs (issue 10): three S-CSCF replicas
# that the I-CSCF knows by one name (scscf = sip:scscf.DOMAIN:6060=1,2;
# the icscf's /etc/hosts gives the name three addresses) and the hss
# accepts by pattern (diameter.accept scscf-*.DOMAIN@NET.0/29, scscf
# sip:*:6060@scscf-*.DOMAIN), each replica with an identity and a name of
# its own.  60 users register with ims-ue through the pcscf: every replica
# serves some; a re-registration stays with the S-CSCF the HSS has; one
# replica is killed (-9) and its users register again on the others
# (the I-CSCF holds it down, UAR REGISTRATION_AND_CAPABILITIES, TS 24.229
# 5.3.1.3), the HSS then names a live one for each.  Attacks on the hss's
# patterns with cxclient: a peer in the prefix naming another replica's
# Server-Name (SAR, MAR: 5012), a matching identity from outside the
# prefix and a non-matching one inside it (refused at CER).
# Env: HSS, HSS_CTL, SCSCF, ICSCF, PCSCF, IMS_UE, CXCLIENT, SIPDIR.
set -u
: "${HSS:?}" "${HSS_CTL:?}" "${SCSCF:?}" "${ICSCF:?}" "${PCSCF:?}"
: "${IMS_UE:?}" "${CXCLIENT:?}" "${SIPDIR:?}"
# shellcheck source=tests/sip/sip_lib.sh
. "$SIPDIR/sip_lib.sh"
need ss getent python3

USERS=60
SCSCFS=(scscf scscf2 scscf3)
SC3=$(ip_of scscf3)
# The replicas' Diameter identities: scscf-A-B-C-D.DOMAIN (as the compose
# entrypoint derives them from the address).
ident() { echo "scscf-$(ip_of "$1" | tr . -).$DOMAIN"; }

# The I-CSCF resolves scscf.DOMAIN to every replica (netns_etc adds the
# first, $SC).
netns_etc 127.0.0.1 "$SC2 scscf.$DOMAIN
$SC3 scscf.$DOMAIN" icscf
chain_up "$PWD/run-scale" -n "hss scscf scscf2 scscf3 icscf pcscf ue" -d "" \
	-H "diameter.accept=scscf-*.$DOMAIN@$NET.0/29" \
	-H "scscf=sip:*:6060@scscf-*.$DOMAIN"
for i in $(seq "$USERS"); do
	provision "u$i"
done
provision mallet

for n in "${SCSCFS[@]}"; do
	scscf_conf "$n.conf" "$n" -o "diameter.identity=$(ident "$n")"
	cscf_start "$n"
done
dia icscf
trusted
lab_conf "$ICSCF" icscf icscf.conf "${DIA[@]}" "${CX[@]}" "${TRUSTED[@]}" \
	-o listen="$IC:5060" -o domain="$DOMAIN" \
	-o scscf="sip:scscf.$DOMAIN:6060=1,2" -o scscf-refresh=2 \
	-o scscf-hold=60
cscf_start icscf
# Every UE is at the one address: no per-source challenge limit.
pcscf_conf pcscf.conf -o register-burst=100000 -o register-rate=100000
cscf_start pcscf
for n in "${SCSCFS[@]}" icscf; do
	cx_wait "$n" || die "$n: no Cx link to the hss"
done

check "glibc gives the icscf all three addresses of scscf.$DOMAIN" \
	[ "$(in_ns icscf getent ahostsv4 "scscf.$DOMAIN" | awk '{print $1}' |
	sort -u | wc -l)" -eq 3 ]
check "the I-CSCF found three candidates" \
	wait_log icscf.log "3 S-CSCF candidates: .*sip:$SC3:6060" 50
for n in "${SCSCFS[@]}"; do
	check "the hss accepted $(ident "$n") by its pattern" \
		grep -q "accepted peer $(ident "$n") from $(ip_of "$n")" hss.log
done

# reg USER TAG: ims-ue registers USER through the pcscf (port from the
# user's number), output USER.TAG.out.
reg() {
	local port=$((5200 + ${1#u}))
	in_ns ue "$IMS_UE" register --impi "$1@$DOMAIN" --impu "sip:$1@$DOMAIN" \
		--k "$K" --op "$OP" --domain "$DOMAIN" --pcscf "$PC:5060" \
		--local "$UE:$port" --state "$1.sqn" --timeout 15 \
		>"$1.$2.out" 2>&1
}
# reg_all TAG USER...: every USER registers (6 at a time); the users that
# failed in failed.TAG.
reg_all() {
	local tag=$1 u
	local -a batch=()
	shift
	: >"failed.$tag"
	for u in "$@"; do
		{ reg "$u" "$tag" || echo "$u" >>"failed.$tag"; } &
		batch+=("$!")
		if [ "${#batch[@]}" -ge 6 ]; then
			wait "${batch[@]}"
			batch=()
		fi
	done
	[ "${#batch[@]}" -eq 0 ] || wait "${batch[@]}"
	[ ! -s "failed.$tag" ]
}
# served USER: the S-CSCF the HSS has for USER.
served() { hss_show "$1" | sed -n 's/^scscf=//p' | head -1; }
live() {	# NODE: IMPUs with a live binding at the S-CSCF on NODE
	store_query "$1" "select count(distinct impu) from bindings where
		expires_at>strftime('%s','now')"
}

ALL=()
for i in $(seq "$USERS"); do ALL+=("u$i"); done
t0=$(date +%s)
check "$USERS users register through pcscf/icscf/scaled scscf" \
	reg_all first "${ALL[@]}"
echo "registrations took $(($(date +%s) - t0)) s"
total=0
for n in "${SCSCFS[@]}"; do
	c=$(live "$n")
	total=$((total + c))
	check "$n ($(ip_of "$n")) serves some users ($c)" [ "$c" -gt 0 ]
done
check "the replicas hold $USERS users in all ($total)" [ "$total" -eq "$USERS" ]
for u in "${ALL[@]}"; do served "$u"; done >served.first
check "the HSS stores one of the replicas' own names for each" \
	[ "$(grep -Ecx "sip:($SC|$SC2|$SC3):6060" served.first)" -eq "$USERS" ]

check "the users register again" reg_all again "${ALL[@]}"
for u in "${ALL[@]}"; do served "$u"; done >served.again
check "each stayed with its S-CSCF (the UAA's Server-Name)" \
	cmp -s served.first served.again

# One replica dies.
DEAD=scscf2
kill -9 "$SCSCF2_PID"
wait "$SCSCF2_PID" 2>/dev/null
mapfile -t ORPHANS < <(for u in "${ALL[@]}"; do
	[ "$(served "$u")" = "sip:$SC2:6060" ] && echo "$u"; done)
check "$DEAD had users (${#ORPHANS[@]})" [ "${#ORPHANS[@]}" -gt 0 ]
mark=$(($(wc -l <icscf.log) + 1))
t0=$(date +%s)
check "every user of the dead $DEAD registers again" \
	reg_all failover "${ORPHANS[@]}"
echo "failover registrations took $(($(date +%s) - t0)) s"
bad=0
for u in "${ORPHANS[@]}"; do
	s=$(served "$u")
	[ "$s" = "sip:$SC:6060" ] || [ "$s" = "sip:$SC3:6060" ] || bad=$((bad + 1))
	[ "$(hss_state "$u")" = registered ] || bad=$((bad + 1))
done
check "the HSS now stores a live S-CSCF for each of them (bad: $bad)" \
	[ "$bad" -eq 0 ]
split=0
for u in "${ORPHANS[@]}"; do
	[ "$(tail -n +"$mark" icscf.log |
	    grep "REGISTER for sip:$u@$DOMAIN to " | grep -v "to sip:$SC2:" |
	    awk '{print $NF}' | sort -u | wc -l)" -eq 1 ] || split=$((split + 1))
done
check "both REGISTERs (challenge, answer) of each went to one live S-CSCF (split: $split)" \
	[ "$split" -eq 0 ]
check "the I-CSCF found $DEAD unreachable and held it down" \
	grep -q "S-CSCF sip:$SC2:6060 not reached for the REGISTER" icscf.log
check "...then a UAR for capabilities for its users" \
	grep -q "S-CSCF sip:$SC2:6060 is held down: UAR for capabilities" \
	icscf.log
check "the live replicas hold every user again" \
	[ $(($(live scscf) + $(live scscf3))) -eq "$USERS" ]
for u in u61 u62 u63; do provision "$u"; done
check "three new users register" reg_all late u61 u62 u63
check "...none of them on the held-down replica" \
	eval "! grep -qx 'sip:$SC2:6060' <(for u in u61 u62 u63; do served \$u; done)"

# ---- the hss's patterns under attack (cxclient) ----
# cx NODE NAME IDENTITY CMD ARGS...: one request from NODE's namespace.
cx() {
	local n=$1 name=$2 id=$3
	shift 3
	{
		echo "diameter.identity = $id"
		echo "diameter.connect = hss.$DOMAIN@$HS"
		echo "diameter.dest-realm = $DOMAIN"
		echo "diameter.tc-timer = 2"
		echo "diameter.timeout = 2000"
		echo "diameter.extensions-dir = $FD_EXT"
	} >"$name.conf"
	in_ns "$n" "$CXCLIENT" -c "$name.conf" "$@" >"$name.out" 2>"$name.err"
}
result() { sed -n 's/^result=//p' "$1.out"; }
EVIL=scscf-evil.$DOMAIN
cx pcscf sar-other "$EVIL" sar --impi "mallet@$DOMAIN" \
	--impu "sip:mallet@$DOMAIN" --type 1 --server-name "sip:$SC3:6060"
check "a peer in the prefix naming another replica in a SAR: 5012" \
	[ "$(result sar-other)" = 5012 ]
check "...logged with the reason" grep -q \
	"SA3 user=- peer=$EVIL: hss: SAR with Server-Name sip:$SC3:6060 refused: Server-Name not at the peer's own address" \
	hss.log
cx pcscf mar-other "$EVIL" mar --impi "mallet@$DOMAIN" \
	--impu "sip:mallet@$DOMAIN" --server-name "sip:$SC3:6060"
check "...and in a MAR: 5012, no vector" \
	eval "[ \"\$(result mar-other)\" = 5012 ] && ! grep -q '^item=' mar-other.out"
cx pcscf sar-port "$EVIL" sar --impi "mallet@$DOMAIN" \
	--impu "sip:mallet@$DOMAIN" --type 1 --server-name "sip:$PC:5060"
check "its own address with another port: 5012" [ "$(result sar-port)" = 5012 ]
check "mallet is not assigned to anyone" \
	[ -z "$(served mallet)" ]
cx pcscf sar-own "$EVIL" sar --impi "mallet@$DOMAIN" \
	--impu "sip:mallet@$DOMAIN" --type 1 --server-name "sip:$PC:6060"
check "control: the same peer with its own address as Server-Name: 2001" \
	[ "$(result sar-own)" = 2001 ]
cx ue outside "scscf-outside.$DOMAIN" mar --impi "mallet@$DOMAIN" \
	--impu "sip:mallet@$DOMAIN" --server-name "sip:$UE:6060"
check "a matching identity from outside the prefix: refused at CER" \
	eval "grep -q '^status=no-peer' outside.out && grep -q 'refused peer scscf-outside.$DOMAIN from $UE: not the address' hss.log"
cx pcscf rogue "rogue.$DOMAIN" mar --impi "mallet@$DOMAIN" \
	--impu "sip:mallet@$DOMAIN" --server-name "sip:$PC:6060"
check "an identity no pattern matches, inside the prefix: refused at CER" \
	eval "grep -q '^status=no-peer' rogue.out && grep -q 'refused peer rogue.$DOMAIN from $PC: not in diameter.accept' hss.log"

for p in "$HSS_PID" "$SCSCF_PID" "$SCSCF3_PID" "$ICSCF_PID" "$PCSCF_PID"; do
	check "daemon $p still running" kill -0 "$p"
done
summary
