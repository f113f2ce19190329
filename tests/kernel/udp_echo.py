#!/usr/bin/python3
"""udp_echo.py server ADDR:PORT... | client ADDR:SPORT>ADDR:DPORT:PAYLOAD...

server: echoes every datagram back to its sender on the listed sockets until
killed (gives up after 120 s of silence).
client: for each case, sends PAYLOAD from ADDR:SPORT to ADDR:DPORT and checks
that the same bytes come back; prints one line per case, exits 1 on a miss.
"""
import select
import socket
import sys


def sockaddr(s):
    host, port = s.rsplit(":", 1)
    host = host.strip("[]")
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    return fam, (host, int(port))


def bound(spec):
    fam, addr = sockaddr(spec)
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(addr)
    return s


def server(specs):
    socks = [bound(x) for x in specs]
    print("udp_echo: server ready", flush=True)
    while True:
        ready, _, _ = select.select(socks, [], [], 120)
        if not ready:
            return 1
        for s in ready:
            data, peer = s.recvfrom(65535)
            s.sendto(data, peer)


def client(cases):
    bad = 0
    for case in cases:
        src, rest = case.split(">", 1)
        dst, payload = rest.rsplit(":", 1)
        s = bound(src)
        s.settimeout(5)
        fam, daddr = sockaddr(dst)
        got = None
        for _ in range(3):       # the first packet may wait for ND/ARP
            s.sendto(payload.encode(), daddr)
            try:
                got = s.recv(65535).decode()
                break
            except socket.timeout:
                continue
        ok = got == payload
        bad += not ok
        print("udp_echo: %s -> %s: %s" % (src, dst, "echoed" if ok else "NO ECHO (%r)" % got))
        s.close()
    return 1 if bad else 0


if __name__ == "__main__":
    if sys.argv[1] == "server":
        sys.exit(server(sys.argv[2:]))
    sys.exit(client(sys.argv[2:]))
