/* xcap_http.c - the xcap server's requests (RFC 4825 7, 8; TS 24.623 5):
 * who may ask (a trusted peer, the naf), for whom (the asserted identity,
 * TS 33.222 5.3.0 / TS 24.109 5.2.3: only its own documents), what
 * (the simservs document of RFC 4825 6.2 paths, whole or by node
 * selector) and the conditions (entity tags, RFC 4825 7.11, RFC 7232). */
#include <sys/queue.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "http_stat.h"
#include "log.h"
#include "xcap.h"
#include "xcap_doc.h"
#include "xcap_path.h"
#include "xcap_store.h"
#include "xhttp.h"

struct xcap_req {
	struct evhttp_request	*req;
	struct xcap		*x;
	enum evhttp_cmd_type	 method;
	struct xcap_path	 p;
	char			 id[XHTTP_IDENT_MAX];
	const char		*body;		/* PUT */
	size_t			 blen;
	char			*doc;		/* stored, or NULL */
	size_t			 dlen;
	char			 etag[XCAP_ETAG_LEN + 1];
};

/* RFC 4825 11: 409 with an <xcap-error> naming the condition. */
static void
reply_conflict(struct evhttp_request *req, const char *cond)
{
	char b[256];
	int n;

	n = snprintf(b, sizeof(b), "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
	    "\n<xcap-error xmlns=\"urn:ietf:params:xml:ns:xcap-error\">"
	    "<%s/></xcap-error>\n", cond);
	xhttp_reply(req, 409, XCAP_CT_ERR, b, (size_t)n);
}

static void
add_etag(struct evhttp_request *req, const char *etag)
{
	char v[XCAP_ETAG_LEN + 3];

	(void)snprintf(v, sizeof(v), "\"%s\"", etag);
	if (evhttp_add_header(evhttp_request_get_output_headers(req), "ETag",
	    v) != 0)
		log_warn("xcap: cannot add ETag");
}

/* RFC 7232 3.1, 3.2 (RFC 4825 7.11): 0 to go on, else the status. */
static int
precond(struct xcap_req *r)
{
	struct evkeyvalq *in = evhttp_request_get_input_headers(r->req);
	const char *etag = r->doc != NULL ? r->etag : NULL;
	const char *im, *inm;

	im = evhttp_find_header(in, "If-Match");
	inm = evhttp_find_header(in, "If-None-Match");
	if (im != NULL && !xhttp_etag_match(im, etag))
		return 412;
	if (inm != NULL && xhttp_etag_match(inm, etag))
		return r->method == EVHTTP_REQ_GET ? 304 : 412;
	return 0;
}

/* The request's media type (parameters ignored) is ct. */
static int
ctype_is(struct xcap_req *r, const char *ct)
{
	const char *v = evhttp_find_header(evhttp_request_get_input_headers(
	    r->req), "Content-Type");
	size_t n;

	if (v == NULL)
		return 0;
	n = strcspn(v, "; \t");
	return n == strlen(ct) && strncasecmp(v, ct, n) == 0;
}

static void
reply_ok(struct xcap_req *r, int code, const char *ct, const char *body,
    size_t len)
{
	if (r->etag[0] != '\0')
		add_etag(r->req, r->etag);
	xhttp_reply(r->req, code, ct, body, len);
}

/* Store a new version of the document (a fresh ETag) and answer. */
static void
store_and_reply(struct xcap_req *r, const char *doc, size_t len, int code)
{
	if (xcap_store_put(r->x->store, r->p.xui, r->p.doc, doc, len,
	    r->etag) < 0) {
		xhttp_reply(r->req, 500, NULL, NULL, 0);
		return;
	}
	log_info("xcap: %s %s%s for %s: %d", r->method == EVHTTP_REQ_PUT ?
	    "PUT" : "DELETE", r->p.doc, r->p.has_selector ? " (element)" :
	    "", r->id, code);
	reply_ok(r, code, NULL, NULL, 0);
}

