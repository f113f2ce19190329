/* hss_db_pg_admin.c - the PostgreSQL store's administrative side (as
 * hss_db_sqlite_admin.c): subscriptions, SQN_HE, profiles, and the
 * RTR/PPR queue (TS 29.228 6.1.3, 6.2.1) that the hss replicas share.
 *
 * A read-modify-write is one transaction that locks what it read
 * (SELECT ... FOR UPDATE) or one statement; a transaction that loses a
 * deadlock or serialization race (-EAGAIN) is run again.
 */
#include <errno.h>
#include <inttypes.h>
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
#include "util.h"

static void
now_str(char *buf, size_t size)
{
	(void)snprintf(buf, size, "%lld", (long long)time(NULL));
}

static int
profile_write(struct hdb_pg *h, const char *id, const char *xml)
{
	static const char sql[] = "INSERT INTO service_profiles (id, ifc_xml)"
	    " VALUES ($1, $2) ON CONFLICT (id) DO UPDATE"
	    " SET ifc_xml = EXCLUDED.ifc_xml";
	const char *v[2] = { id, xml };

	return hdb_pg_run(h, sql, 2, v, NULL, "write profile");
}

/* The inserts of hss_db_sub_add, inside its transaction. */
static int
sub_add_rows(struct hdb_pg *h, const struct hss_sub *s,
    const char *const *impus, size_t nimpus, const char *ifc_xml)
{
	static const char sub_sql[] = "INSERT INTO subscribers (impi, k, opc,"
	    " amf, sqn, ind_bits, visited_networks) VALUES ($1,"
	    " decode($2, 'hex'), decode($3, 'hex'), decode($4, 'hex'),"
	    " $5::bigint, $6::int, $7)";
	static const char impu_sql[] = "INSERT INTO public_identities (impu,"
	    " impi, profile_id) VALUES ($1, $2, $3)";
	static const char reg_sql[] = "INSERT INTO registrations (impu)"
	    " VALUES ($1)";
	char k[33], opc[33], amf[5], sqn[24], ib[8];
	const char *v[7] = { s->impi, k, opc, amf, sqn, ib,
	    s->visited[0] ? s->visited : "*" };
	size_t i;
	int rc;

	hex_encode(s->k, 16, k);
	hex_encode(s->opc, 16, opc);
	hex_encode(s->amf, 2, amf);
	(void)snprintf(sqn, sizeof(sqn), "%" PRIu64, s->sqn);
	(void)snprintf(ib, sizeof(ib), "%u", s->ind_bits);
	rc = hdb_pg_run(h, sub_sql, 7, v, NULL, "insert subscriber");
	secure_wipe(k, sizeof(k));
	secure_wipe(opc, sizeof(opc));
	IMS_CHECK_RC(rc);
	/* The service profile is named after the IMPI. */
	if (ifc_xml != NULL)
		IMS_CHECK_RC(profile_write(h, s->impi, ifc_xml));
	for (i = 0; i < nimpus; i++) {
		v[0] = impus[i];
		v[1] = s->impi;
		v[2] = ifc_xml != NULL ? s->impi : NULL;
		IMS_CHECK_RC(hdb_pg_run(h, impu_sql, 3, v, NULL,
		    "insert impu"));
		IMS_CHECK_RC(hdb_pg_run(h, reg_sql, 1, v, NULL,
		    "insert registration"));
	}
	return 0;
}

int
hdb_pg_sub_add(struct hss_db *hd, const struct hss_sub *s,
    const char *const *impus, size_t nimpus, const char *ifc_xml)
{
	struct hdb_pg *h = PG(hd);
	int rc;

	(void)pthread_mutex_lock(&h->mtx);
	if ((rc = hdb_pg_begin(h)) == 0)
		rc = hdb_pg_finish(h, sub_add_rows(h, s, impus, nimpus,
		    ifc_xml));
	(void)pthread_mutex_unlock(&h->mtx);
	return rc < 0 ? rc : 0;
}

int
hdb_pg_sub_del(struct hss_db *hd, const char *impi)
{
	static const char sql[] = "DELETE FROM subscribers WHERE impi = $1";
	struct hdb_pg *h = PG(hd);
	int rc;

	(void)pthread_mutex_lock(&h->mtx);
	rc = hdb_pg_run(h, sql, 1, &impi, NULL, "delete subscriber");
	(void)pthread_mutex_unlock(&h->mtx);
	return rc < 0 ? rc : rc == 0 ? -ENOENT : 0;
}

