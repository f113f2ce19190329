/* main.c - pcscf: the Proxy-CSCF (TS 24.229 5.2), without Gm IPsec.
 *
 *   pcscf -l HOST:PORT --icscf SIPURI [--visited NETWORK-ID]
 *         [--max-ues N] [-d]
 *
 * --icscf is the home network's entry point for REGISTER; --visited the
 * P-Visited-Network-ID value (default: the I-CSCF's host).  Exit status:
 * 0 clean stop, 1 runtime failure, 2 bad usage.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "log.h"
#include "pcscf.h"

static void
usage(void)
{
	fprintf(stderr, "usage: pcscf -l HOST:PORT --icscf SIPURI"
	    " [--visited NETWORK-ID] [--max-ues N] [-d]\n");
	exit(2);
}

static int
pcscf_leg(nta_leg_magic_t *magic, nta_leg_t *leg, nta_incoming_t *irq,
    sip_t const *sip)
{
	(void)leg;
	if (sip == NULL || sip->sip_request == NULL || sip->sip_to == NULL)
		return 400;
	return pcscf_request((struct pcscf *)magic, irq, sip);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "icscf", required_argument, NULL, 'i' },
		{ "visited", required_argument, NULL, 'v' },
		{ "max-ues", required_argument, NULL, 'U' },
		{ "debug", no_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 }
	};
	struct pcscf p;
	const char *listen = NULL;
	unsigned long v;
	int ch, debug = 0, rc;

	memset(&p, 0, sizeof(p));
	while ((ch = getopt_long(argc, argv, "l:d", longopts, NULL)) != -1) {
		switch (ch) {
		case 'l':
			listen = optarg;
			break;
		case 'i':
			p.icscf = optarg;
			break;
		case 'v':
			p.visited = optarg;
			break;
		case 'U':
			if (daemon_parse_uint(optarg, 0, 1u << 24, &v) < 0)
				usage();
			p.max_ues = (unsigned)v;
			break;
		case 'd':
			debug = 1;
			break;
		default:
			usage();
		}
	}
	if (optind != argc || listen == NULL || p.icscf == NULL ||
	    strncmp(p.icscf, "sip:", 4) != 0)
		usage();
	if (p.visited == NULL)
		p.visited = p.icscf + 4;
	log_init("pcscf", debug ? LOG_LVL_DEBUG : LOG_LVL_INFO);
	if ((rc = pcscf_init(&p)) < 0)
		fatalx("pcscf: %s", strerror(-rc));

	if ((rc = sipx_agent_open(&p.sa, listen, pcscf_leg, (void *)&p)) < 0)
		fatalx("cannot listen on %s: %s", listen, strerror(-rc));
	/* RFC 3327 4: the Path entry terminating requests come back on. */
	(void)snprintf(p.path, sizeof(p.path), "<sip:term@%s:%u;lr>",
	    p.sa.host, p.sa.port);
	if ((rc = sipx_async_init(&p.sa)) < 0 ||
	    (rc = sipx_signals_init(&p.sa)) < 0)
		fatalx("event loop set-up: %s", strerror(-rc));
	log_info("pcscf: ready, %s, I-CSCF %s", p.sa.self, p.icscf);

	su_root_run(p.sa.root);

	sipx_async_fini(&p.sa);
	sipx_agent_close(&p.sa);
	pcscf_fini(&p);
	return 0;
}
