/* seg_ikerekey.c - rekeying the IKE SA by CREATE_CHILD_SA (RFC 7296 1.3.2,
 * 2.18): SA (protocol IKE, the new SPI of its sender), KE, nonce; the new
 * keys from the old SK_d (ike_keys_rekey); the CHILD_SA moves to the new
 * IKE SA whose Message IDs start at 0 and whose original initiator is the
 * rekey's initiator; that initiator deletes the old IKE SA (1.4.1), which
 * takes no CHILD_SA with it.
 *
 * Simultaneous rekeys (2.8.2) are not resolved by the nonces: a side with
 * a rekey of its own outstanding answers the peer's TEMPORARY_FAILURE
 * (2.25), and the side refused tries again later.
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "check.h"
#include "log.h"
#include "seg_ike.h"

#define SEG_REKEY_RETRY_SEC	10	/* after TEMPORARY_FAILURE */

static int
new_spi(uint64_t *spi)
{
	do {
		IMS_CHECK_RC(seg_ike_random(spi, sizeof(*spi)));
	} while (*spi == 0);
	return 0;
}

/* The new IKE SA: old's CHILD_SAs (in the kernel as they are) move to
 * it; old stays, without them, until its Delete. */
static int
switch_to(struct seg_ike *old, const struct ike_proposal *prop,
    const struct ike_suite *su, const uint8_t *gir, size_t glen,
    const uint8_t *ni, size_t nilen, const uint8_t *nr, size_t nrlen,
    uint64_t spi_i, uint64_t spi_r, int initiator)
{
	struct seg_ike *sa;
	int rc;

	sa = seg_ike_new(old->s, old->peer, initiator);
	IMS_CHECK_MALLOC(sa);
	if ((rc = ike_keys_rekey(su, &old->keys, gir, glen, ni, nilen, nr,
	    nrlen, spi_i, spi_r, &sa->keys)) < 0) {
		sa->state = SEG_DEAD;	/* freed by the tick */
		return rc;
	}
	sa->have_keys = 1;
	sa->ss = old->ss;
	sa->sslen = old->sslen;
	sa->prop = *prop;
	sa->suite = *su;
	sa->group = su->dh;
	sa->spi_i = spi_i;
	sa->spi_r = spi_r;
	sa->msgid_in = sa->msgid_out = 0;	/* 2.18 */
	sa->child = old->child;
	sa->old = old->old;
	old->child.installed = old->old.installed = 0;
	sa->state = SEG_ESTABLISHED;
	sa->established = sa->last_rx = time(NULL);
	old->rekeyed_at = time(NULL);
	sa->peer->sa = sa;
	log_info("seg: peer %s: IKE SA %016llx/%016llx rekeyed to "
	    "%016llx/%016llx as %s", sa->peer->name,
	    (unsigned long long)old->spi_i, (unsigned long long)old->spi_r,
	    (unsigned long long)spi_i, (unsigned long long)spi_r,
	    initiator ? "initiator" : "responder");
	return 0;
}

int
seg_ikerekey_start(struct seg_ike *sa, uint16_t group)
{
	struct ike_sa_pl sap;
	struct ike_suite su;
	struct ike_wr w;
	uint8_t in[SEG_MSG_MAX], out[SEG_MSG_MAX], pub[IKE_MAX_DH];
	size_t n, publen;

	IMS_CHECK_PARAMS(sa->state == SEG_ESTABLISHED && !sa->outstanding &&
	    sa->rekeyed_at == 0 && sa->s->nike > 0);
	if (group == 0) {
		seg_suite_of(&sa->s->ike_props[0], &su);
		group = su.dh;
	}
	ike_dh_free(sa->dh);
	sa->dh = NULL;
	IMS_CHECK_RC(new_spi(&sa->rekey_spi));
	sa->rekey_nilen = SEG_NONCE_LEN;
	IMS_CHECK_RC(seg_ike_random(sa->rekey_ni, sa->rekey_nilen));
	IMS_CHECK_RC(ike_dh_new(group, &sa->dh));
	IMS_CHECK_RC(ike_dh_public(sa->dh, pub, sizeof(pub), &publen));
	IMS_CHECK_RC(seg_ikerekey_offer(sa->s->ike_props, sa->s->nike,
	    sa->rekey_spi, &sap));
	ike_wr_init(&w, in, sizeof(in));
	ike_wr_sa(&w, &sap);		/* 1.3.2: SA, Ni, KEi */
	ike_wr_nonce(&w, sa->rekey_ni, sa->rekey_nilen);
	ike_wr_ke(&w, group, pub, publen);
	IMS_CHECK_RC(seg_ike_seal(sa, IKE_CREATE_CHILD_SA, 0, sa->msgid_out,
	    &w, out, sizeof(out), &n));
	sa->group = group;
	sa->rekeying = SEG_REKEYING_IKE;
	log_info("seg: peer %s: rekeying IKE SA %016llx/%016llx (group %u)",
	    sa->peer->name, (unsigned long long)sa->spi_i,
	    (unsigned long long)sa->spi_r, group);
	return seg_ike_request(sa, out, n);
}

