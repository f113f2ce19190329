/* reginfo.c - RFC 3680 5.3 registration information documents: a bounded
 * reader of the elements the CSCFs use, and the writer (reginfo.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "reginfo.h"
#include "strbuf.h"

/* What an open element is to us. */
enum elem {
	E_OTHER,
	E_REGINFO,
	E_REG,
	E_CONTACT,
	E_URI,
};

struct scan {
	const char	*p, *end;
	struct reginfo	*ri;
	int		 depth;
	struct {
		enum elem	 kind;
		const char	*name;	/* qualified, in the input */
		size_t		 len;
	} open[REGINFO_DEPTH_MAX];
	int		 root_done;
	int		 reg_state;	/* the open registration has state */
	int		 contact_state;	/* the open contact has state */
	size_t		 urilen;	/* text of the uri element so far */
};

static int
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int
is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
	    c == ':';
}

static void
skip_blanks(struct scan *s)
{
	while (s->p < s->end && is_blank(*s->p))
		s->p++;
}

/* 1 when the input at s->p starts with lit. */
static int
looking_at(const struct scan *s, const char *lit)
{
	size_t n = strlen(lit);

	return (size_t)(s->end - s->p) >= n && memcmp(s->p, lit, n) == 0;
}

/* Past the next occurrence of lit, or -EINVAL. */
static int
skip_past(struct scan *s, const char *lit)
{
	size_t n = strlen(lit);

	for (; (size_t)(s->end - s->p) >= n; s->p++)
		if (memcmp(s->p, lit, n) == 0) {
			s->p += n;
			return 0;
		}
	return -EINVAL;
}

/* XML 1.0 4.6 (the predefined entities) and 4.1 (character references,
 * ASCII only here) of in[0..n) appended to out at *olen. */
static int
decode(const char *in, size_t n, char *out, size_t size, size_t *olen)
{
	static const struct { const char *name; char c; } ent[] = {
		{ "amp;", '&' }, { "lt;", '<' }, { "gt;", '>' },
		{ "quot;", '"' }, { "apos;", '\'' },
	};
	size_t i = 0, k, len;
	unsigned long v;
	char c;
	int hex, digits;

	while (i < n) {
		c = in[i++];
		if (c == '<')
			return -EINVAL;
		if (c == '&') {
			for (k = 0; k < sizeof(ent) / sizeof(ent[0]); k++) {
				len = strlen(ent[k].name);
				if (n - i >= len &&
				    memcmp(in + i, ent[k].name, len) == 0)
					break;
			}
			if (k < sizeof(ent) / sizeof(ent[0])) {
				c = ent[k].c;
				i += strlen(ent[k].name);
			} else if (i < n && in[i] == '#') {
				i++;
				hex = i < n && in[i] == 'x';
				i += (size_t)hex;
				for (v = 0, digits = 0; i < n && in[i] != ';';
				    i++, digits++) {
					c = in[i];
					if (digits >= 6)
						return -EINVAL;
					if (c >= '0' && c <= '9')
						v = v * (hex ? 16 : 10) +
						    (unsigned long)(c - '0');
					else if (hex && c >= 'a' && c <= 'f')
						v = v * 16 +
						    (unsigned long)(c - 'a' + 10);
					else if (hex && c >= 'A' && c <= 'F')
						v = v * 16 +
						    (unsigned long)(c - 'A' + 10);
					else
						return -EINVAL;
				}
				if (i >= n || digits == 0 || v == 0 || v > 0x7e)
					return -EINVAL;
				i++;	/* ';' */
				c = (char)v;
			} else
				return -EINVAL;
		}
		if (*olen + 1 >= size)
			return -E2BIG;
		out[(*olen)++] = c;
	}
	out[*olen] = '\0';
	return 0;
}

/* Into a fresh buffer. */
static int
decode_to(const char *in, size_t n, char *out, size_t size)
{
	size_t len = 0;

	out[0] = '\0';
	return decode(in, n, out, size, &len);
}

static int
parse_ulong(const char *v, unsigned long *out)
{
	size_t i;

	*out = 0;
	if (v[0] == '\0' || strlen(v) > 9)
		return -EINVAL;
	for (i = 0; v[i] != '\0'; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -EINVAL;
		*out = *out * 10 + (unsigned long)(v[i] - '0');
	}
	return 0;
}

