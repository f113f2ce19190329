/* test_reginfo.c - the RFC 3680 reginfo reader and writer: the RFC's own
 * example (5.4 / 6), what the S-CSCF writes read back, and hostile input
 * (DOCTYPE, bad nesting, bounds, entities, NUL). */
#include <errno.h>
#include <string.h>

#include "reginfo.h"
#include "t.h"

static struct reginfo ri, ri2;
static char out[8192];

static int
parse(const char *s)
{
	return reginfo_parse(s, strlen(s), &ri);
}

/* RFC 3680 6 (example), shortened; a prefix on the elements. */
static const char rfc_example[] =
	"<?xml version=\"1.0\"?>\n"
	"<!-- a comment -->\n"
	"<reginfo xmlns=\"urn:ietf:params:xml:ns:reginfo\"\n"
	"         version=\"0\" state=\"full\">\n"
	"  <registration aor=\"sip:joe@example.com\" id=\"a7\" "
	"state=\"init\" />\n"
	"  <registration aor='sip:alice@example.com' id=\"a8\" "
	"state=\"active\">\n"
	"    <contact id=\"76\" state=\"active\" event=\"registered\" "
	"duration-registered=\"7322\" q=\"0.8\">\n"
	"      <uri> sip:alice@pc887.example.com </uri>\n"
	"      <display-name>A &amp; B</display-name>\n"
	"    </contact>\n"
	"    <contact id=\"77\" state=\"terminated\" event=\"expired\">"
	"<uri>sip:alice@host&#x3B;x=1</uri></contact>\n"
	"  </registration>\n"
	"</reginfo>\n";

static void
test_rfc_example(void)
{
	const struct reginfo_reg *r;

	T_CHECK(parse(rfc_example) == 0, "rfc example");
	T_CHECK(ri.full && ri.version == 0 && ri.nregs == 2, "root");
	T_CHECK(ri.reg[0].state == REGINFO_INIT && ri.reg[0].ncontacts == 0,
	    "empty registration");
	r = reginfo_find(&ri, "sip:alice@example.com");
	T_CHECK(r != NULL && r->state == REGINFO_ACTIVE &&
	    r->ncontacts == 2, "alice");
	if (r == NULL || r->ncontacts != 2)
		return;
	T_CHECK(strcmp(r->contact[0].uri, "sip:alice@pc887.example.com") == 0,
	    "uri trimmed: %s", r->contact[0].uri);
	T_CHECK(r->contact[1].state == REGINFO_TERMINATED &&
	    strcmp(r->contact[1].event, "expired") == 0 &&
	    strcmp(r->contact[1].uri, "sip:alice@host;x=1") == 0,
	    "terminated contact, character reference: %s", r->contact[1].uri);
	T_CHECK(reginfo_find(&ri, "sip:bob@example.com") == NULL, "find");
}

static void
test_round_trip(void)
{
	int n;

	memset(&ri2, 0, sizeof(ri2));
	ri2.version = 7;
	ri2.full = 1;
	ri2.nregs = 1;
	(void)snprintf(ri2.reg[0].aor, REGINFO_URI_MAX, "sip:a&b<c>@x");
	(void)snprintf(ri2.reg[0].id, REGINFO_ID_MAX, "r1");
	ri2.reg[0].state = REGINFO_TERMINATED;
	ri2.reg[0].ncontacts = 1;
	ri2.reg[0].contact[0].state = REGINFO_TERMINATED;
	(void)snprintf(ri2.reg[0].contact[0].id, REGINFO_ID_MAX, "c1");
	(void)snprintf(ri2.reg[0].contact[0].event, REGINFO_EVENT_MAX,
	    "rejected");
	(void)snprintf(ri2.reg[0].contact[0].uri, REGINFO_URI_MAX,
	    "sip:u@10.0.0.1:5060;\"q\"='x'");
	n = reginfo_format(&ri2, out, sizeof(out));
	T_CHECK(n > 0 && (size_t)n == strlen(out), "format");
	T_CHECK(reginfo_parse(out, (size_t)n, &ri) == 0, "read back: %s", out);
	T_CHECK(ri.version == 7 && ri.full && ri.nregs == 1 &&
	    strcmp(ri.reg[0].aor, ri2.reg[0].aor) == 0 &&
	    ri.reg[0].state == REGINFO_TERMINATED &&
	    ri.reg[0].ncontacts == 1 &&
	    strcmp(ri.reg[0].contact[0].uri, ri2.reg[0].contact[0].uri) == 0 &&
	    strcmp(ri.reg[0].contact[0].event, "rejected") == 0,
	    "same content");
	T_CHECK(reginfo_format(&ri2, out, 40) == -ENOSPC, "short buffer");
}

