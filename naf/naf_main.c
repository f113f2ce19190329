/* naf_main.c - naf: the Ut authentication proxy (TS 33.222 5.3, TS 24.109
 * 5.2/5.3.2) in front of the XCAP server.
 *
 *   naf [-c naf.conf] [-n] [-p] [-o KEY=VALUE] [--KEY VALUE] ...
 *
 * Settings: below, and diameter.* (dia_conf.h: Zn towards the BSF);
 * naf.conf in this folder has every key.  start() (as root when started
 * as root) reads the TLS certificate and key and binds the HTTPS socket;
 * launch() starts freeDiameter (Zn, advertised in CER) as the run user;
 * no capability is kept.  The main thread runs the libevent loop; Zn
 * answers reach it through the hand-off (evloop.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <event2/event.h>
#include <event2/http.h>

#include "check.h"
#include "daemon.h"
#include "dia_conf.h"
#include "gba.h"
#include "http_sock.h"
#include "http_tls.h"
#include "kdf.h"
#include "log.h"
#include "met.h"
#include "metrics_http.h"
#include "naf.h"

#define NAF_STOP_TIMEOUT_MS	3000

struct naf_conf {
	char		*listen;
	char		*fqdn;
	char		*tls_cert, *tls_key;
	char		*as;
	unsigned	 as_timeout;
	unsigned	 max_requests;
	unsigned	 retry_after;
	unsigned	 max_body;
	unsigned	 cache_size;
	unsigned	 nonces, nonce_lifetime;
	unsigned	 timeout;
};

static struct naf_conf conf;
static struct dia_conf dia;
static struct naf n;

/* http://HOST[:PORT] (RFC 3986; port 80 by default) into host, port. */
static int
as_split(const char *v, char *host, size_t size, unsigned *port)
{
	struct evhttp_uri *u;
	const char *h, *path;
	int p, rc = -EINVAL;

	if ((u = evhttp_uri_parse(v)) == NULL)
		return -EINVAL;
	h = evhttp_uri_get_host(u);
	p = evhttp_uri_get_port(u);
	path = evhttp_uri_get_path(u);
	if (evhttp_uri_get_scheme(u) != NULL &&
	    strcmp(evhttp_uri_get_scheme(u), "http") == 0 && h != NULL &&
	    h[0] != '\0' && strlen(h) < size && p != 0 && p < 65536 &&
	    (path == NULL || path[0] == '\0' || strcmp(path, "/") == 0) &&
	    evhttp_uri_get_query(u) == NULL &&
	    evhttp_uri_get_userinfo(u) == NULL) {
		(void)snprintf(host, size, "%s", h);
		*port = p < 0 ? 80 : (unsigned)p;
		rc = 0;
	}
	evhttp_uri_free(u);
	return rc;
}

static int
check_as(const char *v, char *why, size_t whysize)
{
	char host[256];
	unsigned port;

	if (as_split(v, host, sizeof(host), &port) == 0)
		return 0;
	(void)snprintf(why, whysize, "expected http://HOST[:PORT], not "
	    "\"%s\"", v);
	return -EINVAL;
}

