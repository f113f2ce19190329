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
#define SCSCF_MAX_BINDINGS	8

struct bdb;

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
	char		 service_route[SIPX_URI_MAX + 16];
	struct bdb	*db;
	struct auth_store *auth;	/* registrar_init */
	su_timer_t	*timer;
	struct sipx_trust trust;	/* trusted-peer: the core elements */
};

/* bindings_db.c: registrations and contacts in SQLite (RFC 3261 10.3). */
struct binding {
	char		 contact[SIPX_URI_MAX * 2];
	char		 path[SCSCF_PATH_MAX];
	int64_t		 expires_at;
	char		 call_id[SCSCF_ID_MAX];
	uint32_t	 cseq;
};
int	bdb_open(const char *path, struct bdb **);
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
 * vector may be dropped for room (its UE is challenged again).  Every
 * removal wipes the entry. */
#define SCSCF_MAX_CHALLENGES_DEFAULT	8192	/* struct scscf max_challenges */
#define AUTH_CHALLENGE_TTL	60	/* s to answer a challenge */
#define AUTH_REUSE_TTL		3600	/* s a verified vector may be reused */
struct auth_store;
struct auth_stats {
	size_t		 capacity, pending, verified;
};
/* NULL when capacity is 0 or memory is short. */
struct auth_store *auth_store_new(size_t capacity);
void	auth_store_free(struct auth_store *);
/* Room for a challenge to impi, taken now so that the MAA finds it:
 * 0, or -ENOSPC when every entry is a pending challenge (answer 503). */
int	auth_reserve(struct auth_store *, const char *impi);
/* Seconds until a pending challenge expires (>= 1): for Retry-After. */
unsigned auth_store_retry_after(const struct auth_store *);
/* Give a reservation back (the MAR failed); a stored vector stays. */
void	auth_release(struct auth_store *, const char *impi);
/* Store a vector from a MAA item; writes the challenge header value.
 * -ENOSPC if the reservation was lost and there is no room. */
int	auth_challenge(struct auth_store *, const char *impi,
	    const char *realm, const struct cx_auth_item *, char *hdr,
	    size_t hdrsize);
/* Check credentials (digest_parse'd) for method: 1 valid, 0 wrong
 * response, -ESTALE no usable vector (challenge again), -EINVAL
 * unusable.  A vector once used successfully stays valid for further
 * requests with a higher nc (re-registration without re-authentication)
 * within AUTH_REUSE_TTL of its challenge. */
int	auth_verify(struct auth_store *, const char *impi,
	    const struct digest *, const char *method);
/* RAND of the stored vector whose nonce is given (for resync). */
int	auth_rand(struct auth_store *, const char *impi, const char *nonce,
	    uint8_t rand[16]);
void	auth_forget(struct auth_store *, const char *impi);
void	auth_store_stats(const struct auth_store *, struct auth_stats *);
/* Tests: the clock in seconds (default CLOCK_MONOTONIC; NULL resets it),
 * and whether the store's memory still holds some bytes (key wiping). */
void	auth_store_set_clock(struct auth_store *, time_t (*)(void *),
	    void *);
int	auth_store_holds(const struct auth_store *, const void *, size_t);

/* registrar.c */
/* The registrar's state (the auth store, sized by max_challenges). */
int	registrar_init(struct scscf *);
void	registrar_fini(struct scscf *);
int	registrar_request(struct scscf *, nta_incoming_t *, sip_t const *);
void	registrar_expire(struct scscf *);
/* RTR from the HSS (TS 29.228 6.5.1): dia handler registration. */
int	registrar_rtr_init(struct scscf *);

/* route.c */
int	route_request(struct scscf *, nta_incoming_t *, sip_t const *);

#endif
