/* icscf_route.c - the I-CSCF's two procedures:
 *	REGISTER: UAR, then forward to the assigned or selected S-CSCF
 *	(TS 24.229 5.3.1.2, TS 29.228 6.1.1);
 *	initial requests from outside: LIR, then forward to the S-CSCF
 *	serving the called identity (TS 24.229 5.3.2.1, TS 29.228 6.1.4).
 * Diameter answers are posted to the su_root thread before use.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "check.h"
#include "digest.h"
#include "icscf.h"
#include "log.h"

struct icx {
	struct handoff_job job;		/* the Cx answer, to the su_root thread */
	struct cx_answer *ans;
	struct icscf	*ic;
	nta_incoming_t	*irq;
	char		 impu[SIPX_URI_MAX];
	int		 lir;
};

static void
icx_reply(struct icx *c, int status, const char *phrase)
{
	sipx_reply(c->irq, status, phrase);
	free(c);
}

/* Failures common to UAR and LIR: no answer, peer unreachable. */
static int
transport_status(const struct cx_answer *a, const char **phrase)
{
	if (a->status == -ETIMEDOUT || a->result_code == 3002 ||
	    a->result_code == 3004) {
		*phrase = "Server Time-out (HSS)";
		return 504;
	}
	if (a->status < 0) {
		*phrase = "Server Internal Error";
		return 500;
	}
	return 0;
}

/* TS 24.229 5.3.1.2: UAA errors. */
static int
uar_status(const struct cx_answer *a, const char **phrase)
{
	int st;

	if ((st = transport_status(a, phrase)) != 0)
		return st;
	switch (a->exp_result_code) {
	case CX_ERROR_USER_UNKNOWN:
	case CX_ERROR_IDENTITIES_DONT_MATCH:
	case CX_ERROR_ROAMING_NOT_ALLOWED:
	case CX_ERROR_IDENTITY_NOT_REGISTERED:
		*phrase = "Forbidden";
		return 403;
	default:
		break;
	}
	if (a->result_code == 5003) {	/* DIAMETER_AUTHORIZATION_REJECTED */
		*phrase = "Forbidden";
		return 403;
	}
	*phrase = "Server Internal Error";
	return 500;
}

/* TS 24.229 5.3.2.1: LIA errors. */
static int
lir_status(const struct cx_answer *a, const char **phrase)
{
	int st;

	if ((st = transport_status(a, phrase)) != 0)
		return st;
	switch (a->exp_result_code) {
	case CX_ERROR_USER_UNKNOWN:
		*phrase = "Not Found";
		return 404;
	case CX_ERROR_IDENTITY_NOT_REGISTERED:
		*phrase = "Temporarily Unavailable";
		return 480;
	case CX_ERROR_ROAMING_NOT_ALLOWED:
		*phrase = "Forbidden";
		return 403;
	default:
		break;
	}
	*phrase = "Server Internal Error";
	return 500;
}

static int
answer_ok(const struct cx_answer *a)
{
	return a->status == 0 && (a->result_code == DIA_SUCCESS ||
	    a->exp_result_code == CX_FIRST_REGISTRATION ||
	    a->exp_result_code == CX_SUBSEQUENT_REGISTRATION ||
	    a->exp_result_code == CX_UNREGISTERED_SERVICE ||
	    a->exp_result_code == CX_SUCCESS_SERVER_NAME_NOT_STORED);
}

static void
answered(struct handoff_job *job)
{
	struct icx *c = IMS_CONTAINER_OF(job, struct icx, job);
	struct cx_answer *a = c->ans;
	const char *phrase, *target;
	msg_t *msg;
	int status;

	if (!answer_ok(a)) {
		status = c->lir ? lir_status(a, &phrase) :
		    uar_status(a, &phrase);
		log_info("icscf: %s for %s: status %d result %u/%u -> %d",
		    c->lir ? "LIR" : "UAR", c->impu, a->status,
		    a->result_code, a->exp_result_code, status);
		cx_answer_free(a);
		icx_reply(c, status, phrase);
		return;
	}
	if ((target = scscf_select(c->ic, a)) == NULL) {
		log_info("icscf: no S-CSCF fits the capabilities for %s",
		    c->impu);
		cx_answer_free(a);
		icx_reply(c, 600, "Busy Everywhere");
		return;
	}
	if ((msg = sipx_request_copy(c->irq, &status)) == NULL) {
		cx_answer_free(a);
		icx_reply(c, status, NULL);
		return;
	}
	(void)sipx_route_pop_self(&c->ic->sa, msg, sip_object(msg), NULL, 0);
	log_info("icscf: %s for %s to %s", c->lir ? "request" : "REGISTER",
	    c->impu, target);
	(void)sipx_forward(&c->ic->sa, c->irq, msg, target, NULL, NULL);
	cx_answer_free(a);
	free(c);
}

