/* met.h - the project's metric families (metrics.h), each with its fixed
 * label values, and the mappings from protocol values (SIP methods and
 * status codes, Diameter commands and result codes) to them.  README
 * "Metrics" lists them; a daemon registers the groups it serves
 * (met_use) and every instrumented spot is one call, e.g.
 *
 *	metric_inc1(&met_auth_failures, MET_AUTH_WRONG_RESPONSE);
 *
 * No label ever holds an identity, an address or a key: every value is
 * one of the constants below.
 */
#ifndef IMS_MET_H
#define IMS_MET_H

#include <stdint.h>

#include "metrics.h"

/* imssec_build_info{function,version} 1 */
extern struct metric_family met_build_info;
/* imssec_sip_requests_total{method}: requests received (before any
 * check). */
extern struct metric_family met_sip_requests;
/* imssec_sip_responses_total{method,status}: final responses sent (our
 * own and relayed ones) by the request's method. */
extern struct metric_family met_sip_responses;
/* imssec_sip_register_seconds: a REGISTER's arrival to its final
 * response. */
extern struct metric_family met_sip_register_seconds;
/* imssec_sip_overload_rejected_total{class}: 503s of sipx_load.c. */
extern struct metric_family met_sip_shed;
/* imssec_sip_pending: a CSCF's forwards and Cx requests in flight. */
extern struct metric_family met_sip_pending;
/* imssec_auth_failures_total{cause}: the S-CSCF's and the BSF's AKA. */
extern struct metric_family met_auth_failures;
/* imssec_diameter_requests_total{cmd,role} */
extern struct metric_family met_dia_requests;
/* imssec_diameter_answers_total{cmd,role,result} */
extern struct metric_family met_dia_answers;
/* imssec_diameter_request_seconds{cmd}: a client request's round trip. */
extern struct metric_family met_dia_seconds;
/* imssec_diameter_peers_up: peers in state Open (read at each scrape). */
extern struct metric_family met_dia_peers_up;
/* imssec_diameter_peers_refused_total{cause}: incoming Diameter peers
 * refused (dia_conf.c, dia_tls.c). */
extern struct metric_family met_dia_refused;
/* imssec_bindings_active: the S-CSCF's registered contacts. */
extern struct metric_family met_bindings;
/* imssec_gm_sa_sets_installed: the P-CSCF's Gm SA sets (TS 33.203 7.1). */
extern struct metric_family met_gm_sa_sets;
/* imssec_http_requests_total{code_class}: the bsf's, naf's, xcap's. */
extern struct metric_family met_http_requests;

enum met_sip_method {
	MET_SIP_REGISTER, MET_SIP_INVITE, MET_SIP_ACK, MET_SIP_BYE,
	MET_SIP_CANCEL, MET_SIP_OPTIONS, MET_SIP_SUBSCRIBE, MET_SIP_NOTIFY,
	MET_SIP_MESSAGE, MET_SIP_PRACK, MET_SIP_UPDATE, MET_SIP_INFO,
	MET_SIP_REFER, MET_SIP_PUBLISH, MET_SIP_OTHER,
};

enum met_shed_class { MET_SHED_NEW, MET_SHED_FINISHING };

/* The S-CSCF's (TS 33.203 6.1, TS 24.229 5.4.1.2) and the BSF's (TS
 * 24.109 4) reasons for not accepting an authentication. */
enum met_auth_cause {
	MET_AUTH_WRONG_RESPONSE,	/* RES does not match: 403 */
	MET_AUTH_MAC_FAILURE,		/* the UE refused our AUTN (MAC or
					 * AMF wrong): an empty response, TS
					 * 24.229 5.1.1.5.3 */
	MET_AUTH_NO_QOP_OR_REPLAY,	/* not our qop=auth, nc replayed */
	MET_AUTH_STALE_NONCE,		/* no such challenge: challenged again */
	MET_AUTH_SYNC_FAILURE,		/* AUTS: resynchronisation MAR */
	MET_AUTH_BAD_AUTS,		/* AUTS unusable */
	MET_AUTH_UNKNOWN_USER,		/* the HSS knows no such IMPI */
	MET_AUTH_HSS_REFUSED,		/* another MAA error result */
	MET_AUTH_HSS_UNREACHABLE,	/* no MAA (timeout, no peer) */
	MET_AUTH_TOO_MANY_CHALLENGES,	/* mar-limit / store full: 503 */
	MET_AUTH_WRONG_USER,		/* answered in another IMPI's name */
};

enum met_dia_cmd {
	MET_CMD_UAR, MET_CMD_SAR, MET_CMD_LIR, MET_CMD_MAR, MET_CMD_RTR,
	MET_CMD_PPR, MET_CMD_ZH_MAR, MET_CMD_ZN_BIR, MET_CMD_OTHER,
};

enum met_dia_role {
	MET_ROLE_CLIENT,	/* we sent the request, received the answer */
	MET_ROLE_SERVER,	/* we received the request, sent the answer */
};

enum met_dia_refused_cause {
	MET_DIA_REFUSED_NOT_LISTED,	/* identity not in diameter.accept */
	MET_DIA_REFUSED_ADDRESS,	/* listed, from another address */
	MET_DIA_REFUSED_REALM,		/* not our realm */
	MET_DIA_REFUSED_FULL,		/* too many peers */
	MET_DIA_REFUSED_CERTIFICATE,	/* no TLS, or the certificate does
					 * not name the claimed identity */
	MET_DIA_REFUSED_TRANSPORT,	/* dropped before its CER: TLS
					 * handshake failed, no CER */
};

/* The families of a group are registered together (met_use). */
#define MET_G_SIP	0x01	/* sip_*: the CSCFs */
#define MET_G_AUTH	0x02	/* auth_failures: scscf, bsf */
#define MET_G_DIA	0x04	/* diameter_*: through dia_stat_use (dia.h) */
#define MET_G_BINDINGS	0x08	/* scscf */
#define MET_G_GM	0x10	/* pcscf */
#define MET_G_HTTP	0x20	/* bsf, naf, xcap */

/* imssec_build_info for function (the daemon's name), then the groups'
 * families.  Idempotent per group.  0 or -errno. */
int	met_init(const char *function);
int	met_use(unsigned groups);

/* A final status -> its status label: 200, 401, 403 on their own, the
 * others by class ("2xx" is a 2xx other than 200, and so on). */
unsigned met_sip_status(int status);
/* Diameter application and command code -> enum met_dia_cmd. */
unsigned met_dia_cmd(uint32_t app_id, uint32_t code);
/* A Result-Code or Experimental-Result-Code -> the result label (its
 * number when known, else "other"); 0 -> "none" (no answer). */
unsigned met_dia_result(uint32_t code);
/* An HTTP status -> code_class ("1xx".."5xx"). */
unsigned met_http_class(int status);

#endif
