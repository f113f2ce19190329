/* guss.c - the GBA User Security Settings of TS 29.109 Annex A.
 *
 * Annex A (XML schema, Rel-9 on): namespace
 * "urn:3gpp:gba:GBAGUSSSchema-R9:2010-02", elements qualified, attributes
 * not.  Root guss holding bsfInfo (uiccType GBA | GBA_U, lifeTime in
 * seconds, both optional) and ussList (uss*); a uss has the attributes
 * id (required), type (the GAA service type, an xs:integer, required)
 * and nafGroup (optional: absent means every NAF), and holds uids (uid*,
 * the public identities the NAF may learn) and flags (flag*, integers);
 * extension elements and elements of other namespaces may follow.
 *
 * The parser is small and strict, no XML library: an optional BOM and
 * XML declaration, comments and blanks between elements, namespace
 * declarations (default or prefixed, the GUSS namespace wherever an
 * element of ours is), the five predefined entities and character
 * references in texts and attribute values; no DOCTYPE, CDATA or other
 * processing instruction.  Unknown elements, ours or foreign, are
 * skipped whole (at most GUSS_DEPTH deep).  Every limit of guss.h is
 * checked: -E2BIG beyond one, -EINVAL for anything malformed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guss.h"

#define GUSS_DEPTH	16
#define GUSS_NAME_MAX	64
#define GUSS_ATTRS	8
#define GUSS_NSDECL	16

#define TRY(expr) do {							\
	int try_rc_ = (expr);						\
	if (try_rc_ < 0)						\
		return try_rc_;						\
} while (0)

struct gx {
	const char	*p, *end;
	const char	*why;
	/* namespace declarations in scope: prefix ("" default) -> uri */
	struct {
		char	 prefix[GUSS_NAME_MAX];
		char	 uri[GUSS_STR_MAX];
		int	 depth;
	} ns[GUSS_NSDECL];
	int		 nns;
	int		 depth;
};

struct gattr {
	char	 name[GUSS_NAME_MAX];	/* qualified, as written */
	char	 value[GUSS_STR_MAX];
};

struct gtag {
	char	 qname[GUSS_NAME_MAX];
	const char *local;		/* into qname */
	int	 ours;			/* in the GUSS namespace */
	int	 empty;			/* <x/> */
	struct gattr attr[GUSS_ATTRS];
	int	 nattr;
};

static int
bad(struct gx *x, const char *why)
{
	if (x->why == NULL)
		x->why = why;
	return -EINVAL;
}