#define NC(f)	offsetof(struct naf_conf, f)
static const struct conf_key naf_keys[] = {
	{ .name = "listen", .type = CONF_HOSTPORT, .offset = NC(listen),
	  .dflt = "0.0.0.0:443", .opt = 'l',
	  .help = "HTTPS address the UEs reach the NAF on (Ut over TLS, "
	    "TS 33.222 5.3)" },
	{ .name = "fqdn", .type = CONF_STRING, .offset = NC(fqdn),
	  .flags = CONF_REQUIRED, .max = 255, .check = conf_check_domain,
	  .help = "the NAF's FQDN: the Digest realm 3GPP-bootstrapping@FQDN "
	    "and the NAF-Id FQDN || (0x01,0x00,0x00,0x00,0x02) of Zn and "
	    "Ks_NAF (TS 33.220 4.5.2, Annex H: HTTP Digest, TS 24.109); it "
	    "must be the name in the TLS certificate" },
	{ .name = "tls-cert", .type = CONF_STRING, .offset = NC(tls_cert),
	  .flags = CONF_REQUIRED, .max = 1024,
	  .help = "the NAF's certificate chain (PEM, leaf first), read as "
	    "root at start-up" },
	{ .name = "tls-key", .type = CONF_STRING, .offset = NC(tls_key),
	  .flags = CONF_REQUIRED, .max = 1024,
	  .help = "its private key (PEM), read as root at start-up" },
	{ .name = "as", .type = CONF_STRING, .offset = NC(as),
	  .flags = CONF_REQUIRED, .max = 300, .check = check_as,
	  .help = "the application server behind the NAF (the XCAP server), "
	    "http://HOST[:PORT]: requests go there with "
	    "X-3GPP-Asserted-Identity" },
	{ .name = "as-timeout", .type = CONF_UINT, .offset = NC(as_timeout),
	  .dflt = "10", .min = 1, .max = 300,
	  .help = "seconds the application server has to answer (then 504)" },
	{ .name = "max-requests", .type = CONF_UINT,
	  .offset = NC(max_requests), .dflt = "256", .min = 1,
	  .max = 1u << 20,
	  .help = "requests in work at once (waiting for Zn or the "
	    "application server); beyond, 503 with Retry-After" },
	{ .name = "retry-after", .type = CONF_UINT, .offset = NC(retry_after),
	  .dflt = "5", .min = 1, .max = 3600,
	  .help = "Retry-After seconds of a 503 (overload, BSF unreachable)" },
	{ .name = "max-body", .type = CONF_UINT, .offset = NC(max_body),
	  .dflt = "1048576", .min = 1024, .max = 16u << 20,
	  .help = "largest body in bytes, request or answer (beyond: 413 "
	    "for a request, 502 for an answer)" },
	{ .name = "cache-size", .type = CONF_UINT, .offset = NC(cache_size),
	  .dflt = "4096", .min = 4, .max = 1u << 20,
	  .help = "B-TIDs whose Ks_NAF, IMPI and identities are kept until "
	    "the key expires (Key-ExpiryTime); beyond, the one expiring "
	    "first of its set of 4 is dropped" },
	{ .name = "nonces", .type = CONF_UINT, .offset = NC(nonces),
	  .dflt = "16384", .min = 16, .max = 1u << 22,
	  .help = "Digest nonces held at once (a new one may push out an "
	    "old one: its user gets stale=true)" },
	{ .name = "nonce-lifetime", .type = CONF_UINT,
	  .offset = NC(nonce_lifetime), .dflt = "300", .min = 10,
	  .max = 86400,
	  .help = "seconds a nonce is good for; then a right password gets "
	    "401 with stale=true" },
	{ .name = "timeout", .type = CONF_UINT, .offset = NC(timeout),
	  .dflt = "30", .min = 1, .max = 3600,
	  .help = "seconds a UE connection may stay idle or take to send a "
	    "request" },
	{ .name = NULL }
};

static const struct conf_table naf_tables[] = {
	{ "NAF", naf_keys, &conf, sizeof(conf) },
	{ "Diameter (Zn)", dia_conf_keys, &dia, sizeof(dia) },
};

