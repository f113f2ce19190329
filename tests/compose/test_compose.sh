#!/bin/bash
# compose.test_compose: the IMS core as containers (docker-compose.yml).
# Starts a container engine where none runs, builds the image from a
# locally made base, brings the core up, registers from the ue service
# (IMS AKA through pcscf -> icscf -> scscf, Cx to the hss), bootstraps GBA
# and reads a Ut document, scrapes every daemon's /metrics, then scales
# the S-CSCF to 3: 60 users spread over the replicas and stay there, one
# replica killed and its users registered again on the others; then two
# P-CSCFs and two I-CSCFs.  Takes everything down
# and checks that no container, network or volume is left.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/compose_lib.sh"
[ "$(id -u)" -eq 0 ] || die "needs root (the container engine)"
need python3
trap 'compose_cleanup' EXIT
trap 'exit 1' INT TERM

engine_up
t0=$(date +%s)
compose build >build.log 2>&1 || { tail -n 30 build.log; die "image build failed"; }
echo "image built in $(($(date +%s) - t0)) s"

t0=$(date +%s)
compose up -d >up.log 2>&1
check "docker-compose up" [ $? -eq 0 ]
for s in hss scscf icscf pcscf xcap naf bsf; do
	check "$s healthy" wait_healthy "$s"
done
echo "core up in $(($(date +%s) - t0)) s"
for _ in $(seq 60); do
	[ "$("$DOCKER" inspect -f '{{.State.Status}}' "$(cid provision)")" = exited ] && break
	sleep 0.5
done
check "provisioning ran and exited 0" [ "$("$DOCKER" inspect -f \
    '{{.State.Status}} {{.State.ExitCode}}' "$(cid provision)")" = "exited 0" ]

# ---- least privilege: who runs as what, with which capabilities ----
caps() { cexec "$1" sh -c "grep -E '^(Uid|CapEff|CapBnd)' /proc/\$(pidof $2)/status"; }
for s in hss scscf icscf bsf naf xcap; do
	st=$(caps "$s" "$s")
	check "$s runs as imssec with no capability" eval \
	    "echo \"\$st\" | grep -q '^Uid:[[:space:]]*$(cexec "$s" id -u imssec)[[:space:]]' &&
	     echo \"\$st\" | grep -q '^CapEff:[[:space:]]*0000000000000000'"
done
# shellcheck disable=SC2034  # st is read by the eval'd check
st=$(caps pcscf pcscf)
check "pcscf runs as imssec keeping CAP_NET_ADMIN only" eval \
    "echo \"\$st\" | grep -q '^CapEff:[[:space:]]*0000000000001000' &&
     ! echo \"\$st\" | grep -q '^Uid:[[:space:]]*0[[:space:]]'"

