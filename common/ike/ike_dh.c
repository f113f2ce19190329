/* ike_dh.c - the Diffie-Hellman groups of the profile (RFC 7296 2.10,
 * 3.4): MODP 2048 (group 14, RFC 3526 3) and the NIST curves P-256 and
 * P-384 (groups 19, 20, RFC 5903), over EVP_PKEY.
 *
 * KE data: g^x mod p left-padded to 256 bytes; x | y of the point, each
 * the field's length (RFC 5903 7).  A peer's value is checked before use
 * (RFC 6989): its length; 1 < y < p-1 for MODP (2.1: group 14 is a safe
 * prime, so no y^q = 1 test, which would cost a full exponentiation); for
 * ECP the coordinates below p and the point on the curve (2.3).
 */
#include <errno.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/dh.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include "check.h"
#include "ike_crypto.h"

/* The private exponent of MODP 2048: RFC 3526 8 puts the group at 110 to
 * 160 bits of strength and asks for an exponent of twice that; OpenSSL
 * would otherwise draw one as long as q (2047 bits), 6 times the work. */
#define MODP_PRIV_BITS	320

struct ike_dh {
	uint16_t group;
	EVP_PKEY *pkey;
};

struct dh_group {
	uint16_t id;
	const char *type;	/* EVP_PKEY type */
	const char *name;	/* OpenSSL's group name */
	int nid;		/* the curve, ECP only */
	size_t len;		/* modulus / field bytes */
};

static const struct dh_group groups[] = {
	{ IKE_DH_MODP2048, "DH", "modp_2048", NID_undef, 256 },
	{ IKE_DH_ECP256, "EC", "P-256", NID_X9_62_prime256v1, 32 },
	{ IKE_DH_ECP384, "EC", "P-384", NID_secp384r1, 48 },
};

static const struct dh_group *
group_find(uint16_t id)
{
	size_t i;

	for (i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		if (groups[i].id == id)
			return &groups[i];
	return NULL;
}

static int
is_ec(const struct dh_group *g)
{
	return g->nid != NID_undef;
}

size_t
ike_dh_publen(uint16_t group)
{
	const struct dh_group *g = group_find(group);

	return g == NULL ? 0 : is_ec(g) ? 2 * g->len : g->len;
}

static int
dh_wrap(uint16_t group, EVP_PKEY *pkey, struct ike_dh **dh)
{
	if ((*dh = OPENSSL_zalloc(sizeof(**dh))) == NULL) {
		EVP_PKEY_free(pkey);
		return -ENOMEM;
	}
	(*dh)->group = group;
	(*dh)->pkey = pkey;
	return 0;
}

int
ike_dh_new(uint16_t group, struct ike_dh **dh)
{
	const struct dh_group *g = group_find(group);
	OSSL_PARAM params[3];
	EVP_PKEY_CTX *ctx;
	EVP_PKEY *pkey = NULL;
	int ok, privlen = MODP_PRIV_BITS;

	IMS_CHECK_PARAMS(g != NULL && dh != NULL);
	*dh = NULL;
	if ((ctx = EVP_PKEY_CTX_new_from_name(NULL, g->type, NULL)) == NULL)
		return -EIO;
	params[0] = OSSL_PARAM_construct_utf8_string(
	    OSSL_PKEY_PARAM_GROUP_NAME, (char *)g->name, 0);
	params[1] = is_ec(g) ? OSSL_PARAM_construct_end() :
	    OSSL_PARAM_construct_int(OSSL_PKEY_PARAM_DH_PRIV_LEN, &privlen);
	params[2] = OSSL_PARAM_construct_end();
	ok = EVP_PKEY_keygen_init(ctx) == 1 &&
	    EVP_PKEY_CTX_set_params(ctx, params) == 1 &&
	    EVP_PKEY_generate(ctx, &pkey) == 1;
	EVP_PKEY_CTX_free(ctx);
	if (!ok) {
		log_err("%s: group %u key generation failed", __func__, group);
		return -EIO;
	}
	return dh_wrap(group, pkey, dh);
}

/* A key from its parameters: the group, the public value (MODP: the
 * integer; ECP: the 0x04 | x | y encoding) and the private one, if any. */
static int
pkey_fromdata(const struct dh_group *g, const uint8_t *pub, size_t publen,
    const BIGNUM *priv, EVP_PKEY **pkey)
{
	OSSL_PARAM_BLD *bld;
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	BIGNUM *y = NULL;
	int ok;

	*pkey = NULL;
	if ((bld = OSSL_PARAM_BLD_new()) == NULL)
		return -ENOMEM;
	ok = OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
	    g->name, 0) == 1;
	if (ok && is_ec(g))
		ok = OSSL_PARAM_BLD_push_octet_string(bld,
		    OSSL_PKEY_PARAM_PUB_KEY, pub, publen) == 1;
	else if (ok)
		ok = (y = BN_bin2bn(pub, (int)publen, NULL)) != NULL &&
		    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PUB_KEY, y) == 1;
	if (ok && priv != NULL)
		ok = OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY,
		    priv) == 1;
	ok = ok && (params = OSSL_PARAM_BLD_to_param(bld)) != NULL &&
	    (ctx = EVP_PKEY_CTX_new_from_name(NULL, g->type, NULL)) != NULL &&
	    EVP_PKEY_fromdata_init(ctx) == 1 &&
	    EVP_PKEY_fromdata(ctx, pkey, priv != NULL ? EVP_PKEY_KEYPAIR :
	    EVP_PKEY_PUBLIC_KEY, params) == 1;
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(y);
	return ok ? 0 : -EIO;
}

