/* daemon_priv.c - least privilege for the daemons: the switch from root to
 * the run user with only the capabilities a daemon keeps (capabilities(7),
 * raw capget/capset), checked by reading everything back, and the stores
 * handed to that user.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "check.h"
#include "daemon_int.h"
#include "daemon.h"
#include "log.h"

struct caps {
	uint64_t	eff, prm, inh;
};

static int	priv_is_root;
static uid_t	priv_uid;
static gid_t	priv_gid;

static int
priv_err(char *err, size_t size, int rc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
priv_err(char *err, size_t size, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(err, size, fmt, ap);
	va_end(ap);
	return rc < 0 ? rc : -EPERM;
}

int
priv_root(void)
{
	return priv_is_root;
}

static int
caps_get(struct caps *c)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	memset(d, 0, sizeof(d));
	if (syscall(SYS_capget, &h, d) < 0)
		return -errno;
	c->eff = d[0].effective | (uint64_t)d[1].effective << 32;
	c->prm = d[0].permitted | (uint64_t)d[1].permitted << 32;
	c->inh = d[0].inheritable | (uint64_t)d[1].inheritable << 32;
	return 0;
}

/* The calling thread's sets (capset(2) acts on one thread). */
static int
caps_set(const struct caps *c)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	d[0].effective = (uint32_t)c->eff;
	d[1].effective = (uint32_t)(c->eff >> 32);
	d[0].permitted = (uint32_t)c->prm;
	d[1].permitted = (uint32_t)(c->prm >> 32);
	d[0].inheritable = (uint32_t)c->inh;
	d[1].inheritable = (uint32_t)(c->inh >> 32);
	if (syscall(SYS_capset, &h, d) < 0)
		return -errno;
	return 0;
}

static int
ambient_clear(void)
{
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 &&
	    errno != EINVAL)		/* kernels before 4.3 have none */
		return -errno;
	return 0;
}

/* The highest capability number this kernel knows. */
static int
cap_last(void)
{
	FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "re");
	int last = CAP_LAST_CAP;

	if (f != NULL) {
		if (fscanf(f, "%d", &last) != 1 || last < 0 || last > 63)
			last = CAP_LAST_CAP;
		(void)fclose(f);
	}
	return last;
}

void
priv_describe(char *buf, size_t size)
{
	struct caps c;

	memset(&c, 0, sizeof(c));
	(void)caps_get(&c);
	(void)snprintf(buf, size, "uid %u, gid %u, capabilities 0x%llx",
	    (unsigned)getuid(), (unsigned)getgid(),
	    (unsigned long long)c.eff);
}

