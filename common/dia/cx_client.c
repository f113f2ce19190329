/* cx_client.c - the Cx client: MAR, UAR, SAR, LIR (TS 29.229 6.1) with the
 * answer parsed into a struct cx_answer.
 *
 * The answer callback runs on a freeDiameter thread (see dia.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dia_fd.h"
#include "check.h"
#include "cx.h"
#include "dia_conf.h"
#include "log.h"
#include "met.h"
#include "util.h"

struct cx_pending {
	cx_answer_cb	 cb;
	void		*arg;
	struct cx_answer *ans;
	uint64_t	 t0;		/* metric_now_ns at sending */
};

/* The common head of every Cx request (TS 29.229 6.1.1/3/5/7):
 * Session-Id, VSAI, Auth-Session-State, Origin-*, Destination-*. */
static int
cx_req_new(uint32_t code, const char *dest_realm, const char *dest_host,
    struct msg **out)
{
	return dia_req_new(dia_cx_cmd(code, 1), DIA_APP_CX, dest_realm,
	    dest_host, out);
}

static void
cx_parse_item(struct avp *g, struct cx_auth_item *it)
{
	size_t len;

	(void)dia_get_u32(g, DIA_AVP_SIP_ITEM_NUMBER, &it->item_number);
	(void)dia_get_str(g, DIA_AVP_SIP_AUTHENTICATION_SCHEME, it->scheme,
	    sizeof(it->scheme));
	(void)dia_get_os(g, DIA_AVP_SIP_AUTHENTICATE, it->authenticate,
	    sizeof(it->authenticate), &it->authenticate_len);
	(void)dia_get_os(g, DIA_AVP_SIP_AUTHORIZATION, it->authorization,
	    sizeof(it->authorization), &it->authorization_len);
	it->has_ck = dia_get_os(g, DIA_AVP_CONFIDENTIALITY_KEY, it->ck,
	    sizeof(it->ck), &len) == 0 && len == sizeof(it->ck);
	it->has_ik = dia_get_os(g, DIA_AVP_INTEGRITY_KEY, it->ik,
	    sizeof(it->ik), &len) == 0 && len == sizeof(it->ik);
}

static void
cx_parse_answer(struct msg *m, struct cx_answer *a)
{
	struct avp *g, *sa;
	struct avp_hdr *h;
	unsigned i;

	a->status = 0;
	dia_get_result(m, &a->result_code, &a->exp_result_code);
	(void)dia_get_str(m, DIA_AVP_USER_NAME, a->user_name,
	    sizeof(a->user_name));
	(void)dia_get_str(m, DIA_AVP_SERVER_NAME, a->server_name,
	    sizeof(a->server_name));
	(void)dia_get_str(m, DIA_AVP_ERROR_MESSAGE, a->error_message,
	    sizeof(a->error_message));
	/* TS 29.229 6.3.4: Server-Capabilities. */
	if ((g = dia_get_avp(m, DIA_AVP_SERVER_CAPABILITIES, 0)) != NULL) {
		a->has_capabilities = 1;
		for (i = 0; i < 8; i++) {
			sa = dia_get_avp(g, DIA_AVP_MANDATORY_CAPABILITY, i);
			if (sa == NULL || fd_msg_avp_hdr(sa, &h) != 0 ||
			    h->avp_value == NULL)
				break;
			a->mandatory[a->n_mandatory++] = h->avp_value->u32;
		}
		for (i = 0; i < 8; i++) {
			sa = dia_get_avp(g, DIA_AVP_OPTIONAL_CAPABILITY, i);
			if (sa == NULL || fd_msg_avp_hdr(sa, &h) != 0 ||
			    h->avp_value == NULL)
				break;
			a->optional[a->n_optional++] = h->avp_value->u32;
		}
		if (a->server_name[0] == '\0')
			(void)dia_get_str(g, DIA_AVP_SERVER_NAME,
			    a->server_name, sizeof(a->server_name));
	}
	for (i = 0; i < CX_MAX_AUTH_ITEMS; i++) {
		if ((g = dia_get_avp(m, DIA_AVP_SIP_AUTH_DATA_ITEM, i)) == NULL)
			break;
		cx_parse_item(g, &a->items[a->n_items++]);
	}
	/* TS 29.228 6.1.2: User-Data, the IMSSubscription XML. */
	if ((g = dia_get_avp(m, DIA_AVP_USER_DATA, 0)) != NULL &&
	    fd_msg_avp_hdr(g, &h) == 0 && h->avp_value != NULL &&
	    (a->user_data = malloc(h->avp_value->os.len + 1)) != NULL) {
		memcpy(a->user_data, h->avp_value->os.data,
		    h->avp_value->os.len);
		a->user_data[h->avp_value->os.len] = '\0';
		a->user_data_len = h->avp_value->os.len;
	}
}

