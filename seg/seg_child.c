/* seg_child.c - the CHILD_SA (RFC 7296 1.3): SA2 with the ESP proposals
 * (3.3), the traffic selectors and their narrowing (2.9), KEYMAT (2.17)
 * into the kernel; for IKE_AUTH (seg_auth.c) and CREATE_CHILD_SA, here:
 * rekeying the CHILD_SA (1.3.3, 2.8): a new SA pair with fresh nonces
 * (no PFS), then the old pair deleted (1.4.1).
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "check.h"
#include "log.h"
#include "seg_ike.h"

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static void
put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

int
seg_child_spi(uint32_t *spi)
{
	do {	/* 1..255 are reserved (RFC 4303 2.1) */
		IMS_CHECK_RC(seg_ike_random(spi, sizeof(*spi)));
	} while (*spi < 0x100);
	return 0;
}

static void
ts_one(struct ike_ts_pl *t, const struct xfrm_ip *net, uint8_t plen)
{
	memset(t, 0, sizeof(*t));
	t->n = 1;
	ike_ts_from_prefix(&t->ts[0], net->family,
	    net->family == AF_INET ? (const void *)&net->u.v4 :
	    (const void *)&net->u.v6, plen);
}

/* The single selector of a TS payload as a prefix inside net/plen (the
 * responder may only narrow, 2.9). */
static int
ts_within(const struct ike_ts_pl *t, const struct xfrm_ip *net,
    uint8_t plen, struct xfrm_ip *out, uint8_t *oplen)
{
	struct xfrm_ip a;

	if (t->n != 1 || seg_ts_to_prefix(&t->ts[0], out, oplen) < 0 ||
	    out->family != net->family || *oplen < plen)
		return -EINVAL;
	a = *out;
	seg_prefix_mask(&a, plen);
	return memcmp(&a.u, &net->u, net->family == AF_INET ? 4 : 16) == 0 ?
	    0 : -EINVAL;
}

void
seg_child_wr_offer(struct seg_ike *sa, uint32_t spi, const uint8_t *ni,
    size_t nilen, struct ike_wr *w)
{
	const struct seg *s = sa->s;
	const struct seg_peer *p = sa->peer;
	struct ike_sa_pl esp;
	struct ike_ts_pl tsi, tsr;
	size_t i;

	memset(&esp, 0, sizeof(esp));
	for (i = 0; i < s->nesp; i++) {
		esp.prop[i] = s->esp_props[i];
		esp.prop[i].num = (uint8_t)(i + 1);
		esp.prop[i].spi_size = 4;
		put_be32(esp.prop[i].spi, spi);
	}
	esp.nprop = s->nesp;
	ike_wr_sa(w, &esp);
	if (ni != NULL)		/* CREATE_CHILD_SA: Ni after SA (1.3) */
		ike_wr_nonce(w, ni, nilen);
	ts_one(&tsi, &p->lnet, p->lplen);
	ts_one(&tsr, &p->rnet, p->rplen);
	ike_wr_ts(w, IKE_PL_TSI, &tsi);
	ike_wr_ts(w, IKE_PL_TSR, &tsr);
}

int
seg_child_install(struct seg_ike *sa, struct seg_child *c, int initiator,
    const uint8_t *ni, size_t nilen, const uint8_t *nr, size_t nrlen)
{
	struct seg *s = sa->s;
	struct ike_suite cs;
	struct ike_child_keys ck;
	char alg[96], ln[64], rn[64];
	int rc;

	seg_suite_of(&c->prop, &cs);
	rc = ike_child_keymat(&sa->keys, &cs, NULL, 0, ni, nilen, nr, nrlen,
	    &ck);
	if (rc == 0)
		rc = seg_kernel_child_add(s->x, &s->local, sa->peer, c, &ck,
		    initiator, s->conf->child_lifetime);
	ike_child_keys_wipe(&ck);
	if (rc < 0)
		return rc;
	c->installed = 1;
	c->added = time(NULL);
	log_info("seg: peer %s: CHILD_SA ESP tunnel %s/%u <-> %s/%u, %s, "
	    "SPIs in 0x%08x out 0x%08x, lifetime %us", sa->peer->name,
	    xfrm_ip_str(&c->lnet, ln, sizeof(ln)), c->lplen,
	    xfrm_ip_str(&c->rnet, rn, sizeof(rn)), c->rplen,
	    seg_suite_str(&c->prop, alg, sizeof(alg)), c->spi_in, c->spi_out,
	    s->conf->child_lifetime);
	return 0;
}