static void
answer_cb(void *arg, struct cx_answer *a)
{
	struct icx *c = arg;

	c->ans = a;
	sipx_post(&c->ic->sa, &c->job, answered);
}

static int
is_deregistration(sip_t const *sip)
{
	const sip_contact_t *m;

	if (sip->sip_contact == NULL)
		return 0;
	for (m = sip->sip_contact; m != NULL; m = m->m_next)
		if (m->m_url->url_type != url_any &&
		    sipx_contact_expires(sip, m, 1) != 0)
			return 0;
	return 1;
}

/* P-Visited-Network-ID value without quotes (RFC 3455 4.3). */
static void
visited_network(sip_t const *sip, const char *dflt, char *out, size_t size)
{
	const char *v = sipx_hdr_get(sip, "P-Visited-Network-ID");
	size_t len;

	if (v == NULL) {
		(void)snprintf(out, size, "%s", dflt);
		return;
	}
	if (*v == '"')
		v++;
	len = strcspn(v, "\";");
	if (len >= size)
		len = size - 1;
	memcpy(out, v, len);
	out[len] = '\0';
}

static int
uar(struct icx *c, sip_t const *sip)
{
	struct cx_req r;
	struct digest d;
	char impi[DIGEST_MAX_VALUE + 1], vni[SIPX_URI_MAX];
	char authz[DIGEST_MAX_VALUE * 4];

	digest_init(&d);
	if (sip->sip_authorization != NULL &&
	    (sipx_auth_str(sip->sip_authorization, authz, sizeof(authz)) < 0 ||
	    digest_parse(authz, strlen(authz), &d) < 0))
		digest_init(&d);
	/* TS 24.229 5.3.1.2: the private identity of the Authorization
	 * header, else derived from the public one. */
	(void)snprintf(impi, sizeof(impi), "%s",
	    DIGEST_HAS(&d, DIGEST_USERNAME) && d.username[0] != '\0' ?
	    d.username : strncmp(c->impu, "sip:", 4) == 0 ? c->impu + 4 :
	    c->impu);
	visited_network(sip, c->ic->domain, vni, sizeof(vni));
	memset(&r, 0, sizeof(r));
	r.dest_realm = c->ic->dest_realm;
	r.impi = impi;
	r.impu = c->impu;
	r.visited_network = vni;
	r.uar_type = is_deregistration(sip) ? CX_UAT_DE_REGISTRATION :
	    CX_UAT_REGISTRATION;
	r.timeout_ms = c->ic->dia_timeout_ms;
	return cx_uar_send(&r, answer_cb, c);
}

static int
lir(struct icx *c)
{
	struct cx_req r;

	memset(&r, 0, sizeof(r));
	r.dest_realm = c->ic->dest_realm;
	r.impu = c->impu;
	r.timeout_ms = c->ic->dia_timeout_ms;
	return cx_lir_send(&r, answer_cb, c);
}

int
icscf_request(struct icscf *ic, nta_incoming_t *irq, sip_t const *sip)
{
	struct icx *c;
	msg_t *msg;
	int status, rc;

	/* Requests within a dialog, or routed beyond us: proxy them
	 * (RFC 3261 16.4). */
	if (sip->sip_request->rq_method != sip_method_register &&
	    (sipx_in_dialog(sip) || sip->sip_request->rq_method ==
	    sip_method_ack || sip->sip_request->rq_method ==
	    sip_method_cancel || (sip->sip_route != NULL &&
	    !sipx_url_is_self(&ic->sa, sip->sip_route->r_url)))) {
		if ((msg = sipx_request_copy(irq, &status)) == NULL) {
			sipx_reply(irq, status, NULL);
			return 0;
		}
		(void)sipx_route_pop_self(&ic->sa, msg, sip_object(msg), NULL,
		    0);
		(void)sipx_forward(&ic->sa, irq, msg, NULL, NULL, NULL);
		return 0;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		sipx_reply(irq, 500, "Server Internal Error");
		return 0;
	}
	c->ic = ic;
	c->irq = irq;
	c->lir = sip->sip_request->rq_method != sip_method_register;
	if (sipx_aor(c->lir ? sip->sip_request->rq_url : sip->sip_to->a_url,
	    c->impu, sizeof(c->impu)) < 0) {
		icx_reply(c, 400, "Bad Request");
		return 0;
	}
	rc = c->lir ? lir(c) : uar(c, sip);
	if (rc < 0)
		icx_reply(c, 500, "Server Internal Error");
	return 0;
}
