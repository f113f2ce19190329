/* seg_init.c - IKE_SA_INIT (RFC 7296 1.2): SA, KE and nonces; the
 * responder's choice (2.7), INVALID_KE_PAYLOAD (1.2, 1.3: the initiator
 * tries again with the group the responder asked for, if it offered it),
 * and the IKE SA's keys (2.14).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "check.h"
#include "log.h"
#include "seg_ike.h"

void
seg_suite_of(const struct ike_proposal *p, struct ike_suite *su)
{
	const struct ike_transform *t;

	memset(su, 0, sizeof(*su));
	if ((t = ike_proposal_get(p, IKE_TR_ENCR)) != NULL)
		su->encr = t->id, su->encr_bits = t->keylen;
	if ((t = ike_proposal_get(p, IKE_TR_PRF)) != NULL)
		su->prf = t->id;
	if ((t = ike_proposal_get(p, IKE_TR_INTEG)) != NULL)
		su->integ = t->id;
	if ((t = ike_proposal_get(p, IKE_TR_DH)) != NULL)
		su->dh = t->id;
}

/* Our IKE proposals as offered: numbered from 1 (3.3.1). */
static void
ike_offer(const struct seg *s, struct ike_sa_pl *sap)
{
	size_t i;

	memset(sap, 0, sizeof(*sap));
	for (i = 0; i < s->nike; i++) {
		sap->prop[i] = s->ike_props[i];
		sap->prop[i].num = (uint8_t)(i + 1);
		sap->prop[i].spi_size = 0;
	}
	sap->nprop = s->nike;
}

/* Whether some proposal of ours has DH group g. */
static int
group_offered(const struct seg *s, uint16_t g)
{
	const struct ike_transform *t;
	size_t i, j;

	for (i = 0; i < s->nike; i++)
		for (j = 0; j < s->ike_props[i].ntr; j++) {
			t = &s->ike_props[i].tr[j];
			if (t->type == IKE_TR_DH && t->id == g)
				return 1;
		}
	return 0;
}

/* RFC 7427 4: the hashes we verify signatures with (SHA2-256, -384,
 * -512), so that a peer may sign with method 14. */
static void
wr_sig_hashes(struct ike_wr *w)
{
	static const uint8_t h[] = { 0, 2, 0, 3, 0, 4 };

	ike_wr_notify(w, 0, NULL, 0, IKE_N_SIGNATURE_HASH_ALGORITHMS, h,
	    sizeof(h));
}

static uint8_t *
dup_msg(const struct ike_msg *m)
{
	uint8_t *c = malloc(m->hdr.length);

	if (c != NULL)
		memcpy(c, m->buf, m->hdr.length);
	return c;
}

/* g^ir from the peer's KE, then SKEYSEED and the seven keys (2.14). */
static int
init_keys(struct seg_ike *sa, const struct ike_ke *ke)
{
	uint8_t gir[IKE_MAX_DH];
	size_t glen;
	int rc;

	seg_suite_of(&sa->prop, &sa->suite);
	IMS_CHECK_RC(ike_suite_check(&sa->suite));
	IMS_CHECK_RC(ike_dh_shared(sa->dh, ke->data, ke->len, gir,
	    sizeof(gir), &glen));
	rc = ike_keys_derive(&sa->suite, sa->ni, sa->nilen, sa->nr,
	    sa->nrlen, gir, glen, sa->spi_i, sa->spi_r, &sa->keys);
	OPENSSL_cleanse(gir, sizeof(gir));
	ike_dh_free(sa->dh);
	sa->dh = NULL;
	if (rc == 0)
		sa->have_keys = 1;
	return rc;
}

static int
new_spi(uint64_t *spi)
{
	do {
		IMS_CHECK_RC(seg_ike_random(spi, sizeof(*spi)));
	} while (*spi == 0);
	return 0;
}

