#!/bin/bash
# kernel_test.sh COMMAND [ARG...]
#
# Runs COMMAND (a kernel test script, or a benchmark) where the kernel has
# real ESP (esp4/esp6) and SCTP: natively when this kernel has both, else
# inside Debian's 6.1 kernel under QEMU (run_in_vm, next to this script).
#   IMS_KERNEL_MODE=auto (default) | native | vm
# Never skips: a missing feature on the chosen path is a failure (exit 1).
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
py=/usr/bin/python3	# not a pyenv shim: ~6 s per start in the guest
mode=${IMS_KERNEL_MODE:-auto}
[ $# -gt 0 ] || { echo "usage: ${0##*/} COMMAND [ARG...]" >&2; exit 2; }
die() { echo "kernel_test: FAIL: $*" >&2; exit 1; }

# ESP: add a hmac(sha1)+cbc(aes) state in a throw-away namespace.
# SCTP: open a socket.  Prints what is missing, empty when nothing is.
missing_features() {
	local out
	out=$(unshare -n sh -c '
		m=""
		ip xfrm state add src 192.0.2.1 dst 192.0.2.2 proto esp spi 0x100 \
		    mode transport auth "hmac(sha1)" 0x0123456789abcdef0123456789abcdef01234567 \
		    enc "cbc(aes)" 0x00112233445566778899aabbccddeeff 2>/dev/null || m="$m esp"
		'"$py"' -c "import socket; socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_SCTP)" \
		    2>/dev/null || m="$m sctp"
		echo "$m"' 2>&1) || { echo " netns($out)"; return; }
	echo "$out"
}

[ "$(id -u)" = 0 ] || die "needs root (network namespaces, xfrm)"
[ -x "$py" ] || die "needs $py"
case $mode in
auto)
	miss=$(missing_features)
	if [ -z "$miss" ]; then mode=native
	else
		echo "kernel_test: $(uname -r) lacks:$miss -> running in a VM" >&2
		mode=vm
	fi ;;
native)
	miss=$(missing_features)
	[ -z "$miss" ] || die "IMS_KERNEL_MODE=native but $(uname -r) lacks:$miss" ;;
vm) ;;
*) die "IMS_KERNEL_MODE must be auto, native or vm (got $mode)" ;;
esac

export IMS_KERNEL_MODE_USED=$mode
start=$(date +%s)
if [ "$mode" = native ]; then
	"$@"; rc=$?
else
	"$here/run_in_vm" -- "$@"; rc=$?
	[ $rc -ne 125 ] || die "the VM did not run (run_in_vm status 125, see above)"
fi
echo "kernel_test: ${1##*/} ($mode): exit $rc in $(( $(date +%s) - start )) s" >&2
exit $rc
