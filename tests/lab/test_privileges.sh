#!/bin/bash
# test_privileges.sh - least privilege in the lab (./lab up as root): after
# start-up no daemon runs as root; /proc/PID/status of each (and of each of
# its threads) shows the run user in every Uid and Gid field, CapEff and
# CapPrm 0 for the hss, I-CSCF, S-CSCF, bsf, naf and xcap and exactly CAP_NET_ADMIN
# (0000000000001000) for the P-CSCF, nothing inheritable or ambient, the
# bounding set cut to the same, NoNewPrivs 1; the pid files name the
# daemons; the stores are 0600 and owned by the run user in a 0700
# directory of that user; the configurations are 0640 root:GROUP in a 0750
# directory; a registration still works; a missing run user is refused
# with a message naming the key.  Its own prefix/subnet.
# Env: LAB (the ./lab script), BUILD_DIR.
set -u
: "${LAB:?}" "${BUILD_DIR:?}"
export BUILD_DIR LAB_PREFIX=imst-priv- LAB_NET=10.208.0 LAB_DIR=$PWD/lab
. "$(dirname "$0")/../lib/testlib.sh" ||
	{ echo "FATAL: cannot source testlib.sh" >&2; exit 1; }
need ip stat getent
trap '"$LAB" down >/dev/null 2>&1' EXIT
USER_UID=$(getent passwd imssec | cut -d: -f3)
USER_GID=$(getent passwd imssec | cut -d: -f4)
[ -n "$USER_UID" ] || die "no user imssec (scripts/install-deps.sh)"

"$LAB" down >/dev/null 2>&1
if ! "$LAB" up >up.log 2>&1; then
	cat up.log; tail -n 20 "$LAB_DIR"/*.log 2>/dev/null
	die "./lab up failed"
fi
pass "./lab up as root"
eval "$("$LAB" env)"

field() { sed -n "s/^$2:[[:space:]]*//p" "$1"; }	# STATUS-FILE NAME
for d in hss scscf icscf pcscf bsf naf xcap; do
	pid=$(cat "$LAB_DIR/$d.pid" 2>/dev/null)
	st=/proc/$pid/status
	check "$d runs (pid file $LAB_DIR/$d.pid: $pid)" \
	    eval "[ -n '$pid' ] && [ -r $st ] && grep -q '^Name:.*$d' $st"
	[ -r "$st" ] || continue
	want=0000000000000000
	[ "$d" = pcscf ] && want=0000000000001000
	check "$d: Uid all $USER_UID ($(field "$st" Uid | tr '\t' ' '))" \
	    [ "$(field "$st" Uid | tr -s '\t ' ' ')" = \
	    "$USER_UID $USER_UID $USER_UID $USER_UID" ]
	check "$d: Gid all $USER_GID" [ "$(field "$st" Gid | tr -s '\t ' ' ')" = \
	    "$USER_GID $USER_GID $USER_GID $USER_GID" ]
	check "$d: no supplementary group" [ -z "$(field "$st" Groups)" ]
	check "$d: CapEff $want ($(field "$st" CapEff))" \
	    [ "$(field "$st" CapEff)" = "$want" ]
	check "$d: CapPrm $want ($(field "$st" CapPrm))" \
	    [ "$(field "$st" CapPrm)" = "$want" ]
	check "$d: CapInh and CapAmb empty" [ "$(field "$st" CapInh)" = \
	    0000000000000000 -a "$(field "$st" CapAmb)" = 0000000000000000 ]
	check "$d: CapBnd $want ($(field "$st" CapBnd))" \
	    [ "$(field "$st" CapBnd)" = "$want" ]
	check "$d: NoNewPrivs 1" [ "$(field "$st" NoNewPrivs)" = 1 ]
	bad=0 n=0
	for t in /proc/"$pid"/task/*/status; do
		n=$((n + 1))
		[ "$(field "$t" Uid | tr -s '\t ' ' ')" = \
		    "$USER_UID $USER_UID $USER_UID $USER_UID" ] || bad=1
		e=$(field "$t" CapEff) p=$(field "$t" CapPrm)
		[ $((16#$e & ~16#$want)) -eq 0 ] &&
		    [ $((16#$p & ~16#$want)) -eq 0 ] || bad=1
	done
	check "$d: all $n threads unprivileged" [ $bad -eq 0 ]
	check "$d: started as root, logged its switch" \
	    grep -q "running (uid $USER_UID, gid $USER_GID" "$LAB_DIR/$d.log"
done

mode() { stat -c '%a %U %G' "$1"; }
check "store directory db/: 0700 imssec ($(mode "$LAB_DIR/db"))" \
    [ "$(mode "$LAB_DIR/db")" = "700 imssec imssec" ]
for f in "$LAB_DIR"/db/*; do
	check "store ${f#"$LAB_DIR"/}: 0600 imssec ($(mode "$f"))" \
	    [ "$(mode "$f")" = "600 imssec imssec" ]
done
check "the stores are there" [ -f "$LAB_DIR/db/hss.db" -a -f "$LAB_DIR/db/scscf.db" \
    -a -f "$LAB_DIR/db/bsf.db" -a -f "$LAB_DIR/db/xcap.db" ]
check "the naf's TLS key: 0600 root ($(mode "$LAB_DIR/naf.key"))" \
    [ "$(mode "$LAB_DIR/naf.key")" = "600 root root" ]
check "lab directory: 0750 root:imssec ($(mode "$LAB_DIR"))" \
    [ "$(mode "$LAB_DIR")" = "750 root imssec" ]
for d in hss scscf icscf pcscf bsf naf xcap; do
	check "$d.conf: 0640 root:imssec ($(mode "$LAB_DIR/$d.conf"))" \
	    [ "$(mode "$LAB_DIR/$d.conf")" = "640 root imssec" ]
done

# Unprivileged, everything still works: Cx, SIP, the stores.
out=$(ip netns exec "$UE_NS" "$BIN/ims-ue" register --impi "alice@$DOMAIN" \
    --impu "sip:alice@$DOMAIN" --k "$DEMO_K" --op "$DEMO_OP" \
    --pcscf "$PCSCF_ADDR:$PCSCF_PORT" --state "$PWD/alice.usim")
check "alice registers through the unprivileged daemons" \
    grep -q '^result=registered' <<<"$out"
"$BIN/hss-ctl" --db "$HSS_DB" add --impi "erin@$DOMAIN" \
    --impu "sip:erin@$DOMAIN" --k "$DEMO_K" --op "$DEMO_OP" >/dev/null
check "hss-ctl (root) writes the hss's store" [ $? -eq 0 ]
check "...whose files stay the run user's" \
    [ -z "$(find "$LAB_DIR/db" ! -user imssec)" ]

# No run user: refused before anything starts, the key named.
ip netns exec "${LAB_PREFIX}hss" "$BIN/hss" -c "$LAB_DIR/hss.conf" \
    -o user=no-such-user -o pid-file= -o diameter.port=3999 \
    >nouser.out 2>&1
rc=$?
check "user = no-such-user: exit 1 ($rc)" [ $rc -eq 1 ]
check "...naming the key and useradd ($(tail -n 1 nouser.out))" \
    eval "grep -q 'user \"no-such-user\" (key \"user\") does not exist.*useradd --system' nouser.out"

"$LAB" down >down.log 2>&1
for d in hss scscf icscf pcscf; do
	check "$d's pid file gone after down" [ ! -e "$LAB_DIR/$d.pid" ]
done
trap - EXIT
summary
