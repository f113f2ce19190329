/* hss_db.h - the HSS subscriber store, one API over two backends:
 * SQLite (a file; WAL mode, synchronous=FULL), the embedded default, and
 * PostgreSQL (libpq), which several hss processes can share.
 *
 * An SQN handed out in a vector is committed before the function that
 * reserved it returns (hss_db_sqn_commit), so a crash at any point never
 * leads to a reused SQN (TS 33.102 6.3.2, Annex C.1.1); every
 * read-modify-write below is one transaction, atomic across processes.
 */
#ifndef HSS_DB_H
#define HSS_DB_H

#include <stddef.h>
#include <stdint.h>

#include "guss.h"

#define HSS_ID_MAX	256
#define HSS_VNI_MAX	512
#define HSS_SQN_BATCH	8	/* vectors per MAR at most */

struct hss_db;

/* A subscription (IMPI) with its AKA data. */
struct hss_sub {
	char		 impi[HSS_ID_MAX];
	uint8_t		 k[16];
	uint8_t		 opc[16];
	uint8_t		 amf[2];
	uint64_t	 sqn;		/* SQN_HE: the last SQN handed out */
	unsigned	 ind_bits;
	/* Roaming rules: allowed Visited-Network-Identifiers, comma
	 * separated; "*" any network (TS 29.228 6.1.1.1 step 3). */
	char		 visited[HSS_VNI_MAX];
};

/* Registration state of a public identity (TS 29.228 Annex B 8.1). */
enum hss_reg_state {
	HSS_NOT_REGISTERED = 0,
	HSS_REGISTERED = 1,
	HSS_UNREGISTERED = 2,	/* S-CSCF holds the profile for services */
};

struct hss_impu {
	char		 impu[HSS_ID_MAX];
	char		 impi[HSS_ID_MAX];
	int		 barred;
	int		 irs;		/* implicit registration set id */
	char		 profile[HSS_ID_MAX];	/* service profile id or "" */
	enum hss_reg_state state;
	char		 scscf[HSS_ID_MAX];	/* assigned S-CSCF or "" */
	char		 scscf_host[HSS_ID_MAX]; /* its Diameter identity */
	char		 scscf_realm[HSS_ID_MAX];
	int64_t		 assigned_at;
};

/* db: a path (SQLite; created if missing) or a libpq connection URI,
 * postgresql://[USER@]HOST[:PORT]/DBNAME[?PARAM=VALUE...] (or
 * postgres://); the tables are created if missing on either. */
int	hss_db_open(const char *db, struct hss_db **);
void	hss_db_close(struct hss_db *);
/* The daemon's upkeep of its store, started once it is open (SQLite: WAL
 * checkpoints on a thread of their own, sql_ckpt.h).  0 or -errno. */
int	hss_db_background(struct hss_db *);
/* 1 when db names a PostgreSQL store (a URI), 0 for a file. */
int	hss_db_is_url(const char *db);
/* db as it may be logged: a URI's password (user:PASSWORD@ or
 * password=) replaced by "***". */
void	hss_db_display(const char *db, char *buf, size_t size);
/* The backend of an open store: "sqlite" or "postgresql". */
const char *hss_db_backend(const struct hss_db *);

/* -ENOENT when absent.  Key material in *sub: wipe it after use. */
int	hss_db_sub_get(struct hss_db *, const char *impi, struct hss_sub *);
int	hss_db_impu_get(struct hss_db *, const char *impu, struct hss_impu *);

/* Reserves n (1..HSS_SQN_BATCH) consecutive SQNs for impi and COMMITs
 * them durably before returning.  With sqn_ms non-NULL (resynchronisation,
 * TS 33.102 6.3.5) the series restarts after *sqn_ms.  Fills *sub (keys
 * and AMF, SQN_HE after the reservation) and sqns[0..n-1]. */
int	hss_db_sqn_commit(struct hss_db *, const char *impi, unsigned n,
	    const uint64_t *sqn_ms, struct hss_sub *sub, uint64_t *sqns);

/* Sets, in one statement, the state and the S-CSCF (NULL keeps it, ""
 * clears it and its Diameter identity) of every public identity in the
 * implicit registration set of impu, and the S-CSCF's Diameter identity
 * (host and realm, both or neither; NULL keeps it), needed to address an
 * RTR or PPR to it later.  -ENOENT: no such impu. */
int	hss_db_assign(struct hss_db *, const char *impu, enum hss_reg_state,
	    const char *scscf, const char *host, const char *realm);

