#!/usr/bin/python3
# stray.py HOST PORT TOPVIA METHOD: sends a 200 OK (CSeq METHOD) that
# matches no transaction to HOST:PORT over UDP, with TOPVIA as its top Via
# ("self" = HOST:PORT, the element's own sent-by) and, below it, a Via
# naming a socket of ours; prints "relayed" if the element sent the
# response on to that socket within 2 s, else "dropped" (RFC 3261 16.7
# step 10 and 18.1.2: only a 2xx to INVITE whose top Via is the element's
# own is relayed, to the next Via).
import socket
import sys

host, port, top, method = sys.argv[1], int(sys.argv[2]), sys.argv[3], \
    sys.argv[4]
if top == "self":
    top = "%s:%d" % (host, port)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.connect((host, port))
ip = s.getsockname()[0]
s.close()
lst = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
lst.bind((ip, 0))
lst.settimeout(2)
msg = ("SIP/2.0 200 OK\r\n"
       "Via: SIP/2.0/UDP %s;branch=z9hG4bKstray1\r\n"
       "Via: SIP/2.0/UDP %s:%d;branch=z9hG4bKstray0\r\n"
       "From: <sip:a@example.com>;tag=1\r\nTo: <sip:b@example.com>;tag=2\r\n"
       "Call-ID: stray-%s\r\nCSeq: 1 %s\r\nContent-Length: 0\r\n\r\n"
       % (top, ip, lst.getsockname()[1], method, method)).encode()
out = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
out.sendto(msg, (host, port))
try:
    data = lst.recv(65535)
    print("relayed" if data.startswith(b"SIP/2.0 200") else "other")
except socket.timeout:
    print("dropped")
