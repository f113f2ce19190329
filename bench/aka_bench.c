/* aka_bench.c - authentication vectors per second (Milenage and TUAK),
 * against the AES-NI bound of this core.
 *
 * The bound: AES-128 single-key block throughput of OpenSSL's EVP
 * aes-128-ecb over a large buffer (what the cipher does when nothing
 * else is in the way), divided by the E_K calls one Milenage vector needs
 * (TS 35.206 4.1: OPc is per subscriber; per vector TEMP = E_K(RAND xor
 * OPc), then OUT1..OUT5: 6 blocks).  A vector in fact needs 5 (OUT5 is
 * f5*, for resynchronisation only); the % of that stricter bound is
 * printed too.
 *
 * Prints figures; asserts nothing.  One thread: per core.
 * Usage: aka_bench [seconds-per-case]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "aka.h"
#include "milenage.h"
#include "tuak.h"

#define BATCH		MILENAGE_BATCH	/* vectors per batch call */
#define AES_BUF		16384		/* bytes per EVP call for the bound */

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double
report(const char *what, unsigned long n, double secs)
{
	printf("aka_bench: %-50s %10lu in %.2f s = %11.0f /s\n", what, n, secs,
	    n / secs);
	return n / secs;
}

/* AES-128 blocks per second, one key, ECB over AES_BUF bytes per call. */
static double
aes_bound(double secs)
{
	static uint8_t buf[AES_BUF];
	static const uint8_t key[16] = { 1 };
	EVP_CIPHER_CTX *c;
	unsigned long n;
	double t0, t;
	int outl;

	if ((c = EVP_CIPHER_CTX_new()) == NULL ||
	    EVP_EncryptInit_ex(c, EVP_aes_128_ecb(), NULL, key, NULL) != 1 ||
	    EVP_CIPHER_CTX_set_padding(c, 0) != 1)
		return 0;
	for (n = 0, t0 = now(); (t = now() - t0) < secs; n++)
		if (EVP_EncryptUpdate(c, buf, &outl, buf, AES_BUF) != 1)
			return 0;
	EVP_CIPHER_CTX_free(c);
	return report("AES-128-ECB blocks (EVP, 16 KiB per call)",
	    n * (AES_BUF / 16), t);
}

