/* pcscf_limit.c - a token bucket per UE source address: how many
 * REGISTERs that make the S-CSCF challenge (a MAR, an authentication
 * vector and an SQN from the HSS) one address may send (TS 33.203 6.1:
 * the vectors are the HSS's; no UE may make it spend them at will).
 *
 * A table of fixed capacity: a hash on the address over a pool of
 * buckets, least recently used first in a list.  An IPv6 source counts
 * by its /64 (one UE's prefix, TS 23.401 5.3.1.2.2: a host that changes
 * its interface identifier is still one source), an IPv4 source by its
 * address.  A bucket that refilled carries no state and makes room for a
 * new source; when the least recently used one has not, a new source
 * gets no token (it waits like a drained one).
 * Memory only; su_root thread only.
 */
#include <sys/random.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "pcscf.h"

struct bucket {
	uint8_t		 addr[16];
	int64_t		 at;		/* ms, when tokens was computed */
	int64_t		 milli;		/* tokens, thousandths */
	struct bucket	*hnext;
	struct bucket	*prev, *next;	/* LRU list */
};

struct pcscf_limit {
	struct bucket	*pool;
	size_t		 cap, n;
	struct bucket	**hash;
	size_t		 mask;
	struct bucket	*head, *tail;	/* least recently used first */
	uint32_t	 seed;
	int64_t		 rate;		/* tokens per minute */
	int64_t		 burst;
	int64_t		(*now)(void *);
	void		*now_arg;
};

struct pcscf_limit *
pcscf_limit_new(size_t capacity)
{
	struct pcscf_limit *l;
	size_t nb = 16;

	if (capacity == 0 || capacity > (1u << 24))
		return NULL;
	while (nb < capacity)
		nb <<= 1;
	if ((l = calloc(1, sizeof(*l))) == NULL)
		return NULL;
	l->pool = calloc(capacity, sizeof(*l->pool));
	l->hash = calloc(nb, sizeof(*l->hash));
	if (l->pool == NULL || l->hash == NULL) {
		pcscf_limit_free(l);
		return NULL;
	}
	l->cap = capacity;
	l->mask = nb - 1;
	if (getrandom(&l->seed, sizeof(l->seed), 0) != sizeof(l->seed))
		l->seed = (uint32_t)time(NULL);
	l->rate = PCSCF_REG_RATE_DEFAULT;
	l->burst = PCSCF_REG_BURST_DEFAULT;
	l->now = clock_mono_ms;
	return l;
}

void
pcscf_limit_free(struct pcscf_limit *l)
{
	if (l == NULL)
		return;
	free(l->pool);
	free(l->hash);
	free(l);
}

void
pcscf_limit_set(struct pcscf_limit *l, unsigned rate, unsigned burst)
{
	l->rate = rate > 0 ? rate : 1;
	l->burst = burst > 0 ? burst : 1;
}

void
pcscf_limit_set_clock(struct pcscf_limit *l, int64_t (*now)(void *),
    void *arg)
{
	l->now = now != NULL ? now : clock_mono_ms;
	l->now_arg = arg;
}

/* The source as 16 bytes: IPv4 v4-mapped, IPv6 its /64. */
static int
source_key(const char *ip, uint8_t addr[16])
{
	memset(addr, 0, 16);
	if (inet_pton(AF_INET, ip, addr + 12) == 1) {
		addr[10] = addr[11] = 0xff;
		return 0;
	}
	if (inet_pton(AF_INET6, ip, addr) == 1) {
		if (memcmp(addr, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) != 0)
			memset(addr + 8, 0, 8);
		return 0;
	}
	return -EINVAL;
}

static struct bucket **
source_hash(struct pcscf_limit *l, const uint8_t addr[16])
{
	uint32_t h = 2166136261u ^ l->seed;
	int i;

	for (i = 0; i < 16; i++)
		h = (h ^ addr[i]) * 16777619u;
	return &l->hash[h & l->mask];
}

static void
lru_del(struct pcscf_limit *l, struct bucket *b)
{
	if (b->prev != NULL)
		b->prev->next = b->next;
	else
		l->head = b->next;
	if (b->next != NULL)
		b->next->prev = b->prev;
	else
		l->tail = b->prev;
	b->prev = b->next = NULL;
}

static void
lru_put(struct pcscf_limit *l, struct bucket *b)
{
	b->prev = l->tail;
	b->next = NULL;
	if (l->tail != NULL)
		l->tail->next = b;
	else
		l->head = b;
	l->tail = b;
}

/* The bucket's tokens (thousandths) now. */
static int64_t
refill(const struct pcscf_limit *l, struct bucket *b, int64_t now)
{
	int64_t full = l->burst * 1000, dt = now - b->at, got;

	if (dt > 86400000) {
		/* At most a day's refill: the product below stays far from
		 * overflowing. */
		dt = 86400000;
		b->at = now - dt;
	}
	if (dt > 0) {
		/* ms * tokens/min * 1000 / 60000 ms; only the time turned
		 * into tokens is used up, so that frequent calls lose
		 * nothing to rounding. */
		got = dt * l->rate / 60;
		b->milli += got;
		b->at += got * 60 / l->rate;
	}
	if (b->milli >= full) {
		b->milli = full;
		b->at = now;
	}
	return b->milli;
}

/* Seconds until the bucket holds need thousandths. */
static unsigned
wait_for(const struct pcscf_limit *l, int64_t milli, int64_t need)
{
	int64_t ms = (need - milli) * 60 / l->rate;
	int64_t s = (ms + 999) / 1000;

	if (s < 1)
		return 1;
	return s > PCSCF_RETRY_AFTER_MAX ? PCSCF_RETRY_AFTER_MAX : (unsigned)s;
}

static void
bucket_unhash(struct pcscf_limit *l, struct bucket *b)
{
	struct bucket **pp;

	for (pp = source_hash(l, b->addr); *pp != NULL; pp = &(*pp)->hnext)
		if (*pp == b) {
			*pp = b->hnext;
			break;
		}
}

int
pcscf_limit_take(struct pcscf_limit *l, const char *ip, unsigned *retry_after)
{
	uint8_t addr[16];
	struct bucket *b, **pp;
	int64_t now = l->now(l->now_arg);

	*retry_after = 1;
	if (source_key(ip, addr) < 0)
		return -EINVAL;
	pp = source_hash(l, addr);
	for (b = *pp; b != NULL; b = b->hnext)
		if (memcmp(b->addr, addr, 16) == 0)
			break;
	if (b == NULL) {
		if (l->n < l->cap)
			b = &l->pool[l->n++];
		else if (refill(l, l->head, now) >= l->burst * 1000) {
			/* Refilled: forgetting it loses nothing. */
			b = l->head;
			bucket_unhash(l, b);
			lru_del(l, b);
		} else {
			*retry_after = wait_for(l, l->head->milli,
			    l->burst * 1000);
			return 0;
		}
		memset(b, 0, sizeof(*b));
		memcpy(b->addr, addr, 16);
		b->at = now;
		b->milli = l->burst * 1000;
		b->hnext = *pp;
		*pp = b;
	} else
		lru_del(l, b);
	lru_put(l, b);
	if (refill(l, b, now) < 1000) {
		*retry_after = wait_for(l, b->milli, 1000);
		return 0;
	}
	b->milli -= 1000;
	return 1;
}
