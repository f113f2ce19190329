#!/bin/bash
# test_seg_refuse.sh BIN - what the seg refuses (issue 12), against
# strongSwan's charon and a raw IKE sender (ike_raw.py), for real.
#
# Namespace A runs our seg (outer 10.49.0.1, domain 192.168.231.0/24),
# namespace B charon or ike_raw.py or a second seg (outer 10.49.0.2,
# domain 192.168.232.0/24).  Every refusal asserts the notify (read off
# the answer by ike_raw.py, or from charon's or the seg's log), that the
# seg installed no SA (ip xfrm state in A empty), and that the seg still
# runs; a good tunnel comes up after each group.  Cases:
#   wrongpsk   charon with another PSK initiates: AUTHENTICATION_FAILED;
#              our seg initiates to it: charon's AUTHENTICATION_FAILED
#   noprop     charon offers only aes192-sha384-modp3072 for IKE: and the
#              raw sender too: NO_PROPOSAL_CHOSEN (stateless, SPIr 0);
#              charon offers only aes192-sha384 for ESP: NO_PROPOSAL_CHOSEN
#              in IKE_AUTH, no CHILD_SA
#   ke         raw: MODP-2048 proposed, an ECP-256 KE sent:
#              INVALID_KE_PAYLOAD carrying 14; charon offering ECP-256 first
#              gets the same and comes up with MODP-2048
#   junk       raw: shorter than a header, header only, Length past the
#              datagram, a payload length past the end, random bytes: no
#              answer (RFC 7296 2.21.1: unauthenticated, not answered); a
#              well-formed IKE_SA_INIT without KE: INVALID_SYNTAX
#   replay     raw: one IKE_SA_INIT twice: the same answer, one half-open
#              SA; charon's IKE_AUTH captured and resent once the SA is
#              up: the cached response again (2.1), still one CHILD_SA
#   ts         charon's local_ts, then its remote_ts, outside the seg's
#              subnets: TS_UNACCEPTABLE, IKE SA without CHILD_SA; our seg
#              initiating to a charon whose subnets differ: refused too
#   flood      raw: 200 IKE_SA_INIT with random SPIs: cookies engage
#              (cookie-threshold 10: at most 10 full answers, the rest only
#              N(COOKIE)), one log line for the burst, seg-ctl stats counts
#              them; a request returning its cookie is answered in full;
#              charon (which handles cookies) still comes up
#   cookie     a second seg as initiator against ours with
#              cookie-threshold 0: it retries with the cookie, both up
#   cert       charon with a certificate of another CA:
#              AUTHENTICATION_FAILED; with the lab CA's: up
# Runs as root where the kernel has ESP: via tests/kernel/kernel_test.sh.
set -uo pipefail
BIN=${1:?usage: test_seg_refuse.sh BUILD/bin}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
PY=/usr/bin/python3
A=imsRA$$ B=imsRB$$
# shellcheck source=SCRIPTDIR/klib.sh
. "$here/klib.sh"
# shellcheck source=SCRIPTDIR/swanlib.sh
. "$here/swanlib.sh"
klib_init ims-segref
need tcpdump openssl
for b in seg seg-ctl; do [ -x "$BIN/$b" ] || die "no $BIN/$b"; done
echo "test_seg_refuse: kernel $(uname -r), $BIN"

OA=10.49.0.1 OB=10.49.0.2 IA=192.168.231.1 IB=192.168.232.1
NA=192.168.231.0/24 NB=192.168.232.0/24
netns_pair "$A" va "$OA/24" "$B" vb "$OB/24" || die "no namespaces"
ip -n "$A" addr add "$IA/32" dev lo || die "inner address in A"
ip -n "$B" addr add "$IB/32" dev lo || die "inner address in B"
xfrm_warm "$A"
xfrm_warm "$B"
PSK=lab-psk-$RANDOM$RANDOM

