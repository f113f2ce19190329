#!/usr/bin/python3
# trust_sip.py - crafted SIP for the trust-boundary attack tests.
#
#   trust_sip.py send [-p PORT] [-t SECONDS] [--body TEXT] HOST PORT
#                METHOD RURI ["Name: value"]...
#       Sends one request over UDP from this host's address towards
#       HOST:PORT (Via, From, To = RURI, Call-ID, CSeq, Max-Forwards: 70,
#       Content-Length made up; a "Name: value" argument replaces that
#       default header, or adds one more; "Name:" alone removes it),
#       retransmitted as RFC 3261 17.1 asks until a response comes, and
#       prints the final status line ("SIP/2.0 403 Forbidden"), or "none"
#       when nothing final came within the timeout (default 8 s).
#
#   trust_sip.py received FILE MARKER
#       FILE is a SIPp -message_file: prints the head (start line and
#       headers) of the first request received that contains MARKER (as
#       a whole word), exit 1 when there is none.
#
# Python 3 standard library only.
import argparse
import random
import re
import socket
import sys
import time


def local_ip(host, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.connect((host, port))
        return s.getsockname()[0]
    finally:
        s.close()


DEFAULTS = ("via", "max-forwards", "from", "to", "call-id", "cseq")


def build(a, ip, port):
    tag = "%x" % random.getrandbits(32)
    hdrs = [
        ["Via", "SIP/2.0/UDP %s:%d;rport;branch=z9hG4bK%x"
         % (ip, port, random.getrandbits(48))],
        ["Max-Forwards", "70"],
        ["From", "<sip:attacker@%s>;tag=%s" % (ip, tag)],
        ["To", "<%s>" % a.ruri],
        ["Call-ID", "trust-%x@%s" % (random.getrandbits(48), ip)],
        ["CSeq", "1 %s" % a.method],
    ]
    for h in a.headers:
        name, _, value = h.partition(":")
        name, value = name.strip(), value.strip()
        same = [x for x in hdrs if x[0].lower() == name.lower()]
        if not value:
            hdrs = [x for x in hdrs if x[0].lower() != name.lower()]
        elif same and name.lower() in DEFAULTS:
            same[0][1] = value
        else:
            hdrs.append([name, value])
    body = a.body.encode()
    if body:
        hdrs.append(["Content-Type", "text/plain"])
    hdrs.append(["Content-Length", str(len(body))])
    head = "%s %s SIP/2.0\r\n" % (a.method, a.ruri)
    head += "".join("%s: %s\r\n" % (n, v) for n, v in hdrs)
    return (head + "\r\n").encode() + body


def send(a):
    ip = local_ip(a.host, a.port)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((ip, a.local_port))
    msg = build(a, ip, s.getsockname()[1])
    invite = a.method == "INVITE"
    end = time.time() + a.timeout
    interval, provisional = 0.5, False      # T1, RFC 3261 17.1
    s.sendto(msg, (a.host, a.port))
    next_tx = time.time() + interval
    while True:
        now = time.time()
        if now >= end:
            break
        s.settimeout(max(0.01, min(next_tx, end) - now))
        try:
            data = s.recv(65535)
        except socket.timeout:
            if time.time() >= next_tx:
                if not (invite and provisional):
                    s.sendto(msg, (a.host, a.port))
                interval = 4 if provisional else min(interval * 2, 4)
                next_tx = time.time() + interval
            continue
        m = re.match(rb"SIP/2\.0 ([0-9]{3})[^\r\n]*", data)
        if m is None:
            continue
        if int(m.group(1)) >= 200:
            print(m.group(0).decode(errors="replace"))
            return 0
        if not provisional:
            provisional = True
            interval = 4                    # T2 once a response came
            next_tx = time.time() + interval
    print("none")
    return 0


def received(a):
    with open(a.file, "rb") as f:
        text = f.read().decode(errors="replace")
    for block in re.split(r"\n-{20,}[^\n]*\n", text):
        i = block.find("\n\n")
        msg = block[i + 2:] if i >= 0 else block
        if (re.search(r"(?<![\w-])%s(?![\w-])" % re.escape(a.marker), msg)
                is None or msg.startswith("SIP/2.0")):
            continue
        if re.match(r"[A-Z]+ \S+ SIP/2\.0", msg) is None:
            continue
        print(re.split(r"\r?\n\r?\n", msg, 1)[0])
        return 0
    return 1


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("send")
    s.add_argument("-p", dest="local_port", type=int, default=0)
    s.add_argument("-t", dest="timeout", type=float, default=8)
    s.add_argument("--body", default="")
    s.add_argument("host")
    s.add_argument("port", type=int)
    s.add_argument("method")
    s.add_argument("ruri")
    s.add_argument("headers", nargs="*")
    r = sub.add_parser("received")
    r.add_argument("file")
    r.add_argument("marker")
    a = p.parse_args()
    return send(a) if a.cmd == "send" else received(a)


if __name__ == "__main__":
    sys.exit(main())
