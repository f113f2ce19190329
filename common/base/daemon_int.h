/* daemon_int.h - between daemon.c and daemon_priv.c. */
#ifndef IMS_DAEMON_INT_H
#define IMS_DAEMON_INT_H

#include <stddef.h>
#include <stdint.h>

/* Before start(), with no thread running: no_new_privs (inherited by the
 * threads start() creates); as root, resolve user and clear the bounding
 * set of everything but keep; not root, reduce the capability sets to
 * keep now (they are per thread).  0 or -errno with err set. */
int	priv_prepare(const char *user, uint64_t keep, char *err, size_t);
/* After start(), root only: become the user, keep only keep, verify.
 * 0 or -errno with err set. */
int	priv_drop(uint64_t keep, char *err, size_t);
/* Whether priv_prepare found euid 0. */
int	priv_root(void);
/* "uid 998, gid 998, capabilities 0x1000" of the calling thread. */
void	priv_describe(char *buf, size_t size);

#endif
