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
 *	AEAD (Rel-15+, I.1 and I.2): one transform, its key followed by the
 *	4-octet salt of RFC 4106 section 4 / RFC 4543 section 3.2, as xfrm
 *	takes it:
 *	  aes-gcm (alg null)	CK_ESP = CK_IM || salt		160 bits
 *	  aes-gmac (ealg null)	IK_ESP = IK_IM || salt		160 bits
 *	salt = the 32 least significant bits (the last 4 octets) of the
 *	256-bit KDF of TS 33.220 Annex B with Key = CK_IM || IK_IM and
 *	S = FC || P0 || L0:
 *	  aes-gcm	FC = 0x59, P0 = "AES_GCM_SALT"  (L0 = 0x00 0x0c)
 *	  aes-gmac	FC = 0x58, P0 = "AES_GMAC_SALT" (L0 = 0x00 0x0d)
 *	(taken from two independent restatements of the Rel-15+ Annex I
 *	text; the 3GPP document itself was not at hand: see
 *	docs/architecture.md, "Gm algorithms").
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
#define IPSEC3GPP_SALT_LEN	4	/* RFC 4106 4, RFC 4543 3.2 */
/* key || salt */
#define IPSEC3GPP_AEAD_KEY_LEN	(IPSEC3GPP_CK_LEN + IPSEC3GPP_SALT_LEN)

/* Derive IK_ESP into auth_key and CK_ESP into enc_key, for a pair of an
 * HMAC and null or a CBC cipher.  On input *auth_len
 * and *enc_len are the sizes of the buffers (IPSEC3GPP_*_KEY_MAX always
 * suffice), on return the key lengths; with ealg null *enc_len is 0 and
 * enc_key may be NULL.  Returns 0; -EINVAL for a NULL argument or an
 * algorithm TS 33.203 does not define (SECAGREE_ALG_NONE or _OTHER,
 * SECAGREE_EALG_OTHER) or keys as one AEAD transform (aes-gcm, aes-gmac,
 * alg null: ipsec3gpp_aead_key); -ENOSPC when a buffer is too small.
 * Nothing is written on error. */
int	ipsec3gpp_esp_keys(enum secagree_alg alg, enum secagree_ealg ealg,
	    const uint8_t ck[IPSEC3GPP_CK_LEN], const uint8_t ik[IPSEC3GPP_IK_LEN],
	    uint8_t *auth_key, size_t *auth_len, uint8_t *enc_key,
	    size_t *enc_len);

/* Key lengths in bytes of the separate integrity and encryption
 * transforms, or -EINVAL for an algorithm without such a rule (aes-gmac,
 * alg null and aes-gcm included: they key one AEAD transform). */
int	ipsec3gpp_auth_keylen(enum secagree_alg alg);
int	ipsec3gpp_enc_keylen(enum secagree_ealg ealg);

/* 1 when the pair is one AEAD transform (alg null + aes-gcm, aes-gmac +
 * ealg null), else 0. */
int	ipsec3gpp_is_aead(enum secagree_alg alg, enum secagree_ealg ealg);

/* The AEAD key of such a pair: CK_IM (aes-gcm) or IK_IM (aes-gmac)
 * followed by its salt (see above).  *len is the size of key on input
 * (IPSEC3GPP_AEAD_KEY_LEN suffices), the key length on return.  0;
 * -EINVAL for a NULL argument or a pair that is not AEAD; -ENOSPC for a
 * short buffer; -EIO/-ENOMEM from the KDF.  Nothing is written on error;
 * the intermediate values are wiped. */
int	ipsec3gpp_aead_key(enum secagree_alg alg, enum secagree_ealg ealg,
	    const uint8_t ck[IPSEC3GPP_CK_LEN], const uint8_t ik[IPSEC3GPP_IK_LEN],
	    uint8_t *key, size_t *len);

/* common/xfrm algorithm names ("hmac-sha-1-96", "aes-cbc", "null", ...);
 * NULL for NONE, OTHER, an out-of-range value and the AEAD ones. */
const char *ipsec3gpp_xfrm_auth(enum secagree_alg alg);
const char *ipsec3gpp_xfrm_enc(enum secagree_ealg ealg);
/* The xfrm AEAD name of a pair: "aes-gcm" (rfc4106(gcm(aes))), "aes-gmac"
 * (rfc4543(gcm(aes))), both with a 128-bit ICV; NULL if not AEAD. */
const char *ipsec3gpp_xfrm_aead(enum secagree_alg alg,
	    enum secagree_ealg ealg);

#endif
