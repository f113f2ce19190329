/* naf_cache.c - Ks_NAF, the IMPI and the user's identities per B-TID, as
 * Zn gave them (TS 33.220 4.5.3: the NAF keeps them until the key's
 * lifetime ends; TS 29.109 6.2.2.2 Key-ExpiryTime).  A set-associative
 * table (sets of 4 chosen by a hash of the B-TID) bounds the memory: a
 * full set loses the entry that expires first, whose user then costs one
 * more Zn request.  Keys are wiped when an entry is dropped or replaced.
 * Loop thread only. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "naf.h"
#include "util.h"

#define NAF_WAYS	4

int
naf_cache_init(struct naf_cache *c, size_t n)
{
	n = (n + NAF_WAYS - 1) / NAF_WAYS * NAF_WAYS;
	if (n == 0 || (c->slot = calloc(n, sizeof(*c->slot))) == NULL)
		return -ENOMEM;
	c->n = n;
	return 0;
}

void
naf_cache_free(struct naf_cache *c)
{
	if (c->slot != NULL)
		secure_wipe(c->slot, c->n * sizeof(*c->slot));
	free(c->slot);
	c->slot = NULL;
	c->n = 0;
}

/* FNV-1a of the B-TID: the first slot of its set. */
static struct naf_key *
set_of(struct naf_cache *c, const char *btid)
{
	uint64_t h = 14695981039346656037ULL;
	const unsigned char *p;

	for (p = (const unsigned char *)btid; *p != '\0'; p++) {
		h ^= *p;
		h *= 1099511628211ULL;
	}
	return &c->slot[(size_t)(h % (c->n / NAF_WAYS)) * NAF_WAYS];
}

static void
wipe(struct naf_key *k)
{
	secure_wipe(k, sizeof(*k));
}

struct naf_key *
naf_cache_get(struct naf_cache *c, const char *btid, time_t now)
{
	struct naf_key *s = set_of(c, btid);
	size_t i;

	for (i = 0; i < NAF_WAYS; i++) {
		if (s[i].btid[0] == '\0' || strcmp(s[i].btid, btid) != 0)
			continue;
		if (s[i].expiry <= now) {
			wipe(&s[i]);
			return NULL;
		}
		return &s[i];
	}
	return NULL;
}

void
naf_cache_put(struct naf_cache *c, const struct naf_key *k)
{
	struct naf_key *s = set_of(c, k->btid), *v = NULL;
	size_t i;

	for (i = 0; i < NAF_WAYS && v == NULL; i++)	/* the same B-TID */
		if (s[i].btid[0] != '\0' && strcmp(s[i].btid, k->btid) == 0)
			v = &s[i];
	for (i = 0; i < NAF_WAYS && v == NULL; i++)	/* a free slot */
		if (s[i].btid[0] == '\0')
			v = &s[i];
	if (v == NULL) {				/* the first to expire */
		v = &s[0];
		for (i = 1; i < NAF_WAYS; i++)
			if (s[i].expiry < v->expiry)
				v = &s[i];
	}
	wipe(v);
	*v = *k;
}

void
naf_cache_drop(struct naf_cache *c, const char *btid)
{
	struct naf_key *s = set_of(c, btid);
	size_t i;

	for (i = 0; i < NAF_WAYS; i++)
		if (s[i].btid[0] != '\0' && strcmp(s[i].btid, btid) == 0)
			wipe(&s[i]);
}
