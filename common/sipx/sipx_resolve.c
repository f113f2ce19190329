/* sipx_resolve.c - next-hop names resolved off the SIP loop.
 *
 * A Route or Request-URI may name any host (RFC 3261 16.6 step 7); a
 * resolver that never answers must not stall every other request, so
 * getaddrinfo() runs on a few worker threads (started on demand) and
 * each result comes back to the loop through the agent's hand-off
 * (common/base/handoff.h).  Lookups in flight (queued or running) are
 * bounded: beyond, sipx_lookup_start() says -EBUSY and the request gets
 * 503 with Retry-After.  A requester that gives up (its timer, in
 * sipx_proxy.c) cancels: a queued lookup is dropped at once, a running
 * one is forgotten when it ends.  The workers are detached; the last one
 * out frees the resolver after sipx_resolver_free().
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

#include "check.h"
#include "log.h"
#include "sipx.h"

enum { LK_QUEUED, LK_RUNNING, LK_DONE };

struct sipx_lookup {
	struct handoff_job	 job;	/* the result, to the loop */
	struct sipx_resolver	*r;
	struct sipx_lookup	*next;	/* queue */
	int			 state;
	int			 cancelled;
	int			 rc;
	char			 host[SIPX_HOST_MAX];
	char			 addr[SIPX_ADDR_MAX];
	sipx_lookup_fn		 done;
	void			*arg;
};

struct sipx_resolver {
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;
	struct sipx_lookup	*head, **tail;
	struct handoff		*handoff;
	sipx_resolve_f		*resolve;
	unsigned		 inflight, max_inflight;
	unsigned		 queued;
	unsigned		 threads, idle, max_threads;
	unsigned		 refs;	/* the owner + each worker */
	int			 stopping;
};

int
sipx_getaddrinfo(const char *host, char *addr, size_t size)
{
	struct addrinfo hints, *res = NULL;
	const void *in;
	int rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_DGRAM;
	if ((rc = getaddrinfo(host, NULL, &hints, &res)) != 0 || res == NULL)
		return rc == EAI_NONAME || rc == EAI_NODATA ? -ENOENT :
		    rc == EAI_AGAIN ? -EAGAIN : -EIO;
	if (res->ai_family == AF_INET) {
		in = &((struct sockaddr_in *)(void *)res->ai_addr)->sin_addr;
		rc = inet_ntop(AF_INET, in, addr, (socklen_t)size) ? 0 :
		    -ENOSPC;
	} else if (res->ai_family == AF_INET6 && size > 2) {
		in = &((struct sockaddr_in6 *)(void *)res->ai_addr)->sin6_addr;
		addr[0] = '[';
		rc = inet_ntop(AF_INET6, in, addr + 1, (socklen_t)size - 2) ?
		    0 : -ENOSPC;
		if (rc == 0)
			(void)strcat(addr, "]");
	} else
		rc = -EAFNOSUPPORT;
	freeaddrinfo(res);
	return rc;
}

/* With r->mu held: the last reference frees. */
static int
release(struct sipx_resolver *r)
{
	return --r->refs == 0;
}

static void
resolver_destroy(struct sipx_resolver *r)
{
	pthread_mutex_destroy(&r->mu);
	pthread_cond_destroy(&r->cv);
	free(r);
}

/* Loop thread: the result of a lookup. */
static void
lookup_done(struct handoff_job *job)
{
	struct sipx_lookup *l = IMS_CONTAINER_OF(job, struct sipx_lookup,
	    job);
	struct sipx_resolver *r = l->r;

	pthread_mutex_lock(&r->mu);
	r->inflight--;
	pthread_mutex_unlock(&r->mu);
	if (!l->cancelled)
		l->done(l->arg, l->rc, l->addr);
	free(l);
}

static void *
worker(void *arg)
{
	struct sipx_resolver *r = arg;
	struct sipx_lookup *l;
	int last;

	pthread_mutex_lock(&r->mu);
	for (;;) {
		while (!r->stopping && r->head == NULL) {
			r->idle++;
			pthread_cond_wait(&r->cv, &r->mu);
			r->idle--;
		}
		if (r->stopping)
			break;
		l = r->head;
		if ((r->head = l->next) == NULL)
			r->tail = &r->head;
		r->queued--;
		l->state = LK_RUNNING;
		pthread_mutex_unlock(&r->mu);
		l->rc = r->resolve(l->host, l->addr, sizeof(l->addr));
		pthread_mutex_lock(&r->mu);
		l->state = LK_DONE;
		if (r->stopping) {
			free(l);
			break;
		}
		handoff_post(r->handoff, &l->job, lookup_done);
	}
	r->threads--;
	last = release(r);
	pthread_mutex_unlock(&r->mu);
	if (last)
		resolver_destroy(r);
	return NULL;
}

