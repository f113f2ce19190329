/* test_ike_auth.c - the AUTH payload (RFC 7296 2.15, RFC 7427): the
 * signed octets and the PSK AUTH recomputed here from HMAC, a wrong byte
 * refused; RFC 7427 signatures with generated RSA-2048, P-256 and P-384
 * keys (the AlgorithmIdentifier bytes of RFC 7427 Appendix A), tampering
 * refused; methods 1, 9 and 10 verified against signatures made here.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "ike_crypto.h"
#include "t.h"

static void
hmac256(const uint8_t *k, size_t kl, const uint8_t *d, size_t dl,
    uint8_t *out)
{
	size_t n = 0;

	if (EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, k, kl, d, dl, out,
	    32, &n) == NULL || n != 32) {
		fprintf(stderr, "EVP_Q_mac failed\n");
		exit(2);
	}
}

static void
keys(struct ike_sa_keys *k)
{
	const struct ike_suite s = { IKE_ENCR_AES_GCM_16, 256,
	    IKE_PRF_HMAC_SHA2_256, IKE_INTEG_NONE, IKE_DH_ECP256 };
	uint8_t n[32], gir[32];

	memset(n, 0x42, sizeof(n));
	memset(gir, 0x24, sizeof(gir));
	if (ike_keys_derive(&s, n, sizeof(n), n, sizeof(n), gir, sizeof(gir),
	    1, 2, k) != 0) {
		fprintf(stderr, "ike_keys_derive failed\n");
		exit(2);
	}
}

/* 2.15: InitiatorSignedOctets = RealMessage1 | NonceRData | MACedIDForI,
 * MACedIDForI = prf(SK_pi, IDType | RESERVED | InitIDData); SK_pr for the
 * responder.  AUTH = prf(prf(Shared Secret, "Key Pad for IKEv2"), octets). */
static void
test_octets_psk(void)
{
	const uint8_t real[] = "the IKE_SA_INIT request, as sent";
	const uint8_t nonce[] = "the responder's nonce, 32 bytes.";
	const uint8_t id[] = { IKE_ID_FQDN, 0, 0, 0, 's', 'e', 'g', '1' };
	const uint8_t psk[] = "a shared secret of some length";
	static const uint8_t pad[17] = "Key Pad for IKEv2";
	uint8_t want[128], kp[32], auth[64], a2[64];
	struct ike_sa_keys k;
	uint8_t *oct = NULL;
	size_t olen = 0, alen = 0, rl = sizeof(real), nl = sizeof(nonce);
	int who;

	keys(&k);
	for (who = 1; who >= 0; who--) {
		memcpy(want, real, rl);
		memcpy(want + rl, nonce, nl);
		hmac256(who ? k.sk_pi : k.sk_pr, 32, id, sizeof(id),
		    want + rl + nl);
		T_CHECK(ike_auth_octets(&k, who, real, rl, nonce, nl, id,
		    sizeof(id), &oct, &olen) == 0 && olen == rl + nl + 32 &&
		    memcmp(oct, want, olen) == 0, "octets (initiator %d)", who);
		if (oct == NULL)
			return;
		hmac256(psk, sizeof(psk), pad, sizeof(pad), kp);
		hmac256(kp, 32, oct, olen, want);
		T_CHECK(ike_auth_psk(IKE_PRF_HMAC_SHA2_256, psk, sizeof(psk),
		    oct, olen, auth, &alen) == 0 && alen == 32 &&
		    memcmp(auth, want, 32) == 0, "PSK AUTH (initiator %d)",
		    who);
		T_CHECK(ike_auth_psk_verify(IKE_PRF_HMAC_SHA2_256, psk,
		    sizeof(psk), oct, olen, auth, alen) == 0, "verify");
		memcpy(a2, auth, alen);
		a2[31] ^= 0x80;
		T_CHECK(ike_auth_psk_verify(IKE_PRF_HMAC_SHA2_256, psk,
		    sizeof(psk), oct, olen, a2, alen) == -EBADMSG,
		    "a wrong AUTH byte");
		T_CHECK(ike_auth_psk_verify(IKE_PRF_HMAC_SHA2_256, psk,
		    sizeof(psk), oct, olen, auth, alen - 1) == -EBADMSG,
		    "a short AUTH");
		oct[0] ^= 1;
		T_CHECK(ike_auth_psk_verify(IKE_PRF_HMAC_SHA2_256, psk,
		    sizeof(psk), oct, olen, auth, alen) == -EBADMSG,
		    "other octets");
		T_CHECK(ike_auth_psk_verify(IKE_PRF_HMAC_SHA2_256, psk,
		    sizeof(psk) - 1, oct, olen, auth, alen) == -EBADMSG,
		    "another PSK");
		OPENSSL_free(oct);
		oct = NULL;
	}
	ike_keys_wipe(&k);
}

