/* test_ipsec3gpp.c - TS 33.203 Annex I key expansion for the Gm ESP SAs,
 * from the CK/IK of TS 35.208 test set 1 (tests/vectors/milenage.json).
 *
 * Expected keys, written out by hand from set 1
 *	CK = b40ba9a3c58b2a05 bbf0d987b21bf8cb	(CK_IM1 || CK_IM2)
 *	IK = f769bcd751044604127672711c6d3441
 * and Annex I:
 *	hmac-md5-96	IK
 *	hmac-sha-1-96	IK || 00000000
 *	aes-cbc		CK
 *	des-ede3-cbc	CK_IM1 || CK_IM2 || CK_IM1
 * and, Rel-15+, key || salt with salt = the last 4 octets of
 * HMAC-SHA-256(CK || IK, FC || P0 || L0) (TS 33.220 Annex B):
 *	aes-gcm		CK || salt(0x59, "AES_GCM_SALT")
 *	aes-gmac	IK || salt(0x58, "AES_GMAC_SALT")
 * The two KDF outputs were computed outside this code, with both
 *	printf '\x59AES_GCM_SALT\x00\x0c' | openssl mac -digest SHA256 \
 *	    -macopt hexkey:CK||IK HMAC
 * and Python's hmac module:
 *	0x59: 990208b8...d589273db6	-> salt 89273db6
 *	0x58: de2d8fa4...12dbc2b1c2	-> salt dbc2b1c2
 */
#include <errno.h>
#include <string.h>

#include "ipsec3gpp.h"
#include "t.h"
#include "vectors.h"

#define IK1	"f769bcd751044604127672711c6d3441"
#define CK1_1	"b40ba9a3c58b2a05"
#define CK1_2	"bbf0d987b21bf8cb"

static uint8_t ck[16], ik[16];

static void
load_set1(void)
{
	cJSON *root, *set;

	root = vec_load("milenage.json");
	set = cJSON_GetArrayItem(root, 0);
	T_CHECK(set != NULL && strcmp(vec_str(set, "spec"),
	    "3GPP TS 35.208 (4.3.1 Test Set 1)") == 0, "set 1 first");
	vec_hex(set, "ck", ck, sizeof(ck));
	vec_hex(set, "ik", ik, sizeof(ik));
	cJSON_Delete(root);
	/* The vector file and the hand-written constants must agree. */
	T_EQ_HEX(ck, sizeof(ck), CK1_1 CK1_2);
	T_EQ_HEX(ik, sizeof(ik), IK1);
}

static void
test_expansion(void)
{
	static const struct {
		enum secagree_alg	 alg;
		enum secagree_ealg	 ealg;
		const char		*aname, *ename;
		const char		*akey, *ekey;
	} c[] = {
		{ SECAGREE_ALG_HMAC_MD5_96, SECAGREE_EALG_NULL,
		  "hmac-md5-96", "null", IK1, "" },
		{ SECAGREE_ALG_HMAC_SHA1_96, SECAGREE_EALG_NULL,
		  "hmac-sha-1-96", "null", IK1 "00000000", "" },
		{ SECAGREE_ALG_HMAC_SHA1_96, SECAGREE_EALG_AES_CBC,
		  "hmac-sha-1-96", "aes-cbc", IK1 "00000000", CK1_1 CK1_2 },
		{ SECAGREE_ALG_HMAC_MD5_96, SECAGREE_EALG_AES_CBC,
		  "hmac-md5-96", "aes-cbc", IK1, CK1_1 CK1_2 },
		{ SECAGREE_ALG_HMAC_SHA1_96, SECAGREE_EALG_DES_EDE3_CBC,
		  "hmac-sha-1-96", "des-ede3-cbc", IK1 "00000000",
		  CK1_1 CK1_2 CK1_1 },
		{ SECAGREE_ALG_HMAC_MD5_96, SECAGREE_EALG_DES_EDE3_CBC,
		  "hmac-md5-96", "des-ede3-cbc", IK1, CK1_1 CK1_2 CK1_1 },
	};
	uint8_t a[IPSEC3GPP_AUTH_KEY_MAX], e[IPSEC3GPP_ENC_KEY_MAX];
	size_t i, alen, elen;
	int rc;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		alen = sizeof(a);
		elen = sizeof(e);
		rc = ipsec3gpp_esp_keys(c[i].alg, c[i].ealg, ck, ik, a, &alen,
		    e, &elen);
		T_CHECK(rc == 0, "%s/%s: rc %d", c[i].aname, c[i].ename, rc);
		T_CHECK(alen * 2 == strlen(c[i].akey), "%s: auth len %zu",
		    c[i].aname, alen);
		T_EQ_HEX(a, alen, c[i].akey);
		T_CHECK(elen * 2 == strlen(c[i].ekey), "%s: enc len %zu",
		    c[i].ename, elen);
		T_EQ_HEX(e, elen, c[i].ekey);
		T_CHECK(ipsec3gpp_auth_keylen(c[i].alg) == (int)alen, "%s len",
		    c[i].aname);
		T_CHECK(ipsec3gpp_enc_keylen(c[i].ealg) == (int)elen, "%s len",
		    c[i].ename);
		T_CHECK(strcmp(ipsec3gpp_xfrm_auth(c[i].alg), c[i].aname) == 0,
		    "xfrm name %s", c[i].aname);
		T_CHECK(strcmp(ipsec3gpp_xfrm_enc(c[i].ealg), c[i].ename) == 0,
		    "xfrm name %s", c[i].ename);
	}
}

