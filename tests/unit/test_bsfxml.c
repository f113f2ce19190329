/* test_bsfxml.c - the TS 24.109 Annex C bsf+xml body: format, parse,
 * round trip, the forms the parser must take and those it must refuse. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "bsfxml.h"
#include "t.h"

#define BTID	"eHl6eHl6eHl6eHl6eHl6eA==@bsf.ims.example.org"
/* 2026-12-02T10:30:00Z */
#define EXPIRY	INT64_C(1796207400)

static int
parse(const char *body, char *btid, int64_t *expiry)
{
	return bsfxml_parse(body, strlen(body), btid, BSFXML_BTID_MAX, expiry);
}

static void
test_format(void)
{
	char buf[1024], small[64], btid[BSFXML_BTID_MAX], lt[BSFXML_LIFETIME_MAX];
	struct strbuf sb;
	int64_t exp = 0;

	strbuf_init(&sb, buf, sizeof(buf));
	T_CHECK(bsfxml_format(BTID, EXPIRY, &sb) == 0, "format");
	T_CHECK(strcmp(buf,
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<BootstrappingInfo xmlns=\"uri:3gpp-gba\">\n"
	    "  <btid>" BTID "</btid>\n"
	    "  <lifetime>2026-12-02T10:30:00Z</lifetime>\n"
	    "</BootstrappingInfo>\n") == 0, "document:\n%s", buf);
	T_CHECK(bsfxml_parse_text(buf, strlen(buf), btid, sizeof(btid), lt,
	    sizeof(lt), &exp) == 0, "round trip");
	T_CHECK(strcmp(btid, BTID) == 0, "btid %s", btid);
	T_CHECK(strcmp(lt, "2026-12-02T10:30:00Z") == 0, "lifetime %s", lt);
	T_CHECK(exp == EXPIRY, "expiry %lld", (long long)exp);

	strbuf_init(&sb, small, sizeof(small));
	T_CHECK(bsfxml_format(BTID, EXPIRY, &sb) == -ENOSPC, "overflow");
	strbuf_init(&sb, buf, sizeof(buf));
	T_CHECK(bsfxml_format("a<b@x", EXPIRY, &sb) == -EINVAL, "markup");
	T_CHECK(bsfxml_format("a b@x", EXPIRY, &sb) == -EINVAL, "blank");
	T_CHECK(bsfxml_format("", EXPIRY, &sb) == -EINVAL, "empty");
	T_CHECK(bsfxml_format(BTID, INT64_C(253402300800), &sb) == -EINVAL,
	    "year 10000");
	T_CHECK(bsfxml_format_lifetime(0, small, sizeof(small)) == 0 &&
	    strcmp(small, "1970-01-01T00:00:00Z") == 0, "epoch %s", small);
	T_CHECK(bsfxml_format_lifetime(951782400, small, sizeof(small)) == 0 &&
	    strcmp(small, "2000-02-29T00:00:00Z") == 0, "leap %s", small);
}

static const struct {
	const char	*body;
	int64_t		 expiry;
} good[] = {
	/* no declaration, no namespace, CRLF and tabs */
	{ "<BootstrappingInfo>\r\n\t<btid>" BTID "</btid>\r\n\t"
	  "<lifetime>2026-12-02T10:30:00Z</lifetime>\r\n"
	  "</BootstrappingInfo>", EXPIRY },
	/* BOM, declaration, comments, blanks inside the texts and tags */
	{ "\xef\xbb\xbf<?xml version='1.0'?>\n<!-- Ub -->\n"
	  "<BootstrappingInfo xmlns='uri:3gpp-gba' xmlns:x=\"urn:other\" >"
	  "<btid >\n " BTID " \n</btid ><!-- c -->"
	  "<lifetime> 2026-12-02T10:30:00Z </lifetime>"
	  "</BootstrappingInfo >\n<!-- end -->\n", EXPIRY },
	/* a prefix bound to the namespace; fractions; an offset */
	{ "<g:BootstrappingInfo xmlns:g=\"uri:3gpp-gba\"><g:btid>" BTID
	  "</g:btid><g:lifetime>2026-12-02T12:30:00.250+02:00</g:lifetime>"
	  "</g:BootstrappingInfo>", EXPIRY },
	/* no zone: UTC; extension elements, nested and empty */
	{ "<BootstrappingInfo xmlns=\"uri:3gpp-gba\"><btid>" BTID "</btid>"
	  "<lifetime>2026-12-02T10:30:00</lifetime>"
	  "<x:ext xmlns:x=\"urn:x\" a=\"1\"><x:in>t<x:e/></x:in></x:ext>"
	  "<y/></BootstrappingInfo>", EXPIRY },
	{ "<BootstrappingInfo><btid>" BTID "</btid>"
	  "<lifetime>2026-12-02T05:00:00-05:30</lifetime>"
	  "</BootstrappingInfo>", EXPIRY },
};

