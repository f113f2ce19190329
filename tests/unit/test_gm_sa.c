/* test_gm_sa.c - common/ipsec/gm_sa: the TS 33.203 7.1 SA set as planned
 * for both sides, IPv4 and IPv6; install, undo on a failure at every step,
 * removal and new lifetimes against a fake kernel (gm_sa_set_ops); and, as
 * root in a throw-away network namespace, against this kernel: SPI
 * reservation, and the undo of the policies when the SAs cannot be added
 * (no ESP here; where there is ESP the install succeeds and is removed).
 * Traffic through real SAs: tests/kernel/test_gm_sa.sh.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <netinet/in.h>

#include "gm_sa.h"
#include "t.h"
#include "xfrm.h"

static const uint8_t CK[16] = { 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06,
    0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f };
static const uint8_t IK[16] = { 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16,
    0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f };
/* Annex I salts of this CK/IK: the last 4 octets of HMAC-SHA-256(CK || IK,
 * FC || P0 || L0), computed with Python's hmac module (FC 0x59
 * "AES_GCM_SALT", FC 0x58 "AES_GMAC_SALT"). */
static const uint8_t SALT_GCM[4] = { 0x99, 0xca, 0x23, 0x18 };
static const uint8_t SALT_GMAC[4] = { 0x70, 0x40, 0xf6, 0xa2 };

static void
params(struct gm_sa *p, enum gm_sa_side side, int v6)
{
	memset(p, 0, sizeof(*p));
	p->side = side;
	xfrm_ip_parse(v6 ? "fd00::10" : "10.0.0.10", &p->ue);
	xfrm_ip_parse(v6 ? "fd00::1" : "10.0.0.1", &p->pcscf);
	p->port_uc = 5070;
	p->port_us = 5072;
	p->port_pc = 5062;
	p->port_ps = 5064;
	p->spi_uc = 0x1001;
	p->spi_us = 0x1002;
	p->spi_pc = 0x2001;
	p->spi_ps = 0x2002;
	p->alg = SECAGREE_ALG_HMAC_SHA1_96;
	p->ealg = SECAGREE_EALG_AES_CBC;
	memcpy(p->ck, CK, sizeof(CK));
	memcpy(p->ik, IK, sizeof(IK));
	p->lifetime = 30;
}

static int
all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;

	while (n-- > 0)
		if (*b++ != 0)
			return 0;
	return 1;
}

/* --- the plan ------------------------------------------------------------ */

/* TS 33.203 7.1 with the ports and SPIs of params(): name, from the UE?,
 * sport, dport, SPI. */
static const struct {
	const char	*name;
	int		 from_ue;
	uint16_t	 sport, dport;
	uint32_t	 spi;
} want[GM_SA_NSA] = {
	{ "uc->ps", 1, 5070, 5064, 0x2002 },	/* spi_ps */
	{ "ps->uc", 0, 5064, 5070, 0x1001 },	/* spi_uc */
	{ "pc->us", 0, 5062, 5072, 0x1002 },	/* spi_us */
	{ "us->pc", 1, 5072, 5062, 0x2001 },	/* spi_pc */
};

static int
ip_eq(const struct xfrm_ip *a, const struct xfrm_ip *b)
{
	return a->family == b->family && memcmp(&a->u, &b->u, sizeof(a->u)) == 0;
}

