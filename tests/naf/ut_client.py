#!/usr/bin/env python3
"""ut_client.py - a Ut client for the naf tests: HTTPS with the test CA,
HTTP Digest with the GBA key (TS 24.109 5.2.2: username = B-TID,
password = base64(Ks_NAF), qop=auth, MD5).

Usage: ut_client.py URL [options]
  --ca FILE            the CA of the naf's certificate (verified, with its name)
  --btid B --ks HEX    the credentials; without them the first 401 is printed
  --method M           GET (default), PUT, DELETE
  --data FILE|@-       body; --ctype TYPE its Content-Type
  --header "K: V"      extra request header (repeatable)
  --password-bad       use a wrong password
  --replay             after the authenticated request, send the very same
                       Authorization again (same nonce and nc)
  --stale-wait S       wait S seconds between the 401 and the answer
  --nc N               nonce count of the authenticated request (default 1)

Prints name=value lines: challenge= (the first WWW-Authenticate), status=
(the authenticated request's), etag=, ctype=, retry_after=, www= (a 401's
WWW-Authenticate), body= (one line), then replay_status= with --replay.
"""
import base64
import hashlib
import http.client
import os
import ssl
import sys
import time
import urllib.parse


def md5(s):
    return hashlib.md5(s.encode() if isinstance(s, str) else s).hexdigest()


def params(h):
    assert h.startswith("Digest ")
    out = {}
    for part in h[7:].split(","):
        k, _, v = part.strip().partition("=")
        out[k.strip().lower()] = v.strip().strip('"')
    return out


def main():
    a = sys.argv[1:]
    url = a.pop(0)
    o = {"method": "GET", "headers": [], "nc": 1}
    while a:
        k = a.pop(0)
        if k in ("--password-bad", "--replay"):
            o[k[2:].replace("-", "_")] = True
        elif k == "--header":
            o["headers"].append(a.pop(0))
        else:
            o[k[2:].replace("-", "_")] = a.pop(0)
    u = urllib.parse.urlsplit(url)
    target = u.path + ("?" + u.query if u.query else "")
    ctx = ssl.create_default_context(cafile=o.get("ca"))
    body = None
    if "data" in o:
        body = sys.stdin.buffer.read() if o["data"] == "@-" else \
            open(o["data"], "rb").read()
    c = http.client.HTTPSConnection(u.hostname, u.port or 443, context=ctx,
                                    timeout=20)

    def send(auth):
        h = {}
        for x in o["headers"]:
            k, _, v = x.partition(":")
            h[k.strip()] = v.strip()
        if body is not None:
            h["Content-Type"] = o.get("ctype", "application/octet-stream")
        if auth:
            h["Authorization"] = auth
        c.request(o["method"], target, body=body, headers=h)
        r = c.getresponse()
        return r, r.read()

    r, _ = send(None)
    www = r.getheader("WWW-Authenticate", "")
    print("challenge_status=%d" % r.status)
    print("challenge=%s" % www)
    if "btid" not in o or r.status != 401:
        return
    if "stale_wait" in o:
        time.sleep(float(o["stale_wait"]))
    p = params(www)
    ks = bytes.fromhex(o["ks"])
    pw = base64.b64encode(ks).decode()
    if o.get("password_bad"):
        pw = "x" + pw[1:]
    nc = "%08x" % int(o["nc"])
    cnonce = os.urandom(8).hex()
    ha1 = md5("%s:%s:%s" % (o["btid"], p["realm"], pw))
    ha2 = md5("%s:%s" % (o["method"], target))
    resp = md5("%s:%s:%s:%s:auth:%s" % (ha1, p["nonce"], nc, cnonce, ha2))
    auth = ('Digest username="%s", realm="%s", nonce="%s", uri="%s", '
            'response="%s", algorithm=MD5, qop=auth, nc=%s, cnonce="%s"' %
            (o["btid"], p["realm"], p["nonce"], target, resp, nc, cnonce))
    r, b = send(auth)
    print("status=%d" % r.status)
    print("etag=%s" % (r.getheader("ETag") or ""))
    print("ctype=%s" % (r.getheader("Content-Type") or ""))
    print("retry_after=%s" % (r.getheader("Retry-After") or ""))
    print("www=%s" % (r.getheader("WWW-Authenticate") or ""))
    print("body=%s" % b.decode(errors="replace").replace("\n", " "))
    info = r.getheader("Authentication-Info")
    if info:
        i = {}
        for part in info.split(","):
            k, _, v = part.strip().partition("=")
            i[k.strip().lower()] = v.strip().strip('"')
        want = md5("%s:%s:%s:%s:auth:%s" % (ha1, p["nonce"], nc, cnonce,
                                           md5(":" + target)))
        print("rspauth_ok=%s" % ("yes" if i.get("rspauth") == want and
                                 i.get("cnonce") == cnonce and
                                 i.get("nc") == nc else "no"))
    if o.get("replay"):
        r, _ = send(auth)
        print("replay_status=%d" % r.status)
        print("replay_www=%s" % (r.getheader("WWW-Authenticate") or ""))


if __name__ == "__main__":
    main()
