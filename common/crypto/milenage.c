/* milenage.c - the MILENAGE algorithm set (3GPP TS 35.206).
 *
 * The kernel function E_K is AES-128 (TS 35.206 4.1, Rijndael with a
 * 128-bit block).  The key schedule is made once in milenage_new() and the
 * EVP context is reused for every block: ECB with padding off keeps no
 * state between EVP_EncryptUpdate() calls.  A context is not thread-safe.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "check.h"
#include "milenage.h"
#include "util.h"

#define BLK	16

/* Rotation amounts r1..r5 in bytes (TS 35.206 4.1: 64, 0, 32, 64, 96 bits). */
enum { R1 = 8, R2 = 0, R3 = 4, R4 = 8, R5 = 12 };
/* Constants c1..c5: all zero but the last byte (TS 35.206 4.1). */
enum { C1 = 0x00, C2 = 0x01, C3 = 0x02, C4 = 0x04, C5 = 0x08 };

struct milenage_ctx {
	EVP_CIPHER_CTX	*evp;		/* AES-128-ECB, key K */
	uint8_t		 opc[BLK];
	/* rot(OPc, rn) xor cn for n = 1..5 (index n - 1), so that
	 * rot(TEMP xor OPc, rn) xor cn = rot(TEMP, rn) xor kr[n - 1]. */
	uint8_t		 kr[5][BLK];
};

static int
aes_init(EVP_CIPHER_CTX **evp, const uint8_t k[BLK])
{
	IMS_CHECK_MALLOC(*evp = EVP_CIPHER_CTX_new());
	if (EVP_EncryptInit_ex(*evp, EVP_aes_128_ecb(), NULL, k, NULL) != 1 ||
	    EVP_CIPHER_CTX_set_padding(*evp, 0) != 1) {
		log_err("%s: AES-128-ECB init failed", __func__);
		EVP_CIPHER_CTX_free(*evp);
		*evp = NULL;
		return -EIO;
	}
	return 0;
}

/* E_K(in): one AES block with the prepared key schedule. */
static int
aes_block(EVP_CIPHER_CTX *evp, const uint8_t in[BLK], uint8_t out[BLK])
{
	int outl = 0;

	IMS_CHECK_SSL(EVP_EncryptUpdate(evp, out, &outl, in, BLK));
	if (outl != BLK) {
		log_err("%s: short AES output", __func__);
		return -EIO;
	}
	return 0;
}

/* OPc = OP xor E_K(OP) (TS 35.206 4.1). */
int
milenage_opc(const uint8_t k[16], const uint8_t op[16], uint8_t opc[16])
{
	EVP_CIPHER_CTX *evp;
	int i, rc;

	IMS_CHECK_PARAMS(k != NULL && op != NULL && opc != NULL);
	IMS_CHECK_RC(aes_init(&evp, k));
	rc = aes_block(evp, op, opc);
	EVP_CIPHER_CTX_free(evp);
	if (rc < 0)
		return rc;
	for (i = 0; i < BLK; i++)
		opc[i] ^= op[i];
	return 0;
}

static void
kr_make(uint8_t kr[BLK], const uint8_t opc[BLK], int r, uint8_t c)
{
	int i;

	for (i = 0; i < BLK; i++)
		kr[i] = opc[(i + r) % BLK];
	kr[BLK - 1] ^= c;
}

struct milenage_ctx *
milenage_new(const uint8_t k[16], const uint8_t opc[16])
{
	struct milenage_ctx *m;

	if (k == NULL || opc == NULL)
		return NULL;
	if ((m = calloc(1, sizeof(*m))) == NULL)
		return NULL;
	if (aes_init(&m->evp, k) < 0) {
		free(m);
		return NULL;
	}
	memcpy(m->opc, opc, BLK);
	kr_make(m->kr[0], opc, R1, C1);
	kr_make(m->kr[1], opc, R2, C2);
	kr_make(m->kr[2], opc, R3, C3);
	kr_make(m->kr[3], opc, R4, C4);
	kr_make(m->kr[4], opc, R5, C5);
	return m;
}