/* RFC 7427 Appendix A.1.3 sha256WithRSAEncryption, A.3.1
 * ecdsa-with-sha256, A.3.2 ecdsa-with-sha384 (DER). */
static const char *const alg_rsa256 = "300d06092a864886f70d01010b0500";
static const char *const alg_ec256 = "300a06082a8648ce3d040302";
static const char *const alg_ec384 = "300a06082a8648ce3d040303";

static void
digsig(EVP_PKEY *key, const char *alg, EVP_PKEY *other)
{
	uint8_t oct[200], sig[600], bad[600];
	size_t slen = 0, al = strlen(alg) / 2;
	uint8_t method = 0;

	memset(oct, 0x61, sizeof(oct));
	T_CHECK(ike_auth_sign(key, oct, sizeof(oct), &method, sig, 16,
	    &slen) == -ENOSPC, "%s: small buffer", alg);
	T_CHECK(ike_auth_sign(key, oct, sizeof(oct), &method, sig,
	    sizeof(sig), &slen) == 0 && method == IKE_AUTH_DIGSIG, "%s: sign",
	    alg);
	T_CHECK(slen > 1 + al && sig[0] == al, "%s: length byte", alg);
	T_EQ_HEX(sig + 1, al, alg);
	T_CHECK(ike_auth_verify(key, IKE_AUTH_DIGSIG, sig, slen, oct,
	    sizeof(oct)) == 0, "%s: verify", alg);
	oct[100] ^= 1;
	T_CHECK(ike_auth_verify(key, IKE_AUTH_DIGSIG, sig, slen, oct,
	    sizeof(oct)) == -EBADMSG, "%s: tampered octets", alg);
	oct[100] ^= 1;
	memcpy(bad, sig, slen);
	bad[slen - 1] ^= 1;
	T_CHECK(ike_auth_verify(key, IKE_AUTH_DIGSIG, bad, slen, oct,
	    sizeof(oct)) == -EBADMSG, "%s: tampered signature", alg);
	memcpy(bad, sig, slen);
	bad[al] ^= 0x07;	/* the AlgorithmIdentifier's last byte */
	T_CHECK(ike_auth_verify(key, IKE_AUTH_DIGSIG, bad, slen, oct,
	    sizeof(oct)) == -EBADMSG, "%s: other AlgorithmIdentifier", alg);
	bad[0] = 0xff;
	T_CHECK(ike_auth_verify(key, IKE_AUTH_DIGSIG, bad, slen, oct,
	    sizeof(oct)) == -EBADMSG, "%s: length byte past the end", alg);
	T_CHECK(ike_auth_verify(key, IKE_AUTH_DIGSIG, sig, 1 + al, oct,
	    sizeof(oct)) == -EBADMSG, "%s: no signature", alg);
	T_CHECK(ike_auth_verify(other, IKE_AUTH_DIGSIG, sig, slen, oct,
	    sizeof(oct)) == -EBADMSG, "%s: another key", alg);
	T_CHECK(ike_auth_verify(key, IKE_AUTH_PSK, sig, slen, oct,
	    sizeof(oct)) == -EINVAL, "%s: not a signature method", alg);
}

/* A signature made here with EVP: DER, or r | s (RFC 4754 7) when
 * rslen is not 0. */
