/* hss_db_sqlite.c - the HSS subscriber store over SQLite (the backend of a
 * `db` that is a path; hss_db.c).
 *
 * One connection shared by the freeDiameter dispatch threads under a
 * mutex (SQN reservations grouped, hss_db_sqlite_sqn.c); other processes (hss-ctl) use the same file, WAL mode lets them
 * read while the HSS writes and busy_timeout serialises writers.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "aka.h"
#include "check.h"
#include "hss_db.h"
#include "hss_db_sqlite.h"
#include "log.h"
#include "util.h"


static const char schema[] =
	"CREATE TABLE IF NOT EXISTS subscribers ("
	" impi TEXT PRIMARY KEY NOT NULL,"
	" k BLOB NOT NULL CHECK (length(k) = 16),"
	" opc BLOB NOT NULL CHECK (length(opc) = 16),"
	" amf BLOB NOT NULL CHECK (length(amf) = 2),"
	" sqn INTEGER NOT NULL CHECK (sqn BETWEEN 0 AND 281474976710655),"
	" ind_bits INTEGER NOT NULL DEFAULT 5 CHECK (ind_bits BETWEEN 0 AND 5),"
	" visited_networks TEXT NOT NULL DEFAULT '*');"
	"CREATE TABLE IF NOT EXISTS service_profiles ("
	" id TEXT PRIMARY KEY NOT NULL,"
	" ifc_xml TEXT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS public_identities ("
	" impu TEXT PRIMARY KEY NOT NULL,"
	" impi TEXT NOT NULL REFERENCES subscribers(impi) ON DELETE CASCADE,"
	" barred INTEGER NOT NULL DEFAULT 0,"
	" irs INTEGER NOT NULL DEFAULT 1,"
	" profile_id TEXT REFERENCES service_profiles(id));"
	"CREATE INDEX IF NOT EXISTS public_identities_impi"
	" ON public_identities(impi);"
	"CREATE TABLE IF NOT EXISTS registrations ("
	" impu TEXT PRIMARY KEY NOT NULL"
	"  REFERENCES public_identities(impu) ON DELETE CASCADE,"
	" state INTEGER NOT NULL DEFAULT 0,"
	" scscf TEXT NOT NULL DEFAULT '',"
	" scscf_host TEXT NOT NULL DEFAULT '',"
	" scscf_realm TEXT NOT NULL DEFAULT '',"
	" assigned_at INTEGER NOT NULL DEFAULT 0);"
	/* RTRs (kind 0) queued by hss-ctl deregister and PPRs (kind 1) by
	 * hss-ctl set-ifc, sent by the running hss (hss_rtr.c). */
	"CREATE TABLE IF NOT EXISTS push_queue ("
	" id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" kind INTEGER NOT NULL DEFAULT 0,"
	" impi TEXT NOT NULL, impu TEXT NOT NULL,"
	" dest_host TEXT NOT NULL, dest_realm TEXT NOT NULL,"
	" reason INTEGER NOT NULL DEFAULT 0,"
	" queued_at INTEGER NOT NULL);"
	/* GBA User Security Settings (hss_db_gba.c); added later, hence
	 * IF NOT EXISTS on every open: older stores gain them. */
	"CREATE TABLE IF NOT EXISTS gba_settings ("
	" impi TEXT PRIMARY KEY NOT NULL"
	"  REFERENCES subscribers(impi) ON DELETE CASCADE,"
	" gba_u INTEGER NOT NULL DEFAULT 0,"
	" lifetime INTEGER NOT NULL DEFAULT 0"
	"  CHECK (lifetime BETWEEN 0 AND 4294967295),"
	" updated_at INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS gba_uss ("
	" impi TEXT NOT NULL REFERENCES gba_settings(impi) ON DELETE CASCADE,"
	" seq INTEGER NOT NULL,"
	" uss_id TEXT NOT NULL,"
	" type TEXT NOT NULL DEFAULT '0',"
	" naf_group TEXT NOT NULL DEFAULT '',"
	" uids TEXT,"		/* NULL: every public identity; else "\n"-separated */
	" flags TEXT NOT NULL DEFAULT '',"	/* comma-separated */
	" PRIMARY KEY (impi, seq));";

int
hdb_err(struct hdb_sl *h, const char *what)
{
	log_err("hss_db: %s: %s", what, sqlite3_errmsg(h->db));
	return -EIO;
}

int
hdb_exec(struct hdb_sl *h, const char *sql)
{
	char *err = NULL;

	if (sqlite3_exec(h->db, sql, NULL, NULL, &err) != SQLITE_OK) {
		log_err("hss_db: %s: %s", sql, err ? err : "?");
		sqlite3_free(err);
		return -EIO;
	}
	return 0;
}