static void
doc_op(struct xcap_req *r)
{
	int rc;

	switch (r->method) {
	case EVHTTP_REQ_GET:
		reply_ok(r, 200, XCAP_CT_DOC, r->doc, r->dlen);
		return;
	case EVHTTP_REQ_PUT:
		if (!ctype_is(r, XCAP_CT_DOC)) {
			xhttp_reply(r->req, 415, NULL, NULL, 0);
			return;
		}
		rc = xcap_doc_check(r->body, r->blen, XCAP_ROOT);
		if (rc == -EINVAL) {
			reply_conflict(r->req, "not-well-formed");
			return;
		}
		if (rc < 0) {
			reply_conflict(r->req, "constraint-failure");
			return;
		}
		store_and_reply(r, r->body, r->blen, r->doc == NULL ? 201 :
		    200);
		return;
	default:
		if (xcap_store_delete(r->x->store, r->p.xui, r->p.doc) < 0) {
			xhttp_reply(r->req, 500, NULL, NULL, 0);
			return;
		}
		log_info("xcap: DELETE %s for %s", r->p.doc, r->id);
		r->etag[0] = '\0';
		reply_ok(r, 200, NULL, NULL, 0);
		return;
	}
}

static void
el_op(struct xcap_req *r)
{
	char *out = NULL;
	size_t olen = 0;
	int rc, created = 0;

	switch (r->method) {
	case EVHTTP_REQ_GET:
		rc = xcap_el_get(r->doc, r->dlen, &r->p, &out, &olen);
		break;
	case EVHTTP_REQ_PUT:
		if (!ctype_is(r, XCAP_CT_EL)) {
			xhttp_reply(r->req, 415, NULL, NULL, 0);
			return;
		}
		rc = xcap_el_put(r->doc, r->dlen, &r->p, r->body, r->blen,
		    &out, &olen, &created);
		break;
	default:
		rc = xcap_el_delete(r->doc, r->dlen, &r->p, &out, &olen);
		break;
	}
	switch (rc) {
	case 0:
		if (r->method == EVHTTP_REQ_GET)
			reply_ok(r, 200, XCAP_CT_EL, out, olen);
		else
			store_and_reply(r, out, olen, created ? 201 : 200);
		break;
	case -ENOENT:
		xhttp_reply(r->req, 404, NULL, NULL, 0);
		break;
	case -EINVAL:
		reply_conflict(r->req, "not-well-formed");
		break;
	case -ENXIO:
		reply_conflict(r->req, "no-parent");
		break;
	case -EPROTO:
		reply_conflict(r->req, r->method == EVHTTP_REQ_DELETE ?
		    "cannot-delete" : "cannot-insert");
		break;
	default:
		log_err("xcap: %s of %s: error %d", r->p.doc, r->id, rc);
		xhttp_reply(r->req, 500, NULL, NULL, 0);
		break;
	}
	free(out);
}

/* How many times header `name` is in the request. */
static int
header_count(struct evhttp_request *req, const char *name)
{
	struct evkeyval *kv;
	int n = 0;

	TAILQ_FOREACH(kv, evhttp_request_get_input_headers(req), next)
		if (strcasecmp(kv->key, name) == 0)
			n++;
	return n;
}

