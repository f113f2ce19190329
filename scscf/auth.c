/* auth.c - IMS AKA on the S-CSCF (TS 33.203 6.1, TS 24.229 5.4.1.2,
 * RFC 3310): the store of the vectors in use per IMPI, the
 * WWW-Authenticate value with ck/ik for the P-CSCF, the check of the UE's
 * response (constant time, in digest_aka_verify) and the MAR budget of
 * each IMPI.
 *
 * The store is an object of fixed capacity, owned by the daemon: a hash
 * table keyed by IMPI over a pool of entries, and three lists.
 *	pending		a MAR in flight (reserved) or a challenge sent and
 *			not answered yet, oldest first; never evicted
 *			before AUTH_CHALLENGE_TTL
 *	verified	vectors the UE answered, least recently used first
 *	idle		no vector, only the times of the IMPI's recent MARs
 * A new IMPI takes a never used or released entry, else an expired
 * pending one, else an idle one, else the least recently used verified
 * one, else nothing: -ENOSPC, and the REGISTER is refused before any MAR
 * (503).  Everything is O(1) per request.  Key material is wiped whenever
 * it is dropped.  Memory only: after a restart a UE is simply challenged
 * again.
 *
 * An entry holds two challenges: the newest and the one it replaced, so
 * that a challenge somebody else's REGISTER replaced stays answerable
 * for its own lifetime, and a verified vector outlives unanswered
 * challenges (a credential-less REGISTER for someone else's IMPI cannot
 * wipe that user's state).  It also holds the public identities the HSS
 * vouched for with this IMPI in a MAA (TS 29.228 6.3.1: the HSS checks
 * the pair): the challenges serve those and no other.
 */
#include <sys/random.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "clock.h"
#include "check.h"
#include "cx.h"
#include "digest.h"
#include "log.h"
#include "scscf.h"
#include "util.h"

#define AUTH_NONCE_MAX		48	/* base64(RAND || AUTN) is 44 */

struct auth_chal {
	int		 used;		/* holds a vector */
	int		 verified;	/* answered right at least once */
	int		 failed;	/* answered wrong at least once */
	char		 nonce[AUTH_NONCE_MAX];
	char		 algorithm[16];
	uint8_t		 rand[16];
	uint8_t		 xres[16];
	size_t		 xres_len;
	uint8_t		 ck[16], ik[16];
	time_t		 created;
	unsigned long	 last_nc;	/* highest nc accepted */
};

struct auth_vec;
struct auth_list {
	struct auth_vec	*head, *tail;
	size_t		 n;
};

struct auth_vec {
	char		 impi[SCSCF_ID_MAX];
	struct auth_chal ch[2];		/* [0] newest, [1] the one replaced */
	char		 impus[AUTH_IMPUS_MAX][SCSCF_ID_MAX];	/* a ring */
	unsigned	 impus_next;
	void		*owner;		/* the MAR in flight, or NULL */
	time_t		 listed;	/* reservation or newest challenge */
	time_t		 mar_at[AUTH_MAR_LIMIT_MAX];	/* a ring; 0: empty */
	unsigned	 mar_next;	/* the ring's next slot (the oldest) */
	struct auth_vec	*hnext;		/* hash chain; free list */
	struct auth_vec	*prev, *next;	/* one of the lists */
	struct auth_list *list;
};

struct auth_store {
	struct auth_vec	*pool;
	size_t		 cap, hw;	/* entries [0, hw) were used */
	struct auth_vec	**bucket;
	size_t		 mask;
	struct auth_vec	*free;
	struct auth_list pending, verified, idle;
	unsigned	 mar_limit, mar_window;
	uint32_t	 seed;
	time_t		(*now)(void *);
	void		*now_arg;
};

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
	st->mar_limit = AUTH_MAR_LIMIT_DEFAULT;
	st->mar_window = AUTH_MAR_WINDOW_DEFAULT;
	/* A secret seed: the IMPIs that collide are not predictable. */
	if (getrandom(&st->seed, sizeof(st->seed), 0) != sizeof(st->seed))
		st->seed = (uint32_t)time(NULL);
	st->now = clock_mono_sec;
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

int
auth_store_set_mar_limit(struct auth_store *st, unsigned limit,
    unsigned window)
{
	IMS_CHECK_PARAMS(st != NULL && limit >= 1 &&
	    limit <= AUTH_MAR_LIMIT_MAX && window >= 1);
	st->mar_limit = limit;
	st->mar_window = window;
	return 0;
}

