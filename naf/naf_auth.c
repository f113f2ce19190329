/* naf_auth.c - one request at the naf: HTTP Digest with the GBA key
 * (TS 24.109 5.2.2, TS 33.222 5.3.0: username = B-TID, password =
 * base64(Ks_NAF), realm "3GPP-bootstrapping@" NAF-FQDN), Ks_NAF fetched
 * from the BSF over Zn for an unknown B-TID (TS 29.109 6), the user's
 * identities (TS 24.109 5.2.3), then the request forwarded with the
 * asserted identity (naf_proxy.c).
 *
 * Answers: 401 with a fresh challenge when there are no usable
 * credentials, the B-TID is unknown or expired at the BSF (5401, 5403:
 * the UE bootstraps again, TS 24.109 5.2.4) or the password is wrong;
 * 401 with stale=true for a correct password on an expired nonce; 403
 * when the BSF does not let this NAF serve the user (5402), the intended
 * identity is not one of the user's, or the XCAP path names another
 * user; 503 with Retry-After when the BSF does not answer or the naf is
 * at max-requests.  Loop thread only; Zn answers come back through the
 * hand-off.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <event2/http.h>

#include "digest.h"
#include "gba.h"
#include "guss.h"
#include "http_sock.h"
#include "http_tls.h"
#include "http_stat.h"
#include "log.h"
#include "naf.h"
#include "util.h"
#include "xcap_path.h"
#include "xhttp.h"

struct naf_req {
	struct naf		*n;
	struct evhttp_request	*req;
	struct handoff_job	 job;		/* the Zn answer's */
	struct zn_answer	*za;
	const char		*method;
	uint32_t		 nc;
	struct digest		 d;
	struct xcap_path	 p;
};

static void
req_done(void *arg)
{
	struct naf_req *r = arg;

	r->n->active--;
	secure_wipe(&r->d, sizeof(r->d));
	free(r);
}

/* RFC 7616 3.3 / TS 24.109 5.2.2: a new nonce in a Digest challenge,
 * qop=auth, MD5; stale=true when only the nonce was the problem. */
static void
challenge(struct naf_req *r, int stale)
{
	char nonce[NAF_NONCE_LEN + 1], v[512];

	r->n->n_401++;
	if (naf_nonce_new(&r->n->nonces, nonce) < 0) {
		xhttp_reply(r->req, 500, NULL, NULL, 0);
		req_done(r);
		return;
	}
	(void)snprintf(v, sizeof(v), "Digest realm=\"%s\", nonce=\"%s\", "
	    "algorithm=MD5, qop=\"auth\"%s", r->n->realm, nonce,
	    stale ? ", stale=true" : "");
	if (evhttp_add_header(evhttp_request_get_output_headers(r->req),
	    "WWW-Authenticate", v) != 0)
		log_err("naf: cannot add WWW-Authenticate");
	xhttp_reply(r->req, 401, NULL, NULL, 0);
	req_done(r);
}

static void
refuse(struct naf_req *r, int code)
{
	if (code == 403)
		r->n->n_403++;
	if (code == 503)
		xhttp_reply_retry(r->req, 503, r->n->retry_after);
	else
		xhttp_reply(r->req, code, NULL, NULL, 0);
	req_done(r);
}

static int
is_uid(const struct naf_key *k, const char *id)
{
	size_t i;

	for (i = 0; i < k->n_uids; i++)
		if (strcmp(k->uids[i], id) == 0)
			return 1;
	return 0;
}

/* RFC 2617 3.2.2 with password base64(Ks_NAF): 1 when the response is
 * right (compared in constant time). */
static int
digest_ok(struct naf_req *r, const struct naf_key *k)
{
	char pw[64], exp[33], got[33];
	size_t i;
	int ok;

	if (strlen(r->d.response) != 32)
		return 0;
	for (i = 0; i < 32; i++)
		got[i] = (char)(r->d.response[i] >= 'A' &&
		    r->d.response[i] <= 'F' ? r->d.response[i] + 32 :
		    r->d.response[i]);
	got[32] = '\0';
	base64_encode(k->ks_naf, sizeof(k->ks_naf), pw);
	ok = digest_response_md5(r->d.username, r->d.realm,
	    (const uint8_t *)pw, strlen(pw), r->method, r->d.uri,
	    r->d.nonce, r->d.qop, r->d.nc, r->d.cnonce, NULL, 0, exp) == 0 &&
	    ct_equal(exp, got, 32);
	secure_wipe(pw, sizeof(pw));
	secure_wipe(exp, sizeof(exp));
	return ok;
}

