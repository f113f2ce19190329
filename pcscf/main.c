/* main.c - pcscf: the Proxy-CSCF (TS 24.229 5.2) with Gm IPsec
 * (TS 33.203 7).
 *
 *   pcscf [-c pcscf.conf] [-n] [-p] [-o KEY=VALUE] [--KEY VALUE] ...
 *
 * Settings: below; pcscf.conf in this folder has every key.  The P-CSCF
 * keeps CAP_NET_ADMIN after start-up: the Gm security associations are
 * xfrm state (TS 33.203 7).
 */
#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>

#include <stdlib.h>
#include <strings.h>

#include "check.h"
#include "daemon.h"
#include "log.h"
#include "met.h"
#include "metrics_http.h"
#include "pcscf.h"

struct pcscf_conf {
	char	*listen;
	char	*icscf;
	char	*visited;
	unsigned max_ues;
	unsigned max_dialogs, max_ue_dialogs, dialog_expires;
	unsigned reg_rate, reg_burst, reg_sources;
	struct conf_list trusted;
	unsigned max_pending, retry_after;
	int	 sec_agree;
	char	*alg, *ealg;
	unsigned port_ps, port_pc, spi_min, spi_max, pending, max_sets;
	unsigned owner;
};

static const char *const sec_agree_modes[] = { "off", "optional",
	"required", NULL };

static struct pcscf_conf conf;
static struct pcscf p;

/* "a,b,c" of names known by name(); each index into out (NULL: check). */
static int
alg_list(const char *v, const char *(*name)(int), int lo, int hi, int *out,
    size_t *n, char *why, size_t whysize)
{
	const char *b, *e;
	size_t k = 0;
	int i;

	for (b = v; *b != '\0'; b = *e ? e + 1 : e) {
		e = b + strcspn(b, ",");
		for (i = lo; i < hi; i++)
			if (name(i) != NULL && strlen(name(i)) ==
			    (size_t)(e - b) && strncasecmp(name(i), b,
			    (size_t)(e - b)) == 0)
				break;
		if (i == hi || k == PCSCF_GM_POLICY_MAX) {
			(void)snprintf(why, whysize, "unknown or too many: "
			    "\"%.*s\"", (int)(e - b), b);
			return -EINVAL;
		}
		if (out != NULL)
			out[k] = i;
		k++;
	}
	if (k == 0) {
		(void)snprintf(why, whysize, "empty list");
		return -EINVAL;
	}
	if (n != NULL)
		*n = k;
	return 0;
}

static const char *
alg_name(int i)
{
	return secagree_alg_name((enum secagree_alg)i);
}

static const char *
ealg_name(int i)
{
	return secagree_ealg_name((enum secagree_ealg)i);
}

static int
check_algs(const char *v, char *why, size_t whysize)
{
	return alg_list(v, alg_name, SECAGREE_ALG_NONE + 1, SECAGREE_ALG_OTHER,
	    NULL, NULL, why, whysize);
}

static int
check_ealgs(const char *v, char *why, size_t whysize)
{
	return alg_list(v, ealg_name, SECAGREE_EALG_NULL, SECAGREE_EALG_OTHER,
	    NULL, NULL, why, whysize);
}

