/* hss_zh.c - the HSS side of Zh (TS 29.109 5, TS 33.220 4.5.2): a BSF's
 * Multimedia-Auth-Request gets one AKA vector, from the SQN machinery Cx
 * uses (hss_aka.c: the SQN is committed before the answer leaves), and
 * the subscriber's GUSS (hss_guss.c).
 *
 * Peers: only those of diameter.accept reach the handler (zh_register,
 * dia_server's origin check), and of them only the BSFs of the bsf key
 * when it is set.  Handler contract as in hss_cx.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "check.h"
#include "gba.h"
#include "hss.h"
#include "hss_dia.h"
#include "log.h"
#include "util.h"

#define ZH_SCHEME	"Digest-AKAv1-MD5"	/* TS 29.109 5.2.2.1 */

/* The BSFs (the bsf key, set once at start-up); none: any accepted peer. */
static char bsfs[HSS_MAX_BSF][HSS_ID_MAX];
static size_t nbsf;

int
hss_zh_set_bsfs(const char *const *v, size_t n)
{
	size_t i;

	IMS_CHECK_PARAMS(n <= HSS_MAX_BSF);
	for (i = 0; i < n; i++) {
		IMS_CHECK_PARAMS(strlen(v[i]) < HSS_ID_MAX);
		(void)snprintf(bsfs[i], sizeof(bsfs[i]), "%s", v[i]);
	}
	nbsf = n;
	if (n == 0)
		log_info("hss: no bsf configured: every accepted peer may "
		    "send Zh MARs");
	return 0;
}

/* TS 33.220 4.3: GBA vectors and the GUSS go to the BSF only, as Cx's
 * go to the S-CSCFs (hss_cx.c): with the bsf key set, a Zh MAR from any
 * other accepted peer (a CSCF) is refused before any look-up.  The
 * Origin-Host is the sending peer (dia_server checked it).  0, or 1
 * refused (DIAMETER_UNABLE_TO_COMPLY added), or < 0. */
static int
zh_peer_check(struct msg *req, struct msg *ans)
{
	char host[HSS_ID_MAX];
	size_t i;

	if (nbsf == 0)
		return 0;
	if (dia_get_str(req, DIA_AVP_ORIGIN_HOST, host, sizeof(host)) < 0)
		return -EPROTO;	/* dia_server let it through: a bug */
	for (i = 0; i < nbsf; i++)
		if (strcasecmp(bsfs[i], host) == 0)
			return 0;
	log_sec(LOG_LVL_WARN, 6, NULL, host,
	    "hss: Zh MAR refused: not a configured bsf");
	IMS_CHECK_RC(dia_set_error(ans, DIA_UNABLE_TO_COMPLY,
	    "not a configured BSF"));
	return 1;
}

/* TS 29.109 5.2.2.1: User-Name is the IMPI; a BSF that got an IMPU from
 * the UE sends Public-Identity instead, and the HSS answers for the IMPI
 * it belongs to.  0 with impi set; 1 refused (result added); < 0. */
static int
zh_identity(struct hss_db *db, struct msg *req, struct msg *ans,
    char *impi, size_t size)
{
	char impu[HSS_ID_MAX];
	struct hss_impu u;
	int rc;

	if ((rc = hss_str_avp(req, ans, DIA_AVP_USER_NAME, impi, size,
	    1)) != -ENOENT)
		return rc;
	if ((rc = hss_str_avp(req, ans, DIA_AVP_PUBLIC_IDENTITY, impu,
	    sizeof(impu), 1)) == -ENOENT)
		IMS_CHECK_RC(dia_set_missing(ans, DIA_AVP_USER_NAME));
	if (rc != 0)
		return rc == -ENOENT ? 1 : rc;
	if ((rc = hss_db_impu_get(db, impu, &u)) == -ENOENT) {
		log_info("hss: Zh MAR for unknown IMPU %s", impu);
		IMS_CHECK_RC(dia_add_exp_result(ans, GBA_ERROR_IMPI_UNKNOWN));
		return 1;
	}
	IMS_CHECK_RC(rc);
	(void)snprintf(impi, size, "%s", u.impi);
	return 0;
}

/* The SIP-Auth-Data-Item of the request (optional): the scheme, if any,
 * must be Digest-AKAv1-MD5 ("Unknown" lets the HSS choose); a
 * SIP-Authorization is RAND || AUTS (TS 33.220 4.5.2 step 3, TS 29.109
 * 5.2.2.1).  0, or 1 refused (result added), or < 0. */
