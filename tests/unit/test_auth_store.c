/* test_auth_store.c - the S-CSCF's store of AKA challenges and vectors
 * (scscf/auth.c): challenge, verify, forget; the nc replay rule; the
 * capacity rules (a pending challenge is never evicted: -ENOSPC; expired
 * challenges, then the least recently used verified vectors, make room);
 * keys wiped on every removal. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "digest.h"
#include "scscf.h"
#include "t.h"

#define REALM	"ims.example.org"
#define URI	"sip:ims.example.org"

static time_t clock_now = 1000;

static time_t
fake_now(void *arg)
{
	(void)arg;
	return clock_now;
}

/* A vector whose bytes all derive from n; ck is "CK" n ... */
static void
item_make(unsigned n, struct cx_auth_item *it)
{
	unsigned i;

	memset(it, 0, sizeof(*it));
	(void)snprintf(it->scheme, sizeof(it->scheme), "Digest-AKAv1-MD5");
	for (i = 0; i < 32; i++)
		it->authenticate[i] = (uint8_t)(n * 7 + i + 1);
	it->authenticate_len = 32;
	for (i = 0; i < 8; i++)
		it->authorization[i] = (uint8_t)(n * 3 + i + 0x41);
	it->authorization_len = 8;
	memset(it->ck, 0, 16);
	memset(it->ik, 0, 16);
	memcpy(it->ck, "CK", 2);
	memcpy(it->ik, "IK", 2);
	it->ck[2] = it->ik[2] = (uint8_t)n;
	it->ck[3] = it->ik[3] = (uint8_t)(n >> 8);
	memset(it->ck + 4, 0xc5, 12);
	memset(it->ik + 4, 0x15, 12);
	it->has_ck = it->has_ik = 1;
}

static void
impi_of(unsigned n, char *impi, size_t size)
{
	(void)snprintf(impi, size, "user%u@" REALM, n);
}

/* reserve + MAA: the nonce of the 401 in nonce. */
static int
challenge(struct auth_store *st, unsigned n, char *nonce)
{
	struct cx_auth_item it;
	struct digest d;
	char impi[64], hdr[DIGEST_FORMAT_MAX];
	int rc;

	impi_of(n, impi, sizeof(impi));
	item_make(n, &it);
	if ((rc = auth_reserve(st, impi)) < 0)
		return rc;
	if ((rc = auth_challenge(st, impi, REALM, &it, hdr,
	    sizeof(hdr))) < 0)
		return rc;
	if (digest_parse(hdr, strlen(hdr), &d) < 0 ||
	    !DIGEST_HAS(&d, DIGEST_CK) || !DIGEST_HAS(&d, DIGEST_NONCE))
		return -EINVAL;
	(void)snprintf(nonce, DIGEST_MAX_VALUE + 1, "%s", d.nonce);
	return 0;
}

/* The UE's answer with count nc (res: the right RES, or a wrong one). */
static int
answer(struct auth_store *st, unsigned n, const char *nonce, unsigned nc,
    int right)
{
	struct cx_auth_item it;
	struct digest d;
	char impi[64], ncs[9], resp[33];

	impi_of(n, impi, sizeof(impi));
	item_make(n, &it);
	if (!right)
		it.authorization[0] ^= 1;
	(void)snprintf(ncs, sizeof(ncs), "%08x", nc);
	if (digest_aka_response("AKAv1-MD5", impi, REALM, "REGISTER", URI,
	    nonce, it.authorization, it.authorization_len, NULL, NULL, "auth",
	    ncs, "0a4f113b", resp) < 0)
		return -100;
	digest_init(&d);
	if (digest_set(&d, DIGEST_USERNAME, impi) < 0 ||
	    digest_set(&d, DIGEST_REALM, REALM) < 0 ||
	    digest_set(&d, DIGEST_NONCE, nonce) < 0 ||
	    digest_set(&d, DIGEST_URI, URI) < 0 ||
	    digest_set(&d, DIGEST_RESPONSE, resp) < 0 ||
	    digest_set(&d, DIGEST_ALGORITHM, "AKAv1-MD5") < 0 ||
	    digest_set(&d, DIGEST_QOP, "auth") < 0 ||
	    digest_set(&d, DIGEST_NC, ncs) < 0 ||
	    digest_set(&d, DIGEST_CNONCE, "0a4f113b") < 0)
		return -100;
	return auth_verify(st, impi, &d, "REGISTER");
}

