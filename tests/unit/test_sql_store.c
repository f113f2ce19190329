/* test_sql_store.c - common/store: prepared statements kept for reuse
 * (sql_stmts: the same text gets the same statement back, reset and
 * unbound; one in use is never handed out twice; a full cache still
 * works) and WAL checkpoints on a thread of their own (sql_ckpt: with the
 * hot connection's automatic checkpoints off, the thread copies the WAL
 * into the database; stopping gives them back). */
#include <sys/stat.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sql_ckpt.h"
#include "sql_stmts.h"
#include "t.h"

static off_t
size_of(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 ? sb.st_size : -1;
}

/* PRAGMA wal_autocheckpoint of db, or -1. */
static int
autockpt(sqlite3 *db)
{
	sqlite3_stmt *st;
	int v = -1;

	if (sqlite3_prepare_v2(db, "PRAGMA wal_autocheckpoint", -1, &st,
	    NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	(void)sqlite3_finalize(st);
	return v;
}

static void
stmts(sqlite3 *db)
{
	struct sql_stmts c;
	sqlite3_stmt *a, *b, *x, *many[SQL_STMTS_MAX + 2];
	char sql[64];
	size_t i;
	int ok = 1;

	memset(&c, 0, sizeof(c));
	T_CHECK(sql_stmts_get(&c, db, "SELECT ?1 + 1", &a) == SQLITE_OK,
	    "prepare");
	T_CHECK(sqlite3_bind_int(a, 1, 41) == SQLITE_OK &&
	    sqlite3_step(a) == SQLITE_ROW && sqlite3_column_int(a, 0) == 42,
	    "first use");
	T_CHECK(sql_stmts_get(&c, db, "SELECT ?1 + 1", &b) == SQLITE_OK &&
	    b != a, "one in use is not handed out again");
	sql_stmts_put(&c, b);
	sql_stmts_put(&c, a);
	T_CHECK(sql_stmts_get(&c, db, "SELECT ?1 + 1", &x) == SQLITE_OK &&
	    (x == a || x == b), "the same text: a kept statement back");
	T_CHECK(sqlite3_step(x) == SQLITE_ROW &&
	    sqlite3_column_type(x, 0) == SQLITE_NULL,
	    "reset and unbound (NULL + 1 is NULL)");
	sql_stmts_put(&c, x);
	T_CHECK(sql_stmts_get(&c, db, "SELECT 2", &x) == SQLITE_OK &&
	    x != a && x != b, "another text: another statement");
	sql_stmts_put(&c, x);
	for (i = 0; i < SQL_STMTS_MAX + 2; i++) {
		(void)snprintf(sql, sizeof(sql), "SELECT %zu", i + 100);
		if (sql_stmts_get(&c, db, sql, &many[i]) != SQLITE_OK ||
		    sqlite3_step(many[i]) != SQLITE_ROW ||
		    sqlite3_column_int(many[i], 0) != (int)i + 100)
			ok = 0;
	}
	for (i = 0; i < SQL_STMTS_MAX + 2; i++)
		sql_stmts_put(&c, many[i]);	/* beyond the cache: finalized */
	T_CHECK(ok, "more statements than the cache holds still work");
	T_CHECK(sql_stmts_get(&c, db, "SELECT nonsense FROM", &x) !=
	    SQLITE_OK, "bad SQL: SQLite's error");
	sql_stmts_free(&c);
}

static void
ckpt(const char *path)
{
	struct sql_ckpt *k = NULL;
	sqlite3 *db;
	off_t before;
	char wal[320];
	int i, ok = 1;

	(void)snprintf(wal, sizeof(wal), "%s-wal", path);
	T_CHECK(sqlite3_open(path, &db) == SQLITE_OK &&
	    sqlite3_exec(db, "PRAGMA journal_mode=WAL;"
	    "CREATE TABLE t (x BLOB);", NULL, NULL, NULL) == SQLITE_OK,
	    "a WAL store");
	T_CHECK(sql_ckpt_start(db, path, 50, &k) == 0, "start");
	before = size_of(path);
	for (i = 0; i < 200 && ok; i++)
		ok = sqlite3_exec(db, "INSERT INTO t VALUES (randomblob(4000))",
		    NULL, NULL, NULL) == SQLITE_OK;
	T_CHECK(ok, "200 commits");
	T_CHECK(autockpt(db) == 0, "the hot connection's automatic "
	    "checkpoints are off");
	for (i = 0; i < 40 && size_of(path) <= before + 200 * 4000; i++)
		usleep(50000);
	T_CHECK(size_of(path) > before + 200 * 4000, "the thread copied the "
	    "WAL into the database (%lld bytes)", (long long)size_of(path));
	sql_ckpt_stop(k);
	T_CHECK(autockpt(db) == 1000, "stopped: automatic checkpoints back");
	T_CHECK(sqlite3_exec(db, "SELECT count(*) FROM t", NULL, NULL,
	    NULL) == SQLITE_OK, "the store still answers");
	T_CHECK(sql_ckpt_start(db, "/nonexistent/dir/x.db", 50, &k) < 0,
	    "a store that cannot be opened: an error");
	(void)sqlite3_close(db);
	(void)unlink(wal);
}

int
main(void)
{
	char dir[] = "/tmp/test_sql_store.XXXXXX", path[300], shm[320];
	sqlite3 *db;

	if (mkdtemp(dir) == NULL)
		return 1;
	(void)snprintf(path, sizeof(path), "%s/s.db", dir);
	T_CHECK(sqlite3_open(":memory:", &db) == SQLITE_OK, "open");
	stmts(db);
	(void)sqlite3_close(db);
	ckpt(path);
	(void)snprintf(shm, sizeof(shm), "%s-shm", path);
	(void)unlink(shm);
	(void)unlink(path);
	(void)rmdir(dir);
	return t_done("test_sql_store");
}
