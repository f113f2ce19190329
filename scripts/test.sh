#!/bin/sh
# The test command: installs what the tests need, builds, and runs every
# ctest label.  Run as root on Debian 12: topo tests make network
# namespaces; the kernel label boots qemu when this kernel lacks ESP or SCTP.
#   scripts/test.sh                 everything (what CI runs)
#   scripts/test.sh LABEL...        only these: unit topo kernel compose asan fuzz
set -eu
cd "$(dirname "$0")/.."
labels=${*:-unit topo kernel compose asan fuzz}

scripts/install-deps.sh all

passed=0 failed=0
# ctest's own summary reads "N% tests passed, F tests failed out of T".
run_ctest() {
	dir=$1; shift
	log=$dir/ctest.log
	set +e
	ctest --test-dir "$dir" --output-on-failure "$@" 2>&1 | tee "$log"
	set -e
	line=$(grep -E 'tests passed, [0-9]+ tests? failed out of' "$log" | tail -n1)
	if [ -z "$line" ]; then
		echo "test.sh: ctest in $dir ran no test ($*)" >&2
		failed=$((failed + 1))
		return
	fi
	f=$(echo "$line" | sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/')
	t=$(echo "$line" | sed -E 's/.* out of ([0-9]+).*/\1/')
	passed=$((passed + t - f)); failed=$((failed + f))
}

for l in $labels; do
	case $l in
	unit|topo|kernel|compose)
		scripts/build.sh build
		run_ctest build -L "^$l\$" ;;
	asan)	# unit tests again under AddressSanitizer + UBSan
		scripts/build.sh build-asan -DIMS_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
		ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
		    run_ctest build-asan -L '^unit$' ;;
	fuzz)	# libFuzzer targets for every parser, a short fixed run each
		CC=clang scripts/build.sh build-fuzz -DIMS_FUZZ=ON -DCMAKE_BUILD_TYPE=Debug
		# Each target is one process on its own corpus copy: two at once
		# on two cores, the same fuzzing time each.
		run_ctest build-fuzz -L '^fuzz$' -j"$(nproc)" ;;
	*)	echo "test.sh: unknown label $l (unit topo kernel compose asan fuzz)" >&2; exit 2 ;;
	esac
done

echo "test.sh: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
