#!/bin/sh
# Configures and builds into build/ (or $1 with extra cmake args after it).
#   scripts/build.sh [BUILDDIR [CMAKE-ARGS...]]
set -eu
cd "$(dirname "$0")/.."
dir=${1:-build}
[ $# -gt 0 ] && shift
cmake -S . -B "$dir" "$@" >/dev/null
cmake --build "$dir" -j"$(nproc)"
