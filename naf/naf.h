/* naf.h - naf: the authentication proxy of TS 33.222 5.3 for Ut (TS 24.623
 * over TS 24.109 5.2/5.3.2): HTTPS towards the UE, HTTP Digest with the
 * GBA key Ks_NAF (fetched from the BSF over Zn), the user's identities
 * asserted to the application server behind it.
 *
 *   naf_main.c		settings, daemon skeleton, listener
 *   naf_auth.c		a request: Digest, Zn, identities, the answer
 *   naf_nonce.c	the server nonces (lifetime, nonce-count replay)
 *   naf_cache.c	Ks_NAF, IMPI and uids per B-TID until key expiry
 *   naf_proxy.c	forwarding to the application server
 */
#ifndef IMS_NAF_H
#define IMS_NAF_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "evloop.h"
#include "handoff.h"

#define NAF_BTID_MAX	256
#define NAF_IMPI_MAX	256
#define NAF_UIDS_MAX	8
#define NAF_UID_MAX	256
#define NAF_KS_LEN	32
#define NAF_NONCE_LEN	32	/* hex digits of 128 random bits */
#define NAF_REALM_PFX	"3GPP-bootstrapping@"	/* TS 24.109 5.2.2 */

struct evhttp;
struct evhttp_request;
struct http_tls;
struct zn_answer;

/* ---- naf_nonce.c: server nonces, a direct-mapped table ---- */

struct naf_nonce {
	char		 nonce[NAF_NONCE_LEN + 1];	/* "" : free */
	time_t		 born;				/* monotonic */
	uint32_t	 nc;				/* highest seen */
};

struct naf_nonces {
	struct naf_nonce *slot;
	size_t		 n;
	unsigned	 lifetime;			/* s */
};

enum naf_nonce_state { NAF_NONCE_OK, NAF_NONCE_STALE, NAF_NONCE_REPLAY };

int	naf_nonces_init(struct naf_nonces *, size_t n, unsigned lifetime);
void	naf_nonces_free(struct naf_nonces *);
/* A fresh nonce (may evict another one from its slot). */
int	naf_nonce_new(struct naf_nonces *, char out[NAF_NONCE_LEN + 1]);
/* 1 when nonce is one of ours and has not expired (nothing changes). */
int	naf_nonce_live(struct naf_nonces *, const char *nonce);
/* After the credentials were verified: STALE (unknown or expired),
 * REPLAY (nc not above the highest seen for it), else OK and nc kept. */
enum naf_nonce_state naf_nonce_use(struct naf_nonces *, const char *nonce,
	    uint32_t nc);

/* ---- naf_cache.c: what Zn gave for a B-TID ---- */

struct naf_key {
	char		 btid[NAF_BTID_MAX];		/* "" : free */
	char		 impi[NAF_IMPI_MAX];
	uint8_t		 ks_naf[NAF_KS_LEN];
	time_t		 expiry;			/* Unix time */
	char		 uids[NAF_UIDS_MAX][NAF_UID_MAX];
	size_t		 n_uids;
};

struct naf_cache {
	struct naf_key	*slot;
	size_t		 n;				/* a multiple of 4 */
};

int	naf_cache_init(struct naf_cache *, size_t n);
/* Every entry wiped, the table freed. */
void	naf_cache_free(struct naf_cache *);
/* The live entry of btid (an expired one is wiped), or NULL. */
struct naf_key *naf_cache_get(struct naf_cache *, const char *btid,
	    time_t now);
/* Store k (copied) in btid's set of 4, replacing the entry that expires
 * first; the caller wipes its copy. */
void	naf_cache_put(struct naf_cache *, const struct naf_key *);
/* Forget btid (Zn said it is no longer valid). */
void	naf_cache_drop(struct naf_cache *, const char *btid);

/* ---- the daemon ---- */

struct naf {
	struct evloop		 loop;
	struct evhttp		*http;
	struct http_tls		*tls;
	char			 realm[sizeof(NAF_REALM_PFX) + 256];
	uint8_t			 naf_id[256 + 5];	/* FQDN || Ua id */
	size_t			 naf_id_len;
	const char		*dest_realm;		/* the BSF's */
	unsigned		 zn_timeout_ms;
	char			 as_host[256];
	unsigned		 as_port;
	unsigned		 as_timeout;		/* s */
	unsigned		 max_requests;
	unsigned		 active;		/* requests in work */
	unsigned		 retry_after;		/* s */
	unsigned		 max_body;
	struct naf_nonces	 nonces;
	struct naf_cache	 cache;
	uint64_t		 n_zn, n_ok, n_401, n_403;
};

/* naf_auth.c: evhttp's callback for every request. */
void	naf_request(struct evhttp_request *, void *naf);

/* naf_proxy.c: forward req to the application server as `identity` and
 * relay the answer; then done(arg) on the loop thread. */
void	naf_proxy_forward(struct naf *, struct evhttp_request *,
	    const char *identity, void (*done)(void *), void *arg);

#endif