void
milenage_free(struct milenage_ctx *m)
{
	if (m == NULL)
		return;
	/* EVP_CIPHER_CTX_free() cleanses the key schedule. */
	EVP_CIPHER_CTX_free(m->evp);
	secure_wipe(m, sizeof(*m));
	free(m);
}

/* TEMP = E_K(RAND xor OPc) (TS 35.206 4.1). */
static int
milenage_temp(struct milenage_ctx *m, const uint8_t rand[BLK],
    uint8_t temp[BLK])
{
	uint8_t x[BLK];
	int i, rc;

	for (i = 0; i < BLK; i++)
		x[i] = rand[i] ^ m->opc[i];
	rc = aes_block(m->evp, x, temp);
	secure_wipe(x, sizeof(x));
	return rc;
}

/*
 * OUTn = E_K(rot(in xor OPc, rn) xor cn) xor OPc (TS 35.206 4.1), where
 * `in` is IN1 for OUT1 (TEMP is then added, too) or TEMP for OUT2..OUT5.
 * rot() is a cyclic left rotation; rn is a whole number of bytes.
 */
static int
milenage_out(struct milenage_ctx *m, const uint8_t in[BLK],
    const uint8_t *temp, int r, uint8_t c, uint8_t out[BLK])
{
	uint8_t x[BLK];
	int i, rc;

	for (i = 0; i < BLK; i++)
		x[i] = in[(i + r) % BLK] ^ m->opc[(i + r) % BLK];
	if (temp != NULL)
		for (i = 0; i < BLK; i++)
			x[i] ^= temp[i];
	x[BLK - 1] ^= c;
	rc = aes_block(m->evp, x, out);
	for (i = 0; i < BLK; i++)
		out[i] ^= m->opc[i];
	secure_wipe(x, sizeof(x));
	return rc;
}

/*
 * f1 and f1* (TS 35.206 4.1): IN1 = SQN || AMF || SQN || AMF,
 * OUT1 = E_K(TEMP xor rot(IN1 xor OPc, r1) xor c1) xor OPc;
 * MAC-A = OUT1[0..63], MAC-S = OUT1[64..127].
 */
int
milenage_f1(struct milenage_ctx *m, const uint8_t rand[16],
    const uint8_t sqn[6], const uint8_t amf[2], uint8_t mac_a[8],
    uint8_t mac_s[8])
{
	uint8_t temp[BLK], in1[BLK], out1[BLK];
	int rc;

	IMS_CHECK_PARAMS(m != NULL && rand != NULL && sqn != NULL && amf != NULL);
	memcpy(in1, sqn, 6);
	memcpy(in1 + 6, amf, 2);
	memcpy(in1 + 8, in1, 8);
	if ((rc = milenage_temp(m, rand, temp)) == 0)
		rc = milenage_out(m, in1, temp, R1, C1, out1);
	if (rc == 0 && mac_a != NULL)
		memcpy(mac_a, out1, 8);
	if (rc == 0 && mac_s != NULL)
		memcpy(mac_s, out1 + 8, 8);
	secure_wipe(temp, sizeof(temp));
	secure_wipe(out1, sizeof(out1));
	return rc;
}

/*
 * f2, f3, f4, f5 (TS 35.206 4.1): OUT2 gives AK = OUT2[0..47] and
 * RES = OUT2[64..127]; CK = OUT3; IK = OUT4.
 */