void
auth_store_set_clock(struct auth_store *st, time_t (*now)(void *), void *arg)
{
	st->now = now != NULL ? now : clock_mono_sec;
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
	s->idle = st->idle.n;
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

static void
chal_wipe(struct auth_chal *c)
{
	secure_wipe(c, sizeof(*c));
}

static int
pending_expired(const struct auth_vec *v, time_t now)
{
	return now - v->listed > AUTH_CHALLENGE_TTL;
}

/* The MARs of v within the window. */
static unsigned
mar_recent(const struct auth_store *st, const struct auth_vec *v,
    time_t now)
{
	unsigned i, n = 0;

	for (i = 0; i < st->mar_limit; i++)
		if (v->mar_at[i] != 0 &&
		    now - v->mar_at[i] < (time_t)st->mar_window)
			n++;
	return n;
}

/* The HSS vouched for (impi, impu) in a MAA of this entry. */
static int
impu_ok(const struct auth_vec *v, const char *impu)
{
	unsigned i;

	for (i = 0; i < AUTH_IMPUS_MAX; i++)
		if (v->impus[i][0] != '\0' && strcmp(v->impus[i], impu) == 0)
			return 1;
	return 0;
}

static void
impu_add(struct auth_vec *v, const char *impu)
{
	if (impu_ok(v, impu))
		return;
	secure_wipe(v->impus[v->impus_next], sizeof(v->impus[0]));
	(void)snprintf(v->impus[v->impus_next], sizeof(v->impus[0]), "%s",
	    impu);
	v->impus_next = (v->impus_next + 1) % AUTH_IMPUS_MAX;
}

/* A challenge usable now: answerable while pending, reusable once
 * verified. */
static int
chal_live(const struct auth_chal *c, time_t now)
{
	if (!c->used)
		return 0;
	return now - c->created <= (c->verified ? AUTH_REUSE_TTL :
	    AUTH_CHALLENGE_TTL);
}

/* Put v on the list its state says: pending while a MAR is in flight or
 * its newest challenge is unanswered; verified when a challenge was
 * answered; idle when only recent MAR times are left; else removed. */
static void
auth_relist(struct auth_store *st, struct auth_vec *v, time_t now)
{
	if (v->owner != NULL || (v->ch[0].used && !v->ch[0].verified)) {
		if (v->list != &st->pending)
			list_put(&st->pending, v);
	} else if (v->ch[0].used || v->ch[1].used) {
		if (v->list != &st->verified)
			list_put(&st->verified, v);
	} else if (mar_recent(st, v, now) > 0)
		list_put(&st->idle, v);
	else
		auth_remove(st, v);
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
			v = st->idle.head != NULL ? st->idle.head :
			    st->verified.head;
		if (v == NULL)
			return NULL;
		log_debug("auth: %s dropped to make room", v->impi);
		auth_remove(st, v);
		st->free = v->hnext;
	}
	memset(v, 0, sizeof(*v));
	(void)snprintf(v->impi, sizeof(v->impi), "%s", impi);
	b = auth_bucket(st, impi);
	v->hnext = *b;
	*b = v;
	v->listed = now;
	return v;
}

unsigned
auth_store_retry_after(const struct auth_store *st)
{
	const struct auth_vec *v = st->pending.head;
	time_t left;

	if (v == NULL)
		return 1;
	left = v->listed + AUTH_CHALLENGE_TTL + 1 - st->now(st->now_arg);
	return left < 1 ? 1 : (unsigned)left;
}

/* ---- the challenge header ---- */

/* TS 33.203 6.1.1 / TS 24.229 5.4.1.2.1: the 401's WWW-Authenticate,
 * with qop=auth (RFC 2617 3.2.1) and ck/ik for the P-CSCF. */
static int
chal_format(const struct auth_chal *c, const char *realm, char *hdr,
    size_t hdrsize)
{
	struct digest d;
	char ck[33], ik[33];
	int rc;

	hex_encode(c->ck, 16, ck);
	hex_encode(c->ik, 16, ik);
	digest_init(&d);
	if ((rc = digest_set(&d, DIGEST_REALM, realm)) < 0 ||
	    (rc = digest_set(&d, DIGEST_NONCE, c->nonce)) < 0 ||
	    (rc = digest_set(&d, DIGEST_ALGORITHM, c->algorithm)) < 0 ||
	    (rc = digest_set(&d, DIGEST_QOP, "auth")) < 0 ||
	    (rc = digest_set(&d, DIGEST_CK, ck)) < 0 ||
	    (rc = digest_set(&d, DIGEST_IK, ik)) < 0)
		goto out;
	rc = digest_format(&d, DIGEST_FMT_CHALLENGE, hdr, hdrsize);
out:
	secure_wipe(ck, sizeof(ck));
	secure_wipe(ik, sizeof(ik));
	secure_wipe(&d, sizeof(d));
	return rc;
}

