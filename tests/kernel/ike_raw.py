#!/usr/bin/python3
"""ike_raw.py - a raw IKEv2 (RFC 7296) sender for the seg's refusal tests
(test_seg_refuse.sh): hand-built IKE_SA_INIT requests, junk, floods, and
the resend of a captured request.  Python stdlib only.

  ike_raw.py init SRC DST [--prop P] [--ke G] [--no-ke] [--twice]
                          [--follow-cookie]
      one IKE_SA_INIT request; prints "spi SPI" and the answer's summary
  ike_raw.py junk SRC DST KIND      KIND: short, hdronly, badlen, chain,
                                    random; prints the answer or "noanswer"
  ike_raw.py flood SRC DST N        N IKE_SA_INIT requests with random SPIs;
                                    prints "sent N answers A cookie C full F"
  ike_raw.py resend SRC DST PCAP    the first IKE_AUTH request to DST's port
                                    500 found in PCAP (Ethernet, IPv4), sent
                                    again as it was

SRC and DST are IPv4 addresses; requests go to DST port 500 from an
ephemeral port of SRC.  An answer summary is one line:
  answer exch=34 flags=0x20 spir=... payloads=SA,KE,NONCE notify=NAME:HEX...
P is ENCR-INTEG-DH as "aes128-sha256-modp2048" (PRF follows INTEG);
a MODP KE value is 2 (1 < y < p-1), an ECP-256 one the generator (RFC 5903).
"""
import os
import socket
import struct
import sys
import time

IKE_SA_INIT, IKE_AUTH = 34, 35
PL_SA, PL_KE, PL_NONCE, PL_NOTIFY, PL_SK = 33, 34, 40, 41, 46
PL_NAMES = {33: "SA", 34: "KE", 35: "IDi", 36: "IDr", 37: "CERT",
            38: "CERTREQ", 39: "AUTH", 40: "NONCE", 41: "N", 42: "D",
            44: "TSi", 45: "TSr", 46: "SK"}
NOTIFY = {1: "UNSUPPORTED_CRITICAL_PAYLOAD", 4: "INVALID_IKE_SPI",
          5: "INVALID_MAJOR_VERSION", 7: "INVALID_SYNTAX",
          9: "INVALID_MESSAGE_ID", 14: "NO_PROPOSAL_CHOSEN",
          17: "INVALID_KE_PAYLOAD", 24: "AUTHENTICATION_FAILED",
          38: "TS_UNACCEPTABLE", 16390: "COOKIE"}
COOKIE = 16390
ENCR = {"aes128": (12, 128), "aes192": (12, 192), "aes256": (12, 256)}
INTEG = {"sha256": (12, 5), "sha384": (13, 6), "sha512": (14, 7)}  # (integ, prf)
DH = {"modp2048": 14, "modp3072": 15, "ecp256": 19, "ecp384": 20}
P256_G = bytes.fromhex(
    "6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296"
    "4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5")


def ke_value(group):
    if group == 19:
        return P256_G
    size = {14: 256, 15: 384}.get(group, 256)
    return b"\0" * (size - 1) + b"\x02"


def transform(last, ttype, tid, keylen=None):
    attr = struct.pack("!HH", 0x800E, keylen) if keylen else b""
    return struct.pack("!BBHBBH", 0 if last else 3, 0, 8 + len(attr), ttype,
                       0, tid) + attr


def sa_body(prop):
    e, i, d = prop.split("-")
    encr, bits = ENCR[e]
    integ, prf = INTEG[i]
    trs = [(1, encr, bits), (2, prf, None), (3, integ, None), (4, DH[d], None)]
    body = b"".join(transform(n == len(trs) - 1, t, tid, kl)
                    for n, (t, tid, kl) in enumerate(trs))
    return struct.pack("!BBHBBBB", 0, 0, 8 + len(body), 1, 1, 0,
                       len(trs)) + body


