/* log.h - logging and fatal error paths shared by every program.
 *
 * Two styles.  Tools (log_init): "prog: message" on stderr, terse, as
 * their one-line error contracts want.  Daemons (log_open_daemon):
 * "2026-12-01T15:11:54.123Z name[pid] LEVEL: message" (UTC, ms) on stderr,
 * or syslog(3) with the level as priority.  Either way a line is formatted
 * into one buffer (at most LOG_LINE_MAX bytes, cut with "...") and leaves
 * with a single write(2), so lines from different threads never interleave
 * (atomic for pipes under PIPE_BUF and O_APPEND files).  The level can
 * change at any time from any thread.
 */
#ifndef IMS_LOG_H
#define IMS_LOG_H

#include <stdarg.h>

enum log_level { LOG_LVL_ERR, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };
enum log_target { LOG_TO_STDERR, LOG_TO_SYSLOG };

#define LOG_LINE_MAX	4096

/* A tool: prefix progname, verbosity level. */
void	log_init(const char *progname, int level);
/* A daemon: timestamped lines with its name and pid, to target. */
void	log_open_daemon(const char *name, int level, enum log_target);
void	log_setlevel(int level);
int	log_getlevel(void);
/* Key material appears in logs only when this is set (debug-keys). */
void	log_allow_keys(int allow);
int	log_keys_allowed(void);

void	log_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A security event: the association it concerns (1..6: SA1 IMS AKA, SA2
 * Gm, SA3 Cx/Dx/Zh/Zn, SA4 Za, SA5 Zb, SA6 Ub/Ua; TS 33.203 4, TS
 * 33.210, TS 33.220), the subscriber (an IMPI or IMPU; NULL: none) and
 * the peer it came from (ADDRESS[:PORT] or a Diameter identity; NULL:
 * none) lead the message, so that events can be selected by field:
 *   "... WARN: SA1 user=alice@ims.example.org peer=10.0.0.40:5060: wrong
 *    response: 403"
 * Never key material (log_keys_allowed() guards that elsewhere). */
void	log_sec(int level, int sa, const char *user, const char *peer,
	    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* For the impossible: log (with strerror(errno) for fatal) and _exit(1).
 * Never exit(): atexit handlers and destructors would race the threads
 * of freeDiameter and Sofia. */
void	fatal(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

#endif
