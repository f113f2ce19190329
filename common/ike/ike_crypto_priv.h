/* ike_crypto_priv.h - what the files of the IKEv2 crypto share and the
 * rest of the tree does not see: the PRF over a list of byte strings (so
 * that "K | S | 0x01" needs no copy) and the HMAC used for the ICV.
 */
#ifndef IMS_IKE_CRYPTO_PRIV_H
#define IMS_IKE_CRYPTO_PRIV_H

#include <stddef.h>
#include <stdint.h>

struct ike_bytes {
	const uint8_t *p;
	size_t len;
};

/* HMAC-<md>(key, v[0] | ... | v[n-1]) into out (the digest's length,
 * *olen when olen is not NULL).  md: "SHA256", "SHA384", ... */
int ike_hmac_v(const char *md, const uint8_t *key, size_t klen,
    const struct ike_bytes *v, size_t n, uint8_t *out, size_t *olen);
/* prf(key, v[0] | ... | v[n-1]), ike_prf_len(prf) bytes. */
int ike_prf_v(uint16_t prf, const uint8_t *key, size_t klen,
    const struct ike_bytes *v, size_t n, uint8_t *out);
/* The seed's bytes of prf+ given as a list (2.13). */
int ike_prf_plus_v(uint16_t prf, const uint8_t *key, size_t klen,
    const struct ike_bytes *seed, size_t n, uint8_t *out, size_t outlen);

#endif
