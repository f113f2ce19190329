/* ue_auth.c - the UE's Authorization header values for IMS AKA
 * (TS 24.229 5.1.1.2.1, 5.1.1.5; RFC 3310 3.2-3.4; RFC 2617 3.2.2). */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "check.h"
#include "ue.h"
#include "util.h"

#define UE_NC		"00000001"	/* first use of each nonce (RFC 2617 3.2.2) */

/*
 * TS 24.229 5.1.1.2.1: the initial REGISTER carries an Authorization header
 * with the private identity as username, the home domain as realm, the
 * Request-URI as uri and empty nonce and response (no challenge yet).
 */
int
ue_auth_initial(const struct ue_conf *c, const char *uri, char *out,
    size_t outsz)
{
	struct digest d;

	digest_init(&d);
	IMS_CHECK_RC(digest_set(&d, DIGEST_USERNAME, c->impi));
	IMS_CHECK_RC(digest_set(&d, DIGEST_REALM, c->domain));
	IMS_CHECK_RC(digest_set(&d, DIGEST_NONCE, ""));
	IMS_CHECK_RC(digest_set(&d, DIGEST_URI, uri));
	IMS_CHECK_RC(digest_set(&d, DIGEST_RESPONSE, ""));
	return digest_format(&d, 0, out, outsz);
}

/* The fields every answer to a challenge repeats (RFC 2617 3.2.2: realm,
 * nonce, opaque and algorithm as received). */
static int
answer_common(const struct ue_conf *c, const struct digest *chal,
    const char *uri, struct digest *d)
{
	digest_init(d);
	IMS_CHECK_RC(digest_set(d, DIGEST_USERNAME, c->impi));
	IMS_CHECK_RC(digest_set(d, DIGEST_REALM, digest_get(chal, DIGEST_REALM) ?
	    digest_get(chal, DIGEST_REALM) : c->domain));
	IMS_CHECK_RC(digest_set(d, DIGEST_NONCE, chal->nonce));
	IMS_CHECK_RC(digest_set(d, DIGEST_URI, uri));
	IMS_CHECK_RC(digest_set(d, DIGEST_ALGORITHM, chal->algorithm));
	if (DIGEST_HAS(chal, DIGEST_OPAQUE))
		IMS_CHECK_RC(digest_set(d, DIGEST_OPAQUE, chal->opaque));
	return 0;
}

/*
 * RFC 3310 3.3: the password is RES (AKAv1) or derived from RES, IK, CK
 * (AKAv2, RFC 4169 3).  RFC 3310 3.4: on a synchronisation failure the
 * password is empty and the AUTS goes in the auts parameter, base64.
 * We answer qop=auth when offered (auth-int is not supported).
 */
int
ue_auth_answer(const struct ue_conf *c, const struct digest *chal,
    const char *method, const char *uri, const uint8_t *res, size_t res_len,
    const uint8_t *ck, const uint8_t *ik, const uint8_t *auts, char *out,
    size_t outsz)
{
	struct digest d;
	char cnonce[33], response[33], b64[32];
	const char *qop = NULL;

	IMS_CHECK_RC(answer_common(c, chal, uri, &d));
	if (DIGEST_HAS(chal, DIGEST_QOP)) {
		if (!digest_qop_has(chal, "auth"))
			return -ENOTSUP;
		qop = "auth";
		IMS_CHECK_RC(ue_random_hex(cnonce, 16));
		IMS_CHECK_RC(digest_set(&d, DIGEST_CNONCE, cnonce));
		IMS_CHECK_RC(digest_set(&d, DIGEST_QOP, qop));
		IMS_CHECK_RC(digest_set(&d, DIGEST_NC, UE_NC));
	}
	IMS_CHECK_RC(digest_aka_response(chal->algorithm, c->impi, d.realm, method,
	    uri, chal->nonce, res, res_len, ck, ik, qop,
	    qop != NULL ? UE_NC : NULL, qop != NULL ? cnonce : NULL,
	    response));
	IMS_CHECK_RC(digest_set(&d, DIGEST_RESPONSE, response));
	if (auts != NULL) {
		base64_encode(auts, AKA_AUTS_LEN, b64);
		IMS_CHECK_RC(digest_set(&d, DIGEST_AUTS, b64));
	}
	return digest_format(&d, 0, out, outsz);
}

/*
 * TS 24.229 5.1.1.5.3 / RFC 3310 3.4: when the network fails
 * authentication (MAC-A or AMF wrong) the UE must not compute a response;
 * it sends a REGISTER whose Authorization has an empty response and no
 * auts, so the S-CSCF learns the challenge was refused.
 */
int
ue_auth_reject(const struct ue_conf *c, const struct digest *chal,
    const char *uri, char *out, size_t outsz)
{
	struct digest d;

	IMS_CHECK_RC(answer_common(c, chal, uri, &d));
	IMS_CHECK_RC(digest_set(&d, DIGEST_RESPONSE, ""));
	return digest_format(&d, 0, out, outsz);
}

/* RFC 3310 3.1: an AKA challenge has algorithm AKAv1-MD5 (or AKAv2-MD5,
 * RFC 4169) and a nonce carrying RAND and AUTN. */
int
ue_auth_challenge(const struct ue_resp *r, struct digest *d)
{
	size_t i;
	int rc = -ENOENT;

	for (i = 0; i < r->nwww_auth; i++) {
		if (digest_parse(r->www_auth[i], strlen(r->www_auth[i]), d) < 0) {
			rc = -EINVAL;
			continue;
		}
		if (!DIGEST_HAS(d, DIGEST_NONCE) ||
		    !DIGEST_HAS(d, DIGEST_ALGORITHM))
			continue;
		if (strcasecmp(d->algorithm, "AKAv1-MD5") == 0 ||
		    strcasecmp(d->algorithm, "AKAv2-MD5") == 0)
			return 0;
	}
	return rc;
}
