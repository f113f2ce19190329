/* dia_dict.c - the AVPs the project uses (RFC 6733 base, TS 29.229 6.3,
 * TS 29.109 6.3) and the 3GPP vendor, looked up once in freeDiameter's
 * dictionary.
 *
 * freeDiameter 1.2.1's dict_dcca_3gpp defines most 3GPP AVPs.  Every AVP
 * is searched first (by code and vendor, since names collide across
 * interfaces, e.g. Sh's User-Data 702) and defined only when missing, so
 * the code keeps working when a later dictionary extension brings it.
 */
#include <errno.h>
#include <string.h>

#include "dia_fd.h"
#include "check.h"
#include "dia.h"
#include "log.h"

enum avp_kind { K_OS, K_UTF8, K_URI, K_U32, K_ENUM, K_GROUPED, K_TIME };

static const struct avp_def {
	enum dia_avp	 id;
	uint32_t	 code;
	uint32_t	 vendor;
	const char	*name;
	enum avp_kind	 kind;
} avp_defs[] = {
	/* RFC 6733 base protocol, defined by libfdproto. */
	{ DIA_AVP_SESSION_ID, 263, 0, "Session-Id", K_UTF8 },
	{ DIA_AVP_USER_NAME, 1, 0, "User-Name", K_UTF8 },
	{ DIA_AVP_AUTH_SESSION_STATE, 277, 0, "Auth-Session-State", K_ENUM },
	{ DIA_AVP_DESTINATION_HOST, 293, 0, "Destination-Host", K_OS },
	{ DIA_AVP_DESTINATION_REALM, 283, 0, "Destination-Realm", K_OS },
	{ DIA_AVP_ORIGIN_HOST, 264, 0, "Origin-Host", K_OS },
	{ DIA_AVP_ORIGIN_REALM, 296, 0, "Origin-Realm", K_OS },
	{ DIA_AVP_RESULT_CODE, 268, 0, "Result-Code", K_U32 },
	{ DIA_AVP_EXPERIMENTAL_RESULT, 297, 0, "Experimental-Result",
	  K_GROUPED },
	{ DIA_AVP_EXPERIMENTAL_RESULT_CODE, 298, 0, "Experimental-Result-Code",
	  K_U32 },
	{ DIA_AVP_VENDOR_ID, 266, 0, "Vendor-Id", K_U32 },
	{ DIA_AVP_AUTH_APPLICATION_ID, 258, 0, "Auth-Application-Id", K_U32 },
	{ DIA_AVP_VENDOR_SPECIFIC_APPLICATION_ID, 260, 0,
	  "Vendor-Specific-Application-Id", K_GROUPED },
	{ DIA_AVP_FAILED_AVP, 279, 0, "Failed-AVP", K_GROUPED },
	{ DIA_AVP_ERROR_MESSAGE, 281, 0, "Error-Message", K_UTF8 },
	/* TS 29.229 6.3, table 6.3.1. */
	{ DIA_AVP_VISITED_NETWORK_IDENTIFIER, 600, DIA_VENDOR_3GPP,
	  "Visited-Network-Identifier", K_OS },
	{ DIA_AVP_PUBLIC_IDENTITY, 601, DIA_VENDOR_3GPP, "Public-Identity",
	  K_UTF8 },
	{ DIA_AVP_SERVER_NAME, 602, DIA_VENDOR_3GPP, "Server-Name", K_UTF8 },
	{ DIA_AVP_SERVER_CAPABILITIES, 603, DIA_VENDOR_3GPP,
	  "Server-Capabilities", K_GROUPED },
	{ DIA_AVP_MANDATORY_CAPABILITY, 604, DIA_VENDOR_3GPP,
	  "Mandatory-Capability", K_U32 },
	{ DIA_AVP_OPTIONAL_CAPABILITY, 605, DIA_VENDOR_3GPP,
	  "Optional-Capability", K_U32 },
	{ DIA_AVP_USER_DATA, 606, DIA_VENDOR_3GPP, "User-Data", K_OS },
	{ DIA_AVP_SIP_NUMBER_AUTH_ITEMS, 607, DIA_VENDOR_3GPP,
	  "SIP-Number-Auth-Items", K_U32 },
	{ DIA_AVP_SIP_AUTHENTICATION_SCHEME, 608, DIA_VENDOR_3GPP,
	  "SIP-Authentication-Scheme", K_UTF8 },
	{ DIA_AVP_SIP_AUTHENTICATE, 609, DIA_VENDOR_3GPP, "SIP-Authenticate",
	  K_OS },
	{ DIA_AVP_SIP_AUTHORIZATION, 610, DIA_VENDOR_3GPP,
	  "SIP-Authorization", K_OS },
	{ DIA_AVP_SIP_AUTHENTICATION_CONTEXT, 611, DIA_VENDOR_3GPP,
	  "SIP-Authentication-Context", K_OS },
	{ DIA_AVP_SIP_AUTH_DATA_ITEM, 612, DIA_VENDOR_3GPP,
	  "SIP-Auth-Data-Item", K_GROUPED },
	{ DIA_AVP_SIP_ITEM_NUMBER, 613, DIA_VENDOR_3GPP, "SIP-Item-Number",
	  K_U32 },
	{ DIA_AVP_SERVER_ASSIGNMENT_TYPE, 614, DIA_VENDOR_3GPP,
	  "Server-Assignment-Type", K_ENUM },
	{ DIA_AVP_DEREGISTRATION_REASON, 615, DIA_VENDOR_3GPP,
	  "Deregistration-Reason", K_GROUPED },
	{ DIA_AVP_REASON_CODE, 616, DIA_VENDOR_3GPP, "Reason-Code", K_ENUM },
	{ DIA_AVP_REASON_INFO, 617, DIA_VENDOR_3GPP, "Reason-Info", K_UTF8 },
	{ DIA_AVP_USER_AUTHORIZATION_TYPE, 623, DIA_VENDOR_3GPP,
	  "User-Authorization-Type", K_ENUM },
	{ DIA_AVP_USER_DATA_ALREADY_AVAILABLE, 624, DIA_VENDOR_3GPP,
	  "User-Data-Already-Available", K_ENUM },
	{ DIA_AVP_CONFIDENTIALITY_KEY, 625, DIA_VENDOR_3GPP,
	  "Confidentiality-Key", K_OS },
	{ DIA_AVP_INTEGRITY_KEY, 626, DIA_VENDOR_3GPP, "Integrity-Key",
	  K_OS },
	/* TS 29.109 6.3, table 6.3.1 (freeDiameter 1.2.1 has none of them). */
	{ DIA_AVP_GBA_USERSECSETTINGS, 400, DIA_VENDOR_3GPP,
	  "GBA-UserSecSettings", K_OS },
	{ DIA_AVP_TRANSACTION_IDENTIFIER, 401, DIA_VENDOR_3GPP,
	  "Transaction-Identifier", K_OS },
	{ DIA_AVP_NAF_ID, 402, DIA_VENDOR_3GPP, "NAF-Id", K_OS },
	{ DIA_AVP_GAA_SERVICE_IDENTIFIER, 403, DIA_VENDOR_3GPP,
	  "GAA-Service-Identifier", K_OS },
	{ DIA_AVP_KEY_EXPIRYTIME, 404, DIA_VENDOR_3GPP, "Key-ExpiryTime",
	  K_TIME },
	{ DIA_AVP_ME_KEY_MATERIAL, 405, DIA_VENDOR_3GPP, "ME-Key-Material",
	  K_OS },
	{ DIA_AVP_UICC_KEY_MATERIAL, 406, DIA_VENDOR_3GPP,
	  "UICC-Key-Material", K_OS },
	{ DIA_AVP_GBA_U_AWARENESS_INDICATOR, 407, DIA_VENDOR_3GPP,
	  "GBA_U-Awareness-Indicator", K_ENUM },
	{ DIA_AVP_BOOTSTRAPINFOCREATIONTIME, 408, DIA_VENDOR_3GPP,
	  "BootstrapInfoCreationTime", K_TIME },
	{ DIA_AVP_GUSS_TIMESTAMP, 409, DIA_VENDOR_3GPP, "GUSS-Timestamp",
	  K_TIME },
	{ DIA_AVP_GBA_TYPE, 410, DIA_VENDOR_3GPP, "GBA-Type", K_ENUM },
	{ DIA_AVP_UE_ID, 411, DIA_VENDOR_3GPP, "UE-Id", K_OS },
	{ DIA_AVP_UE_ID_TYPE, 412, DIA_VENDOR_3GPP, "UE-Id-Type", K_ENUM },
	{ DIA_AVP_UICC_APP_LABEL, 413, DIA_VENDOR_3GPP, "UICC-App-Label",
	  K_OS },
	{ DIA_AVP_UICC_ME, 414, DIA_VENDOR_3GPP, "UICC-ME", K_ENUM },
	{ DIA_AVP_REQUESTED_KEY_LIFETIME, 415, DIA_VENDOR_3GPP,
	  "Requested-Key-Lifetime", K_TIME },
	{ DIA_AVP_PRIVATE_IDENTITY_REQUEST, 416, DIA_VENDOR_3GPP,
	  "Private-Identity-Request", K_ENUM },
	{ DIA_AVP_GBA_PUSH_INFO, 417, DIA_VENDOR_3GPP, "GBA-Push-Info",
	  K_OS },
	{ DIA_AVP_NAF_SA_IDENTIFIER, 418, DIA_VENDOR_3GPP,
	  "NAF-SA-Identifier", K_OS },
};