int
main(int argc, char **argv)
{
	static const uint8_t k[16] = { 0x46, 0x5b, 0x5c, 0xe8, 0xb1, 0x99, 0xb4,
	    0x9f, 0xaa, 0x5f, 0x0a, 0x2e, 0xe2, 0x38, 0xa6, 0xbc };
	static const uint8_t opc[16] = { 0xcd, 0x63, 0xcb, 0x71, 0x95, 0x4a,
	    0x9f, 0x4e, 0x48, 0xa5, 0x99, 0x4e, 0x37, 0xa0, 0x2b, 0xaf };
	static const uint8_t amf[2] = { 0x80, 0x00 };
	static const uint8_t top[32];
	static struct aka_vector vb[BATCH];
	static uint8_t rands[BATCH][16];
	struct tuak_params tp = { 1, 64, 64, 128, 128 };
	double secs = argc > 1 ? atof(argv[1]) : 2.0, t0, t, blocks, bound;
	double fixed, drbg;
	struct milenage_ctx *ctx;
	struct aka_vector v;
	uint64_t sqns[BATCH];
	uint8_t rand[16] = { 0 }, sqnb[6] = { 0 }, topc[32], mac[8], res[8];
	uint8_t ck[16], ik[16], ak[6];
	unsigned long n;
	unsigned i;

	if (secs <= 0)
		secs = 2.0;
	if ((blocks = aes_bound(secs)) <= 0) {
		fprintf(stderr, "aka_bench: AES-128-ECB unavailable\n");
		return 1;
	}
	bound = blocks / 6;
	printf("aka_bench: bound = AES blocks/s / 6 blocks per vector (TS "
	    "35.206: TEMP, OUT1..OUT5) = %.0f vectors/s; a vector computes "
	    "%d of them (OUT5, f5*, is for resynchronisation): %.0f /s\n",
	    bound, MILENAGE_BLOCKS_PER_VECTOR,
	    blocks / MILENAGE_BLOCKS_PER_VECTOR);
	if ((ctx = milenage_new(k, opc)) == NULL) {
		fprintf(stderr, "aka_bench: milenage_new failed\n");
		return 1;
	}

	/* One subscriber, batches of BATCH vectors: the vector path. */
	for (i = 0; i < BATCH; i++)
		rands[i][0] = (uint8_t)i;
	for (n = 0, t0 = now(); (t = now() - t0) < secs; n += BATCH) {
		for (i = 0; i < BATCH; i++)
			sqns[i] = 32 * (n + i + 1);
		if (aka_vectors_make(ctx, BATCH, sqns, amf,
		    (const uint8_t (*)[16])rands, vb) < 0)
			return 1;
	}
	fixed = report("milenage vectors, batch 64, fixed RAND", n, t);
	for (n = 0, t0 = now(); (t = now() - t0) < secs; n += BATCH) {
		for (i = 0; i < BATCH; i++)
			sqns[i] = 32 * (n + i + 1);
		if (aka_vectors_make(ctx, BATCH, sqns, amf, NULL, vb) < 0)
			return 1;
	}
	drbg = report("milenage vectors, batch 64, DRBG RAND", n, t);

	/* One vector per call (aka_vector_make), RAND from the per-thread
	 * pool. */
	for (n = 0, t0 = now(); (t = now() - t0) < secs; n++)
		if (aka_vector_make(ctx, 32 * (n + 1), amf, NULL, &v) < 0)
			return 1;
	report("milenage vectors, 1 per call, DRBG RAND", n, t);
	for (n = 0, t0 = now(); (t = now() - t0) < secs; n++) {
		rand[0] = (uint8_t)n;
		if (aka_vector_make(ctx, 32 * (n + 1), amf, rand, &v) < 0)
			return 1;
	}
	report("milenage vectors, 1 per call, fixed RAND", n, t);
	milenage_free(ctx);

	/* The hss's MAR: a new context (key schedule) per request, 8
	 * vectors (HSS_SQN_BATCH) from the DRBG. */
	for (n = 0, t0 = now(); (t = now() - t0) < secs; n += 8) {
		for (i = 0; i < 8; i++)
			sqns[i] = 32 * (n + i + 1);
		if ((ctx = milenage_new(k, opc)) == NULL ||
		    aka_vectors_make(ctx, 8, sqns, amf, NULL, vb) < 0)
			return 1;
		milenage_free(ctx);
	}
	report("milenage vectors, new ctx per 8 (a MAR), DRBG RAND", n, t);
	for (n = 0, t0 = now(); (t = now() - t0) < secs; n++) {
		if ((ctx = milenage_new(k, opc)) == NULL ||
		    aka_vector_make(ctx, 32 * (n + 1), amf, NULL, &v) < 0)
			return 1;
		milenage_free(ctx);
	}
	report("milenage vectors, new ctx per vector, DRBG RAND", n, t);

	printf("aka_bench: of the bound (6 blocks): fixed RAND %.1f %%, DRBG "
	    "RAND %.1f %%; of the %d-block one: %.1f %%, %.1f %% (batch %d, "
	    "one core)\n", 100 * fixed / bound, 100 * drbg / bound,
	    MILENAGE_BLOCKS_PER_VECTOR,
	    100 * fixed / (blocks / MILENAGE_BLOCKS_PER_VECTOR),
	    100 * drbg / (blocks / MILENAGE_BLOCKS_PER_VECTOR), BATCH);

	if (tuak_topc(k, 16, top, 1, topc) < 0)
		return 1;
	for (n = 0, t0 = now(); (t = now() - t0) < secs; n++) {
		rand[0] = (uint8_t)n;
		if (tuak_f1(&tp, k, 16, topc, rand, sqnb, amf, mac, NULL) < 0 ||
		    tuak_f2345(&tp, k, 16, topc, rand, res, ck, ik, ak) < 0)
			return 1;
	}
	report("tuak f1+f2345 (64-bit MAC/RES, 1 iteration)", n, t);
	aka_vector_wipe(&v);
	for (i = 0; i < BATCH; i++)
		aka_vector_wipe(&vb[i]);
	return 0;
}
