#!/usr/bin/python3
# torture.py - sends RFC 4475 torture messages (tests/sip/rfc4475/NAME.msg)
# to a SIP element and prints what came back, one line per message:
#
#   NAME STATUS REASON-PHRASE [where] [also=CODE,...]
#   NAME none [closed|open]
#
#   torture.py [-t SECONDS] [--raw] [--print] [--ruri HOST:PORT] [--dir DIR]
#              [--show HEADER] HOST PORT udp|tcp NAME... | all
#
# --show appends "HEADER=value" (the first such header of the first final
# response, "HEADER=" when it has none) to each answered line.
# --print writes the messages as they would be sent (our port shown as
# 5999) instead of sending them.
#
# Each message goes out on a fresh socket (UDP: one datagram; TCP: one new
# connection), so every answer on that socket belongs to it, but for one
# whose Call-ID is none of the message's: a response retransmitted to an
# earlier request that used the same port (an INVITE's final response
# comes again until an ACK, for 32 s; the six runs of test_torture.sh
# share the UE's ports) is not counted.  The first
# final (>= 200) response is printed; 1xx are ignored; nothing within the
# timeout (default 3 s, no retransmission) is "none".  Over TCP, [where] is
# "same-connection" (RFC 3261 18.2.2: the response MUST use the connection
# the request came on) or "new-connection" (the element connected back to
# our Via sent-by) or "udp"; "none" says whether the element closed the
# connection.  Over UDP, [where] is printed only when the answer did not
# come back as a UDP datagram to our Via address.  "also=" lists further
# final responses (dblreq over TCP carries a second request).
#
# Rewriting (not with --raw), because the messages name example.com hosts
# that the test network does not have:
#  - the Request-URI host[:port] of a sip:/sips: Request-URI becomes
#    --ruri (default HOST:PORT); its user part, parameters, headers,
#    brackets and spacing, and any other scheme, stay as they are;
#  - the top Via's transport and sent-by become this sender's transport,
#    address and port (RFC 3261 18.2.2 sends responses to the top Via: with
#    the example.com / 192.0.2.x sent-by of the RFC the answer would not
#    come back here).  Version, spacing, folding, parameters and the other
#    Via values stay.
# Only the start line and the top Via change, never a body, so no
# Content-Length needs fixing; the script checks that the body is intact.
# Responses in the corpus (unreason, noreason, scalarlg, bigcode, bcast)
# are sent unchanged: an element must drop them, and "none" is expected.
#
# The .msg files start with '#' comment lines (LF-terminated); the message
# is everything after them.  Python 3 standard library only; exit 0.
import argparse
import os
import errno
import re
import select
import socket
import sys
import time

CORPUS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "rfc4475")


def section(directory, name):
    """The RFC 4475 section a .msg file names in its first line."""
    with open(os.path.join(directory, name + ".msg"), "rb") as f:
        m = re.search(rb"section ([0-9.]+)", f.readline())
    return tuple(int(x) for x in m.group(1).split(b".")) if m else (99,)


def load(directory, name):
    with open(os.path.join(directory, name + ".msg"), "rb") as f:
        data = f.read()
    while data.startswith(b"#"):
        nl = data.find(b"\n")
        if nl < 0:
            return b""
        data = data[nl + 1:]
    return data


def split_head(msg):
    i = msg.find(b"\r\n\r\n")
    if i < 0:
        return msg, b""
    return msg[:i + 2], msg[i + 2:]


def is_response(msg):
    return msg.startswith(b"SIP/")


def rewrite_ruri(msg, hostport):
    eol = msg.find(b"\r\n")
    if eol < 0:
        return msg
    line = msg[:eol]
    m = re.match(rb"[^ \t]+[ \t]+<?", line)
    if m is None:
        return msg
    start = m.end()
    if not re.match(rb"(?i)sips?:", line[start:]):
        return msg          # unknown or atypical scheme: that is the torture
    vpos = line.rfind(b"SIP/")
    end = vpos if vpos > start else len(line)
    colon = line.index(b":", start)
    at = line.rfind(b"@", start, end)
    h = at + 1 if at >= 0 else colon + 1
    hm = re.match(rb"(\[[^\]]*\]|[^;?<> \t:]*)(:[0-9]*)?", line[h:end])
    new = line[:h] + hostport.encode() + line[h + hm.end():]
    return new + msg[eol:]


