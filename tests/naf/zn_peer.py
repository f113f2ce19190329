#!/usr/bin/env python3
"""zn_peer.py - a stand-in BSF for the naf's Zn (TS 29.109 6), byte by byte.

Usage: zn_peer.py NAF_IP PORT ORIGIN_HOST REALM USERS_JSON LOG

Connects to the NAF as the project's bsf does (the NAF lists it in
diameter.accept), again whenever the connection is lost, and speaks just
enough Diameter (RFC 6733): CER advertising Zn (16777220, vendor 10415),
DWR/DWA, DPR/DPA, and answers the Bootstrapping-Info-Request.  USERS_JSON maps a B-TID to what the BIA
carries: {"ks": HEX(32 bytes), "impi": ..., "uids": [...], "lifetime": s,
"result": 2001 | 5401 | 5402 | 5403 | "silent"}; an unknown B-TID gets
5403 (DIAMETER_ERROR_TRANSACTION_IDENTIFIER_INVALID), "silent" no answer
(the naf's Zn timeout).  The file is read again for every request.  Each
BIR is logged to LOG as "bir btid=... naf_id=HEX".
"""
import json
import socket
import struct
import sys
import time

VENDOR = 10415
ZN = 16777220
NTP = 2208988800
GUSS_NS = "urn:3gpp:gba:GBAGUSSSchema-R9:2010-02"


def avp(code, data, vendor=0, mandatory=True):
    if isinstance(data, str):
        data = data.encode()
    flags = (0x40 if mandatory else 0) | (0x80 if vendor else 0)
    hlen = 12 if vendor else 8
    head = struct.pack("!II", code, (flags << 24) | (hlen + len(data)))
    if vendor:
        head += struct.pack("!I", vendor)
    return head + data + b"\0" * (-len(data) % 4)


def u32(v):
    return struct.pack("!I", v)


def parse_avps(data):
    out = []
    i = 0
    while i + 8 <= len(data):
        code, fl = struct.unpack("!II", data[i:i + 8])
        flags, length = fl >> 24, fl & 0xffffff
        hlen = 12 if flags & 0x80 else 8
        vendor = struct.unpack("!I", data[i + 8:i + 12])[0] if flags & 0x80 else 0
        out.append((code, vendor, data[i + hlen:i + length]))
        i += length + (-length % 4)
    return out


def find(avps, code, vendor=0):
    for c, v, d in avps:
        if c == code and v == vendor:
            return d
    return None


def recv_exact(s, n):
    b = b""
    while len(b) < n:
        chunk = s.recv(n - len(b))
        if not chunk:
            raise EOFError
        b += chunk
    return b


def recv_msg(s):
    head = recv_exact(s, 20)
    length = struct.unpack("!I", head[:4])[0] & 0xffffff
    body = recv_exact(s, length - 20)
    flags_code = struct.unpack("!I", head[4:8])[0]
    app, hbh, e2e = struct.unpack("!III", head[8:20])
    return flags_code >> 24, flags_code & 0xffffff, app, hbh, e2e, parse_avps(body)


def answer(code, app, hbh, e2e, avps):
    body = b"".join(avps)
    flags = 0x40 if app else 0    # base protocol answers: not proxiable
    return (struct.pack("!I", (1 << 24) | (20 + len(body))) +
            struct.pack("!I", (flags << 24) | code) +
            struct.pack("!III", app, hbh, e2e) + body)


def uss_xml(uids):
    u = "".join("<uid>%s</uid>" % x for x in uids)
    return ('<?xml version="1.0" encoding="UTF-8"?>'
            '<guss xmlns="%s"><bsfInfo/><ussList><uss id="1" type="1">'
            '<uids>%s</uids><flags/></uss></ussList></guss>' % (GUSS_NS, u))


def serve(conn, origin, realm, users_file, log):
    ident = [avp(264, origin), avp(296, realm)]
    try:
        while True:
            flags, code, app, hbh, e2e, avps = recv_msg(conn)
            if not flags & 0x80:
                continue
            if code == 280:
                conn.sendall(answer(280, 0, hbh, e2e, [avp(268, u32(2001))] + ident))
            elif code == 282:
                conn.sendall(answer(282, 0, hbh, e2e, [avp(268, u32(2001))] + ident))
                return
            elif code == 310 and app == ZN:
                btid = (find(avps, 401, VENDOR) or b"").decode()
                naf_id = find(avps, 402, VENDOR) or b""
                with open(log, "a") as f:
                    f.write("bir btid=%s naf_id=%s\n" % (btid, naf_id.hex()))
                with open(users_file) as f:
                    users = json.load(f)
                u = users.get(btid, {"result": 5403})
                res = u.get("result", 2001)
                if res == "silent":
                    continue
                base = [avp(263, find(avps, 263) or b"x"),
                        avp(260, avp(266, u32(VENDOR)) + avp(258, u32(ZN))),
                        avp(277, u32(1))] + ident
                if res != 2001:
                    base.append(avp(297, avp(266, u32(VENDOR)) + avp(298, u32(res))))
                    conn.sendall(answer(310, ZN, hbh, e2e, base))
                    continue
                now = int(time.time())
                base += [avp(268, u32(2001)), avp(1, u["impi"]),
                         avp(405, bytes.fromhex(u["ks"]), VENDOR),
                         avp(404, u32(now + u.get("lifetime", 3600) + NTP), VENDOR),
                         avp(408, u32(now + NTP), VENDOR),
                         avp(400, uss_xml(u.get("uids", [])), VENDOR)]
                conn.sendall(answer(310, ZN, hbh, e2e, base))
    except (EOFError, OSError):
        pass
    finally:
        conn.close()


def cer(conn, origin, realm):
    body = b"".join([avp(264, origin), avp(296, realm),
                     avp(257, b"\0\1" + socket.inet_aton(conn.getsockname()[0])),
                     avp(266, u32(VENDOR)), avp(269, "zn_peer", mandatory=False),
                     avp(265, u32(VENDOR)),
                     avp(260, avp(266, u32(VENDOR)) + avp(258, u32(ZN)))])
    conn.sendall(struct.pack("!I", (1 << 24) | (20 + len(body))) +
                 struct.pack("!I", (0x80 << 24) | 257) +
                 struct.pack("!III", 0, 1, 1) + body)
    flags, code, _, _, _, avps = recv_msg(conn)
    res = find(avps, 268)
    return code == 257 and res is not None and struct.unpack("!I", res)[0] == 2001


def main():
    ip, port, origin, realm, users_file, log = sys.argv[1:7]
    while True:
        try:
            conn = socket.create_connection((ip, int(port)), timeout=2)
            conn.settimeout(None)
            if cer(conn, origin, realm):
                with open(log, "a") as f:
                    f.write("connected\n")
                serve(conn, origin, realm, users_file, log)
            else:
                conn.close()
        except (OSError, EOFError):
            pass
        time.sleep(0.5)


if __name__ == "__main__":
    main()