static void
sl_close(struct hss_db *hd)
{
	struct hdb_sl *h = SL(hd);

	if (h == NULL)
		return;
	sql_ckpt_stop(h->ckpt);
	free(h->path);
	sql_stmts_free(&h->stmts);
	if (h->db != NULL)
		(void)sqlite3_close(h->db);
	if (h->sqn_groups > 0)
		log_info("hss_db: %lu SQN reservations in %lu transactions",
		    h->sqn_grouped, h->sqn_groups);
	(void)pthread_cond_destroy(&h->gcond);
	(void)pthread_mutex_destroy(&h->gmtx);
	(void)pthread_mutex_destroy(&h->mtx);
	free(h);
}

/* WAL checkpoints off the store mutex (sql_ckpt.h), every 500 ms. */
static int
sl_background(struct hss_db *hd)
{
	struct hdb_sl *h = SL(hd);

	if (h->ckpt != NULL)
		return 0;
	return sql_ckpt_start(h->db, h->path, 500, &h->ckpt);
}

static const struct hdb_ops sl_ops = {
	.name = "sqlite",
	.background = sl_background,
	.close = sl_close,
	.sub_get = hdb_sl_sub_get,
	.impu_get = hdb_sl_impu_get,
	.sqn_commit = hdb_sl_sqn_commit,
	.assign = hdb_sl_assign,
	.deregister = hdb_sl_deregister,
	.profile_update = hdb_sl_profile_update,
	.push_take = hdb_sl_push_take,
	.sub_add = hdb_sl_sub_add,
	.sub_del = hdb_sl_sub_del,
	.sqn_set = hdb_sl_sqn_set,
	.profile_set = hdb_sl_profile_set,
	.sub_foreach = hdb_sl_sub_foreach,
	.impu_foreach = hdb_sl_impu_foreach,
	.profile_get = hdb_sl_profile_get,
	.gba_set = hdb_sl_gba_set,
	.gba_unset = hdb_sl_gba_unset,
	.gba_get = hdb_sl_gba_get,
};

int
hdb_sqlite_open(const char *path, struct hss_db **out)
{
	struct hdb_sl *h;
	int rc;

	IMS_CHECK_MALLOC(h = calloc(1, sizeof(*h)));
	h->base.ops = &sl_ops;
	if ((h->path = strdup(path)) == NULL) {
		free(h);
		return -ENOMEM;
	}
	if ((rc = pthread_mutex_init(&h->mtx, NULL)) != 0 ||
	    (rc = pthread_mutex_init(&h->gmtx, NULL)) != 0 ||
	    (rc = pthread_cond_init(&h->gcond, NULL)) != 0) {
		/* Default attributes: nothing to release on Linux. */
		free(h->path);
		free(h);
		return -rc;
	}
	h->sqn_tail = &h->sqn_head;
	if (sqlite3_open_v2(path, &h->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK) {
		log_err("hss_db: open %s: %s", path,
		    h->db ? sqlite3_errmsg(h->db) : "out of memory");
		sl_close(&h->base);
		return -EIO;
	}
	(void)sqlite3_busy_timeout(h->db, 5000);
	/* WAL + synchronous=FULL: a COMMIT is on disk when it returns. */
	if ((rc = hdb_exec(h, "PRAGMA journal_mode=WAL;"
	    "PRAGMA synchronous=FULL;PRAGMA foreign_keys=ON;")) < 0 ||
	    (rc = hdb_exec(h, schema)) < 0) {
		sl_close(&h->base);
		return rc;
	}
	*out = &h->base;
	return 0;
}

int
hdb_prep(struct hdb_sl *h, const char *sql, sqlite3_stmt **st)
{
	if (sql_stmts_get(&h->stmts, h->db, sql, st) != SQLITE_OK)
		return hdb_err(h, "prepare");
	return 0;
}

void
hdb_done(struct hdb_sl *h, sqlite3_stmt *st)
{
	sql_stmts_put(&h->stmts, st);
}

void
hdb_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	(void)sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

int
hdb_run(struct hdb_sl *h, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_DONE)
		rc = sqlite3_changes(h->db);
	else if (rc == SQLITE_CONSTRAINT)
		rc = -EEXIST;
	else
		rc = hdb_err(h, what);
	hdb_done(h, st);
	return rc;
}

int
hdb_row(struct hdb_sl *h, sqlite3_stmt *st, const char *what)
{
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		return 1;
	case SQLITE_DONE:
		return -ENOENT;
	default:
		return hdb_err(h, what);
	}
}

int
hdb_begin(struct hdb_sl *h)
{
	return hdb_exec(h, "BEGIN IMMEDIATE");
}

int
hdb_finish(struct hdb_sl *h, int rc)
{
	int c;

	if (rc >= 0) {
		if ((c = hdb_exec(h, "COMMIT")) == 0)
			return rc;
		rc = c;
	}
	(void)hdb_exec(h, "ROLLBACK");
	return rc;
}

