/* hss_db_sqlite_admin.c - the SQLite store's administrative side: adding and deleting
 * subscriptions, setting SQN_HE, profiles, and the administrative
 * de-registration that queues an RTR (TS 29.228 6.1.3).
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

/* Runs one statement binding text parameters; returns changes() or <0. */
static int
exec_text(struct hdb_sl *h, const char *sql, const char *a, const char *b)
{
	sqlite3_stmt *st;

	IMS_CHECK_RC(hdb_prep(h, sql, &st));
	if (a != NULL)
		hdb_bind_text(st, 1, a);
	if (b != NULL)
		hdb_bind_text(st, 2, b);
	return hdb_run(h, st, sql);
}

static int
profile_write(struct hdb_sl *h, const char *id, const char *xml)
{
	return exec_text(h, "INSERT OR REPLACE INTO service_profiles"
	    " (id, ifc_xml) VALUES (?1, ?2)", id, xml);
}

static int
sub_insert(struct hdb_sl *h, const struct hss_sub *s)
{
	sqlite3_stmt *st;

	IMS_CHECK_RC(hdb_prep(h, "INSERT INTO subscribers (impi, k, opc, amf, sqn,"
	    " ind_bits, visited_networks) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	    &st));
	hdb_bind_text(st, 1, s->impi);
	(void)sqlite3_bind_blob(st, 2, s->k, 16, SQLITE_STATIC);
	(void)sqlite3_bind_blob(st, 3, s->opc, 16, SQLITE_STATIC);
	(void)sqlite3_bind_blob(st, 4, s->amf, 2, SQLITE_STATIC);
	(void)sqlite3_bind_int64(st, 5, (sqlite3_int64)s->sqn);
	(void)sqlite3_bind_int(st, 6, (int)s->ind_bits);
	hdb_bind_text(st, 7, s->visited[0] ? s->visited : "*");
	return hdb_run(h, st, "insert subscriber");
}

/* The inserts of hss_db_sub_add, inside its transaction. */
static int
sub_add_rows(struct hdb_sl *h, const struct hss_sub *s,
    const char *const *impus, size_t nimpus, const char *ifc_xml)
{
	size_t i;

	IMS_CHECK_RC(sub_insert(h, s));
	/* The service profile is named after the IMPI. */
	if (ifc_xml != NULL)
		IMS_CHECK_RC(profile_write(h, s->impi, ifc_xml));
	for (i = 0; i < nimpus; i++) {
		IMS_CHECK_RC(exec_text(h, ifc_xml != NULL ?
		    "INSERT INTO public_identities (impu, impi, profile_id)"
		    " VALUES (?1, ?2, ?2)" : "INSERT INTO public_identities"
		    " (impu, impi) VALUES (?1, ?2)", impus[i], s->impi));
		IMS_CHECK_RC(exec_text(h, "INSERT INTO registrations (impu)"
		    " VALUES (?1)", impus[i], NULL));
	}
	return 0;
}

int
hdb_sl_sub_add(struct hss_db *hd, const struct hss_sub *s,
    const char *const *impus, size_t nimpus, const char *ifc_xml)
{
	struct hdb_sl *h = SL(hd);
	int rc;

	(void)pthread_mutex_lock(&h->mtx);
	if ((rc = hdb_begin(h)) == 0)
		rc = hdb_finish(h, sub_add_rows(h, s, impus, nimpus, ifc_xml));
	(void)pthread_mutex_unlock(&h->mtx);
	return rc < 0 ? rc : 0;
}

int
hdb_sl_sub_del(struct hss_db *hd, const char *impi)
{
	struct hdb_sl *h = SL(hd);
	int rc;

	(void)pthread_mutex_lock(&h->mtx);
	rc = exec_text(h, "DELETE FROM subscribers WHERE impi = ?1", impi,
	    NULL);
	(void)pthread_mutex_unlock(&h->mtx);
	if (rc < 0)
		return rc;
	return rc == 0 ? -ENOENT : 0;
}

int
hdb_sl_sqn_set(struct hss_db *hd, const char *impi, uint64_t sqn)
{
	struct hdb_sl *h = SL(hd);
	int rc;

	(void)pthread_mutex_lock(&h->mtx);
	rc = hdb_sqn_write(h, impi, sqn, "set sqn");
	(void)pthread_mutex_unlock(&h->mtx);
	if (rc < 0)
		return rc;
	return rc == 0 ? -ENOENT : 0;
}

int
hdb_sl_profile_set(struct hss_db *hd, const char *id, const char *xml)
{
	struct hdb_sl *h = SL(hd);
	int rc;

	(void)pthread_mutex_lock(&h->mtx);
	rc = profile_write(h, id, xml);
	(void)pthread_mutex_unlock(&h->mtx);
	return rc < 0 ? rc : 0;
}

/* The statements of hss_db_deregister, inside its transaction: 1 when an
 * RTR was queued, 0 when not, or <0. */
static int
deregister_rows(struct hdb_sl *h, const char *impu, uint32_t reason,
    struct hss_impu *u)
{
	sqlite3_stmt *st;

	/* Read inside the transaction: the S-CSCF that holds it now. */
	IMS_CHECK_RC(hdb_impu_read(h, impu, u));

	IMS_CHECK_RC(hdb_prep(h, "UPDATE registrations SET state = 0, scscf = '',"
	    " scscf_host = '', scscf_realm = '', assigned_at = ?2"
	    " WHERE impu IN (SELECT b.impu FROM public_identities a"
	    "  JOIN public_identities b ON a.impi = b.impi AND a.irs = b.irs"
	    "  WHERE a.impu = ?1)", &st));
	hdb_bind_text(st, 1, impu);
	(void)sqlite3_bind_int64(st, 2, (sqlite3_int64)time(NULL));
	IMS_CHECK_RC(hdb_run(h, st, "deregister"));
	if (u->scscf[0] == '\0' || u->scscf_host[0] == '\0')
		return 0;
	IMS_CHECK_RC(hdb_prep(h, "INSERT INTO push_queue (impi, impu,"
	    " dest_host, dest_realm, reason, queued_at)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)", &st));
	hdb_bind_text(st, 1, u->impi);
	hdb_bind_text(st, 2, u->impu);
	hdb_bind_text(st, 3, u->scscf_host);
	hdb_bind_text(st, 4, u->scscf_realm);
	(void)sqlite3_bind_int(st, 5, (int)reason);
	(void)sqlite3_bind_int64(st, 6, (sqlite3_int64)time(NULL));
	IMS_CHECK_RC(hdb_run(h, st, "queue rtr"));
	return 1;
}

/* TS 29.228 6.1.3: administrative de-registration.  In one transaction
 * the implicit registration set becomes not registered and, when an
 * S-CSCF held it, an RTR is queued for the hss.  *queued tells which. */
int
hdb_sl_deregister(struct hss_db *hd, const char *impu, uint32_t reason,
    struct hss_impu *u, int *queued)
{
	struct hdb_sl *h = SL(hd);
	int rc;

	(void)pthread_mutex_lock(&h->mtx);
	if ((rc = hdb_begin(h)) == 0 &&
	    (rc = hdb_finish(h, deregister_rows(h, impu, reason, u))) > 0) {
		*queued = 1;
		rc = 0;
	}
	(void)pthread_mutex_unlock(&h->mtx);
	return rc;
}

/* The rows hss_db_push_take takes: for one of the hosts (?2, "\nA\nB\n",
 * hdb_hosts_norm; NULL: any) or queued before ?3. */
#define PUSH_WHERE \
	" WHERE ?2 IS NULL OR instr(?2, char(10) || lower(dest_host) ||"	\
	" char(10)) > 0 OR queued_at < ?3 ORDER BY id LIMIT ?1"

/* The statements of hss_db_push_take, inside its transaction; *n gets
 * the number of rows taken. */
static int
push_rows(struct hdb_sl *h, const char *hosts, int64_t expire,
    struct hss_push *out, size_t max, size_t *np)
{
	sqlite3_stmt *st;
	size_t n = 0;
	int rc;

	IMS_CHECK_RC(hdb_prep(h, "SELECT id, impi, impu, dest_host, dest_realm,"
	    " reason, kind FROM push_queue" PUSH_WHERE, &st));
	(void)sqlite3_bind_int(st, 1, (int)max);
	if (hosts != NULL)
		hdb_bind_text(st, 2, hosts);
	(void)sqlite3_bind_int64(st, 3, (sqlite3_int64)expire);
	while (n < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct hss_push *r = &out[n];

		r->id = sqlite3_column_int64(st, 0);
		hdb_col_str(st, 1, r->impi, sizeof(r->impi));
		hdb_col_str(st, 2, r->impu, sizeof(r->impu));
		hdb_col_str(st, 3, r->dest_host, sizeof(r->dest_host));
		hdb_col_str(st, 4, r->dest_realm, sizeof(r->dest_realm));
		r->reason = (uint32_t)sqlite3_column_int64(st, 5);
		r->kind = sqlite3_column_int(st, 6);
		n++;
	}
	hdb_done(h, st);
	*np = n;
	if (n == 0)
		return 0;
	/* The same rows: nothing else writes inside BEGIN IMMEDIATE. */
	IMS_CHECK_RC(hdb_prep(h, "DELETE FROM push_queue WHERE id IN"
	    " (SELECT id FROM push_queue" PUSH_WHERE ")", &st));
	(void)sqlite3_bind_int(st, 1, (int)max);
	if (hosts != NULL)
		hdb_bind_text(st, 2, hosts);
	(void)sqlite3_bind_int64(st, 3, (sqlite3_int64)expire);
	IMS_CHECK_RC(rc = hdb_run(h, st, "delete push"));
	return (size_t)rc == n ? 0 : -EIO;
}

/* Takes (reads and deletes) up to max queued RTRs/PPRs: at most once. */
int
hdb_sl_push_take(struct hss_db *hd, const char *hosts, int64_t expire,
    struct hss_push *out, size_t max, size_t *n)
{
	struct hdb_sl *h = SL(hd);
	int rc;

	(void)pthread_mutex_lock(&h->mtx);
	if ((rc = hdb_begin(h)) == 0 &&
	    (rc = hdb_finish(h, push_rows(h, hosts, expire, out, max, n))) < 0)
		*n = 0;
	(void)pthread_mutex_unlock(&h->mtx);
	return rc;
}

/* The statements of hss_db_profile_update, inside its transaction: 1 when
 * a PPR was queued, 0 when not, or <0. */
static int
profile_update_rows(struct hdb_sl *h, const char *impi, const char *xml)
{
	sqlite3_stmt *st;
	int rc;

	IMS_CHECK_RC(profile_write(h, impi, xml));
	IMS_CHECK_RC(rc = exec_text(h, "UPDATE public_identities SET profile_id = ?1"
	    " WHERE impi = ?1", impi, NULL));
	if (rc == 0)
		return -ENOENT;
	IMS_CHECK_RC(hdb_prep(h, "INSERT INTO push_queue (kind, impi, impu,"
	    " dest_host, dest_realm, queued_at)"
	    " SELECT 1, p.impi, p.impu, r.scscf_host, r.scscf_realm, ?2"
	    " FROM public_identities p JOIN registrations r"
	    " ON r.impu = p.impu WHERE p.impi = ?1 AND r.scscf != ''"
	    " AND r.scscf_host != '' ORDER BY p.rowid LIMIT 1", &st));
	hdb_bind_text(st, 1, impi);
	(void)sqlite3_bind_int64(st, 2, (sqlite3_int64)time(NULL));
	IMS_CHECK_RC(rc = hdb_run(h, st, "queue ppr"));
	return rc > 0;
}

/* TS 29.228 6.2.1 (Push-Profile): the IMPI's service profile changes and,
 * when an S-CSCF holds its registration, a PPR is queued, atomically. */
int
hdb_sl_profile_update(struct hss_db *hd, const char *impi, const char *xml,
    int *queued)
{
	struct hdb_sl *h = SL(hd);
	int rc;

	(void)pthread_mutex_lock(&h->mtx);
	if ((rc = hdb_begin(h)) == 0 &&
	    (rc = hdb_finish(h, profile_update_rows(h, impi, xml))) > 0) {
		*queued = 1;
		rc = 0;
	}
	(void)pthread_mutex_unlock(&h->mtx);
	return rc;
}
