/* hss_db_pg.c - the HSS subscriber store over PostgreSQL (libpq), the
 * backend of a `db` that is a postgresql:// or postgres:// URI (hss_db.c):
 * the connection, the schema, the statements, and the operations of the
 * hss's hot path (the SQN reservation of a MAR is one statement, one
 * round trip).  Administration: hss_db_pg_admin.c; GBA: hss_db_pg_gba.c.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>

#include "aka.h"
#include "check.h"
#include "hss_db.h"
#include "hss_db_pg.h"
#include "log.h"
#include "util.h"

/* The schema of hss_db_sqlite.c in PostgreSQL's types; public_identities
 * and push_queue get an identity column for their order (SQLite's rowid).
 * Created under an advisory lock: replicas starting together. */
static const char schema[] =
	"BEGIN;"
	"SELECT pg_advisory_xact_lock(4739661);"
	"CREATE TABLE IF NOT EXISTS subscribers ("
	" impi TEXT PRIMARY KEY NOT NULL,"
	" k BYTEA NOT NULL CHECK (length(k) = 16),"
	" opc BYTEA NOT NULL CHECK (length(opc) = 16),"
	" amf BYTEA NOT NULL CHECK (length(amf) = 2),"
	" sqn BIGINT NOT NULL CHECK (sqn BETWEEN 0 AND 281474976710655),"
	" ind_bits INTEGER NOT NULL DEFAULT 5 CHECK (ind_bits BETWEEN 0 AND 5),"
	" visited_networks TEXT NOT NULL DEFAULT '*');"
	"CREATE TABLE IF NOT EXISTS service_profiles ("
	" id TEXT PRIMARY KEY NOT NULL,"
	" ifc_xml TEXT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS public_identities ("
	" seq BIGINT GENERATED ALWAYS AS IDENTITY,"
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
	" assigned_at BIGINT NOT NULL DEFAULT 0);"
	"CREATE TABLE IF NOT EXISTS push_queue ("
	" id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
	" kind INTEGER NOT NULL DEFAULT 0,"
	" impi TEXT NOT NULL, impu TEXT NOT NULL,"
	" dest_host TEXT NOT NULL, dest_realm TEXT NOT NULL,"
	" reason BIGINT NOT NULL DEFAULT 0,"
	" queued_at BIGINT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS gba_settings ("
	" impi TEXT PRIMARY KEY NOT NULL"
	"  REFERENCES subscribers(impi) ON DELETE CASCADE,"
	" gba_u INTEGER NOT NULL DEFAULT 0,"
	" lifetime BIGINT NOT NULL DEFAULT 0"
	"  CHECK (lifetime BETWEEN 0 AND 4294967295),"
	" updated_at BIGINT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS gba_uss ("
	" impi TEXT NOT NULL REFERENCES gba_settings(impi) ON DELETE CASCADE,"
	" seq INTEGER NOT NULL,"
	" uss_id TEXT NOT NULL,"
	" type TEXT NOT NULL DEFAULT '0',"
	" naf_group TEXT NOT NULL DEFAULT '',"
	" uids TEXT,"
	" flags TEXT NOT NULL DEFAULT '',"
	" PRIMARY KEY (impi, seq));"
	"COMMIT;";

/* libpq's notices (e.g. "relation exists, skipping") go to the debug log
 * instead of stderr. */
static void
pg_notice(void *arg, const char *msg)
{
	(void)arg;
	log_debug("hss_db: postgresql: %s", msg);
}

/* Every new or reset connection: durable commits whatever the server's
 * default (the SQN contract, hss_db.h), and no statement prepared yet. */
static int
pg_session(struct hdb_pg *h)
{
	PGresult *r;
	int ok;

	h->nprepared = 0;
	h->in_tx = 0;
	(void)PQsetNoticeProcessor(h->conn, pg_notice, NULL);
	r = PQexec(h->conn, "SET synchronous_commit TO on;"
	    "SET client_min_messages TO warning");
	ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	if (!ok)
		log_err("hss_db: postgresql session: %s",
		    PQerrorMessage(h->conn));
	PQclear(r);
	return ok ? 0 : -EIO;
}

/* A lost connection (the server restarted) is re-established once. */
static int
pg_alive(struct hdb_pg *h)
{
	if (PQstatus(h->conn) == CONNECTION_OK)
		return 0;
	log_warn("hss_db: postgresql connection lost, reconnecting");
	PQreset(h->conn);
	if (PQstatus(h->conn) != CONNECTION_OK) {
		log_err("hss_db: postgresql: %s", PQerrorMessage(h->conn));
		return -EIO;
	}
	return pg_session(h);
}

