/* conf.c - the configuration file parser and the load order of conf.h:
 * defaults, file, command line, required keys.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "conf_int.h"

/* Where each key was set in the file (line, 0: not), and whether the
 * command line already replaced a list. */
struct conf_state {
	const struct conf_table	*t;
	size_t			 nt;
	const char		*name;
	unsigned		*line;
	unsigned char		*cleared;
	char			*err;
	size_t			 errsize;
};

static int
conf_err(struct conf_state *st, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
conf_err(struct conf_state *st, unsigned line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (line > 0)
		n = snprintf(st->err, st->errsize, "%s:%u: ", st->name, line);
	else
		n = snprintf(st->err, st->errsize, "%s: ", st->name);
	if (n < 0 || (size_t)n >= st->errsize)
		return -EINVAL;
	va_start(ap, fmt);
	(void)vsnprintf(st->err + n, st->errsize - (size_t)n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static size_t
conf_nkeys(const struct conf_key *k)
{
	size_t n = 0;

	while (k[n].name != NULL)
		n++;
	return n;
}

/* The index of k across all tables, for the state arrays. */
static size_t
conf_index(const struct conf_table *t, size_t ti, const struct conf_key *k)
{
	size_t i, n = 0;

	for (i = 0; i < ti; i++)
		n += conf_nkeys(t[i].keys);
	return n + (size_t)(k - t[ti].keys);
}

/* Key names compare with '_' read as '-' ("sec_agree" is "sec-agree"). */
static int
key_eq(const char *want, const char *got, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (want[i] != (got[i] == '_' ? '-' : got[i]))
			return 0;
	return 1;
}

const struct conf_key *
conf_key_find(const struct conf_table *t, size_t nt, const char *name,
    size_t len, size_t *ti)
{
	const struct conf_key *k;
	size_t i;

	for (i = 0; i < nt; i++)
		for (k = t[i].keys; k->name != NULL; k++)
			if (strlen(k->name) == len &&
			    key_eq(k->name, name, len)) {
				if (ti != NULL)
					*ti = i;
				return k;
			}
	return NULL;
}

static int
conf_defaults(struct conf_state *st)
{
	const struct conf_key *k;
	char why[CONF_ERR_MAX / 2];
	size_t i;

	for (i = 0; i < st->nt; i++)
		for (k = st->t[i].keys; k->name != NULL; k++) {
			conf_value_free(k, st->t[i].base);
			if (k->dflt != NULL && conf_value_set(k, st->t[i].base,
			    k->dflt, why, sizeof(why)) < 0)
				return conf_err(st, 0, "default of %s: %s",
				    k->name, why);
		}
	return 0;
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int
is_keychar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
	    c == '_' || c == '.';
}

/* One line, NUL-terminated, without its newline. */
static int
conf_line(struct conf_state *st, unsigned ln, char *l)
{
	const struct conf_key *k;
	char why[CONF_ERR_MAX / 2], *p = l, *key, *v, *e;
	size_t klen, ti, idx;

	for (e = l; *e != '\0'; e++)
		if ((unsigned char)*e < 0x20 && *e != '\t')
			return conf_err(st, ln, "control character in line");
		else if (*e == 0x7f)
			return conf_err(st, ln, "control character in line");
	while (is_blank(*p))
		p++;
	if (*p == '\0' || *p == '#')
		return 0;
	key = p;
	while (is_keychar(*p))
		p++;
	klen = (size_t)(p - key);
	if (klen == 0 || !(key[0] >= 'a' && key[0] <= 'z') ||
	    (*p != '\0' && *p != '=' && !is_blank(*p)))
		return conf_err(st, ln, "expected \"key = value\" (keys are "
		    "lower-case letters, digits, '-' ('_'), '.')");
	while (is_blank(*p))
		p++;
	if (*p != '=')
		return conf_err(st, ln, "expected '=' after \"%.*s\"",
		    (int)klen, key);
	p++;
	while (is_blank(*p))
		p++;
	v = p;
	/* A comment starts at a '#' that begins the value or follows a
	 * blank. */
	for (e = v; *e != '\0'; e++)
		if (*e == '#' && (e == v || is_blank(e[-1])))
			break;
	while (e > v && is_blank(e[-1]))
		e--;
	*e = '\0';
	if ((k = conf_key_find(st->t, st->nt, key, klen, &ti)) == NULL)
		return conf_err(st, ln, "unknown key \"%.*s\"", (int)klen, key);
	idx = conf_index(st->t, ti, k);
	if (st->line[idx] != 0 && !(k->flags & CONF_LIST))
		return conf_err(st, ln, "duplicate key \"%s\" (first set at "
		    "line %u)", k->name, st->line[idx]);
	if (st->line[idx] == 0 && (k->flags & CONF_LIST))
		conf_value_free(k, st->t[ti].base);	/* drop the default */
	if (st->line[idx] == 0)
		st->line[idx] = ln;
	if (conf_value_set(k, st->t[ti].base, v, why, sizeof(why)) < 0)
		return conf_err(st, ln, "%s: %s", k->name, why);
	return 0;
}

static int
conf_parse(struct conf_state *st, const char *buf, size_t len)
{
	char l[CONF_LINE_MAX + 1];
	const char *p = buf, *nl;
	size_t ll;
	unsigned ln = 0;

	while (p < buf + len) {
		ln++;
		nl = memchr(p, '\n', (size_t)(buf + len - p));
		ll = nl != NULL ? (size_t)(nl - p) : (size_t)(buf + len - p);
		if (memchr(p, '\0', ll) != NULL)
			return conf_err(st, ln, "NUL byte in line");
		if (ll > 0 && p[ll - 1] == '\r')
			ll--;			/* CRLF files */
		if (ll > CONF_LINE_MAX)
			return conf_err(st, ln, "line too long (more than %d "
			    "characters)", CONF_LINE_MAX);
		memcpy(l, p, ll);
		l[ll] = '\0';
		IMS_CHECK_RC(conf_line(st, ln, l));
		p = nl != NULL ? nl + 1 : buf + len;
	}
	return 0;
}

static int
conf_overrides(struct conf_state *st, const struct conf_over *o, size_t n)
{
	const struct conf_key *k;
	char why[CONF_ERR_MAX / 2];
	size_t i, ti, idx;

	for (i = 0; i < n; i++) {
		k = conf_key_find(st->t, st->nt, o[i].key, strlen(o[i].key),
		    &ti);
		if (k == NULL) {
			(void)snprintf(st->err, st->errsize, "command line: "
			    "unknown key \"%s\"", o[i].key);
			return -EINVAL;
		}
		idx = conf_index(st->t, ti, k);
		if ((k->flags & CONF_LIST) && !st->cleared[idx]) {
			conf_value_free(k, st->t[ti].base);
			st->cleared[idx] = 1;
		}
		if (conf_value_set(k, st->t[ti].base, o[i].value, why,
		    sizeof(why)) < 0) {
			(void)snprintf(st->err, st->errsize, "command line: "
			    "--%s: %s", k->name, why);
			return -EINVAL;
		}
	}
	return 0;
}

static int
conf_required(struct conf_state *st)
{
	const struct conf_key *k;
	size_t i;

	for (i = 0; i < st->nt; i++)
		for (k = st->t[i].keys; k->name != NULL; k++)
			if ((k->flags & CONF_REQUIRED) &&
			    !conf_value_isset(k, st->t[i].base))
				return conf_err(st, 0, "missing required key "
				    "\"%s\"", k->name);
	return 0;
}

/* Each table's check_all (in its terminating entry). */
static int
conf_check_all(struct conf_state *st)
{
	const struct conf_key *k;
	char why[CONF_ERR_MAX];
	size_t i;

	for (i = 0; i < st->nt; i++) {
		for (k = st->t[i].keys; k->name != NULL; k++)
			;
		why[0] = '\0';
		if (k->check_all != NULL &&
		    k->check_all(st->t[i].base, why, sizeof(why)) < 0)
			return conf_err(st, 0, "%s", why[0] ? why :
			    "inconsistent settings");
	}
	return 0;
}

int
conf_load_buf(const struct conf_table *t, size_t nt, const char *name,
    const char *buf, size_t len, const struct conf_over *o, size_t nover,
    char *err, size_t errsize)
{
	struct conf_state st;
	size_t i, n = 0;
	int rc;

	if (t == NULL || err == NULL || errsize == 0)
		return -EINVAL;
	for (i = 0; i < nt; i++)
		n += conf_nkeys(t[i].keys);
	memset(&st, 0, sizeof(st));
	st.t = t;
	st.nt = nt;
	st.name = name != NULL ? name : "configuration";
	st.err = err;
	st.errsize = errsize;
	err[0] = '\0';
	st.line = calloc(n + 1, sizeof(*st.line));
	st.cleared = calloc(n + 1, 1);
	if (st.line == NULL || st.cleared == NULL) {
		(void)snprintf(err, errsize, "out of memory");
		rc = -ENOMEM;
		goto out;
	}
	if ((rc = conf_defaults(&st)) < 0 ||
	    (buf != NULL && (rc = conf_parse(&st, buf, len)) < 0) ||
	    (rc = conf_overrides(&st, o, nover)) < 0)
		goto out;
	if ((rc = conf_required(&st)) == 0)
		rc = conf_check_all(&st);
out:
	free(st.line);
	free(st.cleared);
	return rc;
}

/* The whole file, at most CONF_FILE_MAX bytes, into *buf (malloc'd). */
static int
conf_read(const char *path, char **buf, size_t *len, char *err,
    size_t errsize)
{
	struct stat sb;
	size_t n = 0;
	ssize_t r;
	char *b;
	int fd, e;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 ||
	    fstat(fd, &sb) < 0) {
		e = errno;
		(void)snprintf(err, errsize, "%s: cannot read: %s", path,
		    strerror(e));
		if (fd >= 0)
			(void)close(fd);
		return -e;
	}
	if (!S_ISREG(sb.st_mode) && !S_ISCHR(sb.st_mode) &&
	    !S_ISFIFO(sb.st_mode)) {
		(void)close(fd);
		(void)snprintf(err, errsize, "%s: not a file", path);
		return -EINVAL;
	}
	if ((b = malloc(CONF_FILE_MAX + 1)) == NULL) {
		(void)close(fd);
		(void)snprintf(err, errsize, "out of memory");
		return -ENOMEM;
	}
	while ((r = read(fd, b + n, CONF_FILE_MAX + 1 - n)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			e = errno;
			(void)snprintf(err, errsize, "%s: cannot read: %s",
			    path, strerror(e));
			free(b);
			(void)close(fd);
			return -e;
		}
		n += (size_t)r;
		if (n > CONF_FILE_MAX) {
			(void)snprintf(err, errsize, "%s: larger than %d bytes",
			    path, CONF_FILE_MAX);
			free(b);
			(void)close(fd);
			return -EFBIG;
		}
	}
	(void)close(fd);
	*buf = b;
	*len = n;
	return 0;
}

int
conf_load(const struct conf_table *t, size_t nt, const char *path,
    const struct conf_over *o, size_t nover, char *err, size_t errsize)
{
	char *buf = NULL;
	size_t len = 0;
	int rc;

	if (path != NULL && (rc = conf_read(path, &buf, &len, err,
	    errsize)) < 0) {
		/* Leave the structs in a defined state all the same. */
		char tmp[CONF_ERR_MAX];

		(void)conf_load_buf(t, nt, path, NULL, 0, NULL, 0, tmp,
		    sizeof(tmp));
		return rc;
	}
	rc = conf_load_buf(t, nt, path, buf, len, o, nover, err, errsize);
	free(buf);
	return rc;
}

void
conf_free(const struct conf_table *t, size_t nt)
{
	const struct conf_key *k;
	size_t i;

	for (i = 0; i < nt; i++)
		for (k = t[i].keys; k->name != NULL; k++)
			conf_value_free(k, t[i].base);
}

void
conf_take_reloadable(const struct conf_table *live,
    const struct conf_table *fresh, size_t nt)
{
	const struct conf_key *k;
	size_t i;

	for (i = 0; i < nt; i++)
		for (k = live[i].keys; k->name != NULL; k++)
			if (k->flags & CONF_RELOAD)
				conf_value_swap(k, live[i].base,
				    fresh[i].base);
}

int
conf_has_reloadable(const struct conf_table *t, size_t nt)
{
	const struct conf_key *k;
	size_t i;

	for (i = 0; i < nt; i++)
		for (k = t[i].keys; k->name != NULL; k++)
			if (k->flags & CONF_RELOAD)
				return 1;
	return 0;
}
