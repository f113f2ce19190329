#!/usr/bin/python3 -S
"""gm_ue.py - a scripted IMS UE with Gm IPsec (TS 33.203 7, Annex H; RFC
3329; TS 24.229 5.1.1) for the kernel tests: it can do what a UE does and
what an attacker on the UE's network does.  AKA through aka_ue.py (imsauth),
the UE-side SAs through `imsxfrm gm-sa` (common/ipsec/gm_sa).

    gm_ue.py --imsxfrm PATH --secdir DIR --ue IP --port PORT --pcscf IP:PORT
        --user U --domain D --k HEX --op HEX [--alg LIST] [--ealg LIST]
        [--port-uc N] [--port-us N] [--tamper verify|client]
        [--listen-us SECONDS] [--keep] [--tcp] STEP...

STEPs, in order:
    register         unprotected REGISTER with Security-Client, the 401's
                     Security-Server, the UE's SAs, the protected REGISTER
    message          MESSAGE to sip:TO@D (--to, default bob) over the SAs
                     (port_uc -> port_ps)
    clear-message    the same MESSAGE from port_uc to the P-CSCF's
                     unprotected port, in clear
    clear-ps         a REGISTER in clear to port_ps from the unprotected port
    reregister       TS 33.203 7.4: over the old SAs with a new
                     Security-Client, a new set, the old one removed
    deregister       the same with Expires 0; then no SA of ours is left
--tcp: the protected leg over TCP (a connection from port_uc to port_ps,
inside the SAs).  Output: one NAME=VALUE per line: each STEP's final status (0: none), the
negotiated alg/ealg, SPIs and ports; with --listen-us, received=METHOD
lines for the requests that reached port_us.  Exit 0 unless a step could
not run at all (2).
"""
import argparse
import os
import re
import socket
import subprocess
import sys
import threading
import time

# s for a final response: under qemu's TCG the first SA install loads the
# crypto modules (seconds).
TIMEOUT = 30


def out(k, v):
    print("%s=%s" % (k, v), flush=True)


