/* test_scscf_select.c - the I-CSCF's choice of S-CSCF (icscf/
 * scscf_select.c, TS 29.228 6.7, TS 24.229 5.3.1.2): Server-Name wins,
 * every mandatory capability required, the most optional ones preferred,
 * the first on a tie, NULL when none fits; the -s option's syntax. */
#include <errno.h>
#include <string.h>

#include "scscf_select.h"
#include "t.h"

static void
test_parse(void)
{
	struct scscf_entry e;
	char longuri[SCSCF_URI_MAX + 8];

	T_CHECK(scscf_entry_parse("sip:10.0.0.2:6060", &e) == 0 &&
	    strcmp(e.uri, "sip:10.0.0.2:6060") == 0 && e.ncaps == 0, "plain");
	T_CHECK(scscf_entry_parse("sip:s1.example.org=1,20,300", &e) == 0 &&
	    strcmp(e.uri, "sip:s1.example.org") == 0 && e.ncaps == 3 &&
	    e.caps[0] == 1 && e.caps[1] == 20 && e.caps[2] == 300, "caps");
	T_CHECK(scscf_entry_parse("sip:s=", &e) == 0 && e.ncaps == 0,
	    "empty list");
	T_CHECK(scscf_entry_parse("s1.example.org", &e) == -EINVAL, "no sip:");
	T_CHECK(scscf_entry_parse("", &e) == -EINVAL, "empty");
	T_CHECK(scscf_entry_parse("=1", &e) == -EINVAL, "no URI");
	T_CHECK(scscf_entry_parse("sip:s=1,,2", &e) == -EINVAL, "empty cap");
	T_CHECK(scscf_entry_parse("sip:s=1,x", &e) == -EINVAL, "not a number");
	T_CHECK(scscf_entry_parse("sip:s=4294967296", &e) == -EINVAL,
	    "over 32 bits");
	T_CHECK(scscf_entry_parse("sip:s=1,2,3,4,5,6,7,8", &e) == 0 &&
	    e.ncaps == ICSCF_MAX_CAPS, "eight caps");
	T_CHECK(scscf_entry_parse("sip:s=1,2,3,4,5,6,7,8,9", &e) == -EINVAL,
	    "nine caps");
	memset(longuri, 'a', sizeof(longuri) - 1);
	longuri[sizeof(longuri) - 1] = '\0';
	memcpy(longuri, "sip:", 4);
	T_CHECK(scscf_entry_parse(longuri, &e) == -EINVAL, "URI too long");
}

static void
answer(struct cx_answer *a, const uint32_t *mand, unsigned nm,
    const uint32_t *opt, unsigned no)
{
	memset(a, 0, sizeof(*a));
	a->has_capabilities = nm + no > 0;
	if (nm > 0)
		memcpy(a->mandatory, mand, nm * sizeof(*mand));
	a->n_mandatory = nm;
	if (no > 0)
		memcpy(a->optional, opt, no * sizeof(*opt));
	a->n_optional = no;
}

static void
test_select(void)
{
	struct scscf_entry l[3];
	struct cx_answer a;
	const uint32_t c1[] = { 1 }, c3[] = { 3 }, c13[] = { 1, 3 };
	const uint32_t c9[] = { 9 }, c23[] = { 2, 3 };
	const char *s;

	T_CHECK(scscf_entry_parse("sip:a=1,2", &l[0]) == 0 &&
	    scscf_entry_parse("sip:b=2,3", &l[1]) == 0 &&
	    scscf_entry_parse("sip:c=1,2,3", &l[2]) == 0, "list");

	/* TS 24.229 5.3.1.2: a Server-Name from the HSS is used as is. */
	answer(&a, c9, 1, NULL, 0);
	(void)strcpy(a.server_name, "sip:assigned:6060");
	s = scscf_select(l, 3, &a);
	T_CHECK(s != NULL && strcmp(s, "sip:assigned:6060") == 0, "name");
	T_CHECK(scscf_select(NULL, 0, &a) == a.server_name, "name, no list");

	answer(&a, NULL, 0, NULL, 0);
	s = scscf_select(l, 3, &a);
	T_CHECK(s == l[0].uri, "no requirement: the first");
	answer(&a, c3, 1, NULL, 0);
	s = scscf_select(l, 3, &a);
	T_CHECK(s == l[1].uri, "mandatory 3: b first (%s)", s ? s : "-");
	answer(&a, c3, 1, c1, 1);
	s = scscf_select(l, 3, &a);
	T_CHECK(s == l[2].uri, "mandatory 3, optional 1: c (%s)",
	    s ? s : "-");
	answer(&a, NULL, 0, c23, 2);
	s = scscf_select(l, 3, &a);
	T_CHECK(s == l[1].uri, "optional 2,3: b (%s)", s ? s : "-");
	answer(&a, c13, 2, NULL, 0);
	s = scscf_select(l, 3, &a);
	T_CHECK(s == l[2].uri, "mandatory 1,3: only c (%s)", s ? s : "-");
	answer(&a, c9, 1, c1, 1);
	T_CHECK(scscf_select(l, 3, &a) == NULL, "mandatory 9: none fits");
	answer(&a, c1, 1, NULL, 0);
	T_CHECK(scscf_select(l, 0, &a) == NULL, "empty list");
	T_CHECK(scscf_select(&l[1], 1, &a) == NULL, "b lacks 1");
}

int
main(void)
{
	test_parse();
	test_select();
	return t_done("test_scscf_select");
}