static struct dict_object *avps[DIA_AVP_MAX];

int
dia_dict_vendor_3gpp(struct dict_object **out)
{
	struct dictionary *d = fd_g_config->cnf_dict;
	struct dict_vendor_data vd;
	vendor_id_t vid = DIA_VENDOR_3GPP;

	int rc;

	*out = NULL;
	rc = fd_dict_search(d, DICT_VENDOR, VENDOR_BY_ID, &vid, out, ENOENT);
	if (rc != 0 && rc != ENOENT)
		return -rc;
	if (*out != NULL)
		return 0;
	memset(&vd, 0, sizeof(vd));
	vd.vendor_id = DIA_VENDOR_3GPP;
	vd.vendor_name = (char *)"3GPP";
	IMS_CHECK_FD(fd_dict_new(d, DICT_VENDOR, &vd, NULL, out));
	return 0;
}

static int
avp_define(const struct avp_def *a, struct dict_object **out)
{
	struct dictionary *d = fd_g_config->cnf_dict;
	struct dict_object *type = NULL;
	struct dict_avp_data ad;

	memset(&ad, 0, sizeof(ad));
	ad.avp_code = a->code;
	ad.avp_vendor = a->vendor;
	ad.avp_name = (char *)a->name;
	ad.avp_flag_mask = AVP_FLAG_VENDOR | AVP_FLAG_MANDATORY;
	ad.avp_flag_val = AVP_FLAG_VENDOR | AVP_FLAG_MANDATORY;
	/* TS 29.109 table 6.3.1: GUSS-Timestamp must not have the 'M' bit. */
	if (a->id == DIA_AVP_GUSS_TIMESTAMP)
		ad.avp_flag_val = AVP_FLAG_VENDOR;
	switch (a->kind) {
	case K_OS:
		ad.avp_basetype = AVP_TYPE_OCTETSTRING;
		break;
	case K_UTF8:
	case K_URI:
		ad.avp_basetype = AVP_TYPE_OCTETSTRING;
		IMS_CHECK_FD(fd_dict_search(d, DICT_TYPE, TYPE_BY_NAME,
		    a->kind == K_UTF8 ? "UTF8String" : "DiameterURI", &type,
		    ENOENT));
		break;
	case K_TIME:
		/* RFC 6733 4.3.1, the base dictionary's derived type. */
		ad.avp_basetype = AVP_TYPE_OCTETSTRING;
		IMS_CHECK_FD(fd_dict_search(d, DICT_TYPE, TYPE_BY_NAME,
		    "Time", &type, ENOENT));
		break;
	case K_U32:
		ad.avp_basetype = AVP_TYPE_UNSIGNED32;
		break;
	case K_ENUM:
		ad.avp_basetype = AVP_TYPE_INTEGER32;
		break;
	case K_GROUPED:
		ad.avp_basetype = AVP_TYPE_GROUPED;
		break;
	}
	IMS_CHECK_FD(fd_dict_new(d, DICT_AVP, &ad, type, out));
	log_info("dia: defined missing AVP %s (%u, vendor %u)", a->name,
	    a->code, a->vendor);
	return 0;
}

