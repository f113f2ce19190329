#!/usr/bin/python3
"""test_register.py - ims-ue against SIPp playing the registrar
(P-CSCF/S-CSCF): register, resync, deregister, MESSAGE.

Every challenge is made by `imsauth vector` for keys the test knows, and
every answer ims-ue sends is recomputed with `imsauth digest` / checked
with `imsauth auts` from SIPp's message trace: the UE is checked by the
project's own, separately tested, AKA and digest code, and by SIPp's SIP
stack for the wire format.

Environment: IMS_UE, IMSAUTH (paths of the binaries).  Loopback only.
Prints 'N passed, N failed'; exits 1 on any failure (a missing sipp is
a failure, never a skip).
"""
import base64
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

IMS_UE = os.environ.get("IMS_UE", "")
IMSAUTH = os.environ.get("IMSAUTH", "")
HERE = os.path.dirname(os.path.abspath(__file__))
SCEN = os.path.join(HERE, "scenarios")

# A subscriber of our own (not a TS 35.208 set): SIPp never sees the keys.
K = "8baf473f2f8fd09487cccbd7097c6862"
OP = "e734f8734007d6c5ce7a0508809e7e9c"
AMF = "8000"
IMPI = "alice@ims.test"
IMPU = "sip:alice@ims.test"
REALM = "ims.test"
GRANTED = "3600"

passed = 0
failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL: " + what, flush=True)
    return cond


def kv(text):
    out = {}
    for line in text.splitlines():
        if "=" in line:
            k, v = line.split("=", 1)
            out[k] = v
    return out


def imsauth(*args):
    p = subprocess.run([IMSAUTH] + list(args), capture_output=True,
                       text=True, timeout=30)
    if p.returncode != 0:
        raise RuntimeError("imsauth %s: %s" % (args[0], p.stderr.strip()))
    return kv(p.stdout)


def vector(sqn, rand):
    return imsauth("vector", "--k", K, "--op", OP, "--sqn", sqn,
                   "--amf", AMF, "--rand", rand)


def free_port(addr, kind):
    s = socket.socket(socket.AF_INET, kind)
    s.bind((addr, 0))
    port = s.getsockname()[1]
    s.close()
    return port


def digest_params(value):
    """name -> value of a Digest credentials header value."""
    body = value.split(None, 1)[1] if " " in value else ""
    return {m.group(1).lower(): (m.group(3) if m.group(3) is not None
                                 else m.group(4))
            for m in re.finditer(r'([\w-]+)\s*=\s*("([^"]*)"|([^,\s]*))',
                                 body)}


def header(msg, name):
    for line in msg.split("\n"):
        if line.lower().startswith(name.lower() + ":"):
            return line.split(":", 1)[1].strip()
    return None


class Sipp:
    """A SIPp UAS on 127.0.0.1, scenario made from a template."""

    def __init__(self, tmp, template, subs, transport="udp", calls=1):
        self.tmp = tmp
        with open(os.path.join(SCEN, template)) as f:
            text = f.read()
        subs = dict(subs, REALM=REALM, GRANTED=GRANTED)
        for k, v in subs.items():
            text = text.replace("@%s@" % k, v)
        check(re.search(r"@[A-Z0-9]+@", text) is None,
              "%s: placeholder left" % template)
        self.scen = os.path.join(tmp, template)
        with open(self.scen, "w") as f:
            f.write(text)
        kind = socket.SOCK_STREAM if transport == "tcp" else socket.SOCK_DGRAM
        self.port = free_port("127.0.0.1", kind)
        self.trace = os.path.join(tmp, template + ".msgs")
        cmd = [SIPP, "-sf", self.scen, "-i", "127.0.0.1",
               "-p", str(self.port), "-m", str(calls), "-nostdin",
               "-timeout", "30s", "-trace_msg", "-message_file", self.trace,
               "-trace_err", "-error_file", self.trace + ".err",
               "-t", "t1" if transport == "tcp" else "u1"]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, cwd=tmp)
        time.sleep(0.5)

    def pcscf(self):
        return "127.0.0.1:%d" % self.port

    def wait(self):
        try:
            return self.proc.wait(timeout=35)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return -1

    def received(self, method=None):
        """Requests SIPp received, in order (CRLF removed)."""
        try:
            with open(self.trace, errors="replace") as f:
                text = f.read()
        except FileNotFoundError:
            return []
        out = []
        for block in re.split(r"\n-{20,}[^\n]*\n", "\n" + text):
            m = re.match(r"\s*\w+ message received \[\d+\] bytes :\n\n(.*)",
                         block, re.S)
            if m:
                msg = m.group(1).replace("\r", "").strip("\n")
                if method is None or msg.startswith(method + " "):
                    out.append(msg)
        return out


