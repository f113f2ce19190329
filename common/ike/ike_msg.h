/* ike_msg.h - the IKEv2 message codec (RFC 7296 3): bounds-checked parsing
 * of the header and the payload chain into views of the caller's buffer,
 * the payload bodies the seg uses, and a writer over a fixed buffer.
 * No crypto here: an SK payload's body stays opaque (ike_crypto.h opens it,
 * and ike_pl_chain_parse reads what it held).
 *
 * Parsers return 0, or:
 *   -EPROTO   the bytes break the syntax of 3.x (-> INVALID_SYNTAX, or drop)
 *   -ENOTSUP  an unknown payload with the critical bit set
 *             (-> UNSUPPORTED_CRITICAL_PAYLOAD; its type in m->unsupported)
 *   -E2BIG    more payloads/proposals/transforms/selectors than the fixed
 *             arrays below hold
 * They never read outside [buf, buf + len) and never allocate.
 */
#ifndef IMS_IKE_MSG_H
#define IMS_IKE_MSG_H

#include <stddef.h>
#include <stdint.h>
#include "ike.h"

/* 3.1 the IKE header, in host order. */
struct ike_hdr {
	uint64_t spi_i, spi_r;		/* as on the wire, big-endian read */
	uint8_t next;			/* first payload type */
	uint8_t version;		/* IKE_VERSION */
	uint8_t exchange;		/* enum ike_exchange */
	uint8_t flags;			/* IKE_FLAG_* */
	uint32_t msgid;
	uint32_t length;		/* whole message, header included */
};

/* One payload: its type (from the previous Next Payload), the critical
 * bit, and its body (after the 4-byte generic header). */
struct ike_pl {
	uint8_t type;
	uint8_t critical;
	const uint8_t *body;
	size_t len;
};

#define IKE_MAX_PAYLOADS	32
struct ike_msg {
	struct ike_hdr hdr;
	size_t npl;
	struct ike_pl pl[IKE_MAX_PAYLOADS];
	uint8_t unsupported;		/* with -ENOTSUP: the critical type */
	const uint8_t *buf;		/* the whole message */
	size_t len;
};

/* 3.1: the header only; checks Length against len (Length may be less
 * than len, never more), the major version (-EPROTONOSUPPORT: answer
 * INVALID_MAJOR_VERSION) and that Length >= IKE_HDR_LEN. */
int ike_hdr_parse(const uint8_t *buf, size_t len, struct ike_hdr *h);
/* Header and payload chain.  An SK (or SKF) payload must be the last
 * (-EPROTO otherwise); its Next Payload (the first inner type) is read
 * with ike_sk_inner_type().  Unknown non-critical payloads are kept, type
 * as read, for the caller to ignore (2.5). */
int ike_msg_parse(const uint8_t *buf, size_t len, struct ike_msg *m);
/* A payload chain that starts with type first, e.g. the plaintext of an
 * SK payload; appends to m (m->npl grows). */
int ike_pl_chain_parse(uint8_t first, const uint8_t *buf, size_t len,
    struct ike_msg *m);
/* The Next Payload of the SK payload at m->pl[i] (its inner first type). */
uint8_t ike_sk_inner_type(const struct ike_msg *m, size_t i);
/* The next payload of type after *iter (start with *iter = 0); NULL when
 * there is none. */
const struct ike_pl *ike_msg_find(const struct ike_msg *m, uint8_t type,
    size_t *iter);

/* 3.3 Security Association: proposals of transforms. */
struct ike_transform {
	uint8_t type;			/* enum ike_tr_type */
	uint16_t id;
	uint16_t keylen;		/* bits; 0 when no Key Length attribute */
	uint8_t unknown_attr;		/* parsed with an attribute not
					 * understood: never chosen (3.3.6) */
};
#define IKE_MAX_TRANSFORMS	16
#define IKE_MAX_PROPOSALS	8
struct ike_proposal {
	uint8_t num;			/* Proposal Num, from 1 */
	uint8_t proto;			/* enum ike_proto */
	uint8_t spi_size;		/* 0, 4 (ESP) or 8 (IKE rekey) */
	uint8_t spi[8];
	size_t ntr;
	struct ike_transform tr[IKE_MAX_TRANSFORMS];
};
struct ike_sa_pl {
	size_t nprop;
	struct ike_proposal prop[IKE_MAX_PROPOSALS];
};
/* Parse checks 3.3.1: proposal numbers start at 1 and go up by 1 (a
 * lone proposal, an answer's, may carry any number from 1; IKEv1's
 * repeated numbers are refused), lengths add up, last-substructure
 * markers and Num Transforms are right; unknown transform attributes ->
 * the whole transform is kept with id as read, keylen 0 and unknown_attr
 * set, and ike_sa_select/check_reply never choose it (3.3.6). */
