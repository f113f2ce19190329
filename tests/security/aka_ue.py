#!/usr/bin/python3
"""aka_ue.py - crafted SIP for the attack tests: a UE (or an attacker) that
builds REGISTERs header by header, does IMS AKA with `imsauth` (env
IMSAUTH) from K and OP, and a listener that records what reaches an
address.  Stdlib only.

As a library (sys.path.insert(0, SECDIR); import aka_ue):
    ue = aka_ue.UE(bind="10.0.0.10:5090", dest="10.0.0.4:5060",
                  user="alice", domain="ims.example.org", k=K, op=OP)
    r = ue.register()                      # credential-less: the 401
    r = ue.register(auth=ue.answer(r))     # the AKA answer: 200
    r.status, r.hdr("Path"), r.raw

As a program:
    aka_ue.py listen IP:PORT SECONDS FILE   record every datagram received
                                           (answering requests 200), one
                                           "FROM_IP:PORT\\n<message>" block
                                           per datagram, into FILE
"""
import base64
import os
import random
import re
import socket
import subprocess
import sys
import time

IMSAUTH = os.environ.get("IMSAUTH", "imsauth")


class Resp:
    def __init__(self, raw):
        self.raw = raw
        head = raw.split("\r\n\r\n", 1)[0]
        lines = head.split("\r\n")
        parts = lines[0].split(" ", 2)
        self.status = int(parts[1])
        self.reason = parts[2] if len(parts) > 2 else ""
        self.headers = []
        for line in lines[1:]:
            if ":" in line:
                n, v = line.split(":", 1)
                self.headers.append((n.strip().lower(), v.strip()))

    def hdr(self, name):
        """Every value of header name, joined with ", " ("" if none)."""
        name = name.lower()
        return ", ".join(v for n, v in self.headers if n == name)

    def nonce(self):
        m = re.search(r'nonce="([^"]+)"', self.hdr("WWW-Authenticate"))
        return m.group(1) if m else None

    def __str__(self):
        return "%d %s" % (self.status, self.reason)


def imsauth(*args):
    r = subprocess.run([IMSAUTH] + list(args), capture_output=True,
                       text=True)
    return r.returncode, dict(l.split("=", 1) for l in r.stdout.split()
                              if "=" in l)


