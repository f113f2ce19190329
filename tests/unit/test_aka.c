/* test_aka.c - AKA vectors, UE checks, SQN handling and AUTS (TS 33.102). */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "aka.h"
#include "milenage.h"
#include "t.h"
#include "vectors.h"

#define SQN(seq, ind)	((uint64_t)(seq) << 5 | (ind))

static const uint8_t amf_sep1[2] = { 0x80, 0x00 };
static const uint8_t amf_sep0[2] = { 0x00, 0x00 };

static struct milenage_ctx *
ctx_from(const cJSON *v)
{
	uint8_t k[16], opc[16];
	struct milenage_ctx *m;

	vec_hex(v, "k", k, 16);
	vec_hex(v, "opc", opc, 16);
	if ((m = milenage_new(k, opc)) == NULL) {
		fprintf(stderr, "milenage_new failed\n");
		exit(2);
	}
	return m;
}

static void
test_sqn(void)
{
	uint8_t b[6];
	uint64_t n;

	aka_sqn_to_bytes(0x0123456789abULL, b);
	T_EQ_HEX(b, 6, "0123456789ab");
	T_CHECK(aka_sqn_from_bytes(b) == 0x0123456789abULL, "from bytes");

	T_CHECK(aka_sqn_next(SQN(0, 31), 5, &n) == 0 && n == SQN(1, 0),
	    "IND wraps: %llx", (unsigned long long)n);
	T_CHECK(aka_sqn_next(SQN(1, 0), 5, &n) == 0 && n == SQN(2, 1),
	    "SEQ and IND step: %llx", (unsigned long long)n);
	T_CHECK(aka_sqn_next(SQN(7, 4), 5, &n) == 0 && n == SQN(8, 5), "7/4");
	T_CHECK(aka_sqn_next(3 << 2 | 1, 2, &n) == 0 && n == (4 << 2 | 2),
	    "2 IND bits");
	T_CHECK(aka_sqn_next(5, 0, &n) == 0 && n == 6, "no IND");
	T_CHECK(aka_sqn_next(AKA_SQN_MAX, 5, &n) == -ERANGE, "SEQ at max");
	T_CHECK(aka_sqn_next(SQN(AKA_SQN_MAX >> 5, 0), 5, &n) == -ERANGE,
	    "SEQ at max, IND 0");
	T_CHECK(aka_sqn_next(SQN((AKA_SQN_MAX >> 5) - 1, 31), 5, &n) == 0 &&
	    n == SQN(AKA_SQN_MAX >> 5, 0), "last SEQ");
	T_CHECK(aka_sqn_next(AKA_SQN_MAX + 1, 5, &n) == -EINVAL, "49 bits");
}

/* The vector of TS 35.208 set 1 with its RAND. */
static void
test_vector_make(const cJSON *v)
{
	struct milenage_ctx *m = ctx_from(v);
	struct aka_vector av, av2;
	uint8_t rand[16], sqn[6], amf[2], ak[6], autn[16];
	char hex[33];
	int i;

	vec_hex(v, "rand", rand, 16);
	vec_hex(v, "sqn", sqn, 6);
	vec_hex(v, "amf", amf, 2);
	vec_hex(v, "ak", ak, 6);
	for (i = 0; i < 6; i++)
		autn[i] = sqn[i] ^ ak[i];
	memcpy(autn + 6, amf, 2);
	vec_hex(v, "mac_a", autn + 8, 8);
	hex_encode(autn, 16, hex);

	T_CHECK(aka_vector_make(m, aka_sqn_from_bytes(sqn), amf, rand, &av) ==
	    0, "vector");
	T_EQ_HEX(av.autn, 16, hex);
	T_EQ_HEX(av.autn, 16, "55f328b43577b9b94a9ffac354dfafb3");
	T_EQ_HEX(av.rand, 16, vec_str(v, "rand"));
	T_CHECK(av.xres_len == 8, "xres_len");
	T_EQ_HEX(av.xres, 8, vec_str(v, "res"));
	T_EQ_HEX(av.ck, 16, vec_str(v, "ck"));
	T_EQ_HEX(av.ik, 16, vec_str(v, "ik"));
	T_EQ_HEX(av.ak, 6, vec_str(v, "ak"));
	T_CHECK(av.sqn == 0xff9bb4d0b607ULL, "sqn");

	/* Without rand_in, RAND comes from the DRBG: two vectors differ. */
	T_CHECK(aka_vector_make(m, 1, amf, NULL, &av) == 0 &&
	    aka_vector_make(m, 1, amf, NULL, &av2) == 0, "random RAND");
	T_CHECK(memcmp(av.rand, av2.rand, 16) != 0, "RANDs differ");
	T_CHECK(memcmp(av.autn, av2.autn, 16) != 0, "AUTNs differ");
	T_CHECK(aka_vector_make(m, AKA_SQN_MAX + 1, amf, rand, &av) == -EINVAL,
	    "SQN too big");
	aka_vector_wipe(&av);
	aka_vector_wipe(&av2);
	milenage_free(m);
}

