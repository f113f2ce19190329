/* ike_sk.c - the Encrypted payload (RFC 7296 3.14): AES-CBC with
 * HMAC-SHA2-256-128 (RFC 3602, RFC 4868), or AES-GCM with a 16-byte ICV
 * (RFC 5282).
 *
 *   CBC:  hdr | SK hdr | IV (16) | E(plain | pad | padlen) | ICV (16),
 *         ICV = HMAC(SK_a, hdr .. padlen)[0..16); plain + padding + the
 *         Pad Length byte a multiple of 16.
 *   GCM:  hdr | SK hdr | IV (8) | E(plain | padlen) | ICV (16); the nonce
 *         is salt (the last 4 bytes of SK_e) | IV, the AAD the IKE header
 *         through the SK payload's generic header (RFC 5282 3, 5.1).
 */
#include <errno.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "check.h"
#include "ike_crypto.h"
#include "ike_crypto_priv.h"

#define CBC_BLOCK	16
#define GCM_IV		8
#define GCM_SALT	4
#define GCM_ICV		16
#define HDR_LEN_OFF	24	/* 3.1: the Length field of the IKE header */

/* One direction's view of an SA's SK transforms. */
struct sk_dir {
	int gcm;
	const EVP_CIPHER *cipher;
	const uint8_t *ekey, *akey;
	size_t ekeylen, akeylen, ivlen, icvlen, block;
};

static int
sk_dir(const struct ike_sa_keys *k, int from_initiator, struct sk_dir *d)
{
	const struct ike_suite *s = &k->s;

	IMS_CHECK_RC(ike_suite_check(s));
	IMS_CHECK_PARAMS(k->encr_len == ike_encr_keylen(s->encr,
	    s->encr_bits) && k->integ_len == ike_integ_keylen(s->integ));
	memset(d, 0, sizeof(*d));
	d->gcm = s->encr == IKE_ENCR_AES_GCM_16;
	d->ekey = from_initiator ? k->sk_ei : k->sk_er;
	d->akey = from_initiator ? k->sk_ai : k->sk_ar;
	d->akeylen = k->integ_len;
	if (d->gcm) {
		d->cipher = s->encr_bits == 128 ? EVP_aes_128_gcm() :
		    EVP_aes_256_gcm();
		d->ekeylen = k->encr_len - GCM_SALT;
		d->ivlen = GCM_IV;
		d->icvlen = GCM_ICV;
		d->block = 1;	/* a stream mode: only the Pad Length byte */
	} else {
		d->cipher = s->encr_bits == 128 ? EVP_aes_128_cbc() :
		    EVP_aes_256_cbc();
		d->ekeylen = k->encr_len;
		d->ivlen = CBC_BLOCK;
		d->icvlen = ike_integ_icvlen(s->integ);
		d->block = CBC_BLOCK;
	}
	return d->cipher != NULL ? 0 : -EIO;
}

static void
put_be16(uint8_t *p, size_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put_be32(uint8_t *p, size_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static size_t
get_be32(const uint8_t *p)
{
	return (size_t)p[0] << 24 | (size_t)p[1] << 16 | (size_t)p[2] << 8 |
	    p[3];
}

/* The ICV of CBC + HMAC: the MAC of msg[0..len) truncated. */
static int
hmac_icv(const struct sk_dir *d, const uint8_t *msg, size_t len,
    uint8_t *icv)
{
	uint8_t mac[EVP_MAX_MD_SIZE];
	struct ike_bytes v = { msg, len };
	int rc;

	rc = ike_hmac_v("SHA256", d->akey, d->akeylen, &v, 1, mac, NULL);
	if (rc == 0)
		memcpy(icv, mac, d->icvlen);
	OPENSSL_cleanse(mac, sizeof(mac));
	return rc;
}

/* GCM's 12-byte nonce: salt | explicit IV (RFC 5282 4). */
static void
gcm_nonce(const struct sk_dir *d, const uint8_t *iv, uint8_t *nonce)
{
	memcpy(nonce, d->ekey + d->ekeylen, GCM_SALT);
	memcpy(nonce + GCM_SALT, iv, GCM_IV);
}

/* in[0..len) through the cipher into out; for GCM, aad first and the tag
 * set (decrypt, checked by the final call) or read (encrypt). */
static int
sk_cipher(const struct sk_dir *d, int enc, const uint8_t *iv,
    const uint8_t *aad, size_t aadlen, const uint8_t *in, size_t len,
    uint8_t *out, uint8_t *tag)
{
	uint8_t nonce[GCM_SALT + GCM_IV];
	EVP_CIPHER_CTX *ctx;
	int n, fin, ok;

	if (len > INT32_MAX || aadlen > INT32_MAX)
		return -EINVAL;
	if ((ctx = EVP_CIPHER_CTX_new()) == NULL)
		return -ENOMEM;
	ok = EVP_CipherInit_ex(ctx, d->cipher, NULL, NULL, NULL, enc) == 1;
	if (d->gcm) {
		gcm_nonce(d, iv, nonce);
		ok = ok && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN,
		    sizeof(nonce), NULL) == 1 &&
		    EVP_CipherInit_ex(ctx, NULL, NULL, d->ekey, nonce,
		    enc) == 1 &&
		    EVP_CipherUpdate(ctx, NULL, &n, aad, (int)aadlen) == 1 &&
		    (enc || EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG,
		    GCM_ICV, tag) == 1);
	} else {
		ok = ok && EVP_CipherInit_ex(ctx, NULL, NULL, d->ekey, iv,
		    enc) == 1 && EVP_CIPHER_CTX_set_padding(ctx, 0) == 1;
	}
	ok = ok && EVP_CipherUpdate(ctx, out, &n, in, (int)len) == 1 &&
	    (size_t)n == len;
	fin = ok && EVP_CipherFinal_ex(ctx, out + n, &n) == 1 && n == 0;
	if (ok && fin && d->gcm && enc)
		fin = EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, GCM_ICV,
		    tag) == 1;
	EVP_CIPHER_CTX_free(ctx);
	OPENSSL_cleanse(nonce, sizeof(nonce));
	if (!ok) {
		log_err("%s: cipher setup failed", __func__);
		return -EIO;
	}
	/* For GCM decryption a failed final call is a bad tag. */
	return fin ? 0 : d->gcm && !enc ? -EBADMSG : -EIO;
}