static int
pg_prepare(struct hdb_pg *h, const char *sql, char *name, size_t size)
{
	PGresult *r;
	size_t i;

	for (i = 0; i < h->nprepared; i++)
		if (h->prepared[i] == sql) {
			(void)snprintf(name, size, "hss_%zu", i);
			return 0;
		}
	if (h->nprepared == HDB_PG_MAX_STMTS)
		return -ENOSPC;
	(void)snprintf(name, size, "hss_%zu", h->nprepared);
	r = PQprepare(h->conn, name, sql, 0, NULL);
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		log_err("hss_db: prepare: %s", PQerrorMessage(h->conn));
		PQclear(r);
		return -EIO;
	}
	PQclear(r);
	h->prepared[h->nprepared++] = sql;
	return 0;
}

/* The outcome of a statement: rows (>= 0) or an error code. */
static int
pg_outcome(struct hdb_pg *h, PGresult *r, const char *what)
{
	const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
	const char *t;

	switch (PQresultStatus(r)) {
	case PGRES_TUPLES_OK:
		return PQntuples(r);
	case PGRES_COMMAND_OK:
		t = PQcmdTuples(r);
		return t[0] ? (int)strtol(t, NULL, 10) : 0;
	default:
		break;
	}
	if (state != NULL && strncmp(state, "23", 2) == 0)
		return -EEXIST;
	if (state != NULL && (strcmp(state, "40001") == 0 ||
	    strcmp(state, "40P01") == 0))
		return -EAGAIN;
	log_err("hss_db: %s: %s", what, PQerrorMessage(h->conn));
	return -EIO;
}

/* One try of hdb_pg_run: the result, or NULL (the connection's message
 * says why). */
static PGresult *
pg_exec(struct hdb_pg *h, const char *sql, int n, const char *const *v)
{
	char name[32];

	if ((!h->in_tx && pg_alive(h) < 0) ||
	    pg_prepare(h, sql, name, sizeof(name)) < 0)
		return NULL;
	return PQexecPrepared(h->conn, name, n, v, NULL, NULL, 0);
}

int
hdb_pg_run(struct hdb_pg *h, const char *sql, int n, const char *const *v,
    PGresult **res, const char *what)
{
	PGresult *r;
	int rc;

	if (res != NULL)
		*res = NULL;
	r = pg_exec(h, sql, n, v);
	/* Outside a transaction a statement cut by a lost connection is run
	 * again on a new one (at worst an SQN batch is spent twice, never
	 * one SQN handed out twice). */
	if (PQstatus(h->conn) != CONNECTION_OK && !h->in_tx) {
		PQclear(r);
		r = pg_exec(h, sql, n, v);
	}
	if (r == NULL) {
		log_err("hss_db: %s: %s", what, PQerrorMessage(h->conn));
		return -EIO;
	}
	if ((rc = pg_outcome(h, r, what)) >= 0 && res != NULL &&
	    PQresultStatus(r) == PGRES_TUPLES_OK)
		*res = r;
	else
		PQclear(r);
	return rc;
}

static int
pg_cmd(struct hdb_pg *h, const char *sql)
{
	PGresult *r = PQexec(h->conn, sql);
	int rc;

	rc = r != NULL ? pg_outcome(h, r, sql) : -EIO;
	PQclear(r);
	return rc < 0 ? rc : 0;
}

int
hdb_pg_begin(struct hdb_pg *h)
{
	IMS_CHECK_RC(pg_alive(h));
	IMS_CHECK_RC(pg_cmd(h, "BEGIN"));
	h->in_tx = 1;
	return 0;
}

int
hdb_pg_finish(struct hdb_pg *h, int rc)
{
	int c;

	h->in_tx = 0;
	if (rc >= 0) {
		if ((c = pg_cmd(h, "COMMIT")) == 0)
			return rc;
		rc = c;
	}
	(void)pg_cmd(h, "ROLLBACK");
	return rc;
}

int
hdb_pg_txn(struct hdb_pg *h, int (*fn)(struct hdb_pg *, void *), void *arg)
{
	int rc, tries = 0;

	(void)pthread_mutex_lock(&h->mtx);
	do {
		if ((rc = hdb_pg_begin(h)) == 0)
			rc = hdb_pg_finish(h, fn(h, arg));
	} while (rc == -EAGAIN && ++tries < HDB_PG_TRIES);
	(void)pthread_mutex_unlock(&h->mtx);
	return rc;
}

