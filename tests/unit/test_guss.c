/* test_guss.c - the TS 29.109 Annex A GUSS: round trips, documents as
 * another implementation may write them (prefixes, comments, entities,
 * extensions), malformed and hostile input, the limits of guss.h, and
 * the rules of guss_uss_for.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guss.h"
#include "t.h"

static char out[GUSS_XML_MAX];

static int
fmt(const struct gba_guss *g)
{
	struct strbuf b;

	strbuf_init(&b, out, sizeof(out));
	return guss_format(g, &b);
}

static int
parse(const char *xml, struct gba_guss *g)
{
	char why[200];
	int rc = guss_parse(xml, strlen(xml), g, why, sizeof(why));

	if (rc < 0 && why[0] == '\0')
		fprintf(stderr, "no reason for %d\n", rc);
	return rc;
}

static void
test_roundtrip(void)
{
	static struct gba_guss g, h;

	memset(&g, 0, sizeof(g));
	g.gba_u = 1;
	g.lifetime = 7200;
	g.n_uss = 2;
	(void)snprintf(g.uss[0].id, sizeof(g.uss[0].id), "1");
	(void)snprintf(g.uss[0].naf_group, sizeof(g.uss[0].naf_group),
	    "xcap & <friends>");
	(void)snprintf(g.uss[0].uids[0], GUSS_STR_MAX, "sip:alice@ims.example.org;x=\"1\"");
	(void)snprintf(g.uss[0].uids[1], GUSS_STR_MAX, "tel:+3312345678");
	g.uss[0].n_uids = 2;
	g.uss[0].flags[0] = 1;
	g.uss[0].flags[1] = 65535;
	g.uss[0].n_flags = 2;
	(void)snprintf(g.uss[1].id, sizeof(g.uss[1].id), "any'one");
	(void)snprintf(g.uss[1].type, sizeof(g.uss[1].type), "2");
	T_CHECK(fmt(&g) == 0, "format");
	T_CHECK(strstr(out, "xmlns=\"" GUSS_NS "\"") != NULL, "%s", out);
	T_CHECK(strstr(out, "<uiccType>GBA_U</uiccType>") != NULL, "%s", out);
	T_CHECK(strstr(out, "nafGroup=\"xcap &amp; &lt;friends&gt;\"") != NULL,
	    "%s", out);
	T_CHECK(parse(out, &h) == 0, "parse own output: %s", out);
	T_CHECK(h.gba_u == 1 && h.lifetime == 7200 && h.n_uss == 2, "bsfInfo");
	T_CHECK(strcmp(h.uss[0].naf_group, g.uss[0].naf_group) == 0, "group");
	T_CHECK(strcmp(h.uss[0].type, "0") == 0, "type default 0");
	T_CHECK(h.uss[0].n_uids == 2 && strcmp(h.uss[0].uids[0],
	    g.uss[0].uids[0]) == 0 && strcmp(h.uss[0].uids[1],
	    g.uss[0].uids[1]) == 0, "uids");
	T_CHECK(h.uss[0].n_flags == 2 && h.uss[0].flags[1] == 65535, "flags");
	T_CHECK(strcmp(h.uss[1].id, "any'one") == 0 && h.uss[1].n_uids == 0 &&
	    strcmp(h.uss[1].type, "2") == 0, "second uss");
	/* Formatting the parsed copy gives the same bytes. */
	{
		static char first[GUSS_XML_MAX];

		memcpy(first, out, sizeof(first));
		T_CHECK(fmt(&h) == 0 && strcmp(first, out) == 0, "stable");
	}
	/* No lifetime: no lifeTime element; GBA. */
	memset(&g, 0, sizeof(g));
	g.n_uss = 1;
	(void)snprintf(g.uss[0].id, sizeof(g.uss[0].id), "1");
	T_CHECK(fmt(&g) == 0 && strstr(out, "lifeTime") == NULL &&
	    strstr(out, "<uiccType>GBA</uiccType>") != NULL &&
	    strstr(out, "nafGroup") == NULL, "%s", out);
	T_CHECK(parse(out, &h) == 0 && h.lifetime == 0 && !h.gba_u &&
	    h.uss[0].naf_group[0] == '\0', "minimal");
	/* No uss at all: GBA refused at every NAF, still a valid GUSS. */
	g.n_uss = 0;
	T_CHECK(fmt(&g) == 0 && parse(out, &h) == 0 && h.n_uss == 0, "none");
	/* Limits on the formatting side. */
	g.n_uss = GUSS_MAX_USS + 1;
	T_CHECK(fmt(&g) == -EINVAL, "too many uss to format");
	g.n_uss = 1;
	g.uss[0].id[0] = '\0';
	T_CHECK(fmt(&g) == -EINVAL, "uss without id");
	(void)snprintf(g.uss[0].id, sizeof(g.uss[0].id), "a\001b");
	T_CHECK(fmt(&g) == -EINVAL, "control character");
	(void)snprintf(g.uss[0].id, sizeof(g.uss[0].id), "1");
	(void)snprintf(g.uss[0].type, sizeof(g.uss[0].type), "x");
	T_CHECK(fmt(&g) == -EINVAL, "type not an integer");
	{
		struct strbuf b;
		char small[40];

		g.uss[0].type[0] = '\0';
		strbuf_init(&b, small, sizeof(small));
		T_CHECK(guss_format(&g, &b) == -ENOSPC, "small buffer");
	}
	/* The USS document of Zn. */
	{
		struct strbuf b;

		memset(&h.uss[0], 0, sizeof(h.uss[0]));
		(void)snprintf(h.uss[0].id, sizeof(h.uss[0].id), "1");
		strbuf_init(&b, out, sizeof(out));
		T_CHECK(guss_format_uss(&h.uss[0], &b) == 0, "uss");
		T_CHECK(parse(out, &g) == 0 && g.n_uss == 1 &&
		    strcmp(g.uss[0].id, "1") == 0, "uss parses: %s", out);
	}
}