int
seg_child_reply(struct seg_ike *sa, const struct ike_msg *m, uint32_t spi,
    struct seg_child *c)
{
	const struct seg_peer *p = sa->peer;
	struct ike_sa_pl esp, reply;
	struct ike_ts_pl tsi, tsr;
	const struct ike_pl *pl;
	size_t it;

	/* what we offered, rebuilt */
	memset(&esp, 0, sizeof(esp));
	for (it = 0; it < sa->s->nesp; it++) {
		esp.prop[it] = sa->s->esp_props[it];
		esp.prop[it].num = (uint8_t)(it + 1);
		esp.prop[it].spi_size = 4;
		put_be32(esp.prop[it].spi, spi);
	}
	esp.nprop = sa->s->nesp;
	memset(c, 0, sizeof(*c));
	it = 0;
	if ((pl = ike_msg_find(m, IKE_PL_SA, &it)) == NULL ||
	    ike_sa_parse(pl->body, pl->len, &reply) < 0 ||
	    ike_sa_check_reply(&esp, &reply, &c->prop) < 0 ||
	    c->prop.spi_size != 4 ||
	    (pl = ike_msg_find(m, IKE_PL_TSI, (it = 0, &it))) == NULL ||
	    ike_ts_parse(pl, &tsi) < 0 ||
	    (pl = ike_msg_find(m, IKE_PL_TSR, (it = 0, &it))) == NULL ||
	    ike_ts_parse(pl, &tsr) < 0 ||
	    ts_within(&tsi, &p->lnet, p->lplen, &c->lnet, &c->lplen) < 0 ||
	    ts_within(&tsr, &p->rnet, p->rplen, &c->rnet, &c->rplen) < 0)
		return -EPROTO;
	c->spi_in = spi;
	c->spi_out = be32(c->prop.spi);
	return 0;
}

/* 2.7 for the CHILD_SA: the first offered ESP proposal one of ours takes
 * and the kernel can install. */
static int
esp_choose(const struct seg *s, const struct ike_sa_pl *offered,
    struct ike_proposal *chosen)
{
	struct ike_proposal c;
	const char *e, *a, *g;
	size_t i;
	int found = 0;

	for (i = 0; i < s->nesp; i++) {
		if (ike_sa_select(offered, &s->esp_props[i], IKE_PROTO_ESP,
		    &c) < 0 || c.spi_size != 4 ||
		    seg_kernel_algs(&c, &e, &a, &g) < 0)
			continue;
		if (!found || c.num < chosen->num)
			*chosen = c;
		found = 1;
	}
	return found ? 0 : -ENOENT;
}

