/* cliopts.c - option tables for the command-line tools.  See cliopts.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cliopts.h"
#include "util.h"

void
usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: %s: ", program_invocation_short_name, cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

/* Whether the space-separated `list` holds `name`. */
static int
in_list(const char *list, const char *name)
{
	size_t len = strlen(name);
	const char *p = list;

	if (list == NULL || strchr(name, ' ') != NULL)
		return 0;
	while ((p = strstr(p, name)) != NULL) {
		if ((p == list || p[-1] == ' ') &&
		    (p[len] == ' ' || p[len] == '\0'))
			return 1;
		p += len;
	}
	return 0;
}

void
opts_parse_rep(struct opts *o, const char *cmd, int argc, char **argv,
    const char *allowed, const char *repeatable)
{
	int i;
	size_t k;

	memset(o, 0, sizeof(*o));
	o->cmd = cmd;
	for (i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (strncmp(a, "--", 2) != 0 || a[2] == '\0')
			usage_error(cmd, "unexpected argument \"%s\"", a);
		a += 2;
		if (!in_list(allowed, a))
			usage_error(cmd, "unknown option --%s (allowed: %s)",
			    a, *allowed != '\0' ? allowed : "none");
		for (k = 0; k < o->n && !in_list(repeatable, a); k++)
			if (strcmp(o->name[k], a) == 0)
				usage_error(cmd, "--%s given twice", a);
		if (i + 1 >= argc)
			usage_error(cmd, "--%s needs a value", a);
		if (o->n == OPTS_MAX)
			usage_error(cmd, "too many options");
		o->name[o->n] = a;
		o->val[o->n++] = argv[++i];
	}
}

void
opts_parse(struct opts *o, const char *cmd, int argc, char **argv,
    const char *allowed)
{
	opts_parse_rep(o, cmd, argc, argv, allowed, NULL);
}

const char *
opts_get_nth(const struct opts *o, const char *name, size_t nth)
{
	size_t k;

	for (k = 0; k < o->n; k++)
		if (strcmp(o->name[k], name) == 0 && nth-- == 0)
			return o->val[k];
	return NULL;
}

const char *
opts_get(const struct opts *o, const char *name)
{
	return opts_get_nth(o, name, 0);
}

const char *
opts_need(const struct opts *o, const char *name)
{
	const char *v = opts_get(o, name);

	if (v == NULL)
		usage_error(o->cmd, "missing --%s", name);
	return v;
}

int
opts_one_of(const struct opts *o, const char *a, const char *b)
{
	int ha = opts_get(o, a) != NULL, hb = opts_get(o, b) != NULL;

	if (ha == hb)
		usage_error(o->cmd, "give exactly one of --%s and --%s", a, b);
	return hb;
}

void
opts_hex(const struct opts *o, const char *name, uint8_t *out, size_t len)
{
	if (hex_decode(opts_need(o, name), out, len) < 0)
		usage_error(o->cmd, "--%s: expected %zu bytes as %zu hex digits",
		    name, len, 2 * len);
}

size_t
opts_hexvar(const struct opts *o, const char *name, uint8_t *out, size_t max)
{
	size_t n;

	if (hex_decode_var(opts_need(o, name), out, max, &n) < 0 || n == 0)
		usage_error(o->cmd, "--%s: expected 1 to %zu bytes of hex",
		    name, max);
	return n;
}

uint64_t
opts_sqn(const struct opts *o, const char *name)
{
	const char *v = opts_need(o, name), *p;
	uint64_t sqn = 0;

	if (v[0] == '0' && (v[1] == 'x' || v[1] == 'X'))
		v += 2;
	if (*v == '\0' || strlen(v) > 12)
		usage_error(o->cmd, "--%s: expected 1 to 12 hex digits (48 bits)",
		    name);
	for (p = v; *p; p++) {
		int c = *p, d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			usage_error(o->cmd, "--%s: \"%s\" is not hex", name, v);
		sqn = sqn << 4 | (uint64_t)d;
	}
	return sqn;
}

unsigned
opts_uint(const struct opts *o, const char *name, unsigned dflt,
    unsigned min, unsigned max, const unsigned *choices)
{
	const char *v = opts_get(o, name);
	char *end;
	unsigned long n;

	if (v == NULL)
		return dflt;
	errno = 0;
	n = strtoul(v, &end, 10);
	if (errno != 0 || end == v || *end != '\0' || v[0] == '-' ||
	    n < min || n > max)
		usage_error(o->cmd, "--%s: expected a number from %u to %u",
		    name, min, max);
	if (choices != NULL) {
		for (; *choices; choices++)
			if (*choices == n)
				return (unsigned)n;
		usage_error(o->cmd, "--%s: %lu is not an allowed value", name, n);
	}
	return (unsigned)n;
}
