/* dia.h - the project's Diameter layer over freeDiameter 1.2.1: start-up
 * and shutdown (dia_core.c), the AVPs it uses (dia_dict.c), AVP helpers
 * (dia_avp.c) and the server-side dispatch (dia_server.c).  The
 * applications sit on top: Cx/Dx in cx.h.
 *
 * Threads: freeDiameter runs its own threads.  Request handlers and the
 * answer callbacks of the clients run on freeDiameter threads; a daemon
 * with its own event loop (su_root, event_base) hands the answer over to
 * that loop (common/base handoff) and never touches loop objects from the
 * callback.
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
#define IMS_CHECK_FD(expr) do {						\
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

/* Base protocol Result-Code values (RFC 6733 7.1), by name. */
enum dia_result {
	DIA_SUCCESS			= 2001,
	DIA_UNABLE_TO_DELIVER		= 3002,
	DIA_REALM_NOT_SERVED		= 3003,
	DIA_TOO_BUSY			= 3004,
	DIA_AUTHORIZATION_REJECTED	= 5003,
	DIA_INVALID_AVP_VALUE		= 5004,
	DIA_MISSING_AVP			= 5005,
	DIA_UNABLE_TO_COMPLY		= 5012,
	DIA_INVALID_AVP_LENGTH		= 5014,
};

/* AVPs used by the project: base protocol (RFC 6733), TS 29.229 6.3 (Cx)
 * and TS 29.109 6.3 (GBA). */
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
	DIA_AVP_ERROR_MESSAGE,
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
	/* TS 29.109 6.3 (GBA: Zh, Zn), vendor 10415. */
	DIA_AVP_GBA_USERSECSETTINGS,		/* 400 */
	DIA_AVP_TRANSACTION_IDENTIFIER,		/* 401 */
	DIA_AVP_NAF_ID,				/* 402 */
	DIA_AVP_GAA_SERVICE_IDENTIFIER,		/* 403 */
	DIA_AVP_KEY_EXPIRYTIME,			/* 404 */
	DIA_AVP_ME_KEY_MATERIAL,		/* 405 */
	DIA_AVP_UICC_KEY_MATERIAL,		/* 406 */
	DIA_AVP_GBA_U_AWARENESS_INDICATOR,	/* 407 */
	DIA_AVP_BOOTSTRAPINFOCREATIONTIME,	/* 408 */
	DIA_AVP_GUSS_TIMESTAMP,			/* 409 */
	DIA_AVP_GBA_TYPE,			/* 410 */
	DIA_AVP_UE_ID,				/* 411 */
	DIA_AVP_UE_ID_TYPE,			/* 412 */
	DIA_AVP_UICC_APP_LABEL,			/* 413 */
	DIA_AVP_UICC_ME,			/* 414 */
	DIA_AVP_REQUESTED_KEY_LIFETIME,		/* 415 */
	DIA_AVP_PRIVATE_IDENTITY_REQUEST,	/* 416 */
	DIA_AVP_GBA_PUSH_INFO,			/* 417 */
	DIA_AVP_NAF_SA_IDENTIFIER,		/* 418 */
	DIA_AVP_MAX
};

/* ---- start-up and shutdown (dia_core.c) ---- */

/* fd_core_initialize, route freeDiameter's log into common/log (its
 * debug messages when the log level is debug), the configuration made
 * from the settings (dia_conf.h; it loads dict_nasreq, dict_dcca,
 * dict_dcca_3gpp in that order) and the rule for incoming peers, then the
 * AVPs (dia_dict.c).  The daemon then defines its applications
 * (cx_dict_init) before dia_start, so that every CER/CEA advertises
 * them. */
struct dia_conf;
int	dia_init(const struct dia_conf *);
/* dia_nodelay.c: TCP_NODELAY on the connections freeDiameter opens (it
 * clears it), set as each peer comes up; dia_init calls it. */
int	dia_nodelay_init(void);
/* fd_core_start and wait for the start to complete. */
int	dia_start(void);
/* Wait up to timeout_ms for a peer in state OPEN that advertises app_id:
 * `host` (a Diameter identity) or, when NULL, any peer. 0 or -ETIMEDOUT. */
int	dia_wait_peer(const char *host, uint32_t app_id, unsigned timeout_ms);
/* The Diameter identities of the peers now in state OPEN that advertise
 * app_id, "\n"-separated, into buf: their number, or -ENOSPC when they
 * do not fit in size bytes. */
int	dia_open_peers(uint32_t app_id, char *buf, size_t size);
/* fd_core_shutdown (DPR to every peer) and a wait, bounded by timeout_ms,
 * for the peers to close; -ETIMEDOUT if some did not.  The process must
 * then leave with _exit(): freeDiameter 1.2.1's full cleanup
 * (fd_core_wait_shutdown_complete) can hang or abort, so it is not run,
 * and its threads may still be winding down. */
int	dia_stop(unsigned timeout_ms);

/* ---- dictionary (dia_dict.c) ---- */

/* The 3GPP vendor and every AVP of enum dia_avp, each searched first and
 * defined only when missing.  Called by dia_init. */
int	dia_dict_init(void);
/* The 3GPP vendor object, defined when missing. */
int	dia_dict_vendor_3gpp(struct dict_object **);
struct dict_object *dia_avp(enum dia_avp);

/* ---- AVP helpers (dia_avp.c); `parent` is a struct msg * or a grouped
 * struct avp *, both are "msg_or_avp" to freeDiameter. ---- */
