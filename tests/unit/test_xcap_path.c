/* test_xcap_path.c - the XCAP URI path and node selector parser
 * (naf/xcap_path.c, RFC 4825 6): documents, percent-encoded XUIs, the
 * step forms, and what is refused. */
#include <errno.h>
#include <string.h>

#include "t.h"
#include "xcap_path.h"

static int
parse(const char *s, struct xcap_path *p)
{
	char why[128];

	return xcap_path_parse(s, strlen(s), p, why, sizeof(why));
}

static void
test_documents(void)
{
	struct xcap_path p;

	T_CHECK(parse("/simservs.ngn.etsi.org/users/sip%3Aalice%40ims.lab/"
	    "simservs.xml", &p) == 0, "encoded XUI");
	T_CHECK(strcmp(p.auid, "simservs.ngn.etsi.org") == 0, "%s", p.auid);
	T_CHECK(strcmp(p.xui, "sip:alice@ims.lab") == 0, "%s", p.xui);
	T_CHECK(strcmp(p.doc, "simservs.xml") == 0, "%s", p.doc);
	T_CHECK(!p.has_selector && !p.global, "no selector");
	T_CHECK(parse("/simservs.ngn.etsi.org/users/sip:alice@ims.lab/"
	    "simservs.xml", &p) == 0 && strcmp(p.xui,
	    "sip:alice@ims.lab") == 0, "plain XUI");
	T_CHECK(parse("/a/users/tel%2B1234%2Fx/d/e.xml", &p) == 0 &&
	    strcmp(p.xui, "tel+1234/x") == 0 && strcmp(p.doc, "d/e.xml") == 0,
	    "%%2F stays in the XUI; subdirectories: %s %s", p.xui, p.doc);
	T_CHECK(parse("/a/global/index", &p) == 0 && p.global &&
	    strcmp(p.doc, "index") == 0, "global tree");
}

static void
test_selectors(void)
{
	struct xcap_path p;

	T_CHECK(parse("/s/users/u/simservs.xml/~~/simservs/"
	    "communication-diversion", &p) == 0, "by name");
	T_CHECK(p.has_selector && p.nsteps == 2, "%zu steps", p.nsteps);
	T_CHECK(strcmp(p.steps[1].name, "communication-diversion") == 0 &&
	    p.steps[1].pos == 0 && !p.steps[1].has_attr, "step 2");
	T_CHECK(parse("/s/users/u/d.xml/~~/simservs/cp:ruleset/cp:rule[2]",
	    &p) == 0 && p.nsteps == 3 && p.steps[2].pos == 2 &&
	    strcmp(p.steps[2].prefix, "cp") == 0 &&
	    strcmp(p.steps[2].name, "rule") == 0, "by position, prefix");
	T_CHECK(parse("/s/users/u/d.xml/~~/simservs/cp:ruleset/"
	    "cp:rule%5b@id=%22rule1%22%5d", &p) == 0 && p.nsteps == 3 &&
	    p.steps[2].has_attr && strcmp(p.steps[2].attr, "id") == 0 &&
	    strcmp(p.steps[2].value, "rule1") == 0, "by attribute, encoded");
	T_CHECK(parse("/s/users/u/d.xml/~~/a/b[3][@x='v/w']", &p) == 0 &&
	    p.steps[1].pos == 3 && strcmp(p.steps[1].value, "v/w") == 0,
	    "by position and attribute, '/' inside the value");
	T_CHECK(parse("/s/users/u/d.xml/~~/a/*[1]", &p) == 0 &&
	    strcmp(p.steps[1].name, "*") == 0 && p.steps[1].pos == 1, "any");
}

static void
test_refused(void)
{
	static const char *const bad[] = {
		"", "/", "/s", "/s/users", "/s/users/u", "/s/users/u/",
		"/s/other/u/d.xml", "/s/users//d.xml", "/s/users/../d.xml",
		"/s/users/u/./d.xml", "/s/users/u%00x/d.xml",
		"/s/users/u%0d%0a/d.xml", "/s/users/u%4/d.xml",
		"/s/users/u/d.xml/~~", "/s/users/u/d.xml/~~/",
		"/s/users/u/d.xml/~~/a//b", "/s/users/u/d.xml/~~/a[0]",
		"/s/users/u/d.xml/~~/a[01]", "/s/users/u/d.xml/~~/a[1",
		"/s/users/u/d.xml/~~/a[@x=v]", "/s/users/u/d.xml/~~/a[@x=\"v]",
		"/s/users/u/d.xml/~~/1a", "/s/users/u/d.xml/~~/a[@x=\"<\"]",
		"/s/users/u/d.xml/~~/a[1234567]", "/s/users/u/~~/a",
		"/s/users/u/d.xml/~~/a/b/", NULL
	};
	struct xcap_path p;
	size_t i;
	int rc;

	for (i = 0; bad[i] != NULL; i++) {
		rc = parse(bad[i], &p);
		T_CHECK(rc == -EINVAL, "\"%s\" gave %d", bad[i], rc);
	}
	T_CHECK(parse("/s/users/u/d.xml/~~/a/@x", &p) == -ENOTSUP,
	    "attribute selector");
	T_CHECK(parse("/s/users/u/d.xml/~~/a/namespace::*", &p) == -ENOTSUP,
	    "namespace selector");
	T_CHECK(xcap_path_parse("/s/users/u\0/d.xml", 16, &p, (char[64]){ 0 },
	    64) == -EINVAL, "embedded NUL");
}

static void
test_limits(void)
{
	char s[XCAP_PATH_MAX + 64];
	struct xcap_path p;
	size_t i;

	strcpy(s, "/s/users/u/d.xml/~~/r");
	for (i = 1; i < XCAP_STEPS_MAX; i++)
		strcat(s, "/e");
	T_CHECK(parse(s, &p) == 0 && p.nsteps == XCAP_STEPS_MAX, "max steps");
	strcat(s, "/e");
	T_CHECK(parse(s, &p) == -EINVAL, "one step too many");
	strcpy(s, "/s/users/");
	for (i = 0; i <= XCAP_XUI_MAX; i++)
		strcat(s, "x");
	strcat(s, "/d.xml");
	T_CHECK(parse(s, &p) == -EINVAL, "XUI too long");
}

int
main(void)
{
	test_documents();
	test_selectors();
	test_refused();
	test_limits();
	return t_done("test_xcap_path");
}
