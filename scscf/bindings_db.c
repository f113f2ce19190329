/* bindings_db.c - the S-CSCF's registration state in SQLite, so that it
 * survives a restart (TS 24.229 5.4.1.2: the S-CSCF keeps the bindings,
 * Path and associated identities for the registration's lifetime).
 *
 * The writes of one REGISTER go in one transaction (bdb_begin ...
 * bdb_commit, BEGIN IMMEDIATE: the write lock is taken up front, so the
 * commit cannot fail for a lock); bdb_deregister is atomic on its own.
 * Used from the su_root thread only.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "check.h"
#include "log.h"
#include "met.h"
#include "scscf.h"
#include "sql_ckpt.h"
#include "sql_stmts.h"

#define BDB_IMPUS_MAX	32	/* public identities of an IMPI per RTR */

struct bdb {
	sqlite3	*db;
	int	 in_txn;	/* between bdb_begin and commit/rollback */
	struct sql_stmts stmts;	/* prep */
	struct sql_ckpt	*ckpt;	/* bdb_background */
};

/* The store imssec_bindings_active counts at each scrape. */
static char gauge_path[1100];

static const char schema[] =
	"PRAGMA journal_mode=WAL;"
	"CREATE TABLE IF NOT EXISTS registrations ("
	" impu TEXT PRIMARY KEY NOT NULL,"
	" impi TEXT NOT NULL,"
	" assoc TEXT NOT NULL DEFAULT '',"
	" registered INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE IF NOT EXISTS bindings ("
	" impu TEXT NOT NULL,"
	" contact TEXT NOT NULL,"
	" path TEXT NOT NULL DEFAULT '',"
	" expires_at INTEGER NOT NULL,"
	" call_id TEXT NOT NULL DEFAULT '',"
	" cseq INTEGER NOT NULL DEFAULT 0,"
	" PRIMARY KEY (impu, contact));";

static int
bdb_err(struct bdb *b, const char *what)
{
	log_err("bindings_db: %s: %s", what, sqlite3_errmsg(b->db));
	return -EIO;
}

static void
copy_col(sqlite3_stmt *st, int col, char *buf, size_t size)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	if (size == 0)
		return;
	(void)snprintf(buf, size, "%s", t != NULL ? (const char *)t : "");
}

/* Done with st (prep). */
static void
done(struct bdb *b, sqlite3_stmt *st)
{
	sql_stmts_put(&b->stmts, st);
}

/* A statement for sql (kept from an earlier use when there is one,
 * sql_stmts.h) with the text arguments bound (NULL ends the list).  Give
 * it back with done(). */
static int
prep(struct bdb *b, sqlite3_stmt **st, const char *sql, const char *a1,
    const char *a2)
{
	if (sql_stmts_get(&b->stmts, b->db, sql, st) != SQLITE_OK)
		return bdb_err(b, sql);
	if ((a1 != NULL && sqlite3_bind_text(*st, 1, a1, -1,
	    SQLITE_TRANSIENT) != SQLITE_OK) ||
	    (a2 != NULL && sqlite3_bind_text(*st, 2, a2, -1,
	    SQLITE_TRANSIENT) != SQLITE_OK)) {
		done(b, *st);
		return bdb_err(b, "bind");
	}
	return 0;
}