int
milenage_f2345(struct milenage_ctx *m, const uint8_t rand[16],
    uint8_t res[8], uint8_t ck[16], uint8_t ik[16], uint8_t ak[6])
{
	uint8_t temp[BLK], out[BLK];
	int rc;

	IMS_CHECK_PARAMS(m != NULL && rand != NULL);
	if ((rc = milenage_temp(m, rand, temp)) < 0)
		goto done;
	if (res != NULL || ak != NULL) {
		if ((rc = milenage_out(m, temp, NULL, R2, C2, out)) < 0)
			goto done;
		if (res != NULL)
			memcpy(res, out + 8, 8);
		if (ak != NULL)
			memcpy(ak, out, 6);
	}
	if (ck != NULL && (rc = milenage_out(m, temp, NULL, R3, C3, ck)) < 0)
		goto done;
	if (ik != NULL && (rc = milenage_out(m, temp, NULL, R4, C4, ik)) < 0)
		goto done;
done:
	secure_wipe(temp, sizeof(temp));
	secure_wipe(out, sizeof(out));
	return rc;
}

/* f5* (TS 35.206 4.1): AK = OUT5[0..47]. */
int
milenage_f5star(struct milenage_ctx *m, const uint8_t rand[16],
    uint8_t ak_s[6])
{
	uint8_t temp[BLK], out[BLK];
	int rc;

	IMS_CHECK_PARAMS(m != NULL && rand != NULL && ak_s != NULL);
	if ((rc = milenage_temp(m, rand, temp)) == 0 &&
	    (rc = milenage_out(m, temp, NULL, R5, C5, out)) == 0)
		memcpy(ak_s, out, 6);
	secure_wipe(temp, sizeof(temp));
	secure_wipe(out, sizeof(out));
	return rc;
}

/* E_K over n contiguous blocks in place: one EVP call, so that the
 * cipher's pipelined ECB path handles them together. */
static int
aes_blocks(EVP_CIPHER_CTX *evp, uint8_t *buf, size_t n)
{
	int outl = 0;

	IMS_CHECK_SSL(EVP_EncryptUpdate(evp, buf, &outl, buf, (int)(n * BLK)));
	if ((size_t)outl != n * BLK) {
		log_err("%s: short AES output", __func__);
		return -EIO;
	}
	return 0;
}

/* A block as two 64-bit words in memory order (bytes 0..7, 8..15), so
 * that the XORs and byte rotations of the batch are word operations. */
struct blk {
	uint64_t	 w[2];
};

static inline struct blk
ld(const uint8_t *p)
{
	struct blk b;

	memcpy(&b, p, BLK);
	return b;
}

static inline void
st(uint8_t *p, struct blk b)
{
	memcpy(p, &b, BLK);
}

static inline struct blk
bxor(struct blk a, struct blk b)
{
	a.w[0] ^= b.w[0];
	a.w[1] ^= b.w[1];
	return a;
}

/* Bytes 0..15 of a word pair shifted towards byte 0 by 4 (so byte 4
 * becomes byte 0), whatever the byte order of the words. */
static inline uint64_t
toward0(uint64_t first, uint64_t second)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return first >> 32 | second << 32;
#else
	return first << 32 | second >> 32;
#endif
}

/* SQN || AMF as the word of bytes 0..7, built in registers (a block
 * assembled from partial stores would stall the load that follows). */
static inline uint64_t
sqn_amf(const uint8_t sqn[6], const uint8_t amf[2])
{
	uint32_t s4;
	uint16_t s2, a2;

	memcpy(&s4, sqn, 4);
	memcpy(&s2, sqn + 4, 2);
	memcpy(&a2, amf, 2);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return (uint64_t)s4 | (uint64_t)s2 << 32 | (uint64_t)a2 << 48;
#else
	return (uint64_t)s4 << 32 | (uint64_t)s2 << 16 | a2;
#endif
}

/* rot(b, r): cyclic left rotation by r bytes (TS 35.206 4.1), r one of
 * 0, 4, 8, 12. */