int
seg_init_start(struct seg *s, struct seg_peer *p, uint16_t group)
{
	struct ike_sa_pl sap;
	struct ike_hdr h;
	struct ike_wr w;
	uint8_t buf[SEG_MSG_MAX], pub[IKE_MAX_DH];
	const struct ike_transform *t;
	struct seg_ike *sa;
	size_t publen;
	int rc;

	if (group == 0) {
		t = ike_proposal_get(&s->ike_props[0], IKE_TR_DH);
		group = t != NULL ? t->id : IKE_DH_MODP2048;
	}
	IMS_CHECK_MALLOC(sa = seg_ike_new(s, p, 1));
	sa->state = SEG_INIT_SENT;
	sa->group = group;
	sa->nilen = SEG_NONCE_LEN;
	if ((rc = new_spi(&sa->spi_i)) < 0 ||
	    (rc = seg_ike_random(sa->ni, sa->nilen)) < 0 ||
	    (rc = ike_dh_new(group, &sa->dh)) < 0 ||
	    (rc = ike_dh_public(sa->dh, pub, sizeof(pub), &publen)) < 0)
		goto fail;
	ike_offer(s, &sap);
	memset(&h, 0, sizeof(h));
	h.spi_i = sa->spi_i;
	h.version = IKE_VERSION;
	h.exchange = IKE_SA_INIT;
	h.flags = IKE_FLAG_I;
	ike_wr_init(&w, buf, sizeof(buf));
	ike_wr_hdr(&w, &h);
	ike_wr_sa(&w, &sap);
	ike_wr_ke(&w, group, pub, publen);
	ike_wr_nonce(&w, sa->ni, sa->nilen);
	wr_sig_hashes(&w);
	if ((rc = ike_wr_finish(&w)) < 0)
		goto fail;
	sa->init_ilen = (size_t)rc;
	rc = -ENOMEM;
	if ((sa->init_i = malloc(sa->init_ilen)) == NULL)
		goto fail;
	memcpy(sa->init_i, buf, sa->init_ilen);
	log_info("seg: peer %s: IKE_SA_INIT to %s, SPIi %016llx, DH group %u",
	    p->name, p->id, (unsigned long long)sa->spi_i, group);
	if ((rc = seg_ike_request(sa, buf, sa->init_ilen)) < 0)
		goto fail;
	return 0;
fail:
	seg_ike_kill(sa, "cannot build IKE_SA_INIT");
	return rc;
}

void
seg_init_response(struct seg_ike *sa, const struct ike_msg *m)
{
	struct seg *s = sa->s;
	struct ike_sa_pl sap, reply;
	struct ike_notify n;
	struct ike_ke ke;
	const struct ike_pl *pl;
	const uint8_t *nr;
	size_t it, i, nrlen;
	uint16_t g;

	if (ike_msg_notify(m, IKE_N_COOKIE, &n) == 0) {	/* 2.6 */
		if (seg_cookie_retry(sa, &n) < 0)
			seg_ike_kill(sa, "unusable COOKIE");
		return;
	}
	if (ike_msg_notify(m, IKE_N_INVALID_KE_PAYLOAD, &n) == 0) {
		g = n.len == 2 ? (uint16_t)(n.data[0] << 8 | n.data[1]) : 0;
		seg_ike_kill(sa, "INVALID_KE_PAYLOAD");
		if (g != 0 && g != sa->group && group_offered(s, g)) {
			log_info("seg: peer %s: asks for DH group %u",
			    sa->peer->name, g);
			(void)seg_init_start(s, sa->peer, g);
		} else
			log_warn("seg: peer %s: INVALID_KE_PAYLOAD for group "
			    "%u, which we do not offer", sa->peer->name, g);
		return;
	}
	for (i = 0; i < m->npl; i++) {
		if (m->pl[i].type != IKE_PL_NOTIFY ||
		    ike_notify_parse(&m->pl[i], &n) < 0 || n.type >= 16384)
			continue;
		log_warn("seg: peer %s: IKE_SA_INIT refused: %s",
		    sa->peer->name, ike_notify_name(n.type));
		seg_ike_kill(sa, ike_notify_name(n.type));
		return;
	}
	ike_offer(s, &sap);
	it = 0;
	if ((pl = ike_msg_find(m, IKE_PL_SA, &it)) == NULL ||
	    ike_sa_parse(pl->body, pl->len, &reply) < 0 ||
	    ike_sa_check_reply(&sap, &reply, &sa->prop) < 0)
		goto bad;
	it = 0;
	if ((pl = ike_msg_find(m, IKE_PL_KE, &it)) == NULL ||
	    ike_ke_parse(pl, &ke) < 0 || ke.group != sa->group ||
	    ike_proposal_get(&sa->prop, IKE_TR_DH) == NULL ||
	    ike_proposal_get(&sa->prop, IKE_TR_DH)->id != sa->group)
		goto bad;
	it = 0;
	if ((pl = ike_msg_find(m, IKE_PL_NONCE, &it)) == NULL ||
	    ike_nonce_parse(pl, &nr, &nrlen) < 0 || nrlen > sizeof(sa->nr) ||
	    m->hdr.spi_r == 0)
		goto bad;
	memcpy(sa->nr, nr, nrlen);
	sa->nrlen = nrlen;
	sa->spi_r = m->hdr.spi_r;
	if ((sa->init_r = dup_msg(m)) == NULL) {
		seg_ike_kill(sa, "out of memory");
		return;
	}
	sa->init_rlen = m->hdr.length;
	if (init_keys(sa, &ke) < 0) {
		seg_ike_kill(sa, "key derivation failed");
		return;
	}
	if (seg_auth_start(sa) < 0)
		seg_ike_kill(sa, "cannot build IKE_AUTH");
	return;
bad:
	/* 2.21.1: an initiator does not answer a bad response. */
	log_warn("seg: peer %s: IKE_SA_INIT response unusable",
	    sa->peer->name);
	seg_ike_kill(sa, "bad IKE_SA_INIT response");
}

