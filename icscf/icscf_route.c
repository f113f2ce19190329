/* icscf_route.c - the I-CSCF's two procedures:
 *	REGISTER: UAR, then forward to the assigned or selected S-CSCF
 *	(TS 24.229 5.3.1.2, TS 29.228 6.1.1);
 *	initial requests from outside: LIR, then forward to the S-CSCF
 *	serving the called identity (TS 24.229 5.3.2.1, TS 29.228 6.1.4).
 * At the boundary of the trust domain (TS 24.229 4.4, 5.3; RFC 3325):
 * what comes from outside (sipx_from_trusted: the packet's source) loses
 * the headers only the trust domain sets, may not register (a REGISTER
 * comes through a P-CSCF, which alone names the visited network), and
 * is routed only by our own LIR: an originating indication, a Route set
 * beyond us or an in-dialog request from outside gets 403.
 * Each request is one sipx_cx (common/sipx): the answer is handled on the
 * su_root thread and the request gets exactly one final response.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "check.h"
#include "clock.h"
#include "digest.h"
#include "icscf.h"
#include "log.h"

struct icx {
	struct sipx_cx	 cx;		/* the UAR or LIR and its SIP reply */
	struct icscf	*ic;
	msg_t		*msg;		/* the copy to forward */
	char		 impu[SIPX_URI_MAX];
	int		 lir;
	int		 dereg;		/* a de-registration */
	int		 caps;		/* REGISTRATION_AND_CAPABILITIES */
	unsigned	 tries;		/* S-CSCFs tried before */
	char		 failed[SCSCF_URI_MAX];	/* the last that failed */
};

/* A REGISTER on its way to an S-CSCF, until the final response: a spare
 * copy to send elsewhere when that S-CSCF cannot be reached. */
struct ifwd {
	struct icscf	*ic;
	nta_incoming_t	*irq;
	msg_t		*spare;		/* NULL: no other try */
	char		 impu[SIPX_URI_MAX];
	char		 target[SCSCF_URI_MAX];
	unsigned	 tries;		/* this one included */
};

static void	uar(struct icx *, sip_t const *);

static void
icx_release(struct sipx_cx *cx)
{
	struct icx *c = IMS_CONTAINER_OF(cx, struct icx, cx);

	msg_destroy(c->msg);
	free(c);
}

/* TS 24.229 5.3.1.3: the S-CSCF of a REGISTER cannot be reached (or is
 * known not to be): a new UAR with User-Authorization-Type
 * REGISTRATION_AND_CAPABILITIES (TS 29.228 6.1.1), then another S-CSCF
 * than failed.  Takes irq and msg. */
static void
uar_capabilities(struct icscf *ic, nta_incoming_t *irq, msg_t *msg,
    const char *impu, unsigned tries, const char *failed)
{
	struct icx *c;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		msg_destroy(msg);
		sipx_reply(irq, 500, "Server Internal Error");
		return;
	}
	c->ic = ic;
	c->msg = msg;
	c->caps = 1;
	c->tries = tries;
	(void)snprintf(c->impu, sizeof(c->impu), "%s", impu);
	(void)snprintf(c->failed, sizeof(c->failed), "%s", failed);
	sipx_cx_init(&c->cx, &ic->sa, irq, icx_release);
	uar(c, sip_object(msg));
}

/* The final response to a REGISTER forwarded to f->target. */
static int
register_hook(void *arg, msg_t *resp, sip_t *sip, int status)
{
	struct ifwd *f = arg;
	struct icscf *ic = f->ic;

	(void)sip;
	if (status < 200)
		return 0;
	if (resp == NULL && f->spare != NULL) {
		/* Ours: no answer in time (408), a transport error (503),
		 * a name that does not resolve. */
		scscf_mark_failed(&ic->sel, f->target,
		    clock_mono_ms(NULL) + ic->hold_ms);
		log_warn("icscf: S-CSCF %s not reached for the REGISTER of "
		    "%s (%d): held down %u s, UAR for capabilities", f->target,
		    f->impu, status, ic->hold_ms / 1000);
		uar_capabilities(ic, f->irq, f->spare, f->impu, f->tries,
		    f->target);
		free(f);
		return SIPX_HOOK_KEEP;
	}
	if (resp != NULL)
		scscf_clear_failed(&ic->sel, f->target);
	msg_destroy(f->spare);
	free(f);
	return 0;
}

/* Forward a REGISTER (not a de-registration) to target, keeping a copy
 * for another S-CSCF while tries are left. */
