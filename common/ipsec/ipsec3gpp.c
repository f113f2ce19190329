/* ipsec3gpp.c - ESP keys of the Gm SAs from CK/IK: TS 33.203 Annex I. */
#include <errno.h>
#include <string.h>

#include "check.h"
#include "ipsec3gpp.h"
#include "kdf.h"
#include "util.h"

/* Annex I (Rel-15+): the FC values and P0 strings of the salt KDFs. */
#define SALT_FC_GMAC	0x58
#define SALT_FC_GCM	0x59
#define SALT_P0_GMAC	"AES_GMAC_SALT"
#define SALT_P0_GCM	"AES_GCM_SALT"

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

int
ipsec3gpp_is_aead(enum secagree_alg alg, enum secagree_ealg ealg)
{
	return (alg == SECAGREE_ALG_NULL && ealg == SECAGREE_EALG_AES_GCM) ||
	    (alg == SECAGREE_ALG_AES_GMAC && ealg == SECAGREE_EALG_NULL);
}

/* Annex I: salt = the 32 least significant bits of KDF(CK_IM || IK_IM,
 * FC || P0 || L0), the KDF of TS 33.220 Annex B (HMAC-SHA-256: its
 * least significant bits are the last octets). */
static int
ipsec3gpp_salt(uint8_t fc, const char *p0, const uint8_t *ck,
    const uint8_t *ik, uint8_t salt[IPSEC3GPP_SALT_LEN])
{
	uint8_t key[IPSEC3GPP_CK_LEN + IPSEC3GPP_IK_LEN], out[KDF_OUT_LEN];
	struct kdf_param p = { (const uint8_t *)p0, strlen(p0) };
	int rc;

	memcpy(key, ck, IPSEC3GPP_CK_LEN);
	memcpy(key + IPSEC3GPP_CK_LEN, ik, IPSEC3GPP_IK_LEN);
	rc = kdf_derive(key, sizeof(key), fc, &p, 1, out);
	if (rc == 0)
		memcpy(salt, out + KDF_OUT_LEN - IPSEC3GPP_SALT_LEN,
		    IPSEC3GPP_SALT_LEN);
	secure_wipe(key, sizeof(key));
	secure_wipe(out, sizeof(out));
	return rc;
}

/* Annex I.2 (aes-gcm: CK_ESP = CK_IM, RFC 4106 salt) and I.1 (aes-gmac:
 * IK_ESP = IK_IM, RFC 4543 salt), as key || salt. */
int
ipsec3gpp_aead_key(enum secagree_alg alg, enum secagree_ealg ealg,
    const uint8_t ck[IPSEC3GPP_CK_LEN], const uint8_t ik[IPSEC3GPP_IK_LEN],
    uint8_t *key, size_t *len)
{
	uint8_t salt[IPSEC3GPP_SALT_LEN];
	int gcm, rc;

	IMS_CHECK_PARAMS(ck != NULL && ik != NULL && key != NULL &&
	    len != NULL);
	if (!ipsec3gpp_is_aead(alg, ealg))
		return -EINVAL;
	if (*len < IPSEC3GPP_AEAD_KEY_LEN)
		return -ENOSPC;
	gcm = ealg == SECAGREE_EALG_AES_GCM;
	rc = gcm ? ipsec3gpp_salt(SALT_FC_GCM, SALT_P0_GCM, ck, ik, salt) :
	    ipsec3gpp_salt(SALT_FC_GMAC, SALT_P0_GMAC, ck, ik, salt);
	if (rc == 0) {
		memcpy(key, gcm ? ck : ik, IPSEC3GPP_CK_LEN);	/* = IK_LEN */
		memcpy(key + 16, salt, IPSEC3GPP_SALT_LEN);
		*len = IPSEC3GPP_AEAD_KEY_LEN;
	}
	secure_wipe(salt, sizeof(salt));
	return rc;
}

const char *
ipsec3gpp_xfrm_aead(enum secagree_alg alg, enum secagree_ealg ealg)
{
	if (!ipsec3gpp_is_aead(alg, ealg))
		return NULL;
	return ealg == SECAGREE_EALG_AES_GCM ? "aes-gcm" : "aes-gmac";
}