/* ---- the procedures ---- */

int
auth_pending(struct auth_store *st, const char *impi, const char *impu,
    int any, const char *realm, char *hdr, size_t hdrsize)
{
	struct auth_vec *v;
	struct auth_chal *c;
	time_t now = st->now(st->now_arg);
	int i;

	if ((v = auth_find(st, impi)) == NULL || !impu_ok(v, impu))
		return -ENOENT;
	for (i = 0; i < 2; i++) {
		c = &v->ch[i];
		if (c->used && !c->verified && now - c->created <=
		    (any ? AUTH_CHALLENGE_TTL : AUTH_CHALLENGE_TTL / 2) &&
		    (any || !c->failed))
			return chal_format(c, realm, hdr, hdrsize);
	}
	return -ENOENT;
}

void *
auth_inflight(struct auth_store *st, const char *impi)
{
	struct auth_vec *v = auth_find(st, impi);

	return v != NULL ? v->owner : NULL;
}

int
auth_reserve(struct auth_store *st, const char *impi, void *owner,
    unsigned *retry_after)
{
	struct auth_vec *v;
	time_t now = st->now(st->now_arg), oldest;
	unsigned i;

	IMS_CHECK_PARAMS(impi != NULL && strlen(impi) < SCSCF_ID_MAX &&
	    owner != NULL);
	if ((v = auth_find(st, impi)) == NULL &&
	    (v = auth_alloc(st, impi, now)) == NULL)
		return -ENOSPC;
	/* The IMPI's MAR budget: at most mar_limit in any mar_window. */
	if (mar_recent(st, v, now) >= st->mar_limit) {
		oldest = now;
		for (i = 0; i < st->mar_limit; i++)
			if (v->mar_at[i] != 0 && v->mar_at[i] < oldest)
				oldest = v->mar_at[i];
		if (retry_after != NULL)
			*retry_after = (unsigned)(oldest + st->mar_window -
			    now);
		return -EAGAIN;
	}
	v->mar_at[v->mar_next] = now > 0 ? now : 1;
	v->mar_next = (v->mar_next + 1) % st->mar_limit;
	/* Whatever the entry holds stays answerable until the MAA replaces
	 * it; the entry is protected again from now on. */
	v->owner = owner;
	v->listed = now;
	list_put(&st->pending, v);
	return 0;
}

void
auth_release(struct auth_store *st, const char *impi, void *owner,
    int uncount)
{
	struct auth_vec *v;

	if ((v = auth_find(st, impi)) == NULL || v->owner != owner)
		return;
	v->owner = NULL;
	if (uncount) {
		/* The HSS refused it: no vector, no SQN spent. */
		v->mar_next = (v->mar_next + st->mar_limit - 1) %
		    st->mar_limit;
		v->mar_at[v->mar_next] = 0;
	}
	auth_relist(st, v, st->now(st->now_arg));
}

void
auth_forget(struct auth_store *st, const char *impi)
{
	struct auth_vec *v;

	if ((v = auth_find(st, impi)) == NULL)
		return;
	chal_wipe(&v->ch[0]);
	chal_wipe(&v->ch[1]);
	secure_wipe(v->impus, sizeof(v->impus));
	v->owner = NULL;
	auth_relist(st, v, st->now(st->now_arg));
}