int
hdb_sqn_write(struct hdb_sl *h, const char *impi, uint64_t sqn,
    const char *what)
{
	sqlite3_stmt *st;

	IMS_CHECK_RC(hdb_prep(h, "UPDATE subscribers SET sqn = ?1 WHERE impi = ?2",
	    &st));
	(void)sqlite3_bind_int64(st, 1, (sqlite3_int64)sqn);
	hdb_bind_text(st, 2, impi);
	return hdb_run(h, st, what);
}

void
hdb_col_str(sqlite3_stmt *st, int i, char *buf, size_t size)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	if (s == NULL)
		s = (const unsigned char *)"";
	(void)snprintf(buf, size, "%s", (const char *)s);
}

int
hdb_col_blob(sqlite3_stmt *st, int i, uint8_t *buf, size_t len)
{
	const void *b = sqlite3_column_blob(st, i);

	if (b == NULL || (size_t)sqlite3_column_bytes(st, i) != len)
		return -EBADMSG;
	memcpy(buf, b, len);
	return 0;
}

/* Reads a subscriber with the mutex held. */
int
hdb_sub_read(struct hdb_sl *h, const char *impi, struct hss_sub *s)
{
	sqlite3_stmt *st;
	int rc;

	IMS_CHECK_RC(hdb_prep(h, "SELECT k, opc, amf, sqn, ind_bits,"
	    " visited_networks FROM subscribers WHERE impi = ?1", &st));
	hdb_bind_text(st, 1, impi);
	if ((rc = hdb_row(h, st, "select subscriber")) > 0) {
		memset(s, 0, sizeof(*s));
		(void)snprintf(s->impi, sizeof(s->impi), "%s", impi);
		if ((rc = hdb_col_blob(st, 0, s->k, 16)) == 0 &&
		    (rc = hdb_col_blob(st, 1, s->opc, 16)) == 0 &&
		    (rc = hdb_col_blob(st, 2, s->amf, 2)) == 0) {
			s->sqn = (uint64_t)sqlite3_column_int64(st, 3);
			s->ind_bits = (unsigned)sqlite3_column_int(st, 4);
			hdb_col_str(st, 5, s->visited, sizeof(s->visited));
		}
	}
	hdb_done(h, st);
	return rc;
}

int
hdb_sl_sub_get(struct hss_db *hd, const char *impi, struct hss_sub *s)
{
	struct hdb_sl *h = SL(hd);
	int rc;

	(void)pthread_mutex_lock(&h->mtx);
	rc = hdb_sub_read(h, impi, s);
	(void)pthread_mutex_unlock(&h->mtx);
	return rc;
}

static void
impu_row(sqlite3_stmt *st, struct hss_impu *u)
{
	memset(u, 0, sizeof(*u));
	hdb_col_str(st, 0, u->impu, sizeof(u->impu));
	hdb_col_str(st, 1, u->impi, sizeof(u->impi));
	u->barred = sqlite3_column_int(st, 2);
	u->irs = sqlite3_column_int(st, 3);
	hdb_col_str(st, 4, u->profile, sizeof(u->profile));
	u->state = (enum hss_reg_state)sqlite3_column_int(st, 5);
	hdb_col_str(st, 6, u->scscf, sizeof(u->scscf));
	u->assigned_at = sqlite3_column_int64(st, 7);
	hdb_col_str(st, 8, u->scscf_host, sizeof(u->scscf_host));
	hdb_col_str(st, 9, u->scscf_realm, sizeof(u->scscf_realm));
}

#define IMPU_SELECT \
	"SELECT p.impu, p.impi, p.barred, p.irs, coalesce(p.profile_id, ''),"\
	" coalesce(r.state, 0), coalesce(r.scscf, ''),"			\
	" coalesce(r.assigned_at, 0), coalesce(r.scscf_host, ''),"	\
	" coalesce(r.scscf_realm, '')"					\
	" FROM public_identities p LEFT JOIN registrations r"		\
	" ON r.impu = p.impu "

int
hdb_impu_read(struct hdb_sl *h, const char *impu, struct hss_impu *u)
{
	sqlite3_stmt *st;
	int rc;

	IMS_CHECK_RC(hdb_prep(h, IMPU_SELECT "WHERE p.impu = ?1", &st));
	hdb_bind_text(st, 1, impu);
	if ((rc = hdb_row(h, st, "select impu")) > 0) {
		impu_row(st, u);
		rc = 0;
	}
	hdb_done(h, st);
	return rc;
}

