/* bsf_http.c - Ub, the bootstrapping interface (TS 24.109 4, TS 33.220
 * 4.5.2): HTTP Digest AKA (RFC 3310) over evhttp, plain or TLS 1.2+.
 *
 * Any path, GET or POST.  Status codes:
 *   401  the first request (Authorization with username=IMPI, nonce="",
 *        TS 24.109 4.2), an unknown or timed-out nonce (stale=true), and
 *        a synchronisation failure (auts, TS 24.109 4.5: Zh MAR with
 *        RAND || AUTS, then a fresh challenge): WWW-Authenticate with
 *        nonce = base64(RAND || AUTN || server data), AKAv1-MD5,
 *        qop="auth-int", opaque;
 *   200  the right response (qop auth-int over the request body, or
 *        auth): Authentication-Info (rspauth over our body, qop, cnonce,
 *        nc), the application/vnd.3gpp.bsf+xml body (B-TID, lifetime);
 *   403  a wrong response (TS 24.109 4.3: user authentication failure;
 *        the vector is spent, the UE starts over), an IMPI the HSS does
 *        not know (GBA_ERROR_IMPI_UNKNOWN) or the HSS refusing;
 *   400  no or malformed Authorization, a realm or uri not ours, an
 *        answer without qop/nc/cnonce/opaque, another algorithm;
 *   503  (Retry-After) max-pending reached, mar-limit reached for the
 *        IMPI, the HSS unreachable;
 *   500  the store failing.
 * One answer per challenge: right or wrong, it consumes the vector.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "bsf.h"
#include "bsfxml.h"
#include "check.h"
#include "guss.h"
#include "http_sock.h"
#include "http_tls.h"
#include "kdf.h"
#include "http_stat.h"
#include "log.h"
#include "met.h"
#include "strbuf.h"
#include "util.h"

#define UB_MAX_HEADERS	8192
#define UB_MAX_BODY	65536
#define UB_TIMEOUT_SEC	30
#define UB_BODY_MAX	1024	/* our bsf+xml */

static const char *
reason(int code)
{
	switch (code) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 503: return "Service Unavailable";
	default: return "Internal Server Error";
	}
}

/* A status with a one-line text/plain reason. */
void
bsf_reply_error(struct evhttp_request *req, int code, const char *why)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);
	struct evbuffer *body = evbuffer_new();
	char peer[80];

	http_peer(req, peer, sizeof(peer));
	log_sec(LOG_LVL_INFO, 6, NULL, peer, "bsf: %d %s", code, why);
	if (evhttp_add_header(h, "Content-Type", "text/plain") != 0 ||
	    (code == 503 && evhttp_add_header(h, "Retry-After",
	    BSF_RETRY_AFTER) != 0))
		log_err("bsf: evhttp_add_header failed");
	if (body != NULL && evbuffer_add_printf(body, "%s\n", why) < 0)
		log_err("bsf: evbuffer_add_printf failed");
	evhttp_send_reply(req, code, reason(code), body);
	if (body != NULL)
		evbuffer_free(body);
}

static int
start_mar(struct bsf *b, struct evhttp_request *req, const char *impi,
    const uint8_t *resync, int stale)
{
	if (!bsf_chals_room(&b->chals, b->inflight)) {
		metric_inc1(&met_auth_failures, MET_AUTH_TOO_MANY_CHALLENGES);
		bsf_reply_error(req, 503, "too many pending bootstraps");
		return -EBUSY;
	}
	if (!bsf_mar_allow(&b->chals, impi)) {
		log_warn("bsf: %s: over mar-limit", impi);
		metric_inc1(&met_auth_failures, MET_AUTH_TOO_MANY_CHALLENGES);
		bsf_reply_error(req, 503, "too many bootstraps for this IMPI");
		return -EBUSY;
	}
	if (bsf_zh_mar(b, req, impi, resync, stale) < 0) {
		bsf_reply_error(req, 503, "the HSS cannot be asked (Zh)");
		return -EIO;
	}
	return 0;
}