static void
test_errors(void)
{
	uint8_t a[IPSEC3GPP_AUTH_KEY_MAX], e[IPSEC3GPP_ENC_KEY_MAX];
	size_t alen, elen;

	alen = sizeof(a);
	elen = sizeof(e);
	T_CHECK(ipsec3gpp_esp_keys(SECAGREE_ALG_NONE, SECAGREE_EALG_AES_CBC,
	    ck, ik, a, &alen, e, &elen) == -EINVAL, "alg none");
	T_CHECK(ipsec3gpp_esp_keys(SECAGREE_ALG_OTHER, SECAGREE_EALG_AES_CBC,
	    ck, ik, a, &alen, e, &elen) == -EINVAL, "alg other");
	T_CHECK(ipsec3gpp_esp_keys(SECAGREE_ALG_HMAC_SHA1_96,
	    SECAGREE_EALG_OTHER, ck, ik, a, &alen, e, &elen) == -EINVAL,
	    "ealg other");
	T_CHECK(ipsec3gpp_esp_keys(SECAGREE_ALG_HMAC_SHA1_96,
	    SECAGREE_EALG_AES_CBC, NULL, ik, a, &alen, e, &elen) == -EINVAL,
	    "no ck");
	T_CHECK(ipsec3gpp_esp_keys(SECAGREE_ALG_HMAC_SHA1_96,
	    SECAGREE_EALG_AES_CBC, ck, ik, a, &alen, NULL, &elen) == -EINVAL,
	    "aes-cbc without an enc buffer");
	T_CHECK(alen == sizeof(a) && elen == sizeof(e), "lengths untouched");

	/* Too small: -ENOSPC and nothing written. */
	memset(a, 0xee, sizeof(a));
	alen = 16;
	T_CHECK(ipsec3gpp_esp_keys(SECAGREE_ALG_HMAC_SHA1_96,
	    SECAGREE_EALG_NULL, ck, ik, a, &alen, NULL, &elen) == -ENOSPC,
	    "sha1 key in 16 bytes");
	T_CHECK(alen == 16 && a[0] == 0xee, "nothing written");
	alen = sizeof(a);
	elen = 16;
	T_CHECK(ipsec3gpp_esp_keys(SECAGREE_ALG_HMAC_MD5_96,
	    SECAGREE_EALG_DES_EDE3_CBC, ck, ik, a, &alen, e, &elen) == -ENOSPC,
	    "3des key in 16 bytes");

	/* null encryption needs no buffer. */
	alen = sizeof(a);
	elen = 99;
	T_CHECK(ipsec3gpp_esp_keys(SECAGREE_ALG_HMAC_MD5_96,
	    SECAGREE_EALG_NULL, ck, ik, a, &alen, NULL, &elen) == 0 &&
	    elen == 0 && alen == 16, "null: no enc key");

	T_CHECK(ipsec3gpp_xfrm_auth(SECAGREE_ALG_NONE) == NULL, "none name");
	T_CHECK(ipsec3gpp_xfrm_auth(SECAGREE_ALG_OTHER) == NULL, "other name");
	T_CHECK(ipsec3gpp_xfrm_auth((enum secagree_alg)42) == NULL, "range");
	T_CHECK(ipsec3gpp_xfrm_enc(SECAGREE_EALG_OTHER) == NULL, "other");
	T_CHECK(ipsec3gpp_xfrm_enc((enum secagree_ealg)42) == NULL, "range");
	T_CHECK(ipsec3gpp_auth_keylen(SECAGREE_ALG_NONE) == -EINVAL, "none");
	T_CHECK(ipsec3gpp_enc_keylen(SECAGREE_EALG_OTHER) == -EINVAL, "other");
}