/* RFC 7616 3.5 (RFC 2617 3.2.3): Authentication-Info with rspauth, the
 * response over ":" digest-uri, so that the UE may check that the NAF
 * knew Ks_NAF too (TS 24.109 5.2.2). */
static void
auth_info(struct naf_req *r, const struct naf_key *k)
{
	char pw[64], rsp[33], v[256];

	base64_encode(k->ks_naf, sizeof(k->ks_naf), pw);
	if (digest_response_md5(r->d.username, r->d.realm,
	    (const uint8_t *)pw, strlen(pw), "", r->d.uri, r->d.nonce,
	    r->d.qop, r->d.nc, r->d.cnonce, NULL, 0, rsp) == 0 &&
	    snprintf(v, sizeof(v), "qop=auth, rspauth=\"%s\", cnonce=\"%s\", "
	    "nc=%s", rsp, r->d.cnonce, r->d.nc) < (int)sizeof(v) &&
	    evhttp_add_header(evhttp_request_get_output_headers(r->req),
	    "Authentication-Info", v) != 0)
		log_warn("naf: cannot add Authentication-Info");
	secure_wipe(pw, sizeof(pw));
}

/* Credentials against the cached key, identities, then forward. */
static void
authorise(struct naf_req *r, const struct naf_key *k)
{
	struct evkeyvalq *in = evhttp_request_get_input_headers(r->req);
	const struct evhttp_uri *u;
	const char *hv, *path, *asserted;
	char intended[XHTTP_IDENT_MAX], why[128], peer[80];

	http_peer(r->req, peer, sizeof(peer));
	if (!digest_ok(r, k)) {
		log_sec(LOG_LVL_WARN, 6, k->impi, peer, "naf: wrong Digest "
		    "response for B-TID %s", r->d.username);
		challenge(r, 0);
		return;
	}
	switch (naf_nonce_use(&r->n->nonces, r->d.nonce, r->nc)) {
	case NAF_NONCE_STALE:
		challenge(r, 1);
		return;
	case NAF_NONCE_REPLAY:
		log_sec(LOG_LVL_WARN, 6, k->impi, peer, "naf: nonce-count %08x "
		    "replayed for B-TID %s", r->nc, r->d.username);
		challenge(r, 0);
		return;
	default:
		break;
	}
	/* TS 24.109 5.2.3: the identity the user wants to act as must be
	 * one of those the USS lets it use here. */
	asserted = NULL;
	if ((hv = evhttp_find_header(in, "X-3GPP-Intended-Identity")) !=
	    NULL) {
		if (xhttp_ident(hv, intended, sizeof(intended)) < 0 ||
		    !is_uid(k, intended)) {
			log_sec(LOG_LVL_WARN, 6, k->impi, peer,
			    "naf: may not act as %s: 403", hv);
			refuse(r, 403);
			return;
		}
		asserted = intended;
	}
	/* TS 33.222 5.4 (defence in depth): the XCAP document's user must
	 * be one of the user's identities, whatever the server behind. */
	u = evhttp_request_get_evhttp_uri(r->req);
	path = u != NULL ? evhttp_uri_get_path(u) : NULL;
	if (path == NULL || xcap_path_parse(path, strlen(path), &r->p, why,
	    sizeof(why)) == -EINVAL || r->p.global || !is_uid(k, r->p.xui)) {
		log_sec(LOG_LVL_WARN, 6, k->impi, peer, "naf: may not reach "
		    "%s: 403", path != NULL ? path : "?");
		refuse(r, 403);
		return;
	}
	if (asserted == NULL)
		asserted = r->p.xui;
	auth_info(r, k);
	r->n->n_ok++;
	log_sec(LOG_LVL_INFO, 6, k->impi, peer, "naf: %s %s as %s", r->method,
	    path, asserted);
	naf_proxy_forward(r->n, r->req, asserted, req_done, r);
}

