/* auth.c - IMS AKA on the S-CSCF (TS 33.203 6.1, TS 24.229 5.4.1.2,
 * RFC 3310): the store of the vectors in use per IMPI, the
 * WWW-Authenticate value with ck/ik for the P-CSCF, and the check of the
 * UE's response (constant time, in digest_aka_verify).
 *
 * The store is an object of fixed capacity, owned by the daemon: a hash
 * table keyed by IMPI over a pool of entries, and two lists.
 *	pending		a MAR in flight (reserved) or a challenge sent and
 *			not answered yet, oldest first; never evicted
 *			before AUTH_CHALLENGE_TTL
 *	verified	vectors the UE answered, least recently used first;
 *			the first to go when room is needed (that UE is
 *			challenged again at its next REGISTER)
 * A new IMPI takes a never used or released entry, else an expired
 * pending one, else the least recently used verified one, else nothing:
 * -ENOSPC, and the REGISTER is refused before any MAR (503).
 * Everything is O(1) per request.  Entries are wiped whenever they are
 * removed.  Memory only: after a restart a UE is simply challenged again.
 */
#include <sys/random.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "check.h"
#include "cx.h"
#include "digest.h"
#include "log.h"
#include "scscf.h"
#include "util.h"

#define AUTH_NONCE_MAX		48	/* base64(RAND || AUTN) is 44 */

struct auth_vec;
struct auth_list {
	struct auth_vec	*head, *tail;
	size_t		 n;
};

struct auth_vec {
	char		 impi[SCSCF_ID_MAX];
	char		 nonce[AUTH_NONCE_MAX];
	char		 algorithm[16];
	uint8_t		 rand[16];
	uint8_t		 xres[16];
	size_t		 xres_len;
	uint8_t		 ck[16], ik[16];
	int		 has_vec;	/* 0: reserved, the MAA not in yet */
	int		 verified;
	time_t		 created;	/* reservation or challenge */
	unsigned long	 last_nc;
	struct auth_vec	*hnext;		/* hash chain; free list */
	struct auth_vec	*prev, *next;	/* pending or verified list */
	struct auth_list *list;
};

struct auth_store {
	struct auth_vec	*pool;
	size_t		 cap, hw;	/* entries [0, hw) were used */
	struct auth_vec	**bucket;
	size_t		 mask;
	struct auth_vec	*free;
	struct auth_list pending, verified;
	uint32_t	 seed;
	time_t		(*now)(void *);
	void		*now_arg;
};

static time_t
auth_now_mono(void *arg)
{
	struct timespec ts;

	(void)arg;
	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		return time(NULL);
	return ts.tv_sec;
}

struct auth_store *
auth_store_new(size_t capacity)
{
	struct auth_store *st;
	size_t nb = 16;

	if (capacity == 0 || capacity > (1u << 30))
		return NULL;
	while (nb < capacity)
		nb <<= 1;
	if ((st = calloc(1, sizeof(*st))) == NULL)
		return NULL;
	/* calloc: pages of the pool are only touched once used. */
	st->pool = calloc(capacity, sizeof(*st->pool));
	st->bucket = calloc(nb, sizeof(*st->bucket));
	if (st->pool == NULL || st->bucket == NULL) {
		free(st->pool);
		free(st->bucket);
		free(st);
		return NULL;
	}
	st->cap = capacity;
	st->mask = nb - 1;
	/* A secret seed: the IMPIs that collide are not predictable. */
	if (getrandom(&st->seed, sizeof(st->seed), 0) != sizeof(st->seed))
		st->seed = (uint32_t)time(NULL);
	st->now = auth_now_mono;
	return st;
}

void
auth_store_free(struct auth_store *st)
{
	if (st == NULL)
		return;
	secure_wipe(st->pool, st->hw * sizeof(*st->pool));
	free(st->pool);
	free(st->bucket);
	free(st);
}

void
auth_store_set_clock(struct auth_store *st, time_t (*now)(void *), void *arg)
{
	st->now = now != NULL ? now : auth_now_mono;
	st->now_arg = arg;
}

int
auth_store_holds(const struct auth_store *st, const void *bytes, size_t len)
{
	return st->hw > 0 && memmem(st->pool, st->hw * sizeof(*st->pool),
	    bytes, len) != NULL;
}

void
auth_store_stats(const struct auth_store *st, struct auth_stats *s)
{
	s->capacity = st->cap;
	s->pending = st->pending.n;
	s->verified = st->verified.n;
}

/* ---- lists and hash ---- */

