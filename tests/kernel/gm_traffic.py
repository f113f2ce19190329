#!/usr/bin/python3
"""gm_traffic.py server ADDR:PORT... | client SRC>DST:PAYLOAD...

UDP and TCP between fixed ports, as SIP uses the protected ports of a Gm
SA set (TS 33.203 7.1): the same port pair carries both.

server: on each ADDR:PORT echoes UDP datagrams, and echoes one line per
accepted TCP connection; prints "gm_traffic: server ready"; stops after
120 s without traffic.
client: for each case, from SRC (bound, for UDP and for TCP) to DST: a
UDP datagram PAYLOAD that must come back, then a TCP connection carrying
the line PAYLOAD that must come back.  One line per exchange; exit 1 when
any failed.  GM_TIMEOUT (seconds, default 5) bounds each wait.
Addresses: 10.0.0.1:5060 or [fd00::1]:5060.
"""
import os
import select
import socket
import sys

TIMEOUT = float(os.environ.get("GM_TIMEOUT", "5"))


def sockaddr(s):
    host, port = s.rsplit(":", 1)
    host = host.strip("[]")
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    return fam, (host, int(port))


def bound(spec, kind):
    fam, addr = sockaddr(spec)
    s = socket.socket(fam, kind)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(addr)
    return s


def echo_line(conn):
    conn.settimeout(TIMEOUT)
    data = b""
    try:
        while not data.endswith(b"\n"):
            chunk = conn.recv(65535)
            if not chunk:
                break
            data += chunk
        conn.sendall(data)
        while conn.recv(65535):    # until the client closes
            pass
    except OSError:
        pass
    conn.close()


def server(specs):
    udp = [bound(x, socket.SOCK_DGRAM) for x in specs]
    tcp = [bound(x, socket.SOCK_STREAM) for x in specs]
    for s in tcp:
        s.listen(8)
    print("gm_traffic: server ready", flush=True)
    while True:
        ready, _, _ = select.select(udp + tcp, [], [], 120)
        if not ready:
            return 1
        for s in ready:
            if s.type == socket.SOCK_DGRAM:
                data, peer = s.recvfrom(65535)
                s.sendto(data, peer)
            else:
                conn, _ = s.accept()
                echo_line(conn)


def udp_case(src, dst, payload):
    s = bound(src, socket.SOCK_DGRAM)
    s.settimeout(TIMEOUT)
    _, daddr = sockaddr(dst)
    got = None
    for _ in range(3):       # the first datagram may wait for ARP/ND
        s.sendto(payload, daddr)
        try:
            got = s.recv(65535)
            break
        except socket.timeout:
            continue
    s.close()
    return got == payload, got


def tcp_case(src, dst, payload):
    s = bound(src, socket.SOCK_STREAM)
    s.settimeout(TIMEOUT)
    _, daddr = sockaddr(dst)
    got = b""
    try:
        s.connect(daddr)
        s.sendall(payload + b"\n")
        while not got.endswith(b"\n"):
            chunk = s.recv(65535)
            if not chunk:
                break
            got += chunk
    except OSError as e:
        got = repr(e).encode()
    s.close()
    return got == payload + b"\n", got


def client(cases):
    bad = 0
    for case in cases:
        src, rest = case.split(">", 1)
        dst, payload = rest.rsplit(":", 1)
        for proto, fn in (("udp", udp_case), ("tcp", tcp_case)):
            ok, got = fn(src, dst, payload.encode())
            bad += not ok
            print("gm_traffic: %s %s -> %s: %s" % (
                proto, src, dst, "echoed" if ok else "NO ECHO (%r)" % got),
                flush=True)
    return 1 if bad else 0


if __name__ == "__main__":
    if len(sys.argv) < 3 or sys.argv[1] not in ("server", "client"):
        sys.exit(__doc__)
    if sys.argv[1] == "server":
        sys.exit(server(sys.argv[2:]))
    sys.exit(client(sys.argv[2:]))
