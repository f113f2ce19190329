/* route.c - session routing at the S-CSCF (TS 24.229 5.4.3): originating
 * requests arrive with the Service-Route "orig" entry on top
 * (RFC 3608 6, TS 24.229 5.4.3.2), terminating ones for a registered
 * public identity are sent to its contact through the stored Path
 * (RFC 3327 5.3, TS 24.229 5.4.3.3); in-dialog requests follow their
 * Route set (RFC 3261 16.4, 16.12).
 * The trust domain (TS 24.229 4.4, RFC 3325; sipx_from_trusted: the
 * packet's source): only its members (our P-CSCFs, ASs, the I-CSCF)
 * give the originating role; a request from outside loses the headers
 * only they set, and an initial one is routed by our own store only,
 * never along a Route set it brought.  A user's asserted identity does
 * not leave it when the user asked for privacy (RFC 3325 5).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "log.h"
#include "scscf.h"

/* The URI inside "<...>" of a name-addr (or the whole value). */
static int
name_addr_uri(const char *v, char *out, size_t size)
{
	const char *b, *e;
	size_t len;

	if ((b = strchr(v, '<')) != NULL && (e = strchr(b, '>')) != NULL) {
		b++;
		len = (size_t)(e - b);
	} else {
		b = v;
		len = strcspn(v, ";, \t");
	}
	if (len == 0 || len >= size)
		return -EINVAL;
	memcpy(out, b, len);
	out[len] = '\0';
	return 0;
}

/* 1 if the identity in the P-Asserted-Identity is registered here. */
static int
served_user_registered(struct scscf *s, sip_t *sip)
{
	const char *pai = sipx_hdr_get(sip, "P-Asserted-Identity");
	char uri[SCSCF_ID_MAX], aor[SCSCF_ID_MAX];
	url_t u[1];
	int registered = 0;

	if (pai == NULL || name_addr_uri(pai, uri, sizeof(uri)) < 0 ||
	    url_d(u, uri) < 0 || sipx_public_id(u, 1, aor, sizeof(aor)) < 0)
		return 0;
	if (bdb_reg_get(s->db, aor, NULL, 0, &registered, NULL, 0) < 0)
		return 0;
	return registered;
}

/* RFC 3261 16.6 step 6-7: where the request goes next. */
static const url_t *
next_hop(sip_t const *sip)
{
	return sip->sip_route != NULL ? sip->sip_route->r_url :
	    sip->sip_request->rq_url;
}

static int
creates_dialog(sip_t const *sip)
{
	return sip->sip_request->rq_method == sip_method_invite ||
	    sip->sip_request->rq_method == sip_method_subscribe;
}

