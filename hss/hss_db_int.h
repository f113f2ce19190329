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
void	hdb_col_str(sqlite3_stmt *, int, char *, size_t);
int	hdb_col_blob(sqlite3_stmt *, int, uint8_t *, size_t);
int	hdb_sub_read(struct hss_db *, const char *impi, struct hss_sub *);

#endif