static inline struct blk
brot(struct blk b, int r)
{
	struct blk o;

	if (r >= 8) {
		o.w[0] = b.w[1];
		o.w[1] = b.w[0];
		b = o;
	}
	if (r % 8 == 4) {
		o.w[0] = toward0(b.w[0], b.w[1]);
		o.w[1] = toward0(b.w[1], b.w[0]);
		b = o;
	}
	return b;
}

/* One batch of n <= MILENAGE_BATCH vectors; buf holds 5n blocks. */
static int
f12345_run(struct milenage_ctx *m, size_t n, const uint8_t (*rand)[16],
    const uint8_t (*sqn)[6], const uint8_t amf[2],
    struct milenage_f12345 *out, uint8_t (*buf)[BLK])
{
	uint8_t (*temp)[BLK] = buf, (*y)[BLK] = buf + n;
	struct blk opc = ld(m->opc), k1 = ld(m->kr[0]), k2 = ld(m->kr[1]);
	struct blk k3 = ld(m->kr[2]), k4 = ld(m->kr[3]), t, o, in1;
	size_t i;

	/* TEMP = E_K(RAND xor OPc) for all n at once. */
	for (i = 0; i < n; i++)
		st(temp[i], bxor(ld(rand[i]), opc));
	IMS_CHECK_RC(aes_blocks(m->evp, temp[0], n));
	/* The inputs of OUT1..OUT4 (TS 35.206 4.1), kr[] holding
	 * rot(OPc, rn) xor cn.  IN1 = SQN || AMF || SQN || AMF is its own
	 * rotation by r1 = 64 bits: rot(IN1 xor OPc, r1) xor c1 = IN1 xor
	 * kr1.  The locals t and o live in registers; the blocks in buf are
	 * wiped by the caller. */
	for (i = 0; i < n; i++) {
		t = ld(temp[i]);
		in1.w[0] = in1.w[1] = sqn_amf(sqn[i], amf);
		st(y[4 * i], bxor(bxor(t, in1), k1));
		st(y[4 * i + 1], bxor(brot(t, R2), k2));
		st(y[4 * i + 2], bxor(brot(t, R3), k3));
		st(y[4 * i + 3], bxor(brot(t, R4), k4));
	}
	IMS_CHECK_RC(aes_blocks(m->evp, y[0], 4 * n));
	/* OUTn = E_K(...) xor OPc: MAC-A = OUT1[0..63]; AK = OUT2[0..47],
	 * RES = OUT2[64..127]; CK = OUT3; IK = OUT4. */
	for (i = 0; i < n; i++) {
		o = bxor(ld(y[4 * i]), opc);
		memcpy(out[i].mac_a, &o.w[0], 8);
		o = bxor(ld(y[4 * i + 1]), opc);
		memcpy(out[i].ak, &o.w[0], 6);
		memcpy(out[i].res, &o.w[1], 8);
		st(out[i].ck, bxor(ld(y[4 * i + 2]), opc));
		st(out[i].ik, bxor(ld(y[4 * i + 3]), opc));
	}
	return 0;
}

int
milenage_f12345_batch(struct milenage_ctx *m, size_t n,
    const uint8_t (*rand)[16], const uint8_t (*sqn)[6], const uint8_t amf[2],
    struct milenage_f12345 *out)
{
	uint8_t buf[5 * MILENAGE_BATCH][BLK];
	size_t done, k;
	int rc = 0;

	IMS_CHECK_PARAMS(m != NULL && rand != NULL && sqn != NULL &&
	    amf != NULL && out != NULL);
	for (done = 0; done < n && rc == 0; done += k) {
		k = n - done < MILENAGE_BATCH ? n - done : MILENAGE_BATCH;
		rc = f12345_run(m, k, rand + done, sqn + done, amf, out + done,
		    buf);
	}
	secure_wipe(buf, 5 * (n < MILENAGE_BATCH ? n : MILENAGE_BATCH) * BLK);
	if (rc < 0)
		secure_wipe(out, n * sizeof(*out));
	return rc;
}
