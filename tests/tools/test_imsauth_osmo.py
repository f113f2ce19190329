"""imsauth against osmo-auc-gen (libosmocore), an independent Milenage:
random K/OP(c)/RAND/SQN/AMF cases, vectors and AUTS in both directions."""
import os
import random
import re
import shutil
import subprocess
import sys
from imsauth_lib import run, Counter

N = int(os.environ.get("IMS_OSMO_CASES", "220"))
OSMO = shutil.which("osmo-auc-gen")
if OSMO is None:
    print("osmo-auc-gen not found (package libosmocore-utils): cannot "
          "cross-check", file=sys.stderr)
    sys.exit(1)

t = Counter("imsauth_osmo")
rng = random.Random(int(os.environ.get("IMS_OSMO_SEED", "20261127")))


def osmo(args, rc=0):
    p = subprocess.run([OSMO, "-3", "-a", "milenage"] + args,
                       capture_output=True, text=True)
    if p.returncode != rc:
        raise AssertionError("osmo-auc-gen %s: rc %d: %s" % (
            " ".join(args), p.returncode, p.stdout + p.stderr))
    return dict((m.group(1), m.group(2)) for m in
                re.finditer(r"^([A-Za-z. ]+):\s+(\S+)$", p.stdout, re.M))


def h(n):
    return "%0*x" % (2 * n, rng.getrandbits(8 * n))


for i in range(N):
    k, op, rand, amf = h(16), h(16), h(16), h(2)
    sqn = rng.getrandbits(47)           # osmo-auc-gen takes it as decimal
    use_op = i % 2 == 0
    key = ["--op", op] if use_op else ["--opc", op]
    okey = ["-O", op] if use_op else ["-o", op]
    mine, _ = run(["vector", "--k", k] + key + ["--sqn", "%x" % sqn,
                                               "--amf", amf, "--rand", rand])
    ref = osmo(["-k", k] + okey + ["-f", amf, "-s", str(sqn), "-r", rand])
    for f, g in (("autn", "AUTN"), ("xres", "RES"), ("ck", "CK"), ("ik", "IK"),
                 ("nonce", "IMS nonce")):
        t.eq(mine.get(f), ref.get(g), "case %d %s (k=%s)" % (i, f, k))

    # UE -> HSS: our AUTS, recovered by osmo-auc-gen.
    sqn_ms = rng.getrandbits(48)
    auts, _ = run(["auts-make", "--k", k] + key + ["--rand", rand,
                                                  "--sqn-ms", "%x" % sqn_ms])
    ref = osmo(["-k", k] + okey + ["-r", rand, "-A", auts["auts"]])
    t.eq(int(ref.get("SQN.MS", "-1")), sqn_ms, "case %d osmo reads our AUTS" % i)
    # ...and ours reads it back; a corrupted one fails on both sides.
    back, _ = run(["auts", "--k", k] + key + ["--rand", rand,
                                             "--auts", auts["auts"]])
    t.eq(int(back["sqn_ms"], 16), sqn_ms, "case %d own AUTS round trip" % i)
    if i % 10 == 0:
        bad = auts["auts"][:20] + "%02x" % (int(auts["auts"][20:22], 16) ^ 0x80) \
            + auts["auts"][22:]
        run(["auts", "--k", k] + key + ["--rand", rand, "--auts", bad],
            expect_rc=1)
        osmo(["-k", k] + okey + ["-r", rand, "-A", bad], rc=1)
        t.check(True, "case %d corrupted AUTS rejected by both" % i)

t.done()
