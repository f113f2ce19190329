/* daemon.h - the skeleton every daemon (hss, scscf, icscf, pcscf) runs on.
 *
 * A daemon's main.c is a table of its settings (conf.h) and four
 * callbacks; daemon_main does the rest:
 *
 *   command line   -c FILE (default /etc/imssec/NAME.conf), -n (check the
 *                  configuration and exit), -p (print it), -o KEY=VALUE,
 *                  --KEY VALUE, the keys' short letters, -h.  Exit 2 on a
 *                  usage error, 1 on a bad configuration (FILE:LINE:
 *                  message) or a runtime failure, 0 after a clean stop.
 *   common keys    log-level (-d: debug; reloadable), log-target
 *                  (stderr|syslog), debug-keys (-K), pid-file, user,
 *                  metrics-listen (HOST:PORT of /metrics and /healthz,
 *                  through spec->metrics; unset: none).
 *   start-up       descriptors above 2 closed; umask 077;
 *                  SIGTERM/SIGINT/SIGHUP blocked in every thread, SIGPIPE
 *                  ignored; no_new_privs; the pid file;
 *                  start(); then, when started as root, the switch to
 *                  `user` keeping only spec->caps (effective and permitted;
 *                  inheritable, ambient and the bounding set cleared of
 *                  the rest), verified by reading it back; launch(), which
 *                  starts the threads; run() on the main thread.
 *
 * Threads (freeDiameter's) start after the switch, in launch(), not in
 * start(): glibc changes the uid of every thread by signalling each one,
 * which interrupts their blocking socket calls that have a timeout
 * (SO_RCVTIMEO/SO_SNDTIMEO are not restarted, signal(7)), and
 * freeDiameter 1.2.1 takes such an EINTR on an SCTP accept for a fatal
 * error and shuts its core down (seen in the lab over SCTP).
 *   signals        one thread sigwait()s: SIGTERM/SIGINT call stop() (a
 *                  second one exits at once); SIGHUP re-reads the file and
 *                  the same flags into a fresh copy, applies log-level and
 *                  hands the rest to reload(), which posts it to the
 *                  daemon's own thread, where daemon_reload_apply() takes
 *                  over the CONF_RELOAD keys.  A bad file is logged with
 *                  FILE:LINE and the running configuration kept.
 *   exit           fini(), pid file removed, _exit (freeDiameter's threads
 *                  must not meet atexit handlers).
 */
#ifndef IMS_DAEMON_H
#define IMS_DAEMON_H

#include <stdint.h>

#include "conf.h"

#define DAEMON_CONF_DIR		"/etc/imssec"
#define DAEMON_USER		"imssec"

/* The capability bit of CAP_x for daemon_spec.caps. */
#define DAEMON_CAP(c)		(UINT64_C(1) << (c))

struct daemon_reload;

/* An HTTP endpoint the skeleton runs for every daemon when metrics-listen
 * is set (common/metrics/metrics_http.h: metrics_daemon_ext).  The
 * skeleton lives below libevent, hence the table. */
struct daemon_ext {
	/* As root, before start(): bind listen; no thread. */
	int	(*bind)(const char *function, const char *listen);
	/* As the run user, before launch(): its thread. */
	int	(*launch)(void);
	/* DAEMON_STARTING until run(), DAEMON_RUNNING, DAEMON_STOPPING from
	 * the stop signal on. */
	void	(*phase)(int);
	/* After fini(). */
	void	(*stop)(void);
};

#define DAEMON_STARTING		0
#define DAEMON_RUNNING		1
#define DAEMON_STOPPING		2

struct daemon_spec {
	const char		*name;
	const struct conf_table	*tables;	/* the daemon's own settings
						 * (and Diameter's) */
	size_t			 ntables;
	uint64_t		 caps;		/* kept after start-up */
	void			*arg;		/* passed to every callback */
	/* metrics-listen's endpoint; NULL: the key is refused when set. */
	const struct daemon_ext	*metrics;
	/* As root if started as root: open stores (daemon_store_own first),
	 * bind sockets; start no thread.  0 or -errno (exit 1). */
	int	(*start)(void *arg);
	/* As the run user with only spec->caps: start the threads
	 * (freeDiameter: dia_init, dia_start).  0 or -errno (exit 1);
	 * optional. */
	int	(*launch)(void *arg);
	/* The loop, on the main thread; returns after stop(): the exit
	 * status (0) or -errno. */
	int	(*run)(void *arg);
	/* From the signal thread: make run() return.  Thread-safe. */
	void	(*stop)(void *arg);
	/* From the signal thread on SIGHUP, when the daemon's tables have
	 * CONF_RELOAD keys: post r to the daemon's thread, which calls
	 * daemon_reload_apply(r).  NULL: those keys are not reloaded. */
	void	(*reload)(void *arg, struct daemon_reload *r);
	/* After run() returned: the orderly shutdown (freeDiameter's DPRs,
	 * stores).  0 or -errno (exit 1); optional. */
	int	(*fini)(void *arg);
};

/* Never returns: exits with the status above. */
int	daemon_main(const struct daemon_spec *, int argc, char **argv)
	    __attribute__((noreturn));

/* On the daemon's thread: the CONF_RELOAD keys of the daemon's tables take
 * their new values (the old ones are freed), then r is freed. */
void	daemon_reload_apply(struct daemon_reload *r);

/* Hand a store (an SQLite file) to the run user before opening it, from
 * start(): its directory is created 0700 when missing, else must belong
 * to the run user (and is made 0700); the file is created empty (SQLite
 * takes an empty file as a new database) and it and its -wal, -shm and
 * -journal files are owned by the run user, mode 0600.  SQLite running as
 * root gives the journal files it creates the owner of the database file,
 * so a root hss-ctl keeps working on it.  Not root: a missing directory
 * is created 0700, the files are made 0600, nothing changes owner.
 * 0 or -errno (logged). */
int	daemon_store_own(const char *path);

#endif