/* Loop thread: the HSS answered (or not) for m->req. */
void
bsf_http_mar_done(struct bsf_mar *m)
{
	struct bsf *b = m->b;
	struct zh_answer *a = m->ans;
	struct bsf_chal *c;
	char hdr[DIGEST_FORMAT_MAX];

	if (a == NULL || a->status < 0) {
		metric_inc1(&met_auth_failures, MET_AUTH_HSS_UNREACHABLE);
		bsf_reply_error(m->req, 503, "no answer from the HSS (Zh)");
		return;
	}
	if (a->exp_result_code == GBA_ERROR_IMPI_UNKNOWN) {
		metric_inc1(&met_auth_failures, MET_AUTH_UNKNOWN_USER);
		bsf_reply_error(m->req, 403, "unknown IMPI");
		return;
	}
	if (a->result_code != DIA_SUCCESS || !a->has_vector) {
		log_warn("bsf: Zh MAA for %s: result %u, experimental %u%s%s",
		    m->impi, a->result_code, a->exp_result_code,
		    a->error_message[0] ? ": " : "", a->error_message);
		metric_inc1(&met_auth_failures, MET_AUTH_HSS_REFUSED);
		if ((a->result_code >= 5000 && a->result_code < 6000) ||
		    a->exp_result_code != 0)
			bsf_reply_error(m->req, 403, "refused by the HSS");
		else
			bsf_reply_error(m->req, 503, "the HSS gave no vector");
		return;
	}
	if ((c = bsf_chal_new(&b->chals, m->impi, a)) == NULL) {
		bsf_reply_error(m->req, 503, "cannot hold the challenge");
		return;
	}
	if (bsf_chal_header(c, b->realm, m->stale, hdr, sizeof(hdr)) < 0 ||
	    evhttp_add_header(evhttp_request_get_output_headers(m->req),
	    "WWW-Authenticate", hdr) != 0) {
		bsf_chal_release(&b->chals, c);
		bsf_reply_error(m->req, 500, "cannot write the challenge");
		return;
	}
	log_sec(LOG_LVL_INFO, 6, m->impi, NULL, "bsf: challenged%s",
	    m->stale ? " (stale)" : "");
	evhttp_send_reply(m->req, 401, reason(401), NULL);
}

static const char *
method_name(struct evhttp_request *req)
{
	switch (evhttp_request_get_command(req)) {
	case EVHTTP_REQ_GET: return "GET";
	case EVHTTP_REQ_POST: return "POST";
	default: return NULL;
	}
}

/* The key lifetime: key-lifetime, capped by the GUSS's bsfInfo lifeTime
 * (TS 29.109 Annex A). */
static unsigned
key_lifetime(const struct bsf *b, const char *guss_xml)
{
	struct gba_guss *g;
	unsigned life = b->conf->key_lifetime;
	char why[128];

	if (guss_xml == NULL || (g = calloc(1, sizeof(*g))) == NULL)
		return life;
	if (guss_parse(guss_xml, strlen(guss_xml), g, why, sizeof(why)) < 0)
		log_warn("bsf: the GUSS does not parse (%s): no lifeTime", why);
	else {
		if (g->lifetime > 0 && g->lifetime < life)
			life = g->lifetime;
		/* TS 33.220 5: GBA_U keys are not made here. */
		if (g->gba_u)
			log_warn("bsf: the GUSS says GBA_U: only GBA_ME keys "
			    "(Ks_NAF) are given on Zn");
	}
	free(g);
	return life;
}

/* TS 33.220 4.5.2 steps 6-7: Ks = CK || IK stored under the B-TID; the
 * 200 with the B-TID and the key lifetime (TS 24.109 4.2, Annex C). */
