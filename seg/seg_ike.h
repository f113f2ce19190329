/* seg_ike.h - the seg daemon's IKE SAs (RFC 7296) and the files that run
 * them; prototypes grouped by file.
 */
#ifndef IMS_SEG_IKE_H
#define IMS_SEG_IKE_H

#include <netinet/in.h>
#include <sys/socket.h>

#include <openssl/x509.h>

#include "evloop.h"
#include "ike_crypto.h"
#include "seg.h"

#define SEG_MSG_MAX		8192	/* our messages; larger are dropped */
#define SEG_RETRY_SEC		5	/* a failed initiation is tried again */
#define SEG_REKEYING_IKE	2	/* seg_ike.rekeying: the IKE SA's */

struct event;

/* seg_cookie.c's state (RFC 7296 2.6): two secrets, counters. */
#define SEG_COOKIE_SECRET	32
#define SEG_COOKIE_LEN		(4 + 32)	/* version | HMAC-SHA2-256 */
struct seg_cookie {
	uint8_t			 cur[SEG_COOKIE_SECRET], prev[SEG_COOKIE_SECRET];
	uint32_t		 cur_ver, prev_ver;
	int			 have_cur, have_prev, engaged;
	time_t			 cur_at;
	unsigned long long	 sent, valid, invalid, dropped;
};

struct seg {
	struct seg_conf		*conf;
	struct evloop		 loop;
	struct xfrm_nl		*x;
	struct xfrm_ip		 local;
	int			 fd;		/* UDP 500 */
	struct event		*ev_rx, *ev_tick;
	int			 ctl_fd;
	struct event		*ev_ctl;
	struct seg_peer		 peers[SEG_MAX_PEERS];
	size_t			 npeers;
	struct ike_proposal	 ike_props[SEG_MAX_PROPS];
	size_t			 nike;
	struct ike_proposal	 esp_props[SEG_MAX_PROPS];
	size_t			 nesp;
	struct seg_ike		*sas;		/* every IKE SA, newest first */
	uint8_t			 id_body[4 + SEG_ID_MAX];	/* our IDi/IDr */
	size_t			 id_body_len;
	/* auth=cert (seg_cert.c) */
	EVP_PKEY		*key;
	uint8_t			*cert_der;
	size_t			 cert_derlen;
	X509_STORE		*ca;
	uint8_t			 ca_keyid[20];	/* CERTREQ (3.7) */
	struct seg_cookie	 cookie;	/* seg_cookie.c */
};

enum seg_state {
	SEG_INIT_SENT,		/* initiator: IKE_SA_INIT request out */
	SEG_AUTH_SENT,		/* initiator: IKE_AUTH request out */
	SEG_INIT_DONE,		/* responder: IKE_SA_INIT answered */
	SEG_ESTABLISHED,
	SEG_DEAD,		/* to be freed */
};

struct seg_ike {
	struct seg_ike		*next;
	struct seg		*s;
	struct seg_peer		*peer;
	struct sockaddr_storage	 ss;		/* where the peer talks from */
	socklen_t		 sslen;
	int			 initiator;
	enum seg_state		 state;
	uint64_t		 spi_i, spi_r;
	struct ike_proposal	 prop;		/* the chosen IKE transforms */
	struct ike_suite	 suite;
	struct ike_sa_keys	 keys;
	int			 have_keys;
	struct ike_dh		*dh;
	uint16_t		 group;
	uint8_t			 ni[256], nr[256];
	size_t			 nilen, nrlen;
	uint8_t			*init_i, *init_r;	/* IKE_SA_INIT (2.15) */
	size_t			 init_ilen, init_rlen;
	/* Our requests (2.1, 2.3): one outstanding, retransmitted. */
	uint32_t		 msgid_out;	/* of the next/outstanding one */
	int			 outstanding;
	uint8_t			*req;
	size_t			 reqlen;
	unsigned		 tries;
	struct event		*ev_rtx;
	/* The peer's requests: the next expected ID, the last response. */
	uint32_t		 msgid_in;
	uint8_t			*resp;
	size_t			 resplen;
	/* The CHILD_SA; the one it replaced until deleted (2.8); ours in
	 * the making when we rekey. */
	struct seg_child	 child, old, rekey;
	uint32_t		 spi_offer;	/* initiator: our SPI in SA2 */
	uint8_t			 rekey_ni[SEG_NONCE_LEN];
	size_t			 rekey_nilen;
	int			 rekeying;	/* 1 CHILD_SA, SEG_REKEYING_IKE */
	/* seg_ikerekey.c (2.18): our new SPIi while rekeying the IKE SA;
	 * when this SA was replaced by its rekey (awaiting the Delete). */
	uint64_t		 rekey_spi;
	int			 rekey_ke_retried, ike_rekey_refused;
	time_t			 rekey_retry_at, rekeyed_at;
	time_t			 created, established, last_rx;
};

