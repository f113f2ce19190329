#!/bin/bash
# run-xfrm-bench.sh [BUILD_DIR [N]]: xfrm_bench where the kernel has ESP,
# natively or in the QEMU guest (tests/kernel/kernel_test.sh decides; force
# with IMS_KERNEL_MODE=native|vm).  Build first: cmake --build BUILD_DIR
# --target xfrm_bench.  Figures under TCG emulation are far below native ones.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
build=$(cd "${1:-$root/build}" && pwd -P)
bin=$build/bin/xfrm_bench
[ -x "$bin" ] || { echo "run-xfrm-bench: no $bin (build the xfrm_bench target)" >&2; exit 2; }
cd "$root"
exec "$root/tests/kernel/kernel_test.sh" "$bin" "${2:-2000}"
