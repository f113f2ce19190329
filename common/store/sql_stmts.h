/* sql_stmts.h - prepared SQLite statements kept for reuse by their SQL
 * text: parsing and planning cost a store's look-up more than the look-up
 * itself.  One cache per connection, used under whatever serialises that
 * connection.
 */
#ifndef IMS_SQL_STMTS_H
#define IMS_SQL_STMTS_H

#include <sqlite3.h>

#define SQL_STMTS_MAX	32

struct sql_stmts {
	struct {
		sqlite3_stmt	*st;
		int		 busy;
	} v[SQL_STMTS_MAX];
};

/* A statement for sql: a kept one not in use, else a new one (kept while
 * there is room).  SQLite's result code. */
int	sql_stmts_get(struct sql_stmts *, sqlite3 *, const char *sql,
	    sqlite3_stmt **);
/* Done with st: a kept one is reset and unbound for its next use, any
 * other finalized. */
void	sql_stmts_put(struct sql_stmts *, sqlite3_stmt *);
/* Every kept statement finalized (before sqlite3_close). */
void	sql_stmts_free(struct sql_stmts *);

#endif
