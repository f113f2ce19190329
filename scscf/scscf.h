/* scscf.h - the Serving-CSCF: registrar with IMS AKA (TS 24.229 5.4.1,
 * TS 33.203 6.1) and session routing (TS 24.229 5.4.3), Cx towards the HSS
 * (TS 29.228/29.229).
 */
#ifndef SCSCF_H
#define SCSCF_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "cx.h"
#include "digest.h"
#include "sipx.h"
#include "user_data.h"

#define SCSCF_ID_MAX		256
#define SCSCF_ASSOC_MAX		1024
#define SCSCF_PATH_MAX		1024
#define SCSCF_MAX_BINDINGS	16	/* the most max-contacts allows */
#define SCSCF_MAX_CONTACTS_DEFAULT 8

struct bdb;
struct reg_undo;
struct regsub;

struct scscf {
	struct sipx_agent sa;
	const char	*domain;	/* home domain, Digest realm */
	const char	*name;		/* Server-Name, sip:host:port */
	const char	*dest_realm;	/* the HSS's Diameter realm */
	const char	*icscf;		/* next hop for non-local targets */
	unsigned	 dia_timeout_ms;
	unsigned	 max_expires;
	/* Pending AKA challenges and verified vectors held at once
	 * (0: SCSCF_MAX_CHALLENGES_DEFAULT); beyond, REGISTER gets 503. */
	unsigned	 max_challenges;
	/* Bindings per public identity (RFC 3261 10.3 step 7); beyond, 403. */
	unsigned	 max_contacts;
	/* MARs per IMPI within mar_window seconds; beyond, 503. */
	unsigned	 mar_limit, mar_window;
	/* enum reg_reauth: which REGISTERs are authenticated again. */
	int		 reauth;
	char		 service_route[SIPX_URI_MAX + 16];
	struct bdb	*db;
	struct auth_store *auth;	/* registrar_init */
	struct reg_undo	*undo;		/* registrations to undo at the HSS */
	su_timer_t	*timer;
	struct sipx_trust trust;	/* trusted-peer: the core elements */
	struct regsub	*regsubs;	/* regevent.c */
	size_t		 nregsubs;
};

/* bindings_db.c: registrations and contacts in SQLite (RFC 3261 10.3). */
struct binding {
	char		 contact[SIPX_URI_MAX * 2];
	char		 path[SCSCF_PATH_MAX];
	int64_t		 expires_at;
	char		 call_id[SCSCF_ID_MAX];
	uint32_t	 cseq;
};
/* full: synchronous=FULL (an fsync per commit), else NORMAL (WAL: a
 * commit survives a crash of the process, not of the host). */
int	bdb_open(const char *path, int full, struct bdb **);
/* imssec_bindings_active read from the store at path at each scrape;
 * before met_use(MET_G_BINDINGS). */
void	bdb_gauge_use(const char *path);
/* WAL checkpoints of the store at path on a thread of their own
 * (sql_ckpt.h), not in a commit on the SIP loop.  0 or -errno. */
int	bdb_background(struct bdb *, const char *path);
void	bdb_close(struct bdb *);
/* One transaction (BEGIN IMMEDIATE) around the writes of a REGISTER; a
 * failed commit is rolled back.  Not nested.  0 or -errno. */
int	bdb_begin(struct bdb *);
int	bdb_commit(struct bdb *);
void	bdb_rollback(struct bdb *);
/* -ENOENT when the public identity was never registered here. */
int	bdb_reg_get(struct bdb *, const char *impu, char *impi, size_t,
	    int *registered, char *assoc, size_t);
int	bdb_reg_put(struct bdb *, const char *impu, const char *impi,
	    const char *assoc, int registered);
int	bdb_binding_put(struct bdb *, const char *impu,
	    const struct binding *);
int	bdb_binding_del(struct bdb *, const char *impu, const char *contact);
/* Forget every binding of impu and mark it not registered; atomic (its
 * own transaction unless the caller's is open). */
