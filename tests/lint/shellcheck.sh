#!/bin/bash
# tests/lint/shellcheck.sh - no finding of shellcheck in any shell script
# of the source tree: the files ending in .sh and the executable files
# whose first line is an sh or bash shebang (./lab, .ci/run, ...), found
# with find(1) in the source tree (not the build tree, not git: a clean
# clone or a tarball will do), outside build*/, .git, .lab/ and
# fuzz/corpus-*/.  It runs from the top of the tree with -x, so it follows
# the `. FILE` sources, under the repository's .shellcheckrc.  Any finding
# fails, and is printed; a missing shellcheck fails too (never a skip).
# Env: SRC (the source tree; default: this script's ../..).
set -u
SRC=${SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=../lib/testlib.sh
. "$SRC/tests/lib/testlib.sh" ||
	{ echo "FATAL: cannot source testlib.sh" >&2; exit 1; }
command -v shellcheck >/dev/null 2>&1 ||
	die "missing program: shellcheck (scripts/install-deps.sh test)"
cd "$SRC" || die "cd $SRC"
[ -f .shellcheckrc ] || die "no .shellcheckrc in $SRC"

# is_shell FILE: a name ending in .sh, or executable with an sh/bash
# shebang (#!/bin/sh, #!/bin/bash, #!/usr/bin/env bash, ...).
is_shell() {
	local first
	case $1 in *.sh) return 0 ;; esac
	[ -x "$1" ] || return 1
	IFS= read -r first <"$1" 2>/dev/null || return 1
	[[ $first =~ ^#![[:space:]]*(/usr)?/bin/(env[[:space:]]+)?(ba|da)?sh([[:space:]]|$) ]]
}

files=()
while IFS= read -r -d '' f; do
	is_shell "$f" && files+=("${f#./}")
done < <(find . \( -name .git -o -path './build*' -o -path ./.lab \
    -o -path './fuzz/corpus-*' \) -prune -o -type f -print0 | sort -z)

# The finder itself: these must be among them.
for f in lab .ci/run scripts/test.sh scripts/lablib.sh tests/lib/testlib.sh; do
	printf '%s\n' "${files[@]}" | grep -qxF "$f" ||
	    die "the script finder missed $f (found ${#files[@]} files)"
done
echo "shellcheck $(shellcheck --version | sed -n 's/^version: //p'):" \
    "${#files[@]} shell scripts"

# One run over all of them (gcc format: FILE:LINE:COL: LEVEL: MESSAGE
# [SCnnnn]), then a verdict per file.
out=$(shellcheck -x -f gcc -- "${files[@]}" 2>&1)
rc=$?
bad=()
for f in "${files[@]}"; do
	n=$(awk -F: -v f="$f" '$1 == f' <<<"$out" | wc -l)
	if [ "$n" -eq 0 ]; then
		pass "$f"
	else
		fail "$f: $n findings"
		bad+=("$f")
	fi
done
# Anything shellcheck said that names no file of the list (an option
# error, a file it could not read): a failure too.
other=$(awk -F: 'NR == FNR { want[$0] = 1; next } !($1 in want)' \
    <(printf '%s\n' "${files[@]}") <(printf '%s\n' "$out") | grep .)
[ -z "$other" ] || fail "shellcheck said: $other"
[ "$rc" -eq 0 ] || [ ${#bad[@]} -gt 0 ] || [ -n "$other" ] ||
	fail "shellcheck exit $rc with no finding printed"

if [ ${#bad[@]} -gt 0 ]; then
	echo
	echo "== the findings (shellcheck -x, from $SRC):"
	shellcheck -x -- "${bad[@]}"
	echo
	echo "== per file:"
	for f in "${bad[@]}"; do
		printf '%5d  %s\n' "$(awk -F: -v f="$f" '$1 == f' <<<"$out" | wc -l)" "$f"
	done
fi
summary