static void
ub_success(struct bsf *b, struct evhttp_request *req, struct bsf_chal *c,
    const struct digest *d, const uint8_t *pw, size_t pw_len)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);
	struct bsf_boot bt;
	struct strbuf sb;
	struct evbuffer *body = NULL;
	char xml[UB_BODY_MAX], rspauth[33], info[DIGEST_MAX_VALUE * 2 + 128];
	char date[64];
	struct tm tm;
	time_t exp;

	memset(&bt, 0, sizeof(bt));
	if (kdf_btid(c->rand, b->conf->name, bt.btid, sizeof(bt.btid)) < 0) {
		bsf_reply_error(req, 500, "cannot make the B-TID");
		return;
	}
	(void)snprintf(bt.impi, sizeof(bt.impi), "%s", c->impi);
	memcpy(bt.rand, c->rand, 16);
	memcpy(bt.ks, c->ck, 16);
	memcpy(bt.ks + 16, c->ik, 16);
	bt.created = (int64_t)time(NULL);
	bt.expires = bt.created + key_lifetime(b, c->guss);
	bt.guss = c->guss;
	if (bsf_store_put(b->store, &bt) < 0) {
		secure_wipe(&bt, sizeof(bt));
		bsf_reply_error(req, 500, "cannot store the bootstrap");
		return;
	}
	secure_wipe(bt.ks, sizeof(bt.ks));
	strbuf_init(&sb, xml, sizeof(xml));
	exp = (time_t)bt.expires;
	if (bsfxml_format(bt.btid, bt.expires, &sb) < 0 ||
	    strbuf_status(&sb) < 0 ||
	    bsf_digest_rspauth(d, pw, pw_len, (const uint8_t *)xml, sb.len,
	    rspauth) < 0 || gmtime_r(&exp, &tm) == NULL ||
	    strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT",
	    &tm) == 0) {
		bsf_reply_error(req, 500, "cannot write the answer");
		return;
	}
	/* RFC 2617 3.2.3, TS 24.109 4.2: the UE authenticates the BSF and
	 * (auth-int) our body with rspauth. */
	(void)snprintf(info, sizeof(info), "qop=%s, rspauth=\"%s\", "
	    "cnonce=\"%s\", nc=%s", strcasecmp(d->qop, "auth") == 0 ?
	    "auth" : "auth-int", rspauth, d->cnonce, d->nc);
	if (evhttp_add_header(h, "Authentication-Info", info) != 0 ||
	    evhttp_add_header(h, "Content-Type", BSFXML_CTYPE) != 0 ||
	    evhttp_add_header(h, "Cache-Control", "no-store") != 0 ||
	    evhttp_add_header(h, "Expires", date) != 0 ||
	    (body = evbuffer_new()) == NULL ||
	    evbuffer_add(body, xml, sb.len) != 0) {
		if (body != NULL)
			evbuffer_free(body);
		bsf_reply_error(req, 500, "cannot write the answer");
		return;
	}
	log_sec(LOG_LVL_INFO, 6, c->impi, NULL, "bsf: bootstrapped: B-TID "
	    "%s, %lld s", bt.btid, (long long)(bt.expires - bt.created));
	if (log_keys_allowed()) {
		char ks[65];

		hex_encode(c->ck, 16, ks);
		hex_encode(c->ik, 16, ks + 32);
		log_debug("bsf: %s: Ks %s", bt.btid, ks);
		secure_wipe(ks, sizeof(ks));
	}
	evhttp_send_reply(req, 200, reason(200), body);
	evbuffer_free(body);
}

/* The answer to challenge c (TS 24.109 4.2 step 5, 4.3, 4.5). */
static void
ub_answer(struct bsf *b, struct evhttp_request *req, struct bsf_chal *c,
    const struct digest *d, const char *method)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(req);
	size_t blen = evbuffer_get_length(in);
	const uint8_t *body = blen > 0 ? evbuffer_pullup(in, -1) : NULL;
	uint8_t pw[DIGEST_AKA_PW_MAX], resync[16 + 14];
	size_t pw_len = 0;
	int rc;

	if (blen > 0 && body == NULL) {
		bsf_reply_error(req, 500, "cannot read the body");
		return;
	}
	if (strcmp(c->impi, d->username) != 0) {
		metric_inc1(&met_auth_failures, MET_AUTH_WRONG_USER);
		bsf_reply_error(req, 403, "username is not the challenged IMPI");
		return;
	}
	if (strcasecmp(d->algorithm, "AKAv1-MD5") != 0 ||
	    !DIGEST_HAS(d, DIGEST_OPAQUE) || strcmp(d->opaque, c->opaque) != 0 ||
	    !DIGEST_HAS(d, DIGEST_QOP) || !DIGEST_HAS(d, DIGEST_NC) ||
	    !DIGEST_HAS(d, DIGEST_CNONCE) || d->cnonce[0] == '\0' ||
	    strpbrk(d->cnonce, "\"\\") != NULL ||
	    (strcasecmp(d->qop, "auth-int") != 0 &&
	    strcasecmp(d->qop, "auth") != 0)) {
		bsf_reply_error(req, 400, "the answer needs algorithm "
		    "AKAv1-MD5, our opaque, qop auth-int (or auth), nc and "
		    "cnonce");
		return;
	}
	if (DIGEST_HAS(d, DIGEST_AUTS)) {
		/* RFC 3310 3.4: the response is over the empty password. */
		memcpy(resync, c->rand, 16);
		if (digest_auts(d, resync + 16) < 0) {
			metric_inc1(&met_auth_failures, MET_AUTH_BAD_AUTS);
			bsf_reply_error(req, 400, "auts is not base64 of 14 "
			    "octets");
			return;
		}
		rc = bsf_digest_check(d, method, (const uint8_t *)"", 0, body,
		    blen);
		bsf_chal_release(&b->chals, c);
		if (rc != 1) {
			metric_inc1(&met_auth_failures, MET_AUTH_BAD_AUTS);
			bsf_reply_error(req, rc < 0 ? 400 : 403,
			    "synchronisation failure with a wrong response");
			return;
		}
		log_sec(LOG_LVL_INFO, 6, d->username, NULL,
		    "bsf: synchronisation failure, resynchronising");
		metric_inc1(&met_auth_failures, MET_AUTH_SYNC_FAILURE);
		(void)start_mar(b, req, d->username, resync, 0);
		return;
	}
	if ((rc = digest_aka_password("AKAv1-MD5", c->xres, c->xres_len,
	    NULL, NULL, pw, &pw_len)) < 0) {
		bsf_chal_release(&b->chals, c);
		bsf_reply_error(req, 500, "cannot make the password");
		return;
	}
	rc = bsf_digest_check(d, method, pw, pw_len, body, blen);
	if (rc == 1)
		ub_success(b, req, c, d, pw, pw_len);
	else if (rc == 0) {
		if (log_keys_allowed()) {
			char x[33];

			hex_encode(c->xres, c->xres_len, x);
			log_debug("bsf: %s: xres %s", c->impi, x);
		}
		metric_inc1(&met_auth_failures, MET_AUTH_WRONG_RESPONSE);
		bsf_reply_error(req, 403, "wrong response (user "
		    "authentication failure, TS 24.109 4.3)");
	} else
		bsf_reply_error(req, 400, "the response cannot be checked");
	secure_wipe(pw, sizeof(pw));
	bsf_chal_release(&b->chals, c);
}

