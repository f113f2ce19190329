/* aka.c - UMTS/IMS AKA on top of MILENAGE (3GPP TS 33.102 6.3, Annex C). */
#include <endian.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "aka.h"
#include "check.h"
#include "milenage.h"
#include "util.h"

/* AMF* = 0x0000, the dummy AMF of resynchronisation (TS 33.102 6.3.3). */
static const uint8_t aka_resync_amf[MILENAGE_AMF_LEN];

/*
 * The "AMF separation bit" is bit 0 of AMF, bits being numbered from 0 at
 * the left (TS 33.102 Annex H, TS 33.401 6.1.1): the most significant bit
 * of the first AMF byte.
 */
#define AMF_SEP_BIT	0x80

void
aka_sqn_to_bytes(uint64_t sqn, uint8_t out[6])
{
	uint64_t be = htobe64(sqn << 16);	/* the 6 low bytes first */

	memcpy(out, &be, 6);
}

uint64_t
aka_sqn_from_bytes(const uint8_t in[6])
{
	uint64_t sqn = 0;
	int i;

	for (i = 0; i < 6; i++)
		sqn = sqn << 8 | in[i];
	return sqn;
}

/*
 * Annex C.3.2: SEQ_HE is incremented for each new vector and IND is
 * stepped cyclically.  SQN = SEQ || IND, IND the low ind_bits bits.
 */
int
aka_sqn_next(uint64_t sqn_he, unsigned ind_bits, uint64_t *next)
{
	uint64_t seq, ind, mask, seq_max;

	IMS_CHECK_PARAMS(next != NULL && ind_bits < 48 && sqn_he <= AKA_SQN_MAX);
	mask = (1ULL << ind_bits) - 1;
	seq_max = AKA_SQN_MAX >> ind_bits;
	seq = sqn_he >> ind_bits;
	ind = sqn_he & mask;
	if (seq >= seq_max)
		return -ERANGE;
	*next = (seq + 1) << ind_bits | ((ind + 1) & mask);
	return 0;
}

/*
 * RANDs from the DRBG in bulk (TS 33.102 6.3.2: RAND unpredictable).
 * RAND_bytes costs about a microsecond per call whatever its length up to
 * tens of KiB, so each thread keeps a pool of AKA_RAND_POOL values (64
 * KiB, malloc'd on first use) refilled with one call; values are taken
 * in order and wiped from the pool as they are taken, the pool itself
 * wiped and freed when its thread exits.  A fork() empties the pools (a
 * child must not hand out its parent's RANDs): pthread_atfork bumps
 * rand_gen, and a pool of an older generation is refilled first.
 */
#define AKA_RAND_POOL	4096

struct rand_pool {
	uint8_t		 r[AKA_RAND_POOL][MILENAGE_RAND_LEN];
	size_t		 next;		/* r[next..] unused */
	unsigned	 gen;
};

static _Thread_local struct rand_pool *rand_pool;
static unsigned rand_gen = 1;		/* changed in a fork child only */
static pthread_once_t rand_once = PTHREAD_ONCE_INIT;
static pthread_key_t rand_key;
static int rand_init_rc;

static void
rand_forked(void)
{
	rand_gen++;
}

static void
rand_pool_free(void *p)
{
	secure_wipe(p, sizeof(struct rand_pool));
	free(p);
}

static void
rand_init(void)
{
	if ((rand_init_rc = pthread_key_create(&rand_key, rand_pool_free)) == 0)
		rand_init_rc = pthread_atfork(NULL, NULL, rand_forked);
}

static int
rand_pool_get(struct rand_pool **out)
{
	struct rand_pool *p;

	if ((p = rand_pool) == NULL) {
		IMS_CHECK_RC(-pthread_once(&rand_once, rand_init));
		IMS_CHECK_RC(-rand_init_rc);
		IMS_CHECK_MALLOC(p = calloc(1, sizeof(*p)));
		if (pthread_setspecific(rand_key, p) != 0) {
			free(p);
			return -ENOMEM;
		}
		p->next = AKA_RAND_POOL;
		rand_pool = p;
	}
	*out = p;
	return 0;
}

/* The whole pool from this thread's public DRBG (RAND_get0_public, what
 * RAND_bytes uses), straight through EVP_RAND_generate: one request of
 * 64 KiB, the CTR-DRBG's max_request; half the cost of RAND_bytes. */
