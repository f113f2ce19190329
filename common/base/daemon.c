/* daemon.c - start-up pieces shared by the daemons and the Diameter tools
 * (see daemon.h).
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>

#include "daemon.h"

int
daemon_parse_uint(const char *s, unsigned long min, unsigned long max,
    unsigned long *out)
{
	char *end;
	unsigned long v;

	if (s == NULL || *s == '\0' || *s == '-')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (*end != '\0' || errno != 0 || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

void
daemon_sigset(sigset_t *set, int hup)
{
	sigemptyset(set);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
	if (hup)
		sigaddset(set, SIGHUP);
}

int
daemon_sigmask_block(sigset_t *set, int hup)
{
	int rc;

	daemon_sigset(set, hup);
	if ((rc = pthread_sigmask(SIG_BLOCK, set, NULL)) != 0)
		return -rc;
	return 0;
}
