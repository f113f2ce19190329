#!/usr/bin/env python3
"""cx_raw.py - hand-made Cx messages, byte by byte.

Usage: cx_raw.py HOST PORT ORIGIN_HOST REALM LOCAL_IP
       cx_raw.py cer HOST PORT ORIGIN_HOST REALM LOCAL_IP
       cx_raw.py send HOST PORT ORIGIN_HOST REALM LOCAL_IP CMD [NAME=VALUE...]

Speaks just enough Diameter (RFC 6733) to exchange CER/CEA.  The first
form sends requests with missing or invalid AVPs and checks the HSS
answers each with the right error and keeps running (PASS:/FAIL: lines like
the shell tests; exit status 1 if anything failed).

The other two play a rogue peer and print name=value lines: "cer" sends a
CER claiming ORIGIN_HOST (connect=refused|closed|ok, cea=RESULT); "send"
does the CER, then one request CMD (uar, sar, lir, mar, rtr, ppr) built
from NAME=VALUE (origin-host: a forged Origin-Host, dest-host, user-name,
impu, server-name, type, udaa, reason, user-data) and prints result=,
error_message=, items= (SIP-Auth-Data-Items) and user_data= of the answer.
"""
import socket
import struct
import sys

VENDOR = 10415
CX = 16777216
failed = 0


def avp(code, data, vendor=0, mandatory=True):
    if isinstance(data, str):
        data = data.encode()
    flags = (0x40 if mandatory else 0) | (0x80 if vendor else 0)
    hlen = 12 if vendor else 8
    head = struct.pack("!I", code) + struct.pack("!I", (flags << 24) |
                                                  (hlen + len(data)))
    if vendor:
        head += struct.pack("!I", vendor)
    return head + data + b"\0" * (-len(data) % 4)


def u32(v):
    return struct.pack("!I", v)


def msg(code, app, avps, hbh, request=True):
    body = b"".join(avps)
    flags = (0x80 if request else 0) | 0x40
    return (struct.pack("!I", (1 << 24) | (20 + len(body))) +
            struct.pack("!I", (flags << 24) | code) +
            struct.pack("!III", app, hbh, hbh) + body)


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


def recv_msg(s):
    head = b""
    while len(head) < 20:
        chunk = s.recv(20 - len(head))
        if not chunk:
            raise EOFError("connection closed")
        head += chunk
    length = struct.unpack("!I", head[:4])[0] & 0xffffff
    body = b""
    while len(body) < length - 20:
        chunk = s.recv(length - 20 - len(body))
        if not chunk:
            raise EOFError("connection closed")
        body += chunk
    code = struct.unpack("!I", head[4:8])[0] & 0xffffff
    return code, parse_avps(body)


def result(avps):
    for code, vendor, data in avps:
        if code == 268 and vendor == 0:
            return struct.unpack("!I", data)[0]
        if code == 297:
            for c, _, d in parse_avps(data):
                if c == 298:
                    return struct.unpack("!I", d)[0]
    return None


def check(desc, ok):
    global failed
    print(("PASS: " if ok else "FAIL: ") + desc)
    if not ok:
        failed += 1


def connect(host, port, origin, realm, local_ip):
    s = socket.create_connection((host, port), timeout=5)
    cer = msg(257, 0, [
        avp(264, origin), avp(296, realm),
        avp(257, b"\0\1" + socket.inet_aton(local_ip)),
        avp(266, u32(VENDOR)), avp(269, "cx_raw", mandatory=False),
        avp(260, avp(266, u32(VENDOR)) + avp(258, u32(CX))),
    ], 1)
    s.sendall(cer)
    code, avps = recv_msg(s)
    return s, code, avps


