/* main.c - scscf: the Serving-CSCF (TS 24.229 5.4).
 *
 *   scscf [-c scscf.conf] [-n] [-p] [-o KEY=VALUE] [--KEY VALUE] ...
 *
 * Settings: below, and diameter.* (dia_conf.h); scscf.conf in this folder
 * has every key.  su_root is the main loop; freeDiameter runs its own
 * threads and posts its answers to the loop (sipx_post).  No capability
 * is kept.
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "cx.h"
#include "daemon.h"
#include "dia_conf.h"
#include "log.h"
#include "met.h"
#include "metrics_http.h"
#include "scscf.h"

#define SCSCF_STOP_TIMEOUT_MS	5000

struct scscf_conf {
	char		*listen;
	char		*domain;
	char		*name;
	char		*db;
	int		 db_sync;	/* 0 normal, 1 full */
	char		*icscf;
	unsigned	 max_expires;
	unsigned	 max_challenges;
	unsigned	 max_contacts;
	unsigned	 mar_limit;
	unsigned	 mar_window;
	int		 reauth;	/* enum reg_reauth */
	struct conf_list trusted;
	unsigned max_pending, retry_after;
};

static struct scscf_conf conf;
static struct dia_conf dia;
static struct scscf s;
static char scscf_name[SIPX_URI_MAX];

/* By enum reg_reauth. */
static const char *const scscf_reauth[] = { "always", "unless-protected",
    NULL };
static const char *const scscf_db_sync[] = { "normal", "full", NULL };

#define SC(f)	offsetof(struct scscf_conf, f)
static const struct conf_key scscf_keys[] = {
	{ .name = "listen", .type = CONF_HOSTPORT, .offset = SC(listen),
	  .flags = CONF_REQUIRED, .opt = 'l',
	  .help = "SIP address (UDP and TCP) of the S-CSCF" },
	{ .name = "domain", .type = CONF_STRING, .offset = SC(domain),
	  .flags = CONF_REQUIRED, .max = 255, .check = conf_check_domain,
	  .help = "the home domain, also the Digest realm of challenges" },
	{ .name = "name", .type = CONF_SIPURI, .offset = SC(name),
	  .help = "our Server-Name in MAR/SAR (TS 29.228 6.1); unset: "
	    "sip:LISTEN" },
	{ .name = "db", .type = CONF_STRING, .offset = SC(db),
	  .flags = CONF_REQUIRED, .max = 1024,
	  .help = "the registrations (SQLite), kept across restarts" },
	{ .name = "db-sync", .type = CONF_ENUM, .offset = SC(db_sync),
	  .dflt = "normal", .choices = scscf_db_sync,
	  .help = "normal: a REGISTER's commit survives a crash of the "
	    "scscf, not of the host (SQLite WAL, synchronous=NORMAL: no "
	    "fsync on the SIP loop; bindings are soft state the UEs "
	    "refresh, the HSS keeps the assignment); full: an fsync per "
	    "REGISTER" },
	{ .name = "icscf", .type = CONF_SIPURI, .offset = SC(icscf),
	  .help = "next hop for requests to identities not served here; "
	    "unset: by the Request-URI" },
	{ .name = "max-expires", .type = CONF_UINT,
	  .offset = SC(max_expires), .dflt = "3600", .min = 1, .max = 86400,
	  .help = "longest registration granted, in seconds (RFC 3261 10.3)" },
	{ .name = "max-challenges", .type = CONF_UINT,
	  .offset = SC(max_challenges), .dflt = "8192", .min = 1,
	  .max = 1u << 24,
	  .help = "AKA challenges held at once (pending ones are never "
	    "dropped: beyond, REGISTER gets 503 with Retry-After)" },
	{ .name = "max-contacts", .type = CONF_UINT,
	  .offset = SC(max_contacts), .dflt = "8", .min = 1,
	  .max = SCSCF_MAX_BINDINGS,
	  .help = "bindings (contacts) per public identity; a REGISTER that "
	    "would add more gets 403 (RFC 3261 10.3 step 7)" },
	{ .name = "mar-limit", .type = CONF_UINT, .offset = SC(mar_limit),
	  .dflt = "5", .min = 1, .max = AUTH_MAR_LIMIT_MAX,
	  .help = "MARs (challenges, each spending an SQN at the HSS) per "
	    "private identity within mar-window; beyond, REGISTER gets 503 "
	    "with Retry-After" },
	{ .name = "mar-window", .type = CONF_UINT, .offset = SC(mar_window),
	  .dflt = "60", .min = 1, .max = 86400,
	  .help = "the window of mar-limit, in seconds" },
	{ .name = "reauth", .type = CONF_ENUM, .offset = SC(reauth),
	  .dflt = "always", .choices = scscf_reauth,
	  .help = "which REGISTERs are authenticated again (TS 24.229 "
	    "5.4.1.2.2): always: every one not answering a challenge; "
	    "unless-protected: not a re- or de-registration that the "
	    "P-CSCF marks integrity-protected yes, tls-yes or ip-assoc-yes, "
	    "whose username is the IMPI that registered the identity and "
	    "whose contacts are registered (trusted because REGISTER comes "
	    "only from trusted-peer and the P-CSCF replaces the UE's "
	    "value); the HSS still gets the SAR" },
	SIPX_TRUST_KEY(SC(trusted)),
	SIPX_LOAD_KEYS(SC(max_pending), SC(retry_after)),
	{ .name = NULL }
};

