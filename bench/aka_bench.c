/* aka_bench.c - authentication vectors per second (Milenage and TUAK).
 *
 * Prints figures; asserts nothing.  Usage: aka_bench [seconds-per-case]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aka.h"
#include "milenage.h"
#include "tuak.h"

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
report(const char *what, unsigned long n, double secs)
{
	printf("aka_bench: %-44s %9lu in %.2f s = %10.0f /s\n", what, n, secs,
	    n / secs);
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
	struct tuak_params tp = { 1, 64, 64, 128, 128 };
	double secs = argc > 1 ? atof(argv[1]) : 2.0, t0, t;
	struct milenage_ctx *ctx;
	struct aka_vector v;
	uint8_t rand[16] = { 0 }, sqnb[6] = { 0 }, topc[32], mac[8], res[8];
	uint8_t ck[16], ik[16], ak[6];
	unsigned long n;

	if (secs <= 0)
		secs = 2.0;
	if ((ctx = milenage_new(k, opc)) == NULL) {
		fprintf(stderr, "aka_bench: milenage_new failed\n");
		return 1;
	}

	/* One subscriber, key schedule reused, RAND from the DRBG. */
	for (n = 0, t0 = now(); (t = now() - t0) < secs; n++)
		if (aka_vector_make(ctx, 32 * (n + 1), amf, NULL, &v) < 0)
			return 1;
	report("milenage vectors (DRBG RAND, ctx reused)", n, t);

	/* The same with a fixed RAND: the cost of Milenage alone. */
	for (n = 0, t0 = now(); (t = now() - t0) < secs; n++) {
		rand[0] = (uint8_t)n;
		if (aka_vector_make(ctx, 32 * (n + 1), amf, rand, &v) < 0)
			return 1;
	}
	report("milenage vectors (fixed RAND, ctx reused)", n, t);
	milenage_free(ctx);

	/* A new subscriber per vector: key schedule every time (an HSS that
	 * does not cache contexts). */
	for (n = 0, t0 = now(); (t = now() - t0) < secs; n++) {
		if ((ctx = milenage_new(k, opc)) == NULL ||
		    aka_vector_make(ctx, 32 * (n + 1), amf, NULL, &v) < 0)
			return 1;
		milenage_free(ctx);
	}
	report("milenage vectors (new ctx per vector)", n, t);

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
	return 0;
}