# --- credentials: the lab CA and a rogue one ------------------------------
# mkca NAME: $work/NAME.pem/.key, a P-256 CA.
mkca() {
	openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$work/$1.key" -out "$work/$1.pem" -days 2 -subj "/CN=$1" \
	    -addext basicConstraints=critical,CA:TRUE \
	    -addext keyUsage=critical,keyCertSign,cRLSign >/dev/null 2>&1 ||
		die "CA $1"
}
# issue CA NAME FQDN KEYARGS...: $work/NAME.pem/.key, SAN DNS:FQDN, by CA.
issue() {
	local ca=$1 n=$2 fq=$3
	shift 3
	printf 'subjectAltName=DNS:%s\nbasicConstraints=CA:FALSE\n' "$fq" >"$work/$n.ext"
	set -- "$ca" "$n" "$fq" "$@"
	openssl req -new -newkey "${@:4}" -nodes \
	    -keyout "$work/$2.key" -out "$work/$2.csr" -subj "/CN=$3" \
	    >/dev/null 2>&1 || die "request $2"
	openssl x509 -req -in "$work/$2.csr" -CA "$work/$1.pem" -CAkey "$work/$1.key" \
	    -CAcreateserial -out "$work/$2.pem" -days 2 -extfile "$work/$2.ext" \
	    >/dev/null 2>&1 || die "certificate $2"
}
mkca labca
mkca rogueca
issue labca segcert sega.test ec -pkeyopt ec_paramgen_curve:P-256
issue labca swancert segb.test rsa:2048
issue rogueca roguecert segb.test rsa:2048

# --- our seg in A ---------------------------------------------------------
# seg_up AUTH [COOKIE_THRESHOLD]: our seg (responder) in A, debug log.
seg_up() {
	local auth="auth=psk psk=$PSK"
	[ "$1" = cert ] && auth="auth=cert"
	{
		echo "local = $OA"
		echo "identity = sega.test"
		echo "peer = swan address=$OB id=segb.test $auth local-subnet=$NA remote-subnet=$NB initiate=no"
		echo "ike-proposal = aes128-sha256-modp2048"
		echo "esp-proposal = aes128gcm16"
		echo "cert = $work/segcert.pem"
		echo "key = $work/segcert.key"
		echo "ca = $work/labca.pem"
		echo "ctl-socket = $work/seg.ctl"
		echo "pid-file = $work/seg.run.pid"
		echo "dpd-delay = 0"
		echo "cookie-threshold = ${2:-10}"
	} >"$work/seg.conf"
	"$BIN/seg" -n -c "$work/seg.conf" >"$work/seg.n.err" 2>&1 ||
		die "seg -n refuses seg.conf: $(cat "$work/seg.n.err")"
	bg "$A" seg /bin/sh -c "exec '$BIN/seg' -d -c '$work/seg.conf' >>'$work/seg.log' 2>&1"
	for _ in $(seq 50); do
		segctl list >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	die "seg did not answer on its control socket: $(tail -5 "$work/seg.log")"
}
segctl() { ip netns exec "$A" "$BIN/seg-ctl" -s "$work/seg.ctl" "$@"; }
nstates() { ip -n "$1" xfrm state | grep -c '^src'; }
alive() { kill -0 "$(cat "$work/seg.pid")" 2>/dev/null && segctl list >/dev/null; }
raw() { ip netns exec "$B" "$PY" "$here/ike_raw.py" "$@"; }

# --- charon in B ----------------------------------------------------------
# swan_up AUTH IKEPROP ESPPROP LOCAL_TS REMOTE_TS [SECRET]: charon with
# connection za (AUTH psk, cert or rogue); SW is its directory.
n_swan=0
swan_up() {
	local d=$work/swan$((n_swan += 1)) auth secret=${6:-$PSK} cert=swancert
	swan_init "$d"
	if [ "$1" = psk ]; then
		auth="local { auth = psk
    id = segb.test }
  remote { auth = psk
    id = sega.test }"
	else
		[ "$1" = rogue ] && cert=roguecert
		# swanctl loads private keys from the private/ folder next
		# to swanctl.conf (a secrets entry only names a passphrase)
		mkdir -p "$d/private" || die "mkdir $d/private"
		cp "$work/$cert.key" "$d/private/" || die "charon's key"
		auth="local { auth = pubkey
    certs = $work/$cert.pem
    id = segb.test }
  remote { auth = pubkey
    id = sega.test
    cacerts = $work/labca.pem }"
	fi
	cat >"$d/swanctl.conf" <<CONF
connections { za { version = 2
  local_addrs = $OB
  remote_addrs = $OA
  proposals = $2
  encap = no
  $auth
  children { za { mode = tunnel
    esp_proposals = $3
    local_ts = $4
    remote_ts = $5
    start_action = none } } } }
secrets {
  ike-za { id-1 = sega.test
    id-2 = segb.test
    secret = $secret }
}
CONF
	swan_start "$B" "$d" charon
	swan_load "$d"
	SW=$d
}
swan_down() { stop charon; }
# swan_init_za TAG: charon initiates za; its output in $work/TAG.init.
swan_init_za() {
	swanctl_in "$SW" --initiate --child za --timeout 20 >"$work/$1.init" 2>&1
}
swan_log() { grep -q "$1" "$SW/charon.log"; }