def message(spi_i, exch, flags, msgid, payloads):
    """payloads: [(type, body)]; the chain and header around them."""
    out = b""
    for n, (_, body) in enumerate(payloads):
        nxt = payloads[n + 1][0] if n + 1 < len(payloads) else 0
        out += struct.pack("!BBH", nxt, 0, 4 + len(body)) + body
    first = payloads[0][0] if payloads else 0
    return struct.pack("!QQBBBBII", spi_i, 0, first, 0x20, exch, flags,
                       msgid, 28 + len(out)) + out


def init_request(prop, ke_group, spi=None, cookie=None, with_ke=True,
                 nonce=None):
    spi = spi if spi is not None else struct.unpack("!Q", os.urandom(8))[0]
    pls = []
    if cookie is not None:
        pls.append((PL_NOTIFY, struct.pack("!BBH", 0, 0, COOKIE) + cookie))
    pls.append((PL_SA, sa_body(prop)))
    if with_ke:
        pls.append((PL_KE, struct.pack("!HH", ke_group, 0) +
                    ke_value(ke_group)))
    pls.append((PL_NONCE, nonce or os.urandom(32)))
    return spi, message(spi, IKE_SA_INIT, 0x08, 0, pls)


def parse(buf):
    """(header tuple, [(type, body)]) or None when it does not parse."""
    if len(buf) < 28:
        return None
    h = struct.unpack("!QQBBBBII", buf[:28])
    nxt, off, pls = h[2], 28, []
    while nxt != 0:
        if off + 4 > len(buf):
            return None
        n2, _, ln = struct.unpack("!BBH", buf[off:off + 4])
        if ln < 4 or off + ln > len(buf):
            return None
        pls.append((nxt, buf[off + 4:off + ln]))
        if nxt == PL_SK:	# 3.14: its Next Payload is the inner first
            break
        nxt, off = n2, off + ln
    return h, pls


def summary(buf):
    p = parse(buf)
    if p is None:
        return "answer unparsable len=%d" % len(buf)
    h, pls = p
    names, notes = [], []
    for t, body in pls:
        names.append(PL_NAMES.get(t, str(t)))
        if t == PL_NOTIFY and len(body) >= 4:
            ntype = struct.unpack("!H", body[2:4])[0]
            data = body[4 + body[1]:]
            notes.append("notify=%s:%s" % (NOTIFY.get(ntype, str(ntype)),
                                           data.hex()))
    return "answer exch=%d flags=0x%02x spir=%016x payloads=%s %s" % (
        h[4], h[5], h[1], ",".join(names), " ".join(notes))


def sock(src):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((src, 0))
    return s


def ask(s, dst, msg, timeout=3.0):
    s.sendto(msg, (dst, 500))
    s.settimeout(timeout)
    try:
        return s.recvfrom(65535)[0]
    except socket.timeout:
        return None


def cookie_of(buf):
    p = parse(buf)
    if p is None:
        return None
    for t, body in p[1]:
        if t == PL_NOTIFY and len(body) >= 4 and \
                struct.unpack("!H", body[2:4])[0] == COOKIE:
            return body[4 + body[1]:]
    return None


def cmd_init(src, dst, args):
    prop, ke, with_ke = "aes128-sha256-modp2048", None, True
    twice = follow = False
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--prop":
            prop, i = args[i + 1], i + 1
        elif a == "--ke":
            ke, i = int(args[i + 1]), i + 1
        elif a == "--no-ke":
            with_ke = False
        elif a == "--twice":
            twice = True
        elif a == "--follow-cookie":
            follow = True
        else:
            sys.exit("ike_raw: unknown option " + a)
        i += 1
    ke = ke if ke is not None else DH[prop.split("-")[2]]
    nonce = os.urandom(32)
    spi, msg = init_request(prop, ke, with_ke=with_ke, nonce=nonce)
    print("spi %016x" % spi)
    s = sock(src)
    r = ask(s, dst, msg)
    if follow and r is not None and cookie_of(r) is not None:
        print("cookie " + summary(r))
        _, msg = init_request(prop, ke, spi=spi, cookie=cookie_of(r),
                              with_ke=with_ke, nonce=nonce)
        r = ask(s, dst, msg)
    print(summary(r) if r is not None else "noanswer")
    if twice:
        r2 = ask(s, dst, msg)
        print("again " + (summary(r2) if r2 is not None else "noanswer"))
        print("same-answer " + ("yes" if r2 == r and r else "no"))


