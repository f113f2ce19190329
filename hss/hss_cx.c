/* hss_cx.c - the HSS side of Cx (TS 29.228 6.1, 6.3; TS 29.229 6.1-6.3).
 *
 * Handlers run on freeDiameter dispatch threads; the store serialises them.
 * Contract with dia.c: a handler returning < 0 has added no result.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aka.h"
#include "check.h"
#include "conf.h"
#include "cx.h"
#include "hss.h"
#include "hss_dia.h"
#include "log.h"
#include "util.h"

#define AUTH_AKAV1	"Digest-AKAv1-MD5"
#define AUTH_AKAV2	"Digest-AKAv2-MD5"

static int
success(struct msg *ans)
{
	return dia_set_error(ans, DIA_SUCCESS, NULL);
}

/* A string AVP of the request into buf.  0: read; -ENOENT: absent and
 * optional; 1: refused, the answer's result added (RFC 6733 7.1.5:
 * absent and required, DIAMETER_MISSING_AVP; longer than the store takes,
 * DIAMETER_INVALID_AVP_LENGTH; a NUL inside, DIAMETER_INVALID_AVP_VALUE),
 * never silently taken as absent or cut; < 0 an internal error. */
int
hss_str_avp(void *parent, struct msg *ans, enum dia_avp id, char *buf,
    size_t size, int optional)
{
	int rc = dia_get_str(parent, id, buf, size);

	if (rc != 0)
		buf[0] = '\0';
	if (rc == 0 || (rc == -ENOENT && optional))
		return rc;
	if (rc == -ENOENT)
		IMS_CHECK_RC(dia_set_missing(ans, id));
	else if (rc == -ENOSPC)
		IMS_CHECK_RC(dia_set_error(ans, DIA_INVALID_AVP_LENGTH,
		    "an identity longer than the HSS takes"));
	else
		IMS_CHECK_RC(dia_set_error(ans, DIA_INVALID_AVP_VALUE,
		    "a NUL in a UTF8String"));
	return 1;
}

/* str_avp for a required AVP: 0, or what the handler returns. */
#define STR_NEED(req, ans, id, buf) do {				\
	int str_rc_ = hss_str_avp((req), (ans), (id), (buf), sizeof(buf), 0); \
	if (str_rc_ != 0)						\
		return str_rc_ < 0 ? str_rc_ : 0;			\
} while (0)

/* TS 29.228 6.1.1.1 step 1-2, 6.3.1 step 1: the identities exist and belong
 * together.  Returns 0, a Cx result code (> 0) or a negative errno. */
static int
identities_check(struct hss_db *db, const char *impi, const char *impu,
    struct hss_impu *u)
{
	int rc;

	rc = hss_db_impu_get(db, impu, u);
	if (rc == -ENOENT)
		return CX_ERROR_USER_UNKNOWN;
	IMS_CHECK_RC(rc);
	if (impi == NULL)
		return 0;
	if (strcmp(u->impi, impi) != 0) {
		struct hss_sub s;

		rc = hss_db_sub_get(db, impi, &s);
		secure_wipe(&s, sizeof(s));
		if (rc == -ENOENT)
			return CX_ERROR_USER_UNKNOWN;
		IMS_CHECK_RC(rc);
		return CX_ERROR_IDENTITIES_DONT_MATCH;
	}
	return 0;
}

/* Roaming rules: "*" or a comma-separated list of allowed networks. */
static int
roaming_allowed(const char *rules, const char *vni)
{
	size_t n = strlen(vni);
	const char *p = rules;

	if (strcmp(rules, "*") == 0)
		return 1;
	while (*p != '\0') {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);

		if (len == n && strncasecmp(p, vni, n) == 0)
			return 1;
		p += len + (e ? 1 : 0);
	}
	return 0;
}

/* TS 29.229 6.3.4: no stored S-CSCF; capabilities are left to the
 * I-CSCF's own list (empty group, all children optional). */
/* Server-Capabilities announced in UAA/LIA (set once at start-up). */
static uint32_t cap_mand[HSS_MAX_CAPS], cap_opt[HSS_MAX_CAPS];
static size_t ncap_mand, ncap_opt;

