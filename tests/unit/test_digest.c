/* test_digest.c - RFC 2617 / RFC 3310 / RFC 4169 digest parsing, formatting
 * and AKA response computation against tests/vectors/digest_aka.json. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/params.h>

#include "digest.h"
#include "t.h"
#include "util.h"
#include "vectors.h"

static struct digest d, d2;
static char buf[DIGEST_FORMAT_MAX];

static int
parse_str(const char *s, struct digest *out)
{
	return digest_parse(s, strlen(s), out);
}

/* parse -> format -> parse gives the same struct. */
static int
round_trip(const struct digest *in, int flags)
{
	if (digest_format(in, flags, buf, sizeof(buf)) != 0)
		return 0;
	if (parse_str(buf, &d2) != 0)
		return 0;
	return digest_equal(in, &d2);
}

static const char *
opt_str(const cJSON *o, const char *key)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(it) ? it->valuestring : NULL;
}

static void
test_published(const cJSON *root)
{
	const cJSON *arr, *v;
	uint8_t pw[64], rand[16], autn[16], want_rand[16], want_autn[16];
	char out[33];
	size_t pwlen;

	arr = cJSON_GetObjectItemCaseSensitive(root,
	    "published_examples_reproduced");
	T_CHECK(cJSON_GetArraySize(arr) >= 3, "published vectors");
	cJSON_ArrayForEach(v, arr) {
		const char *name = vec_str(v, "name");
		const char *pwhex = opt_str(v, "res_password_hex");

		if (pwhex != NULL) {
			pwlen = vec_hexvar(v, "res_password_hex", pw, sizeof(pw));
			/* AKAv1-MD5: password = RES (16 bytes here). */
			T_CHECK(digest_aka_response("AKAv1-MD5",
			    vec_str(v, "username"), vec_str(v, "realm"),
			    vec_str(v, "method"), vec_str(v, "uri"),
			    vec_str(v, "nonce"), pw, pwlen, NULL, NULL,
			    vec_str(v, "qop"), vec_str(v, "nc"),
			    vec_str(v, "cnonce"), out) == 0, "%s", name);
			T_CHECK(strcmp(out, vec_str(v, "expected_response")) == 0,
			    "%s: %s", name, out);
			vec_hex(v, "rand", want_rand, 16);
			vec_hex(v, "autn", want_autn, 16);
			T_CHECK(digest_aka_nonce_split(vec_str(v, "nonce"), rand,
			    autn, NULL, 0, NULL) == 0 &&
			    memcmp(rand, want_rand, 16) == 0 &&
			    memcmp(autn, want_autn, 16) == 0, "%s: split", name);
			T_CHECK(digest_aka_nonce_make(want_rand, want_autn, NULL,
			    0, out, sizeof(out)) == -ENOSPC, "small buffer");
			{
				char nn[64];

				T_CHECK(digest_aka_nonce_make(want_rand,
				    want_autn, NULL, 0, nn, sizeof(nn)) == 0 &&
				    strcmp(nn, vec_str(v, "nonce")) == 0,
				    "%s: make %s", name, nn);
			}
		} else {
			const char *p = vec_str(v, "password");

			T_CHECK(digest_response_md5(vec_str(v, "username"),
			    vec_str(v, "realm"), (const uint8_t *)p, strlen(p),
			    vec_str(v, "method"), vec_str(v, "uri"),
			    vec_str(v, "nonce"), vec_str(v, "qop"),
			    vec_str(v, "nc"), vec_str(v, "cnonce"), NULL, 0,
			    out) == 0 &&
			    strcmp(out, vec_str(v, "expected_response")) == 0,
			    "%s: %s", name, out);
		}
	}
}