static const struct conf_table scscf_tables[] = {
	{ "S-CSCF", scscf_keys, &conf, sizeof(conf) },
	{ "Diameter (Cx towards the HSS)", dia_conf_keys, &dia, sizeof(dia) },
};

static int
scscf_request(nta_leg_magic_t *magic, nta_leg_t *leg, nta_incoming_t *irq,
    sip_t const *sip)
{
	struct scscf *sc = (struct scscf *)magic;

	(void)leg;
	if (sip == NULL || sip->sip_request == NULL)
		return 400;
	if (sip->sip_request->rq_method == sip_method_register)
		return registrar_request(sc, irq, sip);
	if (regevent_claims(sip))
		return regevent_subscribe(sc, irq, sip);
	return route_request(sc, irq);
}

static void
scscf_tick(su_root_magic_t *magic, su_timer_t *t, su_timer_arg_t *arg)
{
	(void)magic;
	(void)t;
	registrar_expire((struct scscf *)arg);
}

/* su_root thread: the trust domain (the core elements), from the
 * settings. */
static void
scscf_settings(struct sipx_agent *a)
{
	(void)a;
	if (sipx_trust_set(&s.trust, &conf.trusted) < 0)
		log_err("scscf: trusted-peer list refused");
	s.sa.load.max_pending = conf.max_pending;
	s.sa.load.retry_after = conf.retry_after;
	log_info("scscf: %zu trusted peers", s.trust.acl.n);
}

/* As root: the store (handed to the run user) and the SIP sockets. */
static int
scscf_start(void *arg)
{
	int rc;

	(void)arg;
	bdb_gauge_use(conf.db);
	IMS_CHECK_RC(met_use(MET_G_SIP | MET_G_AUTH | MET_G_BINDINGS));
	IMS_CHECK_RC(dia_stat_use());
	IMS_CHECK_RC(dia_tls_load(&dia));	/* as root: the key */
	s.domain = conf.domain;
	s.icscf = conf.icscf;
	s.max_expires = conf.max_expires;
	s.max_challenges = conf.max_challenges;
	s.max_contacts = conf.max_contacts;
	s.mar_limit = conf.mar_limit;
	s.mar_window = conf.mar_window;
	s.reauth = conf.reauth;
	s.dest_realm = dia_conf_dest_realm(&dia);
	s.dia_timeout_ms = dia.timeout_ms;
	IMS_CHECK_RC(daemon_store_own(conf.db));
	if ((rc = bdb_open(conf.db, conf.db_sync, &s.db)) < 0) {
		log_err("scscf: cannot open the store %s", conf.db);
		return rc;
	}
	IMS_CHECK_RC(registrar_init(&s));
	IMS_CHECK_RC(sipx_agent_open(&s.sa, conf.listen, scscf_request,
	    (void *)&s));
	s.sa.registrar = 1;	/* RFC 3261 10.3: REGISTER ends here */
	s.sa.reloaded = scscf_settings;
	scscf_settings(&s.sa);
	if (conf.name == NULL)
		(void)snprintf(scscf_name, sizeof(scscf_name), "%s", s.sa.self);
	s.name = conf.name != NULL ? conf.name : scscf_name;
	/* RFC 3608 6 / TS 24.229 5.4.1.2.2: our originating entry point. */
	(void)snprintf(s.service_route, sizeof(s.service_route),
	    "<sip:orig@%s:%u;lr>", s.sa.host, s.sa.port);
	IMS_CHECK_RC(sipx_async_init(&s.sa));
	if ((s.timer = su_timer_create(su_root_task(s.sa.root), 1000)) ==
	    NULL || su_timer_set_for_ever(s.timer, scscf_tick, &s) < 0)
		return -ENOMEM;
	return 0;
}

/* As the run user: Cx (freeDiameter's threads). */
static int
scscf_launch(void *arg)
{
	(void)arg;
	IMS_CHECK_RC(bdb_background(s.db, conf.db));
	IMS_CHECK_RC(dia_init(&dia));
	IMS_CHECK_RC(cx_dict_init());
	IMS_CHECK_RC(registrar_rtr_init(&s));
	IMS_CHECK_RC(dia_start());
	log_info("scscf: ready, %s as %s (domain %s, db %s)", s.sa.self,
	    s.name, s.domain, conf.db);
	return 0;
}

static int
scscf_fini(void *arg)
{
	int rc;

	(void)arg;
	su_timer_destroy(s.timer);
	rc = dia_stop(SCSCF_STOP_TIMEOUT_MS);
	sipx_async_fini(&s.sa);
	sipx_agent_close(&s.sa);
	regevent_fini(&s);
	bdb_close(s.db);
	registrar_fini(&s);
	return rc;
}

int
main(int argc, char **argv)
{
	static const struct daemon_spec spec = {
		.name = "scscf",
		.tables = scscf_tables,
		.ntables = sizeof(scscf_tables) / sizeof(scscf_tables[0]),
		.caps = 0,
		.arg = &s.sa,
		.metrics = &metrics_daemon_ext,
		.start = scscf_start,
		.launch = scscf_launch,
		.run = sipx_daemon_run,
		.stop = sipx_daemon_stop,
		.reload = sipx_daemon_reload,
		.fini = scscf_fini,
	};

	return daemon_main(&spec, argc, argv);
}