static int
big(struct gx *x, const char *why)
{
	if (x->why == NULL)
		x->why = why;
	return -E2BIG;
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int
is_name(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.' ||
	    c == ':' || (unsigned char)c >= 0x80;
}

static int
starts(const struct gx *x, const char *s)
{
	size_t n = strlen(s);

	return (size_t)(x->end - x->p) >= n && memcmp(x->p, s, n) == 0;
}

/* Blanks and comments (XML 1.0 2.5: no "--" inside). */
static int
skip_misc(struct gx *x)
{
	const char *e;

	for (;;) {
		while (x->p < x->end && is_blank(*x->p))
			x->p++;
		if (!starts(x, "<!--"))
			return 0;
		for (e = x->p + 4; e + 2 < x->end; e++)
			if (e[0] == '-' && e[1] == '-')
				break;
		if (e + 2 >= x->end || e[2] != '>')
			return bad(x, "unterminated comment or -- in one");
		x->p = e + 3;
	}
}

/* One character or entity reference at x->p ('&'), appended to out. */
static int
entity(struct gx *x, char *out, size_t size, size_t *n)
{
	static const struct { const char *name; char c; } ents[] = {
		{ "&lt;", '<' }, { "&gt;", '>' }, { "&amp;", '&' },
		{ "&quot;", '"' }, { "&apos;", '\'' },
	};
	unsigned long v = 0;
	const char *s;
	size_t i;
	int hex;

	for (i = 0; i < sizeof(ents) / sizeof(ents[0]); i++)
		if (starts(x, ents[i].name)) {
			if (*n + 1 >= size)
				return big(x, "text too long");
			out[(*n)++] = ents[i].c;
			x->p += strlen(ents[i].name);
			return 0;
		}
	if (!starts(x, "&#"))
		return bad(x, "unknown entity");
	s = x->p + 2;
	hex = s < x->end && *s == 'x';
	s += hex;
	for (i = 0; s < x->end && *s != ';' && i < 8; s++, i++) {
		int d = *s >= '0' && *s <= '9' ? *s - '0' :
		    hex && *s >= 'a' && *s <= 'f' ? *s - 'a' + 10 :
		    hex && *s >= 'A' && *s <= 'F' ? *s - 'A' + 10 : -1;
		if (d < 0)
			return bad(x, "bad character reference");
		v = v * (hex ? 16 : 10) + (unsigned long)d;
	}
	if (i == 0 || s >= x->end || *s != ';' || v == 0 || v > 0x10ffff ||
	    (v < 0x20 && v != 9 && v != 10 && v != 13) ||
	    (v >= 0xd800 && v <= 0xdfff))
		return bad(x, "bad character reference");
	/* UTF-8 of v. */
	if (*n + 5 >= size)
		return big(x, "text too long");
	if (v < 0x80)
		out[(*n)++] = (char)v;
	else if (v < 0x800) {
		out[(*n)++] = (char)(0xc0 | v >> 6);
		out[(*n)++] = (char)(0x80 | (v & 0x3f));
	} else if (v < 0x10000) {
		out[(*n)++] = (char)(0xe0 | v >> 12);
		out[(*n)++] = (char)(0x80 | ((v >> 6) & 0x3f));
		out[(*n)++] = (char)(0x80 | (v & 0x3f));
	} else {
		out[(*n)++] = (char)(0xf0 | v >> 18);
		out[(*n)++] = (char)(0x80 | ((v >> 12) & 0x3f));
		out[(*n)++] = (char)(0x80 | ((v >> 6) & 0x3f));
		out[(*n)++] = (char)(0x80 | (v & 0x3f));
	}
	x->p = s + 1;
	return 0;
}

/* Characters up to `stop` ('<' for text, the quote for a value), the
 * references decoded, into out[size]. */
static int
chars(struct gx *x, char stop, char *out, size_t size)
{
	size_t n = 0;

	while (x->p < x->end && *x->p != stop) {
		if (*x->p == '&') {
			TRY(entity(x, out, size, &n));
			continue;
		}
		if (*x->p == '<')
			return bad(x, "'<' in an attribute value");
		if ((unsigned char)*x->p < 0x20 && !is_blank(*x->p))
			return bad(x, "control character");
		if (n + 1 >= size)
			return big(x, "text or attribute too long");
		out[n++] = *x->p++;
	}
	if (x->p >= x->end)
		return bad(x, "unexpected end");
	out[n] = '\0';
	return 0;
}

static int
qname(struct gx *x, char *out, size_t size)
{
	size_t n = 0;

	while (x->p < x->end && is_name(*x->p)) {
		if (n + 1 >= size)
			return bad(x, "name too long");
		out[n++] = *x->p++;
	}
	if (n == 0 || out[0] == ':' || out[0] == '-' || out[0] == '.' ||
	    (out[0] >= '0' && out[0] <= '9'))
		return bad(x, "bad name");
	out[n] = '\0';
	return 0;
}

static const char *
ns_lookup(const struct gx *x, const char *prefix)
{
	int i;

	for (i = x->nns - 1; i >= 0; i--)
		if (strcmp(x->ns[i].prefix, prefix) == 0)
			return x->ns[i].uri;
	return "";
}

static void
ns_pop(struct gx *x)
{
	while (x->nns > 0 && x->ns[x->nns - 1].depth >= x->depth)
		x->nns--;
	x->depth--;
}

/* A start tag at x->p ('<'): name, attributes, namespace declarations
 * pushed for this depth. */
static int
start_tag(struct gx *x, struct gtag *t)
{
	char prefix[GUSS_NAME_MAX];
	const char *colon;
	struct gattr *a;
	char q;
	int i, rc;

	memset(t, 0, sizeof(*t));
	if (x->p >= x->end || *x->p != '<')
		return bad(x, "element expected");
	x->p++;
	if ((rc = qname(x, t->qname, sizeof(t->qname))) < 0)
		return rc;
	if (++x->depth > GUSS_DEPTH)
		return big(x, "elements nested too deep");
	for (;;) {
		int blank = 0;

		while (x->p < x->end && is_blank(*x->p)) {
			x->p++;
			blank = 1;
		}
		if (x->p >= x->end)
			return bad(x, "unterminated tag");
		if (*x->p == '>' || starts(x, "/>"))
			break;
		if (!blank)
			return bad(x, "blank expected between attributes");
		if (t->nattr == GUSS_ATTRS)
			return big(x, "too many attributes");
		a = &t->attr[t->nattr++];
		if ((rc = qname(x, a->name, sizeof(a->name))) < 0)
			return rc;
		while (x->p < x->end && is_blank(*x->p))
			x->p++;
		if (x->p >= x->end || *x->p++ != '=')
			return bad(x, "'=' expected");
		while (x->p < x->end && is_blank(*x->p))
			x->p++;
		if (x->p >= x->end || (*x->p != '"' && *x->p != '\''))
			return bad(x, "quoted value expected");
		q = *x->p++;
		if ((rc = chars(x, q, a->value, sizeof(a->value))) < 0)
			return rc;
		x->p++;
		for (i = 0; i < t->nattr - 1; i++)
			if (strcmp(t->attr[i].name, a->name) == 0)
				return bad(x, "duplicate attribute");
		if (strcmp(a->name, "xmlns") == 0 ||
		    strncmp(a->name, "xmlns:", 6) == 0) {
			if (x->nns == GUSS_NSDECL)
				return big(x, "too many namespaces");
			(void)snprintf(x->ns[x->nns].prefix,
			    sizeof(x->ns[x->nns].prefix), "%s",
			    a->name[5] == ':' ? a->name + 6 : "");
			(void)snprintf(x->ns[x->nns].uri,
			    sizeof(x->ns[x->nns].uri), "%s", a->value);
			x->ns[x->nns++].depth = x->depth;
		}
	}
	t->empty = *x->p == '/';
	x->p += t->empty ? 2 : 1;
	colon = strchr(t->qname, ':');
	(void)snprintf(prefix, sizeof(prefix), "%.*s",
	    colon ? (int)(colon - t->qname) : 0, t->qname);
	t->local = colon ? colon + 1 : t->qname;
	t->ours = strcmp(ns_lookup(x, prefix), GUSS_NS) == 0;
	if (t->empty)
		ns_pop(x);
	return 0;
}

/* The end tag of t at x->p. */
static int
end_tag(struct gx *x, const struct gtag *t)
{
	size_t n = strlen(t->qname);

	if (!starts(x, "</") || (size_t)(x->end - x->p) < n + 2 ||
	    memcmp(x->p + 2, t->qname, n) != 0)
		return bad(x, "mismatched end tag");
	x->p += 2 + n;
	while (x->p < x->end && is_blank(*x->p))
		x->p++;
	if (x->p >= x->end || *x->p != '>')
		return bad(x, "mismatched end tag");
	x->p++;
	ns_pop(x);
	return 0;
}

static const char *
attr(const struct gtag *t, const char *name)
{
	int i;

	for (i = 0; i < t->nattr; i++)
		if (strcmp(t->attr[i].name, name) == 0)
			return t->attr[i].value;
	return NULL;
}

/* The rest of an element whose start tag was read, whatever it holds. */
static int
skip_element(struct gx *x, const struct gtag *t)
{
	struct gtag c;
	char text[GUSS_STR_MAX];
	int rc;

	if (t->empty)
		return 0;
	for (;;) {
		if ((rc = skip_misc(x)) < 0)
			return rc;
		if (starts(x, "</"))
			return end_tag(x, t);
		if (x->p < x->end && *x->p == '<') {
			if (starts(x, "<?") || starts(x, "<!"))
				return bad(x, "DOCTYPE, CDATA or PI");
			if ((rc = start_tag(x, &c)) < 0 ||
			    (rc = skip_element(x, &c)) < 0)
				return rc;
			continue;
		}
		/* Text of any length: read in pieces. */
		while ((rc = chars(x, '<', text, sizeof(text))) == -E2BIG)
			x->why = NULL;
		if (rc < 0)
			return rc;
	}
}

/* The text of a leaf element (no child), blanks around it dropped. */
static int
leaf_text(struct gx *x, const struct gtag *t, char *out, size_t size)
{
	size_t a, n;
	int rc;

	out[0] = '\0';
	if (t->empty)
		return 0;
	if ((rc = chars(x, '<', out, size)) < 0)
		return rc;
	if (starts(x, "<!--"))
		return bad(x, "comment inside a value");
	if ((rc = end_tag(x, t)) < 0)
		return rc;
	for (a = 0; is_blank(out[a]); a++)
		;
	n = strlen(out + a);
	while (n > 0 && is_blank(out[a + n - 1]))
		n--;
	memmove(out, out + a, n);
	out[n] = '\0';
	return 0;
}

/* xs:integer without sign, within max. */
static int
uint_text(struct gx *x, const char *s, uint32_t max, uint32_t *v)
{
	unsigned long long n = 0;

	if (*s == '+')
		s++;
	if (*s == '\0')
		return bad(x, "integer expected");
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return bad(x, "integer expected");
		n = n * 10 + (unsigned)(*s - '0');
		if (n > max)
			return bad(x, "integer out of range");
	}
	*v = (uint32_t)n;
	return 0;
}

