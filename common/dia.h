/* dia.h - freeDiameter start-up, the Cx/Dx dictionary, AVP helpers and the
 * Cx client shared by the HSS test peer and the CSCFs.
 *
 * 3GPP TS 29.228 (Cx/Dx procedures) and TS 29.229 (Cx/Dx protocol):
 * Application-Id 16777216, vendor 10415.
 *
 * Threads: freeDiameter runs its own threads.  Request handlers registered
 * with dia_cx_register() and the answer callbacks of cx_*_send() run on
 * freeDiameter threads; a daemon with its own event loop (su_root,
 * event_base) must hand the answer over to that loop (pipe, su_msg,
 * event_active) and never touch loop objects from the callback.
 *
 * Error idiom as in check.h: 0 or a negative errno.
 */
#ifndef IMS_DIA_H
#define IMS_DIA_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "log.h"

/* expr is an fd_* call returning 0 or a positive errno: log and return
 * the negative errno (check.h idiom). */
#define CHECK_FD(expr) do {						\
	int fd_rc_ = (expr);						\
	if (fd_rc_ != 0) {						\
		log_err("%s: %s: %s", __func__, #expr,			\
		    strerror(fd_rc_ > 0 ? fd_rc_ : EIO));		\
		return -(fd_rc_ > 0 ? fd_rc_ : EIO);			\
	}								\
} while (0)

struct msg;
struct avp;
struct session;
struct dict_object;

#define DIA_VENDOR_3GPP		10415
#define DIA_APP_CX		16777216	/* TS 29.229 6.1 */

/* Command codes, TS 29.229 6.1 table 6.1.1. */
#define CX_CMD_UAR		300
#define CX_CMD_SAR		301
#define CX_CMD_LIR		302
#define CX_CMD_MAR		303
#define CX_CMD_RTR		304
#define CX_CMD_PPR		305

/* Result codes, TS 29.229 6.2, carried in Experimental-Result (vendor
 * 10415); DIA_SUCCESS is the base protocol's Result-Code. */
#define DIA_SUCCESS				2001	/* base, Result-Code */
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

/* AVPs used by the project, base protocol (RFC 6733) and TS 29.229 6.3. */
enum dia_avp {
	DIA_AVP_SESSION_ID,
	DIA_AVP_USER_NAME,
	DIA_AVP_AUTH_SESSION_STATE,
	DIA_AVP_DESTINATION_HOST,
	DIA_AVP_DESTINATION_REALM,
	DIA_AVP_ORIGIN_HOST,
	DIA_AVP_ORIGIN_REALM,
	DIA_AVP_RESULT_CODE,
	DIA_AVP_EXPERIMENTAL_RESULT,
	DIA_AVP_EXPERIMENTAL_RESULT_CODE,
	DIA_AVP_VENDOR_ID,
	DIA_AVP_AUTH_APPLICATION_ID,
	DIA_AVP_VENDOR_SPECIFIC_APPLICATION_ID,
	DIA_AVP_FAILED_AVP,
	DIA_AVP_VISITED_NETWORK_IDENTIFIER,	/* 600 */
	DIA_AVP_PUBLIC_IDENTITY,		/* 601 */
	DIA_AVP_SERVER_NAME,			/* 602 */
	DIA_AVP_SERVER_CAPABILITIES,		/* 603 */
	DIA_AVP_MANDATORY_CAPABILITY,		/* 604 */
	DIA_AVP_OPTIONAL_CAPABILITY,		/* 605 */
	DIA_AVP_USER_DATA,			/* 606 */
	DIA_AVP_SIP_NUMBER_AUTH_ITEMS,		/* 607 */
	DIA_AVP_SIP_AUTHENTICATION_SCHEME,	/* 608 */
	DIA_AVP_SIP_AUTHENTICATE,		/* 609 */
	DIA_AVP_SIP_AUTHORIZATION,		/* 610 */
	DIA_AVP_SIP_AUTHENTICATION_CONTEXT,	/* 611 */
	DIA_AVP_SIP_AUTH_DATA_ITEM,		/* 612 */
	DIA_AVP_SIP_ITEM_NUMBER,		/* 613 */
	DIA_AVP_SERVER_ASSIGNMENT_TYPE,		/* 614 */
	DIA_AVP_DEREGISTRATION_REASON,		/* 615 */
	DIA_AVP_REASON_CODE,			/* 616 */
	DIA_AVP_REASON_INFO,			/* 617 */
	DIA_AVP_USER_AUTHORIZATION_TYPE,	/* 623 */
	DIA_AVP_USER_DATA_ALREADY_AVAILABLE,	/* 624 */
	DIA_AVP_CONFIDENTIALITY_KEY,		/* 625 */
	DIA_AVP_INTEGRITY_KEY,			/* 626 */
	DIA_AVP_MAX
};

