/* conf_value.c - the value types of conf.h: checking, storing, printing.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf_int.h"

#define CONF_URI_MAX	255

static const char *const conf_true[] = { "yes", "true", "on", "1", NULL };
static const char *const conf_false[] = { "no", "false", "off", "0", NULL };

static int
conf_why(char *why, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
conf_why(char *why, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(why, size, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int
in_set(const char *const *set, const char *s)
{
	int i;

	for (i = 0; set[i] != NULL; i++)
		if (strcmp(set[i], s) == 0)
			return i;
	return -1;
}

/* An unsigned decimal: digits only, no overflow. */
static int
parse_uint(const char *s, unsigned long *out)
{
	unsigned long v = 0;

	if (*s == '\0')
		return -EINVAL;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		if (v > (ULONG_MAX - 9) / 10)
			return -EINVAL;
		v = v * 10 + (unsigned long)(*s - '0');
	}
	*out = v;
	return 0;
}

int
conf_ip_check(const char *s)
{
	unsigned char buf[sizeof(struct in6_addr)];

	if (inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1)
		return 0;
	return -EINVAL;
}

/* RFC 1123 2.1 host names; a Diameter identity is one (RFC 6733 4.3.1). */
int
conf_name_check(const char *s, int dot)
{
	size_t label = 0, n = 0;
	int labels = 1;

	for (; *s != '\0'; s++, n++) {
		if (*s == '.') {
			if (label == 0 || s[-1] == '-')
				return -EINVAL;
			label = 0;
			labels++;
			continue;
		}
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || (*s == '-' && label > 0)))
			return -EINVAL;
		if (++label > 63)
			return -EINVAL;
	}
	if (n == 0 || n > 253 || label == 0 || s[-1] == '-' ||
	    (dot && labels < 2))
		return -EINVAL;
	return 0;
}

int
conf_check_domain(const char *s, char *why, size_t size)
{
	if (conf_name_check(s, 0) == 0)
		return 0;
	return conf_why(why, size, "expected a domain name, not \"%s\"", s);
}

int
conf_hostport_split(const char *s, char *host, size_t hostsize,
    unsigned *port)
{
	const char *colon, *h = s;
	unsigned long p;
	size_t hl;

	if ((colon = strrchr(s, ':')) == NULL)
		return -EINVAL;
	hl = (size_t)(colon - s);
	if (s[0] == '[') {
		if (hl < 3 || s[hl - 1] != ']')
			return -EINVAL;
		h++;
		hl -= 2;
	}
	if (hl == 0 || hl >= hostsize)
		return -EINVAL;
	memcpy(host, h, hl);
	host[hl] = '\0';
	if (parse_uint(colon + 1, &p) < 0 || p == 0 || p > 65535)
		return -EINVAL;
	if (s[0] == '[') {
		struct in6_addr a6;

		if (inet_pton(AF_INET6, host, &a6) != 1)
			return -EINVAL;
	} else if (strchr(host, ':') != NULL)
		return -EINVAL;		/* IPv6 needs brackets */
	else if (conf_ip_check(host) < 0 && conf_name_check(host, 0) < 0)
		return -EINVAL;
	*port = (unsigned)p;
	return 0;
}

/* RFC 3261 19.1.1, loosely: sip:[user@]host[:port][;params][?headers]
 * with no blanks nor characters that end a URI in a header. */
static int
sipuri_check(const char *s)
{
	const char *p, *end, *at;

	if (strncasecmp(s, "sip:", 4) == 0)
		p = s + 4;
	else if (strncasecmp(s, "sips:", 5) == 0)
		p = s + 5;
	else
		return -EINVAL;
	if (strpbrk(p, " \t<>\"") != NULL || strlen(s) > CONF_URI_MAX)
		return -EINVAL;
	end = p + strcspn(p, ";?");
	for (at = end; at > p && at[-1] != '@'; at--)
		;
	if (at > p)
		p = at;			/* past "user@" */
	if (end == p || *p == ':')
		return -EINVAL;		/* no host */
	return 0;
}

