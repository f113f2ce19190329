/* ue_httpauth.c - HTTP Digest, client side, for Ub and Ut (RFC 2617 3.2,
 * RFC 3310 3, TS 24.109 4.4 and 5.2).  See ue_httpauth.h. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/rand.h>

#include "check.h"
#include "ue_httpauth.h"
#include "util.h"

#define UE_DAUTH_NC	"00000001"	/* each nonce is used once here */

int
ue_dauth_challenge(const char (*values)[UE_HTTP_HDR_MAX], size_t n,
    const char *alg, struct digest *chal)
{
	const char *a;
	size_t i;
	int rc = -ENOENT;

	for (i = 0; i < n; i++) {
		/* another scheme (Basic, ...) is not ours */
		if (strncasecmp(values[i], "Digest", 6) != 0)
			continue;
		if (digest_parse(values[i], strlen(values[i]), chal) < 0) {
			rc = -EINVAL;
			continue;
		}
		if (!DIGEST_HAS(chal, DIGEST_NONCE) ||
		    !DIGEST_HAS(chal, DIGEST_REALM)) {
			rc = -EINVAL;
			continue;
		}
		a = DIGEST_HAS(chal, DIGEST_ALGORITHM) ? chal->algorithm : "MD5";
		if (strcasecmp(a, alg) == 0)
			return 0;
	}
	return rc;
}

static int
copy(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);

	if (n >= size)
		return -EINVAL;
	memcpy(dst, src, n + 1);
	return 0;
}

int
ue_dauth_answer(struct ue_dauth *a, const struct digest *chal,
    const char *prefer, const char *method, const uint8_t *body,
    size_t body_len, const char *cnonce, const char *auts_b64, char *out,
    size_t outsz)
{
	const char *other = strcmp(prefer, "auth") == 0 ? "auth-int" : "auth";
	struct digest d;
	int rc;

	IMS_CHECK_PARAMS(DIGEST_HAS(chal, DIGEST_NONCE) &&
	    DIGEST_HAS(chal, DIGEST_REALM));
	IMS_CHECK_PARAMS(cnonce != NULL && strlen(cnonce) < sizeof(a->cnonce));
	IMS_CHECK_RC(copy(a->realm, sizeof(a->realm), chal->realm));
	IMS_CHECK_RC(copy(a->nonce, sizeof(a->nonce), chal->nonce));
	a->qop[0] = a->nc[0] = a->cnonce[0] = '\0';
	/* RFC 2617 3.2.2: qop one of those the challenge offered */
	if (DIGEST_HAS(chal, DIGEST_QOP)) {
		if (digest_qop_has(chal, prefer))
			snprintf(a->qop, sizeof(a->qop), "%s", prefer);
		else if (digest_qop_has(chal, other))
			snprintf(a->qop, sizeof(a->qop), "%s", other);
		else
			return -ENOTSUP;
		snprintf(a->nc, sizeof(a->nc), "%s", UE_DAUTH_NC);
		snprintf(a->cnonce, sizeof(a->cnonce), "%s", cnonce);
	}
	IMS_CHECK_RC(digest_response_md5(a->username, a->realm, a->pw,
	    a->pw_len, method, a->uri, a->nonce, a->qop[0] ? a->qop : NULL,
	    a->qop[0] ? a->nc : NULL, a->qop[0] ? a->cnonce : NULL, body,
	    body_len, a->response));

	digest_init(&d);
	IMS_CHECK_RC(digest_set(&d, DIGEST_USERNAME, a->username));
	IMS_CHECK_RC(digest_set(&d, DIGEST_REALM, a->realm));
	IMS_CHECK_RC(digest_set(&d, DIGEST_NONCE, a->nonce));
	IMS_CHECK_RC(digest_set(&d, DIGEST_URI, a->uri));
	IMS_CHECK_RC(digest_set(&d, DIGEST_RESPONSE, a->response));
	/* RFC 2617 3.2.2: algorithm and opaque as the challenge gave them */
	if (DIGEST_HAS(chal, DIGEST_ALGORITHM))
		IMS_CHECK_RC(digest_set(&d, DIGEST_ALGORITHM, chal->algorithm));
	if (DIGEST_HAS(chal, DIGEST_OPAQUE))
		IMS_CHECK_RC(digest_set(&d, DIGEST_OPAQUE, chal->opaque));
	if (a->qop[0] != '\0') {
		IMS_CHECK_RC(digest_set(&d, DIGEST_CNONCE, a->cnonce));
		IMS_CHECK_RC(digest_set(&d, DIGEST_QOP, a->qop));
		IMS_CHECK_RC(digest_set(&d, DIGEST_NC, a->nc));
	}
	if (auts_b64 != NULL)
		IMS_CHECK_RC(digest_set(&d, DIGEST_AUTS, auts_b64));
	rc = digest_format(&d, 0, out, outsz);
	return rc;
}

int
ue_authinfo_parse(const char *value, size_t len, struct digest *d)
{
	char buf[UE_HTTP_HDR_MAX + 8];
	size_t i;

	/* RFC 7615 3: the value is a list of auth-params, the grammar of a
	 * Digest credential's parameters: parsed as "Digest " value. */
	if (len + 8 > sizeof(buf) || memchr(value, '\0', len) != NULL)
		return -EINVAL;
	for (i = 0; i < len && (value[i] == ' ' || value[i] == '\t'); i++)
		;
	if (i == len)
		return -EINVAL;
	memcpy(buf, "Digest ", 7);
	memcpy(buf + 7, value + i, len - i);
	return digest_parse(buf, 7 + len - i, d);
}

const char *
ue_digest_param(const struct digest *d, const char *name)
{
	size_t i;

	for (i = 0; i < d->nunknown; i++)
		if (strcasecmp(d->unknown[i].name, name) == 0)
			return d->unknown[i].value;
	return NULL;
}

int
ue_dauth_rspauth(const struct ue_dauth *a, const struct digest *info,
    const uint8_t *body, size_t body_len)
{
	const char *rspauth = ue_digest_param(info, "rspauth");
	const char *qop = a->qop[0] ? a->qop : NULL;
	char want[33], got[33];
	size_t i;
	int rc;

	if (rspauth == NULL || strlen(rspauth) != 32)
		return 0;
	/* RFC 2617 3.2.3: the same qop, cnonce and nc as the request */
	if (qop != NULL && ((DIGEST_HAS(info, DIGEST_QOP) &&
	    strcasecmp(info->qop, qop) != 0) ||
	    (DIGEST_HAS(info, DIGEST_CNONCE) &&
	    strcmp(info->cnonce, a->cnonce) != 0) ||
	    (DIGEST_HAS(info, DIGEST_NC) && strcmp(info->nc, a->nc) != 0)))
		return 0;
	if ((rc = digest_response_md5(a->username, a->realm, a->pw, a->pw_len,
	    "", a->uri, a->nonce, qop, qop != NULL ? a->nc : NULL,
	    qop != NULL ? a->cnonce : NULL, body, body_len, want)) < 0)
		return rc;
	for (i = 0; i < 32; i++)
		got[i] = (char)tolower((unsigned char)rspauth[i]);
	got[32] = '\0';
	rc = ct_equal(want, got, 32);
	secure_wipe(want, sizeof(want));
	return rc;
}

void
ue_dauth_wipe(struct ue_dauth *a)
{
	secure_wipe(a, sizeof(*a));
}

int
ue_dauth_cnonce(char out[33])
{
	uint8_t b[16];

	IMS_CHECK_SSL(RAND_bytes(b, sizeof(b)));
	hex_encode(b, sizeof(b), out);
	return 0;
}