int
sipx_resolver_new(struct sipx_resolver **out, struct handoff *h,
    sipx_resolve_f *resolve, unsigned max_threads, unsigned max_inflight)
{
	struct sipx_resolver *r;

	IMS_CHECK_PARAMS(out != NULL && h != NULL && max_threads > 0 &&
	    max_inflight > 0);
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return -ENOMEM;
	if (pthread_mutex_init(&r->mu, NULL) != 0) {
		free(r);
		return -ENOMEM;
	}
	if (pthread_cond_init(&r->cv, NULL) != 0) {
		pthread_mutex_destroy(&r->mu);
		free(r);
		return -ENOMEM;
	}
	r->tail = &r->head;
	r->handoff = h;
	r->resolve = resolve != NULL ? resolve : sipx_getaddrinfo;
	r->max_threads = max_threads;
	r->max_inflight = max_inflight;
	r->refs = 1;
	*out = r;
	return 0;
}

/* With r->mu held: one more worker, signals blocked (the skeleton's
 * signal thread takes them). */
static void
spawn(struct sipx_resolver *r)
{
	pthread_attr_t attr;
	pthread_t t;
	sigset_t all, old;

	if (pthread_attr_init(&attr) != 0)
		return;
	(void)pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	sigfillset(&all);
	(void)pthread_sigmask(SIG_SETMASK, &all, &old);
	if (pthread_create(&t, &attr, worker, r) == 0) {
		r->threads++;
		r->refs++;
	} else
		log_warn("sipx: cannot start a resolver thread");
	(void)pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&attr);
}

int
sipx_lookup_start(struct sipx_resolver *r, const char *host,
    sipx_lookup_fn done, void *arg, struct sipx_lookup **out)
{
	struct sipx_lookup *l;
	size_t n;

	IMS_CHECK_PARAMS(r != NULL && host != NULL && done != NULL);
	if ((n = strlen(host)) == 0 || n >= SIPX_HOST_MAX)
		return -EINVAL;
	pthread_mutex_lock(&r->mu);
	if (r->inflight >= r->max_inflight) {
		pthread_mutex_unlock(&r->mu);
		return -EBUSY;
	}
	if ((l = calloc(1, sizeof(*l))) == NULL) {
		pthread_mutex_unlock(&r->mu);
		return -ENOMEM;
	}
	l->r = r;
	l->done = done;
	l->arg = arg;
	memcpy(l->host, host, n + 1);
	l->state = LK_QUEUED;
	*r->tail = l;
	r->tail = &l->next;
	r->inflight++;
	r->queued++;
	/* A worker for each queued lookup no idle one will take. */
	if (r->queued > r->idle && r->threads < r->max_threads)
		spawn(r);
	if (r->threads == 0) {
		/* No worker at all: undo. */
		r->head = NULL;
		r->tail = &r->head;
		r->inflight--;
		r->queued--;
		pthread_mutex_unlock(&r->mu);
		free(l);
		return -EAGAIN;
	}
	pthread_cond_signal(&r->cv);
	pthread_mutex_unlock(&r->mu);
	if (out != NULL)
		*out = l;
	return 0;
}

void
sipx_lookup_cancel(struct sipx_resolver *r, struct sipx_lookup *l)
{
	struct sipx_lookup **pp;

	if (r == NULL || l == NULL)
		return;
	pthread_mutex_lock(&r->mu);
	if (l->state == LK_QUEUED) {
		for (pp = &r->head; *pp != NULL && *pp != l; pp = &(*pp)->next)
			;
		if (*pp == l) {
			if ((*pp = l->next) == NULL)
				r->tail = pp;
			r->inflight--;
			r->queued--;
			pthread_mutex_unlock(&r->mu);
			free(l);
			return;
		}
	}
	l->cancelled = 1;	/* freed when its result reaches the loop */
	pthread_mutex_unlock(&r->mu);
}

void
sipx_resolver_stats(struct sipx_resolver *r, unsigned *inflight,
    unsigned *threads)
{
	pthread_mutex_lock(&r->mu);
	if (inflight != NULL)
		*inflight = r->inflight;
	if (threads != NULL)
		*threads = r->threads;
	pthread_mutex_unlock(&r->mu);
}

void
sipx_resolver_free(struct sipx_resolver *r)
{
	struct sipx_lookup *l;
	int last;

	if (r == NULL)
		return;
	pthread_mutex_lock(&r->mu);
	r->stopping = 1;
	while ((l = r->head) != NULL) {
		r->head = l->next;
		free(l);
	}
	r->queued = 0;
	r->tail = &r->head;
	pthread_cond_broadcast(&r->cv);
	last = release(r);
	pthread_mutex_unlock(&r->mu);
	if (last)
		resolver_destroy(r);
}