int
hdb_sl_impu_get(struct hss_db *hd, const char *impu, struct hss_impu *u)
{
	struct hdb_sl *h = SL(hd);
	int rc;

	(void)pthread_mutex_lock(&h->mtx);
	rc = hdb_impu_read(h, impu, u);
	(void)pthread_mutex_unlock(&h->mtx);
	return rc;
}

int
hdb_sl_impu_foreach(struct hss_db *hd, const char *impi, int irs,
    int (*fn)(void *, const struct hss_impu *), void *arg)
{
	struct hdb_sl *h = SL(hd);
	struct hss_impu u;
	sqlite3_stmt *st;
	int rc, s;

	(void)pthread_mutex_lock(&h->mtx);
	if ((rc = hdb_prep(h, IMPU_SELECT "WHERE p.impi = ?1 AND"
	    " (?2 < 0 OR p.irs = ?2) ORDER BY p.rowid", &st)) == 0) {
		hdb_bind_text(st, 1, impi);
		(void)sqlite3_bind_int(st, 2, irs);
		while ((s = sqlite3_step(st)) == SQLITE_ROW) {
			impu_row(st, &u);
			if ((rc = fn(arg, &u)) < 0)
				break;
		}
		if (rc == 0 && s != SQLITE_DONE)
			rc = hdb_err(h, "select impus");
		hdb_done(h, st);
	}
	(void)pthread_mutex_unlock(&h->mtx);
	return rc;
}

int
hdb_sl_sub_foreach(struct hss_db *hd, int (*fn)(void *, const char *),
    void *arg)
{
	struct hdb_sl *h = SL(hd);
	sqlite3_stmt *st;
	int rc, s;

	(void)pthread_mutex_lock(&h->mtx);
	if ((rc = hdb_prep(h, "SELECT impi FROM subscribers ORDER BY impi",
	    &st)) == 0) {
		while ((s = sqlite3_step(st)) == SQLITE_ROW)
			if ((rc = fn(arg, (const char *)
			    sqlite3_column_text(st, 0))) < 0)
				break;
		if (rc == 0 && s != SQLITE_DONE)
			rc = hdb_err(h, "select subscribers");
		hdb_done(h, st);
	}
	(void)pthread_mutex_unlock(&h->mtx);
	return rc;
}

/* One statement, so atomic on its own: the state, the S-CSCF name and
 * its Diameter identity of the whole implicit registration set change
 * together or not at all. */
int
hdb_sl_assign(struct hss_db *hd, const char *impu, enum hss_reg_state state,
    const char *scscf, const char *host, const char *realm)
{
	struct hdb_sl *h = SL(hd);
	sqlite3_stmt *st;
	int rc;

	(void)pthread_mutex_lock(&h->mtx);
	rc = hdb_prep(h, "UPDATE registrations SET state = ?1,"
	    " scscf = coalesce(?2, scscf), assigned_at = ?3,"
	    " scscf_host = CASE WHEN ?2 = '' THEN ''"
	    "  ELSE coalesce(?5, scscf_host) END,"
	    " scscf_realm = CASE WHEN ?2 = '' THEN ''"
	    "  ELSE coalesce(?6, scscf_realm) END"
	    " WHERE impu IN (SELECT b.impu FROM public_identities a"
	    "  JOIN public_identities b ON a.impi = b.impi AND a.irs = b.irs"
	    "  WHERE a.impu = ?4)", &st);
	if (rc == 0) {
		(void)sqlite3_bind_int(st, 1, (int)state);
		if (scscf != NULL)
			hdb_bind_text(st, 2, scscf);
		(void)sqlite3_bind_int64(st, 3, (sqlite3_int64)time(NULL));
		hdb_bind_text(st, 4, impu);
		if (host != NULL) {
			hdb_bind_text(st, 5, host);
			hdb_bind_text(st, 6, realm);
		}
		if ((rc = hdb_run(h, st, "update registration")) >= 0)
			rc = rc == 0 ? -ENOENT : 0;
	}
	(void)pthread_mutex_unlock(&h->mtx);
	return rc;
}

int
hdb_sl_profile_get(struct hss_db *hd, const char *id, char **xml)
{
	struct hdb_sl *h = SL(hd);
	sqlite3_stmt *st;
	int rc;

	(void)pthread_mutex_lock(&h->mtx);
	if ((rc = hdb_prep(h, "SELECT ifc_xml FROM service_profiles"
	    " WHERE id = ?1", &st)) == 0) {
		hdb_bind_text(st, 1, id);
		if ((rc = hdb_row(h, st, "select profile")) > 0) {
			*xml = strdup((const char *)sqlite3_column_text(st,
			    0) ? (const char *)sqlite3_column_text(st, 0) : "");
			rc = *xml == NULL ? -ENOMEM : 0;
		}
		hdb_done(h, st);
	}
	(void)pthread_mutex_unlock(&h->mtx);
	return rc;
}
