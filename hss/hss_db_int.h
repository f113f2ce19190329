/* hss_db_int.h - internals shared by hss_db.c and hss_db_admin.c. */
#ifndef HSS_DB_INT_H
#define HSS_DB_INT_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

struct hss_db;
struct hss_sub;

struct hss_db {
	sqlite3		*db;
	pthread_mutex_t	 mtx;	/* one statement sequence at a time */
};

/* All of these expect the mutex held. */
int	hdb_err(struct hss_db *, const char *what);
int	hdb_exec(struct hss_db *, const char *sql);
int	hdb_prep(struct hss_db *, const char *sql, sqlite3_stmt **);
/* sqlite3_bind_text of a string that outlives the statement. */
void	hdb_bind_text(sqlite3_stmt *, int, const char *);
/* Steps a statement that returns no rows, then finalizes it: returns
 * sqlite3_changes() (>= 0), -EEXIST on a constraint violation, or
 * hdb_err(what). */
int	hdb_run(struct hss_db *, sqlite3_stmt *, const char *what);
/* Steps a query expecting at most one row: 1 when there is one (read it,
 * then finalize), -ENOENT when there is none, or hdb_err(what). */
int	hdb_row(struct hss_db *, sqlite3_stmt *, const char *what);
/* BEGIN IMMEDIATE; then hdb_finish(h, rc) with the result rc of the work
 * done inside: COMMIT when rc >= 0 (and return rc, or the COMMIT error),
 * else ROLLBACK and return rc. */
int	hdb_begin(struct hss_db *);
int	hdb_finish(struct hss_db *, int rc);
/* UPDATE the subscriber's SQN_HE: changes() or <0. */
int	hdb_sqn_write(struct hss_db *, const char *impi, uint64_t sqn,
	    const char *what);
void	hdb_col_str(sqlite3_stmt *, int, char *, size_t);
int	hdb_col_blob(sqlite3_stmt *, int, uint8_t *, size_t);
int	hdb_sub_read(struct hss_db *, const char *impi, struct hss_sub *);

#endif
