/* icscf_disc.c - the S-CSCF candidates (scscf_select.h) from the scscf
 * key: an entry with an address literal is a candidate as it is; an entry
 * that names a host (sip:scscf:6060=1,2, a service whose replicas all
 * answer to one name) becomes one candidate per address the name resolves
 * to, sip:ADDRESS:6060 with the entry's capabilities, so that new users
 * are spread over every replica.
 *
 * Names are resolved with getaddrinfo() on a thread of our own, never on
 * the SIP loop: at start, at once after a reload, then every
 * scscf-refresh seconds, so that replicas that come and go are followed.
 * Each result is handed to the su_root thread (sipx_post), which swaps the
 * candidates in (scscf_set keeps each one's order of choice).  A name
 * that resolves to nothing (not yet, or no replica left) stands for
 * itself (sipx_forward resolves it when used); a resolver failure keeps
 * the entry's previous addresses.  One result at a time is in flight: a
 * newer one replaces it before the loop takes it.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "check.h"
#include "icscf.h"
#include "log.h"

#define DISC_PER_NAME	32	/* addresses taken from one name */
#define DISC_JOIN_MS	2000	/* a resolver still busy at stop: left */

struct icscf_disc {
	pthread_t	 thread;
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	int		 running, stop, kick, posted;
	unsigned	 refresh_s;
	unsigned	 gen;			/* of cfg */
	struct scscf_entry cfg[ICSCF_MAX_SCSCF];
	unsigned	 ncfg;
	struct scscf_entry res[SCSCF_CAND_MAX];	/* the newest result */
	unsigned	 nres, res_gen;
	struct handoff_job job;
	struct icscf	*ic;
	/* The thread's own: the last result, by entry, for resolver
	 * failures. */
	struct scscf_entry prev[SCSCF_CAND_MAX];
	unsigned	 prev_from[SCSCF_CAND_MAX], nprev, prev_gen;
	struct scscf_entry work[SCSCF_CAND_MAX];
};

/* Every address of host (IPv6 in brackets), each once: how many, or
 * -ENOENT no such name / none, -EAGAIN the resolver failed. */
static int
resolve_all(const char *host, char addrs[][SIPX_ADDR_MAX], int max)
{
	struct addrinfo hints, *res = NULL, *ai;
	char a[INET6_ADDRSTRLEN];
	const void *in;
	int rc, n = 0, i;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_DGRAM;
	if ((rc = getaddrinfo(host, NULL, &hints, &res)) != 0)
		return rc == EAI_NONAME || rc == EAI_NODATA ? -ENOENT :
		    -EAGAIN;
	for (ai = res; ai != NULL && n < max; ai = ai->ai_next) {
		if (ai->ai_family == AF_INET)
			in = &((struct sockaddr_in *)(void *)
			    ai->ai_addr)->sin_addr;
		else if (ai->ai_family == AF_INET6)
			in = &((struct sockaddr_in6 *)(void *)
			    ai->ai_addr)->sin6_addr;
		else
			continue;
		if (inet_ntop(ai->ai_family, in, a, sizeof(a)) == NULL)
			continue;
		(void)snprintf(addrs[n], SIPX_ADDR_MAX,
		    ai->ai_family == AF_INET6 ? "[%s]" : "%s", a);
		for (i = 0; i < n; i++)
			if (strcmp(addrs[i], addrs[n]) == 0)
				break;
		if (i == n)
			n++;
	}
	freeaddrinfo(res);
	return n > 0 ? n : -ENOENT;
}

/* The candidates of cfg[0..ncfg) into out: how many. */
static unsigned
build(struct icscf_disc *d, const struct scscf_entry *cfg, unsigned ncfg,
    unsigned gen, struct scscf_entry *out, unsigned *from)
{
	char host[SIPX_HOST_MAX], addrs[DISC_PER_NAME][SIPX_ADDR_MAX];
	const char *rest;
	unsigned i, j, n = 0;
	int k, na;

	for (i = 0; i < ncfg && n < SCSCF_CAND_MAX; i++) {
		if (scscf_uri_host(cfg[i].uri, host, sizeof(host), &rest) !=
		    0) {
			from[n] = i;
			out[n++] = cfg[i];	/* a literal: itself */
			continue;
		}
		if ((na = resolve_all(host, addrs, DISC_PER_NAME)) == -EAGAIN &&
		    d->prev_gen == gen) {
			log_info("icscf: cannot resolve %s now: its previous "
			    "addresses kept", host);
			for (j = 0; j < d->nprev && n < SCSCF_CAND_MAX; j++)
				if (d->prev_from[j] == i) {
					from[n] = i;
					out[n++] = d->prev[j];
				}
			continue;
		}
		if (na < 0) {
			from[n] = i;
			out[n++] = cfg[i];	/* the name: itself */
			continue;
		}
		for (k = 0; k < na && n < SCSCF_CAND_MAX; k++) {
			out[n] = cfg[i];
			if (snprintf(out[n].uri, sizeof(out[n].uri), "%.*s%s%s",
			    (int)(strchr(cfg[i].uri, ':') - cfg[i].uri + 1),
			    cfg[i].uri, addrs[k], rest) >=
			    (int)sizeof(out[n].uri))
				continue;
			from[n++] = i;
		}
	}
	return n;
}

