/* xfrm_alg.c - the ESP algorithms known to common/xfrm, key length checks
 * and the XFRMA_ALG_* attributes of a NEWSA/UPDSA request.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <linux/xfrm.h>

#include "check.h"
#include "log.h"
#include "util.h"
#include "xfrm.h"
#include "xfrm_int.h"

/*
 * Algorithms.  Kernel names from crypto/ and net/xfrm/xfrm_algo.c; the
 * truncation lengths are those of RFC 2403 (HMAC-MD5-96), RFC 2404
 * (HMAC-SHA-1-96), RFC 4868 (HMAC-SHA-256-128); AES-GCM for ESP is RFC 4106
 * with a 16-octet ICV and a 4-octet salt appended to the key, AES-GMAC
 * (integrity only, the payload in clear) RFC 4543 keyed the same way.
 */
static const struct xfrm_alg_info xfrm_algs[] = {
	{ "hmac-md5-96", "hmac(md5)", XFRM_ALG_AUTH, 96, { 16 } },
	{ "hmac-sha-1-96", "hmac(sha1)", XFRM_ALG_AUTH, 96, { 20 } },
	{ "hmac-sha2-256-128", "hmac(sha256)", XFRM_ALG_AUTH, 128, { 32 } },
	{ "null", "ecb(cipher_null)", XFRM_ALG_ENC, 0, { 0 } },
	{ "aes-cbc", "cbc(aes)", XFRM_ALG_ENC, 0, { 16, 24, 32 } },
	{ "des-ede3-cbc", "cbc(des3_ede)", XFRM_ALG_ENC, 0, { 24 } },
	{ "aes-gcm", "rfc4106(gcm(aes))", XFRM_ALG_AEAD, 128, { 20, 28, 36 } },
	{ "aes-gmac", "rfc4543(gcm(aes))", XFRM_ALG_AEAD, 128, { 20, 28, 36 } },
};

const struct xfrm_alg_info *
xfrm_alg_lookup(const char *name)
{
	size_t i;

	if (name == NULL)
		return NULL;
	for (i = 0; i < sizeof(xfrm_algs) / sizeof(xfrm_algs[0]); i++)
		if (strcmp(xfrm_algs[i].name, name) == 0)
			return &xfrm_algs[i];
	return NULL;
}

int
xfrm_alg_key_ok(const struct xfrm_alg_info *a, size_t keylen)
{
	size_t i;

	if (a == NULL || keylen > XFRM_KEY_MAX)
		return 0;
	if (a->keylen[0] == 0)		/* null: no key */
		return keylen == 0;
	for (i = 0; i < 3; i++)
		if (a->keylen[i] != 0 && a->keylen[i] == keylen)
			return 1;
	return 0;
}

/* Put one algorithm attribute; the temporary holding the key is wiped. */
static int
xfrm_put_alg(struct nlmsghdr *nlh, size_t buflen, const char *name,
    const uint8_t *key, size_t keylen, enum xfrm_alg_kind want)
{
	const struct xfrm_alg_info *a;
	union {
		struct xfrm_algo	enc;
		struct xfrm_algo_auth	auth;
		struct xfrm_algo_aead	aead;
		uint8_t			raw[sizeof(struct xfrm_algo_auth) +
					    XFRM_KEY_MAX];
	} u;
	size_t hl;
	uint16_t type;
	bool ok;

	if ((a = xfrm_alg_lookup(name)) == NULL || a->kind != want) {
		log_err("xfrm: \"%s\" is not a known %s algorithm", name,
		    want == XFRM_ALG_AUTH ? "integrity" :
		    want == XFRM_ALG_ENC ? "encryption" : "AEAD");
		return -EINVAL;
	}
	if (!xfrm_alg_key_ok(a, keylen)) {
		log_err("xfrm: %s: bad key length %zu", name, keylen);
		return -EINVAL;
	}
	memset(&u, 0, sizeof(u));
	switch (a->kind) {
	case XFRM_ALG_AUTH:
		snprintf(u.auth.alg_name, sizeof(u.auth.alg_name), "%s",
		    a->kname);
		u.auth.alg_key_len = keylen * 8;
		u.auth.alg_trunc_len = a->bits;
		hl = sizeof(u.auth);
		type = XFRMA_ALG_AUTH_TRUNC;
		break;
	case XFRM_ALG_ENC:
		snprintf(u.enc.alg_name, sizeof(u.enc.alg_name), "%s", a->kname);
		u.enc.alg_key_len = keylen * 8;
		hl = sizeof(u.enc);
		type = XFRMA_ALG_CRYPT;
		break;
	default:
		snprintf(u.aead.alg_name, sizeof(u.aead.alg_name), "%s",
		    a->kname);
		u.aead.alg_key_len = keylen * 8;	/* key + salt, RFC 4106 */
		u.aead.alg_icv_len = a->bits;
		hl = sizeof(u.aead);
		type = XFRMA_ALG_AEAD;
		break;
	}
	if (keylen > 0)
		memcpy(u.raw + hl, key, keylen);
	ok = mnl_attr_put_check(nlh, buflen, type, hl + keylen, &u);
	secure_wipe(&u, sizeof(u));
	return ok ? 0 : -EMSGSIZE;
}

int
xfrm_sa_algs(struct nlmsghdr *nlh, size_t len, const struct xfrm_sa *sa)
{
	if (sa->aead_alg[0] != '\0') {
		IMS_CHECK_PARAMS(sa->auth_alg[0] == '\0' && sa->enc_alg[0] == '\0');
		return xfrm_put_alg(nlh, len, sa->aead_alg, sa->aead_key,
		    sa->aead_keylen, XFRM_ALG_AEAD);
	}
	IMS_CHECK_PARAMS(sa->auth_alg[0] != '\0' || sa->enc_alg[0] != '\0');
	if (sa->auth_alg[0] != '\0')
		IMS_CHECK_RC(xfrm_put_alg(nlh, len, sa->auth_alg, sa->auth_key,
		    sa->auth_keylen, XFRM_ALG_AUTH));
	/* ESP needs an encryption transform: integrity only is ESP-NULL
	 * (RFC 4303 section 3.2, TS 33.203 allows NULL encryption). */
	return xfrm_put_alg(nlh, len,
	    sa->enc_alg[0] != '\0' ? sa->enc_alg : "null",
	    sa->enc_key, sa->enc_keylen, XFRM_ALG_ENC);
}