static void
test_examples(const cJSON *root)
{
	const cJSON *arr, *v;
	uint8_t res[16], auts[14], want_auts[14];
	size_t res_len;
	char out[33];

	arr = cJSON_GetObjectItemCaseSensitive(root, "examples");
	T_CHECK(cJSON_GetArraySize(arr) >= 2, "examples");
	cJSON_ArrayForEach(v, arr) {
		const char *name = vec_str(v, "name");
		const char *hdr = vec_str(v, "authorization_header");
		int rc;

		res_len = vec_hexvar(v, "password_hex", res, sizeof(res));
		T_CHECK(digest_aka_response(vec_str(v, "algorithm"),
		    vec_str(v, "username"), vec_str(v, "realm"),
		    vec_str(v, "method"), vec_str(v, "uri"),
		    vec_str(v, "nonce"), res, res_len, NULL, NULL,
		    vec_str(v, "qop"), vec_str(v, "nc"), vec_str(v, "cnonce"),
		    out) == 0 && strcmp(out, vec_str(v, "response")) == 0,
		    "%s: %s", name, out);

		rc = parse_str(hdr, &d);
		T_CHECK(rc == 0, "%s: parse %d", name, rc);
		T_CHECK(strcmp(d.username, vec_str(v, "username")) == 0 &&
		    strcmp(d.realm, vec_str(v, "realm")) == 0 &&
		    strcmp(d.nonce, vec_str(v, "nonce")) == 0 &&
		    strcmp(d.uri, vec_str(v, "uri")) == 0 &&
		    strcmp(d.response, vec_str(v, "response")) == 0 &&
		    strcmp(d.algorithm, vec_str(v, "algorithm")) == 0 &&
		    strcmp(d.cnonce, vec_str(v, "cnonce")) == 0 &&
		    strcmp(d.qop, vec_str(v, "qop")) == 0 &&
		    strcmp(d.nc, vec_str(v, "nc")) == 0 && d.nunknown == 0,
		    "%s: fields", name);
		T_CHECK(round_trip(&d, 0), "%s: round trip", name);
		/* Server side: verify with XRES; a wrong XRES fails. */
		if (opt_str(v, "auts_hex") == NULL) {
			T_CHECK(digest_aka_verify(&d, "REGISTER", res, res_len,
			    NULL, NULL) == 1, "%s: verify", name);
			res[0] ^= 1;
			T_CHECK(digest_aka_verify(&d, "REGISTER", res, res_len,
			    NULL, NULL) == 0, "%s: verify wrong", name);
			T_CHECK(digest_aka_verify(&d, "INVITE", res, res_len,
			    NULL, NULL) == 0, "%s: verify method", name);
			T_CHECK(digest_auts(&d, auts) == -ENOENT, "no auts");
		} else {
			vec_hex(v, "auts_hex", want_auts, 14);
			T_CHECK(digest_auts(&d, auts) == 0 &&
			    memcmp(auts, want_auts, 14) == 0, "%s: auts", name);
			T_CHECK(strcmp(d.auts, vec_str(v, "auts_b64")) == 0,
			    "auts b64");
			/* Sync failure: empty password, xres not used. */
			T_CHECK(digest_aka_verify(&d, "REGISTER", NULL, 0,
			    NULL, NULL) == 1, "%s: verify", name);
		}
	}
}