/* ---- start-up and shutdown (dia.c) ---- */

/* fd_core_initialize, route freeDiameter's log into common/log (verbose:
 * debug level), fd_core_parseconf (which loads the LoadExtension lines:
 * dict_nasreq, dict_dcca, dict_dcca_3gpp in that order), then the Cx
 * dictionary (dia_cx.c) and Cx advertised in the CER/CEA. */
int	dia_init(const char *fdconf, int verbose);
/* fd_core_start and wait for the start to complete. */
int	dia_start(void);
/* Wait up to timeout_ms for a peer in state OPEN that advertises Cx:
 * `host` (a Diameter identity) or, when NULL, any peer. 0 or -ETIMEDOUT. */
int	dia_wait_peer(const char *host, unsigned timeout_ms);
/* fd_core_shutdown (DPR to every peer) and a wait, bounded by timeout_ms,
 * for the peers to close; -ETIMEDOUT if some did not.  The process must
 * then leave with _exit(): freeDiameter 1.2.1's full cleanup
 * (fd_core_wait_shutdown_complete) can hang or abort, so it is not run,
 * and its threads may still be winding down. */
int	dia_stop(unsigned timeout_ms);

/* ---- dictionary (dia_cx.c) ---- */

/* Cx application, commands and the AVPs dict_dcca_3gpp lacks, each one
 * searched first and defined only when missing.  Called by dia_init. */
int	dia_cx_dict_init(void);
struct dict_object *dia_avp(enum dia_avp);
struct dict_object *dia_cx_app(void);
struct dict_object *dia_cx_cmd(uint32_t code, int request);

/* ---- AVP helpers (dia_avp.c); `parent` is a struct msg * or a grouped
 * struct avp *, both are "msg_or_avp" to freeDiameter. ---- */
int	dia_add_str(void *parent, enum dia_avp, const char *s);
int	dia_add_os(void *parent, enum dia_avp, const uint8_t *p, size_t len);
int	dia_add_u32(void *parent, enum dia_avp, uint32_t v);
/* A grouped AVP appended to parent; *out receives it to add children. */
int	dia_add_group(void *parent, enum dia_avp, struct avp **out);
/* Vendor-Specific-Application-Id { Vendor-Id 10415, Auth-Application-Id
 * 16777216 } (TS 29.229 6.1.1). */
int	dia_add_vsai(struct msg *);
/* Experimental-Result { Vendor-Id 10415, Experimental-Result-Code }. */
int	dia_add_exp_result(struct msg *, uint32_t code);

/* Getters search the direct children of parent; -ENOENT when absent,
 * -ENOSPC when the value does not fit (strings are NUL-terminated). */
int	dia_get_str(void *parent, enum dia_avp, char *buf, size_t size);
int	dia_get_os(void *parent, enum dia_avp, uint8_t *buf, size_t max,
	    size_t *len);
int	dia_get_u32(void *parent, enum dia_avp, uint32_t *v);
/* The n-th (0-based) child of the given kind, or NULL. */
struct avp *dia_get_avp(void *parent, enum dia_avp, unsigned n);
/* Result-Code or Experimental-Result-Code of an answer (0 when absent). */
void	dia_get_result(struct msg *, uint32_t *result, uint32_t *exp_result);

/* ---- server side (dia.c) ---- */

/* A request handler: fills *ans (already created with Session-Id, flags and
 * hop-by-hop copied) and returns 0, or a negative errno on an internal
 * error (the request is then answered DIAMETER_UNABLE_TO_COMPLY). */
typedef int (*dia_handler)(struct msg *req, struct msg *ans, void *arg);
/* Registers a handler for a Cx command code (requests only).  The answer is
 * sent by dia; it gets Origin-Host/Realm, Auth-Session-State and
 * Vendor-Specific-Application-Id. */
int	dia_cx_register(uint32_t cmd_code, dia_handler, void *arg);
/* Base Result-Code by name, e.g. "DIAMETER_MISSING_AVP", with an
 * Error-Message; for handlers. */
int	dia_set_error(struct msg *ans, const char *rescode, const char *text);
/* DIAMETER_MISSING_AVP (5005) with a Failed-AVP naming the AVP. */
int	dia_set_missing(struct msg *ans, enum dia_avp);

/* ---- Cx client (dia_client.c) ---- */

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