static void
init_notify(struct seg *s, const struct ike_hdr *req,
    const struct sockaddr_storage *to, socklen_t tl, uint16_t type,
    const uint8_t *d, size_t n)
{
	(void)seg_init_answer(s, req, to, tl, type, d, n);
	log_info("seg: IKE_SA_INIT from SPIi %016llx answered %s",
	    (unsigned long long)req->spi_i, ike_notify_name(type));
}

/* 2.7: the first offered proposal (in the peer's order) one of ours
 * accepts; with rekey (2.18, an IKE SA's CREATE_CHILD_SA) it must also
 * carry the new SPI (8 octets, not 0). */
int
seg_ike_choose(const struct seg *s, const struct ike_sa_pl *offered,
    int rekey, struct ike_proposal *chosen)
{
	struct ike_proposal c;
	struct ike_suite su;
	size_t i;
	int found = 0;

	for (i = 0; i < s->nike; i++) {
		if (ike_sa_select(offered, &s->ike_props[i], IKE_PROTO_IKE,
		    &c) < 0)
			continue;
		if (rekey && (c.spi_size != 8 || seg_spi64_get(c.spi) == 0))
			continue;
		seg_suite_of(&c, &su);
		if (ike_suite_check(&su) < 0)
			continue;
		if (!found || c.num < chosen->num)
			*chosen = c;
		found = 1;
	}
	return found ? 0 : -ENOENT;
}

static struct seg_peer *
peer_by_addr(struct seg *s, const struct sockaddr_storage *from)
{
	size_t i;
	struct seg_peer *p;

	for (i = 0; i < s->npeers; i++) {
		p = &s->peers[i];
		if (from->ss_family == AF_INET && p->addr.family == AF_INET &&
		    memcmp(&((const struct sockaddr_in *)from)->sin_addr,
		    &p->addr.u.v4, 4) == 0)
			return p;
		if (from->ss_family == AF_INET6 && p->addr.family == AF_INET6 &&
		    memcmp(&((const struct sockaddr_in6 *)from)->sin6_addr,
		    &p->addr.u.v6, 16) == 0)
			return p;
	}
	return NULL;
}

