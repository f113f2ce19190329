/* main.c - icscf: the Interrogating-CSCF (TS 24.229 5.3).
 *
 *   icscf [-c icscf.conf] [-n] [-p] [-o KEY=VALUE] [--KEY VALUE] ...
 *
 * Settings: below, and diameter.* (dia_conf.h); icscf.conf in this folder
 * has every key.  The S-CSCF list (scscf, chosen from by capabilities,
 * TS 29.228 6.7, when the HSS names none; an entry naming a host stands
 * for every address it resolves to, icscf_disc.c), scscf-refresh,
 * scscf-hold, scscf-timeout and the trust domain are reloaded on SIGHUP, swapped in on
 * the su_root thread.  No capability is kept.
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "cx.h"
#include "daemon.h"
#include "dia_conf.h"
#include "icscf.h"
#include "log.h"
#include "met.h"
#include "metrics_http.h"

#define ICSCF_STOP_TIMEOUT_MS	5000

struct icscf_conf {
	char			*listen;
	char			*domain;
	struct conf_list	 scscf;
	unsigned		 scscf_refresh;
	unsigned		 scscf_hold;
	unsigned		 scscf_timeout;
	struct conf_list	 trusted;
	unsigned		 max_pending, retry_after;
};

static struct icscf_conf conf;
static struct dia_conf dia;
static struct icscf ic;

static int
check_scscf(const char *v, char *why, size_t size)
{
	struct scscf_entry e;

	if (scscf_entry_parse(v, &e) == 0)
		return 0;
	(void)snprintf(why, size, "expected SIPURI[=CAP,CAP...], not \"%s\"",
	    v);
	return -EINVAL;
}

#define IC(f)	offsetof(struct icscf_conf, f)
static const struct conf_key icscf_keys[] = {
	{ .name = "listen", .type = CONF_HOSTPORT, .offset = IC(listen),
	  .flags = CONF_REQUIRED, .opt = 'l',
	  .help = "SIP address (UDP and TCP) of the I-CSCF" },
	{ .name = "domain", .type = CONF_STRING, .offset = IC(domain),
	  .flags = CONF_REQUIRED, .max = 255, .check = conf_check_domain,
	  .help = "the home domain" },
	{ .name = "scscf", .type = CONF_STRING, .offset = IC(scscf),
	  .flags = CONF_LIST | CONF_RELOAD, .maxn = ICSCF_MAX_SCSCF,
	  .max = SIPX_URI_MAX + 96, .opt = 's', .check = check_scscf,
	  .help = "an S-CSCF to assign, SIPURI[=CAP,CAP...] with its "
	    "capabilities (TS 29.228 6.7); a URI naming a host "
	    "(sip:scscf:6060=1,2) stands for every address the name resolves "
	    "to (replicas), each a candidate sip:ADDRESS:6060; new users go "
	    "round robin to the least recently chosen of the best fitting" },
	{ .name = "scscf-refresh", .type = CONF_UINT,
	  .offset = IC(scscf_refresh), .dflt = "10", .min = 1, .max = 3600,
	  .flags = CONF_RELOAD,
	  .help = "seconds between resolutions of the host names of the "
	    "scscf entries (replicas that come and go are followed)" },
	{ .name = "scscf-hold", .type = CONF_UINT,
	  .offset = IC(scscf_hold), .dflt = "30", .min = 1, .max = 3600,
	  .flags = CONF_RELOAD,
	  .help = "seconds an S-CSCF that a REGISTER could not reach (no "
	    "answer, transport error) is passed over: its users are given "
	    "another (UAR REGISTRATION_AND_CAPABILITIES, TS 24.229 5.3.1.3)" },
	{ .name = "scscf-timeout", .type = CONF_UINT,
	  .offset = IC(scscf_timeout), .dflt = "5", .min = 1, .max = 32,
	  .flags = CONF_RELOAD,
	  .help = "seconds an S-CSCF has to answer a REGISTER (any response) "
	    "before it counts as not reached and another is tried: well "
	    "under the UE's own 32 s (RFC 3261 Timer F), above the S-CSCF's "
	    "Diameter timeout" },
	SIPX_TRUST_KEY(IC(trusted)),
	SIPX_LOAD_KEYS(IC(max_pending), IC(retry_after)),
	{ .name = NULL }
};

static const struct conf_table icscf_tables[] = {
	{ "I-CSCF", icscf_keys, &conf, sizeof(conf) },
	{ "Diameter (Cx towards the HSS)", dia_conf_keys, &dia, sizeof(dia) },
};

/* su_root thread: the list the selection reads (scscf_select.c) and the
 * trust domain, from the settings. */
