/* pcscf_dlg.c - the dialogs the P-CSCF took part in (TS 24.229 5.2.6.3.4
 * and 5.2.6.4: dialog ID, UE and route set stored from the 1xx/2xx to an
 * initial request), so that a UE's subsequent requests are checked
 * against the route set we saw (RFC 3261 12.2.2: unknown dialog, 481).
 *
 * A table of fixed capacity owned by struct pcscf: a pool of slots, a
 * hash on the dialog key (SHA-256 with a random seed: Call-ID and tags
 * are the peers' choice), two lists by expiry (reservations, which all
 * last PCSCF_DIALOG_PENDING s, and confirmed dialogs, which last
 * `expires` s after their last request, most recently used last), and
 * per UE a list of its slots.  A new slot is a never used or released
 * one, else a lapsed reservation or dialog; a live one is never taken
 * (-ENOSPC: 503).  Slots are checked by generation, so that a reference
 * kept across a transaction never reaches a reused slot.
 * Memory only; su_root thread only.
 */
#include <sys/random.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "clock.h"
#include "pcscf.h"
#include "util.h"

enum { SLOT_FREE, SLOT_PENDING, SLOT_LIVE };

struct pcscf_dlg_slot {
	struct pcscf_dlg d;
	uint32_t	 gen;
	int		 state;
	int		 hashed;
	time_t		 expires;
	struct pcscf_dlg_slot *hnext;		/* hash chain; free list */
	struct pcscf_dlg_slot *uprev, *unext;	/* the UE's slots */
	struct pcscf_dlg_slot *tprev, *tnext;	/* pending or live list */
};

struct tlist {
	struct pcscf_dlg_slot *head, *tail;
	size_t		 n;
};

struct pcscf_dlgs {
	struct pcscf_dlg_slot *pool;
	size_t		 cap, hw;		/* slots [0, hw) were used */
	struct pcscf_dlg_slot **bucket;
	size_t		 mask;
	struct pcscf_dlg_slot *free;
	struct tlist	 pending, live;		/* soonest expiry first */
	unsigned	 per_ue, expires;
	uint8_t		 seed[32];
	time_t		(*now)(void *);
	void		*now_arg;
};

#define SLOT(dp)	IMS_CONTAINER_OF(dp, struct pcscf_dlg_slot, d)

struct pcscf_dlgs *
pcscf_dlgs_new(size_t capacity, unsigned per_ue, unsigned expires)
{
	struct pcscf_dlgs *t;
	size_t nb = 16;

	if (capacity == 0 || capacity > (1u << 24) || per_ue == 0 ||
	    expires == 0)
		return NULL;
	while (nb < capacity)
		nb <<= 1;
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	t->pool = calloc(capacity, sizeof(*t->pool));
	t->bucket = calloc(nb, sizeof(*t->bucket));
	if (t->pool == NULL || t->bucket == NULL ||
	    getrandom(t->seed, sizeof(t->seed), 0) != sizeof(t->seed)) {
		pcscf_dlgs_free(t);
		return NULL;
	}
	t->cap = capacity;
	t->mask = nb - 1;
	t->per_ue = per_ue;
	t->expires = expires;
	t->now = clock_mono_sec;
	return t;
}

void
pcscf_dlgs_free(struct pcscf_dlgs *t)
{
	if (t == NULL)
		return;
	free(t->pool);
	free(t->bucket);
	secure_wipe(t->seed, sizeof(t->seed));
	free(t);
}

void
pcscf_dlgs_set_clock(struct pcscf_dlgs *t, time_t (*now)(void *), void *arg)
{
	t->now = now != NULL ? now : clock_mono_sec;
	t->now_arg = arg;
}

void
pcscf_dlgs_stats(const struct pcscf_dlgs *t, struct pcscf_dlgs_stats *s)
{
	s->capacity = t->cap;
	s->confirmed = t->live.n;
	s->pending = t->pending.n;
}

void
pcscf_dlg_key(const struct pcscf_dlgs *t, const char *callid,
    const char *ue_tag, const char *remote_tag, uint8_t key[PCSCF_HASH_LEN])
{
	const char *part[3] = { callid, ue_tag, remote_tag };
	EVP_MD_CTX *ctx;
	unsigned len = PCSCF_HASH_LEN;
	uint8_t n[4];
	size_t i, l;
	int ok;

	ctx = EVP_MD_CTX_new();
	ok = ctx != NULL && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1 &&
	    EVP_DigestUpdate(ctx, t->seed, sizeof(t->seed)) == 1;
	/* Each part with its length: no two splits give one input. */
	for (i = 0; ok && i < 3; i++) {
		l = part[i] != NULL ? strlen(part[i]) : 0;
		n[0] = (uint8_t)(l >> 24);
		n[1] = (uint8_t)(l >> 16);
		n[2] = (uint8_t)(l >> 8);
		n[3] = (uint8_t)l;
		ok = EVP_DigestUpdate(ctx, n, sizeof(n)) == 1 &&
		    (l == 0 || EVP_DigestUpdate(ctx, part[i], l) == 1);
	}
	if (!ok || EVP_DigestFinal_ex(ctx, key, &len) != 1)
		/* Out of memory in OpenSSL: a key that matches nothing
		 * stored (an all-zero key is never filled in). */
		memset(key, 0, PCSCF_HASH_LEN);
	EVP_MD_CTX_free(ctx);
}

