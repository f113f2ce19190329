/* dia_server.c - the server side: one dispatch callback per registered
 * command, the answer's common AVPs, and the error helpers handlers use.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dia_fd.h"
#include "check.h"
#include "dia.h"
#include "dia_conf.h"
#include "dia_int.h"
#include "log.h"
#include "met.h"

/* Base Result-Code names as freeDiameter's dictionary knows them. */
static const struct {
	enum dia_result	 code;
	const char	*name;
} result_names[] = {
	{ DIA_SUCCESS, "DIAMETER_SUCCESS" },
	{ DIA_UNABLE_TO_DELIVER, "DIAMETER_UNABLE_TO_DELIVER" },
	{ DIA_REALM_NOT_SERVED, "DIAMETER_REALM_NOT_SERVED" },
	{ DIA_TOO_BUSY, "DIAMETER_TOO_BUSY" },
	{ DIA_AUTHORIZATION_REJECTED, "DIAMETER_AUTHORIZATION_REJECTED" },
	{ DIA_INVALID_AVP_VALUE, "DIAMETER_INVALID_AVP_VALUE" },
	{ DIA_MISSING_AVP, "DIAMETER_MISSING_AVP" },
	{ DIA_UNABLE_TO_COMPLY, "DIAMETER_UNABLE_TO_COMPLY" },
	{ DIA_INVALID_AVP_LENGTH, "DIAMETER_INVALID_AVP_LENGTH" },
};

/* RFC 6733 4.5: the AVP codes of the two result AVPs. */
#define DIA_CODE_RESULT_CODE		268
#define DIA_CODE_EXPERIMENTAL_RESULT	297

static const char *
result_name(enum dia_result code)
{
	size_t i;

	for (i = 0; i < sizeof(result_names) / sizeof(result_names[0]); i++)
		if (result_names[i].code == code)
			return result_names[i].name;
	return NULL;
}

int
dia_set_error(struct msg *ans, enum dia_result code, const char *text)
{
	const char *name = result_name(code);

	IMS_CHECK_PARAMS(name != NULL);
	IMS_CHECK_FD(fd_msg_rescode_set(ans, (char *)name, (char *)text, NULL,
	    0));
	return 0;
}

int
dia_set_missing(struct msg *ans, enum dia_avp id)
{
	struct dict_object *model;
	struct dict_avp_data md;
	struct avp *g, *a;
	union avp_value v;
	char text[128];
	int rc;

	IMS_CHECK_PARAMS((model = dia_avp(id)) != NULL);
	IMS_CHECK_FD(fd_dict_getval(model, &md));
	(void)snprintf(text, sizeof(text), "missing AVP %s", md.avp_name);
	IMS_CHECK_RC(dia_set_error(ans, DIA_MISSING_AVP, text));
	/* RFC 6733 7.5: Failed-AVP holds an example of the missing AVP, with
	 * an empty or zero value.  (fd_msg_rescode_set's own Failed-AVP
	 * copies raw data and only works for received AVPs.) */
	IMS_CHECK_RC(dia_add_group(ans, DIA_AVP_FAILED_AVP, &g));
	IMS_CHECK_FD(fd_msg_avp_new(model, 0, &a));
	memset(&v, 0, sizeof(v));
	v.os.data = (uint8_t *)text;	/* len 0 */
	if (md.avp_basetype != AVP_TYPE_GROUPED &&
	    (rc = fd_msg_avp_setvalue(a, &v)) != 0) {
		(void)fd_msg_free(a);
		return -rc;
	}
	if ((rc = fd_msg_avp_add(g, MSG_BRW_LAST_CHILD, a)) != 0) {
		(void)fd_msg_free(a);
		return -rc;
	}
	return 0;
}

/* The AVPs of the answer after `mark` (NULL: all of them). */
static int
dia_avps_after(struct msg *ans, struct avp *mark, struct avp **first)
{
	if (mark == NULL)
		IMS_CHECK_FD(fd_msg_browse(ans, MSG_BRW_FIRST_CHILD, first,
		    NULL));
	else
		IMS_CHECK_FD(fd_msg_browse(mark, MSG_BRW_NEXT, first, NULL));
	return 0;
}

