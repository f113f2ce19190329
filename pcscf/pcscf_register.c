/* pcscf_register.c - REGISTER at the P-CSCF (TS 24.229 5.2.2): from the
 * UE side to the I-CSCF, whatever trust domain header the UE put in
 * removed and ours added: Path (RFC 3327 4), P-Visited-Network-ID
 * (RFC 7315 4.3), P-Charging-Vector (RFC 7315 4.6);
 *	401: ck/ik taken out of WWW-Authenticate and kept (TS 33.203 7.1);
 *	200: the registration recorded (Service-Route, P-Associated-URI).
 * Challenge-bound REGISTERs (no credentials, or credentials for a nonce
 * this UE was not given by a counted challenge) take a token from the
 * source's bucket (pcscf_limit.c) before anything is forwarded: beyond
 * it, 503 with Retry-After.  An answer to a counted challenge is free;
 * a 401 to a request that was not counted is counted then, and its nonce
 * is only free to answer if a token was left.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "digest.h"
#include "log.h"
#include "pcscf.h"
#include "util.h"

struct reg_ctx {
	struct pcscf	*p;
	char		 ip[64];
	unsigned	 port;
	char		 impi[PCSCF_ID_MAX];
	char		 impu[PCSCF_ID_MAX];
	char		 contact[SIPX_URI_MAX * 2];
	int		 paid;		/* a token was taken for it */
	/* Gm (pcscf_gm.c): the UE entry is keyed by key_port, the
	 * protected client port when a Security-Client was accepted. */
	unsigned	 key_port;
	struct pcscf_gm_offer offer;
};

/* SHA-256 of a nonce: what the UE entry keeps of it. */
static int
nonce_hash(const char *nonce, uint8_t out[PCSCF_HASH_LEN])
{
	unsigned len = PCSCF_HASH_LEN;

	if (EVP_Digest(nonce, strlen(nonce), out, &len, EVP_sha256(),
	    NULL) != 1)
		return -EIO;
	return 0;
}

/* 1 when the credentials answer the counted challenge this UE got. */
static int
answers_paid_challenge(struct pcscf *p, const sip_t *sip, const char *ip,
    unsigned port, const char *impi)
{
	struct digest d;
	struct pcscf_ue *u;
	uint8_t h[PCSCF_HASH_LEN];
	int ok = 0;

	if ((u = pcscf_ue_find(p->ues, ip, port, impi)) != NULL &&
	    u->nonce_paid && sipx_auth_creds(sip, &d) == 0 &&
	    DIGEST_HAS(&d, DIGEST_NONCE) && d.nonce[0] != '\0' &&
	    nonce_hash(d.nonce, h) == 0)
		ok = memcmp(h, u->nonce, sizeof(h)) == 0;
	secure_wipe(&d, sizeof(d));
	return ok;
}

/* sipx_load finishing: a request within a dialog, or a REGISTER that
 * answers the challenge this UE got through us (never on the word of its
 * credentials alone: a UE cannot buy priority under overload). */
int
pcscf_register_finishing(void *magic, nta_incoming_t *irq, const sip_t *sip)
{
	struct pcscf *p = magic;
	char impu[SIPX_URI_MAX], impi[PCSCF_ID_MAX], ip[64];
	unsigned port;
	msg_t *msg;
	int r = 0;

	if (sipx_in_dialog(sip))
		return 1;
	if (sip->sip_request->rq_method != sip_method_register ||
	    sip->sip_to == NULL ||
	    sipx_aor(sip->sip_to->a_url, impu, sizeof(impu)) < 0 ||
	    sipx_register_impi(sip, impu, impi, sizeof(impi)) < 0 ||
	    (msg = nta_incoming_getrequest(irq)) == NULL)
		return 0;
	if (sipx_source(msg, ip, sizeof(ip), &port) == 0)
		r = answers_paid_challenge(p, sip, ip, port, impi);
	msg_destroy(msg);
	return r;
}