/* What another implementation may send: prefixes, comments, blanks,
 * references, extensions and foreign elements. */
static void
test_foreign(void)
{
	static struct gba_guss g;
	static const char doc[] =
	    "\xef\xbb\xbf<?xml version='1.0' encoding='UTF-8'?>\n"
	    "<!-- a GUSS -->\n"
	    "<g:guss xmlns:g='" GUSS_NS "' xmlns:o='urn:other' id='x'>\r\n"
	    "  <g:bsfInfo>\n"
	    "    <g:uiccType> GBA </g:uiccType>\n"
	    "    <g:lifeTime>\n3600\n</g:lifeTime>\n"
	    "    <g:extension><g:whatever a='1'><o:x/></g:whatever></g:extension>\n"
	    "  </g:bsfInfo>\n"
	    "  <o:vendor>text &amp; more <o:deep><o:deeper/></o:deep></o:vendor>\n"
	    "  <g:ussList>\n"
	    "    <g:uss id=\"7\" type=\"1\" nafGroup=\"xcap\">\n"
	    "      <g:uids><!-- c --><g:uid>sip:bob@x.org;p=&quot;a&#x26;b&#38;&quot;</g:uid>\n"
	    "        <g:uid>sip:caf&#233;@x.org</g:uid></g:uids>\n"
	    "      <g:flags><g:flag>1</g:flag></g:flags>\n"
	    "      <g:extension/>\n"
	    "    </g:uss>\n"
	    "    <uss xmlns='" GUSS_NS "' id='8' type='0'><uids/><flags/></uss>\n"
	    "  </g:ussList>\n"
	    "</g:guss>\n<!-- end -->\n";

	T_CHECK(parse(doc, &g) == 0, "foreign document");
	T_CHECK(g.lifetime == 3600 && !g.gba_u && g.n_uss == 2, "values");
	T_CHECK(strcmp(g.uss[0].uids[0], "sip:bob@x.org;p=\"a&b&\"") == 0,
	    "%s", g.uss[0].uids[0]);
	T_CHECK(strcmp(g.uss[0].uids[1], "sip:caf\xc3\xa9@x.org") == 0, "%s",
	    g.uss[0].uids[1]);
	T_CHECK(strcmp(g.uss[0].naf_group, "xcap") == 0 &&
	    g.uss[0].n_flags == 1 && g.uss[0].flags[0] == 1, "uss 7");
	T_CHECK(strcmp(g.uss[1].id, "8") == 0 && g.uss[1].n_uids == 0, "uss 8");
}