static int
capabilities_add(struct msg *ans)
{
	struct avp *g;
	size_t i;

	/*
	 * TS 29.229 6.3.3: Server-Capabilities lists the capabilities the
	 * I-CSCF selects an S-CSCF by.  With none configured the group is
	 * left out rather than sent empty: Kamailio's cdp cannot decode an
	 * empty grouped AVP and drops the whole UAA; without the AVP an
	 * I-CSCF applies no requirement and uses its own S-CSCF list.
	 */
	if (ncap_mand + ncap_opt == 0)
		return 0;
	IMS_CHECK_RC(dia_add_group(ans, DIA_AVP_SERVER_CAPABILITIES, &g));
	for (i = 0; i < ncap_mand; i++)
		IMS_CHECK_RC(dia_add_u32(g, DIA_AVP_MANDATORY_CAPABILITY,
		    cap_mand[i]));
	for (i = 0; i < ncap_opt; i++)
		IMS_CHECK_RC(dia_add_u32(g, DIA_AVP_OPTIONAL_CAPABILITY,
		    cap_opt[i]));
	return 0;
}

int
hss_cx_set_capabilities(const uint32_t *mand, size_t nmand,
    const uint32_t *opt, size_t nopt)
{
	IMS_CHECK_PARAMS(nmand <= HSS_MAX_CAPS && nopt <= HSS_MAX_CAPS);
	memcpy(cap_mand, mand, nmand * sizeof(*mand));
	memcpy(cap_opt, opt, nopt * sizeof(*opt));
	ncap_mand = nmand;
	ncap_opt = nopt;
	return 0;
}

/* The sender's Origin-Host/Realm, verified by dia_server (dia.h), and
 * its right to use Server-Name `server`: 0, or the refusal added to ans
 * (DIAMETER_UNABLE_TO_COMPLY, see hss_sar_handle) as a positive value. */
static int
scscf_check(struct msg *req, struct msg *ans, const char *cmd,
    const char *server, char *host, char *realm)
{
	const char *why;

	if (dia_get_str(req, DIA_AVP_ORIGIN_HOST, host, HSS_ID_MAX) < 0 ||
	    dia_get_str(req, DIA_AVP_ORIGIN_REALM, realm, HSS_ID_MAX) < 0)
		return -EPROTO;	/* dia_server let it through: a bug */
	if ((why = hss_scscf_refused(host, server)) == NULL)
		return 0;
	log_sec(LOG_LVL_WARN, 3, NULL, host, "hss: %s with Server-Name %s "
	    "refused: %s", cmd, server, why);
	IMS_CHECK_RC(dia_set_error(ans, DIA_UNABLE_TO_COMPLY, why));
	return 1;
}

