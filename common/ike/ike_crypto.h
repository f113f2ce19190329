/* ike_crypto.h - the cryptography of IKEv2 (RFC 7296 2.13-2.18, 3.14,
 * 2.15) for the TS 33.210 profile, over OpenSSL 3: PRF and prf+, the
 * Diffie-Hellman groups 14, 19, 20, the IKE SA keys and their rekeying,
 * CHILD_SA key material, the SK payload (AES-CBC + HMAC-SHA2-256-128, or
 * AES-GCM-16 per RFC 5282) and the AUTH payload (PSK, RFC 7427 signatures).
 *
 * Returns 0 or a negative errno: -EINVAL bad argument or unsupported
 * transform, -EIO an OpenSSL failure, -EBADMSG an integrity or signature
 * check that failed (compared in constant time), -EPROTO a decrypted
 * payload with bad padding, -ENOSPC an output buffer too small.
 * Every key buffer is wiped (OPENSSL_cleanse) when freed or replaced.
 */
#ifndef IMS_IKE_CRYPTO_H
#define IMS_IKE_CRYPTO_H

#include <stddef.h>
#include <stdint.h>
#include <openssl/evp.h>
#include "ike.h"

#define IKE_MAX_KEY	64	/* longest PRF/INTEG key we derive */
#define IKE_MAX_ENCR	36	/* AES-256 key + 4-byte GCM salt */
#define IKE_MAX_DH	512	/* MODP 2048's 256 bytes, ECP 384's 96 */
/* RFC 7296 3.3.2 PRF ID 2, beside the profile's IKE_PRF_HMAC_SHA2_256:
 * RFC 8247 keeps it MUST- and the SP 800-135 (CAVP) vectors use it. */
#define IKE_PRF_HMAC_SHA1	2

/* The transforms of one IKE SA (or CHILD_SA: prf and dh unused/0). */
struct ike_suite {
	uint16_t encr;		/* IKE_ENCR_AES_CBC or IKE_ENCR_AES_GCM_16 */
	uint16_t encr_bits;	/* 128 or 256 */
	uint16_t prf;		/* IKE_PRF_HMAC_SHA2_256 (or _SHA1) */
	uint16_t integ;		/* IKE_INTEG_HMAC_SHA2_256_128; NONE with GCM */
	uint16_t dh;		/* 14, 19, 20; NONE */
};
/* 0 when this module implements every transform of s (dh may be NONE,
 * prf 0 for a CHILD_SA's suite; GCM needs integ NONE, CBC an integ). */
int ike_suite_check(const struct ike_suite *s);
size_t ike_prf_len(uint16_t prf);		/* output = key length */
size_t ike_integ_keylen(uint16_t integ);	/* 32 for SHA2-256-128 */
size_t ike_integ_icvlen(uint16_t integ);	/* 16 */
/* Key bytes of encr: bits/8, + 4 salt bytes for GCM (RFC 5282 7.1). */
size_t ike_encr_keylen(uint16_t encr, uint16_t bits);

/* 2.13 */
int ike_prf(uint16_t prf, const uint8_t *key, size_t klen,
    const uint8_t *data, size_t dlen, uint8_t *out);
int ike_prf_plus(uint16_t prf, const uint8_t *key, size_t klen,
    const uint8_t *seed, size_t slen, uint8_t *out, size_t outlen);

/* 2.10 / 3.4 Diffie-Hellman.  The public value is the KE payload's data:
 * g^x mod p left-padded to the prime's length (MODP), x || y (ECP, RFC
 * 5903 7).  ike_dh_shared checks the peer's value's length and, for ECP,
 * that it is a point on the curve (RFC 6989), -EBADMSG otherwise; the
 * secret is x only for ECP, the padded value for MODP. */
struct ike_dh;
size_t ike_dh_publen(uint16_t group);		/* 0: unsupported */
int ike_dh_new(uint16_t group, struct ike_dh **dh);
/* For tests: a fixed private value (big-endian). */
int ike_dh_new_priv(uint16_t group, const uint8_t *priv, size_t len,
    struct ike_dh **dh);
int ike_dh_public(const struct ike_dh *dh, uint8_t *out, size_t cap,
    size_t *len);
int ike_dh_shared(const struct ike_dh *dh, const uint8_t *peer, size_t plen,
    uint8_t *out, size_t cap, size_t *len);
void ike_dh_free(struct ike_dh *dh);

/* 2.14: the keys of an IKE SA. */
struct ike_sa_keys {
	struct ike_suite s;
	size_t prf_len, integ_len, encr_len;
	uint8_t sk_d[IKE_MAX_KEY];
	uint8_t sk_ai[IKE_MAX_KEY], sk_ar[IKE_MAX_KEY];
	uint8_t sk_ei[IKE_MAX_ENCR], sk_er[IKE_MAX_ENCR];
	uint8_t sk_pi[IKE_MAX_KEY], sk_pr[IKE_MAX_KEY];
};
/* SKEYSEED = prf(Ni | Nr, g^ir); {SK_d ...} = prf+(SKEYSEED,
 * Ni | Nr | SPIi | SPIr).  For PRFs with a fixed key size Ni | Nr is
 * used as is (HMAC takes any length). */
int ike_keys_derive(const struct ike_suite *s, const uint8_t *ni,
    size_t nilen, const uint8_t *nr, size_t nrlen, const uint8_t *gir,
    size_t girlen, uint64_t spi_i, uint64_t spi_r, struct ike_sa_keys *k);
