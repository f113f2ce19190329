/* ue_gba.c - GBA bootstrapping over Ub, the UE side (TS 33.220 4.5.2,
 * TS 24.109 4.4, RFC 3310):
 *
 *	GET path, Authorization: Digest username=IMPI, realm=BSF host,
 *	    nonce="", uri=path, response=""			(24.109 4.4.3)
 *	401, WWW-Authenticate: Digest AKAv1-MD5, nonce = base64(RAND||AUTN)
 *	    the USIM checks AUTN (TS 33.102 6.3.3); SQN stale: empty password
 *	    and auts (RFC 3310 3.4), one more 401 expected
 *	GET again, response with RES as password, qop auth-int when offered
 *	200, Authentication-Info rspauth (mutual authentication, RFC 3310
 *	    3.3), body application/vnd.3gpp.bsf+xml: B-TID, key lifetime
 *	Ks_NAF = KDF(CK||IK, "gba-me", RAND, IMPI, NAF_Id) (TS 33.220 Annex B)
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "aka.h"
#include "ue.h"
#include "ue_gba.h"
#include "ue_httpauth.h"
#include "util.h"

#define UB_CTYPE_LEN	(sizeof(BSFXML_CTYPE) - 1)

static int
gba_fail(struct ue_gba_result *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
gba_fail(struct ue_gba_result *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->why, sizeof(r->why), fmt, ap);
	va_end(ap);
	return -1;
}

void
ue_gba_result_wipe(struct ue_gba_result *r)
{
	secure_wipe(r, sizeof(*r));
}

/* TS 24.109 4.4.3: the first request names the user before any challenge;
 * its realm is the BSF's name (the URL's host unless --realm says). */
static int
ub_initial(const struct ue_gba_conf *c, const struct ue_url *u, char *out,
    size_t outsz)
{
	struct digest d;

	digest_init(&d);
	if (digest_set(&d, DIGEST_USERNAME, c->impi) < 0 ||
	    digest_set(&d, DIGEST_REALM, c->realm != NULL ? c->realm :
	    u->host) < 0 ||
	    digest_set(&d, DIGEST_NONCE, "") < 0 ||
	    digest_set(&d, DIGEST_URI, u->path) < 0 ||
	    digest_set(&d, DIGEST_RESPONSE, "") < 0)
		return -EINVAL;
	return digest_format(&d, 0, out, outsz);
}

/* RFC 3310 3.1 (AKAv1-MD5), RFC 4169 (AKAv2-MD5). */
static int
ub_challenge(const struct ue_http_resp *resp, struct digest *chal)
{
	if (ue_dauth_challenge(resp->www_auth, resp->nwww_auth, "AKAv1-MD5",
	    chal) == 0)
		return 0;
	return ue_dauth_challenge(resp->www_auth, resp->nwww_auth,
	    "AKAv2-MD5", chal);
}

/* The 200: mutual authentication, then the body (TS 24.109 4.4.5-4.4.6). */
static int
ub_final(const struct ue_dauth *a, const struct ue_http_resp *resp,
    struct ue_gba_result *r)
{
	struct digest info;
	int rc;

	if (resp->auth_info[0] == '\0')
		return gba_fail(r, "BSF not authenticated: no "
		    "Authentication-Info in the 200");
	if (ue_authinfo_parse(resp->auth_info, strlen(resp->auth_info),
	    &info) < 0)
		return gba_fail(r, "BSF not authenticated: malformed "
		    "Authentication-Info");
	if ((rc = ue_dauth_rspauth(a, &info, resp->body, resp->body_len)) != 1)
		return gba_fail(r, rc < 0 ? "rspauth: internal error" :
		    "BSF not authenticated: rspauth mismatch");
	if (strncasecmp(resp->content_type, BSFXML_CTYPE, UB_CTYPE_LEN) != 0 ||
	    (resp->content_type[UB_CTYPE_LEN] != '\0' &&
	    resp->content_type[UB_CTYPE_LEN] != ';' &&
	    resp->content_type[UB_CTYPE_LEN] != ' '))
		return gba_fail(r, "200 without a %s body (Content-Type "
		    "\"%s\")", BSFXML_CTYPE, resp->content_type);
	if (bsfxml_parse_text((const char *)resp->body, resp->body_len,
	    r->btid, sizeof(r->btid), r->lifetime, sizeof(r->lifetime),
	    &r->expiry) < 0)
		return gba_fail(r, "malformed %s body", BSFXML_CTYPE);
	return 0;
}