static struct auth_store *
store(size_t cap)
{
	struct auth_store *st = auth_store_new(cap);

	if (st != NULL)
		auth_store_set_clock(st, fake_now, NULL);
	return st;
}

static int
holds_ck(struct auth_store *st, unsigned n)
{
	struct cx_auth_item it;

	item_make(n, &it);
	return auth_store_holds(st, it.ck, sizeof(it.ck));
}

static void
test_procedure(void)
{
	struct auth_store *st = store(16);
	char nonce[DIGEST_MAX_VALUE + 1], impi[64];
	struct cx_auth_item it;
	uint8_t rand[16];

	T_CHECK(st != NULL, "new");
	T_CHECK(auth_store_new(0) == NULL, "capacity 0 refused");
	T_CHECK(challenge(st, 1, nonce) == 0, "challenge");
	T_CHECK(holds_ck(st, 1), "ck kept for the challenge");
	impi_of(1, impi, sizeof(impi));
	item_make(1, &it);
	T_CHECK(auth_rand(st, impi, nonce, rand) == 0 &&
	    memcmp(rand, it.authenticate, 16) == 0, "RAND for resync");
	T_CHECK(auth_rand(st, impi, "bm9ub25jZQ==", rand) == -ENOENT,
	    "RAND for another nonce");
	T_CHECK(answer(st, 1, nonce, 1, 0) == 0, "wrong RES");
	T_CHECK(answer(st, 1, nonce, 1, 1) == 1, "right RES");
	/* RFC 2617 3.2.2: a used vector only with a higher nc. */
	T_CHECK(answer(st, 1, nonce, 1, 1) == -ESTALE, "nc replayed");
	T_CHECK(answer(st, 1, nonce, 2, 1) == 1, "nc 2");
	T_CHECK(answer(st, 1, nonce, 2, 1) == -ESTALE, "nc 2 replayed");
	T_CHECK(answer(st, 1, "AAAA", 3, 1) == -ESTALE, "other nonce");
	/* Reuse ends AUTH_REUSE_TTL after the challenge. */
	clock_now += AUTH_REUSE_TTL - 1;
	T_CHECK(answer(st, 1, nonce, 3, 1) == 1, "reuse within the TTL");
	clock_now += 2;
	T_CHECK(answer(st, 1, nonce, 4, 1) == -ESTALE, "reuse after the TTL");
	auth_forget(st, impi);
	T_CHECK(!holds_ck(st, 1), "ck wiped by auth_forget");
	T_CHECK(answer(st, 1, nonce, 5, 1) == -ESTALE, "forgotten");

	/* A challenge is answerable for AUTH_CHALLENGE_TTL. */
	T_CHECK(challenge(st, 2, nonce) == 0, "challenge 2");
	clock_now += AUTH_CHALLENGE_TTL + 1;
	T_CHECK(answer(st, 2, nonce, 1, 1) == -ESTALE, "challenge expired");
	/* A new challenge replaces the old vector (and its keys). */
	T_CHECK(challenge(st, 3, nonce) == 0 && answer(st, 3, nonce, 1, 1) ==
	    1, "user 3 verified");
	impi_of(3, impi, sizeof(impi));
	T_CHECK(auth_reserve(st, impi) == 0, "user 3 challenged again");
	T_CHECK(!holds_ck(st, 3), "old vector wiped at the new challenge");
	T_CHECK(answer(st, 3, nonce, 2, 1) == -ESTALE, "old vector gone");
	/* A reservation whose MAR failed is given back; a vector is not. */
	auth_release(st, impi);
	T_CHECK(challenge(st, 4, nonce) == 0, "challenge 4");
	impi_of(4, impi, sizeof(impi));
	auth_release(st, impi);
	T_CHECK(answer(st, 4, nonce, 1, 1) == 1, "release keeps a vector");
	auth_store_free(st);
}