/* The public value of priv: g^x mod p, or x * G encoded 0x04 | x | y,
 * into pub (g->len or 1 + 2 * g->len bytes). */
static int
pub_of_priv(const struct dh_group *g, const BIGNUM *x, uint8_t *pub)
{
	BN_CTX *bn = BN_CTX_new();
	EC_GROUP *ecg = NULL;
	EC_POINT *pt = NULL;
	BIGNUM *y = NULL;
	EVP_PKEY *params = NULL;
	BIGNUM *p = NULL, *gen = NULL;
	int ok = 0;

	if (bn == NULL)
		return -ENOMEM;
	if (is_ec(g)) {
		ok = (ecg = EC_GROUP_new_by_curve_name(g->nid)) != NULL &&
		    (pt = EC_POINT_new(ecg)) != NULL &&
		    EC_POINT_mul(ecg, pt, x, NULL, NULL, bn) == 1 &&
		    EC_POINT_point2oct(ecg, pt, POINT_CONVERSION_UNCOMPRESSED,
		    pub, 1 + 2 * g->len, bn) == 1 + 2 * g->len;
	} else {
		/* p and g from OpenSSL's copy of the RFC 3526 group. */
		EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "DH",
		    NULL);
		OSSL_PARAM prm[2];

		prm[0] = OSSL_PARAM_construct_utf8_string(
		    OSSL_PKEY_PARAM_GROUP_NAME, (char *)g->name, 0);
		prm[1] = OSSL_PARAM_construct_end();
		ok = ctx != NULL && EVP_PKEY_paramgen_init(ctx) == 1 &&
		    EVP_PKEY_CTX_set_params(ctx, prm) == 1 &&
		    EVP_PKEY_generate(ctx, &params) == 1 &&
		    EVP_PKEY_get_bn_param(params, OSSL_PKEY_PARAM_FFC_P,
		    &p) == 1 &&
		    EVP_PKEY_get_bn_param(params, OSSL_PKEY_PARAM_FFC_G,
		    &gen) == 1 &&
		    (y = BN_new()) != NULL &&
		    BN_mod_exp(y, gen, x, p, bn) == 1 &&
		    BN_bn2binpad(y, pub, (int)g->len) == (int)g->len;
		EVP_PKEY_CTX_free(ctx);
	}
	EC_POINT_free(pt);
	EC_GROUP_free(ecg);
	EVP_PKEY_free(params);
	BN_free(p);
	BN_free(gen);
	BN_free(y);
	BN_CTX_free(bn);
	return ok ? 0 : -EIO;
}

int
ike_dh_new_priv(uint16_t group, const uint8_t *priv, size_t len,
    struct ike_dh **dh)
{
	const struct dh_group *g = group_find(group);
	uint8_t pub[1 + IKE_MAX_DH];
	EVP_PKEY *pkey = NULL;
	BIGNUM *x;
	size_t publen;
	int rc;

	IMS_CHECK_PARAMS(g != NULL && priv != NULL && len > 0 &&
	    len <= g->len && dh != NULL);
	*dh = NULL;
	if ((x = BN_secure_new()) == NULL)
		return -ENOMEM;
	if (BN_bin2bn(priv, (int)len, x) == NULL) {
		BN_clear_free(x);
		return -EIO;
	}
	if (BN_is_zero(x)) {
		BN_clear_free(x);
		return -EINVAL;
	}
	publen = is_ec(g) ? 1 + 2 * g->len : g->len;
	rc = pub_of_priv(g, x, pub);
	if (rc == 0)
		rc = pkey_fromdata(g, pub, publen, x, &pkey);
	BN_clear_free(x);
	if (rc < 0) {
		log_err("%s: group %u key import failed", __func__, group);
		return rc;
	}
	return dh_wrap(group, pkey, dh);
}

