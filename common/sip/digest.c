/* digest.c - HTTP Digest for SIP: RFC 2617, RFC 7616, RFC 3310, RFC 4169.
 *
 * See digest.h for the accepted syntax and the limits.
 */
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "check.h"
#include "digest.h"
#include "hdrlex.h"
#include "strbuf.h"
#include "util.h"

/* Known parameters: name, where the value lives, and whether RFC 2617 /
 * RFC 3310 / TS 24.229 carry it as a quoted-string (1) or a token (0).
 * qop is special: quoted in a challenge, token in credentials. */
static const struct field_desc {
	const char	*name;
	size_t		 off;
	int		 quoted;
} fields[DIGEST_NFIELDS] = {
	[DIGEST_USERNAME] =	{ "username", offsetof(struct digest, username), 1 },
	[DIGEST_REALM] =	{ "realm", offsetof(struct digest, realm), 1 },
	[DIGEST_NONCE] =	{ "nonce", offsetof(struct digest, nonce), 1 },
	[DIGEST_URI] =		{ "uri", offsetof(struct digest, uri), 1 },
	[DIGEST_RESPONSE] =	{ "response", offsetof(struct digest, response), 1 },
	[DIGEST_ALGORITHM] =	{ "algorithm", offsetof(struct digest, algorithm), 0 },
	[DIGEST_CNONCE] =	{ "cnonce", offsetof(struct digest, cnonce), 1 },
	[DIGEST_OPAQUE] =	{ "opaque", offsetof(struct digest, opaque), 1 },
	[DIGEST_QOP] =		{ "qop", offsetof(struct digest, qop), 0 },
	[DIGEST_NC] =		{ "nc", offsetof(struct digest, nc), 0 },
	[DIGEST_AUTS] =		{ "auts", offsetof(struct digest, auts), 1 },
	[DIGEST_CK] =		{ "ck", offsetof(struct digest, ck), 1 },
	[DIGEST_IK] =		{ "ik", offsetof(struct digest, ik), 1 },
	[DIGEST_STALE] =	{ "stale", offsetof(struct digest, stale), 0 },
};

#define FIELD(d, f)	((char *)(d) + fields[f].off)
#define CFIELD(d, f)	((const char *)(d) + fields[f].off)

/* ---- parsing ---- */

static int
find_field(const char *name)
{
	int i;

	for (i = 0; i < DIGEST_NFIELDS; i++)
		if (strcasecmp(name, fields[i].name) == 0)
			return i;
	return -1;
}