static void
check_plan(enum gm_sa_side side, int v6)
{
	struct gm_sa p;
	struct gm_sa_plan pl;
	const struct xfrm_sa *sa;
	const struct xfrm_policy *pol;
	const struct xfrm_ip *src, *dst;
	const char *tag = side == GM_SA_PCSCF ? (v6 ? "pcscf v6" : "pcscf v4") :
	    (v6 ? "ue v6" : "ue v4");
	int i, k, in, nin = 0;

	params(&p, side, v6);
	T_CHECK(gm_sa_plan(&p, &pl) == 0, "%s: plan", tag);
	for (i = 0; i < GM_SA_NSA; i++) {
		sa = &pl.sa[i].sa;
		src = want[i].from_ue ? &p.ue : &p.pcscf;
		dst = want[i].from_ue ? &p.pcscf : &p.ue;
		/* Inbound where the SA ends: at the P-CSCF for the UE's
		 * packets, at the UE for the P-CSCF's. */
		in = want[i].from_ue == (side == GM_SA_PCSCF);
		nin += in;
		T_CHECK(strcmp(pl.sa[i].name, want[i].name) == 0, "%s: name %s",
		    tag, pl.sa[i].name);
		T_CHECK(pl.sa[i].dir == (in ? IMS_XFRM_DIR_IN : IMS_XFRM_DIR_OUT),
		    "%s: %s dir", tag, want[i].name);
		T_CHECK(ip_eq(&sa->src, src) && ip_eq(&sa->dst, dst),
		    "%s: %s addresses", tag, want[i].name);
		T_CHECK(sa->spi == want[i].spi && sa->reqid == want[i].spi,
		    "%s: %s spi 0x%x reqid 0x%x", tag, want[i].name, sa->spi,
		    sa->reqid);
		T_CHECK(sa->ports.proto == 0 && sa->ports.sport == want[i].sport &&
		    sa->ports.dport == want[i].dport, "%s: %s selector %u %u>%u",
		    tag, want[i].name, sa->ports.proto, sa->ports.sport,
		    sa->ports.dport);
		T_CHECK(sa->mode == IMS_XFRM_MODE_TRANSPORT &&
		    sa->replay_window == GM_SA_REPLAY &&
		    sa->hard_add_expires == 30 && sa->soft_add_expires == 0,
		    "%s: %s mode, replay, lifetime", tag, want[i].name);
		T_CHECK(strcmp(sa->auth_alg, "hmac-sha-1-96") == 0 &&
		    strcmp(sa->enc_alg, "aes-cbc") == 0 && sa->aead_alg[0] == '\0',
		    "%s: %s algorithms", tag, want[i].name);
		T_CHECK(all_zero(sa->auth_key, sizeof(sa->auth_key)) &&
		    all_zero(sa->enc_key, sizeof(sa->enc_key)) &&
		    sa->auth_keylen == 0 && sa->enc_keylen == 0,
		    "%s: %s: no keys in the plan", tag, want[i].name);
		for (k = 0; k < 2; k++) {
			pol = &pl.pol[2 * i + k];
			T_CHECK(pol->ports.proto == (k ? IPPROTO_TCP : IPPROTO_UDP),
			    "%s: %s policy %d proto", tag, want[i].name, k);
			T_CHECK(ip_eq(&pol->src, src) && ip_eq(&pol->dst, dst) &&
			    pol->src_plen == 0 && pol->dst_plen == 0,
			    "%s: %s policy %d hosts", tag, want[i].name, k);
			T_CHECK(pol->ports.sport == want[i].sport &&
			    pol->ports.dport == want[i].dport,
			    "%s: %s policy %d ports", tag, want[i].name, k);
			T_CHECK(pol->dir == pl.sa[i].dir, "%s: %s policy %d dir",
			    tag, want[i].name, k);
			T_CHECK(ip_eq(&pol->tmpl_src, src) &&
			    ip_eq(&pol->tmpl_dst, dst) &&
			    pol->mode == IMS_XFRM_MODE_TRANSPORT &&
			    pol->spi == want[i].spi && pol->reqid == want[i].spi,
			    "%s: %s policy %d template", tag, want[i].name, k);
		}
	}
	T_CHECK(nin == 2, "%s: two inbound SAs", tag);
	/* Each side receives under the SPIs it picked itself. */
	for (i = 0; i < GM_SA_NSA; i++)
		if (pl.sa[i].dir == IMS_XFRM_DIR_IN)
			T_CHECK(side == GM_SA_PCSCF ?
			    (pl.sa[i].sa.spi == p.spi_pc || pl.sa[i].sa.spi == p.spi_ps) :
			    (pl.sa[i].sa.spi == p.spi_uc || pl.sa[i].sa.spi == p.spi_us),
			    "%s: inbound %s under our own SPI", tag, pl.sa[i].name);
}