int	bdb_deregister(struct bdb *, const char *impu);
/* The live bindings (expires_at > now) of impu. */
int	bdb_bindings_get(struct bdb *, const char *impu, int64_t now,
	    struct binding *, size_t max, size_t *n);
/* Remove expired bindings; fn is called for each identity that lost its
 * last one (it is then marked not registered). */
int	bdb_expire(struct bdb *, int64_t now,
	    void (*fn)(void *, const char *impu, const char *impi), void *);
/* fn for each registered public identity of impi. */
int	bdb_impus_of(struct bdb *, const char *impi,
	    void (*fn)(void *, const char *impu), void *);

/* auth.c: the AKA vectors in use per IMPI (TS 33.203 6.1, RFC 3310), in
 * a store of fixed capacity owned by struct scscf.  A challenge is
 * pending from auth_reserve (before the MAR) until the UE answers it or
 * AUTH_CHALLENGE_TTL passes, and is never evicted meanwhile; a verified
 * vector may be dropped for room (its UE is challenged again).  Each
 * entry keeps two challenges (the newest and the one it replaced), the
 * last AUTH_IMPUS_MAX public identities the HSS vouched for with the IMPI
 * in a MAA (the challenges serve those only), and the times of the IMPI's
 * last MARs (at most mar-limit in mar-window seconds).  Key material is
 * wiped whenever it is dropped. */
#define SCSCF_MAX_CHALLENGES_DEFAULT	8192	/* struct scscf max_challenges */
#define AUTH_CHALLENGE_TTL	60	/* s to answer a challenge */
#define AUTH_REUSE_TTL		3600	/* s a verified vector may be reused */
#define AUTH_MAR_LIMIT_MAX	32
#define AUTH_IMPUS_MAX		4	/* IMPUs vouched for, per IMPI */
#define AUTH_MAR_LIMIT_DEFAULT	5	/* MARs per IMPI ... */
#define AUTH_MAR_WINDOW_DEFAULT	60	/* ... in this many seconds */
struct auth_store;
struct auth_stats {
	size_t		 capacity, pending, verified, idle;
};
/* NULL when capacity is 0 or memory is short. */
struct auth_store *auth_store_new(size_t capacity);
void	auth_store_free(struct auth_store *);
/* At most limit (1..AUTH_MAR_LIMIT_MAX) MARs per IMPI in any window
 * seconds (default AUTH_MAR_LIMIT_DEFAULT in AUTH_MAR_WINDOW_DEFAULT). */
int	auth_store_set_mar_limit(struct auth_store *, unsigned limit,
	    unsigned window);
/* TS 24.229 5.4.1.2.1 without a MAR: the WWW-Authenticate value of a
 * pending challenge of impi when the HSS vouched for impu, it has at least
 * half of AUTH_CHALLENGE_TTL left and was never answered wrong (the same
 * nonce again: no SQN spent, and the challenge another REGISTER for that
 * IMPI got stays the one to answer); with any, whatever its state while
 * it is answerable (when the MAR budget is spent).  0, or -ENOENT: a MAR
 * is needed. */
int	auth_pending(struct auth_store *, const char *impi, const char *impu,
	    int any, const char *realm, char *hdr, size_t hdrsize);
/* The owner of the MAR in flight for impi, or NULL. */
void	*auth_inflight(struct auth_store *, const char *impi);
/* Room and budget for a MAR for impi, taken now so that the MAA finds
 * it; owner (non-NULL) identifies the MAR.  0; -ENOSPC when every entry
 * is a pending challenge; -EAGAIN when impi had its mar-limit MARs within
 * the window (*retry_after: seconds until one more is allowed).  Both
 * are answered 503 with Retry-After. */
int	auth_reserve(struct auth_store *, const char *impi, void *owner,
	    unsigned *retry_after);
/* Seconds until a pending challenge expires (>= 1): for Retry-After. */
unsigned auth_store_retry_after(const struct auth_store *);
/* The MAR of owner failed: the reservation goes, the stored challenges
 * stay.  uncount: the HSS itself refused it (an error answer: it made no
 * vector, spent no SQN), so it does not count against the budget; a MAR
 * without an answer does. */