/* TS 24.229 5.2.2.1 / TS 33.203 7.1: keep ck/ik, send the challenge
 * without them; remember the nonce (counted or not).  With an offer, the
 * Gm SAs are installed from them (pcscf_gm.c).  0, < 0 an unusable
 * challenge, or the status that replaces the 401. */
static int
strip_keys(struct reg_ctx *c, msg_t *msg, sip_t *sip)
{
	struct digest d;
	struct pcscf_ue *u;
	char in[DIGEST_MAX_VALUE * 4], out[DIGEST_FORMAT_MAX];
	uint8_t ck[16], ik[16];
	int rc = 0;

	if (sip->sip_www_authenticate == NULL)
		return 0;
	if (sipx_auth_str(sip->sip_www_authenticate, in, sizeof(in)) < 0 ||
	    digest_parse(in, strlen(in), &d) < 0) {
		rc = -EINVAL;
		goto out;
	}
	if ((u = pcscf_ue_get(c->p->ues, c->ip, c->key_port, c->impi)) ==
	    NULL)
		log_warn("pcscf: UE table full: challenge for %s not kept",
		    c->impi);
	if (u != NULL) {
		u->nonce_paid = c->paid && DIGEST_HAS(&d, DIGEST_NONCE) &&
		    nonce_hash(d.nonce, u->nonce) == 0;
		if (digest_keys(&d, ck, ik) == 0) {
			memcpy(u->ck, ck, sizeof(ck));
			memcpy(u->ik, ik, sizeof(ik));
			u->has_keys = 1;
		}
	}
	if (c->offer.have) {
		/* TS 33.203 7.1: the SAs need this challenge's keys. */
		if (u == NULL || !u->has_keys) {
			log_warn("pcscf: 401 for %s without usable ck/ik: no "
			    "Gm SAs: 500", c->impi);
			rc = 500;
		} else
			rc = pcscf_gm_challenge(c->p, c->ip, c->impi,
			    &c->offer, u->ck, u->ik, msg, sip);
		if (rc != 0)
			goto out;
	}
	if ((rc = digest_format(&d, DIGEST_FMT_CHALLENGE | DIGEST_FMT_NO_KEYS,
	    out, sizeof(out))) < 0)
		goto out;
	while (sip->sip_www_authenticate != NULL)
		if (sip_header_remove(msg, sip,
		    (sip_header_t *)sip->sip_www_authenticate) < 0) {
			rc = -EINVAL;
			goto out;
		}
	if (sip_add_make(msg, sip, sip_www_authenticate_class, out) < 0)
		rc = -EINVAL;
out:
	secure_wipe(in, sizeof(in));
	secure_wipe(&d, sizeof(d));
	secure_wipe(ck, sizeof(ck));
	secure_wipe(ik, sizeof(ik));
	return rc;
}

/* TS 24.229 5.2.2.1: the 200 OK to REGISTER. */
static void
record_registration(struct reg_ctx *c, msg_t *msg, sip_t *sip)
{
	const sip_contact_t *m;
	struct pcscf_ue *u;
	char uri[SIPX_URI_MAX * 2];
	const char *pau;
	unsigned exp = 0;

	for (m = sip->sip_contact; m != NULL; m = m->m_next)
		if (sipx_url_str(m->m_url, uri, sizeof(uri)) == 0 &&
		    strcmp(uri, c->contact) == 0) {
			if (sipx_contact_expires(sip, m, 0, &exp) < 0) {
				log_warn("pcscf: bad expiry in the 200 for %s",
				    c->impu);
				exp = 0;
			}
			break;
		}
	u = exp > 0 ? pcscf_ue_get(c->p->ues, c->ip, c->port, c->impi) :
	    pcscf_ue_find(c->p->ues, c->ip, c->port, c->impi);
	if (u == NULL) {
		if (exp > 0)
			log_warn("pcscf: UE table full: %s not recorded",
			    c->impu);
		return;
	}
	if (exp == 0) {
		/* Its dialogs and SAs go with it (pcscf_ues_set_gone). */
		log_info("pcscf: %s de-registered", c->impu);
		pcscf_ue_forget(c->p->ues, u);
		pcscf_gm_deregistered(c->p, c->ip, c->impi);
		return;
	}
	(void)snprintf(u->impu, sizeof(u->impu), "%s", c->impu);
	(void)snprintf(u->contact, sizeof(u->contact), "%s", c->contact);
	if (sipx_route_join(sip->sip_service_route, msg_home(msg),
	    u->service_route, sizeof(u->service_route)) < 0)
		u->service_route[0] = '\0';
	pau = sipx_hdr_get(sip, "P-Associated-URI");
	(void)snprintf(u->assoc, sizeof(u->assoc), "%s", pau ? pau : "");
	pcscf_ue_set_registered(c->p->ues, u, exp);
	if (u->gm != NULL)
		pcscf_gm_registered(c->p, u, exp);
	pcscf_regevent_registered(c->p, u);	/* TS 24.229 5.2.3 */
	{
		char peer[SIPX_PEER_MAX];

		sipx_hostport(c->ip, c->port, peer, sizeof(peer));
		log_sec(LOG_LVL_INFO, 2, c->impu, peer, "pcscf: registered "
		    "for %u s%s", exp, u->gm != NULL ? ", over Gm SAs" : "");
	}
}

