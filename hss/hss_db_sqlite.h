/* hss_db_sqlite.h - internals of the SQLite backend (hss_db_sqlite.c,
 * hss_db_sqlite_admin.c, hss_db_sqlite_gba.c). */
#ifndef HSS_DB_SQLITE_H
#define HSS_DB_SQLITE_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "sql_ckpt.h"
#include "sql_stmts.h"

#include "hss_db_int.h"

struct hdb_sqn_req;

struct hdb_sl {
	struct hss_db	 base;
	sqlite3		*db;
	struct sql_stmts stmts;		/* hdb_prep */
	struct sql_ckpt	*ckpt;		/* hss_db_background */
	char		*path;
	pthread_mutex_t	 mtx;	/* one statement sequence at a time */
	/* Group commit of SQN reservations (hss_db_sqlite_sqn.c): the
	 * queue, whether a leader is committing, under gmtx. */
	pthread_mutex_t	 gmtx;
	pthread_cond_t	 gcond;
	struct hdb_sqn_req *sqn_head, **sqn_tail;
	int		 sqn_leader;
	unsigned long	 sqn_groups, sqn_grouped;	/* transactions, MARs */
};
#define SL(d)	((struct hdb_sl *)(d))

/* All of these expect the mutex held. */
int	hdb_err(struct hdb_sl *, const char *what);
int	hdb_exec(struct hdb_sl *, const char *sql);
/* A statement for sql: one kept from an earlier use of the same text
 * when there is one (parsing and planning are most of a lookup's cost),
 * else a new one.  Give it back with hdb_done. */
int	hdb_prep(struct hdb_sl *, const char *sql, sqlite3_stmt **);
/* Done with st: a kept one is reset for its next use, any other
 * finalized. */
void	hdb_done(struct hdb_sl *, sqlite3_stmt *);
/* sqlite3_bind_text of a string that outlives the statement. */
void	hdb_bind_text(sqlite3_stmt *, int, const char *);
/* Steps a statement that returns no rows, then gives it back (hdb_done): returns
 * sqlite3_changes() (>= 0), -EEXIST on a constraint violation, or
 * hdb_err(what). */
int	hdb_run(struct hdb_sl *, sqlite3_stmt *, const char *what);
/* Steps a query expecting at most one row: 1 when there is one (read it,
 * then finalize), -ENOENT when there is none, or hdb_err(what). */
int	hdb_row(struct hdb_sl *, sqlite3_stmt *, const char *what);
/* BEGIN IMMEDIATE; then hdb_finish(h, rc) with the result rc of the work
 * done inside: COMMIT when rc >= 0 (and return rc, or the COMMIT error),
 * else ROLLBACK and return rc. */
int	hdb_begin(struct hdb_sl *);
int	hdb_finish(struct hdb_sl *, int rc);
/* UPDATE the subscriber's SQN_HE: changes() or <0. */
int	hdb_sqn_write(struct hdb_sl *, const char *impi, uint64_t sqn,
	    const char *what);
void	hdb_col_str(sqlite3_stmt *, int, char *, size_t);
int	hdb_col_blob(sqlite3_stmt *, int, uint8_t *, size_t);
int	hdb_sub_read(struct hdb_sl *, const char *impi, struct hss_sub *);
int	hdb_impu_read(struct hdb_sl *, const char *impu, struct hss_impu *);

/* The operations (hss_db_int.h), no mutex held. */
int	hdb_sl_sub_get(struct hss_db *, const char *, struct hss_sub *);
int	hdb_sl_impu_get(struct hss_db *, const char *, struct hss_impu *);
int	hdb_sl_sqn_commit(struct hss_db *, const char *, unsigned,
	    const uint64_t *, struct hss_sub *, uint64_t *);
int	hdb_sl_assign(struct hss_db *, const char *, enum hss_reg_state,
	    const char *, const char *, const char *);
int	hdb_sl_deregister(struct hss_db *, const char *, uint32_t,
	    struct hss_impu *, int *);
int	hdb_sl_profile_update(struct hss_db *, const char *, const char *,
	    int *);
int	hdb_sl_push_take(struct hss_db *, const char *, int64_t,
	    struct hss_push *, size_t, size_t *);
int	hdb_sl_sub_add(struct hss_db *, const struct hss_sub *,
	    const char *const *, size_t, const char *);
int	hdb_sl_sub_del(struct hss_db *, const char *);
int	hdb_sl_sqn_set(struct hss_db *, const char *, uint64_t);
int	hdb_sl_profile_set(struct hss_db *, const char *, const char *);
int	hdb_sl_sub_foreach(struct hss_db *, int (*)(void *, const char *),
	    void *);
int	hdb_sl_impu_foreach(struct hss_db *, const char *, int,
	    int (*)(void *, const struct hss_impu *), void *);
int	hdb_sl_profile_get(struct hss_db *, const char *, char **);
int	hdb_sl_gba_set(struct hss_db *, const char *, const struct hss_gba *);
int	hdb_sl_gba_unset(struct hss_db *, const char *);
int	hdb_sl_gba_get(struct hss_db *, const char *, struct hss_gba *);

#endif