static int
is_hexstr(const char *s, size_t len)
{
	size_t i;

	if (strlen(s) != len)
		return 0;
	for (i = 0; i < len; i++)
		if (!isxdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

/* qop-options = 1#qop-value (RFC 2617 3.2.1): tokens separated by commas
 * with optional LWS. */
static int
qop_valid(const char *s)
{
	struct hdrlex l;
	char tok[DIGEST_MAX_VALUE + 1];

	hdrlex_init(&l, s, strlen(s));
	for (;;) {
		hdrlex_skip_sws(&l);
		IMS_CHECK_RC(hdrlex_token(&l, tok, sizeof(tok)));
		hdrlex_skip_sws(&l);
		if (hdrlex_eof(&l))
			return 0;
		if (!hdrlex_accept(&l, ','))
			return -EINVAL;
	}
}

/* Field-specific syntax checks. */
static int
field_valid(int f, const char *v)
{
	switch (f) {
	case DIGEST_NC:
		/* nc-value = 8LHEX (RFC 2617 3.2.2) */
		return is_hexstr(v, 8) ? 0 : -EINVAL;
	case DIGEST_STALE:
		/* stale = "stale" "=" ( "true" | "false" ) (RFC 2617 3.2.1) */
		return strcasecmp(v, "true") == 0 ||
		    strcasecmp(v, "false") == 0 ? 0 : -EINVAL;
	case DIGEST_QOP:
		return qop_valid(v);
	default:
		return 0;
	}
}

static int
store_param(struct digest *d, const char *name, const char *value, int quoted)
{
	struct digest_param *u;
	size_t i, total;
	int f;

	total = d->nunknown + (size_t)__builtin_popcount(d->present);
	if (total >= DIGEST_MAX_PARAMS)
		return -EINVAL;
	if ((f = find_field(name)) >= 0) {
		if (DIGEST_HAS(d, f))
			return -EINVAL;		/* duplicated */
		IMS_CHECK_RC(field_valid(f, value));
		memcpy(FIELD(d, f), value, strlen(value) + 1);
		d->present |= 1u << f;
		return 0;
	}
	for (i = 0; i < d->nunknown; i++)
		if (strcasecmp(d->unknown[i].name, name) == 0)
			return -EINVAL;		/* duplicated */
	u = &d->unknown[d->nunknown++];
	memcpy(u->name, name, strlen(name) + 1);
	memcpy(u->value, value, strlen(value) + 1);
	u->quoted = quoted;
	return 0;
}

/* auth-param = token "=" ( token | quoted-string ) (RFC 2617 1.2) */
static int
parse_param(struct hdrlex *l, struct digest *d)
{
	char name[DIGEST_MAX_NAME + 1], value[DIGEST_MAX_VALUE + 1];
	int quoted;

	IMS_CHECK_RC(hdrlex_token(l, name, sizeof(name)));
	hdrlex_skip_sws(l);
	if (!hdrlex_accept(l, '='))
		return -EINVAL;
	hdrlex_skip_sws(l);
	quoted = hdrlex_peek(l, '"');
	if (quoted)
		IMS_CHECK_RC(hdrlex_quoted(l, value, sizeof(value)));
	else
		IMS_CHECK_RC(hdrlex_token(l, value, sizeof(value)));
	return store_param(d, name, value, quoted);
}

void
digest_init(struct digest *d)
{
	memset(d, 0, sizeof(*d));
	strcpy(d->scheme, "Digest");
}

int
digest_parse(const char *s, size_t len, struct digest *d)
{
	struct hdrlex l;
	char scheme[16];
	const char *before;
	int nparams = 0;

	IMS_CHECK_PARAMS(d != NULL);
	digest_init(d);
	IMS_CHECK_PARAMS(s != NULL);
	hdrlex_init(&l, s, len);
	hdrlex_skip_sws(&l);
	/* credentials = "Digest" digest-response (RFC 2617 3.2.2) */
	IMS_CHECK_RC(hdrlex_token(&l, scheme, sizeof(scheme)));
	if (strcasecmp(scheme, "Digest") != 0)
		return -EINVAL;
	before = l.p;
	hdrlex_skip_sws(&l);
	if (l.p == before)
		return -EINVAL;			/* "Digest" 1*LWS */
	for (;;) {
		hdrlex_skip_sws(&l);
		if (hdrlex_eof(&l))
			break;
		if (hdrlex_accept(&l, ','))	/* null element */
			continue;
		IMS_CHECK_RC(parse_param(&l, d));
		nparams++;
		hdrlex_skip_sws(&l);
		if (hdrlex_eof(&l))
			break;
		if (!hdrlex_accept(&l, ','))
			return -EINVAL;
	}
	return nparams > 0 ? 0 : -EINVAL;
}

/* ---- formatting ---- */

static int
format_param(struct strbuf *o, const char *name, const char *value,
    int quoted)
{
	if (!hdr_is_token(name))
		return -EINVAL;
	if (!quoted && !hdr_is_token(value))
		quoted = 1;
	if (o->len > 7)
		strbuf_puts(o, ", ");
	strbuf_puts(o, name);
	strbuf_putc(o, '=');
	if (!quoted) {
		strbuf_puts(o, value);
		return 0;
	}
	return hdr_put_quoted(o, value);
}

int
digest_format(const struct digest *d, int flags, char *out, size_t outsz)
{
	struct strbuf o;
	size_t i;
	int f, quoted;

	IMS_CHECK_PARAMS(d != NULL && out != NULL && outsz > 0);
	strbuf_init(&o, out, outsz);
	strbuf_puts(&o, "Digest ");
	for (f = 0; f < DIGEST_NFIELDS; f++) {
		if (!DIGEST_HAS(d, f))
			continue;
		if ((flags & DIGEST_FMT_NO_KEYS) &&
		    (f == DIGEST_CK || f == DIGEST_IK))
			continue;
		quoted = fields[f].quoted;
		if (f == DIGEST_QOP && (flags & DIGEST_FMT_CHALLENGE))
			quoted = 1;
		if (memchr(CFIELD(d, f), '\0', DIGEST_MAX_VALUE + 1) == NULL)
			return -EINVAL;
		IMS_CHECK_RC(format_param(&o, fields[f].name, CFIELD(d, f), quoted));
	}
	if (d->nunknown > DIGEST_MAX_PARAMS)
		return -EINVAL;
	for (i = 0; i < d->nunknown; i++) {
		const struct digest_param *u = &d->unknown[i];

		if (memchr(u->name, '\0', sizeof(u->name)) == NULL ||
		    memchr(u->value, '\0', sizeof(u->value)) == NULL)
			return -EINVAL;
		IMS_CHECK_RC(format_param(&o, u->name, u->value, u->quoted));
	}
	if (o.len == 7)
		return -EINVAL;			/* no parameters */
	return strbuf_status(&o);
}

int
digest_equal(const struct digest *a, const struct digest *b)
{
	size_t i;
	int f;

	if (a->present != b->present || a->nunknown != b->nunknown ||
	    strcmp(a->scheme, b->scheme) != 0)
		return 0;
	for (f = 0; f < DIGEST_NFIELDS; f++)
		if (DIGEST_HAS(a, f) && strcmp(CFIELD(a, f), CFIELD(b, f)) != 0)
			return 0;
	for (i = 0; i < a->nunknown && i < DIGEST_MAX_PARAMS; i++)
		if (strcmp(a->unknown[i].name, b->unknown[i].name) != 0 ||
		    strcmp(a->unknown[i].value, b->unknown[i].value) != 0 ||
		    !a->unknown[i].quoted != !b->unknown[i].quoted)
			return 0;
	return 1;
}

const char *
digest_get(const struct digest *d, enum digest_field f)
{
	if (d == NULL || (int)f < 0 || f >= DIGEST_NFIELDS || !DIGEST_HAS(d, f))
		return NULL;
	return CFIELD(d, f);
}

int
digest_set(struct digest *d, enum digest_field f, const char *s)
{
	size_t n;

	IMS_CHECK_PARAMS(d != NULL && s != NULL && (int)f >= 0 &&
	    f < DIGEST_NFIELDS);
	n = strlen(s);
	IMS_CHECK_PARAMS(n <= DIGEST_MAX_VALUE);
	memcpy(FIELD(d, f), s, n + 1);
	d->present |= 1u << f;
	return 0;
}

int
digest_qop_has(const struct digest *d, const char *opt)
{
	struct hdrlex l;
	char tok[DIGEST_MAX_VALUE + 1];

	if (d == NULL || opt == NULL || !DIGEST_HAS(d, DIGEST_QOP))
		return 0;
	hdrlex_init(&l, d->qop, strlen(d->qop));
	for (;;) {
		hdrlex_skip_sws(&l);
		if (hdrlex_token(&l, tok, sizeof(tok)) < 0)
			return 0;
		if (strcasecmp(tok, opt) == 0)
			return 1;
		hdrlex_skip_sws(&l);
		if (!hdrlex_accept(&l, ','))
			return 0;
	}
}

/* ---- AKA nonce, AUTS, keys (RFC 3310 3.2, 3.4) ---- */

int
digest_aka_nonce_make(const uint8_t rand[16], const uint8_t autn[16],
    const uint8_t *extra, size_t extra_len, char *out, size_t outsz)
{
	uint8_t buf[DIGEST_MAX_VALUE];
	size_t n;

	IMS_CHECK_PARAMS(rand != NULL && autn != NULL && out != NULL);
	IMS_CHECK_PARAMS(extra_len == 0 || extra != NULL);
	IMS_CHECK_PARAMS(extra_len <= sizeof(buf) - 32);
	n = 32 + extra_len;
	IMS_CHECK_PARAMS(base64_encoded_len(n) <= DIGEST_MAX_VALUE);
	if (outsz < base64_encoded_len(n) + 1)
		return -ENOSPC;
	memcpy(buf, rand, 16);
	memcpy(buf + 16, autn, 16);
	if (extra_len > 0)
		memcpy(buf + 32, extra, extra_len);
	base64_encode(buf, n, out);
	return 0;
}

int
digest_aka_nonce_split(const char *nonce, uint8_t rand[16], uint8_t autn[16],
    uint8_t *extra, size_t extra_max, size_t *extra_len)
{
	uint8_t buf[DIGEST_MAX_VALUE];
	size_t n, len;

	IMS_CHECK_PARAMS(nonce != NULL && rand != NULL && autn != NULL);
	len = strnlen(nonce, DIGEST_MAX_VALUE + 1);
	IMS_CHECK_PARAMS(len <= DIGEST_MAX_VALUE);
	IMS_CHECK_RC(base64_decode(nonce, len, buf, sizeof(buf), &n));
	if (n < 32)
		return -EINVAL;
	if (extra != NULL) {
		if (n - 32 > extra_max)
			return -EINVAL;
		memcpy(extra, buf + 32, n - 32);
	}
	if (extra_len != NULL)
		*extra_len = n - 32;
	memcpy(rand, buf, 16);
	memcpy(autn, buf + 16, 16);
	return 0;
}

int
digest_auts(const struct digest *d, uint8_t auts[14])
{
	uint8_t buf[16];
	size_t n;

	IMS_CHECK_PARAMS(d != NULL && auts != NULL);
	if (!DIGEST_HAS(d, DIGEST_AUTS))
		return -ENOENT;
	IMS_CHECK_RC(base64_decode(d->auts, strnlen(d->auts, DIGEST_MAX_VALUE),
	    buf, sizeof(buf), &n));
	if (n != 14)
		return -EINVAL;
	memcpy(auts, buf, 14);
	return 0;
}

int
digest_keys(const struct digest *d, uint8_t ck[16], uint8_t ik[16])
{
	IMS_CHECK_PARAMS(d != NULL && ck != NULL && ik != NULL);
	if (!DIGEST_HAS(d, DIGEST_CK) || !DIGEST_HAS(d, DIGEST_IK))
		return -ENOENT;
	IMS_CHECK_RC(hex_decode(d->ck, ck, 16));
	if (hex_decode(d->ik, ik, 16) < 0) {
		secure_wipe(ck, 16);
		return -EINVAL;
	}
	return 0;
}

/* ---- AKA passwords (RFC 3310 3.3, RFC 4169 3) ---- */

static int
aka_version(const char *algorithm)
{
	if (algorithm == NULL)
		return -EINVAL;
	if (strcasecmp(algorithm, "AKAv1-MD5") == 0)
		return 1;
	if (strcasecmp(algorithm, "AKAv2-MD5") == 0)
		return 2;
	return -EINVAL;
}

int
digest_aka_password(const char *algorithm, const uint8_t *res, size_t res_len,
    const uint8_t *ck, const uint8_t *ik, uint8_t pw[DIGEST_AKA_PW_MAX],
    size_t *pw_len)
{
	static const char label[] = "http-digest-akav2-password";
	uint8_t key[16 + 16 + 16], mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0;
	char b64[DIGEST_AKA_PW_MAX + 1];
	int v;

	IMS_CHECK_PARAMS(pw != NULL && pw_len != NULL);
	*pw_len = 0;
	IMS_CHECK_RC(v = aka_version(algorithm));
	IMS_CHECK_PARAMS(res_len == 0 || (res != NULL && res_len >= 4 &&
	    res_len <= 16));
	if (res_len == 0)
		return 0;		/* RFC 3310 3.4: empty password */
	if (v == 1) {
		memcpy(pw, res, res_len);
		*pw_len = res_len;
		return 0;
	}
	IMS_CHECK_PARAMS(ck != NULL && ik != NULL);
	memcpy(key, res, res_len);
	memcpy(key + res_len, ik, 16);
	memcpy(key + res_len + 16, ck, 16);
	if (HMAC(EVP_md5(), key, (int)(res_len + 32),
	    (const unsigned char *)label, sizeof(label) - 1, mac,
	    &maclen) == NULL || maclen != 16) {
		secure_wipe(key, sizeof(key));
		secure_wipe(mac, sizeof(mac));
		log_err("%s: HMAC-MD5 failed", __func__);
		return -EIO;
	}
	secure_wipe(key, sizeof(key));
	base64_encode(mac, 16, b64);		/* 24 characters */
	secure_wipe(mac, sizeof(mac));
	*pw_len = strlen(b64);
	memcpy(pw, b64, *pw_len);
	secure_wipe(b64, sizeof(b64));
	return 0;
}

/* ---- RFC 2617 3.2.2 response ---- */

/* MD5 of parts joined by ':' into 32 lower-case hex digits. */
static int
md5_join_hex(const void *const *parts, const size_t *lens, size_t n,
    char out[33])
{
	EVP_MD_CTX *ctx;
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	size_t i;
	int ok;

	IMS_CHECK_MALLOC(ctx = EVP_MD_CTX_new());
	ok = EVP_DigestInit_ex(ctx, EVP_md5(), NULL) == 1;
	for (i = 0; ok && i < n; i++) {
		if (i > 0)
			ok = EVP_DigestUpdate(ctx, ":", 1) == 1;
		if (ok && lens[i] > 0)
			ok = EVP_DigestUpdate(ctx, parts[i], lens[i]) == 1;
	}
	if (ok)
		ok = EVP_DigestFinal_ex(ctx, md, &mdlen) == 1 && mdlen == 16;
	EVP_MD_CTX_free(ctx);
	if (!ok) {
		log_err("%s: MD5 failed", __func__);
		return -EIO;
	}
	hex_encode(md, 16, out);
	return 0;
}

int
digest_response_md5(const char *username, const char *realm,
    const uint8_t *pw, size_t pw_len, const char *method, const char *uri,
    const char *nonce, const char *qop, const char *nc, const char *cnonce,
    const uint8_t *body, size_t body_len, char out[33])
{
	char ha1[33], ha2[33], hbody[33];
	const void *p[6];
	size_t l[6];
	int rc, authint = 0;

	IMS_CHECK_PARAMS(username != NULL && realm != NULL && method != NULL &&
	    uri != NULL && nonce != NULL && out != NULL);
	IMS_CHECK_PARAMS(pw_len == 0 || pw != NULL);
	if (qop != NULL) {
		if (strcmp(qop, "auth-int") == 0)
			authint = 1;
		else if (strcmp(qop, "auth") != 0)
			return -EINVAL;
		if (nc == NULL || cnonce == NULL || !is_hexstr(nc, 8))
			return -EINVAL;
		IMS_CHECK_PARAMS(body_len == 0 || body != NULL);
	}

	/* HA1 = MD5(A1), A1 = unq(username) ":" unq(realm) ":" passwd */
	p[0] = username; l[0] = strlen(username);
	p[1] = realm; l[1] = strlen(realm);
	p[2] = pw; l[2] = pw_len;
	IMS_CHECK_RC(md5_join_hex(p, l, 3, ha1));

	/* HA2 = MD5(A2), A2 = Method ":" uri [ ":" H(entity-body) ] */
	p[0] = method; l[0] = strlen(method);
	p[1] = uri; l[1] = strlen(uri);
	if (authint) {
		p[2] = body; l[2] = body_len;
		if ((rc = md5_join_hex(p + 2, l + 2, 1, hbody)) < 0)
			goto out;
		p[2] = hbody; l[2] = 32;
	}
	if ((rc = md5_join_hex(p, l, authint ? 3 : 2, ha2)) < 0)
		goto out;

	/* request-digest (RFC 2617 3.2.2.1) */
	p[0] = ha1; l[0] = 32;
	p[1] = nonce; l[1] = strlen(nonce);
	if (qop != NULL) {
		p[2] = nc; l[2] = 8;
		p[3] = cnonce; l[3] = strlen(cnonce);
		p[4] = qop; l[4] = strlen(qop);
		p[5] = ha2; l[5] = 32;
		rc = md5_join_hex(p, l, 6, out);
	} else {
		p[2] = ha2; l[2] = 32;
		rc = md5_join_hex(p, l, 3, out);
	}
out:
	secure_wipe(ha1, sizeof(ha1));
	return rc;
}

int
digest_aka_response(const char *algorithm, const char *username,
    const char *realm, const char *method, const char *uri, const char *nonce,
    const uint8_t *res, size_t res_len, const uint8_t *ck, const uint8_t *ik,
    const char *qop, const char *nc, const char *cnonce, char out[33])
{
	uint8_t pw[DIGEST_AKA_PW_MAX];
	size_t pw_len;
	int rc;

	IMS_CHECK_PARAMS(out != NULL);
	if (qop != NULL && strcmp(qop, "auth") != 0)
		return -EINVAL;
	if (qop == NULL)
		nc = cnonce = NULL;
	IMS_CHECK_RC(digest_aka_password(algorithm, res, res_len, ck, ik, pw,
	    &pw_len));
	rc = digest_response_md5(username, realm, pw, pw_len, method, uri,
	    nonce, qop, nc, cnonce, NULL, 0, out);
	secure_wipe(pw, sizeof(pw));
	return rc;
}

int
digest_aka_verify(const struct digest *c, const char *method,
    const uint8_t *xres, size_t xres_len, const uint8_t *ck, const uint8_t *ik)
{
	static const enum digest_field need[] = { DIGEST_USERNAME,
	    DIGEST_REALM, DIGEST_NONCE, DIGEST_URI, DIGEST_RESPONSE,
	    DIGEST_ALGORITHM };
	char want[33], got[33];
	const char *qop = NULL;
	size_t i;
	int rc, eq;

	IMS_CHECK_PARAMS(c != NULL && method != NULL);
	for (i = 0; i < sizeof(need) / sizeof(need[0]); i++)
		if (!DIGEST_HAS(c, need[i]))
			return -EINVAL;
	if (aka_version(c->algorithm) < 0)
		return -EINVAL;
	if (DIGEST_HAS(c, DIGEST_QOP)) {
		/* Only qop=auth: auth-int would need the body. */
		if (strcasecmp(c->qop, "auth") != 0 ||
		    !DIGEST_HAS(c, DIGEST_NC) || !DIGEST_HAS(c, DIGEST_CNONCE))
			return -EINVAL;
		qop = "auth";
	}
	if (DIGEST_HAS(c, DIGEST_AUTS))
		xres_len = 0;		/* RFC 3310 3.4: empty password */
	else if (xres == NULL || xres_len == 0)
		return -EINVAL;
	rc = digest_aka_response(c->algorithm, c->username, c->realm, method,
	    c->uri, c->nonce, xres, xres_len, ck, ik, qop,
	    qop ? c->nc : NULL, qop ? c->cnonce : NULL, want);
	if (rc < 0)
		return rc;
	/* request-digest = <"> 32LHEX <">; accept upper case too. */
	if (strlen(c->response) != 32) {
		secure_wipe(want, sizeof(want));
		return 0;
	}
	for (i = 0; i < 32; i++)
		got[i] = (char)tolower((unsigned char)c->response[i]);
	eq = ct_equal(want, got, 32);
	secure_wipe(want, sizeof(want));
	return eq;
}