static void
ub_request(struct evhttp_request *req, void *arg)
{
	struct bsf *b = arg;
	static struct digest d;		/* loop thread only; large */
	const char *auth, *uri, *method;
	struct bsf_chal *c;

	http_stat_track(req);
	if ((method = method_name(req)) == NULL) {
		bsf_reply_error(req, 400, "GET or POST only");
		return;
	}
	auth = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "Authorization");
	if (auth == NULL) {
		bsf_reply_error(req, 400, "no Authorization header: Digest "
		    "username=IMPI, nonce=\"\" starts a bootstrap (TS 24.109 "
		    "4.2)");
		return;
	}
	if (digest_parse(auth, strlen(auth), &d) < 0 ||
	    !DIGEST_HAS(&d, DIGEST_USERNAME) || d.username[0] == '\0' ||
	    strlen(d.username) >= BSF_IMPI_MAX) {
		bsf_reply_error(req, 400, "malformed Authorization (Digest "
		    "with a username)");
		return;
	}
	if (!DIGEST_HAS(&d, DIGEST_REALM) || strcasecmp(d.realm, b->realm)) {
		bsf_reply_error(req, 400, "realm is not this BSF's");
		return;
	}
	uri = evhttp_request_get_uri(req);
	if (!DIGEST_HAS(&d, DIGEST_URI) || uri == NULL ||
	    strcmp(d.uri, uri) != 0) {
		bsf_reply_error(req, 400, "Digest uri is not the request's");
		return;
	}
	if (!DIGEST_HAS(&d, DIGEST_NONCE) || d.nonce[0] == '\0') {
		(void)start_mar(b, req, d.username, NULL, 0);
		return;
	}
	if ((c = bsf_chal_find(&b->chals, d.nonce)) == NULL) {
		/* RFC 2617 3.2.1: a nonce we no longer hold is stale. */
		metric_inc1(&met_auth_failures, MET_AUTH_STALE_NONCE);
		(void)start_mar(b, req, d.username, NULL, 1);
		return;
	}
	ub_answer(b, req, c, &d, method);
}

int
bsf_http_open(struct bsf *b)
{
	char host[256];
	unsigned port;

	/* common/http: TLS 1.2/1.3, ECDHE + AEAD, the files read as root. */
	if (b->conf->tls_cert != NULL)
		IMS_CHECK_RC(http_tls_new(b->conf->tls_cert, b->conf->tls_key,
		    &b->tls));
	IMS_CHECK_RC(conf_hostport_split(b->conf->listen, host, sizeof(host),
	    &port));
	if ((b->http = evhttp_new(b->loop.base)) == NULL) {
		log_err("bsf: evhttp_new failed");
		return -ENOMEM;
	}
	evhttp_set_allowed_methods(b->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST);
	evhttp_set_max_headers_size(b->http, UB_MAX_HEADERS);
	evhttp_set_max_body_size(b->http, UB_MAX_BODY);
	evhttp_set_timeout(b->http, UB_TIMEOUT_SEC);
	if (b->tls != NULL)
		http_tls_attach(b->tls, b->http);
	evhttp_set_gencb(b->http, ub_request, b);
	if (http_bind(b->http, host, (uint16_t)port) != 0) {
		log_err("bsf: cannot listen on %s", b->conf->listen);
		return -EADDRNOTAVAIL;
	}
	return 0;
}

void
bsf_http_close(struct bsf *b)
{
	if (b->http != NULL)
		evhttp_free(b->http);
	b->http = NULL;
	if (b->tls != NULL)
		http_tls_free(b->tls);
	b->tls = NULL;
}