static int
run(struct bdb *b, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	done(b, st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return bdb_err(b, "step");
	return 0;
}

static int
exec_sql(struct bdb *b, const char *sql)
{
	char *err = NULL;

	if (sqlite3_exec(b->db, sql, NULL, NULL, &err) != SQLITE_OK) {
		log_err("bindings_db: %s: %s", sql,
		    err != NULL ? err : sqlite3_errmsg(b->db));
		sqlite3_free(err);
		return -EIO;
	}
	return 0;
}

/* imssec_bindings_active (met.h), read at each scrape on the metrics
 * thread through a connection of its own (WAL: the committed state),
 * not counted after every REGISTER on the SIP loop (a scan of the
 * table); the last count when the store cannot be read. */
static int64_t
bindings_count(void)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	static int64_t n;

	if (sqlite3_open_v2(gauge_path, &db, SQLITE_OPEN_READONLY, NULL) ==
	    SQLITE_OK && sqlite3_busy_timeout(db, 500) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM bindings", -1, &st,
	    NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	(void)sqlite3_finalize(st);
	(void)sqlite3_close(db);
	return n;
}

void
bdb_gauge_use(const char *path)
{
	(void)snprintf(gauge_path, sizeof(gauge_path), "%s", path);
	met_bindings.read = bindings_count;
}

int
bdb_begin(struct bdb *b)
{
	IMS_CHECK_PARAMS(b != NULL && !b->in_txn);
	IMS_CHECK_RC(exec_sql(b, "BEGIN IMMEDIATE"));
	b->in_txn = 1;
	return 0;
}

void
bdb_rollback(struct bdb *b)
{
	if (b == NULL || !b->in_txn)
		return;
	/* SQLite may have rolled back already (e.g. SQLITE_FULL). */
	if (!sqlite3_get_autocommit(b->db))
		(void)exec_sql(b, "ROLLBACK");
	b->in_txn = 0;
}

int
bdb_commit(struct bdb *b)
{
	IMS_CHECK_PARAMS(b != NULL && b->in_txn);
	if (exec_sql(b, "COMMIT") < 0) {
		bdb_rollback(b);
		return -EIO;
	}
	b->in_txn = 0;
	return 0;
}

int
bdb_open(const char *path, int full, struct bdb **out)
{
	struct bdb *b;
	char *err = NULL;

	IMS_CHECK_PARAMS(path != NULL && out != NULL);
	IMS_CHECK_MALLOC(b = calloc(1, sizeof(*b)));
	if (sqlite3_open(path, &b->db) != SQLITE_OK) {
		log_err("bindings_db: %s: %s", path, sqlite3_errmsg(b->db));
		(void)sqlite3_close(b->db);
		free(b);
		return -EIO;
	}
	if (sqlite3_busy_timeout(b->db, 2000) != SQLITE_OK ||
	    sqlite3_exec(b->db, schema, NULL, NULL, &err) != SQLITE_OK ||
	    sqlite3_exec(b->db, full ? "PRAGMA synchronous=FULL;" :
	    "PRAGMA synchronous=NORMAL;", NULL, NULL, &err) != SQLITE_OK) {
		log_err("bindings_db: schema: %s", err ? err : "?");
		sqlite3_free(err);
		(void)sqlite3_close(b->db);
		free(b);
		return -EIO;
	}
	*out = b;
	return 0;
}

int
bdb_background(struct bdb *b, const char *path)
{
	IMS_CHECK_PARAMS(b != NULL && path != NULL && b->ckpt == NULL);
	/* Every 500 ms: the WAL stays small, the SIP loop never copies it. */
	return sql_ckpt_start(b->db, path, 500, &b->ckpt);
}

void
bdb_close(struct bdb *b)
{
	if (b == NULL)
		return;
	bdb_rollback(b);
	sql_ckpt_stop(b->ckpt);
	sql_stmts_free(&b->stmts);
	(void)sqlite3_close(b->db);
	free(b);
}

int
bdb_reg_get(struct bdb *b, const char *impu, char *impi, size_t impisz,
    int *registered, char *assoc, size_t assocsz)
{
	sqlite3_stmt *st;
	int rc;

	IMS_CHECK_RC(prep(b, &st, "SELECT impi, registered, assoc FROM"
	    " registrations WHERE impu = ?", impu, NULL));
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		if (impi != NULL)
			copy_col(st, 0, impi, impisz);
		if (registered != NULL)
			*registered = sqlite3_column_int(st, 1);
		if (assoc != NULL)
			copy_col(st, 2, assoc, assocsz);
	}
	done(b, st);
	if (rc == SQLITE_DONE)
		return -ENOENT;
	if (rc != SQLITE_ROW)
		return bdb_err(b, "reg_get");
	return 0;
}

int
bdb_reg_put(struct bdb *b, const char *impu, const char *impi,
    const char *assoc, int registered)
{
	sqlite3_stmt *st;

	IMS_CHECK_RC(prep(b, &st, "INSERT INTO registrations"
	    " (impu, impi, assoc, registered) VALUES (?, ?, ?, ?)"
	    " ON CONFLICT(impu) DO UPDATE SET impi = excluded.impi,"
	    " assoc = excluded.assoc, registered = excluded.registered",
	    impu, impi));
	if (sqlite3_bind_text(st, 3, assoc ? assoc : "", -1,
	    SQLITE_TRANSIENT) != SQLITE_OK ||
	    sqlite3_bind_int(st, 4, registered) != SQLITE_OK) {
		done(b, st);
		return bdb_err(b, "bind");
	}
	return run(b, st);
}

int
bdb_binding_put(struct bdb *b, const char *impu, const struct binding *bn)
{
	sqlite3_stmt *st;

	IMS_CHECK_RC(prep(b, &st, "INSERT OR REPLACE INTO bindings"
	    " (impu, contact, path, expires_at, call_id, cseq)"
	    " VALUES (?, ?, ?, ?, ?, ?)", impu, bn->contact));
	if (sqlite3_bind_text(st, 3, bn->path, -1, SQLITE_TRANSIENT) !=
	    SQLITE_OK ||
	    sqlite3_bind_int64(st, 4, bn->expires_at) != SQLITE_OK ||
	    sqlite3_bind_text(st, 5, bn->call_id, -1, SQLITE_TRANSIENT) !=
	    SQLITE_OK ||
	    sqlite3_bind_int64(st, 6, bn->cseq) != SQLITE_OK) {
		done(b, st);
		return bdb_err(b, "bind");
	}
	return run(b, st);
}