/* TS 29.228 6.1.1.1: User-Authorization-Request. */
static int
hss_uar_handle(struct msg *req, struct msg *ans, void *arg)
{
	struct hss_db *db = arg;
	char impi[HSS_ID_MAX], impu[HSS_ID_MAX], vni[HSS_ID_MAX];
	struct hss_impu u;
	struct hss_sub s;
	uint32_t type = CX_UAT_REGISTRATION;
	int rc;

	STR_NEED(req, ans, DIA_AVP_USER_NAME, impi);
	STR_NEED(req, ans, DIA_AVP_PUBLIC_IDENTITY, impu);
	STR_NEED(req, ans, DIA_AVP_VISITED_NETWORK_IDENTIFIER, vni);
	(void)dia_get_u32(req, DIA_AVP_USER_AUTHORIZATION_TYPE, &type);
	if (type > CX_UAT_REGISTRATION_AND_CAPABILITIES)
		return dia_set_error(ans, DIA_INVALID_AVP_VALUE,
		    "User-Authorization-Type");
	if ((rc = identities_check(db, impi, impu, &u)) != 0)
		return rc < 0 ? rc : dia_add_exp_result(ans, (uint32_t)rc);

	if (type != CX_UAT_DE_REGISTRATION) {
		/* Step 2: barring; step 3: roaming rules. */
		if (u.barred)
			return dia_set_error(ans,
			    DIA_AUTHORIZATION_REJECTED,
			    "public identity barred");
		IMS_CHECK_RC(hss_db_sub_get(db, impi, &s));
		rc = roaming_allowed(s.visited, vni);
		secure_wipe(&s, sizeof(s));
		if (!rc)
			return dia_add_exp_result(ans,
			    CX_ERROR_ROAMING_NOT_ALLOWED);
	}

	switch (type) {
	case CX_UAT_REGISTRATION:
		if (u.scscf[0] != '\0') {
			/* Registered, unregistered, or a name kept. */
			IMS_CHECK_RC(dia_add_exp_result(ans,
			    CX_SUBSEQUENT_REGISTRATION));
			return dia_add_str(ans, DIA_AVP_SERVER_NAME, u.scscf);
		}
		IMS_CHECK_RC(dia_add_exp_result(ans, CX_FIRST_REGISTRATION));
		return capabilities_add(ans);
	case CX_UAT_DE_REGISTRATION:
		if (u.state == HSS_NOT_REGISTERED || u.scscf[0] == '\0')
			return dia_add_exp_result(ans,
			    CX_ERROR_IDENTITY_NOT_REGISTERED);
		IMS_CHECK_RC(success(ans));
		return dia_add_str(ans, DIA_AVP_SERVER_NAME, u.scscf);
	default:	/* REGISTRATION_AND_CAPABILITIES */
		IMS_CHECK_RC(success(ans));
		return capabilities_add(ans);
	}
}

static int
first_impu(void *arg, const struct hss_impu *u)
{
	(void)snprintf(arg, HSS_ID_MAX, "%s", u->impu);
	return -ECANCELED;	/* stop after the first */
}

/* What a SAR does to the store; applied only once the answer is built. */
struct sar_change {
	int		 apply;
	enum hss_reg_state state;
	const char	*scscf;		/* NULL keeps, "" clears */
	int		 peer;		/* record the S-CSCF's identity */
};

static void
sar_set(struct sar_change *c, enum hss_reg_state st, const char *scscf,
    int peer)
{
	c->apply = 1;
	c->state = st;
	c->scscf = scscf;
	c->peer = peer;
}

/* Whether applying c would leave the registration as it is (a
 * re-registration by the S-CSCF that holds it, from the same peer): then
 * the store is not written at all, which spares an fsync per
 * re-registration.  u is the public identity as read for this SAR; the
 * identities of its implicit registration set always change together
 * (hss_db_assign).  assigned_at is thus the time of the last change. */
static int
sar_unchanged(const struct sar_change *c, const struct hss_impu *u,
    const char *host, const char *realm)
{
	if (c->state != u->state ||
	    (c->scscf != NULL && strcmp(c->scscf, u->scscf) != 0))
		return 0;
	if (c->scscf != NULL && c->scscf[0] == '\0')
		return u->scscf_host[0] == '\0' && u->scscf_realm[0] == '\0';
	return !c->peer || (strcmp(host, u->scscf_host) == 0 &&
	    strcmp(realm, u->scscf_realm) == 0);
}

/*
 * TS 29.228 6.1.2.1: Server-Assignment-Request.
 *
 * Refusals, all DIAMETER_UNABLE_TO_COMPLY with an Error-Message and no
 * change: a Server-Name that is not a configured S-CSCF, or one used from
 * another Diameter peer than the one configured for it; and, for a
 * de-registration, authentication failure or NO_ASSIGNMENT, an S-CSCF
 * that is not the one assigned (it must not undo another S-CSCF's
 * registration).  TS 29.228 6.1.2.1 already answers UNABLE_TO_COMPLY when
 * a SAR's Server-Name conflicts with the assigned one; the fault is the
 * requesting node's, which is why DIAMETER_AUTHORIZATION_REJECTED (RFC
 * 6733 7.1.5: the *user* could not be authorized) is not used.
 *
 * The store changes last, in one statement, after the answer (result,
 * User-Name, User-Data) is complete: a failure before it leaves the store
 * as it was and the answer DIAMETER_UNABLE_TO_COMPLY (dia_server), so the
 * HSS never records an assignment its answer did not confirm.
 */
