/* seg_kernel.c - a peer's ESP tunnel in the kernel (RFC 4303 3.1.2,
 * tunnel mode; TS 33.210 5.3: ESP tunnel mode between SEGs) through
 * common/ipsec/xfrm.h, under the seg's owner tag (xfrm_set_owner).
 */
#include <errno.h>
#include <string.h>

#include <openssl/crypto.h>

#include "check.h"
#include "ike_crypto.h"
#include "log.h"
#include "seg.h"

static const struct ike_transform *
tr_get(const struct ike_proposal *p, uint8_t type)
{
	size_t i;

	for (i = 0; i < p->ntr; i++)
		if (p->tr[i].type == type)
			return &p->tr[i];
	return NULL;
}

int
seg_kernel_algs(const struct ike_proposal *p, const char **enc,
    const char **auth, const char **aead)
{
	const struct ike_transform *e = tr_get(p, IKE_TR_ENCR);
	const struct ike_transform *i = tr_get(p, IKE_TR_INTEG);
	const struct ike_transform *n = tr_get(p, IKE_TR_ESN);

	*enc = *auth = *aead = NULL;
	if (e == NULL || (n != NULL && n->id != IKE_ESN_NO))
		return -ENOTSUP;
	if (e->id == IKE_ENCR_AES_GCM_16) {
		if (i != NULL && i->id != IKE_INTEG_NONE)
			return -ENOTSUP;
		*aead = "aes-gcm";		/* rfc4106(gcm(aes)), ICV 16 */
		return 0;
	}
	if (e->id != IKE_ENCR_AES_CBC || i == NULL ||
	    i->id != IKE_INTEG_HMAC_SHA2_256_128)
		return -ENOTSUP;
	*enc = "aes-cbc";
	*auth = "hmac-sha2-256-128";
	return 0;
}

/* dir: out (local -> remote) or in/fwd (remote -> local). */
static void
pol_fill(struct xfrm_policy *pol, const struct xfrm_ip *local,
    const struct seg_peer *p, int dir)
{
	memset(pol, 0, sizeof(*pol));
	pol->dir = dir;
	pol->mode = IMS_XFRM_MODE_TUNNEL;
	pol->reqid = p->reqid;
	if (dir == IMS_XFRM_DIR_OUT) {
		pol->src = p->lnet, pol->src_plen = p->lplen;
		pol->dst = p->rnet, pol->dst_plen = p->rplen;
		if (local != NULL)
			pol->tmpl_src = *local;
		pol->tmpl_dst = p->addr;
	} else {
		pol->src = p->rnet, pol->src_plen = p->rplen;
		pol->dst = p->lnet, pol->dst_plen = p->lplen;
		pol->tmpl_src = p->addr;
		if (local != NULL)
			pol->tmpl_dst = *local;
	}
}

int
seg_kernel_policies(struct xfrm_nl *x, const struct xfrm_ip *local,
    const struct seg_peer *p)
{
	static const int dirs[] = { IMS_XFRM_DIR_OUT, IMS_XFRM_DIR_IN,
		IMS_XFRM_DIR_FWD };
	struct xfrm_policy pol;
	size_t i;
	int rc;

	IMS_CHECK_PARAMS(x != NULL && local != NULL && p != NULL);
	IMS_CHECK_PARAMS(p->lplen > 0 && p->rplen > 0);
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		pol_fill(&pol, local, p, dirs[i]);
		if ((rc = xfrm_policy_add(x, &pol)) < 0) {
			log_err("seg: peer %s: policy (dir %d) refused: %s",
			    p->name, dirs[i], strerror(-rc));
			return rc;
		}
	}
	return 0;
}

int
seg_kernel_policies_del(struct xfrm_nl *x, const struct seg_peer *p)
{
	static const int dirs[] = { IMS_XFRM_DIR_OUT, IMS_XFRM_DIR_IN,
		IMS_XFRM_DIR_FWD };
	struct xfrm_policy pol;
	size_t i;
	int rc, first = 0;

	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		pol_fill(&pol, NULL, p, dirs[i]);
		if ((rc = xfrm_policy_del(x, &pol)) < 0 && rc != -ENOENT &&
		    first == 0)
			first = rc;
	}
	return first;
}

