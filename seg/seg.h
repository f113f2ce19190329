/* seg.h - the NDS/IP security gateway (TS 33.210 5.4, 5.6: Za/Zb): an
 * IKEv2 (RFC 7296) initiator and responder setting up ESP tunnel-mode
 * CHILD_SAs between security domains, installed through common/ipsec's
 * xfrm layer under the seg's own owner tag.
 *
 * The prototypes are grouped by the file that defines them.
 */
#ifndef IMS_SEG_H
#define IMS_SEG_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "conf.h"
#include "ike.h"
#include "ike_msg.h"
#include "xfrm.h"

#define SEG_MAX_PEERS		16
#define SEG_MAX_PROPS		IKE_MAX_PROPOSALS
#define SEG_NONCE_LEN		32	/* RFC 7296 2.10: >= half the PRF key */
#define SEG_NAME_MAX		64
#define SEG_ID_MAX		255
#define SEG_PSK_MAX		128

/* The settings of seg.conf (main.c's table). */
struct seg_conf {
	char		*local;		/* our outer address */
	char		*identity;	/* our ID (FQDN) */
	struct conf_list peers;		/* "NAME key=value ..." lines */
	struct conf_list ike_props;	/* "aes128-sha256-modp2048" */
	struct conf_list esp_props;	/* "aes128gcm16" */
	char		*cert, *key, *ca;	/* PEM, for auth=cert */
	unsigned	 port;
	unsigned	 ike_lifetime, child_lifetime, rekey_margin;
	unsigned	 dpd_delay;
	unsigned	 rtx_ms, rtx_tries;
	unsigned	 owner;		/* xfrm owner tag */
	char		*ctl;		/* control socket path */
	unsigned	 cookie_threshold, half_open_max;	/* 2.6 */
};

enum seg_auth { SEG_AUTH_PSK, SEG_AUTH_CERT };

struct seg_ike;

/* A peer of seg.conf's peer lines (seg_conf.c). */
struct seg_peer {
	char		 name[SEG_NAME_MAX];
	struct xfrm_ip	 addr;
	char		 id[SEG_ID_MAX + 1];	/* its FQDN */
	enum seg_auth	 auth;
	uint8_t		 psk[SEG_PSK_MAX];
	size_t		 psklen;
	struct xfrm_ip	 lnet, rnet;		/* security-domain subnets */
	uint8_t		 lplen, rplen;
	int		 initiate;
	uint32_t	 reqid;			/* of its policies and SAs */
	struct seg_ike	*sa;			/* the established IKE SA */
	time_t		 retry_at;		/* initiate=yes: next try */
	int		 held;			/* seg-ctl delete: not again */
};

/* A CHILD_SA: the SA pair of one ESP tunnel (2.17), SPIs in host order;
 * spi_in is ours (the peer sends with it), spi_out the peer's. */
struct seg_child {
	uint32_t	 spi_in, spi_out;
	struct ike_proposal prop;		/* the chosen ESP transforms */
	struct xfrm_ip	 lnet, rnet;		/* the narrowed selectors */
	uint8_t		 lplen, rplen;
	int		 installed;
	time_t		 added;
};

/* seg_conf.c: the peer lines and the proposal strings (pure). */
int	seg_peer_parse(const char *line, struct seg_peer *p, char *why,
	    size_t whysize);
/* "ADDR/PLEN": a prefix, host bits cleared. */
int	seg_prefix_parse(const char *s, struct xfrm_ip *ip, uint8_t *plen);
/* The host bits of ip beyond plen cleared. */
void	seg_prefix_mask(struct xfrm_ip *ip, uint8_t plen);
/* One proposal string for proto (IKE_PROTO_IKE or _ESP) into p (num 1,
 * no SPI): ENCR[-INTEG][-PRF][-DH][-esn|-noesn]. */
int	seg_prop_parse(const char *s, uint8_t proto, struct ike_proposal *p,
	    char *why, size_t whysize);
/* The same as "aes128-sha256-prfsha256-modp2048" for the logs. */
const char *seg_suite_str(const struct ike_proposal *p, char *buf,
	    size_t size);
/* Conf checks for the keys. */
int	seg_check_peer(const char *v, char *why, size_t whysize);
int	seg_check_ike_prop(const char *v, char *why, size_t whysize);
int	seg_check_esp_prop(const char *v, char *why, size_t whysize);

/* seg_kernel.c: the xfrm state of a peer (pure of IKE). */
struct ike_child_keys;
/* The out, in and fwd policies of the peer's subnets (tunnel template
 * local <-> peer, the peer's reqid), from start-up to shutdown: without an
 * SA they drop the traffic between the domains (fail closed). */
int	seg_kernel_policies(struct xfrm_nl *, const struct xfrm_ip *local,
	    const struct seg_peer *);
int	seg_kernel_policies_del(struct xfrm_nl *, const struct seg_peer *);
/* The SA pair of c with the keys of k (2.17 order; initiator: whether we
 * initiated the CHILD_SA), hard lifetime in seconds.  The keys are wiped
 * from the request buffers. */
int	seg_kernel_child_add(struct xfrm_nl *, const struct xfrm_ip *local,
	    const struct seg_peer *, const struct seg_child *c,
	    const struct ike_child_keys *k, int initiator, unsigned lifetime);
int	seg_kernel_child_del(struct xfrm_nl *, const struct xfrm_ip *local,
	    const struct seg_peer *, const struct seg_child *c);
/* The xfrm algorithm names of an ESP proposal (for xfrm_sa and logs). */
int	seg_kernel_algs(const struct ike_proposal *p, const char **enc,
	    const char **auth, const char **aead);

/* seg_ts.c: a selector of any protocol and port over a CIDR range into
 * the prefix (-EINVAL otherwise). */
int	seg_ts_to_prefix(const struct ike_ts *ts, struct xfrm_ip *ip,
	    uint8_t *plen);

/* seg_ikerekey_pl.c: the SA payload of an IKE SA rekey (1.3.2, pure). */
void	seg_spi64_put(uint8_t *p, uint64_t v);	/* big-endian (3.1) */
uint64_t seg_spi64_get(const uint8_t *p);
/* props (n of them) as protocol IKE, numbered from 1, SPI Size 8, spi. */
int	seg_ikerekey_offer(const struct ike_proposal *props, size_t n,
	    uint64_t spi, struct ike_sa_pl *sap);
/* 1 when m's (first) SA payload proposes protocol IKE: an IKE SA rekey. */
int	seg_ikerekey_is_ike(const struct ike_msg *m);

/* seg_msgid.c: 2.3 the Message ID window of size 1 (pure). */
enum seg_rx { SEG_RX_NEW, SEG_RX_RETRANSMIT, SEG_RX_DROP };
/* A request with msgid when next is expected: new, the retransmission
 * of the last one (answer with the cached response) or old (drop). */
enum seg_rx seg_msgid_request(uint32_t expected, int have_resp,
	    uint32_t msgid);
/* A response: 1 when it answers our outstanding request. */
int	seg_msgid_response(int outstanding, uint32_t sent, uint32_t msgid);
/* 2.4 retransmission back-off: the delay before try n (0-based), in
 * ms, doubling from base, capped at 30 s. */
unsigned seg_rtx_delay(unsigned base_ms, unsigned n);

#endif
