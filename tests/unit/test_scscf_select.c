/* test_scscf_select.c - the I-CSCF's choice of S-CSCF (icscf/
 * scscf_select.c, TS 29.228 6.7, TS 24.229 5.3.1.2, 5.3.1.3): every
 * mandatory capability required, the most optional ones preferred, the
 * least recently chosen on a tie (round robin), NULL when none fits;
 * held-down S-CSCFs passed over until their hold ends, unless nothing
 * else fits; the order of choice kept across a new candidate list; the
 * scscf key's syntax and the URI's host. */
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
state(struct scscf_state *s, const char *const *uris, unsigned n)
{
	struct scscf_entry l[8];
	unsigned i;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < n; i++)
		T_CHECK(scscf_entry_parse(uris[i], &l[i]) == 0, "%s", uris[i]);
	scscf_set(s, l, n);
}

static int
picked(struct scscf_state *s, const struct cx_answer *a, const char *ex,
    int64_t now, const char *want)
{
	const char *p = scscf_pick(s, a, ex, now);

	if (want == NULL)
		return p == NULL;
	return p != NULL && strncmp(p, want, strlen(want)) == 0 &&
	    (p[strlen(want)] == '\0');
}

static void
test_caps(void)
{
	static const char *const l[] = { "sip:a=1,2", "sip:b=2,3",
	    "sip:c=1,2,3" };
	struct scscf_state s;
	struct cx_answer a;
	const uint32_t c1[] = { 1 }, c3[] = { 3 }, c13[] = { 1, 3 };
	const uint32_t c9[] = { 9 }, c23[] = { 2, 3 };

	state(&s, l, 3);
	answer(&a, NULL, 0, NULL, 0);
	T_CHECK(picked(&s, &a, NULL, 0, "sip:a"), "no requirement: the first");
	state(&s, l, 3);
	answer(&a, c3, 1, NULL, 0);
	T_CHECK(picked(&s, &a, NULL, 0, "sip:b"), "mandatory 3: b first");
	answer(&a, c3, 1, c1, 1);
	T_CHECK(picked(&s, &a, NULL, 0, "sip:c") &&
	    picked(&s, &a, NULL, 0, "sip:c"),
	    "mandatory 3, optional 1: c, again (the best, not round robin)");
	state(&s, l, 3);
	answer(&a, NULL, 0, c23, 2);
	T_CHECK(picked(&s, &a, NULL, 0, "sip:b"), "optional 2,3: b");
	answer(&a, c13, 2, NULL, 0);
	T_CHECK(picked(&s, &a, NULL, 0, "sip:c"), "mandatory 1,3: only c");
	answer(&a, c9, 1, c1, 1);
	T_CHECK(picked(&s, &a, NULL, 0, NULL), "mandatory 9: none fits");
	state(&s, l, 0);
	answer(&a, c1, 1, NULL, 0);
	T_CHECK(picked(&s, &a, NULL, 0, NULL), "empty list");
	state(&s, l + 1, 1);
	T_CHECK(picked(&s, &a, NULL, 0, NULL), "b lacks 1");
}

static void
test_spread(void)
{
	static const char *const l[] = { "sip:10.0.0.1:6060=1",
	    "sip:10.0.0.2:6060=1", "sip:10.0.0.3:6060=1" };
	static const char *const l2[] = { "sip:10.0.0.2:6060=1",
	    "sip:10.0.0.1:6060=1", "sip:10.0.0.4:6060=1" };
	struct scscf_entry e[3];
	struct scscf_state s;
	struct cx_answer a;
	const uint32_t c1[] = { 1 };
	char want[32];
	unsigned i, ok = 1;

	state(&s, l, 3);
	answer(&a, c1, 1, NULL, 0);
	for (i = 0; i < 9; i++) {
		(void)snprintf(want, sizeof(want), "sip:10.0.0.%u:6060",
		    i % 3 + 1);
		ok &= (unsigned)picked(&s, &a, NULL, 0, want);
	}
	T_CHECK(ok, "equal candidates: round robin");

	/* Held down: passed over until the hold ends. */
	scscf_mark_failed(&s, "sip:10.0.0.2:6060", 1000);
	T_CHECK(scscf_is_failed(&s, "sip:10.0.0.2:6060", 999) &&
	    !scscf_is_failed(&s, "sip:10.0.0.2:6060", 1000) &&
	    !scscf_is_failed(&s, "sip:10.0.0.1:6060", 0), "held down");
	T_CHECK(picked(&s, &a, NULL, 10, "sip:10.0.0.1:6060") &&
	    picked(&s, &a, NULL, 10, "sip:10.0.0.3:6060") &&
	    picked(&s, &a, NULL, 10, "sip:10.0.0.1:6060"),
	    "a held-down S-CSCF is passed over");
	T_CHECK(picked(&s, &a, NULL, 1000, "sip:10.0.0.2:6060"),
	    "...and chosen again once its hold ended (least recent)");
	scscf_mark_failed(&s, "sip:10.0.0.1:6060", 5000);
	scscf_mark_failed(&s, "sip:10.0.0.3:6060", 5000);
	scscf_mark_failed(&s, "sip:10.0.0.2:6060", 5000);
	T_CHECK(picked(&s, &a, "sip:10.0.0.1:6060", 2000,
	    "sip:10.0.0.3:6060"),
	    "all held down: the least recent of them, not the excluded one");
	scscf_clear_failed(&s, "sip:10.0.0.2:6060");
	T_CHECK(picked(&s, &a, NULL, 2000, "sip:10.0.0.2:6060") &&
	    picked(&s, &a, NULL, 2000, "sip:10.0.0.2:6060"),
	    "cleared: the only one not held down");
	T_CHECK(picked(&s, &a, "sip:10.0.0.2:6060", 9000,
	    "sip:10.0.0.1:6060"), "excluded");

	/* A new list (resolved again): the order of choice kept, a new
	 * replica first. */
	state(&s, l, 3);
	T_CHECK(picked(&s, &a, NULL, 0, "sip:10.0.0.1:6060") &&
	    picked(&s, &a, NULL, 0, "sip:10.0.0.2:6060"), "two chosen");
	for (i = 0; i < 3; i++)
		(void)scscf_entry_parse(l2[i], &e[i]);
	scscf_set(&s, e, 3);
	T_CHECK(s.n == 3 && picked(&s, &a, NULL, 0, "sip:10.0.0.4:6060") &&
	    picked(&s, &a, NULL, 0, "sip:10.0.0.1:6060") &&
	    picked(&s, &a, NULL, 0, "sip:10.0.0.2:6060"),
	    "new list: the new replica, then the least recent");
}

