/* bsfxml.c - the application/vnd.3gpp.bsf+xml body of TS 24.109 Annex C.
 *
 * TS 24.109 C.2 (XML schema): namespace "uri:3gpp-gba", root element
 * BootstrappingInfo holding, in this order, btid (xs:string, the B-TID of
 * TS 33.220 4.3), lifetime (xs:dateTime, the key lifetime) and extension
 * elements (xs:any, skipped here).
 *
 * The parser is deliberately small and strict, no XML library: an
 * optional BOM and XML declaration, comments and blanks between elements,
 * the root in the default namespace or under a prefix bound to
 * "uri:3gpp-gba" (any other binding is refused), attributes with quoted
 * values, no DOCTYPE, no CDATA, no character or entity references in the
 * two texts (a B-TID is base64@FQDN and a dateTime has no use for them),
 * extension elements nested at most BSFXML_DEPTH deep.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "bsfxml.h"

#define BSFXML_NS	"uri:3gpp-gba"
#define BSFXML_DEPTH	8
#define BSFXML_NAME_MAX	64

struct px {
	const char	*p;
	const char	*end;
};

/* Days from 1970-01-01 to y-m-d of the proleptic Gregorian calendar
 * (the xs:dateTime calendar, XML Schema Part 2 3.2.7). */
static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int
leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
digits(const char **s, const char *end, int n, int *v)
{
	int i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (*s >= end || !isdigit((unsigned char)**s))
			return -EINVAL;
		*v = *v * 10 + (**s - '0');
		(*s)++;
	}
	return 0;
}

static int
expect(const char **s, const char *end, char c)
{
	if (*s >= end || **s != c)
		return -EINVAL;
	(*s)++;
	return 0;
}

/* xs:dateTime (XML Schema Part 2 3.2.7): YYYY-MM-DDThh:mm:ss[.s+][Z|(+|-)hh:mm].
 * Without a zone the time is taken as UTC (TS 24.109 C.2: the BSF gives
 * UTC).  Years 0001..9999 only; no leap second, no 24:00:00. */
