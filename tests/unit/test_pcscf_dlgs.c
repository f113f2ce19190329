/* test_pcscf_dlgs.c - the P-CSCF's dialog table (pcscf/pcscf_dlg.c):
 * reservations filled by 1xx (early) and 2xx (confirmed), released on a
 * failure, references that never reach a reused slot, the per-UE and
 * total capacity (503 material: -EMLINK, -ENOSPC, Retry-After), expiry
 * after the last request, BYE, and a UE's dialogs going with its
 * registration (pcscf_ues_set_gone). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "pcscf.h"
#include "t.h"

static time_t clock_now = 1000;

static time_t
fake_now(void *arg)
{
	(void)arg;
	return clock_now;
}

static struct pcscf_dlgs *
table(size_t cap, unsigned per_ue, unsigned expires)
{
	struct pcscf_dlgs *t = pcscf_dlgs_new(cap, per_ue, expires);

	if (t != NULL)
		pcscf_dlgs_set_clock(t, fake_now, NULL);
	return t;
}

static void
key(struct pcscf_dlgs *t, unsigned n, uint8_t k[PCSCF_HASH_LEN])
{
	char callid[32];

	(void)snprintf(callid, sizeof(callid), "call-%u@ue", n);
	pcscf_dlg_key(t, callid, "uetag", "remotetag", k);
}

static void
test_keys(void)
{
	struct pcscf_dlgs *t = table(4, 4, 60), *t2 = table(4, 4, 60);
	uint8_t a[PCSCF_HASH_LEN], b[PCSCF_HASH_LEN], c[PCSCF_HASH_LEN];

	pcscf_dlg_key(t, "ab", "c", "d", a);
	pcscf_dlg_key(t, "a", "bc", "d", b);
	T_CHECK(memcmp(a, b, sizeof(a)) != 0, "parts are delimited");
	pcscf_dlg_key(t, "ab", "d", "c", b);
	T_CHECK(memcmp(a, b, sizeof(a)) != 0, "the tags are ordered");
	pcscf_dlg_key(t, "ab", "c", "d", b);
	T_CHECK(memcmp(a, b, sizeof(a)) == 0, "same input, same key");
	pcscf_dlg_key(t2, "ab", "c", "d", c);
	T_CHECK(memcmp(a, c, sizeof(a)) != 0, "each table its own seed");
	pcscf_dlg_key(t, NULL, NULL, NULL, c);
	pcscf_dlg_key(t, "", "", "", b);
	T_CHECK(memcmp(b, c, sizeof(b)) == 0, "NULL counts as empty");
	pcscf_dlgs_free(t);
	pcscf_dlgs_free(t2);
}

static void
test_lifecycle(void)
{
	struct pcscf_dlgs *t = table(8, 4, 60);
	struct pcscf_ue ue, other;
	struct pcscf_dlg_ref r;
	struct pcscf_dlg *d;
	struct pcscf_dlgs_stats st;
	uint8_t k[PCSCF_HASH_LEN], k2[PCSCF_HASH_LEN];

	memset(&ue, 0, sizeof(ue));
	memset(&other, 0, sizeof(other));
	key(t, 1, k);
	key(t, 2, k2);
	T_CHECK(pcscf_dlg_reserve(t, &ue, &r) == 0, "reserve");
	T_CHECK(ue.ndialogs == 1, "the UE holds the reservation");
	T_CHECK(pcscf_dlg_find(t, k) == NULL, "a reservation has no key");
	T_CHECK(pcscf_dlg_fill(t, r, k, "<sip:s;lr>", NULL, 0) == 0,
	    "early fill (180)");
	d = pcscf_dlg_find(t, k);
	T_CHECK(d != NULL && !d->confirmed && d->ue == &ue &&
	    strcmp(d->route, "<sip:s;lr>") == 0, "the early dialog is found");
	T_CHECK(pcscf_dlg_fill(t, r, k2, "<sip:s;lr>, <sip:p;lr>", NULL, 1) ==
	    0, "the 2xx, another To tag: re-keyed and confirmed");
	T_CHECK(pcscf_dlg_find(t, k) == NULL, "the early key is gone");
	d = pcscf_dlg_find(t, k2);
	T_CHECK(d != NULL && d->confirmed &&
	    strcmp(d->route, "<sip:s;lr>, <sip:p;lr>") == 0,
	    "the 2xx's route set is the dialog's");
	pcscf_dlg_release(t, r);
	T_CHECK(pcscf_dlg_find(t, k2) != NULL, "a confirmed one is not "
	    "released by the transaction's end");
	pcscf_dlgs_stats(t, &st);
	T_CHECK(st.confirmed == 1 && st.pending == 0, "stats");
	pcscf_dlg_end(t, k2);
	T_CHECK(pcscf_dlg_find(t, k2) == NULL && ue.ndialogs == 0,
	    "BYE ends it");
	T_CHECK(pcscf_dlg_fill(t, r, k, "", NULL, 1) == -ESTALE,
	    "a reference to a released slot is stale");

	/* A failure response releases the reservation or early dialog. */
	T_CHECK(pcscf_dlg_reserve(t, &ue, &r) == 0, "reserve again");
	T_CHECK(pcscf_dlg_fill(t, r, k, "", NULL, 0) == 0, "early");
	pcscf_dlg_release(t, r);
	T_CHECK(pcscf_dlg_find(t, k) == NULL && ue.ndialogs == 0,
	    "487: the early dialog is gone");

	/* UE-terminating: the UE is the one that answered. */
	T_CHECK(pcscf_dlg_reserve(t, NULL, &r) == 0, "reserve, no UE yet");
	T_CHECK(pcscf_dlg_fill(t, r, k, "", &ue, 0) == 0 && ue.ndialogs == 1,
	    "180 from the UE links it");
	T_CHECK(pcscf_dlg_fill(t, r, k, "", &other, 1) == -EPERM,
	    "a 2xx from another UE is refused");
	T_CHECK(pcscf_dlg_fill(t, r, k, "", &ue, 1) == 0, "its own 2xx");
	{
		struct pcscf_dlg_ref r2;

		T_CHECK(pcscf_dlg_reserve(t, &other, &r2) == 0, "another");
		T_CHECK(pcscf_dlg_fill(t, r2, k, "", NULL, 1) == -EEXIST,
		    "a key already in use is refused");
		pcscf_dlg_release(t, r2);
	}
	{
		char long_route[PCSCF_LIST_MAX + 8];
		struct pcscf_dlg_ref r3;

		memset(long_route, 'x', sizeof(long_route) - 1);
		long_route[sizeof(long_route) - 1] = '\0';
		T_CHECK(pcscf_dlg_reserve(t, &other, &r3) == 0, "reserve");
		T_CHECK(pcscf_dlg_fill(t, r3, k2, long_route, NULL, 1) ==
		    -ENOSPC, "a route set too long is refused");
		pcscf_dlg_release(t, r3);
	}
	pcscf_dlgs_forget_ue(t, &ue);
	T_CHECK(pcscf_dlg_find(t, k) == NULL && ue.ndialogs == 0 &&
	    ue.dialogs == NULL, "forgetting the UE ends its dialogs");
	pcscf_dlgs_stats(t, &st);
	T_CHECK(st.confirmed == 0 && st.pending == 0, "nothing left");
	pcscf_dlgs_free(t);
}