/* The peer refused: TEMPORARY_FAILURE retried later, INVALID_KE_PAYLOAD
 * once with its group, anything else falls back to re-authentication. */
static void
refused(struct seg_ike *sa, const struct ike_msg *m)
{
	struct ike_notify n;

	if (ike_msg_notify(m, IKE_N_INVALID_KE_PAYLOAD, &n) == 0 &&
	    n.len == 2 && !sa->rekey_ke_retried) {
		sa->rekey_ke_retried = 1;
		(void)seg_ikerekey_start(sa,
		    (uint16_t)(n.data[0] << 8 | n.data[1]));
		return;
	}
	if (ike_msg_notify(m, IKE_N_TEMPORARY_FAILURE, &n) == 0) {
		log_info("seg: peer %s: IKE SA rekey collided: again later",
		    sa->peer->name);
		sa->rekey_retry_at = time(NULL) + SEG_REKEY_RETRY_SEC;
		return;
	}
	log_warn("seg: peer %s: IKE SA rekey refused: re-authentication "
	    "instead", sa->peer->name);
	sa->ike_rekey_refused = 1;
}

void
seg_ikerekey_response(struct seg_ike *sa, struct ike_msg *m)
{
	struct ike_sa_pl ours, reply;
	struct ike_proposal prop;
	struct ike_suite su;
	struct ike_ke ke;
	const struct ike_pl *pl;
	const uint8_t *nr;
	uint8_t gir[IKE_MAX_DH];
	size_t it = 0, nrlen, glen;
	int rc;

	sa->rekeying = 0;
	if ((pl = ike_msg_find(m, IKE_PL_SA, &it)) == NULL) {
		/* our DH and nonce go first: refused() may start again */
		ike_dh_free(sa->dh);
		sa->dh = NULL;
		OPENSSL_cleanse(sa->rekey_ni, sizeof(sa->rekey_ni));
		refused(sa, m);
		return;
	}
	if (seg_ikerekey_offer(sa->s->ike_props, sa->s->nike,
	    sa->rekey_spi, &ours) < 0 ||
	    ike_sa_parse(pl->body, pl->len, &reply) < 0 ||
	    ike_sa_check_reply(&ours, &reply, &prop) < 0 ||
	    prop.spi_size != 8 ||
	    (pl = ike_msg_find(m, IKE_PL_NONCE, (it = 0, &it))) == NULL ||
	    ike_nonce_parse(pl, &nr, &nrlen) < 0 ||
	    (pl = ike_msg_find(m, IKE_PL_KE, (it = 0, &it))) == NULL ||
	    ike_ke_parse(pl, &ke) < 0 || ke.group != sa->group ||
	    (seg_suite_of(&prop, &su), su.dh != sa->group) ||
	    ike_suite_check(&su) < 0 || seg_spi64_get(prop.spi) == 0) {
		log_warn("seg: peer %s: unusable IKE SA rekey answer: "
		    "re-authentication instead", sa->peer->name);
		sa->ike_rekey_refused = 1;
		goto out;
	}
	if (ike_dh_shared(sa->dh, ke.data, ke.len, gir, sizeof(gir),
	    &glen) < 0) {
		sa->ike_rekey_refused = 1;
		goto out;
	}
	rc = switch_to(sa, &prop, &su, gir, glen, sa->rekey_ni,
	    sa->rekey_nilen, nr, nrlen, sa->rekey_spi,
	    seg_spi64_get(prop.spi), 1);
	OPENSSL_cleanse(gir, sizeof(gir));
	if (rc < 0) {
		sa->ike_rekey_refused = 1;
		goto out;
	}
	/* 2.18: the rekey's initiator deletes the old IKE SA */
	(void)seg_info_send(sa, 1);
	seg_ike_kill(sa, "rekeyed");
out:
	ike_dh_free(sa->dh);
	sa->dh = NULL;
	OPENSSL_cleanse(sa->rekey_ni, sizeof(sa->rekey_ni));
}