static void
test_plan(void)
{
	struct gm_sa p, u;
	struct gm_sa_plan a, b;
	int i;

	check_plan(GM_SA_PCSCF, 0);
	check_plan(GM_SA_PCSCF, 1);
	check_plan(GM_SA_UE, 0);
	check_plan(GM_SA_UE, 1);

	/* The UE installs the mirror set: same SAs, directions swapped. */
	params(&p, GM_SA_PCSCF, 0);
	params(&u, GM_SA_UE, 0);
	gm_sa_plan(&p, &a);
	gm_sa_plan(&u, &b);
	for (i = 0; i < GM_SA_NSA; i++)
		T_CHECK(memcmp(&a.sa[i].sa, &b.sa[i].sa, sizeof(a.sa[i].sa)) == 0 &&
		    a.sa[i].dir != b.sa[i].dir, "mirror %s", a.sa[i].name);

	/* Integrity only: ESP with NULL encryption; md5. */
	p.alg = SECAGREE_ALG_HMAC_MD5_96;
	p.ealg = SECAGREE_EALG_NULL;
	T_CHECK(gm_sa_plan(&p, &a) == 0 &&
	    strcmp(a.sa[0].sa.auth_alg, "hmac-md5-96") == 0 &&
	    strcmp(a.sa[0].sa.enc_alg, "null") == 0, "md5 + null");
	p.ealg = SECAGREE_EALG_DES_EDE3_CBC;
	T_CHECK(gm_sa_plan(&p, &a) == 0 &&
	    strcmp(a.sa[3].sa.enc_alg, "des-ede3-cbc") == 0, "3des");

	/* AES-GCM (alg null) and AES-GMAC (ealg null): one AEAD transform,
	 * no separate integrity or encryption one, on all four SAs. */
	p.alg = SECAGREE_ALG_NULL;
	p.ealg = SECAGREE_EALG_AES_GCM;
	T_CHECK(gm_sa_plan(&p, &a) == 0, "plan gcm");
	for (i = 0; i < GM_SA_NSA; i++)
		T_CHECK(strcmp(a.sa[i].sa.aead_alg, "aes-gcm") == 0 &&
		    a.sa[i].sa.auth_alg[0] == '\0' &&
		    a.sa[i].sa.enc_alg[0] == '\0' &&
		    a.sa[i].sa.aead_keylen == 0, "gcm %s: aead only",
		    a.sa[i].name);
	p.alg = SECAGREE_ALG_AES_GMAC;
	p.ealg = SECAGREE_EALG_NULL;
	T_CHECK(gm_sa_plan(&p, &a) == 0, "plan gmac");
	for (i = 0; i < GM_SA_NSA; i++)
		T_CHECK(strcmp(a.sa[i].sa.aead_alg, "aes-gmac") == 0 &&
		    a.sa[i].sa.auth_alg[0] == '\0' &&
		    a.sa[i].sa.enc_alg[0] == '\0', "gmac %s: aead only",
		    a.sa[i].name);
}

static void
test_refusals(void)
{
	struct gm_sa p;
	struct gm_sa_plan pl;

#define REFUSED(what, change) do {					\
	params(&p, GM_SA_PCSCF, 0);					\
	change;								\
	T_CHECK(gm_sa_plan(&p, &pl) == -EINVAL, "refused: %s", what);	\
} while (0)
	REFUSED("mixed families", xfrm_ip_parse("fd00::10", &p.ue));
	REFUSED("no address", memset(&p.pcscf, 0, sizeof(p.pcscf)));
	REFUSED("same address", p.ue = p.pcscf);
	REFUSED("port 0", p.port_ps = 0);
	REFUSED("both port pairs equal",
	    p.port_us = p.port_uc; p.port_pc = p.port_ps);
	REFUSED("reserved SPI", p.spi_us = 255);
	REFUSED("spi_uc == spi_us", p.spi_us = p.spi_uc);
	REFUSED("spi_pc == spi_ps", p.spi_ps = p.spi_pc);
	REFUSED("no alg", p.alg = SECAGREE_ALG_NONE);
	REFUSED("unknown alg", p.alg = SECAGREE_ALG_OTHER);
	REFUSED("unknown ealg", p.ealg = SECAGREE_EALG_OTHER);
	/* Annex H pairs without an SA: two integrity transforms or none. */
	REFUSED("hmac-sha-1-96 + aes-gcm", p.ealg = SECAGREE_EALG_AES_GCM);
	REFUSED("aes-gmac + aes-cbc", p.alg = SECAGREE_ALG_AES_GMAC);
	REFUSED("alg null + aes-cbc", p.alg = SECAGREE_ALG_NULL);
	REFUSED("alg null + ealg null",
	    p.alg = SECAGREE_ALG_NULL; p.ealg = SECAGREE_EALG_NULL);
	REFUSED("lifetime 0", p.lifetime = 0);
	REFUSED("side", p.side = (enum gm_sa_side)7);