# ---- a UE registers from the ue service ----
reg() {	# USER [TIMEOUT]: ims-ue register in the ue service
	cexec ue sh -c "ims-ue register --impi $1@\$DOMAIN --impu sip:$1@\$DOMAIN \
	    --k \$DEMO_K --op \$DEMO_OP --pcscf \$PCSCF_ADDR:\$PCSCF_PORT \
	    --state $1.usim --timeout ${2:-10}"
}
out=$(reg alice); echo "$out" >alice.out
check "alice registers from the ue service (200, expiry granted)" eval \
    "grep -q '^result=registered' alice.out && grep -q '^status=200' alice.out &&
     [ \"\$(kv expires <alice.out)\" -gt 0 ]"
show=$(cexec hss hss-ctl show --impi alice@ims.example.org)
echo "$show" >alice.show
check "hss-ctl finds the store without --db: alice registered at an S-CSCF" \
    eval "grep -q '^state=registered' alice.show &&
     grep -q '^scscf=sip:10\\.79\\.0\\.' alice.show"
sr=$(kv service_route <alice.out)
check "the Service-Route names the S-CSCF the HSS stored" \
    eval "case '$sr' in *\"$(kv scscf <alice.show | sed 's/^sip://')\"*) true ;; *) false ;; esac"

# ---- the ue service is outside the trust domain: the core refuses it ----
for hop in icscf:4060 scscf:6060; do
	# shellcheck disable=SC2016  # expanded in the ue service
	cexec ue sh -c 'ims-ue register --impi alice@$DOMAIN --impu sip:alice@$DOMAIN \
	    --k $DEMO_K --op $DEMO_OP --pcscf '"$hop"' --state direct.usim' \
	    >"direct-${hop%%:*}.out" 2>&1
	check "a REGISTER from the ue straight to the ${hop%%:*} is refused (403)" \
	    grep -q '^status=403' "direct-${hop%%:*}.out"
done
compose logs --no-color icscf >icscf.log 2>&1
check "...logged as an SA1 event naming the ue as the peer" \
    grep -qE 'WARN: SA1 user=- peer=10\.79\.0\.100:[0-9]+: icscf: REGISTER from outside the trust domain refused' icscf.log

# ---- security events in the logs: association, subscriber, peer; no key ----
# shellcheck disable=SC2016  # expanded in the ue service
cexec ue sh -c 'ims-ue register --impi bob@$DOMAIN --impu sip:bob@$DOMAIN \
    --k 00112233445566778899aabbccddeeff --op $DEMO_OP \
    --pcscf $PCSCF_ADDR:$PCSCF_PORT --state bob.usim' >bob.out 2>&1
check "bob with a wrong key is refused (403)" grep -q '^status=403' bob.out
compose logs --no-color scscf >scscf.log 2>&1
check "scscf logged alice's registration as SA1 with her identity and peer" \
    grep -qE 'INFO: SA1 user=sip:alice@ims.example.org peer=10\.79\.0\.[0-9]+:4060: registrar: registered' scscf.log
check "...and bob's failure as an SA1 warning" \
    grep -qE 'WARN: SA1 user=bob@ims.example.org peer=10\.79\.0\.[0-9]+:4060: registrar: authentication failed' scscf.log

# ---- GBA and Ut through the bsf and the naf ----
# shellcheck disable=SC2016  # expanded in the ue service
cexec ue sh -c 'ims-ue gba-bootstrap --impi alice@$DOMAIN --k $DEMO_K \
    --op $DEMO_OP --bsf $BSF_URL --naf $NAF_FQDN --state alice.usim \
    --cacert $LAB_CA' >boot.out 2>&1
check "alice bootstraps GBA at the bsf" grep -q '^btid=' boot.out
btid=$(kv btid <boot.out) ks=$(kv ks_naf_b64 <boot.out)
doc='<?xml version="1.0" encoding="UTF-8"?><simservs xmlns="http://uri.etsi.org/ngn/params/xml/simservs/xcap"/>'
# shellcheck disable=SC2016  # expanded in the ue service
url='$NAF_URL/simservs.ngn.etsi.org/users/sip:alice@$DOMAIN/simservs.xml'
cexec ue sh -c "curl -s -o /dev/null -w '%{http_code}' --digest -u '$btid:$ks' \
    --cacert \$LAB_CA -X PUT -H 'Content-Type: application/simservs+xml' \
    --data-binary '$doc' $url" >put.out
check "Ut PUT through the naf over TLS (201)" grep -qx 201 put.out
cexec ue sh -c "curl -s --digest -u '$btid:$ks' --cacert \$LAB_CA $url" >get.out
check "Ut GET returns the document" grep -q '<simservs' get.out

# ---- /metrics and /healthz of every daemon ----
P=$here/../lib/promparse.py
# val FILE SERIES: its value in the parsed scrape FILE.prom (0 if absent)
val() { awk -v s="$2" '$1 == s { v = $2 } END { print v + 0 }' "$1.prom"; }
for s in hss scscf icscf pcscf bsf naf xcap; do
	cexec "$s" curl -fsS http://127.0.0.1:9100/metrics >"$s.metrics" 2>&1
	check "$s /metrics parses as Prometheus text" \
	    eval "python3 '$P' '$s.metrics' >'$s.prom'"
	check "$s /healthz" eval "[ \"\$(cexec $s curl -fsS http://127.0.0.1:9100/healthz)\" = ok ]"
done
check "scscf counted alice's 401 and 200 to REGISTER" both \
    [ "$(val scscf 'imssec_sip_responses_total{method="REGISTER",status="401"}')" -ge 1 ] -- \
    [ "$(val scscf 'imssec_sip_responses_total{method="REGISTER",status="200"}')" -ge 1 ]
check "scscf: a binding active" \
    [ "$(val scscf 'imssec_bindings_active')" -ge 1 ]
check "hss counted MAR and SAR answers with 2001" both \
    [ "$(val hss 'imssec_diameter_answers_total{cmd="MAR",result="2001",role="server"}')" -ge 1 ] -- \
    [ "$(val hss 'imssec_diameter_answers_total{cmd="SAR",result="2001",role="server"}')" -ge 1 ]
check "hss: its Cx and Zh peers up" \
    [ "$(val hss 'imssec_diameter_peers_up')" -ge 3 ]
check "bsf counted the bootstrap's Zh MAR" \
    [ "$(val bsf 'imssec_diameter_answers_total{cmd="Zh-MAR",result="2001",role="client"}')" -ge 1 ]
check "no subscriber identity in any scrape" \
    eval "! grep -l 'alice' ./*.metrics"

# ---- scale the S-CSCF to 3: new users spread, a dead replica's users move ----
compose up -d --scale scscf=3 --no-recreate >scale.log 2>&1
check "--scale scscf=3" wait_healthy scscf 3
# shellcheck disable=SC2016  # expanded in the hss service
cexec hss sh -c 'for i in $(seq -w 1 60); do
	printf "%s\n%s\n" f1e2d3c4b5a69788796a4a4c3d2e1f01 494d53414b41746573744f5030303136 |
	hss-ctl add --impi u$i@$DOMAIN --impu sip:u$i@$DOMAIN --k-file - --op-file - >/dev/null || exit 1
done'
check "60 users provisioned" [ $? -eq 0 ]
sleep 12	# the icscf re-resolves scscf (scscf-refresh)
# regs TIMEOUT [PCSCF] USER...: each registers once in the ue service
# (one exec for all); "USER RESULT" lines
regs() {
	local t=$1 pc=$2
	shift 2
	cexec ue sh -c "for u in $*; do
		r=\$(ims-ue register --impi \$u@\$DOMAIN --impu sip:\$u@\$DOMAIN \
		    --k \$DEMO_K --op \$DEMO_OP --pcscf ${pc:-\$PCSCF_ADDR}:\$PCSCF_PORT \
		    --state \$u.usim --timeout $t 2>/dev/null | sed -n 's/^result=//p')
		echo \"\$u \${r:-none}\"
	done"
}
# shows USER...: "USER S-CSCF" as the HSS stores it (one exec)
shows() {
	cexec hss sh -c "for u in $*; do
		echo \"\$u \$(hss-ctl show --impi \$u@\$DOMAIN | sed -n 's/^scscf=//p')\"
	done"
}
users=$(seq -f 'u%02g' 1 60 | tr '\n' ' ')
# shellcheck disable=SC2086  # a list of names
regs 10 "" $users >regs60.txt
ok=$(grep -c ' registered$' regs60.txt)
check "60 users registered through 3 S-CSCFs ($ok)" [ "$ok" -eq 60 ]
# shellcheck disable=SC2086
shows $users >assign.txt
n=$(awk '{print $2}' assign.txt | sort -u | grep -c .)
check "every replica serves some users ($n distinct S-CSCFs)" [ "$n" -eq 3 ]
awk '{print $2}' assign.txt | sort | uniq -c
# shellcheck disable=SC2086
regs 10 "" $users >regs60b.txt
# shellcheck disable=SC2086
shows $users >assign2.txt
check "re-registrations stay on their S-CSCF" both \
    [ "$(grep -c ' registered$' regs60b.txt)" -eq 60 ] -- cmp -s assign.txt assign2.txt

victim=$(awk 'NR == 1 {print $2}' assign.txt)
vaddr=${victim#sip:}; vaddr=${vaddr%:*}
for c in $(compose ps -q scscf); do
	a=$("$DOCKER" inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$c")
	[ "$a" = "$vaddr" ] && "$DOCKER" kill "$c" >/dev/null
done
moved=$(awk -v v="$victim" '$2 == v {print $1}' assign.txt | tr '\n' ' ')
total=$(echo "$moved" | wc -w)
# The first REGISTER towards the dead address waits for the icscf's
# scscf-timeout (5 s, no answer) or a transport error; the icscf then holds
# that S-CSCF down and sends the REGISTER to another: within the UE's 10 s.
# shellcheck disable=SC2086
regs 10 "" $moved >again.txt
ok=$(grep -c ' registered$' again.txt)
check "the killed replica's $total users registered again ($ok)" \
    both [ "$total" -gt 0 ] -- [ "$ok" -eq "$total" ]
# shellcheck disable=SC2086
shows $moved >moved.txt
check "...and the HSS holds a live S-CSCF for each of them" \
    both [ "$(grep -c . moved.txt)" -eq "$total" ] -- \
    [ "$(awk -v v="$victim" '$2 == v || $2 == ""' moved.txt | wc -l)" -eq 0 ]

# ---- two P-CSCFs and two I-CSCFs: a UE may use either P-CSCF ----
compose up -d --no-recreate --scale scscf=3 --scale pcscf=2 \
    --scale icscf=2 >scale2.log 2>&1
check "--scale pcscf=2 --scale icscf=2" both wait_healthy pcscf 2 -- \
    wait_healthy icscf 2
for c in $(compose ps -q pcscf); do
	a=$("$DOCKER" inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$c")
	regs 10 "$a" u01 u02 u03 >"via-$a.txt"
	check "users register through the P-CSCF replica $a" \
	    [ "$(grep -c ' registered$' "via-$a.txt")" -eq 3 ]
done
for c in $(compose ps -q icscf); do
	"$DOCKER" exec "$c" curl -fsS http://127.0.0.1:9100/metrics >icscf-r.metrics
	python3 "$P" icscf-r.metrics >icscf-r.prom
	check "icscf replica $(echo "$c" | cut -c1-12) has its Cx link to the hss" \
	    [ "$(val icscf-r imssec_diameter_peers_up)" -ge 1 ]
done

compose logs --no-color >compose.log 2>&1
check "bsf and naf logged GBA as SA6 events of alice" eval \
    "grep -qE 'bsf_1 .* INFO: SA6 user=alice@ims.example.org peer=-: bsf: bootstrapped' compose.log &&
     grep -qE 'naf_1 .* INFO: SA6 user=alice@ims.example.org peer=10\.79\.0\.100:[0-9]+: naf: PUT' compose.log"
check "no key in any log (K, OP, Ks_NAF)" eval \
    "! grep -qiF -e f1e2d3c4b5a69788796a4a4c3d2e1f01 \
       -e 494d53414b41746573744f5030303136 -e '$ks' compose.log"
compose down -v --remove-orphans -t 5 >down.log 2>&1
check "docker-compose down -v" [ $? -eq 0 ]
check "no container, network or volume left" project_gone
summary
