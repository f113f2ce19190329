/* sipx_cx.c - a Cx request made for a SIP server transaction, with exactly
 * one final response for that transaction whatever happens to the
 * request, and the one mapping of Cx answers to SIP responses that the
 * I-CSCF and the S-CSCF share (TS 24.229 5.3.1.2, 5.3.2.1, 5.4.1.2;
 * TS 29.228 6.1, 6.3).
 *
 * Paths to the one response:
 *	sipx_cx_send fails at once	mapped status, context released
 *	answer or timeout		cx_answer_recv (freeDiameter thread) ->
 *					sipx_post (never fails) -> cx_answered
 *					(su_root thread): the continuation,
 *					then the mapped status or 500 if it
 *					left the transaction, then release
 *	no Cx request at all		sipx_cx_finish
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sofia-sip/su_tag.h>
#include <sofia-sip/su_tagarg.h>

#include "check.h"
#include "cx.h"
#include "log.h"
#include "sipx.h"

#define PHRASE_500	"Server Internal Error"

static const char *
cx_cmd_name(uint32_t cmd)
{
	switch (cmd) {
	case CX_CMD_UAR:
		return "UAR";
	case CX_CMD_SAR:
		return "SAR";
	case CX_CMD_LIR:
		return "LIR";
	case CX_CMD_MAR:
		return "MAR";
	default:
		return "Cx request";
	}
}

/* TS 29.229 6.2.1, RFC 6733 7.1.2: the success codes a CSCF acts on. */
static int
cx_success(uint32_t result, uint32_t exp_result)
{
	if (result == DIA_SUCCESS)
		return 1;
	switch (exp_result) {
	case CX_FIRST_REGISTRATION:
	case CX_SUBSEQUENT_REGISTRATION:
	case CX_UNREGISTERED_SERVICE:
	case CX_SUCCESS_SERVER_NAME_NOT_STORED:
		return 1;
	default:
		return 0;
	}
}

/* The mapping itself: status is the cx_answer's (0: an answer came),
 * result and exp_result its codes. */
static int
cx_map(uint32_t cmd, int status, uint32_t result, uint32_t exp_result,
    const char **phrase)
{
	if (status == 0 && cx_success(result, exp_result))
		return 0;
	/* No answer in time, or no route to the HSS (a 3002/3004 that
	 * freeDiameter or a relay generated): the HSS did not decide. */
	if (status == -ETIMEDOUT || (status == 0 &&
	    (result == DIA_UNABLE_TO_DELIVER || result == DIA_TOO_BUSY))) {
		*phrase = "Server Time-out";
		return 504;
	}
	if (status < 0)
		goto internal;
	/* TS 29.228 6.1.1.1 step 2: a barred identity. */
	if (result == DIA_AUTHORIZATION_REJECTED) {
		*phrase = "Forbidden";
		return 403;
	}
	switch (exp_result) {
	case CX_ERROR_USER_UNKNOWN:
		/* TS 24.229 5.3.2.1: LIR for an unknown identity. */
		if (cmd == CX_CMD_LIR) {
			*phrase = "Not Found";
			return 404;
		}
		*phrase = "Forbidden";
		return 403;
	case CX_ERROR_IDENTITY_NOT_REGISTERED:
		/* TS 24.229 5.3.2.1: LIR, nobody serves the identity. */
		if (cmd == CX_CMD_LIR) {
			*phrase = "Temporarily Unavailable";
			return 480;
		}
		/* UAR: de-registration of an identity that is not
		 * registered (TS 29.228 6.1.1.1 step 4). */
		if (cmd == CX_CMD_UAR) {
			*phrase = "Forbidden";
			return 403;
		}
		goto internal;
	case CX_ERROR_IDENTITIES_DONT_MATCH:
	case CX_ERROR_ROAMING_NOT_ALLOWED:
	case CX_ERROR_AUTH_SCHEME_NOT_SUPPORTED:
		*phrase = "Forbidden";
		return 403;
	default:
		break;
	}
internal:
	*phrase = PHRASE_500;
	return 500;
}