#undef REFUSED
	T_CHECK(gm_sa_plan(NULL, &pl) == -EINVAL, "NULL");
	/* Allowed: the UE's and the P-CSCF's SPIs may coincide (two
	 * receivers); so may any two ports but both pairs. */
	params(&p, GM_SA_PCSCF, 0);
	p.spi_pc = p.spi_uc;
	p.port_pc = p.port_us;
	T_CHECK(gm_sa_plan(&p, &pl) == 0, "SPIs of the two ends may coincide");
	params(&p, GM_SA_UE, 0);
	p.port_us = p.port_uc;
	T_CHECK(gm_sa_plan(&p, &pl) == 0, "port_uc == port_us alone");
}

/* --- a fake kernel ------------------------------------------------------- */

static struct fsa {
	struct xfrm_ip	dst;
	uint32_t	spi, reqid;
	int		ours, larval;
	uint64_t	hard, add_time;
} fsa[16];
static int nfsa;
static struct xfrm_policy fpol[32];
static int nfpol;
static int fcalls, ffail_at = -1, fkeys_bad, fplace_bad;
static size_t fwant_alen, fwant_elen, fwant_aeadlen;
static uint8_t fwant_akey[32], fwant_ekey[32], fwant_aead[32];
static uint32_t fnext_spi;

static void
fake_reset(void)
{
	memset(fsa, 0, sizeof(fsa));
	memset(fpol, 0, sizeof(fpol));
	nfsa = nfpol = fcalls = fkeys_bad = fplace_bad = 0;
	ffail_at = -1;
	fnext_spi = 0x5000;
}

/* The injected failure: the ffail_at-th add/update fails. */
static int
fstep(void)
{
	return fcalls++ == ffail_at ? -ENOBUFS : 0;
}

static struct fsa *
ffind(const struct xfrm_ip *dst, uint32_t spi)
{
	int i;

	for (i = 0; i < nfsa; i++)
		if (fsa[i].spi == spi && ip_eq(&fsa[i].dst, dst))
			return &fsa[i];
	return NULL;
}

static void
fdrop(struct fsa *s)
{
	*s = fsa[--nfsa];
}

/* Like xfrm: keys wiped from the caller's struct, success or not. */
static void
fwipe(struct xfrm_sa *sa)
{
	memset(sa->auth_key, 0, sizeof(sa->auth_key));
	memset(sa->enc_key, 0, sizeof(sa->enc_key));
	memset(sa->aead_key, 0, sizeof(sa->aead_key));
	sa->auth_keylen = sa->enc_keylen = sa->aead_keylen = 0;
}

/* The key lengths the SA must carry. */
static int
fkeylens_ok(const struct xfrm_sa *sa)
{
	return sa->auth_keylen == fwant_alen && sa->enc_keylen == fwant_elen &&
	    sa->aead_keylen == fwant_aeadlen;
}

static int
fkeys_ok(const struct xfrm_sa *sa)
{
	return fkeylens_ok(sa) &&
	    memcmp(sa->auth_key, fwant_akey, fwant_alen) == 0 &&
	    memcmp(sa->enc_key, fwant_ekey, fwant_elen) == 0 &&
	    memcmp(sa->aead_key, fwant_aead, fwant_aeadlen) == 0;
}

static int
f_sa_add(struct xfrm_nl *h, struct xfrm_sa *sa)
{
	int rc;

	(void)h;
	fkeys_bad += !fkeys_ok(sa);
	if ((rc = fstep()) == 0 && ffind(&sa->dst, sa->spi) != NULL)
		rc = -EEXIST;
	if (rc == 0) {
		memset(&fsa[nfsa], 0, sizeof(fsa[nfsa]));
		fsa[nfsa].dst = sa->dst;
		fsa[nfsa].spi = sa->spi;
		fsa[nfsa].reqid = sa->reqid;
		fsa[nfsa].ours = 1;
		fsa[nfsa].hard = sa->hard_add_expires;
		fsa[nfsa++].add_time = (uint64_t)time(NULL) - 100;
	}
	fwipe(sa);
	return rc;
}

/* UPDSA: a larval state becomes the SA; an SA takes the new lifetime and
 * keeps its keys (the kernel's xfrm_state_update). */
