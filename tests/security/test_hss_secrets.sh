#!/bin/bash
# test_hss_secrets.sh - secrets at rest (issue 7): the HSS store holds
# every subscriber's K and OPc.
#
# - hss-ctl run as root under umask 000 creates a new store 0600 in a
#   directory it makes 0700; an existing store left 0644 is put back to
#   0600;
# - the hss, started as root under umask 000 in a namespace, makes its
#   store directory 0700 and the store, -wal and -shm 0600, all the run
#   user's; writes by hss-ctl (root) while it runs keep them so;
# - hss-ctl add --k-file - --op-file -: while it waits on stdin its
#   argument list (/proc/PID/cmdline, what ps shows) holds no key; the
#   keys it stored are the ones given (K, and OPc = f(K, OP) as imsauth
#   computes it); --k-file FILE / --opc-file FILE likewise; a key file
#   readable by others is warned about; mixing --k and --k-file, a bad
#   line or an empty stdin is a usage error (exit 2, one line, the key
#   never echoed); --k/--op still work;
# - the lab's store directory (lablib lab_private_dir) is 0700 and its
#   rendered configurations (lab_conf) 0640, with no key in them.
# Env: HSS, HSS_CTL, IMSAUTH, SIPDIR.
set -u
: "${HSS:?}" "${HSS_CTL:?}" "${IMSAUTH:?}" "${SIPDIR:?}"
# shellcheck source=tests/sip/sip_lib.sh
. "$SIPDIR/sip_lib.sh"
need python3 ss

WORK=$PWD/run
topo_up hss
work_dir "$WORK"
dia hss
K2=00112233445566778899aabbccddeeff
OP2=ffeeddccbbaa99887766554433221100
OPC2=$("$IMSAUTH" milenage --k $K2 --op $OP2 --rand 00000000000000000000000000000000 \
	--sqn 000000000000 --amf 0000 | sed -n 's/^opc=//p')
[ ${#OPC2} -eq 32 ] || die "imsauth milenage gave no OPc"

mode() { stat -c %a "$1"; }
owner() { stat -c %U "$1"; }
# stored IMPI: "K OPC" (hex) as the store holds them
stored() {
	python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]);
r=c.execute("select hex(k), hex(opc) from subscribers where impi=?",
(sys.argv[2],)).fetchone(); print((r[0] + " " + r[1]).lower() if r else "")' \
	"$2" "$1"
}

# ---- hss-ctl creates a store under umask 000 ----
(umask 000; "$HSS_CTL" --db "$WORK/new/hss.db" add --impi "a@$DOMAIN" \
	--impu "sip:a@$DOMAIN" --k "$K" --op "$OP" >/dev/null)
check "hss-ctl add (umask 000): exit 0" [ $? -eq 0 ]
check "...made the store directory 0700 ($(mode "$WORK/new"))" \
	[ "$(mode "$WORK/new")" = 700 ]
check "...created the store 0600 ($(mode "$WORK/new/hss.db"))" \
	[ "$(mode "$WORK/new/hss.db")" = 600 ]
chmod 0644 "$WORK/new/hss.db"
(umask 000; "$HSS_CTL" --db "$WORK/new/hss.db" list >/dev/null)
check "hss-ctl puts a 0644 store back to 0600 ($(mode "$WORK/new/hss.db"))" \
	[ "$(mode "$WORK/new/hss.db")" = 600 ]

# ---- the hss under umask 000, and hss-ctl writing while it runs ----
DB=$WORK/store/hss.db
(umask 000; lab_conf "$HSS" hss hss.conf "${DIA[@]}" -o db="$DB")
(umask 000; bg hss hss.log "$HSS" -c hss.conf; echo "$BG_PID" >hss.pid)
HSS_PID=$(cat hss.pid)
PIDS+=("$HSS_PID")
wait_listen hss t 3868 "$HSS_PID" hss.log
(umask 000; "$HSS_CTL" --db "$DB" add --impi "b@$DOMAIN" \
	--impu "sip:b@$DOMAIN" --k "$K" --op "$OP" >/dev/null) ||
	fail "hss-ctl add while the hss runs"
check "the hss made its store directory 0700, the run user's" \
	[ "$(mode "$WORK/store")" = 700 -a "$(owner "$WORK/store")" = "$LAB_USER" ]
for f in "" -wal -shm; do
	check "hss.db$f exists, 0600, the run user's ($(mode "$DB$f" 2>&1) $(owner "$DB$f" 2>&1))" \
		[ -f "$DB$f" -a "$(mode "$DB$f")" = 600 -a "$(owner "$DB$f")" = "$LAB_USER" ]
done

# ---- keys from stdin never appear in the argument list ----
mkfifo keys.fifo
"$HSS_CTL" --db "$DB" add --impi "c@$DOMAIN" --impu "sip:c@$DOMAIN" \
	--k-file - --op-file - <keys.fifo >add.out 2>add.err &