/* How many Result-Code and Experimental-Result AVPs the answer holds at
 * its top level (RFC 6733 7.1: exactly one of them in an answer). */
static int
dia_results_count(struct msg *ans, unsigned *n)
{
	struct avp *a, *next;
	struct avp_hdr *h;

	*n = 0;
	IMS_CHECK_RC(dia_avps_after(ans, NULL, &a));
	for (; a != NULL; a = next) {
		IMS_CHECK_FD(fd_msg_avp_hdr(a, &h));
		if (h->avp_vendor == 0 && (h->avp_code == DIA_CODE_RESULT_CODE ||
		    h->avp_code == DIA_CODE_EXPERIMENTAL_RESULT))
			(*n)++;
		IMS_CHECK_FD(fd_msg_browse(a, MSG_BRW_NEXT, &next, NULL));
	}
	return 0;
}

/* Remove every AVP the handler added after `mark`: a failed handler's
 * partial answer (a result, Server-Name, or vectors with keys) never
 * leaves; fd_msg_free unlinks an AVP from its parent. */
static int
dia_discard_after(struct msg *ans, struct avp *mark)
{
	struct avp *a, *next;

	IMS_CHECK_RC(dia_avps_after(ans, mark, &a));
	for (; a != NULL; a = next) {
		IMS_CHECK_FD(fd_msg_browse(a, MSG_BRW_NEXT, &next, NULL));
		IMS_CHECK_FD(fd_msg_free(a));
	}
	return 0;
}

int
dia_msg_peer(struct msg *m, char *buf, size_t size)
{
	DiamId_t id = NULL;
	size_t len = 0;

	IMS_CHECK_PARAMS(m != NULL && buf != NULL && size > 0);
	IMS_CHECK_FD(fd_msg_source_get(m, &id, &len));
	if (id == NULL || len == 0)
		return -ENOENT;
	if (len >= size)
		return -ENOSPC;
	memcpy(buf, id, len);
	buf[len] = '\0';
	return 0;
}

int
dia_msg_local(struct msg *m)
{
	char src[256];
	int rc = dia_msg_peer(m, src, sizeof(src));

	return rc == -ENOENT || (rc == 0 && strcasecmp(src,
	    fd_g_config->cnf_diamid) == 0);
}

int
dia_msg_from_peer(struct msg *m, unsigned kinds, char *why, size_t size)
{
	char src[256], host[256], realm[256];
	const char *want = NULL;
	unsigned kind;

	/* The peer whose connection it came over (freeDiameter sets it on
	 * receipt); the identity was checked at that peer's CER/CEA. */
	if (dia_msg_peer(m, src, sizeof(src)) < 0) {
		(void)snprintf(why, size, "no sending peer");
		return -EPERM;
	}
	if ((kind = dia_peer_kind(src, strlen(src), &want)) == 0) {
		(void)snprintf(why, size, "%s is not a configured peer", src);
		return -EPERM;
	}
	if (!(kind & kinds)) {
		(void)snprintf(why, size, "%s may not send it (a peer we %s)",
		    src, kind == DIA_PEER_CONNECT ? "connect to" : "accept");
		return -EPERM;
	}
	/* No relays on Cx here (NoRelay, direct links): the origin is the
	 * peer itself, so Origin-Host/Origin-Realm can be trusted by the
	 * handlers (RFC 6733 6.3, 6.4). */
	if (dia_get_str(m, DIA_AVP_ORIGIN_HOST, host, sizeof(host)) < 0 ||
	    strcasecmp(host, src) != 0) {
		(void)snprintf(why, size, "Origin-Host is not the sending peer "
		    "%s", src);
		return -EPERM;
	}
	if (dia_get_str(m, DIA_AVP_ORIGIN_REALM, realm, sizeof(realm)) < 0 ||
	    strcasecmp(realm, want) != 0) {
		(void)snprintf(why, size, "Origin-Realm of %s is not %s", src,
		    want);
		return -EPERM;
	}
	return 0;
}