void	auth_release(struct auth_store *, const char *impi, void *owner,
	    int uncount);
/* Store a vector from the MAA of owner's MAR for (impi, impu); writes
 * the challenge header value.  -ENOSPC if the reservation was lost and
 * there is no room. */
int	auth_challenge(struct auth_store *, const char *impi,
	    const char *impu, void *owner, const char *realm,
	    const struct cx_auth_item *, char *hdr, size_t hdrsize);
/* Check credentials (digest_parse'd) of a request for impu:
 *	1	valid
 *	0	wrong response (the challenge stays answerable: only its UE
 *		knows RES; it is not sent again by auth_pending without any)
 *	-ESTALE	no usable challenge with that nonce for impi, or the HSS
 *		never vouched for (impi, impu): challenge again
 *	-EPROTO	not an answer to our qop=auth challenge (no qop=auth, no
 *		cnonce or nc: RFC 2069 form), or an nc not above the last
 *		one accepted for that nonce (a replay): refuse
 *	-EINVAL	unusable
 * A challenge once answered stays valid for further requests with a
 * higher nc (re-registration without re-authentication) within
 * AUTH_REUSE_TTL of its challenge. */
int	auth_verify(struct auth_store *, const char *impi, const char *impu,
	    const struct digest *, const char *method);
/* RAND of the stored challenge whose nonce is given (for resync). */
int	auth_rand(struct auth_store *, const char *impi, const char *nonce,
	    uint8_t rand[16]);
/* Drop the challenges of impi and the IMPUs vouched for (its MAR budget
 * stays). */
void	auth_forget(struct auth_store *, const char *impi);
void	auth_store_stats(const struct auth_store *, struct auth_stats *);
/* Tests: the clock in seconds (default CLOCK_MONOTONIC; NULL resets it),
 * and whether the store's memory still holds some bytes (key wiping). */
void	auth_store_set_clock(struct auth_store *, time_t (*)(void *),
	    void *);
int	auth_store_holds(const struct auth_store *, const void *, size_t);

/* reg_rules.c: what a REGISTER may do to the bindings. */
/* RFC 3261 10.3 step 6: 0 when "*" is not alone or not with Expires: 0
 * (answer 400), else 1. */
int	reg_wildcard_ok(sip_t const *);
/* RFC 3261 10.3 step 7 before anything changes: how many bindings impu
 * keeps once the request is applied (*after), at most max-contacts unless
 * the request adds none (-E2BIG: 403); a binding of the same Call-ID with
 * a CSeq not below the request's aborts it (-EALREADY: 500); a bad
 * expiry is -EINVAL. */
int	reg_bindings_check(struct scscf *, const char *impu, sip_t const *,
	    size_t *after);
/* RFC 3261 10.3 step 7: apply the Contact list, with path stored in each
 * binding (inside the caller's transaction). */
int	reg_bindings_update(struct scscf *, const char *impu,
	    const char *path, sip_t const *);
/* TS 24.229 5.4.1.2.2, RFC 3327 5.3: the Path entries of our own network
 * into out ("<a>, <b>"): from the top, entries are kept while their host
 * is a trusted peer (the P-CSCF's, a core proxy's); the first other entry
 * and everything below it are dropped.  0; -EPERM when the top entry is
 * not ours (403: a UE must not choose where its terminating requests
 * go); -ENOSPC, -ENOMEM. */
int	reg_path_trusted(struct scscf *, sip_t const *, su_home_t *,
	    char *out, size_t size);

/* reg_reauth.c: whether a REGISTER is authenticated again (TS 24.229
 * 5.4.1.2.2 step 1). */
/* The reauth setting. */
enum reg_reauth {
	REG_REAUTH_ALWAYS,		/* every REGISTER (the default) */
	REG_REAUTH_UNLESS_PROTECTED,	/* not a protected re-registration */
};
/* The "integrity-protected" parameter of the Authorization header (TS
 * 24.229 7.2A.2.2), which the P-CSCF sets (5.2.2). */
