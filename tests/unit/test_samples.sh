#!/bin/bash
# test_samples.sh - the sample configuration of every daemon
# (DAEMON/DAEMON.conf): `DAEMON -n` accepts it; it is exactly what
# `DAEMON -p` prints for it (so every key is in it, with its current help;
# scripts/samples.sh rewrites them); a broken copy is rejected with
# FILE:LINE and exit 1; usage errors exit 2.
# Env: SRC (the source tree), BIN (the build's bin directory).
set -u
: "${SRC:?}" "${BIN:?}"
# shellcheck source=../lib/testlib.sh
. "$SRC/tests/lib/testlib.sh"
tmp=$(mktemp -d) || die "mktemp"
trap 'rm -rf "$tmp"' EXIT
# flags_applied OUT: OUT (-p's output) has -d and -o log-target=syslog.
flags_applied() {
	grep -qx 'log-level = debug' <<<"$1" &&
	    grep -qx 'log-target = syslog' <<<"$1"
}

for d in hss scscf icscf pcscf bsf naf xcap seg; do
	s=$SRC/$d/$d.conf
	[ "$d" = xcap ] && s=$SRC/naf/xcap.conf	# the naf's application server
	[ -f "$s" ] || { fail "$d: no sample $s"; continue; }
	check "$d -n accepts $d/$d.conf" "$BIN/$d" -n -c "$s"
	"$BIN/$d" -p -c "$s" >"$tmp/$d.p" 2>"$tmp/$d.err"
	check "$d -p prints the sample's configuration" [ -s "$tmp/$d.p" ]
	keys() { sed -nE 's/^(# )?([a-z][a-z0-9.-]*) =( .*)?$/\2/p' "$1" | sort -u; }
	missing=$(comm -23 <(keys "$tmp/$d.p") <(keys "$s"))
	check "every key $d -p prints is in the sample${missing:+ (missing: $missing)}" \
	    [ -z "$missing" ]
	# The sample is -p's output under a header of comment lines.
	sed '/^# [a-z]*\.conf - sample/,/^#$/d' "$s" >"$tmp/$d.body"
	check "the sample is what $d -p prints (scripts/samples.sh)" \
	    diff -u "$tmp/$d.body" "$tmp/$d.p"

	cp "$s" "$tmp/$d.conf"
	echo "frobnicate = 1" >>"$tmp/$d.conf"
	n=$(wc -l <"$tmp/$d.conf")
	"$BIN/$d" -n -c "$tmp/$d.conf" 2>"$tmp/$d.err"
	rc=$?
	check "$d -n rejects a broken copy (exit 1, got $rc)" [ $rc -eq 1 ]
	check "...with FILE:LINE: unknown key ($(cat "$tmp/$d.err"))" \
	    grep -qx "$d: $tmp/$d.conf:$n: unknown key \"frobnicate\"" "$tmp/$d.err"
	sed 's/^diameter.port = .*/diameter.port = 0/; s/^listen = .*/listen = nowhere/' \
	    "$s" >"$tmp/$d.bad"
	if ! cmp -s "$s" "$tmp/$d.bad"; then
		"$BIN/$d" -n -c "$tmp/$d.bad" 2>"$tmp/$d.err"
		check "$d -n rejects a bad value with FILE:LINE ($(cat "$tmp/$d.err"))" \
		    grep -Eq "^$d: $tmp/$d.bad:[0-9]+: (diameter.port|listen): expected" \
		    "$tmp/$d.err"
	fi
	"$BIN/$d" -n -c "$tmp/nonexistent.conf" 2>"$tmp/$d.err"
	rc=$?
	check "$d: a missing file is a bad configuration (exit 1, got $rc)" \
	    [ $rc -eq 1 ]
	"$BIN/$d" --no-such-option 2>"$tmp/$d.err"
	rc=$?
	check "$d: an unknown option is a usage error (exit 2, got $rc)" \
	    [ $rc -eq 2 ]
	"$BIN/$d" -n -c "$s" stray 2>"$tmp/$d.err"
	rc=$?
	check "$d: a stray argument is a usage error (exit 2, got $rc)" \
	    [ $rc -eq 2 ]
	"$BIN/$d" -h >"$tmp/$d.h" 2>&1
	check "$d -h lists the keys" grep -q -- "--log-level" "$tmp/$d.h"
	out=$("$BIN/$d" -p -c "$s" -d -o log-target=syslog)
	check "$d: flags override the file (-d, -o)" flags_applied "$out"
done
summary
