/* seg_auth.c - IKE_AUTH (RFC 7296 1.2) with the first CHILD_SA
 * (seg_child.c): IDi/IDr (3.5, FQDN), AUTH (2.15: PSK, or a certificate
 * and an RFC 7427 signature, seg_cert.c).  Errors answered per 2.21.2.
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "check.h"
#include "log.h"
#include "seg_ike.h"

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
	struct ike_wr w;
	uint8_t in[SEG_MSG_MAX], out[SEG_MSG_MAX];
	size_t n;

	IMS_CHECK_RC(seg_child_spi(&sa->spi_offer));
	ike_wr_init(&w, in, sizeof(in));
	wr_id(sa, &w);
	if (p->auth == SEG_AUTH_CERT)
		seg_cert_wr_certreq(s, &w);
	IMS_CHECK_RC(wr_auth(sa, &w));
	seg_child_wr_offer(sa, sa->spi_offer, NULL, 0, &w);
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
	struct seg_peer *p = sa->peer;
	size_t it;
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
	if (seg_child_reply(sa, m, sa->spi_offer, &sa->child) < 0) {
		log_warn("seg: peer %s: IKE_AUTH response: SA or selectors "
		    "unusable", p->name);
		seg_ike_kill(sa, "bad CHILD_SA in IKE_AUTH response");
		return;
	}
	if ((rc = seg_child_install(sa, &sa->child, 1, sa->ni, sa->nilen,
	    sa->nr, sa->nrlen)) < 0) {
		seg_ike_kill(sa, "the kernel refused the CHILD_SA");
		return;
	}
	established(sa);
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
	if ((err = seg_child_respond(sa, m, &sa->child, sa->ni, sa->nilen,
	    sa->nr, sa->nrlen, 0, &w)) != 0) {
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