uint16_t
seg_child_respond(struct seg_ike *sa, const struct ike_msg *m,
    struct seg_child *c, const uint8_t *ni, size_t nilen,
    const uint8_t *nr, size_t nrlen, int write_nr, struct ike_wr *w)
{
	struct seg_peer *p = sa->peer;
	struct ike_sa_pl offered, sap;
	struct ike_ts_pl tsi, tsr, poli, polr, tni, tnr;
	const struct ike_pl *pl;
	size_t it = 0;

	memset(c, 0, sizeof(*c));
	if ((pl = ike_msg_find(m, IKE_PL_SA, &it)) == NULL ||
	    ike_sa_parse(pl->body, pl->len, &offered) < 0 ||
	    (pl = ike_msg_find(m, IKE_PL_TSI, (it = 0, &it))) == NULL ||
	    ike_ts_parse(pl, &tsi) < 0 ||
	    (pl = ike_msg_find(m, IKE_PL_TSR, (it = 0, &it))) == NULL ||
	    ike_ts_parse(pl, &tsr) < 0)
		return IKE_N_INVALID_SYNTAX;
	if (esp_choose(sa->s, &offered, &c->prop) < 0)
		return IKE_N_NO_PROPOSAL_CHOSEN;
	/* TSi is the initiator's side: our remote subnet. */
	ts_one(&poli, &p->rnet, p->rplen);
	ts_one(&polr, &p->lnet, p->lplen);
	if (ike_ts_narrow(&tsi, &poli, &tni) < 0 ||
	    ike_ts_narrow(&tsr, &polr, &tnr) < 0)
		return IKE_N_TS_UNACCEPTABLE;
	tni.n = tnr.n = 1;	/* one selector pair per CHILD_SA here */
	if (seg_ts_to_prefix(&tni.ts[0], &c->rnet, &c->rplen) < 0 ||
	    seg_ts_to_prefix(&tnr.ts[0], &c->lnet, &c->lplen) < 0)
		return IKE_N_TS_UNACCEPTABLE;
	c->spi_out = be32(c->prop.spi);
	if (seg_child_spi(&c->spi_in) < 0 ||
	    seg_child_install(sa, c, 0, ni, nilen, nr, nrlen) < 0)
		return IKE_N_TEMPORARY_FAILURE;
	memset(&sap, 0, sizeof(sap));
	sap.nprop = 1;
	sap.prop[0] = c->prop;
	put_be32(sap.prop[0].spi, c->spi_in);
	ike_wr_sa(w, &sap);
	if (write_nr)		/* CREATE_CHILD_SA: Nr after SA (1.3) */
		ike_wr_nonce(w, nr, nrlen);
	ike_wr_ts(w, IKE_PL_TSI, &tni);
	ike_wr_ts(w, IKE_PL_TSR, &tnr);
	return 0;
}

/* The old pair out of the kernel once the new one carries the traffic. */
static void
old_remove(struct seg_ike *sa)
{
	struct seg *s = sa->s;

	if (!sa->old.installed)
		return;
	(void)seg_kernel_child_del(s->x, &s->local, sa->peer, &sa->old);
	log_info("seg: peer %s: old CHILD_SA removed, SPIs in 0x%08x out "
	    "0x%08x", sa->peer->name, sa->old.spi_in, sa->old.spi_out);
	sa->old.installed = 0;
}

int
seg_child_rekey_start(struct seg_ike *sa)
{
	struct ike_wr w;
	uint8_t in[SEG_MSG_MAX], out[SEG_MSG_MAX], spi[4];
	size_t n;

	IMS_CHECK_PARAMS(sa->state == SEG_ESTABLISHED && !sa->outstanding &&
	    sa->child.installed);
	memset(&sa->rekey, 0, sizeof(sa->rekey));
	sa->rekey_nilen = SEG_NONCE_LEN;
	IMS_CHECK_RC(seg_child_spi(&sa->rekey.spi_in));
	IMS_CHECK_RC(seg_ike_random(sa->rekey_ni, sa->rekey_nilen));
	ike_wr_init(&w, in, sizeof(in));
	/* 1.3.3: REKEY_SA names the SA by the SPI we receive on */
	put_be32(spi, sa->child.spi_in);
	ike_wr_notify(&w, IKE_PROTO_ESP, spi, 4, IKE_N_REKEY_SA, NULL, 0);
	seg_child_wr_offer(sa, sa->rekey.spi_in, sa->rekey_ni,
	    sa->rekey_nilen, &w);
	IMS_CHECK_RC(seg_ike_seal(sa, IKE_CREATE_CHILD_SA, 0, sa->msgid_out,
	    &w, out, sizeof(out), &n));
	sa->rekeying = 1;
	log_info("seg: peer %s: rekeying CHILD_SA 0x%08x/0x%08x",
	    sa->peer->name, sa->child.spi_in, sa->child.spi_out);
	return seg_ike_request(sa, out, n);
}