static int
f_sa_update(struct xfrm_nl *h, struct xfrm_sa *sa)
{
	struct fsa *s;
	int rc;

	(void)h;
	rc = fstep();
	s = ffind(&sa->dst, sa->spi);
	if (rc == 0 && s == NULL)
		rc = -ESRCH;
	if (rc == 0) {
		if (s->larval) {
			fkeys_bad += !fkeys_ok(sa);
			s->reqid = sa->reqid;
			s->add_time = (uint64_t)time(NULL) - 100;
		} else {
			/* New lifetime: random placeholders, right sizes. */
			fplace_bad += !fkeylens_ok(sa);
		}
		s->larval = 0;
		s->ours = 1;
		s->hard = sa->hard_add_expires;
	}
	fwipe(sa);
	return rc;
}

static int
f_sa_del(struct xfrm_nl *h, const struct xfrm_ip *dst, uint32_t spi)
{
	struct fsa *s = ffind(dst, spi);

	(void)h;
	if (s == NULL)
		return -ESRCH;
	fdrop(s);
	return 0;
}

static int
f_sa_get(struct xfrm_nl *h, const struct xfrm_ip *dst, uint32_t spi,
    struct xfrm_sa_info *si)
{
	struct fsa *s = ffind(dst, spi);

	(void)h;
	if (s == NULL)
		return -ESRCH;
	memset(si, 0, sizeof(*si));
	si->dst = *dst;
	si->spi = spi;
	si->ours = s->ours;
	si->reqid = s->reqid;
	si->add_time = s->add_time;
	return 0;
}

static int
fpol_same(const struct xfrm_policy *a, const struct xfrm_policy *b)
{
	return ip_eq(&a->src, &b->src) && ip_eq(&a->dst, &b->dst) &&
	    a->ports.proto == b->ports.proto && a->ports.sport == b->ports.sport &&
	    a->ports.dport == b->ports.dport && a->dir == b->dir;
}

static int
f_policy_add(struct xfrm_nl *h, struct xfrm_policy *pol)
{
	int i, rc;

	(void)h;
	if ((rc = fstep()) < 0)
		return rc;
	for (i = 0; i < nfpol; i++)
		if (fpol_same(&fpol[i], pol))
			return -EEXIST;
	fpol[nfpol++] = *pol;
	return 0;
}

static int
f_policy_del(struct xfrm_nl *h, const struct xfrm_policy *pol)
{
	int i;

	(void)h;
	for (i = 0; i < nfpol; i++)
		if (fpol_same(&fpol[i], pol)) {
			fpol[i] = fpol[--nfpol];
			return 0;
		}
	return -ENOENT;
}

/* ALLOCSPI: like the kernel, a second request with the same addresses and
 * reqid gets the larval state (and SPI) of the first. */
static int
f_spi_alloc(struct xfrm_nl *h, const struct xfrm_ip *src,
    const struct xfrm_ip *dst, uint32_t min, uint32_t max, uint32_t reqid,
    uint32_t *spi)
{
	int i;

	(void)h;
	(void)src;
	for (i = 0; i < nfsa; i++)
		if (fsa[i].larval && fsa[i].reqid == reqid &&
		    ip_eq(&fsa[i].dst, dst)) {
			*spi = fsa[i].spi;
			return 0;
		}
	if (fnext_spi < min || fnext_spi > max)
		return -ENOENT;
	memset(&fsa[nfsa], 0, sizeof(fsa[nfsa]));
	fsa[nfsa].dst = *dst;
	fsa[nfsa].spi = *spi = fnext_spi++;
	fsa[nfsa].reqid = reqid;
	fsa[nfsa++].larval = 1;
	return 0;
}

static const struct gm_sa_ops fake_ops = {
	.sa_add = f_sa_add,
	.sa_update = f_sa_update,
	.sa_del = f_sa_del,
	.sa_get = f_sa_get,
	.policy_add = f_policy_add,
	.policy_del = f_policy_del,
	.spi_alloc = f_spi_alloc,
};

