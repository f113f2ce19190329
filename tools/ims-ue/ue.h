/* ue.h - ims-ue: an IMS UE registering with IMS AKA (TS 24.229 5.1.1,
 * TS 33.203 6.1, RFC 3310).
 *
 * Modules:
 *	ue_sip.c	SIP transport and transactions over Sofia-SIP nta
 *	ue_auth.c	Authorization header values (RFC 3310, TS 24.229 5.1.1)
 *	ue_reg.c	the REGISTER / 401 / AKA / resync state machine
 *	ue_sqn.c	the USIM's SQN state in a small file (TS 33.102 C.2)
 */
#ifndef IMS_UE_H
#define IMS_UE_H

#include <stddef.h>
#include <stdint.h>

#include "aka.h"
#include "digest.h"

#define UE_MAX_CHALLENGES	4	/* 401s answered in one registration */
#define UE_MAX_AUTH_HDRS	4	/* WWW-Authenticate headers kept */
#define UE_HDR_MAX		2048	/* one header value kept from a response */

/* What the command line gave. */
struct ue_conf {
	const char	*impi;		/* private identity, digest username */
	const char	*impu;		/* public identity, From/To */
	const char	*domain;	/* home domain: Request-URI and realm */
	const char	*pcscf;		/* HOST:PORT of the P-CSCF */
	const char	*local;		/* ADDR:PORT to bind, or NULL */
	const char	*transport;	/* "udp" or "tcp" */
	const char	*state_path;	/* USIM SQN state file, or NULL */
	uint8_t		 k[16];
	uint8_t		 opc[16];
	int		 amf_sep;	/* required AMF separation bit, -1 any */
	unsigned	 expires;
	unsigned	 timeout_ms;	/* per transaction */
	int		 debug_keys;
};

/* ue_sip.c: one request, its final response. */
struct ue_sip;

struct ue_req {
	const char	*method;	/* "REGISTER", "MESSAGE" */
	const char	*request_uri;
	const char	*call_id;
	uint32_t	 cseq;
	const char	*from;		/* with ;tag= */
	const char	*to;
	int		 contact;	/* add our Contact */
	long		 expires;	/* Expires header, -1 none */
	const char	*authorization;	/* Authorization value, or NULL */
	const char	*supported;
	const char	*route;		/* Route value, or NULL */
	const char	*content_type;
	const char	*body;
};

struct ue_resp {
	int		 status;	/* 0: no final response */
	int		 unreachable;	/* transport failure (status 0) */
	char		 phrase[64];
	char		 www_auth[UE_MAX_AUTH_HDRS][UE_HDR_MAX];
	size_t		 nwww_auth;
	char		 service_route[UE_HDR_MAX];	/* comma-joined */
	char		 p_associated_uri[UE_HDR_MAX];	/* comma-joined */
	long		 expires;	/* our Contact's, else Expires, else -1 */
};

/* Split HOST:PORT or [V6]:PORT; host keeps the brackets.  0 or -EINVAL. */
int	ue_hostport_split(const char *hp, char *host, size_t hostsz,
	    char *port, size_t portsz);
/* Bind the local transport; NULL (reason logged, one line) on failure. */
struct ue_sip *ue_sip_open(const struct ue_conf *);
void	ue_sip_close(struct ue_sip *);
/* The host:port we are bound to (for Call-ID). */
const char *ue_sip_local_host(const struct ue_sip *);
/* Send a request to the P-CSCF and wait for its final response, at most
 * timeout_ms.  0 (resp->status 0 on a timeout) or a negative errno. */
int	ue_sip_request(struct ue_sip *, const struct ue_req *,
	    unsigned timeout_ms, struct ue_resp *);
/* Random lower-case hex of n bytes into out (2n+1). 0 or -EIO. */
int	ue_random_hex(char *out, size_t n);

/* ue_auth.c: Authorization header values. */
int	ue_auth_initial(const struct ue_conf *, const char *uri, char *out,
	    size_t outsz);
int	ue_auth_answer(const struct ue_conf *, const struct digest *chal,
	    const char *method, const char *uri, const uint8_t *res,
	    size_t res_len, const uint8_t *ck, const uint8_t *ik,
	    const uint8_t *auts, char *out, size_t outsz);
int	ue_auth_reject(const struct ue_conf *, const struct digest *chal,
	    const char *uri, char *out, size_t outsz);
/* The first AKAv1-MD5 / AKAv2-MD5 challenge among the response's
 * WWW-Authenticate headers.  0, or -ENOENT / -EINVAL. */
int	ue_auth_challenge(const struct ue_resp *, struct digest *);

/* ue_sqn.c: the USIM SQN state file. */
int	ue_sqn_load(const char *path, struct aka_ue_sqn *);
int	ue_sqn_save(const char *path, const struct aka_ue_sqn *);

/* ue_reg.c */
enum ue_outcome {
	UE_REGISTERED,		/* 2xx */
	UE_REJECTED,		/* other final response */
	UE_MAC_FAILURE,		/* network not authenticated (TS 33.102 6.3.3) */
	UE_AMF_FAILURE,
	UE_TIMEOUT,		/* no response in time */
	UE_UNREACHABLE,		/* transport error: refused, unreachable */
	UE_NO_CHALLENGE,	/* 401 without a usable AKA challenge */
};

struct ue_result {
	enum ue_outcome	 outcome;
	int		 status;
	long		 expires;
	char		 service_route[UE_HDR_MAX];
	char		 p_associated_uri[UE_HDR_MAX];
	int		 resync;	/* an AUTS was sent */
	int		 have_sqn;
	uint64_t	 sqn;		/* SQN of the accepted AUTN */
	uint8_t		 res[8], ck[16], ik[16];	/* for --debug-keys */
};

struct ue_reg;

/* NULL on failure, the reason logged on one line. */
struct ue_reg *ue_reg_new(const struct ue_conf *);
void	ue_reg_free(struct ue_reg *);
/* REGISTER with `expires` (0: de-register), answering challenges.
 * 0 with res->outcome set, or a negative errno on a local failure. */
int	ue_reg_register(struct ue_reg *, unsigned expires, struct ue_result *);
/* MESSAGE along the Service-Route learnt at registration. */
int	ue_reg_message(struct ue_reg *, const char *to, const char *body,
	    struct ue_resp *);

#endif
