/* daemon.c - the daemon skeleton (see daemon.h): command line and
 * configuration, signals, pid file, start-up (start, the switch to the run
 * user, launch), reload and orderly shutdown.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon.h"
#include "daemon_int.h"
#include "log.h"

/* The skeleton's own keys. */
struct daemon_conf {
	int	 log_level;
	int	 log_target;
	int	 debug_keys;
	char	*pid_file;
	char	*user;
	char	*metrics_listen;
};

static const char *const daemon_levels[] = { "err", "warn", "info", "debug",
    NULL };
static const char *const daemon_targets[] = { "stderr", "syslog", NULL };

#define DC(f)	offsetof(struct daemon_conf, f)
static const struct conf_key daemon_keys[] = {
	{ .name = "log-level", .type = CONF_ENUM, .offset = DC(log_level),
	  .dflt = "info", .flags = CONF_RELOAD, .choices = daemon_levels,
	  .opt = 'd', .optval = "debug",
	  .help = "least important messages logged (debug also shows "
	    "freeDiameter's)" },
	{ .name = "log-target", .type = CONF_ENUM, .offset = DC(log_target),
	  .dflt = "stderr", .choices = daemon_targets,
	  .help = "where log lines go: stderr, or syslog (facility daemon)" },
	{ .name = "debug-keys", .type = CONF_BOOL, .offset = DC(debug_keys),
	  .dflt = "no", .opt = 'K', .optval = "yes",
	  .help = "allow key material (CK, IK, RES) in debug logs: never in "
	    "production" },
	{ .name = "pid-file", .type = CONF_STRING, .offset = DC(pid_file),
	  .max = 1024,
	  .help = "file to write the process id to (created exclusively, "
	    "removed at exit); none when unset" },
	{ .name = "user", .type = CONF_STRING, .offset = DC(user),
	  .dflt = DAEMON_USER, .max = 64,
	  .help = "account to run as after start-up, when started as root" },
	{ .name = "metrics-listen", .type = CONF_HOSTPORT,
	  .offset = DC(metrics_listen),
	  .help = "HOST:PORT serving GET /metrics (Prometheus text format) "
	    "and /healthz over plain HTTP; none when unset" },
	{ .name = NULL }
};

/* One daemon per process: the skeleton's state. */
static struct daemon_conf dconf;
static const struct daemon_spec *dspec;
static struct conf_table dtables[CONF_TABLES_MAX];
static size_t dnt;
static char dpath[4096];
static struct conf_cli dcli;
static sigset_t dsigs;
static atomic_int dreload_pending;

struct daemon_reload {
	struct conf_table	t[CONF_TABLES_MAX];
	size_t			nt;	/* the daemon's tables only */
};

static void __attribute__((noreturn))
daemon_exit(int status)
{
	fflush(stdout);
	_exit(status);
}

/* ---- pid file ---- */

static int
pidfile_write(const char *path)
{
	char buf[32];
	long pid;
	ssize_t n;
	int fd, tries;

	for (tries = 0; tries < 2; tries++) {
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, 0644);
		if (fd >= 0)
			break;
		if (errno != EEXIST)
			return -errno;
		/* A stale file from a process that is gone is replaced, and
		 * so is one naming us. */
		if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
			return -errno;
		n = read(fd, buf, sizeof(buf) - 1);
		(void)close(fd);
		buf[n > 0 ? n : 0] = '\0';
		pid = strtol(buf, NULL, 10);
		/* Our launcher may have written our pid already. */
		if (pid > 0 && pid != (long)getpid() &&
		    (kill((pid_t)pid, 0) == 0 || errno == EPERM)) {
			log_err("pid-file %s: already running as pid %ld",
			    path, pid);
			return -EEXIST;
		}
		if (unlink(path) < 0)
			return -errno;
	}
	if (fd < 0)
		return -EEXIST;
	/* Readable by all (umask is 077), so that the run user can check it
	 * is still ours before removing it at exit. */
	n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (fchmod(fd, 0644) < 0 || write(fd, buf, (size_t)n) != n) {
		(void)close(fd);
		return -EIO;
	}
	(void)close(fd);
	return 0;
}

/* Only our own: a successor may have written it since. */
static void
pidfile_remove(const char *path)
{
	char buf[32];
	ssize_t n;
	int fd;

	if (path == NULL || (fd = open(path, O_RDONLY | O_NOFOLLOW |
	    O_CLOEXEC)) < 0)
		return;
	n = read(fd, buf, sizeof(buf) - 1);
	(void)close(fd);
	buf[n > 0 ? n : 0] = '\0';
	if (strtol(buf, NULL, 10) == (long)getpid() && unlink(path) < 0)
		log_debug("pid-file %s not removed: %s", path,
		    strerror(errno));
}

/* ---- reload (signal thread) ---- */