/* 2.18: rekeying the IKE SA: SKEYSEED = prf(SK_d (old), g^ir (new) |
 * Ni | Nr) with the old SA's PRF, then the keys of 2.14 with the new
 * suite s, its PRF and the new SPIs.  k must not be old. */
int ike_keys_rekey(const struct ike_suite *s, const struct ike_sa_keys *old,
    const uint8_t *gir, size_t girlen, const uint8_t *ni, size_t nilen,
    const uint8_t *nr, size_t nrlen, uint64_t spi_i, uint64_t spi_r,
    struct ike_sa_keys *k);
void ike_keys_wipe(struct ike_sa_keys *k);

/* 2.17: CHILD_SA key material, KEYMAT = prf+(SK_d, [g^ir (new) |] Ni | Nr)
 * (gir NULL for none), taken in the order: encryption key and integrity
 * key of the initiator-to-responder SA, then those of the
 * responder-to-initiator SA.  cs->prf and cs->dh are ignored (the IKE
 * SA's prf, from k, is used). */
struct ike_child_keys {
	size_t encr_len, integ_len;
	uint8_t encr_i[IKE_MAX_ENCR], integ_i[IKE_MAX_KEY];	/* i -> r */
	uint8_t encr_r[IKE_MAX_ENCR], integ_r[IKE_MAX_KEY];	/* r -> i */
};
int ike_child_keymat(const struct ike_sa_keys *k,
    const struct ike_suite *cs, const uint8_t *gir, size_t girlen,
    const uint8_t *ni, size_t nilen, const uint8_t *nr, size_t nrlen,
    struct ike_child_keys *ck);
void ike_child_keys_wipe(struct ike_child_keys *ck);

/* 3.14 the SK payload.  msg holds the IKE header and, at sk_off, the SK
 * payload's generic header (its Next Payload = the first inner type);
 * nothing after it.  ike_sk_seal appends IV | ciphertext (plain, padding,
 * Pad Length) | ICV, patches the SK payload's and the header's Length,
 * then computes the ICV over the whole message (CBC+HMAC) or uses the
 * header and the SK generic header as AAD (GCM, RFC 5282 5.1).  The keys
 * are SK_ei/SK_ai when from_initiator, else SK_er/SK_ar.  The IV comes
 * from the DRBG (CBC) or is a counter-free random 8 bytes (GCM).
 * ike_sk_open checks that the header's Length is msglen and the SK
 * payload's reaches the end (-EBADMSG), then the ICV (-EBADMSG) before
 * anything is decrypted (CBC; GCM checks its tag while decrypting into a
 * scratch buffer, and plain is written only after it matched), then
 * strips the padding (-EPROTO) into plain.  GCM uses no padding beyond
 * the Pad Length byte (block size 1). */
int ike_sk_seal(const struct ike_sa_keys *k, int from_initiator,
    uint8_t *msg, size_t cap, size_t sk_off, const uint8_t *plain,
    size_t plen, size_t *msglen);
int ike_sk_open(const struct ike_sa_keys *k, int from_initiator,
    const uint8_t *msg, size_t msglen, size_t sk_off, uint8_t *plain,
    size_t cap, size_t *plen);

/* 2.15: the octets an AUTH covers, for the side that sent realmsg:
 * realmsg | the peer's nonce | prf(SK_px, ID body), SK_pi for the
 * initiator's AUTH, SK_pr for the responder's.  id_body is the ID
 * payload's body (type, 3 reserved bytes, data).  Allocated with
 * OPENSSL_malloc into *out; free with OPENSSL_free. */
int ike_auth_octets(const struct ike_sa_keys *k, int initiator,
    const uint8_t *realmsg, size_t rlen, const uint8_t *peer_nonce,
    size_t nlen, const uint8_t *id_body, size_t idlen, uint8_t **out,
    size_t *olen);
/* AUTH = prf(prf(Shared Secret, "Key Pad for IKEv2"), octets); out holds
 * ike_prf_len(prf) bytes (at most IKE_MAX_KEY), *outlen set to that. */
int ike_auth_psk(uint16_t prf, const uint8_t *psk, size_t psklen,
    const uint8_t *octets, size_t olen, uint8_t *out, size_t *outlen);
/* Compares the peer's AUTH data with the expected one, constant time:
 * 0 or -EBADMSG. */
int ike_auth_psk_verify(uint16_t prf, const uint8_t *psk, size_t psklen,
    const uint8_t *octets, size_t olen, const uint8_t *auth, size_t alen);
/* RFC 7427 (method IKE_AUTH_DIGSIG): ASN.1 AlgorithmIdentifier length |
 * AlgorithmIdentifier | signature, SHA-256 with RSA (PKCS#1 v1.5) or
 * ECDSA (DER signature; SHA-384 for a P-384 key) by the key's type; also
 * IKE_AUTH_RSA_SIG (SHA-1, 3.8) and IKE_AUTH_ECDSA_256/384 (RFC 4754,
 * r | s) for peers that insist.  ike_auth_sign picks DIGSIG and needs
 * cap >= 1 + 15 + EVP_PKEY_get_size(key).  ike_auth_verify takes, for
 * DIGSIG, SHA-256/384/512 with RSA or ECDSA; an AlgorithmIdentifier it
 * does not know or one that does not fit the key is -EBADMSG, an unknown
 * method -EINVAL. */
int ike_auth_sign(EVP_PKEY *key, const uint8_t *octets, size_t olen,
    uint8_t *method, uint8_t *out, size_t cap, size_t *outlen);
int ike_auth_verify(EVP_PKEY *pub, uint8_t method, const uint8_t *auth,
    size_t alen, const uint8_t *octets, size_t olen);

#endif