int
hdb_pg_sqn_set(struct hss_db *hd, const char *impi, uint64_t sqn)
{
	static const char sql[] = "UPDATE subscribers SET sqn = $2::bigint"
	    " WHERE impi = $1";
	struct hdb_pg *h = PG(hd);
	char sb[24];
	const char *v[2] = { impi, sb };
	int rc;

	(void)snprintf(sb, sizeof(sb), "%" PRIu64, sqn);
	(void)pthread_mutex_lock(&h->mtx);
	rc = hdb_pg_run(h, sql, 2, v, NULL, "set sqn");
	(void)pthread_mutex_unlock(&h->mtx);
	return rc < 0 ? rc : rc == 0 ? -ENOENT : 0;
}

int
hdb_pg_profile_set(struct hss_db *hd, const char *id, const char *xml)
{
	struct hdb_pg *h = PG(hd);
	int rc;

	(void)pthread_mutex_lock(&h->mtx);
	rc = profile_write(h, id, xml);
	(void)pthread_mutex_unlock(&h->mtx);
	return rc < 0 ? rc : 0;
}

/* The statements of hss_db_deregister inside its transaction: 1 when an
 * RTR was queued, 0 when not, or <0.  The identity's registration is
 * locked first, so the S-CSCF read is the one that holds it until the
 * commit (a SAR through another hss waits). */
static int
deregister_rows(struct hdb_pg *h, const char *impu, uint32_t reason,
    struct hss_impu *u)
{
	static const char lock_sql[] = HDB_PG_IMPU_COLS
	    " FROM public_identities p JOIN registrations r"
	    " ON r.impu = p.impu WHERE p.impu = $1 FOR UPDATE OF r";
	static const char dereg_sql[] = "UPDATE registrations SET state = 0,"
	    " scscf = '', scscf_host = '', scscf_realm = '',"
	    " assigned_at = $2::bigint"
	    " WHERE impu IN (SELECT b.impu FROM public_identities a"
	    "  JOIN public_identities b ON a.impi = b.impi AND a.irs = b.irs"
	    "  WHERE a.impu = $1)";
	static const char queue_sql[] = "INSERT INTO push_queue (kind, impi,"
	    " impu, dest_host, dest_realm, reason, queued_at)"
	    " VALUES (0, $1, $2, $3, $4, $5::bigint, $6::bigint)";
	char now[24], rb[16];
	const char *v[6] = { impu, now };
	PGresult *r;
	int rc;

	now_str(now, sizeof(now));
	IMS_CHECK_RC(rc = hdb_pg_run(h, lock_sql, 1, v, &r, "lock impu"));
	if (rc == 0)
		return -ENOENT;
	hdb_pg_impu_row(r, 0, u);
	PQclear(r);
	IMS_CHECK_RC(hdb_pg_run(h, dereg_sql, 2, v, NULL, "deregister"));
	if (u->scscf[0] == '\0' || u->scscf_host[0] == '\0')
		return 0;
	(void)snprintf(rb, sizeof(rb), "%" PRIu32, reason);
	v[0] = u->impi;
	v[1] = u->impu;
	v[2] = u->scscf_host;
	v[3] = u->scscf_realm;
	v[4] = rb;
	v[5] = now;
	IMS_CHECK_RC(hdb_pg_run(h, queue_sql, 6, v, NULL, "queue rtr"));
	return 1;
}

struct dereg_args {
	const char	*impu;
	uint32_t	 reason;
	struct hss_impu	*u;
};

static int
deregister_txn(struct hdb_pg *h, void *arg)
{
	const struct dereg_args *a = arg;

	return deregister_rows(h, a->impu, a->reason, a->u);
}

int
hdb_pg_deregister(struct hss_db *hd, const char *impu, uint32_t reason,
    struct hss_impu *u, int *queued)
{
	struct dereg_args a = { impu, reason, u };
	int rc;

	if ((rc = hdb_pg_txn(PG(hd), deregister_txn, &a)) > 0) {
		*queued = 1;
		rc = 0;
	}
	return rc;
}

/* The statements of hss_db_profile_update inside its transaction: 1 when
 * a PPR was queued, 0 when not, or <0.  The IMPI's registrations are
 * locked first: an S-CSCF assigned meanwhile either gets the new profile
 * in its SAA or is the one the PPR goes to. */
