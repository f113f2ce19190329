/* main.c - icscf: the Interrogating-CSCF (TS 24.229 5.3).
 *
 *   icscf -l HOST:PORT --domain DOMAIN -c FDCONF
 *         -s SIPURI[=CAP,CAP...] [-s ...] [--realm DIAMETER-REALM]
 *         [--dia-timeout MS] [-d]
 *
 * -s lists the S-CSCFs to choose from by capabilities (TS 29.228 6.7)
 * when the HSS names none.  Exit status: 0 clean stop, 1 runtime failure,
 * 2 bad usage.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon.h"
#include "cx.h"
#include "icscf.h"
#include "log.h"

#define ICSCF_STOP_TIMEOUT_MS	5000

static void
usage(void)
{
	fprintf(stderr, "usage: icscf -l HOST:PORT --domain DOMAIN -c FDCONF"
	    " -s SIPURI[=CAP,...] [-s ...]\n"
	    "             [--realm DIAMETER-REALM] [--dia-timeout MS] [-d]\n");
	exit(2);
}

static int
icscf_leg(nta_leg_magic_t *magic, nta_leg_t *leg, nta_incoming_t *irq,
    sip_t const *sip)
{
	(void)leg;
	if (sip == NULL || sip->sip_request == NULL || sip->sip_to == NULL)
		return 400;
	return icscf_request((struct icscf *)magic, irq, sip);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "domain", required_argument, NULL, 'D' },
		{ "config", required_argument, NULL, 'c' },
		{ "scscf", required_argument, NULL, 's' },
		{ "realm", required_argument, NULL, 'r' },
		{ "dia-timeout", required_argument, NULL, 't' },
		{ "debug", no_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 }
	};
	struct icscf ic;
	const char *listen = NULL, *fdconf = NULL;
	unsigned long v;
	int ch, debug = 0, rc;

	memset(&ic, 0, sizeof(ic));
	ic.dia_timeout_ms = 3000;
	while ((ch = getopt_long(argc, argv, "l:c:s:d", longopts, NULL)) !=
	    -1) {
		switch (ch) {
		case 'l':
			listen = optarg;
			break;
		case 'D':
			ic.domain = optarg;
			break;
		case 'c':
			fdconf = optarg;
			break;
		case 'r':
			ic.dest_realm = optarg;
			break;
		case 's':
			if (ic.nscscf == ICSCF_MAX_SCSCF ||
			    scscf_entry_parse(optarg,
			    &ic.scscf[ic.nscscf]) < 0)
				usage();
			ic.nscscf++;
			break;
		case 't':
			if (daemon_parse_uint(optarg, 1, 60000, &v) < 0)
				usage();
			ic.dia_timeout_ms = (unsigned)v;
			break;
		case 'd':
			debug = 1;
			break;
		default:
			usage();
		}
	}
	if (optind != argc || listen == NULL || ic.domain == NULL ||
	    fdconf == NULL)
		usage();
	if (ic.dest_realm == NULL)
		ic.dest_realm = ic.domain;
	log_init("icscf", debug ? LOG_LVL_DEBUG : LOG_LVL_INFO);

	if ((rc = sipx_agent_open(&ic.sa, listen, icscf_leg, (void *)&ic)) < 0)
		fatalx("cannot listen on %s: %s", listen, strerror(-rc));
	if ((rc = sipx_async_init(&ic.sa)) < 0 ||
	    (rc = sipx_signals_init(&ic.sa)) < 0)
		fatalx("event loop set-up: %s", strerror(-rc));
	if ((rc = dia_init(fdconf, debug)) < 0)
		fatalx("freeDiameter initialisation failed (%s): %s", fdconf,
		    strerror(-rc));
	if ((rc = cx_dict_init()) < 0)
		fatalx("Cx dictionary: %s", strerror(-rc));
	if ((rc = dia_start()) < 0)
		fatalx("freeDiameter start failed: %s", strerror(-rc));
	log_info("icscf: ready, %s (domain %s, %u S-CSCFs configured)",
	    ic.sa.self, ic.domain, ic.nscscf);

	su_root_run(ic.sa.root);

	rc = dia_stop(ICSCF_STOP_TIMEOUT_MS);
	sipx_async_fini(&ic.sa);
	sipx_agent_close(&ic.sa);
	if (rc == -ETIMEDOUT)
		_exit(1);
	return rc < 0 ? 1 : 0;
}
