/* log.c - one line, one write(2); tool and daemon styles (see log.h). */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static const char *log_prog = "ims";
static atomic_int log_level = LOG_LVL_INFO;
static atomic_int log_keys;
static int log_daemon;			/* daemon style */
static enum log_target log_target = LOG_TO_STDERR;

void
log_init(const char *progname, int level)
{
	log_prog = progname;
	atomic_store(&log_level, level);
	log_daemon = 0;
}

void
log_open_daemon(const char *name, int level, enum log_target target)
{
	log_prog = name;
	atomic_store(&log_level, level);
	log_daemon = 1;
	log_target = target;
	if (target == LOG_TO_SYSLOG)
		openlog(name, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void
log_setlevel(int level)
{
	atomic_store(&log_level, level);
}

int
log_getlevel(void)
{
	return atomic_load(&log_level);
}

void
log_allow_keys(int allow)
{
	atomic_store(&log_keys, allow);
}

int
log_keys_allowed(void)
{
	return atomic_load(&log_keys);
}

static void
log_write(const char *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(STDERR_FILENO, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		buf += n;
		len -= (size_t)n;
	}
}

/* "2026-12-01T15:11:54.123Z name[pid] " */
static size_t
log_stamp(char *buf, size_t size)
{
	struct timespec ts;
	struct tm tm;
	size_t n;
	int r;

	(void)clock_gettime(CLOCK_REALTIME, &ts);
	if (gmtime_r(&ts.tv_sec, &tm) == NULL)
		return 0;
	n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
	r = snprintf(buf + n, size - n, ".%03ldZ %s[%ld] ",
	    ts.tv_nsec / 1000000, log_prog, (long)getpid());
	return r < 0 || (size_t)r >= size - n ? n : n + (size_t)r;
}

/* One message, one line: embedded newlines and other control characters
 * (a peer's text may hold some) become blanks. */
static void
log_oneline(char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f)
			p[i] = ' ';
}

static void vlog(int, const char *, const char *, va_list)
    __attribute__((format(printf, 3, 0)));

static void
vlog(int level, const char *tag, const char *fmt, va_list ap)
{
	static const char *const names[] = { "ERROR", "WARN", "INFO",
	    "DEBUG" };
	static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO,
	    LOG_DEBUG };
	char buf[LOG_LINE_MAX];
	size_t n = 0;
	int r, saved = errno;

	if (level > atomic_load(&log_level))
		return;
	if (log_daemon && log_target == LOG_TO_SYSLOG) {
		(void)vsnprintf(buf, sizeof(buf), fmt, ap);
		log_oneline(buf, strlen(buf));
		syslog(prio[level], "%s%s", strcmp(tag, "fatal: ") == 0 ?
		    tag : "", buf);
		errno = saved;
		return;
	}
	if (log_daemon) {
		n = log_stamp(buf, sizeof(buf));
		r = snprintf(buf + n, sizeof(buf) - n, "%s: %s", names[level],
		    strcmp(tag, "fatal: ") == 0 ? tag : "");
	} else
		r = snprintf(buf, sizeof(buf), "%s: %s", log_prog, tag);
	if (r > 0)
		n += (size_t)r;
	if (n < sizeof(buf) - 1) {
		r = vsnprintf(buf + n, sizeof(buf) - n, fmt, ap);
		if (r > 0)
			n += (size_t)r;
	}
	if (n >= sizeof(buf) - 1) {	/* cut: "...\n" ends the line */
		n = sizeof(buf) - 1;
		memcpy(buf + n - 3, "...", 3);
	}
	while (n > 0 && buf[n - 1] == '\n')
		n--;
	log_oneline(buf, n);
	buf[n++] = '\n';
	log_write(buf, n);
	errno = saved;
}

static void log_fatal_line(const char *, ...)
    __attribute__((format(printf, 1, 2)));

#define LOGFN(name, lvl, tag)				\
void							\
name(const char *fmt, ...)				\
{							\
	va_list ap;					\
	va_start(ap, fmt);				\
	vlog(lvl, tag, fmt, ap);			\
	va_end(ap);					\
}
LOGFN(log_err, LOG_LVL_ERR, "error: ")
LOGFN(log_warn, LOG_LVL_WARN, "warning: ")
LOGFN(log_info, LOG_LVL_INFO, "")
LOGFN(log_debug, LOG_LVL_DEBUG, "debug: ")
LOGFN(log_fatal_line, LOG_LVL_ERR, "fatal: ")

static void vlogf(int, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static void
vlogf(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(level, "", fmt, ap);
	va_end(ap);
}

void
log_sec(int level, int sa, const char *user, const char *peer,
    const char *fmt, ...)
{
	char msg[LOG_LINE_MAX / 2];
	va_list ap;

	if (level < LOG_LVL_ERR || level > LOG_LVL_DEBUG ||
	    level > atomic_load(&log_level))
		return;
	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	vlogf(level, "SA%d user=%s peer=%s: %s", sa, user != NULL &&
	    user[0] != '\0' ? user : "-", peer != NULL && peer[0] != '\0' ?
	    peer : "-", msg);
}

void
fatal(const char *fmt, ...)
{
	char msg[LOG_LINE_MAX / 2];
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_fatal_line("%s: %s", msg, strerror(saved));
	_exit(1);
}

void
fatalx(const char *fmt, ...)
{
	char msg[LOG_LINE_MAX / 2];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_fatal_line("%s", msg);
	_exit(1);
}
