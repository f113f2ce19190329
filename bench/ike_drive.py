#!/usr/bin/python3
"""ike_drive.py - the measuring loop of bench/ike-vs-strongswan.sh.

  ike_drive.py N INI_KIND INI_SOCK INI_PID RESP_KIND RESP_SOCK RESP_PID

KIND is "seg" (SOCK: the seg's control socket, seg/seg_ctl.c: one command
line per connection, the answer, then close) or "swan" (SOCK: charon's
vici socket).  Does N establishments one after the other, each: initiate,
wait until the initiator has the CHILD_SA installed (the seg: "  child" in
its list, polled every POLL_MS; charon: vici "initiate" returns, which it
does once the CHILD_SA is installed), delete the IKE SA, wait until the
responder holds no IKE SA (the seg: no "ike " line in its list; charon:
vici "stats" ikesas total 0).  Prints one line of key=value figures:
total time, establishments/s, latency mean/p50/p99 (initiate -> CHILD_SA
up, ms) and the CPU-seconds (utime + stime, /proc/PID/stat) per 1000
establishments of each daemon.  WARM (default 3) establishments
before, not measured.  Both daemons are driven over their own
sockets from this one process, so no tool start-up is measured.
"""
import os
import socket
import struct
import sys
import time

POLL_S = float(os.environ.get("POLL_MS", "1")) / 1000
TIMEOUT_S = 30.0
PEER = "bench"		# the peer (seg) and connection/child (charon) name


def die(msg):
    print("ike_drive: " + msg, file=sys.stderr)
    sys.exit(1)


# --- the seg's control socket -------------------------------------------
def seg_cmd(path, line):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.connect(path)
        s.sendall((line + "\n").encode())
        out = b""
        while True:
            b = s.recv(4096)
            if not b:
                return out.decode()
            out += b
    finally:
        s.close()


# --- vici (strongSwan's src/libcharon/plugins/vici/README.md) -------------
# A packet: u32 length, u8 type, then per type.  CMD_REQUEST (0) carries a
# u8-length command name and a message; CMD_RESPONSE (1) a message.  A
# message is a sequence of elements: SECTION_START 1 (u8 name),
# SECTION_END 2, KEY_VALUE 3 (u8 key, u16 value), LIST_START 4 (u8 name),
# LIST_ITEM 5 (u16 value), LIST_END 6.
def vici_encode(kv):
    m = b""
    for k, v in kv.items():
        k, v = k.encode(), str(v).encode()
        m += struct.pack("!BB", 3, len(k)) + k + struct.pack("!H", len(v)) + v
    return m


def vici_decode(m):
    top = {}
    stack = [top]
    i = 0
    lst = None
    while i < len(m):
        t = m[i]
        i += 1
        if t in (1, 3, 4):
            n = m[i]
            name = m[i + 1:i + 1 + n].decode()
            i += 1 + n
        if t == 1:
            d = {}
            stack[-1][name] = d
            stack.append(d)
        elif t == 2:
            stack.pop()
        elif t == 3:
            (vl,) = struct.unpack("!H", m[i:i + 2])
            stack[-1][name] = m[i + 2:i + 2 + vl].decode(errors="replace")
            i += 2 + vl
        elif t == 4:
            lst = []
            stack[-1][name] = lst
        elif t == 5:
            (vl,) = struct.unpack("!H", m[i:i + 2])
            lst.append(m[i + 2:i + 2 + vl].decode(errors="replace"))
            i += 2 + vl
        elif t == 6:
            lst = None
        else:
            die("vici: element type %d" % t)
    return top


class Vici:
    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.connect(path)

    def _read(self, n):
        b = b""
        while len(b) < n:
            c = self.s.recv(n - len(b))
            if not c:
                die("vici: connection closed")
            b += c
        return b

    def call(self, cmd, kv):
        c = cmd.encode()
        p = struct.pack("!BB", 0, len(c)) + c + vici_encode(kv)
        self.s.sendall(struct.pack("!I", len(p)) + p)
        while True:
            (n,) = struct.unpack("!I", self._read(4))
            p = self._read(n)
            if p[0] == 1:
                return vici_decode(p[1:])
            if p[0] == 2:
                die("vici: unknown command " + cmd)
            # events (7) of a registration: none registered, skip


