/* cx.h - the Cx/Dx application (3GPP TS 29.228 procedures, TS 29.229
 * protocol): Application-Id 16777216, vendor 10415.  Dictionary in
 * cx_dict.c, client in cx_client.c; the server side uses dia_register
 * through cx_register.
 */
#ifndef IMS_CX_H
#define IMS_CX_H

#include <stddef.h>
#include <stdint.h>

#include "dia.h"

#define DIA_APP_CX		16777216	/* TS 29.229 6.1 */

/* Command codes, TS 29.229 6.1 table 6.1.1. */
#define CX_CMD_UAR		300
#define CX_CMD_SAR		301
#define CX_CMD_LIR		302
#define CX_CMD_MAR		303
#define CX_CMD_RTR		304
#define CX_CMD_PPR		305

/* Result codes, TS 29.229 6.2, carried in Experimental-Result (vendor
 * 10415); base Result-Codes are enum dia_result. */
#define CX_FIRST_REGISTRATION			2001
#define CX_SUBSEQUENT_REGISTRATION		2002
#define CX_UNREGISTERED_SERVICE			2003
#define CX_SUCCESS_SERVER_NAME_NOT_STORED	2004
#define CX_ERROR_USER_UNKNOWN			5001
#define CX_ERROR_IDENTITIES_DONT_MATCH		5002
#define CX_ERROR_IDENTITY_NOT_REGISTERED	5003
#define CX_ERROR_ROAMING_NOT_ALLOWED		5004
#define CX_ERROR_IDENTITY_ALREADY_REGISTERED	5005
#define CX_ERROR_AUTH_SCHEME_NOT_SUPPORTED	5006
#define CX_ERROR_IN_ASSIGNMENT_TYPE		5007
#define CX_ERROR_TOO_MUCH_DATA			5008
#define CX_ERROR_NOT_SUPPORTED_USER_DATA	5009

/* User-Authorization-Type, TS 29.229 6.3.24. */
#define CX_UAT_REGISTRATION			0
#define CX_UAT_DE_REGISTRATION			1
#define CX_UAT_REGISTRATION_AND_CAPABILITIES	2

/* Server-Assignment-Type, TS 29.229 6.3.15. */
#define CX_SAT_NO_ASSIGNMENT				0
#define CX_SAT_REGISTRATION				1
#define CX_SAT_RE_REGISTRATION				2
#define CX_SAT_UNREGISTERED_USER			3
#define CX_SAT_TIMEOUT_DEREGISTRATION			4
#define CX_SAT_USER_DEREGISTRATION			5
#define CX_SAT_TIMEOUT_DEREGISTRATION_STORE_SERVER_NAME	6
#define CX_SAT_USER_DEREGISTRATION_STORE_SERVER_NAME	7
#define CX_SAT_ADMINISTRATIVE_DEREGISTRATION		8
#define CX_SAT_AUTHENTICATION_FAILURE			9
#define CX_SAT_AUTHENTICATION_TIMEOUT			10
#define CX_SAT_DEREGISTRATION_TOO_MUCH_DATA		11
#define CX_SAT_MAX					14

/* Reason-Code in Deregistration-Reason, TS 29.229 6.3.17. */
#define CX_REASON_PERMANENT_TERMINATION		0
#define CX_REASON_NEW_SERVER_ASSIGNED		1
#define CX_REASON_SERVER_CHANGE			2
#define CX_REASON_REMOVE_SCSCF			3

/* ---- dictionary (cx_dict.c) ---- */

/* The Cx application and its six command pairs, each searched first and
 * defined only when missing, and Cx advertised in CER/CEA.  Call after
 * dia_init and before dia_start. */
int	cx_dict_init(void);
struct dict_object *dia_cx_cmd(uint32_t code, int request);

/* ---- server side ---- */

/* dia_register for a Cx command code (requests only): RTR and PPR from a
 * peer we connect to (the HSS), the others from a peer we accept (a
 * CSCF). */
int	cx_register(uint32_t cmd_code, dia_handler, void *arg);

/* ---- Cx client (cx_client.c) ---- */