static void
list_del(struct auth_vec *v)
{
	struct auth_list *l = v->list;

	if (l == NULL)
		return;
	if (v->prev != NULL)
		v->prev->next = v->next;
	else
		l->head = v->next;
	if (v->next != NULL)
		v->next->prev = v->prev;
	else
		l->tail = v->prev;
	v->prev = v->next = NULL;
	v->list = NULL;
	l->n--;
}

/* Move v to the tail of l (the most recent end). */
static void
list_put(struct auth_list *l, struct auth_vec *v)
{
	list_del(v);
	v->prev = l->tail;
	v->next = NULL;
	if (l->tail != NULL)
		l->tail->next = v;
	else
		l->head = v;
	l->tail = v;
	v->list = l;
	l->n++;
}

/* FNV-1a from a secret offset. */
static struct auth_vec **
auth_bucket(struct auth_store *st, const char *impi)
{
	uint32_t h = 2166136261u ^ st->seed;

	for (; *impi != '\0'; impi++)
		h = (h ^ (uint8_t)*impi) * 16777619u;
	return &st->bucket[h & st->mask];
}

static struct auth_vec *
auth_find(struct auth_store *st, const char *impi)
{
	struct auth_vec *v;

	for (v = *auth_bucket(st, impi); v != NULL; v = v->hnext)
		if (strcmp(v->impi, impi) == 0)
			return v;
	return NULL;
}

/* Unlink, wipe (keys and all) and put on the free list. */
static void
auth_remove(struct auth_store *st, struct auth_vec *v)
{
	struct auth_vec **pp;

	for (pp = auth_bucket(st, v->impi); *pp != NULL; pp = &(*pp)->hnext)
		if (*pp == v) {
			*pp = v->hnext;
			break;
		}
	list_del(v);
	secure_wipe(v, sizeof(*v));
	v->hnext = st->free;
	st->free = v;
}

static int
pending_expired(const struct auth_vec *v, time_t now)
{
	return now - v->created > AUTH_CHALLENGE_TTL;
}

/* A fresh entry for impi (hashed, on no list), or NULL: full of pending
 * challenges. */
static struct auth_vec *
auth_alloc(struct auth_store *st, const char *impi, time_t now)
{
	struct auth_vec *v, **b;

	if ((v = st->free) != NULL)
		st->free = v->hnext;
	else if (st->hw < st->cap)
		v = &st->pool[st->hw++];
	else {
		if ((v = st->pending.head) == NULL ||
		    !pending_expired(v, now))
			v = st->verified.head;
		if (v == NULL)
			return NULL;
		log_debug("auth: %s %s to make room", v->impi, v->verified ?
		    "verified vector dropped" : "expired challenge dropped");
		auth_remove(st, v);
		st->free = v->hnext;
	}
	memset(v, 0, sizeof(*v));
	(void)snprintf(v->impi, sizeof(v->impi), "%s", impi);
	b = auth_bucket(st, impi);
	v->hnext = *b;
	*b = v;
	v->created = now;
	return v;
}

unsigned
auth_store_retry_after(const struct auth_store *st)
{
	const struct auth_vec *v = st->pending.head;
	time_t left;

	if (v == NULL)
		return 1;
	left = v->created + AUTH_CHALLENGE_TTL + 1 - st->now(st->now_arg);
	return left < 1 ? 1 : (unsigned)left;
}

/* ---- the procedures ---- */

int
auth_reserve(struct auth_store *st, const char *impi)
{
	struct auth_vec *v;
	time_t now = st->now(st->now_arg);

	IMS_CHECK_PARAMS(impi != NULL && strlen(impi) < SCSCF_ID_MAX);
	if ((v = auth_find(st, impi)) != NULL && v->verified) {
		/* Challenged again: the old vector goes now. */
		auth_remove(st, v);
		v = NULL;
	}
	if (v == NULL && (v = auth_alloc(st, impi, now)) == NULL)
		return -ENOSPC;
	/* A challenge still pending stays answerable until the new one
	 * replaces it; the entry is protected again from now on. */
	v->created = now;
	list_put(&st->pending, v);
	return 0;
}

void
auth_release(struct auth_store *st, const char *impi)
{
	struct auth_vec *v;

	if ((v = auth_find(st, impi)) != NULL && !v->has_vec)
		auth_remove(st, v);
}

void
auth_forget(struct auth_store *st, const char *impi)
{
	struct auth_vec *v;

	if ((v = auth_find(st, impi)) != NULL)
		auth_remove(st, v);
}

