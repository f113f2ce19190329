#!/bin/sh
# run-short.sh - run each libFuzzer target for a short, fixed time.
#
#	fuzz/run-short.sh [BIN_DIR [TARGET...]]
#
# BIN_DIR defaults to build-fuzz/fuzz; TARGETs default to every fuzz_*
# binary there (named with or without the fuzz_ prefix).  Each target runs
# FUZZ_SECONDS (default 30) over a scratch copy of fuzz/corpus/<name>, so
# the committed seeds are never modified.  Crash inputs are kept in
# FUZZ_ARTIFACTS (default: a temporary directory, printed).  Exit status is
# non-zero if any target fails (crash, leak, timeout, sanitizer report).
set -u

here=$(cd "$(dirname "$0")" && pwd)
bindir=${1:-$here/../build-fuzz/fuzz}
[ $# -gt 0 ] && shift
secs=${FUZZ_SECONDS:-30}
artifacts=${FUZZ_ARTIFACTS:-$(mktemp -d "${TMPDIR:-/tmp}/fuzz-artifacts.XXXXXX")}
mkdir -p "$artifacts"

if [ $# -eq 0 ]; then
	set --
	for b in "$bindir"/fuzz_*; do
		[ -x "$b" ] && set -- "$@" "$(basename "$b")"
	done
fi
if [ $# -eq 0 ]; then
	echo "run-short.sh: no fuzz targets in $bindir" >&2
	exit 2
fi

fail=0
for t in "$@"; do
	name=${t#fuzz_}
	bin=$bindir/fuzz_$name
	if [ ! -x "$bin" ]; then
		echo "run-short.sh: $bin: not built" >&2
		fail=1
		continue
	fi
	work=$(mktemp -d "${TMPDIR:-/tmp}/fuzz-corpus-$name.XXXXXX")
	[ -d "$here/corpus/$name" ] && cp -R "$here/corpus/$name/." "$work/"
	echo "== fuzz_$name: ${secs}s, corpus $work"
	log=$work.log
	"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	    -max_len=4096 -print_final_stats=1 \
	    -artifact_prefix="$artifacts/$name-" "$work" >"$log" 2>&1
	rc=$?
	tail -n 12 "$log"
	if [ $rc -ne 0 ] || ls "$artifacts/$name-"* >/dev/null 2>&1; then
		grep -A 30 -E 'ERROR|runtime error|deadly signal' "$log" |
		    head -n 60 >&2
		echo "FAIL fuzz_$name (exit $rc): artifacts in $artifacts" >&2
		fail=1
	else
		echo "ok fuzz_$name"
	fi
	rm -f "$log"
	rm -rf "$work"
done
exit $fail