ADD_PID=$!
exec 9>keys.fifo	# hss-ctl's open of the FIFO completes
# Blocked reading its stdin (the FIFO): the kernel's wait channel.
for _ in $(seq 100); do
	case $(cat "/proc/$ADD_PID/wchan" 2>/dev/null) in *pipe_read) break ;; esac
	sleep 0.1
done
args=$(tr '\0' ' ' <"/proc/$ADD_PID/cmdline")
w=$(cat "/proc/$ADD_PID/wchan" 2>&1)
check "hss-ctl waits on stdin (wchan $w)" [ "${w%pipe_read}" != "$w" ]
check "...its arguments are readable ($args)" \
	eval "echo \"\$args\" | grep -q -- '--k-file - --op-file -'"
check "...and no key in them" \
	eval "! echo \"\$args\" | grep -qi -e $K2 -e $OP2 -e $K -e $OP"
printf '%s\n  %s  \n' "$K2" "${OP2^^}" >&9
exec 9>&-
wait "$ADD_PID"
check "hss-ctl add --k-file - --op-file -: exit 0 ($(cat add.err))" [ $? -eq 0 ]
check "...stored K and OPc = f(K, OP)" \
	[ "$(stored "c@$DOMAIN" "$DB")" = "$K2 $OPC2" ]

umask 077
echo "$K2" >k.key
echo "$OPC2" >opc.key
"$HSS_CTL" --db "$DB" add --impi "d@$DOMAIN" --impu "sip:d@$DOMAIN" \
	--k-file k.key --opc-file opc.key >/dev/null 2>d.err
check "hss-ctl add --k-file FILE --opc-file FILE: exit 0, silent" \
	[ $? -eq 0 -a ! -s d.err ]
check "...stored K and OPc" [ "$(stored "d@$DOMAIN" "$DB")" = "$K2 $OPC2" ]
printf '%s\n' "$OP2" | "$HSS_CTL" --db "$DB" add --impi "e@$DOMAIN" \
	--impu "sip:e@$DOMAIN" --k-file k.key --op-file - >/dev/null 2>e.err
check "--k-file FILE with --op-file -: OP is stdin's first line" \
	[ "$(stored "e@$DOMAIN" "$DB")" = "$K2 $OPC2" ]
chmod 0644 k.key
"$HSS_CTL" --db "$DB" add --impi "f@$DOMAIN" --impu "sip:f@$DOMAIN" \
	--k-file k.key --opc-file opc.key >/dev/null 2>f.err
check "a key file others can read: added, with a warning" \
	eval "[ \$? -eq 0 ] && grep -q 'k.key can be read by others' f.err"
chmod 0600 k.key
"$HSS_CTL" --db "$DB" add --impi "g@$DOMAIN" --impu "sip:g@$DOMAIN" \
	--k "$K2" --op "$OP2" >/dev/null
check "--k/--op still work" [ "$(stored "g@$DOMAIN" "$DB")" = "$K2 $OPC2" ]

# usage errors: exit 2, one line, no key echoed, nothing stored
bad() {	# NAME STDIN ARGS...
	local n=$1 in=$2
	shift 2
	printf '%b' "$in" | "$HSS_CTL" --db "$DB" add --impi "$n@$DOMAIN" \
		--impu "sip:$n@$DOMAIN" "$@" >/dev/null 2>"$n.err"
	[ $? -eq 2 ] && [ "$(wc -l <"$n.err")" -eq 1 ] &&
		! grep -qi -e "$K2" -e "${K2:0:20}" -e "$OP2" "$n.err" &&
		[ -z "$(stored "$n@$DOMAIN" "$DB")" ]
}
check "--k with --k-file: usage error" bad h1 "" --k "$K2" --k-file k.key --op "$OP2"
check "--op with --opc-file: usage error" bad h2 "" --k-file k.key --op "$OP2" --opc-file opc.key
check "a short key on stdin: usage error" bad h3 "${K2:0:30}\n$OP2\n" --k-file - --op-file -
check "a key with a stray character: usage error" bad h4 "${K2}x\n$OP2\n" --k-file - --op-file -
check "an empty stdin: usage error" bad h5 "" --k-file - --op-file -
check "one line for two keys: usage error" bad h6 "$K2\n" --k-file - --op-file -
check "...the message names the option, not the key ($(cat h3.err))" \
	grep -qx 'hss-ctl: add: --k-file: expected one line of 32 hex digits on stdin' h3.err

# ---- the lab's own helpers ----
lab_private_dir "$WORK/labdb"
check "lab_private_dir: 0700, the run user's" \
	[ "$(mode "$WORK/labdb")" = 700 -a "$(owner "$WORK/labdb")" = "$LAB_USER" ]
(umask 000; lab_conf "$HSS" hss lab-hss.conf "${DIA[@]}" -o db="$WORK/labdb/hss.db")
check "lab_conf: 0640 ($(mode lab-hss.conf)) and no key in it" \
	eval "[ \"\$(mode lab-hss.conf)\" = 640 ] && ! grep -qi -e $K -e $OP lab-hss.conf"
check "the hss never logged a key" eval "! grep -qi -e $K -e $K2 -e $OPC2 hss.log"
summary
