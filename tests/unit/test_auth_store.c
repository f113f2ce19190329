/* test_auth_store.c - the S-CSCF's store of AKA challenges and vectors
 * (scscf/auth.c): challenge, verify, forget; the nc replay rule and the
 * qop=auth rule; challenges bound to the IMPU of their MAR; a pending
 * challenge sent again without a MAR; the second slot (a replaced
 * challenge stays answerable, a verified vector outlives an unanswered
 * challenge); the MAR budget per IMPI; the capacity rules (a pending
 * challenge is never evicted: -ENOSPC; expired challenges, then idle
 * entries, then the least recently used verified vectors, make room);
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

static void
impu_of(unsigned n, char *impu, size_t size)
{
	(void)snprintf(impu, size, "sip:user%u@" REALM, n);
}

static int owner_tag, owner_tag2;
#define OWNER	((void *)&owner_tag)
#define OWNER2	((void *)&owner_tag2)

/* reserve + MAA with vector v for user n and public identity u (user
 * u's): the nonce of the 401. */
static int
challenge_u(struct auth_store *st, unsigned n, unsigned u, unsigned v,
    char *nonce)
{
	struct cx_auth_item it;
	struct digest d;
	char impi[64], impu[64], hdr[DIGEST_FORMAT_MAX];
	int rc;

	impi_of(n, impi, sizeof(impi));
	impu_of(u, impu, sizeof(impu));
	item_make(v, &it);
	if ((rc = auth_reserve(st, impi, OWNER, NULL)) < 0)
		return rc;
	if ((rc = auth_challenge(st, impi, impu, OWNER, REALM, &it, hdr,
	    sizeof(hdr))) < 0)
		return rc;
	if (digest_parse(hdr, strlen(hdr), &d) < 0 ||
	    !DIGEST_HAS(&d, DIGEST_CK) || !DIGEST_HAS(&d, DIGEST_NONCE))
		return -EINVAL;
	(void)snprintf(nonce, DIGEST_MAX_VALUE + 1, "%s", d.nonce);
	return 0;
}

static int
challenge_v(struct auth_store *st, unsigned n, unsigned v, char *nonce)
{
	return challenge_u(st, n, n, v, nonce);
}

static int
challenge(struct auth_store *st, unsigned n, char *nonce)
{
	return challenge_v(st, n, n, nonce);
}

/* How an answer departs from the right one. */
#define ANS_RIGHT	0x00
#define ANS_WRONG	0x01	/* wrong RES */
#define ANS_NOQOP	0x02	/* RFC 2069 form: no qop, nc, cnonce */
#define ANS_NOCNONCE	0x04	/* qop and nc, no cnonce */
#define ANS_OTHERIMPU	0x08	/* for another public identity */

/* The UE's answer with count nc, from vector v, for user n. */
static int
answer_x(struct auth_store *st, unsigned n, unsigned v, const char *nonce,
    unsigned nc, int how)
{
	struct cx_auth_item it;
	struct digest d;
	char impi[64], impu[64], ncs[9], resp[33];
	int qop = !(how & ANS_NOQOP);

	impi_of(n, impi, sizeof(impi));
	impu_of(n, impu, sizeof(impu));
	if (how & ANS_OTHERIMPU)
		impu_of(n + 1000, impu, sizeof(impu));
	item_make(v, &it);
	if (how & ANS_WRONG)
		it.authorization[0] ^= 1;
	(void)snprintf(ncs, sizeof(ncs), "%08x", nc);
	if (digest_aka_response("AKAv1-MD5", impi, REALM, "REGISTER", URI,
	    nonce, it.authorization, it.authorization_len, NULL, NULL,
	    qop ? "auth" : NULL, qop ? ncs : NULL, qop ? "0a4f113b" : NULL,
	    resp) < 0)
		return -100;
	digest_init(&d);
	if (digest_set(&d, DIGEST_USERNAME, impi) < 0 ||
	    digest_set(&d, DIGEST_REALM, REALM) < 0 ||
	    digest_set(&d, DIGEST_NONCE, nonce) < 0 ||
	    digest_set(&d, DIGEST_URI, URI) < 0 ||
	    digest_set(&d, DIGEST_RESPONSE, resp) < 0 ||
	    digest_set(&d, DIGEST_ALGORITHM, "AKAv1-MD5") < 0)
		return -100;
	if (qop && (digest_set(&d, DIGEST_QOP, "auth") < 0 ||
	    digest_set(&d, DIGEST_NC, ncs) < 0 ||
	    (!(how & ANS_NOCNONCE) &&
	    digest_set(&d, DIGEST_CNONCE, "0a4f113b") < 0)))
		return -100;
	return auth_verify(st, impi, impu, &d, "REGISTER");
}

