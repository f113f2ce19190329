/* hss_db_sqlite_sqn.c - SQN reservations of the SQLite backend with group
 * commit (hss_db_sqn_commit).
 *
 * With WAL and synchronous=FULL every COMMIT is an fsync, and one MAR used
 * to be one transaction.  Now the reservations of concurrent MARs (Cx and
 * Zh, any freeDiameter dispatch thread, any subscribers) share one: the
 * first thread in becomes the leader, takes every reservation queued so
 * far (its own included), applies them in one transaction and wakes their
 * threads after the COMMIT; threads arriving meanwhile queue theirs, and
 * one of them leads the next group.  No thread returns before the COMMIT
 * holding its SQNs is on disk, so no vector leaves before its SQN is
 * durable and a crash never leads to a reused SQN (TS 33.102 6.3.2,
 * Annex C.1.1; hss_db.h).  A reservation that cannot be made (unknown
 * IMPI, SEQ exhausted) writes nothing and fails alone; a failed write or
 * COMMIT fails the whole group, none of whose SQNs is then handed out.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>

#include "check.h"
#include "hss_db.h"
#include "hss_db_sqlite.h"
#include "log.h"
#include "util.h"

/* Reservations per transaction at most; more wait for the next one. */
#define SQN_GROUP_MAX	64

struct hdb_sqn_req {
	const char		*impi;
	unsigned		 n;
	const uint64_t		*sqn_ms;
	struct hss_sub		*s;
	uint64_t		*sqns;
	int			 rc;
	int			 done;
	struct hdb_sqn_req	*next;
};

/* One reservation inside the group's transaction: 0, a negative errno of
 * its own (nothing written), or *fatal set when the write failed. */
static int
sqn_one(struct hdb_sl *h, struct hdb_sqn_req *r, int *fatal)
{
	uint64_t next = 0;
	int rc;

	IMS_CHECK_RC(hdb_sub_read(h, r->impi, r->s));
	IMS_CHECK_RC(hdb_sqn_plan(r->s->sqn, r->s->ind_bits, r->sqn_ms, r->n,
	    r->sqns, &next));
	if ((rc = hdb_sqn_write(h, r->impi, next, "update sqn")) < 0) {
		*fatal = 1;
		return rc;
	}
	r->s->sqn = next;
	return 0;
}

/* The leader: the group's transaction, the store's mutex held. */
static void
sqn_group(struct hdb_sl *h, struct hdb_sqn_req *g)
{
	struct hdb_sqn_req *r;
	int rc, fatal = 0;

	(void)pthread_mutex_lock(&h->mtx);
	if ((rc = hdb_begin(h)) == 0) {
		for (r = g; r != NULL && !fatal; r = r->next)
			r->rc = sqn_one(h, r, &fatal);
		rc = hdb_finish(h, fatal ? -EIO : 0);
	}
	(void)pthread_mutex_unlock(&h->mtx);
	h->sqn_groups++;
	for (r = g; r != NULL; r = r->next) {
		if (rc < 0)
			r->rc = rc;	/* nothing of the group is durable */
		if (r->rc < 0)
			secure_wipe(r->s, sizeof(*r->s));
	}
}

int
hdb_sl_sqn_commit(struct hss_db *hd, const char *impi, unsigned n,
    const uint64_t *sqn_ms, struct hss_sub *s, uint64_t *sqns)
{
	struct hdb_sl *h = SL(hd);
	struct hdb_sqn_req me = { impi, n, sqn_ms, s, sqns, 0, 0, NULL };
	struct hdb_sqn_req *g, *r, *last;
	unsigned k;

	(void)pthread_mutex_lock(&h->gmtx);
	*h->sqn_tail = &me;
	h->sqn_tail = &me.next;
	while (!me.done) {
		if (h->sqn_leader) {
			(void)pthread_cond_wait(&h->gcond, &h->gmtx);
			continue;
		}
		/* Lead: take up to SQN_GROUP_MAX queued, oldest first (our
		 * own is among them unless a previous group was full). */
		h->sqn_leader = 1;
		g = h->sqn_head;
		for (k = 1, last = g; k < SQN_GROUP_MAX && last->next != NULL;
		    k++)
			last = last->next;
		h->sqn_head = last->next;
		if (h->sqn_head == NULL)
			h->sqn_tail = &h->sqn_head;
		last->next = NULL;
		(void)pthread_mutex_unlock(&h->gmtx);
		sqn_group(h, g);
		(void)pthread_mutex_lock(&h->gmtx);
		for (r = g; r != NULL; r = r->next)
			r->done = 1;
		h->sqn_leader = 0;
		h->sqn_grouped += k;
		(void)pthread_cond_broadcast(&h->gcond);
	}
	(void)pthread_mutex_unlock(&h->gmtx);
	return me.rc;
}
