/* xcap_store.c - the XCAP documents in SQLite. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>
#include <sqlite3.h>

#include "log.h"
#include "util.h"
#include "xcap_store.h"

struct xcap_store {
	sqlite3	*db;
};

static const char xcap_schema[] =
    "PRAGMA journal_mode=WAL;"
    "PRAGMA synchronous=FULL;"
    "CREATE TABLE IF NOT EXISTS doc ("
    " xui TEXT NOT NULL, name TEXT NOT NULL, body BLOB NOT NULL,"
    " etag TEXT NOT NULL, PRIMARY KEY (xui, name));";

int
xcap_store_open(const char *path, struct xcap_store **out)
{
	struct xcap_store *s;
	char *err = NULL;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return -ENOMEM;
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK) {
		log_err("xcap: %s: %s", path, s->db != NULL ?
		    sqlite3_errmsg(s->db) : "cannot open");
		goto fail;
	}
	(void)sqlite3_busy_timeout(s->db, 5000);
	if (sqlite3_exec(s->db, xcap_schema, NULL, NULL, &err) != SQLITE_OK) {
		log_err("xcap: %s: %s", path, err != NULL ? err : "schema");
		sqlite3_free(err);
		goto fail;
	}
	*out = s;
	return 0;
fail:
	(void)sqlite3_close(s->db);
	free(s);
	return -EIO;
}

void
xcap_store_close(struct xcap_store *s)
{
	if (s == NULL)
		return;
	(void)sqlite3_close(s->db);
	free(s);
}

static int
prep(struct xcap_store *s, const char *sql, sqlite3_stmt **st,
    const char *xui, const char *doc)
{
	if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK ||
	    sqlite3_bind_text(*st, 1, xui, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(*st, 2, doc, -1, SQLITE_STATIC) != SQLITE_OK) {
		log_err("xcap: store: %s", sqlite3_errmsg(s->db));
		(void)sqlite3_finalize(*st);
		return -EIO;
	}
	return 0;
}

int
xcap_store_get(struct xcap_store *s, const char *xui, const char *doc,
    char **body, size_t *len, char etag[XCAP_ETAG_LEN + 1])
{
	sqlite3_stmt *st;
	const void *b;
	const unsigned char *e;
	int n, rc;

	if (prep(s, "SELECT body, etag FROM doc WHERE xui = ?1 AND "
	    "name = ?2", &st, xui, doc) < 0)
		return -EIO;
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		rc = -ENOENT;
		goto out;
	}
	if (rc != SQLITE_ROW) {
		log_err("xcap: store: %s", sqlite3_errmsg(s->db));
		rc = -EIO;
		goto out;
	}
	b = sqlite3_column_blob(st, 0);
	n = sqlite3_column_bytes(st, 0);
	e = sqlite3_column_text(st, 1);
	if (n < 0 || e == NULL || strlen((const char *)e) != XCAP_ETAG_LEN) {
		rc = -EIO;
		goto out;
	}
	if ((*body = malloc((size_t)n + 1)) == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	if (n > 0)
		memcpy(*body, b, (size_t)n);
	(*body)[n] = '\0';
	*len = (size_t)n;
	memcpy(etag, e, XCAP_ETAG_LEN + 1);
	rc = 0;
out:
	(void)sqlite3_finalize(st);
	return rc;
}

int
xcap_store_put(struct xcap_store *s, const char *xui, const char *doc,
    const char *body, size_t len, char etag[XCAP_ETAG_LEN + 1])
{
	sqlite3_stmt *st;
	uint8_t r[XCAP_ETAG_LEN / 2];
	int rc = -EIO;

	if (len > INT32_MAX)
		return -EINVAL;
	if (RAND_bytes(r, sizeof(r)) != 1) {
		log_err("xcap: RAND_bytes failed");
		return -EIO;
	}
	hex_encode(r, sizeof(r), etag);
	if (prep(s, "INSERT OR REPLACE INTO doc (xui, name, body, etag) "
	    "VALUES (?1, ?2, ?3, ?4)", &st, xui, doc) < 0)
		return -EIO;
	if (sqlite3_bind_blob(st, 3, body, (int)len, SQLITE_STATIC) !=
	    SQLITE_OK || sqlite3_bind_text(st, 4, etag, -1, SQLITE_STATIC) !=
	    SQLITE_OK || sqlite3_step(st) != SQLITE_DONE)
		log_err("xcap: store: %s", sqlite3_errmsg(s->db));
	else
		rc = 0;
	(void)sqlite3_finalize(st);
	return rc;
}

int
xcap_store_delete(struct xcap_store *s, const char *xui, const char *doc)
{
	sqlite3_stmt *st;
	int rc = -EIO;

	if (prep(s, "DELETE FROM doc WHERE xui = ?1 AND name = ?2", &st,
	    xui, doc) < 0)
		return -EIO;
	if (sqlite3_step(st) != SQLITE_DONE)
		log_err("xcap: store: %s", sqlite3_errmsg(s->db));
	else
		rc = sqlite3_changes(s->db) > 0 ? 0 : -ENOENT;
	(void)sqlite3_finalize(st);
	return rc;
}