static void
test_malformed(void)
{
	static struct gba_guss g;
	static const char *const bad[] = {
		"",
		"<guss/>",					/* no namespace */
		"<guss xmlns='uri:other'><ussList/></guss>",
		"<guss xmlns='" GUSS_NS "'/>",			/* no ussList */
		"<guss xmlns='" GUSS_NS "'><ussList></guss>",
		"<guss xmlns='" GUSS_NS "'><ussList/></guss>junk",
		"<guss xmlns='" GUSS_NS "'><ussList/></guss><guss/>",
		"<guss xmlns='" GUSS_NS "'><ussList/>",
		"<guss xmlns='" GUSS_NS "'>text<ussList/></guss>",
		"<!DOCTYPE guss><guss xmlns='" GUSS_NS "'><ussList/></guss>",
		"<guss xmlns='" GUSS_NS "'><![CDATA[x]]><ussList/></guss>",
		"<guss xmlns='" GUSS_NS "'><ussList/><ussList/></guss>",
		"<guss xmlns='" GUSS_NS "'><bsfInfo><uiccType>GBA_X</uiccType>"
		    "</bsfInfo><ussList/></guss>",
		"<guss xmlns='" GUSS_NS "'><bsfInfo><lifeTime>-1</lifeTime>"
		    "</bsfInfo><ussList/></guss>",
		"<guss xmlns='" GUSS_NS "'><bsfInfo><lifeTime>4294967296"
		    "</lifeTime></bsfInfo><ussList/></guss>",
		"<guss xmlns='" GUSS_NS "'><ussList><uss type='1'/></ussList>"
		    "</guss>",					/* no id */
		"<guss xmlns='" GUSS_NS "'><ussList><uss id='1'/></ussList>"
		    "</guss>",					/* no type */
		"<guss xmlns='" GUSS_NS "'><ussList><uss id='1' type='a'/>"
		    "</ussList></guss>",
		"<guss xmlns='" GUSS_NS "'><ussList><uss id='1' type='1'/>"
		    "<uss id='1' type='1'/></ussList></guss>",	/* duplicate */
		"<guss xmlns='" GUSS_NS "'><ussList><uss id='1' id='2' "
		    "type='1'/></ussList></guss>",
		"<guss xmlns='" GUSS_NS "'><ussList><uss id='1'type='1'/>"
		    "</ussList></guss>",
		"<guss xmlns='" GUSS_NS "'><ussList><uss id='1' type='1'><uids>"
		    "<uid></uid></uids></uss></ussList></guss>",
		"<guss xmlns='" GUSS_NS "'><ussList><uss id='1' type='1'><uids>"
		    "<uid>a&foo;</uid></uids></uss></ussList></guss>",
		"<guss xmlns='" GUSS_NS "'><ussList><uss id='1' type='1'><uids>"
		    "<uid>a&#0;</uid></uids></uss></ussList></guss>",
		"<guss xmlns='" GUSS_NS "'><ussList><uss id='1' type='1'><uids>"
		    "<uid>a&#xd800;</uid></uids></uss></ussList></guss>",
		"<guss xmlns='" GUSS_NS "'><ussList><uss id='1' type='1'><uids>"
		    "<uid>a<b/></uid></uids></uss></ussList></guss>",
		"<guss xmlns='" GUSS_NS "'><ussList><uss id='1' type='1'><flags>"
		    "<flag>x</flag></flags></uss></ussList></guss>",
		"<guss xmlns='" GUSS_NS "'><ussList></ussLis></guss>",
		"<guss xmlns='" GUSS_NS "'><ussList/><!-- a -- b --></guss>",
		"<guss xmlns='" GUSS_NS "'><ussList/><?pi x?></guss>",
		"<guss xmlns='" GUSS_NS "' a='<'><ussList/></guss>",
		"<guss xmlns='" GUSS_NS "' a='1><ussList/></guss>",
		"<1guss xmlns='" GUSS_NS "'><ussList/></1guss>",
		"<guss xmlns='" GUSS_NS "'><ussList/>\001</guss>",
		NULL
	};
	static const char nul[] = "<guss xmlns='" GUSS_NS "'><ussList/>\0</guss>";
	char why[200];
	size_t i;

	for (i = 0; bad[i] != NULL; i++) {
		why[0] = '\0';
		T_CHECK(guss_parse(bad[i], strlen(bad[i]), &g, why,
		    sizeof(why)) == -EINVAL, "accepted #%zu: %s", i, bad[i]);
		T_CHECK(why[0] != '\0', "no reason for #%zu", i);
		T_CHECK(g.n_uss == 0, "output left after a failure");
	}
	T_CHECK(guss_parse(nul, sizeof(nul) - 1, &g, why, sizeof(why)) ==
	    -EINVAL, "NUL inside");
	T_CHECK(guss_parse(NULL, 0, &g, why, sizeof(why)) == -EINVAL, "NULL");
	/* A truncated copy of a good document never parses, never crashes. */
	{
		static struct gba_guss h;
		static char good[4096];
		size_t n;

		memset(&h, 0, sizeof(h));
		h.n_uss = 1;
		(void)snprintf(h.uss[0].id, sizeof(h.uss[0].id), "1");
		(void)snprintf(h.uss[0].uids[0], GUSS_STR_MAX, "sip:a@b");
		h.uss[0].n_uids = 1;
		T_CHECK(fmt(&h) == 0, "format");
		n = strlen(out);
		T_CHECK(n < sizeof(good), "fits");
		memcpy(good, out, n < sizeof(good) ? n : sizeof(good) - 1);
		while (n > 0 && good[n - 1] == '\n')
			n--;
		for (i = 0; i < n; i++)
			T_CHECK(guss_parse(good, i, &g, NULL, 0) < 0,
			    "prefix of %zu accepted", i);
		T_CHECK(guss_parse(good, n, &g, NULL, 0) == 0, "whole");
	}
}