/* freeDiameter thread: the answer (or a locally generated error).  An
 * answer counts only when it comes from a configured peer and names that
 * peer as its origin (dia_msg_from_peer); anything else is treated as no
 * answer, so no Cx result reaches the caller from elsewhere.  Error
 * answers freeDiameter makes itself (e.g. UNABLE_TO_DELIVER) are ours. */
static void
cx_answer_recv(void *data, struct msg **msg)
{
	struct cx_pending *p = data;
	char why[300];

	if (!dia_msg_local(*msg) && dia_msg_from_peer(*msg,
	    DIA_PEER_CONNECT | DIA_PEER_ACCEPT, why, sizeof(why)) < 0) {
		log_warn("cx: answer to command %u dropped: %s",
		    p->ans->cmd_code, why);
		p->ans->status = -EIO;
	} else
		cx_parse_answer(*msg, p->ans);
	dia_stat_answer(DIA_APP_CX, p->ans->cmd_code, MET_ROLE_CLIENT,
	    p->ans->status == 0 ? *msg : NULL, p->t0);
	(void)fd_msg_free(*msg);
	*msg = NULL;
	p->cb(p->arg, p->ans);
	free(p);
}

/* freeDiameter thread: no answer before the deadline. */
static void
cx_answer_expire(void *data, DiamId_t sentto, size_t len, struct msg **req)
{
	struct cx_pending *p = data;

	(void)sentto;
	(void)len;
	p->ans->status = -ETIMEDOUT;
	dia_stat_answer(DIA_APP_CX, p->ans->cmd_code, MET_ROLE_CLIENT, NULL, 0);
	(void)fd_msg_free(*req);
	*req = NULL;
	p->cb(p->arg, p->ans);
	free(p);
}

static int
cx_send(struct msg *m, uint32_t code, unsigned timeout_ms,
    cx_answer_cb cb, void *arg)
{
	struct cx_pending *p;
	struct timespec ts;
	int rc;

	if ((p = calloc(1, sizeof(*p))) == NULL ||
	    (p->ans = calloc(1, sizeof(*p->ans))) == NULL) {
		free(p);
		(void)fd_msg_free(m);
		return -ENOMEM;
	}
	p->cb = cb;
	p->arg = arg;
	p->ans->cmd_code = code;
	p->ans->status = -EIO;
	if (clock_gettime(CLOCK_REALTIME, &ts) != 0) {
		rc = errno;
		goto fail;
	}
	if (timeout_ms == 0)
		timeout_ms = 5000;
	ts.tv_sec += timeout_ms / 1000;
	ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	p->t0 = metric_now_ns();
	if ((rc = fd_msg_send_timeout(&m, cx_answer_recv, p, cx_answer_expire,
	    &ts)) != 0)
		goto fail;
	dia_stat_request(DIA_APP_CX, code, MET_ROLE_CLIENT);
	return 0;
fail:
	log_err("cx: sending command %u failed: %s", code, strerror(rc));
	if (m != NULL)
		(void)fd_msg_free(m);
	free(p->ans);
	free(p);
	return -rc;
}

