/* main.c - hss: the Home Subscriber Server's Cx/Dx (TS 29.228) and Zh
 * (TS 29.109 5) front end.
 *
 *   hss [-c hss.conf] [-n] [-p] [-o KEY=VALUE] [--KEY VALUE] ...
 *
 * Settings: below, and diameter.* (dia_conf.h); hss.conf in this folder
 * has every key.  freeDiameter's threads answer the Cx requests
 * (hss_cx.c) and the BSFs' Zh MARs (hss_zh.c), a thread sends the
 * queued RTR/PPR (hss_rtr.c); the main thread waits for the stop.  The store is handed to the run user before
 * the switch; no capability is kept.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#include "check.h"
#include "cx.h"
#include "daemon.h"
#include "dia_conf.h"
#include "gba.h"
#include "hss.h"
#include "log.h"
#include "met.h"
#include "metrics_http.h"

#define HSS_STOP_TIMEOUT_MS	5000

struct hss_conf {
	char			*db;
	struct conf_list	 scscf;
	struct conf_list	 capability;
	struct conf_list	 optional_capability;
	struct conf_list	 bsf;
	unsigned		 push_expiry;
};

static struct hss_conf conf;
static struct dia_conf dia;
static struct hss_db *db;
static pthread_mutex_t hss_mtx = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t hss_cond = PTHREAD_COND_INITIALIZER;
static int hss_stopping;

static int
check_scscf(const char *v, char *why, size_t size)
{
	char name[HSS_ID_MAX], host[HSS_ID_MAX];

	if (hss_scscf_parse(v, name, sizeof(name), host, sizeof(host)) == 0)
		return 0;
	(void)snprintf(why, size, "expected SIP-URI@DIAMETER-IDENTITY (the "
	    "S-CSCF's Server-Name, then its Diameter identity) or "
	    "sip:*[:PORT]@IDENTITY-PATTERN (Server-Name at the peer's own "
	    "address), not \"%s\"", v);
	return -EINVAL;
}

static int
check_bsf(const char *v, char *why, size_t size)
{
	if (conf_name_check(v, 1) == 0)
		return 0;
	(void)snprintf(why, size, "expected a BSF's Diameter identity, not "
	    "\"%s\"", v);
	return -EINVAL;
}

#define HC(f)	offsetof(struct hss_conf, f)
static const struct conf_key hss_keys[] = {
	{ .name = "db", .type = CONF_STRING, .offset = HC(db),
	  .flags = CONF_REQUIRED, .max = 1024,
	  .help = "the subscriber store, provisioned with hss-ctl: a file "
	    "(SQLite), or postgresql://[USER@]HOST[:PORT]/DBNAME[?...] "
	    "(PostgreSQL, which several hss can share; the password from "
	    "PGPASSWORD or ~/.pgpass rather than the URL)" },
	{ .name = "scscf", .type = CONF_STRING, .offset = HC(scscf),
	  .flags = CONF_LIST, .max = 2 * HSS_ID_MAX, .maxn = HSS_MAX_SCSCF,
	  .check = check_scscf,
	  .help = "an S-CSCF, SIP-URI@DIAMETER-IDENTITY: the Server-Name it "
	    "sends in SAR/MAR and the Diameter peer that may use it; any "
	    "other Server-Name, or one from another peer, is refused.  "
	    "Scaled: sip:*:PORT@IDENTITY (IDENTITY may be a pattern such as "
	    "scscf-*.ims.example.org): a Server-Name sip:ADDRESS:PORT whose "
	    "ADDRESS is the peer's own connection address (docs/cx.md)" },
	{ .name = "capability", .type = CONF_UINT, .offset = HC(capability),
	  .flags = CONF_LIST, .max = UINT32_MAX, .maxn = HSS_MAX_CAPS,
	  .help = "a mandatory S-CSCF capability announced in "
	    "Server-Capabilities (TS 29.229 6.3.5); none: the AVP is left out" },
	{ .name = "optional-capability", .type = CONF_UINT,
	  .offset = HC(optional_capability), .flags = CONF_LIST,
	  .max = UINT32_MAX, .maxn = HSS_MAX_CAPS,
	  .help = "an optional S-CSCF capability (TS 29.229 6.3.6)" },
	{ .name = "bsf", .type = CONF_STRING, .offset = HC(bsf),
	  .flags = CONF_LIST, .max = HSS_ID_MAX - 1, .maxn = HSS_MAX_BSF,
	  .check = check_bsf,
	  .help = "a BSF's Diameter identity (a peer of diameter.accept): "
	    "only these get Zh MARs answered (vectors, GUSS; TS 29.109 5); "
	    "none: every peer of diameter.accept may" },
	{ .name = "push-expiry", .type = CONF_UINT, .offset = HC(push_expiry),
	  .dflt = "60", .min = 1, .max = 86400,
	  .help = "seconds an RTR/PPR queued by hss-ctl waits for an hss "
	    "with a Cx connection to its S-CSCF (with a shared store, the "
	    "hss that has one sends it); then it is dropped, logged" },
	{ .name = NULL }
};

static const struct conf_table hss_tables[] = {
	{ "HSS", hss_keys, &conf, sizeof(conf) },
	{ "Diameter (Cx/Dx)", dia_conf_keys, &dia, sizeof(dia) },
};

/* As root: the store, handed to the run user. */
static int
hss_start(void *arg)
{
	char shown[1100];
	int rc;

	(void)arg;
	IMS_CHECK_RC(dia_stat_use());
	IMS_CHECK_RC(dia_tls_load(&dia));	/* as root: the key */
	hss_db_display(conf.db, shown, sizeof(shown));
	/* A file is handed to the run user; a PostgreSQL server keeps its
	 * own (the connection made here serves after the switch). */
	if (!hss_db_is_url(conf.db))
		IMS_CHECK_RC(daemon_store_own(conf.db));
	if ((rc = hss_db_open(conf.db, &db)) < 0) {
		log_err("hss: cannot open the store %s", shown);
		return rc;
	}
	return 0;
}