/* Annex I, Rel-15+: AES-GCM (RFC 4106) and AES-GMAC (RFC 4543). */
static void
test_aead(void)
{
	uint8_t k[IPSEC3GPP_AEAD_KEY_LEN + 4], a[IPSEC3GPP_AUTH_KEY_MAX];
	uint8_t e[IPSEC3GPP_ENC_KEY_MAX];
	size_t len, alen, elen;

	len = sizeof(k);
	T_CHECK(ipsec3gpp_aead_key(SECAGREE_ALG_NULL, SECAGREE_EALG_AES_GCM,
	    ck, ik, k, &len) == 0 && len == 20, "gcm: %zu", len);
	T_EQ_HEX(k, len, CK1_1 CK1_2 "89273db6");
	len = sizeof(k);
	T_CHECK(ipsec3gpp_aead_key(SECAGREE_ALG_AES_GMAC, SECAGREE_EALG_NULL,
	    ck, ik, k, &len) == 0 && len == 20, "gmac: %zu", len);
	T_EQ_HEX(k, len, IK1 "dbc2b1c2");
	T_CHECK(ipsec3gpp_is_aead(SECAGREE_ALG_NULL, SECAGREE_EALG_AES_GCM) &&
	    ipsec3gpp_is_aead(SECAGREE_ALG_AES_GMAC, SECAGREE_EALG_NULL) &&
	    !ipsec3gpp_is_aead(SECAGREE_ALG_HMAC_SHA1_96,
	    SECAGREE_EALG_AES_CBC) &&
	    !ipsec3gpp_is_aead(SECAGREE_ALG_HMAC_SHA1_96,
	    SECAGREE_EALG_AES_GCM) &&
	    !ipsec3gpp_is_aead(SECAGREE_ALG_AES_GMAC, SECAGREE_EALG_AES_CBC) &&
	    !ipsec3gpp_is_aead(SECAGREE_ALG_NULL, SECAGREE_EALG_NULL),
	    "is_aead");
	T_CHECK(strcmp(ipsec3gpp_xfrm_aead(SECAGREE_ALG_NULL,
	    SECAGREE_EALG_AES_GCM), "aes-gcm") == 0 &&
	    strcmp(ipsec3gpp_xfrm_aead(SECAGREE_ALG_AES_GMAC,
	    SECAGREE_EALG_NULL), "aes-gmac") == 0 &&
	    ipsec3gpp_xfrm_aead(SECAGREE_ALG_HMAC_SHA1_96,
	    SECAGREE_EALG_NULL) == NULL &&
	    ipsec3gpp_xfrm_aead(SECAGREE_ALG_AES_GMAC,
	    SECAGREE_EALG_AES_GCM) == NULL, "xfrm aead names");

	/* Not AEAD, short buffer, NULL: refused, nothing written. */
	memset(k, 0xee, sizeof(k));
	len = sizeof(k);
	T_CHECK(ipsec3gpp_aead_key(SECAGREE_ALG_HMAC_SHA1_96,
	    SECAGREE_EALG_AES_GCM, ck, ik, k, &len) == -EINVAL,
	    "sha-1 + gcm");
	T_CHECK(ipsec3gpp_aead_key(SECAGREE_ALG_AES_GMAC,
	    SECAGREE_EALG_AES_CBC, ck, ik, k, &len) == -EINVAL,
	    "gmac + cbc");
	T_CHECK(ipsec3gpp_aead_key(SECAGREE_ALG_HMAC_SHA1_96,
	    SECAGREE_EALG_AES_CBC, ck, ik, k, &len) == -EINVAL, "cbc");
	len = IPSEC3GPP_AEAD_KEY_LEN - 1;
	T_CHECK(ipsec3gpp_aead_key(SECAGREE_ALG_NULL, SECAGREE_EALG_AES_GCM,
	    ck, ik, k, &len) == -ENOSPC && len == 19, "short");
	T_CHECK(ipsec3gpp_aead_key(SECAGREE_ALG_NULL, SECAGREE_EALG_AES_GCM,
	    NULL, ik, k, &len) == -EINVAL, "no ck");
	T_CHECK(k[0] == 0xee && k[19] == 0xee, "nothing written");

	/* The AEAD pairs have no separate auth/enc keys. */
	alen = sizeof(a);
	elen = sizeof(e);
	T_CHECK(ipsec3gpp_esp_keys(SECAGREE_ALG_NULL, SECAGREE_EALG_AES_GCM,
	    ck, ik, a, &alen, e, &elen) == -EINVAL, "esp_keys: gcm");
	T_CHECK(ipsec3gpp_esp_keys(SECAGREE_ALG_AES_GMAC, SECAGREE_EALG_NULL,
	    ck, ik, a, &alen, e, &elen) == -EINVAL, "esp_keys: gmac");
	T_CHECK(ipsec3gpp_esp_keys(SECAGREE_ALG_HMAC_SHA1_96,
	    SECAGREE_EALG_AES_GCM, ck, ik, a, &alen, e, &elen) == -EINVAL,
	    "esp_keys: sha-1 + gcm");
	T_CHECK(ipsec3gpp_auth_keylen(SECAGREE_ALG_AES_GMAC) == -EINVAL &&
	    ipsec3gpp_auth_keylen(SECAGREE_ALG_NULL) == -EINVAL &&
	    ipsec3gpp_enc_keylen(SECAGREE_EALG_AES_GCM) == -EINVAL,
	    "no separate key lengths");
	T_CHECK(ipsec3gpp_xfrm_auth(SECAGREE_ALG_AES_GMAC) == NULL &&
	    ipsec3gpp_xfrm_auth(SECAGREE_ALG_NULL) == NULL &&
	    ipsec3gpp_xfrm_enc(SECAGREE_EALG_AES_GCM) == NULL,
	    "no separate xfrm names");
}

int
main(void)
{
	load_set1();
	test_expansion();
	test_errors();
	test_aead();
	return t_done("test_ipsec3gpp");
}