static void
test_capacity(void)
{
	struct pcscf_dlgs *t = table(4, 2, 100);
	struct pcscf_ue a, b;
	struct pcscf_dlg_ref r[6];
	uint8_t k[PCSCF_HASH_LEN];
	unsigned i;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	clock_now = 1000;
	for (i = 0; i < 2; i++) {
		T_CHECK(pcscf_dlg_reserve(t, &a, &r[i]) == 0, "a %u", i);
		key(t, 10 + i, k);
		T_CHECK(pcscf_dlg_fill(t, r[i], k, "", NULL, 1) == 0, "fill");
	}
	T_CHECK(pcscf_dlg_reserve(t, &a, &r[2]) == -EMLINK,
	    "a UE beyond max-ue-dialogs: -EMLINK");
	clock_now = 1010;
	T_CHECK(pcscf_dlg_reserve(t, &b, &r[2]) == 0, "b 1");
	T_CHECK(pcscf_dlg_reserve(t, NULL, &r[3]) == 0, "terminating");
	T_CHECK(pcscf_dlg_reserve(t, &b, &r[4]) == -ENOSPC, "full: -ENOSPC");
	T_CHECK(pcscf_dlgs_retry_after(t) == 90,
	    "Retry-After: the first dialog's expiry (%u)",
	    pcscf_dlgs_retry_after(t));
	clock_now = 1099;
	key(t, 11, k);
	T_CHECK(pcscf_dlg_find(t, k) != NULL, "a request restarts a "
	    "dialog's expiry");
	T_CHECK(pcscf_dlgs_retry_after(t) == 1, "the other expires in 1 s");
	clock_now = 1100;
	T_CHECK(pcscf_dlg_reserve(t, &b, &r[4]) == 0,
	    "a lapsed dialog makes room");
	key(t, 10, k);
	T_CHECK(pcscf_dlg_find(t, k) == NULL && a.ndialogs == 1,
	    "the lapsed one is gone, off its UE");
	key(t, 11, k);
	T_CHECK(pcscf_dlg_find(t, k) != NULL, "the refreshed one is kept");
	clock_now = 1100 + PCSCF_DIALOG_PENDING;
	/* The reservations (b's and the terminating one) lapsed. */
	T_CHECK(pcscf_dlg_reserve(t, &a, &r[5]) == 0, "a lapsed "
	    "reservation makes room");
	pcscf_dlg_release(t, r[3]);
	pcscf_dlg_release(t, r[2]);
	T_CHECK(b.ndialogs <= 2, "b's count stays right");
	/* At its limit, a UE's own lapsed entries are reclaimed first. */
	clock_now += 1000;
	T_CHECK(pcscf_dlg_reserve(t, &a, &r[0]) == 0 &&
	    pcscf_dlg_reserve(t, &a, &r[1]) == 0,
	    "a UE whose dialogs lapsed gets new ones");
	pcscf_dlgs_free(t);
}

