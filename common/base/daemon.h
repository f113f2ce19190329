/* daemon.h - start-up pieces shared by the daemons (hss, the CSCFs) and
 * the Diameter command-line tools: numeric option values and the signal
 * mask that must be in place before freeDiameter/Sofia start threads.
 */
#ifndef IMS_DAEMON_H
#define IMS_DAEMON_H

#include <signal.h>

/* An unsigned decimal in [min, max]: no sign, no trailing characters, no
 * overflow.  0 and *out set, or -EINVAL (*out untouched). */
int	daemon_parse_uint(const char *s, unsigned long min, unsigned long max,
	    unsigned long *out);

/* set = { SIGTERM, SIGINT }, plus SIGHUP when hup is non-zero. */
void	daemon_sigset(sigset_t *set, int hup);
/* daemon_sigset(), then blocks set in the calling thread; threads started
 * afterwards inherit the mask, so only a sigwait() sees those signals.
 * 0 or -errno. */
int	daemon_sigmask_block(sigset_t *set, int hup);

#endif