int	dia_add_str(void *parent, enum dia_avp, const char *s);
int	dia_add_os(void *parent, enum dia_avp, const uint8_t *p, size_t len);
int	dia_add_u32(void *parent, enum dia_avp, uint32_t v);
/* A grouped AVP appended to parent; *out receives it to add children. */
int	dia_add_group(void *parent, enum dia_avp, struct avp **out);
/* Vendor-Specific-Application-Id { Vendor-Id 10415, Auth-Application-Id
 * app_id } (e.g. TS 29.229 6.1.1 for Cx). */
int	dia_add_vsai(struct msg *, uint32_t app_id);
/* Experimental-Result { Vendor-Id 10415, Experimental-Result-Code }. */
int	dia_add_exp_result(struct msg *, uint32_t code);

/* Getters search the direct children of parent; -ENOENT when absent,
 * -ENOSPC when the value does not fit (strings are NUL-terminated). */
int	dia_get_str(void *parent, enum dia_avp, char *buf, size_t size);
int	dia_get_os(void *parent, enum dia_avp, uint8_t *buf, size_t max,
	    size_t *len);
int	dia_get_u32(void *parent, enum dia_avp, uint32_t *v);
/* Time AVPs (RFC 6733 4.3.1: 4 octets, seconds since 1900-01-01 UTC,
 * the NTP format, wrapping in 2036) to and from Unix time. */
int	dia_add_time(void *parent, enum dia_avp, int64_t unix_time);
int	dia_get_time(void *parent, enum dia_avp, int64_t *unix_time);
/* The n-th (0-based) child of the given kind, or NULL. */
struct avp *dia_get_avp(void *parent, enum dia_avp, unsigned n);
/* Result-Code or Experimental-Result-Code of an answer (0 when absent). */
void	dia_get_result(struct msg *, uint32_t *result, uint32_t *exp_result);

/* ---- metrics (dia_stat.c, met.h) ---- */

/* A request sent (role MET_ROLE_CLIENT) or received (MET_ROLE_SERVER). */
void	dia_stat_request(uint32_t app_id, uint32_t code, unsigned role);
/* Its answer: ans NULL when none came (timeout, or refused as not from
 * the peer); t0 (metric_now_ns at sending, client) adds the round trip
 * of an answer to the histogram, 0 none. */
void	dia_stat_answer(uint32_t app_id, uint32_t code, unsigned role,
	    struct msg *ans, uint64_t t0);
/* The Diameter families (met_use(MET_G_DIA)) with
 * imssec_diameter_peers_up reading freeDiameter's peer list; from a
 * daemon's start().  0 or -errno. */
int	dia_stat_use(void);

/* ---- client side (dia_req.c) ---- */

/* A request of command cmd (its dictionary object) of application app_id,
 * with the head every request of ours carries: Session-Id,
 * Vendor-Specific-Application-Id, Auth-Session-State NO_STATE_MAINTAINED,
 * Origin-Host/Realm, Destination-Host (when given) and -Realm.  The
 * caller adds the command's AVPs.  0 or a negative errno. */
struct dict_object;
int	dia_req_new(struct dict_object *cmd, uint32_t app_id,
	    const char *dest_realm, const char *dest_host, struct msg **out);

/* ---- server side (dia_server.c) ---- */

/* A request handler: fills *ans (already created with Session-Id, flags and
 * hop-by-hop copied) and returns 0, or a negative errno on an internal
 * error.  Contract: a handler that succeeds has added exactly one
 * Result-Code or Experimental-Result; a handler that fails should have
 * added none.  dia_server enforces it: after a failure (or a success with
 * zero or two results) every AVP the handler added is discarded and the
 * request is answered DIAMETER_UNABLE_TO_COMPLY alone. */
typedef int (*dia_handler)(struct msg *req, struct msg *ans, void *arg);
/* Registers a handler for the requests of command cmd_code of application
 * app (its dictionary object), taken only from the configured peers of
 * the kinds in `from` (DIA_PEER_CONNECT, DIA_PEER_ACCEPT: dia_conf.h)
 * whose Origin-Host is the sending peer itself and whose Origin-Realm is
 * that peer's (dia_msg_from_peer); any other request is answered
 * DIAMETER_UNABLE_TO_COMPLY without reaching the handler.  The answer is
 * sent by dia_server; it gets the application's
 * Vendor-Specific-Application-Id (vendor, app_id), Auth-Session-State and
 * Origin-Host/Realm before the handler's AVPs. */
int	dia_register(struct dict_object *app, uint32_t app_id,
	    uint32_t cmd_code, struct dict_object *cmd, unsigned from,
	    dia_handler, void *arg);
/* The Diameter identity of the peer a received message came from (set by
 * freeDiameter on receipt): 0, -ENOENT (none), -ENOSPC. */
int	dia_msg_peer(struct msg *, char *buf, size_t size);
/* 1 when the message was made here (an error answer freeDiameter
 * generated for one of our requests: no source, or our own identity). */
int	dia_msg_local(struct msg *);
/* 0 when the message came from a configured peer of one of the kinds,
 * its Origin-Host is that peer and its Origin-Realm that peer's realm;
 * else -EPERM with the reason in why. */
int	dia_msg_from_peer(struct msg *, unsigned kinds, char *why,
	    size_t size);
/* Base Result-Code with an Error-Message (text may be NULL). */
int	dia_set_error(struct msg *ans, enum dia_result, const char *text);
/* DIAMETER_MISSING_AVP (5005) with a Failed-AVP naming the AVP. */
int	dia_set_missing(struct msg *ans, enum dia_avp);

#endif
