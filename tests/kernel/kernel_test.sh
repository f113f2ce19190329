#!/bin/bash
# kernel_test.sh COMMAND [ARG...]
#
# Runs COMMAND (a kernel test script, or a benchmark) where the kernel has
# real ESP (esp4/esp6) and SCTP: natively when this kernel has both, else
# inside Debian's 6.1 kernel under QEMU (run_in_vm, next to this script).
#   IMS_KERNEL_MODE=auto (default) | native | vm
# Exits with COMMAND's status.  A runner, not a test: it counts nothing;
# when it cannot run COMMAND (not root, a feature missing on the chosen
# path, the VM did not boot) it stops with testlib's die (exit 1).  Never
# skips.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
py=/usr/bin/python3	# not a pyenv shim: ~6 s per start in the guest
mode=${IMS_KERNEL_MODE:-auto}
[ $# -gt 0 ] || { echo "usage: ${0##*/} COMMAND [ARG...]" >&2; exit 2; }
# shellcheck source=SCRIPTDIR/../lib/testlib.sh
. "$here/../lib/testlib.sh" ||
	{ echo "FATAL: cannot source testlib.sh" >&2; exit 1; }

# missing_features: prints what this kernel lacks (" esp", " sctp", or
# " netns" when no namespace can be made), each probed in a throw-away
# namespace; empty when nothing is missing.  ESP: add a hmac(sha1)+cbc(aes)
# state.  SCTP: open a socket.
missing_features() {
	local m=""
	unshare -n true 2>/dev/null || { echo " netns"; return; }
	unshare -n ip xfrm state add src 192.0.2.1 dst 192.0.2.2 proto esp \
	    spi 0x100 mode transport \
	    auth "hmac(sha1)" 0x0123456789abcdef0123456789abcdef01234567 \
	    enc "cbc(aes)" 0x00112233445566778899aabbccddeeff 2>/dev/null ||
		m+=" esp"
	unshare -n "$py" -c "import socket; socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_SCTP)" \
	    2>/dev/null || m+=" sctp"
	echo "$m"
}

[ "$(id -u)" = 0 ] || die "kernel_test: needs root (network namespaces, xfrm)"
[ -x "$py" ] || die "kernel_test: needs $py"
case $mode in
auto)
	miss=$(missing_features)
	if [ -z "$miss" ]; then
		mode=native
	else
		echo "kernel_test: $(uname -r) lacks:$miss -> running in a VM" >&2
		mode=vm
	fi ;;
native)
	miss=$(missing_features)
	[ -z "$miss" ] ||
		die "kernel_test: IMS_KERNEL_MODE=native but $(uname -r) lacks:$miss" ;;
vm) ;;
*) die "kernel_test: IMS_KERNEL_MODE must be auto, native or vm (got $mode)" ;;
esac

export IMS_KERNEL_MODE_USED=$mode
start=$(date +%s)
if [ "$mode" = native ]; then
	"$@"
	rc=$?
else
	"$here/run_in_vm" -- "$@"
	rc=$?
	[ $rc -ne 125 ] || die "kernel_test: the VM did not run (run_in_vm status 125, see above)"
fi
echo "kernel_test: ${1##*/} ($mode): exit $rc in $(( $(date +%s) - start )) s" >&2
exit $rc
