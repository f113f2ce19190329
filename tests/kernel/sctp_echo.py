#!/usr/bin/python3
"""sctp_echo.py server ADDR PORT | client ADDR PORT MESSAGE

One SCTP association (one-to-one style socket, RFC 6458): the client sends
MESSAGE, the server echoes it back prefixed with "echo:", the client checks.
"""
import socket
import sys


def main():
    role, addr, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM, socket.IPPROTO_SCTP)
    s.settimeout(20)
    if role == "server":
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((addr, port))
        s.listen(1)
        print("sctp_echo: server ready", flush=True)
        c, peer = s.accept()
        c.settimeout(20)
        data = c.recv(4096)
        c.sendall(b"echo:" + data)
        print("sctp_echo: server got %r from %s" % (data, peer[0]))
        c.recv(4096)           # wait for the client's SHUTDOWN
        c.close()
        return 0
    msg = sys.argv[4].encode()
    s.connect((addr, port))
    s.sendall(msg)
    got = s.recv(4096)
    s.close()
    print("sctp_echo: client got %r" % got)
    return 0 if got == b"echo:" + msg else 1


if __name__ == "__main__":
    sys.exit(main())
