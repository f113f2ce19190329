/* route.c - session routing at the S-CSCF (TS 24.229 5.4.3): originating
 * requests arrive with the Service-Route "orig" entry on top
 * (RFC 3608 6, TS 24.229 5.4.3.2), terminating ones for a registered
 * public identity are sent to its contact through the stored Path
 * (RFC 3327 5.3, TS 24.229 5.4.3.3); in-dialog requests follow their
 * Route set (RFC 3261 16.4, 16.12).
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
	    url_d(u, uri) < 0 || sipx_aor(u, aor, sizeof(aor)) < 0)
		return 0;
	if (bdb_reg_get(s->db, aor, NULL, 0, &registered, NULL, 0) < 0)
		return 0;
	return registered;
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

	if (sipx_aor(sip->sip_request->rq_url, aor, sizeof(aor)) < 0) {
		msg_destroy(msg);
		sipx_reply(irq, 400, "Bad Request-URI");
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
	log_info("route: %s for %s to %s", sip->sip_request->rq_method_name,
	    aor, bn[0].contact);
	return sipx_forward(&s->sa, irq, msg, NULL, NULL, NULL);
}

int
route_request(struct scscf *s, nta_incoming_t *irq, sip_t const *isip)
{
	msg_t *msg;
	sip_t *sip;
	char user[32];
	int status, orig;

	(void)isip;
	if ((msg = sipx_request_copy(irq, &status)) == NULL) {
		sipx_reply(irq, status, NULL);
		return 0;
	}
	sip = sip_object(msg);
	orig = sipx_route_pop_self(&s->sa, msg, sip, user, sizeof(user)) &&
	    strcmp(user, "orig") == 0;
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
	    sip->sip_request->rq_method == sip_method_cancel)
		return sipx_forward(&s->sa, irq, msg, NULL, NULL, NULL);
	return terminate(s, irq, msg, sip, 0);
}