/* The keys Annex I gives for p's algorithms with CK/IK. */
static void
fake_want_keys(const struct gm_sa *p)
{
	int gcm = p->ealg == SECAGREE_EALG_AES_GCM;

	if (p->alg == SECAGREE_ALG_NULL || p->alg == SECAGREE_ALG_AES_GMAC) {
		/* AEAD: CK (gcm) or IK (gmac) || salt */
		fwant_alen = fwant_elen = 0;
		fwant_aeadlen = 20;
		memcpy(fwant_aead, gcm ? CK : IK, 16);
		memcpy(fwant_aead + 16, gcm ? SALT_GCM : SALT_GMAC, 4);
		return;
	}
	fwant_aeadlen = 0;
	fwant_alen = (size_t)ipsec3gpp_auth_keylen(p->alg);
	fwant_elen = (size_t)ipsec3gpp_enc_keylen(p->ealg);
	memset(fwant_akey, 0, sizeof(fwant_akey));
	memcpy(fwant_akey, IK, 16);		/* sha1: || 32 zero bits */
	memcpy(fwant_ekey, CK, 16);
	memcpy(fwant_ekey + 16, CK, 8);		/* 3des: CK1 || CK2 || CK1 */
}

static void
test_fake_install(void)
{
	struct gm_sa p, q;
	int k, rc, nsa, npol, larval;
	static const struct {
		enum secagree_alg	alg;
		enum secagree_ealg	ealg;
	} pairs[] = {
		{ SECAGREE_ALG_HMAC_MD5_96, SECAGREE_EALG_NULL },
		{ SECAGREE_ALG_HMAC_SHA1_96, SECAGREE_EALG_AES_CBC },
		{ SECAGREE_ALG_HMAC_MD5_96, SECAGREE_EALG_DES_EDE3_CBC },
		{ SECAGREE_ALG_HMAC_SHA1_96, SECAGREE_EALG_NULL },
		{ SECAGREE_ALG_HMAC_MD5_96, SECAGREE_EALG_AES_CBC },
		{ SECAGREE_ALG_HMAC_SHA1_96, SECAGREE_EALG_DES_EDE3_CBC },
		{ SECAGREE_ALG_NULL, SECAGREE_EALG_AES_GCM },
		{ SECAGREE_ALG_AES_GMAC, SECAGREE_EALG_NULL },
		{ SECAGREE_ALG_NULL, SECAGREE_EALG_AES_GCM },
		{ SECAGREE_ALG_AES_GMAC, SECAGREE_EALG_NULL },
	};
	const int npairs = (int)(sizeof(pairs) / sizeof(pairs[0]));

	gm_sa_set_ops(&fake_ops);

	/* Success, every algorithm pair (AES-GCM and AES-GMAC on both sides
	 * and families): 8 policies and 4 SAs with the Annex I keys; CK/IK
	 * wiped; removal takes all of it. */
	for (k = 0; k < npairs; k++) {
		fake_reset();
		params(&p, k % 2 ? GM_SA_UE : GM_SA_PCSCF, k % 4 >= 2);
		p.alg = pairs[k].alg;
		p.ealg = pairs[k].ealg;
		fake_want_keys(&p);
		T_CHECK(gm_sa_install(NULL, &p) == 0, "install %d", k);
		T_CHECK(nfsa == 4 && nfpol == 8, "install %d: %d SAs %d policies",
		    k, nfsa, nfpol);
		T_CHECK(fkeys_bad == 0, "install %d: Annex I keys handed over", k);
		T_CHECK(all_zero(p.ck, sizeof(p.ck)) && all_zero(p.ik, sizeof(p.ik)),
		    "install %d: CK/IK wiped", k);
		T_CHECK(gm_sa_remove(NULL, &p, &nsa, &npol) == 0 && nsa == 4 &&
		    npol == 8 && nfsa == 0 && nfpol == 0, "remove %d: %d/%d",
		    k, nsa, npol);
		T_CHECK(gm_sa_remove(NULL, &p, &nsa, &npol) == 0 && nsa == 0 &&
		    npol == 0, "remove %d again: nothing, no error", k);
	}

	/* A failure at each of the 12 steps, with and without reserved SPIs:
	 * the error comes back and nothing is left, larval states included. */
	for (larval = 0; larval < 2; larval++)
		for (k = 0; k < GM_SA_NPOL + GM_SA_NSA; k++) {
			fake_reset();
			params(&p, larval ? GM_SA_PCSCF : GM_SA_UE, k % 2);
			fake_want_keys(&p);
			if (larval)
				T_CHECK(gm_sa_alloc_spis(NULL, &p, 0, 0) == 0 &&
				    p.larval == 1 && nfsa == 2, "alloc");
			fcalls = 0;
			ffail_at = k;
			rc = gm_sa_install(NULL, &p);
			T_CHECK(rc == -ENOBUFS, "fail at %d (larval %d): rc %d", k,
			    larval, rc);
			T_CHECK(nfsa == 0 && nfpol == 0, "fail at %d (larval %d): "
			    "%d SAs %d policies left", k, larval, nfsa, nfpol);
			T_CHECK(all_zero(p.ck, sizeof(p.ck)) && p.larval == 0,
			    "fail at %d: keys wiped, larval cleared", k);
		}

	/* An SA that is there already (-EEXIST) is not ours to undo. */
	fake_reset();
	params(&p, GM_SA_PCSCF, 0);
	fake_want_keys(&p);
	memset(&fsa[0], 0, sizeof(fsa[0]));
	fsa[0].dst = p.ue;
	fsa[0].spi = p.spi_us;		/* pc->us, the third SA */
	nfsa = 1;
	T_CHECK(gm_sa_install(NULL, &p) == -EEXIST, "foreign SA: EEXIST");
	T_CHECK(nfsa == 1 && fsa[0].spi == p.spi_us && !fsa[0].ours &&
	    nfpol == 0, "foreign SA stays, ours gone");
	/* Removal leaves a foreign SA at one of our SPIs alone. */
	params(&q, GM_SA_PCSCF, 0);
	q.spi_us = 0x7777;
	fake_want_keys(&q);
	T_CHECK(gm_sa_install(NULL, &q) == 0 && nfsa == 5, "install beside it");
	T_CHECK(gm_sa_remove(NULL, &p, &nsa, &npol) == 0 && nsa == 3 &&
	    npol == 8 && nfsa == 2 && ffind(&p.ue, p.spi_us) != NULL,
	    "remove: 3 of ours, the foreign one stays (%d)", nsa);

	/* SPI reservation: two distinct SPIs although the fake, like the
	 * kernel, would hand out one larval state twice for one reqid. */
	fake_reset();
	params(&p, GM_SA_PCSCF, 0);
	p.spi_pc = p.spi_ps = 0;
	T_CHECK(gm_sa_alloc_spis(NULL, &p, 0, 0) == 0 && p.spi_pc == 0x5000 &&
	    p.spi_ps == 0x5001 && p.spi_uc == 0x1001 && p.larval, "pcscf SPIs");
	params(&q, GM_SA_UE, 0);
	T_CHECK(gm_sa_alloc_spis(NULL, &q, 0, 0) == 0 && q.spi_uc == 0x5002 &&
	    q.spi_us == 0x5003 && q.spi_pc == 0x2001, "ue SPIs");
	T_CHECK(gm_sa_alloc_spis(NULL, &q, 0x100, 0x5004) == -ENOENT &&
	    q.spi_uc == 0x5002 && nfsa == 4, "range exhausted: first released, "
	    "nothing changed");
	T_CHECK(gm_sa_alloc_spis(NULL, &q, 10, 20) == -EINVAL, "range < 256");
	/* Removal with larval set: the unmarked larval states go. */
	T_CHECK(gm_sa_remove(NULL, &p, &nsa, &npol) == 0 && nsa == 2 &&
	    npol == 0, "larval states removed (%d)", nsa);
	gm_sa_set_ops(NULL);
}