def ue(cmd, pcscf, extra=(), state=None, local=None, transport=None,
       timeout="5"):
    args = [IMS_UE, cmd, "--impi", IMPI, "--impu", IMPU, "--k", K,
            "--op", OP, "--pcscf", pcscf, "--timeout", timeout]
    if local is not None:
        args += ["--local", local]
    if state is not None:
        args += ["--state", state]
    if transport is not None:
        args += ["--transport", transport]
    p = subprocess.run(args + list(extra), capture_output=True, text=True,
                       timeout=60)
    return p.returncode, kv(p.stdout), p.stdout, p.stderr


def expected_response(auth, res, method="REGISTER"):
    """What `imsauth digest` says the response must be."""
    p = digest_params(auth)
    args = ["digest", "--algorithm", p["algorithm"], "--username",
            p["username"], "--realm", p["realm"], "--method", method,
            "--uri", p["uri"], "--nonce", p["nonce"], "--res", res]
    if "qop" in p:
        args += ["--qop", p["qop"], "--nc", p["nc"], "--cnonce", p["cnonce"]]
    return imsauth(*args)["response"]


def no_keys(out, v, what):
    check(v["xres"] not in out and v["ck"] not in out and v["ik"] not in out
          and K not in out and OP not in out, what + ": key material printed")


def state_file(path):
    try:
        with open(path) as f:
            return kv(f.read())
    except FileNotFoundError:
        return None


def test_register(tmp, transport="udp"):
    """(a) challenge, AKA response checked, 200 -> registered."""
    name = "register/" + transport
    v = vector("000000000021", "0f1e2d3c4b5a69788796a5b4c3d2e1f0")
    sipp = Sipp(tmp, "uas_register.xml", {"NONCE1": v["nonce"]}, transport)
    state = os.path.join(tmp, "usim-" + transport)
    local = "127.0.0.2:%d" % free_port("127.0.0.2", socket.SOCK_DGRAM
                                       if transport == "udp"
                                       else socket.SOCK_STREAM)
    rc, o, out, err = ue("register", sipp.pcscf(), state=state, local=local,
                         transport=transport)
    check(sipp.wait() == 0, name + ": sipp scenario failed")
    check(rc == 0 and err == "", name + ": exit %d (%s)" % (rc, err.strip()))
    check(o.get("result") == "registered", name + ": result " + out)
    check(o.get("status") == "200", name + ": status")
    check(o.get("expires") == GRANTED, name + ": expires")
    check(o.get("service_route") == "<sip:orig@scscf.ims.test:6060;lr>",
          name + ": service_route")
    check(o.get("p_associated_uri") ==
          "<sip:alice@ims.test>, <tel:+15551234567>", name + ": p_a_u")
    check(o.get("resync") == "0" and o.get("sqn") == "000000000021",
          name + ": resync/sqn")
    no_keys(out, v, name)
    regs = sipp.received("REGISTER")
    if not check(len(regs) == 2, name + ": %d REGISTERs" % len(regs)):
        return
    # TS 24.229 5.1.1.2.1: the initial REGISTER.
    a1 = digest_params(header(regs[0], "Authorization") or "x")
    check(a1.get("username") == IMPI and a1.get("realm") == REALM and
          a1.get("nonce") == "" and a1.get("response") == "" and
          a1.get("uri") == "sip:ims.test", name + ": initial credentials")
    check(regs[0].startswith("REGISTER sip:ims.test SIP/2.0"),
          name + ": Request-URI")
    check("path" in (header(regs[0], "Supported") or ""),
          name + ": Supported: path")
    check(header(regs[0], "Max-Forwards") == "70", name + ": Max-Forwards")
    via = header(regs[0], "Via") or ""
    check(("SIP/2.0/%s %s" % (transport.upper(), local)) in via,
          name + ": Via " + via)
    check(header(regs[0], "Call-ID") == header(regs[1], "Call-ID"),
          name + ": Call-ID changed")
    check(header(regs[0], "CSeq") == "1 REGISTER" and
          header(regs[1], "CSeq") == "2 REGISTER", name + ": CSeq")
    auth = header(regs[1], "Authorization") or "x"
    p = digest_params(auth)
    check(p.get("nonce") == v["nonce"] and p.get("qop") == "auth" and
          p.get("nc") == "00000001" and p.get("algorithm") == "AKAv1-MD5"
          and "auts" not in p, name + ": answer fields " + auth)
    check(p.get("response") == expected_response(auth, v["xres"]),
          name + ": response differs from imsauth digest")
    st = state_file(state)
    check(st is not None and st.get("sqn_ms") == "000000000021" and
          st.get("seq.1") == "1", name + ": state file %r" % st)
    if transport == "udp":
        # (a2) the same challenge again is a replay: the USIM refuses it
        # (TS 33.102 6.3.3) and answers with AUTS for SQN_MS 0x21.
        sipp = Sipp(tmp, "uas_reject.xml", {"NONCE1": v["nonce"]})
        rc, o, out, err = ue("register", sipp.pcscf(), state=state)
        check(sipp.wait() == 0, "replay: sipp scenario failed")
        check(rc == 1 and o.get("result") == "rejected" and
              o.get("resync") == "1", "replay: " + out)
        regs = sipp.received("REGISTER")
        auts = digest_params(header(regs[-1], "Authorization") or "x") \
            .get("auts", "") if regs else ""
        check(auts != "", "replay: no auts")
        if auts:
            r = imsauth("auts", "--k", K, "--op", OP, "--rand", v["rand"],
                        "--auts", base64.b64decode(auts).hex())
            check(r.get("sqn_ms") == "000000000021", "replay: sqn_ms %r" % r)