static int
reg_response(void *arg, msg_t *msg, sip_t *sip, int status)
{
	struct reg_ctx *c = arg;
	struct pcscf_ue *u;
	unsigned ra;
	int drop = 0;

	if (status == 401 && !c->paid)
		/* Not foreseen (stale credentials): counted now; if no
		 * token is left, answering it is not free either. */
		c->paid = pcscf_limit_take(c->p->limit, c->ip, &ra) == 1;
	if (msg != NULL && status == 401 &&
	    (drop = strip_keys(c, msg, sip)) < 0) {
		log_warn("pcscf: unusable challenge for %s dropped", c->impi);
		drop = 1;
	}
	if (msg != NULL) {
		/* RFC 7315 4: charging headers stay in the trust domain. */
		sipx_hdr_remove(msg, sip, "P-Charging-Vector");
		sipx_hdr_remove(msg, sip, "P-Charging-Function-Addresses");
	}
	if (msg != NULL && status >= 200 && status < 300)
		record_registration(c, msg, sip);
	if (status >= 300 && status != 401 &&
	    (u = pcscf_ue_find(c->p->ues, c->ip, c->port, c->impi)) != NULL) {
		/* Refused: that nonce is spent (a retry is a new challenge). */
		u->nonce_paid = 0;
		if (u->gm != NULL && !u->gm->active) {
			/* Authentication over pending SAs failed: they go
			 * (after the answer has left through them). */
			log_info("pcscf: %s refused (%d): pending Gm SAs "
			    "removed", c->impi, status);
			pcscf_ue_forget(c->p->ues, u);
		}
	}
	if (status >= 200)
		free(c);
	return drop;
}

/* The refusals of pcscf_gm_register: RFC 3329 2.3.1 (421 names the
 * extension required; 494), RFC 3261 (400, 403). */
static void
reply_sec_agree(nta_incoming_t *irq, int status)
{
	if (status == 421) {
		if (nta_incoming_treply(irq, 421, "Extension Required",
		    SIPTAG_REQUIRE_STR("sec-agree"), TAG_END()) < 0)
			log_warn("pcscf: cannot send 421");
		else
			sipx_stat_reply(irq, 421);
		nta_incoming_destroy(irq);
		return;
	}
	sipx_reply(irq, status, status == 494 ?
	    "Security Agreement Required" : status == 403 ?
	    "Not Over Its Security Association" : NULL);
}

/* RFC 3261 21.5.4, 20.33: every entry of the UE table is a live
 * registration; Retry-After: when the first one lapses. */
static void
reply_full(struct pcscf *p, nta_incoming_t *irq, const struct reg_ctx *c)
{
	struct pcscf_ues_stats st;

	pcscf_ues_stats(p->ues, &st);
	log_warn("pcscf: %s from %s:%u: %zu UEs registered (capacity %zu): "
	    "503", c->impi, c->ip, c->port, st.registered, st.capacity);
	sipx_reply_busy(irq, pcscf_ues_retry_after(p->ues));
}

