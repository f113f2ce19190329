/* icscf_route.c - the I-CSCF's two procedures:
 *	REGISTER: UAR, then forward to the assigned or selected S-CSCF
 *	(TS 24.229 5.3.1.2, TS 29.228 6.1.1);
 *	initial requests from outside: LIR, then forward to the S-CSCF
 *	serving the called identity (TS 24.229 5.3.2.1, TS 29.228 6.1.4).
 * Each request is one sipx_cx (common/sipx): the answer is handled on the
 * su_root thread and the request gets exactly one final response.
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
	struct sipx_cx	 cx;		/* the UAR or LIR and its SIP reply */
	struct icscf	*ic;
	char		 impu[SIPX_URI_MAX];
	int		 lir;
};

static void
icx_release(struct sipx_cx *cx)
{
	free(IMS_CONTAINER_OF(cx, struct icx, cx));
}

/* su_root thread: the UAA or LIA (TS 24.229 5.3.1.2, 5.3.2.1). */
static void
answered(struct sipx_cx *cx, const struct cx_answer *a)
{
	struct icx *c = IMS_CONTAINER_OF(cx, struct icx, cx);
	const char *phrase, *target;
	msg_t *msg;
	int status;

	if ((status = sipx_cx_status(a, &phrase)) != 0) {
		log_info("icscf: %s for %s: status %d result %u/%u -> %d",
		    c->lir ? "LIR" : "UAR", c->impu, a->status,
		    a->result_code, a->exp_result_code, status);
		sipx_cx_reply(cx, status, phrase);
		return;
	}
	if ((target = scscf_select(c->ic->scscf, c->ic->nscscf, a)) == NULL) {
		log_info("icscf: no S-CSCF fits the capabilities for %s",
		    c->impu);
		sipx_cx_reply(cx, 600, "Busy Everywhere");
		return;
	}
	if ((msg = sipx_request_copy(cx->irq, &status)) == NULL) {
		sipx_cx_reply(cx, status, NULL);
		return;
	}
	(void)sipx_route_pop_self(&c->ic->sa, msg, sip_object(msg), NULL, 0);
	log_info("icscf: %s for %s to %s", c->lir ? "request" : "REGISTER",
	    c->impu, target);
	(void)sipx_forward(&c->ic->sa, sipx_cx_take(cx), msg, target, NULL,
	    NULL);
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

static void
uar(struct icx *c, sip_t const *sip)
{
	struct cx_req r;
	char impi[DIGEST_MAX_VALUE + 1], vni[SIPX_URI_MAX];
	int dereg;

	/* TS 24.229 5.3.1.2: the private identity of the Authorization
	 * header, else derived from the public one; read exactly as the
	 * S-CSCF reads it (sipx_register_impi), never guessed. */
	if (sipx_register_impi(sip, c->impu, impi, sizeof(impi)) < 0) {
		sipx_cx_finish(&c->cx, 400, "Bad Authorization");
		return;
	}
	if ((dereg = sipx_is_deregistration(sip)) < 0) {
		sipx_cx_finish(&c->cx, 400, "Bad Expires");
		return;
	}
	visited_network(sip, c->ic->domain, vni, sizeof(vni));
	memset(&r, 0, sizeof(r));
	r.dest_realm = c->ic->dest_realm;
	r.impi = impi;
	r.impu = c->impu;
	r.visited_network = vni;
	r.uar_type = dereg ? CX_UAT_DE_REGISTRATION : CX_UAT_REGISTRATION;
	r.timeout_ms = c->ic->dia_timeout_ms;
	sipx_cx_send(&c->cx, CX_CMD_UAR, &r, answered);
}

static void
lir(struct icx *c)
{
	struct cx_req r;

	memset(&r, 0, sizeof(r));
	r.dest_realm = c->ic->dest_realm;
	r.impu = c->impu;
	r.timeout_ms = c->ic->dia_timeout_ms;
	sipx_cx_send(&c->cx, CX_CMD_LIR, &r, answered);
}

int
icscf_request(struct icscf *ic, nta_incoming_t *irq, sip_t const *sip)
{
	struct icx *c;
	msg_t *msg;
	int status;

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
	sipx_cx_init(&c->cx, &ic->sa, irq, icx_release);
	c->ic = ic;
	c->lir = sip->sip_request->rq_method != sip_method_register;
	if (sipx_aor(c->lir ? sip->sip_request->rq_url : sip->sip_to->a_url,
	    c->impu, sizeof(c->impu)) < 0) {
		sipx_cx_finish(&c->cx, 400, "Bad Request");
		return 0;
	}
	if (c->lir)
		lir(c);
	else
		uar(c, sip);
	return 0;
}
