/* log.h - logging and fatal error paths shared by every program. */
#ifndef IMS_LOG_H
#define IMS_LOG_H

#include <stdarg.h>

enum log_level { LOG_LVL_ERR, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };

/* Program name used as prefix; verbosity; whether key material may be logged. */
void	log_init(const char *progname, int level);
void	log_setlevel(int level);
int	log_getlevel(void);
/* Key material appears in logs only when this is set (a --debug-keys flag). */
void	log_allow_keys(int allow);
int	log_keys_allowed(void);

void	log_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* For the impossible: log (with strerror(errno) for fatal) and exit(1). */
void	fatal(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

#endif