static void
forward_register(struct icx *c, nta_incoming_t *irq, msg_t *msg,
    const char *target)
{
	struct ifwd *f;

	if ((f = calloc(1, sizeof(*f))) == NULL) {
		(void)sipx_forward(&c->ic->sa, irq, msg, target, NULL, NULL);
		return;
	}
	f->ic = c->ic;
	f->irq = irq;
	f->tries = c->tries + 1;
	(void)snprintf(f->impu, sizeof(f->impu), "%s", c->impu);
	(void)snprintf(f->target, sizeof(f->target), "%s", target);
	if (f->tries < ICSCF_MAX_TRIES)
		f->spare = msg_dup(msg);
	if (sipx_forward_within(&c->ic->sa, irq, msg, target,
	    c->ic->answer_ms, register_hook, f) < 0) {
		msg_destroy(f->spare);
		free(f);
	}
}

/* su_root thread: the UAA or LIA (TS 24.229 5.3.1.2, 5.3.2.1). */
static void
answered(struct sipx_cx *cx, const struct cx_answer *a)
{
	struct icx *c = IMS_CONTAINER_OF(cx, struct icx, cx);
	struct icscf *ic = c->ic;
	const char *phrase, *target = NULL;
	char chosen[SCSCF_URI_MAX];
	int64_t now = clock_mono_ms(NULL);
	msg_t *msg;
	int status;

	if ((status = sipx_cx_status(a, &phrase)) != 0) {
		log_info("icscf: %s for %s: status %d result %u/%u -> %d",
		    c->lir ? "LIR" : "UAR", c->impu, a->status,
		    a->result_code, a->exp_result_code, status);
		sipx_cx_reply(cx, status, phrase);
		return;
	}
	/* 5.3.1.2: the S-CSCF the HSS has for the user keeps it, unless it
	 * is held down (5.3.1.3): then one by capabilities. */
	if (a->server_name[0] != '\0' && !c->caps) {
		if (c->lir || c->dereg ||
		    !scscf_is_failed(&ic->sel, a->server_name, now))
			target = a->server_name;
		else {
			log_info("icscf: %s's S-CSCF %s is held down: UAR for "
			    "capabilities", c->impu, a->server_name);
			msg = c->msg;
			c->msg = NULL;
			uar_capabilities(ic, sipx_cx_take(cx), msg, c->impu,
			    c->tries, a->server_name);
			return;
		}
	} else {
		/* A REGISTER answering a challenge goes where the challenge
		 * came from (the HSS may still name a dead S-CSCF). */
		if (!c->lir && (target = scscf_sticky_get(&ic->sel, c->impu,
		    now)) != NULL && (scscf_is_failed(&ic->sel, target, now) ||
		    strcmp(target, c->failed) == 0))
			target = NULL;
		if (target == NULL)
			target = scscf_pick(&ic->sel, a, c->failed[0] != '\0' ?
			    c->failed : NULL, now);
		if (target != NULL) {
			(void)snprintf(chosen, sizeof(chosen), "%s", target);
			target = chosen;
			if (!c->lir)
				scscf_sticky_set(&ic->sel, c->impu, chosen,
				    now + ICSCF_STICKY_MS);
		}
	}
	if (target == NULL) {
		log_info("icscf: no S-CSCF fits the capabilities for %s",
		    c->impu);
		sipx_cx_reply(cx, 600, "Busy Everywhere");
		return;
	}
	msg = c->msg;
	c->msg = NULL;
	log_info("icscf: %s for %s to %s", c->lir ? "request" : "REGISTER",
	    c->impu, target);
	if (c->lir || c->dereg)
		(void)sipx_forward(&ic->sa, sipx_cx_take(cx), msg, target,
		    NULL, NULL);
	else
		forward_register(c, sipx_cx_take(cx), msg, target);
}

/* The visited network of a REGISTER from a P-CSCF (TS 24.229 5.3.1.2):
 * its one P-Visited-Network-ID (icscf_visited_network), else dflt. */