enum reg_intprot {
	REG_INTPROT_NONE,		/* absent */
	REG_INTPROT_NO,
	REG_INTPROT_YES,
	REG_INTPROT_TLS_PENDING,
	REG_INTPROT_TLS_YES,
	REG_INTPROT_IP_ASSOC_PENDING,
	REG_INTPROT_IP_ASSOC_YES,
	REG_INTPROT_OTHER,		/* a value not listed above */
};
/* Its value in credentials (digest_parse'd; quoted or a token, any
 * case). */
enum reg_intprot reg_intprot_get(const struct digest *);
/* For logs: the value, "(none)" or "?". */
const char *reg_intprot_name(enum reg_intprot);
/* 1 for "yes", "tls-yes", "ip-assoc-yes": sent over a security
 * association already in use (5.4.1.2.2). */
int	reg_intprot_protected(enum reg_intprot);
/* TS 24.229 5.4.1.2.2 step 1: 0 when the REGISTER for (impi, impu) may go
 * on without a new challenge: reauth is unless-protected, its credentials
 * d say integrity-protected "yes", "tls-yes" or "ip-assoc-yes", their
 * username is impi, impu is registered here by impi, and every Contact of
 * the request (for "*": some) is a live binding of impu.  1 when it must
 * be authenticated (challenged, or its answer verified); -errno when the
 * store cannot tell (authenticate).  *why: the reason, for logs. */
int	reg_reauth_needed(struct scscf *, const char *impi, const char *impu,
	    sip_t const *, const struct digest *d, const char **why);

/* reg_undo.c: registrations to undo at the HSS (SAR USER_DEREGISTRATION)
 * because the HSS has them and we do not: sent after delay seconds from
 * the 1 s tick, retried on failure (REG_UNDO_TRIES), cancelled by a later
 * successful registration of impu. */
#define REG_UNDO_TRIES	3
void	reg_undo_add(struct scscf *, const char *impi, const char *impu,
	    time_t delay);
void	reg_undo_cancel(struct scscf *, const char *impu);
void	reg_undo_tick(struct scscf *);
void	reg_undo_fini(struct scscf *);

/* registrar.c */
/* The registrar's state (the auth store, sized by max_challenges). */
int	registrar_init(struct scscf *);
void	registrar_fini(struct scscf *);
int	registrar_request(struct scscf *, nta_incoming_t *, sip_t const *);
/* Every second: binding expiry, and the registrations to undo at the
 * HSS. */
void	registrar_expire(struct scscf *);
/* RTR from the HSS (TS 29.228 6.5.1): dia handler registration. */
int	registrar_rtr_init(struct scscf *);

/* regevent.c: the reg event package's notifier (RFC 3680; TS 24.229
 * 5.4.2.1.2) for the P-CSCFs on the registrations' Path; subscriptions
 * in memory. */
#define REGEVENT_SUBS_MAX		4096
#define REGEVENT_EXPIRES_DEFAULT	3761	/* RFC 3680 6 */
#define REGEVENT_EXPIRES_MAX		600000	/* TS 24.229 5.2.3's value */
/* 1 for a SUBSCRIBE with Event: reg (regevent_subscribe's). */
int	regevent_claims(sip_t const *);
int	regevent_subscribe(struct scscf *, nta_incoming_t *, sip_t const *);
/* impu's registration ends (TS 24.229 5.4.1.5 RTR: "rejected" or
 * "deactivated"; 5.4.1.4: "unregistered"; expiry: "expired"): called
 * while its bindings are still stored, so the NOTIFY lists them
 * terminated; its subscriptions end. */
void	regevent_terminated(struct scscf *, const char *impu,
	    const char *event);
/* Every second: lapsed subscriptions go. */
void	regevent_tick(struct scscf *);
void	regevent_fini(struct scscf *);

/* route.c */
int	route_request(struct scscf *, nta_incoming_t *);

#endif
