/* main.c - scscf: the Serving-CSCF (TS 24.229 5.4).
 *
 *   scscf -l HOST:PORT --domain DOMAIN -c FDCONF --db FILE
 *         [--name SIPURI] [--realm DIAMETER-REALM] [--icscf SIPURI]
 *         [--max-expires S] [--dia-timeout MS] [--max-challenges N]
 *         [-d] [-K]
 *
 * su_root is the main loop; freeDiameter runs its own threads and posts
 * its answers to the loop (sipx_post).  Exit status: 0 clean stop, 1
 * runtime failure, 2 bad usage.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon.h"
#include "cx.h"
#include "log.h"
#include "scscf.h"

#define SCSCF_STOP_TIMEOUT_MS	5000

static void
usage(void)
{
	fprintf(stderr, "usage: scscf -l HOST:PORT --domain DOMAIN -c FDCONF"
	    " --db FILE\n"
	    "             [--name SIPURI] [--realm DIAMETER-REALM]"
	    " [--icscf SIPURI]\n"
	    "             [--max-expires S] [--dia-timeout MS]"
	    " [--max-challenges N] [-d] [-K|--debug-keys]\n");
	exit(2);
}

static int
scscf_request(nta_leg_magic_t *magic, nta_leg_t *leg, nta_incoming_t *irq,
    sip_t const *sip)
{
	struct scscf *s = (struct scscf *)magic;

	(void)leg;
	if (sip == NULL || sip->sip_request == NULL)
		return 400;
	if (sip->sip_request->rq_method == sip_method_register)
		return registrar_request(s, irq, sip);
	return route_request(s, irq, sip);
}

static void
scscf_tick(su_root_magic_t *magic, su_timer_t *t, su_timer_arg_t *arg)
{
	(void)magic;
	(void)t;
	registrar_expire((struct scscf *)arg);
}

static unsigned
num(const char *s, unsigned max)
{
	unsigned long v;

	if (daemon_parse_uint(s, 0, max, &v) < 0)
		usage();
	return (unsigned)v;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "domain", required_argument, NULL, 'D' },
		{ "name", required_argument, NULL, 'n' },
		{ "config", required_argument, NULL, 'c' },
		{ "db", required_argument, NULL, 'b' },
		{ "realm", required_argument, NULL, 'r' },
		{ "icscf", required_argument, NULL, 'i' },
		{ "max-expires", required_argument, NULL, 'x' },
		{ "dia-timeout", required_argument, NULL, 't' },
		{ "max-challenges", required_argument, NULL, 'C' },
		{ "debug", no_argument, NULL, 'd' },
		{ "debug-keys", no_argument, NULL, 'K' },
		{ NULL, 0, NULL, 0 }
	};
	struct scscf s;
	const char *listen = NULL, *fdconf = NULL, *dbpath = NULL;
	char name[SIPX_URI_MAX];
	int ch, debug = 0, keys = 0, rc, status = 0;

	memset(&s, 0, sizeof(s));
	s.dia_timeout_ms = 3000;
	s.max_expires = 3600;
	while ((ch = getopt_long(argc, argv, "l:c:dK", longopts, NULL)) != -1) {
		switch (ch) {
		case 'l':
			listen = optarg;
			break;
		case 'D':
			s.domain = optarg;
			break;
		case 'n':
			s.name = optarg;
			break;
		case 'c':
			fdconf = optarg;
			break;
		case 'b':
			dbpath = optarg;
			break;
		case 'r':
			s.dest_realm = optarg;
			break;
		case 'i':
			s.icscf = optarg;
			break;
		case 'x':
			s.max_expires = num(optarg, 86400);
			break;
		case 't':
			s.dia_timeout_ms = num(optarg, 60000);
			break;
		case 'C':
			s.max_challenges = num(optarg, 1u << 30);
			break;
		case 'd':
			debug = 1;
			break;
		case 'K':
			keys = 1;
			break;
		default:
			usage();
		}
	}
	if (optind != argc || listen == NULL || s.domain == NULL ||
	    fdconf == NULL || dbpath == NULL || s.max_expires == 0 ||
	    s.dia_timeout_ms == 0)
		usage();
	if (s.dest_realm == NULL)
		s.dest_realm = s.domain;
	log_init("scscf", debug ? LOG_LVL_DEBUG : LOG_LVL_INFO);
	log_allow_keys(keys);

	if ((rc = bdb_open(dbpath, &s.db)) < 0)
		fatalx("cannot open %s: %s", dbpath, strerror(-rc));
	if ((rc = registrar_init(&s)) < 0)
		fatalx("registrar: %s", strerror(-rc));
	if ((rc = sipx_agent_open(&s.sa, listen, scscf_request,
	    (void *)&s)) < 0)
		fatalx("cannot listen on %s: %s", listen, strerror(-rc));
	if (s.name == NULL) {
		(void)snprintf(name, sizeof(name), "%s", s.sa.self);
		s.name = name;
	}
	/* RFC 3608 6 / TS 24.229 5.4.1.2.2: our originating entry point. */
	(void)snprintf(s.service_route, sizeof(s.service_route),
	    "<sip:orig@%s:%u;lr>", s.sa.host, s.sa.port);
	if ((rc = sipx_async_init(&s.sa)) < 0 ||
	    (rc = sipx_signals_init(&s.sa)) < 0)
		fatalx("event loop set-up: %s", strerror(-rc));
	if ((rc = dia_init(fdconf, debug)) < 0)
		fatalx("freeDiameter initialisation failed (%s): %s", fdconf,
		    strerror(-rc));
	if ((rc = cx_dict_init()) < 0)
		fatalx("Cx dictionary: %s", strerror(-rc));
	if ((rc = registrar_rtr_init(&s)) < 0)
		fatalx("RTR handler: %s", strerror(-rc));
	if ((rc = dia_start()) < 0)
		fatalx("freeDiameter start failed: %s", strerror(-rc));
	if ((s.timer = su_timer_create(su_root_task(s.sa.root), 1000)) ==
	    NULL || su_timer_set_for_ever(s.timer, scscf_tick, &s) < 0)
		fatalx("timer set-up failed");
	log_info("scscf: ready, %s as %s (domain %s, db %s)", s.sa.self,
	    s.name, s.domain, dbpath);

	su_root_run(s.sa.root);

	su_timer_destroy(s.timer);
	rc = dia_stop(SCSCF_STOP_TIMEOUT_MS);
	sipx_async_fini(&s.sa);
	sipx_agent_close(&s.sa);
	bdb_close(s.db);
	registrar_fini(&s);
	if (rc == -ETIMEDOUT)
		_exit(1);
	if (rc < 0)
		status = 1;
	return status;
}
