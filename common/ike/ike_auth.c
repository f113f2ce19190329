/* ike_auth.c - the AUTH payload (RFC 7296 2.15, 3.8): the octets it
 * covers, the shared-key MAC, and signatures: RFC 7427 Digital Signature
 * (its ASN.1 AlgorithmIdentifier before the signature value), and for
 * verification also RSA with SHA-1 (method 1) and ECDSA per RFC 4754
 * (methods 9 and 10, r | s).
 */
#include <errno.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include "check.h"
#include "ike_crypto.h"
#include "ike_crypto_priv.h"

/* 2.15: the pad of the shared secret, 17 octets, no NUL. */
static const uint8_t key_pad[] = "Key Pad for IKEv2";
#define KEY_PAD_LEN	(sizeof(key_pad) - 1)

/* RFC 7427 Appendix A: the DER AlgorithmIdentifiers (A.1 RSA PKCS#1 v1.5
 * with a NULL parameter, A.3 ECDSA without one). */
struct digsig_alg {
	const uint8_t *der;
	size_t len;
	const char *md;
	const char *keytype;
};
static const uint8_t alg_rsa256[] = { 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86,
	0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b, 0x05, 0x00 };
static const uint8_t alg_rsa384[] = { 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86,
	0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0c, 0x05, 0x00 };
static const uint8_t alg_rsa512[] = { 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86,
	0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0d, 0x05, 0x00 };
static const uint8_t alg_ec256[] = { 0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86,
	0x48, 0xce, 0x3d, 0x04, 0x03, 0x02 };
static const uint8_t alg_ec384[] = { 0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86,
	0x48, 0xce, 0x3d, 0x04, 0x03, 0x03 };
static const uint8_t alg_ec512[] = { 0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86,
	0x48, 0xce, 0x3d, 0x04, 0x03, 0x04 };
#define ALG(a, md, kt)	{ a, sizeof(a), md, kt }
static const struct digsig_alg digsig_algs[] = {
	ALG(alg_rsa256, "SHA256", "RSA"), ALG(alg_rsa384, "SHA384", "RSA"),
	ALG(alg_rsa512, "SHA512", "RSA"), ALG(alg_ec256, "SHA256", "EC"),
	ALG(alg_ec384, "SHA384", "EC"), ALG(alg_ec512, "SHA512", "EC"),
};

int
ike_auth_octets(const struct ike_sa_keys *k, int initiator,
    const uint8_t *realmsg, size_t rlen, const uint8_t *peer_nonce,
    size_t nlen, const uint8_t *id_body, size_t idlen, uint8_t **out,
    size_t *olen)
{
	uint8_t *buf;
	size_t total;
	int rc;

	IMS_CHECK_PARAMS(k != NULL && realmsg != NULL && peer_nonce != NULL &&
	    id_body != NULL && out != NULL && olen != NULL);
	IMS_CHECK_PARAMS(k->prf_len != 0 &&
	    k->prf_len == ike_prf_len(k->s.prf) && rlen <= IKE_MSG_MAX &&
	    nlen <= IKE_MSG_MAX && idlen <= IKE_MSG_MAX);
	*out = NULL;
	total = rlen + nlen + k->prf_len;
	IMS_CHECK_MALLOC(buf = OPENSSL_malloc(total));
	memcpy(buf, realmsg, rlen);
	memcpy(buf + rlen, peer_nonce, nlen);
	/* MACedIDForI = prf(SK_pi, IDType | RESERVED | InitIDData), SK_pr
	 * for the responder's. */
	rc = ike_prf(k->s.prf, initiator ? k->sk_pi : k->sk_pr, k->prf_len,
	    id_body, idlen, buf + rlen + nlen);
	if (rc < 0) {
		OPENSSL_free(buf);
		return rc;
	}
	*out = buf;
	*olen = total;
	return 0;
}