/* Loop thread: the newest result becomes the candidates. */
static void
disc_apply(struct handoff_job *job)
{
	struct icscf_disc *d = IMS_CONTAINER_OF(job, struct icscf_disc, job);
	struct scscf_state *s = &d->ic->sel;
	char list[512];
	size_t len = 0;
	unsigned i, changed;

	pthread_mutex_lock(&d->mu);
	d->posted = 0;
	if (d->res_gen != d->gen) {
		pthread_mutex_unlock(&d->mu);
		return;		/* of settings reloaded since */
	}
	changed = d->nres != s->n;
	for (i = 0; !changed && i < d->nres; i++)
		changed = strcasecmp(d->res[i].uri, s->cand[i].uri) != 0;
	scscf_set(s, d->res, d->nres);
	pthread_mutex_unlock(&d->mu);
	if (!changed)
		return;
	list[0] = '\0';
	for (i = 0; i < s->n && len < sizeof(list); i++)
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s",
		    i ? " " : "", s->cand[i].uri);
	log_info("icscf: %u S-CSCF candidates: %s", s->n, list);
}

static void
deadline(struct timespec *ts, unsigned s)
{
	(void)clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += (time_t)s;
}

static void *
disc_thread(void *arg)
{
	struct icscf_disc *d = arg;
	struct scscf_entry cfg[ICSCF_MAX_SCSCF], *out = d->work;
	unsigned from[SCSCF_CAND_MAX], ncfg, gen, n;
	struct timespec due;

	deadline(&due, 0);
	pthread_mutex_lock(&d->mu);
	for (;;) {
		while (!d->stop && !d->kick &&
		    pthread_cond_timedwait(&d->cv, &d->mu, &due) != ETIMEDOUT)
			;
		if (d->stop)
			break;
		d->kick = 0;
		ncfg = d->ncfg;
		gen = d->gen;
		memcpy(cfg, d->cfg, ncfg * sizeof(*cfg));
		pthread_mutex_unlock(&d->mu);

		n = build(d, cfg, ncfg, gen, out, from);
		memcpy(d->prev, out, n * sizeof(*out));
		memcpy(d->prev_from, from, n * sizeof(*from));
		d->nprev = n;
		d->prev_gen = gen;

		pthread_mutex_lock(&d->mu);
		deadline(&due, d->refresh_s);
		if (d->stop)
			break;
		if (gen != d->gen)
			continue;
		memcpy(d->res, out, n * sizeof(*out));
		d->nres = n;
		d->res_gen = gen;
		if (!d->posted) {
			d->posted = 1;
			sipx_post(&d->ic->sa, &d->job, disc_apply);
		}
	}
	pthread_mutex_unlock(&d->mu);
	return NULL;
}

int
icscf_disc_new(struct icscf *ic, unsigned refresh_s)
{
	struct icscf_disc *d;
	pthread_condattr_t ca;

	IMS_CHECK_MALLOC(d = calloc(1, sizeof(*d)));
	if (pthread_condattr_init(&ca) != 0) {
		free(d);
		return -ENOMEM;
	}
	(void)pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	if (pthread_mutex_init(&d->mu, NULL) != 0 ||
	    pthread_cond_init(&d->cv, &ca) != 0) {
		pthread_condattr_destroy(&ca);
		free(d);
		return -ENOMEM;
	}
	pthread_condattr_destroy(&ca);
	d->ic = ic;
	d->refresh_s = refresh_s;
	ic->disc = d;
	return 0;
}

void
icscf_disc_config(struct icscf *ic, const struct scscf_entry *cfg,
    unsigned n, unsigned refresh_s)
{
	struct icscf_disc *d = ic->disc;

	/* Until resolved: each entry stands for itself. */
	scscf_set(&ic->sel, cfg, n);
	if (d == NULL)
		return;
	pthread_mutex_lock(&d->mu);
	memcpy(d->cfg, cfg, n * sizeof(*cfg));
	d->ncfg = n;
	d->gen++;
	d->refresh_s = refresh_s;
	d->kick = 1;
	pthread_cond_signal(&d->cv);
	pthread_mutex_unlock(&d->mu);
}

int
icscf_disc_start(struct icscf *ic)
{
	struct icscf_disc *d = ic->disc;
	sigset_t all, old;
	int rc;

	IMS_CHECK_PARAMS(d != NULL && !d->running);
	/* Signals stay with the skeleton's signal thread. */
	sigfillset(&all);
	(void)pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&d->thread, NULL, disc_thread, d);
	(void)pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0)
		return -rc;
	d->running = 1;
	return 0;
}

void
icscf_disc_free(struct icscf *ic)
{
	struct icscf_disc *d = ic->disc;
	struct timespec ts;

	if (d == NULL)
		return;
	ic->disc = NULL;
	pthread_mutex_lock(&d->mu);
	d->stop = 1;
	pthread_cond_signal(&d->cv);
	pthread_mutex_unlock(&d->mu);
	if (d->running) {
		(void)clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += DISC_JOIN_MS / 1000;
		if (pthread_timedjoin_np(d->thread, NULL, &ts) != 0) {
			/* Inside getaddrinfo(): it posts nothing now. */
			log_warn("icscf: S-CSCF resolver still busy at stop");
			(void)pthread_detach(d->thread);
			return;
		}
	}
	pthread_mutex_destroy(&d->mu);
	pthread_cond_destroy(&d->cv);
	free(d);
}