int
bdb_binding_del(struct bdb *b, const char *impu, const char *contact)
{
	sqlite3_stmt *st;

	IMS_CHECK_RC(prep(b, &st, "DELETE FROM bindings WHERE impu = ? AND"
	    " contact = ?", impu, contact));
	return run(b, st);
}

static int
deregister(struct bdb *b, const char *impu)
{
	sqlite3_stmt *st;

	IMS_CHECK_RC(prep(b, &st, "DELETE FROM bindings WHERE impu = ?", impu,
	    NULL));
	IMS_CHECK_RC(run(b, st));
	IMS_CHECK_RC(prep(b, &st, "UPDATE registrations SET registered = 0"
	    " WHERE impu = ?", impu, NULL));
	return run(b, st);
}

int
bdb_deregister(struct bdb *b, const char *impu)
{
	int rc;

	if (b->in_txn)
		return deregister(b, impu);	/* the caller's transaction */
	IMS_CHECK_RC(bdb_begin(b));
	if ((rc = deregister(b, impu)) < 0) {
		bdb_rollback(b);
		return rc;
	}
	return bdb_commit(b);
}

int
bdb_bindings_get(struct bdb *b, const char *impu, int64_t now,
    struct binding *out, size_t max, size_t *n)
{
	sqlite3_stmt *st;
	int rc;

	*n = 0;
	IMS_CHECK_RC(prep(b, &st, "SELECT contact, path, expires_at, call_id,"
	    " cseq FROM bindings WHERE impu = ? AND expires_at > ?"
	    " ORDER BY expires_at DESC", impu, NULL));
	if (sqlite3_bind_int64(st, 2, now) != SQLITE_OK) {
		done(b, st);
		return bdb_err(b, "bind");
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < max) {
		struct binding *bn = &out[(*n)++];

		copy_col(st, 0, bn->contact, sizeof(bn->contact));
		copy_col(st, 1, bn->path, sizeof(bn->path));
		bn->expires_at = sqlite3_column_int64(st, 2);
		copy_col(st, 3, bn->call_id, sizeof(bn->call_id));
		bn->cseq = (uint32_t)sqlite3_column_int64(st, 4);
	}
	done(b, st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return bdb_err(b, "bindings_get");
	return 0;
}

int
bdb_expire(struct bdb *b, int64_t now,
    void (*fn)(void *, const char *, const char *), void *arg)
{
	sqlite3_stmt *st;
	char impu[SCSCF_ID_MAX], impi[SCSCF_ID_MAX];
	int rc;

	IMS_CHECK_RC(prep(b, &st, "DELETE FROM bindings WHERE expires_at <= ?",
	    NULL, NULL));
	if (sqlite3_bind_int64(st, 1, now) != SQLITE_OK) {
		done(b, st);
		return bdb_err(b, "bind");
	}
	IMS_CHECK_RC(run(b, st));
	if (sqlite3_changes(b->db) == 0)
		return 0;
	/* One identity at a time: fn may write to the store. */
	for (;;) {
		IMS_CHECK_RC(prep(b, &st, "SELECT impu, impi FROM registrations r"
		    " WHERE registered = 1 AND NOT EXISTS (SELECT 1 FROM"
		    " bindings b WHERE b.impu = r.impu) LIMIT 1", NULL, NULL));
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			copy_col(st, 0, impu, sizeof(impu));
			copy_col(st, 1, impi, sizeof(impi));
		}
		done(b, st);
		if (rc == SQLITE_DONE)
			return 0;
		if (rc != SQLITE_ROW)
			return bdb_err(b, "expire");
		IMS_CHECK_RC(bdb_deregister(b, impu));
		fn(arg, impu, impi);
	}
}

int
bdb_impus_of(struct bdb *b, const char *impi,
    void (*fn)(void *, const char *), void *arg)
{
	sqlite3_stmt *st;
	char impus[BDB_IMPUS_MAX][SCSCF_ID_MAX];
	size_t n = 0, i;
	int rc;

	IMS_CHECK_RC(prep(b, &st, "SELECT impu FROM registrations WHERE"
	    " impi = ? AND registered = 1", impi, NULL));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW &&
	    n < sizeof(impus) / sizeof(impus[0]))
		copy_col(st, 0, impus[n++], SCSCF_ID_MAX);
	done(b, st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return bdb_err(b, "impus_of");
	for (i = 0; i < n; i++)
		fn(arg, impus[i]);
	return 0;
}