int
ike_auth_psk(uint16_t prf, const uint8_t *psk, size_t psklen,
    const uint8_t *octets, size_t olen, uint8_t *out, size_t *outlen)
{
	uint8_t key[IKE_MAX_KEY];
	size_t hlen = ike_prf_len(prf);
	int rc;

	IMS_CHECK_PARAMS(hlen != 0 && psk != NULL && psklen > 0 &&
	    octets != NULL && out != NULL && outlen != NULL);
	/* AUTH = prf(prf(Shared Secret, "Key Pad for IKEv2"), octets) */
	rc = ike_prf(prf, psk, psklen, key_pad, KEY_PAD_LEN, key);
	if (rc == 0)
		rc = ike_prf(prf, key, hlen, octets, olen, out);
	OPENSSL_cleanse(key, sizeof(key));
	if (rc == 0)
		*outlen = hlen;
	return rc;
}

int
ike_auth_psk_verify(uint16_t prf, const uint8_t *psk, size_t psklen,
    const uint8_t *octets, size_t olen, const uint8_t *auth, size_t alen)
{
	uint8_t want[IKE_MAX_KEY];
	size_t wlen = 0;
	int rc;

	IMS_CHECK_PARAMS(auth != NULL || alen == 0);
	IMS_CHECK_RC(ike_auth_psk(prf, psk, psklen, octets, olen, want,
	    &wlen));
	rc = alen == wlen && CRYPTO_memcmp(want, auth, wlen) == 0 ? 0 :
	    -EBADMSG;
	OPENSSL_cleanse(want, sizeof(want));
	return rc;
}

/* The RFC 7427 algorithm for key: SHA-256 with RSA, or ECDSA with the
 * hash of the curve's strength (SHA-384 for P-384). */
static const struct digsig_alg *
digsig_for_key(EVP_PKEY *key)
{
	if (EVP_PKEY_is_a(key, "RSA"))
		return &digsig_algs[0];
	if (EVP_PKEY_is_a(key, "EC"))
		return EVP_PKEY_get_bits(key) > 256 ? &digsig_algs[4] :
		    &digsig_algs[3];
	return NULL;
}

int
ike_auth_sign(EVP_PKEY *key, const uint8_t *octets, size_t olen,
    uint8_t *method, uint8_t *out, size_t cap, size_t *outlen)
{
	const struct digsig_alg *a;
	EVP_MD_CTX *md;
	size_t slen = 0, hdr;
	int ok;

	IMS_CHECK_PARAMS(key != NULL && octets != NULL && method != NULL &&
	    out != NULL && outlen != NULL);
	if ((a = digsig_for_key(key)) == NULL) {
		log_err("%s: no RFC 7427 algorithm for this key type",
		    __func__);
		return -EINVAL;
	}
	hdr = 1 + a->len;
	if (cap < hdr + (size_t)EVP_PKEY_get_size(key))
		return -ENOSPC;
	IMS_CHECK_MALLOC(md = EVP_MD_CTX_new());
	slen = cap - hdr;
	ok = EVP_DigestSignInit_ex(md, NULL, a->md, NULL, NULL, key,
	    NULL) == 1 &&
	    EVP_DigestSign(md, out + hdr, &slen, octets, olen) == 1;
	EVP_MD_CTX_free(md);
	if (!ok) {
		log_err("%s: signing failed", __func__);
		return -EIO;
	}
	/* RFC 7427 3: length of the AlgorithmIdentifier | it | signature */
	out[0] = (uint8_t)a->len;
	memcpy(out + 1, a->der, a->len);
	*method = IKE_AUTH_DIGSIG;
	*outlen = hdr + slen;
	return 0;
}

/* RFC 4754 7: r | s, each the curve's length, into the DER
 * ECDSA-Sig-Value OpenSSL verifies; *der is OPENSSL_malloc'd. */
