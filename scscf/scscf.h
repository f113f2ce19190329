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
	char		 service_route[SIPX_URI_MAX + 16];
	struct bdb	*db;
	su_timer_t	*timer;
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

/* auth.c: AKA vectors in use per IMPI (TS 33.203 6.1, RFC 3310). */
struct auth_vec;
/* Store a vector from a MAA item; writes the challenge header value. */
int	auth_challenge(const char *impi, const char *realm,
	    const struct cx_auth_item *, char *hdr, size_t hdrsize);
/* Check credentials (digest_parse'd) for method: 1 valid, 0 wrong
 * response, -ESTALE no usable vector (challenge again), -EINVAL
 * unusable.  A vector once used successfully stays valid for further
 * requests with a higher nc (re-registration without re-authentication). */
int	auth_verify(const char *impi, const struct digest *, const char *method);
/* RAND of the stored vector whose nonce is given (for resync). */
int	auth_rand(const char *impi, const char *nonce, uint8_t rand[16]);
void	auth_forget(const char *impi);

/* registrar.c */
int	registrar_request(struct scscf *, nta_incoming_t *, sip_t const *);
void	registrar_expire(struct scscf *);
/* RTR from the HSS (TS 29.228 6.5.1): dia handler registration. */
int	registrar_rtr_init(struct scscf *);

/* route.c */
int	route_request(struct scscf *, nta_incoming_t *, sip_t const *);

#endif
