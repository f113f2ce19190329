/* pcscf_reg.c - the P-CSCF's view of registrations (TS 24.229 5.2.2.3):
 * per UE, known by the source address of its REGISTER and its IMPI, the
 * registered public identity, Service-Route, P-Associated-URI, contact
 * and expiry, and the ck/ik the S-CSCF sent in the 401.
 *
 * A table of fixed capacity owned by struct pcscf: two hashes over a pool
 * of entries, one on the source address and one on the address and IMPI
 * (many IMPIs behind one address, as SIPp or a NAT gives, cost no long
 * chain to the REGISTER look-up), the registered entries in a min-heap by
 * expiry, the others (registering: REGISTER sent, 401 seen) in a list,
 * least recently used first.  A new UE takes a never used or released
 * entry, else a lapsed registration, else the least recently used
 * unregistered entry; a live registration is never taken: with none of
 * those the table is full (-ENOSPC: 503).  O(1) look-ups, O(log n)
 * registration updates.  Entries are wiped whenever they are removed;
 * before that, and when a lapsed registration starts anew, the `gone`
 * callback ends the UE's dialogs (pcscf_dlg.c).
 * Memory only; su_root thread only.
 */
#include <sys/random.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "pcscf.h"
#include "util.h"

struct ue_slot {
	struct pcscf_ue	 ue;
	struct ue_slot	*hnext;		/* address chain; free list */
	struct ue_slot	**hprev;
	struct ue_slot	*inext;		/* address and IMPI chain */
	struct ue_slot	**iprev;
	struct ue_slot	*prev, *next;	/* unregistered list */
	size_t		 heap;		/* registered: index + 1 */
	int		 listed;
};

struct pcscf_ues {
	struct ue_slot	*pool;
	size_t		 cap, hw;	/* entries [0, hw) were used */
	struct ue_slot	**bucket;	/* by address */
	struct ue_slot	**ibucket;	/* by address and IMPI */
	size_t		 mask;
	struct ue_slot	*free;
	struct ue_slot	*head, *tail;	/* unregistered, LRU first */
	size_t		 nlisted;
	struct ue_slot	**heap;		/* registered, soonest expiry first */
	size_t		 nheap;
	uint32_t	 seed;
	time_t		(*now)(void *);
	void		*now_arg;
	void		(*gone)(void *, struct pcscf_ue *);
	void		*gone_arg;
};

#define SLOT(u)		IMS_CONTAINER_OF(u, struct ue_slot, ue)

struct pcscf_ues *
pcscf_ues_new(size_t capacity)
{
	struct pcscf_ues *t;
	size_t nb = 16;

	if (capacity == 0 || capacity > (1u << 24))
		return NULL;
	while (nb < capacity)
		nb <<= 1;
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	t->pool = calloc(capacity, sizeof(*t->pool));
	t->bucket = calloc(nb, sizeof(*t->bucket));
	t->ibucket = calloc(nb, sizeof(*t->ibucket));
	t->heap = calloc(capacity, sizeof(*t->heap));
	if (t->pool == NULL || t->bucket == NULL || t->ibucket == NULL ||
	    t->heap == NULL) {
		pcscf_ues_free(t);
		return NULL;
	}
	t->cap = capacity;
	t->mask = nb - 1;
	if (getrandom(&t->seed, sizeof(t->seed), 0) != sizeof(t->seed))
		t->seed = (uint32_t)time(NULL);
	t->now = clock_mono_sec;
	return t;
}

void
pcscf_ues_free(struct pcscf_ues *t)
{
	if (t == NULL)
		return;
	if (t->pool != NULL)
		secure_wipe(t->pool, t->hw * sizeof(*t->pool));
	free(t->pool);
	free(t->bucket);
	free(t->ibucket);
	free(t->heap);
	free(t);
}

void
pcscf_ues_set_gone(struct pcscf_ues *t, void (*gone)(void *,
    struct pcscf_ue *), void *arg)
{
	t->gone = gone;
	t->gone_arg = arg;
}

void
pcscf_ues_set_clock(struct pcscf_ues *t, time_t (*now)(void *), void *arg)
{
	t->now = now != NULL ? now : clock_mono_sec;
	t->now_arg = arg;
}

void
pcscf_ues_stats(const struct pcscf_ues *t, struct pcscf_ues_stats *s)
{
	s->capacity = t->cap;
	s->registered = t->nheap;
	s->other = t->nlisted;
}

