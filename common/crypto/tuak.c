/* tuak.c - the TUAK algorithm set (3GPP TS 35.231), built on
 * Keccak-p[1600,24] (keccak.c).
 *
 * TS 35.231 numbers the bits of each input field from the most significant
 * bit of its first byte (X[0]) and loads them into the permutation input in
 * reverse (IN[a] .. IN[b] = X[n-1] .. X[0]).  With the FIPS 202 state
 * layout (bit j of state byte i is IN[8i + j]) that reversal is exactly a
 * reversal of the field's byte order; outputs are read back the same way.
 */
#include <string.h>

#include "check.h"
#include "keccak.h"
#include "tuak.h"
#include "util.h"

#define STATE_LEN	200
#define TOP_LEN		32

/* Byte offsets of the fields in the permutation input (TS 35.231 6.2-6.6). */
enum {
	OFF_TOP = 0,		/* IN[0..255]: TOPc (TOP for 6.2) */
	OFF_INSTANCE = 32,	/* IN[256..263] */
	OFF_ALGONAME = 33,	/* IN[264..319] */
	OFF_RAND = 40,		/* IN[320..447] */
	OFF_AMF = 56,		/* IN[448..463] */
	OFF_SQN = 58,		/* IN[464..511] */
	OFF_KEY = 64,		/* IN[512..767] */
	OFF_PAD = 96,		/* IN[768..1087]: padding */
	OFF_PAD_END = 135,
};

/*
 * Padding of the input (TS 35.231 6.1): IN[768..772] = 1, IN[773..1086] = 0,
 * IN[1087] = 1 and IN[1088..1599] = 0 (the SHAKE suffix and pad10*1 for a
 * 1088-bit rate), i.e. state byte 96 = 0x1f and byte 135 = 0x80.
 */
#define PAD_FIRST	0x1f
#define PAD_LAST	0x80

/* Byte offsets of the outputs in the permutation output (6.3-6.6). */
enum {
	OUT_MAC = 0, OUT_RES = 0, OUT_CK = 32, OUT_IK = 64, OUT_AK = 96,
};

static const char tuak_algoname[7] = { 'T', 'U', 'A', 'K', '1', '.', '0' };

/* Fields of one invocation; NULL ones are all-zero. */
struct tuak_in {
	const uint8_t	*top;		/* 32 bytes */
	uint8_t		 instance;
	const uint8_t	*rand;		/* 16 */
	const uint8_t	*amf;		/* 2 */
	const uint8_t	*sqn;		/* 6 */
	const uint8_t	*k;
	size_t		 klen;		/* 16 or 32 */
};

/* IN[off*8 ..] = X[8n-1] .. X[0]: store the field byte-reversed. */
static void
put_reversed(uint8_t *st, size_t off, const uint8_t *x, size_t n)
{
	size_t i;

	if (x == NULL)
		return;
	for (i = 0; i < n; i++)
		st[off + i] = x[n - 1 - i];
}

/* X[0] .. X[8n-1] = OUT[off*8 + 8n-1] .. OUT[off*8]. */
static void
get_reversed(const uint8_t *st, size_t off, uint8_t *x, size_t n)
{
	size_t i;

	if (x == NULL)
		return;
	for (i = 0; i < n; i++)
		x[i] = st[off + n - 1 - i];
}

/*
 * Fill the input (a 256-bit KEY occupies IN[512..767]; a 128-bit KEY
 * IN[512..639] and the rest of the key field is zero), apply the padding
 * IN[768..1087] of TS 35.231 and iterate the permutation.
 */
static void
tuak_core(const struct tuak_in *in, unsigned iterations,
    uint8_t st[STATE_LEN])
{
	unsigned i;

	memset(st, 0, STATE_LEN);
	put_reversed(st, OFF_TOP, in->top, TOP_LEN);
	st[OFF_INSTANCE] = in->instance;
	put_reversed(st, OFF_ALGONAME, (const uint8_t *)tuak_algoname,
	    sizeof(tuak_algoname));
	put_reversed(st, OFF_RAND, in->rand, 16);
	put_reversed(st, OFF_AMF, in->amf, 2);
	put_reversed(st, OFF_SQN, in->sqn, 6);
	put_reversed(st, OFF_KEY, in->k, in->klen);
	st[OFF_PAD] = PAD_FIRST;
	st[OFF_PAD_END] = PAD_LAST;
	for (i = 0; i < iterations; i++)
		keccak_p1600(st);
}

/*
 * INSTANCE (TS 35.231 6.1), INSTANCE[0] being the most significant bit:
 * [0] f1* / f5*, [1] f2-f5 / f5*, [2..4] MAC length (f1, f1*: 64 001,
 * 128 010, 256 100) or RES length (f2: 32 000, 64 001, 128 010,
 * 256 100), [5] CK is 256 bits, [6] IK is 256 bits, [7] KEY is 256 bits.
 */
#define INST_STAR	0x80
#define INST_F2345	0x40
#define INST_CK256	0x04
#define INST_IK256	0x02
#define INST_K256	0x01

static int
mac_code(unsigned bits, uint8_t *code)
{
	switch (bits) {
	case 64:	*code = 1 << 3; return 0;
	case 128:	*code = 2 << 3; return 0;
	case 256:	*code = 4 << 3; return 0;
	}
	return -EINVAL;
}