/* seg_net.c */
int	seg_net_open(struct seg *);
void	seg_net_close(struct seg *);
int	seg_send(struct seg *, const struct sockaddr_storage *, socklen_t,
	    const uint8_t *, size_t);
/* The peer's address at port 500 into ss. */
socklen_t seg_peer_sockaddr(const struct seg_peer *, struct sockaddr_storage *);

/* seg_ike.c: the table of IKE SAs, requests and retransmission, the tick,
 * the dispatch of received messages. */
struct seg_ike *seg_ike_new(struct seg *, struct seg_peer *, int initiator);
void	seg_ike_free(struct seg_ike *);
/* Kernel SAs removed, marked dead (freed by the tick). */
void	seg_ike_kill(struct seg_ike *, const char *why);
struct seg_ike *seg_ike_find(struct seg *, uint64_t spi_i, uint64_t spi_r);
/* Sends req (a copy is kept) as our request and arms retransmission. */
int	seg_ike_request(struct seg_ike *, const uint8_t *req, size_t len);
/* Sends resp to the peer's request msgid and caches it. */
int	seg_ike_respond(struct seg_ike *, const uint8_t *resp, size_t len);
void	seg_ike_input(struct seg *, const uint8_t *buf, size_t len,
	    const struct sockaddr_storage *from, socklen_t fromlen);
void	seg_ike_tick(struct seg *);
int	seg_ike_random(void *p, size_t n);
/* An encrypted message: header (exchange, flags, msgid) and SK around
 * the bare chain inner (built by a writer without header). */
int	seg_ike_seal(struct seg_ike *, uint8_t exchange, int response,
	    uint32_t msgid, struct ike_wr *inner, uint8_t *out, size_t cap,
	    size_t *outlen);
/* Opens m's SK payload into plain and appends its payloads to m:
 * -EBADMSG when the SK payload does not open (integrity), the codec's
 * error when its payloads break the syntax. */
int	seg_ike_open(struct seg_ike *, struct ike_msg *m, uint8_t *plain,
	    size_t cap);
/* A response with one Notify (in SK when keys exist). */
int	seg_ike_notify_resp(struct seg_ike *, const struct ike_hdr *req,
	    uint16_t type, const uint8_t *data, size_t len);

/* seg_cookie.c: an IKE_SA_INIT answer holding one Notify, no state kept
 * (2.21.1 errors, 2.6 COOKIE); the cookies themselves are in seg.h. */
int	seg_init_answer(struct seg *, const struct ike_hdr *req,
	    const struct sockaddr_storage *to, socklen_t tl, uint16_t type,
	    const uint8_t *d, size_t n);

/* seg_init.c: IKE_SA_INIT (1.2). */
void	seg_suite_of(const struct ike_proposal *, struct ike_suite *);
int	seg_ike_choose(const struct seg *, const struct ike_sa_pl *offered,
	    int rekey, struct ike_proposal *chosen);
int	seg_init_start(struct seg *, struct seg_peer *, uint16_t group);
void	seg_init_request(struct seg *, const struct ike_msg *m,
	    const struct sockaddr_storage *from, socklen_t fromlen);
void	seg_init_response(struct seg_ike *, const struct ike_msg *m);

/* seg_auth.c: IKE_AUTH (1.2, 2.15) with its CHILD_SA (1.3, 2.9). */
int	seg_auth_start(struct seg_ike *);
void	seg_auth_request(struct seg_ike *, struct ike_msg *m);
void	seg_auth_response(struct seg_ike *, struct ike_msg *m);

