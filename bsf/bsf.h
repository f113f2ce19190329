/* bsf.h - the Bootstrapping Server Function (TS 33.220 4.5.2): Ub (HTTP
 * Digest AKA, TS 24.109 4), Zh client (TS 29.109 5) and Zn server (TS
 * 29.109 6).  One file per concern; the prototypes grouped by file:
 *
 *   main.c       settings, the daemon callbacks (daemon.h)
 *   bsf_http.c   Ub: evhttp (optionally over TLS), one request's handling
 *   bsf_chal.c   pending challenges (in memory, bounded, timed out) and
 *                the RFC 3310 / RFC 2617 checks
 *   bsf_zh.c     Zh MAR and the hand-off of its answer to the loop
 *   bsf_store.c  the bootstrapped keys Ks per B-TID, SQLite
 *   bsf_zn.c     Zn BIR: NAF authorisation, Ks_NAF
 *
 * Threads: the main thread runs the libevent loop (Ub, timers, the
 * hand-off eventfd); freeDiameter's threads run zh answer callbacks (which
 * only post to the hand-off) and the Zn handler (which uses the store
 * under its mutex and the read-only settings, never libevent).
 */
#ifndef IMS_BSF_H
#define IMS_BSF_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "conf.h"
#include "digest.h"
#include "evloop.h"
#include "gba.h"
#include "handoff.h"

#define BSF_IMPI_MAX		GBA_STR_MAX
#define BSF_BTID_MAX		256
#define BSF_OPAQUE_LEN		16	/* random bytes, sent as hex */
#define BSF_SERVER_DATA_LEN	16	/* RFC 3310 3.2 server data */
#define BSF_RETRY_AFTER		"5"	/* seconds, with 503 */

struct bsf_conf {
	char			*listen;
	char			*name;		/* B-TID suffix, realm default */
	char			*realm;
	char			*db;
	char			*hss;		/* Destination-Host of MARs */
	char			*tls_cert, *tls_key;
	unsigned		 key_lifetime;	/* s */
	unsigned		 chal_timeout;	/* s */
	unsigned		 max_pending;
	unsigned		 mar_limit, mar_window;
	int			 guss_required;
	struct conf_list	 naf_group;	/* FQDN=GROUP */
	struct conf_list	 naf_peer;	/* FQDN@DIAMETER-IDENTITY */
};

/* One pending challenge (bsf_chal.c); keys wiped on release. */
struct bsf_chal {
	int		 used;
	char		 impi[BSF_IMPI_MAX];
	char		 nonce[DIGEST_MAX_VALUE + 1];
	char		 opaque[2 * BSF_OPAQUE_LEN + 1];
	uint8_t		 rand[16], autn[16];
	uint8_t		 xres[16];
	size_t		 xres_len;
	uint8_t		 ck[16], ik[16];
	char		*guss;		/* GUSS XML from the HSS, or NULL */
	time_t		 created;	/* monotonic */
};

/* The MARs of one IMPI in the current window (bsf_chal.c). */
struct bsf_marcount {
	char		 impi[BSF_IMPI_MAX];
	time_t		 start;		/* monotonic; 0: free */
	unsigned	 n;
};

struct bsf_chals {
	struct bsf_chal	*v;
	size_t		 max, n;
	unsigned	 timeout;
	struct bsf_marcount *mc;	/* max entries */
	unsigned	 mar_limit, mar_window;
};

struct bsf_store;
struct event;
struct evhttp;
struct evhttp_request;
struct http_tls;

struct bsf {
	const struct bsf_conf	*conf;
	const char		*realm;		/* challenge realm */
	const char		*dest_realm;	/* Zh Destination-Realm */
	unsigned		 zh_timeout_ms;	/* diameter.timeout */
	struct evloop		 loop;		/* common/http */
	struct evhttp		*http;
	struct http_tls		*tls;		/* NULL: plain HTTP */
	struct event		*tick;
	struct bsf_store	*store;
	struct bsf_chals	 chals;
	size_t			 inflight;	/* MARs not yet answered */
	unsigned		 ticks;
};