static int
zh_item(struct msg *req, struct msg *ans, uint8_t *authz, size_t max,
    size_t *authz_len)
{
	char scheme[64];
	struct avp *item;
	int rc;

	*authz_len = 0;
	if ((item = dia_get_avp(req, DIA_AVP_SIP_AUTH_DATA_ITEM, 0)) == NULL)
		return 0;
	rc = dia_get_str(item, DIA_AVP_SIP_AUTHENTICATION_SCHEME, scheme,
	    sizeof(scheme));
	if ((rc < 0 && rc != -ENOENT) || (rc == 0 &&
	    strcmp(scheme, ZH_SCHEME) != 0 && strcmp(scheme, "Unknown") != 0)) {
		IMS_CHECK_RC(dia_set_error(ans, DIA_INVALID_AVP_VALUE,
		    "SIP-Authentication-Scheme: only " ZH_SCHEME));
		return 1;
	}
	rc = dia_get_os(item, DIA_AVP_SIP_AUTHORIZATION, authz, max,
	    authz_len);
	if ((rc < 0 && rc != -ENOENT) || (rc == 0 &&
	    *authz_len != 16 + AKA_AUTS_LEN)) {
		*authz_len = 0;
		IMS_CHECK_RC(dia_set_error(ans, DIA_INVALID_AVP_LENGTH,
		    "SIP-Authorization: RAND || AUTS expected"));
		return 1;
	}
	return 0;
}

/* The answer of a MAR whose vector exists: TS 29.109 5.2.2.2. */
static int
zh_answer(struct msg *ans, const char *impi, const struct hss_vectors *mv,
    const char *guss, size_t glen)
{
	IMS_CHECK_RC(dia_set_error(ans, DIA_SUCCESS, NULL));
	IMS_CHECK_RC(dia_add_str(ans, DIA_AVP_USER_NAME, impi));
	IMS_CHECK_RC(hss_aka_items_add(ans, mv, ZH_SCHEME));
	if (guss != NULL)
		IMS_CHECK_RC(dia_add_os(ans, DIA_AVP_GBA_USERSECSETTINGS,
		    (const uint8_t *)guss, glen));
	return 0;
}

/* TS 29.109 5.2.2.1: Multimedia-Auth-Request from a BSF. */
static int
hss_zh_mar(struct msg *req, struct msg *ans, void *arg)
{
	struct hss_db *db = arg;
	char impi[HSS_ID_MAX], *guss = NULL;
	uint8_t authz[64];
	size_t authz_len, glen = 0;
	int64_t updated = 0, theirs;
	struct hss_vectors *mv;
	int rc, auts_bad;

	if ((rc = zh_peer_check(req, ans)) != 0 ||
	    (rc = zh_identity(db, req, ans, impi, sizeof(impi))) != 0 ||
	    (rc = zh_item(req, ans, authz, sizeof(authz), &authz_len)) != 0)
		return rc < 0 ? rc : 0;
	/* The GUSS first: an unknown IMPI spends nothing. */
	rc = hss_guss(db, impi, &guss, &glen, &updated);
	if (rc == -ENOENT) {
		log_info("hss: Zh MAR for unknown IMPI %s", impi);
		secure_wipe(authz, sizeof(authz));
		return dia_add_exp_result(ans, GBA_ERROR_IMPI_UNKNOWN);
	}
	IMS_CHECK_RC(rc);
	/* TS 29.109 5.2.2.1/5.2.2.2: the BSF's GUSS-Timestamp says which
	 * GUSS it holds; one not changed since is not sent again.  The
	 * default GUSS has no stored time and is always sent. */
	if (updated != 0 && dia_get_time(req, DIA_AVP_GUSS_TIMESTAMP,
	    &theirs) == 0 && theirs >= updated) {
		free(guss);
		guss = NULL;
	}
	if ((mv = calloc(1, sizeof(*mv))) == NULL) {
		free(guss);
		secure_wipe(authz, sizeof(authz));
		return -ENOMEM;
	}
	/* TS 33.220 4.5.2 step 2: one vector; its SQN is durable first. */
	rc = hss_aka_vectors(db, impi, 1, authz_len ? authz : NULL, mv,
	    &auts_bad);
	secure_wipe(authz, sizeof(authz));
	if (rc == 0 && auts_bad) {
		log_sec(LOG_LVL_WARN, 6, impi, NULL,
		    "hss: Zh: AUTS verification failed (MAC-S)");
		rc = dia_set_error(ans, DIA_UNABLE_TO_COMPLY,
		    "AUTS verification failed");
	} else if (rc == 0)
		rc = zh_answer(ans, impi, mv, guss, glen);
	secure_wipe(mv, sizeof(*mv));
	free(mv);
	free(guss);
	return rc;
}

int
hss_zh_init(struct hss_db *db)
{
	return zh_register(hss_zh_mar, db);
}