# refused TAG: what every refusal asserts of our side.
refused() {
	same "$1: no SA in the seg's kernel" "$(nstates "$A")" 0
	check "$1: the seg still runs" alive
}

# good TAG [AUTH] [IKEPROP]: charon initiates a tunnel that must come up
# (the seg still brings one up), then tears it down.
good() {
	swan_up "${2:-psk}" "${3:-aes128-sha256-modp2048}" aes128gcm16 "$NB" "$NA"
	good_init "$1"
}
# good_init TAG: the same with charon already up.
good_init() {
	local tag=$1
	swan_init_za "$tag"
	check "$tag: charon comes up after the refusals" \
	    grep -q 'initiate completed successfully' "$work/$tag.init"
	same "$tag: one SA pair in the seg's kernel" "$(nstates "$A")" 2
	check "$tag: seg-ctl lists the CHILD_SA" \
	    grep -q "^  child $NA === $NB esp tunnel" <<<"$(segctl list)"
	swanctl_in "$SW" --terminate --ike za --timeout 10 >/dev/null 2>&1
	for _ in $(seq 50); do [ "$(nstates "$A")" = 0 ] && break; sleep 0.1; done
	same "$tag: torn down: no SA left in the seg's kernel" "$(nstates "$A")" 0
	swan_down
}

seg_up psk

# --- wrongpsk -------------------------------------------------------------
swan_up psk aes128-sha256-modp2048 aes128gcm16 "$NB" "$NA" not-the-lab-psk
swan_init_za wrongpsk
check "wrongpsk: charon's initiation fails" grep -q 'initiate failed' "$work/wrongpsk.init"
check "wrongpsk: charon received AUTHENTICATION_FAILED" \
    swan_log 'received AUTHENTICATION_FAILED notify error'
check "wrongpsk: the seg logged the AUTH that does not verify" \
    grep -q 'AUTH of segb.test does not verify' "$work/seg.log"
refused wrongpsk
segctl initiate swan >/dev/null
for _ in $(seq 100); do
	grep -q 'IKE_AUTH refused: AUTHENTICATION_FAILED' "$work/seg.log" && break
	sleep 0.1
done
check "wrongpsk: our seg initiating is refused with AUTHENTICATION_FAILED" \
    grep -q 'IKE_AUTH refused: AUTHENTICATION_FAILED' "$work/seg.log"
refused wrongpsk-initiator
check "wrongpsk: no PSK in the seg's log" absent "$PSK" "$work/seg.log"
swan_down

# --- noprop ---------------------------------------------------------------
swan_up psk aes192-sha384-modp3072 aes128gcm16 "$NB" "$NA"
swan_init_za noprop
check "noprop: charon received NO_PROPOSAL_CHOSEN" \
    swan_log 'received NO_PROPOSAL_CHOSEN notify error'
refused noprop
swan_down
r=$(raw init "$OB" "$OA" --prop aes192-sha384-modp3072)
echo "$r"
check "noprop: raw IKE_SA_INIT answered NO_PROPOSAL_CHOSEN, no SPIr (stateless)" \
    grep -q 'spir=0000000000000000 payloads=N notify=NO_PROPOSAL_CHOSEN:$' <<<"$r"
swan_up psk aes128-sha256-modp2048 aes192-sha384 "$NB" "$NA"
swan_init_za noprop-esp
check "noprop-esp: charon received NO_PROPOSAL_CHOSEN in IKE_AUTH" \
    swan_log 'received NO_PROPOSAL_CHOSEN notify'
check "noprop-esp: the seg logged the refused CHILD_SA" \
    grep -q 'CHILD_SA refused: NO_PROPOSAL_CHOSEN' "$work/seg.log"
refused noprop-esp
swan_down

# --- ke -------------------------------------------------------------------
r=$(raw init "$OB" "$OA" --prop aes128-sha256-modp2048 --ke 19)
echo "$r"
check "ke: MODP-2048 offered with an ECP-256 KE: INVALID_KE_PAYLOAD carrying group 14" \
    grep -q 'spir=0000000000000000 payloads=N notify=INVALID_KE_PAYLOAD:000e$' <<<"$r"
refused ke
good ke-good psk aes128-sha256-ecp256-modp2048
check "ke: charon was asked for MODP-2048 instead of ECP-256" \
    swan_log 'requested MODP_2048'

# --- junk -----------------------------------------------------------------
for k in short hdronly badlen chain random; do
	r=$(raw junk "$OB" "$OA" $k)
	same "junk: $k: not answered (2.21.1)" "$r" noanswer
