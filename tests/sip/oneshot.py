#!/usr/bin/python3
# oneshot.py HOST PORT RURI: sends one in-dialog MESSAGE (To tag present)
# for RURI over UDP and prints the status line of the final answer, to
# check how a proxy treats a next hop given by name.
import random
import socket
import sys

host, port, ruri = sys.argv[1], int(sys.argv[2]), sys.argv[3]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(12)
s.bind(("0.0.0.0", 5998))
s.sendto(("MESSAGE %s SIP/2.0\r\n"
          "Via: SIP/2.0/UDP 192.0.2.1:5998;rport;branch=z9hG4bK%x\r\n"
          "Max-Forwards: 70\r\n"
          "From: <sip:a@ims.example.org>;tag=1\r\n"
          "To: <sip:b@ims.example.org>;tag=2\r\n"
          "Call-ID: oneshot-%x\r\nCSeq: 7 MESSAGE\r\n"
          "Content-Length: 0\r\n\r\n"
          % (ruri, random.getrandbits(48), random.getrandbits(48))).encode(), (host, port))
try:
    while True:
        line = s.recv(4000).decode(errors="replace").split("\r\n")[0]
        if int(line.split(" ", 2)[1]) >= 200:
            print(line)
            break
except OSError as e:
    print("no answer:", e)
