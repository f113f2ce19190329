/* test_pcscf_ues.c - the P-CSCF's UE table (pcscf/pcscf_reg.c): look-up
 * by source address, a registered unexpired UE never evicted (full:
 * NULL, i.e. 503 with Retry-After), lapsed registrations and unregistered
 * entries reused (least recently used first), keys wiped on removal; and
 * a random run against a model of the rules. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pcscf.h"
#include "t.h"

static time_t clock_now = 5000;

static time_t
fake_now(void *arg)
{
	(void)arg;
	return clock_now;
}

static struct pcscf_ues *
table(size_t cap)
{
	struct pcscf_ues *t = pcscf_ues_new(cap);

	if (t != NULL)
		pcscf_ues_set_clock(t, fake_now, NULL);
	return t;
}

static void
ip_of(unsigned n, char *ip, size_t size)
{
	(void)snprintf(ip, size, "10.%u.%u.%u", (n >> 16) & 0xff,
	    (n >> 8) & 0xff, n & 0xff);
}

static void
impi_of(unsigned n, char *impi, size_t size)
{
	(void)snprintf(impi, size, "ue%u@ims.example.org", n);
}

/* UE n at 10.x.y.z:5060+n%7. */
static struct pcscf_ue *
get(struct pcscf_ues *t, unsigned n)
{
	char ip[32], impi[64];

	ip_of(n, ip, sizeof(ip));
	impi_of(n, impi, sizeof(impi));
	return pcscf_ue_get(t, ip, 5060 + n % 7, impi);
}

static struct pcscf_ue *
registered(struct pcscf_ues *t, unsigned n)
{
	char ip[32];

	ip_of(n, ip, sizeof(ip));
	return pcscf_ue_registered(t, ip, 5060 + n % 7);
}

static struct pcscf_ue *
find(struct pcscf_ues *t, unsigned n)
{
	char ip[32], impi[64];

	ip_of(n, ip, sizeof(ip));
	impi_of(n, impi, sizeof(impi));
	return pcscf_ue_find(t, ip, 5060 + n % 7, impi);
}

static int
reg(struct pcscf_ues *t, unsigned n, unsigned expires)
{
	struct pcscf_ue *u = get(t, n);

	if (u == NULL)
		return -1;
	(void)snprintf(u->impu, sizeof(u->impu), "sip:ue%u@ims.example.org",
	    n);
	memset(u->ck, 0xc0 | (n & 0xf), sizeof(u->ck));
	memcpy(u->ck, "CKEY", 4);
	u->ck[4] = (uint8_t)n;
	u->ck[5] = (uint8_t)(n >> 8);
	u->has_keys = 1;
	pcscf_ue_set_registered(t, u, expires);
	return 0;
}

static int
holds_ck(struct pcscf_ues *t, unsigned n)
{
	uint8_t ck[16];

	memset(ck, 0xc0 | (n & 0xf), sizeof(ck));
	memcpy(ck, "CKEY", 4);
	ck[4] = (uint8_t)n;
	ck[5] = (uint8_t)(n >> 8);
	return pcscf_ues_holds(t, ck, sizeof(ck));
}

static void
test_lookup(void)
{
	struct pcscf_ues *t = table(1024);
	struct pcscf_ue *u;
	unsigned n, bad = 0;

	T_CHECK(t != NULL, "new");
	T_CHECK(pcscf_ues_new(0) == NULL, "capacity 0 refused");
	for (n = 0; n < 1000; n++)
		if (n % 2 == 0 ? reg(t, n, 600) < 0 : get(t, n) == NULL)
			bad++;
	T_CHECK(bad == 0, "%u inserts failed", bad);
	for (n = 0; n < 1000; n++) {
		u = registered(t, n);
		if (n % 2 == 0 ? (u == NULL || u->ck[4] != (uint8_t)n) :
		    u != NULL)
			bad++;
	}
	T_CHECK(bad == 0, "%u look-ups wrong", bad);
	T_CHECK(pcscf_ue_registered(t, "10.0.0.2", 5061) == NULL,
	    "another port");
	T_CHECK(pcscf_ue_registered(t, "10.0.0.20", 5062) == NULL,
	    "another address");
	/* Same address, another IMPI: its own entry. */
	u = pcscf_ue_get(t, "10.0.0.2", 5062, "other@ims.example.org");
	T_CHECK(u != NULL && u != registered(t, 2), "second IMPI");
	T_CHECK(find(t, 2) == registered(t, 2), "find");
	pcscf_ue_forget(t, find(t, 2));
	T_CHECK(registered(t, 2) == NULL && !holds_ck(t, 2),
	    "forgotten and wiped");
	pcscf_ues_free(t);
}