/* ---- lists ---- */

static void
tl_del(struct tlist *l, struct pcscf_dlg_slot *s)
{
	if (s->tprev != NULL)
		s->tprev->tnext = s->tnext;
	else
		l->head = s->tnext;
	if (s->tnext != NULL)
		s->tnext->tprev = s->tprev;
	else
		l->tail = s->tprev;
	s->tprev = s->tnext = NULL;
	l->n--;
}

static void
tl_put(struct tlist *l, struct pcscf_dlg_slot *s)
{
	s->tnext = NULL;
	s->tprev = l->tail;
	if (l->tail != NULL)
		l->tail->tnext = s;
	else
		l->head = s;
	l->tail = s;
	l->n++;
}

static void
ue_link(struct pcscf_dlg_slot *s, struct pcscf_ue *u)
{
	s->d.ue = u;
	s->uprev = NULL;
	s->unext = u->dialogs;
	if (u->dialogs != NULL)
		u->dialogs->uprev = s;
	u->dialogs = s;
	u->ndialogs++;
}

static void
ue_unlink(struct pcscf_dlg_slot *s)
{
	struct pcscf_ue *u = s->d.ue;

	if (u == NULL)
		return;
	if (s->uprev != NULL)
		s->uprev->unext = s->unext;
	else
		u->dialogs = s->unext;
	if (s->unext != NULL)
		s->unext->uprev = s->uprev;
	s->uprev = s->unext = NULL;
	u->ndialogs--;
	s->d.ue = NULL;
}

/* ---- the hash on the key ---- */

static struct pcscf_dlg_slot **
dlg_bucket(struct pcscf_dlgs *t, const uint8_t *key)
{
	uint64_t h = 0;
	int i;

	for (i = 0; i < 8; i++)
		h = h << 8 | key[i];
	return &t->bucket[h & t->mask];
}

static struct pcscf_dlg_slot *
dlg_lookup(struct pcscf_dlgs *t, const uint8_t *key)
{
	struct pcscf_dlg_slot *s;

	for (s = *dlg_bucket(t, key); s != NULL; s = s->hnext)
		if (memcmp(s->d.key, key, PCSCF_HASH_LEN) == 0)
			return s;
	return NULL;
}

static void
hash_del(struct pcscf_dlgs *t, struct pcscf_dlg_slot *s)
{
	struct pcscf_dlg_slot **pp;

	if (!s->hashed)
		return;
	for (pp = dlg_bucket(t, s->d.key); *pp != NULL; pp = &(*pp)->hnext)
		if (*pp == s) {
			*pp = s->hnext;
			break;
		}
	s->hnext = NULL;
	s->hashed = 0;
}

static void
slot_free(struct pcscf_dlgs *t, struct pcscf_dlg_slot *s)
{
	uint32_t gen = s->gen + 1;

	hash_del(t, s);
	if (s->state == SLOT_PENDING)
		tl_del(&t->pending, s);
	else if (s->state == SLOT_LIVE)
		tl_del(&t->live, s);
	ue_unlink(s);
	memset(s, 0, sizeof(*s));
	s->gen = gen;
	s->state = SLOT_FREE;
	s->hnext = t->free;
	t->free = s;
}

/* A free slot: never used, released, or a lapsed reservation or dialog.
 * NULL when every slot is live. */
static struct pcscf_dlg_slot *
slot_alloc(struct pcscf_dlgs *t, time_t now)
{
	struct pcscf_dlg_slot *s;

	if (t->free == NULL && t->hw < t->cap) {
		s = &t->pool[t->hw++];
		s->state = SLOT_FREE;
		return s;
	}
	if (t->free == NULL) {
		if (t->pending.head != NULL && t->pending.head->expires <= now)
			slot_free(t, t->pending.head);
		else if (t->live.head != NULL && t->live.head->expires <= now)
			slot_free(t, t->live.head);
	}
	if ((s = t->free) != NULL)
		t->free = s->hnext;
	return s;
}

