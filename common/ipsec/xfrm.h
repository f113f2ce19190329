/* xfrm.h - IPsec SAs and policies in the kernel over NETLINK_XFRM (libmnl).
 *
 * Used by the P-CSCF for the TS 33.203 (annex H / section 7) SA pairs
 * protecting SIP between UE and P-CSCF (ESP, RFC 4303, transport mode, one SA
 * per direction and port pair) and by the SEG for tunnel-mode SAs.  The
 * messages are those of <linux/xfrm.h> (XFRM_MSG_NEWSA, ...).
 *
 * Every call sends one request with NLM_F_ACK and returns 0 or the kernel's
 * answer as a negative errno (e.g. -EPROTONOSUPPORT when the kernel has no
 * ESP, -EEXIST, -ESRCH for a missing SA).  Dumps (list/flush) end at
 * NLMSG_DONE instead of an ACK.  Key material never reaches the log.
 *
 * Ownership marker: how a daemon recognises "its" SAs and policies so that
 * after a crash it can flush exactly those and never touch anyone else's
 * (strongSwan, another P-CSCF instance, `ip xfrm` by hand):
 *
 *  - SAs carry XFRMA_SET_MARK = XFRM_OWNER_SA_MARK(tag) with
 *    XFRMA_SET_MARK_MASK = 0.  The "output mark" is applied to packets as
 *    (mark & ~mask) | (value & mask) (include/net/xfrm.h, xfrm_smark_get), so a
 *    zero mask leaves skb->mark untouched: no effect on traffic, on routing
 *    of the ESP packets or on SA lookup.  The kernel stores the pair and
 *    echoes it in every dump (xfrm_smark_put emits value and mask whenever
 *    either is non-zero).  A state is ours iff both attributes are present,
 *    the value is ours and the mask is 0 - a combination no one sets for a
 *    real purpose since it is a no-op.  Needs Linux >= 4.19.
 *    XFRMA_MARK (the input/lookup mark) was rejected: a state or policy
 *    with a mark only matches packets carrying that mark, which breaks
 *    traffic.  The SPI cannot serve: in TS 33.203 the peer picks half of the
 *    SPIs.  reqid is left to the caller to bind policies to SAs.
 *    Larval states created by XFRM_MSG_ALLOCSPI carry no marker; the kernel
 *    removes them itself after XFRM_ACQ_EXPIRES (30 s) unless updated.
 *  - Policies have no such free attribute, so the marker is the policy
 *    index, which user space may choose (xfrm_gen_index honours a requested
 *    index when it is free) and which takes no part in matching:
 *	index = tag << 24 | seq << 3 | dir	(low 3 bits = dir, as the kernel
 *						 derives dir from the index)
 *    Before each add the index is probed with XFRM_MSG_GETPOLICY and the next
 *    seq is taken if it is used, so the kernel never silently substitutes
 *    another index.  The kernel's own indices count up from 0 in steps of 8
 *    per new policy; with the default tag 0xa5 they would reach our range
 *    only after ~3.5e8 policy creations in the namespace.
 *    XFRMA_MARK, the priority and XFRMA_SEC_CTX were rejected: all three
 *    change which packets the policy matches or its precedence.
 *
 * Flush-ours dumps states and policies (NLM_F_DUMP), collects the ones
 * bearing our tag and deletes them one by one.
 */
#ifndef IMS_XFRM_H
#define IMS_XFRM_H

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

/* Default owner tag; a daemon instance may pick its own with xfrm_set_owner. */
#define XFRM_OWNER_DEFAULT	0xa5
#define XFRM_OWNER_SA_MAGIC	0x1a5ec000u
#define XFRM_OWNER_SA_MARK(tag)	(XFRM_OWNER_SA_MAGIC | (uint8_t)(tag))
#define XFRM_OWNER_POL_INDEX(tag, seq, dir) \
	((uint32_t)(uint8_t)(tag) << 24 | ((uint32_t)(seq) & 0x1fffff) << 3 | \
	    ((uint32_t)(dir) & 7))

#define XFRM_KEY_MAX		64	/* bytes, the largest key + salt */
#define XFRM_ALGNAME_MAX	32

/* Values of the API's mode and dir fields (same numbers as <linux/xfrm.h>). */
#define IMS_XFRM_MODE_TRANSPORT	0
#define IMS_XFRM_MODE_TUNNEL	1
#define IMS_XFRM_DIR_IN		0
#define IMS_XFRM_DIR_OUT	1
#define IMS_XFRM_DIR_FWD	2

struct xfrm_nl;

/* An IPv4 or IPv6 address. */
struct xfrm_ip {
	int		family;		/* AF_INET or AF_INET6 */
	union {
		struct in_addr	v4;
		struct in6_addr	v6;
	} u;
};

/* Traffic selector beyond the addresses: the TS 33.203 per-port SAs. */
struct xfrm_ports {
	uint8_t		proto;		/* 0 = any, IPPROTO_UDP, IPPROTO_TCP... */
	uint16_t	sport;		/* host order, 0 = any */
	uint16_t	dport;
};

/* Algorithm table entry: API name -> kernel crypto name. */
enum xfrm_alg_kind { XFRM_ALG_AUTH, XFRM_ALG_ENC, XFRM_ALG_AEAD };
struct xfrm_alg_info {
	const char		*name;		/* "hmac-sha-1-96" */
	const char		*kname;		/* "hmac(sha1)" */
	enum xfrm_alg_kind	 kind;
	unsigned int		 bits;		/* auth: truncation; aead: ICV */
	size_t			 keylen[3];	/* allowed key lengths, bytes;
						   aead: key + 4-byte salt */
};