def cmd_junk(src, dst, kind):
    _, good = init_request("aes128-sha256-modp2048", 14)
    if kind == "short":		# shorter than the header
        msg = good[:20]
    elif kind == "hdronly":	# header says more than was sent
        msg = good[:28]
    elif kind == "badlen":	# header Length beyond the datagram
        msg = good[:24] + struct.pack("!I", len(good) + 100) + good[28:]
    elif kind == "chain":	# first payload length past the end
        msg = good[:30] + struct.pack("!H", 0xFFF0) + good[32:]
    elif kind == "random":
        msg = os.urandom(300)
    else:
        sys.exit("ike_raw: unknown junk " + kind)
    r = ask(sock(src), dst, msg, timeout=2.0)
    print(summary(r) if r is not None else "noanswer")


def cmd_flood(src, dst, n):
    s = sock(src)
    for _ in range(n):
        _, msg = init_request("aes128-sha256-modp2048", 14)
        s.sendto(msg, (dst, 500))
        time.sleep(0.005)
    answers = cookie = full = 0
    s.settimeout(3.0)
    while True:
        try:
            buf = s.recvfrom(65535)[0]
        except socket.timeout:
            break
        answers += 1
        p = parse(buf)
        if p is None:
            continue
        types = [t for t, _ in p[1]]
        if types == [PL_NOTIFY] and cookie_of(buf) is not None:
            cookie += 1
        elif PL_SA in types:
            full += 1
    print("sent %d answers %d cookie %d full %d" % (n, answers, cookie, full))


def pcap_udp(path):
    """(src, dst, sport, dport, payload) of IPv4 UDP in an Ethernet pcap."""
    with open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack("<I", data[:4])[0]
    end = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    off = 24
    while off + 16 <= len(data):
        incl = struct.unpack(end + "I", data[off + 8:off + 12])[0]
        pkt = data[off + 16:off + 16 + incl]
        off += 16 + incl
        if len(pkt) < 42 or pkt[12:14] != b"\x08\x00":
            continue
        ip = pkt[14:]
        ihl = (ip[0] & 15) * 4
        if ip[9] != 17:
            continue
        udp = ip[ihl:]
        sport, dport, ulen = struct.unpack("!HHH", udp[:6])
        yield (socket.inet_ntoa(ip[12:16]), socket.inet_ntoa(ip[16:20]),
               sport, dport, udp[8:ulen])


def cmd_resend(src, dst, pcap):
    for _, d, _, dport, payload in pcap_udp(pcap):
        p = parse(payload)
        if d == dst and dport == 500 and p is not None and \
                p[0][4] == IKE_AUTH and not p[0][5] & 0x20:
            r = ask(sock(src), dst, payload, timeout=2.0)
            print("resent IKE_AUTH spi %016x/%016x msgid %d len %d" % (
                p[0][0], p[0][1], p[0][6], len(payload)))
            print(summary(r) if r is not None else "noanswer")
            return
    sys.exit("ike_raw: no IKE_AUTH request to %s in %s" % (dst, pcap))


def main():
    a = sys.argv[1:]
    if len(a) >= 3 and a[0] == "init":
        cmd_init(a[1], a[2], a[3:])
    elif len(a) == 4 and a[0] == "junk":
        cmd_junk(a[1], a[2], a[3])
    elif len(a) == 4 and a[0] == "flood":
        cmd_flood(a[1], a[2], int(a[3]))
    elif len(a) == 4 and a[0] == "resend":
        cmd_resend(a[1], a[2], a[3])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
