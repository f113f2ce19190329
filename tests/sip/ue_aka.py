#!/usr/bin/python3
"""ue_aka.py - a minimal IMS AKA UE over UDP for what SIPp cannot do.

  ue_aka.py MODE SERVER_IP:PORT LOCAL_IP LOCAL_PORT USER DOMAIN K OP

MODE resync: the UE's SQN is ahead of the HSS's, so the first challenge
  fails the SQN check; the UE sends AUTS (RFC 3310 3.4, empty password),
  the S-CSCF resynchronises through MAR (RAND || AUTS) and challenges
  again; the second challenge is accepted and the REGISTER gets 200.
MODE v2: the UE asks for AKAv2-MD5 (RFC 4169) in its first REGISTER; the
  challenge must say AKAv2-MD5 and the v2 password (from RES, IK, CK) is
  accepted.
MODE reuse: after a registration, a re-REGISTER with the same nonce and
  a higher nc is accepted without a new challenge; replaying the same nc
  is refused (403: RFC 2617 3.2.2, a replay).
Crypto by `imsauth` (env IMSAUTH).  Prints one line per step, exits 0
when every step went as expected.
"""
import base64
import os
import random
import re
import socket
import subprocess
import sys

IMSAUTH = os.environ["IMSAUTH"]
mode, server, lip, lport, user, domain, K, OP = sys.argv[1:9]
sip, sport = server.rsplit(":", 1)
lport = int(lport)
impi = "%s@%s" % (user, domain)
impu = "sip:%s@%s" % (user, domain)
SQN_MS = "00000fff0000"		# far ahead of the HSS: forces a resync
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.bind((lip, lport))
sock.settimeout(5)
callid = "ue-aka-%d@%s" % (random.randint(0, 1 << 30), lip)
cseq = 0


def imsauth(*args):
    r = subprocess.run([IMSAUTH] + list(args), capture_output=True, text=True)
    return r.returncode, dict(l.split("=", 1) for l in r.stdout.split())


def register(authz):
    global cseq
    cseq += 1
    msg = ("REGISTER sip:%s SIP/2.0\r\n"
           "Via: SIP/2.0/UDP %s:%d;rport;branch=z9hG4bK%08x\r\n"
           "Max-Forwards: 70\r\n"
           "From: <%s>;tag=ueaka\r\nTo: <%s>\r\n"
           "Call-ID: %s\r\nCSeq: %d REGISTER\r\n"
           "Contact: <sip:%s@%s:%d>;expires=600\r\n"
           "Authorization: %s\r\nExpires: 600\r\nContent-Length: 0\r\n\r\n"
           % (domain, lip, lport, random.randint(0, 1 << 31), impu, impu,
              callid, cseq, user, lip, lport, authz))
    sock.sendto(msg.encode(), (sip, int(sport)))
    while True:
        data = sock.recv(65535).decode(errors="replace")
        status = int(data.split(" ", 2)[1])
        if status >= 200:
            return status, data


def nonce_of(resp):
    m = re.search(r'WWW-Authenticate:.*nonce="([^"]+)"', resp, re.I)
    return m.group(1) if m else None


def creds(nonce, res, nc, auts=None, alg="AKAv1-MD5", keys=()):
    _, out = imsauth("digest", "--algorithm", alg, "--username",
                     impi, "--realm", domain, "--method", "REGISTER",
                     "--uri", "sip:" + domain, "--nonce", nonce, "--res",
                     res, "--qop", "auth", "--nc", nc, "--cnonce", "c0ffee",
                     *keys)
    a = ('Digest username="%s", realm="%s", nonce="%s", uri="sip:%s", '
         'response="%s", algorithm=%s, qop=auth, nc=%s, '
         'cnonce="c0ffee"' % (impi, domain, nonce, domain,
                              out.get("response", ""), alg, nc))
    if auts:
        a += ', auts="%s"' % auts
    return a


def ue_check(nonce):
    raw = base64.b64decode(nonce)
    return imsauth("ue-check", "--k", K, "--op", OP, "--rand",
                   raw[:16].hex(), "--autn", raw[16:32].hex(),
                   "--sqn-ms", SQN_MS)


ok = True


def step(name, cond):
    global ok
    print(("ok   " if cond else "FAIL ") + name)
    ok = ok and cond


empty = ('Digest username="%s", realm="%s", nonce="", uri="sip:%s", '
         'response=""' % (impi, domain, domain))
if mode == "v2":
    empty += ", algorithm=AKAv2-MD5"
st, r = register(empty)
n1 = nonce_of(r)
step("first REGISTER challenged (401)", st == 401 and n1 is not None)
if mode == "resync":
    rc, out = ue_check(n1)
    step("UE rejects the SQN and makes AUTS", rc == 1 and "auts" in out)
    auts = base64.b64encode(bytes.fromhex(out.get("auts", "00"))).decode()
    st, r = register(creds(n1, "", "00000001", auts))
    n2 = nonce_of(r)
    step("AUTS answered with a new challenge (401)",
         st == 401 and n2 is not None and n2 != n1)
    rc, out = ue_check(n2) if n2 else (1, {})
    step("UE accepts the resynchronised challenge", rc == 0)
    st, r = register(creds(n2, out.get("res", ""), "00000001"))
    step("REGISTER after resync: 200", st == 200)
elif mode == "v2":
    step("the challenge says AKAv2-MD5",
         re.search(r"algorithm=AKAv2-MD5", r, re.I) is not None)
    SQN_MS = "000000000000"
    rc, out = ue_check(n1)
    step("UE accepts the challenge", rc == 0)
    st, r = register(creds(n1, out.get("res", ""), "00000001",
                           alg="AKAv2-MD5", keys=("--ck", out.get("ck", ""),
                                                  "--ik", out.get("ik", ""))))
    step("AKAv2-MD5 response accepted: 200", st == 200)
elif mode == "reuse":
    rc, out = ue_check(n1)
    if rc == 1:		# SQN_MS ahead: this UE model is stricter; retry low
        SQN_MS = "000000000000"
        rc, out = ue_check(n1)
    res = out.get("res", "")
    st, r = register(creds(n1, res, "00000001"))
    step("registered (200)", st == 200)
    st, r = register(creds(n1, res, "00000002"))
    step("re-REGISTER, same nonce, nc 2: 200 without a challenge",
         st == 200)
    st, r = register(creds(n1, res, "00000002"))
    step("replayed nc 2: refused (403)", st == 403)
else:
    step("known mode", False)
sys.exit(0 if ok else 1)