static int
visited_network(sip_t const *sip, const char *dflt, char *out, size_t size)
{
	const sip_unknown_t *un;
	const char *v = NULL;

	for (un = sip->sip_unknown; un != NULL; un = un->un_next) {
		if (un->un_name == NULL ||
		    strcasecmp(un->un_name, "P-Visited-Network-ID") != 0)
			continue;
		if (v != NULL)
			return -EINVAL;		/* which network would it be? */
		v = un->un_value != NULL ? un->un_value : "";
	}
	if (v != NULL)
		return icscf_visited_network(v, out, size);
	return snprintf(out, size, "%s", dflt) < (int)size ? 0 : -ENOSPC;
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
	if (visited_network(sip, c->ic->domain, vni, sizeof(vni)) < 0) {
		log_info("icscf: REGISTER for %s: unusable "
		    "P-Visited-Network-ID", c->impu);
		sipx_cx_finish(&c->cx, 400, "Bad P-Visited-Network-ID");
		return;
	}
	memset(&r, 0, sizeof(r));
	r.dest_realm = c->ic->dest_realm;
	r.impi = impi;
	r.impu = c->impu;
	r.visited_network = vni;
	c->dereg = dereg;
	r.uar_type = dereg ? CX_UAT_DE_REGISTRATION : c->caps ?
	    CX_UAT_REGISTRATION_AND_CAPABILITIES : CX_UAT_REGISTRATION;
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

static void
refuse(nta_incoming_t *irq, msg_t *msg, int status, const char *phrase)
{
	msg_destroy(msg);
	sipx_reply(irq, status, phrase);
}

/* TS 24.229 4.4, 5.3: what a request from outside the trust domain may
 * not do here.  NULL, or why it is refused (403). */
static const char *
untrusted_refusal(sip_t const *sip, int orig)
{
	sip_method_t m = sip->sip_request->rq_method;

	/* 5.3.1.2: a REGISTER comes through a P-CSCF (roaming partners'
	 * P-CSCFs are trusted peers); only it names the visited network,
	 * which the HSS's roaming rules judge. */
	if (m == sip_method_register)
		return "REGISTER not through a P-CSCF";
	/* 5.3.2.1A: the originating role is the trust domain's to give. */
	if (orig)
		return "originating request";
	/* 5.3.2.1: from outside we route by our LIR only: never along a
	 * Route set or a dialog the sender made up (we are in no dialog's
	 * route set: no Record-Route). */
	if (sip->sip_route != NULL)
		return "Route beyond the I-CSCF";
	if (sipx_in_dialog(sip) || m == sip_method_ack ||
	    m == sip_method_cancel)
		return "not an initial request";
	return NULL;
}

int
icscf_request(struct icscf *ic, nta_incoming_t *irq)
{
	struct icx *c;
	msg_t *msg;
	sip_t *sip;
	const char *why;
	int trusted, orig, rc;

	/* RFC 3261 16.3 (416, 483 ...) was sipx_check's. */
	if ((msg = sipx_request_take(&ic->sa, &ic->trust, irq, &trusted,
	    &orig)) == NULL)
		return 0;
	sip = sip_object(msg);
	if (!trusted && (why = untrusted_refusal(sip, orig)) != NULL) {
		char peer[SIPX_PEER_MAX];

		sipx_peer(irq, peer, sizeof(peer));
		log_sec(LOG_LVL_WARN, 1, NULL, peer, "icscf: %s from outside "
		    "the trust domain refused: %s",
		    sip->sip_request->rq_method_name, why);
		refuse(irq, msg, 403, "Forbidden");
		return 0;
	}
	/* From the trust domain: requests within a dialog, or routed
	 * beyond us, are proxied (RFC 3261 16.4). */
	if (sip->sip_request->rq_method != sip_method_register &&
	    (sipx_in_dialog(sip) || sip->sip_request->rq_method ==
	    sip_method_ack || sip->sip_request->rq_method ==
	    sip_method_cancel || sip->sip_route != NULL)) {
		/* RFC 3325 5: no asserted identity out when private. */
		(void)sipx_privacy_apply(&ic->trust, msg, sip,
		    sip->sip_route != NULL ? sip->sip_route->r_url :
		    sip->sip_request->rq_url);
		(void)sipx_forward(&ic->sa, irq, msg, NULL, NULL, NULL);
		return 0;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		refuse(irq, msg, 500, "Server Internal Error");
		return 0;
	}
	c->lir = sip->sip_request->rq_method != sip_method_register;
	/* The identity: of the called user (TS 24.229 5.3.2.1: a SIP URI
	 * with a user part, or a global tel URI), or the registering one
	 * (5.3.1.2: the To, a SIP URI; RFC 3261 10.3 step 3). */
	if (c->lir)
		rc = sipx_public_id(sip->sip_request->rq_url, 1, c->impu,
		    sizeof(c->impu));
	else
		rc = sip->sip_to != NULL ? sipx_public_id(sip->sip_to->a_url,
		    0, c->impu, sizeof(c->impu)) : -EINVAL;
	if (rc < 0) {
		log_info("icscf: %s: %s names no public identity",
		    sip->sip_request->rq_method_name,
		    c->lir ? "Request-URI" : "To");
		if (c->lir && rc == -ENOENT)
			refuse(irq, msg, 404, "Not Found");
		else
			refuse(irq, msg, 400, c->lir ? "Bad Request-URI" :
			    "Bad To");
		free(c);
		return 0;
	}
	c->ic = ic;
	c->msg = msg;
	sipx_cx_init(&c->cx, &ic->sa, irq, icx_release);
	if (c->lir)
		lir(c);
	else
		uar(c, sip);
	return 0;
}