def test_resync(tmp):
    """(b) stale SQN -> auts, verified; fresh challenge -> registered."""
    name = "resync"
    state = os.path.join(tmp, "usim-resync")
    # IND slot 0 has seen SEQ 0x40: SQN_MS = 0x40 << 5 = 0x800.
    with open(state, "w") as f:
        f.write("# test state\nind_bits=5\nseq.0=40\nseq.3=2\n")
    v1 = vector("000000000400", "00112233445566778899aabbccddeeff")
    v2 = vector("000000000821", "ffeeddccbbaa99887766554433221100")
    sipp = Sipp(tmp, "uas_resync.xml", {"NONCE1": v1["nonce"],
                                        "NONCE2": v2["nonce"]})
    rc, o, out, err = ue("register", sipp.pcscf(), state=state)
    check(sipp.wait() == 0, name + ": sipp scenario failed")
    check(rc == 0 and o.get("result") == "registered",
          name + ": exit %d %s %s" % (rc, out, err))
    check(o.get("resync") == "1" and o.get("sqn") == "000000000821",
          name + ": resync/sqn " + out)
    no_keys(out, v2, name)
    regs = sipp.received("REGISTER")
    if not check(len(regs) == 3, name + ": %d REGISTERs" % len(regs)):
        return
    a2 = header(regs[1], "Authorization") or "x"
    p2 = digest_params(a2)
    check(p2.get("nonce") == v1["nonce"] and "auts" in p2,
          name + ": second REGISTER " + a2)
    # RFC 3310 3.4: the response is computed with the empty password.
    check(p2.get("response") == expected_response(a2, ""),
          name + ": resync response differs from imsauth digest")
    r = imsauth("auts", "--k", K, "--op", OP, "--rand", v1["rand"],
                "--auts", base64.b64decode(p2.get("auts", "")).hex())
    check(r.get("sqn_ms") == "000000000800", name + ": sqn_ms %r" % r)
    a3 = header(regs[2], "Authorization") or "x"
    p3 = digest_params(a3)
    check(p3.get("nonce") == v2["nonce"] and "auts" not in p3 and
          p3.get("response") == expected_response(a3, v2["xres"]),
          name + ": third REGISTER " + a3)
    check(header(regs[2], "CSeq") == "3 REGISTER", name + ": CSeq")
    st = state_file(state)
    check(st is not None and st.get("seq.0") == "40" and
          st.get("seq.1") == "41" and st.get("seq.3") == "2" and
          st.get("sqn_ms") == "000000000821", name + ": state %r" % st)