class Gm:
    def __init__(self, a):
        sys.path.insert(0, a.secdir)
        import aka_ue
        self.aka_ue = aka_ue
        self.a = a
        self.pip, pport = a.pcscf.rsplit(":", 1)
        self.pport = int(pport)
        self.plain = aka_ue.UE(bind="%s:%d" % (a.ue, a.port),
                               dest=a.pcscf, user=a.user, domain=a.domain,
                               k=a.k, op=a.op, timeout=TIMEOUT)
        self.port_uc, self.port_us = a.port_uc, a.port_us
        self.sets = []		# installed: dicts for imsxfrm gm-sa
        self.prot = None	# aka_ue.UE over the current set
        self.cur = None

    # ---- imsxfrm ----
    def xfrm(self, *args):
        r = subprocess.run([self.a.imsxfrm] + list(args),
                           capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError("imsxfrm %s: %s" % (args[:2], r.stderr))
        return dict(l.split("=", 1) for l in r.stdout.split()
                    if "=" in l)

    def set_args(self, s):
        return ["--side", "ue", "--ue", self.a.ue, "--pcscf", self.pip,
                "--port-uc", str(s["port_uc"]), "--port-us",
                str(s["port_us"]), "--port-pc", str(s["port_pc"]),
                "--port-ps", str(s["port_ps"]), "--spi-uc",
                str(s["spi_uc"]), "--spi-us", str(s["spi_us"]),
                "--spi-pc", str(s["spi_pc"]), "--spi-ps", str(s["spi_ps"])]

    def remove(self, s):
        self.xfrm("gm-sa", "remove", *self.set_args(s))
        self.sets.remove(s)

    # ---- sec-agree ----
    def client(self):
        """A Security-Client with fresh SPIs (Annex H): one mechanism
        per alg x ealg pair."""
        spis = self.xfrm("gm-sa", "alloc-spis", "--side", "ue", "--ue",
                         self.a.ue, "--pcscf", self.pip)
        s = {"spi_uc": int(spis["spi_uc"], 16),
             "spi_us": int(spis["spi_us"], 16),
             "port_uc": self.port_uc, "port_us": self.port_us}
        mechs = []
        for e in self.a.ealg.split(","):
            for g in self.a.alg.split(","):
                mechs.append("ipsec-3gpp;alg=%s;ealg=%s;spi-c=%d;spi-s=%d;"
                             "port-c=%d;port-s=%d" % (
                                 g, e, s["spi_uc"], s["spi_us"],
                                 s["port_uc"], s["port_us"]))
        s["client"] = ", ".join(mechs)
        return s

    @staticmethod
    def server(resp):
        v = resp.hdr("Security-Server")
        m = re.search(r"ipsec-3gpp[^,]*", v)
        if not m:
            return None
        p = dict(x.split("=", 1) for x in m.group(0).split(";")[1:]
                 if "=" in x)
        return {"server": v, "alg": p.get("alg"),
                "ealg": p.get("ealg", "null"),
                "spi_pc": int(p["spi-c"]), "spi_ps": int(p["spi-s"]),
                "port_pc": int(p["port-c"]), "port_ps": int(p["port-s"])}

    def sec_headers(self, s, verify):
        h = ["Security-Client: %s" % s["client"], "Require: sec-agree",
             "Proxy-Require: sec-agree", "Supported: path, sec-agree"]
        if verify is not None:
            h.append("Security-Verify: %s" % verify)
        return h

    def install(self, s, nonce, ue):
        _, ck, ik = ue.aka(nonce)
        self.xfrm("gm-sa", "install", *self.set_args(s), "--alg", s["alg"],
                  "--ealg", s["ealg"], "--ck", ck, "--ik", ik,
                  "--lifetime", "600", "--larval", "yes")
        self.sets.append(s)

    def tampered(self, v):
        if self.a.tamper == "verify":
            # Bidding down: claim the weakest pair was what we agreed.
            return re.sub(r"alg=[^;]*", "alg=hmac-md5-96", v, count=1)
        return v

    def protected_ue(self, s):
        ue = self.aka_ue.UE(bind="%s:%d" % (self.a.ue, s["port_uc"]),
                            dest="%s:%d" % (self.pip, s["port_ps"]),
                            user=self.a.user, domain=self.a.domain,
                            k=self.a.k, op=self.a.op, timeout=TIMEOUT,
                            tcp=self.a.tcp)
        ue.contact = "sip:%s@%s:%d" % (self.a.user, self.a.ue,
                                       s["port_us"])
        ue.res = self.plain.res
        return ue

    def negotiate(self, via, verify, expires=600):
        """REGISTER over `via` (the plain UE, or the current protected
        one) with a new Security-Client; on its 401 the new set and the
        protected REGISTER over it.  (first status, final status)."""
        s = self.client()
        r = via.register(expires=expires, contact=self.plain.contact
                         if via is self.plain else via.contact,
                         extra=self.sec_headers(s, verify))
        if r is not None and r.hdr("Retry-After"):
            out("retry_after", r.hdr("Retry-After"))
        if r is None or r.status != 401:
            return (r.status if r else 0), 0
        srv = self.server(r)
        if srv is None:
            return 401, 0
        s.update(srv)
        self.install(s, r.nonce(), via)
        old = self.prot
        self.prot = self.protected_ue(s)
        client = s["client"]
        if self.a.tamper == "client":
            client = client.split(", ")[-1]	# fewer mechanisms than first
        hdrs = ["Security-Client: %s" % client, "Require: sec-agree",
                "Proxy-Require: sec-agree", "Supported: path, sec-agree",
                "Security-Verify: %s" % self.tampered(s["server"])]
        r2 = self.prot.register(auth=self.prot.creds(r.nonce()),
                                expires=expires, extra=hdrs)
        st = r2.status if r2 else 0
        if old is not None and st == 200:
            old.sock.close()
            self.remove(self.cur)	# 7.4: the old set goes
        self.cur = s
        for k in ("alg", "ealg", "spi_uc", "spi_us", "spi_pc", "spi_ps",
                  "port_pc", "port_ps"):
            out(k, s[k])
        return r.status, st

    # ---- steps ----
    def step_register(self):
        first, st = self.negotiate(self.plain, None)
        out("first", first)
        out("register", st)

    def step_message(self, ue=None, name="message"):
        ue = ue or self.prot
        to = "sip:%s@%s" % (self.a.to, self.a.domain)
        r = ue.send(ue.request(method="MESSAGE", ruri=to, to=to,
                               extra=["Content-Type: text/plain"]))
        out(name, r.status if r else 0)

    def step_clear_message(self):
        # From port_uc itself (the SAs' socket) to the unprotected port.
        self.prot.dest = (self.pip, self.pport)
        self.step_message(self.prot, "clear-message")
        self.prot.dest = (self.pip, self.cur["port_ps"])

    def step_clear_ps(self):
        self.plain.dest = (self.pip, self.cur["port_ps"] if self.cur
                           else 5064)
        r = self.plain.register(auth=False)
        self.plain.dest = (self.pip, self.pport)
        out("clear-ps", r.status if r else 0)

    def step_reregister(self, expires=600, name="reregister"):
        self.port_uc += 2	# 7.4: a new protected client port
        first, st = self.negotiate(self.prot, self.cur["server"], expires)
        out(name + "-first", first)
        out(name, st)

    def step_deregister(self):
        self.step_reregister(0, "deregister")
        for s in list(self.sets):
            self.remove(s)


def listen_us(ip, port, seconds):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((ip, port))
    s.settimeout(0.2)
    end = time.time() + seconds
    while time.time() < end:
        try:
            data, src = s.recvfrom(65535)
        except socket.timeout:
            continue
        msg = data.decode(errors="replace")
        if msg.startswith("SIP/2.0"):
            continue
        head = msg.split("\r\n\r\n", 1)[0].split("\r\n")
        out("received", "%s from=%s:%d" % (head[0].split(" ")[0], src[0],
                                          src[1]))
        keep = [l for l in head[1:] if re.match(
            r"(Via|v|From|f|To|t|Call-ID|i|CSeq)\s*:", l, re.I)]
        s.sendto(("SIP/2.0 200 OK\r\n" + "\r\n".join(keep) +
                  "\r\nContent-Length: 0\r\n\r\n").encode(), src)


def main():
    p = argparse.ArgumentParser()
    for o in ("imsxfrm", "secdir", "ue", "pcscf", "user", "domain", "k",
              "op"):
        p.add_argument("--" + o, required=True)
    p.add_argument("--port", type=int, default=5060)
    p.add_argument("--alg", default="hmac-sha-1-96,hmac-md5-96")
    p.add_argument("--ealg", default="aes-cbc,des-ede3-cbc,null")
    p.add_argument("--port-uc", type=int, default=6100)
    p.add_argument("--port-us", type=int, default=6101)
    p.add_argument("--tamper", choices=("verify", "client"))
    p.add_argument("--to", default="bob")
    p.add_argument("--tcp", action="store_true")
    p.add_argument("--listen-us", type=float, default=0)
    p.add_argument("--keep", action="store_true")
    p.add_argument("steps", nargs="+")
    a = p.parse_args()
    os.environ.setdefault("IMSAUTH", "imsauth")
    g = Gm(a)
    th = None
    try:
        for st in a.steps:
            getattr(g, "step_" + st.replace("-", "_"))()
            if st == "register" and a.listen_us > 0 and g.cur:
                th = threading.Thread(target=listen_us, args=(
                    a.ue, g.cur["port_us"], a.listen_us), daemon=True)
                th.start()
        if th is not None:
            th.join()
    except (RuntimeError, OSError, KeyError, ValueError) as e:
        print("gm_ue: %s" % e, file=sys.stderr)
        return 2
    finally:
        if not a.keep:
            for s in list(g.sets):
                try:
                    g.remove(s)
                except RuntimeError:
                    pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
