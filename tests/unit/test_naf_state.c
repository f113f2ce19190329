/* test_naf_state.c - the naf's state tables: the Digest nonces
 * (naf/naf_nonce.c: ours only, nonce-count strictly increasing, lifetime)
 * and the Ks_NAF cache per B-TID (naf/naf_cache.c: expiry, replacement,
 * a full set loses the entry that expires first, dropped entries gone). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "naf.h"
#include "t.h"

static void
test_nonces(void)
{
	struct naf_nonces t;
	char a[NAF_NONCE_LEN + 1], b[NAF_NONCE_LEN + 1], f[NAF_NONCE_LEN + 1];

	T_CHECK(naf_nonces_init(&t, 64, 300) == 0, "init");
	T_CHECK(naf_nonce_new(&t, a) == 0 && strlen(a) == NAF_NONCE_LEN,
	    "a nonce of %d hex digits", NAF_NONCE_LEN);
	T_CHECK(naf_nonce_new(&t, b) == 0 && strcmp(a, b) != 0, "random");
	T_CHECK(naf_nonce_live(&t, b), "live");
	T_CHECK(naf_nonce_use(&t, b, 1) == NAF_NONCE_OK, "nc 1");
	T_CHECK(naf_nonce_use(&t, b, 1) == NAF_NONCE_REPLAY, "nc 1 again");
	T_CHECK(naf_nonce_use(&t, b, 3) == NAF_NONCE_OK, "nc 3");
	T_CHECK(naf_nonce_use(&t, b, 2) == NAF_NONCE_REPLAY, "nc 2 after 3");
	memcpy(f, b, sizeof(f));
	f[NAF_NONCE_LEN - 1] = f[NAF_NONCE_LEN - 1] == '0' ? '1' : '0';
	T_CHECK(naf_nonce_use(&t, f, 9) == NAF_NONCE_STALE &&
	    !naf_nonce_live(&t, f), "a nonce not ours");
	T_CHECK(naf_nonce_use(&t, "short", 1) == NAF_NONCE_STALE, "short");
	t.slot[0].born -= 1000;		/* age every slot a little */
	for (size_t i = 0; i < t.n; i++)
		if (t.slot[i].nonce[0] != '\0')
			t.slot[i].born -= 301;
	T_CHECK(naf_nonce_use(&t, b, 4) == NAF_NONCE_STALE, "expired");
	T_CHECK(!naf_nonce_live(&t, b), "expired, not live");
	naf_nonces_free(&t);
}

static void
key(struct naf_key *k, const char *btid, time_t expiry)
{
	memset(k, 0, sizeof(*k));
	(void)snprintf(k->btid, sizeof(k->btid), "%s", btid);
	(void)snprintf(k->impi, sizeof(k->impi), "impi-%s", btid);
	memset(k->ks_naf, btid[0], sizeof(k->ks_naf));
	k->expiry = expiry;
	(void)snprintf(k->uids[0], sizeof(k->uids[0]), "sip:%s", btid);
	k->n_uids = 1;
}

static void
test_cache(void)
{
	struct naf_cache c;
	struct naf_key k, *g;
	time_t now = 1000000;
	char name[32];
	int i, found;

	T_CHECK(naf_cache_init(&c, 4) == 0 && c.n == 4, "one set of 4");
	key(&k, "a@bsf", now + 100);
	naf_cache_put(&c, &k);
	g = naf_cache_get(&c, "a@bsf", now);
	T_CHECK(g != NULL && strcmp(g->impi, "impi-a@bsf") == 0 &&
	    g->ks_naf[0] == 'a' && g->n_uids == 1, "stored");
	T_CHECK(naf_cache_get(&c, "b@bsf", now) == NULL, "another B-TID");
	T_CHECK(naf_cache_get(&c, "a@bsf", now + 100) == NULL, "expired");
	T_CHECK(naf_cache_get(&c, "a@bsf", now) == NULL, "...and wiped");
	key(&k, "a@bsf", now + 100);
	naf_cache_put(&c, &k);
	key(&k, "a@bsf", now + 200);
	naf_cache_put(&c, &k);
	g = naf_cache_get(&c, "a@bsf", now + 150);
	T_CHECK(g != NULL && g->expiry == now + 200, "replaced");
	/* Fill the set: the entry that expires first goes. */
	for (i = 0; i < 4; i++) {
		(void)snprintf(name, sizeof(name), "%c@bsf", 'b' + i);
		key(&k, name, now + 300 + i);
		naf_cache_put(&c, &k);
	}
	T_CHECK(naf_cache_get(&c, "a@bsf", now) == NULL,
	    "the first to expire was dropped");
	for (found = 0, i = 0; i < 4; i++) {
		(void)snprintf(name, sizeof(name), "%c@bsf", 'b' + i);
		found += naf_cache_get(&c, name, now) != NULL;
	}
	T_CHECK(found == 4, "the 4 others kept (%d)", found);
	naf_cache_drop(&c, "c@bsf");
	T_CHECK(naf_cache_get(&c, "c@bsf", now) == NULL, "dropped");
	naf_cache_free(&c);
	T_CHECK(c.slot == NULL && c.n == 0, "freed");
	T_CHECK(naf_cache_init(&c, 1000) == 0 && c.n == 1000, "1000 slots");
	for (i = 0; i < 200; i++) {
		(void)snprintf(name, sizeof(name), "btid-%d@bsf", i);
		key(&k, name, now + 10);
		naf_cache_put(&c, &k);
	}
	for (found = 0, i = 0; i < 200; i++) {
		(void)snprintf(name, sizeof(name), "btid-%d@bsf", i);
		found += naf_cache_get(&c, name, now) != NULL;
	}
	T_CHECK(found >= 190, "200 B-TIDs in 1000 slots: %d kept", found);
	naf_cache_free(&c);
}

int
main(void)
{
	test_nonces();
	test_cache();
	return t_done("test_naf_state");
}
