/* user_data.c - the public identities of an IMSSubscription (TS 29.228
 * Annex B, Annex E tPublicIdentity) for P-Associated-URI.
 *
 * Not an XML parser: a scan bounded by the AVP's length for the
 * <PublicIdentity> elements, and in each for its <Identity> and
 * <BarringIndication>.  Comments, CDATA and namespace prefixes, which the
 * HSSs seen here do not send, are not understood: what they hide is at
 * worst a missing or extra identity, never a read out of bounds.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "user_data.h"

struct span {
	const char	*b, *e;		/* [b, e) */
};

static const char *
find(const char *b, const char *e, const char *needle)
{
	return b < e ? memmem(b, (size_t)(e - b), needle, strlen(needle)) :
	    NULL;
}

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The next element `name` within [*pos, e): its content in *in, and *pos
 * after its end tag.  0, or -ENOENT. */
static int
element(const char **pos, const char *e, const char *name, struct span *in)
{
	char open[64], close[64];
	const char *p = *pos, *t = NULL;
	size_t n;

	(void)snprintf(open, sizeof(open), "<%s", name);
	(void)snprintf(close, sizeof(close), "</%s>", name);
	n = strlen(open);
	while ((p = find(p, e, open)) != NULL) {
		t = p + n;
		if (t < e && (*t == '>' || is_space(*t)))
			break;
		p = t;		/* a longer name, e.g. <IdentityType> */
	}
	if (p == NULL || (t = memchr(t, '>', (size_t)(e - t))) == NULL)
		return -ENOENT;
	if (t[-1] == '/') {	/* <name/>: empty */
		in->b = in->e = t + 1;
		*pos = t + 1;
		return 0;
	}
	in->b = t + 1;
	if ((in->e = find(in->b, e, close)) == NULL)
		return -ENOENT;
	*pos = in->e + strlen(close);
	return 0;
}

static void
trim(struct span *s)
{
	while (s->b < s->e && is_space(*s->b))
		s->b++;
	while (s->e > s->b && is_space(s->e[-1]))
		s->e--;
}

/* XML 1.0 2.4 / 4.6: the five predefined entities, nothing else. */
static int
unescape(const struct span *s, char *out, size_t size)
{
	static const struct {
		const char	*ent;
		char		 c;
	} ents[] = { { "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' },
	    { "&quot;", '"' }, { "&apos;", '\'' } };
	const char *p = s->b;
	size_t len = 0, i, n;

	while (p < s->e) {
		if (len + 1 >= size)
			return -ENOSPC;
		if (*p != '&') {
			out[len++] = *p++;
			continue;
		}
		for (i = 0; i < sizeof(ents) / sizeof(ents[0]); i++) {
			n = strlen(ents[i].ent);
			if ((size_t)(s->e - p) >= n &&
			    memcmp(p, ents[i].ent, n) == 0)
				break;
		}
		if (i == sizeof(ents) / sizeof(ents[0]))
			return -EINVAL;
		out[len++] = ents[i].c;
		p += n;
	}
	out[len] = '\0';
	return 0;
}

/* A URI we may put between '<' and '>' in a header (RFC 3261 25.1: a
 * scheme, then visible characters other than the delimiters). */
static int
plain_uri(const char *u)
{
	const char *p = u;

	if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
		return 0;
	while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
	    (*p >= '0' && *p <= '9') || *p == '+' || *p == '-' || *p == '.')
		p++;
	if (*p != ':' || p[1] == '\0')
		return 0;
	for (; *p != '\0'; p++)
		if (*p <= ' ' || *p > '~' || *p == '<' || *p == '>' ||
		    *p == '"')
			return 0;
	return 1;
}

/* TS 29.228 Annex B: BarringIndication is a boolean (1: barred). */
static int
barred(const struct span *pub)
{
	struct span v;
	const char *p = pub->b;

	if (element(&p, pub->e, "BarringIndication", &v) < 0)
		return 0;
	trim(&v);
	return (v.e - v.b == 1 && *v.b == '1') ||
	    (v.e - v.b == 4 && memcmp(v.b, "true", 4) == 0);
}

/* Append "<id>" (", <id>" after the first) unless already listed. */
static int
append(char *out, size_t size, size_t *len, const char *id)
{
	char item[USER_DATA_ID_MAX + 2];
	const char *p;
	size_t n;
	int w;

	(void)snprintf(item, sizeof(item), "<%s>", id);
	n = strlen(item);
	for (p = out; (p = strstr(p, item)) != NULL; p += n)
		if (p == out || p[-1] == ' ')
			return 0;	/* a duplicate */
	w = snprintf(out + *len, size - *len, "%s%s", *len ? ", " : "", item);
	if (w < 0 || (size_t)w >= size - *len) {
		out[*len] = '\0';
		return -ENOSPC;
	}
	*len += (size_t)w;
	return 1;
}

int
user_data_assoc(const char *xml, size_t xmllen, const char *impu, char *out,
    size_t size)
{
	const char *pos = xml, *end, *p;
	char id[USER_DATA_ID_MAX];
	struct span pub, ident;
	size_t len = 0;
	int n = 0, rc;

	if (out == NULL || size == 0 || impu == NULL ||
	    (xml == NULL && xmllen > 0))
		return -EINVAL;
	out[0] = '\0';
	end = xml + xmllen;
	while (pos != NULL && element(&pos, end, "PublicIdentity", &pub) == 0) {
		p = pub.b;
		if (barred(&pub) ||
		    element(&p, pub.e, "Identity", &ident) < 0)
			continue;
		trim(&ident);
		if (unescape(&ident, id, sizeof(id)) < 0 || !plain_uri(id))
			continue;
		if ((rc = append(out, size, &len, id)) < 0)
			return rc;
		n += rc;
	}
	if (n > 0)
		return n;
	rc = snprintf(out, size, "<%s>", impu);
	if (rc < 0 || (size_t)rc >= size) {
		out[0] = '\0';
		return -ENOSPC;
	}
	return 0;
}
