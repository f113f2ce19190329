/* bsf_zh.c - the BSF's Zh client (TS 29.109 5, TS 33.220 4.5.2 step 2):
 * one Multimedia-Auth-Request per bootstrap (or resynchronisation) for
 * one authentication vector and the GUSS.
 *
 * The answer arrives on a freeDiameter thread; its callback only keeps it
 * and posts the context to the loop (handoff.h), where bsf_http answers
 * the waiting Ub request.  Nothing of libevent is touched off the loop.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bsf.h"
#include "check.h"
#include "log.h"
#include "util.h"

/* Loop thread. */
static void
mar_job(struct handoff_job *j)
{
	struct bsf_mar *m = IMS_CONTAINER_OF(j, struct bsf_mar, job);

	m->b->inflight--;
	bsf_http_mar_done(m);
	if (m->ans != NULL)
		zh_answer_free(m->ans);
	secure_wipe(m, sizeof(*m));
	free(m);
}

/* freeDiameter thread: keep the answer, hand over. */
static void
mar_answer(void *arg, struct zh_answer *ans)
{
	struct bsf_mar *m = arg;

	m->ans = ans;
	evloop_post(&m->b->loop, &m->job, mar_job);
}

int
bsf_zh_mar(struct bsf *b, struct evhttp_request *req, const char *impi,
    const uint8_t *resync, int stale)
{
	struct zh_req r;
	struct bsf_mar *m;
	int rc;

	IMS_CHECK_PARAMS(strlen(impi) < BSF_IMPI_MAX);
	IMS_CHECK_MALLOC(m = calloc(1, sizeof(*m)));
	m->b = b;
	m->req = req;
	m->stale = stale;
	(void)snprintf(m->impi, sizeof(m->impi), "%s", impi);
	memset(&r, 0, sizeof(r));
	r.dest_realm = b->dest_realm;
	r.dest_host = b->conf->hss;
	r.impi = m->impi;
	r.timeout_ms = b->zh_timeout_ms;
	/* TS 29.109 5.2.1: SIP-Authorization = RAND || AUTS on a
	 * synchronisation failure (TS 33.220 4.5.2, TS 33.102 6.3.5). */
	if (resync != NULL) {
		r.sip_authorization = resync;
		r.sip_authorization_len = 16 + 14;
	}
	b->inflight++;
	if ((rc = zh_mar_send(&r, mar_answer, m)) < 0) {
		b->inflight--;
		log_err("bsf: Zh MAR for %s not sent: %s", impi,
		    strerror(-rc));
		free(m);
		return rc;
	}
	log_debug("bsf: Zh MAR for %s%s", impi, resync ? " (resync)" : "");
	return 0;
}