void
seg_init_request(struct seg *s, const struct ike_msg *m,
    const struct sockaddr_storage *from, socklen_t fromlen)
{
	struct seg_peer *p;
	struct seg_ike *sa;
	struct ike_sa_pl offered, sap;
	struct ike_proposal chosen;
	const struct ike_transform *dh;
	const struct ike_pl *pl;
	struct ike_ke ke;
	struct ike_hdr h;
	struct ike_wr w;
	const uint8_t *ni;
	uint8_t buf[SEG_MSG_MAX], pub[IKE_MAX_DH], g[2];
	size_t it, nilen, publen;
	int rc;

	if ((p = peer_by_addr(s, from)) == NULL) {
		log_debug("seg: IKE_SA_INIT from an unknown address dropped");
		return;
	}
	if (m->hdr.msgid != 0 || m->hdr.spi_r != 0 ||
	    !(m->hdr.flags & IKE_FLAG_I))
		return;
	for (sa = s->sas; sa != NULL; sa = sa->next)
		if (sa->state != SEG_DEAD && !sa->initiator &&
		    sa->peer == p && sa->spi_i == m->hdr.spi_i) {
			if (sa->resp != NULL && sa->state == SEG_INIT_DONE)
				(void)seg_send(s, &sa->ss, sa->sslen,
				    sa->resp, sa->resplen);
			return;		/* a retransmission */
		}
	if (!seg_cookie_gate(s, m, from, fromlen))
		return;
	it = 0;
	if ((pl = ike_msg_find(m, IKE_PL_SA, &it)) == NULL ||
	    ike_sa_parse(pl->body, pl->len, &offered) < 0) {
		init_notify(s, &m->hdr, from, fromlen, IKE_N_INVALID_SYNTAX,
		    NULL, 0);
		return;
	}
	if (seg_ike_choose(s, &offered, 0, &chosen) < 0 ||
	    (dh = ike_proposal_get(&chosen, IKE_TR_DH)) == NULL) {
		log_warn("seg: peer %s: no acceptable IKE proposal",
		    p->name);
		init_notify(s, &m->hdr, from, fromlen,
		    IKE_N_NO_PROPOSAL_CHOSEN, NULL, 0);
		return;
	}
	it = 0;
	if ((pl = ike_msg_find(m, IKE_PL_KE, &it)) == NULL ||
	    ike_ke_parse(pl, &ke) < 0 ||
	    (pl = ike_msg_find(m, IKE_PL_NONCE, (it = 0, &it))) == NULL ||
	    ike_nonce_parse(pl, &ni, &nilen) < 0 || nilen > 256) {
		init_notify(s, &m->hdr, from, fromlen, IKE_N_INVALID_SYNTAX,
		    NULL, 0);
		return;
	}
	if (ke.group != dh->id) {
		g[0] = (uint8_t)(dh->id >> 8);
		g[1] = (uint8_t)dh->id;
		init_notify(s, &m->hdr, from, fromlen,
		    IKE_N_INVALID_KE_PAYLOAD, g, 2);
		return;
	}
	if ((sa = seg_ike_new(s, p, 0)) == NULL)
		return;
	memcpy(&sa->ss, from, fromlen);
	sa->sslen = fromlen;
	sa->state = SEG_INIT_DONE;
	sa->prop = chosen;
	sa->group = dh->id;
	sa->spi_i = m->hdr.spi_i;
	memcpy(sa->ni, ni, nilen);
	sa->nilen = nilen;
	sa->nrlen = SEG_NONCE_LEN;
	if (new_spi(&sa->spi_r) < 0 ||
	    seg_ike_random(sa->nr, sa->nrlen) < 0 ||
	    ike_dh_new(sa->group, &sa->dh) < 0 ||
	    ike_dh_public(sa->dh, pub, sizeof(pub), &publen) < 0 ||
	    (sa->init_i = dup_msg(m)) == NULL) {
		seg_ike_kill(sa, "cannot answer IKE_SA_INIT");
		return;
	}
	sa->init_ilen = m->hdr.length;
	if ((rc = init_keys(sa, &ke)) < 0) {
		/* a KE value off the curve or of the wrong length */
		seg_ike_kill(sa, "bad KE");
		init_notify(s, &m->hdr, from, fromlen, IKE_N_INVALID_SYNTAX,
		    NULL, 0);
		return;
	}
	memset(&sap, 0, sizeof(sap));
	sap.nprop = 1;
	sap.prop[0] = chosen;
	memset(&h, 0, sizeof(h));
	h.spi_i = sa->spi_i;
	h.spi_r = sa->spi_r;
	h.version = IKE_VERSION;
	h.exchange = IKE_SA_INIT;
	h.flags = IKE_FLAG_R;
	ike_wr_init(&w, buf, sizeof(buf));
	ike_wr_hdr(&w, &h);
	ike_wr_sa(&w, &sap);
	ike_wr_ke(&w, sa->group, pub, publen);
	ike_wr_nonce(&w, sa->nr, sa->nrlen);
	wr_sig_hashes(&w);
	if (p->auth == SEG_AUTH_CERT)
		seg_cert_wr_certreq(s, &w);	/* 3.7 */
	if ((rc = ike_wr_finish(&w)) < 0 ||
	    (sa->init_r = malloc((size_t)rc)) == NULL) {
		seg_ike_kill(sa, "cannot build the IKE_SA_INIT response");
		return;
	}
	sa->init_rlen = (size_t)rc;
	memcpy(sa->init_r, buf, sa->init_rlen);
	log_info("seg: peer %s: IKE_SA_INIT from %016llx answered, SPIr "
	    "%016llx", p->name, (unsigned long long)sa->spi_i,
	    (unsigned long long)sa->spi_r);
	(void)seg_ike_respond(sa, buf, sa->init_rlen);
}