/* seg_child.c: the CHILD_SA (1.3, 2.9, 2.17) and its rekeying (1.3.3). */
int	seg_child_spi(uint32_t *spi);
/* SA (our ESP proposals with spi), [Ni], TSi, TSr (our subnets). */
void	seg_child_wr_offer(struct seg_ike *, uint32_t spi, const uint8_t *ni,
	    size_t nilen, struct ike_wr *);
/* KEYMAT from the exchange's nonces into the kernel (initiator: ours). */
int	seg_child_install(struct seg_ike *, struct seg_child *, int initiator,
	    const uint8_t *ni, size_t nilen, const uint8_t *nr, size_t nrlen);
/* The exchange's initiator: the answer's SA and selectors into c. */
int	seg_child_reply(struct seg_ike *, const struct ike_msg *, uint32_t spi,
	    struct seg_child *c);
/* The exchange's responder: chosen, narrowed, installed, SA [Nr] TSi TSr
 * written; 0 or the error Notify to answer. */
uint16_t seg_child_respond(struct seg_ike *, const struct ike_msg *,
	    struct seg_child *c, const uint8_t *ni, size_t nilen,
	    const uint8_t *nr, size_t nrlen, int write_nr, struct ike_wr *);
int	seg_child_rekey_start(struct seg_ike *);
void	seg_child_request(struct seg_ike *, struct ike_msg *);
void	seg_child_response(struct seg_ike *, struct ike_msg *);
/* The replaced pair (sa->old) out of the kernel. */
void	seg_child_old_deleted(struct seg_ike *);

/* seg_ikerekey.c: rekeying the IKE SA (1.3.2, 2.18). */
/* group 0: that of our first IKE proposal. */
int	seg_ikerekey_start(struct seg_ike *, uint16_t group);
void	seg_ikerekey_request(struct seg_ike *, struct ike_msg *m);
void	seg_ikerekey_response(struct seg_ike *, struct ike_msg *m);

/* seg_info.c: INFORMATIONAL (1.4): Delete, dead-peer detection. */
/* A request deleting our inbound ESP SA spi (1.4.1). */
int	seg_info_delete_child(struct seg_ike *, uint32_t spi);
void	seg_info_request(struct seg_ike *, struct ike_msg *m);
void	seg_info_response(struct seg_ike *, struct ike_msg *m);
int	seg_info_send(struct seg_ike *, int delete_ike);

/* seg_cert.c: X.509 authentication (3.6, 3.7, RFC 7427). */
int	seg_cert_load(struct seg *);
void	seg_cert_free(struct seg *);
void	seg_cert_wr_certreq(const struct seg *, struct ike_wr *);
/* CERT and AUTH (signature over octets). */
int	seg_cert_auth_make(struct seg_ike *, struct ike_wr *,
	    const uint8_t *octets, size_t olen);
/* The peer's CERT chains to the CA, names the peer's id in its
 * subjectAltName, and its key verifies a: 0 or -EACCES. */
int	seg_cert_auth_check(struct seg_ike *, const struct ike_msg *,
	    const struct ike_auth *a, const uint8_t *octets, size_t olen);

/* seg_ctl.c: the control socket. */
int	seg_ctl_open(struct seg *);
void	seg_ctl_close(struct seg *);
struct seg_peer *seg_peer_find(struct seg *, const char *name);

/* seg_cookie.c: cookies (2.6) and the bound on half-open IKE SAs. */
size_t	seg_half_open(const struct seg *);
/* Responder: 1 when the IKE_SA_INIT request m goes on; 0 when it was
 * answered with N(COOKIE) or dropped (half-open-max). */
int	seg_cookie_gate(struct seg *, const struct ike_msg *m,
	    const struct sockaddr_storage *from, socklen_t fromlen);
/* Initiator: IKE_SA_INIT sent again with the cookie n first. */
int	seg_cookie_retry(struct seg_ike *, const struct ike_notify *n);
void	seg_cookie_wipe(struct seg *);

#endif