static void
reload_free(struct conf_table *t, size_t nt)
{
	size_t i;

	conf_free(t, nt);
	for (i = 0; i < nt; i++)
		free(t[i].base);
}

static void
daemon_reload(void)
{
	struct daemon_reload *r;
	struct conf_table fresh[CONF_TABLES_MAX];
	char err[CONF_ERR_MAX];
	size_t i, nd = dspec->ntables;

	memset(fresh, 0, sizeof(fresh));
	for (i = 0; i < dnt; i++) {
		fresh[i] = dtables[i];
		if ((fresh[i].base = calloc(1, dtables[i].size)) == NULL) {
			log_err("reload: out of memory");
			reload_free(fresh, i);
			return;
		}
	}
	if (conf_load(fresh, dnt, dpath, dcli.over, dcli.nover, err,
	    sizeof(err)) < 0) {
		log_err("reload: %s; the running configuration is kept", err);
		reload_free(fresh, dnt);
		return;
	}
	/* The skeleton's own keys last in dtables, taken over here (the log
	 * level is atomic). */
	conf_take_reloadable(&dtables[nd], &fresh[nd], 1);
	log_setlevel(dconf.log_level);
	conf_free(&fresh[nd], 1);
	free(fresh[nd].base);
	if (dspec->reload == NULL || !conf_has_reloadable(dspec->tables, nd)) {
		reload_free(fresh, nd);
		log_info("reloaded %s", dpath);
		return;
	}
	if (atomic_exchange(&dreload_pending, 1)) {
		log_warn("reload: the previous one is still pending; the "
		    "daemon's own keys are not reloaded this time");
		reload_free(fresh, nd);
		return;
	}
	if ((r = calloc(1, sizeof(*r))) == NULL) {
		atomic_store(&dreload_pending, 0);
		log_err("reload: out of memory");
		reload_free(fresh, nd);
		return;
	}
	memcpy(r->t, fresh, nd * sizeof(fresh[0]));
	r->nt = nd;
	log_info("reloading %s", dpath);
	dspec->reload(dspec->arg, r);
}

void
daemon_reload_apply(struct daemon_reload *r)
{
	conf_take_reloadable(dspec->tables, r->t, r->nt);
	reload_free(r->t, r->nt);
	free(r);
	atomic_store(&dreload_pending, 0);
	log_info("reloaded %s", dpath);
}

/* ---- signals ---- */

static void *
daemon_signals(void *arg)
{
	int sig, stopping = 0;

	(void)arg;
	for (;;) {
		if (sigwait(&dsigs, &sig) != 0)
			continue;
		if (sig == SIGHUP) {
			daemon_reload();
			continue;
		}
		if (stopping) {
			log_warn("signal %d again: leaving now", sig);
			pidfile_remove(dconf.pid_file);
			_exit(1);
		}
		stopping = 1;
		log_info("signal %d: stopping", sig);
		if (dconf.metrics_listen != NULL)
			dspec->metrics->phase(DAEMON_STOPPING);
		dspec->stop(dspec->arg);
	}
	return NULL;
}

/* ---- start-up ---- */

static void __attribute__((noreturn))
daemon_usage(const char *msg)
{
	FILE *f = msg != NULL ? stderr : stdout;
	char synopsis[512];

	if (msg != NULL)
		fprintf(stderr, "%s: %s\n", dspec->name, msg);
	(void)snprintf(synopsis, sizeof(synopsis), "[-c FILE] [-n] [-p] "
	    "[-o KEY=VALUE] [--KEY VALUE] ...\n"
	    "  -c FILE  configuration (default %s/%s.conf)\n"
	    "  -n       check the configuration and exit\n"
	    "  -p       print the effective configuration and exit\n"
	    "  -h       this help", DAEMON_CONF_DIR, dspec->name);
	conf_usage(f, dspec->name, dtables, dnt, synopsis);
	daemon_exit(msg != NULL ? 2 : 0);
}

/* Command line and configuration: returns only when the daemon is to
 * run. */
