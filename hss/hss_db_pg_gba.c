/* hss_db_pg_gba.c - the GBA User Security Settings of each IMPI in the
 * PostgreSQL store (tables gba_settings and gba_uss, as
 * hss_db_sqlite_gba.c).  A change is one transaction that locks the
 * subscriber's row; a read is one statement (one snapshot).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>

#include "check.h"
#include "hss_db.h"
#include "hss_db_pg.h"
#include "log.h"

static int
uss_insert(struct hdb_pg *h, const char *impi, int seq,
    const struct gba_uss *u, int all)
{
	static const char sql[] = "INSERT INTO gba_uss (impi, seq, uss_id,"
	    " type, naf_group, uids, flags) VALUES ($1, $2::int, $3, $4, $5,"
	    " $6, $7)";
	char uids[HDB_UIDS_MAX], flags[HDB_FLAGS_MAX], sb[16];
	const char *v[7] = { impi, sb, u->id, u->type[0] ? u->type : "0",
	    u->naf_group, all ? NULL : uids, flags };

	IMS_CHECK_RC(hdb_uss_format(u, all, uids, flags));
	(void)snprintf(sb, sizeof(sb), "%d", seq);
	return hdb_pg_run(h, sql, 7, v, NULL, "insert gba uss");
}

/* The statements of hss_db_gba_set, inside its transaction. */
static int
gba_set_rows(struct hdb_pg *h, const char *impi, const struct hss_gba *g)
{
	static const char lock_sql[] = "SELECT 1 FROM subscribers"
	    " WHERE impi = $1 FOR UPDATE";
	static const char del_sql[] = "DELETE FROM gba_settings"
	    " WHERE impi = $1";
	static const char ins_sql[] = "INSERT INTO gba_settings (impi, gba_u,"
	    " lifetime, updated_at) VALUES ($1, $2::int, $3::bigint,"
	    " $4::bigint)";
	char lt[16], now[24];
	const char *v[4] = { impi, g->guss.gba_u ? "1" : "0", lt, now };
	size_t i;
	int rc;

	(void)snprintf(lt, sizeof(lt), "%u", (unsigned)g->guss.lifetime);
	(void)snprintf(now, sizeof(now), "%lld", (long long)time(NULL));
	IMS_CHECK_RC(rc = hdb_pg_run(h, lock_sql, 1, v, NULL,
	    "lock subscriber"));
	if (rc == 0)
		return -ENOENT;
	/* The uss go with the settings row (ON DELETE CASCADE). */
	IMS_CHECK_RC(hdb_pg_run(h, del_sql, 1, v, NULL, "delete gba settings"));
	IMS_CHECK_RC(hdb_pg_run(h, ins_sql, 4, v, NULL, "insert gba settings"));
	for (i = 0; i < g->guss.n_uss; i++)
		IMS_CHECK_RC(uss_insert(h, impi, (int)i, &g->guss.uss[i],
		    g->all_uids[i]));
	return 0;
}

struct gba_set_args {
	const char		*impi;
	const struct hss_gba	*g;
};

static int
gba_set_txn(struct hdb_pg *h, void *arg)
{
	const struct gba_set_args *a = arg;

	return gba_set_rows(h, a->impi, a->g);
}

int
hdb_pg_gba_set(struct hss_db *hd, const char *impi, const struct hss_gba *g)
{
	struct gba_set_args a = { impi, g };
	int rc = hdb_pg_txn(PG(hd), gba_set_txn, &a);

	return rc < 0 ? rc : 0;
}

/* One statement: the settings go, and the row says whether the IMPI
 * exists. */
int
hdb_pg_gba_unset(struct hss_db *hd, const char *impi)
{
	static const char sql[] = "WITH d AS (DELETE FROM gba_settings"
	    " WHERE impi = $1) SELECT 1 FROM subscribers WHERE impi = $1";
	struct hdb_pg *h = PG(hd);
	int rc;

	(void)pthread_mutex_lock(&h->mtx);
	rc = hdb_pg_run(h, sql, 1, &impi, NULL, "delete gba settings");
	(void)pthread_mutex_unlock(&h->mtx);
	return rc < 0 ? rc : rc == 0 ? -ENOENT : 0;
}

/* The settings and their uss in one query: one row per uss (u.seq NULL:
 * none), or one row with gba_u -1 when nothing is stored. */
int
hdb_pg_gba_get(struct hss_db *hd, const char *impi, struct hss_gba *g)
{
	static const char sql[] = "SELECT coalesce(g.gba_u, -1),"
	    " coalesce(g.lifetime, 0), coalesce(g.updated_at, 0), u.seq,"
	    " u.uss_id, u.type, u.naf_group, u.uids, u.flags"
	    " FROM subscribers s LEFT JOIN gba_settings g ON g.impi = s.impi"
	    " LEFT JOIN gba_uss u ON u.impi = g.impi"
	    " WHERE s.impi = $1 ORDER BY u.seq";
	struct hdb_pg *h = PG(hd);
	PGresult *r;
	int rc, n, i;

	(void)pthread_mutex_lock(&h->mtx);
	n = hdb_pg_run(h, sql, 1, &impi, &r, "select gba settings");
	(void)pthread_mutex_unlock(&h->mtx);
	if (n <= 0) {
		PQclear(r);
		return n < 0 ? n : -ENOENT;
	}
	g->stored = hdb_pg_i64(r, 0, 0) >= 0;
	g->guss.gba_u = hdb_pg_i64(r, 0, 0) == 1;
	g->guss.lifetime = (uint32_t)hdb_pg_i64(r, 0, 1);
	g->updated_at = hdb_pg_i64(r, 0, 2);
	for (i = 0, rc = 0; i < n && rc == 0 && !PQgetisnull(r, i, 3); i++) {
		if (g->guss.n_uss == GUSS_MAX_USS) {
			rc = -EBADMSG;
			break;
		}
		g->all_uids[g->guss.n_uss] = (unsigned char)PQgetisnull(r, i, 7);
		rc = hdb_uss_parse(PQgetvalue(r, i, 4), PQgetvalue(r, i, 5),
		    PQgetvalue(r, i, 6), PQgetisnull(r, i, 7) ? NULL :
		    PQgetvalue(r, i, 7), PQgetvalue(r, i, 8),
		    &g->guss.uss[g->guss.n_uss]);
		if (rc == 0)
			g->guss.n_uss++;
	}
	PQclear(r);
	if (rc == -EBADMSG)
		log_err("hss_db: the GBA settings of %s are corrupt", impi);
	return rc;
}
