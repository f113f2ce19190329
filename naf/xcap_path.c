/* xcap_path.c - the XCAP URI path and node selector (RFC 4825 6). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "util.h"
#include "xcap_path.h"

#define WHY(...)	(void)snprintf(why, whysize, __VA_ARGS__)

int
xcap_pct_decode(const char *in, size_t len, char *out, size_t outsize)
{
	size_t i, o = 0;
	int hi, lo;
	unsigned char c;

	if (outsize == 0)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		c = (unsigned char)in[i];
		if (c == '%') {
			if (i + 2 >= len)
				return -EINVAL;
			if ((hi = hex_digit((unsigned char)in[i + 1])) < 0 ||
			    (lo = hex_digit((unsigned char)in[i + 2])) < 0)
				return -EINVAL;
			c = (unsigned char)(hi << 4 | lo);
			i += 2;
		}
		/* No NUL, no C0 control, no DEL: nothing that could split
		 * a header or a log line later. */
		if (c < 0x20 || c == 0x7f)
			return -EINVAL;
		if (o + 1 >= outsize)
			return -EINVAL;
		out[o++] = (char)c;
	}
	out[o] = '\0';
	return 0;
}

/* XML NameStartChar / NameChar, ASCII part; bytes of UTF-8 sequences
 * (>= 0x80) are taken as name characters. */
static int
name_start(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    c == '_' || c >= 0x80;
}

static int
name_char(unsigned char c)
{
	return name_start(c) || (c >= '0' && c <= '9') || c == '-' ||
	    c == '.';
}

/* An NCName at s[*i..]: copied into out. */
static int
ncname(const char *s, size_t len, size_t *i, char *out, size_t outsize)
{
	size_t b = *i;

	if (b >= len || !name_start((unsigned char)s[b]))
		return -EINVAL;
	while (*i < len && name_char((unsigned char)s[*i]))
		(*i)++;
	if (*i - b >= outsize)
		return -EINVAL;
	memcpy(out, s + b, *i - b);
	out[*i - b] = '\0';
	return 0;
}

/* NameorAny = QName / "*" (RFC 4825 6.3), prefix kept apart. */
static int
name_or_any(const char *s, size_t len, size_t *i, struct xcap_step *st)
{
	char first[XCAP_NAME_MAX + 1];

	if (*i < len && s[*i] == '*') {
		(*i)++;
		(void)strcpy(st->name, "*");
		return 0;
	}
	if (ncname(s, len, i, first, sizeof(first)) < 0)
		return -EINVAL;
	if (*i < len && s[*i] == ':') {
		(*i)++;
		(void)memcpy(st->prefix, first, strlen(first) + 1);
		if (*i < len && s[*i] == '*') {
			(*i)++;
			(void)strcpy(st->name, "*");
			return 0;
		}
		return ncname(s, len, i, st->name, sizeof(st->name));
	}
	(void)memcpy(st->name, first, strlen(first) + 1);
	return 0;
}

/* "[" position "]": 1..999999, no leading zero. */
static int
position(const char *s, size_t len, size_t *i, unsigned *pos)
{
	unsigned v = 0;
	size_t b = *i;

	if (*i >= len || s[*i] < '1' || s[*i] > '9')
		return -EINVAL;
	while (*i < len && s[*i] >= '0' && s[*i] <= '9') {
		if (*i - b >= 6)
			return -EINVAL;
		v = v * 10 + (unsigned)(s[*i] - '0');
		(*i)++;
	}
	if (*i >= len || s[*i] != ']')
		return -EINVAL;
	(*i)++;
	*pos = v;
	return 0;
}

/* "[@" att-name "=" AttValue "]"; *i is after the '['. */
static int
attr_pred(const char *s, size_t len, size_t *i, struct xcap_step *st)
{
	size_t b;
	char q;

	if (*i >= len || s[*i] != '@')
		return -EINVAL;
	(*i)++;
	if (ncname(s, len, i, st->attr, sizeof(st->attr)) < 0)
		return -EINVAL;
	if (*i < len && s[*i] == ':') {	/* prefixed attribute: the local
					 * name is what is matched */
		(*i)++;
		if (ncname(s, len, i, st->attr, sizeof(st->attr)) < 0)
			return -EINVAL;
	}
	if (*i >= len || s[*i] != '=')
		return -EINVAL;
	(*i)++;
	if (*i >= len || (s[*i] != '"' && s[*i] != '\''))
		return -EINVAL;
	q = s[(*i)++];
	b = *i;
	while (*i < len && s[*i] != q) {
		/* XML AttValue: no '<' nor '&' (no references here). */
		if (s[*i] == '<' || s[*i] == '&')
			return -EINVAL;
		(*i)++;
	}
	if (*i >= len || *i - b > XCAP_VALUE_MAX)
		return -EINVAL;
	memcpy(st->value, s + b, *i - b);
	st->value[*i - b] = '\0';
	(*i)++;
	if (*i >= len || s[*i] != ']')
		return -EINVAL;
	(*i)++;
	st->has_attr = 1;
	return 0;
}