static void
daemon_configure(int argc, char **argv)
{
	char err[CONF_ERR_MAX];
	size_t i;

	if (dspec->ntables + 1 > CONF_TABLES_MAX)
		fatalx("too many configuration tables");
	for (i = 0; i < dspec->ntables; i++)
		dtables[dnt++] = dspec->tables[i];
	dtables[dnt].title = "logging, privileges, metrics (every daemon)";
	dtables[dnt].keys = daemon_keys;
	dtables[dnt].base = &dconf;
	dtables[dnt++].size = sizeof(dconf);

	if (conf_cli_parse(dtables, dnt, argc, argv, "nph", 0, &dcli, err,
	    sizeof(err)) < 0)
		daemon_usage(err);
	if (conf_cli_has(&dcli, 'h'))
		daemon_usage(NULL);
	if (dcli.file != NULL)
		(void)snprintf(dpath, sizeof(dpath), "%s", dcli.file);
	else
		(void)snprintf(dpath, sizeof(dpath), "%s/%s.conf",
		    DAEMON_CONF_DIR, dspec->name);
	if (conf_load(dtables, dnt, dpath, dcli.over, dcli.nover, err,
	    sizeof(err)) < 0) {
		fprintf(stderr, "%s: %s\n", dspec->name, err);
		daemon_exit(1);
	}
	if (conf_cli_has(&dcli, 'p')) {
		if (conf_print(stdout, dspec->name, dtables, dnt) < 0 ||
		    fflush(stdout) != 0)
			daemon_exit(1);
		daemon_exit(0);
	}
	if (conf_cli_has(&dcli, 'n')) {
		fprintf(stderr, "%s: %s: configuration OK\n", dspec->name,
		    dpath);
		daemon_exit(0);
	}
}

int
daemon_main(const struct daemon_spec *spec, int argc, char **argv)
{
	char err[CONF_ERR_MAX], who[128];
	pthread_t t;
	int rc;

	/* Descriptors a launcher left open are not ours: holding them keeps
	 * its lock or pipe alive as long as we run (./lab up under flock(1)
	 * kept the test lock until the daemons stopped). */
	closefrom(STDERR_FILENO + 1);
	(void)umask(077);
	dspec = spec;
	log_init(spec->name, LOG_LVL_INFO);
	daemon_configure(argc, argv);

	log_open_daemon(spec->name, dconf.log_level, dconf.log_target);
	log_allow_keys(dconf.debug_keys);
	if (dconf.debug_keys)
		log_warn("debug-keys: key material may appear in the log");
	/* Blocked before any thread exists: they all inherit the mask, and
	 * only the signal thread's sigwait() takes these. */
	sigemptyset(&dsigs);
	sigaddset(&dsigs, SIGTERM);
	sigaddset(&dsigs, SIGINT);
	sigaddset(&dsigs, SIGHUP);
	if ((rc = pthread_sigmask(SIG_BLOCK, &dsigs, NULL)) != 0)
		fatalx("pthread_sigmask: %s", strerror(rc));
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		fatal("signal(SIGPIPE)");
	if (priv_prepare(dconf.user, spec->caps, err, sizeof(err)) < 0)
		fatalx("%s", err);
	if (dconf.pid_file != NULL && (rc = pidfile_write(dconf.pid_file)) <
	    0)
		fatalx("pid-file %s: %s", dconf.pid_file, strerror(-rc));

	if (dconf.metrics_listen != NULL && (spec->metrics == NULL ||
	    (rc = spec->metrics->bind(spec->name, dconf.metrics_listen)) <
	    0)) {
		log_err("metrics-listen %s: %s", dconf.metrics_listen,
		    spec->metrics == NULL ? "not served by this program" :
		    strerror(-rc));
		pidfile_remove(dconf.pid_file);
		daemon_exit(1);
	}
	if ((rc = spec->start(spec->arg)) < 0) {
		log_err("start-up failed: %s", strerror(-rc));
		pidfile_remove(dconf.pid_file);
		daemon_exit(1);
	}
	if (priv_drop(spec->caps, err, sizeof(err)) < 0) {
		pidfile_remove(dconf.pid_file);
		fatalx("privileges: %s", err);
	}
	if (priv_root() && access(dpath, R_OK) < 0)
		log_warn("%s is not readable by user %s: SIGHUP cannot reload "
		    "it", dpath, dconf.user);
	if (dconf.metrics_listen != NULL &&
	    (rc = spec->metrics->launch()) < 0) {
		log_err("metrics: %s", strerror(-rc));
		pidfile_remove(dconf.pid_file);
		daemon_exit(1);
	}
	if (spec->launch != NULL && (rc = spec->launch(spec->arg)) < 0) {
		log_err("start-up failed: %s", strerror(-rc));
		pidfile_remove(dconf.pid_file);
		daemon_exit(1);
	}
	if ((rc = pthread_create(&t, NULL, daemon_signals, NULL)) != 0 ||
	    (rc = pthread_detach(t)) != 0)
		fatalx("signal thread: %s", strerror(rc));
	priv_describe(who, sizeof(who));
	log_info("running (%s; config %s)", who, dpath);
	if (dconf.metrics_listen != NULL)
		spec->metrics->phase(DAEMON_RUNNING);

	rc = spec->run(spec->arg);
	if (dconf.metrics_listen != NULL)
		spec->metrics->phase(DAEMON_STOPPING);
	if (spec->fini != NULL && spec->fini(spec->arg) < 0 && rc == 0)
		rc = 1;
	if (dconf.metrics_listen != NULL)
		spec->metrics->stop();
	pidfile_remove(dconf.pid_file);
	daemon_exit(rc < 0 ? 1 : rc);
}