/* Builds a vector for sqn/amf and runs the UE check on it. */
static int
ue_run(struct milenage_ctx *m, struct aka_ue_sqn *s, uint64_t sqn,
    const uint8_t amf[2], int sep, struct aka_vector *av, uint8_t auts[14])
{
	uint8_t res[8], ck[16], ik[16];
	int rc;

	if (aka_vector_make(m, sqn, amf, NULL, av) != 0)
		return -1000;
	memset(res, 0, sizeof(res));
	rc = aka_ue_check(m, s, av->rand, av->autn, sep, res, ck, ik, auts);
	if (rc == AKA_OK && (memcmp(res, av->xres, 8) != 0 ||
	    memcmp(ck, av->ck, 16) != 0 || memcmp(ik, av->ik, 16) != 0))
		return -2000;
	return rc;
}

static void
test_ue_roundtrip(struct milenage_ctx *m)
{
	struct aka_ue_sqn s;
	struct aka_vector av;
	uint8_t auts[14], autn[16], res[8], ck[16], ik[16];
	uint64_t sqn_ms = 0;
	size_t i;

	aka_ue_sqn_init(&s, 5);
	T_CHECK(ue_run(m, &s, SQN(1, 1), amf_sep1, -1, &av, auts) == AKA_OK,
	    "fresh");
	T_CHECK(aka_ue_sqn_ms(&s) == SQN(1, 1), "SQN_MS");

	/* Replay: sync failure with an AUTS carrying SQN_MS. */
	memset(auts, 0, sizeof(auts));
	T_CHECK(aka_ue_check(m, &s, av.rand, av.autn, -1, res, ck, ik, auts) ==
	    AKA_SYNC_FAILURE, "replay");
	T_CHECK(aka_auts_verify(m, av.rand, auts, &sqn_ms) == 0 &&
	    sqn_ms == SQN(1, 1), "AUTS gives SQN_MS %llx",
	    (unsigned long long)sqn_ms);
	T_CHECK(aka_ue_check(m, &s, av.rand, av.autn, -1, NULL, NULL, NULL,
	    NULL) == AKA_SYNC_FAILURE, "replay, no AUTS wanted");

	/* Any flipped AUTN bit fails MAC-A (SQN and AMF are authenticated). */
	T_CHECK(ue_run(m, &s, SQN(2, 2), amf_sep1, -1, &av, auts) == AKA_OK,
	    "second");
	aka_ue_sqn_init(&s, 5);
	for (i = 0; i < 16; i++) {
		memcpy(autn, av.autn, 16);
		autn[i] ^= 0x01;
		T_CHECK(aka_ue_check(m, &s, av.rand, autn, -1, res, ck, ik,
		    auts) == AKA_MAC_FAILURE, "tampered AUTN byte %zu", i);
	}
	memcpy(autn, av.autn, 16);
	autn[6] ^= 0x80;
	T_CHECK(aka_ue_check(m, &s, av.rand, autn, 1, res, ck, ik, auts) ==
	    AKA_MAC_FAILURE, "flipped separation bit is a MAC failure");
	T_CHECK(aka_ue_sqn_ms(&s) == SQN(0, 31), "state untouched by failures");
	T_CHECK(aka_ue_check(m, &s, av.rand, av.autn, -1, res, ck, ik, auts) ==
	    AKA_OK, "original still fresh for a new UE state");
	aka_vector_wipe(&av);
}