VIA_HDR = re.compile(rb"(?im)^(?:via|v)[ \t]*:")
VIA_SENT = re.compile(
    rb"(SIP\s*/\s*[^\s/]+\s*/\s*)([A-Za-z0-9.!%*_+`'~-]+)(\s+)"
    rb"(\[[^\]]*\]|[^\s;,:]+)(\s*:\s*[0-9]+)?")


def rewrite_via(msg, transport, host, port):
    head, body = split_head(msg)
    m = VIA_HDR.search(head)
    if m is None:
        return msg
    v = VIA_SENT.match(head, re.match(rb"\s*", head[m.end():]).end() +
                       m.end())
    if v is None:
        return msg
    new = (head[:v.start(2)] + transport.upper().encode() + v.group(3) +
           host.encode() + b":" + str(port).encode() + head[v.end():])
    return new + body


def header_value(data, name):
    head = data.split(b"\r\n\r\n", 1)[0]
    for line in head.split(b"\r\n")[1:]:
        k, sep, v = line.partition(b":")
        if sep and k.strip().lower() == name.lower().encode():
            return v.strip().decode("utf-8", "replace")
    return ""


CALL_ID = re.compile(
    rb"(?im)^(?:call-id|i)[ \t]*:[ \t]*([^\r\n]*(?:\r\n[ \t]+[^\r\n]*)*)")


def call_ids(data):
    """The Call-ID values (compact form too) in data, white space removed."""
    return {re.sub(rb"\s+", b"", m.group(1)) for m in CALL_ID.finditer(data)}


def parse_status(data):
    """(code, reason) of a response's status line, or None."""
    line = data.split(b"\r\n", 1)[0]
    m = re.match(rb"SIP/[^ ]+ ([0-9]+) ?(.*)", line)
    if m is None:
        return None
    return int(m.group(1)), m.group(2).decode("utf-8", "replace")


def stream_responses(buf):
    """Split complete messages off a TCP byte stream; (list, rest)."""
    out = []
    while True:
        while buf.startswith(b"\r\n"):
            buf = buf[2:]
        i = buf.find(b"\r\n\r\n")
        if i < 0:
            return out, buf
        head = buf[:i]
        m = re.search(rb"(?im)^(?:content-length|l)[ \t]*:[ \t]*([0-9]+)",
                      head)
        n = int(m.group(1)) if m else 0
        if len(buf) < i + 4 + n:
            return out, buf
        out.append(buf[:i + 4 + n])
        buf = buf[i + 4 + n:]


def local_ip(host, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.connect((host, port))
        return s.getsockname()[0]
    finally:
        s.close()


def reuse(s):
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)


def prepare(args, msg, ip, port):
    if args.raw or is_response(msg):
        return msg
    body = split_head(msg)[1]
    msg = rewrite_ruri(msg, args.ruri)
    msg = rewrite_via(msg, args.transport, ip, port)
    assert split_head(msg)[1] == body
    return msg