/* Calls fn for each child element of t (ours or not); text other than
 * blanks is refused. */
typedef int (*child_fn)(struct gx *, const struct gtag *, void *);

static int
children(struct gx *x, const struct gtag *t, child_fn fn, void *arg)
{
	struct gtag c;
	int rc;

	if (t->empty)
		return 0;
	for (;;) {
		if ((rc = skip_misc(x)) < 0)
			return rc;
		if (starts(x, "</"))
			return end_tag(x, t);
		if (x->p >= x->end || *x->p != '<')
			return bad(x, "text where elements are expected");
		if (starts(x, "<?") || starts(x, "<!"))
			return bad(x, "DOCTYPE, CDATA or PI");
		if ((rc = start_tag(x, &c)) < 0 || (rc = fn(x, &c, arg)) < 0)
			return rc;
	}
}

static int
uid_child(struct gx *x, const struct gtag *c, void *arg)
{
	struct gba_uss *u = arg;

	if (!c->ours || strcmp(c->local, "uid") != 0)
		return skip_element(x, c);
	if (u->n_uids == GUSS_MAX_UIDS)
		return big(x, "too many uids");
	TRY(leaf_text(x, c, u->uids[u->n_uids],
	    sizeof(u->uids[0])));
	if (u->uids[u->n_uids][0] == '\0')
		return bad(x, "empty uid");
	u->n_uids++;
	return 0;
}

