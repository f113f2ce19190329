/* ue.h - ims-ue: an IMS UE registering with IMS AKA (TS 24.229 5.1.1,
 * TS 33.203 6.1, RFC 3310).
 *
 * Modules:
 *	ue_sip.c	SIP transport and transactions over Sofia-SIP nta
 *	ue_auth.c	Authorization header values (RFC 3310, TS 24.229 5.1.1)
 *	ue_reg.c	the REGISTER / 401 / AKA / resync state machine
 *	ue_sqn.c	the USIM's SQN state in a small file (TS 33.102 C.2)
 *	ue_file.c	state files written whole (temporary file, fsync, rename)
 *	ue_ipsec.c	Gm sec-agree (RFC 3329, TS 33.203 Annex H): offers,
 *			Security-Client, the Security-Server check, the
 *			UE's SA sets in a state file (TS 33.203 7.1, 7.4)
 *	ue_gba*.c, ue_ut.c, ue_http*.c	GBA: Ub bootstrapping and Ut
 *			requests over a small HTTP/1.1 client (ue_gba.h)
 */
#ifndef IMS_UE_H
#define IMS_UE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "aka.h"
#include "digest.h"
#include "gm_sa.h"
#include "secagree.h"

#define UE_MAX_CHALLENGES	4	/* 401s answered in one registration */
#define UE_MAX_AUTH_HDRS	4	/* WWW-Authenticate headers kept */
#define UE_HDR_MAX		2048	/* one header value kept from a response */
#define UE_SEC_MAX		4096	/* a Security-Client/-Server/-Verify value */
#define UE_IPSEC_MAX_SETS	8	/* SA sets in the state file */
/* Owner tag of the UE's xfrm state (xfrm.h): the P-CSCF and imsxfrm use
 * XFRM_OWNER_DEFAULT (0xa5); the UE's own SAs carry 0xa6, so a UE and a
 * P-CSCF sharing a kernel (one lab host) never count or flush each
 * other's state. */
#define UE_XFRM_OWNER		0xa6
#define UE_SA_PENDING		240	/* s: the new set until the 200 (7.4) */
#define UE_SA_SLACK		30	/* s: beyond the registration (7.4) */

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
	/* --ipsec: Gm sec-agree and ESP (TS 33.203 7) */
	int		 ipsec;
	const char	*alg_list;	/* comma-separated secagree names */
	const char	*ealg_list;
	uint16_t	 port_uc, port_us;	/* protected client, server port */
	int		 port_uc_given;
	const char	*ipsec_state_path;	/* the SA sets, never keys */
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
	/* RFC 3329: sec-agree headers, NULL for none */
	const char	*security_client;
	const char	*security_verify;
	const char	*require;
	const char	*proxy_require;
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
	char		 security_server[UE_SEC_MAX];	/* comma-joined */
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
/* The protected side (TS 33.203 7.1): an agent bound to UE:port_us (UDP),
 * the UE's protected server port, which answers MESSAGE with 200; the
 * Contact is <sip:USER@UE:port_us>.  ue_ip is a bare address literal. */
struct ue_sip *ue_sip_open_gm(const struct ue_conf *, const char *ue_ip,
	    uint16_t port_us, const char *user);
/* A protected client port on the same agent (UDP): 0 or -EIO (logged). */
int	ue_sip_add_port(struct ue_sip *, uint16_t port_uc);
/* Requests leave from UE:port_uc (added before) to pcscf_ip:port_ps. */
int	ue_sip_route(struct ue_sip *, uint16_t port_uc, const char *pcscf_ip,
	    uint16_t port_ps);
/* MESSAGE requests this agent answered. */
unsigned ue_sip_messages_in(const struct ue_sip *);
/* The bare local address (no port, no brackets) into out. */
int	ue_sip_local_addr(const struct ue_sip *, char *out, size_t outsz);
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

/* ue_ipsec.c */
struct ue_ipsec_offer {			/* alg x ealg, in offer order */
	size_t			 n;
	enum secagree_alg	 alg[SECAGREE_MAX_MECHS];
	enum secagree_ealg	 ealg[SECAGREE_MAX_MECHS];
};

