/* main.c - bsf: the Bootstrapping Server Function of GBA (TS 33.220 4,
 * TS 24.109 4, TS 29.109).
 *
 *   bsf [-c bsf.conf] [-n] [-p] [-o KEY=VALUE] [--KEY VALUE] ...
 *
 * Settings: below, and diameter.* (dia_conf.h); bsf.conf in this folder
 * has every key.  start() (as root): the store, the Ub socket, the TLS
 * certificate and key, the event base; launch(): freeDiameter (Zh client,
 * Zn server); run(): the libevent loop on the main thread.  No capability
 * is kept.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <event2/event.h>

#include "bsf.h"
#include "check.h"
#include "daemon.h"
#include "dia_conf.h"
#include "log.h"
#include "met.h"
#include "metrics_http.h"

#define BSF_STOP_TIMEOUT_MS	5000
#define BSF_TICK_SEC		10	/* challenge expiry */
#define BSF_PURGE_TICKS		6	/* store purge: every minute */

static struct bsf_conf conf;
static struct dia_conf dia;
static struct bsf b;

/* "FQDN=GROUP": the NAF's FQDN, a group name of letters, digits, '.',
 * '_' and '-'. */
static int
check_naf_group(const char *v, char *why, size_t size)
{
	const char *eq = strchr(v, '=');
	char fqdn[256];
	size_t n;

	if (eq == NULL || (n = (size_t)(eq - v)) == 0 || n >= sizeof(fqdn) ||
	    eq[1] == '\0' || strlen(eq + 1) > 64 ||
	    eq[1 + strspn(eq + 1, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")] != '\0')
		goto bad;
	memcpy(fqdn, v, n);
	fqdn[n] = '\0';
	if (conf_name_check(fqdn, 0) < 0)
		goto bad;
	return 0;
bad:
	(void)snprintf(why, size, "expected NAF-FQDN=GROUP, not \"%s\"", v);
	return -EINVAL;
}

/* A Diameter identity (the hss key). */
static int
check_identity(const char *v, char *why, size_t size)
{
	if (conf_name_check(v, 1) == 0)
		return 0;
	(void)snprintf(why, size, "expected a Diameter identity, not \"%s\"",
	    v);
	return -EINVAL;
}

/* "FQDN@DIAMETER-IDENTITY". */
static int
check_naf_peer(const char *v, char *why, size_t size)
{
	const char *at = strchr(v, '@');
	char fqdn[256];
	size_t n;

	if (at == NULL || (n = (size_t)(at - v)) == 0 || n >= sizeof(fqdn) ||
	    conf_name_check(at + 1, 1) < 0)
		goto bad;
	memcpy(fqdn, v, n);
	fqdn[n] = '\0';
	if (conf_name_check(fqdn, 0) < 0)
		goto bad;
	return 0;
bad:
	(void)snprintf(why, size, "expected NAF-FQDN@DIAMETER-IDENTITY, not "
	    "\"%s\"", v);
	return -EINVAL;
}

#define BC(f)	offsetof(struct bsf_conf, f)
static const struct conf_key bsf_keys[] = {
	{ .name = "listen", .type = CONF_HOSTPORT, .offset = BC(listen),
	  .dflt = "0.0.0.0:8080", .opt = 'l',
	  .help = "Ub: the HTTP (or, with tls-cert, HTTPS) address the UEs "
	    "bootstrap on (TS 24.109 4)" },
	{ .name = "name", .type = CONF_STRING, .offset = BC(name),
	  .flags = CONF_REQUIRED, .max = 255, .check = conf_check_domain,
	  .help = "the BSF's server name: B-TID = base64(RAND)@name (TS "
	    "33.220 4.5.2)" },
	{ .name = "realm", .type = CONF_STRING, .offset = BC(realm),
	  .max = 255, .check = conf_check_domain,
	  .help = "the Digest realm of the challenges (TS 24.109 4.2: the "
	    "BSF's FQDN); unset: name" },
	{ .name = "db", .type = CONF_STRING, .offset = BC(db),
	  .flags = CONF_REQUIRED, .max = 1024,
	  .help = "the bootstrap store (SQLite): Ks per B-TID, kept across "
	    "restarts until it expires" },
	{ .name = "hss", .type = CONF_STRING, .offset = BC(hss), .max = 255,
	  .check = check_identity,
	  .help = "Destination-Host of the Zh MARs (the HSS's Diameter "
	    "identity); unset: routed by realm to the connected peer" },
	{ .name = "tls-cert", .type = CONF_STRING, .offset = BC(tls_cert),
	  .max = 1024,
	  .help = "PEM certificate chain: Ub is served over TLS 1.2+ "
	    "(needs tls-key); unset: plain HTTP" },
	{ .name = "tls-key", .type = CONF_STRING, .offset = BC(tls_key),
	  .max = 1024,
	  .help = "PEM private key of tls-cert, read as root at start-up" },
	{ .name = "key-lifetime", .type = CONF_UINT,
	  .offset = BC(key_lifetime), .dflt = "3600", .min = 60,
	  .max = 7 * 86400,
	  .help = "seconds a bootstrapped Ks lives (TS 33.220 4.5.2); a "
	    "shorter bsfInfo lifeTime in the subscriber's GUSS wins" },
	{ .name = "challenge-timeout", .type = CONF_UINT,
	  .offset = BC(chal_timeout), .dflt = "60", .min = 5, .max = 600,
	  .help = "seconds a 401 challenge waits for its answer" },
	{ .name = "max-pending", .type = CONF_UINT, .offset = BC(max_pending),
	  .dflt = "4096", .min = 1, .max = 1u << 20,
	  .help = "challenges and Zh requests pending at once; beyond, 503 "
	    "with Retry-After" },
	{ .name = "mar-limit", .type = CONF_UINT, .offset = BC(mar_limit),
	  .dflt = "5", .min = 1, .max = 64,
	  .help = "Zh MARs (each spends a sequence number at the HSS) per "
	    "IMPI within mar-window, answers and resynchronisations "
	    "included; beyond, 503 with Retry-After" },
	{ .name = "mar-window", .type = CONF_UINT, .offset = BC(mar_window),
	  .dflt = "60", .min = 1, .max = 86400,
	  .help = "the window of mar-limit, in seconds" },
	{ .name = "guss-required", .type = CONF_BOOL,
	  .offset = BC(guss_required), .dflt = "no",
	  .help = "yes: a subscriber without GBA user security settings "
	    "(GUSS) from the HSS may use no NAF (Zn 5402); no: without a "
	    "GUSS every NAF allowed by naf-peer may, and Zn carries no USS" },
	{ .name = "naf-group", .type = CONF_STRING, .offset = BC(naf_group),
	  .flags = CONF_LIST, .max = 320, .check = check_naf_group,
	  .help = "NAF-FQDN=GROUP: the NAF group (GUSS nafGroup) of a NAF; "
	    "an unlisted NAF is in group \"default\"" },
	{ .name = "naf-peer", .type = CONF_STRING, .offset = BC(naf_peer),
	  .flags = CONF_LIST, .max = 512, .check = check_naf_peer,
	  .help = "NAF-FQDN@DIAMETER-IDENTITY: that Zn peer may ask for "
	    "that NAF's keys; a peer may always ask for the FQDN equal to "
	    "its own Diameter identity, and nothing else" },
	{ .name = NULL }
};

static const struct conf_table bsf_tables[] = {
	{ "BSF", bsf_keys, &conf, sizeof(conf) },
	{ "Diameter (Zh client, Zn server)", dia_conf_keys, &dia, sizeof(dia) },
};

/* Every BSF_TICK_SEC: stale challenges out; every minute, expired
 * bootstraps out of the store. */
static void
bsf_tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct bsf *bp = arg;
	int n;

	(void)fd;
	(void)what;
	bsf_chals_expire(&bp->chals);
	if (++bp->ticks % BSF_PURGE_TICKS == 0 &&
	    (n = bsf_store_purge(bp->store, (int64_t)time(NULL))) > 0)
		log_info("bsf: %d expired bootstraps removed", n);
}

/* As root: the store, the Ub socket (and TLS material), the loop. */
static int
bsf_start(void *arg)
{
	struct timeval tv = { BSF_TICK_SEC, 0 };
	int rc;

	(void)arg;
	IMS_CHECK_RC(met_use(MET_G_AUTH | MET_G_HTTP));
	IMS_CHECK_RC(dia_stat_use());
	IMS_CHECK_RC(dia_tls_load(&dia));	/* as root: the key */
	b.conf = &conf;
	b.realm = conf.realm != NULL ? conf.realm : conf.name;
	b.dest_realm = dia_conf_dest_realm(&dia);
	b.zh_timeout_ms = dia.timeout_ms;
	if ((conf.tls_cert == NULL) != (conf.tls_key == NULL)) {
		log_err("bsf: tls-cert and tls-key go together");
		return -EINVAL;
	}
	IMS_CHECK_RC(daemon_store_own(conf.db));
	if ((rc = bsf_store_open(conf.db, &b.store)) < 0) {
		log_err("bsf: cannot open the store %s", conf.db);
		return rc;
	}
	IMS_CHECK_RC(bsf_chals_init(&b.chals, conf.max_pending,
	    conf.chal_timeout, conf.mar_limit, conf.mar_window));
	IMS_CHECK_RC(evloop_init(&b.loop));
	if ((b.tick = event_new(b.loop.base, -1, EV_PERSIST, bsf_tick_cb,
	    &b)) == NULL || event_add(b.tick, &tv) != 0) {
		log_err("bsf: cannot set up the timer");
		return -ENOMEM;
	}
	IMS_CHECK_RC(bsf_http_open(&b));
	rc = bsf_store_purge(b.store, (int64_t)time(NULL));
	if (rc < 0)
		return rc;
	return 0;
}

/* As the run user: freeDiameter with Zh and Zn. */
static int
bsf_launch(void *arg)
{
	(void)arg;
	IMS_CHECK_RC(dia_init(&dia));
	IMS_CHECK_RC(gba_dict_init(GBA_ADV_ZH | GBA_ADV_ZN));
	IMS_CHECK_RC(bsf_zn_init(&b));
	IMS_CHECK_RC(dia_start());
	log_info("bsf: ready, %s on %s (%s), Diameter %s, store %s",
	    conf.name, conf.listen, b.tls != NULL ? "https" : "http",
	    dia.identity, conf.db);
	return 0;
}

static int
bsf_run(void *arg)
{
	(void)arg;
	return evloop_run(&b.loop);
}

/* Signal thread: the loop is stopped from its own thread. */
static void
bsf_stop(void *arg)
{
	(void)arg;
	evloop_stop(&b.loop);
}

/* Ub closed first (no new work); the store stays open: a Zn request may
 * still be on a freeDiameter thread, and every write is committed. */
static int
bsf_fini(void *arg)
{
	int rc;

	(void)arg;
	bsf_http_close(&b);
	if (b.tick != NULL)
		event_free(b.tick);
	b.tick = NULL;
	evloop_fini(&b.loop);
	rc = dia_stop(BSF_STOP_TIMEOUT_MS);
	log_info("bsf: stopped");
	return rc;
}

int
main(int argc, char **argv)
{
	static const struct daemon_spec spec = {
		.name = "bsf",
		.tables = bsf_tables,
		.ntables = sizeof(bsf_tables) / sizeof(bsf_tables[0]),
		.caps = 0,
		.metrics = &metrics_daemon_ext,
		.start = bsf_start,
		.launch = bsf_launch,
		.run = bsf_run,
		.stop = bsf_stop,
		.fini = bsf_fini,
	};

	return daemon_main(&spec, argc, argv);
}
