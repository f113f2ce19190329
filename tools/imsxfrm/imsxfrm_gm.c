/* imsxfrm_gm.c - imsxfrm's Gm commands: `gm-keys` prints the ESP keys TS
 * 33.203 Annex I derives from CK/IK (common/ipsec3gpp; demos and
 * debugging), `gm-sa alloc-spis|install|set-lifetime|remove` drive
 * common/ipsec/gm_sa (the 7.1 set of one side).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "gm_sa.h"
#include "imsxfrm.h"
#include "ipsec3gpp.h"
#include "secagree.h"
#include "util.h"

static void
alg_tokens(const struct args *a, enum secagree_alg *alg,
    enum secagree_ealg *ealg)
{
	enum secagree_alg ai;
	enum secagree_ealg ei;

	need("alg", a->alg);
	*alg = SECAGREE_ALG_NONE;
	for (ai = SECAGREE_ALG_HMAC_MD5_96; ai < SECAGREE_ALG_OTHER; ai++)
		if (strcmp(a->alg, secagree_alg_name(ai)) == 0)
			*alg = ai;
	if (*alg == SECAGREE_ALG_NONE)
		xusage("unknown --alg %s", a->alg);
	*ealg = SECAGREE_EALG_NULL;
	if (a->ealg != NULL) {
		for (ei = SECAGREE_EALG_NULL; ei < SECAGREE_EALG_OTHER; ei++)
			if (strcmp(a->ealg, secagree_ealg_name(ei)) == 0)
				break;
		if (ei == SECAGREE_EALG_OTHER)
			xusage("unknown --ealg %s", a->ealg);
		*ealg = ei;
	}
}

/* gm-keys of an AEAD pair (aes-gcm, aes-gmac): one key, key || salt. */
static int
gm_keys_aead(enum secagree_alg alg, enum secagree_ealg ealg,
    const uint8_t *ck, const uint8_t *ik)
{
	uint8_t key[IPSEC3GPP_AEAD_KEY_LEN];
	char hex[2 * sizeof(key) + 1];
	const char *name = ipsec3gpp_xfrm_aead(alg, ealg);
	size_t len = sizeof(key);
	int rc;

	rc = ipsec3gpp_aead_key(alg, ealg, ck, ik, key, &len);
	if (rc < 0 || name == NULL ||
	    !xfrm_alg_key_ok(xfrm_alg_lookup(name), len)) {
		secure_wipe(key, sizeof(key));
		fprintf(stderr, "imsxfrm: gm-keys: %s\n", strerror(rc < 0 ?
		    -rc : EINVAL));
		return 1;
	}
	hex_encode(key, len, hex);
	secure_wipe(key, sizeof(key));
	fprintf(stderr, "imsxfrm: gm-keys: warning: ESP key material on "
	    "stdout (demo/debugging only)\n");
	printf("aead_alg=%s\naead_key=%s\n", name, hex);
	secure_wipe(hex, sizeof(hex));
	return 0;
}

/* TS 33.203 Annex I: the ESP keys of the Gm SAs from CK/IK.  The alg and
 * ealg tokens are those of the Security-Client/-Server headers (Annex H). */
int
cmd_gm_keys(const struct args *a)
{
	uint8_t ck[IPSEC3GPP_CK_LEN], ik[IPSEC3GPP_IK_LEN];
	uint8_t akey[IPSEC3GPP_AUTH_KEY_MAX], ekey[IPSEC3GPP_ENC_KEY_MAX];
	char ahex[2 * sizeof(akey) + 1], ehex[2 * sizeof(ekey) + 1];
	enum secagree_alg alg;
	enum secagree_ealg ealg;
	const char *aname, *ename;
	size_t alen = sizeof(akey), elen = sizeof(ekey);
	int rc;

	need("ck", a->ck);
	need("ik", a->ik);
	alg_tokens(a, &alg, &ealg);
	if (!secagree_pair_ok(alg, ealg))
		xusage("--alg %s with --ealg %s makes no SA (TS 33.203 Annex H)",
		    a->alg, a->ealg != NULL ? a->ealg : "null");
	if (hex_decode(a->ck, ck, sizeof(ck)) < 0)
		xusage("bad --ck (32 hex digits expected)");
	if (hex_decode(a->ik, ik, sizeof(ik)) < 0)
		xusage("bad --ik (32 hex digits expected)");
	if (ipsec3gpp_is_aead(alg, ealg)) {
		rc = gm_keys_aead(alg, ealg, ck, ik);
		secure_wipe(ck, sizeof(ck));
		secure_wipe(ik, sizeof(ik));
		return rc;
	}
	rc = ipsec3gpp_esp_keys(alg, ealg, ck, ik, akey, &alen, ekey, &elen);
	secure_wipe(ck, sizeof(ck));
	secure_wipe(ik, sizeof(ik));
	aname = ipsec3gpp_xfrm_auth(alg);
	ename = ipsec3gpp_xfrm_enc(ealg);
	if (rc < 0 || aname == NULL || ename == NULL ||
	    !xfrm_alg_key_ok(xfrm_alg_lookup(aname), alen) ||
	    !xfrm_alg_key_ok(xfrm_alg_lookup(ename), elen))
		xusage("no TS 33.203 key expansion for %s/%s",
		    a->alg, a->ealg != NULL ? a->ealg : "null");
	hex_encode(akey, alen, ahex);
	hex_encode(ekey, elen, ehex);
	secure_wipe(akey, sizeof(akey));
	secure_wipe(ekey, sizeof(ekey));
	fprintf(stderr, "imsxfrm: gm-keys: warning: ESP key material on "
	    "stdout (demo/debugging only)\n");
	printf("auth_alg=%s\nauth_key=%s\nenc_alg=%s\nenc_key=%s\n",
	    aname, ahex, ename, ehex);
	secure_wipe(ahex, sizeof(ahex));
	secure_wipe(ehex, sizeof(ehex));
	return 0;
}

