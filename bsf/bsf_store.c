/* bsf_store.c - the BSF's bootstrapped keys over SQLite (TS 33.220 4.5.2:
 * Ks, the B-TID, the IMPI, the key lifetime, the GUSS).
 *
 * One connection, shared by the loop thread (Ub: insert, purge) and
 * freeDiameter's threads (Zn: read) under a mutex.  WAL and
 * synchronous=FULL: a B-TID the UE was given survives a crash or a
 * restart.  secure_delete: a replaced or expired Ks is overwritten in
 * the file, not only unlinked from the b-tree.  The file and its
 * journals are the run user's, 0600 (daemon_store_own).
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "bsf.h"
#include "check.h"
#include "log.h"
#include "util.h"

struct bsf_store {
	sqlite3		*db;
	pthread_mutex_t	 mtx;
};

/* btid PRIMARY KEY; impi UNIQUE: INSERT OR REPLACE drops the IMPI's
 * previous bootstrap with it (a new run replaces the old Ks). */
static const char schema[] =
	"CREATE TABLE IF NOT EXISTS bootstraps ("
	" btid TEXT PRIMARY KEY NOT NULL,"
	" impi TEXT NOT NULL UNIQUE,"
	" rand BLOB NOT NULL CHECK (length(rand) = 16),"
	" ks BLOB NOT NULL CHECK (length(ks) = 32),"
	" created INTEGER NOT NULL,"
	" expires INTEGER NOT NULL,"
	" guss TEXT);"
	"CREATE INDEX IF NOT EXISTS bootstraps_expires ON bootstraps(expires);";

static int
st_exec(struct bsf_store *s, const char *sql)
{
	char *err = NULL;

	if (sqlite3_exec(s->db, sql, NULL, NULL, &err) != SQLITE_OK) {
		log_err("bsf_store: %s: %s", sql, err != NULL ? err : "?");
		sqlite3_free(err);
		return -EIO;
	}
	return 0;
}

int
bsf_store_open(const char *path, struct bsf_store **out)
{
	struct bsf_store *s;
	int rc;

	IMS_CHECK_PARAMS(path != NULL && out != NULL);
	IMS_CHECK_MALLOC(s = calloc(1, sizeof(*s)));
	if ((rc = pthread_mutex_init(&s->mtx, NULL)) != 0) {
		free(s);
		return -rc;
	}
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK) {
		log_err("bsf_store: open %s: %s", path,
		    s->db != NULL ? sqlite3_errmsg(s->db) : "out of memory");
		bsf_store_close(s);
		return -EIO;
	}
	(void)sqlite3_busy_timeout(s->db, 5000);
	if ((rc = st_exec(s, "PRAGMA journal_mode=WAL;"
	    "PRAGMA synchronous=FULL;PRAGMA secure_delete=ON;")) < 0 ||
	    (rc = st_exec(s, schema)) < 0) {
		bsf_store_close(s);
		return rc;
	}
	*out = s;
	return 0;
}

void
bsf_store_close(struct bsf_store *s)
{
	if (s == NULL)
		return;
	if (s->db != NULL)
		(void)sqlite3_close(s->db);
	(void)pthread_mutex_destroy(&s->mtx);
	free(s);
}

static int
st_prep(struct bsf_store *s, const char *sql, sqlite3_stmt **st)
{
	if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK) {
		log_err("bsf_store: prepare: %s", sqlite3_errmsg(s->db));
		return -EIO;
	}
	return 0;
}

int
bsf_store_put(struct bsf_store *s, const struct bsf_boot *bt)
{
	sqlite3_stmt *st;
	int rc = -EIO;

	IMS_CHECK_PARAMS(s != NULL && bt != NULL);
	(void)pthread_mutex_lock(&s->mtx);
	if (st_prep(s, "INSERT OR REPLACE INTO bootstraps (btid, impi, rand,"
	    " ks, created, expires, guss) VALUES (?, ?, ?, ?, ?, ?, ?)",
	    &st) == 0) {
		if (sqlite3_bind_text(st, 1, bt->btid, -1, SQLITE_STATIC) ||
		    sqlite3_bind_text(st, 2, bt->impi, -1, SQLITE_STATIC) ||
		    sqlite3_bind_blob(st, 3, bt->rand, 16, SQLITE_STATIC) ||
		    sqlite3_bind_blob(st, 4, bt->ks, 32, SQLITE_STATIC) ||
		    sqlite3_bind_int64(st, 5, bt->created) ||
		    sqlite3_bind_int64(st, 6, bt->expires) ||
		    (bt->guss != NULL ? sqlite3_bind_text(st, 7, bt->guss, -1,
		    SQLITE_STATIC) : sqlite3_bind_null(st, 7)))
			log_err("bsf_store: bind: %s", sqlite3_errmsg(s->db));
		else if (sqlite3_step(st) != SQLITE_DONE)
			log_err("bsf_store: insert: %s", sqlite3_errmsg(s->db));
		else
			rc = 0;
		(void)sqlite3_finalize(st);
	}
	(void)pthread_mutex_unlock(&s->mtx);
	return rc;
}

