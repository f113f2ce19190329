#!/usr/bin/env python3
"""cx_raw.py - bad Cx requests sent byte by byte to the HSS.

Usage: cx_raw.py HOST PORT ORIGIN_HOST REALM LOCAL_IP

Speaks just enough Diameter (RFC 6733) to exchange CER/CEA, then sends
requests with missing or invalid AVPs and checks the HSS answers each with
the right error and keeps running.  Prints PASS:/FAIL: lines like the shell
tests; exit status 1 if anything failed.
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
    check("MAR with a NUL in User-Name is refused", result(a) not in (None, 2001))
    c, a = cx(303, [impi, avp(601, "sip:" + "x" * 3000, VENDOR), item])
    check("MAR with a 3000-byte Public-Identity is refused",
          result(a) not in (None, 2001))
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


if __name__ == "__main__":
    sys.exit(main())