static int
hss_sar_handle(struct msg *req, struct msg *ans, void *arg)
{
	struct hss_db *db = arg;
	char impi[HSS_ID_MAX], impu[HSS_ID_MAX], server[HSS_ID_MAX];
	char host[HSS_ID_MAX], realm[HSS_ID_MAX], *xml = NULL;
	struct sar_change ch = { 0 };
	struct hss_impu u;
	uint32_t type, udaa;
	size_t xlen = 0;
	int rc, has_impi, send_data = 0, elsewhere;

	if ((rc = hss_str_avp(req, ans, DIA_AVP_USER_NAME, impi, sizeof(impi),
	    1)) > 0 || (rc < 0 && rc != -ENOENT))
		return rc < 0 ? rc : 0;
	has_impi = rc == 0;
	STR_NEED(req, ans, DIA_AVP_SERVER_NAME, server);
	if (dia_get_u32(req, DIA_AVP_SERVER_ASSIGNMENT_TYPE, &type) < 0)
		return dia_set_missing(ans, DIA_AVP_SERVER_ASSIGNMENT_TYPE);
	if (dia_get_u32(req, DIA_AVP_USER_DATA_ALREADY_AVAILABLE, &udaa) < 0)
		return dia_set_missing(ans,
		    DIA_AVP_USER_DATA_ALREADY_AVAILABLE);
	/* Before any look-up: a refused peer learns nothing of users. */
	if ((rc = scscf_check(req, ans, "SAR", server, host, realm)) != 0)
		return rc < 0 ? rc : 0;
	/* Public-Identity may be absent when User-Name is present (TS 29.229
	 * 6.1.3): the IMPI's first public identity stands for its set. */
	if ((rc = hss_str_avp(req, ans, DIA_AVP_PUBLIC_IDENTITY, impu,
	    sizeof(impu), has_impi)) > 0 || (rc < 0 && rc != -ENOENT))
		return rc < 0 ? rc : 0;
	if (rc == -ENOENT) {
		rc = hss_db_impu_foreach(db, impi, -1, first_impu, impu);
		if (rc < 0 && rc != -ECANCELED)
			return rc;
		if (impu[0] == '\0')
			return dia_add_exp_result(ans, CX_ERROR_USER_UNKNOWN);
	}
	if ((rc = identities_check(db, has_impi ? impi : NULL, impu, &u)) != 0)
		return rc < 0 ? rc : dia_add_exp_result(ans, (uint32_t)rc);

	elsewhere = u.scscf[0] != '\0' && strcmp(u.scscf, server) != 0;
	switch (type) {
	case CX_SAT_REGISTRATION:
	case CX_SAT_RE_REGISTRATION:
		sar_set(&ch, HSS_REGISTERED, server, 1);
		send_data = udaa == 0;
		break;
	case CX_SAT_UNREGISTERED_USER:
		if (u.state == HSS_REGISTERED && elsewhere)
			return dia_set_error(ans, DIA_UNABLE_TO_COMPLY,
			    "registered at another S-CSCF");
		if (u.state != HSS_REGISTERED)
			sar_set(&ch, HSS_UNREGISTERED, server, 1);
		send_data = udaa == 0;
		break;
	case CX_SAT_TIMEOUT_DEREGISTRATION:
	case CX_SAT_USER_DEREGISTRATION:
	case CX_SAT_ADMINISTRATIVE_DEREGISTRATION:
	case CX_SAT_DEREGISTRATION_TOO_MUCH_DATA:
		if (elsewhere)
			return dia_set_error(ans, DIA_UNABLE_TO_COMPLY,
			    "not the assigned S-CSCF");
		sar_set(&ch, HSS_NOT_REGISTERED, "", 0);
		break;
	case CX_SAT_TIMEOUT_DEREGISTRATION_STORE_SERVER_NAME:
	case CX_SAT_USER_DEREGISTRATION_STORE_SERVER_NAME:
		if (elsewhere)
			return dia_set_error(ans, DIA_UNABLE_TO_COMPLY,
			    "not the assigned S-CSCF");
		/* The HSS keeps the name (else 2004 would be returned). */
		sar_set(&ch, HSS_NOT_REGISTERED, server, 1);
		break;
	case CX_SAT_AUTHENTICATION_FAILURE:
	case CX_SAT_AUTHENTICATION_TIMEOUT:
		if (elsewhere)
			return dia_set_error(ans, DIA_UNABLE_TO_COMPLY,
			    "not the assigned S-CSCF");
		/* Clears an "authentication pending" name only. */
		if (u.state == HSS_NOT_REGISTERED)
			sar_set(&ch, HSS_NOT_REGISTERED, "", 0);
		break;
	case CX_SAT_NO_ASSIGNMENT:
		if (strcmp(u.scscf, server) != 0)
			return dia_set_error(ans, DIA_UNABLE_TO_COMPLY,
			    "not the assigned S-CSCF");
		send_data = 1;
		break;
	default:
		return dia_add_exp_result(ans, CX_ERROR_IN_ASSIGNMENT_TYPE);
	}
	/* The answer first (TS 29.228 6.1.2.1: User-Name, User-Data)... */
	if (send_data)
		IMS_CHECK_RC(hss_user_data(db, &u, &xml, &xlen));
	if ((rc = success(ans)) == 0 &&
	    (rc = dia_add_str(ans, DIA_AVP_USER_NAME, u.impi)) == 0 &&
	    send_data)
		rc = dia_add_os(ans, DIA_AVP_USER_DATA, (const uint8_t *)xml,
		    xlen);
	free(xml);
	/* ...then the store, the last step that can fail. */
	if (rc == 0 && ch.apply && !sar_unchanged(&ch, &u, host, realm))
		rc = hss_db_assign(db, impu, ch.state, ch.scscf,
		    ch.peer ? host : NULL, ch.peer ? realm : NULL);
	return rc;
}

