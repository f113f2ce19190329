#!/usr/bin/python3
# malformed.py HOST PORT: sends broken SIP over UDP, prints the status line
# of the answer to a request with a malformed header (expect 400), after
# a datagram of pure garbage (expect nothing: no transaction to answer).
import socket
import sys

host, port = sys.argv[1], int(sys.argv[2])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(2)
s.bind(("0.0.0.0", 5999))
s.sendto(b"\x00\xffgarbage\r\n\r\n", (host, port))
s.sendto(b"REGISTER sip:ims.example.org SIP/2.0\r\n"
         b"Via: SIP/2.0/UDP 192.0.2.1:5999;rport;branch=z9hG4bKmal1\r\n"
         b"Max-Forwards: 70\r\n"
         b"From: <sip:x@ims.example.org>;tag=1\r\nTo: <sip:x@ims.example.org>\r\n"
         b"Call-ID: malformed-1\r\nCSeq: 1 REGISTER\r\n"
         b"Contact: <sip:x@192.0.2.1:5999\r\nExpires: soon\r\n"
         b"Content-Length: 0\r\n\r\n", (host, port))
try:
    data, _ = s.recvfrom(4000)
    print(data.decode(errors="replace").split("\r\n")[0])
except OSError as e:
    print("no answer:", e)