int
auth_challenge(struct auth_store *st, const char *impi, const char *impu,
    void *owner, const char *realm, const struct cx_auth_item *it,
    char *hdr, size_t hdrsize)
{
	struct auth_vec *v;
	struct auth_chal *c;
	time_t now = st->now(st->now_arg);
	int rc;

	IMS_CHECK_PARAMS(impi != NULL && strlen(impi) < SCSCF_ID_MAX &&
	    impu != NULL && strlen(impu) < SCSCF_ID_MAX);
	if (it->authenticate_len < 32 || it->authorization_len < 4 ||
	    it->authorization_len > 16 || !it->has_ck || !it->has_ik) {
		log_warn("auth: unusable vector for %s", impi);
		return -EINVAL;
	}
	if ((v = auth_find(st, impi)) == NULL &&
	    (v = auth_alloc(st, impi, now)) == NULL)
		return -ENOSPC;		/* the reservation expired */
	/* The newest challenge moves to the second slot, unless that one
	 * holds a verified vector still usable and the newest is only an
	 * unanswered challenge. */
	if (v->ch[0].used && (v->ch[0].verified ||
	    !(v->ch[1].verified && chal_live(&v->ch[1], now)))) {
		chal_wipe(&v->ch[1]);
		v->ch[1] = v->ch[0];
	}
	c = &v->ch[0];
	chal_wipe(c);
	c->used = 1;
	(void)snprintf(c->algorithm, sizeof(c->algorithm), "%s",
	    strcasecmp(it->scheme, "Digest-AKAv2-MD5") == 0 ?
	    "AKAv2-MD5" : "AKAv1-MD5");
	memcpy(c->rand, it->authenticate, 16);
	memcpy(c->xres, it->authorization, it->authorization_len);
	c->xres_len = it->authorization_len;
	memcpy(c->ck, it->ck, 16);
	memcpy(c->ik, it->ik, 16);
	c->created = now;
	if (v->owner == owner)
		v->owner = NULL;
	v->listed = now;
	/* RFC 3310 3.2: nonce = base64(RAND || AUTN). */
	if ((rc = digest_aka_nonce_make(it->authenticate, it->authenticate + 16,
	    NULL, 0, c->nonce, sizeof(c->nonce))) == 0)
		rc = chal_format(c, realm, hdr, hdrsize);
	if (rc < 0)
		chal_wipe(c);
	else
		impu_add(v, impu);
	list_del(v);
	auth_relist(st, v, now);
	if (rc < 0)
		return rc;
	if (log_keys_allowed())
		log_debug("auth: %s challenged, nonce %s", impi, c->nonce);
	return 0;
}

/* RFC 2617 3.2.2: the response answers a qop=auth challenge (qop, cnonce,
 * nc); the RFC 2069 form is not accepted. */
static int
creds_qop(const struct digest *creds, unsigned long *nc)
{
	char *end;

	if (!DIGEST_HAS(creds, DIGEST_QOP) ||
	    strcasecmp(creds->qop, "auth") != 0 ||
	    !DIGEST_HAS(creds, DIGEST_CNONCE) || creds->cnonce[0] == '\0' ||
	    !DIGEST_HAS(creds, DIGEST_NC))
		return -EPROTO;
	/* digest_parse: exactly 8 hex digits. */
	*nc = strtoul(creds->nc, &end, 16);
	if (*end != '\0')
		return -EPROTO;
	return 0;
}

int
auth_verify(struct auth_store *st, const char *impi, const char *impu,
    const struct digest *creds, const char *method)
{
	struct auth_vec *v;
	struct auth_chal *c = NULL;
	unsigned long nc = 0;
	time_t now = st->now(st->now_arg);
	int rc, i;

	if ((v = auth_find(st, impi)) == NULL ||
	    !DIGEST_HAS(creds, DIGEST_NONCE))
		return -ESTALE;
	for (i = 0; i < 2 && c == NULL; i++)
		if (v->ch[i].used && strcmp(v->ch[i].nonce, creds->nonce) == 0)
			c = &v->ch[i];
	/* TS 29.228 6.3.1: the HSS vouched for the pairs of its MAAs only;
	 * another public identity needs a MAR of its own. */
	if (c == NULL || !impu_ok(v, impu) || !chal_live(c, now))
		return -ESTALE;
	/* RFC 2617 3.2.2, 3.2.3: nc counts the uses of a nonce; one that
	 * does not grow is a replay. */
	if (creds_qop(creds, &nc) < 0 || nc <= c->last_nc)
		return -EPROTO;
	if (strcasecmp(creds->algorithm, c->algorithm) != 0)
		return 0;
	rc = digest_aka_verify(creds, method, c->xres, c->xres_len, c->ck,
	    c->ik);
	if (rc != 1 && log_keys_allowed()) {
		char x[33];

		hex_encode(c->xres, c->xres_len, x);
		log_debug("auth: %s: xres %s, algorithm %s, rc %d", impi, x,
		    c->algorithm, rc);
	}
	if (rc == 0)
		c->failed = 1;
	if (rc == 1) {
		c->verified = 1;
		c->last_nc = nc;
		/* The newest answered: the one it replaced is of no use;
		 * the entry becomes the most recently used. */
		if (c == &v->ch[0]) {
			chal_wipe(&v->ch[1]);
			list_del(v);
			auth_relist(st, v, now);
		}
	}
	return rc;
}

int
auth_rand(struct auth_store *st, const char *impi, const char *nonce,
    uint8_t rand[16])
{
	struct auth_vec *v;
	int i;

	if ((v = auth_find(st, impi)) == NULL)
		return -ENOENT;
	for (i = 0; i < 2; i++)
		if (v->ch[i].used && strcmp(v->ch[i].nonce, nonce) == 0) {
			memcpy(rand, v->ch[i].rand, 16);
			return 0;
		}
	return -ENOENT;
}
