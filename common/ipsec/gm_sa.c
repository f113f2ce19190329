/* gm_sa.c - the TS 33.203 7.1 set of ESP SAs and policies between a UE and
 * the P-CSCF: plan, SPI reservation, install with undo, removal, new
 * lifetime.  The design is in gm_sa.h.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "check.h"
#include "gm_sa.h"
#include "log.h"
#include "util.h"

static const struct gm_sa_ops gm_sa_kernel = {
	.sa_add = xfrm_sa_add,
	.sa_update = xfrm_sa_update,
	.sa_del = xfrm_sa_del,
	.sa_get = xfrm_sa_get,
	.policy_add = xfrm_policy_add,
	.policy_del = xfrm_policy_del,
	.spi_alloc = xfrm_spi_alloc,
};
static const struct gm_sa_ops *ops = &gm_sa_kernel;

void
gm_sa_set_ops(const struct gm_sa_ops *o)
{
	ops = o != NULL ? o : &gm_sa_kernel;
}

static int
ip_ok(const struct xfrm_ip *ip)
{
	return ip->family == AF_INET || ip->family == AF_INET6;
}

static int
ip_same(const struct xfrm_ip *a, const struct xfrm_ip *b)
{
	return a->family == b->family && memcmp(&a->u, &b->u,
	    a->family == AF_INET ? sizeof(a->u.v4) : sizeof(a->u.v6)) == 0;
}

static int
gone(int rc)
{
	return rc == -ESRCH || rc == -ENOENT;
}

/* One SA of the set: from the UE to the P-CSCF or back, between these
 * ports, with the SPI its receiver chose; inbound here when we are the
 * receiver.  Its two policies (UDP, TCP) go to pol[0..1]. */
static void
plan_one(const struct gm_sa *p, int from_ue, const char *name, uint16_t sport,
    uint16_t dport, uint32_t spi, struct gm_sa_entry *e,
    struct xfrm_policy *pol)
{
	static const uint8_t proto[2] = { IPPROTO_UDP, IPPROTO_TCP };
	const struct xfrm_ip *src = from_ue ? &p->ue : &p->pcscf;
	const struct xfrm_ip *dst = from_ue ? &p->pcscf : &p->ue;
	struct xfrm_sa *sa = &e->sa;
	int i;

	memset(e, 0, sizeof(*e));
	e->name = name;
	e->dir = from_ue == (p->side == GM_SA_PCSCF) ? IMS_XFRM_DIR_IN :
	    IMS_XFRM_DIR_OUT;
	sa->src = *src;
	sa->dst = *dst;
	sa->spi = spi;
	sa->mode = IMS_XFRM_MODE_TRANSPORT;	/* 7.1: no NAT, transport */
	sa->reqid = spi;			/* its policies name it */
	sa->ports.proto = 0;	/* shared by UDP and TCP: protocol any */
	sa->ports.sport = sport;
	sa->ports.dport = dport;
	if (ipsec3gpp_is_aead(p->alg, p->ealg)) {	/* one transform */
		snprintf(sa->aead_alg, sizeof(sa->aead_alg), "%s",
		    ipsec3gpp_xfrm_aead(p->alg, p->ealg));
	} else {
		snprintf(sa->auth_alg, sizeof(sa->auth_alg), "%s",
		    ipsec3gpp_xfrm_auth(p->alg));
		snprintf(sa->enc_alg, sizeof(sa->enc_alg), "%s",
		    ipsec3gpp_xfrm_enc(p->ealg));
	}
	sa->replay_window = GM_SA_REPLAY;
	sa->hard_add_expires = p->lifetime;	/* 7.1: SA duration */
	for (i = 0; i < 2; i++) {
		memset(&pol[i], 0, sizeof(pol[i]));
		pol[i].src = *src;
		pol[i].dst = *dst;
		pol[i].ports.proto = proto[i];
		pol[i].ports.sport = sport;
		pol[i].ports.dport = dport;
		pol[i].dir = e->dir;
		pol[i].tmpl_src = *src;
		pol[i].tmpl_dst = *dst;
		pol[i].mode = IMS_XFRM_MODE_TRANSPORT;
		pol[i].reqid = spi;
		pol[i].spi = spi;
	}
}

