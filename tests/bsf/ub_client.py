#!/usr/bin/python3
"""ub_client.py - a GBA bootstrapping client (TS 24.109 4, TS 33.220
4.5.2) for the bsf tests: HTTP Digest AKAv1-MD5 (RFC 3310) with qop
auth-int (or auth), the USIM side computed by `imsauth ue-check` (env
IMSAUTH) from K and OP, the Digest arithmetic here (RFC 2617 3.2.2/3.2.3,
hashlib) so that the bsf is checked against an independent computation.
Stdlib only.

    ub_client.py bootstrap URL IMPI REALM K OP [options]
        --sqn-ms HEX      the USIM's highest accepted SQN (sync failure
                          when the challenge is not above it)
        --qop auth-int|auth   (default auth-int)
        --method GET|POST     (POST sends a small body; default GET)
        --wrong-res       answer with a corrupted RES (expect 403)
        --answer-as IMPI  the attack of a subscriber on another: the
                          challenge is IMPI's own (its K and OP), the
                          answer, right for it, names this IMPI (expect 403)
        --cafile FILE     HTTPS: trust FILE
    ub_client.py raw URL [AUTHORIZATION]   one request, print status and
                                           headers

Output: key=value lines (status of each step, rand, ck, ik, res, sqn,
btid, lifetime, rspauth_ok, resync=yes|no).  Exit 0 when the final
status is 200, else 1.
"""
import base64
import hashlib
import http.client
import os
import re
import ssl
import subprocess
import sys
import urllib.parse
import xml.etree.ElementTree as ET

IMSAUTH = os.environ.get("IMSAUTH", "imsauth")


def md5(b):
    if isinstance(b, str):
        b = b.encode()
    return hashlib.md5(b).hexdigest()


def imsauth(*args):
    r = subprocess.run([IMSAUTH] + list(args), capture_output=True,
                       text=True)
    return r.returncode, dict(l.split("=", 1) for l in r.stdout.split()
                              if "=" in l)


def params(hdr):
    """The parameters of a Digest header value (quoted or token)."""
    out = {}
    for m in re.finditer(r'([A-Za-z0-9_-]+)\s*=\s*("((?:[^"\\]|\\.)*)"|'
                         r'[^\s,]+)', hdr):
        v = m.group(3) if m.group(3) is not None else m.group(2)
        out[m.group(1).lower()] = v
    return out


class Ub:
    def __init__(self, url, cafile=None):
        u = urllib.parse.urlsplit(url)
        self.https = u.scheme == "https"
        self.host, self.port = u.hostname, u.port or (443 if self.https
                                                      else 80)
        self.path = u.path or "/"
        self.ctx = None
        if self.https:
            self.ctx = ssl.create_default_context(cafile=cafile)
            self.ctx.check_hostname = False
        self.conn = None

    def request(self, method, auth, body=b""):
        if self.conn is None:
            if self.https:
                self.conn = http.client.HTTPSConnection(
                    self.host, self.port, timeout=15, context=self.ctx)
            else:
                self.conn = http.client.HTTPConnection(self.host, self.port,
                                                       timeout=15)
        hdrs = {"User-Agent": "ub_client 3gpp-gba", "Accept": "*/*"}
        if auth is not None:
            hdrs["Authorization"] = auth
        if method == "POST":
            hdrs["Content-Type"] = "text/plain"
        self.conn.request(method, self.path, body=body if method == "POST"
                          else None, headers=hdrs)
        r = self.conn.getresponse()
        data = r.read()
        if r.getheader("Connection", "").lower() == "close":
            self.conn.close()
            self.conn = None
        return r, data


def response(impi, realm, pw, method, uri, nonce, qop, nc, cnonce, body):
    """RFC 2617 3.2.2 (method "" for rspauth, 3.2.3)."""
    ha1 = hashlib.md5(("%s:%s:" % (impi, realm)).encode() + pw).hexdigest()
    if qop == "auth-int":
        ha2 = md5("%s:%s:%s" % (method, uri, md5(body)))
    else:
        ha2 = md5("%s:%s" % (method, uri))
    return md5("%s:%s:%s:%s:%s:%s" % (ha1, nonce, nc, cnonce, qop, ha2))


def out(k, v):
    print("%s=%s" % (k, v))
    sys.stdout.flush()