int
ike_sk_seal(const struct ike_sa_keys *k, int from_initiator, uint8_t *msg,
    size_t cap, size_t sk_off, const uint8_t *plain, size_t plen,
    size_t *msglen)
{
	struct sk_dir d;
	uint8_t *iv, *ct, *icv;
	size_t padlen, ctlen, total, hdr_end;
	int rc;

	IMS_CHECK_PARAMS(k != NULL && msg != NULL && msglen != NULL &&
	    (plain != NULL || plen == 0) && sk_off >= IKE_HDR_LEN);
	IMS_CHECK_RC(sk_dir(k, from_initiator, &d));
	hdr_end = sk_off + IKE_PL_HDR_LEN;
	if (plen > IKE_MSG_MAX)
		return -ENOSPC;
	padlen = (d.block - (plen + 1) % d.block) % d.block;
	ctlen = plen + padlen + 1;
	total = hdr_end + d.ivlen + ctlen + d.icvlen;
	if (total > cap || total > IKE_MSG_MAX)
		return -ENOSPC;
	iv = msg + hdr_end;
	ct = iv + d.ivlen;
	icv = ct + ctlen;
	/* The Lengths first: both are covered by the ICV / the AAD. */
	put_be16(msg + sk_off + 2, total - sk_off);
	put_be32(msg + HDR_LEN_OFF, total);
	/* plain first (it may sit where the IV goes), then padding of
	 * zeros (3.14: any value) and the Pad Length. */
	if (plen > 0)
		memmove(ct, plain, plen);
	memset(ct + plen, 0, padlen);
	ct[plen + padlen] = (uint8_t)padlen;
	if (RAND_bytes(iv, (int)d.ivlen) != 1) {
		log_err("%s: RAND_bytes failed", __func__);
		OPENSSL_cleanse(ct, ctlen);
		return -EIO;
	}
	rc = sk_cipher(&d, 1, iv, msg, hdr_end, ct, ctlen, ct, icv);
	if (rc == 0 && !d.gcm)
		rc = hmac_icv(&d, msg, total - d.icvlen, icv);
	if (rc < 0) {
		OPENSSL_cleanse(ct, ctlen);
		return rc;
	}
	*msglen = total;
	return 0;
}

int
ike_sk_open(const struct ike_sa_keys *k, int from_initiator,
    const uint8_t *msg, size_t msglen, size_t sk_off, uint8_t *plain,
    size_t cap, size_t *plen)
{
	uint8_t icv[EVP_MAX_MD_SIZE], *pt;
	const uint8_t *iv, *ct;
	struct sk_dir d;
	size_t hdr_end, ctlen, padlen = 0;
	int rc;

	IMS_CHECK_PARAMS(k != NULL && msg != NULL && plen != NULL &&
	    (plain != NULL || cap == 0) && sk_off >= IKE_HDR_LEN);
	IMS_CHECK_RC(sk_dir(k, from_initiator, &d));
	hdr_end = sk_off + IKE_PL_HDR_LEN;
	/* The SK payload is the last one and fills the message. */
	if (msglen < hdr_end + d.ivlen + d.block + d.icvlen ||
	    msglen > IKE_MSG_MAX ||
	    get_be32(msg + HDR_LEN_OFF) != msglen ||
	    ((size_t)msg[sk_off + 2] << 8 | msg[sk_off + 3]) !=
	    msglen - sk_off)
		return -EBADMSG;
	iv = msg + hdr_end;
	ct = iv + d.ivlen;
	ctlen = msglen - hdr_end - d.ivlen - d.icvlen;
	if (ctlen % d.block != 0)
		return -EBADMSG;
	/* CBC: the ICV before anything is decrypted (3.14), in constant
	 * time.  GCM checks its tag inside the final call, and nothing of
	 * the plaintext leaves the scratch buffer before that. */
	if (!d.gcm) {
		IMS_CHECK_RC(hmac_icv(&d, msg, msglen - d.icvlen, icv));
		rc = CRYPTO_memcmp(icv, ct + ctlen, d.icvlen) == 0 ? 0 :
		    -EBADMSG;
		OPENSSL_cleanse(icv, sizeof(icv));
		if (rc < 0)
			return rc;
	}
	if ((pt = OPENSSL_malloc(ctlen)) == NULL)
		return -ENOMEM;
	memcpy(icv, ct + ctlen, d.icvlen);	/* GCM's tag */
	rc = sk_cipher(&d, 0, iv, msg, hdr_end, ct, ctlen, pt, icv);
	if (rc == 0) {
		padlen = pt[ctlen - 1];
		if (padlen + 1 > ctlen)
			rc = -EPROTO;
		else if (ctlen - padlen - 1 > cap)
			rc = -ENOSPC;
	}
	if (rc == 0) {
		*plen = ctlen - padlen - 1;
		if (*plen > 0)
			memcpy(plain, pt, *plen);
	}
	OPENSSL_clear_free(pt, ctlen);
	return rc;
}