#define CX_MAX_AUTH_ITEMS	8
#define CX_STR_MAX		256

struct cx_req {
	const char	*dest_realm;	/* required */
	const char	*dest_host;	/* optional */
	const char	*impi;		/* User-Name */
	const char	*impu;		/* Public-Identity */
	const char	*server_name;	/* S-CSCF SIP URI (MAR, SAR) */
	const char	*visited_network; /* UAR */
	const char	*auth_scheme;	/* MAR, default Digest-AKAv1-MD5 */
	uint32_t	 auth_items;	/* MAR, default 1 */
	const uint8_t	*sip_authorization; /* MAR resync: RAND || AUTS */
	size_t		 sip_authorization_len;
	uint32_t	 uar_type;	/* CX_UAT_* */
	uint32_t	 sar_type;	/* CX_SAT_* */
	uint32_t	 user_data_available; /* SAR, 0 = not available */
	unsigned	 timeout_ms;	/* 0: 5000 */
};

struct cx_auth_item {
	uint32_t	 item_number;
	char		 scheme[64];
	uint8_t		 authenticate[64];	/* RAND || AUTN */
	size_t		 authenticate_len;
	uint8_t		 authorization[64];	/* XRES */
	size_t		 authorization_len;
	uint8_t		 ck[16], ik[16];
	int		 has_ck, has_ik;
};

struct cx_answer {
	uint32_t	 cmd_code;
	int		 status;	/* 0: answer parsed; -ETIMEDOUT; -EIO */
	uint32_t	 result_code;	/* Result-Code, 0 if absent */
	uint32_t	 exp_result_code; /* Experimental-Result-Code or 0 */
	char		 user_name[CX_STR_MAX];
	char		 server_name[CX_STR_MAX];
	char		 error_message[CX_STR_MAX];	/* RFC 6733 7.3 */
	int		 has_capabilities;
	unsigned	 n_mandatory, n_optional;
	uint32_t	 mandatory[8], optional[8];
	unsigned	 n_items;
	struct cx_auth_item items[CX_MAX_AUTH_ITEMS];
	char		*user_data;	/* NUL-terminated, malloc'd, or NULL */
	size_t		 user_data_len;
};

/* Called once per request, on a freeDiameter thread, with an answer the
 * callee owns: release it with cx_answer_free (which wipes the keys). */
typedef void (*cx_answer_cb)(void *arg, struct cx_answer *);

int	cx_mar_send(const struct cx_req *, cx_answer_cb, void *arg);
int	cx_uar_send(const struct cx_req *, cx_answer_cb, void *arg);
int	cx_sar_send(const struct cx_req *, cx_answer_cb, void *arg);
int	cx_lir_send(const struct cx_req *, cx_answer_cb, void *arg);

/* HSS side, TS 29.228 6.1.3 / TS 29.229 6.1.9: Registration-Termination-
 * Request to the S-CSCF that holds the registration. */
#define CX_RTR_MAX_IMPU	16
struct cx_rtr {
	const char	*dest_host;	/* required: the S-CSCF's Diameter id */
	const char	*dest_realm;	/* required */
	const char	*impi;		/* User-Name */
	const char	*impus[CX_RTR_MAX_IMPU]; /* Public-Identity, may be 0 */
	unsigned	 n_impus;
	uint32_t	 reason_code;	/* CX_REASON_* */
	const char	*reason_info;	/* optional */
	unsigned	 timeout_ms;
};
int	cx_rtr_send(const struct cx_rtr *, cx_answer_cb, void *arg);

/* HSS side, TS 29.228 6.2.1 / TS 29.229 6.1.11: Push-Profile-Request with
 * the new User-Data to the S-CSCF. */
struct cx_ppr {
	const char	*dest_host;	/* required */
	const char	*dest_realm;	/* required */
	const char	*impi;		/* User-Name */
	const char	*user_data;	/* IMSSubscription XML */
	size_t		 user_data_len;
	unsigned	 timeout_ms;
};
int	cx_ppr_send(const struct cx_ppr *, cx_answer_cb, void *arg);
void	cx_answer_free(struct cx_answer *);

#endif