static int
ecdsa_rs_to_der(const uint8_t *sig, size_t len, uint8_t **der, size_t *dlen)
{
	ECDSA_SIG *es;
	BIGNUM *r, *s;
	int n;

	*der = NULL;
	IMS_CHECK_MALLOC(es = ECDSA_SIG_new());
	r = BN_bin2bn(sig, (int)(len / 2), NULL);
	s = BN_bin2bn(sig + len / 2, (int)(len / 2), NULL);
	if (r == NULL || s == NULL || ECDSA_SIG_set0(es, r, s) != 1) {
		BN_free(r);
		BN_free(s);
		ECDSA_SIG_free(es);
		return -EIO;
	}
	n = i2d_ECDSA_SIG(es, der);
	ECDSA_SIG_free(es);
	if (n <= 0)
		return -EIO;
	*dlen = (size_t)n;
	return 0;
}

static int
verify_md(EVP_PKEY *pub, const char *mdname, const uint8_t *sig,
    size_t slen, const uint8_t *octets, size_t olen)
{
	EVP_MD_CTX *md;
	int rc;

	IMS_CHECK_MALLOC(md = EVP_MD_CTX_new());
	if (EVP_DigestVerifyInit_ex(md, NULL, mdname, NULL, NULL, pub,
	    NULL) != 1) {
		EVP_MD_CTX_free(md);
		log_err("%s: verification setup (%s) failed", __func__,
		    mdname);
		return -EIO;
	}
	rc = EVP_DigestVerify(md, sig, slen, octets, olen) == 1 ? 0 :
	    -EBADMSG;
	EVP_MD_CTX_free(md);
	ERR_clear_error();	/* a bad signature is not a library fault */
	return rc;
}

int
ike_auth_verify(EVP_PKEY *pub, uint8_t method, const uint8_t *auth,
    size_t alen, const uint8_t *octets, size_t olen)
{
	const struct digsig_alg *a = NULL;
	uint8_t *der = NULL;
	size_t i, dlen, clen;
	int rc;

	IMS_CHECK_PARAMS(pub != NULL && auth != NULL && octets != NULL);
	switch (method) {
	case IKE_AUTH_DIGSIG:
		/* RFC 7427 3: the AlgorithmIdentifier must be one we know
		 * and fit the peer's key. */
		if (alen < 2 || (size_t)auth[0] + 2 > alen)
			return -EBADMSG;
		for (i = 0; i < sizeof(digsig_algs) / sizeof(digsig_algs[0]);
		    i++)
			if (digsig_algs[i].len == auth[0] &&
			    memcmp(digsig_algs[i].der, auth + 1,
			    auth[0]) == 0)
				a = &digsig_algs[i];
		if (a == NULL || !EVP_PKEY_is_a(pub, a->keytype))
			return -EBADMSG;
		return verify_md(pub, a->md, auth + 1 + auth[0],
		    alen - 1 - auth[0], octets, olen);
	case IKE_AUTH_RSA_SIG:
		/* 3.8: RSASSA-PKCS1-v1_5 with SHA-1. */
		if (!EVP_PKEY_is_a(pub, "RSA"))
			return -EBADMSG;
		return verify_md(pub, "SHA1", auth, alen, octets, olen);
	case IKE_AUTH_ECDSA_256:
	case IKE_AUTH_ECDSA_384:
		/* RFC 4754: the hash and the curve fixed by the method. */
		clen = method == IKE_AUTH_ECDSA_256 ? 32 : 48;
		if (!EVP_PKEY_is_a(pub, "EC") ||
		    (size_t)EVP_PKEY_get_bits(pub) != 8 * clen ||
		    alen != 2 * clen)
			return -EBADMSG;
		IMS_CHECK_RC(ecdsa_rs_to_der(auth, alen, &der, &dlen));
		rc = verify_md(pub, clen == 32 ? "SHA256" : "SHA384", der,
		    dlen, octets, olen);
		OPENSSL_free(der);
		return rc;
	default:
		return -EINVAL;
	}
}
