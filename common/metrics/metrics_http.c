/* metrics_http.c - /metrics and /healthz (metrics_http.h). */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>

#include "check.h"
#include "conf.h"
#include "evloop.h"
#include "http_sock.h"
#include "log.h"
#include "met.h"
#include "metrics_http.h"

#define ALL_METHODS	0x1ff	/* EVHTTP_REQ_GET .. EVHTTP_REQ_PATCH */

static struct {
	struct evloop			 loop;
	struct evhttp			*http;
	pthread_t			 thread;
	int				 running;	/* thread started */
	atomic_int			 phase;
	/* Loop thread only: the connections being served. */
	struct evhttp_connection	*conns[METRICS_HTTP_CONNS];
} mh;

static void
conn_closed(struct evhttp_connection *c, void *arg)
{
	size_t i;

	(void)arg;
	for (i = 0; i < METRICS_HTTP_CONNS; i++)
		if (mh.conns[i] == c)
			mh.conns[i] = NULL;
}

/* Whether c may be served: known, or a free slot taken for it. */
static int
conn_admit(struct evhttp_connection *c)
{
	size_t i, free_i = METRICS_HTTP_CONNS;

	for (i = 0; i < METRICS_HTTP_CONNS; i++) {
		if (mh.conns[i] == c)
			return 1;
		if (mh.conns[i] == NULL && free_i == METRICS_HTTP_CONNS)
			free_i = i;
	}
	if (free_i == METRICS_HTTP_CONNS)
		return 0;
	mh.conns[free_i] = c;
	evhttp_connection_set_closecb(c, conn_closed, NULL);
	return 1;
}

static void
reply_text(struct evhttp_request *req, int code, const char *reason,
    const char *text)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);
	struct evbuffer *b = evbuffer_new();

	if (b == NULL) {
		evhttp_send_error(req, 500, NULL);
		return;
	}
	if (evhttp_add_header(h, "Content-Type",
	    "text/plain; charset=utf-8") != 0 ||
	    evbuffer_add_printf(b, "%s\n", text) < 0) {
		evbuffer_free(b);
		evhttp_send_error(req, 500, NULL);
		return;
	}
	evhttp_send_reply(req, code, reason, b);
	evbuffer_free(b);
}

static void
serve_metrics(struct evhttp_request *req)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);
	struct evbuffer *b;
	char *text = NULL;
	size_t len = 0;
	FILE *f;
	int rc;

	if ((f = open_memstream(&text, &len)) == NULL) {
		evhttp_send_error(req, 500, NULL);
		return;
	}
	rc = metrics_render(f);
	if (fclose(f) != 0 || rc < 0 || (b = evbuffer_new()) == NULL) {
		free(text);
		evhttp_send_error(req, 500, NULL);
		return;
	}
	if (evbuffer_add(b, text, len) != 0 || evhttp_add_header(h,
	    "Content-Type", "text/plain; version=0.0.4; charset=utf-8") != 0)
		evhttp_send_error(req, 500, NULL);
	else
		evhttp_send_reply(req, 200, "OK", b);
	evbuffer_free(b);
	free(text);
}

static void
serve(struct evhttp_request *req, void *arg)
{
	static const char *const phases[] = { "starting", "ok", "stopping" };
	const struct evhttp_uri *u = evhttp_request_get_evhttp_uri(req);
	const char *path = u != NULL ? evhttp_uri_get_path(u) : NULL;
	enum evhttp_cmd_type m = evhttp_request_get_command(req);
	int phase, is_metrics;

	(void)arg;
	if (!conn_admit(evhttp_request_get_connection(req))) {
		if (evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Connection", "close") != 0)
			log_debug("metrics: cannot add Connection: close");
		reply_text(req, 503, "Service Unavailable",
		    "too many connections");
		return;
	}
	if (path == NULL || (strcmp(path, "/metrics") != 0 &&
	    strcmp(path, "/healthz") != 0)) {
		reply_text(req, 404, "Not Found", "not found");
		return;
	}
	if (m != EVHTTP_REQ_GET && m != EVHTTP_REQ_HEAD) {
		if (evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Allow", "GET, HEAD") != 0)
			log_debug("metrics: cannot add Allow");
		reply_text(req, 405, "Method Not Allowed", "GET or HEAD only");
		return;
	}
	is_metrics = strcmp(path, "/metrics") == 0;
	if (is_metrics) {
		serve_metrics(req);
		return;
	}
	phase = atomic_load(&mh.phase);
	if (phase < DAEMON_STARTING || phase > DAEMON_STOPPING)
		phase = DAEMON_STOPPING;
	reply_text(req, phase == DAEMON_RUNNING ? 200 : 503,
	    phase == DAEMON_RUNNING ? "OK" : "Service Unavailable",
	    phases[phase]);
}

int
metrics_http_bind(const char *function, const char *listen)
{
	char host[256];
	unsigned port;

	IMS_CHECK_PARAMS(function != NULL && listen != NULL);
	if (conf_hostport_split(listen, host, sizeof(host), &port) < 0)
		return -EINVAL;
	IMS_CHECK_RC(met_init(function));
	IMS_CHECK_RC(evloop_init(&mh.loop));
	IMS_CHECK_MALLOC(mh.http = evhttp_new(mh.loop.base));
	evhttp_set_allowed_methods(mh.http, ALL_METHODS);
	evhttp_set_timeout(mh.http, METRICS_HTTP_TIMEOUT);
	evhttp_set_max_headers_size(mh.http, 8192);
	evhttp_set_max_body_size(mh.http, 0);
	evhttp_set_gencb(mh.http, serve, NULL);
	if (http_bind(mh.http, host, (uint16_t)port) < 0) {
		log_err("metrics: cannot listen on %s", listen);
		return -EADDRNOTAVAIL;
	}
	log_info("metrics: /metrics and /healthz on http://%s", listen);
	return 0;
}

static void *
metrics_thread(void *arg)
{
	(void)arg;
	if (evloop_run(&mh.loop) < 0)
		log_err("metrics: the HTTP loop failed");
	return NULL;
}

int
metrics_http_launch(void)
{
	int rc;

	if (mh.http == NULL)
		return 0;
	if ((rc = pthread_create(&mh.thread, NULL, metrics_thread, NULL)) !=
	    0)
		return -rc;
	mh.running = 1;
	return 0;
}

void
metrics_http_phase(int phase)
{
	atomic_store(&mh.phase, phase);
}

void
metrics_http_stop(void)
{
	if (!mh.running)
		return;
	evloop_stop(&mh.loop);
	if (pthread_join(mh.thread, NULL) != 0)
		log_warn("metrics: cannot join the HTTP thread");
	mh.running = 0;
	evhttp_free(mh.http);
	mh.http = NULL;
	evloop_fini(&mh.loop);
}

const struct daemon_ext metrics_daemon_ext = {
	.bind = metrics_http_bind,
	.launch = metrics_http_launch,
	.phase = metrics_http_phase,
	.stop = metrics_http_stop,
};