static int
res_code(unsigned bits, uint8_t *code)
{
	switch (bits) {
	case 32:	*code = 0 << 3; return 0;
	case 64:	*code = 1 << 3; return 0;
	case 128:	*code = 2 << 3; return 0;
	case 256:	*code = 4 << 3; return 0;
	}
	return -EINVAL;
}

static int
key_ok(const uint8_t *k, size_t klen)
{
	return k != NULL && (klen == 16 || klen == 32);
}

static int
params_ok(const struct tuak_params *p)
{
	return p != NULL && p->keccak_iterations >= 1 &&
	    (p->ck_bits == 128 || p->ck_bits == 256) &&
	    (p->ik_bits == 128 || p->ik_bits == 256);
}

/* TOPc: TS 35.231 6.2 (INSTANCE = 0000000 || KEY length). */
int
tuak_topc(const uint8_t *k, size_t klen, const uint8_t top[32],
    unsigned keccak_iterations, uint8_t topc[32])
{
	struct tuak_in in = { .top = top, .k = k, .klen = klen };
	uint8_t st[STATE_LEN];

	IMS_CHECK_PARAMS(key_ok(k, klen) && top != NULL && topc != NULL);
	IMS_CHECK_PARAMS(keccak_iterations >= 1);
	in.instance = klen == 32 ? INST_K256 : 0;
	tuak_core(&in, keccak_iterations, st);
	get_reversed(st, OUT_MAC, topc, TOP_LEN);
	secure_wipe(st, sizeof(st));
	return 0;
}

/* One f1 or f1* invocation (TS 35.231 6.3, 6.4). */
static void
tuak_f1_one(const struct tuak_params *p, struct tuak_in *in, uint8_t star,
    uint8_t *mac)
{
	uint8_t st[STATE_LEN], inst = in->instance;

	in->instance = inst | star;
	tuak_core(in, p->keccak_iterations, st);
	get_reversed(st, OUT_MAC, mac, p->mac_bits / 8);
	in->instance = inst;
	secure_wipe(st, sizeof(st));
}

/* f1 (MAC-A, 6.3) and f1* (MAC-S, 6.4). */
int
tuak_f1(const struct tuak_params *p, const uint8_t *k, size_t klen,
    const uint8_t topc[32], const uint8_t rand[16], const uint8_t sqn[6],
    const uint8_t amf[2], uint8_t *mac_a, uint8_t *mac_s)
{
	struct tuak_in in = { .top = topc, .rand = rand, .amf = amf,
	    .sqn = sqn, .k = k, .klen = klen };
	uint8_t code;

	IMS_CHECK_PARAMS(params_ok(p) && key_ok(k, klen));
	IMS_CHECK_PARAMS(topc != NULL && rand != NULL && sqn != NULL && amf != NULL);
	IMS_CHECK_RC(mac_code(p->mac_bits, &code));
	in.instance = code | (klen == 32 ? INST_K256 : 0);
	if (mac_a != NULL)
		tuak_f1_one(p, &in, 0, mac_a);
	if (mac_s != NULL)
		tuak_f1_one(p, &in, INST_STAR, mac_s);
	return 0;
}

/* f2 (RES), f3 (CK), f4 (IK), f5 (AK): one invocation (TS 35.231 6.5). */
int
tuak_f2345(const struct tuak_params *p, const uint8_t *k, size_t klen,
    const uint8_t topc[32], const uint8_t rand[16], uint8_t *res,
    uint8_t *ck, uint8_t *ik, uint8_t ak[6])
{
	struct tuak_in in = { .top = topc, .rand = rand, .k = k, .klen = klen };
	uint8_t st[STATE_LEN], code;

	IMS_CHECK_PARAMS(params_ok(p) && key_ok(k, klen));
	IMS_CHECK_PARAMS(topc != NULL && rand != NULL);
	IMS_CHECK_RC(res_code(p->res_bits, &code));
	in.instance = INST_F2345 | code |
	    (p->ck_bits == 256 ? INST_CK256 : 0) |
	    (p->ik_bits == 256 ? INST_IK256 : 0) |
	    (klen == 32 ? INST_K256 : 0);
	tuak_core(&in, p->keccak_iterations, st);
	get_reversed(st, OUT_RES, res, p->res_bits / 8);
	get_reversed(st, OUT_CK, ck, p->ck_bits / 8);
	get_reversed(st, OUT_IK, ik, p->ik_bits / 8);
	get_reversed(st, OUT_AK, ak, 6);
	secure_wipe(st, sizeof(st));
	return 0;
}

/* f5* (AK for resynchronisation, TS 35.231 6.6). */
int
tuak_f5star(const struct tuak_params *p, const uint8_t *k, size_t klen,
    const uint8_t topc[32], const uint8_t rand[16], uint8_t ak_s[6])
{
	struct tuak_in in = { .top = topc, .rand = rand, .k = k, .klen = klen };
	uint8_t st[STATE_LEN];

	IMS_CHECK_PARAMS(p != NULL && p->keccak_iterations >= 1 && key_ok(k, klen));
	IMS_CHECK_PARAMS(topc != NULL && rand != NULL && ak_s != NULL);
	in.instance = INST_STAR | INST_F2345 | (klen == 32 ? INST_K256 : 0);
	tuak_core(&in, p->keccak_iterations, st);
	get_reversed(st, OUT_AK, ak_s, 6);
	secure_wipe(st, sizeof(st));
	return 0;
}