void
seg_ikerekey_request(struct seg_ike *sa, struct ike_msg *m)
{
	struct ike_sa_pl offered, sap;
	struct ike_proposal prop;
	struct ike_suite su;
	struct ike_ke ke;
	struct ike_dh *dh = NULL;
	const struct ike_pl *pl;
	struct ike_wr w;
	const uint8_t *ni;
	uint8_t in[SEG_MSG_MAX], out[SEG_MSG_MAX], nr[SEG_NONCE_LEN];
	uint8_t pub[IKE_MAX_DH], gir[IKE_MAX_DH], g[2];
	size_t it = 0, nilen, n, publen, glen;
	uint64_t spi_r;
	uint16_t err = 0;

	if ((pl = ike_msg_find(m, IKE_PL_SA, &it)) == NULL ||
	    ike_sa_parse(pl->body, pl->len, &offered) < 0 ||
	    (pl = ike_msg_find(m, IKE_PL_NONCE, (it = 0, &it))) == NULL ||
	    ike_nonce_parse(pl, &ni, &nilen) < 0 ||
	    (pl = ike_msg_find(m, IKE_PL_KE, (it = 0, &it))) == NULL ||
	    ike_ke_parse(pl, &ke) < 0)
		err = IKE_N_INVALID_SYNTAX;
	else if (sa->rekeying || sa->rekeyed_at != 0)
		err = IKE_N_TEMPORARY_FAILURE;	/* 2.8.2, 2.25 */
	else if (seg_ike_choose(sa->s, &offered, 1, &prop) < 0)
		err = IKE_N_NO_PROPOSAL_CHOSEN;
	if (err != 0) {
		(void)seg_ike_notify_resp(sa, &m->hdr, err, NULL, 0);
		return;
	}
	seg_suite_of(&prop, &su);
	if (ke.group != su.dh) {	/* 1.3.2 with 1.2 */
		g[0] = (uint8_t)(su.dh >> 8);
		g[1] = (uint8_t)su.dh;
		(void)seg_ike_notify_resp(sa, &m->hdr,
		    IKE_N_INVALID_KE_PAYLOAD, g, 2);
		return;
	}
	if (new_spi(&spi_r) < 0 || seg_ike_random(nr, sizeof(nr)) < 0 ||
	    ike_dh_new(su.dh, &dh) < 0 ||
	    ike_dh_public(dh, pub, sizeof(pub), &publen) < 0 ||
	    ike_dh_shared(dh, ke.data, ke.len, gir, sizeof(gir), &glen) < 0) {
		ike_dh_free(dh);
		(void)seg_ike_notify_resp(sa, &m->hdr,
		    IKE_N_NO_PROPOSAL_CHOSEN, NULL, 0);
		return;
	}
	ike_dh_free(dh);
	memset(&sap, 0, sizeof(sap));
	sap.nprop = 1;
	sap.prop[0] = prop;
	seg_spi64_put(sap.prop[0].spi, spi_r);
	ike_wr_init(&w, in, sizeof(in));
	ike_wr_sa(&w, &sap);		/* 1.3.2: SA, Nr, KEr */
	ike_wr_nonce(&w, nr, sizeof(nr));
	ike_wr_ke(&w, su.dh, pub, publen);
	if (seg_ike_seal(sa, IKE_CREATE_CHILD_SA, 1, m->hdr.msgid, &w, out,
	    sizeof(out), &n) == 0 &&
	    switch_to(sa, &prop, &su, gir, glen, ni, nilen, nr, sizeof(nr),
	    seg_spi64_get(prop.spi), spi_r, 0) == 0)
		(void)seg_ike_respond(sa, out, n);
	else
		(void)seg_ike_notify_resp(sa, &m->hdr,
		    IKE_N_TEMPORARY_FAILURE, NULL, 0);
	OPENSSL_cleanse(gir, sizeof(gir));
	OPENSSL_cleanse(nr, sizeof(nr));
}