/* AMF separation bit (TS 33.401 6.1.1): bit 0 of AMF, the MSB. */
static void
test_ue_amf(struct milenage_ctx *m)
{
	struct aka_ue_sqn s;
	struct aka_vector av;
	uint8_t auts[14];
	const uint8_t amf_low[2] = { 0x7f, 0xff };

	aka_ue_sqn_init(&s, 5);
	T_CHECK(ue_run(m, &s, SQN(1, 0), amf_sep0, 1, &av, auts) ==
	    AKA_AMF_FAILURE, "sep 0, E-UTRAN needs 1");
	T_CHECK(aka_ue_sqn_ms(&s) == SQN(0, 31), "AMF failure keeps state");
	T_CHECK(ue_run(m, &s, SQN(1, 0), amf_low, 1, &av, auts) ==
	    AKA_AMF_FAILURE, "only the MSB counts");
	T_CHECK(ue_run(m, &s, SQN(1, 0), amf_sep1, 0, &av, auts) ==
	    AKA_AMF_FAILURE, "sep 1 where 0 is required");
	T_CHECK(ue_run(m, &s, SQN(1, 0), amf_sep1, 1, &av, auts) == AKA_OK,
	    "sep 1 accepted");
	T_CHECK(ue_run(m, &s, SQN(2, 0), amf_sep0, 0, &av, auts) == AKA_OK,
	    "sep 0 accepted");
	T_CHECK(ue_run(m, &s, SQN(3, 0), amf_low, -1, &av, auts) == AKA_OK,
	    "don't care");
	T_CHECK(aka_ue_check(m, &s, av.rand, av.autn, 2, NULL, NULL, NULL,
	    NULL) == -EINVAL, "bad amf_sep_required");
	aka_vector_wipe(&av);
}

/* Annex C.2: per-IND SEQ_MS, delta and the age limit L. */
static void
test_ue_freshness(struct milenage_ctx *m)
{
	struct aka_ue_sqn s;
	struct aka_vector av;
	uint8_t auts[14];
	uint64_t sqn_ms;

	aka_ue_sqn_init(&s, 5);
	T_CHECK(ue_run(m, &s, SQN(5, 2), amf_sep1, -1, &av, auts) == AKA_OK,
	    "SEQ 5 IND 2");
	T_CHECK(ue_run(m, &s, SQN(3, 4), amf_sep1, -1, &av, auts) == AKA_OK,
	    "older SEQ, other IND slot");
	T_CHECK(ue_run(m, &s, SQN(4, 2), amf_sep1, -1, &av, auts) ==
	    AKA_SYNC_FAILURE, "older SEQ, same slot");
	T_CHECK(aka_auts_verify(m, av.rand, auts, &sqn_ms) == 0 &&
	    sqn_ms == SQN(5, 2), "AUTS has the highest SQN, %llx",
	    (unsigned long long)sqn_ms);
	T_CHECK(ue_run(m, &s, SQN(5, 2), amf_sep1, -1, &av, auts) ==
	    AKA_SYNC_FAILURE, "equal SEQ");
	T_CHECK(ue_run(m, &s, SQN(6, 2), amf_sep1, -1, &av, auts) == AKA_OK,
	    "next SEQ");

	s.delta = 10;
	T_CHECK(ue_run(m, &s, SQN(17, 3), amf_sep1, -1, &av, auts) ==
	    AKA_SYNC_FAILURE, "jump of 11 > delta");
	T_CHECK(ue_run(m, &s, SQN(16, 3), amf_sep1, -1, &av, auts) == AKA_OK,
	    "jump of 10 == delta");
	s.delta = 0;

	s.age_limit = 4;	/* highest SEQ_MS is now 16 */
	T_CHECK(ue_run(m, &s, SQN(12, 7), amf_sep1, -1, &av, auts) ==
	    AKA_SYNC_FAILURE, "16 - 12 >= L");
	T_CHECK(ue_run(m, &s, SQN(13, 7), amf_sep1, -1, &av, auts) == AKA_OK,
	    "16 - 13 < L");
	T_CHECK(aka_ue_sqn_ms(&s) == SQN(16, 3), "SQN_MS");

	aka_ue_sqn_init(&s, 6);
	T_CHECK(ue_run(m, &s, SQN(1, 0), amf_sep1, -1, &av, auts) == -EINVAL,
	    "ind_bits > AKA_IND_BITS_MAX");
	aka_ue_sqn_init(&s, 0);
	T_CHECK(ue_run(m, &s, 7, amf_sep1, -1, &av, auts) == AKA_OK, "no IND");
	T_CHECK(ue_run(m, &s, 6, amf_sep1, -1, &av, auts) == AKA_SYNC_FAILURE,
	    "no IND, older");
	T_CHECK(aka_ue_sqn_ms(&s) == 7, "no IND, SQN_MS");
	aka_vector_wipe(&av);
}

