#!/usr/bin/python3
"""flood.py - many REGISTERs over UDP, each its own transaction, and a count
of the final responses: nothing may go unanswered.

  flood.py --to IP:PORT --bind IP:PORT --users U1,U2,... --domain D
           [--count N] [--rate PER_S] [--wait S] [--print]

Sends COUNT (default: one per user) initial REGISTERs (no credentials, so
each costs the chain a UAR and a MAR), cycling through USERS, at RATE per
second, each with its own Call-ID and branch.  Like a UA (RFC 3261 17.1.2:
Timer E from T1 = 0.5 s doubling up to T2 = 4 s, Timer F = 32 s) it
retransmits a request until a final response arrives, so a datagram the
kernel dropped is not mistaken for a lost request.  It then waits up to
WAIT seconds (default 40) for the rest.

Prints "sent=N answered=N unanswered=N conflicting=N" and "status_NNN=N"
lines (conflicting: two different final statuses for one request); with
--print, one "USER STATUS RETRY_AFTER" line per request, in order.  Exits
0 when every request got exactly one final status.
"""
import argparse
import heapq
import random
import select
import socket
import sys
import time

T1, T2, TF = 0.5, 4.0, 32.0

ap = argparse.ArgumentParser()
ap.add_argument("--to", required=True)
ap.add_argument("--bind", required=True)
ap.add_argument("--users", required=True)
ap.add_argument("--domain", required=True)
ap.add_argument("--count", type=int, default=0)
ap.add_argument("--rate", type=float, default=100.0)
ap.add_argument("--wait", type=float, default=40.0)
ap.add_argument("--print", action="store_true")
args = ap.parse_args()

dip, dport = args.to.rsplit(":", 1)
dest = (dip, int(dport))
lip, lport = args.bind.rsplit(":", 1)
lport = int(lport)
users = args.users.split(",")
count = args.count or len(users)
tag = "%08x" % random.getrandbits(32)

sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
sock.bind((lip, lport))
sock.setblocking(False)


class Req:
    __slots__ = ("user", "data", "first", "interval", "status",
                 "retry_after")


reqs = {}
order = []


def make(i):
    user = users[i % len(users)]
    callid = "flood-%s-%d@%s" % (tag, i, lip)
    aor = "sip:%s@%s" % (user, args.domain)
    msg = ("REGISTER sip:%s SIP/2.0\r\n"
           "Via: SIP/2.0/UDP %s:%d;rport;branch=z9hG4bK%s%d\r\n"
           "Max-Forwards: 70\r\n"
           "From: <%s>;tag=%s%d\r\nTo: <%s>\r\n"
           "Call-ID: %s\r\nCSeq: 1 REGISTER\r\n"
           "Contact: <sip:%s@%s:%d>;expires=600\r\n"
           "Authorization: Digest username=\"%s@%s\",realm=\"%s\","
           "nonce=\"\",uri=\"sip:%s\",response=\"\"\r\n"
           "Expires: 600\r\nContent-Length: 0\r\n\r\n"
           % (args.domain, lip, lport, tag, i, aor, tag, i, aor, callid,
              user, lip, lport, user, args.domain, args.domain,
              args.domain))
    r = Req()
    r.user, r.data, r.status, r.retry_after = user, msg.encode(), 0, "-"
    return callid, r


conflicting = 0


def receive():
    global conflicting
    while True:
        try:
            data = sock.recv(65535)
        except BlockingIOError:
            return
        text = data.decode(errors="replace")
        head = text.split("\r\n\r\n", 1)[0].split("\r\n")
        try:
            status = int(head[0].split(" ", 2)[1])
        except (IndexError, ValueError):
            continue
        if status < 200:
            continue
        callid = retry = None
        for line in head[1:]:
            name, _, value = line.partition(":")
            name = name.strip().lower()
            if name in ("call-id", "i"):
                callid = value.strip()
            elif name == "retry-after":
                retry = value.strip().split(";")[0].split(" ")[0]
        r = reqs.get(callid)
        if r is None:
            continue
        if r.status == 0:
            r.status = status
            r.retry_after = retry or "-"
        elif r.status != status:
            conflicting += 1


timers = []		# (when, seq, callid): Timer E of each request


def retransmit(now):
    while timers and timers[0][0] <= now:
        _, seq, callid = heapq.heappop(timers)
        r = reqs[callid]
        if r.status or now - r.first >= TF:
            continue
        try:
            sock.sendto(r.data, dest)
        except BlockingIOError:
            pass
        r.interval = min(r.interval * 2, T2)
        heapq.heappush(timers, (now + r.interval, seq, callid))


start = time.monotonic()
sent = 0
while sent < count:
    now = time.monotonic()
    due = start + sent / args.rate
    if now >= due:
        callid, r = make(sent)
        r.first, r.interval = now, T1
        reqs[callid] = r
        order.append(callid)
        try:
            sock.sendto(r.data, dest)
        except BlockingIOError:
            pass
        heapq.heappush(timers, (now + T1, sent, callid))
        sent += 1
        continue
    select.select([sock], [], [], min(due - now, 0.01))
    receive()
    retransmit(time.monotonic())

end = time.monotonic() + args.wait
while time.monotonic() < end and any(r.status == 0 for r in reqs.values()):
    select.select([sock], [], [], 0.05)
    receive()
    retransmit(time.monotonic())
time.sleep(0.5)		# late duplicates, for the conflict count
receive()

answered = sum(1 for r in reqs.values() if r.status)
print("sent=%d answered=%d unanswered=%d conflicting=%d seconds=%.1f"
      % (sent, answered, sent - answered, conflicting,
         time.monotonic() - start))
hist = {}
for r in reqs.values():
    hist[r.status] = hist.get(r.status, 0) + 1
for s in sorted(hist):
    print("status_%03d=%d" % (s, hist[s]))
if args.print:
    for c in order:
        print("%s %d %s" % (reqs[c].user, reqs[c].status,
                            reqs[c].retry_after))
sys.exit(0 if answered == sent and conflicting == 0 else 1)