class UE:
    def __init__(self, bind, dest, user, domain, k=None, op=None,
                 tcp=False, impi=None, impu=None, timeout=8):
        self.lip, lport = bind.rsplit(":", 1)
        self.lport = int(lport)
        dip, dport = dest.rsplit(":", 1)
        self.dest = (dip, int(dport))
        self.user, self.domain, self.k, self.op = user, domain, k, op
        self.impi = impi or "%s@%s" % (user, domain)
        self.impu = impu or "sip:%s@%s" % (user, domain)
        self.tcp = tcp
        self.callid = "sec-%x@%s" % (random.getrandbits(48), self.lip)
        self.cseq = 0
        self.contact = "sip:%s@%s:%d" % (user, self.lip, self.lport)
        self.timeout = timeout
        self.buf = b""
        self.res = {}		# nonce -> (res, ck, ik)
        if tcp:
            self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            self.sock.bind((self.lip, self.lport))
            self.sock.settimeout(timeout)
            self.sock.connect(self.dest)
        else:
            self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            self.sock.bind((self.lip, self.lport))
            self.sock.settimeout(timeout)
        self.last = None	# the last request sent (text)

    # ---- transport ----
    def _recv_one(self):
        if not self.tcp:
            return self.sock.recv(65535).decode(errors="replace")
        while True:
            if b"\r\n\r\n" in self.buf:
                head, rest = self.buf.split(b"\r\n\r\n", 1)
                m = re.search(rb"\r\n(?:Content-Length|l)\s*:\s*(\d+)",
                              head, re.I)
                n = int(m.group(1)) if m else 0
                if len(rest) >= n:
                    self.buf = rest[n:]
                    return (head + b"\r\n\r\n" + rest[:n]).decode(
                        errors="replace")
            data = self.sock.recv(65535)
            if not data:
                raise OSError("connection closed")
            self.buf += data

    def send(self, text):
        """Send a request; the final response (Resp), or None."""
        self.last = text
        data = text.encode()
        if self.tcp:
            self.sock.sendall(data)
        else:
            self.sock.sendto(data, self.dest)
        end = time.time() + self.timeout
        while time.time() < end:
            try:
                r = Resp(self._recv_one())
            except (OSError, ValueError, IndexError):
                return None
            if r.status >= 200:
                return r
        return None

    # ---- REGISTER ----
    def request(self, auth=None, expires=600, contact=None, contacts=None,
                extra=(), impu=None, expires_hdr=None, callid=None,
                cseq=None, method="REGISTER", ruri=None, to=None,
                intprot=None):
        """The text of a request.  auth: the Authorization value, or None
        (an empty one, as IMS UEs send: username, nonce="").  intprot: an
        integrity-protected parameter added to it (TS 24.229 7.2A.2), as a
        P-CSCF puts it."""
        if cseq is None:
            self.cseq += 1
            cseq = self.cseq
        impu = impu or self.impu
        if auth is None:
            auth = ('Digest username="%s", realm="%s", nonce="", '
                    'uri="sip:%s", response=""' % (self.impi, self.domain,
                                                   self.domain))
        if contacts is None:
            contacts = ["<%s>;expires=%d" % (contact or self.contact,
                                             expires)]
        tp = "TCP" if self.tcp else "UDP"
        lines = ["%s %s SIP/2.0" % (method, ruri or "sip:" + self.domain),
                 "Via: SIP/2.0/%s %s:%d;rport;branch=z9hG4bK%x"
                 % (tp, self.lip, self.lport, random.getrandbits(48)),
                 "Max-Forwards: 70",
                 "From: <%s>;tag=%x" % (impu, random.getrandbits(32)),
                 "To: <%s>" % (to or impu),
                 "Call-ID: %s" % (callid or self.callid),
                 "CSeq: %d %s" % (cseq, method)]
        if method == "REGISTER":
            lines += ["Contact: %s" % c for c in contacts if c]
            if auth is not False and intprot is not None:
                auth += ', integrity-protected="%s"' % intprot
            if auth is not False:
                lines.append("Authorization: %s" % auth)
            lines.append("Expires: %s" % (expires if expires_hdr is None
                                          else expires_hdr))
        lines += list(extra)
        lines.append("Content-Length: 0")
        return "\r\n".join(lines) + "\r\n\r\n"

    def register(self, **kw):
        return self.send(self.request(**kw))

    # ---- AKA (TS 33.203 6.1, RFC 3310) ----
    def aka(self, nonce):
        """(res, ck, ik) for a nonce, as the USIM computes them."""
        if nonce not in self.res:
            raw = base64.b64decode(nonce)
            rc, out = imsauth("ue-check", "--k", self.k, "--op", self.op,
                              "--rand", raw[:16].hex(), "--autn",
                              raw[16:32].hex())
            if rc != 0:
                raise RuntimeError("ue-check: %s" % out)
            self.res[nonce] = (out["res"], out["ck"], out["ik"])
        return self.res[nonce]

    def creds(self, nonce, nc=1, qop=True, cnonce="0a4f113b", res=None,
              username=None, auts=None):
        """An Authorization value answering nonce (RFC 3310, RFC 2617
        3.2.2); qop=False gives the RFC 2069 form (no qop, nc, cnonce)."""
        if res is None:
            res = self.aka(nonce)[0]
        username = username or self.impi
        ncs = "%08x" % nc
        args = ["digest", "--algorithm", "AKAv1-MD5", "--username",
                username, "--realm", self.domain, "--method", "REGISTER",
                "--uri", "sip:" + self.domain, "--nonce", nonce,
                "--res", res]
        if qop:
            args += ["--qop", "auth", "--nc", ncs, "--cnonce", cnonce]
        _, out = imsauth(*args)
        a = ('Digest username="%s", realm="%s", nonce="%s", uri="sip:%s", '
             'response="%s", algorithm=AKAv1-MD5' % (
                 username, self.domain, nonce, self.domain,
                 out.get("response", "")))
        if qop:
            a += ', qop=auth, nc=%s, cnonce="%s"' % (ncs, cnonce)
        if auts:
            a += ', auts="%s"' % auts
        return a

    def answer(self, r, nc=1, **kw):
        return self.creds(r.nonce(), nc=nc, **kw)

    def full_register(self, tries=3, **kw):
        """Challenge, then answer it (again if a new challenge comes).
        The final Resp; self.nonce is the nonce answered."""
        r = self.register(**kw)
        for _ in range(tries):
            if r is None or r.status != 401:
                return r
            self.nonce = r.nonce()
            r = self.register(auth=self.creds(self.nonce), **kw)
        return r


def listen(addr, seconds, path):
    ip, port = addr.rsplit(":", 1)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((ip, int(port)))
    s.settimeout(0.2)
    end = time.time() + seconds
    with open(path, "a") as f:
        while time.time() < end:
            try:
                data, src = s.recvfrom(65535)
            except socket.timeout:
                continue
            msg = data.decode(errors="replace")
            f.write("%s:%d\n%s\n" % (src[0], src[1], msg))
            f.flush()
            if msg.startswith("SIP/2.0"):
                continue
            # Answer a request 200 (RFC 3261 8.2.6: the request's Via,
            # From, To, Call-ID, CSeq).
            head = msg.split("\r\n\r\n", 1)[0].split("\r\n")
            keep = [l for l in head[1:] if re.match(
                r"(Via|v|From|f|To|t|Call-ID|i|CSeq)\s*:", l, re.I)]
            resp = "SIP/2.0 200 OK\r\n" + "\r\n".join(keep) + \
                "\r\nContent-Length: 0\r\n\r\n"
            if not head[0].startswith("ACK"):
                s.sendto(resp.encode(), src)


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "listen":
        listen(sys.argv[2], float(sys.argv[3]), sys.argv[4])
    else:
        sys.exit(__doc__)