static void
test_fake_lifetime(void)
{
	struct gm_sa p;
	uint64_t h;
	int i;

	gm_sa_set_ops(&fake_ops);
	/* The placeholder keys of an AEAD set have the AEAD length. */
	fake_reset();
	params(&p, GM_SA_PCSCF, 0);
	p.alg = SECAGREE_ALG_NULL;
	p.ealg = SECAGREE_EALG_AES_GCM;
	fake_want_keys(&p);
	T_CHECK(gm_sa_install(NULL, &p) == 0 && fkeys_bad == 0, "install gcm");
	T_CHECK(gm_sa_set_lifetime(NULL, &p, 3600) == 0 && fplace_bad == 0,
	    "gcm: new lifetime, placeholders of 20 octets");
	fake_reset();
	params(&p, GM_SA_UE, 1);
	fake_want_keys(&p);
	T_CHECK(gm_sa_install(NULL, &p) == 0, "install");
	T_CHECK(gm_sa_set_lifetime(NULL, &p, 3600) == 0 && fplace_bad == 0,
	    "set lifetime");
	for (i = 0; i < nfsa; i++) {
		/* The fake's SAs were added 100 s ago. */
		h = fsa[i].hard;
		T_CHECK(h >= 3700 && h <= 3702, "hard %llu = age + 3600",
		    (unsigned long long)h);
	}
	T_CHECK(gm_sa_set_lifetime(NULL, &p, 0) == -EINVAL, "0 s refused");
	fsa[2].ours = 0;
	T_CHECK(gm_sa_set_lifetime(NULL, &p, 60) == -EPERM, "not ours: EPERM");
	fdrop(&fsa[2]);
	T_CHECK(gm_sa_set_lifetime(NULL, &p, 60) == -ESRCH, "missing: ESRCH");
	gm_sa_set_ops(NULL);
}