/* A Zh MAR in flight for one Ub request (bsf_zh.c); freed by the loop. */
struct bsf_mar {
	struct handoff_job	 job;
	struct bsf		*b;
	struct evhttp_request	*req;
	char			 impi[BSF_IMPI_MAX];
	int			 stale;		/* RFC 2617: stale=true */
	struct zh_answer	*ans;
};

/* bsf_http.c */
int	bsf_http_open(struct bsf *);
void	bsf_http_close(struct bsf *);
/* Loop thread: the MAR answer for m->req (401, 403 or 503). */
void	bsf_http_mar_done(struct bsf_mar *);
void	bsf_reply_error(struct evhttp_request *, int code, const char *why);

/* bsf_chal.c */
int	bsf_chals_init(struct bsf_chals *, size_t max, unsigned timeout,
	    unsigned mar_limit, unsigned mar_window);
void	bsf_chals_free(struct bsf_chals *);
/* Whether impi may cost the HSS one more vector (at most mar_limit MARs
 * per mar_window seconds); counts it when so. */
int	bsf_mar_allow(struct bsf_chals *, const char *impi);
/* Room for one more (challenges + MARs in flight below max). */
int	bsf_chals_room(const struct bsf_chals *, size_t inflight);
/* A new challenge from a vector: replaces the IMPI's pending one. */
struct bsf_chal *bsf_chal_new(struct bsf_chals *, const char *impi,
	    const struct zh_answer *);
struct bsf_chal *bsf_chal_find(struct bsf_chals *, const char *nonce);
void	bsf_chal_release(struct bsf_chals *, struct bsf_chal *);
void	bsf_chals_expire(struct bsf_chals *);
/* The WWW-Authenticate value of c. */
int	bsf_chal_header(const struct bsf_chal *, const char *realm, int stale,
	    char *out, size_t size);
/* RFC 2617 3.2.2 response of creds with password pw over body (auth-int)
 * or not (auth), compared in constant time: 1 match, 0 not, <0 error. */
int	bsf_digest_check(const struct digest *creds, const char *method,
	    const uint8_t *pw, size_t pw_len, const uint8_t *body,
	    size_t body_len);
/* RFC 2617 3.2.3 rspauth for our response body into out[33]. */
int	bsf_digest_rspauth(const struct digest *creds, const uint8_t *pw,
	    size_t pw_len, const uint8_t *body, size_t body_len, char out[33]);

/* bsf_zh.c */
/* A MAR for impi (resync: RAND || AUTS, else NULL); 0 or -errno (no MAR
 * then; the caller answers req). */
int	bsf_zh_mar(struct bsf *, struct evhttp_request *, const char *impi,
	    const uint8_t *resync, int stale);

/* bsf_store.c */
struct bsf_boot {
	char		 btid[BSF_BTID_MAX];
	char		 impi[BSF_IMPI_MAX];
	uint8_t		 rand[16];
	uint8_t		 ks[32];	/* CK || IK */
	int64_t		 created, expires;	/* Unix time */
	char		*guss;		/* malloc'd or NULL */
};
int	bsf_store_open(const char *path, struct bsf_store **);
void	bsf_store_close(struct bsf_store *);
/* Insert, replacing the IMPI's previous bootstrap (TS 33.220 4.5.2). */
int	bsf_store_put(struct bsf_store *, const struct bsf_boot *);
/* A valid (unexpired) bootstrap: 0, -ENOENT, -EIO.  bsf_boot_clear
 * after. */
int	bsf_store_get(struct bsf_store *, const char *btid, int64_t now,
	    struct bsf_boot *);
/* Rows expired at now removed; how many, or -EIO. */
int	bsf_store_purge(struct bsf_store *, int64_t now);
void	bsf_boot_clear(struct bsf_boot *);

/* bsf_zn.c */
int	bsf_zn_init(struct bsf *);
/* The NAF group of fqdn (naf-group), "default" when unlisted. */
const char *bsf_naf_group(const struct bsf_conf *, const char *fqdn,
	    size_t len);

#endif