/* TS 33.203 6.1.1 / TS 24.229 5.4.1.2.1: the 401 challenge. */
int
auth_challenge(struct auth_store *st, const char *impi, const char *realm,
    const struct cx_auth_item *it, char *hdr, size_t hdrsize)
{
	struct auth_vec *v;
	struct digest d;
	char ck[33], ik[33];
	time_t now = st->now(st->now_arg);
	int rc;

	IMS_CHECK_PARAMS(impi != NULL && strlen(impi) < SCSCF_ID_MAX);
	if (it->authenticate_len < 32 || it->authorization_len < 4 ||
	    it->authorization_len > 16 || !it->has_ck || !it->has_ik) {
		log_warn("auth: unusable vector for %s", impi);
		return -EINVAL;
	}
	if ((v = auth_find(st, impi)) == NULL &&
	    (v = auth_alloc(st, impi, now)) == NULL)
		return -ENOSPC;		/* the reservation expired */
	secure_wipe(v->nonce, sizeof(v->nonce));
	secure_wipe(v->xres, sizeof(v->xres));
	(void)snprintf(v->algorithm, sizeof(v->algorithm), "%s",
	    strcasecmp(it->scheme, "Digest-AKAv2-MD5") == 0 ?
	    "AKAv2-MD5" : "AKAv1-MD5");
	memcpy(v->rand, it->authenticate, 16);
	memcpy(v->xres, it->authorization, it->authorization_len);
	v->xres_len = it->authorization_len;
	memcpy(v->ck, it->ck, 16);
	memcpy(v->ik, it->ik, 16);
	v->has_vec = 1;
	v->verified = 0;
	v->last_nc = 0;
	v->created = now;
	list_put(&st->pending, v);
	/* RFC 3310 3.2: nonce = base64(RAND || AUTN). */
	if ((rc = digest_aka_nonce_make(it->authenticate, it->authenticate + 16,
	    NULL, 0, v->nonce, sizeof(v->nonce))) < 0)
		goto fail;
	hex_encode(it->ck, 16, ck);
	hex_encode(it->ik, 16, ik);
	digest_init(&d);
	if ((rc = digest_set(&d, DIGEST_REALM, realm)) < 0 ||
	    (rc = digest_set(&d, DIGEST_NONCE, v->nonce)) < 0 ||
	    (rc = digest_set(&d, DIGEST_ALGORITHM, v->algorithm)) < 0 ||
	    (rc = digest_set(&d, DIGEST_QOP, "auth")) < 0 ||
	    (rc = digest_set(&d, DIGEST_CK, ck)) < 0 ||
	    (rc = digest_set(&d, DIGEST_IK, ik)) < 0)
		goto fail;
	rc = digest_format(&d, DIGEST_FMT_CHALLENGE, hdr, hdrsize);
fail:
	secure_wipe(ck, sizeof(ck));
	secure_wipe(ik, sizeof(ik));
	secure_wipe(&d, sizeof(d));
	if (rc < 0) {
		auth_remove(st, v);
		return rc;
	}
	if (log_keys_allowed())
		log_debug("auth: %s challenged, nonce %s", impi, v->nonce);
	return 0;
}

int
auth_verify(struct auth_store *st, const char *impi,
    const struct digest *creds, const char *method)
{
	struct auth_vec *v;
	unsigned long nc = 0;
	time_t now = st->now(st->now_arg);
	int rc;

	if ((v = auth_find(st, impi)) == NULL || !v->has_vec ||
	    !DIGEST_HAS(creds, DIGEST_NONCE) ||
	    strcmp(v->nonce, creds->nonce) != 0)
		return -ESTALE;
	if (DIGEST_HAS(creds, DIGEST_NC))
		nc = strtoul(creds->nc, NULL, 16);
	if (!v->verified && now - v->created > AUTH_CHALLENGE_TTL)
		return -ESTALE;
	/* A vector already used: only with a higher nc (RFC 2617 3.2.2,
	 * replay protection), within its reuse time. */
	if (v->verified && (now - v->created > AUTH_REUSE_TTL ||
	    nc <= v->last_nc))
		return -ESTALE;
	if (strcasecmp(creds->algorithm, v->algorithm) != 0)
		return 0;
	rc = digest_aka_verify(creds, method, v->xres, v->xres_len, v->ck,
	    v->ik);
	if (rc != 1 && log_keys_allowed()) {
		char x[33];

		hex_encode(v->xres, v->xres_len, x);
		log_debug("auth: %s: xres %s, algorithm %s, rc %d", impi, x,
		    v->algorithm, rc);
	}
	if (rc == 1) {
		v->verified = 1;
		v->last_nc = nc;
		list_put(&st->verified, v);	/* most recently used */
	}
	return rc;
}

int
auth_rand(struct auth_store *st, const char *impi, const char *nonce,
    uint8_t rand[16])
{
	struct auth_vec *v;

	if ((v = auth_find(st, impi)) == NULL || !v->has_vec ||
	    strcmp(v->nonce, nonce) != 0)
		return -ENOENT;
	memcpy(rand, v->rand, 16);
	return 0;
}