/* TS 33.220 4.5.2: NAF_Id and Ks_NAF. */
static int
ub_keys(const struct ue_gba_conf *c, struct ue_gba_result *r)
{
	static const uint8_t proto[KDF_UA_PROTO_LEN] = KDF_UA_PROTO_HTTP_DIGEST;

	if (kdf_naf_id(c->naf_fqdn, proto, r->naf_id, sizeof(r->naf_id),
	    &r->naf_id_len) < 0)
		return gba_fail(r, "bad NAF FQDN");
	if (kdf_ks_naf(r->ck, r->ik, r->rand, c->impi, r->naf_id,
	    r->naf_id_len, r->ks_naf) < 0)
		return gba_fail(r, "Ks_NAF derivation failed");
	return 0;
}

/* TS 33.102 6.3.3 in the USIM: AKA_OK (keys in r, SQN saved before the
 * response leaves), AKA_SYNC_FAILURE (auts), other failures. */
static int
usim(const struct ue_gba_conf *c, struct milenage_ctx *mil,
    struct aka_ue_sqn *sqn, const struct digest *chal,
    struct ue_gba_result *r, uint8_t auts[AKA_AUTS_LEN])
{
	uint8_t autn[16];
	int rc;

	if (digest_aka_nonce_split(chal->nonce, r->rand, autn, NULL, 0,
	    NULL) < 0)
		return -EBADMSG;
	rc = aka_ue_check(mil, sqn, r->rand, autn, c->amf_sep, r->res, r->ck,
	    r->ik, auts);
	if (rc == AKA_OK && ue_sqn_save(c->state_path, sqn) < 0)
		return -EIO;
	return rc;
}

/* One answer to chal, sent; the response in resp. */
static int
ub_answer(struct ue_http *h, const struct ue_url *u, struct ue_dauth *a,
    const struct digest *chal, const char *auts_b64,
    struct ue_http_resp *resp, struct ue_gba_result *r)
{
	struct ue_http_req q = { .method = "GET", .path = u->path };
	char auth[DIGEST_FORMAT_MAX], cnonce[33];
	int rc;

	if (ue_dauth_cnonce(cnonce) < 0)
		return gba_fail(r, "no random cnonce");
	/* TS 24.109 4.4.4: qop auth-int protects the body (none: GET) */
	rc = ue_dauth_answer(a, chal, "auth-int", q.method, NULL, 0, cnonce,
	    auts_b64, auth, sizeof(auth));
	if (rc == -ENOTSUP)
		return gba_fail(r, "challenge offers neither qop auth-int nor "
		    "auth");
	if (rc < 0)
		return gba_fail(r, "cannot answer the challenge (%s)",
		    strerror(-rc));
	q.authorization = auth;
	rc = ue_http_request(h, &q, resp);
	secure_wipe(auth, sizeof(auth));
	if (rc < 0)
		return gba_fail(r, "%s", ue_http_error(h));
	r->status = resp->status;
	return 0;
}

static int
bootstrap(const struct ue_gba_conf *c, const struct ue_url *u,
    struct ue_http *h, struct milenage_ctx *mil, struct aka_ue_sqn *sqn,
    struct ue_gba_result *r)
{
	struct ue_http_req q = { .method = "GET", .path = u->path };
	struct ue_http_resp resp = { .content_length = -1 };
	struct digest chal;
	struct ue_dauth a;
	uint8_t auts[AKA_AUTS_LEN];
	char auth[DIGEST_FORMAT_MAX], b64[32];
	int rc, check, ret = -1;

