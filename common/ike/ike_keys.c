/* ike_keys.c - the keys of an IKE SA (RFC 7296 2.14), of its successor
 * (2.18) and of its CHILD_SAs (2.17), all drawn from prf+.
 */
#include <errno.h>
#include <string.h>

#include <openssl/crypto.h>

#include "check.h"
#include "ike_crypto.h"
#include "ike_crypto_priv.h"

#define IKE_NONCE_MAX	256	/* 3.9: 16 to 256 octets */

static void
put_be64(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

/* {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr}
 * = prf+(SKEYSEED, Ni | Nr | SPIi | SPIr), in that order (2.14). */
static int
keys_expand(const struct ike_suite *s, const uint8_t *skeyseed,
    const uint8_t *ni, size_t nilen, const uint8_t *nr, size_t nrlen,
    uint64_t spi_i, uint64_t spi_r, struct ike_sa_keys *k)
{
	uint8_t spis[16], km[7 * IKE_MAX_KEY], *p = km;
	struct ike_bytes seed[3] = {
		{ ni, nilen }, { nr, nrlen }, { spis, sizeof(spis) },
	};
	size_t total;
	int rc;

	memset(k, 0, sizeof(*k));
	k->s = *s;
	k->prf_len = ike_prf_len(s->prf);
	k->integ_len = ike_integ_keylen(s->integ);
	k->encr_len = ike_encr_keylen(s->encr, s->encr_bits);
	total = 3 * k->prf_len + 2 * k->integ_len + 2 * k->encr_len;
	put_be64(spis, spi_i);
	put_be64(spis + 8, spi_r);
	rc = ike_prf_plus_v(s->prf, skeyseed, k->prf_len, seed, 3, km, total);
	if (rc == 0) {
		memcpy(k->sk_d, p, k->prf_len), p += k->prf_len;
		memcpy(k->sk_ai, p, k->integ_len), p += k->integ_len;
		memcpy(k->sk_ar, p, k->integ_len), p += k->integ_len;
		memcpy(k->sk_ei, p, k->encr_len), p += k->encr_len;
		memcpy(k->sk_er, p, k->encr_len), p += k->encr_len;
		memcpy(k->sk_pi, p, k->prf_len), p += k->prf_len;
		memcpy(k->sk_pr, p, k->prf_len);
	} else {
		ike_keys_wipe(k);
	}
	OPENSSL_cleanse(km, sizeof(km));
	return rc;
}

static int
suite_ok(const struct ike_suite *s)
{
	IMS_CHECK_RC(ike_suite_check(s));
	return ike_prf_len(s->prf) != 0 ? 0 : -EINVAL;
}

int
ike_keys_derive(const struct ike_suite *s, const uint8_t *ni, size_t nilen,
    const uint8_t *nr, size_t nrlen, const uint8_t *gir, size_t girlen,
    uint64_t spi_i, uint64_t spi_r, struct ike_sa_keys *k)
{
	uint8_t nonces[2 * IKE_NONCE_MAX], skeyseed[IKE_MAX_KEY];
	int rc;

	IMS_CHECK_PARAMS(s != NULL && ni != NULL && nr != NULL &&
	    gir != NULL && k != NULL);
	IMS_CHECK_PARAMS(nilen > 0 && nilen <= IKE_NONCE_MAX && nrlen > 0 &&
	    nrlen <= IKE_NONCE_MAX && girlen > 0);
	IMS_CHECK_RC(suite_ok(s));
	/* SKEYSEED = prf(Ni | Nr, g^ir); HMAC takes a key of any length. */
	memcpy(nonces, ni, nilen);
	memcpy(nonces + nilen, nr, nrlen);
	rc = ike_prf(s->prf, nonces, nilen + nrlen, gir, girlen, skeyseed);
	if (rc == 0)
		rc = keys_expand(s, skeyseed, ni, nilen, nr, nrlen, spi_i,
		    spi_r, k);
	OPENSSL_cleanse(skeyseed, sizeof(skeyseed));
	return rc;
}

int
ike_keys_rekey(const struct ike_suite *s, const struct ike_sa_keys *old,
    const uint8_t *gir, size_t girlen, const uint8_t *ni, size_t nilen,
    const uint8_t *nr, size_t nrlen, uint64_t spi_i, uint64_t spi_r,
    struct ike_sa_keys *k)
{
	uint8_t skeyseed[IKE_MAX_KEY];
	struct ike_bytes v[3] = {
		{ gir, girlen }, { ni, nilen }, { nr, nrlen },
	};
	int rc;

	IMS_CHECK_PARAMS(s != NULL && old != NULL && gir != NULL &&
	    ni != NULL && nr != NULL && k != NULL && k != old);
	IMS_CHECK_PARAMS(nilen > 0 && nilen <= IKE_NONCE_MAX && nrlen > 0 &&
	    nrlen <= IKE_NONCE_MAX && girlen > 0);
	IMS_CHECK_RC(suite_ok(s));
	IMS_CHECK_PARAMS(old->prf_len == ike_prf_len(old->s.prf) &&
	    old->prf_len != 0);
	/* SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr) with the old SA's
	 * PRF; the seven keys with the new one (2.18). */
	rc = ike_prf_v(old->s.prf, old->sk_d, old->prf_len, v, 3, skeyseed);
	if (rc == 0)
		rc = keys_expand(s, skeyseed, ni, nilen, nr, nrlen, spi_i,
		    spi_r, k);
	OPENSSL_cleanse(skeyseed, sizeof(skeyseed));
	return rc;
}

void
ike_keys_wipe(struct ike_sa_keys *k)
{
	if (k != NULL)
		OPENSSL_cleanse(k, sizeof(*k));
}

/* 2.17: KEYMAT = prf+(SK_d, [g^ir (new) |] Ni | Nr); the i -> r SA's
 * encryption and integrity keys come first, then the r -> i SA's. */
int
ike_child_keymat(const struct ike_sa_keys *k, const struct ike_suite *cs,
    const uint8_t *gir, size_t girlen, const uint8_t *ni, size_t nilen,
    const uint8_t *nr, size_t nrlen, struct ike_child_keys *ck)
{
	uint8_t km[2 * (IKE_MAX_ENCR + IKE_MAX_KEY)], *p = km;
	struct ike_bytes seed[3];
	size_t n = 0, total;
	int rc;

	IMS_CHECK_PARAMS(k != NULL && cs != NULL && ni != NULL &&
	    nr != NULL && ck != NULL && (gir != NULL || girlen == 0));
	IMS_CHECK_PARAMS(nilen > 0 && nrlen > 0 && k->prf_len != 0 &&
	    k->prf_len == ike_prf_len(k->s.prf));
	/* Only the encryption and integrity transforms matter here. */
	{
		struct ike_suite t = *cs;

		t.prf = 0;
		t.dh = IKE_DH_NONE;
		IMS_CHECK_RC(ike_suite_check(&t));
	}
	memset(ck, 0, sizeof(*ck));
	ck->encr_len = ike_encr_keylen(cs->encr, cs->encr_bits);
	ck->integ_len = ike_integ_keylen(cs->integ);
	total = 2 * (ck->encr_len + ck->integ_len);
	if (gir != NULL && girlen > 0)
		seed[n++] = (struct ike_bytes){ gir, girlen };
	seed[n++] = (struct ike_bytes){ ni, nilen };
	seed[n++] = (struct ike_bytes){ nr, nrlen };
	rc = ike_prf_plus_v(k->s.prf, k->sk_d, k->prf_len, seed, n, km,
	    total);
	if (rc == 0) {
		memcpy(ck->encr_i, p, ck->encr_len), p += ck->encr_len;
		memcpy(ck->integ_i, p, ck->integ_len), p += ck->integ_len;
		memcpy(ck->encr_r, p, ck->encr_len), p += ck->encr_len;
		memcpy(ck->integ_r, p, ck->integ_len);
	} else {
		ike_child_keys_wipe(ck);
	}
	OPENSSL_cleanse(km, sizeof(km));
	return rc;
}

void
ike_child_keys_wipe(struct ike_child_keys *ck)
{
	if (ck != NULL)
		OPENSSL_cleanse(ck, sizeof(*ck));
}
