/* test_pcscf_limit.c - the P-CSCF's per-source REGISTER challenge limit
 * (pcscf/pcscf_limit.c): a burst then the rate, Retry-After, no loss to
 * rounding, IPv4 by address and IPv6 by /64, v4-mapped as IPv4, a table
 * full of drained buckets refusing new sources, refilled ones making
 * room. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "pcscf.h"
#include "t.h"

static int64_t ms = 1000000;

static int64_t
fake_ms(void *arg)
{
	(void)arg;
	return ms;
}

static struct pcscf_limit *
limit(size_t cap, unsigned rate, unsigned burst)
{
	struct pcscf_limit *l = pcscf_limit_new(cap);

	if (l != NULL) {
		pcscf_limit_set_clock(l, fake_ms, NULL);
		pcscf_limit_set(l, rate, burst);
	}
	return l;
}

static int
take(struct pcscf_limit *l, const char *ip, unsigned *ra)
{
	unsigned dummy;

	return pcscf_limit_take(l, ip, ra != NULL ? ra : &dummy);
}

static void
test_bucket(void)
{
	struct pcscf_limit *l = limit(16, 6, 3);	/* one per 10 s */
	unsigned ra, i, n;

	T_CHECK(l != NULL, "new");
	for (i = 0; i < 3; i++)
		T_CHECK(take(l, "10.0.0.1", NULL) == 1, "burst %u", i);
	T_CHECK(take(l, "10.0.0.1", &ra) == 0, "beyond the burst");
	T_CHECK(ra == 10, "Retry-After 10 s (got %u)", ra);
	T_CHECK(take(l, "10.0.0.1", NULL) == 0, "still none");
	T_CHECK(take(l, "10.0.0.2", NULL) == 1, "another address has its own");
	ms += 4000;
	T_CHECK(take(l, "10.0.0.1", &ra) == 0 && ra == 6,
	    "4 s later: 6 s to go (got %u)", ra);
	ms += 6000;
	T_CHECK(take(l, "10.0.0.1", NULL) == 1, "10 s: one token");
	T_CHECK(take(l, "10.0.0.1", NULL) == 0, "and only one");
	/* Asking every millisecond loses nothing to rounding. */
	for (n = 0, i = 0; i < 20000; i++) {
		ms += 1;
		n += take(l, "10.0.0.1", NULL) == 1;
	}
	T_CHECK(n == 2, "20 s of polling: 2 tokens (got %u)", n);
	ms += 3600000;
	for (n = 0, i = 0; i < 10; i++)
		n += take(l, "10.0.0.1", NULL) == 1;
	T_CHECK(n == 3, "an hour later: the burst, no more (got %u)", n);
	T_CHECK(take(l, "not-an-address", NULL) == -EINVAL, "bad address");
	pcscf_limit_set(l, 60, 5);
	ms += 1000;
	T_CHECK(take(l, "10.0.0.1", NULL) == 1, "a new rate applies");
	pcscf_limit_free(l);
}

static void
test_sources(void)
{
	struct pcscf_limit *l = limit(16, 1, 1);

	T_CHECK(take(l, "2001:db8:1:2::1", NULL) == 1, "v6");
	T_CHECK(take(l, "2001:db8:1:2:ffff::99", NULL) == 0,
	    "same /64: the same source");
	T_CHECK(take(l, "2001:db8:1:3::1", NULL) == 1, "another /64");
	T_CHECK(take(l, "192.0.2.7", NULL) == 1, "v4");
	T_CHECK(take(l, "::ffff:192.0.2.7", NULL) == 0,
	    "v4-mapped is the IPv4 address");
	T_CHECK(take(l, "::ffff:192.0.2.8", NULL) == 1,
	    "and not its /64 (another v4 address)");
	pcscf_limit_free(l);
}

static void
test_capacity(void)
{
	struct pcscf_limit *l = limit(2, 1, 2);
	unsigned ra;

	T_CHECK(take(l, "10.1.0.1", NULL) == 1, "a");
	T_CHECK(take(l, "10.1.0.2", NULL) == 1, "b");
	T_CHECK(take(l, "10.1.0.3", &ra) == 0,
	    "full of drained buckets: a new source waits");
	T_CHECK(ra == 60, "until the oldest refilled (got %u)", ra);
	ms += 60000;
	T_CHECK(take(l, "10.1.0.3", NULL) == 1,
	    "the refilled one made room");
	T_CHECK(take(l, "10.1.0.3", NULL) == 1 &&
	    take(l, "10.1.0.3", NULL) == 0, "a fresh bucket: the burst");
	T_CHECK(take(l, "10.1.0.2", NULL) == 1, "b's bucket was kept");
	pcscf_limit_free(l);
	T_CHECK(pcscf_limit_new(0) == NULL, "no capacity");
}

int
main(void)
{
	test_bucket();
	test_sources();
	test_capacity();
	return t_done("test_pcscf_limit");
}
