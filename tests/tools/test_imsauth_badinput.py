"""Bad input to every imsauth sub-command: exit 2 and one clear line on
stderr, never a crash or a partial result."""
from imsauth_lib import run, Counter

t = Counter("imsauth_badinput")
K = "465b5ce8b199b49faa5f0a2ee238a6bc"
OP = "cdc202d5123e20f62b6d676ac72cb318"
RAND = "23553cbe9637a89d218ae64dae47bf35"
AUTN = "aa689c648370b9b94a9ffac354dfafb3"
TOP = "55" * 32
MIL = ["--k", K, "--op", OP, "--rand", RAND, "--sqn", "ff9bb4d0b607",
       "--amf", "b9b9"]
TUAK = ["--k", K, "--top", TOP, "--rand", RAND, "--sqn", "1", "--amf", "ffff"]
DIG = ["--algorithm", "AKAv1-MD5", "--username", "u@x", "--realm", "x",
       "--method", "REGISTER", "--uri", "sip:x", "--nonce", "bm9uY2U=",
       "--res", "a54211d5e3ba50bf"]
KSN = ["--ck", K, "--ik", K, "--rand", RAND, "--impi", "u@x", "--naf-id", "6e"]


def replace(args, opt, val):
    a = list(args)
    a[a.index(opt) + 1] = val
    return a


def drop(args, opt):
    a = list(args)
    i = a.index(opt)
    return a[:i] + a[i + 2:]


cases = [
    ([], "no command"),
    (["frobnicate"], "unknown command"),
    (["milenage"], "no options"),
    (["milenage"] + drop(MIL, "--rand"), "missing --rand"),
    (["milenage"] + replace(MIL, "--k", K[:-2]), "short K"),
    (["milenage"] + replace(MIL, "--k", K + "00"), "long K"),
    (["milenage"] + replace(MIL, "--k", "zz" + K[2:]), "non-hex K"),
    (["milenage"] + MIL + ["--opc", OP], "both OP and OPc"),
    (["milenage"] + drop(MIL, "--op"), "neither OP nor OPc"),
    (["milenage"] + replace(MIL, "--sqn", "1000000000000"), "SQN over 48 bits"),
    (["milenage"] + replace(MIL, "--sqn", "12g4"), "non-hex SQN"),
    (["milenage"] + replace(MIL, "--sqn", ""), "empty SQN"),
    (["milenage"] + replace(MIL, "--amf", "b9"), "short AMF"),
    (["milenage"] + MIL + ["--rand", RAND], "duplicated option"),
    (["milenage"] + MIL + ["--bogus", "1"], "unknown option"),
    (["milenage"] + MIL + ["stray"], "stray argument"),
    (["milenage"] + MIL[:-1], "option without a value"),
    (["tuak"] + replace(TUAK, "--k", "ab" * 24), "TUAK K of 24 bytes"),
    (["tuak"] + TUAK + ["--mac-bits", "96"], "bad mac-bits"),
    (["tuak"] + TUAK + ["--res-bits", "-64"], "negative res-bits"),
    (["tuak"] + TUAK + ["--ck-bits", "192"], "bad ck-bits"),
    (["tuak"] + TUAK + ["--ik-bits", "x"], "non-numeric ik-bits"),
    (["tuak"] + TUAK + ["--keccak-iterations", "0"], "zero iterations"),
    (["tuak"] + replace(TUAK, "--top", "55" * 16), "short TOP"),
    (["auts", "--k", K, "--op", OP, "--rand", RAND, "--auts", "00" * 13],
     "short AUTS"),
    (["auts", "--k", K, "--op", OP, "--rand", RAND], "missing AUTS"),
    (["auts-make", "--k", K, "--op", OP, "--rand", RAND, "--sqn-ms", "-1"],
     "negative SQN_MS"),
    (["vector", "--k", K, "--op", OP, "--sqn", "1", "--amf", "0000",
      "--rand", RAND[:-1]], "odd-length RAND"),
    (["ue-check", "--k", K, "--op", OP, "--rand", RAND, "--autn", AUTN[:-2]],
     "short AUTN"),
    (["ue-check", "--k", K, "--op", OP, "--rand", RAND, "--autn", AUTN,
      "--amf-sep", "2"], "amf-sep 2"),
    (["digest"] + replace(DIG, "--algorithm", "MD5"), "non-AKA algorithm"),
    (["digest"] + drop(DIG, "--nonce"), "missing nonce"),
    (["digest"] + replace(DIG, "--res", "a5"), "RES of 1 byte"),
    (["digest"] + replace(DIG, "--res", "a5421"), "odd RES"),
    (["digest"] + replace(DIG, "--algorithm", "AKAv2-MD5"), "AKAv2 without keys"),
    (["digest"] + DIG + ["--ck", K], "CK without IK"),
    (["digest"] + DIG + ["--qop", "auth"], "qop without nc/cnonce"),
    (["digest"] + DIG + ["--qop", "auth-int", "--nc", "00000001",
                         "--cnonce", "c"], "qop auth-int"),
    (["digest"] + DIG + ["--qop", "auth", "--nc", "1", "--cnonce", "c"],
     "nc not 8 hex digits"),
    (["digest"] + DIG + ["--nc", "00000001"], "nc without qop"),
    (["ks-naf"] + replace(KSN, "--naf-id", "6"), "odd NAF-Id"),
    (["ks-naf"] + replace(KSN, "--impi", ""), "empty IMPI"),
    (["ks-naf"] + drop(KSN, "--rand"), "missing RAND"),
    (["ks-naf"] + replace(KSN, "--ck", K[:30]), "short CK"),
]
for args, what in cases:
    try:
        out, err = run(args, expect_rc=2)
    except AssertionError as e:
        t.check(False, "%s: %s" % (what, e))
        continue
    lines = [l for l in err.splitlines() if l.strip()]
    t.check(out == {}, "%s: no result on stdout (got %r)" % (what, out))
    t.check(len(lines) >= 1 and lines[0].startswith("imsauth"),
            "%s: stderr starts with 'imsauth' (got %r)" % (what, err))
    t.check(args == [] or len(lines) == 1,
            "%s: one-line error (got %r)" % (what, err))

# Failed verifications are exit 1, not 2.
_, err = run(["auts", "--k", K, "--op", OP, "--rand", RAND,
              "--auts", "00" * 14], expect_rc=1)
t.check("MAC-S" in err, "bad AUTS names MAC-S: %r" % err)
out, _ = run(["ue-check", "--k", K, "--op", OP, "--rand", RAND,
              "--autn", "00" * 16], expect_rc=1)
t.eq(out.get("result"), "mac-failure", "ue-check with a forged AUTN")

t.done()