/* RFC 4169 3 computed independently with EVP_MAC. */
static void
test_akav2(void)
{
	static const uint8_t res[8] = { 0xa5, 0x42, 0x11, 0xd5, 0xe3, 0xba,
	    0x50, 0xbf };
	uint8_t ck[16], ik[16], key[40], mac[16], pw[DIGEST_AKA_PW_MAX];
	char b64[32], want[33], got[33];
	size_t maclen = 0, pwlen;
	EVP_MAC *hmac;
	EVP_MAC_CTX *ctx;
	OSSL_PARAM params[2];
	int i, ok;

	for (i = 0; i < 16; i++) {
		ck[i] = (uint8_t)(0xb4 + i);
		ik[i] = (uint8_t)(0xf7 - i);
	}
	memcpy(key, res, 8);
	memcpy(key + 8, ik, 16);
	memcpy(key + 24, ck, 16);
	hmac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	ctx = hmac ? EVP_MAC_CTX_new(hmac) : NULL;
	params[0] = OSSL_PARAM_construct_utf8_string("digest", "MD5", 0);
	params[1] = OSSL_PARAM_construct_end();
	ok = ctx != NULL && EVP_MAC_init(ctx, key, sizeof(key), params) == 1 &&
	    EVP_MAC_update(ctx, (const uint8_t *)"http-digest-akav2-password",
	    26) == 1 && EVP_MAC_final(ctx, mac, &maclen, sizeof(mac)) == 1;
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(hmac);
	T_CHECK(ok && maclen == 16, "EVP_MAC HMAC-MD5");
	base64_encode(mac, 16, b64);

	T_CHECK(digest_aka_password("AKAv2-MD5", res, 8, ck, ik, pw,
	    &pwlen) == 0 && pwlen == 24 && memcmp(pw, b64, 24) == 0,
	    "akav2 password %s", b64);
	T_CHECK(digest_aka_password("AKAv2-MD5", res, 8, NULL, ik, pw,
	    &pwlen) == -EINVAL, "v2 without ck");
	T_CHECK(digest_aka_password("AKAv1-MD5", res, 8, NULL, NULL, pw,
	    &pwlen) == 0 && pwlen == 8 && memcmp(pw, res, 8) == 0, "v1 pw");
	T_CHECK(digest_aka_password("AKAv1-MD5", res, 3, NULL, NULL, pw,
	    &pwlen) == -EINVAL, "res too short");
	T_CHECK(digest_aka_password("AKAv1-MD5", res, 17, NULL, NULL, pw,
	    &pwlen) == -EINVAL, "res too long");
	T_CHECK(digest_aka_password("MD5", res, 8, NULL, NULL, pw,
	    &pwlen) == -EINVAL, "not aka");
	T_CHECK(digest_aka_password("AKAv1-MD5", NULL, 0, NULL, NULL, pw,
	    &pwlen) == 0 && pwlen == 0, "sync failure pw");

	/* Response with the v2 password == generic MD5 over the base64. */
	T_CHECK(digest_response_md5("u", "r", (const uint8_t *)b64, 24, "REGISTER",
	    "sip:r", "nonce", "auth", "00000001", "abc", NULL, 0, want) == 0,
	    "md5");
	T_CHECK(digest_aka_response("AKAv2-MD5", "u", "r", "REGISTER", "sip:r",
	    "nonce", res, 8, ck, ik, "auth", "00000001", "abc", got) == 0 &&
	    strcmp(want, got) == 0, "akav2 response");
	T_CHECK(digest_aka_response("AKAv2-MD5", "u", "r", "REGISTER", "sip:r",
	    "nonce", res, 8, NULL, NULL, "auth", "00000001", "abc",
	    got) == -EINVAL, "v2 without keys");
	T_CHECK(digest_aka_response("AKAv3-MD5", "u", "r", "REGISTER", "sip:r",
	    "nonce", res, 8, ck, ik, NULL, NULL, NULL, got) == -EINVAL,
	    "unknown alg");
	T_CHECK(digest_aka_response("AKAv1-MD5", "u", "r", "REGISTER", "sip:r",
	    "nonce", res, 8, NULL, NULL, "auth", NULL, "abc", got) == -EINVAL,
	    "qop without nc");
	T_CHECK(digest_aka_response("AKAv1-MD5", "u", "r", "REGISTER", "sip:r",
	    "nonce", res, 8, NULL, NULL, "auth", "00000001", NULL,
	    got) == -EINVAL, "qop without cnonce");
	T_CHECK(digest_aka_response("AKAv1-MD5", "u", "r", "REGISTER", "sip:r",
	    "nonce", res, 8, NULL, NULL, "auth", "0000001", "x",
	    got) == -EINVAL, "nc 7 digits");
	T_CHECK(digest_aka_response("AKAv1-MD5", "u", "r", "REGISTER", "sip:r",
	    "nonce", res, 8, NULL, NULL, "auth-int", "00000001", "x",
	    got) == -EINVAL, "auth-int via aka api");
	/* No-qop form: MD5(HA1:nonce:HA2). */
	T_CHECK(digest_aka_response("AKAv1-MD5", "u", "r", "REGISTER", "sip:r",
	    "nonce", res, 8, NULL, NULL, NULL, NULL, NULL, got) == 0, "no qop");
	T_CHECK(digest_response_md5("u", "r", res, 8, "REGISTER", "sip:r",
	    "nonce", NULL, NULL, NULL, NULL, 0, want) == 0 &&
	    strcmp(want, got) == 0, "no qop generic");

	/* Verify through a parsed v2 Authorization. */
	T_CHECK(digest_aka_response("AKAv2-MD5", "u", "r", "REGISTER", "sip:r",
	    "nonce", res, 8, ck, ik, "auth", "00000001", "abc", got) == 0, "v2");
	snprintf(buf, sizeof(buf), "Digest username=\"u\",realm=\"r\","
	    "nonce=\"nonce\",uri=\"sip:r\",response=\"%s\",algorithm=AKAv2-MD5,"
	    "qop=auth,nc=00000001,cnonce=\"abc\"", got);
	T_CHECK(parse_str(buf, &d) == 0, "parse v2");
	T_CHECK(digest_aka_verify(&d, "REGISTER", res, 8, ck, ik) == 1,
	    "verify v2");
	ck[0] ^= 1;
	T_CHECK(digest_aka_verify(&d, "REGISTER", res, 8, ck, ik) == 0,
	    "verify v2 wrong ck");
	T_CHECK(digest_aka_verify(&d, "REGISTER", res, 8, NULL, NULL) == -EINVAL,
	    "verify v2 no keys");
	d.present &= ~(1u << DIGEST_RESPONSE);
	T_CHECK(digest_aka_verify(&d, "REGISTER", res, 8, ck, ik) == -EINVAL,
	    "verify without response");
}

