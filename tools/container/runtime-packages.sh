#!/bin/sh
# Prints the Debian packages holding the shared libraries the given
# programs link, one line: the run stage of the Dockerfile installs them.
#   runtime-packages.sh PROGRAM...
set -eu
for p in "$@"; do
	ldd "$p" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }'
done | sort -u | while read -r lib; do
	real=$(readlink -f "$lib")
	dpkg -S "$real" 2>/dev/null || dpkg -S "/usr$real" 2>/dev/null ||
		dpkg -S "$lib" 2>/dev/null || dpkg -S "${lib#/usr}" 2>/dev/null ||
		{ echo "runtime-packages: no package holds $lib" >&2; exit 1; }
done | cut -d: -f1 | sort -u | tr '\n' ' '
echo
