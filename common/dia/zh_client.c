/* zh_client.c - the BSF side of Zh (TS 29.109 5): the Multimedia-Auth-
 * Request for one AKA vector and the subscriber's GUSS, the answer parsed
 * into a struct zh_answer.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dia_fd.h"
#include "check.h"
#include "gba_int.h"
#include "log.h"
#include "util.h"

#define ZH_SCHEME	"Digest-AKAv1-MD5"	/* TS 29.109 5.2.2.1 */

struct zh_pending {
	struct gba_pending gp;		/* first */
	zh_answer_cb	 cb;
	void		*arg;
	struct zh_answer *ans;
};

/* TS 29.109 5.2.2.2 / TS 29.229 6.3.13: SIP-Authenticate = RAND || AUTN,
 * SIP-Authorization = XRES, Confidentiality-Key, Integrity-Key. */
static void
zh_parse_item(struct avp *g, struct zh_answer *a)
{
	uint8_t buf[32];
	size_t len, xlen, cklen, iklen;

	if (dia_get_os(g, DIA_AVP_SIP_AUTHENTICATE, buf, sizeof(buf),
	    &len) < 0 || len != 32 ||
	    dia_get_os(g, DIA_AVP_SIP_AUTHORIZATION, a->xres,
	    sizeof(a->xres), &xlen) < 0 || xlen < 4 ||
	    dia_get_os(g, DIA_AVP_CONFIDENTIALITY_KEY, a->ck, sizeof(a->ck),
	    &cklen) < 0 || cklen != sizeof(a->ck) ||
	    dia_get_os(g, DIA_AVP_INTEGRITY_KEY, a->ik, sizeof(a->ik),
	    &iklen) < 0 || iklen != sizeof(a->ik)) {
		secure_wipe(buf, sizeof(buf));
		secure_wipe(a->xres, sizeof(a->xres));
		secure_wipe(a->ck, sizeof(a->ck));
		secure_wipe(a->ik, sizeof(a->ik));
		return;
	}
	memcpy(a->rand, buf, 16);
	memcpy(a->autn, buf + 16, 16);
	a->xres_len = xlen;
	a->has_vector = 1;
	secure_wipe(buf, sizeof(buf));
}

static void
zh_parse(struct gba_pending *gp, struct msg *m)
{
	struct zh_answer *a = ((struct zh_pending *)(void *)gp)->ans;
	struct avp *g;
	struct avp_hdr *h;

	dia_get_result(m, &a->result_code, &a->exp_result_code);
	(void)dia_get_str(m, DIA_AVP_USER_NAME, a->user_name,
	    sizeof(a->user_name));
	(void)dia_get_str(m, DIA_AVP_ERROR_MESSAGE, a->error_message,
	    sizeof(a->error_message));
	if ((g = dia_get_avp(m, DIA_AVP_SIP_AUTH_DATA_ITEM, 0)) != NULL)
		zh_parse_item(g, a);
	/* TS 29.109 5.2.2.2: GBA-UserSecSettings, the GUSS (Annex A). */
	if ((g = dia_get_avp(m, DIA_AVP_GBA_USERSECSETTINGS, 0)) != NULL &&
	    fd_msg_avp_hdr(g, &h) == 0 && h->avp_value != NULL &&
	    (a->guss = malloc(h->avp_value->os.len + 1)) != NULL) {
		memcpy(a->guss, h->avp_value->os.data, h->avp_value->os.len);
		a->guss[h->avp_value->os.len] = '\0';
		a->guss_len = h->avp_value->os.len;
	}
}

static void
zh_finish(struct gba_pending *gp, int status)
{
	struct zh_pending *p = (struct zh_pending *)(void *)gp;

	p->ans->status = status;
	p->cb(p->arg, p->ans);
	free(p);
}

/* TS 29.109 5.2.2.1: Multimedia-Auth-Request on Zh. */
int
zh_mar_send(const struct zh_req *r, zh_answer_cb cb, void *arg)
{
	struct zh_pending *p;
	struct msg *m;
	struct avp *g;
	int rc;

	IMS_CHECK_PARAMS(r != NULL && cb != NULL && r->dest_realm != NULL &&
	    (r->impi != NULL || r->impu != NULL));
	IMS_CHECK_PARAMS(r->sip_authorization == NULL ||
	    r->sip_authorization_len > 0);
	IMS_CHECK_RC(gba_req_new(DIA_APP_ZH, ZH_CMD_MAR, r->dest_realm,
	    r->dest_host, &m));
	if (r->impi != NULL &&
	    (rc = dia_add_str(m, DIA_AVP_USER_NAME, r->impi)) < 0)
		goto fail;
	if (r->impu != NULL &&
	    (rc = dia_add_str(m, DIA_AVP_PUBLIC_IDENTITY, r->impu)) < 0)
		goto fail;
	if ((rc = dia_add_u32(m, DIA_AVP_SIP_NUMBER_AUTH_ITEMS, 1)) < 0 ||
	    (rc = dia_add_group(m, DIA_AVP_SIP_AUTH_DATA_ITEM, &g)) < 0 ||
	    (rc = dia_add_str(g, DIA_AVP_SIP_AUTHENTICATION_SCHEME,
	    ZH_SCHEME)) < 0)
		goto fail;
	/* TS 33.220 4.5.2, TS 29.109 5.2.2.1: resynchronisation, RAND ||
	 * AUTS in SIP-Authorization. */
	if (r->sip_authorization != NULL &&
	    (rc = dia_add_os(g, DIA_AVP_SIP_AUTHORIZATION,
	    r->sip_authorization, r->sip_authorization_len)) < 0)
		goto fail;
	if (r->guss_timestamp != 0 &&
	    (rc = dia_add_time(m, DIA_AVP_GUSS_TIMESTAMP,
	    r->guss_timestamp)) < 0)
		goto fail;
	if ((p = calloc(1, sizeof(*p))) == NULL ||
	    (p->ans = calloc(1, sizeof(*p->ans))) == NULL) {
		free(p);
		rc = -ENOMEM;
		goto fail;
	}
	p->gp.app_id = DIA_APP_ZH;
	p->gp.code = ZH_CMD_MAR;
	p->gp.parse = zh_parse;
	p->gp.finish = zh_finish;
	p->cb = cb;
	p->arg = arg;
	p->ans->status = -EIO;
	if ((rc = gba_send(m, r->timeout_ms, &p->gp)) < 0) {
		free(p->ans);
		free(p);
	}
	return rc;
fail:
	(void)fd_msg_free(m);
	return rc;
}

void
zh_answer_free(struct zh_answer *a)
{
	if (a == NULL)
		return;
	if (a->guss != NULL) {
		secure_wipe(a->guss, a->guss_len);
		free(a->guss);
	}
	secure_wipe(a, sizeof(*a));
	free(a);
}