def test_mac_failure(tmp):
    """(c) forged AUTN -> empty response sent, mac-failure, exit 1."""
    name = "mac-failure"
    v = vector("000000000041", "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf")
    raw = bytearray(base64.b64decode(v["nonce"]))
    raw[31] ^= 0x01		# last byte of MAC-A
    sipp = Sipp(tmp, "uas_reject.xml",
                {"NONCE1": base64.b64encode(bytes(raw)).decode()})
    state = os.path.join(tmp, "usim-mac")
    rc, o, out, err = ue("register", sipp.pcscf(), state=state)
    check(sipp.wait() == 0, name + ": sipp scenario failed")
    check(rc == 1 and o.get("result") == "mac-failure" and
          o.get("status") == "403", name + ": exit %d %s" % (rc, out))
    check("sqn" not in o, name + ": sqn reported")
    regs = sipp.received("REGISTER")
    if check(len(regs) == 2, name + ": %d REGISTERs" % len(regs)):
        p = digest_params(header(regs[1], "Authorization") or "x")
        # TS 24.229 5.1.1.5.3: empty response, no auts.
        check(p.get("response") == "" and "auts" not in p and
              p.get("nonce") == base64.b64encode(bytes(raw)).decode(),
              name + ": answer %r" % p)
    check(state_file(state) is None, name + ": state written")


def test_rejected(tmp):
    """(d) valid answer, 403 -> rejected, exit 1."""
    name = "rejected"
    v = vector("000000000061", "b0b1b2b3b4b5b6b7b8b9babbbcbdbebf")
    sipp = Sipp(tmp, "uas_reject.xml", {"NONCE1": v["nonce"]})
    rc, o, out, err = ue("register", sipp.pcscf())
    check(sipp.wait() == 0, name + ": sipp scenario failed")
    check(rc == 1 and o.get("result") == "rejected" and
          o.get("status") == "403", name + ": exit %d %s" % (rc, out))
    no_keys(out, v, name)


def test_deregister(tmp):
    """deregister: Expires: 0, same authentication flow; --debug-keys."""
    name = "deregister"
    v = vector("000000000081", "c0c1c2c3c4c5c6c7c8c9cacbcccdcecf")
    sipp = Sipp(tmp, "uas_register.xml", {"NONCE1": v["nonce"]})
    rc, o, out, err = ue("deregister", sipp.pcscf(), extra=["--debug-keys"])
    check(o.get("res") == v["xres"] and o.get("ck") == v["ck"] and
          o.get("ik") == v["ik"], name + ": --debug-keys output " + out)
    check(sipp.wait() == 0, name + ": sipp scenario failed")
    check(rc == 0 and o.get("result") == "deregistered",
          name + ": exit %d %s %s" % (rc, out, err))
    regs = sipp.received("REGISTER")
    check(len(regs) == 2 and all(header(r, "Expires") == "0" for r in regs),
          name + ": Expires: 0")


def test_message(tmp):
    """message: register, then MESSAGE with Route = Service-Route."""
    name = "message"
    v = vector("0000000000a1", "d0d1d2d3d4d5d6d7d8d9dadbdcdddedf")
    sipp = Sipp(tmp, "uas_message.xml", {"NONCE1": v["nonce"]}, calls=2)
    rc, o, out, err = ue("message", sipp.pcscf(),
                         extra=["--to", "sip:bob@ims.test",
                                "--body", "hello bob"])
    check(sipp.wait() == 0, name + ": sipp scenario failed")
    check(rc == 0 and o.get("result") == "registered" and
          o.get("message_status") == "200",
          name + ": exit %d %s %s" % (rc, out, err))
    msgs = sipp.received("MESSAGE")
    if check(len(msgs) == 1, name + ": %d MESSAGEs" % len(msgs)):
        m = msgs[0]
        check(m.startswith("MESSAGE sip:bob@ims.test SIP/2.0"),
              name + ": Request-URI")
        check(header(m, "Route") == "<sip:orig@scscf.ims.test:6060;lr>",
              name + ": Route %r" % header(m, "Route"))
        check(m.endswith("hello bob"), name + ": body")