static void
icscf_settings(struct sipx_agent *a)
{
	struct scscf_entry e[ICSCF_MAX_SCSCF];
	unsigned n = 0;
	size_t i;

	(void)a;
	if (sipx_trust_set(&ic.trust, &conf.trusted) < 0)
		log_err("icscf: trusted-peer list refused");
	ic.sa.load.max_pending = conf.max_pending;
	ic.sa.load.retry_after = conf.retry_after;

	for (i = 0; i < conf.scscf.n && n < ICSCF_MAX_SCSCF; i++)
		if (scscf_entry_parse(conf.scscf.v[i], &e[n]) == 0) {
			log_debug("icscf: S-CSCF %u: %s (%u capabilities)", n,
			    e[n].uri, e[n].ncaps);
			n++;
		}
	ic.hold_ms = conf.scscf_hold * 1000u;
	ic.answer_ms = conf.scscf_timeout * 1000u;
	icscf_disc_config(&ic, e, n, conf.scscf_refresh);
	log_info("icscf: %u S-CSCF entries, %zu trusted peers", n,
	    ic.trust.acl.n);
}

static int
icscf_leg(nta_leg_magic_t *magic, nta_leg_t *leg, nta_incoming_t *irq,
    sip_t const *sip)
{
	(void)leg;
	if (sip == NULL || sip->sip_request == NULL || sip->sip_to == NULL)
		return 400;
	return icscf_request((struct icscf *)magic, irq);
}

/* As root: the SIP sockets. */
static int
icscf_start(void *arg)
{
	(void)arg;
	IMS_CHECK_RC(met_use(MET_G_SIP));
	IMS_CHECK_RC(dia_stat_use());
	IMS_CHECK_RC(dia_tls_load(&dia));	/* as root: the key */
	ic.domain = conf.domain;
	ic.dest_realm = dia_conf_dest_realm(&dia);
	ic.dia_timeout_ms = dia.timeout_ms;
	IMS_CHECK_RC(sipx_agent_open(&ic.sa, conf.listen, icscf_leg,
	    (void *)&ic));
	ic.sa.reloaded = icscf_settings;
	IMS_CHECK_RC(sipx_async_init(&ic.sa));
	IMS_CHECK_RC(icscf_disc_new(&ic, conf.scscf_refresh));
	icscf_settings(&ic.sa);
	return 0;
}

/* As the run user: Cx (freeDiameter's threads). */
static int
icscf_launch(void *arg)
{
	(void)arg;
	IMS_CHECK_RC(dia_init(&dia));
	IMS_CHECK_RC(cx_dict_init());
	IMS_CHECK_RC(dia_start());
	IMS_CHECK_RC(icscf_disc_start(&ic));
	log_info("icscf: ready, %s (domain %s, %zu S-CSCF entries)",
	    ic.sa.self, ic.domain, conf.scscf.n);
	return 0;
}

static int
icscf_fini(void *arg)
{
	int rc;

	(void)arg;
	rc = dia_stop(ICSCF_STOP_TIMEOUT_MS);
	icscf_disc_free(&ic);
	sipx_async_fini(&ic.sa);
	sipx_agent_close(&ic.sa);
	return rc;
}

int
main(int argc, char **argv)
{
	static const struct daemon_spec spec = {
		.name = "icscf",
		.tables = icscf_tables,
		.ntables = sizeof(icscf_tables) / sizeof(icscf_tables[0]),
		.caps = 0,
		.arg = &ic.sa,
		.metrics = &metrics_daemon_ext,
		.start = icscf_start,
		.launch = icscf_launch,
		.run = sipx_daemon_run,
		.stop = sipx_daemon_stop,
		.reload = sipx_daemon_reload,
		.fini = icscf_fini,
	};

	return daemon_main(&spec, argc, argv);
}