static void
test_capacity(void)
{
	struct auth_store *st = store(4);
	char nonce[8][DIGEST_MAX_VALUE + 1], impi[64];
	struct auth_stats s;
	unsigned i;

	/* Four pending challenges fill it; a fifth user is refused and no
	 * pending one is lost. */
	for (i = 0; i < 4; i++)
		T_CHECK(challenge(st, 10 + i, nonce[i]) == 0, "pending %u", i);
	auth_store_stats(st, &s);
	T_CHECK(s.capacity == 4 && s.pending == 4 && s.verified == 0,
	    "stats %zu %zu %zu", s.capacity, s.pending, s.verified);
	impi_of(20, impi, sizeof(impi));
	T_CHECK(auth_reserve(st, impi) == -ENOSPC, "full of pending");
	T_CHECK(auth_store_retry_after(st) == AUTH_CHALLENGE_TTL + 1,
	    "Retry-After %u", auth_store_retry_after(st));
	clock_now += 20;
	T_CHECK(auth_store_retry_after(st) == AUTH_CHALLENGE_TTL + 1 - 20,
	    "Retry-After %u after 20 s", auth_store_retry_after(st));
	/* The same IMPI again takes no more room. */
	impi_of(11, impi, sizeof(impi));
	T_CHECK(auth_reserve(st, impi) == 0, "re-challenge in place");
	for (i = 0; i < 4; i++)
		T_CHECK(holds_ck(st, 10 + i), "pending %u kept", i);

	/* Verified vectors go first, least recently used first. */
	T_CHECK(answer(st, 10, nonce[0], 1, 1) == 1, "10 verified");
	T_CHECK(answer(st, 12, nonce[2], 1, 1) == 1, "12 verified");
	T_CHECK(answer(st, 10, nonce[0], 2, 1) == 1, "10 used again");
	T_CHECK(challenge(st, 21, nonce[4]) == 0, "21 evicts a verified");
	T_CHECK(!holds_ck(st, 12), "12 (least recently used) wiped");
	T_CHECK(holds_ck(st, 10), "10 kept");
	T_CHECK(answer(st, 12, nonce[2], 2, 1) == -ESTALE, "12 re-challenged");
	T_CHECK(answer(st, 13, nonce[3], 1, 1) == 1, "pending 13 still there");
	T_CHECK(challenge(st, 22, nonce[5]) == 0, "22 evicts 10 or 13");
	auth_store_stats(st, &s);
	T_CHECK(s.pending == 3 && s.verified == 1, "stats %zu %zu", s.pending,
	    s.verified);

	/* An expired challenge goes before a verified vector. */
	clock_now += AUTH_CHALLENGE_TTL + 1;
	/* pending now: 11 (re-reserved, no new MAA: old vector), 21, 22 */
	T_CHECK(challenge(st, 23, nonce[6]) == 0, "23 takes an expired one");
	auth_store_stats(st, &s);
	T_CHECK(s.verified == 1, "the verified vector stayed (%zu)",
	    s.verified);
	T_CHECK(!holds_ck(st, 11), "expired 11 wiped");
	auth_store_free(st);
}

/* Many IMPIs through a small store, three new ones a second, one of each
 * three answering at once: no pending challenge is ever lost, the store
 * never holds more than its capacity, and the overflow is refused. */
static void
test_churn(void)
{
	enum { STEPS = 200, CAP = 64 };
	struct auth_store *st = store(CAP);
	static char nonce[3 * STEPS][DIGEST_MAX_VALUE + 1];
	static time_t born[3 * STEPS];
	unsigned i, j, n, ok = 0, busy = 0, lost = 0;
	struct auth_stats s;

	for (i = 0; i < STEPS; i++, clock_now++) {
		for (j = 0; j < 3; j++) {
			n = 3 * i + j;
			nonce[n][0] = '\0';
			if (challenge(st, 1000 + n, nonce[n]) == 0) {
				ok++;
				born[n] = clock_now;
			} else {
				busy++;
				nonce[n][0] = '\0';
			}
		}
		n = 3 * i;
		if (nonce[n][0] != '\0' &&
		    answer(st, 1000 + n, nonce[n], 1, 1) != 1)
			lost++;
		auth_store_stats(st, &s);
		if (s.pending + s.verified > CAP)
			lost++;
	}
	/* Every unanswered challenge still within its TTL answers. */
	for (n = 0; n < 3 * STEPS; n++)
		if (n % 3 != 0 && nonce[n][0] != '\0' &&
		    clock_now - born[n] <= AUTH_CHALLENGE_TTL &&
		    answer(st, 1000 + n, nonce[n], 1, 1) != 1)
			lost++;
	T_CHECK(lost == 0, "%u pending challenges lost", lost);
	T_CHECK(busy > 0 && ok > CAP, "ok %u busy %u", ok, busy);
	auth_store_free(st);
}

int
main(void)
{
	log_init("test_auth_store", LOG_LVL_WARN);
	test_procedure();
	test_capacity();
	test_churn();
	return t_done("test_auth_store");
}