static void
test_capacity(void)
{
	struct pcscf_ues *t = table(3);
	struct pcscf_ues_stats s;

	T_CHECK(reg(t, 1, 100) == 0 && reg(t, 2, 200) == 0 &&
	    reg(t, 3, 300) == 0, "three registered");
	T_CHECK(get(t, 4) == NULL, "full of registrations: busy");
	T_CHECK(pcscf_ues_retry_after(t) == 100, "Retry-After %u",
	    pcscf_ues_retry_after(t));
	T_CHECK(registered(t, 1) && registered(t, 2) && registered(t, 3),
	    "none evicted");
	T_CHECK(get(t, 2) == find(t, 2), "a registered UE still gets its own");
	/* Re-registration moves the expiry (the heap follows). */
	T_CHECK(reg(t, 1, 1000) == 0, "1 re-registers for 1000 s");
	clock_now += 201;
	T_CHECK(registered(t, 2) == NULL, "2 lapsed");
	T_CHECK(get(t, 4) != NULL, "4 takes a lapsed registration");
	T_CHECK(find(t, 2) == NULL && !holds_ck(t, 2), "2 reused and wiped");
	T_CHECK(registered(t, 1) != NULL && registered(t, 3) != NULL,
	    "1 and 3 still registered");
	/* Unregistered entries go, least recently used first. */
	T_CHECK(get(t, 5) == NULL || find(t, 4) == NULL,
	    "5 only by evicting 4");
	clock_now += 100;
	T_CHECK(registered(t, 3) == NULL, "3 lapsed");
	T_CHECK(get(t, 6) != NULL && find(t, 3) == NULL, "6 takes 3's");
	T_CHECK(get(t, 7) != NULL, "7 takes an unregistered one");
	pcscf_ues_stats(t, &s);
	T_CHECK(s.registered == 1 && s.other == 2 && s.capacity == 3,
	    "stats %zu %zu %zu", s.registered, s.other, s.capacity);
	T_CHECK(registered(t, 1) != NULL, "1 untouched throughout");
	/* A lapsed UE registering again keeps its entry, unregistered. */
	clock_now += 1000;
	T_CHECK(get(t, 1) == find(t, 1) && !find(t, 1)->registered,
	    "lapsed 1 registering again");
	T_CHECK(pcscf_ues_retry_after(t) == 1, "nothing registered: 1 s");
	pcscf_ues_free(t);
}

/* Random operations against a model: what the model says is a live
 * registration is always there, and a new UE is refused exactly when
 * every entry is one. */
static void
test_model(void)
{
	enum { CAP = 20, KEYS = 60, OPS = 20000 };
	struct pcscf_ues *t = table(CAP);
	time_t until[KEYS];
	unsigned i, j, k, live, errs = 0, busy = 0;
	struct pcscf_ue *u, *was;

	memset(until, 0, sizeof(until));
	srandom(7);
	for (i = 0; i < OPS; i++) {
		k = (unsigned)random() % KEYS;
		for (live = 0, j = 0; j < KEYS; j++)
			live += until[j] > clock_now;
		was = find(t, k);
		switch (random() % 4) {
		case 0:		/* a REGISTER */
			u = get(t, k);
			busy += u == NULL;
			if ((u == NULL) != (live == CAP && was == NULL))
				errs++;
			if (was != NULL && u != was)
				errs++;
			break;
		case 1:		/* its 200 OK */
			if (reg(t, k, 1 + (unsigned)random() % 50) == 0)
				until[k] = find(t, k)->expires;
			break;
		case 2:		/* de-registration */
			if (was != NULL) {
				pcscf_ue_forget(t, was);
				until[k] = 0;
			}
			break;
		default:
			clock_now += random() % 3;
		}
		for (k = 0; k < KEYS; k++)
			if (until[k] > clock_now &&
			    (registered(t, k) == NULL || find(t, k) == NULL))
				errs++;
	}
	T_CHECK(errs == 0, "%u disagreements with the model", errs);
	T_CHECK(busy > 0, "the table was never full");
	pcscf_ues_free(t);
}

int
main(void)
{
	log_init("test_pcscf_ues", LOG_LVL_WARN);
	test_lookup();
	test_capacity();
	test_model();
	return t_done("test_pcscf_ues");
}