static void
test_host(void)
{
	char h[64];
	const char *rest;

	T_CHECK(scscf_uri_host("sip:10.0.0.2:6060", h, sizeof(h), &rest) ==
	    1 && strcmp(h, "10.0.0.2") == 0 && strcmp(rest, ":6060") == 0,
	    "IPv4 literal");
	T_CHECK(scscf_uri_host("sip:[2001:db8::1]:6060;lr", h, sizeof(h),
	    &rest) == 1 && strcmp(h, "[2001:db8::1]") == 0 &&
	    strcmp(rest, ":6060;lr") == 0, "IPv6 literal");
	T_CHECK(scscf_uri_host("sip:scscf:6060", h, sizeof(h), &rest) == 0 &&
	    strcmp(h, "scscf") == 0 && strcmp(rest, ":6060") == 0, "a name");
	T_CHECK(scscf_uri_host("sip:scscf.ims.example.org;transport=tcp", h,
	    sizeof(h), &rest) == 0 && strcmp(rest, ";transport=tcp") == 0,
	    "a name with parameters");
	T_CHECK(scscf_uri_host("sip:u@scscf", h, sizeof(h), &rest) ==
	    -EINVAL && scscf_uri_host("tel:+1", h, sizeof(h), &rest) ==
	    -EINVAL && scscf_uri_host("sip:[::1", h, sizeof(h), &rest) ==
	    -EINVAL && scscf_uri_host("sip:", h, sizeof(h), &rest) == -EINVAL,
	    "user part, scheme, bracket, empty host refused");
}

static void
test_sticky(void)
{
	struct scscf_state s;
	const char *p;
	char impu[32];
	unsigned i;

	memset(&s, 0, sizeof(s));
	T_CHECK(scscf_sticky_get(&s, "sip:u@d", 0) == NULL, "none yet");
	scscf_sticky_set(&s, "sip:u@d", "sip:10.0.0.1:6060", 100);
	scscf_sticky_set(&s, "sip:v@d", "sip:10.0.0.2:6060", 100);
	p = scscf_sticky_get(&s, "sip:u@d", 99);
	T_CHECK(p != NULL && strcmp(p, "sip:10.0.0.1:6060") == 0 &&
	    scscf_sticky_get(&s, "sip:u@d", 100) == NULL, "kept until");
	scscf_sticky_set(&s, "sip:u@d", "sip:10.0.0.3:6060", 200);
	p = scscf_sticky_get(&s, "sip:u@d", 150);
	T_CHECK(p != NULL && strcmp(p, "sip:10.0.0.3:6060") == 0,
	    "replaced for the same user");
	/* u and v, then n0 (the oldest) give way. */
	for (i = 0; i < SCSCF_STICKY_MAX + 1; i++) {
		(void)snprintf(impu, sizeof(impu), "sip:n%u@d", i);
		scscf_sticky_set(&s, impu, "sip:10.0.0.9:6060", 1000 + i);
	}
	T_CHECK(scscf_sticky_get(&s, "sip:n0@d", 0) == NULL &&
	    scscf_sticky_get(&s, "sip:u@d", 0) == NULL &&
	    scscf_sticky_get(&s, "sip:n1@d", 0) != NULL &&
	    scscf_sticky_get(&s, "sip:n256@d", 0) != NULL,
	    "full: the oldest goes");
}

int
main(void)
{
	test_parse();
	test_caps();
	test_spread();
	test_host();
	test_sticky();
	return t_done("test_scscf_select");
}