def bootstrap(argv):
    url, impi, realm, k, op = argv[:5]
    opts = {"--sqn-ms": None, "--qop": "auth-int", "--method": "GET",
            "--cafile": None, "--answer-as": None}
    wrong = False
    i = 5
    while i < len(argv):
        if argv[i] == "--wrong-res":
            wrong = True
            i += 1
        else:
            opts[argv[i]] = argv[i + 1]
            i += 2
    ub = Ub(url, opts["--cafile"])
    method, qop = opts["--method"], opts["--qop"]
    body = b"3gpp-gba bootstrap\n" if method == "POST" else b""
    uri = ub.path
    first = ('Digest username="%s", realm="%s", nonce="", uri="%s", '
             'response=""' % (impi, realm, uri))
    r, _ = ub.request(method, first, body)
    out("status1", r.status)
    if r.status != 401:
        return 1
    resync = "no"
    for attempt in range(2):
        ch = params(r.getheader("WWW-Authenticate", ""))
        out("challenge_qop", ch.get("qop", ""))
        out("challenge_algorithm", ch.get("algorithm", ""))
        nonce, opaque = ch["nonce"], ch.get("opaque", "")
        raw = base64.b64decode(nonce)
        rand, autn = raw[:16].hex(), raw[16:32].hex()
        args = ["ue-check", "--k", k, "--op", op, "--rand", rand,
                "--autn", autn]
        if opts["--sqn-ms"]:
            args += ["--sqn-ms", opts["--sqn-ms"]]
        _, ue = imsauth(*args)
        cnonce, nc = os.urandom(8).hex(), "00000001"
        if ue.get("result") == "sync-failure" and attempt == 0:
            # RFC 3310 3.4: auts, the empty password.
            auts = base64.b64encode(bytes.fromhex(ue["auts"])).decode()
            resp = response(impi, realm, b"", method, uri, nonce, qop, nc,
                            cnonce, body)
            a = ('Digest username="%s", realm="%s", nonce="%s", uri="%s", '
                 'qop=%s, nc=%s, cnonce="%s", response="%s", opaque="%s", '
                 'algorithm=AKAv1-MD5, auts="%s"' % (
                     impi, realm, nonce, uri, qop, nc, cnonce, resp,
                     opaque, auts))
            r, _ = ub.request(method, a, body)
            out("status_resync", r.status)
            resync = "yes"
            if r.status != 401:
                return 1
            continue
        if ue.get("result") != "ok":
            out("ue_result", ue.get("result"))
            return 1
        break
    out("resync", resync)
    out("rand", rand)
    out("ck", ue["ck"])
    out("ik", ue["ik"])
    out("sqn", ue["sqn"])
    res = bytes.fromhex(ue["res"])
    if wrong:
        res = bytes([res[0] ^ 1]) + res[1:]
    if opts["--answer-as"]:
        impi = opts["--answer-as"]
    resp = response(impi, realm, res, method, uri, nonce, qop, nc, cnonce,
                    body)
    a = ('Digest username="%s", realm="%s", nonce="%s", uri="%s", '
         'qop=%s, nc=%s, cnonce="%s", response="%s", opaque="%s", '
         'algorithm=AKAv1-MD5' % (impi, realm, nonce, uri, qop, nc, cnonce,
                                  resp, opaque))
    r, data = ub.request(method, a, body)
    out("status", r.status)
    out("nonce", nonce)
    if r.status != 200:
        return 1
    info = params(r.getheader("Authentication-Info", ""))
    want = response(impi, realm, res, "", uri, nonce, info.get("qop", ""),
                    info.get("nc", ""), info.get("cnonce", ""), data)
    out("rspauth_ok", "yes" if info.get("rspauth") == want and
        info.get("cnonce") == cnonce and info.get("nc") == nc else "no")
    out("info_qop", info.get("qop", ""))
    out("content_type", r.getheader("Content-Type", ""))
    ns = "{uri:3gpp-gba}"
    x = ET.fromstring(data)
    out("btid", x.findtext(ns + "btid"))
    out("lifetime", x.findtext(ns + "lifetime"))
    return 0


def raw(argv):
    ub = Ub(argv[0])
    r, data = ub.request("GET", argv[1] if len(argv) > 1 else None)
    out("status", r.status)
    for n, v in r.getheaders():
        out("hdr_" + n.lower(), v)
    out("body", data.decode(errors="replace").replace("\n", " "))
    return 0


if __name__ == "__main__":
    if len(sys.argv) >= 7 and sys.argv[1] == "bootstrap":
        sys.exit(bootstrap(sys.argv[2:]))
    if len(sys.argv) >= 3 and sys.argv[1] == "raw":
        sys.exit(raw(sys.argv[2:]))
    sys.stderr.write(__doc__)
    sys.exit(2)