static int
profile_update_rows(struct hdb_pg *h, const char *impi, const char *xml)
{
	static const char lock_sql[] = "SELECT r.impu FROM public_identities p"
	    " JOIN registrations r ON r.impu = p.impu WHERE p.impi = $1"
	    " ORDER BY r.impu FOR UPDATE OF r";
	static const char use_sql[] = "UPDATE public_identities"
	    " SET profile_id = $1 WHERE impi = $1";
	static const char queue_sql[] = "INSERT INTO push_queue (kind, impi,"
	    " impu, dest_host, dest_realm, queued_at)"
	    " SELECT 1, p.impi, p.impu, r.scscf_host, r.scscf_realm, $2::bigint"
	    " FROM public_identities p JOIN registrations r"
	    " ON r.impu = p.impu WHERE p.impi = $1 AND r.scscf <> ''"
	    " AND r.scscf_host <> '' ORDER BY p.seq LIMIT 1";
	char now[24];
	const char *v[2] = { impi, now };
	int rc;

	now_str(now, sizeof(now));
	IMS_CHECK_RC(hdb_pg_run(h, lock_sql, 1, v, NULL, "lock registrations"));
	IMS_CHECK_RC(profile_write(h, impi, xml));
	IMS_CHECK_RC(rc = hdb_pg_run(h, use_sql, 1, v, NULL, "use profile"));
	if (rc == 0)
		return -ENOENT;
	IMS_CHECK_RC(rc = hdb_pg_run(h, queue_sql, 2, v, NULL, "queue ppr"));
	return rc > 0;
}

static int
profile_update_txn(struct hdb_pg *h, void *arg)
{
	const char *const *a = arg;	/* impi, xml */

	return profile_update_rows(h, a[0], a[1]);
}

int
hdb_pg_profile_update(struct hss_db *hd, const char *impi, const char *xml,
    int *queued)
{
	const char *a[2] = { impi, xml };
	int rc;

	if ((rc = hdb_pg_txn(PG(hd), profile_update_txn, a)) > 0) {
		*queued = 1;
		rc = 0;
	}
	return rc;
}

static int
push_cmp(const void *a, const void *b)
{
	const struct hss_push *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* One statement: the rows for one of the hosts (hdb_hosts_norm's "\nA\nB\n")
 * or queued before $3 are deleted and returned; SKIP LOCKED lets two hss
 * take at the same time, each a different push, never the same one. */
int
hdb_pg_push_take(struct hss_db *hd, const char *hosts, int64_t expire,
    struct hss_push *out, size_t max, size_t *np)
{
	static const char sql[] = "DELETE FROM push_queue WHERE id IN"
	    " (SELECT id FROM push_queue WHERE $2::text IS NULL OR"
	    "  strpos($2::text, E'\\n' || lower(dest_host) || E'\\n') > 0 OR"
	    "  queued_at < $3::bigint ORDER BY id LIMIT $1::int"
	    "  FOR UPDATE SKIP LOCKED)"
	    " RETURNING id, impi, impu, dest_host, dest_realm, reason, kind";
	struct hdb_pg *h = PG(hd);
	char mb[16], eb[24];
	const char *v[3] = { mb, hosts, eb };
	PGresult *r;
	int rc, i;

	(void)snprintf(mb, sizeof(mb), "%zu", max);
	(void)snprintf(eb, sizeof(eb), "%lld", (long long)expire);
	(void)pthread_mutex_lock(&h->mtx);
	rc = hdb_pg_run(h, sql, 3, v, &r, "take push");
	(void)pthread_mutex_unlock(&h->mtx);
	for (i = 0; i < rc && (size_t)i < max; i++) {
		struct hss_push *p = &out[i];

		p->id = hdb_pg_i64(r, i, 0);
		hdb_pg_str(r, i, 1, p->impi, sizeof(p->impi));
		hdb_pg_str(r, i, 2, p->impu, sizeof(p->impu));
		hdb_pg_str(r, i, 3, p->dest_host, sizeof(p->dest_host));
		hdb_pg_str(r, i, 4, p->dest_realm, sizeof(p->dest_realm));
		p->reason = (uint32_t)hdb_pg_i64(r, i, 5);
		p->kind = (int)hdb_pg_i64(r, i, 6);
	}
	PQclear(r);
	if (rc < 0)
		return rc;
	*np = (size_t)i;
	qsort(out, *np, sizeof(*out), push_cmp);
	return 0;
}
