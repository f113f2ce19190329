# shellcheck shell=bash
# testlib.sh - pass/fail bookkeeping shared by the shell tests (tests/sip,
# tests/topo, tests/interop, tests/lab, tests/kernel).
# Sourced (bash); defines PASSED/FAILED and:
#   pass DESC / fail DESC   count and print "PASS: DESC" / "FAIL: DESC"
#   check DESC CMD...       pass or fail DESC by CMD's exit status
#   both CMD1... -- CMD2... 0 when both succeed: `check DESC both [ a ] --
#                           [ b ]` (`check DESC [ a ] && [ b ]` asserts a
#                           only)
#   die MSG                 "FATAL: MSG" on stderr, exit 1
#   need PROGRAM...         die unless every PROGRAM is on PATH
#   summary                 "N passed, N failed"; 0 only if none failed and
#                           at least one passed (testlib_summary is the
#                           same, for a library that wraps summary)

PASSED=0
FAILED=0

die() { echo "FATAL: $*" >&2; exit 1; }
pass() { PASSED=$((PASSED + 1)); echo "PASS: $*"; }
fail() { FAILED=$((FAILED + 1)); echo "FAIL: $*"; }
check() {
	local desc=$1
	shift
	if "$@"; then pass "$desc"; else fail "$desc"; fi
}
both() {
	local first=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		first+=("$1")
		shift
	done
	[ $# -gt 0 ] || die "both: no --"
	shift
	"${first[@]}" && "$@"
}
need() {
	local b
	for b in "$@"; do
		command -v "$b" >/dev/null 2>&1 || die "missing program: $b"
	done
}
testlib_summary() {
	echo "$PASSED passed, $FAILED failed"
	[ "$FAILED" -eq 0 ] && [ "$PASSED" -gt 0 ]
}
summary() { testlib_summary; }
