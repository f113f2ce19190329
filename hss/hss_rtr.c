/* hss_rtr.c - HSS-initiated requests: Registration-Termination (TS 29.228
 * 6.1.3) and Push-Profile (6.2.1).
 *
 * Control path: `hss-ctl deregister` (RTR) and `hss-ctl set-ifc` (PPR)
 * change the store and queue the request in the push_queue table in the
 * same transaction; this thread polls the queue (every HSS_RTR_POLL_MS)
 * and sends each request once to the S-CSCF's Diameter identity recorded
 * at SAR time.  Several hss sharing one store (PostgreSQL) each take only
 * the requests for the S-CSCFs they have an open Cx connection to (the
 * take is atomic: one hss sends it); a request no hss could send within
 * the push-expiry setting is dropped, logged, by whichever takes it.  A crash
 * between take and send loses that request (at most once); the store is
 * already correct either way.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "check.h"
#include "cx.h"
#include "dia.h"
#include "hss.h"
#include "log.h"

#define HSS_RTR_POLL_MS	500
#define HSS_RTR_BATCH	16
#define HSS_PEERS_MAX	65536	/* bytes of "\n"-separated identities */

static pthread_t rtr_thread;
static pthread_mutex_t rtr_mtx = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t rtr_cond = PTHREAD_COND_INITIALIZER;
static int rtr_stop, rtr_running;
static unsigned rtr_expiry;

/* freeDiameter thread: the RTA or PPA (or the expiry). */
static void
push_answer(void *arg, struct cx_answer *a)
{
	char *impi = arg;
	const char *what = a->cmd_code == CX_CMD_PPR ? "PPA" : "RTA";

	if (a->status < 0)
		log_warn("hss: no %s for %s: %s", what, impi,
		    strerror(-a->status));
	else
		log_info("hss: %s for %s: result %u", what, impi,
		    a->exp_result_code ? a->exp_result_code : a->result_code);
	free(impi);
	cx_answer_free(a);
}

static void
ppr_send(struct hss_db *db, const struct hss_push *q)
{
	struct cx_ppr r;
	struct hss_impu u;
	char *impi, *xml = NULL;
	size_t len;
	int rc;

	/* The profile as it is now, for the identity's registration set. */
	if ((rc = hss_db_impu_get(db, q->impu, &u)) < 0 ||
	    (rc = hss_user_data(db, &u, &xml, &len)) < 0) {
		log_err("hss: PPR for %s not built: %s", q->impi,
		    strerror(-rc));
		return;
	}
	memset(&r, 0, sizeof(r));
	r.dest_host = q->dest_host;
	r.dest_realm = q->dest_realm;
	r.impi = q->impi;
	r.user_data = xml;
	r.user_data_len = len;
	if ((impi = strdup(q->impi)) == NULL)
		rc = -ENOMEM;
	else
		rc = cx_ppr_send(&r, push_answer, impi);
	free(xml);
	if (rc < 0) {
		log_err("hss: PPR for %s to %s not sent: %s", q->impi,
		    q->dest_host, strerror(-rc));
		free(impi);
		return;
	}
	log_info("hss: PPR for %s sent to %s", q->impi, q->dest_host);
}

static void
rtr_send(const struct hss_push *q)
{
	struct cx_rtr r;
	char *impi;
	int rc;

	memset(&r, 0, sizeof(r));
	r.dest_host = q->dest_host;
	r.dest_realm = q->dest_realm;
	r.impi = q->impi;
	r.impus[0] = q->impu;
	r.n_impus = 1;
	r.reason_code = q->reason;
	r.reason_info = "administrative de-registration";
	if ((impi = strdup(q->impi)) == NULL) {
		log_err("hss: RTR for %s dropped: out of memory", q->impi);
		return;
	}
	if ((rc = cx_rtr_send(&r, push_answer, impi)) < 0) {
		log_err("hss: RTR for %s to %s not sent: %s", q->impi,
		    q->dest_host, strerror(-rc));
		free(impi);
		return;
	}
	log_info("hss: RTR for %s sent to %s", q->impi, q->dest_host);
}

/* 1 when host is one of peers ("\n"-separated), ignoring case. */
static int
peer_listed(const char *peers, const char *host)
{
	size_t l = strlen(host);
	const char *p;

	for (p = peers; *p != '\0'; p += strcspn(p, "\n"), p += *p == '\n')
		if (strncasecmp(p, host, l) == 0 &&
		    (p[l] == '\n' || p[l] == '\0'))
			return 1;
	return 0;
}

/* One poll: the pushes for our open Cx peers, and the expired ones. */
static void
push_poll(struct hss_db *db, struct hss_push *q, char *peers)
{
	size_t i, n;
	int np;

	if ((np = dia_open_peers(DIA_APP_CX, peers, HSS_PEERS_MAX)) < 0) {
		log_err("hss: Cx peers not listed: %s", strerror(-np));
		return;
	}
	if (hss_db_push_take(db, peers, (int64_t)time(NULL) - rtr_expiry,
	    q, HSS_RTR_BATCH, &n) < 0)
		return;
	for (i = 0; i < n; i++) {
		if (!peer_listed(peers, q[i].dest_host))
			log_warn("hss: %s for %s dropped: no hss had a Cx "
			    "connection to %s for %u s", q[i].kind ==
			    HSS_PUSH_PPR ? "PPR" : "RTR", q[i].impi,
			    q[i].dest_host, rtr_expiry);
		else if (q[i].kind == HSS_PUSH_PPR)
			ppr_send(db, &q[i]);
		else
			rtr_send(&q[i]);
	}
}

static void *
rtr_loop(void *arg)
{
	struct hss_db *db = arg;
	struct hss_push *q;
	struct timespec ts;
	char *peers;

	q = calloc(HSS_RTR_BATCH, sizeof(*q));
	peers = malloc(HSS_PEERS_MAX);
	if (q == NULL || peers == NULL) {
		log_err("hss: RTR thread: out of memory");
		free(q);
		free(peers);
		return NULL;
	}
	(void)pthread_mutex_lock(&rtr_mtx);
	while (!rtr_stop) {
		(void)pthread_mutex_unlock(&rtr_mtx);
		push_poll(db, q, peers);
		(void)clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += HSS_RTR_POLL_MS * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		(void)pthread_mutex_lock(&rtr_mtx);
		if (!rtr_stop)
			(void)pthread_cond_timedwait(&rtr_cond, &rtr_mtx, &ts);
	}
	(void)pthread_mutex_unlock(&rtr_mtx);
	free(q);
	free(peers);
	return NULL;
}

int
hss_rtr_start(struct hss_db *db, unsigned expiry)
{
	int rc;

	IMS_CHECK_PARAMS(db != NULL && !rtr_running && expiry > 0);
	rtr_stop = 0;
	rtr_expiry = expiry;
	if ((rc = pthread_create(&rtr_thread, NULL, rtr_loop, db)) != 0)
		return -rc;
	rtr_running = 1;
	return 0;
}

void
hss_rtr_stop(void)
{
	if (!rtr_running)
		return;
	(void)pthread_mutex_lock(&rtr_mtx);
	rtr_stop = 1;
	(void)pthread_cond_signal(&rtr_cond);
	(void)pthread_mutex_unlock(&rtr_mtx);
	(void)pthread_join(rtr_thread, NULL);
	rtr_running = 0;
}
