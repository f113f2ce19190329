#!/usr/bin/python3
"""overload.py - the P-CSCF's overload control seen from UEs (sipx_load.c,
RFC 3261 21.5.4).  With max-pending = N at the P-CSCF and the hss stopped
(SIGSTOP: every Cx request waits, so every REGISTER forwarded stays in
flight):

  1. alice is challenged (before the stop): 401.
  2. the hss stops; N new users' initial REGISTERs fill the bound (sent,
     no answer yet);
  3. one more new user's REGISTER gets 503 at once, with Retry-After;
  4. a REGISTER with made-up credentials (a response, but to no challenge
     this UE got): the P-CSCF counts it as new work (503); an I-CSCF
     takes the P-CSCF's word (admitted);
  5. alice's answer to her challenge is admitted (finishing work: up to
     2N): no 503;
  6. the hss continues: alice gets 200 with her Contact, the N users
     their 401s; the user refused in 3 is now admitted (401).

Prints one "NAME=VALUE" line per observation for the test to check.
Usage: overload.py --pcscf IP:PORT --ip IP --hss-pid PID --n N --k K --op OP
"""
import argparse
import os
import signal
import socket
import sys
import time

sys.path.insert(0, os.environ.get("SECDIR", os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "security")))
import aka_ue  # noqa: E402


def out(name, value):
    print("%s=%s" % (name, value), flush=True)


def status_within(ue, seconds):
    """The first final response within seconds, or None."""
    ue.sock.settimeout(seconds)
    end = time.time() + seconds
    while time.time() < end:
        try:
            r = aka_ue.Resp(ue._recv_one())
        except (socket.timeout, OSError, ValueError, IndexError):
            return None
        if r.status >= 200:
            return r
    return None


def send_within(ue, text, seconds):
    """Send a request; its final response within seconds, or None."""
    ue.sock.sendto(text.encode(), ue.dest)
    return status_within(ue, seconds)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pcscf", required=True)
    ap.add_argument("--ip", required=True)
    ap.add_argument("--hss-pid", type=int, required=True)
    ap.add_argument("--n", type=int, required=True)
    ap.add_argument("--k", required=True)
    ap.add_argument("--op", required=True)
    ap.add_argument("--domain", default="ims.example.org")
    a = ap.parse_args()

    def ue(user, port):
        return aka_ue.UE(bind="%s:%d" % (a.ip, port), dest=a.pcscf,
                         user=user, domain=a.domain, k=a.k, op=a.op)

    alice = ue("alice", 5301)
    r = alice.register()
    out("alice_first", r.status if r else "none")
    if r is None or r.status != 401:
        return 1
    challenge = r
    os.kill(a.hss_pid, signal.SIGSTOP)
    try:
        fill = [ue("u%d" % i, 5310 + i) for i in range(1, a.n + 1)]
        for u in fill:
            u.sock.sendto(u.request().encode(), u.dest)
        time.sleep(0.5)
        extra = ue("u%d" % (a.n + 1), 5309)
        r = send_within(extra, extra.request(), 1.0)
        out("extra_status", r.status if r else "none")
        out("extra_retry_after", (r.hdr("Retry-After") or "none")
            if r else "none")
        forged = ue("u%d" % (a.n + 2), 5308)
        fake = ('Digest username="%s", realm="%s", nonce="%s", '
                'uri="sip:%s", response="%s", algorithm=AKAv1-MD5, '
                'qop=auth, nc=00000001, cnonce="0a4f113b"' % (
                    forged.impi, a.domain, "A" * 44, a.domain, "0" * 32))
        r = send_within(forged, forged.request(auth=fake), 1.0)
        out("forged_status", r.status if r else "none")
        r = send_within(alice, alice.request(auth=alice.answer(challenge)),
                        1.0)
        out("alice_answer_while_stopped", r.status if r else "none")
    finally:
        os.kill(a.hss_pid, signal.SIGCONT)
    r = status_within(alice, 8.0)
    out("alice_final", r.status if r else "none")
    out("alice_contact", (r.hdr("Contact") or "none").replace(" ", "")
        if r else "none")
    got = [status_within(u, 8.0) for u in fill]
    out("fill_statuses", ",".join(str(x.status) if x else "none"
                                  for x in got))
    r = extra.register()
    out("extra_after", r.status if r else "none")
    return 0


if __name__ == "__main__":
    sys.exit(main())