static void
test_limits(void)
{
	static struct gba_guss g;
	static char doc[GUSS_XML_MAX + 64];
	char why[200];
	size_t i, n;

	/* GUSS_MAX_USS uss parse, one more is -E2BIG. */
	for (int extra = 0; extra <= 1; extra++) {
		n = (size_t)snprintf(doc, sizeof(doc), "<guss xmlns='%s'>"
		    "<ussList>", GUSS_NS);
		for (i = 0; i < GUSS_MAX_USS + (size_t)extra; i++)
			n += (size_t)snprintf(doc + n, sizeof(doc) - n,
			    "<uss id='%zu' type='0'/>", i);
		n += (size_t)snprintf(doc + n, sizeof(doc) - n,
		    "</ussList></guss>");
		T_CHECK(guss_parse(doc, n, &g, why, sizeof(why)) ==
		    (extra ? -E2BIG : 0), "uss count +%d: %s", extra, why);
	}
	for (int extra = 0; extra <= 1; extra++) {
		n = (size_t)snprintf(doc, sizeof(doc), "<guss xmlns='%s'>"
		    "<ussList><uss id='1' type='0'><uids>", GUSS_NS);
		for (i = 0; i < GUSS_MAX_UIDS + (size_t)extra; i++)
			n += (size_t)snprintf(doc + n, sizeof(doc) - n,
			    "<uid>sip:%zu@x</uid>", i);
		n += (size_t)snprintf(doc + n, sizeof(doc) - n,
		    "</uids><flags>");
		for (i = 0; i < GUSS_MAX_FLAGS; i++)
			n += (size_t)snprintf(doc + n, sizeof(doc) - n,
			    "<flag>%zu</flag>", i);
		n += (size_t)snprintf(doc + n, sizeof(doc) - n,
		    "</flags></uss></ussList></guss>");
		T_CHECK(guss_parse(doc, n, &g, why, sizeof(why)) ==
		    (extra ? -E2BIG : 0), "uid count +%d: %s", extra, why);
	}
	n = (size_t)snprintf(doc, sizeof(doc), "<guss xmlns='%s'><ussList>"
	    "<uss id='1' type='0'><flags>", GUSS_NS);
	for (i = 0; i <= GUSS_MAX_FLAGS; i++)
		n += (size_t)snprintf(doc + n, sizeof(doc) - n,
		    "<flag>1</flag>");
	n += (size_t)snprintf(doc + n, sizeof(doc) - n,
	    "</flags></uss></ussList></guss>");
	T_CHECK(guss_parse(doc, n, &g, why, sizeof(why)) == -E2BIG, "flags");
	/* A uid of GUSS_STR_MAX - 1 characters fits, one more does not. */
	for (int extra = 0; extra <= 1; extra++) {
		n = (size_t)snprintf(doc, sizeof(doc), "<guss xmlns='%s'>"
		    "<ussList><uss id='1' type='0'><uids><uid>", GUSS_NS);
		memset(doc + n, 'a', GUSS_STR_MAX - 1 + (size_t)extra);
		n += GUSS_STR_MAX - 1 + (size_t)extra;
		n += (size_t)snprintf(doc + n, sizeof(doc) - n,
		    "</uid></uids></uss></ussList></guss>");
		T_CHECK(guss_parse(doc, n, &g, why, sizeof(why)) ==
		    (extra ? -E2BIG : 0), "uid length +%d: %s", extra, why);
	}
	/* Nesting beyond the bound, in a skipped extension. */
	n = (size_t)snprintf(doc, sizeof(doc), "<guss xmlns='%s'><ussList/>",
	    GUSS_NS);
	for (i = 0; i < 40; i++)
		n += (size_t)snprintf(doc + n, sizeof(doc) - n, "<e>");
	for (i = 0; i < 40; i++)
		n += (size_t)snprintf(doc + n, sizeof(doc) - n, "</e>");
	n += (size_t)snprintf(doc + n, sizeof(doc) - n, "</guss>");
	T_CHECK(guss_parse(doc, n, &g, why, sizeof(why)) == -E2BIG, "depth");
	/* A long foreign text is skipped, whatever its length. */
	n = (size_t)snprintf(doc, sizeof(doc), "<guss xmlns='%s'><x>",
	    GUSS_NS);
	memset(doc + n, 'z', 10000);
	n += 10000;
	n += (size_t)snprintf(doc + n, sizeof(doc) - n, "&amp;</x><ussList/>"
	    "</guss>");
	T_CHECK(guss_parse(doc, n, &g, why, sizeof(why)) == 0, "long text: %s",
	    why);
	/* The document size bound. */
	memset(doc, ' ', GUSS_XML_MAX + 1);
	T_CHECK(guss_parse(doc, GUSS_XML_MAX + 1, &g, why, sizeof(why)) ==
	    -E2BIG, "document size");
}

