/* seg_auth.c - IKE_AUTH (RFC 7296 1.2) with the first CHILD_SA: IDi/IDr
 * (3.5, FQDN), AUTH (2.15: PSK, or a certificate and an RFC 7427
 * signature, seg_cert.c), SA2 with the ESP proposals (3.3), traffic
 * selectors and their narrowing (2.9), KEYMAT (2.17), the tunnel in the
 * kernel.  Errors answered per 2.21.2.
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

/* An inbound ESP SPI: 1..255 are reserved (RFC 4303 2.1). */
static int
new_esp_spi(uint32_t *spi)
{
	do {
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

/* The ID payload body we send: type FQDN, 3 reserved bytes, the name. */
static void
wr_id(struct seg_ike *sa, struct ike_wr *w)
{
	const struct seg *s = sa->s;

	ike_wr_id(w, sa->initiator ? IKE_PL_IDI : IKE_PL_IDR, IKE_ID_FQDN,
	    s->id_body + 4, s->id_body_len - 4);
}

/* Our AUTH (and CERT) over the octets of 2.15 for our side. */
static int
wr_auth(struct seg_ike *sa, struct ike_wr *w)
{
	const struct seg *s = sa->s;
	const uint8_t *msg = sa->initiator ? sa->init_i : sa->init_r;
	size_t mlen = sa->initiator ? sa->init_ilen : sa->init_rlen;
	const uint8_t *pn = sa->initiator ? sa->nr : sa->ni;
	size_t pnlen = sa->initiator ? sa->nrlen : sa->nilen;
	uint8_t *oct = NULL, auth[IKE_MAX_KEY];
	size_t olen, alen;
	int rc;

	IMS_CHECK_RC(ike_auth_octets(&sa->keys, sa->initiator, msg, mlen, pn,
	    pnlen, s->id_body, s->id_body_len, &oct, &olen));
	if (sa->peer->auth == SEG_AUTH_CERT) {
		rc = seg_cert_auth_make(sa, w, oct, olen);
	} else {
		rc = ike_auth_psk(sa->suite.prf, sa->peer->psk,
		    sa->peer->psklen, oct, olen, auth, &alen);
		if (rc == 0)
			ike_wr_auth(w, IKE_AUTH_PSK, auth, alen);
		OPENSSL_cleanse(auth, sizeof(auth));
	}
	OPENSSL_free(oct);
	return rc;
}

/* The peer's ID and AUTH (2.15, for the side that sent the other
 * IKE_SA_INIT message): 0, or -EACCES. */
static int
check_auth(struct seg_ike *sa, const struct ike_msg *m)
{
	const struct seg_peer *p = sa->peer;
	const struct ike_pl *pl;
	struct ike_id id;
	struct ike_auth a;
	const uint8_t *msg = sa->initiator ? sa->init_r : sa->init_i;
	size_t mlen = sa->initiator ? sa->init_rlen : sa->init_ilen;
	const uint8_t *pn = sa->initiator ? sa->ni : sa->nr;
	size_t pnlen = sa->initiator ? sa->nilen : sa->nrlen, it = 0, olen;
	uint8_t *oct = NULL;
	int rc;

	if ((pl = ike_msg_find(m, sa->initiator ? IKE_PL_IDR : IKE_PL_IDI,
	    &it)) == NULL || ike_id_parse(pl, &id) < 0 ||
	    (pl = ike_msg_find(m, IKE_PL_AUTH, (it = 0, &it))) == NULL ||
	    ike_auth_parse(pl, &a) < 0)
		return -EPROTO;
	if (id.type != IKE_ID_FQDN || id.len != strlen(p->id) ||
	    strncasecmp((const char *)id.data, p->id, id.len) != 0) {
		log_warn("seg: peer %s: identity %.*s is not %s", p->name,
		    (int)(id.len > 255 ? 255 : id.len), id.type ==
		    IKE_ID_FQDN ? (const char *)id.data : "(not an FQDN)",
		    p->id);
		return -EACCES;
	}
	if ((rc = ike_auth_octets(&sa->keys, !sa->initiator, msg, mlen, pn,
	    pnlen, id.body, id.body_len, &oct, &olen)) < 0)
		return rc;
	if (p->auth == SEG_AUTH_CERT)
		rc = seg_cert_auth_check(sa, m, &a, oct, olen);
	else if (a.method != IKE_AUTH_PSK)
		rc = -EACCES;
	else
		rc = ike_auth_psk_verify(sa->suite.prf, p->psk, p->psklen,
		    oct, olen, a.data, a.len);
	OPENSSL_free(oct);
	if (rc < 0) {
		log_warn("seg: peer %s: AUTH of %s does not verify", p->name,
		    p->id);
		return -EACCES;
	}
	return 0;
}

/* KEYMAT (2.17) into the kernel; logs the SA (never its keys). */
static int
child_install(struct seg_ike *sa)
{
	struct seg *s = sa->s;
	struct ike_suite cs;
	struct ike_child_keys ck;
	char alg[96], ln[64], rn[64];
	int rc;

	seg_suite_of(&sa->child.prop, &cs);
	rc = ike_child_keymat(&sa->keys, &cs, NULL, 0, sa->ni, sa->nilen,
	    sa->nr, sa->nrlen, &ck);
	if (rc == 0)
		rc = seg_kernel_child_add(s->x, &s->local, sa->peer,
		    &sa->child, &ck, sa->initiator, s->conf->child_lifetime);
	ike_child_keys_wipe(&ck);
	if (rc < 0)
		return rc;
	sa->child.installed = 1;
	sa->child.added = time(NULL);
	log_info("seg: peer %s: CHILD_SA ESP tunnel %s/%u <-> %s/%u, %s, "
	    "SPIs in 0x%08x out 0x%08x, lifetime %us", sa->peer->name,
	    xfrm_ip_str(&sa->child.lnet, ln, sizeof(ln)), sa->child.lplen,
	    xfrm_ip_str(&sa->child.rnet, rn, sizeof(rn)), sa->child.rplen,
	    seg_suite_str(&sa->child.prop, alg, sizeof(alg)),
	    sa->child.spi_in, sa->child.spi_out, s->conf->child_lifetime);
	return 0;
}

/* Up: older IKE SAs with the same peer are deleted (this one replaces
 * them: a restart or re-authentication, 2.8.3). */
static void
established(struct seg_ike *sa)
{
	struct seg_ike *o;
	char alg[96];

	sa->state = SEG_ESTABLISHED;
	sa->established = sa->last_rx = time(NULL);
	log_info("seg: peer %s: IKE SA %016llx/%016llx established as %s, "
	    "%s", sa->peer->name, (unsigned long long)sa->spi_i,
	    (unsigned long long)sa->spi_r,
	    sa->initiator ? "initiator" : "responder",
	    seg_suite_str(&sa->prop, alg, sizeof(alg)));
	for (o = sa->s->sas; o != NULL; o = o->next)
		if (o != sa && o->peer == sa->peer &&
		    o->state == SEG_ESTABLISHED) {
			(void)seg_info_send(o, 1);
			seg_ike_kill(o, "replaced by a new IKE SA");
		}
	sa->peer->sa = sa;
}

int
seg_auth_start(struct seg_ike *sa)
{
	struct seg *s = sa->s;
	struct seg_peer *p = sa->peer;
	struct ike_sa_pl esp;
	struct ike_ts_pl tsi, tsr;
	struct ike_wr w;
	uint8_t in[SEG_MSG_MAX], out[SEG_MSG_MAX];
	size_t i, n;

	IMS_CHECK_RC(new_esp_spi(&sa->spi_offer));
	ike_wr_init(&w, in, sizeof(in));
	wr_id(sa, &w);
	if (p->auth == SEG_AUTH_CERT)
		seg_cert_wr_certreq(s, &w);
	IMS_CHECK_RC(wr_auth(sa, &w));
	memset(&esp, 0, sizeof(esp));
	for (i = 0; i < s->nesp; i++) {
		esp.prop[i] = s->esp_props[i];
		esp.prop[i].num = (uint8_t)(i + 1);
		esp.prop[i].spi_size = 4;
		put_be32(esp.prop[i].spi, sa->spi_offer);
	}
	esp.nprop = s->nesp;
	ike_wr_sa(&w, &esp);
	ts_one(&tsi, &p->lnet, p->lplen);
	ts_one(&tsr, &p->rnet, p->rplen);
	ike_wr_ts(&w, IKE_PL_TSI, &tsi);
	ike_wr_ts(&w, IKE_PL_TSR, &tsr);
	IMS_CHECK_RC(seg_ike_seal(sa, IKE_AUTH, 0, sa->msgid_out, &w, out,
	    sizeof(out), &n));
	OPENSSL_cleanse(in, sizeof(in));
	sa->state = SEG_AUTH_SENT;
	log_info("seg: peer %s: IKE_AUTH as %s", p->name, s->conf->identity);
	return seg_ike_request(sa, out, n);
}

/* The first error Notify of m (type < 16384), or 0. */
static uint16_t
error_notify(const struct ike_msg *m)
{
	struct ike_notify n;
	size_t i;

	for (i = 0; i < m->npl; i++)
		if (m->pl[i].type == IKE_PL_NOTIFY &&
		    ike_notify_parse(&m->pl[i], &n) == 0 && n.type < 16384)
			return n.type;
	return 0;
}

void
seg_auth_response(struct seg_ike *sa, struct ike_msg *m)
{
	struct seg *s = sa->s;
	struct seg_peer *p = sa->peer;
	struct ike_sa_pl esp, reply;
	struct ike_ts_pl tsi, tsr;
	const struct ike_pl *pl;
	size_t i, it;
	uint16_t err;
	int rc;

	if ((err = error_notify(m)) != 0 &&
	    (err == IKE_N_AUTHENTICATION_FAILED ||
	    ike_msg_find(m, IKE_PL_AUTH, (it = 0, &it)) == NULL)) {
		log_warn("seg: peer %s: IKE_AUTH refused: %s", p->name,
		    ike_notify_name(err));
		seg_ike_kill(sa, ike_notify_name(err));
		return;
	}
	if ((rc = check_auth(sa, m)) < 0) {
		seg_ike_kill(sa, rc == -EACCES ? "the responder failed "
		    "authentication" : "bad IKE_AUTH response");
		return;
	}
	if (err != 0) {
		/* 1.2: the IKE SA is up, the CHILD_SA refused. */
		log_warn("seg: peer %s: CHILD_SA refused: %s", p->name,
		    ike_notify_name(err));
		established(sa);
		return;
	}
	memset(&esp, 0, sizeof(esp));
	for (i = 0; i < s->nesp; i++) {
		esp.prop[i] = s->esp_props[i];
		esp.prop[i].num = (uint8_t)(i + 1);
		esp.prop[i].spi_size = 4;
		put_be32(esp.prop[i].spi, sa->spi_offer);
	}
	esp.nprop = s->nesp;
	it = 0;
	if ((pl = ike_msg_find(m, IKE_PL_SA, &it)) == NULL ||
	    ike_sa_parse(pl->body, pl->len, &reply) < 0 ||
	    ike_sa_check_reply(&esp, &reply, &sa->child.prop) < 0 ||
	    sa->child.prop.spi_size != 4 ||
	    (pl = ike_msg_find(m, IKE_PL_TSI, (it = 0, &it))) == NULL ||
	    ike_ts_parse(pl, &tsi) < 0 ||
	    (pl = ike_msg_find(m, IKE_PL_TSR, (it = 0, &it))) == NULL ||
	    ike_ts_parse(pl, &tsr) < 0 ||
	    ts_within(&tsi, &p->lnet, p->lplen, &sa->child.lnet,
	    &sa->child.lplen) < 0 ||
	    ts_within(&tsr, &p->rnet, p->rplen, &sa->child.rnet,
	    &sa->child.rplen) < 0) {
		log_warn("seg: peer %s: IKE_AUTH response: SA or selectors "
		    "unusable", p->name);
		seg_ike_kill(sa, "bad CHILD_SA in IKE_AUTH response");
		return;
	}
	sa->child.spi_in = sa->spi_offer;
	sa->child.spi_out = be32(sa->child.prop.spi);
	if ((rc = child_install(sa)) < 0) {
		seg_ike_kill(sa, "the kernel refused the CHILD_SA");
		return;
	}
	established(sa);
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

/* The responder's CHILD_SA: 0 with it installed and SA/TSi/TSr written,
 * or the error Notify type to answer (the IKE SA stays, 1.2). */
static uint16_t
child_respond(struct seg_ike *sa, const struct ike_msg *m, struct ike_wr *w)
{
	struct seg_peer *p = sa->peer;
	struct ike_sa_pl offered, sap;
	struct ike_ts_pl tsi, tsr, poli, polr, ni, nr;
	const struct ike_pl *pl;
	size_t it = 0;

	if ((pl = ike_msg_find(m, IKE_PL_SA, &it)) == NULL ||
	    ike_sa_parse(pl->body, pl->len, &offered) < 0 ||
	    (pl = ike_msg_find(m, IKE_PL_TSI, (it = 0, &it))) == NULL ||
	    ike_ts_parse(pl, &tsi) < 0 ||
	    (pl = ike_msg_find(m, IKE_PL_TSR, (it = 0, &it))) == NULL ||
	    ike_ts_parse(pl, &tsr) < 0)
		return IKE_N_INVALID_SYNTAX;
	if (esp_choose(sa->s, &offered, &sa->child.prop) < 0)
		return IKE_N_NO_PROPOSAL_CHOSEN;
	/* TSi is the initiator's side: our remote subnet. */
	ts_one(&poli, &p->rnet, p->rplen);
	ts_one(&polr, &p->lnet, p->lplen);
	if (ike_ts_narrow(&tsi, &poli, &ni) < 0 ||
	    ike_ts_narrow(&tsr, &polr, &nr) < 0)
		return IKE_N_TS_UNACCEPTABLE;
	ni.n = nr.n = 1;	/* one selector pair per CHILD_SA here */
	if (seg_ts_to_prefix(&ni.ts[0], &sa->child.rnet,
	    &sa->child.rplen) < 0 ||
	    seg_ts_to_prefix(&nr.ts[0], &sa->child.lnet,
	    &sa->child.lplen) < 0)
		return IKE_N_TS_UNACCEPTABLE;
	sa->child.spi_out = be32(sa->child.prop.spi);
	if (new_esp_spi(&sa->child.spi_in) < 0 || child_install(sa) < 0)
		return IKE_N_TEMPORARY_FAILURE;
	memset(&sap, 0, sizeof(sap));
	sap.nprop = 1;
	sap.prop[0] = sa->child.prop;
	put_be32(sap.prop[0].spi, sa->child.spi_in);
	ike_wr_sa(w, &sap);
	ike_wr_ts(w, IKE_PL_TSI, &ni);
	ike_wr_ts(w, IKE_PL_TSR, &nr);
	return 0;
}

void
seg_auth_request(struct seg_ike *sa, struct ike_msg *m)
{
	struct ike_wr w;
	uint8_t in[SEG_MSG_MAX], out[SEG_MSG_MAX];
	size_t n;
	uint16_t err;
	int rc;

	if ((rc = check_auth(sa, m)) < 0) {
		/* 2.21.2: AUTHENTICATION_FAILED in the response, SA gone */
		(void)seg_ike_notify_resp(sa, &m->hdr, rc == -EACCES ?
		    IKE_N_AUTHENTICATION_FAILED : IKE_N_INVALID_SYNTAX,
		    NULL, 0);
		seg_ike_kill(sa, "the initiator failed authentication");
		return;
	}
	ike_wr_init(&w, in, sizeof(in));
	wr_id(sa, &w);
	if (wr_auth(sa, &w) < 0) {
		seg_ike_kill(sa, "cannot compute our AUTH");
		return;
	}
	if ((err = child_respond(sa, m, &w)) != 0) {
		log_warn("seg: peer %s: CHILD_SA refused: %s", sa->peer->name,
		    ike_notify_name(err));
		ike_wr_notify(&w, 0, NULL, 0, err, NULL, 0);
	}
	rc = seg_ike_seal(sa, IKE_AUTH, 1, m->hdr.msgid, &w, out, sizeof(out),
	    &n);
	OPENSSL_cleanse(in, sizeof(in));
	if (rc < 0) {
		seg_ike_kill(sa, "cannot seal the IKE_AUTH response");
		return;
	}
	(void)seg_ike_respond(sa, out, n);
	established(sa);
}