void
hdb_pg_str(const PGresult *r, int row, int col, char *buf, size_t size)
{
	(void)snprintf(buf, size, "%s", PQgetisnull(r, row, col) ? "" :
	    PQgetvalue(r, row, col));
}

int64_t
hdb_pg_i64(const PGresult *r, int row, int col)
{
	return strtoll(PQgetvalue(r, row, col), NULL, 10);
}

void
hdb_pg_clear_wiped(PGresult *r, int col0, int ncols)
{
	int i, c;

	if (r == NULL)
		return;
	for (i = 0; i < PQntuples(r); i++)
		for (c = col0; c < col0 + ncols && c < PQnfields(r); c++)
			secure_wipe(PQgetvalue(r, i, c),
			    (size_t)PQgetlength(r, i, c));
	PQclear(r);
}

/* 32 or 4 hex digits (encode(x, 'hex')) into len bytes. */
static int
pg_hex(const char *s, uint8_t *out, size_t len)
{
	return hex_decode(s, out, len) == 0 ? 0 : -EBADMSG;
}

/* The columns of SUB_COLS from row 0 into s. */
#define SUB_COLS \
	"encode(k, 'hex'), encode(opc, 'hex'), encode(amf, 'hex'), sqn,"\
	" ind_bits, visited_networks"
static int
sub_row(const PGresult *r, const char *impi, struct hss_sub *s)
{
	memset(s, 0, sizeof(*s));
	(void)snprintf(s->impi, sizeof(s->impi), "%s", impi);
	IMS_CHECK_RC(pg_hex(PQgetvalue(r, 0, 0), s->k, 16));
	IMS_CHECK_RC(pg_hex(PQgetvalue(r, 0, 1), s->opc, 16));
	IMS_CHECK_RC(pg_hex(PQgetvalue(r, 0, 2), s->amf, 2));
	s->sqn = (uint64_t)hdb_pg_i64(r, 0, 3);
	s->ind_bits = (unsigned)hdb_pg_i64(r, 0, 4);
	hdb_pg_str(r, 0, 5, s->visited, sizeof(s->visited));
	return 0;
}

static int
pg_sub_get(struct hss_db *hd, const char *impi, struct hss_sub *s)
{
	static const char sql[] = "SELECT " SUB_COLS
	    " FROM subscribers WHERE impi = $1";
	struct hdb_pg *h = PG(hd);
	PGresult *r;
	int rc;

	(void)pthread_mutex_lock(&h->mtx);
	rc = hdb_pg_run(h, sql, 1, &impi, &r, "select subscriber");
	(void)pthread_mutex_unlock(&h->mtx);
	if (rc == 0)
		rc = -ENOENT;
	if (rc > 0 && (rc = sub_row(r, impi, s)) < 0)
		secure_wipe(s, sizeof(*s));
	hdb_pg_clear_wiped(r, 0, 3);
	return rc;
}

/*
 * hss_db_sqn_commit in one statement, so one round trip, atomic across
 * processes (the row is locked by the UPDATE) and durable when it
 * returns: hdb_sqn_plan (TS 33.102 C.1.1.2, C.3.2, 6.3.5) in SQL.  The
 * base is SQN_HE or, on resynchronisation ($3), SQN_MS when its SEQ is
 * not smaller; n steps add n to SEQ and to IND (mod 2^ind_bits); the row
 * is not touched when SEQ would run out.  RETURNING gives the new SQN_HE,
 * from which hdb_sqn_series rebuilds the n SQNs.
 */
#define SQN_BASE \
	"(CASE WHEN $3::bigint IS NOT NULL AND ($3::bigint >> ind_bits) >="\
	" (sqn >> ind_bits) THEN $3::bigint ELSE sqn END)"
#define SQN_MASK	"((1::bigint << ind_bits) - 1)"
static const char sqn_sql[] =
	"UPDATE subscribers SET sqn ="
	" (((" SQN_BASE " >> ind_bits) + $2::int) << ind_bits) |"
	" (((" SQN_BASE " & " SQN_MASK ") + $2::int) & " SQN_MASK ")"
	" WHERE impi = $1 AND (" SQN_BASE " >> ind_bits) + $2::int <="
	" (281474976710655::bigint >> ind_bits)"
	" RETURNING " SUB_COLS;