/* TS 29.228 6.1.4.1: Location-Info-Request. */
static int
hss_lir_handle(struct msg *req, struct msg *ans, void *arg)
{
	struct hss_db *db = arg;
	char impu[HSS_ID_MAX];
	struct hss_impu u;
	int rc;

	STR_NEED(req, ans, DIA_AVP_PUBLIC_IDENTITY, impu);
	if ((rc = identities_check(db, NULL, impu, &u)) != 0)
		return rc < 0 ? rc : dia_add_exp_result(ans, (uint32_t)rc);
	if (u.scscf[0] != '\0') {
		IMS_CHECK_RC(success(ans));
		return dia_add_str(ans, DIA_AVP_SERVER_NAME, u.scscf);
	}
	/* Not registered: services for unregistered state exist when the
	 * identity has a service profile. */
	if (u.profile[0] != '\0') {
		IMS_CHECK_RC(dia_add_exp_result(ans, CX_UNREGISTERED_SERVICE));
		return capabilities_add(ans);
	}
	return dia_add_exp_result(ans, CX_ERROR_IDENTITY_NOT_REGISTERED);
}

/* TS 29.228 6.3.1: Multimedia-Auth-Request. */
static int
hss_mar_handle(struct msg *req, struct msg *ans, void *arg)
{
	struct hss_db *db = arg;
	char impi[HSS_ID_MAX], impu[HSS_ID_MAX], server[HSS_ID_MAX];
	char host[HSS_ID_MAX], realm[HSS_ID_MAX], scheme[64] = "";
	uint8_t authz[64];
	size_t authz_len = 0;
	struct hss_vectors *mv;
	struct hss_impu u;
	struct avp *item;
	uint32_t n = 1;
	int rc, auts_bad;

	STR_NEED(req, ans, DIA_AVP_USER_NAME, impi);
	STR_NEED(req, ans, DIA_AVP_PUBLIC_IDENTITY, impu);
	if ((item = dia_get_avp(req, DIA_AVP_SIP_AUTH_DATA_ITEM, 0)) == NULL)
		return dia_set_missing(ans, DIA_AVP_SIP_AUTH_DATA_ITEM);
	STR_NEED(req, ans, DIA_AVP_SERVER_NAME, server);
	/* Only a configured S-CSCF gets vectors (and no SQN is spent for
	 * anyone else), before any look-up. */
	if ((rc = scscf_check(req, ans, "MAR", server, host, realm)) != 0)
		return rc < 0 ? rc : 0;
	/* A scheme too long for any we know is not one we support. */
	if ((rc = dia_get_str(item, DIA_AVP_SIP_AUTHENTICATION_SCHEME, scheme,
	    sizeof(scheme))) < 0 && rc != -ENOENT)
		return dia_add_exp_result(ans,
		    CX_ERROR_AUTH_SCHEME_NOT_SUPPORTED);
	rc = dia_get_os(item, DIA_AVP_SIP_AUTHORIZATION, authz, sizeof(authz),
	    &authz_len);
	if (rc < 0 && rc != -ENOENT)
		return dia_set_error(ans, DIA_INVALID_AVP_LENGTH,
		    "SIP-Authorization");
	(void)dia_get_u32(req, DIA_AVP_SIP_NUMBER_AUTH_ITEMS, &n);
	if (n == 0)
		n = 1;
	if (n > HSS_SQN_BATCH)
		n = HSS_SQN_BATCH;
	if ((rc = identities_check(db, impi, impu, &u)) != 0)
		return rc < 0 ? rc : dia_add_exp_result(ans, (uint32_t)rc);
	/* Step 2: the scheme; "Unknown" lets the HSS choose. */
	if (scheme[0] == '\0' || strcmp(scheme, "Unknown") == 0)
		(void)snprintf(scheme, sizeof(scheme), "%s", AUTH_AKAV1);
	if (strcmp(scheme, AUTH_AKAV1) != 0 && strcmp(scheme, AUTH_AKAV2) != 0)
		return dia_add_exp_result(ans,
		    CX_ERROR_AUTH_SCHEME_NOT_SUPPORTED);
	if (authz_len != 0 && authz_len != 16 + AKA_AUTS_LEN)
		return dia_set_error(ans, DIA_INVALID_AVP_LENGTH,
		    "SIP-Authorization: RAND || AUTS expected");
	IMS_CHECK_MALLOC(mv = calloc(1, sizeof(*mv)));
	rc = hss_aka_vectors(db, impi, n, authz_len ? authz : NULL, mv,
	    &auts_bad);
	secure_wipe(authz, sizeof(authz));
	if (rc == 0 && auts_bad) {
		log_sec(LOG_LVL_WARN, 1, impi, NULL,
		    "hss: AUTS verification failed (MAC-S)");
		rc = dia_set_error(ans, DIA_UNABLE_TO_COMPLY,
		    "AUTS verification failed");
	} else if (rc == 0) {
		if ((rc = success(ans)) == 0 &&
		    (rc = dia_add_str(ans, DIA_AVP_USER_NAME, impi)) == 0 &&
		    (rc = dia_add_str(ans, DIA_AVP_PUBLIC_IDENTITY,
		    impu)) == 0 &&
		    (rc = dia_add_u32(ans, DIA_AVP_SIP_NUMBER_AUTH_ITEMS,
		    mv->n)) == 0)
			rc = hss_aka_items_add(ans, mv, scheme);
		/* Step 3: the S-CSCF name is stored while authentication is
		 * pending, unless one is already assigned; last, so that a
		 * refused MAR stores nothing. */
		if (rc == 0 && u.scscf[0] == '\0')
			rc = hss_db_assign(db, impu, u.state, server, host,
			    realm);
	}
	secure_wipe(mv, sizeof(*mv));
	free(mv);
	return rc;
}

int
hss_cx_init(struct hss_db *db)
{
	IMS_CHECK_RC(cx_register(CX_CMD_UAR, hss_uar_handle, db));
	IMS_CHECK_RC(cx_register(CX_CMD_SAR, hss_sar_handle, db));
	IMS_CHECK_RC(cx_register(CX_CMD_LIR, hss_lir_handle, db));
	IMS_CHECK_RC(cx_register(CX_CMD_MAR, hss_mar_handle, db));
	return 0;
}
