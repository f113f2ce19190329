#!/usr/bin/env python3
"""cx_tls_peer.py - a Diameter peer over TLS, for the attacks of
test_cx_tls.sh (RFC 6733 13.1: TLS from the first octet).

Usage: cx_tls_peer.py HOST PORT ORIGIN_HOST REALM LOCAL_IP SERVER_NAME
                      CA [CERT KEY]

Connects to HOST:PORT, handshakes TLS verifying the server's certificate
against CA for SERVER_NAME, presenting CERT/KEY when given (none
otherwise), sends a CER claiming ORIGIN_HOST and, on a CEA 2001, a MAR
for alice@REALM.  Prints name=value lines: tls=ok|failed, cea=RESULT or
cea=none (the connection closed, with alert= the TLS alert if one came),
then mar=RESULT when a MAR was answered.  Exit 0 when the CER was
accepted, 1 otherwise.
"""
import os
import socket
import ssl
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "topo"))
from cx_raw import CX, VENDOR, avp, msg, recv_msg, result, u32  # noqa: E402


def main():
    host, port, origin, realm, local_ip, server_name, ca = sys.argv[1:8]
    cert = sys.argv[8] if len(sys.argv) > 9 else None
    key = sys.argv[9] if len(sys.argv) > 9 else None
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_verify_locations(ca)
    if cert:
        ctx.load_cert_chain(cert, key)
    raw = socket.create_connection((host, int(port)), timeout=5)
    try:
        s = ctx.wrap_socket(raw, server_hostname=server_name)
    except (ssl.SSLError, OSError) as e:
        print("tls=failed")
        print("error=%s" % str(e).replace("\n", " "))
        return 1
    print("tls=ok")
    cer = msg(257, 0, [
        avp(264, origin), avp(296, realm),
        avp(257, b"\0\1" + socket.inet_aton(local_ip)),
        avp(266, u32(VENDOR)), avp(269, "cx_tls_peer", mandatory=False),
        avp(260, avp(266, u32(VENDOR)) + avp(258, u32(CX))),
    ], 1)
    try:
        s.sendall(cer)
        code, avps = recv_msg(s)
    except (ssl.SSLError, OSError, EOFError) as e:
        # TLS 1.3: the server judges our certificate after our side of the
        # handshake is done; its alert arrives on the first read.
        print("cea=none")
        print("alert=%s" % str(e).replace("\n", " "))
        return 1
    rc = result(avps) if code == 257 else None
    print("cea=%s" % rc)
    if rc != 2001:
        return 1
    mar = msg(303, CX, [
        avp(263, "%s;tls;1" % origin),
        avp(260, avp(266, u32(VENDOR)) + avp(258, u32(CX))),
        avp(277, u32(1)), avp(264, origin), avp(296, realm),
        avp(283, realm), avp(1, "alice@" + realm),
        avp(601, "sip:alice@" + realm, VENDOR),
        avp(612, avp(608, "Digest-AKAv1-MD5", VENDOR), VENDOR),
        avp(607, u32(1), VENDOR), avp(602, "sip:scscf." + realm, VENDOR),
    ], 2)
    try:
        s.sendall(mar)
        while True:
            code, avps = recv_msg(s)
            if code != 280:		# not a DWR
                break
        print("mar=%s" % result(avps))
    except (ssl.SSLError, OSError, EOFError) as e:
        print("mar=none")
        print("error=%s" % str(e).replace("\n", " "))
    s.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
