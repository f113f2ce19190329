/* sql_stmts.c - prepared statements kept for reuse (sql_stmts.h). */
#include <string.h>

#include "sql_stmts.h"

int
sql_stmts_get(struct sql_stmts *c, sqlite3 *db, const char *sql,
    sqlite3_stmt **st)
{
	size_t i, slot = SQL_STMTS_MAX;
	int rc;

	for (i = 0; i < SQL_STMTS_MAX; i++) {
		if (c->v[i].st == NULL) {
			if (slot == SQL_STMTS_MAX)
				slot = i;
		} else if (!c->v[i].busy &&
		    strcmp(sqlite3_sql(c->v[i].st), sql) == 0) {
			c->v[i].busy = 1;
			*st = c->v[i].st;
			return SQLITE_OK;
		}
	}
	if ((rc = sqlite3_prepare_v2(db, sql, -1, st, NULL)) != SQLITE_OK)
		return rc;
	if (slot < SQL_STMTS_MAX) {
		c->v[slot].st = *st;
		c->v[slot].busy = 1;
	}
	return SQLITE_OK;
}

void
sql_stmts_put(struct sql_stmts *c, sqlite3_stmt *st)
{
	size_t i;

	for (i = 0; i < SQL_STMTS_MAX; i++)
		if (c->v[i].st == st) {
			(void)sqlite3_reset(st);
			(void)sqlite3_clear_bindings(st);
			c->v[i].busy = 0;
			return;
		}
	(void)sqlite3_finalize(st);
}

void
sql_stmts_free(struct sql_stmts *c)
{
	size_t i;

	for (i = 0; i < SQL_STMTS_MAX; i++) {
		(void)sqlite3_finalize(c->v[i].st);
		c->v[i].st = NULL;
	}
}