static int
rand_refill(struct rand_pool *p)
{
	EVP_RAND_CTX *drbg = RAND_get0_public(NULL);

	if (drbg == NULL || EVP_RAND_generate(drbg, p->r[0], sizeof(p->r), 0,
	    0, NULL, 0) != 1)
		IMS_CHECK_SSL(RAND_bytes(p->r[0], sizeof(p->r)));
	return 0;
}

static int
rand_fill(uint8_t (*r)[MILENAGE_RAND_LEN], size_t n)
{
	struct rand_pool *p;
	size_t k;

	IMS_CHECK_RC(rand_pool_get(&p));
	while (n > 0) {
		if (p->next == AKA_RAND_POOL || p->gen != rand_gen) {
			IMS_CHECK_RC(rand_refill(p));
			p->next = 0;
			p->gen = rand_gen;
		}
		k = AKA_RAND_POOL - p->next;
		if (k > n)
			k = n;
		memcpy(r, p->r[p->next], k * MILENAGE_RAND_LEN);
		secure_wipe(p->r[p->next], k * MILENAGE_RAND_LEN);
		p->next += k;
		r += k;
		n -= k;
	}
	return 0;
}

/* Quintets and AUTN = SQN xor AK || AMF || MAC-A (TS 33.102 6.3.2) for
 * k <= MILENAGE_BATCH vectors. */
static int
vectors_run(struct milenage_ctx *m, size_t k, const uint64_t *sqns,
    const uint8_t amf[2], const uint8_t (*rand_in)[16], struct aka_vector *out)
{
	uint8_t rand[MILENAGE_BATCH][MILENAGE_RAND_LEN];
	uint8_t sqnb[MILENAGE_BATCH][MILENAGE_SQN_LEN];
	struct milenage_f12345 f[MILENAGE_BATCH];
	uint32_t a4, x4;
	uint16_t a2, x2;
	size_t i;
	int rc;

	if (rand_in != NULL)
		memcpy(rand, rand_in, k * MILENAGE_RAND_LEN);
	else
		IMS_CHECK_RC(rand_fill(rand, k));
	for (i = 0; i < k; i++)
		aka_sqn_to_bytes(sqns[i], sqnb[i]);
	if ((rc = milenage_f12345_batch(m, k, (const uint8_t (*)[16])rand,
	    (const uint8_t (*)[6])sqnb, amf, f)) == 0)
		for (i = 0; i < k; i++) {
			struct aka_vector *v = &out[i];

			memcpy(v->rand, rand[i], MILENAGE_RAND_LEN);
			memcpy(v->xres, f[i].res, MILENAGE_RES_LEN);
			v->xres_len = MILENAGE_RES_LEN;
			memcpy(v->ck, f[i].ck, 16);
			memcpy(v->ik, f[i].ik, 16);
			memcpy(v->ak, f[i].ak, MILENAGE_AK_LEN);
			/* AUTN = SQN xor AK || AMF || MAC-A; the XOR on a
			 * 4- and a 2-byte word, in registers. */
			memcpy(&a4, sqnb[i], 4);
			memcpy(&x4, f[i].ak, 4);
			a4 ^= x4;
			memcpy(v->autn, &a4, 4);
			memcpy(&a2, sqnb[i] + 4, 2);
			memcpy(&x2, f[i].ak + 4, 2);
			a2 ^= x2;
			memcpy(v->autn + 4, &a2, 2);
			memcpy(v->autn + 6, amf, MILENAGE_AMF_LEN);
			memcpy(v->autn + 8, f[i].mac_a, MILENAGE_MAC_LEN);
			v->sqn = sqns[i];
		}
	secure_wipe(f, k * sizeof(f[0]));
	return rc;
}

int
aka_vectors_make(struct milenage_ctx *m, size_t n, const uint64_t *sqns,
    const uint8_t amf[2], const uint8_t (*rand_in)[16], struct aka_vector *out)
{
	size_t done, k, i;
	int rc = 0;

	IMS_CHECK_PARAMS(m != NULL && sqns != NULL && amf != NULL &&
	    out != NULL);
	for (i = 0; i < n; i++)
		IMS_CHECK_PARAMS(sqns[i] <= AKA_SQN_MAX);
	for (done = 0; done < n && rc == 0; done += k) {
		k = n - done < MILENAGE_BATCH ? n - done : MILENAGE_BATCH;
		rc = vectors_run(m, k, sqns + done, amf,
		    rand_in != NULL ? rand_in + done : NULL, out + done);
	}
	if (rc < 0)
		secure_wipe(out, n * sizeof(*out));
	return rc;
}

