/* naf_proxy.c - the naf forwards an authenticated request to the
 * application server (TS 33.222 5.3: the authentication proxy) over plain
 * HTTP and relays the answer: status, entity headers (ETag, Content-Type,
 * ...) and body both ways.
 *
 * Trust boundary (TS 33.222 5.3.0, TS 24.109 5.2.3): whatever the UE sent
 * as X-3GPP-Asserted-Identity is dropped and the naf's own is set; the
 * Authorization and X-3GPP-Intended-Identity headers and hop-by-hop
 * headers (RFC 7230 6.1) do not pass.  One connection per request
 * (freed by libevent when the request completes); a server that does not
 * answer in as-timeout gives 504, one that cannot be reached 502.
 */
#include <sys/queue.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "clock.h"
#include "http_sock.h"
#include "log.h"
#include "naf.h"
#include "xcap_path.h"
#include "xhttp.h"

struct naf_fwd {
	struct naf		*n;
	struct evhttp_request	*in;
	void			(*done)(void *);
	void			*arg;
	enum evhttp_request_error err;
	int			 failed;
	int64_t			 t0;		/* ms, monotonic */
};

/* Never forwarded, either way (hop-by-hop, or set by libevent). */
static const char *const hop_hdrs[] = { "Connection", "Keep-Alive",
	"Proxy-Authenticate", "Proxy-Authorization", "Proxy-Connection", "TE",
	"Trailer", "Transfer-Encoding", "Upgrade", "Content-Length", "Host",
	NULL };
/* Not forwarded to the server: the UE's credentials and identities, and
 * Expect (the naf has the whole body already; RFC 7231 5.1.1). */
static const char *const ue_hdrs[] = { "Authorization",
	"X-3GPP-Asserted-Identity", "X-3GPP-Intended-Identity", "Expect",
	NULL };

static int
listed(const char *const *l, const char *k)
{
	for (; *l != NULL; l++)
		if (strcasecmp(*l, k) == 0)
			return 1;
	return 0;
}

static int
copy_headers(struct evkeyvalq *from, struct evkeyvalq *to, int request)
{
	struct evkeyval *kv;

	TAILQ_FOREACH(kv, from, next) {
		if (listed(hop_hdrs, kv->key) || (request &&
		    listed(ue_hdrs, kv->key)))
			continue;
		if (evhttp_add_header(to, kv->key, kv->value) != 0)
			return -1;
	}
	return 0;
}

static void
fwd_finish(struct naf_fwd *f)
{
	f->done(f->arg);
	free(f);
}

static void
fwd_error(enum evhttp_request_error e, void *arg)
{
	struct naf_fwd *f = arg;

	f->err = e;
	f->failed = 1;
}

/* The server's answer (resp NULL or code 0 on a failure). */
static void
fwd_done(struct evhttp_request *resp, void *arg)
{
	struct naf_fwd *f = arg;
	int code = resp != NULL ? evhttp_request_get_response_code(resp) : 0;
	int late;

	if (code == 0 || f->failed) {
		/* libevent 2.1 reports a refused connection as a timeout
		 * too: only one that took as-timeout is one. */
		late = f->err == EVREQ_HTTP_TIMEOUT && clock_mono_ms(NULL) -
		    f->t0 >= (int64_t)f->n->as_timeout * 1000 - 100;
		log_warn("naf: the application server %s:%u %s", f->n->as_host,
		    f->n->as_port, late ? "did not answer in time: 504" :
		    "failed: 502");
		xhttp_reply(f->in, late ? 504 : 502, NULL, NULL, 0);
		fwd_finish(f);
		return;
	}
	if (copy_headers(evhttp_request_get_input_headers(resp),
	    evhttp_request_get_output_headers(f->in), 0) < 0) {
		xhttp_reply(f->in, 500, NULL, NULL, 0);
		fwd_finish(f);
		return;
	}
	evhttp_send_reply(f->in, code, evhttp_request_get_response_code_line(
	    resp), evhttp_request_get_input_buffer(resp));
	fwd_finish(f);
}

void
naf_proxy_forward(struct naf *n, struct evhttp_request *in,
    const char *identity, void (*done)(void *), void *arg)
{
	struct evhttp_connection *c = NULL;
	struct evhttp_request *out = NULL;
	const struct evhttp_uri *u = evhttp_request_get_evhttp_uri(in);
	struct evkeyvalq *oh;
	struct naf_fwd *f;
	char target[XCAP_PATH_MAX + 2048], v[XHTTP_IDENT_MAX + 3];
	const char *q;

	if ((f = calloc(1, sizeof(*f))) == NULL)
		goto fail;
	f->n = n;
	f->in = in;
	f->done = done;
	f->arg = arg;
	f->t0 = clock_mono_ms(NULL);
	q = evhttp_uri_get_query(u);
	if (snprintf(target, sizeof(target), "%s%s%s", evhttp_uri_get_path(u),
	    q != NULL ? "?" : "", q != NULL ? q : "") >= (int)sizeof(target))
		goto fail;
	if ((c = evhttp_connection_base_new(n->loop.base, NULL, n->as_host,
	    (ev_uint16_t)n->as_port)) == NULL ||
	    (out = evhttp_request_new(fwd_done, f)) == NULL)
		goto fail;
	evhttp_connection_set_timeout(c, (int)n->as_timeout);
	evhttp_connection_set_retries(c, 0);
	evhttp_connection_set_max_body_size(c, n->max_body);
	evhttp_request_set_error_cb(out, fwd_error);
	oh = evhttp_request_get_output_headers(out);
	(void)snprintf(v, sizeof(v), "\"%s\"", identity);
	if (copy_headers(evhttp_request_get_input_headers(in), oh, 1) < 0 ||
	    evhttp_add_header(oh, "Host", n->as_host) != 0 ||
	    evhttp_add_header(oh, "X-3GPP-Asserted-Identity", v) != 0 ||
	    evbuffer_add_buffer(evhttp_request_get_output_buffer(out),
	    evhttp_request_get_input_buffer(in)) != 0)
		goto fail;
	evhttp_connection_free_on_completion(c);
	if (evhttp_make_request(c, out, evhttp_request_get_command(in),
	    target) != 0) {
		/* libevent freed the request; the connection is ours. */
		out = NULL;
		goto fail;
	}
	(void)http_conn_nodelay(c);	/* logged; Nagle only delays */
	return;
fail:
	log_err("naf: cannot forward to %s:%u: 502", n->as_host, n->as_port);
	if (out != NULL)
		evhttp_request_free(out);
	if (c != NULL)
		evhttp_connection_free(c);
	xhttp_reply(in, 502, NULL, NULL, 0);
	free(f);
	done(arg);
}