int
pcscf_ues_holds(const struct pcscf_ues *t, const void *bytes, size_t len)
{
	return t->hw > 0 && memmem(t->pool, t->hw * sizeof(*t->pool), bytes,
	    len) != NULL;
}

/* ---- the unregistered list ---- */

static void
list_del(struct pcscf_ues *t, struct ue_slot *s)
{
	if (!s->listed)
		return;
	if (s->prev != NULL)
		s->prev->next = s->next;
	else
		t->head = s->next;
	if (s->next != NULL)
		s->next->prev = s->prev;
	else
		t->tail = s->prev;
	s->prev = s->next = NULL;
	s->listed = 0;
	t->nlisted--;
}

static void
list_put(struct pcscf_ues *t, struct ue_slot *s)
{
	list_del(t, s);
	s->prev = t->tail;
	if (t->tail != NULL)
		t->tail->next = s;
	else
		t->head = s;
	t->tail = s;
	s->listed = 1;
	t->nlisted++;
}

/* ---- the heap of registrations, by expiry ---- */

static void
heap_set(struct pcscf_ues *t, size_t i, struct ue_slot *s)
{
	t->heap[i] = s;
	s->heap = i + 1;
}

static void
heap_up(struct pcscf_ues *t, size_t i)
{
	struct ue_slot *s = t->heap[i];

	while (i > 0 && t->heap[(i - 1) / 2]->ue.expires > s->ue.expires) {
		heap_set(t, i, t->heap[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	heap_set(t, i, s);
}

static void
heap_down(struct pcscf_ues *t, size_t i)
{
	struct ue_slot *s = t->heap[i];
	size_t c;

	while ((c = 2 * i + 1) < t->nheap) {
		if (c + 1 < t->nheap &&
		    t->heap[c + 1]->ue.expires < t->heap[c]->ue.expires)
			c++;
		if (t->heap[c]->ue.expires >= s->ue.expires)
			break;
		heap_set(t, i, t->heap[c]);
		i = c;
	}
	heap_set(t, i, s);
}

static void
heap_del(struct pcscf_ues *t, struct ue_slot *s)
{
	struct ue_slot *m;
	size_t i;

	if (s->heap == 0)
		return;
	i = s->heap - 1;
	s->heap = 0;
	if (i != --t->nheap) {
		/* The last one fills the hole, then finds its place. */
		m = t->heap[t->nheap];
		heap_set(t, i, m);
		heap_up(t, i);
		heap_down(t, m->heap - 1);
	}
}

/* ---- hashes on the source address (and IMPI) ---- */

static uint32_t
addr_hash(const struct pcscf_ues *t, const char *ip, unsigned port)
{
	uint32_t h = 2166136261u ^ t->seed;
	int i;

	for (; *ip != '\0'; ip++)
		h = (h ^ (uint8_t)*ip) * 16777619u;
	for (i = 0; i < 2; i++, port >>= 8)
		h = (h ^ (port & 0xff)) * 16777619u;
	return h;
}

static struct ue_slot **
ues_bucket(struct pcscf_ues *t, const char *ip, unsigned port)
{
	return &t->bucket[addr_hash(t, ip, port) & t->mask];
}

static struct ue_slot **
ues_ibucket(struct pcscf_ues *t, const char *ip, unsigned port,
    const char *impi)
{
	uint32_t h = addr_hash(t, ip, port);

	for (; *impi != '\0'; impi++)
		h = (h ^ (uint8_t)*impi) * 16777619u;
	return &t->ibucket[h & t->mask];
}

static void
ues_link(struct pcscf_ues *t, struct ue_slot *s)
{
	struct ue_slot **b = ues_bucket(t, s->ue.ip, s->ue.port);

	if ((s->hnext = *b) != NULL)
		s->hnext->hprev = &s->hnext;
	s->hprev = b;
	*b = s;
	b = ues_ibucket(t, s->ue.ip, s->ue.port, s->ue.impi);
	if ((s->inext = *b) != NULL)
		s->inext->iprev = &s->inext;
	s->iprev = b;
	*b = s;
}

static void
ues_remove(struct pcscf_ues *t, struct ue_slot *s)
{
	if ((*s->hprev = s->hnext) != NULL)
		s->hnext->hprev = s->hprev;
	if ((*s->iprev = s->inext) != NULL)
		s->inext->iprev = s->iprev;
	list_del(t, s);
	heap_del(t, s);
	if (t->gone != NULL)
		t->gone(t->gone_arg, &s->ue);
	secure_wipe(s, sizeof(*s));
	s->hnext = t->free;
	t->free = s;
}

struct pcscf_ue *
pcscf_ue_find(struct pcscf_ues *t, const char *ip, unsigned port,
    const char *impi)
{
	struct ue_slot *s;

	for (s = *ues_ibucket(t, ip, port, impi); s != NULL; s = s->inext)
		if (s->ue.port == port && strcmp(s->ue.ip, ip) == 0 &&
		    strcmp(s->ue.impi, impi) == 0)
			return &s->ue;
	return NULL;
}

struct pcscf_ue *
pcscf_ue_registered(struct pcscf_ues *t, const char *ip, unsigned port)
{
	struct ue_slot *s;
	time_t now = t->now(t->now_arg);

	for (s = *ues_bucket(t, ip, port); s != NULL; s = s->hnext)
		if (s->ue.registered && s->ue.expires > now &&
		    s->ue.port == port && strcmp(s->ue.ip, ip) == 0)
			return &s->ue;
	return NULL;
}

int
pcscf_ue_live(const struct pcscf_ues *t, const struct pcscf_ue *u)
{
	return u != NULL && u->registered && u->expires > t->now(t->now_arg);
}

/* A free entry: never used, released, a lapsed registration, or the
 * least recently used unregistered one.  NULL when all are live. */
static struct ue_slot *
ues_alloc(struct pcscf_ues *t, time_t now)
{
	struct ue_slot *s;

	if ((s = t->free) != NULL) {
		t->free = s->hnext;
		return s;
	}
	if (t->hw < t->cap)
		return &t->pool[t->hw++];
	if (t->nheap > 0 && t->heap[0]->ue.expires <= now)
		s = t->heap[0];
	else if ((s = t->head) == NULL)
		return NULL;
	ues_remove(t, s);
	t->free = s->hnext;
	return s;
}

struct pcscf_ue *
pcscf_ue_get(struct pcscf_ues *t, const char *ip, unsigned port,
    const char *impi)
{
	struct pcscf_ue *u;
	struct ue_slot *s;
	time_t now = t->now(t->now_arg);

	if (strlen(ip) >= sizeof(u->ip) || strlen(impi) >= sizeof(u->impi))
		return NULL;
	if ((u = pcscf_ue_find(t, ip, port, impi)) != NULL) {
		s = SLOT(u);
		if (u->registered && u->expires <= now) {
			/* Lapsed: registering again, like a new one. */
			heap_del(t, s);
			u->registered = 0;
			if (t->gone != NULL)
				t->gone(t->gone_arg, u);
		}
		if (!u->registered)
			list_put(t, s);		/* most recently used */
		return u;
	}
	if ((s = ues_alloc(t, now)) == NULL)
		return NULL;
	memset(s, 0, sizeof(*s));
	(void)snprintf(s->ue.ip, sizeof(s->ue.ip), "%s", ip);
	s->ue.port = port;
	(void)snprintf(s->ue.impi, sizeof(s->ue.impi), "%s", impi);
	ues_link(t, s);
	list_put(t, s);
	return &s->ue;
}

void
pcscf_ue_set_registered(struct pcscf_ues *t, struct pcscf_ue *u,
    unsigned expires)
{
	struct ue_slot *s = SLOT(u);

	u->expires = t->now(t->now_arg) + (time_t)expires;
	u->registered = 1;
	list_del(t, s);
	if (s->heap == 0) {
		heap_set(t, t->nheap++, s);
		heap_up(t, t->nheap - 1);
	} else {
		heap_up(t, s->heap - 1);
		heap_down(t, s->heap - 1);
	}
}

unsigned
pcscf_ues_retry_after(const struct pcscf_ues *t)
{
	time_t left;

	if (t->nheap == 0)
		return 1;
	left = t->heap[0]->ue.expires - t->now(t->now_arg);
	if (left < 1)
		return 1;
	return left > PCSCF_RETRY_AFTER_MAX ? PCSCF_RETRY_AFTER_MAX :
	    (unsigned)left;
}

void
pcscf_ue_forget(struct pcscf_ues *t, struct pcscf_ue *u)
{
	ues_remove(t, SLOT(u));
}