static void
test_auts_example(const cJSON *v)
{
	struct milenage_ctx *m = ctx_from(v);
	const cJSON *exp = cJSON_GetObjectItemCaseSensitive(v, "expected_sqn_ms");
	uint8_t rand[16], auts[14], ak_s[6], ak_s_got[6], sqnb[6], auts2[14];
	uint8_t k[16], opc[16];
	struct milenage_ctx *wrong;
	uint64_t sqn_ms = ~0ULL, want;
	const char *name = vec_str(v, "name");
	int i;

	T_CHECK(strcmp(vec_str(v, "resync_amf"), "0000") == 0, "AMF*");
	vec_hex(v, "rand", rand, 16);
	vec_hex(v, "auts", auts, 14);
	vec_hex(v, "ak_s", ak_s, 6);
	T_CHECK(milenage_f5star(m, rand, ak_s_got) == 0, "f5*");
	T_EQ_HEX(ak_s_got, 6, vec_str(v, "ak_s"));
	T_EQ_HEX(auts + 6, 8, vec_str(v, "mac_s"));
	if (cJSON_IsString(exp)) {
		vec_hex(v, "expected_sqn_ms", sqnb, 6);
	} else {
		for (i = 0; i < 6; i++)
			sqnb[i] = auts[i] ^ ak_s[i];
	}
	want = aka_sqn_from_bytes(sqnb);

	T_CHECK(aka_auts_verify(m, rand, auts, &sqn_ms) == 0, "%s", name);
	T_CHECK(sqn_ms == want, "%s: SQN_MS %llx, want %llx", name,
	    (unsigned long long)sqn_ms, (unsigned long long)want);
	T_CHECK(aka_auts_make(m, rand, want, auts2) == 0 &&
	    memcmp(auts, auts2, 14) == 0, "%s: AUTS rebuilt", name);

	/* Any changed byte fails MAC-S, and so does another K. */
	for (i = 0; i < 14; i++) {
		memcpy(auts2, auts, 14);
		auts2[i] ^= 0x40;
		T_CHECK(aka_auts_verify(m, rand, auts2, &sqn_ms) == -EBADMSG,
		    "%s: flipped AUTS byte %d", name, i);
	}
	vec_hex(v, "k", k, 16);
	vec_hex(v, "opc", opc, 16);
	k[0] ^= 1;
	wrong = milenage_new(k, opc);
	sqn_ms = 0x1234;
	T_CHECK(wrong != NULL && aka_auts_verify(wrong, rand, auts, &sqn_ms) ==
	    -EBADMSG && sqn_ms == 0x1234, "%s: wrong K", name);
	milenage_free(wrong);
	milenage_free(m);
}

