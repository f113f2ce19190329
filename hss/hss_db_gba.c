/* hss_db_gba.c - the GBA User Security Settings of each IMPI in the store
 * (tables gba_settings and gba_uss, hss_db.c's schema).  A row in
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
#include "hss_db_int.h"
#include "log.h"

/* The strings of a list joined with sep into out (size bytes). */
static int
join(char *out, size_t size, const char (*v)[GUSS_STR_MAX], size_t n,
    char sep)
{
	size_t i, len = 0, l;

	out[0] = '\0';
	for (i = 0; i < n; i++) {
		l = strlen(v[i]);
		if (strchr(v[i], sep) != NULL || len + l + 2 > size)
			return -EINVAL;
		if (i > 0)
			out[len++] = sep;
		memcpy(out + len, v[i], l + 1);
		len += l;
	}
	return 0;
}

static int
uss_insert(struct hss_db *h, const char *impi, int seq,
    const struct gba_uss *u, int all)
{
	char uids[GUSS_MAX_UIDS * GUSS_STR_MAX], flags[GUSS_MAX_FLAGS * 12];
	sqlite3_stmt *st;
	size_t i, len = 0;

	if (!all)
		IMS_CHECK_RC(join(uids, sizeof(uids), u->uids, u->n_uids,
		    '\n'));
	flags[0] = '\0';
	for (i = 0; i < u->n_flags && i < GUSS_MAX_FLAGS; i++)
		len += (size_t)snprintf(flags + len, sizeof(flags) - len,
		    "%s%u", i ? "," : "", u->flags[i]);
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
gba_set_rows(struct hss_db *h, const char *impi, const struct hss_gba *g)
{
	sqlite3_stmt *st;
	size_t i;
	int rc;

	IMS_CHECK_RC(hdb_prep(h, "SELECT 1 FROM subscribers WHERE impi = ?1",
	    &st));
	hdb_bind_text(st, 1, impi);
	rc = hdb_row(h, st, "select subscriber");
	(void)sqlite3_finalize(st);
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
hss_db_gba_set(struct hss_db *h, const char *impi, const struct hss_gba *g)
{
	int rc;

	IMS_CHECK_PARAMS(h != NULL && impi != NULL && g != NULL &&
	    g->guss.n_uss <= GUSS_MAX_USS);
	(void)pthread_mutex_lock(&h->mtx);
	if ((rc = hdb_begin(h)) == 0)
		rc = hdb_finish(h, gba_set_rows(h, impi, g));
	(void)pthread_mutex_unlock(&h->mtx);
	return rc < 0 ? rc : 0;
}

int
hss_db_gba_unset(struct hss_db *h, const char *impi)
{
	sqlite3_stmt *st;
	int rc;

	IMS_CHECK_PARAMS(h != NULL && impi != NULL);
	(void)pthread_mutex_lock(&h->mtx);
	if ((rc = hdb_prep(h, "SELECT 1 FROM subscribers WHERE impi = ?1",
	    &st)) == 0) {
		hdb_bind_text(st, 1, impi);
		rc = hdb_row(h, st, "select subscriber");
		(void)sqlite3_finalize(st);
	}
	if (rc > 0 && (rc = hdb_prep(h, "DELETE FROM gba_settings"
	    " WHERE impi = ?1", &st)) == 0) {
		hdb_bind_text(st, 1, impi);
		rc = hdb_run(h, st, "delete gba settings");
	}
	(void)pthread_mutex_unlock(&h->mtx);
	return rc < 0 ? rc : 0;
}

/* A "\n"-separated list into u->uids; a comma-separated one into flags. */
static int
uss_read(sqlite3_stmt *st, struct gba_uss *u, unsigned char *all)
{
	const char *s, *e;
	char *end;
	unsigned long v;

	memset(u, 0, sizeof(*u));
	hdb_col_str(st, 0, u->id, sizeof(u->id));
	hdb_col_str(st, 1, u->type, sizeof(u->type));
	hdb_col_str(st, 2, u->naf_group, sizeof(u->naf_group));
	*all = sqlite3_column_type(st, 3) == SQLITE_NULL;
	s = (const char *)sqlite3_column_text(st, 3);
	while (!*all && s != NULL && *s != '\0') {
		e = strchr(s, '\n');
		if (u->n_uids == GUSS_MAX_UIDS ||
		    (size_t)(e ? e - s : (ptrdiff_t)strlen(s)) >= GUSS_STR_MAX)
			return -EBADMSG;
		(void)snprintf(u->uids[u->n_uids++], GUSS_STR_MAX, "%.*s",
		    (int)(e ? e - s : (ptrdiff_t)strlen(s)), s);
		s = e ? e + 1 : NULL;
	}
	s = (const char *)sqlite3_column_text(st, 4);
	while (s != NULL && *s != '\0') {
		v = strtoul(s, &end, 10);
		if (end == s || u->n_flags == GUSS_MAX_FLAGS || v > UINT32_MAX)
			return -EBADMSG;
		u->flags[u->n_flags++] = (uint32_t)v;
		s = *end == ',' ? end + 1 : end;
	}
	return 0;
}

/* The statements of hss_db_gba_get, with the mutex held. */
static int
gba_get_rows(struct hss_db *h, const char *impi, struct hss_gba *g)
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
	(void)sqlite3_finalize(st);
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
	(void)sqlite3_finalize(st);
	if (rc == -EBADMSG)
		log_err("hss_db: the GBA settings of %s are corrupt", impi);
	return rc;
}

int
hss_db_gba_get(struct hss_db *h, const char *impi, struct hss_gba *g)
{
	int rc;

	IMS_CHECK_PARAMS(h != NULL && impi != NULL && g != NULL);
	memset(g, 0, sizeof(*g));
	(void)pthread_mutex_lock(&h->mtx);
	rc = gba_get_rows(h, impi, g);
	(void)pthread_mutex_unlock(&h->mtx);
	return rc;
}
