/* ike_prf.c - the PRF and prf+ of IKEv2 (RFC 7296 2.13), the lengths of
 * the transforms of the TS 33.210 profile, and the suite check.
 * PRF_HMAC_SHA2_256 is HMAC-SHA-256 with a 32-byte output (RFC 4868 2.1);
 * PRF_HMAC_SHA1 (RFC 2104, 20 bytes) is there for the peers of RFC 8247's
 * "MUST-" and for the SP 800-135 (CAVP) IKEv2 KDF vectors.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "check.h"
#include "ike_crypto.h"
#include "ike_crypto_priv.h"

#define PRF_PLUS_MAX_BLOCKS	255	/* the counter is one octet */

static EVP_MAC *hmac;
static pthread_once_t hmac_once = PTHREAD_ONCE_INIT;

static void
hmac_fetch(void)
{
	hmac = EVP_MAC_fetch(NULL, OSSL_MAC_NAME_HMAC, NULL);
}

/* The digest of an HMAC PRF, NULL for an unknown one. */
static const char *
prf_md(uint16_t prf, size_t *len)
{
	switch (prf) {
	case IKE_PRF_HMAC_SHA2_256:
		*len = 32;
		return "SHA256";
	case IKE_PRF_HMAC_SHA1:
		*len = 20;
		return "SHA1";
	default:
		*len = 0;
		return NULL;
	}
}

size_t
ike_prf_len(uint16_t prf)
{
	size_t len;

	prf_md(prf, &len);
	return len;
}

size_t
ike_integ_keylen(uint16_t integ)
{
	return integ == IKE_INTEG_HMAC_SHA2_256_128 ? 32 : 0;
}

size_t
ike_integ_icvlen(uint16_t integ)
{
	return integ == IKE_INTEG_HMAC_SHA2_256_128 ? 16 : 0;
}

size_t
ike_encr_keylen(uint16_t encr, uint16_t bits)
{
	if (bits != 128 && bits != 256)
		return 0;
	if (encr == IKE_ENCR_AES_CBC)
		return bits / 8;
	if (encr == IKE_ENCR_AES_GCM_16)
		return bits / 8 + 4;	/* RFC 5282 7.1: the salt */
	return 0;
}

int
ike_suite_check(const struct ike_suite *s)
{
	IMS_CHECK_PARAMS(s != NULL);
	if (ike_encr_keylen(s->encr, s->encr_bits) == 0)
		return -EINVAL;
	/* RFC 5282 8: a combined-mode cipher goes with integrity NONE. */
	if (s->encr == IKE_ENCR_AES_GCM_16 ? s->integ != IKE_INTEG_NONE :
	    ike_integ_keylen(s->integ) == 0)
		return -EINVAL;
	if (s->prf != 0 && ike_prf_len(s->prf) == 0)
		return -EINVAL;
	if (s->dh != IKE_DH_NONE && ike_dh_publen(s->dh) == 0)
		return -EINVAL;
	return 0;
}

int
ike_hmac_v(const char *md, const uint8_t *key, size_t klen,
    const struct ike_bytes *v, size_t n, uint8_t *out, size_t *olen)
{
	OSSL_PARAM params[2];
	EVP_MAC_CTX *ctx;
	size_t len = 0, i;
	int rc = -EIO;

	IMS_CHECK_PARAMS(md != NULL && (key != NULL || klen == 0) &&
	    (v != NULL || n == 0) && out != NULL);
	if (pthread_once(&hmac_once, hmac_fetch) != 0 || hmac == NULL) {
		log_err("%s: no HMAC in the OpenSSL providers", __func__);
		return -EIO;
	}
	if ((ctx = EVP_MAC_CTX_new(hmac)) == NULL)
		return -ENOMEM;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	    (char *)md, 0);
	params[1] = OSSL_PARAM_construct_end();
	/* A zero-length key is legal for HMAC; OpenSSL wants a pointer. */
	if (EVP_MAC_init(ctx, klen > 0 ? key : (const uint8_t *)"", klen,
	    params) != 1)
		goto out;
	for (i = 0; i < n; i++)
		if (v[i].len > 0 && EVP_MAC_update(ctx, v[i].p, v[i].len) != 1)
			goto out;
	if (EVP_MAC_final(ctx, out, &len, EVP_MAX_MD_SIZE) != 1)
		goto out;
	if (olen != NULL)
		*olen = len;
	rc = 0;
out:
	if (rc < 0)
		log_err("%s: HMAC-%s failed", __func__, md);
	EVP_MAC_CTX_free(ctx);
	return rc;
}

int
ike_prf_v(uint16_t prf, const uint8_t *key, size_t klen,
    const struct ike_bytes *v, size_t n, uint8_t *out)
{
	const char *md;
	size_t len;

	IMS_CHECK_PARAMS((md = prf_md(prf, &len)) != NULL);
	return ike_hmac_v(md, key, klen, v, n, out, NULL);
}

int
ike_prf(uint16_t prf, const uint8_t *key, size_t klen, const uint8_t *data,
    size_t dlen, uint8_t *out)
{
	struct ike_bytes v = { data, dlen };

	IMS_CHECK_PARAMS(data != NULL || dlen == 0);
	return ike_prf_v(prf, key, klen, &v, 1, out);
}

/* 2.13: T1 = prf(K, S | 0x01), Tn = prf(K, Tn-1 | S | n), at most 255
 * blocks; the output is T1 | T2 | ... cut to outlen. */
int
ike_prf_plus_v(uint16_t prf, const uint8_t *key, size_t klen,
    const struct ike_bytes *seed, size_t n, uint8_t *out, size_t outlen)
{
	struct ike_bytes v[8];
	uint8_t t[EVP_MAX_MD_SIZE], ctr;
	size_t hlen = ike_prf_len(prf), done = 0, i, take;
	int rc = 0;

	IMS_CHECK_PARAMS(hlen != 0 && (seed != NULL || n == 0) &&
	    n <= sizeof(v) / sizeof(v[0]) - 2 && out != NULL);
	IMS_CHECK_PARAMS(outlen <= PRF_PLUS_MAX_BLOCKS * hlen);
	for (ctr = 1; done < outlen; ctr++) {
		size_t k = 0;

		if (ctr > 1)
			v[k++] = (struct ike_bytes){ t, hlen };
		for (i = 0; i < n; i++)
			v[k++] = seed[i];
		v[k++] = (struct ike_bytes){ &ctr, 1 };
		if ((rc = ike_prf_v(prf, key, klen, v, k, t)) < 0)
			break;
		take = outlen - done < hlen ? outlen - done : hlen;
		memcpy(out + done, t, take);
		done += take;
	}
	OPENSSL_cleanse(t, sizeof(t));
	if (rc < 0)
		OPENSSL_cleanse(out, outlen);
	return rc;
}

int
ike_prf_plus(uint16_t prf, const uint8_t *key, size_t klen,
    const uint8_t *seed, size_t slen, uint8_t *out, size_t outlen)
{
	struct ike_bytes v = { seed, slen };

	IMS_CHECK_PARAMS(seed != NULL || slen == 0);
	return ike_prf_plus_v(prf, key, klen, &v, 1, out, outlen);
}