static int
list_append(const struct conf_key *k, struct conf_list *l, const char *v,
    unsigned u)
{
	char **nv;
	unsigned *nu;

	if ((nv = reallocarray(l->v, l->n + 1, sizeof(*nv))) == NULL)
		return -ENOMEM;
	l->v = nv;
	if (k->type == CONF_UINT) {
		if ((nu = reallocarray(l->u, l->n + 1, sizeof(*nu))) == NULL)
			return -ENOMEM;
		l->u = nu;
		nu[l->n] = u;
	}
	if ((nv[l->n] = strdup(v)) == NULL)
		return -ENOMEM;
	l->n++;
	return 0;
}

int
conf_value_set(const struct conf_key *k, void *base, const char *v,
    char *why, size_t whysize)
{
	void *f = CONF_FIELD(k, base);
	unsigned long u = 0;
	char host[256];
	unsigned port, maxlen;
	const char *c;
	int i, rc;

	for (c = v; *c != '\0'; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			return conf_why(why, whysize, "control character in value");
	if (*v == ' ' || (*v != '\0' && c[-1] == ' ') || strstr(v, " #") ||
	    strstr(v, "\t#"))
		return conf_why(why, whysize, "value cannot start or end with "
		    "a blank nor hold \" #\"");
	if (*v == '\0' && (k->type != CONF_STRING || (k->flags & CONF_LIST)))
		return conf_why(why, whysize, "missing value");
	switch (k->type) {
	case CONF_STRING:
		maxlen = k->max ? k->max : CONF_LINE_MAX;
		if (strlen(v) > maxlen)
			return conf_why(why, whysize, "longer than %u characters",
			    maxlen);
		break;
	case CONF_UINT:
		if (parse_uint(v, &u) < 0 || u < k->min || u > k->max)
			return conf_why(why, whysize, "expected a number from %u "
			    "to %u, not \"%s\"", k->min, k->max, v);
		break;
	case CONF_BOOL:
		if (in_set(conf_true, v) < 0 && in_set(conf_false, v) < 0)
			return conf_why(why, whysize, "expected yes or no, not "
			    "\"%s\"", v);
		break;
	case CONF_ENUM:
		if (in_set(k->choices, v) < 0) {
			char list[256];

			conf_type_text(k, list, sizeof(list));
			return conf_why(why, whysize, "expected %s, not \"%s\"",
			    list, v);
		}
		break;
	case CONF_HOSTPORT:
		if (conf_hostport_split(v, host, sizeof(host), &port) < 0)
			return conf_why(why, whysize, "expected HOST:PORT (IPv4, "
			    "[IPv6] or a name; port 1 to 65535), not \"%s\"", v);
		break;
	case CONF_SIPURI:
		if (sipuri_check(v) < 0)
			return conf_why(why, whysize, "expected a sip: or sips: "
			    "URI, not \"%s\"", v);
		break;
	}
	if (k->check != NULL && *v != '\0' &&
	    (rc = k->check(v, why, whysize)) < 0)
		return rc;

	if (k->flags & CONF_LIST) {
		struct conf_list *l = f;

		if (l->n >= (k->maxn ? k->maxn : CONF_LIST_MAX))
			return conf_why(why, whysize, "at most %u values",
			    k->maxn ? k->maxn : CONF_LIST_MAX);
		if (list_append(k, l, v, (unsigned)u) < 0)
			return conf_why(why, whysize, "out of memory");
		return 0;
	}
	switch (k->type) {
	case CONF_UINT:
		*(unsigned *)f = (unsigned)u;
		break;
	case CONF_BOOL:
		*(int *)f = in_set(conf_true, v) >= 0;
		break;
	case CONF_ENUM:
		i = in_set(k->choices, v);
		*(int *)f = i;
		break;
	default: {
		char **s = f, *d = NULL;

		if (*v != '\0' && (d = strdup(v)) == NULL)
			return conf_why(why, whysize, "out of memory");
		free(*s);
		*s = d;
	}
	}
	return 0;
}

void
conf_value_free(const struct conf_key *k, void *base)
{
	void *f = CONF_FIELD(k, base);
	size_t i;

	if (k->flags & CONF_LIST) {
		struct conf_list *l = f;

		for (i = 0; i < l->n; i++)
			free(l->v[i]);
		free(l->v);
		free(l->u);
		memset(l, 0, sizeof(*l));
		return;
	}
	switch (k->type) {
	case CONF_UINT:
		*(unsigned *)f = 0;
		break;
	case CONF_BOOL:
	case CONF_ENUM:
		*(int *)f = 0;
		break;
	default:
		free(*(char **)f);
		*(char **)f = NULL;
	}
}

static size_t
conf_value_size(const struct conf_key *k)
{
	if (k->flags & CONF_LIST)
		return sizeof(struct conf_list);
	switch (k->type) {
	case CONF_UINT:
		return sizeof(unsigned);
	case CONF_BOOL:
	case CONF_ENUM:
		return sizeof(int);
	default:
		return sizeof(char *);
	}
}

void
conf_value_swap(const struct conf_key *k, void *a, void *b)
{
	unsigned char tmp[sizeof(struct conf_list)];
	size_t n = conf_value_size(k);

	memcpy(tmp, CONF_FIELD(k, a), n);
	memcpy(CONF_FIELD(k, a), CONF_FIELD(k, b), n);
	memcpy(CONF_FIELD(k, b), tmp, n);
}

size_t
conf_value_count(const struct conf_key *k, const void *base)
{
	const void *f = (const char *)base + k->offset;

	if (k->flags & CONF_LIST)
		return ((const struct conf_list *)f)->n;
	switch (k->type) {
	case CONF_STRING:
	case CONF_HOSTPORT:
	case CONF_SIPURI:
		return *(char *const *)f != NULL;
	default:
		return 1;
	}
}

int
conf_value_isset(const struct conf_key *k, const void *base)
{
	return conf_value_count(k, base) > 0;
}

const char *
conf_value_text(const struct conf_key *k, const void *base, size_t i,
    char *buf, size_t size)
{
	const void *f = (const char *)base + k->offset;
	int e;

	if (k->flags & CONF_LIST)
		return ((const struct conf_list *)f)->v[i];
	switch (k->type) {
	case CONF_UINT:
		(void)snprintf(buf, size, "%u", *(const unsigned *)f);
		return buf;
	case CONF_BOOL:
		return *(const int *)f ? "yes" : "no";
	case CONF_ENUM:
		e = *(const int *)f;
		return e >= 0 ? k->choices[e] : "";
	default:
		return *(char *const *)f != NULL ? *(char *const *)f : "";
	}
}

void
conf_type_text(const struct conf_key *k, char *buf, size_t size)
{
	size_t n = 0;
	int i;

	switch (k->type) {
	case CONF_STRING:
		(void)snprintf(buf, size, "text");
		break;
	case CONF_UINT:
		(void)snprintf(buf, size, "number %u..%u", k->min, k->max);
		break;
	case CONF_BOOL:
		(void)snprintf(buf, size, "yes|no");
		break;
	case CONF_ENUM:
		buf[0] = '\0';
		for (i = 0; k->choices[i] != NULL && n < size; i++)
			n += (size_t)snprintf(buf + n, size - n, "%s%s",
			    i ? "|" : "", k->choices[i]);
		break;
	case CONF_HOSTPORT:
		(void)snprintf(buf, size, "HOST:PORT");
		break;
	case CONF_SIPURI:
		(void)snprintf(buf, size, "SIP URI");
		break;
	}
}
