/* hss_db_sqlite_gba.c - the GBA User Security Settings of each IMPI in the
 * SQLite store (tables gba_settings and gba_uss, hss_db_sqlite.c's schema).  A row in
 * gba_settings means "set by hss-ctl"; without one the default GUSS
 * applies (hss_guss.c).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "check.h"
#include "hss_db.h"
#include "hss_db_sqlite.h"
#include "log.h"

static int
uss_insert(struct hdb_sl *h, const char *impi, int seq,
    const struct gba_uss *u, int all)
{
	char uids[HDB_UIDS_MAX], flags[HDB_FLAGS_MAX];
	sqlite3_stmt *st;

	IMS_CHECK_RC(hdb_uss_format(u, all, uids, flags));
	IMS_CHECK_RC(hdb_prep(h, "INSERT INTO gba_uss (impi, seq, uss_id,"
	    " type, naf_group, uids, flags) VALUES (?1, ?2, ?3, ?4, ?5, ?6,"
	    " ?7)", &st));
	hdb_bind_text(st, 1, impi);
	(void)sqlite3_bind_int(st, 2, seq);
	hdb_bind_text(st, 3, u->id);
	hdb_bind_text(st, 4, u->type[0] ? u->type : "0");
	hdb_bind_text(st, 5, u->naf_group);
	if (all)
		(void)sqlite3_bind_null(st, 6);
	else
		(void)sqlite3_bind_text(st, 6, uids, -1, SQLITE_TRANSIENT);
	(void)sqlite3_bind_text(st, 7, flags, -1, SQLITE_TRANSIENT);
	return hdb_run(h, st, "insert gba uss");
}

/* The statements of hss_db_gba_set, inside its transaction. */
static int
gba_set_rows(struct hdb_sl *h, const char *impi, const struct hss_gba *g)
{
	sqlite3_stmt *st;
	size_t i;
	int rc;

	IMS_CHECK_RC(hdb_prep(h, "SELECT 1 FROM subscribers WHERE impi = ?1",
	    &st));
	hdb_bind_text(st, 1, impi);
	rc = hdb_row(h, st, "select subscriber");
	hdb_done(h, st);
	IMS_CHECK_RC(rc);
	/* The uss go with the settings row (ON DELETE CASCADE). */
	IMS_CHECK_RC(hdb_prep(h, "DELETE FROM gba_settings WHERE impi = ?1",
	    &st));
	hdb_bind_text(st, 1, impi);
	IMS_CHECK_RC(hdb_run(h, st, "delete gba settings"));
	IMS_CHECK_RC(hdb_prep(h, "INSERT INTO gba_settings (impi, gba_u,"
	    " lifetime, updated_at) VALUES (?1, ?2, ?3, ?4)", &st));
	hdb_bind_text(st, 1, impi);
	(void)sqlite3_bind_int(st, 2, g->guss.gba_u ? 1 : 0);
	(void)sqlite3_bind_int64(st, 3, (sqlite3_int64)g->guss.lifetime);
	(void)sqlite3_bind_int64(st, 4, (sqlite3_int64)time(NULL));
	IMS_CHECK_RC(hdb_run(h, st, "insert gba settings"));
	for (i = 0; i < g->guss.n_uss; i++)
		IMS_CHECK_RC(uss_insert(h, impi, (int)i, &g->guss.uss[i],
		    g->all_uids[i]));
	return 0;
}

int
hdb_sl_gba_set(struct hss_db *hd, const char *impi, const struct hss_gba *g)
{
	struct hdb_sl *h = SL(hd);
	int rc;

	(void)pthread_mutex_lock(&h->mtx);
	if ((rc = hdb_begin(h)) == 0)
		rc = hdb_finish(h, gba_set_rows(h, impi, g));
	(void)pthread_mutex_unlock(&h->mtx);
	return rc < 0 ? rc : 0;
}

int
hdb_sl_gba_unset(struct hss_db *hd, const char *impi)
{
	struct hdb_sl *h = SL(hd);
	sqlite3_stmt *st;
	int rc;

	(void)pthread_mutex_lock(&h->mtx);
	if ((rc = hdb_prep(h, "SELECT 1 FROM subscribers WHERE impi = ?1",
	    &st)) == 0) {
		hdb_bind_text(st, 1, impi);
		rc = hdb_row(h, st, "select subscriber");
		hdb_done(h, st);
	}
	if (rc > 0 && (rc = hdb_prep(h, "DELETE FROM gba_settings"
	    " WHERE impi = ?1", &st)) == 0) {
		hdb_bind_text(st, 1, impi);
		rc = hdb_run(h, st, "delete gba settings");
	}
	(void)pthread_mutex_unlock(&h->mtx);
	return rc < 0 ? rc : 0;
}

/* A stored uss (hdb_uss_parse); *all: its uids are NULL. */
static int
uss_read(sqlite3_stmt *st, struct gba_uss *u, unsigned char *all)
{
	*all = sqlite3_column_type(st, 3) == SQLITE_NULL;
	return hdb_uss_parse((const char *)sqlite3_column_text(st, 0),
	    (const char *)sqlite3_column_text(st, 1),
	    (const char *)sqlite3_column_text(st, 2),
	    *all ? NULL : (const char *)sqlite3_column_text(st, 3),
	    (const char *)sqlite3_column_text(st, 4), u);
}

/* The statements of hss_db_gba_get, with the mutex held. */
static int
gba_get_rows(struct hdb_sl *h, const char *impi, struct hss_gba *g)
{
	sqlite3_stmt *st;
	int rc, s;

	IMS_CHECK_RC(hdb_prep(h, "SELECT coalesce(g.gba_u, -1),"
	    " coalesce(g.lifetime, 0), coalesce(g.updated_at, 0)"
	    " FROM subscribers s LEFT JOIN gba_settings g ON g.impi = s.impi"
	    " WHERE s.impi = ?1", &st));
	hdb_bind_text(st, 1, impi);
	if ((rc = hdb_row(h, st, "select gba settings")) > 0) {
		g->stored = sqlite3_column_int(st, 0) >= 0;
		g->guss.gba_u = sqlite3_column_int(st, 0) == 1;
		g->guss.lifetime = (uint32_t)sqlite3_column_int64(st, 1);
		g->updated_at = sqlite3_column_int64(st, 2);
	}
	hdb_done(h, st);
	if (rc < 0 || !g->stored)
		return rc < 0 ? rc : 0;
	IMS_CHECK_RC(hdb_prep(h, "SELECT uss_id, type, naf_group, uids, flags"
	    " FROM gba_uss WHERE impi = ?1 ORDER BY seq", &st));
	hdb_bind_text(st, 1, impi);
	rc = 0;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		if (g->guss.n_uss == GUSS_MAX_USS) {
			rc = -EBADMSG;
			break;
		}
		if ((rc = uss_read(st, &g->guss.uss[g->guss.n_uss],
		    &g->all_uids[g->guss.n_uss])) < 0)
			break;
		g->guss.n_uss++;
	}
	if (rc == 0 && s != SQLITE_DONE)
		rc = hdb_err(h, "select gba uss");
	hdb_done(h, st);
	if (rc == -EBADMSG)
		log_err("hss_db: the GBA settings of %s are corrupt", impi);
	return rc;
}

int
hdb_sl_gba_get(struct hss_db *hd, const char *impi, struct hss_gba *g)
{
	struct hdb_sl *h = SL(hd);
	int rc;

	(void)pthread_mutex_lock(&h->mtx);
	rc = gba_get_rows(h, impi, g);
	(void)pthread_mutex_unlock(&h->mtx);
	return rc;
}