int
pcscf_register(struct pcscf *p, nta_incoming_t *irq, msg_t *msg, sip_t *sip,
    const char *ip, unsigned port)
{
	struct reg_ctx *c;
	unsigned ra;
	int dereg, rc;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		goto fail;
	c->p = p;
	(void)snprintf(c->ip, sizeof(c->ip), "%s", ip);
	c->port = port;
	if (sipx_aor(sip->sip_to->a_url, c->impu, sizeof(c->impu)) < 0)
		goto fail;
	/* The same reading of the credentials as the I- and S-CSCF's; a
	 * malformed Authorization or expiry is refused here already. */
	if (sipx_register_impi(sip, c->impu, c->impi, sizeof(c->impi)) < 0) {
		free(c);
		msg_destroy(msg);
		sipx_reply(irq, 400, "Bad Authorization");
		return 0;
	}
	if ((dereg = sipx_is_deregistration(sip)) < 0) {
		free(c);
		msg_destroy(msg);
		sipx_reply(irq, 400, "Bad Expires");
		return 0;
	}
	if (sip->sip_contact != NULL && sipx_url_str(sip->sip_contact->m_url,
	    c->contact, sizeof(c->contact)) < 0)
		goto fail;
	/* Gm (TS 33.203 7, RFC 3329): the UE's Security-* headers. */
	if (pcscf_gm_register(p, irq, msg, sip, ip, port, c->impi, &c->offer,
	    &rc) < 0)
		goto fail;
	if (rc != 0) {
		free(c);
		msg_destroy(msg);
		reply_sec_agree(irq, rc);
		return 0;
	}
	c->key_port = c->offer.have ? c->offer.port_uc : port;
	/* The per-source limit on what makes the HSS spend a vector; first,
	 * so that a source beyond it cannot churn the UE table either. */
	if (!answers_paid_challenge(p, sip, ip, port, c->impi)) {
		if ((rc = pcscf_limit_take(p->limit, ip, &ra)) < 0)
			goto fail;	/* no usable source address */
		if (rc == 0) {
			log_warn("pcscf: REGISTER for %s from %s:%u: challenge "
			    "rate of the source exceeded: 503", c->impi, ip,
			    port);
			sipx_reply_busy(irq, ra);
			free(c);
			msg_destroy(msg);
			return 0;
		}
		c->paid = 1;
	}
	/* A UE that registers needs an entry for its keys and, later, its
	 * registration: taken now, or 503 before anything is forwarded. */
	if (sip->sip_contact != NULL && !dereg &&
	    pcscf_ue_get(p->ues, c->ip, c->key_port, c->impi) == NULL) {
		reply_full(p, irq, c);
		free(c);
		msg_destroy(msg);
		return 0;
	}
	/* TS 24.229 5.2.2.1; RFC 3325 2.3, RFC 7315 4, RFC 3327 5: what
	 * the UE put there is not the trust domain's; then our own Path,
	 * visited network and charging vector. */
	pcscf_strip_untrusted(msg, sip);
	/* Our next hop is the I-CSCF we are configured with, whatever
	 * Route the UE put (ours, or any other). */
	if (sipx_route_set(msg, sip, NULL) < 0 ||
	    sip_add_make(msg, sip, sip_path_class, p->path) < 0 ||
	    (sip->sip_supported == NULL &&
	    sip_add_make(msg, sip, sip_supported_class, "path") < 0) ||
	    sipx_hdr_add(msg, sip, "P-Visited-Network-ID", p->visited) < 0 ||
	    pcscf_charging_vector(p, msg, sip) < 0)
		goto fail;
	if (sipx_forward(&p->sa, irq, msg, p->icscf, reg_response, c) < 0)
		free(c);
	return 0;
fail:
	free(c);
	msg_destroy(msg);
	sipx_reply(irq, 500, "Server Internal Error");
	return 0;
}