static void
test_hostile(void)
{
	static const char *const bad[] = {
		"",
		"   ",
		"<registration aor=\"a\" state=\"active\"/>",	/* not root */
		"<reginfo>",					/* open */
		"<reginfo></registration>",
		"<reginfo><registration aor=\"a\" state=\"active\"></reginfo>",
		"<!DOCTYPE x [<!ENTITY a \"b\">]><reginfo/>",
		"<reginfo><![CDATA[x]]></reginfo>",
		"<reginfo/><reginfo/>",
		"<reginfo/>junk",
		"<reginfo><registration state=\"active\"/></reginfo>",
		"<reginfo><registration aor=\"a\"/></reginfo>",
		"<reginfo><registration aor=\"a\" state=\"active\">"
		    "<contact id=\"1\"/></registration></reginfo>",
		"<reginfo><registration aor=\"a&foo;\" state=\"active\"/>"
		    "</reginfo>",
		"<reginfo><registration aor=\"a&#0;\" state=\"active\"/>"
		    "</reginfo>",
		"<reginfo><registration aor=\"a&#x100;\" state=\"active\"/>"
		    "</reginfo>",
		"<reginfo><registration aor=\"a\" state=\"active></reginfo>",
		"<reginfo><registration aor=a state=\"active\"/></reginfo>",
		"<reginfo version=\"-1\"/>",
		"<reginfo version=\"99999999999\"/>",
		"<reginfo>a & b</reginfo>",
		"<reginfo><!-- open",
		"<?xml version=\"1.0\"",
		"<reginfo><registration aor=\"a\" state=\"active\">"
		    "<contact state=\"active\"><uri>x</uri><uri>y</uri>"
		    "</contact></registration></reginfo>",
		"<reginfo><registration aor=\"a\" state=\"active\">"
		    "<contact state=\"active\"><uri>x<y</uri></contact>"
		    "</registration></reginfo>",
		NULL
	};
	char big[8192];
	size_t i, len;

	for (i = 0; bad[i] != NULL; i++)
		T_CHECK(parse(bad[i]) < 0 && ri.nregs == 0, "refused: %s",
		    bad[i]);
	T_CHECK(reginfo_parse("<reginfo/>\0x", 12, &ri) == -EINVAL, "NUL");
	/* Deeper than REGINFO_DEPTH_MAX. */
	len = (size_t)snprintf(big, sizeof(big), "<reginfo>");
	for (i = 0; i < REGINFO_DEPTH_MAX + 1; i++)
		len += (size_t)snprintf(big + len, sizeof(big) - len, "<x>");
	T_CHECK(reginfo_parse(big, len, &ri) == -E2BIG, "depth");
	/* Too many registrations. */
	len = (size_t)snprintf(big, sizeof(big), "<reginfo>");
	for (i = 0; i < REGINFO_REGS_MAX + 1; i++)
		len += (size_t)snprintf(big + len, sizeof(big) - len,
		    "<registration aor=\"sip:%zu@x\" state=\"active\"/>", i);
	len += (size_t)snprintf(big + len, sizeof(big) - len, "</reginfo>");
	T_CHECK(reginfo_parse(big, len, &ri) == -E2BIG, "registrations");
	/* A uri longer than the bound: refused, never cut. */
	len = (size_t)snprintf(big, sizeof(big), "<reginfo><registration "
	    "aor=\"a\" state=\"active\"><contact state=\"active\"><uri>");
	for (i = 0; i < REGINFO_URI_MAX; i++)
		big[len++] = 'u';
	len += (size_t)snprintf(big + len, sizeof(big) - len,
	    "</uri></contact></registration></reginfo>");
	T_CHECK(reginfo_parse(big, len, &ri) == -E2BIG, "long uri");
	/* Unknown elements and text are skipped. */
	T_CHECK(parse("<r:reginfo xmlns:r=\"urn:ietf:params:xml:ns:reginfo\" "
	    "version=\"3\" state=\"partial\"><x y=\"&lt;\">t &gt;"
	    "<z/></x></r:reginfo>") == 0 && ri.version == 3 && !ri.full,
	    "prefix and unknown elements");
}

int
main(void)
{
	test_rfc_example();
	test_round_trip();
	test_hostile();
	return t_done("test_reginfo");
}