int
ike_dh_public(const struct ike_dh *dh, uint8_t *out, size_t cap,
    size_t *len)
{
	const struct dh_group *g;
	uint8_t pt[1 + IKE_MAX_DH];
	BIGNUM *y = NULL;
	size_t n = 0;
	int ok;

	IMS_CHECK_PARAMS(dh != NULL && out != NULL && len != NULL);
	g = group_find(dh->group);
	IMS_CHECK_PARAMS(g != NULL);
	if (cap < ike_dh_publen(dh->group))
		return -ENOSPC;
	if (is_ec(g)) {
		/* Uncompressed 0x04 | x | y (the key's default format). */
		ok = EVP_PKEY_get_octet_string_param(dh->pkey,
		    OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, pt, sizeof(pt),
		    &n) == 1 && n == 1 + 2 * g->len && pt[0] == 0x04;
		if (ok)
			memcpy(out, pt + 1, 2 * g->len);
	} else {
		ok = EVP_PKEY_get_bn_param(dh->pkey, OSSL_PKEY_PARAM_PUB_KEY,
		    &y) == 1 &&
		    BN_bn2binpad(y, out, (int)g->len) == (int)g->len;
		BN_free(y);
	}
	if (!ok) {
		log_err("%s: group %u public value unavailable", __func__,
		    dh->group);
		return -EIO;
	}
	*len = ike_dh_publen(dh->group);
	return 0;
}

/* RFC 6989 2.1 for MODP: 1 < y < p-1. */
static int
modp_range_ok(const struct ike_dh *dh, const uint8_t *peer, size_t plen)
{
	BIGNUM *p = NULL, *y = BN_bin2bn(peer, (int)plen, NULL);
	int ok;

	ok = y != NULL && EVP_PKEY_get_bn_param(dh->pkey,
	    OSSL_PKEY_PARAM_FFC_P, &p) == 1;
	if (ok) {
		ok = BN_cmp(y, BN_value_one()) > 0 && BN_sub_word(p, 1) == 1 &&
		    BN_cmp(y, p) < 0;
		ok = ok ? 1 : -1;
	}
	BN_free(p);
	BN_free(y);
	return ok == 1 ? 0 : ok == 0 ? -EIO : -EBADMSG;
}

int
ike_dh_shared(const struct ike_dh *dh, const uint8_t *peer, size_t plen,
    uint8_t *out, size_t cap, size_t *len)
{
	const struct dh_group *g;
	uint8_t enc[1 + IKE_MAX_DH];
	EVP_PKEY *pkey = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	size_t n;
	int rc;

	IMS_CHECK_PARAMS(dh != NULL && peer != NULL && out != NULL &&
	    len != NULL);
	g = group_find(dh->group);
	IMS_CHECK_PARAMS(g != NULL);
	if (plen != ike_dh_publen(dh->group))
		return -EBADMSG;
	if (cap < g->len)
		return -ENOSPC;
	if (is_ec(g)) {
		enc[0] = 0x04;
		memcpy(enc + 1, peer, plen);
		/* Decoding fails for a point off the curve. */
		if (pkey_fromdata(g, enc, plen + 1, NULL, &pkey) < 0) {
			ERR_clear_error();	/* the peer's fault */
			return -EBADMSG;
		}
	} else {
		IMS_CHECK_RC(modp_range_ok(dh, peer, plen));
		if (pkey_fromdata(g, peer, plen, NULL, &pkey) < 0)
			return -EIO;
	}
	rc = -EBADMSG;
	if ((ctx = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL)) == NULL ||
	    EVP_PKEY_public_check_quick(ctx) != 1) {
		ERR_clear_error();
		goto out;
	}
	EVP_PKEY_CTX_free(ctx);
	rc = -EIO;
	n = cap;
	if ((ctx = EVP_PKEY_CTX_new_from_pkey(NULL, dh->pkey, NULL)) == NULL ||
	    EVP_PKEY_derive_init(ctx) != 1 ||
	    (!is_ec(g) && EVP_PKEY_CTX_set_dh_pad(ctx, 1) != 1) ||
	    EVP_PKEY_derive_set_peer(ctx, pkey) != 1 ||
	    EVP_PKEY_derive(ctx, out, &n) != 1 || n != g->len) {
		log_err("%s: group %u derivation failed", __func__, dh->group);
		OPENSSL_cleanse(out, cap);
		goto out;
	}
	*len = n;
	rc = 0;
out:
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(pkey);
	return rc;
}

void
ike_dh_free(struct ike_dh *dh)
{
	if (dh == NULL)
		return;
	EVP_PKEY_free(dh->pkey);
	OPENSSL_free(dh);
}
