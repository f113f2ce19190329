/* main.c - pcscf: the Proxy-CSCF (TS 24.229 5.2), without Gm IPsec yet.
 *
 *   pcscf [-c pcscf.conf] [-n] [-p] [-o KEY=VALUE] [--KEY VALUE] ...
 *
 * Settings: below; pcscf.conf in this folder has every key.  The P-CSCF
 * keeps CAP_NET_ADMIN after start-up: the Gm security associations are
 * xfrm state (TS 33.203 7).
 */
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "daemon.h"
#include "log.h"
#include "pcscf.h"

struct pcscf_conf {
	char	*listen;
	char	*icscf;
	char	*visited;
	unsigned max_ues;
	unsigned max_dialogs, max_ue_dialogs, dialog_expires;
	unsigned reg_rate, reg_burst, reg_sources;
	struct conf_list trusted;
};

static struct pcscf_conf conf;
static struct pcscf p;

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
	{ .name = NULL }
};

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
	pcscf_reconfigure(&p);
	log_info("pcscf: %zu trusted peers; challenges per source: %u, then "
	    "%u a minute", p.trust.n, p.reg_burst, p.reg_rate);
}

static int
pcscf_start(void *arg)
{
	(void)arg;
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
	IMS_CHECK_RC(pcscf_init(&p));
	IMS_CHECK_RC(sipx_agent_open(&p.sa, conf.listen, pcscf_leg,
	    (void *)&p));
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
	sipx_async_fini(&p.sa);
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
		.start = pcscf_start,
		.run = sipx_daemon_run,
		.stop = sipx_daemon_stop,
		.reload = sipx_daemon_reload,
		.fini = pc_fini,
	};

	return daemon_main(&spec, argc, argv);
}