int
aka_vector_make(struct milenage_ctx *m, uint64_t sqn, const uint8_t amf[2],
    const uint8_t *rand_in, struct aka_vector *out)
{
	IMS_CHECK_PARAMS(m != NULL && amf != NULL && out != NULL);
	IMS_CHECK_PARAMS(sqn <= AKA_SQN_MAX);
	memset(out, 0, sizeof(*out));
	return aka_vectors_make(m, 1, &sqn, amf,
	    (const uint8_t (*)[16])rand_in, out);
}

void
aka_vector_wipe(struct aka_vector *v)
{
	if (v != NULL)
		secure_wipe(v, sizeof(*v));
}

void
aka_ue_sqn_init(struct aka_ue_sqn *s, unsigned ind_bits)
{
	memset(s, 0, sizeof(*s));
	s->ind_bits = ind_bits;
}

static int
ue_sqn_ok(const struct aka_ue_sqn *s)
{
	return s != NULL && s->ind_bits <= AKA_IND_BITS_MAX;
}

/*
 * SEQ_MS || IND of the slot holding the highest accepted SQN (Annex C.2:
 * "the highest previously accepted sequence number anywhere in the
 * array").  For a fresh state that is SEQ 0 with the top IND.
 */
uint64_t
aka_ue_sqn_ms(const struct aka_ue_sqn *s)
{
	uint64_t sqn, best = 0;
	unsigned i;

	if (!ue_sqn_ok(s))
		return 0;
	for (i = 0; i < 1U << s->ind_bits; i++) {
		sqn = s->seq_ms[i] << s->ind_bits | i;
		if (sqn > best)
			best = sqn;
	}
	return best;
}

static uint64_t
ue_seq_ms_max(const struct aka_ue_sqn *s)
{
	return aka_ue_sqn_ms(s) >> s->ind_bits;
}

/*
 * Freshness of SQN = SEQ || IND (Annex C.2): SEQ > SEQ_MS(IND); if a
 * delta is set, SEQ - SEQ_MS <= delta (C.2.1, wrap-around protection);
 * if an age limit L is set, SEQ_MS - SEQ < L (C.2.2), SEQ_MS being the
 * highest SEQ accepted in any slot.
 */
static int
ue_sqn_fresh(const struct aka_ue_sqn *s, uint64_t sqn)
{
	uint64_t seq = sqn >> s->ind_bits;
	uint64_t ind = sqn & ((1ULL << s->ind_bits) - 1);
	uint64_t seq_ms = ue_seq_ms_max(s);

	if (seq <= s->seq_ms[ind])
		return 0;
	if (s->delta != 0 && seq > seq_ms && seq - seq_ms > s->delta)
		return 0;
	if (s->age_limit != 0 && seq < seq_ms && seq_ms - seq >= s->age_limit)
		return 0;
	return 1;
}

static void
ue_sqn_accept(struct aka_ue_sqn *s, uint64_t sqn)
{
	s->seq_ms[sqn & ((1ULL << s->ind_bits) - 1)] = sqn >> s->ind_bits;
}

/* The verification steps of TS 33.102 6.3.3 once MAC-A has been checked. */
static int
ue_check_authentic(struct milenage_ctx *m, struct aka_ue_sqn *s,
    const uint8_t rand[16], uint64_t sqn, const uint8_t amf[2],
    int amf_sep_required, uint8_t res[8], uint8_t ck[16], uint8_t ik[16],
    uint8_t auts[14])
{
	/* TS 33.401 6.1.1: the separation bit tells the access network. */
	if (amf_sep_required >= 0 &&
	    ((amf[0] & AMF_SEP_BIT) != 0) != (amf_sep_required != 0))
		return AKA_AMF_FAILURE;
	if (!ue_sqn_fresh(s, sqn)) {
		if (auts != NULL)
			IMS_CHECK_RC(aka_auts_make(m, rand, aka_ue_sqn_ms(s), auts));
		return AKA_SYNC_FAILURE;
	}
	IMS_CHECK_RC(milenage_f2345(m, rand, res, ck, ik, NULL));
	ue_sqn_accept(s, sqn);
	return AKA_OK;
}

