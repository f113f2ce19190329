/* hss_db_int.h - what the store's backends share: the operations table
 * each one fills (hss_db.c dispatches every hss_db_* call through it)
 * and the pure parts that do not depend on the database (hss_db.c).
 *
 * Backends: SQLite (hss_db_sqlite*.c, the `db` value a path) and
 * PostgreSQL (hss_db_pg*.c, a postgresql:// or postgres:// URL).
 * Parameters are checked by hss_db.c before a backend sees them.
 */
#ifndef HSS_DB_INT_H
#define HSS_DB_INT_H

#include <stddef.h>
#include <stdint.h>

#include "hss_db.h"

struct hdb_ops {
	const char	*name;
	void	(*close)(struct hss_db *);
	int	(*background)(struct hss_db *);	/* NULL: nothing to do */
	int	(*sub_get)(struct hss_db *, const char *, struct hss_sub *);
	int	(*impu_get)(struct hss_db *, const char *, struct hss_impu *);
	int	(*sqn_commit)(struct hss_db *, const char *, unsigned,
		    const uint64_t *, struct hss_sub *, uint64_t *);
	int	(*assign)(struct hss_db *, const char *, enum hss_reg_state,
		    const char *, const char *, const char *);
	int	(*deregister)(struct hss_db *, const char *, uint32_t,
		    struct hss_impu *, int *);
	int	(*profile_update)(struct hss_db *, const char *, const char *,
		    int *);
	int	(*push_take)(struct hss_db *, const char *, int64_t,
		    struct hss_push *, size_t, size_t *);
	int	(*sub_add)(struct hss_db *, const struct hss_sub *,
		    const char *const *, size_t, const char *);
	int	(*sub_del)(struct hss_db *, const char *);
	int	(*sqn_set)(struct hss_db *, const char *, uint64_t);
	int	(*profile_set)(struct hss_db *, const char *, const char *);
	int	(*sub_foreach)(struct hss_db *,
		    int (*)(void *, const char *), void *);
	int	(*impu_foreach)(struct hss_db *, const char *, int,
		    int (*)(void *, const struct hss_impu *), void *);
	int	(*profile_get)(struct hss_db *, const char *, char **);
	int	(*gba_set)(struct hss_db *, const char *,
		    const struct hss_gba *);
	int	(*gba_unset)(struct hss_db *, const char *);
	int	(*gba_get)(struct hss_db *, const char *, struct hss_gba *);
};

/* Every backend's handle starts with this. */
struct hss_db {
	const struct hdb_ops *ops;
};

int	hdb_sqlite_open(const char *path, struct hss_db **);
int	hdb_pg_open(const char *url, struct hss_db **);

/* TS 33.102 Annex C.1.1.2 / C.3.2, 6.3.5: the n SQNs that follow SQN_HE
 * sqn (or, on resynchronisation with sqn_ms non-NULL, the larger of
 * SQN_HE and SQN_MS by SEQ) into sqns[0..n-1]; *next = sqns[n-1], the new
 * SQN_HE.  -ERANGE when SEQ would run out (nothing to hand out). */
int	hdb_sqn_plan(uint64_t sqn, unsigned ind_bits, const uint64_t *sqn_ms,
	    unsigned n, uint64_t *sqns, uint64_t *next);
/* The same series known by its end: the n SQNs whose last is next (as a
 * backend that computed the new SQN_HE in SQL returns it). */
int	hdb_sqn_series(uint64_t next, unsigned ind_bits, unsigned n,
	    uint64_t *sqns);

/* A uss's uids ("\n"-separated; all: none, NULL in the store) and flags
 * (comma-separated decimal) as stored, and back.  -EINVAL: a uid holds a
 * "\n" or the lists do not fit; -EBADMSG: stored text that is not one. */
#define HDB_UIDS_MAX	(GUSS_MAX_UIDS * GUSS_STR_MAX)
#define HDB_FLAGS_MAX	(GUSS_MAX_FLAGS * 12)
int	hdb_uss_format(const struct gba_uss *, int all, char *uids,
	    char *flags);
int	hdb_uss_parse(const char *id, const char *type, const char *naf_group,
	    const char *uids, const char *flags, struct gba_uss *);

/* A "\n"-separated list of Diameter identities (hss_db_push_take), each
 * lower-cased, between "\n"s ("\nA\nB\n") so that a backend matches a
 * dest_host with one substring search of "\n" || lower(dest_host) || "\n".
 * malloc'd into *out. */
int	hdb_hosts_norm(const char *hosts, char **out);

#endif