int
gm_sa_plan(const struct gm_sa *p, struct gm_sa_plan *out)
{
	IMS_CHECK_PARAMS(p != NULL && out != NULL);
	IMS_CHECK_PARAMS(p->side == GM_SA_PCSCF || p->side == GM_SA_UE);
	IMS_CHECK_PARAMS(ip_ok(&p->ue) && p->ue.family == p->pcscf.family &&
	    !ip_same(&p->ue, &p->pcscf));
	/* Both port pairs equal would give two SAs one selector. */
	IMS_CHECK_PARAMS(p->port_uc != 0 && p->port_us != 0 &&
	    p->port_pc != 0 && p->port_ps != 0);
	IMS_CHECK_PARAMS(p->port_uc != p->port_us || p->port_pc != p->port_ps);
	/* RFC 4303 2.1: SPIs 1-255 are reserved; a receiver's two SPIs differ
	 * (one kernel, one destination address). */
	IMS_CHECK_PARAMS(p->spi_uc >= 256 && p->spi_us >= 256 &&
	    p->spi_pc >= 256 && p->spi_ps >= 256);
	IMS_CHECK_PARAMS(p->spi_uc != p->spi_us && p->spi_pc != p->spi_ps);
	/* Only a pair that makes an SA (Annex H) and that Annex I keys. */
	IMS_CHECK_PARAMS(secagree_pair_ok(p->alg, p->ealg));
	IMS_CHECK_PARAMS(ipsec3gpp_xfrm_aead(p->alg, p->ealg) != NULL ||
	    (ipsec3gpp_xfrm_auth(p->alg) != NULL &&
	    ipsec3gpp_xfrm_enc(p->ealg) != NULL));
	IMS_CHECK_PARAMS(p->lifetime > 0);

	/* TS 33.203 7.1, Annex H: UE client port <-> P-CSCF server port,
	 * P-CSCF client port <-> UE server port; each SA under the SPI its
	 * receiver picked for that port. */
	plan_one(p, 1, "uc->ps", p->port_uc, p->port_ps, p->spi_ps,
	    &out->sa[0], &out->pol[0]);
	plan_one(p, 0, "ps->uc", p->port_ps, p->port_uc, p->spi_uc,
	    &out->sa[1], &out->pol[2]);
	plan_one(p, 0, "pc->us", p->port_pc, p->port_us, p->spi_us,
	    &out->sa[2], &out->pol[4]);
	plan_one(p, 1, "us->pc", p->port_us, p->port_pc, p->spi_pc,
	    &out->sa[3], &out->pol[6]);
	return 0;
}

/* One SPI in [min, max].  The kernel probes as many random values as
 * the range holds (xfrm_alloc_spi), so a small range with few free SPIs
 * can fail while one is free: then every value of a small range is
 * tried in turn. */
static int
spi_alloc_one(struct xfrm_nl *h, const struct xfrm_ip *peer,
    const struct xfrm_ip *self, uint32_t min, uint32_t max, uint32_t reqid,
    uint32_t *spi)
{
	uint32_t v;
	int rc;

	rc = ops->spi_alloc(h, peer, self, min, max, reqid, spi);
	if (rc != -ENOENT || max - min >= GM_SA_SPI_SCAN)
		return rc;
	for (v = min; ; v++) {
		if ((rc = ops->spi_alloc(h, peer, self, v, v, reqid, spi)) !=
		    -ENOENT || v == max)
			return rc;
	}
}

int
gm_sa_alloc_spis(struct xfrm_nl *h, struct gm_sa *p, uint32_t min,
    uint32_t max)
{
	const struct xfrm_ip *self, *peer;
	uint32_t c, s, reqid = 0;
	int rc;

	IMS_CHECK_PARAMS(p != NULL);
	IMS_CHECK_PARAMS(p->side == GM_SA_PCSCF || p->side == GM_SA_UE);
	IMS_CHECK_PARAMS(ip_ok(&p->ue) && p->ue.family == p->pcscf.family);
	if (min == 0 && max == 0) {
		min = GM_SA_SPI_MIN;
		max = GM_SA_SPI_MAX;
	}
	IMS_CHECK_PARAMS(min >= 256 && min < max);
	self = p->side == GM_SA_PCSCF ? &p->pcscf : &p->ue;
	peer = p->side == GM_SA_PCSCF ? &p->ue : &p->pcscf;
	/* The kernel hands out the SPI of an existing larval state with the
	 * same addresses and reqid again, so each reservation gets a reqid
	 * of its own (random: other reservations may be pending).  The
	 * SAs replace these reqids with theirs. */
	if (getrandom(&reqid, sizeof(reqid), 0) != sizeof(reqid))
		return -EIO;
	reqid = reqid >> 1 | 1;		/* reqid and reqid + 1 both non-zero */
	/* Inbound here: larval states from the peer to us. */
	IMS_CHECK_RC(spi_alloc_one(h, peer, self, min, max, reqid, &c));
	rc = spi_alloc_one(h, peer, self, min, max, reqid + 1, &s);
	if (rc == 0 && s == c)
		rc = -EEXIST;
	if (rc < 0) {
		if (ops->sa_del(h, self, c) < 0)
			log_warn("gm_sa: SPI 0x%08x stays reserved until the "
			    "kernel drops it", c);
		return rc;
	}
	if (p->side == GM_SA_PCSCF) {
		p->spi_pc = c;
		p->spi_ps = s;
	} else {
		p->spi_uc = c;
		p->spi_us = s;
	}
	p->larval = 1;
	return 0;
}