/* Loop thread: the Zn answer (TS 29.109 6.2.2.2). */
static void
zn_job(struct handoff_job *j)
{
	struct naf_req *r = IMS_CONTAINER_OF(j, struct naf_req, job);
	struct zn_answer *a = r->za;
	struct gba_guss *g = NULL;
	struct naf_key *k = NULL, *ck;
	char why[128];
	size_t i;
	time_t now = time(NULL);

	if (a->status < 0) {
		log_warn("naf: Zn for B-TID %s: no answer (%s): 503",
		    r->d.username, strerror(-a->status));
		refuse(r, 503);
		goto out;
	}
	if (a->exp_result_code == GBA_ERROR_TRANSACTION_IDENTIFIER_INVALID ||
	    a->exp_result_code == GBA_ERROR_IMPI_UNKNOWN) {
		log_info("naf: B-TID %s unknown at the BSF (%u): bootstrap "
		    "again", r->d.username, a->exp_result_code);
		naf_cache_drop(&r->n->cache, r->d.username);
		challenge(r, 0);
		goto out;
	}
	if (a->exp_result_code == GBA_ERROR_NOT_AUTHORIZED ||
	    a->result_code == DIA_AUTHORIZATION_REJECTED) {
		log_sec(LOG_LVL_WARN, 6, NULL, NULL, "naf: the BSF does not "
		    "authorise this NAF for B-TID %s: 403", r->d.username);
		refuse(r, 403);
		goto out;
	}
	if (a->result_code != DIA_SUCCESS || !a->has_key) {
		log_err("naf: Zn for B-TID %s: result %u/%u%s: 503",
		    r->d.username, a->result_code, a->exp_result_code,
		    a->has_key ? "" : ", no key");
		refuse(r, 503);
		goto out;
	}
	if (a->key_expiry <= now) {
		log_info("naf: B-TID %s: the key expired: bootstrap again",
		    r->d.username);
		challenge(r, 0);
		goto out;
	}
	if ((k = calloc(1, sizeof(*k))) == NULL ||
	    (g = calloc(1, sizeof(*g))) == NULL) {
		refuse(r, 500);
		goto out;
	}
	/* The USS for this NAF (TS 29.109 6.2.2.2, Annex A): the identities
	 * the user may act as here. */
	if (a->uss != NULL && guss_parse(a->uss, a->uss_len, g, why,
	    sizeof(why)) < 0) {
		log_err("naf: B-TID %s: USS refused: %s", r->d.username, why);
		g->n_uss = 0;
	}
	/* creds_usable: the username fits. */
	memcpy(k->btid, r->d.username, strlen(r->d.username) + 1);
	(void)snprintf(k->impi, sizeof(k->impi), "%s", a->user_name);
	memcpy(k->ks_naf, a->ks_naf, sizeof(k->ks_naf));
	k->expiry = (time_t)a->key_expiry;
	for (i = 0; g->n_uss > 0 && i < g->uss[0].n_uids &&
	    k->n_uids < NAF_UIDS_MAX; i++)
		if (strlen(g->uss[0].uids[i]) < NAF_UID_MAX)
			(void)memcpy(k->uids[k->n_uids++], g->uss[0].uids[i],
			    strlen(g->uss[0].uids[i]) + 1);
	naf_cache_put(&r->n->cache, k);
	log_info("naf: B-TID %s is %s, %zu identities, key until %lld",
	    k->btid, k->impi, k->n_uids, (long long)k->expiry);
	ck = naf_cache_get(&r->n->cache, k->btid, now);
	if (ck == NULL)
		refuse(r, 500);
	else
		authorise(r, ck);
out:
	if (k != NULL)
		secure_wipe(k, sizeof(*k));
	free(k);
	free(g);
	zn_answer_free(a);
}

/* freeDiameter thread: hand the answer to the loop. */
static void
zn_cb(void *arg, struct zn_answer *a)
{
	struct naf_req *r = arg;

	r->za = a;
	evloop_post(&r->n->loop, &r->job, zn_job);
}

static const char *
method_name(enum evhttp_cmd_type m)
{
	switch (m) {
	case EVHTTP_REQ_GET:	return "GET";
	case EVHTTP_REQ_PUT:	return "PUT";
	case EVHTTP_REQ_DELETE:	return "DELETE";
	case EVHTTP_REQ_POST:	return "POST";
	case EVHTTP_REQ_HEAD:	return "HEAD";
	default:		return NULL;
	}
}