/* As root: the TLS key, the HTTPS socket; no thread. */
static int
naf_start(void *arg)
{
	static const uint8_t ua[KDF_UA_PROTO_LEN] = KDF_UA_PROTO_HTTP_DIGEST;
	char host[256];
	unsigned port;

	(void)arg;
	IMS_CHECK_RC(met_use(MET_G_HTTP));
	IMS_CHECK_RC(dia_stat_use());
	IMS_CHECK_RC(dia_tls_load(&dia));	/* as root: the key */
	(void)snprintf(n.realm, sizeof(n.realm), "%s%s", NAF_REALM_PFX,
	    conf.fqdn);
	IMS_CHECK_RC(kdf_naf_id(conf.fqdn, ua, n.naf_id, sizeof(n.naf_id),
	    &n.naf_id_len));
	IMS_CHECK_RC(as_split(conf.as, n.as_host, sizeof(n.as_host),
	    &n.as_port));
	n.as_timeout = conf.as_timeout;
	n.max_requests = conf.max_requests;
	n.retry_after = conf.retry_after;
	n.max_body = conf.max_body;
	n.dest_realm = dia_conf_dest_realm(&dia);
	n.zn_timeout_ms = dia.timeout_ms;
	IMS_CHECK_RC(naf_cache_init(&n.cache, conf.cache_size));
	IMS_CHECK_RC(naf_nonces_init(&n.nonces, conf.nonces,
	    conf.nonce_lifetime));
	IMS_CHECK_RC(http_tls_new(conf.tls_cert, conf.tls_key, &n.tls));
	IMS_CHECK_RC(evloop_init(&n.loop));
	IMS_CHECK_MALLOC(n.http = evhttp_new(n.loop.base));
	http_tls_attach(n.tls, n.http);
	evhttp_set_max_body_size(n.http, conf.max_body);
	evhttp_set_max_headers_size(n.http, 16384);
	evhttp_set_timeout(n.http, (int)conf.timeout);
	evhttp_set_default_content_type(n.http, NULL);
	evhttp_set_allowed_methods(n.http, EVHTTP_REQ_GET | EVHTTP_REQ_PUT |
	    EVHTTP_REQ_DELETE | EVHTTP_REQ_POST | EVHTTP_REQ_HEAD |
	    EVHTTP_REQ_OPTIONS);
	evhttp_set_gencb(n.http, naf_request, &n);
	IMS_CHECK_RC(conf_hostport_split(conf.listen, host, sizeof(host),
	    &port));
	if (http_bind(n.http, host, (uint16_t)port) != 0) {
		log_err("naf: cannot listen on %s", conf.listen);
		return -EADDRNOTAVAIL;
	}
	return 0;
}

/* As the run user: freeDiameter, Zn advertised. */
static int
naf_launch(void *arg)
{
	(void)arg;
	IMS_CHECK_RC(dia_init(&dia));
	IMS_CHECK_RC(gba_dict_init(GBA_ADV_ZN));
	IMS_CHECK_RC(dia_start());
	log_info("naf: ready, https://%s (realm %s), application server "
	    "%s:%u, Diameter %s", conf.listen, n.realm, n.as_host, n.as_port,
	    dia.identity);
	return 0;
}

static int
naf_run(void *arg)
{
	(void)arg;
	return evloop_run(&n.loop);
}

static void
naf_stop(void *arg)
{
	(void)arg;
	evloop_stop(&n.loop);
}

/* After dia_stop the key cache is wiped (a late Zn answer only posts to
 * the stopped loop, it never touches the cache); the rest is left to
 * _exit. */
static int
naf_fini(void *arg)
{
	int rc;

	(void)arg;
	rc = dia_stop(NAF_STOP_TIMEOUT_MS);
	naf_cache_free(&n.cache);
	log_info("naf: stopped (%llu authorised, %llu challenges, %llu "
	    "refused, %llu Zn requests)", (unsigned long long)n.n_ok,
	    (unsigned long long)n.n_401, (unsigned long long)n.n_403,
	    (unsigned long long)n.n_zn);
	return rc;
}

int
main(int argc, char **argv)
{
	static const struct daemon_spec spec = {
		.name = "naf",
		.tables = naf_tables,
		.ntables = sizeof(naf_tables) / sizeof(naf_tables[0]),
		.caps = 0,
		.metrics = &metrics_daemon_ext,
		.start = naf_start,
		.launch = naf_launch,
		.run = naf_run,
		.stop = naf_stop,
		.fini = naf_fini,
	};

	return daemon_main(&spec, argc, argv);
}