/* --- this kernel, in a throw-away namespace ------------------------------ */

static void
netns_part(void)
{
	struct xfrm_nl *h;
	struct gm_sa p, q;
	struct xfrm_sa_info si;
	int rc, nsa = -1, npol = -1;

	T_CHECK((h = xfrm_open()) != NULL, "xfrm_open: %s", strerror(errno));
	if (h == NULL)
		return;
	/* SPI reservation: four distinct SPIs in range, for two sets
	 * between the same hosts. */
	params(&p, GM_SA_PCSCF, 0);
	params(&q, GM_SA_PCSCF, 0);
	T_CHECK(gm_sa_alloc_spis(h, &p, 0x3000, 0x3fff) == 0 &&
	    gm_sa_alloc_spis(h, &q, 0x3000, 0x3fff) == 0, "alloc twice");
	T_CHECK(p.spi_pc >= 0x3000 && p.spi_pc <= 0x3fff &&
	    p.spi_ps >= 0x3000 && p.spi_ps <= 0x3fff && p.spi_pc != p.spi_ps &&
	    q.spi_pc != p.spi_pc && q.spi_pc != p.spi_ps &&
	    q.spi_ps != p.spi_pc && q.spi_ps != p.spi_ps && q.spi_pc != q.spi_ps,
	    "distinct SPIs 0x%x 0x%x 0x%x 0x%x", p.spi_pc, p.spi_ps, q.spi_pc,
	    q.spi_ps);
	T_CHECK(xfrm_sa_get(h, &p.pcscf, p.spi_ps, &si) == 0 && !si.ours,
	    "larval state there, unmarked");
	T_CHECK(gm_sa_remove(h, &q, &nsa, &npol) == 0 && nsa == 2 && npol == 0,
	    "remove q's larval states: %d %d", nsa, npol);

	/* Install: the policies go in; the SAs only where there is ESP.
	 * Either way nothing of ours is left after a failure or a removal,
	 * and the larval states are gone too. */
	rc = gm_sa_install(h, &p);
	if (rc == 0) {
		T_CHECK(xfrm_list_ours(h, NULL, NULL, &nsa, &npol) == 0 &&
		    nsa == 4 && npol == 8, "installed: %d SAs %d policies", nsa,
		    npol);
		T_CHECK(gm_sa_set_lifetime(h, &p, 600) == 0, "new lifetime");
		T_CHECK(gm_sa_remove(h, &p, &nsa, &npol) == 0 && nsa == 4 &&
		    npol == 8, "removed %d %d", nsa, npol);
	} else {
		T_CHECK(rc == -EPROTONOSUPPORT,
		    "install without ESP: %s", strerror(-rc));
		printf("test_gm_sa: no ESP in this kernel (%s): the undo of the "
		    "policies was tested\n", strerror(-rc));
	}
	T_CHECK(xfrm_list_ours(h, NULL, NULL, &nsa, &npol) == 0 && nsa == 0 &&
	    npol == 0, "nothing of ours left: %d SAs %d policies", nsa, npol);
	T_CHECK(xfrm_sa_get(h, &p.pcscf, p.spi_pc, &si) == -ESRCH &&
	    xfrm_sa_get(h, &p.pcscf, p.spi_ps, &si) == -ESRCH,
	    "no larval state left");
	xfrm_close(h);
}

int
main(void)
{
	test_plan();
	test_refusals();
	test_fake_install();
	test_fake_lifetime();
	t_in_netns("test_gm_sa", netns_part);
	return t_done("test_gm_sa");
}