int ike_sa_parse(const uint8_t *body, size_t len, struct ike_sa_pl *sa);
/* 2.7: the responder's choice.  The first proposal of offered (in its
 * order) whose protocol is proto and that has, for every transform type
 * ours requires, a transform ours also lists (same id and keylen), wins;
 * the result holds exactly one transform per type (the first of the
 * offered ones ours lists), the offered proposal's number and SPI.  ours
 * is one proposal listing every acceptable transform; a type ours lists
 * with ID 0 (NONE, e.g. INTEG for AES-GCM or DH for a CHILD_SA without
 * PFS) may be missing from the offer.  A proposal is skipped when it
 * offers a type ours does not list (3.3: the types are ANDed), or when
 * the result would pair a combined-mode cipher with an integrity
 * algorithm or any other cipher with none (3.3.3).  -ENOENT:
 * NO_PROPOSAL_CHOSEN. */
int ike_sa_select(const struct ike_sa_pl *offered,
    const struct ike_proposal *ours, uint8_t proto,
    struct ike_proposal *chosen);
/* The initiator's check of a response: exactly one proposal, with the
 * number, protocol and SPI Size of one offered (the SPI is the
 * responder's own), whose every transform was in that
 * proposal, one per type, every type offered answered (unless NONE was
 * among the offered ones).  -EPROTO otherwise. */
int ike_sa_check_reply(const struct ike_sa_pl *offered,
    const struct ike_sa_pl *reply, struct ike_proposal *chosen);
/* The transform of type in p, or NULL. */
const struct ike_transform *ike_proposal_get(const struct ike_proposal *p,
    uint8_t type);

/* 3.4 KE, 3.9 Nonce (16..256 bytes, else -EPROTO), 3.5 ID, 3.8 AUTH,
 * 3.6/3.7 CERT and CERTREQ: views into the body. */
struct ike_ke { uint16_t group; const uint8_t *data; size_t len; };
struct ike_id { uint8_t type; const uint8_t *data; size_t len;
	const uint8_t *body; size_t body_len; };	/* body: for AUTH's ID' */
struct ike_auth { uint8_t method; const uint8_t *data; size_t len; };
struct ike_cert { uint8_t encoding; const uint8_t *data; size_t len; };
int ike_ke_parse(const struct ike_pl *pl, struct ike_ke *ke);
int ike_nonce_parse(const struct ike_pl *pl, const uint8_t **n, size_t *len);
int ike_id_parse(const struct ike_pl *pl, struct ike_id *id);
int ike_auth_parse(const struct ike_pl *pl, struct ike_auth *a);
int ike_cert_parse(const struct ike_pl *pl, struct ike_cert *c);

/* 3.10 Notify */
struct ike_notify {
	uint8_t proto;
	uint8_t spi_size;
	uint16_t type;			/* enum ike_notify_type */
	const uint8_t *spi;
	const uint8_t *data;
	size_t len;
};
int ike_notify_parse(const struct ike_pl *pl, struct ike_notify *n);
/* The first Notify of type in m, 0 when found, -ENOENT when not. */
int ike_msg_notify(const struct ike_msg *m, uint16_t type,
    struct ike_notify *n);

/* 3.11 Delete: SPIs of one protocol. */
#define IKE_MAX_DEL_SPIS	16
struct ike_delete {
	uint8_t proto;
	uint8_t spi_size;		/* 0 for IKE, 4 for ESP */
	size_t nspi;
	uint32_t spi[IKE_MAX_DEL_SPIS];	/* ESP SPIs, host order */
};
int ike_delete_parse(const struct ike_pl *pl, struct ike_delete *d);