/* TS 29.228 6.3.1 / TS 29.229 6.1.7: Multimedia-Auth-Request. */
int
cx_mar_send(const struct cx_req *r, cx_answer_cb cb, void *arg)
{
	struct msg *m;
	struct avp *g;
	int rc;

	IMS_CHECK_PARAMS(r != NULL && cb != NULL && r->impi != NULL &&
	    r->impu != NULL);
	IMS_CHECK_RC(cx_req_new(CX_CMD_MAR, r->dest_realm, r->dest_host, &m));
	if ((rc = dia_add_str(m, DIA_AVP_USER_NAME, r->impi)) < 0 ||
	    (rc = dia_add_str(m, DIA_AVP_PUBLIC_IDENTITY, r->impu)) < 0 ||
	    (rc = dia_add_group(m, DIA_AVP_SIP_AUTH_DATA_ITEM, &g)) < 0 ||
	    (rc = dia_add_str(g, DIA_AVP_SIP_AUTHENTICATION_SCHEME,
	    r->auth_scheme ? r->auth_scheme : "Digest-AKAv1-MD5")) < 0)
		goto fail;
	if (r->sip_authorization != NULL &&
	    (rc = dia_add_os(g, DIA_AVP_SIP_AUTHORIZATION, r->sip_authorization,
	    r->sip_authorization_len)) < 0)
		goto fail;
	if ((rc = dia_add_u32(m, DIA_AVP_SIP_NUMBER_AUTH_ITEMS,
	    r->auth_items ? r->auth_items : 1)) < 0 ||
	    (rc = dia_add_str(m, DIA_AVP_SERVER_NAME,
	    r->server_name ? r->server_name : "")) < 0)
		goto fail;
	return cx_send(m, CX_CMD_MAR, r->timeout_ms, cb, arg);
fail:
	(void)fd_msg_free(m);
	return rc;
}

/* TS 29.228 6.1.1 / TS 29.229 6.1.1: User-Authorization-Request. */
int
cx_uar_send(const struct cx_req *r, cx_answer_cb cb, void *arg)
{
	struct msg *m;
	int rc;

	IMS_CHECK_PARAMS(r != NULL && cb != NULL && r->impi != NULL &&
	    r->impu != NULL);
	IMS_CHECK_RC(cx_req_new(CX_CMD_UAR, r->dest_realm, r->dest_host, &m));
	if ((rc = dia_add_str(m, DIA_AVP_USER_NAME, r->impi)) < 0 ||
	    (rc = dia_add_str(m, DIA_AVP_PUBLIC_IDENTITY, r->impu)) < 0 ||
	    (rc = dia_add_str(m, DIA_AVP_VISITED_NETWORK_IDENTIFIER,
	    r->visited_network ? r->visited_network : r->dest_realm)) < 0 ||
	    (rc = dia_add_u32(m, DIA_AVP_USER_AUTHORIZATION_TYPE,
	    r->uar_type)) < 0)
		goto fail;
	return cx_send(m, CX_CMD_UAR, r->timeout_ms, cb, arg);
fail:
	(void)fd_msg_free(m);
	return rc;
}

/* TS 29.228 6.1.2 / TS 29.229 6.1.3: Server-Assignment-Request. */
int
cx_sar_send(const struct cx_req *r, cx_answer_cb cb, void *arg)
{
	struct msg *m;
	int rc;

	IMS_CHECK_PARAMS(r != NULL && cb != NULL && r->server_name != NULL &&
	    (r->impi != NULL || r->impu != NULL));
	IMS_CHECK_RC(cx_req_new(CX_CMD_SAR, r->dest_realm, r->dest_host, &m));
	if (r->impi != NULL &&
	    (rc = dia_add_str(m, DIA_AVP_USER_NAME, r->impi)) < 0)
		goto fail;
	if (r->impu != NULL &&
	    (rc = dia_add_str(m, DIA_AVP_PUBLIC_IDENTITY, r->impu)) < 0)
		goto fail;
	if ((rc = dia_add_str(m, DIA_AVP_SERVER_NAME, r->server_name)) < 0 ||
	    (rc = dia_add_u32(m, DIA_AVP_SERVER_ASSIGNMENT_TYPE,
	    r->sar_type)) < 0 ||
	    (rc = dia_add_u32(m, DIA_AVP_USER_DATA_ALREADY_AVAILABLE,
	    r->user_data_available)) < 0)
		goto fail;
	return cx_send(m, CX_CMD_SAR, r->timeout_ms, cb, arg);
fail:
	(void)fd_msg_free(m);
	return rc;
}

