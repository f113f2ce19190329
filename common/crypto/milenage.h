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

#endif