int
priv_prepare(const char *user, uint64_t keep, char *err, size_t errsize)
{
	struct passwd pw, *res = NULL;
	struct caps c = { 0, 0, 0 };
	char buf[4096];
	int cap, last, rc;

	/* Inherited by every thread start() creates; nothing we exec can
	 * gain privileges (setuid bits, file capabilities). */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return priv_err(err, errsize, -errno, "prctl(NO_NEW_PRIVS): %s",
		    strerror(errno));
	priv_is_root = geteuid() == 0;
	if (!priv_is_root) {
		if ((rc = caps_get(&c)) < 0)
			return priv_err(err, errsize, rc, "capget: %s",
			    strerror(-rc));
		if (keep & ~c.prm)
			log_warn("capabilities 0x%llx wanted but not held "
			    "(not started as root)",
			    (unsigned long long)(keep & ~c.prm));
		c.eff = c.prm = c.prm & keep;
		c.inh = 0;
		if ((rc = caps_set(&c)) < 0 || (rc = ambient_clear()) < 0)
			return priv_err(err, errsize, rc, "capset: %s",
			    strerror(-rc));
		return 0;
	}
	if (user == NULL || *user == '\0')
		return priv_err(err, errsize, -EINVAL, "started as root: key "
		    "\"user\" must name the account to run as");
	rc = getpwnam_r(user, &pw, buf, sizeof(buf), &res);
	if (res == NULL)
		return priv_err(err, errsize, -ENOENT, "user \"%s\" (key "
		    "\"user\") does not exist%s%s: create it with `useradd "
		    "--system %s` (scripts/install-deps.sh does) or set user "
		    "to another account", user, rc ? ": " : "",
		    rc ? strerror(rc) : "", user);
	if (pw.pw_uid == 0 || pw.pw_gid == 0)
		return priv_err(err, errsize, -EINVAL, "user \"%s\" (key "
		    "\"user\") is root: name an unprivileged account", user);
	priv_uid = pw.pw_uid;
	priv_gid = pw.pw_gid;
	last = cap_last();
	for (cap = 0; cap <= last; cap++)
		if (!(keep & DAEMON_CAP(cap)) &&
		    prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
			return priv_err(err, errsize, -errno, "prctl("
			    "CAPBSET_DROP %d): %s", cap, strerror(errno));
	return 0;
}

/* Every thread of the process (threads started before the switch lost
 * their capabilities then, since only the main thread kept them). */
static int
priv_check_threads(uint64_t keep, char *err, size_t errsize)
{
	char path[64], line[256];
	unsigned long long v;
	unsigned u[4];
	struct dirent *de;
	FILE *f;
	DIR *d;
	int bad = 0, n = 0;

	if ((d = opendir("/proc/self/task")) == NULL) {
		log_warn("privileges: /proc/self/task: %s: threads not "
		    "checked", strerror(errno));
		return 0;
	}
	while (!bad && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		(void)snprintf(path, sizeof(path), "/proc/self/task/%.16s/"
		    "status", de->d_name);
		if ((f = fopen(path, "re")) == NULL)
			continue;	/* the thread ended */
		n++;
		while (fgets(line, sizeof(line), f) != NULL) {
			if (sscanf(line, "Uid: %u %u %u %u", &u[0], &u[1],
			    &u[2], &u[3]) == 4 && (u[0] != priv_uid ||
			    u[1] != priv_uid || u[2] != priv_uid ||
			    u[3] != priv_uid))
				bad = 1;
			if ((sscanf(line, "CapPrm: %llx", &v) == 1 ||
			    sscanf(line, "CapEff: %llx", &v) == 1 ||
			    sscanf(line, "CapAmb: %llx", &v) == 1) &&
			    (v & ~keep) != 0)
				bad = 1;
		}
		(void)fclose(f);
		if (bad)
			(void)priv_err(err, errsize, -EPERM, "thread %s still "
			    "privileged after the switch", de->d_name);
	}
	(void)closedir(d);
	if (!bad && n == 0)
		log_warn("privileges: no thread status readable");
	return bad ? -EPERM : 0;
}

int
priv_drop(uint64_t keep, char *err, size_t errsize)
{
	uid_t r, e, s;
	gid_t gr, ge, gs;
	struct caps c = { keep, keep, 0 };
	int rc;

	if (!priv_is_root)
		return 0;
	/* setgroups/setresgid/setresuid act on every thread (glibc); the
	 * main thread keeps its permitted set across the uid change, the
	 * others lose theirs (capabilities(7), "Effect of user ID changes"). */
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0 ||
	    setgroups(0, NULL) < 0 ||
	    setresgid(priv_gid, priv_gid, priv_gid) < 0 ||
	    setresuid(priv_uid, priv_uid, priv_uid) < 0)
		return priv_err(err, errsize, -errno, "switch to uid %u gid "
		    "%u: %s", (unsigned)priv_uid, (unsigned)priv_gid,
		    strerror(errno));
	if ((rc = caps_set(&c)) < 0 ||
	    (rc = prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0 ? -errno : 0) < 0 ||
	    (rc = ambient_clear()) < 0)
		return priv_err(err, errsize, rc, "capabilities: %s",
		    strerror(-rc));

	/* Read it all back. */
	if (getresuid(&r, &e, &s) < 0 || r != priv_uid || e != priv_uid ||
	    s != priv_uid || getresgid(&gr, &ge, &gs) < 0 || gr != priv_gid ||
	    ge != priv_gid || gs != priv_gid || getgroups(0, NULL) != 0)
		return priv_err(err, errsize, -EPERM, "user or groups not "
		    "switched");
	if ((rc = caps_get(&c)) < 0 || c.eff != keep || c.prm != keep ||
	    c.inh != 0)
		return priv_err(err, errsize, -EPERM, "capabilities are "
		    "eff 0x%llx prm 0x%llx inh 0x%llx, not 0x%llx",
		    (unsigned long long)c.eff, (unsigned long long)c.prm,
		    (unsigned long long)c.inh, (unsigned long long)keep);
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
		return priv_err(err, errsize, -EPERM, "no_new_privs not set");
	if (setuid(0) == 0)
		return priv_err(err, errsize, -EPERM, "root regained");
	return priv_check_threads(keep, err, errsize);
}

/* One store file: owned by the run user, 0600; never through a link. */
static int
store_file(const char *path, int create)
{
	struct stat sb;
	int fd, flags = O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK;

	if (create)
		flags = O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC;
	if ((fd = open(path, flags, 0600)) < 0) {
		if (errno == ENOENT && !create)
			return 0;
		log_err("store %s: %s", path, strerror(errno));
		return -errno;
	}
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode) ||
	    (priv_is_root && fchown(fd, priv_uid, priv_gid) < 0) ||
	    ((sb.st_uid == geteuid() || priv_is_root) &&
	    fchmod(fd, 0600) < 0)) {
		log_err("store %s: not a regular file, or chown/chmod failed: "
		    "%s", path, strerror(errno));
		(void)close(fd);
		return -EPERM;
	}
	(void)close(fd);
	return 0;
}

int
daemon_store_own(const char *path)
{
	static const char *const sfx[] = { "-wal", "-shm", "-journal" };
	char dir[4096], p[4200];
	struct stat sb;
	char *slash;
	size_t i;
	int rc;

	if (path == NULL || strlen(path) >= sizeof(dir))
		return -EINVAL;
	(void)snprintf(dir, sizeof(dir), "%s", path);
	if ((slash = strrchr(dir, '/')) == NULL)
		(void)snprintf(dir, sizeof(dir), ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	if (lstat(dir, &sb) < 0) {
		if (errno != ENOENT || mkdir(dir, 0700) < 0 ||
		    (priv_is_root && chown(dir, priv_uid, priv_gid) < 0)) {
			log_err("store directory %s: %s", dir, strerror(errno));
			return -errno;
		}
	} else if (!S_ISDIR(sb.st_mode)) {
		log_err("store directory %s: not a directory", dir);
		return -ENOTDIR;
	} else if (priv_is_root && sb.st_uid != priv_uid) {
		log_err("store directory %s must belong to the run user (uid "
		    "%u): chown it, or put the store in a directory of its own",
		    dir, (unsigned)priv_uid);
		return -EPERM;
	} else if (priv_is_root && (sb.st_mode & 077) &&
	    chmod(dir, 0700) < 0) {
		log_err("store directory %s: chmod: %s", dir, strerror(errno));
		return -errno;
	}
	IMS_CHECK_RC(store_file(path, 1));
	for (i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++) {
		(void)snprintf(p, sizeof(p), "%s%s", path, sfx[i]);
		if ((rc = store_file(p, 0)) < 0)
			return rc;
	}
	return 0;
}