#define PC(f)	offsetof(struct pcscf_conf, f)
static const struct conf_key pcscf_keys[] = {
	{ .name = "listen", .type = CONF_HOSTPORT, .offset = PC(listen),
	  .flags = CONF_REQUIRED, .opt = 'l',
	  .help = "SIP address (UDP and TCP) the UEs reach the P-CSCF on" },
	{ .name = "icscf", .type = CONF_SIPURI, .offset = PC(icscf),
	  .flags = CONF_REQUIRED,
	  .help = "the home network's entry point for REGISTER (TS 24.229 "
	    "5.2.2)" },
	{ .name = "visited", .type = CONF_STRING, .offset = PC(visited),
	  .max = 255,
	  .help = "P-Visited-Network-ID value (RFC 3455 4.3); unset: the "
	    "I-CSCF's host" },
	{ .name = "max-ues", .type = CONF_UINT, .offset = PC(max_ues),
	  .dflt = "4096", .min = 1, .max = 1u << 24,
	  .help = "UEs held at once (a live registration is never dropped: "
	    "beyond, a new UE's REGISTER gets 503 with Retry-After)" },
	{ .name = "max-dialogs", .type = CONF_UINT, .offset = PC(max_dialogs),
	  .dflt = "16384", .min = 1, .max = 1u << 24,
	  .help = "dialogs (and INVITEs/SUBSCRIBEs being answered) held at "
	    "once: a UE's requests within a dialog must follow its recorded "
	    "route set; beyond, a dialog-creating request gets 503 with "
	    "Retry-After" },
	{ .name = "max-ue-dialogs", .type = CONF_UINT,
	  .offset = PC(max_ue_dialogs), .dflt = "64", .min = 1,
	  .max = 1u << 16,
	  .help = "dialogs one registered UE may hold at once (beyond: 503)" },
	{ .name = "dialog-expires", .type = CONF_UINT,
	  .offset = PC(dialog_expires), .dflt = "7200", .min = 60,
	  .max = 604800,
	  .help = "seconds a dialog is kept after its last request; then "
	    "the UE's requests in it get 481" },
	{ .name = "register-rate", .type = CONF_UINT, .offset = PC(reg_rate),
	  .dflt = "6", .min = 1, .max = 1u << 24, .flags = CONF_RELOAD,
	  .help = "REGISTERs that make the S-CSCF challenge (no credentials, "
	    "or not for the UE's last challenge) per minute and source "
	    "address (IPv6: per /64), after a burst of register-burst; "
	    "beyond, 503 with Retry-After and nothing forwarded" },
	{ .name = "register-burst", .type = CONF_UINT, .offset = PC(reg_burst),
	  .dflt = "20", .min = 1, .max = 1u << 24, .flags = CONF_RELOAD,
	  .help = "challenge-bound REGISTERs a source address may send at "
	    "once (the token bucket's size)" },
	{ .name = "register-sources", .type = CONF_UINT,
	  .offset = PC(reg_sources), .dflt = "65536", .min = 1,
	  .max = 1u << 24,
	  .help = "source addresses whose REGISTER rate is tracked at once "
	    "(when all are in use, a new source waits like a limited one)" },
	SIPX_TRUST_KEY(PC(trusted)),
	SIPX_LOAD_KEYS(PC(max_pending), PC(retry_after)),
	{ .name = "sec-agree", .type = CONF_ENUM, .offset = PC(sec_agree),
	  .dflt = "optional", .choices = sec_agree_modes,
	  .help = "Gm IPsec (RFC 3329 sec-agree, TS 33.203 7): required (a "
	    "REGISTER without Security-Client gets 421; the pcscf refuses "
	    "to start where the kernel has no ESP), optional (a UE that "
	    "offers it gets IPsec, where the kernel has ESP), off" },
	{ .name = "ipsec-alg", .type = CONF_STRING, .offset = PC(alg),
	  .dflt = "hmac-sha-1-96,hmac-md5-96,null", .check = check_algs,
	  .help = "integrity algorithms accepted (\"null\": only with "
	    "aes-gcm, which protects integrity itself; aes-gmac: integrity "
	    "only, with ealg null)" },
	{ .name = "ipsec-ealg", .type = CONF_STRING, .offset = PC(ealg),
	  .dflt = "aes-gcm,aes-cbc,des-ede3-cbc", .check = check_ealgs,
	  .help = "encryption algorithms accepted, most preferred first "
	    "(\"null\": integrity only, accepted only when listed)" },
	{ .name = "ipsec-server-port", .type = CONF_UINT,
	  .offset = PC(port_ps), .dflt = "5064", .min = 1, .max = 65535,
	  .help = "port_ps: the protected server port (TS 33.203 7.1)" },
	{ .name = "ipsec-client-port", .type = CONF_UINT,
	  .offset = PC(port_pc), .dflt = "5066", .min = 1, .max = 65534,
	  .help = "port_pc: the protected client ports are this and the next "
	    "(a UE's new SA set uses the one its old set does not, 7.4)" },
	{ .name = "ipsec-spi-min", .type = CONF_UINT, .offset = PC(spi_min),
	  .dflt = "4096", .min = 256, .max = 0x7fffffff,
	  .help = "our inbound SPIs are reserved from the kernel in "
	    "[ipsec-spi-min, ipsec-spi-max]; none left: 503 with "
	    "Retry-After" },
	{ .name = "ipsec-spi-max", .type = CONF_UINT, .offset = PC(spi_max),
	  .dflt = "2147483647", .min = 257, .max = 0x7fffffff,
	  .help = "the highest SPI reserved" },
	{ .name = "ipsec-pending", .type = CONF_UINT, .offset = PC(pending),
	  .dflt = "240", .min = 30, .max = 3600,
	  .help = "seconds a new SA set lives until the 200 (then the "
	    "registration's expiry plus 30 s)" },
	{ .name = "ipsec-max-sets", .type = CONF_UINT, .offset = PC(max_sets),
	  .dflt = "8192", .min = 1, .max = 1u << 24,
	  .help = "SA sets held at once (beyond: 503 with Retry-After)" },
	{ .name = "ipsec-owner", .type = CONF_UINT, .offset = PC(owner),
	  .dflt = "80", .min = 1, .max = 255,
	  .help = "xfrm owner tag of our SAs and policies (common/ipsec/"
	    "xfrm.h): flushed at start and stop, no one else's touched" },
	{ .name = NULL }
};