/* One vector against the one-block-at-a-time functions (milenage_f1,
 * milenage_f2345), themselves checked against TS 35.208. */
static int
vector_matches(struct milenage_ctx *m, const struct aka_vector *v,
    const uint8_t amf[2])
{
	uint8_t sqnb[6], mac[8], res[8], ck[16], ik[16], ak[6];
	int i;

	aka_sqn_to_bytes(v->sqn, sqnb);
	if (milenage_f1(m, v->rand, sqnb, amf, mac, NULL) < 0 ||
	    milenage_f2345(m, v->rand, res, ck, ik, ak) < 0)
		return 0;
	for (i = 0; i < 6; i++)
		sqnb[i] ^= ak[i];
	return v->xres_len == 8 && memcmp(v->xres, res, 8) == 0 &&
	    memcmp(v->ck, ck, 16) == 0 && memcmp(v->ik, ik, 16) == 0 &&
	    memcmp(v->ak, ak, 6) == 0 && memcmp(v->autn, sqnb, 6) == 0 &&
	    memcmp(v->autn + 6, amf, 2) == 0 && memcmp(v->autn + 8, mac, 8) == 0;
}

/* aka_vectors_make: the TS 35.208 set at indexes 0 and 66 (either side of
 * a MILENAGE_BATCH split) and every other vector as milenage_f1/f2345
 * compute it one at a time. */
static void
test_vectors_batch(const cJSON *v)
{
	enum { N = MILENAGE_BATCH + 6 };
	static struct aka_vector out[N];
	static uint8_t rands[N][16];
	uint64_t sqns[N];
	uint8_t amf[2], sqnb[6];
	struct milenage_ctx *m = ctx_from(v);
	int set = cJSON_GetObjectItemCaseSensitive(v, "set")->valueint, ok = 1;
	size_t i;

	vec_hex(v, "amf", amf, 2);
	vec_hex(v, "sqn", sqnb, 6);
	for (i = 0; i < N; i++) {
		memset(rands[i], (int)i * 7 + 1, 16);
		rands[i][15] = (uint8_t)i;
		sqns[i] = (aka_sqn_from_bytes(sqnb) + i * 33) & AKA_SQN_MAX;
	}
	vec_hex(v, "rand", rands[0], 16);
	vec_hex(v, "rand", rands[66], 16);
	sqns[66] = sqns[0];
	T_CHECK(aka_vectors_make(m, N, sqns, amf, (const uint8_t (*)[16])rands,
	    out) == 0, "set %d batch", set);
	T_EQ_HEX(out[0].xres, 8, vec_str(v, "res"));
	T_EQ_HEX(out[0].ck, 16, vec_str(v, "ck"));
	T_EQ_HEX(out[0].ik, 16, vec_str(v, "ik"));
	T_EQ_HEX(out[0].ak, 6, vec_str(v, "ak"));
	T_EQ_HEX(out[0].autn + 8, 8, vec_str(v, "mac_a"));
	T_EQ_HEX(out[66].autn + 8, 8, vec_str(v, "mac_a"));
	T_EQ_HEX(out[66].ck, 16, vec_str(v, "ck"));
	for (i = 0; i < N; i++)
		if (!vector_matches(m, &out[i], amf) || out[i].sqn != sqns[i] ||
		    memcmp(out[i].rand, rands[i], 16) != 0)
			ok = 0;
	T_CHECK(ok, "set %d: %d batched vectors equal the single ones", set, N);
	T_CHECK(aka_vectors_make(m, 0, sqns, amf, NULL, out) == 0, "n = 0");
	sqns[3] = AKA_SQN_MAX + 1;
	T_CHECK(aka_vectors_make(m, N, sqns, amf, NULL, out) == -EINVAL,
	    "SQN out of range refused");
	T_CHECK(aka_vectors_make(NULL, N, sqns, amf, NULL, out) == -EINVAL,
	    "NULL ctx");
	milenage_free(m);
}

