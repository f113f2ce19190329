/* kdf.h - the 3GPP key derivation function (TS 33.220 Annex B) and GBA keys. */
#ifndef IMS_KDF_H
#define IMS_KDF_H

#include <stddef.h>
#include <stdint.h>

#define KDF_OUT_LEN	32
#define KDF_MAX_PARAMS	8

struct kdf_param {
	const uint8_t	*p;
	size_t		 len;	/* < 65536 */
};

/* Annex B.2: HMAC-SHA-256(key, FC || P0 || L0 || ... || Pn || Ln). */
int	kdf_derive(const uint8_t *key, size_t keylen, uint8_t fc,
	    const struct kdf_param *params, size_t nparams,
	    uint8_t out[KDF_OUT_LEN]);

/*
 * TS 33.220 Annex H: the Ua security protocol identifier, 5 octets:
 * organisation (0x01 = 3GPP) then the protocol.  (0x01,0x00,0x00,0x00,0x02)
 * is "HTTP digest authentication according to TS 24.109": the Ut of this
 * project (TS 24.623 / TS 33.222 shared-key HTTP Digest, run over
 * server-authenticated TLS).  Annex H also lists (0x01,0x00,0x01,yy,zz)
 * for TS 33.222 5.3/5.4 with the TLS ciphersuite yy,zz in the identifier;
 * the UE (ims-ue) and the NAF (naf/) both use KDF_UA_PROTO_HTTP_DIGEST,
 * as deployed Ut clients do, so the key does not depend on the
 * negotiated ciphersuite.
 */
#define KDF_UA_PROTO_LEN	5
#define KDF_UA_PROTO_HTTP_DIGEST	{ 0x01, 0x00, 0x00, 0x00, 0x02 }
#define KDF_NAF_ID_MAX		(255 + KDF_UA_PROTO_LEN)	/* DNS name max */

/* NAF_Id = NAF FQDN || Ua security protocol identifier (TS 33.220 4.5.2,
 * Annex H) into out[size]; *len gets its length.  The FQDN is taken as
 * given (1..255 characters, no NUL).  0, -EINVAL or -ENOSPC. */
int	kdf_naf_id(const char *fqdn, const uint8_t proto[KDF_UA_PROTO_LEN],
	    uint8_t *out, size_t size, size_t *len);

/* Annex B.3: Ks_NAF (GBA_ME) = KDF(Ks, "gba-me", RAND, IMPI, NAF_Id), with
 * Ks = CK || IK and FC = 0x01.  naf_id = NAF FQDN || Ua security protocol
 * identifier (TS 33.220 Annex H). */
int	kdf_ks_naf(const uint8_t ck[16], const uint8_t ik[16],
	    const uint8_t rand[16], const char *impi, const uint8_t *naf_id,
	    size_t naf_id_len, uint8_t ks_naf[KDF_OUT_LEN]);
/* Same for GBA_U's Ks_ext_NAF: the static string is "gba-me" too for
 * Ks_ext_NAF (TS 33.220 4.5.2); Ks_int_NAF uses "gba-u".  `label` picks it. */
int	kdf_ks_naf_label(const char *label, const uint8_t ck[16],
	    const uint8_t ik[16], const uint8_t rand[16], const char *impi,
	    const uint8_t *naf_id, size_t naf_id_len, uint8_t ks_naf[KDF_OUT_LEN]);

/* B-TID = base64(RAND) "@" BSF server name (TS 33.220 4.5.2, TS 24.109).
 * Returns 0, or -ENOSPC if out (outlen bytes) is too small. */
int	kdf_btid(const uint8_t rand[16], const char *bsf_name, char *out,
	    size_t outlen);

#endif