/* RFC 2617 3.5 with auth-int: cross-check against a hand-built HA2. */
static void
test_authint(void)
{
	char a[33], b[33];

	T_CHECK(digest_response_md5("Mufasa", "testrealm@host.com",
	    (const uint8_t *)"Circle Of Life", 14, "GET", "/dir/index.html",
	    "dcd98b7102dd2f0e8b11d0f600bfb0c093", "auth-int", "00000001",
	    "0a4f113b", (const uint8_t *)"body", 4, a) == 0, "auth-int");
	T_CHECK(digest_response_md5("Mufasa", "testrealm@host.com",
	    (const uint8_t *)"Circle Of Life", 14, "GET", "/dir/index.html",
	    "dcd98b7102dd2f0e8b11d0f600bfb0c093", "auth-int", "00000001",
	    "0a4f113b", (const uint8_t *)"bodx", 4, b) == 0 &&
	    strcmp(a, b) != 0, "auth-int depends on the body");
	T_CHECK(digest_response_md5("Mufasa", "r", NULL, 0, "GET", "/", "n",
	    "auth-other", "00000001", "c", NULL, 0, a) == -EINVAL, "bad qop");
}

static void
test_parse_challenge(void)
{
	static const char *ch = "Digest realm=\"ims.example.org\",\r\n "
	    "nonce=\"I1U8vpY3qJ0hiuZNrke/NVXzKLQ1d7m5Sp/6w1Tfr7M=\" , "
	    "ALGORITHM=AKAv1-MD5,qop=\"auth,auth-int\", opaque=\"a\\\"b\\\\c\","
	    "ck=\"00112233445566778899aabbccddeeff\", "
	    "ik=\"ffeeddccbbaa99887766554433221100\", stale=FALSE, "
	    "x-ext=tok, y-ext=\"quoted val\"";
	uint8_t ck[16], ik[16], rand[16], autn[16], extra[8];
	size_t n;

	T_CHECK(parse_str(ch, &d) == 0, "challenge");
	T_CHECK(strcmp(d.opaque, "a\"b\\c") == 0, "escapes: %s", d.opaque);
	T_CHECK(strcmp(d.algorithm, "AKAv1-MD5") == 0, "case-insens name");
	T_CHECK(digest_qop_has(&d, "auth") && digest_qop_has(&d, "AUTH-INT") &&
	    !digest_qop_has(&d, "auth-conf"), "qop list");
	T_CHECK(d.nunknown == 2 && strcmp(d.unknown[0].name, "x-ext") == 0 &&
	    !d.unknown[0].quoted && strcmp(d.unknown[1].value,
	    "quoted val") == 0 && d.unknown[1].quoted, "unknown kept");
	T_CHECK(digest_keys(&d, ck, ik) == 0 && ck[0] == 0x00 &&
	    ck[15] == 0xff && ik[0] == 0xff, "keys");
	T_CHECK(round_trip(&d, DIGEST_FMT_CHALLENGE), "rt challenge: %s", buf);
	T_CHECK(round_trip(&d, 0), "rt credentials form: %s", buf);
	T_CHECK(digest_format(&d, DIGEST_FMT_CHALLENGE | DIGEST_FMT_NO_KEYS,
	    buf, sizeof(buf)) == 0 && strstr(buf, "ck=") == NULL &&
	    strstr(buf, "ik=") == NULL && strstr(buf, "x-ext=tok") != NULL &&
	    strstr(buf, "qop=\"auth,auth-int\"") != NULL, "strip: %s", buf);
	T_CHECK(parse_str(buf, &d2) == 0 && !DIGEST_HAS(&d2, DIGEST_CK) &&
	    digest_keys(&d2, ck, ik) == -ENOENT, "stripped parses");
	T_CHECK(digest_format(&d, 0, buf, 20) == -ENOSPC, "ENOSPC");
	T_CHECK(digest_aka_nonce_split(d.nonce, rand, autn, NULL, 0, NULL) == 0,
	    "split");
	/* nonce with server data */
	T_CHECK(digest_aka_nonce_make(rand, autn, (const uint8_t *)"srvdata", 7,
	    buf, sizeof(buf)) == 0, "make extra");
	T_CHECK(digest_aka_nonce_split(buf, rand, autn, extra, sizeof(extra),
	    &n) == 0 && n == 7 && memcmp(extra, "srvdata", 7) == 0, "extra");
	T_CHECK(digest_aka_nonce_split(buf, rand, autn, extra, 3, &n) ==
	    -EINVAL, "extra too big");
	T_CHECK(digest_aka_nonce_split("AAAA", rand, autn, NULL, 0, NULL) ==
	    -EINVAL, "short nonce");
	T_CHECK(digest_aka_nonce_split("I1U8vpY3qJ0hiuZNrke/NVXzKLQ1d7m5Sp/6w1"
	    "Tfr7M", rand, autn, NULL, 0, NULL) == -EINVAL, "bad b64 length");
	T_CHECK(digest_aka_nonce_split("I1U8vpY3qJ0hiuZNrke/NVXzKLQ1d7m5Sp/6w1"
	    "Tfr7!=", rand, autn, NULL, 0, NULL) == -EINVAL, "bad b64 char");
	/* Build a struct by hand, format, parse. */
	digest_init(&d);
	T_CHECK(digest_set(&d, DIGEST_REALM, "r") == 0 &&
	    digest_set(&d, DIGEST_NONCE, "") == 0 &&
	    digest_set(&d, DIGEST_ALGORITHM, "weird alg") == 0, "set");
	T_CHECK(round_trip(&d, DIGEST_FMT_CHALLENGE), "rt hand-built: %s", buf);
	T_CHECK(strcmp(digest_get(&d, DIGEST_ALGORITHM), "weird alg") == 0 &&
	    digest_get(&d, DIGEST_URI) == NULL, "get");
	memset(buf, 'a', DIGEST_MAX_VALUE + 1);
	buf[DIGEST_MAX_VALUE + 1] = '\0';
	T_CHECK(digest_set(&d, DIGEST_URI, buf) == -EINVAL, "set too long");
}