int
xcap_selector_parse(const char *s, size_t len, struct xcap_path *p,
    char *why, size_t whysize)
{
	struct xcap_step *st;
	size_t i = 0;

	p->nsteps = 0;
	p->has_selector = 1;
	if (len == 0) {
		WHY("empty node selector");
		return -EINVAL;
	}
	for (;;) {
		if (i < len && s[i] == '@') {
			WHY("attribute selectors are not supported");
			return -ENOTSUP;
		}
		if (len - i >= 11 && memcmp(s + i, "namespace::", 11) == 0) {
			WHY("namespace selectors are not supported");
			return -ENOTSUP;
		}
		if (p->nsteps == XCAP_STEPS_MAX) {
			WHY("more than %d steps", XCAP_STEPS_MAX);
			return -EINVAL;
		}
		st = &p->steps[p->nsteps];
		memset(st, 0, sizeof(*st));
		if (name_or_any(s, len, &i, st) < 0) {
			WHY("step %zu: expected an element name or *",
			    p->nsteps + 1);
			return -EINVAL;
		}
		if (i < len && s[i] == '[') {
			i++;
			if (i < len && s[i] == '@') {
				if (attr_pred(s, len, &i, st) < 0)
					goto bad_pred;
			} else {
				if (position(s, len, &i, &st->pos) < 0)
					goto bad_pred;
				if (i < len && s[i] == '[') {
					i++;
					if (attr_pred(s, len, &i, st) < 0)
						goto bad_pred;
				}
			}
		}
		p->nsteps++;
		if (i == len)
			return 0;
		if (s[i] != '/') {
			WHY("step %zu: unexpected '%c'", p->nsteps, s[i]);
			return -EINVAL;
		}
		i++;
	}
bad_pred:
	WHY("step %zu: bad predicate (expected [n], [@attr=\"value\"] or "
	    "[n][@attr=\"value\"])", p->nsteps + 1);
	return -EINVAL;
}

/* The next raw segment of path from *i (after a '/'): [*b, *e). */
static int
segment(const char *path, size_t len, size_t *i, size_t *b, size_t *e)
{
	if (*i >= len || path[*i] != '/')
		return -1;
	*b = ++(*i);
	while (*i < len && path[*i] != '/')
		(*i)++;
	*e = *i;
	return 0;
}

static int
dec_segment(const char *path, size_t b, size_t e, char *out, size_t size)
{
	if (e == b || xcap_pct_decode(path + b, e - b, out, size) < 0)
		return -EINVAL;
	if (strcmp(out, ".") == 0 || strcmp(out, "..") == 0)
		return -EINVAL;
	return 0;
}

int
xcap_path_parse(const char *path, size_t len, struct xcap_path *p,
    char *why, size_t whysize)
{
	char sel[XCAP_PATH_MAX + 1];
	char tree[16], seg[XCAP_DOC_MAX + 1];
	size_t i = 0, b, e, dl = 0;
	const char *mark;

	memset(p, 0, sizeof(*p));
	if (len > XCAP_PATH_MAX || memchr(path, '\0', len) != NULL) {
		WHY("path too long or with a NUL");
		return -EINVAL;
	}
	if (segment(path, len, &i, &b, &e) < 0 ||
	    dec_segment(path, b, e, p->auid, sizeof(p->auid)) < 0) {
		WHY("bad or missing AUID");
		return -EINVAL;
	}
	if (segment(path, len, &i, &b, &e) < 0 ||
	    dec_segment(path, b, e, tree, sizeof(tree)) < 0 ||
	    (strcmp(tree, "users") != 0 && strcmp(tree, "global") != 0)) {
		WHY("expected /users/ or /global/ after the AUID");
		return -EINVAL;
	}
	if (strcmp(tree, "global") == 0)
		p->global = 1;
	else if (segment(path, len, &i, &b, &e) < 0 ||
	    dec_segment(path, b, e, p->xui, sizeof(p->xui)) < 0) {
		WHY("bad or missing XUI");
		return -EINVAL;
	}
	/* The document path runs up to "/~~/" (RFC 4825 6: the node
	 * selector separator), or to the end. */
	mark = NULL;
	for (b = i; b + 3 <= len; b++)
		if (memcmp(path + b, "/~~", 3) == 0 &&
		    (b + 3 == len || path[b + 3] == '/')) {
			mark = path + b;
			break;
		}
	while (i < len && (mark == NULL || path + i < mark)) {
		if (segment(path, len, &i, &b, &e) < 0)
			break;
		if (mark != NULL && path + e > mark)
			e = (size_t)(mark - path), i = e;
		if (dec_segment(path, b, e, seg, sizeof(seg)) < 0 ||
		    strchr(seg, '/') != NULL) {
			WHY("bad document path segment");
			return -EINVAL;
		}
		if (dl + (dl > 0) + strlen(seg) > XCAP_DOC_MAX) {
			WHY("document path too long");
			return -EINVAL;
		}
		if (dl > 0)
			p->doc[dl++] = '/';
		(void)memcpy(p->doc + dl, seg, strlen(seg) + 1);
		dl += strlen(seg);
	}
	if (dl == 0) {
		WHY("no document");
		return -EINVAL;
	}
	if (mark == NULL)
		return 0;
	i = (size_t)(mark - path) + 3;
	if (i >= len || i + 1 == len) {
		WHY("empty node selector");
		return -EINVAL;
	}
	i++;
	if (xcap_pct_decode(path + i, len - i, sel, sizeof(sel)) < 0) {
		WHY("bad percent-encoding in the node selector");
		return -EINVAL;
	}
	return xcap_selector_parse(sel, strlen(sel), p, why, whysize);
}