def send_one(args, name, msg):
    ip = local_ip(args.host, args.port)
    if args.print:
        sys.stdout.buffer.write(prepare(args, msg, ip, 5999))
        sys.stdout.flush()
        return
    # A UDP socket and a TCP listener on the same port as the request's
    # own socket catch answers that come back another way.  A port whose
    # connection to the element is still in TIME_WAIT from an earlier
    # message cannot connect again (EADDRNOTAVAIL): another port then.
    for _ in range(8):
        udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        reuse(udp)
        udp.bind((ip, 0))
        port = udp.getsockname()[1]
        lst = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        reuse(lst)
        lst.bind((ip, port))
        lst.listen(4)
        conn = None
        if args.transport != "tcp":
            break
        conn = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        reuse(conn)
        conn.bind((ip, port))
        conn.settimeout(args.timeout)
        try:
            conn.connect((args.host, args.port))
            break
        except OSError as e:
            for x in (conn, lst, udp):
                x.close()
            if e.errno != errno.EADDRNOTAVAIL:
                print("%s error %s" % (name, e))
                return
    else:
        print("%s error no local port could connect" % name)
        return
    msg = prepare(args, msg, ip, port)
    ours = call_ids(msg)
    finals, where, closed, shown = [], [], False, ""
    socks = {udp: "udp", lst: "listen"}
    bufs = {}
    try:
        if conn is not None:
            conn.setblocking(False)
            conn.sendall(msg)
            socks[conn] = "same-connection"
            bufs[conn] = b""
        else:
            udp.sendto(msg, (args.host, args.port))
        deadline = time.monotonic() + args.timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            r, _, _ = select.select(list(socks), [], [], left)
            for s in r:
                kind = socks[s]
                if kind == "listen":
                    c, _ = s.accept()
                    c.setblocking(False)
                    socks[c] = "new-connection"
                    bufs[c] = b""
                    continue
                if kind == "udp":
                    data, _ = s.recvfrom(65535)
                    got = [data]
                else:
                    try:
                        data = s.recv(65535)
                    except (BlockingIOError, ConnectionError):
                        data = b""
                    if not data:
                        if kind == "same-connection":
                            closed = True
                        del socks[s]
                        s.close()
                        continue
                    got, bufs[s] = stream_responses(bufs[s] + data)
                for g in got:
                    st = parse_status(g)
                    if st is None or st[0] < 200:
                        continue
                    theirs = call_ids(split_head(g)[0])
                    if ours and theirs and not ours & theirs:
                        continue    # meant for an earlier user of the port
                    if args.show and not finals:
                        shown = header_value(g, args.show)
                    finals.append(st)
                    where.append(kind)
                    # a little longer for further finals, then stop
                    deadline = min(deadline, time.monotonic() + 0.3)
            if conn is not None and conn not in socks and not finals:
                break
    except OSError as e:
        print("%s error %s" % (name, e))
        return
    finally:
        for s in list(socks) + ([conn] if conn else []):
            try:
                s.close()
            except OSError:
                pass
    if not finals:
        extra = ""
        if args.transport == "tcp":
            extra = " [closed]" if closed else " [open]"
        print("%s none%s" % (name, extra))
        return
    code, reason = finals[0]
    line = "%s %d %s" % (name, code, reason)
    if args.transport == "tcp" or where[0] != "udp":
        line += " [%s]" % where[0]
    if len(finals) > 1:
        line += " also=" + ",".join(str(c) for c, _ in finals[1:])
    if args.show:
        line += " %s=%s" % (args.show, shown)
    print(line)
    sys.stdout.flush()


def main():
    ap = argparse.ArgumentParser(description="send RFC 4475 messages")
    ap.add_argument("-t", "--timeout", type=float, default=3.0)
    ap.add_argument("--raw", action="store_true",
                    help="send the corpus bytes unchanged")
    ap.add_argument("--print", action="store_true",
                    help="write the (rewritten) messages instead of sending")
    ap.add_argument("--ruri", help="Request-URI host:port (default HOST:PORT)")
    ap.add_argument("--dir", default=CORPUS)
    ap.add_argument("--show", help="print this header of the answer")
    ap.add_argument("host")
    ap.add_argument("port", type=int)
    ap.add_argument("transport", choices=["udp", "tcp"])
    ap.add_argument("names", nargs="+")
    args = ap.parse_args()
    if args.ruri is None:
        args.ruri = "%s:%d" % (args.host, args.port)
    names = args.names
    if names == ["all"]:
        names = sorted((n[:-4] for n in os.listdir(args.dir)
                        if n.endswith(".msg")),
                       key=lambda n: section(args.dir, n))
    for n in names:
        try:
            msg = load(args.dir, n)
        except OSError as e:
            print("%s error %s" % (n, e.strerror))
            continue
        send_one(args, n, msg)
    return 0


if __name__ == "__main__":
    sys.exit(main())