	memset(&a, 0, sizeof(a));
	if (ub_initial(c, u, auth, sizeof(auth)) < 0 ||
	    snprintf(a.username, sizeof(a.username), "%s", c->impi) >=
	    (int)sizeof(a.username) ||
	    snprintf(a.uri, sizeof(a.uri), "%s", u->path) >=
	    (int)sizeof(a.uri))
		return gba_fail(r, "IMPI or BSF path too long");
	q.authorization = auth;
	if (ue_http_request(h, &q, &resp) < 0)
		return gba_fail(r, "%s", ue_http_error(h));
	r->status = resp.status;
	for (;;) {
		if (resp.status != 401) {
			gba_fail(r, "BSF answered %d %s%s", resp.status,
			    resp.phrase, resp.status / 100 == 2 ?
			    " without authentication" : "");
			goto out;
		}
		if (ub_challenge(&resp, &chal) < 0) {
			gba_fail(r, "401 without an AKAv1-MD5 Digest challenge");
			goto out;
		}
		check = usim(c, mil, sqn, &chal, r, auts);
		if (check == AKA_SYNC_FAILURE && !r->resync) {
			/* RFC 3310 3.4: empty password, auts; a new
			 * challenge follows */
			r->resync = 1;
			base64_encode(auts, sizeof(auts), b64);
			a.pw_len = 0;
			if (ub_answer(h, u, &a, &chal, b64, &resp, r) < 0)
				goto out;
			continue;
		}
		if (check != AKA_OK) {
			gba_fail(r, "%s", check == AKA_MAC_FAILURE ?
			    "BSF not authenticated: MAC failure in AUTN" :
			    check == AKA_AMF_FAILURE ? "AMF separation bit "
			    "refused" : check == AKA_SYNC_FAILURE ? "SQN out "
			    "of range again after resynchronisation" :
			    check == -EBADMSG ? "nonce is not base64 of "
			    "RAND||AUTN" : "USIM: internal error");
			goto out;
		}
		/* RFC 3310 3.3 (AKAv1: RES), RFC 4169 3 (AKAv2) */
		if ((rc = digest_aka_password(chal.algorithm, r->res,
		    sizeof(r->res), r->ck, r->ik, a.pw, &a.pw_len)) < 0) {
			gba_fail(r, "password: %s", strerror(-rc));
			goto out;
		}
		if (ub_answer(h, u, &a, &chal, NULL, &resp, r) < 0)
			goto out;
		break;
	}
	if (resp.status / 100 != 2) {
		gba_fail(r, "BSF refused the response: %d %s", resp.status,
		    resp.phrase);
		goto out;
	}
	if (ub_final(&a, &resp, r) < 0 || ub_keys(c, r) < 0)
		goto out;
	ret = 0;
out:
	ue_dauth_wipe(&a);
	secure_wipe(auts, sizeof(auts));
	secure_wipe(auth, sizeof(auth));
	ue_http_resp_clear(&resp);
	return ret;
}

int
ue_gba_bootstrap(const struct ue_gba_conf *c, struct ue_gba_result *r)
{
	struct aka_ue_sqn sqn;
	struct milenage_ctx *mil = NULL;
	struct ue_http *h = NULL;
	struct ue_url u;
	char why[128];
	int ret = -1;

	memset(r, 0, sizeof(*r));
	if (ue_url_parse(c->bsf_url, &u, why, sizeof(why)) < 0)
		return gba_fail(r, "--bsf: %s", why);
	if (ue_sqn_load(c->state_path, &sqn) < 0)
		return gba_fail(r, "%s: cannot load the SQN state",
		    c->state_path);
	if ((mil = milenage_new(c->k, c->opc)) == NULL) {
		gba_fail(r, "crypto library failure");
		goto out;
	}
	if ((h = ue_http_new(&u, c->cacert, c->timeout_ms)) == NULL) {
		gba_fail(r, "out of memory");
		goto out;
	}
	ret = bootstrap(c, &u, h, mil, &sqn, r);
out:
	ue_http_free(h);
	milenage_free(mil);
	secure_wipe(&sqn, sizeof(sqn));
	return ret;
}