void
seg_child_response(struct seg_ike *sa, struct ike_msg *m)
{
	struct seg_child c;
	const struct ike_pl *pl;
	const uint8_t *nr;
	size_t it = 0, nrlen;
	int rekeying = sa->rekeying;

	sa->rekeying = 0;
	if (!rekeying)
		return;
	if ((pl = ike_msg_find(m, IKE_PL_NONCE, &it)) == NULL ||
	    ike_nonce_parse(pl, &nr, &nrlen) < 0 ||
	    seg_child_reply(sa, m, sa->rekey.spi_in, &c) < 0) {
		/* a new IKE SA (re-authentication) instead */
		(void)seg_info_send(sa, 1);
		seg_ike_kill(sa, "CHILD_SA rekey refused or unusable");
		return;
	}
	if (seg_child_install(sa, &c, 1, sa->rekey_ni, sa->rekey_nilen, nr,
	    nrlen) < 0) {
		(void)seg_info_send(sa, 1);
		seg_ike_kill(sa, "the kernel refused the new CHILD_SA");
		return;
	}
	old_remove(sa);
	sa->old = sa->child;
	sa->child = c;
	/* 1.4.1: our old inbound SPI deleted at the peer too */
	(void)seg_info_delete_child(sa, sa->old.spi_in);
	old_remove(sa);
}

void
seg_child_request(struct seg_ike *sa, struct ike_msg *m)
{
	struct seg_child c;
	struct ike_notify rn;
	const struct ike_pl *pl;
	struct ike_wr w;
	const uint8_t *ni;
	uint8_t in[SEG_MSG_MAX], out[SEG_MSG_MAX], nr[SEG_NONCE_LEN];
	size_t it = 0, nilen, n;
	uint16_t err;

	if (ike_msg_notify(m, IKE_N_REKEY_SA, &rn) < 0) {
		/* one CHILD_SA per peer here (3.10.1) */
		(void)seg_ike_notify_resp(sa, &m->hdr,
		    IKE_N_NO_ADDITIONAL_SAS, NULL, 0);
		return;
	}
	if (ike_msg_find(m, IKE_PL_KE, &it) != NULL) {
		/* PFS is not done (the IKE SA's rekeying, 2.18, is
		 * seg_ikerekey.c's and never reaches here) */
		(void)seg_ike_notify_resp(sa, &m->hdr,
		    IKE_N_NO_PROPOSAL_CHOSEN, NULL, 0);
		return;
	}
	if (rn.proto != IKE_PROTO_ESP || rn.spi_size != 4 ||
	    !sa->child.installed || be32(rn.spi) != sa->child.spi_out) {
		(void)seg_ike_notify_resp(sa, &m->hdr,
		    IKE_N_CHILD_SA_NOT_FOUND, NULL, 0);
		return;
	}
	if ((pl = ike_msg_find(m, IKE_PL_NONCE, (it = 0, &it))) == NULL ||
	    ike_nonce_parse(pl, &ni, &nilen) < 0 ||
	    seg_ike_random(nr, sizeof(nr)) < 0) {
		(void)seg_ike_notify_resp(sa, &m->hdr, IKE_N_INVALID_SYNTAX,
		    NULL, 0);
		return;
	}
	ike_wr_init(&w, in, sizeof(in));
	if ((err = seg_child_respond(sa, m, &c, ni, nilen, nr, sizeof(nr), 1,
	    &w)) != 0) {
		(void)seg_ike_notify_resp(sa, &m->hdr, err, NULL, 0);
		return;
	}
	if (seg_ike_seal(sa, IKE_CREATE_CHILD_SA, 1, m->hdr.msgid, &w, out,
	    sizeof(out), &n) < 0) {
		(void)seg_kernel_child_del(sa->s->x, &sa->s->local, sa->peer,
		    &c);
		return;
	}
	(void)seg_ike_respond(sa, out, n);
	/* 2.8: the old pair stays until the initiator's Delete */
	old_remove(sa);
	sa->old = sa->child;
	sa->child = c;
	OPENSSL_cleanse(nr, sizeof(nr));
}

void
seg_child_old_deleted(struct seg_ike *sa)
{
	old_remove(sa);
}
