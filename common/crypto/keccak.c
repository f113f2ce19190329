/* keccak.c - the Keccak-p[1600,24] permutation (FIPS 202 3.3, 3.4), as used
 * by TUAK (TS 35.231 5).  The state is 25 lanes of 64 bits; byte i of the
 * 200-byte string is byte i%8 of lane i/8, least significant first. */
#include <stdint.h>

#include "keccak.h"
#include "util.h"

#define NROUNDS	24

/* Round constants RC[ir] of the iota step (FIPS 202 3.2.5). */
static const uint64_t keccak_rc[NROUNDS] = {
	0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL,
	0x8000000080008000ULL, 0x000000000000808bULL, 0x0000000080000001ULL,
	0x8000000080008081ULL, 0x8000000000008009ULL, 0x000000000000008aULL,
	0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000aULL,
	0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL,
	0x8000000000008003ULL, 0x8000000000008002ULL, 0x8000000000000080ULL,
	0x000000000000800aULL, 0x800000008000000aULL, 0x8000000080008081ULL,
	0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL,
};

/* Rotation offsets of the rho step for lane x + 5y (FIPS 202 3.2.2). */
static const unsigned keccak_rho[25] = {
	 0,  1, 62, 28, 27,
	36, 44,  6, 55, 20,
	 3, 10, 43, 25, 39,
	41, 45, 15, 21,  8,
	18,  2, 61, 56, 14,
};

static uint64_t
rotl64(uint64_t v, unsigned n)
{
	return n == 0 ? v : (v << n) | (v >> (64 - n));
}

/* theta (FIPS 202 3.2.1). */
static void
keccak_theta(uint64_t a[25])
{
	uint64_t c[5], d;
	int x, y;

	for (x = 0; x < 5; x++)
		c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
	for (x = 0; x < 5; x++) {
		d = c[(x + 4) % 5] ^ rotl64(c[(x + 1) % 5], 1);
		for (y = 0; y < 25; y += 5)
			a[y + x] ^= d;
	}
}

/* rho and pi (3.2.2, 3.2.3): A'[y, 2x + 3y] = rot(A[x, y], r[x, y]). */
static void
keccak_rho_pi(uint64_t a[25])
{
	uint64_t b[25];
	int x, y;

	for (x = 0; x < 5; x++)
		for (y = 0; y < 5; y++)
			b[y + 5 * ((2 * x + 3 * y) % 5)] =
			    rotl64(a[x + 5 * y], keccak_rho[x + 5 * y]);
	for (x = 0; x < 25; x++)
		a[x] = b[x];
}

/* chi (3.2.4). */
static void
keccak_chi(uint64_t a[25])
{
	uint64_t row[5];
	int x, y;

	for (y = 0; y < 25; y += 5) {
		for (x = 0; x < 5; x++)
			row[x] = a[y + x];
		for (x = 0; x < 5; x++)
			a[y + x] = row[x] ^ (~row[(x + 1) % 5] & row[(x + 2) % 5]);
	}
}

void
keccak_p1600(uint8_t state[200])
{
	uint64_t a[25];
	int i, j;

	for (i = 0; i < 25; i++) {
		a[i] = 0;
		for (j = 7; j >= 0; j--)
			a[i] = a[i] << 8 | state[8 * i + j];
	}
	for (i = 0; i < NROUNDS; i++) {
		keccak_theta(a);
		keccak_rho_pi(a);
		keccak_chi(a);
		a[0] ^= keccak_rc[i];	/* iota (3.2.5) */
	}
	for (i = 0; i < 25; i++)
		for (j = 0; j < 8; j++)
			state[8 * i + j] = (uint8_t)(a[i] >> (8 * j));
	secure_wipe(a, sizeof(a));
}