/* The answer to one request: *msg is the request on entry, the answer to
 * send on return (0).  On an internal error (< 0) nothing is to be sent
 * (*msg may already be the answer; freeDiameter disposes of it). */
int
dia_answer_request(const struct dia_reg *r, struct msg **msg)
{
	struct msg *req = *msg, *ans;
	struct avp *mark;
	char why[300];
	unsigned n;
	int rc;

	rc = dia_msg_from_peer(req, r->from, why, sizeof(why));
	IMS_CHECK_FD(fd_msg_new_answer_from_req(fd_g_config->cnf_dict, msg, 0));
	ans = *msg;
	/* e.g. TS 29.229 6.1.x: every Cx answer carries the VSAI.
	 * Auth-Session-State NO_STATE_MAINTAINED (1): the 3GPP applications
	 * here (Cx, Zh, Zn) are stateless.  Origin-*: ours.  All before the
	 * handler, so that a handler's last step (e.g. a store write) is
	 * the last thing that can fail before the answer leaves. */
	IMS_CHECK_RC(dia_add_vsai(ans, r->app_id));
	IMS_CHECK_RC(dia_add_u32(ans, DIA_AVP_AUTH_SESSION_STATE, 1));
	IMS_CHECK_FD(fd_msg_add_origin(ans, 0));
	IMS_CHECK_FD(fd_msg_browse(ans, MSG_BRW_LAST_CHILD, &mark, NULL));
	if (rc < 0) {
		log_warn("dia: refused command %u: %s", r->code, why);
		return dia_set_error(ans, DIA_UNABLE_TO_COMPLY,
		    "request not accepted from this peer");
	}
	/* The handler's contract (dia.h): 0 with exactly one result, or
	 * < 0; what a failed handler added is discarded here, so that the
	 * answer carries one result whatever the handler did. */
	rc = r->fn(req, ans, r->arg);
	if (rc == 0) {
		IMS_CHECK_RC(dia_results_count(ans, &n));
		if (n != 1) {
			log_err("dia: handler for command %u gave %u results",
			    r->code, n);
			rc = -EPROTO;
		}
	}
	if (rc < 0) {
		log_warn("dia: handler for command %u failed: %s", r->code,
		    strerror(-rc));
		IMS_CHECK_RC(dia_discard_after(ans, mark));
		IMS_CHECK_RC(dia_set_error(ans, DIA_UNABLE_TO_COMPLY,
		    "internal error"));
	}
	return 0;
}

/* Called on a freeDiameter dispatch thread. */
static int
dia_dispatch(struct msg **msg, struct avp *avp, struct session *sess,
    void *opaque, enum disp_action *act)
{
	const struct dia_reg *r = opaque;
	struct msg_hdr *h;

	(void)avp;
	(void)sess;
	*act = DISP_ACT_CONT;
	IMS_CHECK_FD(fd_msg_hdr(*msg, &h));
	if (!(h->msg_flags & CMD_FLAG_REQUEST))
		return 0;
	dia_stat_request(r->app_id, r->code, MET_ROLE_SERVER);
	IMS_CHECK_RC(dia_answer_request(r, msg));
	dia_stat_answer(r->app_id, r->code, MET_ROLE_SERVER, *msg, 0);
	*act = DISP_ACT_SEND;
	return 0;
}

int
dia_register(struct dict_object *app, uint32_t app_id, uint32_t code,
    struct dict_object *cmd, unsigned from, dia_handler fn, void *arg)
{
	struct disp_when when;
	struct dia_reg *r;

	IMS_CHECK_PARAMS(fn != NULL && app != NULL && cmd != NULL &&
	    from != 0);
	/* Lives as long as the process: freeDiameter keeps the pointer. */
	IMS_CHECK_MALLOC(r = calloc(1, sizeof(*r)));
	r->fn = fn;
	r->arg = arg;
	r->app_id = app_id;
	r->code = code;
	r->from = from;
	memset(&when, 0, sizeof(when));
	when.app = app;
	when.command = cmd;
	IMS_CHECK_FD(fd_disp_register(dia_dispatch, DISP_HOW_CC, &when, r,
	    NULL));
	return 0;
}