static int
pg_sqn_commit(struct hss_db *hd, const char *impi, unsigned n,
    const uint64_t *sqn_ms, struct hss_sub *s, uint64_t *sqns)
{
	static const char exists[] = "SELECT 1 FROM subscribers"
	    " WHERE impi = $1";
	struct hdb_pg *h = PG(hd);
	char nb[8], ms[24];
	const char *v[3] = { impi, nb, NULL };
	PGresult *r;
	int rc;

	(void)snprintf(nb, sizeof(nb), "%u", n);
	if (sqn_ms != NULL) {
		(void)snprintf(ms, sizeof(ms), "%" PRIu64, *sqn_ms);
		v[2] = ms;
	}
	(void)pthread_mutex_lock(&h->mtx);
	rc = hdb_pg_run(h, sqn_sql, 3, v, &r, "update sqn");
	/* Nothing updated: no such IMPI, or SEQ exhausted. */
	if (rc == 0 && (rc = hdb_pg_run(h, exists, 1, v, NULL,
	    "select subscriber")) >= 0)
		rc = rc == 0 ? -ENOENT : -ERANGE;
	(void)pthread_mutex_unlock(&h->mtx);
	if (rc > 0) {
		if ((rc = sub_row(r, impi, s)) == 0)
			rc = hdb_sqn_series(s->sqn, s->ind_bits, n, sqns);
		if (rc < 0) {
			log_err("hss_db: the SQN of %s in the store is bad",
			    impi);
			secure_wipe(s, sizeof(*s));
		}
	}
	hdb_pg_clear_wiped(r, 0, 3);
	return rc < 0 ? rc : 0;
}

void
hdb_pg_impu_row(const PGresult *r, int i, struct hss_impu *u)
{
	memset(u, 0, sizeof(*u));
	hdb_pg_str(r, i, 0, u->impu, sizeof(u->impu));
	hdb_pg_str(r, i, 1, u->impi, sizeof(u->impi));
	u->barred = (int)hdb_pg_i64(r, i, 2);
	u->irs = (int)hdb_pg_i64(r, i, 3);
	hdb_pg_str(r, i, 4, u->profile, sizeof(u->profile));
	u->state = (enum hss_reg_state)hdb_pg_i64(r, i, 5);
	hdb_pg_str(r, i, 6, u->scscf, sizeof(u->scscf));
	u->assigned_at = hdb_pg_i64(r, i, 7);
	hdb_pg_str(r, i, 8, u->scscf_host, sizeof(u->scscf_host));
	hdb_pg_str(r, i, 9, u->scscf_realm, sizeof(u->scscf_realm));
}

static int
pg_impu_get(struct hss_db *hd, const char *impu, struct hss_impu *u)
{
	static const char sql[] = HDB_PG_IMPU_SELECT "WHERE p.impu = $1";
	struct hdb_pg *h = PG(hd);
	PGresult *r;
	int rc;

	(void)pthread_mutex_lock(&h->mtx);
	rc = hdb_pg_run(h, sql, 1, &impu, &r, "select impu");
	(void)pthread_mutex_unlock(&h->mtx);
	if (rc > 0)
		hdb_pg_impu_row(r, 0, u);
	PQclear(r);
	return rc < 0 ? rc : rc == 0 ? -ENOENT : 0;
}

/* The rows are read whole, then fn runs without the mutex held. */
static int
pg_impu_foreach(struct hss_db *hd, const char *impi, int irs,
    int (*fn)(void *, const struct hss_impu *), void *arg)
{
	static const char sql[] = HDB_PG_IMPU_SELECT "WHERE p.impi = $1 AND"
	    " ($2::int < 0 OR p.irs = $2::int) ORDER BY p.seq";
	struct hdb_pg *h = PG(hd);
	struct hss_impu u;
	char ib[16];
	const char *v[2] = { impi, ib };
	PGresult *r;
	int rc, i, n;

	(void)snprintf(ib, sizeof(ib), "%d", irs);
	(void)pthread_mutex_lock(&h->mtx);
	n = hdb_pg_run(h, sql, 2, v, &r, "select impus");
	(void)pthread_mutex_unlock(&h->mtx);
	for (i = 0, rc = n < 0 ? n : 0; i < n && rc >= 0; i++) {
		hdb_pg_impu_row(r, i, &u);
		rc = fn(arg, &u);
	}
	PQclear(r);
	return rc < 0 ? rc : 0;
}

static int
pg_sub_foreach(struct hss_db *hd, int (*fn)(void *, const char *), void *arg)
{
	static const char sql[] = "SELECT impi FROM subscribers ORDER BY impi";
	struct hdb_pg *h = PG(hd);
	PGresult *r;
	int rc, i, n;

	(void)pthread_mutex_lock(&h->mtx);
	n = hdb_pg_run(h, sql, 0, NULL, &r, "select subscribers");
	(void)pthread_mutex_unlock(&h->mtx);
	for (i = 0, rc = n < 0 ? n : 0; i < n && rc >= 0; i++)
		rc = fn(arg, PQgetvalue(r, i, 0));
	PQclear(r);
	return rc < 0 ? rc : 0;
}