done
r=$(raw init "$OB" "$OA" --no-ke)
echo "$r"
check "junk: IKE_SA_INIT without KE: INVALID_SYNTAX" \
    grep -q 'payloads=N notify=INVALID_SYNTAX:$' <<<"$r"
refused junk
check "junk: the seg logged the malformed messages dropped" \
    grep -q 'a malformed message dropped' "$work/seg.log"

# --- replay ---------------------------------------------------------------
r=$(raw init "$OB" "$OA" --twice)
echo "$r"
spi=$(sed -n 's/^spi //p' <<<"$r")
check "replay: IKE_SA_INIT answered in full" grep -q '^answer .*payloads=SA,KE,NONCE' <<<"$r"
check "replay: the same IKE_SA_INIT again: the same answer" grep -q '^same-answer yes' <<<"$r"
same "replay: one half-open SA for SPIi $spi" "$(segctl list | grep -c "spi-i $spi ")" 1
bg "$B" cap tcpdump -Z root -U --immediate-mode -n -s 0 -i vb -w "$work/auth.pcap" udp port 500
for _ in $(seq 50); do [ -s "$work/auth.pcap" ] && break; sleep 0.1; done
good_replay() {
	swan_up psk aes128-sha256-modp2048 aes128gcm16 "$NB" "$NA"
	swan_init_za replay
	check "replay: charon comes up" grep -q 'initiate completed successfully' "$work/replay.init"
	sleep 0.5
	stop cap
	r=$(raw resend "$OB" "$OA" "$work/auth.pcap")
	echo "$r"
	check "replay: charon's IKE_AUTH request resent" grep -q '^resent IKE_AUTH .* msgid 1' <<<"$r"
	for _ in $(seq 30); do grep -q 'request 1 again: the cached response' "$work/seg.log" && break; sleep 0.1; done
	check "replay: the seg answered it with the cached response (2.1)" \
	    grep -q 'request 1 again: the cached response' "$work/seg.log"
	same "replay: still one SA pair in the seg's kernel" "$(nstates "$A")" 2
	same "replay: seg-ctl lists one CHILD_SA" "$(segctl list | grep -c '^  child ')" 1
	swanctl_in "$SW" --list-sas >"$work/replay.sas" 2>&1
	same "replay: charon still has one CHILD_SA installed" \
	    "$(grep -c 'INSTALLED, TUNNEL' "$work/replay.sas")" 1
	swanctl_in "$SW" --terminate --ike za --timeout 10 >/dev/null 2>&1
	for _ in $(seq 50); do [ "$(nstates "$A")" = 0 ] && break; sleep 0.1; done
	same "replay: torn down" "$(nstates "$A")" 0
	swan_down
}
good_replay

# --- ts -------------------------------------------------------------------
swan_up psk aes128-sha256-modp2048 aes128gcm16 192.168.99.0/24 "$NA"
swan_init_za ts-local
check "ts: charon's local_ts outside: TS_UNACCEPTABLE" \
    swan_log 'received TS_UNACCEPTABLE notify'
check "ts: the seg logged the refused CHILD_SA" \
    grep -q 'CHILD_SA refused: TS_UNACCEPTABLE' "$work/seg.log"
refused ts-local
swan_down
swan_up psk aes128-sha256-modp2048 aes128gcm16 "$NB" 10.99.0.0/16
n=$(grep -c 'CHILD_SA refused: TS_UNACCEPTABLE' "$work/seg.log")
swan_init_za ts-remote
check "ts: charon's remote_ts outside: TS_UNACCEPTABLE" \
    swan_log 'received TS_UNACCEPTABLE notify'
check "ts: the seg logged it" [ "$(grep -c 'CHILD_SA refused: TS_UNACCEPTABLE' "$work/seg.log")" -gt "$n" ]
refused ts-remote
swan_down
# our seg initiating to a charon whose domain is another subnet
swan_up psk aes128-sha256-modp2048 aes128gcm16 192.168.99.0/24 10.99.0.0/16
n=$(grep -c 'refused: TS_UNACCEPTABLE' "$work/seg.log")
segctl initiate swan >/dev/null
for _ in $(seq 100); do
	[ "$(grep -c 'refused: TS_UNACCEPTABLE' "$work/seg.log")" -gt "$n" ] && break
	sleep 0.1
done
check "ts: our seg initiating is answered TS_UNACCEPTABLE" \
    [ "$(grep -c 'refused: TS_UNACCEPTABLE' "$work/seg.log")" -gt "$n" ]
refused ts-initiator
swan_down
good ts-good