static int
flag_child(struct gx *x, const struct gtag *c, void *arg)
{
	struct gba_uss *u = arg;
	char text[32];

	if (!c->ours || strcmp(c->local, "flag") != 0)
		return skip_element(x, c);
	if (u->n_flags == GUSS_MAX_FLAGS)
		return big(x, "too many flags");
	TRY(leaf_text(x, c, text, sizeof(text)));
	return uint_text(x, text, UINT32_MAX, &u->flags[u->n_flags++]);
}

static int
uss_child(struct gx *x, const struct gtag *c, void *arg)
{
	if (c->ours && strcmp(c->local, "uids") == 0)
		return children(x, c, uid_child, arg);
	if (c->ours && strcmp(c->local, "flags") == 0)
		return children(x, c, flag_child, arg);
	return skip_element(x, c);
}

static int
copy_attr(struct gx *x, char *out, size_t size, const char *v)
{
	if (strlen(v) >= size)
		return big(x, "attribute too long");
	memcpy(out, v, strlen(v) + 1);
	return 0;
}

static int
ussl_child(struct gx *x, const struct gtag *c, void *arg)
{
	struct gba_guss *g = arg;
	struct gba_uss *u;
	const char *id, *type, *grp;
	uint32_t tv;
	size_t i;

	if (!c->ours || strcmp(c->local, "uss") != 0)
		return skip_element(x, c);
	if (g->n_uss == GUSS_MAX_USS)
		return big(x, "too many uss");
	if ((id = attr(c, "id")) == NULL || *id == '\0')
		return bad(x, "uss without id");
	if ((type = attr(c, "type")) == NULL)
		return bad(x, "uss without type");
	TRY(uint_text(x, type, UINT32_MAX, &tv));
	for (i = 0; i < g->n_uss; i++)
		if (strcmp(g->uss[i].id, id) == 0)
			return bad(x, "duplicate uss id");
	u = &g->uss[g->n_uss];
	memset(u, 0, sizeof(*u));
	TRY(copy_attr(x, u->id, sizeof(u->id), id));
	TRY(copy_attr(x, u->type, sizeof(u->type), type));
	if ((grp = attr(c, "nafGroup")) != NULL)
		TRY(copy_attr(x, u->naf_group, sizeof(u->naf_group),
		    grp));
	g->n_uss++;
	return children(x, c, uss_child, u);
}