static enum reginfo_state
state_of(const char *v)
{
	if (strcmp(v, "init") == 0)
		return REGINFO_INIT;
	if (strcmp(v, "active") == 0)
		return REGINFO_ACTIVE;
	if (strcmp(v, "terminated") == 0)
		return REGINFO_TERMINATED;
	return REGINFO_OTHER;
}

static const char *
local_name(const char *name, size_t len, size_t *llen)
{
	const char *c = memchr(name, ':', len);

	if (c == NULL) {
		*llen = len;
		return name;
	}
	*llen = len - (size_t)(c + 1 - name);
	return c + 1;
}

static int
name_is(const char *name, size_t len, const char *want)
{
	size_t llen;
	const char *l = local_name(name, len, &llen);

	return llen == strlen(want) && memcmp(l, want, llen) == 0;
}

static struct reginfo_reg *
cur_reg(struct scan *s)
{
	return &s->ri->reg[s->ri->nregs - 1];
}

static struct reginfo_contact *
cur_contact(struct scan *s)
{
	struct reginfo_reg *r = cur_reg(s);

	return &r->contact[r->ncontacts - 1];
}

/* One attribute (its value decoded) of an element of kind k. */
static int
attribute(struct scan *s, enum elem k, const char *name, size_t nlen,
    const char *val, size_t vlen)
{
	char v[REGINFO_URI_MAX];
	int rc;

	if (k == E_OTHER || k == E_URI)
		return 0;
	if ((rc = decode_to(val, vlen, v, sizeof(v))) < 0)
		return rc;
	switch (k) {
	case E_REGINFO:
		if (name_is(name, nlen, "version"))
			return parse_ulong(v, &s->ri->version);
		if (name_is(name, nlen, "state"))
			s->ri->full = strcmp(v, "full") == 0;
		return 0;
	case E_REG:
		if (name_is(name, nlen, "aor"))
			return snprintf(cur_reg(s)->aor, REGINFO_URI_MAX, "%s",
			    v) >= REGINFO_URI_MAX ? -E2BIG : 0;
		if (name_is(name, nlen, "id"))
			return decode_to(val, vlen, cur_reg(s)->id,
			    REGINFO_ID_MAX);
		if (name_is(name, nlen, "state")) {
			cur_reg(s)->state = state_of(v);
			s->reg_state = 1;
		}
		return 0;
	case E_CONTACT:
		if (name_is(name, nlen, "id"))
			return decode_to(val, vlen, cur_contact(s)->id,
			    REGINFO_ID_MAX);
		if (name_is(name, nlen, "event"))
			return decode_to(val, vlen, cur_contact(s)->event,
			    REGINFO_EVENT_MAX);
		if (name_is(name, nlen, "expires"))
			return parse_ulong(v, &cur_contact(s)->expires);
		if (name_is(name, nlen, "state")) {
			cur_contact(s)->state = state_of(v);
			s->contact_state = 1;
		}
		return 0;
	default:
		return 0;
	}
}

/* The kind of a new element under the open one. */
static int
open_kind(struct scan *s, const char *name, size_t len, enum elem *k)
{
	enum elem parent = s->depth > 0 ? s->open[s->depth - 1].kind :
	    E_OTHER;
	struct reginfo *ri = s->ri;
	struct reginfo_reg *r;

	*k = E_OTHER;
	if (s->depth == 0) {
		if (s->root_done || !name_is(name, len, "reginfo"))
			return -EINVAL;
		*k = E_REGINFO;
	} else if (parent == E_REGINFO && name_is(name, len, "registration")) {
		if (ri->nregs >= REGINFO_REGS_MAX)
			return -E2BIG;
		ri->nregs++;
		s->reg_state = 0;
		*k = E_REG;
	} else if (parent == E_REG && name_is(name, len, "contact")) {
		r = cur_reg(s);
		if (r->ncontacts >= REGINFO_CONTACTS_MAX)
			return -E2BIG;
		r->ncontacts++;
		s->contact_state = 0;
		*k = E_CONTACT;
	} else if (parent == E_CONTACT && name_is(name, len, "uri")) {
		if (cur_contact(s)->uri[0] != '\0')
			return -EINVAL;		/* one uri per contact */
		s->urilen = 0;
		*k = E_URI;
	}
	return 0;
}

/* The element kind k is complete (its end tag, or "/>"). */
static int
close_kind(struct scan *s, enum elem k)
{
	struct reginfo_reg *r;

	switch (k) {
	case E_REG:
		r = cur_reg(s);
		return r->aor[0] == '\0' || !s->reg_state ? -EINVAL : 0;
	case E_CONTACT:
		return s->contact_state ? 0 : -EINVAL;
	case E_REGINFO:
		s->root_done = 1;
		return 0;
	default:
		return 0;
	}
}