def main():
    host, port, origin, realm, local_ip = sys.argv[1:6]
    port = int(port)
    s, code, avps = connect(host, port, origin, realm, local_ip)
    check("CEA received", code == 257 and result(avps) == 2001)
    vsai = [parse_avps(d) for c, _, d in avps if c == 260]
    check("CEA advertises Cx in Vendor-Specific-Application-Id",
          any((258, 0, u32(CX)) in g and (266, 0, u32(VENDOR)) in g
              for g in vsai))

    hbh = [100]

    def cx(code, extra):
        hbh[0] += 1
        base = [avp(263, "%s;raw;%d" % (origin, hbh[0])),
                avp(260, avp(266, u32(VENDOR)) + avp(258, u32(CX))),
                avp(277, u32(1)), avp(264, origin), avp(296, realm),
                avp(283, realm)]
        s.sendall(msg(code, CX, base + extra, hbh[0]))
        while True:
            c, a = recv_msg(s)
            if c == 280:        # DWR from the peer: answer it
                s.sendall(msg(280, 0, [avp(268, u32(2001)), avp(264, origin),
                                       avp(296, realm)], 0, request=False))
                continue
            return c, a

    impu = avp(601, "sip:alice@" + realm, VENDOR)
    impi = avp(1, "alice@" + realm)
    item = avp(612, avp(608, "Digest-AKAv1-MD5", VENDOR), VENDOR)
    srv = avp(602, "sip:scscf." + realm, VENDOR)

    c, a = cx(303, [impu, item, avp(607, u32(1), VENDOR), srv])
    check("MAR without User-Name: 5005", c == 303 and result(a) == 5005)
    check("... with a Failed-AVP", any(x[0] == 279 for x in a))
    c, a = cx(300, [impi, impu])
    check("UAR without Visited-Network-Identifier: 5005", result(a) == 5005)
    c, a = cx(300, [impi, impu, avp(600, realm, VENDOR), avp(623, u32(7), VENDOR)])
    check("UAR with User-Authorization-Type 7: 5004", result(a) == 5004)
    c, a = cx(301, [impi, impu, srv])
    check("SAR without Server-Assignment-Type: 5005", result(a) == 5005)
    c, a = cx(302, [])
    check("LIR without Public-Identity: 5005", result(a) == 5005)
    bad_item = avp(612, avp(608, "Digest-AKAv1-MD5", VENDOR) +
                   avp(610, b"\1" * 10, VENDOR), VENDOR)
    c, a = cx(303, [impi, impu, bad_item, avp(607, u32(1), VENDOR), srv])
    check("MAR with a 10-byte SIP-Authorization: 5014", result(a) == 5014)
    check("... and no vector", not any(x[0] == 612 for x in a))
    c, a = cx(303, [avp(1, b"alice\0@" + realm.encode()), impu, item])
    check("MAR with a NUL in User-Name: 5004 DIAMETER_INVALID_AVP_VALUE",
          result(a) == 5004)
    c, a = cx(303, [impi, avp(601, "sip:" + "x" * 3000, VENDOR), item])
    check("MAR with a 3000-byte Public-Identity: 5014 (not taken as absent)",
          result(a) == 5014)
    long_item = avp(612, avp(608, "Digest-AKAv1-MD5" + "x" * 100, VENDOR),
                    VENDOR)
    c, a = cx(303, [impi, impu, long_item, avp(607, u32(1), VENDOR), srv])
    check("MAR with a 116-byte SIP-Authentication-Scheme: 5006, no vector",
          result(a) == 5006 and not any(x[0] == 612 for x in a))
    c, a = cx(301, [avp(1, "a" * 300), impu, srv, avp(614, u32(1), VENDOR),
                    avp(624, u32(0), VENDOR)])
    check("SAR with a 300-byte User-Name: 5014 (not taken as absent)",
          result(a) == 5014)
    c, a = cx(303, [impi, impu, avp(607, u32(1000000), VENDOR), item, srv])
    n = sum(1 for x in a if x[0] == 612)
    check("MAR asking 10^6 vectors gets a bounded number (%d)" % n,
          result(a) == 2001 and 1 <= n <= 8)

    c, a = cx(399, [impi])
    check("unknown Cx command 399: 3001 DIAMETER_COMMAND_UNSUPPORTED",
          result(a) == 3001)
    c, a = cx(306, [impi])
    check("command 306 (not a Cx request): error answer",
          result(a) is not None and result(a) != 2001)

    # A message whose AVP length runs past the end: freeDiameter drops the
    # connection or answers an error; the HSS must stay up.
    body = avp(263, "%s;raw;bad" % origin)[:-4] + b"\0\0\0\x30\x40\xff\xff\xff"
    s.sendall(struct.pack("!I", (1 << 24) | (20 + len(body))) +
              struct.pack("!I", (0xc0 << 24) | 303) +
              struct.pack("!III", CX, 999, 999) + body)
    try:
        s.settimeout(3)
        recv_msg(s)
    except Exception:
        pass
    s.close()
    s2, code, avps = connect(host, port, origin.replace("raw", "raw2"),
                             realm, local_ip)
    check("HSS still answers a CER after a malformed message",
          code == 257 and result(avps) == 2001)
    s2.close()
    return 1 if failed else 0