static size_t
sign_here(EVP_PKEY *key, const char *md, const uint8_t *d, size_t dl,
    uint8_t *sig, size_t cap, size_t rslen)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	uint8_t der[600];
	const uint8_t *p = der;
	size_t n = sizeof(der);
	ECDSA_SIG *es;
	int ok;

	ok = c != NULL && EVP_DigestSignInit_ex(c, NULL, md, NULL, NULL, key,
	    NULL) == 1 && EVP_DigestSign(c, der, &n, d, dl) == 1;
	EVP_MD_CTX_free(c);
	if (!ok || n > cap) {
		fprintf(stderr, "sign_here failed\n");
		exit(2);
	}
	if (rslen == 0) {
		memcpy(sig, der, n);
		return n;
	}
	es = d2i_ECDSA_SIG(NULL, &p, (long)n);
	ok = es != NULL && BN_bn2binpad(ECDSA_SIG_get0_r(es), sig,
	    (int)rslen) == (int)rslen && BN_bn2binpad(ECDSA_SIG_get0_s(es),
	    sig + rslen, (int)rslen) == (int)rslen;
	ECDSA_SIG_free(es);
	if (!ok) {
		fprintf(stderr, "r | s failed\n");
		exit(2);
	}
	return 2 * rslen;
}

static void
test_signatures(void)
{
	EVP_PKEY *rsa = EVP_RSA_gen(2048), *p256 = EVP_EC_gen("P-256"),
	    *p384 = EVP_EC_gen("P-384");
	uint8_t oct[64], sig[600];
	size_t n;

	T_CHECK(rsa != NULL && p256 != NULL && p384 != NULL, "keygen");
	if (rsa == NULL || p256 == NULL || p384 == NULL)
		return;
	digsig(rsa, alg_rsa256, p256);
	digsig(p256, alg_ec256, rsa);
	digsig(p384, alg_ec384, p256);
	memset(oct, 0x33, sizeof(oct));
	/* 3.8 method 1: PKCS#1 v1.5 with SHA-1 */
	n = sign_here(rsa, "SHA1", oct, sizeof(oct), sig, sizeof(sig), 0);
	T_CHECK(ike_auth_verify(rsa, IKE_AUTH_RSA_SIG, sig, n, oct,
	    sizeof(oct)) == 0, "method 1");
	T_CHECK(ike_auth_verify(p256, IKE_AUTH_RSA_SIG, sig, n, oct,
	    sizeof(oct)) == -EBADMSG, "method 1, EC key");
	sig[3] ^= 1;
	T_CHECK(ike_auth_verify(rsa, IKE_AUTH_RSA_SIG, sig, n, oct,
	    sizeof(oct)) == -EBADMSG, "method 1 tampered");
	/* RFC 4754: methods 9 (P-256, SHA-256) and 10 (P-384, SHA-384) */
	n = sign_here(p256, "SHA256", oct, sizeof(oct), sig, sizeof(sig), 32);
	T_CHECK(ike_auth_verify(p256, IKE_AUTH_ECDSA_256, sig, n, oct,
	    sizeof(oct)) == 0, "method 9");
	T_CHECK(ike_auth_verify(p384, IKE_AUTH_ECDSA_256, sig, n, oct,
	    sizeof(oct)) == -EBADMSG, "method 9, P-384 key");
	T_CHECK(ike_auth_verify(p256, IKE_AUTH_ECDSA_256, sig, n - 1, oct,
	    sizeof(oct)) == -EBADMSG, "method 9, 63 bytes");
	sig[40] ^= 1;
	T_CHECK(ike_auth_verify(p256, IKE_AUTH_ECDSA_256, sig, n, oct,
	    sizeof(oct)) == -EBADMSG, "method 9 tampered");
	n = sign_here(p384, "SHA384", oct, sizeof(oct), sig, sizeof(sig), 48);
	T_CHECK(ike_auth_verify(p384, IKE_AUTH_ECDSA_384, sig, n, oct,
	    sizeof(oct)) == 0, "method 10");
	oct[0] ^= 1;
	T_CHECK(ike_auth_verify(p384, IKE_AUTH_ECDSA_384, sig, n, oct,
	    sizeof(oct)) == -EBADMSG, "method 10, other octets");
	EVP_PKEY_free(rsa);
	EVP_PKEY_free(p256);
	EVP_PKEY_free(p384);
}

int
main(void)
{
	test_octets_psk();
	test_signatures();
	return t_done("test_ike_auth");
}