/* 3.13 Traffic Selectors: address ranges, start and end inclusive. */
struct ike_ts {
	uint8_t type;			/* IKE_TS_IPV4_RANGE or _IPV6_ */
	uint8_t ipproto;		/* 0 = any */
	uint16_t sport, eport;		/* 0..65535 = any */
	uint8_t saddr[16], eaddr[16];	/* 4 or 16 bytes used */
};
#define IKE_MAX_TS		8
struct ike_ts_pl {
	size_t n;
	struct ike_ts ts[IKE_MAX_TS];
};
int ike_ts_parse(const struct ike_pl *pl, struct ike_ts_pl *t);
/* 2.9 narrowing: the intersection of what the peer offered with what
 * policy allows, selector by selector (same type, overlapping addresses,
 * protocols and ports), at most IKE_MAX_TS results.  -ENOENT when empty:
 * TS_UNACCEPTABLE. */
int ike_ts_narrow(const struct ike_ts_pl *offered,
    const struct ike_ts_pl *policy, struct ike_ts_pl *out);
/* A selector for one prefix (addr of family's length, prefix bits), any
 * protocol and port. */
void ike_ts_from_prefix(struct ike_ts *ts, int family, const void *addr,
    unsigned prefix);

/* The writer: builds a message (or a bare payload chain, the plaintext of
 * SK) into a fixed buffer.  Each payload added patches the previous one's
 * Next Payload (or the header's, or w->first for a bare chain).  Errors
 * stick in w->err (-ENOSPC on overflow, -EINVAL for a bad argument) and
 * later calls do nothing; ike_wr_finish reports them. */
struct ike_wr {
	uint8_t *p;
	size_t len, cap;
	size_t next_at;			/* offset of the Next Payload to patch;
					 * SIZE_MAX: w->first */
	uint8_t first;			/* bare chain: its first type */
	int has_hdr;
	int err;
};
void ike_wr_init(struct ike_wr *w, uint8_t *buf, size_t cap);
/* Starts a message with h (length and next are patched later). */
void ike_wr_hdr(struct ike_wr *w, const struct ike_hdr *h);
/* Opens a payload of type: returns its start offset for ike_wr_pl_end. */
size_t ike_wr_pl_begin(struct ike_wr *w, uint8_t type, int critical);
void ike_wr_pl_end(struct ike_wr *w, size_t start);
void ike_wr_bytes(struct ike_wr *w, const void *p, size_t n);
void ike_wr_u8(struct ike_wr *w, uint8_t v);
void ike_wr_u16(struct ike_wr *w, uint16_t v);
void ike_wr_u32(struct ike_wr *w, uint32_t v);
/* Whole payloads. */
void ike_wr_sa(struct ike_wr *w, const struct ike_sa_pl *sa);
void ike_wr_ke(struct ike_wr *w, uint16_t group, const uint8_t *d, size_t n);
void ike_wr_nonce(struct ike_wr *w, const uint8_t *d, size_t n);
/* pltype IKE_PL_IDI or IKE_PL_IDR */
void ike_wr_id(struct ike_wr *w, uint8_t pltype, uint8_t idtype,
    const uint8_t *d, size_t n);
void ike_wr_auth(struct ike_wr *w, uint8_t method, const uint8_t *d,
    size_t n);
void ike_wr_cert(struct ike_wr *w, uint8_t pltype, uint8_t encoding,
    const uint8_t *d, size_t n);	/* pltype CERT or CERTREQ */
void ike_wr_notify(struct ike_wr *w, uint8_t proto, const uint8_t *spi,
    uint8_t spi_size, uint16_t type, const uint8_t *d, size_t n);
void ike_wr_delete(struct ike_wr *w, const struct ike_delete *d);
/* pltype IKE_PL_TSI or IKE_PL_TSR */
void ike_wr_ts(struct ike_wr *w, uint8_t pltype, const struct ike_ts_pl *t);
/* Patches the header's Length; returns the length or w->err. */
int ike_wr_finish(struct ike_wr *w);

/* The payload's name for logs ("SA", "KE", ... or "?"), and the notify's. */
const char *ike_pl_name(uint8_t type);
const char *ike_notify_name(uint16_t type);

#endif
