#!/usr/bin/python3
"""nodelay.py PID PORT - TCP_NODELAY of the process PID's TCP connections
whose remote or local port is PORT, one "LOCAL REMOTE 0|1" line each
(common/dia/dia_nodelay.c: the Diameter links freeDiameter opens must not
run Nagle).  Takes each socket with pidfd_getfd (Linux 5.6; root), so it
reads the daemon's own socket, not a copy of its settings.  Exit 1 when
there is no such connection."""
import ctypes
import os
import socket
import sys

SYS_PIDFD_GETFD = 438


def main():
    pid, port = int(sys.argv[1]), int(sys.argv[2])
    libc = ctypes.CDLL(None, use_errno=True)
    pidfd = os.pidfd_open(pid)
    found = 0
    for name in os.listdir("/proc/%d/fd" % pid):
        try:
            if not os.readlink("/proc/%d/fd/%s" % (pid, name)).startswith(
                    "socket:"):
                continue
        except OSError:
            continue
        fd = libc.syscall(SYS_PIDFD_GETFD, pidfd, int(name), 0)
        if fd < 0:
            continue
        s = socket.socket(fileno=fd)
        try:
            if s.family not in (socket.AF_INET, socket.AF_INET6) or \
                    s.type != socket.SOCK_STREAM:
                continue
            try:
                local, remote = s.getsockname(), s.getpeername()
            except OSError:
                continue
            if port not in (local[1], remote[1]):
                continue
            v = s.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
            print("%s:%d %s:%d %d" % (local[0], local[1], remote[0],
                                      remote[1], 1 if v else 0))
            found += 1
        finally:
            s.close()
    return 0 if found else 1


if __name__ == "__main__":
    sys.exit(main())
