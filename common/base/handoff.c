/* handoff.c - the job FIFO and its eventfd (see handoff.h). */
#include <sys/eventfd.h>

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "handoff.h"
#include "log.h"

struct handoff {
	pthread_mutex_t		 mtx;
	struct handoff_job	*head;
	struct handoff_job	**tail;
	size_t			 queued, peak;
	int			 efd;
};

int
handoff_new(struct handoff **out)
{
	struct handoff *h;
	int rc;

	IMS_CHECK_MALLOC(h = calloc(1, sizeof(*h)));
	if ((rc = pthread_mutex_init(&h->mtx, NULL)) != 0) {
		free(h);
		return -rc;
	}
	h->tail = &h->head;
	if ((h->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0) {
		rc = -errno;
		(void)pthread_mutex_destroy(&h->mtx);
		free(h);
		return rc;
	}
	*out = h;
	return 0;
}

void
handoff_free(struct handoff *h)
{
	if (h == NULL)
		return;
	(void)close(h->efd);
	(void)pthread_mutex_destroy(&h->mtx);
	free(h);
}

int
handoff_fd(const struct handoff *h)
{
	return h->efd;
}

void
handoff_post(struct handoff *h, struct handoff_job *job,
    void (*fn)(struct handoff_job *))
{
	uint64_t one = 1;
	int wake;

	job->fn = fn;
	job->next = NULL;
	(void)pthread_mutex_lock(&h->mtx);
	*h->tail = job;
	h->tail = &job->next;
	wake = h->queued++ == 0;
	if (h->queued > h->peak)
		h->peak = h->queued;
	(void)pthread_mutex_unlock(&h->mtx);
	/* The first job of a batch wakes the loop; the counter cannot
	 * overflow (at most one write per empty-to-non-empty transition
	 * between two reads), and a failed write leaves an already readable
	 * eventfd. */
	if (wake && write(h->efd, &one, sizeof(one)) != (ssize_t)sizeof(one) &&
	    errno != EAGAIN)
		log_err("handoff: eventfd write: %s", strerror(errno));
}

size_t
handoff_run(struct handoff *h)
{
	struct handoff_job *job, *next;
	uint64_t v;
	size_t n = 0;

	/* Reset the eventfd before taking the list: a post after the take
	 * writes it again. */
	(void)read(h->efd, &v, sizeof(v));
	(void)pthread_mutex_lock(&h->mtx);
	job = h->head;
	h->head = NULL;
	h->tail = &h->head;
	h->queued = 0;
	(void)pthread_mutex_unlock(&h->mtx);
	for (; job != NULL; job = next) {
		next = job->next;	/* fn may free the job */
		job->fn(job);
		n++;
	}
	return n;
}

void
handoff_stats(struct handoff *h, size_t *queued, size_t *peak)
{
	(void)pthread_mutex_lock(&h->mtx);
	if (queued != NULL)
		*queued = h->queued;
	if (peak != NULL)
		*peak = h->peak;
	(void)pthread_mutex_unlock(&h->mtx);
}
