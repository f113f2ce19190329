/* ipsec3gpp.h - the ESP keys and algorithm names of the Gm security
 * associations (TS 33.203 clause 7.1 and Annex I), from the CK and IK that
 * IMS AKA produced (TS 33.102 6.3, TS 33.203 6.1).
 *
 * TS 33.203 Annex I, "Key expansion functions for IPsec ESP": the 128-bit
 * IMS AKA keys IK_IM and CK_IM are stretched to what the negotiated
 * algorithm takes:
 *	integrity (I.1)
 *	  hmac-md5-96	IK_ESP = IK_IM				128 bits
 *	  hmac-sha-1-96	IK_ESP = IK_IM || 0x00000000		160 bits
 *	encryption (I.2)
 *	  aes-cbc	CK_ESP = CK_IM				128 bits
 *	  des-ede3-cbc	CK_ESP = CK_IM1 || CK_IM2 || CK_IM1	192 bits
 *			with CK_IM = CK_IM1 || CK_IM2 (64 bits each)
 *	  null		no key
 * The same keys serve all four SAs (spi_uc, spi_us, spi_pc, spi_ps) of one
 * registration.  Algorithms are the secagree.h enums as negotiated by
 * sec-agree (TS 33.203 Annex H); the name helpers give the matching
 * algorithm names of common/xfrm.
 */
#ifndef IMS_IPSEC3GPP_H
#define IMS_IPSEC3GPP_H

#include <stddef.h>
#include <stdint.h>

#include "secagree.h"

#define IPSEC3GPP_CK_LEN	16
#define IPSEC3GPP_IK_LEN	16
#define IPSEC3GPP_AUTH_KEY_MAX	20	/* hmac-sha-1-96 */
#define IPSEC3GPP_ENC_KEY_MAX	24	/* des-ede3-cbc */

/* Derive IK_ESP into auth_key and CK_ESP into enc_key.  On input *auth_len
 * and *enc_len are the sizes of the buffers (IPSEC3GPP_*_KEY_MAX always
 * suffice), on return the key lengths; with ealg null *enc_len is 0 and
 * enc_key may be NULL.  Returns 0; -EINVAL for a NULL argument or an
 * algorithm TS 33.203 does not define (SECAGREE_ALG_NONE or _OTHER,
 * SECAGREE_EALG_OTHER); -ENOSPC when a buffer is too small.  Nothing is
 * written on error. */
int	ipsec3gpp_esp_keys(enum secagree_alg alg, enum secagree_ealg ealg,
	    const uint8_t ck[IPSEC3GPP_CK_LEN], const uint8_t ik[IPSEC3GPP_IK_LEN],
	    uint8_t *auth_key, size_t *auth_len, uint8_t *enc_key,
	    size_t *enc_len);

/* Key lengths in bytes, or -EINVAL for an algorithm without a rule. */
int	ipsec3gpp_auth_keylen(enum secagree_alg alg);
int	ipsec3gpp_enc_keylen(enum secagree_ealg ealg);

/* common/xfrm algorithm names ("hmac-sha-1-96", "aes-cbc", "null", ...);
 * NULL for NONE, OTHER or an out-of-range value. */
const char *ipsec3gpp_xfrm_auth(enum secagree_alg alg);
const char *ipsec3gpp_xfrm_enc(enum secagree_ealg ealg);

#endif
