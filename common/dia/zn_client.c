/* zn_client.c - the NAF side of Zn (TS 29.109 6): the Bootstrapping-
 * Info-Request for a B-TID and a NAF-Id, the answer (Ks_(ext)_NAF, its
 * expiry, the USS) parsed into a struct zn_answer.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dia_fd.h"
#include "check.h"
#include "gba_int.h"
#include "log.h"
#include "util.h"

struct zn_pending {
	struct gba_pending gp;		/* first */
	zn_answer_cb	 cb;
	void		*arg;
	struct zn_answer *ans;
};

static void
zn_parse(struct gba_pending *gp, struct msg *m)
{
	struct zn_answer *a = ((struct zn_pending *)(void *)gp)->ans;
	struct avp *g;
	struct avp_hdr *h;
	size_t len;

	dia_get_result(m, &a->result_code, &a->exp_result_code);
	(void)dia_get_str(m, DIA_AVP_USER_NAME, a->user_name,
	    sizeof(a->user_name));
	(void)dia_get_str(m, DIA_AVP_ERROR_MESSAGE, a->error_message,
	    sizeof(a->error_message));
	/* TS 29.109 6.2.2.2: ME-Key-Material is Ks_NAF (GBA_ME) or
	 * Ks_ext_NAF (GBA_U), 256 bits (TS 33.220 Annex B). */
	if (dia_get_os(m, DIA_AVP_ME_KEY_MATERIAL, a->ks_naf,
	    sizeof(a->ks_naf), &len) == 0 && len == sizeof(a->ks_naf))
		a->has_key = 1;
	else
		secure_wipe(a->ks_naf, sizeof(a->ks_naf));
	(void)dia_get_time(m, DIA_AVP_KEY_EXPIRYTIME, &a->key_expiry);
	(void)dia_get_time(m, DIA_AVP_BOOTSTRAPINFOCREATIONTIME, &a->created);
	a->gba_type = GBA_TYPE_3G;
	(void)dia_get_u32(m, DIA_AVP_GBA_TYPE, &a->gba_type);
	if ((g = dia_get_avp(m, DIA_AVP_GBA_USERSECSETTINGS, 0)) != NULL &&
	    fd_msg_avp_hdr(g, &h) == 0 && h->avp_value != NULL &&
	    (a->uss = malloc(h->avp_value->os.len + 1)) != NULL) {
		memcpy(a->uss, h->avp_value->os.data, h->avp_value->os.len);
		a->uss[h->avp_value->os.len] = '\0';
		a->uss_len = h->avp_value->os.len;
	}
}

static void
zn_finish(struct gba_pending *gp, int status)
{
	struct zn_pending *p = (struct zn_pending *)(void *)gp;

	p->ans->status = status;
	p->cb(p->arg, p->ans);
	free(p);
}

/* TS 29.109 6.2.2.1: Bootstrapping-Info-Request. */
int
zn_bir_send(const struct zn_req *r, zn_answer_cb cb, void *arg)
{
	struct zn_pending *p;
	struct msg *m;
	int rc;

	IMS_CHECK_PARAMS(r != NULL && cb != NULL && r->btid != NULL &&
	    r->naf_id != NULL && r->naf_id_len > 0 &&
	    r->naf_id_len <= GBA_NAF_ID_MAX && r->dest_realm != NULL);
	IMS_CHECK_RC(gba_req_new(DIA_APP_ZN, ZN_CMD_BIR, r->dest_realm,
	    r->dest_host, &m));
	if ((rc = dia_add_str(m, DIA_AVP_TRANSACTION_IDENTIFIER,
	    r->btid)) < 0 ||
	    (rc = dia_add_os(m, DIA_AVP_NAF_ID, r->naf_id,
	    r->naf_id_len)) < 0)
		goto fail;
	if (r->gsid != NULL && (rc = dia_add_str(m,
	    DIA_AVP_GAA_SERVICE_IDENTIFIER, r->gsid)) < 0)
		goto fail;
	if ((p = calloc(1, sizeof(*p))) == NULL ||
	    (p->ans = calloc(1, sizeof(*p->ans))) == NULL) {
		free(p);
		rc = -ENOMEM;
		goto fail;
	}
	p->gp.app_id = DIA_APP_ZN;
	p->gp.code = ZN_CMD_BIR;
	p->gp.parse = zn_parse;
	p->gp.finish = zn_finish;
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
zn_answer_free(struct zn_answer *a)
{
	if (a == NULL)
		return;
	if (a->uss != NULL) {
		secure_wipe(a->uss, a->uss_len);
		free(a->uss);
	}
	secure_wipe(a, sizeof(*a));
	free(a);
}