static int
read_name(struct scan *s, const char **name, size_t *len)
{
	*name = s->p;
	while (s->p < s->end && is_name_char(*s->p))
		s->p++;
	*len = (size_t)(s->p - *name);
	return *len > 0 ? 0 : -EINVAL;
}

/* After "<": a start tag with its attributes. */
static int
start_tag(struct scan *s)
{
	const char *name, *an, *v;
	size_t len, alen;
	enum elem k;
	char q;
	int rc;

	if ((rc = read_name(s, &name, &len)) < 0 ||
	    (rc = open_kind(s, name, len, &k)) < 0)
		return rc;
	for (;;) {
		skip_blanks(s);
		if (s->p >= s->end)
			return -EINVAL;
		if (*s->p == '>' || looking_at(s, "/>"))
			break;
		if ((rc = read_name(s, &an, &alen)) < 0)
			return rc;
		skip_blanks(s);
		if (s->p >= s->end || *s->p != '=')
			return -EINVAL;
		s->p++;
		skip_blanks(s);
		if (s->p >= s->end || (*s->p != '"' && *s->p != '\''))
			return -EINVAL;
		q = *s->p++;
		v = s->p;
		while (s->p < s->end && *s->p != q)
			s->p++;
		if (s->p >= s->end)
			return -EINVAL;
		if ((rc = attribute(s, k, an, alen, v, (size_t)(s->p - v))) < 0)
			return rc;
		s->p++;
	}
	if (*s->p == '/') {		/* empty element */
		s->p += 2;
		return close_kind(s, k);
	}
	s->p++;
	if (s->depth >= REGINFO_DEPTH_MAX)
		return -E2BIG;
	s->open[s->depth].kind = k;
	s->open[s->depth].name = name;
	s->open[s->depth].len = len;
	s->depth++;
	return 0;
}

/* After "</". */
static int
end_tag(struct scan *s)
{
	const char *name;
	size_t len;
	int rc;

	if ((rc = read_name(s, &name, &len)) < 0)
		return rc;
	skip_blanks(s);
	if (s->p >= s->end || *s->p != '>' || s->depth == 0 ||
	    s->open[s->depth - 1].len != len ||
	    memcmp(s->open[s->depth - 1].name, name, len) != 0)
		return -EINVAL;
	s->p++;
	s->depth--;
	return close_kind(s, s->open[s->depth].kind);
}

/* Character data up to the next "<": kept inside a uri element, else
 * only its entities checked; outside the root only blanks. */
static int
text(struct scan *s)
{
	const char *t = s->p, *e = memchr(s->p, '<', (size_t)(s->end - s->p));
	const char *semi;
	size_t n, len;
	char junk[8];

	if (e == NULL)
		e = s->end;
	s->p = e;
	if (s->depth == 0) {
		for (; t < e; t++)
			if (!is_blank(*t))
				return -EINVAL;
		return 0;
	}
	if (s->open[s->depth - 1].kind == E_URI)
		return decode(t, (size_t)(e - t), cur_contact(s)->uri,
		    REGINFO_URI_MAX, &s->urilen);
	for (; t < e; t++) {
		if (*t != '&')
			continue;
		n = (size_t)(e - t) < 12 ? (size_t)(e - t) : 12;
		len = 0;
		if ((semi = memchr(t, ';', n)) == NULL ||
		    decode(t, (size_t)(semi - t) + 1, junk, sizeof(junk),
		    &len) < 0)
			return -EINVAL;
		t = semi;
	}
	return 0;
}

/* Blanks around a uri's text are not part of it. */
static void
trim_uris(struct reginfo *ri)
{
	size_t i, j, b, len;
	char *u;

	for (i = 0; i < ri->nregs; i++)
		for (j = 0; j < ri->reg[i].ncontacts; j++) {
			u = ri->reg[i].contact[j].uri;
			for (b = 0; is_blank(u[b]); b++)
				;
			len = strlen(u + b);
			memmove(u, u + b, len + 1);
			while (len > 0 && is_blank(u[len - 1]))
				u[--len] = '\0';
		}
}

