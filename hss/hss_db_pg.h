/* hss_db_pg.h - internals of the PostgreSQL backend (hss_db_pg.c,
 * hss_db_pg_admin.c, hss_db_pg_gba.c).
 *
 * One libpq connection per process, shared by the freeDiameter dispatch
 * threads under a mutex, like the SQLite one; several processes (hss
 * replicas, hss-ctl) share the database.  Every statement is prepared
 * once per connection (PQprepare) and run with text parameters; a
 * statement on its own runs as its own transaction (autocommit), which
 * PostgreSQL makes durable before answering (synchronous_commit = on, set
 * on every connection).
 */
#ifndef HSS_DB_PG_H
#define HSS_DB_PG_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include <libpq-fe.h>

#include "hss_db_int.h"

#define HDB_PG_MAX_STMTS	48
#define HDB_PG_TRIES		5	/* a transaction, on 40001/40P01 */

struct hdb_pg {
	struct hss_db	 base;
	PGconn		*conn;
	pthread_mutex_t	 mtx;	/* one statement sequence at a time */
	int		 in_tx;
	/* The statements prepared on this connection, by their SQL text
	 * (static strings: compared by address); named "hss_<index>". */
	const char	*prepared[HDB_PG_MAX_STMTS];
	size_t		 nprepared;
};
#define PG(d)	((struct hdb_pg *)(d))

/* All of these expect the mutex held. */
/* Runs sql (a static string) as a prepared statement with n text
 * parameters (NULL: SQL NULL).  *res (PQclear it) holds the rows of a
 * query.  Returns the number of rows affected or returned (>= 0),
 * -EEXIST on an integrity violation (SQLSTATE class 23), -EAGAIN on a
 * serialization failure or deadlock (a transaction to retry), -EIO on
 * anything else (logged as what).  res may be NULL. */
int	hdb_pg_run(struct hdb_pg *, const char *sql, int n,
	    const char *const *v, PGresult **res, const char *what);
/* BEGIN; then hdb_pg_finish(h, rc): COMMIT when rc >= 0 (returns rc, or
 * the COMMIT's error), else ROLLBACK and returns rc. */
int	hdb_pg_begin(struct hdb_pg *);
int	hdb_pg_finish(struct hdb_pg *, int rc);
/* fn(h, arg) between BEGIN and COMMIT, the mutex held, begun again (at
 * most HDB_PG_TRIES times) when the server aborted it for a
 * serialization failure or a deadlock (-EAGAIN).  fn's result or <0. */
int	hdb_pg_txn(struct hdb_pg *, int (*fn)(struct hdb_pg *, void *),
	    void *arg);
/* Field (row, col) into buf ("" for NULL). */
void	hdb_pg_str(const PGresult *, int row, int col, char *buf, size_t);
int64_t	hdb_pg_i64(const PGresult *, int row, int col);
/* Wipes the text of the given columns of every row (key material),
 * then PQclear. */
void	hdb_pg_clear_wiped(PGresult *, int col0, int ncols);

/* The SELECT list of a public identity with its registration
 * (hdb_pg_impu_row reads it). */
#define HDB_PG_IMPU_COLS \
	"SELECT p.impu, p.impi, p.barred, p.irs, coalesce(p.profile_id, ''),"\
	" coalesce(r.state, 0), coalesce(r.scscf, ''),"			\
	" coalesce(r.assigned_at, 0), coalesce(r.scscf_host, ''),"	\
	" coalesce(r.scscf_realm, '')"
#define HDB_PG_IMPU_SELECT HDB_PG_IMPU_COLS \
	" FROM public_identities p LEFT JOIN registrations r"		\
	" ON r.impu = p.impu "
void	hdb_pg_impu_row(const PGresult *, int row, struct hss_impu *);

/* The operations (hss_db_int.h), no mutex held. */
int	hdb_pg_deregister(struct hss_db *, const char *, uint32_t,
	    struct hss_impu *, int *);
int	hdb_pg_profile_update(struct hss_db *, const char *, const char *,
	    int *);
int	hdb_pg_push_take(struct hss_db *, const char *, int64_t,
	    struct hss_push *, size_t, size_t *);
int	hdb_pg_sub_add(struct hss_db *, const struct hss_sub *,
	    const char *const *, size_t, const char *);
int	hdb_pg_sub_del(struct hss_db *, const char *);
int	hdb_pg_sqn_set(struct hss_db *, const char *, uint64_t);
int	hdb_pg_profile_set(struct hss_db *, const char *, const char *);
int	hdb_pg_gba_set(struct hss_db *, const char *, const struct hss_gba *);
int	hdb_pg_gba_unset(struct hss_db *, const char *);
int	hdb_pg_gba_get(struct hss_db *, const char *, struct hss_gba *);

#endif