/* One installed set as the state file keeps it (no keys: sa.ck/ik 0). */
struct ue_ipsec_set {
	char		 impi[256];
	struct gm_sa	 sa;
	long long	 expires_at;	/* wall clock, the SAs' hard expiry */
	char		 client[UE_SEC_MAX];	/* Security-Client sent */
	char		 server[UE_SEC_MAX];	/* Security-Server received */
	char		 service_route[UE_HDR_MAX];
};

struct ue_ipsec_state {
	struct ue_ipsec_set	 set[UE_IPSEC_MAX_SETS];
	size_t			 n;
};

/* Comma-separated names as secagree knows them; why gets the reason. */
int	ue_ipsec_offer_parse(const char *algs, const char *ealgs,
	    struct ue_ipsec_offer *, char *why, size_t whysz);
/* Security-Client value: one ipsec-3gpp mechanism per offer, with our
 * spi_uc/spi_us and port_uc/port_us. */
int	ue_ipsec_client(const struct ue_ipsec_offer *, const struct gm_sa *,
	    char *out, size_t outsz);
/* Read the Security-Server into p (spi_pc/ps, port_pc/ps, alg, ealg).
 * 0, or -EINVAL with the reason in why. */
int	ue_ipsec_server(const struct ue_ipsec_offer *, const char *server,
	    struct gm_sa *p, char *why, size_t whysz);
int	ue_ipsec_state_load(const char *path, struct ue_ipsec_state *);
int	ue_ipsec_state_save(const char *path, const struct ue_ipsec_state *);

/* ue_reg.c */
enum ue_outcome {
	UE_REGISTERED,		/* 2xx */
	UE_REJECTED,		/* other final response */
	UE_MAC_FAILURE,		/* network not authenticated (TS 33.102 6.3.3) */
	UE_AMF_FAILURE,
	UE_TIMEOUT,		/* no response in time */
	UE_UNREACHABLE,		/* transport error: refused, unreachable */
	UE_NO_CHALLENGE,	/* 401 without a usable AKA challenge */
	UE_SECAGREE_FAILED,	/* --ipsec: no usable Security-Server */
	UE_IPSEC_FAILED,	/* --ipsec: the SAs could not be installed */
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
	char		 phrase[64];
	/* --ipsec */
	char		 why[256];	/* sec-agree / IPsec failure */
	int		 gm;		/* a set carried the registration */
	int		 gm_kept;	/* the old set (no new Security-Server) */
	struct gm_sa	 gm_sa;		/* that set, no keys */
	int		 gm_removed;	/* sets removed (deregistration) */
};

struct ue_reg;

/* NULL on failure, the reason logged on one line. */
struct ue_reg *ue_reg_new(const struct ue_conf *);
void	ue_reg_free(struct ue_reg *);
/* REGISTER with `expires` (0: de-register), answering challenges.
 * 0 with res->outcome set, or a negative errno on a local failure. */
int	ue_reg_register(struct ue_reg *, unsigned expires, struct ue_result *);
/* --ipsec: a live set of this identity in the state file (not expired)
 * becomes the leg of the following requests, and its Service-Route the
 * route: 1 found, 0 none, negative errno. */
int	ue_reg_gm_resume(struct ue_reg *);
/* MESSAGE along the Service-Route learnt at registration. */
int	ue_reg_message(struct ue_reg *, const char *to, const char *body,
	    struct ue_resp *);

/* main.c: take a value-less flag out of argv; 1 if it was there. */
int	ue_take_flag(int *argc, char **argv, const char *flag);

/* ue_file.c: a state file written whole or not at all.  begin opens a
 * private temporary file next to path (NULL with *rc set); commit
 * flushes, fsyncs and renames it over path (what: for the error log).
 * 0 or -errno; on error the temporary file is gone. */
FILE	*ue_file_begin(const char *path, char *tmp, size_t tmpsize, int *rc);
int	ue_file_commit(FILE *f, const char *tmp, const char *path,
	    const char *what);

#endif
