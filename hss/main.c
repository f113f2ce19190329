/* main.c - hss: the Home Subscriber Server's Cx/Dx front end.
 *
 *   hss -c FDCONF --db FILE [-d]
 *
 * freeDiameter runs the peers and dispatch threads; the main thread only
 * waits for SIGTERM/SIGINT and then shuts freeDiameter down with a bounded
 * wait.  Exit status: 0 clean stop, 1 runtime failure, 2 bad usage.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon.h"
#include "cx.h"
#include "hss.h"
#include "log.h"

#define HSS_STOP_TIMEOUT_MS	5000

static void
usage(void)
{
	fprintf(stderr, "usage: hss -c FDCONF --db FILE [--capability N ...]"
	    " [--optional-capability N ...] [-d]\n");
	exit(2);
}

/* A capability number (TS 29.229 6.3.5: Unsigned32, operator-defined). */
static uint32_t
capability(const char *s)
{
	unsigned long v;

	if (daemon_parse_uint(s, 0, UINT32_MAX, &v) < 0)
		usage();
	return (uint32_t)v;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "db", required_argument, NULL, 'b' },
		{ "debug", no_argument, NULL, 'd' },
		{ "capability", required_argument, NULL, 'm' },
		{ "optional-capability", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 }
	};
	const char *fdconf = NULL, *dbpath = NULL;
	struct hss_db *db;
	sigset_t set;
	uint32_t mand[HSS_MAX_CAPS], opt[HSS_MAX_CAPS];
	size_t nmand = 0, nopt = 0;
	int ch, debug = 0, sig = 0, rc;

	while ((ch = getopt_long(argc, argv, "c:d", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			fdconf = optarg;
			break;
		case 'b':
			dbpath = optarg;
			break;
		case 'd':
			debug = 1;
			break;
		case 'm':
			if (nmand == HSS_MAX_CAPS)
				usage();
			mand[nmand++] = capability(optarg);
			break;
		case 'o':
			if (nopt == HSS_MAX_CAPS)
				usage();
			opt[nopt++] = capability(optarg);
			break;
		default:
			usage();
		}
	}
	if (optind != argc || fdconf == NULL || dbpath == NULL)
		usage();
	log_init("hss", debug ? LOG_LVL_DEBUG : LOG_LVL_INFO);

	/* Blocked before freeDiameter starts its threads, which inherit the
	 * mask: only the main thread's sigwait() sees them. */
	if ((rc = daemon_sigmask_block(&set, 1)) < 0)
		fatalx("pthread_sigmask: %s", strerror(-rc));

	if ((rc = hss_db_open(dbpath, &db)) < 0)
		fatalx("cannot open database %s: %s", dbpath, strerror(-rc));
	if ((rc = dia_init(fdconf, debug)) < 0)
		fatalx("freeDiameter initialisation failed (%s): %s", fdconf,
		    strerror(-rc));
	if ((rc = cx_dict_init()) < 0)
		fatalx("Cx dictionary: %s", strerror(-rc));
	if ((rc = hss_cx_set_capabilities(mand, nmand, opt, nopt)) < 0 ||
	    (rc = hss_cx_init(db)) < 0)
		fatalx("Cx handlers: %s", strerror(-rc));
	if ((rc = dia_start()) < 0)
		fatalx("freeDiameter start failed: %s", strerror(-rc));
	if ((rc = hss_rtr_start(db)) < 0)
		fatalx("RTR thread: %s", strerror(-rc));
	log_info("hss: ready (db %s)", dbpath);

	while (sigwait(&set, &sig) == 0 && sig == SIGHUP)
		log_info("hss: SIGHUP ignored");
	log_info("hss: signal %d, shutting down", sig);
	hss_rtr_stop();
	rc = dia_stop(HSS_STOP_TIMEOUT_MS);
	/* The store is not closed: a dispatch thread may still be finishing
	 * a request, and every committed transaction is already durable
	 * (synchronous=FULL); SQLite recovers the WAL on the next open. */
	log_info("hss: stopped");
	_exit(rc < 0 ? 1 : 0);
}