/* The gm-sa options into *p: side and addresses always; with `set` the
 * ports and SPIs too. */
static void
gm_sa_arg(const struct args *a, struct gm_sa *p, int set)
{
	memset(p, 0, sizeof(*p));
	need("side", a->side);
	if (strcmp(a->side, "pcscf") == 0)
		p->side = GM_SA_PCSCF;
	else if (strcmp(a->side, "ue") == 0)
		p->side = GM_SA_UE;
	else
		xusage("bad --side %s (pcscf or ue)", a->side);
	ip("ue", a->ue, &p->ue);
	ip("pcscf", a->pcscf, &p->pcscf);
	if (p->ue.family != p->pcscf.family)
		xusage("--ue and --pcscf of different families");
	if (!set)
		return;
	need("port-uc", a->port_uc);
	need("port-us", a->port_us);
	need("port-pc", a->port_pc);
	need("port-ps", a->port_ps);
	p->port_uc = (uint16_t)num("port-uc", a->port_uc, 65535);
	p->port_us = (uint16_t)num("port-us", a->port_us, 65535);
	p->port_pc = (uint16_t)num("port-pc", a->port_pc, 65535);
	p->port_ps = (uint16_t)num("port-ps", a->port_ps, 65535);
	need("spi-uc", a->spi_uc);
	need("spi-us", a->spi_us);
	need("spi-pc", a->spi_pc);
	need("spi-ps", a->spi_ps);
	p->spi_uc = (uint32_t)num("spi-uc", a->spi_uc, UINT32_MAX);
	p->spi_us = (uint32_t)num("spi-us", a->spi_us, UINT32_MAX);
	p->spi_pc = (uint32_t)num("spi-pc", a->spi_pc, UINT32_MAX);
	p->spi_ps = (uint32_t)num("spi-ps", a->spi_ps, UINT32_MAX);
	if (a->larval != NULL) {
		if (strcmp(a->larval, "yes") != 0 && strcmp(a->larval, "no") != 0)
			xusage("bad --larval %s (yes or no)", a->larval);
		p->larval = strcmp(a->larval, "yes") == 0;
	}
	/* remove needs no algorithms: any valid pair passes the checks. */
	p->alg = SECAGREE_ALG_HMAC_SHA1_96;
	p->ealg = SECAGREE_EALG_NULL;
	if (a->alg != NULL || a->ealg != NULL)
		alg_tokens(a, &p->alg, &p->ealg);
	p->lifetime = 1;
	if (a->lifetime != NULL &&
	    (p->lifetime = (uint32_t)num("lifetime", a->lifetime,
	    UINT32_MAX)) == 0)
		xusage("--lifetime must be at least 1 s");
}

/* gm-sa ACTION: the TS 33.203 7.1 set through common/ipsec/gm_sa. */
int
cmd_gm_sa(struct xfrm_nl *h, const struct args *a)
{
	struct gm_sa p;
	struct gm_sa_plan pl;
	uint32_t min = 0, max = 0;
	int rc, nsa = 0, npol = 0;

	if (strcmp(cmd, "gm-sa alloc-spis") == 0) {
		gm_sa_arg(a, &p, 0);
		if (a->min != NULL || a->max != NULL) {
			need("min", a->min);
			need("max", a->max);
			min = (uint32_t)num("min", a->min, UINT32_MAX);
			max = (uint32_t)num("max", a->max, UINT32_MAX);
			if (min < 256 || min >= max)
				xusage("need 256 <= --min < --max");
		}
		if ((rc = gm_sa_alloc_spis(h, &p, min, max)) < 0)
			return kernel_error(rc);
		if (p.side == GM_SA_PCSCF)
			printf("spi_pc=0x%08x\nspi_ps=0x%08x\n", p.spi_pc,
			    p.spi_ps);
		else
			printf("spi_uc=0x%08x\nspi_us=0x%08x\n", p.spi_uc,
			    p.spi_us);
		return 0;
	}
	gm_sa_arg(a, &p, 1);
	if (strcmp(cmd, "gm-sa remove") != 0) {
		need("alg", a->alg);
		need("lifetime", a->lifetime);
	}
	if (gm_sa_plan(&p, &pl) < 0)
		xusage("parameters TS 33.203 7.1 does not allow (distinct "
		    "addresses; not both uc == us and pc == ps; SPIs >= 256 "
		    "with uc != us and pc != ps; an Annex H alg/ealg pair)");
	if (strcmp(cmd, "gm-sa remove") == 0) {
		rc = gm_sa_remove(h, &p, &nsa, &npol);
		printf("removed: sa=%d policy=%d\n", nsa, npol);
		return rc < 0 ? kernel_error(rc) : 0;
	}
	if (strcmp(cmd, "gm-sa set-lifetime") == 0) {
		if ((rc = gm_sa_set_lifetime(h, &p, p.lifetime)) < 0)
			return kernel_error(rc);
		printf("lifetime: %u s\n", p.lifetime);
		return 0;
	}
	need("ck", a->ck);
	need("ik", a->ik);
	if (hex_decode(a->ck, p.ck, sizeof(p.ck)) < 0 ||
	    hex_decode(a->ik, p.ik, sizeof(p.ik)) < 0) {
		secure_wipe(&p, sizeof(p));
		xusage("bad --ck/--ik (32 hex digits each)");
	}
	rc = gm_sa_install(h, &p);	/* wipes p.ck, p.ik */
	if (rc < 0)
		return kernel_error(rc);
	printf("installed: sa=%d policy=%d\n", GM_SA_NSA, GM_SA_NPOL);
	return 0;
}