int
bsf_store_get(struct bsf_store *s, const char *btid, int64_t now,
    struct bsf_boot *bt)
{
	sqlite3_stmt *st;
	const void *p;
	const unsigned char *t;
	int rc = -EIO, step;

	IMS_CHECK_PARAMS(s != NULL && btid != NULL && bt != NULL);
	memset(bt, 0, sizeof(*bt));
	(void)pthread_mutex_lock(&s->mtx);
	if (st_prep(s, "SELECT impi, rand, ks, created, expires, guss FROM "
	    "bootstraps WHERE btid = ? AND expires > ?", &st) < 0)
		goto out;
	if (sqlite3_bind_text(st, 1, btid, -1, SQLITE_STATIC) ||
	    sqlite3_bind_int64(st, 2, now)) {
		log_err("bsf_store: bind: %s", sqlite3_errmsg(s->db));
		goto fin;
	}
	if ((step = sqlite3_step(st)) == SQLITE_DONE) {
		rc = -ENOENT;
		goto fin;
	}
	if (step != SQLITE_ROW) {
		log_err("bsf_store: select: %s", sqlite3_errmsg(s->db));
		goto fin;
	}
	t = sqlite3_column_text(st, 0);
	if (t == NULL || strlen((const char *)t) >= sizeof(bt->impi) ||
	    strlen(btid) >= sizeof(bt->btid) ||
	    sqlite3_column_bytes(st, 1) != 16 ||
	    sqlite3_column_bytes(st, 2) != 32) {
		log_err("bsf_store: malformed row for %s", btid);
		goto fin;
	}
	memcpy(bt->btid, btid, strlen(btid) + 1);
	memcpy(bt->impi, t, strlen((const char *)t) + 1);
	if ((p = sqlite3_column_blob(st, 1)) == NULL)
		goto fin;
	memcpy(bt->rand, p, 16);
	if ((p = sqlite3_column_blob(st, 2)) == NULL)
		goto fin;
	memcpy(bt->ks, p, 32);
	bt->created = sqlite3_column_int64(st, 3);
	bt->expires = sqlite3_column_int64(st, 4);
	if ((t = sqlite3_column_text(st, 5)) != NULL &&
	    (bt->guss = strdup((const char *)t)) == NULL) {
		rc = -ENOMEM;
		goto fin;
	}
	rc = 0;
fin:
	(void)sqlite3_finalize(st);
out:
	(void)pthread_mutex_unlock(&s->mtx);
	if (rc < 0)
		bsf_boot_clear(bt);
	return rc;
}

int
bsf_store_purge(struct bsf_store *s, int64_t now)
{
	sqlite3_stmt *st;
	int rc = -EIO;

	IMS_CHECK_PARAMS(s != NULL);
	(void)pthread_mutex_lock(&s->mtx);
	if (st_prep(s, "DELETE FROM bootstraps WHERE expires <= ?", &st) ==
	    0) {
		if (sqlite3_bind_int64(st, 1, now) != SQLITE_OK ||
		    sqlite3_step(st) != SQLITE_DONE)
			log_err("bsf_store: purge: %s", sqlite3_errmsg(s->db));
		else
			rc = sqlite3_changes(s->db);
		(void)sqlite3_finalize(st);
	}
	(void)pthread_mutex_unlock(&s->mtx);
	return rc;
}

void
bsf_boot_clear(struct bsf_boot *bt)
{
	if (bt == NULL)
		return;
	free(bt->guss);
	secure_wipe(bt, sizeof(*bt));
}
