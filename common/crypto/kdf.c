/* kdf.c - the 3GPP key derivation function (TS 33.220 Annex B) and the
 * GBA keys derived with it. */
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "check.h"
#include "kdf.h"
#include "util.h"

#define GBA_FC		0x01	/* TS 33.220 Annex B.3 */
#define GBA_RAND_LEN	16
#define GBA_KEY_HALF	16	/* CK and IK; Ks = CK || IK */

/* Feed FC || P0 || L0 || ... || Pn || Ln (Annex B.2.1) into the MAC. */
static int
kdf_feed(EVP_MAC_CTX *mac, uint8_t fc, const struct kdf_param *params,
    size_t nparams)
{
	uint8_t l[2];
	size_t i;

	IMS_CHECK_SSL(EVP_MAC_update(mac, &fc, 1));
	for (i = 0; i < nparams; i++) {
		if (params[i].len > 0)
			IMS_CHECK_SSL(EVP_MAC_update(mac, params[i].p,
			    params[i].len));
		l[0] = (uint8_t)(params[i].len >> 8);
		l[1] = (uint8_t)params[i].len;
		IMS_CHECK_SSL(EVP_MAC_update(mac, l, sizeof(l)));
	}
	return 0;
}

static int
kdf_hmac(EVP_MAC_CTX *mac, const uint8_t *key, size_t keylen, uint8_t fc,
    const struct kdf_param *params, size_t nparams, uint8_t out[KDF_OUT_LEN])
{
	OSSL_PARAM mp[2];
	size_t outl = 0;

	mp[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	    (char *)"SHA256", 0);
	mp[1] = OSSL_PARAM_construct_end();
	IMS_CHECK_SSL(EVP_MAC_init(mac, key, keylen, mp));
	IMS_CHECK_RC(kdf_feed(mac, fc, params, nparams));
	IMS_CHECK_SSL(EVP_MAC_final(mac, out, &outl, KDF_OUT_LEN));
	if (outl != KDF_OUT_LEN) {
		log_err("%s: HMAC-SHA-256 gave %zu bytes", __func__, outl);
		return -EIO;
	}
	return 0;
}

/* Annex B.2: derived key = HMAC-SHA-256(Key, S). */
int
kdf_derive(const uint8_t *key, size_t keylen, uint8_t fc,
    const struct kdf_param *params, size_t nparams,
    uint8_t out[KDF_OUT_LEN])
{
	EVP_MAC *hmac;
	EVP_MAC_CTX *mac;
	size_t i;
	int rc;

	IMS_CHECK_PARAMS(key != NULL && keylen > 0 && out != NULL);
	IMS_CHECK_PARAMS(nparams <= KDF_MAX_PARAMS &&
	    (params != NULL || nparams == 0));
	for (i = 0; i < nparams; i++)
		IMS_CHECK_PARAMS(params[i].len < 65536 &&
		    (params[i].p != NULL || params[i].len == 0));
	if ((hmac = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL) {
		log_err("%s: EVP_MAC_fetch(HMAC) failed", __func__);
		return -EIO;
	}
	if ((mac = EVP_MAC_CTX_new(hmac)) == NULL) {
		EVP_MAC_free(hmac);
		return -ENOMEM;
	}
	rc = kdf_hmac(mac, key, keylen, fc, params, nparams, out);
	EVP_MAC_CTX_free(mac);
	EVP_MAC_free(hmac);
	if (rc < 0)
		secure_wipe(out, KDF_OUT_LEN);
	return rc;
}

/*
 * Annex B.3: Ks_NAF = KDF(Ks, label, RAND, IMPI, NAF_Id), FC = 0x01, with
 * label "gba-me" for Ks_NAF / Ks_ext_NAF and "gba-u" for Ks_int_NAF
 * (TS 33.220 4.5.2, 5.3.2).
 */
int
kdf_ks_naf_label(const char *label, const uint8_t ck[16],
    const uint8_t ik[16], const uint8_t rand[16], const char *impi,
    const uint8_t *naf_id, size_t naf_id_len, uint8_t ks_naf[KDF_OUT_LEN])
{
	uint8_t ks[2 * GBA_KEY_HALF];
	struct kdf_param p[4];
	int rc;

	IMS_CHECK_PARAMS(label != NULL && ck != NULL && ik != NULL &&
	    rand != NULL && impi != NULL && naf_id != NULL && ks_naf != NULL);
	p[0].p = (const uint8_t *)label;
	p[0].len = strlen(label);
	p[1].p = rand;
	p[1].len = GBA_RAND_LEN;
	p[2].p = (const uint8_t *)impi;
	p[2].len = strlen(impi);
	p[3].p = naf_id;
	p[3].len = naf_id_len;
	memcpy(ks, ck, GBA_KEY_HALF);
	memcpy(ks + GBA_KEY_HALF, ik, GBA_KEY_HALF);
	rc = kdf_derive(ks, sizeof(ks), GBA_FC, p, 4, ks_naf);
	secure_wipe(ks, sizeof(ks));
	return rc;
}

int
kdf_ks_naf(const uint8_t ck[16], const uint8_t ik[16],
    const uint8_t rand[16], const char *impi, const uint8_t *naf_id,
    size_t naf_id_len, uint8_t ks_naf[KDF_OUT_LEN])
{
	return kdf_ks_naf_label("gba-me", ck, ik, rand, impi, naf_id,
	    naf_id_len, ks_naf);
}

/* TS 33.220 4.5.2: NAF_Id = FQDN of the NAF || Ua security protocol
 * identifier (Annex H). */
int
kdf_naf_id(const char *fqdn, const uint8_t proto[KDF_UA_PROTO_LEN],
    uint8_t *out, size_t size, size_t *len)
{
	size_t n;

	IMS_CHECK_PARAMS(fqdn != NULL && proto != NULL && out != NULL &&
	    len != NULL);
	n = strlen(fqdn);
	IMS_CHECK_PARAMS(n > 0 && n <= 255);
	if (size < n + KDF_UA_PROTO_LEN)
		return -ENOSPC;
	memcpy(out, fqdn, n);
	memcpy(out + n, proto, KDF_UA_PROTO_LEN);
	*len = n + KDF_UA_PROTO_LEN;
	return 0;
}

/* B-TID = base64(RAND) "@" BSF server name (TS 33.220 4.5.2). */
int
kdf_btid(const uint8_t rand[16], const char *bsf_name, char *out,
    size_t outlen)
{
	size_t b64len, namelen;

	IMS_CHECK_PARAMS(rand != NULL && bsf_name != NULL && out != NULL);
	b64len = base64_encoded_len(GBA_RAND_LEN);
	namelen = strlen(bsf_name);
	if (outlen < b64len + 1 + namelen + 1)
		return -ENOSPC;
	base64_encode(rand, GBA_RAND_LEN, out);
	out[b64len] = '@';
	memcpy(out + b64len + 1, bsf_name, namelen + 1);
	return 0;
}
