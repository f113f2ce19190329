/* ipsec3gpp.c - ESP keys of the Gm SAs from CK/IK: TS 33.203 Annex I. */
#include <errno.h>
#include <string.h>

#include "check.h"
#include "ipsec3gpp.h"

int
ipsec3gpp_auth_keylen(enum secagree_alg alg)
{
	switch (alg) {
	case SECAGREE_ALG_HMAC_MD5_96:
		return 16;		/* I.1: IK_IM, RFC 2403 key */
	case SECAGREE_ALG_HMAC_SHA1_96:
		return 20;		/* I.1: IK_IM || 32 zero bits, RFC 2404 */
	default:
		return -EINVAL;
	}
}

int
ipsec3gpp_enc_keylen(enum secagree_ealg ealg)
{
	switch (ealg) {
	case SECAGREE_EALG_NULL:
		return 0;		/* RFC 2410: no key */
	case SECAGREE_EALG_AES_CBC:
		return 16;		/* I.2: CK_IM, AES-128 (RFC 3602) */
	case SECAGREE_EALG_DES_EDE3_CBC:
		return 24;		/* I.2: CK_IM1 || CK_IM2 || CK_IM1 */
	default:
		return -EINVAL;
	}
}

int
ipsec3gpp_esp_keys(enum secagree_alg alg, enum secagree_ealg ealg,
    const uint8_t ck[IPSEC3GPP_CK_LEN], const uint8_t ik[IPSEC3GPP_IK_LEN],
    uint8_t *auth_key, size_t *auth_len, uint8_t *enc_key, size_t *enc_len)
{
	int alen, elen;

	IMS_CHECK_PARAMS(ck != NULL && ik != NULL);
	IMS_CHECK_PARAMS(auth_key != NULL && auth_len != NULL && enc_len != NULL);
	if ((alen = ipsec3gpp_auth_keylen(alg)) < 0 ||
	    (elen = ipsec3gpp_enc_keylen(ealg)) < 0)
		return -EINVAL;
	IMS_CHECK_PARAMS(elen == 0 || enc_key != NULL);
	if (*auth_len < (size_t)alen || (elen > 0 && *enc_len < (size_t)elen))
		return -ENOSPC;

	/* Annex I.1: the first 128 bits are IK_IM; HMAC-SHA-1-96 pads with
	 * 32 zero bits to its 160-bit key. */
	memcpy(auth_key, ik, IPSEC3GPP_IK_LEN);
	if (alen > IPSEC3GPP_IK_LEN)
		memset(auth_key + IPSEC3GPP_IK_LEN, 0,
		    (size_t)alen - IPSEC3GPP_IK_LEN);
	*auth_len = (size_t)alen;

	/* Annex I.2: AES-CBC takes CK_IM; DES-EDE3-CBC the three 64-bit DES
	 * keys K1 = CK_IM1, K2 = CK_IM2, K3 = CK_IM1 (keying option 2). */
	if (elen > 0)
		memcpy(enc_key, ck, IPSEC3GPP_CK_LEN);
	if (elen > IPSEC3GPP_CK_LEN)
		memcpy(enc_key + IPSEC3GPP_CK_LEN, ck, 8);
	*enc_len = (size_t)elen;
	return 0;
}

const char *
ipsec3gpp_xfrm_auth(enum secagree_alg alg)
{
	switch (alg) {
	case SECAGREE_ALG_HMAC_MD5_96:
		return "hmac-md5-96";
	case SECAGREE_ALG_HMAC_SHA1_96:
		return "hmac-sha-1-96";
	default:
		return NULL;
	}
}

const char *
ipsec3gpp_xfrm_enc(enum secagree_ealg ealg)
{
	switch (ealg) {
	case SECAGREE_EALG_NULL:
		return "null";
	case SECAGREE_EALG_AES_CBC:
		return "aes-cbc";
	case SECAGREE_EALG_DES_EDE3_CBC:
		return "des-ede3-cbc";
	default:
		return NULL;
	}
}