# --- the two kinds of daemon ----------------------------------------------
class Seg:
    def __init__(self, sock):
        self.sock = sock
        self.polls = 0

    def initiate(self):
        a = seg_cmd(self.sock, "initiate " + PEER)
        if not a.startswith("initiating"):
            die("seg: " + a.strip())
        end = time.monotonic() + TIMEOUT_S
        while "\n  child " not in "\n" + seg_cmd(self.sock, "list"):
            self.polls += 1
            if time.monotonic() > end:
                die("seg: no CHILD_SA within %d s" % TIMEOUT_S)
            time.sleep(POLL_S)

    def delete(self):
        a = seg_cmd(self.sock, "delete " + PEER)
        if not a.startswith("deleted"):
            die("seg: " + a.strip())

    def wait_gone(self):
        end = time.monotonic() + TIMEOUT_S
        while "\nike " in "\n" + seg_cmd(self.sock, "list"):
            self.polls += 1
            if time.monotonic() > end:
                die("seg: IKE SA still there after %d s" % TIMEOUT_S)
            time.sleep(POLL_S)


class Swan:
    def __init__(self, sock):
        self.v = Vici(sock)
        self.polls = 0

    def initiate(self):
        r = self.v.call("initiate", {"child": PEER, "ike": PEER,
                                     "timeout": 0, "init-limits": "no"})
        if r.get("success") != "yes":
            die("charon: initiate: %s" % r.get("errmsg"))

    def delete(self):
        r = self.v.call("terminate", {"ike": PEER, "timeout": 0})
        if r.get("success") != "yes":
            die("charon: terminate: %s" % r.get("errmsg"))

    def wait_gone(self):
        end = time.monotonic() + TIMEOUT_S
        while self.v.call("stats", {})["ikesas"]["total"] != "0":
            self.polls += 1
            if time.monotonic() > end:
                die("charon: IKE SA still there after %d s" % TIMEOUT_S)
            time.sleep(POLL_S)


def cpu_s(pid):
    with open("/proc/%s/stat" % pid) as f:
        st = f.read()
    fields = st[st.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def make(kind, sock):
    return Seg(sock) if kind == "seg" else Swan(sock)


def main():
    if len(sys.argv) != 8:
        die("usage: ike_drive.py N INI_KIND INI_SOCK INI_PID RESP_KIND "
            "RESP_SOCK RESP_PID")
    n = int(sys.argv[1])
    ini, ipid = make(sys.argv[2], sys.argv[3]), sys.argv[4]
    resp, rpid = make(sys.argv[5], sys.argv[6]), sys.argv[7]
    for _ in range(int(os.environ.get("WARM", "3"))):	# not measured
        ini.initiate()
        ini.delete()
        resp.wait_gone()
    ini.polls = resp.polls = 0
    lat = []
    c0 = (cpu_s(ipid), cpu_s(rpid))
    t0 = time.monotonic()
    for _ in range(n):
        a = time.monotonic()
        ini.initiate()
        lat.append(time.monotonic() - a)
        ini.delete()
        resp.wait_gone()
    total = time.monotonic() - t0
    c1 = (cpu_s(ipid), cpu_s(rpid))
    lat.sort()
    pct = lambda q: lat[min(n - 1, int(q * n))] * 1000  # noqa: E731
    print("n=%d total_s=%.3f rate=%.2f mean_ms=%.1f p50_ms=%.1f "
          "p99_ms=%.1f cpu_ini_per1k=%.2f cpu_resp_per1k=%.2f polls=%d"
          % (n, total, n / total, sum(lat) / n * 1000, pct(0.50),
             pct(0.99), (c1[0] - c0[0]) * 1000 / n,
             (c1[1] - c0[1]) * 1000 / n, ini.polls + resp.polls))


if __name__ == "__main__":
    main()