/* The ESP keys of a set as xfrm takes them: IK_ESP and CK_ESP, or the one
 * AEAD key (key || salt) of aes-gcm / aes-gmac. */
struct gm_keys {
	uint8_t	auth[IPSEC3GPP_AUTH_KEY_MAX], enc[IPSEC3GPP_ENC_KEY_MAX];
	uint8_t	aead[IPSEC3GPP_AEAD_KEY_LEN];
	size_t	alen, elen, aeadlen;
};

/* Annex I: expand p->ck, p->ik. */
static int
gm_keys_expand(const struct gm_sa *p, struct gm_keys *k)
{
	memset(k, 0, sizeof(*k));
	k->alen = sizeof(k->auth);
	k->elen = sizeof(k->enc);
	k->aeadlen = sizeof(k->aead);
	if (ipsec3gpp_is_aead(p->alg, p->ealg)) {
		k->alen = k->elen = 0;
		return ipsec3gpp_aead_key(p->alg, p->ealg, p->ck, p->ik,
		    k->aead, &k->aeadlen);
	}
	k->aeadlen = 0;
	return ipsec3gpp_esp_keys(p->alg, p->ealg, p->ck, p->ik, k->auth,
	    &k->alen, k->enc, &k->elen);
}

/* Random keys of the right lengths: the placeholders of an UPDSA that
 * only changes the lifetime. */
static int
gm_keys_random(const struct gm_sa *p, struct gm_keys *k)
{
	int alen = 0, elen = 0, aeadlen = 0;

	memset(k, 0, sizeof(*k));
	if (ipsec3gpp_is_aead(p->alg, p->ealg))
		aeadlen = IPSEC3GPP_AEAD_KEY_LEN;
	else if ((alen = ipsec3gpp_auth_keylen(p->alg)) < 0 ||
	    (elen = ipsec3gpp_enc_keylen(p->ealg)) < 0)
		return -EINVAL;
	if (getrandom(k->auth, (size_t)alen, 0) != alen ||
	    getrandom(k->enc, (size_t)elen, 0) != elen ||
	    getrandom(k->aead, (size_t)aeadlen, 0) != aeadlen)
		return -EIO;
	k->alen = (size_t)alen;
	k->elen = (size_t)elen;
	k->aeadlen = (size_t)aeadlen;
	return 0;
}

/* The keys into one SA of the plan. */
static void
gm_keys_put(const struct gm_keys *k, struct xfrm_sa *sa)
{
	memcpy(sa->auth_key, k->auth, k->alen);
	sa->auth_keylen = k->alen;
	memcpy(sa->enc_key, k->enc, k->elen);
	sa->enc_keylen = k->elen;
	memcpy(sa->aead_key, k->aead, k->aeadlen);
	sa->aead_keylen = k->aeadlen;
}

/* Undo a partial install: the first nsa SAs and npol policies, newest
 * first, and the larval states not yet turned into SAs. */
static void
undo(struct xfrm_nl *h, const struct gm_sa *p, const struct gm_sa_plan *pl,
    int nsa, int npol)
{
	const struct xfrm_sa *sa;
	int i, rc;

	for (i = GM_SA_NSA - 1; i >= 0; i--) {
		sa = &pl->sa[i].sa;
		if (i >= nsa && !(p->larval && pl->sa[i].dir == IMS_XFRM_DIR_IN))
			continue;
		if ((rc = ops->sa_del(h, &sa->dst, sa->spi)) < 0 &&
		    !(i >= nsa && gone(rc)))
			log_err("gm_sa: undo: SA %s spi 0x%08x stays: %s",
			    pl->sa[i].name, sa->spi, strerror(-rc));
	}
	for (i = npol - 1; i >= 0; i--)
		if ((rc = ops->policy_del(h, &pl->pol[i])) < 0)
			log_err("gm_sa: undo: policy %d stays: %s", i,
			    strerror(-rc));
}