static struct pcscf_dlg_slot *
ref_slot(struct pcscf_dlgs *t, struct pcscf_dlg_ref r)
{
	struct pcscf_dlg_slot *s;

	if (r.idx >= t->hw)
		return NULL;
	s = &t->pool[r.idx];
	return s->gen == r.gen && s->state != SLOT_FREE ? s : NULL;
}

/* ---- the interface ---- */

int
pcscf_dlg_reserve(struct pcscf_dlgs *t, struct pcscf_ue *u,
    struct pcscf_dlg_ref *r)
{
	struct pcscf_dlg_slot *s, *next;
	time_t now = t->now(t->now_arg);

	if (u != NULL && u->ndialogs >= t->per_ue)
		for (s = u->dialogs; s != NULL; s = next) {
			next = s->unext;
			if (s->expires <= now)
				slot_free(t, s);
		}
	if (u != NULL && u->ndialogs >= t->per_ue)
		return -EMLINK;
	if ((s = slot_alloc(t, now)) == NULL)
		return -ENOSPC;
	s->state = SLOT_PENDING;
	s->expires = now + PCSCF_DIALOG_PENDING;
	tl_put(&t->pending, s);
	if (u != NULL)
		ue_link(s, u);
	r->idx = (uint32_t)(s - t->pool);
	r->gen = s->gen;
	return 0;
}

int
pcscf_dlg_fill(struct pcscf_dlgs *t, struct pcscf_dlg_ref r,
    const uint8_t key[PCSCF_HASH_LEN], const char *route, struct pcscf_ue *u,
    int confirmed)
{
	static const uint8_t zero[PCSCF_HASH_LEN];
	struct pcscf_dlg_slot *s, *other;

	if ((s = ref_slot(t, r)) == NULL)
		return -ESTALE;
	if (s->d.ue != NULL && u != NULL && s->d.ue != u)
		return -EPERM;
	if (strlen(route) >= sizeof(s->d.route))
		return -ENOSPC;
	if (memcmp(key, zero, PCSCF_HASH_LEN) == 0)
		return -EINVAL;
	if ((other = dlg_lookup(t, key)) != NULL && other != s)
		return -EEXIST;
	if (other == NULL) {
		hash_del(t, s);
		memcpy(s->d.key, key, PCSCF_HASH_LEN);
		s->hnext = *dlg_bucket(t, key);
		*dlg_bucket(t, key) = s;
		s->hashed = 1;
	}
	memcpy(s->d.route, route, strlen(route) + 1);
	if (s->d.ue == NULL && u != NULL)
		ue_link(s, u);
	if (confirmed && s->state == SLOT_PENDING) {
		tl_del(&t->pending, s);
		s->state = SLOT_LIVE;
		s->d.confirmed = 1;
		s->expires = t->now(t->now_arg) + (time_t)t->expires;
		tl_put(&t->live, s);
	}
	return 0;
}

void
pcscf_dlg_release(struct pcscf_dlgs *t, struct pcscf_dlg_ref r)
{
	struct pcscf_dlg_slot *s;

	if ((s = ref_slot(t, r)) != NULL && s->state == SLOT_PENDING)
		slot_free(t, s);
}

struct pcscf_dlg *
pcscf_dlg_find(struct pcscf_dlgs *t, const uint8_t key[PCSCF_HASH_LEN])
{
	struct pcscf_dlg_slot *s;
	time_t now = t->now(t->now_arg);

	if ((s = dlg_lookup(t, key)) == NULL)
		return NULL;
	if (s->expires <= now) {
		slot_free(t, s);
		return NULL;
	}
	if (s->state == SLOT_LIVE) {
		/* Most recently used last: the list stays in expiry order. */
		s->expires = now + (time_t)t->expires;
		tl_del(&t->live, s);
		tl_put(&t->live, s);
	}
	return &s->d;
}

void
pcscf_dlg_end(struct pcscf_dlgs *t, const uint8_t key[PCSCF_HASH_LEN])
{
	struct pcscf_dlg_slot *s;

	if ((s = dlg_lookup(t, key)) != NULL)
		slot_free(t, s);
}

void
pcscf_dlgs_forget_ue(struct pcscf_dlgs *t, struct pcscf_ue *u)
{
	while (u->dialogs != NULL)
		slot_free(t, u->dialogs);
}

unsigned
pcscf_dlgs_retry_after(const struct pcscf_dlgs *t)
{
	time_t now = t->now(t->now_arg), left = PCSCF_RETRY_AFTER_MAX;

	if (t->pending.head != NULL && t->pending.head->expires - now < left)
		left = t->pending.head->expires - now;
	if (t->live.head != NULL && t->live.head->expires - now < left)
		left = t->live.head->expires - now;
	return left < 1 ? 1 : (unsigned)left;
}