static int
cmp16(const void *a, const void *b)
{
	return memcmp(a, b, 16);
}

/* RANDs from the DRBG: through several refills of the per-thread pool
 * (4096 RANDs), in batches and one at a time, all distinct, and the
 * vectors right; a fork() child does not reuse what its parent holds. */
static void
test_vectors_drbg(const cJSON *v)
{
	enum { NB = 9000 };
	static struct aka_vector out[MILENAGE_BATCH];
	static uint8_t seen[NB + 1][16];
	struct milenage_ctx *m = ctx_from(v);
	uint64_t sqns[MILENAGE_BATCH];
	size_t i, j, n = 0;
	int ok = 1, st, p[2];
	pid_t pid;

	for (i = 0; i < MILENAGE_BATCH; i++)
		sqns[i] = SQN(i + 1, i % 32);
	while (n + MILENAGE_BATCH <= NB - 100) {
		if (aka_vectors_make(m, 37, sqns, amf_sep1, NULL, out) < 0)
			ok = 0;
		for (j = 0; j < 37; j++) {
			if (!vector_matches(m, &out[j], amf_sep1))
				ok = 0;
			memcpy(seen[n++], out[j].rand, 16);
		}
		if (aka_vector_make(m, SQN(5, 5), amf_sep1, NULL, &out[0]) < 0 ||
		    !vector_matches(m, &out[0], amf_sep1))
			ok = 0;
		memcpy(seen[n++], out[0].rand, 16);
	}
	T_CHECK(ok, "%zu DRBG vectors right", n);
	/* What the child draws next must differ from what the parent draws
	 * next: the child refills its pool rather than using the copy. */
	if (pipe(p) == 0 && (pid = fork()) >= 0) {
		if (pid == 0) {
			st = aka_vector_make(m, SQN(6, 6), amf_sep1, NULL,
			    &out[0]) == 0 && write(p[1], out[0].rand, 16) == 16;
			_exit(st ? 0 : 1);
		}
		ok = read(p[0], seen[n], 16) == 16;
		(void)waitpid(pid, &st, 0);
		T_CHECK(ok && WIFEXITED(st) && WEXITSTATUS(st) == 0, "child vector");
		n++;
		T_CHECK(aka_vector_make(m, SQN(6, 6), amf_sep1, NULL, &out[0]) ==
		    0, "parent vector");
		memcpy(seen[n++], out[0].rand, 16);
		(void)close(p[0]);
		(void)close(p[1]);
	} else
		T_CHECK(0, "pipe/fork");
	qsort(seen, n, 16, cmp16);
	for (i = 1, ok = 1; i < n; i++)
		if (memcmp(seen[i - 1], seen[i], 16) == 0)
			ok = 0;
	T_CHECK(ok, "%zu RANDs all distinct (parent and fork child too)", n);
	milenage_free(m);
}

int
main(void)
{
	cJSON *mil = vec_load("milenage.json"), *auts = vec_load("auts.json");
	const cJSON *set1 = cJSON_GetArrayItem(mil, 0), *v;
	struct milenage_ctx *m;
	uint64_t n;
	int cnt = 0;

	test_sqn();
	test_vector_make(set1);
	cJSON_ArrayForEach(v, mil)
		test_vectors_batch(v);
	test_vectors_drbg(set1);
	m = ctx_from(set1);
	test_ue_roundtrip(m);
	test_ue_amf(m);
	test_ue_freshness(m);
	milenage_free(m);
	cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(auts,
	    "examples")) {
		test_auts_example(v);
		cnt++;
	}
	T_CHECK(cnt == 3, "%d AUTS examples", cnt);
	/* libosmocore's SQN_MS 0x1f (SEQ 0, IND 31): next SQN is SEQ 1, IND 0. */
	T_CHECK(aka_sqn_next(0x1f, 5, &n) == 0 && n == 0x20, "resync next");
	cJSON_Delete(mil);
	cJSON_Delete(auts);
	return t_done("test_aka");
}
