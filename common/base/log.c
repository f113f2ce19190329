/* log.c - stderr logging with levels; fatal()/fatalx() for the impossible. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

static const char *log_prog = "ims";
static int log_level = LOG_LVL_INFO;
static int log_keys;

void
log_init(const char *progname, int level)
{
	log_prog = progname;
	log_level = level;
}

void
log_setlevel(int level)
{
	log_level = level;
}

int
log_getlevel(void)
{
	return log_level;
}

void
log_allow_keys(int allow)
{
	log_keys = allow;
}

int
log_keys_allowed(void)
{
	return log_keys;
}

static void vlog(int, const char *, const char *, va_list)
    __attribute__((format(printf, 3, 0)));

static void
vlog(int level, const char *tag, const char *fmt, va_list ap)
{
	if (level > log_level)
		return;
	fprintf(stderr, "%s: %s", log_prog, tag);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

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

void
fatal(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	fprintf(stderr, "%s: fatal: ", log_prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s\n", strerror(saved));
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: fatal: ", log_prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}