/* A queued Registration-Termination-Request (TS 29.228 6.1.3, kind 0) or
 * Push-Profile-Request (TS 29.228 6.2.1, kind 1). */
#define HSS_PUSH_RTR	0
#define HSS_PUSH_PPR	1
struct hss_push {
	int64_t		 id;
	int		 kind;
	char		 impi[HSS_ID_MAX];
	char		 impu[HSS_ID_MAX];
	char		 dest_host[HSS_ID_MAX];
	char		 dest_realm[HSS_ID_MAX];
	uint32_t	 reason;
};
/* hss-ctl deregister: de-registers the implicit registration set of impu
 * and, if an S-CSCF held it, queues an RTR (*queued = 1), atomically.
 * *u gets the identity as it was before. */
int	hss_db_deregister(struct hss_db *, const char *impu, uint32_t reason,
	    struct hss_impu *u, int *queued);
/* hss-ctl set-ifc: replaces the IMPI's service profile (named after the
 * IMPI, given to all its public identities) and queues a PPR when an
 * S-CSCF holds the registration (*queued = 1).  -ENOENT: no such IMPI. */
int	hss_db_profile_update(struct hss_db *, const char *impi,
	    const char *xml, int *queued);
/* The hss: takes (deletes, atomically: sent at most once by one hss) up
 * to max queued RTRs/PPRs, in queue order, whose dest_host is one of
 * hosts (Diameter identities, "\n"-separated, compared ignoring case:
 * the peers this hss has a connection to; NULL: any), or that were queued
 * before expire (Unix time; 0: none), which the caller drops. */
int	hss_db_push_take(struct hss_db *, const char *hosts, int64_t expire,
	    struct hss_push *, size_t max, size_t *n);

/* Administration (hss-ctl).  -EEXIST on a duplicate; all or nothing.
 * With ifc_xml, a service profile named after the IMPI holds it and every
 * public identity points to it. */
int	hss_db_sub_add(struct hss_db *, const struct hss_sub *,
	    const char *const *impus, size_t nimpus, const char *ifc_xml);
int	hss_db_sub_del(struct hss_db *, const char *impi);
int	hss_db_sqn_set(struct hss_db *, const char *impi, uint64_t sqn);
int	hss_db_profile_set(struct hss_db *, const char *id, const char *xml);
/* Calls fn for each IMPI, in order. */
int	hss_db_sub_foreach(struct hss_db *,
	    int (*fn)(void *, const char *impi), void *arg);
/* Calls fn for each public identity of impi; irs >= 0 restricts to that
 * implicit registration set. */
int	hss_db_impu_foreach(struct hss_db *, const char *impi, int irs,
	    int (*fn)(void *, const struct hss_impu *), void *arg);
/* The iFC XML text of a service profile (malloc'd) or -ENOENT. */
int	hss_db_profile_get(struct hss_db *, const char *id, char **xml);

/* GBA User Security Settings of an IMPI (TS 33.220 4.2.1, TS 29.109
 * Annex A), hss_db_gba.c.  Nothing stored: the default GUSS applies
 * (hss_guss.c).  In a stored uss, all_uids[i] means "every public
 * identity of the IMPI at the time of the MAR" (uss.uids unused). */
struct hss_gba {
	int		 stored;	/* 0: nothing set (default) */
	int64_t		 updated_at;	/* Unix time of the last change */
	struct gba_guss	 guss;
	unsigned char	 all_uids[GUSS_MAX_USS];
};
/* Replaces the IMPI's settings (g->guss.n_uss 0: GBA refused at every
 * NAF).  -ENOENT: no such IMPI. */
int	hss_db_gba_set(struct hss_db *, const char *impi,
	    const struct hss_gba *);
/* Back to the default.  -ENOENT: no such IMPI. */
int	hss_db_gba_unset(struct hss_db *, const char *impi);
/* The stored settings (g->stored 0 when none).  -ENOENT: no such IMPI. */
int	hss_db_gba_get(struct hss_db *, const char *impi, struct hss_gba *);

/* hss_guss.c: the GUSS document (TS 29.109 Annex A) of an IMPI as the Zh
 * MAA carries it, built from the store now: the stored settings, or the
 * default (one uss, id 1, type 0, no nafGroup: every NAF; uids: every
 * public identity of the IMPI that is not barred; no flags; no
 * lifeTime: the BSF's own applies).  *xml is malloc'd; *updated_at gets
 * the time of the last gba-set (0 for the default).  -ENOENT: no such
 * IMPI. */
int	hss_guss(struct hss_db *, const char *impi, char **xml, size_t *len,
	    int64_t *updated_at);

#endif