static int
answer(struct auth_store *st, unsigned n, const char *nonce, unsigned nc,
    int right)
{
	return answer_x(st, n, n, nonce, nc, right ? ANS_RIGHT : ANS_WRONG);
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
	char nonce[DIGEST_MAX_VALUE + 1], nonce2[DIGEST_MAX_VALUE + 1];
	char impi[64];
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
	/* A wrong response leaves the challenge to the UE holding RES. */
	T_CHECK(answer(st, 1, nonce, 1, 0) == 0, "wrong RES");
	/* RFC 2617 3.2.2: only an answer to a qop=auth challenge. */
	T_CHECK(answer_x(st, 1, 1, nonce, 1, ANS_NOQOP) == -EPROTO,
	    "RFC 2069 form (no qop) refused");
	T_CHECK(answer_x(st, 1, 1, nonce, 1, ANS_NOCNONCE) == -EPROTO,
	    "no cnonce refused");
	T_CHECK(answer(st, 1, nonce, 0, 1) == -EPROTO, "nc 0 refused");
	/* TS 29.228 6.3.1: the challenge is for the MAR's IMPU only. */
	T_CHECK(answer_x(st, 1, 1, nonce, 1, ANS_OTHERIMPU) == -ESTALE,
	    "another IMPU: challenge again");
	impi_of(1, impi, sizeof(impi));
	T_CHECK(answer(st, 1, nonce, 1, 1) == 1, "right RES");
	/* RFC 2617 3.2.2: a used vector only with a higher nc. */
	T_CHECK(answer(st, 1, nonce, 1, 1) == -EPROTO, "nc replayed");
	T_CHECK(answer(st, 1, nonce, 2, 1) == 1, "nc 2");
	T_CHECK(answer(st, 1, nonce, 2, 1) == -EPROTO, "nc 2 replayed");
	T_CHECK(answer_x(st, 1, 1, nonce, 3, ANS_NOQOP) == -EPROTO,
	    "qop-less re-registration refused");
	T_CHECK(answer_x(st, 1, 1, nonce, 3, ANS_OTHERIMPU) == -ESTALE,
	    "a verified vector is no use for another IMPU");
	T_CHECK(answer(st, 1, "AAAA", 3, 1) == -ESTALE, "other nonce");
	/* Reuse ends AUTH_REUSE_TTL after the challenge. */
	clock_now += AUTH_REUSE_TTL - 1;
	T_CHECK(answer(st, 1, nonce, 3, 1) == 1, "reuse within the TTL");
	clock_now += 2;
	T_CHECK(answer(st, 1, nonce, 4, 1) == -ESTALE, "reuse after the TTL");
	auth_forget(st, impi);
	T_CHECK(!holds_ck(st, 1), "ck wiped by auth_forget");
	T_CHECK(answer(st, 1, nonce, 5, 1) == -ESTALE, "forgotten");
	/* Once a MAA vouched for the other IMPU too, both are served. */
	T_CHECK(challenge_u(st, 1, 1, 11, nonce2) == 0 &&
	    answer_x(st, 1, 11, nonce2, 1, ANS_OTHERIMPU) == -ESTALE,
	    "a MAR for one IMPU");
	T_CHECK(challenge_u(st, 1, 1001, 12, nonce2) == 0,
	    "a MAR for the other IMPU");
	T_CHECK(answer_x(st, 1, 12, nonce2, 1, ANS_OTHERIMPU) == 1 &&
	    answer_x(st, 1, 12, nonce2, 2, ANS_RIGHT) == 1,
	    "the challenge serves both");
	auth_forget(st, impi);
	T_CHECK(challenge(st, 1, nonce2) == 0 && answer_x(st, 1, 1, nonce2, 1,
	    ANS_OTHERIMPU) == -ESTALE, "auth_forget forgets the IMPUs");

	/* A challenge is answerable for AUTH_CHALLENGE_TTL. */
	T_CHECK(challenge(st, 2, nonce) == 0, "challenge 2");
	clock_now += AUTH_CHALLENGE_TTL + 1;
	T_CHECK(answer(st, 2, nonce, 1, 1) == -ESTALE, "challenge expired");
	/* A new challenge answered replaces the old vector (and its
	 * keys); until then the verified one stays usable. */
	T_CHECK(challenge(st, 3, nonce) == 0 && answer(st, 3, nonce, 1, 1) ==
	    1, "user 3 verified");
	impi_of(3, impi, sizeof(impi));
	T_CHECK(auth_reserve(st, impi, OWNER, NULL) == 0,
	    "user 3 challenged again");
	T_CHECK(auth_inflight(st, impi) == OWNER, "MAR in flight");
	T_CHECK(answer(st, 3, nonce, 2, 1) == 1,
	    "verified vector usable while the MAR is out");
	T_CHECK(challenge_v(st, 3, 33, nonce2) == 0, "user 3 new vector");
	T_CHECK(auth_inflight(st, impi) == NULL, "no MAR in flight");
	T_CHECK(answer(st, 3, nonce, 3, 1) == 1,
	    "verified vector outlives the new challenge");
	T_CHECK(answer_x(st, 3, 33, nonce2, 1, ANS_RIGHT) == 1,
	    "new challenge answered");
	T_CHECK(!holds_ck(st, 3), "old vector wiped once the new one is "
	    "answered");
	T_CHECK(answer(st, 3, nonce, 4, 1) == -ESTALE, "old vector gone");
	/* A reservation whose MAR failed is given back; a vector is not. */
	T_CHECK(auth_reserve(st, impi, OWNER, NULL) == 0, "reserve 3");
	auth_release(st, impi, OWNER2, 0);
	T_CHECK(auth_inflight(st, impi) == OWNER, "another owner's release "
	    "leaves the reservation");
	auth_release(st, impi, OWNER, 0);
	T_CHECK(auth_inflight(st, impi) == NULL, "released");
	T_CHECK(answer_x(st, 3, 33, nonce2, 2, ANS_RIGHT) == 1,
	    "release keeps the vector");
	T_CHECK(challenge(st, 4, nonce) == 0, "challenge 4");
	impi_of(4, impi, sizeof(impi));
	auth_release(st, impi, OWNER, 0);
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
	T_CHECK(auth_reserve(st, impi, OWNER, NULL) == -ENOSPC,
	    "full of pending");
	T_CHECK(auth_store_retry_after(st) == AUTH_CHALLENGE_TTL + 1,
	    "Retry-After %u", auth_store_retry_after(st));
	clock_now += 20;
	T_CHECK(auth_store_retry_after(st) == AUTH_CHALLENGE_TTL + 1 - 20,
	    "Retry-After %u after 20 s", auth_store_retry_after(st));
	/* The same IMPI again takes no more room. */
	impi_of(11, impi, sizeof(impi));
	T_CHECK(auth_reserve(st, impi, OWNER, NULL) == 0,
	    "re-challenge in place");
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

/* The nonce of a challenge header. */
static int
hdr_nonce(const char *hdr, char *nonce)
{
	struct digest d;

	if (digest_parse(hdr, strlen(hdr), &d) < 0 ||
	    !DIGEST_HAS(&d, DIGEST_NONCE) || !DIGEST_HAS(&d, DIGEST_CK) ||
	    !digest_qop_has(&d, "auth"))
		return -EINVAL;
	(void)snprintf(nonce, DIGEST_MAX_VALUE + 1, "%s", d.nonce);
	return 0;
}

/* A pending challenge is sent again, without a MAR, to a REGISTER for
 * the same pair, while half its lifetime is left. */
static void
test_pending(void)
{
	struct auth_store *st = store(16);
	char nonce[DIGEST_MAX_VALUE + 1], again[DIGEST_MAX_VALUE + 1];
	char impi[64], impu[64], hdr[DIGEST_FORMAT_MAX];

	impi_of(40, impi, sizeof(impi));
	impu_of(40, impu, sizeof(impu));
	T_CHECK(auth_pending(st, impi, impu, 0, REALM, hdr, sizeof(hdr)) ==
	    -ENOENT, "nothing pending");
	T_CHECK(challenge(st, 40, nonce) == 0, "challenge 40");
	T_CHECK(auth_pending(st, impi, impu, 0, REALM, hdr, sizeof(hdr)) == 0 &&
	    hdr_nonce(hdr, again) == 0 && strcmp(again, nonce) == 0,
	    "the same challenge again (qop=auth, ck)");
	T_CHECK(auth_pending(st, impi, "sip:other@" REALM, 0, REALM, hdr,
	    sizeof(hdr)) == -ENOENT, "not for another IMPU");
	clock_now += AUTH_CHALLENGE_TTL / 2;
	T_CHECK(auth_pending(st, impi, impu, 0, REALM, hdr, sizeof(hdr)) == 0,
	    "still with half its lifetime left");
	clock_now += 1;
	T_CHECK(auth_pending(st, impi, impu, 0, REALM, hdr, sizeof(hdr)) ==
	    -ENOENT, "not with less");
	T_CHECK(auth_pending(st, impi, impu, 1, REALM, hdr, sizeof(hdr)) == 0,
	    "unless any challenge will do");
	T_CHECK(challenge(st, 41, again) == 0 && answer(st, 41, again, 1,
	    0) == 0, "41 answered wrong");
	impi_of(41, impi, sizeof(impi));
	impu_of(41, impu, sizeof(impu));
	T_CHECK(auth_pending(st, impi, impu, 0, REALM, hdr, sizeof(hdr)) ==
	    -ENOENT && auth_pending(st, impi, impu, 1, REALM, hdr,
	    sizeof(hdr)) == 0, "a challenge answered wrong: only with any");
	T_CHECK(answer(st, 41, again, 1, 1) == 1, "and still answerable");
	impi_of(40, impi, sizeof(impi));
	impu_of(40, impu, sizeof(impu));
	T_CHECK(answer(st, 40, nonce, 1, 1) == 1, "but still answerable");
	T_CHECK(auth_pending(st, impi, impu, 0, REALM, hdr, sizeof(hdr)) ==
	    -ENOENT, "an answered challenge is not sent again");
	auth_store_free(st);
}

/* Two slots: a replaced challenge stays answerable; a verified vector
 * outlives any number of unanswered challenges (someone else's
 * credential-less REGISTERs cannot wipe it). */
static void
test_slots(void)
{
	struct auth_store *st = store(16);
	char n1[DIGEST_MAX_VALUE + 1], n2[DIGEST_MAX_VALUE + 1];
	char n3[DIGEST_MAX_VALUE + 1];

	T_CHECK(challenge_v(st, 50, 51, n1) == 0, "first challenge");
	T_CHECK(challenge_v(st, 50, 52, n2) == 0, "replaced by a second");
	T_CHECK(answer_x(st, 50, 51, n1, 1, ANS_RIGHT) == 1,
	    "the replaced one still answers");
	T_CHECK(answer_x(st, 50, 52, n2, 1, ANS_RIGHT) == 1,
	    "and the newest too");
	T_CHECK(answer_x(st, 50, 51, n1, 2, ANS_RIGHT) == -ESTALE,
	    "the older gone once the newest is answered");
	T_CHECK(challenge_v(st, 50, 53, n1) == 0 &&
	    challenge_v(st, 50, 54, n3) == 0,
	    "two unanswered challenges after it");
	T_CHECK(answer_x(st, 50, 52, n2, 2, ANS_RIGHT) == 1,
	    "the verified vector survived them");
	T_CHECK(answer_x(st, 50, 53, n1, 1, ANS_RIGHT) == -ESTALE,
	    "the unanswered one in between was dropped");
	T_CHECK(answer_x(st, 50, 54, n3, 1, ANS_RIGHT) == 1,
	    "the newest answers");
	/* A replaced challenge keeps its own lifetime. */
	T_CHECK(challenge_v(st, 55, 56, n1) == 0, "55: first");
	clock_now += AUTH_CHALLENGE_TTL - 5;
	T_CHECK(challenge_v(st, 55, 57, n2) == 0, "55: second");
	clock_now += 6;
	T_CHECK(answer_x(st, 55, 56, n1, 1, ANS_RIGHT) == -ESTALE,
	    "the replaced one expired at its own time");
	T_CHECK(answer_x(st, 55, 57, n2, 1, ANS_RIGHT) == 1,
	    "the second still answers");
	auth_store_free(st);
}

/* At most limit MARs per IMPI within the window; one the HSS refused
 * does not count; the budget outlives the challenges. */
static void
test_mar_limit(void)
{
	struct auth_store *st = store(4);
	char nonce[DIGEST_MAX_VALUE + 1], impi[64];
	struct auth_stats s;
	unsigned ra = 0, i;

	T_CHECK(auth_store_set_mar_limit(st, 0, 60) == -EINVAL &&
	    auth_store_set_mar_limit(st, AUTH_MAR_LIMIT_MAX + 1, 60) ==
	    -EINVAL, "limits checked");
	T_CHECK(auth_store_set_mar_limit(st, 3, 60) == 0, "3 per 60 s");
	impi_of(60, impi, sizeof(impi));
	for (i = 0; i < 3; i++, clock_now += 10)
		T_CHECK(challenge(st, 60, nonce) == 0, "MAR %u", i + 1);
	T_CHECK(auth_reserve(st, impi, OWNER, &ra) == -EAGAIN,
	    "a 4th within 60 s refused");
	T_CHECK(ra == 60 - 30, "Retry-After %u", ra);
	T_CHECK(answer(st, 60, nonce, 1, 1) == 1,
	    "the refusal left the pending challenge");
	clock_now += 30;
	T_CHECK(auth_reserve(st, impi, OWNER, &ra) == 0,
	    "one more once the first left the window");
	/* The HSS refused it: no SQN, no count. */
	auth_release(st, impi, OWNER, 1);
	T_CHECK(auth_reserve(st, impi, OWNER, &ra) == 0,
	    "a MAR the HSS refused did not count");
	auth_release(st, impi, OWNER, 0);
	T_CHECK(auth_reserve(st, impi, OWNER, &ra) == -EAGAIN,
	    "one without an answer does");
	/* Forgetting the challenges keeps the budget (an idle entry). */
	auth_forget(st, impi);
	auth_store_stats(st, &s);
	T_CHECK(s.idle == 1 && s.pending == 0 && s.verified == 0,
	    "idle %zu", s.idle);
	T_CHECK(auth_reserve(st, impi, OWNER, &ra) == -EAGAIN,
	    "budget kept after auth_forget");
	T_CHECK(!holds_ck(st, 60), "keys wiped by auth_forget");
	/* Idle entries make room before verified ones. */
	T_CHECK(challenge(st, 61, nonce) == 0 && answer(st, 61, nonce, 1,
	    1) == 1, "61 verified");
	T_CHECK(challenge(st, 62, nonce) == 0 && challenge(st, 63, nonce) ==
	    0, "62, 63 pending: full");
	T_CHECK(challenge(st, 64, nonce) == 0, "64 takes the idle entry");
	auth_store_stats(st, &s);
	T_CHECK(s.idle == 0 && s.verified == 1 && s.pending == 3,
	    "idle %zu verified %zu pending %zu", s.idle, s.verified,
	    s.pending);
	/* An idle entry whose window passed goes away by itself. */
	impi_of(64, impi, sizeof(impi));
	clock_now += 61;
	auth_forget(st, impi);
	auth_store_stats(st, &s);
	T_CHECK(s.idle == 0 && s.pending == 2, "64 gone (idle %zu)", s.idle);
	auth_store_free(st);
}

int
main(void)
{
	log_init("test_auth_store", LOG_LVL_WARN);
	test_procedure();
	test_pending();
	test_slots();
	test_mar_limit();
	test_capacity();
	test_churn();
	return t_done("test_auth_store");
}