static void
test_bad(void)
{
	static const char *bad[] = {
		"", "Digest", "Digest ", "Digest  ,  ", "Basic realm=\"x\"",
		"Digestrealm=\"x\"", "Digest realm", "Digest realm=",
		"Digest realm=\"x", "Digest realm=\"x\\", "Digest realm=\"x\\\"",
		"Digest =x", "Digest realm=\"x\" nonce=\"y\"",
		"Digest realm=\"x\", realm=\"y\"", "Digest realm=x, REALM=y",
		"Digest foo=1, FOO=2", "Digest nc=0000001", "Digest nc=000000001",
		"Digest nc=0000000g", "Digest nc=\"0000000g\"",
		"Digest stale=maybe", "Digest qop=\"auth,\"",
		"Digest qop=\",auth\"", "Digest qop=\"auth auth-int\"",
		"Digest realm=a b", "Digest realm=\"a\r\nb\"",
		"Digest realm=\"a\\\rb\"", "Digest realm=\"a\001b\"",
		"Digest realm=a;b", "Digest realm=\"x\"garbage",
		"Digest re@lm=x", "Digest realm=x,\r\nnonce=y",
		"Digest\r\n realm=x,\r\n\r\n nonce=y",
	};
	char big[4096];
	size_t i, n;
	uint8_t auts[14], k16[16], k16b[16];

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		T_CHECK(parse_str(bad[i], &d) == -EINVAL, "rejects [%zu] %s", i,
		    bad[i]);
	T_CHECK(parse_str("Digest realm=x, ,, nonce=y,", &d) == 0,
	    "null elements");
	T_CHECK(parse_str("  digest\trealm = \"x\" ,\r\n\tnonce= y  ", &d) == 0 &&
	    strcmp(d.nonce, "y") == 0, "LWS");
	/* embedded NUL via length */
	T_CHECK(digest_parse("Digest realm=\"a\0b\"", 18, &d) == -EINVAL,
	    "NUL in quotes");
	T_CHECK(digest_parse("Digest realm=a\0", 15, &d) == -EINVAL,
	    "NUL after token");
	T_CHECK(digest_parse("Digest realm=ab", 14, &d) == 0 &&
	    strcmp(d.realm, "a") == 0, "length honoured");
	T_CHECK(digest_parse("Digest realm=\"ab\"", 16, &d) == -EINVAL,
	    "truncated in quotes");
	/* every truncation of a valid header is rejected or parses */
	{
		const char *ok = "Digest username=\"u\", realm=\"r\", nc=00000001, "
		    "qop=auth, response=\"0123\", x=\"\\\"\"";

		for (n = 0; n <= strlen(ok); n++) {
			int rc = digest_parse(ok, n, &d);

			T_CHECK(rc == 0 || rc == -EINVAL, "trunc %zu", n);
		}
	}
	/* oversized value: 512 ok, 513 not */
	n = (size_t)snprintf(big, sizeof(big), "Digest nonce=\"%0*d\"",
	    DIGEST_MAX_VALUE, 0);
	T_CHECK(digest_parse(big, n, &d) == 0 && strlen(d.nonce) ==
	    DIGEST_MAX_VALUE, "max value");
	T_CHECK(round_trip(&d, 0), "rt max value");
	n = (size_t)snprintf(big, sizeof(big), "Digest nonce=\"%0*d\"",
	    DIGEST_MAX_VALUE + 1, 0);
	T_CHECK(digest_parse(big, n, &d) == -EINVAL, "oversized value");
	n = (size_t)snprintf(big, sizeof(big), "Digest nonce=%0*d",
	    DIGEST_MAX_VALUE + 1, 0);
	T_CHECK(digest_parse(big, n, &d) == -EINVAL, "oversized token");
	n = (size_t)snprintf(big, sizeof(big), "Digest x%0*d=1",
	    DIGEST_MAX_NAME, 0);
	T_CHECK(digest_parse(big, n, &d) == -EINVAL, "oversized name");
	/* too many parameters: 32 ok, 33 not */
	n = (size_t)snprintf(big, sizeof(big), "Digest p0=0");
	for (i = 1; i < DIGEST_MAX_PARAMS; i++)
		n += (size_t)snprintf(big + n, sizeof(big) - n, ", p%zu=%zu", i, i);
	T_CHECK(digest_parse(big, n, &d) == 0 && d.nunknown ==
	    DIGEST_MAX_PARAMS, "max params");
	T_CHECK(round_trip(&d, 0), "rt max params");
	n += (size_t)snprintf(big + n, sizeof(big) - n, ", realm=x");
	T_CHECK(digest_parse(big, n, &d) == -EINVAL, "too many params");
	/* escaped value worst case fits DIGEST_FORMAT_MAX */
	digest_init(&d);
	memset(big, '"', DIGEST_MAX_VALUE);
	big[DIGEST_MAX_VALUE] = '\0';
	for (i = 0; i < DIGEST_NFIELDS; i++)
		digest_set(&d, (enum digest_field)i, big);
	strcpy(d.nc, "00000001");
	strcpy(d.stale, "true");
	strcpy(d.qop, "auth");
	T_CHECK(round_trip(&d, 0), "rt escapes");
	/* auts */
	T_CHECK(parse_str("Digest auts=\"RR6L7KQagBJeyoiEtWo\"", &d) == 0 &&
	    digest_auts(&d, auts) == -EINVAL, "auts bad b64");
	T_CHECK(parse_str("Digest auts=\"RR6L7KQagBJeyoiEtWoA\"", &d) == 0 &&
	    digest_auts(&d, auts) == -EINVAL, "auts 15 bytes? %d",
	    digest_auts(&d, auts));
	T_CHECK(parse_str("Digest auts=\"RR6L7KQagBJeyoiE\"", &d) == 0 &&
	    digest_auts(&d, auts) == -EINVAL, "auts 12 bytes");
	T_CHECK(parse_str("Digest ck=\"0011\", ik=\"00\"", &d) == 0 &&
	    digest_keys(&d, k16, k16b) == -EINVAL, "bad ck hex");
	/* verify needs the algorithm to be AKA */
	T_CHECK(parse_str("Digest username=\"u\", realm=\"r\", nonce=\"n\", "
	    "uri=\"s\", response=\"00000000000000000000000000000000\", "
	    "algorithm=MD5", &d) == 0 && digest_aka_verify(&d, "REGISTER",
	    auts, 8, NULL, NULL) == -EINVAL, "verify MD5");
	T_CHECK(parse_str("Digest username=\"u\", realm=\"r\", nonce=\"n\", "
	    "uri=\"s\", response=\"0000\", algorithm=AKAv1-MD5", &d) == 0 &&
	    digest_aka_verify(&d, "REGISTER", auts, 8, NULL, NULL) == 0,
	    "short response mismatches");
	T_CHECK(parse_str("Digest username=\"u\", realm=\"r\", nonce=\"n\", "
	    "uri=\"s\", response=\"0000\", algorithm=AKAv1-MD5, qop=auth",
	    &d) == 0 && digest_aka_verify(&d, "REGISTER", auts, 8, NULL,
	    NULL) == -EINVAL, "qop without nc");
}

int
main(void)
{
	cJSON *root = vec_load("digest_aka.json");

	test_published(root);
	test_examples(root);
	test_akav2();
	test_authint();
	test_parse_challenge();
	test_bad();
	cJSON_Delete(root);
	return t_done("test_digest");
}