/* One SA of the pair: src -> dst, selector snet -> dnet. */
static int
sa_add(struct xfrm_nl *x, const struct seg_peer *p, const struct seg_child *c,
    const struct xfrm_ip *src, const struct xfrm_ip *dst, uint32_t spi,
    int out, const uint8_t *ek, const uint8_t *ik, size_t elen, size_t ilen,
    unsigned lifetime)
{
	struct xfrm_sa sa;
	const char *enc, *auth, *aead;
	int rc;

	IMS_CHECK_RC(seg_kernel_algs(&c->prop, &enc, &auth, &aead));
	memset(&sa, 0, sizeof(sa));
	sa.src = *src;
	sa.dst = *dst;
	sa.spi = spi;
	sa.mode = IMS_XFRM_MODE_TUNNEL;
	sa.reqid = p->reqid;
	sa.sel_src = out ? c->lnet : c->rnet;
	sa.sel_dst = out ? c->rnet : c->lnet;
	sa.sel_src_plen = out ? c->lplen : c->rplen;
	sa.sel_dst_plen = out ? c->rplen : c->lplen;
	sa.replay_window = 32;
	sa.hard_add_expires = lifetime;
	rc = -EINVAL;
	if (aead != NULL) {
		if (elen > sizeof(sa.aead_key))
			goto out;
		(void)snprintf(sa.aead_alg, sizeof(sa.aead_alg), "%s", aead);
		memcpy(sa.aead_key, ek, elen);	/* key || salt (RFC 4106 8.1) */
		sa.aead_keylen = elen;
	} else {
		if (elen > sizeof(sa.enc_key) || ilen > sizeof(sa.auth_key))
			goto out;
		(void)snprintf(sa.enc_alg, sizeof(sa.enc_alg), "%s", enc);
		(void)snprintf(sa.auth_alg, sizeof(sa.auth_alg), "%s", auth);
		memcpy(sa.enc_key, ek, elen);
		sa.enc_keylen = elen;
		memcpy(sa.auth_key, ik, ilen);
		sa.auth_keylen = ilen;
	}
	rc = xfrm_sa_add(x, &sa);	/* wipes the keys */
out:
	OPENSSL_cleanse(&sa, sizeof(sa));
	return rc;
}

int
seg_kernel_child_add(struct xfrm_nl *x, const struct xfrm_ip *local,
    const struct seg_peer *p, const struct seg_child *c,
    const struct ike_child_keys *k, int initiator, unsigned lifetime)
{
	const uint8_t *eo, *io, *ei, *ii;
	int rc;

	IMS_CHECK_PARAMS(x != NULL && local != NULL && p != NULL &&
	    c != NULL && k != NULL);
	/* 2.17: the first keys protect initiator -> responder. */
	eo = initiator ? k->encr_i : k->encr_r;
	io = initiator ? k->integ_i : k->integ_r;
	ei = initiator ? k->encr_r : k->encr_i;
	ii = initiator ? k->integ_r : k->integ_i;
	if ((rc = sa_add(x, p, c, &p->addr, local, c->spi_in, 0, ei, ii,
	    k->encr_len, k->integ_len, lifetime)) < 0) {
		log_err("seg: peer %s: inbound SA 0x%08x refused: %s", p->name,
		    c->spi_in, strerror(-rc));
		return rc;
	}
	if ((rc = sa_add(x, p, c, local, &p->addr, c->spi_out, 1, eo, io,
	    k->encr_len, k->integ_len, lifetime)) < 0) {
		log_err("seg: peer %s: outbound SA 0x%08x refused: %s",
		    p->name, c->spi_out, strerror(-rc));
		(void)xfrm_sa_del(x, local, c->spi_in);
		return rc;
	}
	return 0;
}

int
seg_kernel_child_del(struct xfrm_nl *x, const struct xfrm_ip *local,
    const struct seg_peer *p, const struct seg_child *c)
{
	int r1, r2;

	r1 = xfrm_sa_del(x, local, c->spi_in);
	r2 = xfrm_sa_del(x, &p->addr, c->spi_out);
	if (r1 < 0 && r1 != -ESRCH && r1 != -ENOENT)
		return r1;
	if (r2 < 0 && r2 != -ESRCH && r2 != -ENOENT)
		return r2;
	return 0;
}