int
reginfo_parse(const char *buf, size_t len, struct reginfo *ri)
{
	struct scan s;
	int rc;

	memset(ri, 0, sizeof(*ri));
	memset(&s, 0, sizeof(s));
	if (buf == NULL || memchr(buf, '\0', len) != NULL)
		return -EINVAL;
	s.p = buf;
	s.end = buf + len;
	s.ri = ri;
	while (s.p < s.end) {
		if (*s.p != '<') {
			if ((rc = text(&s)) < 0)
				goto fail;
			continue;
		}
		if (looking_at(&s, "<?")) {
			rc = skip_past(&s, "?>");
		} else if (looking_at(&s, "<!--")) {
			rc = skip_past(&s, "-->");
		} else if (looking_at(&s, "<!")) {
			rc = -EINVAL;	/* DOCTYPE, CDATA */
		} else if (looking_at(&s, "</")) {
			s.p += 2;
			rc = end_tag(&s);
		} else if (s.root_done) {
			rc = -EINVAL;	/* a second root */
		} else {
			s.p++;
			rc = start_tag(&s);
		}
		if (rc < 0)
			goto fail;
	}
	if (!s.root_done || s.depth != 0) {
		rc = -EINVAL;
		goto fail;
	}
	trim_uris(ri);
	return 0;
fail:
	memset(ri, 0, sizeof(*ri));
	return rc;
}

/* ---- writer ---- */

static void
put_escaped(struct strbuf *b, const char *s)
{
	for (; *s != '\0'; s++)
		switch (*s) {
		case '&': strbuf_puts(b, "&amp;"); break;
		case '<': strbuf_puts(b, "&lt;"); break;
		case '>': strbuf_puts(b, "&gt;"); break;
		case '"': strbuf_puts(b, "&quot;"); break;
		case '\'': strbuf_puts(b, "&apos;"); break;
		default: strbuf_putc(b, *s); break;
		}
}

static void
put_attr(struct strbuf *b, const char *name, const char *value)
{
	strbuf_putc(b, ' ');
	strbuf_puts(b, name);
	strbuf_puts(b, "=\"");
	put_escaped(b, value);
	strbuf_putc(b, '"');
}

const char *
reginfo_state_name(enum reginfo_state st)
{
	switch (st) {
	case REGINFO_INIT: return "init";
	case REGINFO_TERMINATED: return "terminated";
	default: return "active";
	}
}

int
reginfo_format(const struct reginfo *ri, char *out, size_t size)
{
	struct strbuf b;
	const struct reginfo_reg *r;
	const struct reginfo_contact *c;
	char num[24];
	size_t i, j;
	int rc;

	if (size == 0)
		return -ENOSPC;
	strbuf_init(&b, out, size);
	(void)snprintf(num, sizeof(num), "%lu", ri->version);
	strbuf_puts(&b, "<?xml version=\"1.0\"?>\r\n<reginfo "
	    "xmlns=\"urn:ietf:params:xml:ns:reginfo\"");
	put_attr(&b, "version", num);
	put_attr(&b, "state", ri->full ? "full" : "partial");
	strbuf_puts(&b, ">\r\n");
	for (i = 0; i < ri->nregs && i < REGINFO_REGS_MAX; i++) {
		r = &ri->reg[i];
		strbuf_puts(&b, " <registration");
		put_attr(&b, "aor", r->aor);
		put_attr(&b, "id", r->id);
		put_attr(&b, "state", reginfo_state_name(r->state));
		strbuf_puts(&b, ">\r\n");
		for (j = 0; j < r->ncontacts && j < REGINFO_CONTACTS_MAX;
		    j++) {
			c = &r->contact[j];
			strbuf_puts(&b, "  <contact");
			put_attr(&b, "id", c->id);
			put_attr(&b, "state", c->state == REGINFO_TERMINATED ?
			    "terminated" : "active");
			put_attr(&b, "event", c->event);
			if (c->expires > 0) {
				(void)snprintf(num, sizeof(num), "%lu",
				    c->expires);
				put_attr(&b, "expires", num);
			}
			strbuf_puts(&b, ">\r\n   <uri>");
			put_escaped(&b, c->uri);
			strbuf_puts(&b, "</uri>\r\n  </contact>\r\n");
		}
		strbuf_puts(&b, " </registration>\r\n");
	}
	strbuf_puts(&b, "</reginfo>\r\n");
	if ((rc = strbuf_status(&b)) < 0)
		return rc;
	return (int)b.len;
}

const struct reginfo_reg *
reginfo_find(const struct reginfo *ri, const char *aor)
{
	size_t i;

	for (i = 0; i < ri->nregs; i++)
		if (strcmp(ri->reg[i].aor, aor) == 0)
			return &ri->reg[i];
	return NULL;
}
