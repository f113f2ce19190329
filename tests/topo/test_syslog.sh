#!/bin/bash
# test_syslog.sh - log-target = syslog: a daemon (the pcscf, started as
# root) sends its lines to /dev/log, one datagram each, facility daemon
# with the level as priority and "pcscf[PID]: " as tag, before and after
# dropping root; nothing goes to stderr.  /dev/log is a socket of the
# test's own, in a private mount namespace (tmpfs over /dev with the few
# devices a daemon opens).  Env: PCSCF.
set -u
: "${PCSCF:?}"
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/testlib.sh"
[ "$(id -u)" -eq 0 ] || die "needs root (mount namespace)"
need unshare mount python3
getent passwd imssec >/dev/null || die "no user imssec (scripts/install-deps.sh)"

WORK=$PWD/run
rm -rf "$WORK"
{ mkdir -p "$WORK" && cd "$WORK"; } || die "workdir"
cat >inner.sh <<'EOF'
set -eu
mkdir -p saved
mount --rbind /dev saved
mount -t tmpfs -o mode=0755 devtmp /dev
for d in null zero random urandom; do
	touch "/dev/$d"
	mount --bind "saved/$d" "/dev/$d"
done
python3 -c '
import os, socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("/dev/log")
os.chmod("/dev/log", 0o666)
open("ready", "w").close()
s.settimeout(0.5)
end = time.time() + float(sys.argv[1])
with open("syslog.txt", "wb") as f:
    while time.time() < end:
        try:
            f.write(s.recv(8192) + b"\n")
            f.flush()
        except socket.timeout:
            pass
' 8 &
for _ in $(seq 50); do [ -e ready ] && break; sleep 0.1; done
"$PCSCF" -c /dev/null -o listen=127.0.0.1:15099 -o icscf=sip:127.0.0.1:15098 \
    -o log-target=syslog -o debug-keys=yes >stdout.txt 2>stderr.txt &
p=$!
sleep 2
grep -E '^(Uid|CapEff):' /proc/$p/status >status.txt
kill -TERM $p
wait $p
echo "exit=$?" >>status.txt
wait
EOF
PCSCF=$PCSCF unshare -m --propagation private bash inner.sh >inner.out 2>&1
check "the run completed" grep -q '^exit=0' status.txt
check "the pcscf ran as imssec" grep -q "^Uid:.$(id -u imssec)" status.txt
check "nothing on stderr" [ ! -s stderr.txt ]
n=$(grep -c '' syslog.txt)
check "datagrams on /dev/log ($n)" [ "$n" -gt 3 ]
check "info: priority 30 (daemon.info), tag pcscf[PID]" \
	grep -Eq '^<30>.*pcscf\[[0-9]+\]: pcscf: ready' syslog.txt
check "a warning at priority 28 (daemon.warning)" \
	grep -Eq '^<28>.*pcscf\[[0-9]+\]: debug-keys' syslog.txt
check "after the switch to imssec, still logging (uid in the line)" \
	grep -Eq "^<30>.*running \(uid $(id -u imssec)," syslog.txt
check "the stop is logged" grep -Eq '^<30>.*signal 15: stopping' syslog.txt
check "one message a datagram (no embedded newline)" \
	[ "$(grep -vc '^<[0-9]*>' syslog.txt)" -eq 0 ]
summary