# --- flood ----------------------------------------------------------------
# charon started first: the flood's half-open SAs last 30 s
swan_up psk aes128-sha256-modp2048 aes128gcm16 "$NB" "$NA"
r=$(raw flood "$OB" "$OA" 200)
echo "$r"
read -r _ sent _ answers _ ck _ full <<<"$r"
# Under QEMU the seg's socket overflows while it computes the first
# answers' DH: not every request is answered, every answer is counted.
check "flood: most requests answered ($answers of $sent)" [ "$answers" -ge 100 ]
check "flood: at most cookie-threshold (10) full answers ($full)" [ "$full" -le 10 ]
same "flood: every other answer only N(COOKIE)" "$ck" "$((answers - full))"
st=$(segctl stats)
echo "$st"
cs=$(sed -n 's/.*cookies-sent \([0-9]*\).*/\1/p' <<<"$st")
ho=$(sed -n 's/^half-open \([0-9]*\).*/\1/p' <<<"$st")
check "flood: seg-ctl stats counts the cookies sent ($cs)" [ "${cs:-0}" -ge "$ck" ]
check "flood: the half-open SAs stay at the threshold ($ho)" [ "${ho:-99}" -le 11 ]
same "flood: one log line for the burst" \
    "$(grep -c 'answered with cookies' "$work/seg.log")" 1
good_init flood-good
check "flood: charon was sent a cookie and returned it" swan_log 'N(COOKIE)'
# The flood's half-open SAs may have expired (30 s) while charon came
# and went: a fresh burst puts the seg back above its threshold.
raw flood "$OB" "$OA" 20 >/dev/null
r=$(raw init "$OB" "$OA" --follow-cookie)
echo "$r"
check "flood: a request without cookie gets N(COOKIE)" grep -q '^cookie answer .*notify=COOKIE:' <<<"$r"
check "flood: with its cookie returned it is answered in full" \
    grep -q '^answer .*payloads=SA,KE,NONCE' <<<"$r"
refused flood
cv=$(segctl stats | sed -n 's/.*cookies-valid \([0-9]*\).*/\1/p')
check "flood: seg-ctl stats counts the valid cookies returned ($cv)" [ "${cv:-0}" -ge 2 ]
stop seg

# --- cookie: our seg as initiator against cookie-threshold 0 --------------
seg_up psk 0
{
	echo "local = $OB"
	echo "identity = segb.test"
	echo "peer = sega address=$OA id=sega.test auth=psk psk=$PSK local-subnet=$NB remote-subnet=$NA initiate=yes"
	echo "ike-proposal = aes128-sha256-modp2048"
	echo "esp-proposal = aes128gcm16"
	echo "ctl-socket = $work/segb.ctl"
	echo "pid-file = $work/segb.run.pid"
	echo "dpd-delay = 0"
} >"$work/segb.conf"
bg "$B" segb /bin/sh -c "exec '$BIN/seg' -d -c '$work/segb.conf' >>'$work/segb.log' 2>&1"
for _ in $(seq 150); do segctl list | grep -q '^  child ' && break; sleep 0.1; done
check "cookie: the initiating seg retried with the cookie" \
    grep -q "IKE_SA_INIT again with the responder's cookie" "$work/segb.log"
check "cookie: the tunnel is up" grep -q "^  child $NA === $NB esp tunnel" <<<"$(segctl list)"
same "cookie: one SA pair in A's kernel" "$(nstates "$A")" 2
st=$(segctl stats)
echo "$st"
check "cookie: the responder sent a cookie and got it back" \
    grep -Eq 'cookies-sent [1-9][0-9]* cookies-valid [1-9]' <<<"$st"
stop segb
stop seg

# --- cert -----------------------------------------------------------------
seg_up cert
swan_up rogue aes128-sha256-modp2048 aes128gcm16 "$NB" "$NA"
swan_init_za cert-rogue
check "cert: a certificate of another CA: charon received AUTHENTICATION_FAILED" \
    swan_log 'received AUTHENTICATION_FAILED notify error'
check "cert: charon sent its certificate (the seg asked with CERTREQ)" \
    swan_log 'sending end entity cert'
check "cert: the seg refused it for its chain" \
    grep -q 'peer swan: certificate not trusted' "$work/seg.log"
refused cert-rogue
swan_down
good cert-good cert
stop seg

if [ "$FAILED" -gt 0 ]; then
	echo "== seg log"; tail -n 60 "$work/seg.log" 2>/dev/null
	for l in "$work"/swan*/charon.log; do echo "== $l"; tail -n 25 "$l"; done
fi
summary
