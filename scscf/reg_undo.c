/* reg_undo.c - undoing a registration at the HSS (SAR USER_DEREGISTRATION,
 * TS 29.228 6.1.2) when the HSS registered a user and the S-CSCF did not:
 * its store failed after the SAA, or a SAR REGISTRATION got no answer
 * (the HSS may act on it late).
 *
 * The request is sent from the registrar's 1 s tick: at once after a
 * store failure, twice the Diameter timeout after a SAR without an answer
 * (the HSS's dispatch threads do not keep the order of requests that
 * queued up while it was stalled, so the undo must come after the
 * original was handled), and again after a failure, at most
 * REG_UNDO_TRIES times.  A later successful registration of the identity
 * cancels it.  The list is the su_root thread's; answers come back
 * through the hand-off.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "cx.h"
#include "log.h"
#include "scscf.h"

struct reg_undo {
	struct handoff_job job;		/* the SAA, to the su_root thread */
	struct scscf	*s;
	struct reg_undo	*next;
	char		 impi[SCSCF_ID_MAX];
	char		 impu[SCSCF_ID_MAX];
	time_t		 due;
	int		 inflight, tries, ok, cancelled;
};

static void
undo_unlink(struct reg_undo *u)
{
	struct reg_undo **pp;

	for (pp = &u->s->undo; *pp != NULL; pp = &(*pp)->next)
		if (*pp == u) {
			*pp = u->next;
			break;
		}
	free(u);
}

/* su_root thread. */
static void
undo_answered(struct handoff_job *job)
{
	struct reg_undo *u = IMS_CONTAINER_OF(job, struct reg_undo, job);

	u->inflight = 0;
	if (u->ok || u->cancelled) {
		log_info("registrar: %s: registration %s at the HSS", u->impu,
		    u->ok ? "undone" : "kept (registered again)");
		undo_unlink(u);
	} else if (u->tries >= REG_UNDO_TRIES) {
		log_err("registrar: %s registered at the HSS only: %d "
		    "compensating SARs failed", u->impu, u->tries);
		undo_unlink(u);
	} else
		u->due = time(NULL) + 2 * (time_t)(u->s->dia_timeout_ms /
		    1000 + 1);
}

/* freeDiameter thread: touch nothing but u's answer fields and job. */
static void
undo_cb(void *arg, struct cx_answer *a)
{
	struct reg_undo *u = arg;

	u->ok = a->status == 0 && a->result_code == DIA_SUCCESS;
	cx_answer_free(a);
	sipx_post(&u->s->sa, &u->job, undo_answered);
}

static void
undo_send(struct reg_undo *u)
{
	struct cx_req r;

	memset(&r, 0, sizeof(r));
	r.dest_realm = u->s->dest_realm;
	r.impi = u->impi;
	r.impu = u->impu;
	r.server_name = u->s->name;
	r.sar_type = CX_SAT_USER_DEREGISTRATION;
	r.timeout_ms = u->s->dia_timeout_ms;
	u->tries++;
	u->inflight = 1;
	if (cx_sar_send(&r, undo_cb, u) < 0) {
		u->inflight = 0;
		u->due = time(NULL) + 1;
		log_warn("registrar: %s: compensating SAR not sent", u->impu);
	}
}

void
reg_undo_tick(struct scscf *s)
{
	struct reg_undo *u, *next;
	time_t now = time(NULL);

	for (u = s->undo; u != NULL; u = next) {
		next = u->next;
		if (u->inflight || now < u->due)
			continue;
		if (u->cancelled)
			undo_unlink(u);
		else
			undo_send(u);
	}
}

void
reg_undo_add(struct scscf *s, const char *impi, const char *impu,
    time_t delay)
{
	struct reg_undo *u;

	for (u = s->undo; u != NULL; u = u->next)
		if (strcmp(u->impu, impu) == 0)
			break;
	if (u == NULL) {
		if ((u = calloc(1, sizeof(*u))) == NULL) {
			log_err("registrar: %s registered at the HSS only: "
			    "no memory to undo it", impu);
			return;
		}
		u->s = s;
		(void)snprintf(u->impi, sizeof(u->impi), "%s", impi);
		(void)snprintf(u->impu, sizeof(u->impu), "%s", impu);
		u->next = s->undo;
		s->undo = u;
	}
	u->cancelled = 0;
	u->tries = 0;
	u->due = time(NULL) + delay;
	log_warn("registrar: %s: the HSS's registration to be undone in "
	    "%lld s", impu, (long long)delay);
	reg_undo_tick(s);
}

void
reg_undo_cancel(struct scscf *s, const char *impu)
{
	struct reg_undo *u;

	for (u = s->undo; u != NULL; u = u->next)
		if (strcmp(u->impu, impu) == 0)
			u->cancelled = 1;
}

void
reg_undo_fini(struct scscf *s)
{
	struct reg_undo *u;

	while ((u = s->undo) != NULL) {
		s->undo = u->next;
		if (!u->ok)
			log_err("registrar: %s registered at the HSS only: "
			    "not undone before the stop", u->impu);
		free(u);
	}
}