static int
avps_init(void)
{
	struct dictionary *d = fd_g_config->cnf_dict;
	struct dict_avp_request req;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(avp_defs) / sizeof(avp_defs[0]); i++) {
		const struct avp_def *a = &avp_defs[i];

		memset(&req, 0, sizeof(req));
		req.avp_vendor = a->vendor;
		req.avp_code = a->code;
		avps[a->id] = NULL;
		rc = fd_dict_search(d, DICT_AVP, AVP_BY_CODE_AND_VENDOR, &req,
		    &avps[a->id], ENOENT);
		if (rc != 0 && rc != ENOENT) {
			log_err("dia: searching AVP %s: %s", a->name,
			    strerror(rc));
			return -rc;
		}
		if (avps[a->id] == NULL) {
			if (a->vendor == 0) {
				log_err("dia: base AVP %s missing", a->name);
				return -ENOENT;
			}
			IMS_CHECK_RC(avp_define(a, &avps[a->id]));
		}
	}
	return 0;
}

int
dia_dict_init(void)
{
	struct dict_object *vendor;

	IMS_CHECK_RC(dia_dict_vendor_3gpp(&vendor));
	return avps_init();
}

struct dict_object *
dia_avp(enum dia_avp id)
{
	if ((int)id < 0 || id >= DIA_AVP_MAX)
		return NULL;
	return avps[id];
}