/* TS 29.228 6.1.4 / TS 29.229 6.1.5: Location-Info-Request. */
int
cx_lir_send(const struct cx_req *r, cx_answer_cb cb, void *arg)
{
	struct msg *m;
	int rc;

	IMS_CHECK_PARAMS(r != NULL && cb != NULL && r->impu != NULL);
	IMS_CHECK_RC(cx_req_new(CX_CMD_LIR, r->dest_realm, r->dest_host, &m));
	if ((rc = dia_add_str(m, DIA_AVP_PUBLIC_IDENTITY, r->impu)) < 0)
		goto fail;
	return cx_send(m, CX_CMD_LIR, r->timeout_ms, cb, arg);
fail:
	(void)fd_msg_free(m);
	return rc;
}

/* TS 29.228 6.1.3 / TS 29.229 6.1.9: Registration-Termination-Request. */
int
cx_rtr_send(const struct cx_rtr *r, cx_answer_cb cb, void *arg)
{
	struct msg *m;
	struct avp *g;
	unsigned i;
	int rc;

	IMS_CHECK_PARAMS(r != NULL && cb != NULL && r->dest_host != NULL &&
	    r->impi != NULL && r->n_impus <= CX_RTR_MAX_IMPU);
	IMS_CHECK_RC(cx_req_new(CX_CMD_RTR, r->dest_realm, r->dest_host, &m));
	if ((rc = dia_add_str(m, DIA_AVP_USER_NAME, r->impi)) < 0)
		goto fail;
	for (i = 0; i < r->n_impus; i++)
		if ((rc = dia_add_str(m, DIA_AVP_PUBLIC_IDENTITY,
		    r->impus[i])) < 0)
			goto fail;
	if ((rc = dia_add_group(m, DIA_AVP_DEREGISTRATION_REASON, &g)) < 0 ||
	    (rc = dia_add_u32(g, DIA_AVP_REASON_CODE, r->reason_code)) < 0)
		goto fail;
	if (r->reason_info != NULL &&
	    (rc = dia_add_str(g, DIA_AVP_REASON_INFO, r->reason_info)) < 0)
		goto fail;
	return cx_send(m, CX_CMD_RTR, r->timeout_ms, cb, arg);
fail:
	(void)fd_msg_free(m);
	return rc;
}

/* TS 29.228 6.2.1 / TS 29.229 6.1.11: Push-Profile-Request. */
int
cx_ppr_send(const struct cx_ppr *r, cx_answer_cb cb, void *arg)
{
	struct msg *m;
	int rc;

	IMS_CHECK_PARAMS(r != NULL && cb != NULL && r->dest_host != NULL &&
	    r->impi != NULL && r->user_data != NULL);
	IMS_CHECK_RC(cx_req_new(CX_CMD_PPR, r->dest_realm, r->dest_host, &m));
	if ((rc = dia_add_str(m, DIA_AVP_USER_NAME, r->impi)) < 0 ||
	    (rc = dia_add_os(m, DIA_AVP_USER_DATA,
	    (const uint8_t *)r->user_data, r->user_data_len)) < 0) {
		(void)fd_msg_free(m);
		return rc;
	}
	return cx_send(m, CX_CMD_PPR, r->timeout_ms, cb, arg);
}

void
cx_answer_free(struct cx_answer *a)
{
	if (a == NULL)
		return;
	free(a->user_data);
	secure_wipe(a, sizeof(*a));
	free(a);
}