static int
bsf_child(struct gx *x, const struct gtag *c, void *arg)
{
	struct gba_guss *g = arg;
	char text[32];

	if (c->ours && strcmp(c->local, "uiccType") == 0) {
		TRY(leaf_text(x, c, text, sizeof(text)));
		if (strcmp(text, "GBA_U") == 0)
			g->gba_u = 1;
		else if (strcmp(text, "GBA") != 0)
			return bad(x, "uiccType is neither GBA nor GBA_U");
		return 0;
	}
	if (c->ours && strcmp(c->local, "lifeTime") == 0) {
		TRY(leaf_text(x, c, text, sizeof(text)));
		return uint_text(x, text, UINT32_MAX, &g->lifetime);
	}
	return skip_element(x, c);
}

struct root_seen {
	struct gba_guss	*g;
	int		 bsf, ussl;
};

static int
root_child(struct gx *x, const struct gtag *c, void *arg)
{
	struct root_seen *s = arg;

	if (c->ours && strcmp(c->local, "bsfInfo") == 0) {
		if (s->bsf++)
			return bad(x, "two bsfInfo");
		return children(x, c, bsf_child, s->g);
	}
	if (c->ours && strcmp(c->local, "ussList") == 0) {
		if (s->ussl++)
			return bad(x, "two ussList");
		return children(x, c, ussl_child, s->g);
	}
	return skip_element(x, c);
}

/* The XML declaration: version and encoding (UTF-8 only) checked
 * loosely; anything up to "?>". */
static int
prolog(struct gx *x)
{
	const char *e;

	if (starts(x, "\xef\xbb\xbf"))
		x->p += 3;
	if (!starts(x, "<?xml"))
		return 0;
	for (e = x->p; e + 1 < x->end && !(e[0] == '?' && e[1] == '>'); e++)
		if (*e == '<' && e != x->p)
			return bad(x, "bad XML declaration");
	if (e + 1 >= x->end)
		return bad(x, "unterminated XML declaration");
	x->p = e + 2;
	return 0;
}

int
guss_parse(const char *xml, size_t len, struct gba_guss *g, char *why,
    size_t whysize)
{
	struct root_seen s = { g, 0, 0 };
	struct gx *x;
	struct gtag t;
	int rc;

	if (why != NULL && whysize > 0)
		why[0] = '\0';
	if (xml == NULL || g == NULL)
		return -EINVAL;
	memset(g, 0, sizeof(*g));
	if (len > GUSS_XML_MAX) {
		if (why != NULL && whysize > 0)
			(void)snprintf(why, whysize, "document too long");
		return -E2BIG;
	}
	if ((x = calloc(1, sizeof(*x))) == NULL)
		return -ENOMEM;
	x->p = xml;
	x->end = xml + len;
	if (memchr(xml, '\0', len) != NULL)
		rc = bad(x, "NUL in the document");
	else if ((rc = prolog(x)) == 0 && (rc = skip_misc(x)) == 0) {
		if (starts(x, "<!") || starts(x, "<?"))
			rc = bad(x, "DOCTYPE or PI");
		else if ((rc = start_tag(x, &t)) == 0) {
			if (!t.ours || strcmp(t.local, "guss") != 0)
				rc = bad(x, "root is not guss in the GUSS "
				    "namespace");
			else if ((rc = children(x, &t, root_child, &s)) == 0 &&
			    (rc = skip_misc(x)) == 0 && x->p != x->end)
				rc = bad(x, "content after the root element");
			if (rc == 0 && !s.ussl)
				rc = bad(x, "no ussList");
		}
	}
	if (rc < 0) {
		if (why != NULL && whysize > 0)
			(void)snprintf(why, whysize, "%s (at offset %zu)",
			    x->why ? x->why : "malformed",
			    (size_t)(x->p - xml));
		memset(g, 0, sizeof(*g));
	}
	free(x);
	return rc;
}
