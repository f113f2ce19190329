/* ue_ut.c - a request over Ut, authenticated with the GBA key (TS 24.109
 * 5.2, TS 33.222 5.3, TS 24.623 5.2.3):
 *
 *	REQUEST (no credentials), X-3GPP-Intended-Identity: "IMPU"
 *	401, WWW-Authenticate: Digest realm="3GPP-bootstrapping@NAF", MD5
 *	REQUEST, Authorization: Digest username=B-TID, password
 *	    base64(Ks_NAF), qop=auth (auth-int when only that is offered)
 *	final response; its rspauth, when there is one, must verify
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ue_gba.h"
#include "ue_httpauth.h"
#include "util.h"

#define UT_REALM_PREFIX	"3GPP-bootstrapping@"	/* TS 33.220 5.3.1, 24.109 5.2.2 */

static int
ut_fail(char *why, size_t whysz, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
ut_fail(char *why, size_t whysz, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, whysz, fmt, ap);
	va_end(ap);
	return -1;
}

static void
ut_req(const struct ue_ut_conf *c, char *ident, size_t identsz,
    struct ue_http_req *q)
{
	memset(q, 0, sizeof(*q));
	q->method = c->method;
	q->path = c->path;
	q->content_type = c->content_type;
	q->body = c->body;
	q->body_len = c->body_len;
	if (c->identity != NULL) {
		/* TS 24.109 6.3: the value is a quoted-string */
		if (c->identity[0] == '"')
			snprintf(ident, identsz, "%s", c->identity);
		else
			snprintf(ident, identsz, "\"%s\"", c->identity);
		q->name[q->nextra] = "X-3GPP-Intended-Identity";
		q->value[q->nextra++] = ident;
	}
	if (c->if_match != NULL) {
		q->name[q->nextra] = "If-Match";
		q->value[q->nextra++] = c->if_match;
	}
}

int
ue_ut_request(struct ue_http *h, const struct ue_ut_conf *c,
    struct ue_http_resp *resp, char *why, size_t whysz)
{
	struct ue_http_req q;
	struct digest chal, info;
	struct ue_dauth a;
	char ident[600], auth[DIGEST_FORMAT_MAX], cnonce[33];
	size_t pwlen = strlen(c->ks_naf_b64);
	int rc, ret = -1;

	ut_req(c, ident, sizeof(ident), &q);
	if (ue_http_request(h, &q, resp) < 0)
		return ut_fail(why, whysz, "%s", ue_http_error(h));
	if (resp->status != 401)
		return 0;
	memset(&a, 0, sizeof(a));
	if (ue_dauth_challenge(resp->www_auth, resp->nwww_auth, "MD5",
	    &chal) < 0) {
		ut_fail(why, whysz, "401 without a Digest MD5 challenge");
		goto out;
	}
	/* TS 24.109 5.2.2: a GBA challenge has the 3GPP-bootstrapping realm */
	if (strncmp(chal.realm, UT_REALM_PREFIX, strlen(UT_REALM_PREFIX)) != 0) {
		ut_fail(why, whysz, "401 realm \"%s\" is not a %s... realm",
		    chal.realm, UT_REALM_PREFIX);
		goto out;
	}
	if (pwlen >= sizeof(a.pw) ||
	    snprintf(a.username, sizeof(a.username), "%s", c->btid) >=
	    (int)sizeof(a.username) ||
	    snprintf(a.uri, sizeof(a.uri), "%s", c->path) >=
	    (int)sizeof(a.uri)) {
		ut_fail(why, whysz, "B-TID, key or path too long");
		goto out;
	}
	memcpy(a.pw, c->ks_naf_b64, pwlen);
	a.pw_len = pwlen;
	if (ue_dauth_cnonce(cnonce) < 0) {
		ut_fail(why, whysz, "no random cnonce");
		goto out;
	}
	rc = ue_dauth_answer(&a, &chal, "auth", c->method, c->body,
	    c->body_len, cnonce, NULL, auth, sizeof(auth));
	if (rc < 0) {
		ut_fail(why, whysz, rc == -ENOTSUP ? "challenge offers neither "
		    "qop auth nor auth-int" : "cannot answer the challenge");
		goto out;
	}
	q.authorization = auth;
	if (ue_http_request(h, &q, resp) < 0) {
		ut_fail(why, whysz, "%s", ue_http_error(h));
		goto out;
	}
	/* RFC 2617 3.2.3: Authentication-Info is optional; when the NAF
	 * sends rspauth it must be right */
	if (resp->auth_info[0] != '\0') {
		if (ue_authinfo_parse(resp->auth_info,
		    strlen(resp->auth_info), &info) < 0) {
			ut_fail(why, whysz, "malformed Authentication-Info");
			goto out;
		}
		if (ue_digest_param(&info, "rspauth") != NULL &&
		    ue_dauth_rspauth(&a, &info, resp->body,
		    resp->body_len) != 1) {
			ut_fail(why, whysz, "NAF not authenticated: rspauth "
			    "mismatch");
			goto out;
		}
	}
	ret = 0;
out:
	ue_dauth_wipe(&a);
	secure_wipe(auth, sizeof(auth));
	return ret;
}