int
sipx_cx_status(const struct cx_answer *a, const char **phrase)
{
	return cx_map(a->cmd_code, a->status, a->result_code,
	    a->exp_result_code, phrase);
}

void
sipx_cx_init(struct sipx_cx *cx, struct sipx_agent *a, nta_incoming_t *irq,
    void (*release)(struct sipx_cx *))
{
	memset(cx, 0, sizeof(*cx));
	cx->agent = a;
	cx->irq = irq;
	cx->release = release;
}

void
sipx_cx_reply(struct sipx_cx *cx, int status, const char *phrase)
{
	nta_incoming_t *irq = cx->irq;

	cx->irq = NULL;
	sipx_reply(irq, status, phrase);
}

int
sipx_cx_treply(struct sipx_cx *cx, int status, const char *phrase,
    tag_type_t tag, tag_value_t value, ...)
{
	ta_list ta;
	int rc;

	if (cx->irq == NULL)
		return -EALREADY;
	ta_start(ta, tag, value);
	rc = nta_incoming_treply(cx->irq, status, phrase, ta_tags(ta));
	ta_end(ta);
	if (rc < 0)
		return -EIO;	/* still ours: answered 500 at the end */
	sipx_stat_reply(cx->irq, status);
	if (status >= 200) {
		nta_incoming_destroy(cx->irq);
		cx->irq = NULL;
	}
	return 0;
}

nta_incoming_t *
sipx_cx_take(struct sipx_cx *cx)
{
	nta_incoming_t *irq = cx->irq;

	cx->irq = NULL;
	return irq;
}

void
sipx_cx_finish(struct sipx_cx *cx, int status, const char *phrase)
{
	if (cx->irq != NULL)
		sipx_cx_reply(cx, status, phrase);
	cx->release(cx);
}

/* su_root thread: the continuation, then whatever it left undone. */
static void
cx_answered(struct handoff_job *job)
{
	struct sipx_cx *cx = IMS_CONTAINER_OF(job, struct sipx_cx, job);
	struct cx_answer *a = cx->ans;
	const char *phrase;
	int status;

	cx->ans = NULL;
	sipx_load_end(cx->agent);
	cx->fn(cx, a);
	if (cx->irq != NULL) {
		if ((status = sipx_cx_status(a, &phrase)) == 0) {
			status = 500;
			phrase = PHRASE_500;
		}
		log_info("sipx: %s answer (status %d, result %u/%u) left "
		    "unanswered: %d", cx_cmd_name(cx->cmd), a->status,
		    a->result_code, a->exp_result_code, status);
		sipx_cx_reply(cx, status, phrase);
	}
	cx_answer_free(a);
	cx->release(cx);
}

/* freeDiameter thread: touch nothing but the job. */
static void
cx_answer_recv(void *arg, struct cx_answer *a)
{
	struct sipx_cx *cx = arg;

	cx->ans = a;
	sipx_post(cx->agent, &cx->job, cx_answered);
}

void
sipx_cx_send(struct sipx_cx *cx, uint32_t cmd, const struct cx_req *r,
    sipx_cx_fn fn)
{
	const char *phrase;
	int rc, status;

	cx->fn = fn;
	cx->cmd = cmd;
	cx->ans = NULL;
	switch (cmd) {
	case CX_CMD_UAR:
		rc = cx_uar_send(r, cx_answer_recv, cx);
		break;
	case CX_CMD_SAR:
		rc = cx_sar_send(r, cx_answer_recv, cx);
		break;
	case CX_CMD_LIR:
		rc = cx_lir_send(r, cx_answer_recv, cx);
		break;
	case CX_CMD_MAR:
		rc = cx_mar_send(r, cx_answer_recv, cx);
		break;
	default:
		rc = -EINVAL;
	}
	if (rc == 0) {
		sipx_load_begin(cx->agent);
		return;		/* cx_answer_recv will run, once */
	}
	/* Not sent: mapped as an answer that never came. */
	status = cx_map(cmd, rc, 0, 0, &phrase);
	log_warn("sipx: %s not sent: %s: %d", cx_cmd_name(cmd),
	    strerror(-rc), status);
	sipx_cx_finish(cx, status, phrase);
}