/* The policy: every (ealg, alg) pair, in the order of preference. */
static void
gm_policy(struct pcscf_gm *g)
{
	int a[PCSCF_GM_POLICY_MAX], e[PCSCF_GM_POLICY_MAX];
	size_t na = 0, ne = 0, i, j;
	char why[64];

	(void)alg_list(conf.alg, alg_name, SECAGREE_ALG_NONE + 1,
	    SECAGREE_ALG_OTHER, a, &na, why, sizeof(why));
	(void)alg_list(conf.ealg, ealg_name, SECAGREE_EALG_NULL,
	    SECAGREE_EALG_OTHER, e, &ne, why, sizeof(why));
	g->npolicy = 0;
	for (j = 0; j < ne; j++)
		for (i = 0; i < na && g->npolicy < PCSCF_GM_POLICY_MAX; i++) {
			g->policy[g->npolicy].alg = (enum secagree_alg)a[i];
			g->policy[g->npolicy].ealg = (enum secagree_ealg)e[j];
			g->npolicy++;
		}
}

static const struct conf_table pcscf_tables[] = {
	{ "P-CSCF", pcscf_keys, &conf, sizeof(conf) },
};

static int
pcscf_leg(nta_leg_magic_t *magic, nta_leg_t *leg, nta_incoming_t *irq,
    sip_t const *sip)
{
	(void)leg;
	if (sip == NULL || sip->sip_request == NULL || sip->sip_to == NULL)
		return 400;
	return pcscf_request((struct pcscf *)magic, irq, sip);
}

/* su_root thread: the trust domain (the core elements) and the REGISTER
 * rate, from the settings. */
static void
pcscf_settings(struct sipx_agent *a)
{
	(void)a;
	if (sipx_trust_set(&p.trust, &conf.trusted) < 0)
		log_err("pcscf: trusted-peer list refused");
	p.reg_rate = conf.reg_rate;
	p.reg_burst = conf.reg_burst;
	p.sa.load.max_pending = conf.max_pending;
	p.sa.load.retry_after = conf.retry_after;
	p.sa.load.finishing = pcscf_register_finishing;
	pcscf_reconfigure(&p);
	log_info("pcscf: %zu trusted peers; challenges per source: %u, then "
	    "%u a minute", p.trust.acl.n, p.reg_burst, p.reg_rate);
}

static int
pcscf_start(void *arg)
{
	(void)arg;
	IMS_CHECK_RC(met_use(MET_G_SIP | MET_G_GM));
	p.icscf = conf.icscf;
	p.visited = conf.visited != NULL ? conf.visited :
	    strchr(conf.icscf, ':') + 1;
	p.max_ues = conf.max_ues;
	p.max_dialogs = conf.max_dialogs;
	p.max_ue_dialogs = conf.max_ue_dialogs;
	p.dialog_expires = conf.dialog_expires;
	p.reg_rate = conf.reg_rate;
	p.reg_burst = conf.reg_burst;
	p.reg_sources = conf.reg_sources;
	p.gm.mode = conf.sec_agree;
	gm_policy(&p.gm);
	p.gm.port_ps = conf.port_ps;
	p.gm.port_pc = conf.port_pc;
	p.gm.spi_min = conf.spi_min;
	p.gm.spi_max = conf.spi_max;
	p.gm.pending = conf.pending;
	p.gm.max_sets = conf.max_sets;
	p.gm.owner = (uint8_t)conf.owner;
	if (conf.spi_min >= conf.spi_max) {
		log_err("pcscf: ipsec-spi-min must be below ipsec-spi-max");
		return -EINVAL;
	}
	IMS_CHECK_RC(pcscf_init(&p));
	IMS_CHECK_RC(pcscf_gm_init(&p));
	IMS_CHECK_RC(sipx_agent_open(&p.sa, conf.listen, pcscf_leg,
	    (void *)&p));
	if (p.gm.on) {
		static const char *const proxy_opts[] = { "sec-agree", NULL };

		p.sa.proxy_options = proxy_opts;
	}
	IMS_CHECK_RC(pcscf_gm_start(&p));
	p.sa.reloaded = pcscf_settings;
	pcscf_settings(&p.sa);
	/* RFC 3327 4: the Path entry terminating requests come back on. */
	(void)snprintf(p.path, sizeof(p.path), "<sip:term@%s:%u;lr>",
	    p.sa.host, p.sa.port);
	IMS_CHECK_RC(sipx_async_init(&p.sa));
	log_info("pcscf: ready, %s, I-CSCF %s", p.sa.self, p.icscf);
	return 0;
}

static int
pc_fini(void *arg)
{
	(void)arg;
	pcscf_regevent_fini(&p);
	sipx_async_fini(&p.sa);
	pcscf_gm_fini(&p);
	sipx_agent_close(&p.sa);
	pcscf_fini(&p);
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct daemon_spec spec = {
		.name = "pcscf",
		.tables = pcscf_tables,
		.ntables = sizeof(pcscf_tables) / sizeof(pcscf_tables[0]),
		.caps = DAEMON_CAP(CAP_NET_ADMIN),
		.arg = &p.sa,
		.metrics = &metrics_daemon_ext,
		.start = pcscf_start,
		.run = sipx_daemon_run,
		.stop = sipx_daemon_stop,
		.reload = sipx_daemon_reload,
		.fini = pc_fini,
	};

	return daemon_main(&spec, argc, argv);
}
