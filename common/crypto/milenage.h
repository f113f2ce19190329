/* milenage.h - the MILENAGE algorithm set (3GPP TS 35.206).
 *
 * A context holds the AES-128 key schedule for K and OPc, so that many
 * vectors for one subscriber reuse it.  All buffers have the sizes of
 * TS 35.206 clause 3: K, OP, OPc, RAND 16; SQN, AK 6; AMF 2; MAC 8; RES 8;
 * CK, IK 16.
 */
#ifndef IMS_MILENAGE_H
#define IMS_MILENAGE_H

#include <stdint.h>

#define MILENAGE_KEY_LEN	16
#define MILENAGE_RAND_LEN	16
#define MILENAGE_SQN_LEN	6
#define MILENAGE_AMF_LEN	2
#define MILENAGE_MAC_LEN	8
#define MILENAGE_RES_LEN	8
#define MILENAGE_AK_LEN		6

struct milenage_ctx;

/* Computes OPc = AES_K(OP) xor OP (TS 35.206 4.1).  0 or -EIO. */
int	milenage_opc(const uint8_t k[16], const uint8_t op[16], uint8_t opc[16]);

/* New context for key K and OPc (key schedule made once).  NULL on error.
 * milenage_free() wipes the key material. */
struct milenage_ctx *milenage_new(const uint8_t k[16], const uint8_t opc[16]);
void	milenage_free(struct milenage_ctx *);

/* f1 (MAC-A) and f1* (MAC-S); either output may be NULL.  0 or -EIO. */
int	milenage_f1(struct milenage_ctx *, const uint8_t rand[16],
	    const uint8_t sqn[6], const uint8_t amf[2], uint8_t mac_a[8],
	    uint8_t mac_s[8]);
/* f2 (RES), f3 (CK), f4 (IK), f5 (AK); any output may be NULL.  0 or -EIO. */
int	milenage_f2345(struct milenage_ctx *, const uint8_t rand[16],
	    uint8_t res[8], uint8_t ck[16], uint8_t ik[16], uint8_t ak[6]);
/* f5* (AK for resynchronisation).  0 or -EIO. */
int	milenage_f5star(struct milenage_ctx *, const uint8_t rand[16],
	    uint8_t ak_s[6]);

/* The outputs of f1 and f2..f5 for one RAND: what a vector needs. */
struct milenage_f12345 {
	uint8_t		 mac_a[MILENAGE_MAC_LEN];
	uint8_t		 res[MILENAGE_RES_LEN];
	uint8_t		 ck[16];
	uint8_t		 ik[16];
	uint8_t		 ak[MILENAGE_AK_LEN];
};

/* Blocks a batch call computes at most at once (larger n is split). */
#define MILENAGE_BATCH		64
/* E_K calls one vector needs: TEMP, OUT1, OUT2, OUT3, OUT4 (OUT5, f5*,
 * serves resynchronisation only). */
#define MILENAGE_BLOCKS_PER_VECTOR	5

/* f1 (MAC-A) and f2, f3, f4, f5 (RES, CK, IK, AK) for n RANDs (rand[i],
 * sqn[i]; one AMF), batched: the n TEMPs in one AES call, then the 4n
 * OUT1..OUT4 (which depend only on TEMP, SQN and AMF) in another.  out[i]
 * gets vector i; the caller wipes it.  0 or -EIO/-EINVAL. */
int	milenage_f12345_batch(struct milenage_ctx *, size_t n,
	    const uint8_t (*rand)[16], const uint8_t (*sqn)[6],
	    const uint8_t amf[2], struct milenage_f12345 *out);

#endif