/* As the run user: freeDiameter and the RTR thread. */
static int
hss_launch(void *arg)
{
	uint32_t mand[HSS_MAX_CAPS], opt[HSS_MAX_CAPS];
	char shown[1100];
	size_t i;

	(void)arg;
	for (i = 0; i < conf.capability.n; i++)
		mand[i] = conf.capability.u[i];
	for (i = 0; i < conf.optional_capability.n; i++)
		opt[i] = conf.optional_capability.u[i];
	IMS_CHECK_RC(hss_db_background(db));
	IMS_CHECK_RC(dia_init(&dia));
	IMS_CHECK_RC(cx_dict_init());
	/* Zh (TS 29.109 5): the BSFs come in through diameter.accept. */
	IMS_CHECK_RC(gba_dict_init(GBA_ADV_ZH));
	IMS_CHECK_RC(hss_cx_set_capabilities(mand, conf.capability.n, opt,
	    conf.optional_capability.n));
	IMS_CHECK_RC(hss_cx_set_scscfs((const char *const *)conf.scscf.v,
	    conf.scscf.n));
	IMS_CHECK_RC(hss_cx_init(db));
	IMS_CHECK_RC(hss_zh_set_bsfs((const char *const *)conf.bsf.v,
	    conf.bsf.n));
	IMS_CHECK_RC(hss_zh_init(db));
	IMS_CHECK_RC(dia_start());
	IMS_CHECK_RC(hss_rtr_start(db, conf.push_expiry));
	hss_db_display(conf.db, shown, sizeof(shown));
	log_info("hss: ready, %s (db %s, %s)", dia.identity, shown,
	    hss_db_backend(db));
	return 0;
}

static int
hss_run(void *arg)
{
	(void)arg;
	(void)pthread_mutex_lock(&hss_mtx);
	while (!hss_stopping)
		(void)pthread_cond_wait(&hss_cond, &hss_mtx);
	(void)pthread_mutex_unlock(&hss_mtx);
	return 0;
}

static void
hss_stop(void *arg)
{
	(void)arg;
	(void)pthread_mutex_lock(&hss_mtx);
	hss_stopping = 1;
	(void)pthread_cond_signal(&hss_cond);
	(void)pthread_mutex_unlock(&hss_mtx);
}

/* The store is not closed: a dispatch thread may still be finishing a
 * request, and every committed transaction is already durable
 * (SQLite synchronous=FULL, PostgreSQL synchronous_commit=on); SQLite
 * recovers the WAL on the next open. */
static int
hss_fini(void *arg)
{
	int rc;

	(void)arg;
	hss_rtr_stop();
	rc = dia_stop(HSS_STOP_TIMEOUT_MS);
	log_info("hss: stopped");
	return rc;
}

int
main(int argc, char **argv)
{
	static const struct daemon_spec spec = {
		.name = "hss",
		.tables = hss_tables,
		.ntables = sizeof(hss_tables) / sizeof(hss_tables[0]),
		.caps = 0,
		.metrics = &metrics_daemon_ext,
		.start = hss_start,
		.launch = hss_launch,
		.run = hss_run,
		.stop = hss_stop,
		.fini = hss_fini,
	};

	return daemon_main(&spec, argc, argv);
}