def rogue_cer(host, port, origin, realm, local_ip):
    try:
        s, code, avps = connect(host, int(port), origin, realm, local_ip)
    except ConnectionRefusedError:
        print("connect=refused")
        return None
    except (EOFError, OSError):
        print("connect=closed")
        return None
    print("connect=ok")
    print("cea=%s" % result(avps))
    return s if code == 257 and result(avps) == 2001 else None


CMDS = {"uar": 300, "sar": 301, "lir": 302, "mar": 303, "rtr": 304,
        "ppr": 305}


def rogue_send(host, port, origin, realm, local_ip, cmd, args):
    kv = dict(a.split("=", 1) for a in args)
    s = rogue_cer(host, port, origin, realm, local_ip)
    if s is None:
        return 0
    code = CMDS[cmd]
    avps = [avp(263, "%s;rogue;1" % origin),
            avp(260, avp(266, u32(VENDOR)) + avp(258, u32(CX))),
            avp(277, u32(1)), avp(264, kv.get("origin-host", origin)),
            avp(296, realm)]
    if "dest-host" in kv:
        avps.append(avp(293, kv["dest-host"]))
    avps.append(avp(283, kv.get("dest-realm", realm)))
    if "user-name" in kv:
        avps.append(avp(1, kv["user-name"]))
    if "impu" in kv:
        avps.append(avp(601, kv["impu"], VENDOR))
    if cmd == "uar":
        avps.append(avp(600, realm, VENDOR))
        avps.append(avp(623, u32(int(kv.get("type", "0"))), VENDOR))
    if cmd == "mar":
        avps.append(avp(612, avp(608, "Digest-AKAv1-MD5", VENDOR), VENDOR))
        avps.append(avp(607, u32(1), VENDOR))
    if "server-name" in kv:
        avps.append(avp(602, kv["server-name"], VENDOR))
    if cmd == "sar":
        avps.append(avp(614, u32(int(kv.get("type", "1"))), VENDOR))
        avps.append(avp(624, u32(int(kv.get("udaa", "0"))), VENDOR))
    if cmd == "rtr":
        avps.append(avp(615, avp(616, u32(int(kv.get("reason", "0"))),
                                 VENDOR), VENDOR))
    if cmd == "ppr":
        avps.append(avp(606, kv.get("user-data", "<IMSSubscription/>"),
                        VENDOR))
    s.sendall(msg(code, CX, avps, 4242))
    s.settimeout(8)
    try:
        while True:
            c, a = recv_msg(s)
            if c == 280:
                s.sendall(msg(280, 0, [avp(268, u32(2001)), avp(264, origin),
                                       avp(296, realm)], 0, request=False))
                continue
            break
    except (EOFError, OSError):
        print("answer=none")
        return 0
    print("cmd=%d" % c)
    print("result=%s" % result(a))
    for c2, v, d in a:
        if c2 == 281 and v == 0:
            print("error_message=%s" % d.decode(errors="replace"))
        if c2 == 606 and v == VENDOR:
            print("user_data=%s" % d.decode(errors="replace"))
    print("items=%d" % sum(1 for x in a if x[0] == 612))
    print("results=%d" % sum(1 for x in a if x[0] in (268, 297) and
                             x[1] == 0))
    s.close()
    return 0


if __name__ == "__main__":
    if sys.argv[1] == "cer":
        rogue_cer(*sys.argv[2:7])
        sys.exit(0)
    if sys.argv[1] == "send":
        sys.exit(rogue_send(*sys.argv[2:8], sys.argv[8:]))
    sys.exit(main())