/* TS 24.229 5.4.3.3: towards the registered contact, Route = Path. */
static int
terminate(struct scscf *s, nta_incoming_t *irq, msg_t *msg, sip_t *sip,
    int orig)
{
	struct binding bn[SCSCF_MAX_BINDINGS];
	char aor[SCSCF_ID_MAX];
	size_t n = 0;
	int registered = 0, rc;

	/* Only a public identity is looked up (TS 23.003 13.4): a SIP URI
	 * with a user part, a global tel URI. */
	if ((rc = sipx_public_id(sip->sip_request->rq_url, 1, aor,
	    sizeof(aor))) < 0) {
		msg_destroy(msg);
		log_info("route: the Request-URI names no public identity");
		if (rc == -ENOENT)
			sipx_reply(irq, 404, "Not Found");
		else
			sipx_reply(irq, rc == -EPROTONOSUPPORT ? 416 : 400,
			    NULL);
		return 0;
	}
	rc = bdb_reg_get(s->db, aor, NULL, 0, &registered, NULL, 0);
	if (rc == 0 && registered &&
	    bdb_bindings_get(s->db, aor, (int64_t)time(NULL), bn,
	    SCSCF_MAX_BINDINGS, &n) < 0)
		n = 0;
	if (n == 0) {
		if (orig && rc == -ENOENT && s->icscf != NULL) {
			/* Not ours: the home network's I-CSCF finds the
			 * S-CSCF (TS 24.229 5.4.3.2 step 11). */
			if (creates_dialog(sip) &&
			    sipx_record_route(msg, sip, s->sa.self) < 0)
				log_warn("route: Record-Route failed");
			log_info("route: %s to the I-CSCF", aor);
			return sipx_forward(&s->sa, irq, msg, s->icscf, NULL,
			    NULL);
		}
		msg_destroy(msg);
		log_info("route: %s %s", aor, rc == 0 ? "not registered" :
		    "unknown");
		/* From the I-CSCF the identity exists (LIR): not
		 * registered here means unavailable (TS 24.229 5.4.3.3). */
		if (rc == 0 || !orig)
			sipx_reply(irq, 480, "Temporarily Unavailable");
		else
			sipx_reply(irq, 404, "Not Found");
		return 0;
	}
	/* The most recent binding (no forking). */
	if (sipx_set_request_uri(msg, sip, bn[0].contact) < 0 ||
	    sipx_route_set(msg, sip, bn[0].path) < 0 ||
	    (creates_dialog(sip) &&
	    sipx_record_route(msg, sip, s->sa.self) < 0)) {
		msg_destroy(msg);
		sipx_reply(irq, 500, "Server Internal Error");
		return 0;
	}
	(void)sipx_privacy_apply(&s->trust, msg, sip, next_hop(sip));
	log_info("route: %s for %s to %s", sip->sip_request->rq_method_name,
	    aor, bn[0].contact);
	return sipx_forward(&s->sa, irq, msg, NULL, NULL, NULL);
}

/* TS 24.229 4.4, 5.4.3: what a request from outside the trust domain
 * may not do here.  NULL, or why it is refused (403). */
static const char *
untrusted_refusal(sip_t const *sip, int orig)
{
	sip_method_t m = sip->sip_request->rq_method;

	/* 5.4.3.2: the originating role is given by our P-CSCFs and ASs
	 * (Service-Route, ISC), never claimed. */
	if (orig)
		return "originating request";
	/* An initial request is routed by our store (5.4.3.3), not along
	 * a Route set that would carry it on from a trusted address. */
	if (sip->sip_route != NULL && !sipx_in_dialog(sip) &&
	    m != sip_method_ack && m != sip_method_cancel)
		return "Route beyond the S-CSCF";
	return NULL;
}

int
route_request(struct scscf *s, nta_incoming_t *irq)
{
	msg_t *msg;
	sip_t *sip;
	const char *why;
	int orig, trusted;

	/* RFC 3261 16.3 (416, 483 ...) was sipx_check's. */
	if ((msg = sipx_request_take(&s->sa, &s->trust, irq, &trusted,
	    &orig)) == NULL)
		return 0;
	sip = sip_object(msg);
	if (!trusted && (why = untrusted_refusal(sip, orig)) != NULL) {
		log_info("route: %s from outside the trust domain refused: %s",
		    sip->sip_request->rq_method_name, why);
		msg_destroy(msg);
		sipx_reply(irq, 403, "Forbidden");
		return 0;
	}
	if (orig && !sipx_in_dialog(sip)) {
		/* TS 24.229 5.4.3.2: the served user must be registered. */
		if (!served_user_registered(s, sip)) {
			msg_destroy(msg);
			sipx_reply(irq, 403, "Forbidden");
			return 0;
		}
		return terminate(s, irq, msg, sip, 1);
	}
	if (sipx_in_dialog(sip) || sip->sip_route != NULL ||
	    sip->sip_request->rq_method == sip_method_ack ||
	    sip->sip_request->rq_method == sip_method_cancel) {
		(void)sipx_privacy_apply(&s->trust, msg, sip, next_hop(sip));
		return sipx_forward(&s->sa, irq, msg, NULL, NULL, NULL);
	}
	return terminate(s, irq, msg, sip, 0);
}