static int
parse_datetime(const char *s, size_t len, int64_t *out)
{
	static const int mdays[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	const char *end = s + len;
	int y, mo, d, h, mi, sec, tzh = 0, tzm = 0, sign = 0, dim;

	if (digits(&s, end, 4, &y) < 0 || expect(&s, end, '-') < 0 ||
	    digits(&s, end, 2, &mo) < 0 || expect(&s, end, '-') < 0 ||
	    digits(&s, end, 2, &d) < 0 || expect(&s, end, 'T') < 0 ||
	    digits(&s, end, 2, &h) < 0 || expect(&s, end, ':') < 0 ||
	    digits(&s, end, 2, &mi) < 0 || expect(&s, end, ':') < 0 ||
	    digits(&s, end, 2, &sec) < 0)
		return -EINVAL;
	if (s < end && *s == '.') {
		s++;
		if (s >= end || !isdigit((unsigned char)*s))
			return -EINVAL;
		while (s < end && isdigit((unsigned char)*s))
			s++;
	}
	if (s < end && *s == 'Z')
		s++;
	else if (s < end && (*s == '+' || *s == '-')) {
		sign = *s++ == '+' ? 1 : -1;
		if (digits(&s, end, 2, &tzh) < 0 || expect(&s, end, ':') < 0 ||
		    digits(&s, end, 2, &tzm) < 0 || tzh > 14 || tzm > 59 ||
		    (tzh == 14 && tzm != 0))
			return -EINVAL;
	}
	if (s != end)
		return -EINVAL;
	if (y < 1 || mo < 1 || mo > 12 || h > 23 || mi > 59 || sec > 59)
		return -EINVAL;
	dim = mdays[mo - 1] + (mo == 2 && leap(y));
	if (d < 1 || d > dim)
		return -EINVAL;
	*out = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 +
	    h * 3600 + mi * 60 + sec - sign * (tzh * 3600 + tzm * 60);
	return 0;
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void
skip_blanks(struct px *x)
{
	while (x->p < x->end && is_blank(*x->p))
		x->p++;
}

static int
starts(const struct px *x, const char *lit)
{
	size_t n = strlen(lit);

	return (size_t)(x->end - x->p) >= n && memcmp(x->p, lit, n) == 0;
}

/* Skip to just past the literal `lit`; -EINVAL at the end of input. */
static int
skip_past(struct px *x, const char *lit)
{
	size_t n = strlen(lit);

	for (; (size_t)(x->end - x->p) >= n; x->p++)
		if (memcmp(x->p, lit, n) == 0) {
			x->p += n;
			return 0;
		}
	return -EINVAL;
}

/* Blanks and comments (XML 1.0 2.5, Misc); a "--" inside a comment is
 * not well-formed and refused. */
static int
skip_misc(struct px *x)
{
	const char *c;

	for (;;) {
		skip_blanks(x);
		if (!starts(x, "<!--"))
			return 0;
		x->p += 4;
		for (c = x->p; c + 1 < x->end; c++)
			if (c[0] == '-' && c[1] == '-')
				break;
		if (c + 2 >= x->end || c[2] != '>')
			return -EINVAL;
		x->p = c + 3;
	}
}

static int
name_char(char c, int first)
{
	if (isalpha((unsigned char)c) || c == '_')
		return 1;
	return !first && (isdigit((unsigned char)c) || c == '-' || c == '.' ||
	    c == ':');
}

/* An XML Name (ASCII only) into name[BSFXML_NAME_MAX]. */
static int
get_name(struct px *x, char *name)
{
	size_t n = 0;

	if (x->p >= x->end || !name_char(*x->p, 1))
		return -EINVAL;
	while (x->p < x->end && name_char(*x->p, 0)) {
		if (n + 1 >= BSFXML_NAME_MAX)
			return -EINVAL;
		name[n++] = *x->p++;
	}
	name[n] = '\0';
	return 0;
}

/* Split a qualified name: *local gets the part after the colon, prefix
 * the part before (empty without one). */
static int
split_qname(const char *qname, char *prefix, const char **local)
{
	const char *colon = strchr(qname, ':');

	if (colon == NULL) {
		prefix[0] = '\0';
		*local = qname;
		return 0;
	}
	if (colon == qname || strchr(colon + 1, ':') != NULL ||
	    colon[1] == '\0')
		return -EINVAL;
	memcpy(prefix, qname, (size_t)(colon - qname));
	prefix[colon - qname] = '\0';
	*local = colon + 1;
	return 0;
}

/*
 * The attributes of a start tag after its name, through ">" or "/>" (*empty
 * set for the latter).  With ns_prefix non-NULL (the root), a declaration
 * of that prefix ("" : xmlns) must bind it to uri:3gpp-gba; *bound is set
 * when one did.  Values may not hold '<' (XML 1.0 3.1, AttValue).
 */
static int
get_attrs(struct px *x, const char *ns_prefix, int *bound, int *empty)
{
	char name[BSFXML_NAME_MAX], want[BSFXML_NAME_MAX + 8];
	const char *v;
	char q;

	if (ns_prefix != NULL)
		snprintf(want, sizeof(want), "%s%s", *ns_prefix ? "xmlns:" :
		    "xmlns", ns_prefix);
	for (;;) {
		int blank = x->p < x->end && is_blank(*x->p);

		skip_blanks(x);
		if (starts(x, "/>")) {
			x->p += 2;
			*empty = 1;
			return 0;
		}
		if (starts(x, ">")) {
			x->p++;
			*empty = 0;
			return 0;
		}
		if (!blank || get_name(x, name) < 0)
			return -EINVAL;
		skip_blanks(x);
		if (expect(&x->p, x->end, '=') < 0)
			return -EINVAL;
		skip_blanks(x);
		if (x->p >= x->end || (*x->p != '"' && *x->p != '\''))
			return -EINVAL;
		q = *x->p++;
		for (v = x->p; x->p < x->end && *x->p != q; x->p++)
			if (*x->p == '<')
				return -EINVAL;
		if (x->p >= x->end)
			return -EINVAL;
		if (ns_prefix != NULL && strcmp(name, want) == 0) {
			if ((size_t)(x->p - v) != strlen(BSFXML_NS) ||
			    memcmp(v, BSFXML_NS, strlen(BSFXML_NS)) != 0)
				return -EINVAL;
			*bound = 1;
		}
		x->p++;
	}
}

/* The end tag </qname> with blanks before its '>'. */
static int
end_tag(struct px *x, const char *qname)
{
	char name[BSFXML_NAME_MAX];

	if (!starts(x, "</"))
		return -EINVAL;
	x->p += 2;
	if (get_name(x, name) < 0 || strcmp(name, qname) != 0)
		return -EINVAL;
	skip_blanks(x);
	return expect(&x->p, x->end, '>');
}

/* The rest of an element whose start tag <qname ...> was read: its content
 * (text, comments, children) and end tag; nothing is kept. */
static int
skip_element(struct px *x, const char *qname, int depth)
{
	char name[BSFXML_NAME_MAX];
	int empty;

	if (depth > BSFXML_DEPTH)
		return -EINVAL;
	for (;;) {
		while (x->p < x->end && *x->p != '<')
			x->p++;
		if (x->p >= x->end)
			return -EINVAL;
		if (starts(x, "</"))
			return end_tag(x, qname);
		if (starts(x, "<!--")) {
			if (skip_misc(x) < 0)
				return -EINVAL;
			continue;
		}
		x->p++;
		if (get_name(x, name) < 0 ||
		    get_attrs(x, NULL, NULL, &empty) < 0)
			return -EINVAL;
		if (!empty && skip_element(x, name, depth + 1) < 0)
			return -EINVAL;
	}
}

/*
 * A child holding text only: <P:local>text</P:local>, blanks around the
 * text dropped.  The text goes to out[size] (-EINVAL if it does not fit).
 */
static int
text_element(struct px *x, const char *prefix, const char *local, char *out,
    size_t size)
{
	char qname[2 * BSFXML_NAME_MAX + 1], name[BSFXML_NAME_MAX];
	const char *t, *e;
	size_t n;
	int empty;

	snprintf(qname, sizeof(qname), "%s%s%s", prefix, *prefix ? ":" : "",
	    local);
	if (expect(&x->p, x->end, '<') < 0 || get_name(x, name) < 0 ||
	    strcmp(name, qname) != 0 || get_attrs(x, NULL, NULL, &empty) < 0 ||
	    empty)
		return -EINVAL;
	for (t = x->p; x->p < x->end && *x->p != '<'; x->p++)
		if (*x->p == '&' || ((unsigned char)*x->p < 0x20 &&
		    !is_blank(*x->p)))
			return -EINVAL;
	for (e = x->p; t < e && is_blank(*t); t++)
		;
	while (e > t && is_blank(e[-1]))
		e--;
	n = (size_t)(e - t);
	if (n == 0 || n >= size)
		return -EINVAL;
	memcpy(out, t, n);
	out[n] = '\0';
	return end_tag(x, qname);
}

int
bsfxml_parse_text(const char *body, size_t len, char *btid, size_t size,
    char *lifetime, size_t lsize, int64_t *expiry)
{
	char root[BSFXML_NAME_MAX], prefix[BSFXML_NAME_MAX], name[BSFXML_NAME_MAX];
	char ltext[BSFXML_LIFETIME_MAX];
	const char *local;
	struct px x = { body, body + len };
	int bound = 0, empty, rc = -EINVAL;

	if (body == NULL || btid == NULL || size == 0 || expiry == NULL)
		return -EINVAL;
	btid[0] = '\0';
	if (lifetime != NULL && lsize > 0)
		lifetime[0] = '\0';
	if (memchr(body, '\0', len) != NULL)
		return -EINVAL;
	/* XML 1.0 2.8: [BOM] [XMLDecl] Misc* element Misc* */
	if (starts(&x, "\xef\xbb\xbf"))
		x.p += 3;
	if (starts(&x, "<?xml") && x.p + 5 < x.end && is_blank(x.p[5]) &&
	    skip_past(&x, "?>") < 0)
		return -EINVAL;
	if (skip_misc(&x) < 0 || expect(&x.p, x.end, '<') < 0 ||
	    get_name(&x, root) < 0 || split_qname(root, prefix, &local) < 0 ||
	    strcmp(local, "BootstrappingInfo") != 0 ||
	    get_attrs(&x, prefix, &bound, &empty) < 0 || empty)
		return -EINVAL;
	/* A prefix must be declared (XML Namespaces 1.0, 5); the default
	 * namespace may be left out. */
	if (*prefix && !bound)
		return -EINVAL;
	if (skip_misc(&x) < 0 ||
	    text_element(&x, prefix, "btid", btid, size) < 0 ||
	    skip_misc(&x) < 0 ||
	    text_element(&x, prefix, "lifetime", ltext, sizeof(ltext)) < 0 ||
	    parse_datetime(ltext, strlen(ltext), expiry) < 0)
		goto bad;
	/* Extension elements (xs:any) up to the root's end tag. */
	for (;;) {
		if (skip_misc(&x) < 0)
			goto bad;
		if (starts(&x, "</"))
			break;
		if (expect(&x.p, x.end, '<') < 0 || get_name(&x, name) < 0 ||
		    get_attrs(&x, NULL, NULL, &empty) < 0 ||
		    (!empty && skip_element(&x, name, 1) < 0))
			goto bad;
	}
	if (end_tag(&x, root) < 0 || skip_misc(&x) < 0 || x.p != x.end)
		goto bad;
	if (lifetime != NULL) {
		if (strlen(ltext) >= lsize)
			goto bad;
		memcpy(lifetime, ltext, strlen(ltext) + 1);
	}
	return 0;
bad:
	btid[0] = '\0';
	if (lifetime != NULL && lsize > 0)
		lifetime[0] = '\0';
	return rc;
}

int
bsfxml_parse(const char *body, size_t len, char *btid, size_t size,
    int64_t *expiry)
{
	return bsfxml_parse_text(body, len, btid, size, NULL, 0, expiry);
}

/* TS 33.220 4.3: B-TID = base64(RAND)@BSF_servers_domain_name (NAI
 * format); refuse what would need escaping or break the document. */
static int
btid_ok(const char *btid)
{
	size_t n = strlen(btid);
	const char *c;

	if (n == 0 || n >= BSFXML_BTID_MAX)
		return 0;
	for (c = btid; *c != '\0'; c++)
		if ((unsigned char)*c <= 0x20 || (unsigned char)*c >= 0x7f ||
		    *c == '<' || *c == '>' || *c == '&' || *c == '"' ||
		    *c == '\'')
			return 0;
	return 1;
}

int
bsfxml_format_lifetime(int64_t expiry, char *out, size_t size)
{
	struct tm tm;
	time_t t = (time_t)expiry;
	int n;

	if ((int64_t)t != expiry || gmtime_r(&t, &tm) == NULL ||
	    tm.tm_year + 1900 < 1 || tm.tm_year + 1900 > 9999)
		return -EINVAL;
	n = snprintf(out, size, "%04d-%02d-%02dT%02d:%02d:%02dZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec);
	if (n < 0 || (size_t)n >= size)
		return -ENOSPC;
	return 0;
}

int
bsfxml_format(const char *btid, int64_t expiry, struct strbuf *sb)
{
	char lt[BSFXML_LIFETIME_MAX];
	int rc;

	if (btid == NULL || sb == NULL || !btid_ok(btid))
		return -EINVAL;
	if ((rc = bsfxml_format_lifetime(expiry, lt, sizeof(lt))) < 0)
		return rc;
	strbuf_puts(sb, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<BootstrappingInfo xmlns=\"" BSFXML_NS "\">\n  <btid>");
	strbuf_puts(sb, btid);
	strbuf_puts(sb, "</btid>\n  <lifetime>");
	strbuf_puts(sb, lt);
	strbuf_puts(sb, "</lifetime>\n</BootstrappingInfo>\n");
	return strbuf_status(sb);
}