/* The UE table ends a UE's dialogs when its registration ends. */
static struct pcscf_dlgs *gone_dlgs;

static void
gone(void *arg, struct pcscf_ue *u)
{
	(void)arg;
	pcscf_dlgs_forget_ue(gone_dlgs, u);
}

static void
test_registration(void)
{
	struct pcscf_ues *ues = pcscf_ues_new(2);
	struct pcscf_dlgs *t = table(8, 4, 3600);
	struct pcscf_ue *u;
	struct pcscf_dlg_ref r;
	uint8_t k[PCSCF_HASH_LEN];

	clock_now = 5000;
	pcscf_ues_set_clock(ues, fake_now, NULL);
	gone_dlgs = t;
	pcscf_ues_set_gone(ues, gone, NULL);
	u = pcscf_ue_get(ues, "10.0.0.1", 5060, "alice@x");
	pcscf_ue_set_registered(ues, u, 600);
	T_CHECK(pcscf_ue_live(ues, u), "registered");
	key(t, 1, k);
	T_CHECK(pcscf_dlg_reserve(t, u, &r) == 0 &&
	    pcscf_dlg_fill(t, r, k, "", NULL, 1) == 0, "a dialog");
	pcscf_ue_forget(ues, u);
	T_CHECK(pcscf_dlg_find(t, k) == NULL, "de-registration ends it");

	u = pcscf_ue_get(ues, "10.0.0.1", 5060, "alice@x");
	pcscf_ue_set_registered(ues, u, 600);
	T_CHECK(pcscf_dlg_reserve(t, u, &r) == 0 &&
	    pcscf_dlg_fill(t, r, k, "", NULL, 1) == 0, "a dialog again");
	clock_now += 601;
	T_CHECK(!pcscf_ue_live(ues, u), "the registration lapsed");
	T_CHECK(pcscf_ue_get(ues, "10.0.0.1", 5060, "alice@x") == u,
	    "the UE registers again");
	T_CHECK(pcscf_dlg_find(t, k) == NULL,
	    "the lapsed registration's dialogs are gone");

	pcscf_ue_set_registered(ues, u, 600);
	T_CHECK(pcscf_dlg_reserve(t, u, &r) == 0, "a pending dialog");
	pcscf_ue_forget(ues, u);
	T_CHECK(pcscf_dlg_fill(t, r, k, "", NULL, 1) == -ESTALE,
	    "its 2xx after the de-registration fills nothing");
	pcscf_dlgs_free(t);
	pcscf_ues_free(ues);
}

int
main(void)
{
	test_keys();
	test_lifecycle();
	test_capacity();
	test_registration();
	return t_done("test_pcscf_dlgs");
}
