/* sipx_stat.c - the CSCFs' SIP metrics (common/metrics/met.h): requests
 * by method as they arrive at the default leg, final responses by method
 * and status wherever one leaves (sipx_stat_reply, one call after each
 * nta_incoming_treply/mreply), and a REGISTER's time from its arrival
 * (nta's own receipt time) to its final response. */
#include <sofia-sip/nta.h>
#include <sofia-sip/su_time.h>

#include "met.h"
#include "sipx.h"

static unsigned
stat_method(int m)
{
	switch (m) {
	case sip_method_register:	return MET_SIP_REGISTER;
	case sip_method_invite:		return MET_SIP_INVITE;
	case sip_method_ack:		return MET_SIP_ACK;
	case sip_method_bye:		return MET_SIP_BYE;
	case sip_method_cancel:		return MET_SIP_CANCEL;
	case sip_method_options:	return MET_SIP_OPTIONS;
	case sip_method_subscribe:	return MET_SIP_SUBSCRIBE;
	case sip_method_notify:		return MET_SIP_NOTIFY;
	case sip_method_message:	return MET_SIP_MESSAGE;
	case sip_method_prack:		return MET_SIP_PRACK;
	case sip_method_update:		return MET_SIP_UPDATE;
	case sip_method_info:		return MET_SIP_INFO;
	case sip_method_refer:		return MET_SIP_REFER;
	case sip_method_publish:	return MET_SIP_PUBLISH;
	default:			return MET_SIP_OTHER;
	}
}

void
sipx_stat_request(const sip_t *sip)
{
	if (sip != NULL && sip->sip_request != NULL)
		metric_inc1(&met_sip_requests,
		    stat_method(sip->sip_request->rq_method));
}

void
sipx_stat_reply(nta_incoming_t *irq, int status)
{
	su_nanotime_t t0 = 0, now;
	int m;

	if (irq == NULL || status < 200)
		return;
	if ((m = nta_incoming_method(irq)) == sip_method_ack)
		return;		/* never answered */
	metric_inc2(&met_sip_responses, stat_method(m), met_sip_status(status));
	if (m != sip_method_register)
		return;
	(void)nta_incoming_received(irq, &t0);
	now = su_nanotime(NULL);
	if (t0 != 0 && now >= t0)
		metric_observe_ns(&met_sip_register_seconds,
		    (uint64_t)(now - t0), 0, 0, 0);
}