/*
 * TS 33.102 6.3.3: AK = f5(RAND), SQN = (SQN xor AK) xor AK, XMAC =
 * f1(SQN, RAND, AMF) compared with MAC; then the AMF separation bit and
 * the freshness of SQN.  The SQN state changes only on AKA_OK.
 */
int
aka_ue_check(struct milenage_ctx *m, struct aka_ue_sqn *s,
    const uint8_t rand[16], const uint8_t autn[16], int amf_sep_required,
    uint8_t res[8], uint8_t ck[16], uint8_t ik[16], uint8_t auts[14])
{
	uint8_t ak[MILENAGE_AK_LEN], sqnb[MILENAGE_SQN_LEN];
	uint8_t xmac[MILENAGE_MAC_LEN];
	const uint8_t *amf = autn + 6, *mac = autn + 8;
	int i, rc;

	IMS_CHECK_PARAMS(m != NULL && ue_sqn_ok(s) && rand != NULL && autn != NULL);
	IMS_CHECK_PARAMS(amf_sep_required >= -1 && amf_sep_required <= 1);
	if ((rc = milenage_f2345(m, rand, NULL, NULL, NULL, ak)) < 0)
		goto done;
	for (i = 0; i < MILENAGE_SQN_LEN; i++)
		sqnb[i] = autn[i] ^ ak[i];
	if ((rc = milenage_f1(m, rand, sqnb, amf, xmac, NULL)) < 0)
		goto done;
	if (!ct_equal(xmac, mac, MILENAGE_MAC_LEN))
		rc = AKA_MAC_FAILURE;
	else
		rc = ue_check_authentic(m, s, rand, aka_sqn_from_bytes(sqnb),
		    amf, amf_sep_required, res, ck, ik, auts);
done:
	secure_wipe(ak, sizeof(ak));
	secure_wipe(xmac, sizeof(xmac));
	return rc;
}

/* AUTS = SQN_MS xor f5*(RAND) || f1*(SQN_MS, RAND, AMF*) (6.3.3, 6.3.5). */
int
aka_auts_make(struct milenage_ctx *m, const uint8_t rand[16],
    uint64_t sqn_ms, uint8_t auts[14])
{
	uint8_t ak_s[MILENAGE_AK_LEN], sqnb[MILENAGE_SQN_LEN];
	int i, rc;

	IMS_CHECK_PARAMS(m != NULL && rand != NULL && auts != NULL);
	IMS_CHECK_PARAMS(sqn_ms <= AKA_SQN_MAX);
	aka_sqn_to_bytes(sqn_ms, sqnb);
	if ((rc = milenage_f5star(m, rand, ak_s)) == 0 &&
	    (rc = milenage_f1(m, rand, sqnb, aka_resync_amf, NULL,
	    auts + 6)) == 0)
		for (i = 0; i < MILENAGE_SQN_LEN; i++)
			auts[i] = sqnb[i] ^ ak_s[i];
	secure_wipe(ak_s, sizeof(ak_s));
	return rc;
}

/* HSS side of 6.3.5: SQN_MS = AUTS[0..5] xor f5*(RAND), check MAC-S. */
int
aka_auts_verify(struct milenage_ctx *m, const uint8_t rand[16],
    const uint8_t auts[14], uint64_t *sqn_ms)
{
	uint8_t ak_s[MILENAGE_AK_LEN], sqnb[MILENAGE_SQN_LEN];
	uint8_t xmac_s[MILENAGE_MAC_LEN];
	int i, rc;

	IMS_CHECK_PARAMS(m != NULL && rand != NULL && auts != NULL &&
	    sqn_ms != NULL);
	if ((rc = milenage_f5star(m, rand, ak_s)) < 0)
		goto done;
	for (i = 0; i < MILENAGE_SQN_LEN; i++)
		sqnb[i] = auts[i] ^ ak_s[i];
	if ((rc = milenage_f1(m, rand, sqnb, aka_resync_amf, NULL,
	    xmac_s)) < 0)
		goto done;
	if (!ct_equal(xmac_s, auts + 6, MILENAGE_MAC_LEN)) {
		rc = -EBADMSG;
		goto done;
	}
	*sqn_ms = aka_sqn_from_bytes(sqnb);
done:
	secure_wipe(ak_s, sizeof(ak_s));
	secure_wipe(xmac_s, sizeof(xmac_s));
	return rc;
}