/* A security association (one direction). */
struct xfrm_sa {
	struct xfrm_ip	src, dst;	/* outer addresses, same family */
	uint32_t	spi;		/* host order */
	int		mode;		/* IMS_XFRM_MODE_* */
	uint32_t	reqid;		/* binds to policy templates, 0 = none */
	/* Selector.  Transport mode: src/dst hosts plus ports (default).
	 * Tunnel mode: sel_src/sel_dst with prefix lengths (0/0 = any). */
	struct xfrm_ports ports;
	struct xfrm_ip	sel_src, sel_dst;
	uint8_t		sel_src_plen, sel_dst_plen;
	/* Integrity + confidentiality (RFC 4303 section 3.2), or AEAD. */
	char		auth_alg[XFRM_ALGNAME_MAX];	/* "" = none */
	uint8_t		auth_key[XFRM_KEY_MAX];
	size_t		auth_keylen;
	char		enc_alg[XFRM_ALGNAME_MAX];	/* "" = none, "null" */
	uint8_t		enc_key[XFRM_KEY_MAX];
	size_t		enc_keylen;
	char		aead_alg[XFRM_ALGNAME_MAX];	/* "aes-gcm", "aes-gmac" */
	uint8_t		aead_key[XFRM_KEY_MAX];		/* key || salt */
	size_t		aead_keylen;
	uint8_t		replay_window;	/* packets, clamped to 32 by the kernel */
	/* Lifetimes; 0 = unlimited. */
	uint64_t	soft_bytes, hard_bytes, soft_packets, hard_packets;
	uint64_t	soft_add_expires, hard_add_expires;	/* seconds */
	/* ESP-in-UDP (RFC 3948), ports in host order; 0 = no encapsulation. */
	uint16_t	encap_sport, encap_dport;
};

/* What XFRM_MSG_GETSA reports. */
struct xfrm_sa_info {
	struct xfrm_ip	src, dst;
	uint32_t	spi;
	uint32_t	reqid;
	int		mode;
	int		ours;
	uint64_t	bytes, packets;		/* curlft */
	uint64_t	add_time, use_time;
	uint32_t	replay_errors, integrity_failed, replay_window;
	uint32_t	replay_old;	/* dropped: older than the window */
};

/* A policy with one ESP template. */
struct xfrm_policy {
	struct xfrm_ip	src, dst;	/* selector addresses */
	uint8_t		src_plen, dst_plen;	/* 0 = host (32/128) */
	struct xfrm_ports ports;
	int		dir;		/* IMS_XFRM_DIR_* */
	uint32_t	priority;
	/* Template: where the SA lives (tunnel endpoints; in transport mode
	 * the same as src/dst). */
	struct xfrm_ip	tmpl_src, tmpl_dst;
	int		mode;
	uint32_t	reqid;		/* 0 = any SA matching the addresses */
	uint32_t	spi;		/* 0 = any */
	uint32_t	index;		/* out: the index assigned by policy_add */
};

/* An item found by xfrm_list_ours. */
struct xfrm_item {
	int		is_policy;
	struct xfrm_ip	src, dst;
	uint32_t	spi;		/* SA */
	uint32_t	reqid;		/* SA */
	int		dir;		/* policy */
	uint32_t	index;		/* policy */
	struct xfrm_ports ports;
};

/* Handle. */
struct xfrm_nl	*xfrm_open(void);		/* NULL, errno set */
void		 xfrm_close(struct xfrm_nl *);
int		 xfrm_set_owner(struct xfrm_nl *, uint8_t tag);	/* 1..255 */
uint8_t		 xfrm_owner(const struct xfrm_nl *);

/* Algorithm names: NULL if unknown; *_key_ok checks a key length. */
const struct xfrm_alg_info *xfrm_alg_lookup(const char *name);
int		 xfrm_alg_key_ok(const struct xfrm_alg_info *, size_t keylen);

/* Addresses: "10.0.0.1" or "fd00::1" -> 0 / -EINVAL; formatting into buf. */
int		 xfrm_ip_parse(const char *s, struct xfrm_ip *);
const char	*xfrm_ip_str(const struct xfrm_ip *, char *buf, size_t len);

/* SAs.  add/update wipe the key fields of *sa on return (success or not). */
int	xfrm_sa_add(struct xfrm_nl *, struct xfrm_sa *sa);
int	xfrm_sa_update(struct xfrm_nl *, struct xfrm_sa *sa);
int	xfrm_sa_del(struct xfrm_nl *, const struct xfrm_ip *dst, uint32_t spi);
int	xfrm_sa_get(struct xfrm_nl *, const struct xfrm_ip *dst, uint32_t spi,
	    struct xfrm_sa_info *out);
/* Reserve a free SPI in [min, max] for SAs src -> dst (a larval state). */
int	xfrm_spi_alloc(struct xfrm_nl *, const struct xfrm_ip *src,
	    const struct xfrm_ip *dst, uint32_t min, uint32_t max, uint32_t reqid,
	    uint32_t *spi);

/* Policies.  add fills pol->index; del matches selector + dir. */
int	xfrm_policy_add(struct xfrm_nl *, struct xfrm_policy *pol);
int	xfrm_policy_del(struct xfrm_nl *, const struct xfrm_policy *pol);

/* Ours only: list (cb may be NULL: count only) and flush.  Counts are
 * returned through the optional pointers. */
int	xfrm_list_ours(struct xfrm_nl *,
	    void (*cb)(const struct xfrm_item *, void *), void *arg,
	    int *nsa, int *npol);
int	xfrm_flush_ours(struct xfrm_nl *, int *nsa, int *npol);

/* For tests: build the XFRM_MSG_NEWSA request for *sa into buf (no send, no
 * wipe).  Returns the message length or a negative errno. */
int	xfrm_sa_build(const struct xfrm_nl *, const struct xfrm_sa *sa,
	    int update, void *buf, size_t len);

#endif
