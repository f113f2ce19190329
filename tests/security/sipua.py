#!/usr/bin/python3
"""sipua.py - crafted SIP user agents over UDP for the attack tests
(stdlib only).  A library (UA, Msg, run) and three commands:

  sipua.py oneshot --bind IP:PORT --to IP:PORT --method M --ruri URI
           [--from URI] [--to-uri URI] [--to-tag T] [--callid C]
           [-H 'Name: value']... [--body TEXT]
      sends one request (a new transaction) and prints the final
      response's status line, then its headers ("H: Name: value").
  sipua.py uas --bind IP:PORT --log FILE [--user U] [--registrar]
      answers every request (INVITE: 180 then 200 with a To tag and the
      Record-Route copied; ACK: nothing; anything else: 200; with
      --registrar a REGISTER's 200 binds its Contact for 600 s, and no
      Service-Route), appending each request received to FILE, until
      killed.
  sipua.py scenario NAME ...   see pcscf_dialogs.py (imports this file).
"""
import argparse
import random
import select
import socket
import sys
import time

T1 = 0.5


def rnd(n=32):
    return "%0*x" % (n // 4, random.getrandbits(n))


class Msg:
    """A parsed SIP message: start line, headers in order, body."""

    def __init__(self, data):
        text = data.decode(errors="replace")
        head, _, self.body = text.partition("\r\n\r\n")
        lines = head.split("\r\n")
        self.start = lines[0]
        self.headers = []
        for line in lines[1:]:
            if line[:1] in (" ", "\t") and self.headers:
                n, v = self.headers[-1]
                self.headers[-1] = (n, v + " " + line.strip())
            elif ":" in line:
                n, v = line.split(":", 1)
                self.headers.append((n.strip(), v.strip()))
        parts = self.start.split(" ", 2)
        self.is_response = parts[0] == "SIP/2.0"
        self.status = int(parts[1]) if self.is_response else 0
        self.method = None if self.is_response else parts[0]
        self.ruri = None if self.is_response else parts[1]
        self.raw = text

    def all(self, name):
        """Every value of header name; comma lists split for Route-like
        headers."""
        out = []
        for n, v in self.headers:
            if n.lower() == name.lower():
                if name.lower() in ("route", "record-route", "path"):
                    out += [x.strip() for x in split_list(v)]
                else:
                    out.append(v)
        return out

    def get(self, name):
        v = self.all(name)
        return v[0] if v else None

    def tag(self, name):
        v = self.get(name) or ""
        for p in v.split(";")[1:]:
            if p.strip().lower().startswith("tag="):
                return p.strip()[4:]
        return None

    def cseq_method(self):
        return (self.get("CSeq") or " ").split()[-1]


def split_list(v):
    """Split a header value at commas outside <> and quotes."""
    out, cur, depth, quoted = [], "", 0, False
    for c in v:
        if c == '"':
            quoted = not quoted
        elif not quoted and c == "<":
            depth += 1
        elif not quoted and c == ">":
            depth -= 1
        if c == "," and depth == 0 and not quoted:
            out.append(cur)
            cur = ""
        else:
            cur += c
    if cur.strip():
        out.append(cur)
    return out


def uri_of(v):
    """The URI inside <> (or the value)."""
    if "<" in v:
        return v[v.index("<") + 1:v.index(">")]
    return v.split(";")[0].strip()


def hostport(uri):
    """(host, port) of a sip: URI."""
    u = uri.split(":", 1)[1]
    u = u.split("@")[-1].split(";")[0].split(">")[0]
    if ":" in u:
        h, p = u.rsplit(":", 1)
        return h, int(p)
    return u, 5060


class UA:
    """One UDP endpoint: sends requests, answers the requests it gets."""

    def __init__(self, bind, user=None, domain="ims.example.org"):
        ip, port = bind.rsplit(":", 1)
        self.ip, self.port = ip, int(port)
        self.user = user or "ua"
        self.domain = domain
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((ip, self.port))
        self.received = []		# requests, in order
        self.responses = []		# every response that reached us
        self.tag = rnd()
        self.cseq = 0
        # Tampering when answering: extra headers on 1xx/2xx, extra
        # Record-Route entries put on top of the copied ones.
        self.extra = []
        self.rr_extra = []
        self.log = None
        self.registrar = False

    def contact(self):
        return "<sip:%s@%s:%d>" % (self.user, self.ip, self.port)

    def aor(self):
        return "sip:%s@%s" % (self.user, self.domain)

    def send(self, text, dest):
        self.sock.sendto(text.encode(), dest)

    def answer(self, req, src):
        """Our answer(s) to a request (a UAS, RFC 3261 8.2.6)."""
        self.received.append(req)
        if self.log:
            with open(self.log, "a") as f:
                f.write(req.raw + "\r\n=====\r\n")
        if req.method == "ACK":
            return
        to = req.get("To")
        if req.tag("To") is None:
            to += ";tag=" + self.tag
        rr = ""
        if req.method in ("INVITE", "SUBSCRIBE"):
            rrs = ["<sip:evil@%s;lr>" % e for e in self.rr_extra] + \
                req.all("Record-Route")
            rr = "".join("Record-Route: %s\r\n" % r for r in rrs)
        codes = [(180, "Ringing"), (200, "OK")] \
            if req.method == "INVITE" else [(200, "OK")]
        contact = self.contact()
        if req.method == "REGISTER" and self.registrar:
            # A registrar that gives no Service-Route (RFC 3608 is
            # optional): the binding, for 600 s.
            contact = "<%s>;expires=600" % uri_of(req.get("Contact"))
        for code, phrase in codes:
            extra = "".join("%s\r\n" % h for h in self.extra)
            resp = ("SIP/2.0 %d %s\r\n" % (code, phrase) +
                    "".join("Via: %s\r\n" % v for v in req.all("Via")) +
                    "From: %s\r\nTo: %s\r\nCall-ID: %s\r\nCSeq: %s\r\n"
                    % (req.get("From"), to, req.get("Call-ID"),
                       req.get("CSeq")) + rr +
                    "Contact: %s\r\n" % contact + extra +
                    "Content-Length: 0\r\n\r\n")
            self.send(resp, src)

    def request(self, method, ruri, dest, headers=(), to_uri=None,
                to_tag=None, callid=None, from_uri=None, body="",
                route=None, cseq=None, ctype="text/plain"):
        """A request text and its branch (a new transaction)."""
        branch = "z9hG4bK" + rnd()
        if cseq is None:
            self.cseq += 1
            cseq = self.cseq
        to = "<%s>" % (to_uri or ruri)
        if to_tag:
            to += ";tag=" + to_tag
        text = ("%s %s SIP/2.0\r\n" % (method, ruri) +
                "Via: SIP/2.0/UDP %s:%d;rport;branch=%s\r\n"
                % (self.ip, self.port, branch) +
                "Max-Forwards: 70\r\n"
                "From: <%s>;tag=%s\r\nTo: %s\r\n"
                % (from_uri or self.aor(), self.tag, to) +
                "Call-ID: %s\r\nCSeq: %d %s\r\n"
                % (callid or rnd(64) + "@" + self.ip, cseq, method) +
                "".join("Route: %s\r\n" % r for r in (route or [])) +
                "Contact: %s\r\n" % self.contact() +
                "".join("%s\r\n" % h for h in headers) +
                ("Content-Type: %s\r\n" % ctype if body else "") +
                "Content-Length: %d\r\n\r\n%s" % (len(body.encode()), body))
        return text, branch


def pump(uas, timeout):
    """Answer requests arriving at any of uas for timeout seconds;
    responses are kept in each UA's responses list."""
    end = time.time() + timeout
    while True:
        left = end - time.time()
        if left <= 0:
            return
        r, _, _ = select.select([u.sock for u in uas], [], [], left)
        for u in uas:
            if u.sock in r:
                data, src = u.sock.recvfrom(65535)
                m = Msg(data)
                if m.is_response:
                    u.responses.append(m)
                else:
                    u.answer(m, src)


def transact(ua, text, branch, dest, others=(), timeout=10.0):
    """Send text and wait for its final response, answering requests
    reaching any UA meanwhile; retransmitted like RFC 3261 17.1 (T1
    doubling) until a response arrives.  The final Msg, or None."""
    uas = [ua] + [o for o in others if o is not ua]
    end = time.time() + timeout
    interval, next_tx = T1, time.time()
    provisional = False
    while time.time() < end:
        now = time.time()
        if not provisional and now >= next_tx:
            ua.send(text, dest)
            next_tx = now + interval
            interval = min(interval * 2, 4.0)
        wait = max(0.0, min(end, next_tx if not provisional else end) - now)
        r, _, _ = select.select([u.sock for u in uas], [], [], wait)
        for u in uas:
            if u.sock not in r:
                continue
            data, src = u.sock.recvfrom(65535)
            m = Msg(data)
            if not m.is_response:
                u.answer(m, src)
                continue
            u.responses.append(m)
            if u is ua and branch in (m.get("Via") or ""):
                if m.status >= 200:
                    return m
                provisional = True	# no more retransmissions
    return None


def oneshot(a):
    ua = UA(a.bind)
    if a.from_tag:
        ua.tag = a.from_tag
    host, port = a.to.rsplit(":", 1)
    hdrs = list(a.H or [])
    text, branch = ua.request(a.method, a.ruri, None, headers=hdrs,
                              to_uri=a.to_uri, to_tag=a.to_tag,
                              callid=a.callid, from_uri=getattr(a, "from"),
                              body=a.body or "", ctype=a.content_type)
    m = transact(ua, text, branch, (host, int(port)), timeout=a.timeout)
    if m is None:
        print("no answer")
        return 1
    print(m.start)
    for n, v in m.headers:
        print("H: %s: %s" % (n, v))
    return 0


def uas(a):
    ua = UA(a.bind, user=a.user)
    ua.log = a.log
    ua.registrar = a.registrar
    open(a.log, "a").close()
    while True:
        pump([ua], 3600)


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    o = sub.add_parser("oneshot")
    o.add_argument("--bind", required=True)
    o.add_argument("--to", required=True)
    o.add_argument("--method", required=True)
    o.add_argument("--ruri", required=True)
    o.add_argument("--from", default=None)
    o.add_argument("--to-uri", default=None)
    o.add_argument("--to-tag", default=None)
    o.add_argument("--callid", default=None)
    o.add_argument("--body", default="")
    o.add_argument("--from-tag", default=None)
    o.add_argument("--content-type", default="text/plain")
    o.add_argument("--timeout", type=float, default=10.0)
    o.add_argument("-H", action="append")
    u = sub.add_parser("uas")
    u.add_argument("--bind", required=True)
    u.add_argument("--log", required=True)
    u.add_argument("--user", default="uas")
    u.add_argument("--registrar", action="store_true")
    a = ap.parse_args()
    return oneshot(a) if a.cmd == "oneshot" else uas(a)


if __name__ == "__main__":
    sys.exit(main())
