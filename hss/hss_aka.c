/* hss_aka.c - authentication vectors for the MARs of Cx (hss_cx.c) and
 * Zh (hss_zh.c): one SQN machinery for both, so that no SQN is ever
 * handed out twice whichever interface asks (TS 33.102 6.3.2, C.1.1;
 * TS 33.220 4.5.2: the BSF's vectors come from the same AuC).
 */
#include <errno.h>
#include <string.h>

#include "aka.h"
#include "check.h"
#include "hss.h"
#include "hss_dia.h"
#include "log.h"
#include "milenage.h"
#include "util.h"

int
hss_aka_vectors(struct hss_db *db, const char *impi, unsigned n,
    const uint8_t *resync, struct hss_vectors *mv, int *auts_bad)
{
	struct milenage_ctx *ctx = NULL;
	struct hss_sub s;
	uint64_t sqns[HSS_SQN_BATCH], sqn_ms;
	int rc;

	IMS_CHECK_PARAMS(n >= 1 && n <= HSS_SQN_BATCH);
	*auts_bad = 0;
	mv->n = 0;
	if (resync != NULL) {
		/* TS 33.102 6.3.5: SIP-Authorization = RAND || AUTS. */
		IMS_CHECK_RC(hss_db_sub_get(db, impi, &s));
		ctx = milenage_new(s.k, s.opc);
		secure_wipe(&s, sizeof(s));
		IMS_CHECK_MALLOC(ctx);
		rc = aka_auts_verify(ctx, resync, resync + 16, &sqn_ms);
		milenage_free(ctx);
		if (rc == -EBADMSG) {
			*auts_bad = 1;
			return 0;
		}
		IMS_CHECK_RC(rc);
		log_info("hss: resynchronisation for %s", impi);
	}
	/* The SQNs are durable before any vector exists. */
	IMS_CHECK_RC(hss_db_sqn_commit(db, impi, n, resync ? &sqn_ms : NULL, &s,
	    sqns));
	if ((ctx = milenage_new(s.k, s.opc)) == NULL) {
		secure_wipe(&s, sizeof(s));
		return -ENOMEM;
	}
	/* One batch: RANDs from the thread's DRBG pool, the n TEMPs in one
	 * AES call and their OUT1..OUT4 in another (aka_vectors_make). */
	rc = aka_vectors_make(ctx, n, sqns, s.amf, NULL, mv->v);
	milenage_free(ctx);
	secure_wipe(&s, sizeof(s));
	mv->n = n;
	return rc;
}

int
hss_aka_items_add(struct msg *ans, const struct hss_vectors *mv,
    const char *scheme)
{
	uint8_t buf[32];
	struct avp *g;
	unsigned i;
	int rc = 0;

	/* TS 29.229 6.3.13: SIP-Auth-Data-Item for IMS AKA (TS 29.228
	 * 6.3.1, TS 29.109 5.2.2.2: SIP-Authenticate = RAND || AUTN,
	 * SIP-Authorization = XRES, Confidentiality-Key, Integrity-Key). */
	for (i = 0; i < mv->n && rc == 0; i++) {
		const struct aka_vector *v = &mv->v[i];

		memcpy(buf, v->rand, 16);
		memcpy(buf + 16, v->autn, 16);
		if ((rc = dia_add_group(ans, DIA_AVP_SIP_AUTH_DATA_ITEM,
		    &g)) < 0 ||
		    (rc = dia_add_u32(g, DIA_AVP_SIP_ITEM_NUMBER, i + 1)) < 0 ||
		    (rc = dia_add_str(g, DIA_AVP_SIP_AUTHENTICATION_SCHEME,
		    scheme)) < 0 ||
		    (rc = dia_add_os(g, DIA_AVP_SIP_AUTHENTICATE, buf,
		    32)) < 0 ||
		    (rc = dia_add_os(g, DIA_AVP_SIP_AUTHORIZATION, v->xres,
		    v->xres_len)) < 0 ||
		    (rc = dia_add_os(g, DIA_AVP_CONFIDENTIALITY_KEY, v->ck,
		    16)) < 0 ||
		    (rc = dia_add_os(g, DIA_AVP_INTEGRITY_KEY, v->ik, 16)) < 0)
			break;
	}
	secure_wipe(buf, sizeof(buf));
	return rc;
}