static const char *const bad[] = {
	"",
	"<BootstrappingInfo/>",
	"<BootstrappingInfo></BootstrappingInfo>",
	/* wrong root, wrong namespace, undeclared prefix */
	"<Bootstrapping><btid>a@b</btid><lifetime>2026-12-02T10:30:00Z"
	    "</lifetime></Bootstrapping>",
	"<BootstrappingInfo xmlns=\"uri:3gpp-gbax\"><btid>a@b</btid>"
	    "<lifetime>2026-12-02T10:30:00Z</lifetime></BootstrappingInfo>",
	"<g:BootstrappingInfo><g:btid>a@b</g:btid><g:lifetime>"
	    "2026-12-02T10:30:00Z</g:lifetime></g:BootstrappingInfo>",
	"<g:BootstrappingInfo xmlns:g=\"uri:3gpp-gba\"><btid>a@b</btid>"
	    "<lifetime>2026-12-02T10:30:00Z</lifetime></g:BootstrappingInfo>",
	/* missing, empty, reordered elements */
	"<BootstrappingInfo><btid>a@b</btid></BootstrappingInfo>",
	"<BootstrappingInfo><lifetime>2026-12-02T10:30:00Z</lifetime>"
	    "</BootstrappingInfo>",
	"<BootstrappingInfo><btid> </btid><lifetime>2026-12-02T10:30:00Z"
	    "</lifetime></BootstrappingInfo>",
	"<BootstrappingInfo><lifetime>2026-12-02T10:30:00Z</lifetime>"
	    "<btid>a@b</btid></BootstrappingInfo>",
	/* entities, CDATA, mismatched end tags, trailing data */
	"<BootstrappingInfo><btid>a&amp;b</btid><lifetime>"
	    "2026-12-02T10:30:00Z</lifetime></BootstrappingInfo>",
	"<BootstrappingInfo><btid><![CDATA[a@b]]></btid><lifetime>"
	    "2026-12-02T10:30:00Z</lifetime></BootstrappingInfo>",
	"<BootstrappingInfo><btid>a@b</bti><lifetime>2026-12-02T10:30:00Z"
	    "</lifetime></BootstrappingInfo>",
	"<BootstrappingInfo><btid>a@b</btid><lifetime>2026-12-02T10:30:00Z"
	    "</lifetime></BootstrappingInfo><x/>",
	"<BootstrappingInfo><btid>a@b</btid><lifetime>2026-12-02T10:30:00Z"
	    "</lifetime>",
	"<!DOCTYPE x><BootstrappingInfo><btid>a@b</btid><lifetime>"
	    "2026-12-02T10:30:00Z</lifetime></BootstrappingInfo>",
	"<BootstrappingInfo><!-- a -- b --><btid>a@b</btid><lifetime>"
	    "2026-12-02T10:30:00Z</lifetime></BootstrappingInfo>",
	/* bad dates */
	"<BootstrappingInfo><btid>a@b</btid><lifetime>2026-02-29T10:30:00Z"
	    "</lifetime></BootstrappingInfo>",
	"<BootstrappingInfo><btid>a@b</btid><lifetime>2026-12-02T24:00:00Z"
	    "</lifetime></BootstrappingInfo>",
	"<BootstrappingInfo><btid>a@b</btid><lifetime>2026-12-02 10:30:00Z"
	    "</lifetime></BootstrappingInfo>",
	"<BootstrappingInfo><btid>a@b</btid><lifetime>2026-12-02T10:30:00."
	    "</lifetime></BootstrappingInfo>",
	"<BootstrappingInfo><btid>a@b</btid><lifetime>2026-12-02T10:30:00+2"
	    "</lifetime></BootstrappingInfo>",
	"<BootstrappingInfo><btid>a@b</btid><lifetime>1796207400"
	    "</lifetime></BootstrappingInfo>",
	/* attribute without quotes, without a blank before it */
	"<BootstrappingInfo xmlns=uri:3gpp-gba><btid>a@b</btid><lifetime>"
	    "2026-12-02T10:30:00Z</lifetime></BootstrappingInfo>",
	"<BootstrappingInfo a=\"1\"b=\"2\"><btid>a@b</btid><lifetime>"
	    "2026-12-02T10:30:00Z</lifetime></BootstrappingInfo>",
};

static void
test_parse(void)
{
	char btid[BSFXML_BTID_MAX], tiny[8];
	int64_t exp;
	size_t i;
	const char *b;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		exp = 0;
		T_CHECK(parse(good[i].body, btid, &exp) == 0, "good[%zu]", i);
		T_CHECK(strcmp(btid, BTID) == 0, "good[%zu] btid %s", i, btid);
		T_CHECK(exp == good[i].expiry, "good[%zu] expiry %lld", i,
		    (long long)exp);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		T_CHECK(parse(bad[i], btid, &exp) == -EINVAL, "bad[%zu]", i);
		T_CHECK(btid[0] == '\0', "bad[%zu] left %s", i, btid);
	}
	/* A B-TID longer than the caller's buffer. */
	b = good[0].body;
	T_CHECK(bsfxml_parse(b, strlen(b), tiny, sizeof(tiny), &exp) ==
	    -EINVAL, "too long");
	/* Every truncation of a good document is refused. */
	b = good[3].body;
	for (i = 0; i < strlen(b); i++)
		T_CHECK(bsfxml_parse(b, i, btid, sizeof(btid), &exp) == -EINVAL,
		    "truncated at %zu", i);
	/* An embedded NUL. */
	T_CHECK(bsfxml_parse(b, strlen(b) + 1, btid, sizeof(btid), &exp) ==
	    -EINVAL, "NUL");
}

int
main(void)
{
	test_format();
	test_parse();
	return t_done("test_bsfxml");
}
