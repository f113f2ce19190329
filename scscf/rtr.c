/* rtr.c - network-initiated de-registration by the HSS: the
 * Registration-Termination-Request (TS 29.228 6.5.1, TS 29.229 6.1.9,
 * TS 24.229 5.4.1.5).
 *
 * The handler runs on a freeDiameter thread: it copies the identities,
 * answers DIAMETER_SUCCESS and posts the removal to the su_root thread.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dia_fd.h"
#include "check.h"
#include "cx.h"
#include "log.h"
#include "scscf.h"

#define RTR_MAX_IMPU	8

struct rtr_job {
	struct handoff_job job;
	struct scscf *s;
	char	 impi[SCSCF_ID_MAX];
	char	 impu[RTR_MAX_IMPU][SCSCF_ID_MAX];
	size_t	 n;
	/* TS 24.229 5.4.1.5: the contacts' event in the reg event NOTIFY,
	 * "deactivated" when the UE is to register again (a new S-CSCF, a
	 * server change), else "rejected". */
	const char *event;
};

static void
rtr_dereg_one(void *arg, const char *impu)
{
	struct rtr_job *j = arg;
	struct scscf *s = j->s;

	regevent_terminated(s, impu, j->event);
	if (bdb_deregister(s->db, impu) < 0)
		log_warn("rtr: cannot remove %s", impu);
	else
		log_info("rtr: %s de-registered by the HSS", impu);
}

static void
rtr_apply(struct handoff_job *job)
{
	struct rtr_job *j = IMS_CONTAINER_OF(job, struct rtr_job, job);
	struct scscf *s = j->s;
	size_t i;

	if (j->n == 0) {
		if (bdb_impus_of(s->db, j->impi, rtr_dereg_one, j) < 0)
			log_warn("rtr: cannot list identities of %s", j->impi);
	} else
		for (i = 0; i < j->n; i++)
			rtr_dereg_one(j, j->impu[i]);
	auth_forget(s->auth, j->impi);
	free(j);
}

static int
rtr_handle(struct msg *req, struct msg *ans, void *arg)
{
	struct rtr_job *j;
	struct avp *avp;
	uint32_t reason = CX_REASON_PERMANENT_TERMINATION;
	int rc;

	IMS_CHECK_MALLOC(j = calloc(1, sizeof(*j)));
	if (dia_get_str(req, DIA_AVP_USER_NAME, j->impi, sizeof(j->impi)) < 0) {
		free(j);
		return dia_set_missing(ans, DIA_AVP_USER_NAME);
	}
	/* Public-Identity AVPs, if any, restrict the removal. */
	while (j->n < RTR_MAX_IMPU && (avp = dia_get_avp(req,
	    DIA_AVP_PUBLIC_IDENTITY, (unsigned)j->n)) != NULL) {
		struct avp_hdr *h;

		if (fd_msg_avp_hdr(avp, &h) != 0 || h->avp_value == NULL ||
		    h->avp_value->os.len >= SCSCF_ID_MAX)
			break;
		memcpy(j->impu[j->n], h->avp_value->os.data,
		    h->avp_value->os.len);
		j->impu[j->n][h->avp_value->os.len] = '\0';
		j->n++;
	}
	/* Deregistration-Reason { Reason-Code } (TS 29.229 6.3.17). */
	if ((avp = dia_get_avp(req, DIA_AVP_DEREGISTRATION_REASON, 0)) !=
	    NULL && dia_get_u32(avp, DIA_AVP_REASON_CODE, &reason) < 0)
		reason = CX_REASON_PERMANENT_TERMINATION;
	j->event = reason == CX_REASON_NEW_SERVER_ASSIGNED ||
	    reason == CX_REASON_SERVER_CHANGE ? "deactivated" : "rejected";
	/* The one result, then the hand-off, which cannot fail: a failing
	 * handler has added no result (dia.h contract). */
	if ((rc = dia_set_error(ans, DIA_SUCCESS, NULL)) < 0) {
		free(j);
		return rc;
	}
	j->s = arg;
	sipx_post(&j->s->sa, &j->job, rtr_apply);
	return 0;
}

int
registrar_rtr_init(struct scscf *s)
{
	return cx_register(CX_CMD_RTR, rtr_handle, s);
}