def test_timeout(tmp):
    """nobody answers -> result=timeout; TCP refused -> unreachable."""
    sink = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sink.bind(("127.0.0.1", 0))	# swallows requests: no ICMP, no answer
    t0 = time.monotonic()
    rc, o, out, err = ue("register", "127.0.0.1:%d" % sink.getsockname()[1],
                         timeout="1")
    check(rc == 1 and o.get("result") == "timeout",
          "timeout: exit %d %s" % (rc, out))
    check(time.monotonic() - t0 < 5, "timeout: took too long")
    check(len(sink.recv(65535)) > 0, "timeout: nothing sent")
    sink.close()
    port = free_port("127.0.0.1", socket.SOCK_STREAM)
    rc, o, out, err = ue("register", "127.0.0.1:%d" % port, timeout="3",
                         transport="tcp")
    check(rc == 1 and o.get("result") == "unreachable" and err == "",
          "unreachable: exit %d %s %r" % (rc, out, err))


def test_usage(tmp):
    """(e) bad usage -> exit 2, one line on stderr, nothing on stdout."""
    base = ["--impi", IMPI, "--impu", IMPU, "--k", K, "--op", OP,
            "--pcscf", "127.0.0.1:5060"]

    def drop(opt):
        i = base.index(opt)
        return base[:i] + base[i + 2:]

    def repl(opt, val):
        return drop(opt) + [opt, val]
    cases = {
        "no command": [],
        "unknown command": ["fly"],
        "missing impi": ["register"] + drop("--impi"),
        "missing pcscf": ["register"] + drop("--pcscf"),
        "short k": ["register"] + repl("--k", "00"),
        "non-hex op": ["register"] + repl("--op", "zz" * 16),
        "op and opc": ["register"] + base + ["--opc", K],
        "neither op nor opc": ["register"] + drop("--op"),
        "unknown option": ["register"] + base + ["--bogus", "1"],
        "bad transport": ["register"] + base + ["--transport", "sctp"],
        "bad pcscf": ["register"] + repl("--pcscf", "nohost"),
        "bad amf-sep": ["register"] + base + ["--amf-sep", "2"],
        "impu not a uri": ["register"] + repl("--impu", "alice"),
        "header injection": ["register"] + repl("--impu",
                                                "sip:a@b\r\nX: y"),
        "no realm": ["register"] + repl("--impi", "alice"),
        "message without to": ["message"] + base + ["--body", "x"],
        "dangling option": ["register"] + base + ["--expires"],
    }
    bad_state = os.path.join(tmp, "bad-state")
    with open(bad_state, "w") as f:
        f.write("ind_bits=5\nseq.0=zz\n")
    cases["corrupt state"] = ["register"] + base + ["--state", bad_state]
    for what, args in cases.items():
        p = subprocess.run([IMS_UE] + args, capture_output=True, text=True,
                           timeout=30)
        check(p.returncode == 2 and p.stdout == "" and
              p.stderr.count("\n") == 1,
              "usage %s: exit %d stdout %r stderr %r" %
              (what, p.returncode, p.stdout, p.stderr))


def main():
    global SIPP
    SIPP = shutil.which("sipp")
    ok = check(SIPP is not None, "sipp not installed (package sip-tester)")
    ok &= check(os.access(IMS_UE, os.X_OK), "IMS_UE not executable")
    ok &= check(os.access(IMSAUTH, os.X_OK), "IMSAUTH not executable")
    if ok:
        with tempfile.TemporaryDirectory(prefix="ims-ue-test.") as tmp:
            for t in (test_usage, test_register,
                      lambda d: test_register(d, "tcp"), test_resync,
                      test_mac_failure, test_rejected, test_deregister,
                      test_message, test_timeout):
                try:
                    t(tmp)
                except Exception as e:	# a crash is a failure, not a skip
                    check(False, "%s: %r" % (getattr(t, "__name__", "?"),
                                             e))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
