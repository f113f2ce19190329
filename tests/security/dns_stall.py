#!/usr/bin/python3
# dns_stall.py - the pieces of test_dns_stall.sh (Python 3 stdlib only):
#
#   dns_stall.py sink ADDR COUNTFILE
#       a DNS server that never answers: counts the queries on UDP ADDR:53
#       (written to COUNTFILE) and drops them;
#   dns_stall.py uas ADDR PORT
#       a UAS that answers 200 OK to every request on UDP ADDR:PORT;
#   dns_stall.py probe HOST PORT NAME... [--unrelated K] [--wait S]
#       sends, at once, one OPTIONS per NAME to HOST:PORT, each with
#       "Route: <sip:NAME;lr>" (the next hop the element must resolve),
#       then K unrelated REGISTERs one after the other (an unknown user:
#       the element answers them after its own Cx round trip), and prints
#         unrelated K MAX-SECONDS ANSWERED STATUSES (e.g. 403,...)
#         named NAME STATUS SECONDS [retry-after=V]   (one per NAME)
#       STATUS "none" when nothing came within S seconds (default 12).
import random
import select
import signal
import socket
import sys
import time


def local_ip(host, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.connect((host, port))
    ip = s.getsockname()[0]
    s.close()
    return ip


def sink(addr, countfile):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((addr, 53))
    n = 0

    def done(*_):
        sys.exit(0)
    signal.signal(signal.SIGTERM, done)
    with open(countfile, "w") as f:
        f.write("0\n")
    while True:
        s.recvfrom(65535)
        n += 1
        with open(countfile, "w") as f:
            f.write("%d\n" % n)


def uas(addr, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((addr, port))
    while True:
        data, src = s.recvfrom(65535)
        head = data.split(b"\r\n\r\n", 1)[0].split(b"\r\n")
        if not head or head[0].startswith(b"SIP/") or \
                head[0].startswith(b"ACK "):
            continue
        keep = [h for h in head[1:] if h.split(b":", 1)[0].strip().lower()
                in (b"via", b"v", b"from", b"f", b"to", b"t", b"call-id",
                    b"i", b"cseq")]
        resp = b"\r\n".join([b"SIP/2.0 200 OK"] + keep +
                            [b"Content-Length: 0", b"", b""])
        s.sendto(resp, src)


def request(method, ruri, ip, port, extra):
    tag = random.getrandbits(40)
    return ("%s %s SIP/2.0\r\n"
            "Via: SIP/2.0/UDP %s:%d;rport;branch=z9hG4bK%x\r\n"
            "Max-Forwards: 70\r\n"
            "From: <sip:probe@ims.example.org>;tag=%x\r\n"
            "To: <sip:probe@ims.example.org>\r\n"
            "Call-ID: dns-stall-%x\r\n"
            "CSeq: 1 %s\r\n%s"
            "Content-Length: 0\r\n\r\n"
            % (method, ruri, ip, port, tag, tag, tag, method,
               extra)).encode()


def final(data):
    line = data.split(b"\r\n", 1)[0].split(b" ", 2)
    if len(line) < 2 or not line[0].startswith(b"SIP/"):
        return None
    code = int(line[1])
    if code < 200:
        return None
    ra = None
    for h in data.split(b"\r\n\r\n", 1)[0].split(b"\r\n"):
        if h.lower().startswith(b"retry-after:"):
            ra = h.split(b":", 1)[1].strip().decode()
    return code, ra


def probe(host, port, names, unrelated, wait):
    ip = local_ip(host, port)
    named = []
    for name in names:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind((ip, 0))
        msg = request("OPTIONS", "sip:probe@%s:%d" % (host, port), ip,
                      s.getsockname()[1], "Route: <sip:%s;lr>\r\n" % name)
        s.sendto(msg, (host, port))
        named.append([name, s, time.monotonic(), None, None, None])
    time.sleep(0.2)
    worst, answered, codes = 0.0, 0, set()
    for _ in range(unrelated):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind((ip, 0))
        s.settimeout(5)
        user = "nobody%x" % random.getrandbits(32)
        msg = request("REGISTER", "sip:ims.example.org", ip,
                      s.getsockname()[1],
                      "Contact: <sip:%s@%s:%d>\r\nExpires: 600\r\n"
                      % (user, ip, s.getsockname()[1]))
        msg = msg.replace(b"sip:probe@", ("sip:%s@" % user).encode())
        t0 = time.monotonic()
        s.sendto(msg, (host, port))
        got = None
        try:
            while got is None:
                got = final(s.recv(65535))
        except OSError:
            pass
        dt = time.monotonic() - t0
        worst = max(worst, dt)
        if got is not None:
            answered += 1
            codes.add(got[0])
        s.close()
    print("unrelated %d %.3f %d %s" % (unrelated, worst, answered,
          ",".join(str(c) for c in sorted(codes)) or "-"))
    sys.stdout.flush()
    deadline = time.monotonic() + wait
    pending = {n[1]: n for n in named}
    while pending and time.monotonic() < deadline:
        r, _, _ = select.select(list(pending), [], [],
                                deadline - time.monotonic())
        for s in r:
            got = final(s.recv(65535))
            if got is None:
                continue
            n = pending.pop(s)
            n[3], n[5] = got
            n[4] = time.monotonic() - n[2]
    for n in named:
        if n[3] is None:
            print("named %s none" % n[0])
        else:
            print("named %s %d %.3f%s" % (n[0], n[3], n[4],
                  " retry-after=%s" % n[5] if n[5] else ""))
        n[1].close()


def main():
    a = sys.argv[1:]
    if a[:1] == ["sink"]:
        sink(a[1], a[2])
    elif a[:1] == ["uas"]:
        uas(a[1], int(a[2]))
    elif a[:1] == ["probe"]:
        unrelated, wait, names = 0, 12.0, []
        rest = a[3:]
        while rest:
            if rest[0] == "--unrelated":
                unrelated = int(rest[1])
                rest = rest[2:]
            elif rest[0] == "--wait":
                wait = float(rest[1])
                rest = rest[2:]
            else:
                names.append(rest.pop(0))
        probe(a[1], int(a[2]), names, unrelated, wait)
    else:
        sys.stderr.write("usage: see the header\n")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
