/* xcap_main.c - xcap: the Ut XCAP server (RFC 4825, TS 24.623) behind the
 * naf (TS 33.222 5.3 authentication proxy).
 *
 *   xcap [-c xcap.conf] [-n] [-p] [-o KEY=VALUE] [--KEY VALUE] ...
 *
 * Settings: below; xcap.conf in this folder has every key.  Plain HTTP:
 * the naf in front of it terminates TLS and authenticates the user, and
 * only the trusted-peer addresses (the naf) are served.  The store is
 * opened and the socket bound as root in start(); no capability is kept;
 * one thread runs the libevent loop.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <event2/event.h>
#include <event2/http.h>

#include "check.h"
#include "daemon.h"
#include "http_sock.h"
#include "log.h"
#include "met.h"
#include "metrics_http.h"
#include "xcap.h"
#include "xcap_doc.h"
#include "xcap_store.h"

struct xcap_conf {
	char			*listen;
	char			*db;
	struct conf_list	 trusted;
	unsigned		 max_body;
	unsigned		 timeout;
};

static struct xcap_conf conf;
static struct xcap x;

#define XC(f)	offsetof(struct xcap_conf, f)
static const struct conf_key xcap_keys[] = {
	{ .name = "listen", .type = CONF_HOSTPORT, .offset = XC(listen),
	  .dflt = "0.0.0.0:8080", .opt = 'l',
	  .help = "plain HTTP address the naf reaches the XCAP server on" },
	{ .name = "db", .type = CONF_STRING, .offset = XC(db),
	  .flags = CONF_REQUIRED, .max = 1024,
	  .help = "the documents' store (SQLite; created when missing, "
	    "handed to the run user)" },
	{ .name = "trusted-peer", .type = CONF_STRING, .offset = XC(trusted),
	  .flags = CONF_LIST, .maxn = ADDR_ACL_MAX, .max = 64,
	  .check = addr_acl_check,
	  .help = "ADDRESS[/PREFIX] of an authentication proxy (the naf) "
	    "whose X-3GPP-Asserted-Identity is believed; requests from any "
	    "other source get 403 (none: every request is refused)" },
	{ .name = "max-body", .type = CONF_UINT, .offset = XC(max_body),
	  .dflt = "1048576", .min = 1024, .max = 16u << 20,
	  .help = "largest request body in bytes (beyond: 413)" },
	{ .name = "timeout", .type = CONF_UINT, .offset = XC(timeout),
	  .dflt = "30", .min = 1, .max = 3600,
	  .help = "seconds a connection may stay idle or take to send a "
	    "request" },
	{ .name = NULL }
};

static const struct conf_table xcap_tables[] = {
	{ "XCAP server", xcap_keys, &conf, sizeof(conf) },
};

static int
xcap_start(void *arg)
{
	char host[256];
	unsigned port;
	size_t i;

	(void)arg;
	IMS_CHECK_RC(met_use(MET_G_HTTP));
	for (i = 0; i < conf.trusted.n; i++)
		IMS_CHECK_RC(addr_acl_add(&x.trusted, conf.trusted.v[i]));
	if (x.trusted.n == 0)
		log_warn("xcap: no trusted-peer: every request will be "
		    "refused");
	xcap_doc_init();
	IMS_CHECK_RC(daemon_store_own(conf.db));
	IMS_CHECK_RC(xcap_store_open(conf.db, &x.store));
	IMS_CHECK_RC(evloop_init(&x.loop));
	IMS_CHECK_MALLOC(x.http = evhttp_new(x.loop.base));
	evhttp_set_max_body_size(x.http, conf.max_body);
	evhttp_set_max_headers_size(x.http, 16384);
	evhttp_set_timeout(x.http, (int)conf.timeout);
	evhttp_set_default_content_type(x.http, NULL);
	evhttp_set_allowed_methods(x.http, EVHTTP_REQ_GET | EVHTTP_REQ_PUT |
	    EVHTTP_REQ_DELETE | EVHTTP_REQ_POST | EVHTTP_REQ_HEAD |
	    EVHTTP_REQ_OPTIONS);
	evhttp_set_gencb(x.http, xcap_http_handle, &x);
	IMS_CHECK_RC(conf_hostport_split(conf.listen, host, sizeof(host),
	    &port));
	if (http_bind(x.http, host, (uint16_t)port) != 0) {
		log_err("xcap: cannot listen on %s", conf.listen);
		return -EADDRNOTAVAIL;
	}
	log_info("xcap: ready, http://%s, %zu trusted peers, store %s",
	    conf.listen, x.trusted.n, conf.db);
	return 0;
}

static int
xcap_run(void *arg)
{
	(void)arg;
	return evloop_run(&x.loop);
}

static void
xcap_stop(void *arg)
{
	(void)arg;
	evloop_stop(&x.loop);
}

static int
xcap_fini(void *arg)
{
	(void)arg;
	evhttp_free(x.http);
	evloop_fini(&x.loop);
	xcap_store_close(x.store);
	log_info("xcap: stopped");
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct daemon_spec spec = {
		.name = "xcap",
		.tables = xcap_tables,
		.ntables = sizeof(xcap_tables) / sizeof(xcap_tables[0]),
		.caps = 0,
		.metrics = &metrics_daemon_ext,
		.start = xcap_start,
		.run = xcap_run,
		.stop = xcap_stop,
		.fini = xcap_fini,
	};

	return daemon_main(&spec, argc, argv);
}