/* RFC 7616 3.4: the credentials must answer our challenge: Digest, our
 * realm, MD5, qop=auth with nc and cnonce, and the uri of this request. */
static int
creds_usable(struct naf_req *r, int *bad_uri)
{
	const struct digest *d = &r->d;
	const char *raw = evhttp_request_get_uri(r->req);
	char *end;
	unsigned long nc;

	*bad_uri = 0;
	if (!DIGEST_HAS(d, DIGEST_USERNAME) || !DIGEST_HAS(d, DIGEST_REALM) ||
	    !DIGEST_HAS(d, DIGEST_NONCE) || !DIGEST_HAS(d, DIGEST_URI) ||
	    !DIGEST_HAS(d, DIGEST_RESPONSE) || !DIGEST_HAS(d, DIGEST_QOP) ||
	    !DIGEST_HAS(d, DIGEST_NC) || !DIGEST_HAS(d, DIGEST_CNONCE))
		return 0;
	if (strcmp(d->realm, r->n->realm) != 0 || strcmp(d->qop, "auth") != 0 ||
	    (DIGEST_HAS(d, DIGEST_ALGORITHM) &&
	    strcasecmp(d->algorithm, "MD5") != 0) || d->username[0] == '\0' ||
	    strlen(d->username) >= NAF_BTID_MAX)
		return 0;
	nc = strtoul(d->nc, &end, 16);
	if (*end != '\0' || nc == 0)
		return 0;
	r->nc = (uint32_t)nc;
	if (raw == NULL || strcmp(raw, d->uri) != 0) {
		*bad_uri = 1;
		return 0;
	}
	return 1;
}

void
naf_request(struct evhttp_request *req, void *arg)
{
	struct naf *n = arg;
	struct naf_req *r;
	struct naf_key *k;
	struct zn_req q;
	const char *hv;
	int bad_uri = 0;

	http_stat_track(req);
	/* libevent 2.1 falls back to a plain socket when the TLS
	 * bufferevent cannot be made (http_tls.c): never serve one. */
	if (http_tls_ssl(req) == NULL) {
		log_err("naf: a request without TLS refused");
		xhttp_reply(req, 400, NULL, NULL, 0);
		return;
	}
	if (n->active >= n->max_requests) {
		log_warn("naf: %u requests in work: 503", n->active);
		xhttp_reply_retry(req, 503, n->retry_after);
		return;
	}
	if ((r = calloc(1, sizeof(*r))) == NULL) {
		xhttp_reply(req, 500, NULL, NULL, 0);
		return;
	}
	n->active++;
	r->n = n;
	r->req = req;
	if ((r->method = method_name(evhttp_request_get_command(req))) ==
	    NULL) {
		(void)evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Allow", "GET, PUT, DELETE, POST, HEAD");
		refuse(r, 405);
		return;
	}
	hv = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "Authorization");
	if (hv == NULL || digest_parse(hv, strlen(hv), &r->d) < 0 ||
	    !creds_usable(r, &bad_uri)) {
		if (hv != NULL && bad_uri) {
			log_info("naf: Digest uri is not the request's: 400");
			refuse(r, 400);
		} else
			challenge(r, 0);
		return;
	}
	if ((k = naf_cache_get(&n->cache, r->d.username, time(NULL))) !=
	    NULL) {
		authorise(r, k);
		return;
	}
	/* Only an answer to a live challenge of ours costs a Zn request
	 * (else anyone could make us query the BSF for any B-TID). */
	if (!naf_nonce_live(&n->nonces, r->d.nonce)) {
		challenge(r, 0);
		return;
	}
	/* TS 29.109 6.2.2.1: Bootstrapping-Info-Request for the B-TID, with
	 * our NAF-Id (FQDN || Ua security protocol id). */
	memset(&q, 0, sizeof(q));
	q.dest_realm = n->dest_realm;
	q.btid = r->d.username;
	q.naf_id = n->naf_id;
	q.naf_id_len = n->naf_id_len;
	q.timeout_ms = n->zn_timeout_ms;
	n->n_zn++;
	if (zn_bir_send(&q, zn_cb, r) < 0) {
		log_err("naf: cannot send the Zn request for B-TID %s: 503",
		    r->d.username);
		refuse(r, 503);
	}
}
