/* sipx_load.c - overload control of a CSCF (RFC 3261 21.5.4, RFC 5390
 * 5: reject early and cheaply what cannot be served in time, rather than
 * let every request in and time them all out).
 *
 * The measure is the work in flight: requests forwarded and not yet
 * finally answered (sipx_proxy.c) and Cx requests not yet answered
 * (sipx_cx.c).  It is what a slow next hop or HSS makes grow, and what
 * turns into retransmissions once it waits longer than a UE's T1.  New
 * work is admitted while fewer than max-pending items are in flight;
 * beyond, a stateless-cost 503 with Retry-After before anything is
 * forwarded or asked.  Work that finishes what was begun (a REGISTER that
 * answers a challenge, a request within a dialog) is admitted up to twice
 * that: a registration past its challenge completes before new ones
 * start (its vector is spent already).  ACK and CANCEL always pass.
 * su_root thread only.
 */
#include <inttypes.h>

#include "log.h"
#include "met.h"
#include "sipx.h"
#include "util.h"

int
sipx_load_finishing(const sip_t *sip)
{
	struct digest d;
	int r = 0;

	if (sipx_in_dialog(sip))
		return 1;
	if (sip->sip_request->rq_method != sip_method_register)
		return 0;
	/* TS 24.229 5.1.1.2.1: the first REGISTER's response is empty. */
	if (sipx_auth_creds(sip, &d) == 0)
		r = DIGEST_HAS(&d, DIGEST_RESPONSE) && d.response[0] != '\0';
	secure_wipe(&d, sizeof(d));
	return r;
}

static void
load_gauge(const struct sipx_load *l)
{
	metric_set(&met_sip_pending, l->pending, 0, 0, 0);
}

void
sipx_load_begin(struct sipx_agent *a)
{
	a->load.pending++;
	load_gauge(&a->load);
}

void
sipx_load_end(struct sipx_agent *a)
{
	if (a->load.pending > 0)
		a->load.pending--;
	load_gauge(&a->load);
}

int
sipx_load_admit(struct sipx_agent *a, nta_incoming_t *irq, const sip_t *sip)
{
	struct sipx_load *l = &a->load;
	int m = sip->sip_request->rq_method, fin;

	if (l->max_pending == 0 || l->pending < l->max_pending ||
	    m == sip_method_ack || m == sip_method_cancel)
		goto admit;
	if (l->pending < 2 * l->max_pending) {
		fin = l->finishing != NULL ?
		    l->finishing(a->req_magic, irq, sip) :
		    sipx_load_finishing(sip);
		if (fin)
			goto admit;
		metric_inc1(&met_sip_shed, MET_SHED_NEW);
	} else
		metric_inc1(&met_sip_shed, MET_SHED_FINISHING);
	if (l->shed++ == 0)
		log_warn("sipx: overload: %u requests in flight (max-pending "
		    "%u): new work gets 503", l->pending, l->max_pending);
	sipx_reply_busy(irq, l->retry_after);
	return 0;
admit:
	/* Over once half the bound is free again (no log line per swing
	 * around the bound). */
	if (l->shed != 0 && l->pending < l->max_pending / 2) {
		log_warn("sipx: overload over: %" PRIu64 " requests refused "
		    "with 503", l->shed);
		l->shed = 0;
	}
	return 1;
}