static void
test_uss_for(void)
{
	static struct gba_guss g;
	const struct gba_uss *u;

	memset(&g, 0, sizeof(g));
	T_CHECK(guss_uss_for(&g, "xcap") == NULL, "no uss: refused");
	T_CHECK(guss_uss_for(NULL, "xcap") == NULL, "NULL");
	g.n_uss = 2;
	(void)snprintf(g.uss[0].id, sizeof(g.uss[0].id), "a");
	(void)snprintf(g.uss[0].naf_group, GUSS_STR_MAX, "xcap");
	(void)snprintf(g.uss[1].id, sizeof(g.uss[1].id), "b");
	(void)snprintf(g.uss[1].naf_group, GUSS_STR_MAX, "web");
	T_CHECK((u = guss_uss_for(&g, "xcap")) == &g.uss[0], "exact group");
	T_CHECK(guss_uss_for(&g, "XCAP") == NULL, "groups compare exactly");
	T_CHECK(guss_uss_for(&g, "other") == NULL, "no match, no default");
	T_CHECK(guss_uss_for(&g, "") == NULL && guss_uss_for(&g, NULL) == NULL,
	    "no group given, no default");
	/* A uss for every NAF comes after an exact match, before nothing. */
	g.n_uss = 3;
	(void)snprintf(g.uss[2].id, sizeof(g.uss[2].id), "c");
	T_CHECK(guss_uss_for(&g, "other") == &g.uss[2], "default");
	T_CHECK(guss_uss_for(&g, NULL) == &g.uss[2], "default for no group");
	T_CHECK(guss_uss_for(&g, "web") == &g.uss[1], "exact before default");
	/* The first of two defaults. */
	g.uss[0].naf_group[0] = '\0';
	T_CHECK(guss_uss_for(&g, "other") == &g.uss[0], "first default");
}

int
main(void)
{
	test_roundtrip();
	test_foreign();
	test_malformed();
	test_limits();
	test_uss_for();
	return t_done("test_guss");
}