int
gm_sa_install(struct xfrm_nl *h, struct gm_sa *p)
{
	struct gm_sa_plan pl;
	struct xfrm_sa sa;
	struct gm_keys k;
	int rc, nsa = 0, npol = 0, larval;

	IMS_CHECK_PARAMS(p != NULL);
	memset(&k, 0, sizeof(k));
	if ((rc = gm_sa_plan(p, &pl)) == 0)	/* Annex I */
		rc = gm_keys_expand(p, &k);
	secure_wipe(p->ck, sizeof(p->ck));
	secure_wipe(p->ik, sizeof(p->ik));
	if (rc < 0)
		goto out;

	/* Policies first: until their SAs exist, matching traffic is
	 * dropped, never sent or taken in clear. */
	for (npol = 0; npol < GM_SA_NPOL; npol++)
		if ((rc = ops->policy_add(h, &pl.pol[npol])) < 0) {
			log_err("gm_sa: policy %d (%s): %s", npol,
			    pl.sa[npol / 2].name, strerror(-rc));
			goto fail;
		}
	for (nsa = 0; nsa < GM_SA_NSA; nsa++) {
		sa = pl.sa[nsa].sa;
		gm_keys_put(&k, &sa);
		/* A reserved SPI's larval state becomes the SA (UPDSA). */
		larval = p->larval && pl.sa[nsa].dir == IMS_XFRM_DIR_IN;
		rc = larval ? ops->sa_update(h, &sa) : ops->sa_add(h, &sa);
		secure_wipe(&sa, sizeof(sa));
		if (rc < 0) {
			log_err("gm_sa: SA %s spi 0x%08x: %s", pl.sa[nsa].name,
			    pl.sa[nsa].sa.spi, strerror(-rc));
			goto fail;
		}
	}
	p->larval = 0;
	goto out;
fail:
	undo(h, p, &pl, nsa, npol);
	p->larval = 0;
out:
	secure_wipe(&k, sizeof(k));
	return rc;
}

int
gm_sa_remove(struct xfrm_nl *h, const struct gm_sa *p, int *nsa, int *npol)
{
	struct gm_sa_plan pl;
	struct gm_sa q;
	struct xfrm_sa_info si;
	const struct xfrm_sa *sa;
	int i, rc, first = 0, s = 0, n = 0, larval;

	IMS_CHECK_PARAMS(p != NULL);
	q = *p;			/* the plan needs no keys and any lifetime */
	secure_wipe(q.ck, sizeof(q.ck));
	secure_wipe(q.ik, sizeof(q.ik));
	q.lifetime = 1;
	IMS_CHECK_RC(gm_sa_plan(&q, &pl));
	/* SAs first: their traffic stops (the policies still hold it). */
	for (i = GM_SA_NSA - 1; i >= 0; i--) {
		sa = &pl.sa[i].sa;
		larval = p->larval && pl.sa[i].dir == IMS_XFRM_DIR_IN;
		rc = ops->sa_get(h, &sa->dst, sa->spi, &si);
		if (rc == 0 && !si.ours && !larval) {
			log_warn("gm_sa: SA %s spi 0x%08x is not ours: left "
			    "alone", pl.sa[i].name, sa->spi);
			continue;
		}
		if (rc == 0)
			rc = ops->sa_del(h, &sa->dst, sa->spi);
		if (rc == 0)
			s++;
		else if (!gone(rc) && first == 0)
			first = rc;
	}
	for (i = GM_SA_NPOL - 1; i >= 0; i--) {
		rc = ops->policy_del(h, &pl.pol[i]);
		if (rc == 0)
			n++;
		else if (!gone(rc) && first == 0)
			first = rc;
	}
	if (nsa != NULL)
		*nsa = s;
	if (npol != NULL)
		*npol = n;
	return first;
}

int
gm_sa_set_lifetime(struct xfrm_nl *h, const struct gm_sa *p, uint32_t seconds)
{
	struct gm_sa_plan pl;
	struct gm_sa q;
	struct xfrm_sa_info si;
	struct xfrm_sa sa;
	struct gm_keys k;
	time_t now;
	uint64_t age;
	int i, rc = 0;

	IMS_CHECK_PARAMS(p != NULL && seconds > 0);
	q = *p;
	secure_wipe(q.ck, sizeof(q.ck));
	secure_wipe(q.ik, sizeof(q.ik));
	q.lifetime = seconds;
	IMS_CHECK_RC(gm_sa_plan(&q, &pl));
	for (i = 0; i < GM_SA_NSA; i++) {
		sa = pl.sa[i].sa;
		if ((rc = ops->sa_get(h, &sa.dst, sa.spi, &si)) < 0)
			break;
		if (!si.ours) {
			rc = -EPERM;
			break;
		}
		/* The kernel counts the hard lifetime from the SA's add time
		 * (wall-clock seconds). */
		now = time(NULL);
		age = (uint64_t)now > si.add_time ? (uint64_t)now - si.add_time :
		    0;
		sa.hard_add_expires = age + seconds;
		/* Placeholders the kernel parses and throws away. */
		if ((rc = gm_keys_random(p, &k)) == 0) {
			gm_keys_put(&k, &sa);
			rc = ops->sa_update(h, &sa);
		}
		secure_wipe(&k, sizeof(k));
		secure_wipe(&sa, sizeof(sa));
		if (rc < 0)
			break;
	}
	if (rc < 0)
		log_err("gm_sa: new lifetime of SA %s: %s", pl.sa[i].name,
		    strerror(-rc));
	return rc;
}