/* One statement: the whole implicit registration set changes together
 * (as hdb_sl_assign). */
static int
pg_assign(struct hss_db *hd, const char *impu, enum hss_reg_state state,
    const char *scscf, const char *host, const char *realm)
{
	static const char sql[] = "UPDATE registrations SET state = $1::int,"
	    " scscf = coalesce($2::text, scscf), assigned_at = $3::bigint,"
	    " scscf_host = CASE WHEN $2::text = '' THEN ''"
	    "  ELSE coalesce($5::text, scscf_host) END,"
	    " scscf_realm = CASE WHEN $2::text = '' THEN ''"
	    "  ELSE coalesce($6::text, scscf_realm) END"
	    " WHERE impu IN (SELECT b.impu FROM public_identities a"
	    "  JOIN public_identities b ON a.impi = b.impi AND a.irs = b.irs"
	    "  WHERE a.impu = $4)";
	struct hdb_pg *h = PG(hd);
	char st[16], now[24];
	const char *v[6] = { st, scscf, now, impu, host, realm };
	int rc;

	(void)snprintf(st, sizeof(st), "%d", (int)state);
	(void)snprintf(now, sizeof(now), "%lld", (long long)time(NULL));
	(void)pthread_mutex_lock(&h->mtx);
	rc = hdb_pg_run(h, sql, 6, v, NULL, "update registration");
	(void)pthread_mutex_unlock(&h->mtx);
	return rc < 0 ? rc : rc == 0 ? -ENOENT : 0;
}

static int
pg_profile_get(struct hss_db *hd, const char *id, char **xml)
{
	static const char sql[] = "SELECT ifc_xml FROM service_profiles"
	    " WHERE id = $1";
	struct hdb_pg *h = PG(hd);
	PGresult *r;
	int rc;

	(void)pthread_mutex_lock(&h->mtx);
	rc = hdb_pg_run(h, sql, 1, &id, &r, "select profile");
	(void)pthread_mutex_unlock(&h->mtx);
	if (rc > 0)
		rc = (*xml = strdup(PQgetvalue(r, 0, 0))) == NULL ? -ENOMEM : 0;
	else if (rc == 0)
		rc = -ENOENT;
	PQclear(r);
	return rc;
}

static void
pg_close(struct hss_db *hd)
{
	struct hdb_pg *h = PG(hd);

	if (h->conn != NULL)
		PQfinish(h->conn);
	(void)pthread_mutex_destroy(&h->mtx);
	free(h);
}

static const struct hdb_ops pg_ops = {
	.name = "postgresql",
	.close = pg_close,
	.sub_get = pg_sub_get,
	.impu_get = pg_impu_get,
	.sqn_commit = pg_sqn_commit,
	.assign = pg_assign,
	.deregister = hdb_pg_deregister,
	.profile_update = hdb_pg_profile_update,
	.push_take = hdb_pg_push_take,
	.sub_add = hdb_pg_sub_add,
	.sub_del = hdb_pg_sub_del,
	.sqn_set = hdb_pg_sqn_set,
	.profile_set = hdb_pg_profile_set,
	.sub_foreach = pg_sub_foreach,
	.impu_foreach = pg_impu_foreach,
	.profile_get = pg_profile_get,
	.gba_set = hdb_pg_gba_set,
	.gba_unset = hdb_pg_gba_unset,
	.gba_get = hdb_pg_gba_get,
};

int
hdb_pg_open(const char *url, struct hss_db **out)
{
	char shown[1100];
	struct hdb_pg *h;
	int rc;

	IMS_CHECK_MALLOC(h = calloc(1, sizeof(*h)));
	h->base.ops = &pg_ops;
	if ((rc = pthread_mutex_init(&h->mtx, NULL)) != 0) {
		free(h);
		return -rc;
	}
	hss_db_display(url, shown, sizeof(shown));
	h->conn = PQconnectdb(url);
	if (h->conn == NULL || PQstatus(h->conn) != CONNECTION_OK) {
		log_err("hss_db: connect %s: %s", shown, h->conn ?
		    PQerrorMessage(h->conn) : "out of memory");
		pg_close(&h->base);
		return -EIO;
	}
	if ((rc = pg_session(h)) < 0 || (rc = pg_cmd(h, schema)) < 0) {
		log_err("hss_db: %s: cannot create the tables", shown);
		pg_close(&h->base);
		return rc;
	}
	*out = &h->base;
	return 0;
}
