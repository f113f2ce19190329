"""imsauth end to end over every shared 3GPP vector (TS 35.208, 35.233,
33.102 AUTS, 33.220 KDF, RFC 3310 digest)."""
import base64
from imsauth_lib import run, load, Counter

t = Counter("imsauth_vectors")

for v in load("milenage.json"):
    for key in ("op", "opc"):
        out, _ = run(["milenage", "--k", v["k"], "--" + key, v[key],
                      "--rand", v["rand"], "--sqn", v["sqn"], "--amf", v["amf"]])
        for f in ("opc", "mac_a", "mac_s", "res", "ck", "ik", "ak", "ak_s"):
            t.eq(out.get(f), v[f], "milenage set %s (%s) %s" % (v["set"], key, f))
        sqn_xor_ak = "%012x" % (int(v["sqn"], 16) ^ int(v["ak"], 16))
        t.eq(out.get("autn"), sqn_xor_ak + v["amf"] + v["mac_a"],
             "milenage set %s autn" % v["set"])

for v in load("tuak.json")["vectors"]:
    for key in ("top", "topc"):
        args = ["tuak", "--k", v["k"], "--" + key, v[key], "--rand", v["rand"],
                "--sqn", v["sqn"], "--amf", v["amf"],
                "--keccak-iterations", str(v["keccak_iterations"])]
        for b in ("mac", "res", "ck", "ik"):
            args += ["--%s-bits" % b, str(v["%s_bits" % b])]
        out, _ = run(args)
        for f in ("topc", "mac_a", "mac_s", "res", "ck", "ik", "ak", "ak_s"):
            t.eq(out.get(f), v[f], "tuak set %s (%s) %s" % (v["set"], key, f))

for v in load("auts.json")["examples"]:
    key = ["--opc", v["opc"]] if v.get("opc") else ["--op", v["op"]]
    out, _ = run(["auts", "--k", v["k"]] + key + ["--rand", v["rand"],
                                                 "--auts", v["auts"]])
    want = v["expected_sqn_ms"] or "%012x" % (
        int(v["auts"][:12], 16) ^ int(v["ak_s"], 16))
    t.eq(out.get("sqn_ms"), want, "auts %s" % v["name"])
    # The UE side rebuilds the same AUTS from SQN_MS.
    out, _ = run(["auts-make", "--k", v["k"]] + key + ["--rand", v["rand"],
                                                      "--sqn-ms", want])
    t.eq(out.get("auts"), v["auts"], "auts-make %s" % v["name"])
    # Any flipped bit in MAC-S is a verification failure: exit 1.
    bad = v["auts"][:-1] + "%x" % (int(v["auts"][-1], 16) ^ 1)
    run(["auts", "--k", v["k"]] + key + ["--rand", v["rand"], "--auts", bad],
        expect_rc=1)
    t.check(True, "auts flipped bit rejected")

d = load("digest_aka.json")
for v in d["examples"]:
    # password_hex "" is the sync-failure example: --res "" (RFC 3310 3.4)
    out, _ = run(["digest", "--algorithm", v["algorithm"], "--username",
                  v["username"], "--realm", v["realm"], "--method", v["method"],
                  "--uri", v["uri"], "--nonce", v["nonce"], "--res",
                  v["password_hex"], "--qop", v["qop"], "--nc", v["nc"],
                  "--cnonce", v["cnonce"]])
    t.eq(out.get("response"), v["response"], "digest %s" % v["name"])
for v in d["published_examples_reproduced"]:
    if "res_password_hex" not in v:
        continue        # plain RFC 2617 examples: a text password, no RES
    out, _ = run(["digest", "--algorithm", "AKAv1-MD5", "--username",
                  v["username"], "--realm", v["realm"], "--method", v["method"],
                  "--uri", v["uri"], "--nonce", v["nonce"], "--res",
                  v["res_password_hex"], "--qop", v["qop"], "--nc", v["nc"],
                  "--cnonce", v["cnonce"]])
    t.eq(out.get("response"), v["expected_response"], "digest %s" % v["name"])

for v in load("kdf.json")["gba_computed"]:
    out, _ = run(["ks-naf", "--ck", v["ck"], "--ik", v["ik"], "--rand",
                  v["rand"], "--impi", v["impi"], "--naf-id", v["naf_id_hex"]])
    t.eq(out.get("ks_naf"), v["ks_naf"], "ks-naf %s" % v["name"])

# vector: the nonce is base64(RAND || AUTN) of the same vector (RFC 3310 3.2).
v = load("milenage.json")[0]
out, _ = run(["vector", "--k", v["k"], "--op", v["op"], "--sqn", v["sqn"],
              "--amf", v["amf"], "--rand", v["rand"]])
t.eq(out.get("xres"), v["res"], "vector xres")
t.eq(base64.b64decode(out["nonce"]).hex(), out["rand"] + out["autn"],
     "vector nonce")
out2, _ = run(["vector", "--k", v["k"], "--op", v["op"], "--sqn", v["sqn"],
               "--amf", v["amf"]])
t.check(out2["rand"] != out["rand"], "vector without --rand draws a new RAND")

t.done()