/* Who and what: 0 to go on, else the request was answered. */
static int
admit(struct xcap_req *r)
{
	struct evhttp_connection *c = evhttp_request_get_connection(r->req);
	const struct evhttp_uri *u;
	const char *path, *peer = NULL;
	char why[128];
	ev_uint16_t port = 0;
	int rc;

	if (c != NULL)
		evhttp_connection_get_peer(c, (char **)&peer, &port);
	if (peer == NULL || !addr_acl_match(&r->x->trusted, peer)) {
		log_warn("xcap: request from %s, not a trusted peer: 403",
		    peer != NULL ? peer : "?");
		xhttp_reply(r->req, 403, NULL, NULL, 0);
		return -EPERM;
	}
	if (r->method != EVHTTP_REQ_GET && r->method != EVHTTP_REQ_PUT &&
	    r->method != EVHTTP_REQ_DELETE) {
		(void)evhttp_add_header(evhttp_request_get_output_headers(
		    r->req), "Allow", "GET, PUT, DELETE");
		xhttp_reply(r->req, 405, NULL, NULL, 0);
		return -EPERM;
	}
	/* TS 24.109 5.2.3 / TS 33.222 5.3.0: the naf asserts who it
	 * authenticated (one identity); without it nobody is served. */
	if (header_count(r->req, "X-3GPP-Asserted-Identity") != 1 ||
	    xhttp_ident(evhttp_find_header(evhttp_request_get_input_headers(
	    r->req), "X-3GPP-Asserted-Identity"), r->id, sizeof(r->id)) < 0) {
		log_warn("xcap: request from %s without a usable "
		    "X-3GPP-Asserted-Identity: 403", peer);
		xhttp_reply(r->req, 403, NULL, NULL, 0);
		return -EPERM;
	}
	u = evhttp_request_get_evhttp_uri(r->req);
	if (u == NULL || (path = evhttp_uri_get_path(u)) == NULL) {
		xhttp_reply(r->req, 400, NULL, NULL, 0);
		return -EINVAL;
	}
	rc = xcap_path_parse(path, strlen(path), &r->p, why, sizeof(why));
	if (rc < 0) {
		log_info("xcap: %s: %s", r->id, why);
		xhttp_reply(r->req, rc == -ENOTSUP ? 501 : 404, NULL, NULL, 0);
		return rc;
	}
	if (strcmp(r->p.auid, XCAP_AUID) != 0 || r->p.global ||
	    strcmp(r->p.doc, XCAP_DOC) != 0) {
		xhttp_reply(r->req, 404, NULL, NULL, 0);
		return -ENOENT;
	}
	/* TS 33.222 5.4 (authorisation): one's own documents only. */
	if (strcmp(r->p.xui, r->id) != 0) {
		log_warn("xcap: %s asked for the documents of %s: 403", r->id,
		    r->p.xui);
		xhttp_reply(r->req, 403, NULL, NULL, 0);
		return -EPERM;
	}
	return 0;
}

void
xcap_http_handle(struct evhttp_request *req, void *arg)
{
	struct xcap_req *r;
	struct evbuffer *in;
	int rc;

	http_stat_track(req);
	if ((r = calloc(1, sizeof(*r))) == NULL) {
		xhttp_reply(req, 500, NULL, NULL, 0);
		return;
	}
	r->req = req;
	r->x = arg;
	r->method = evhttp_request_get_command(req);
	if (admit(r) < 0)
		goto out;
	if (r->method == EVHTTP_REQ_PUT) {
		in = evhttp_request_get_input_buffer(req);
		r->blen = evbuffer_get_length(in);
		r->body = r->blen > 0 ? (const char *)evbuffer_pullup(in, -1) :
		    "";
		if (r->body == NULL) {
			xhttp_reply(req, 500, NULL, NULL, 0);
			goto out;
		}
	}
	rc = xcap_store_get(r->x->store, r->p.xui, r->p.doc, &r->doc,
	    &r->dlen, r->etag);
	if (rc < 0 && rc != -ENOENT) {
		xhttp_reply(req, 500, NULL, NULL, 0);
		goto out;
	}
	if ((rc = precond(r)) != 0) {
		if (rc == 304)
			add_etag(req, r->etag);
		xhttp_reply(req, rc, NULL, NULL, 0);
		goto out;
	}
	if (r->doc == NULL && (r->method != EVHTTP_REQ_PUT ||
	    r->p.has_selector)) {
		/* RFC 4825 8.2.1: an element cannot be made without its
		 * document. */
		if (r->method == EVHTTP_REQ_PUT)
			reply_conflict(req, "no-parent");
		else
			xhttp_reply(req, 404, NULL, NULL, 0);
		goto out;
	}
	if (r->p.has_selector)
		el_op(r);
	else
		doc_op(r);
out:
	free(r->doc);
	free(r);
}
