/* test_handoff.c - the lossless hand-off (common/base/handoff.c): N
 * producer threads post M jobs each while a consumer drains through the
 * eventfd, slower than they post: every job runs exactly once, on the
 * consumer, in each producer's order; nothing is dropped however deep the
 * queue gets (the peak depth is printed); a job posted from a running job
 * runs in a later round; the eventfd is quiet when the queue is empty. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "handoff.h"
#include "log.h"
#include "t.h"

#define PRODUCERS	8
#define JOBS		20000

struct job {
	struct handoff_job hj;
	unsigned	 producer, seq;
	unsigned	 runs;
};

static struct handoff *h;
static struct job jobs[PRODUCERS][JOBS];
static unsigned next_seq[PRODUCERS], out_of_order, ran;
static pthread_t consumer_thread;
static int wrong_thread;

static void
job_run(struct handoff_job *hj)
{
	struct job *j = IMS_CONTAINER_OF(hj, struct job, hj);

	if (!pthread_equal(pthread_self(), consumer_thread))
		wrong_thread = 1;
	if (j->seq != next_seq[j->producer])
		out_of_order++;
	next_seq[j->producer] = j->seq + 1;
	j->runs++;
	ran++;
}

static void *
producer(void *arg)
{
	unsigned p = (unsigned)(size_t)arg, i;
	struct timespec ts = { 0, 50000 };

	for (i = 0; i < JOBS; i++) {
		jobs[p][i].producer = p;
		jobs[p][i].seq = i;
		handoff_post(h, &jobs[p][i].hj, job_run);
		if (i % 256 == 255)
			(void)nanosleep(&ts, NULL);	/* bursts */
	}
	return NULL;
}

/* Drain through the eventfd until every job ran (or 20 s passed); a
 * short pause per round lets the queue grow behind the consumer. */
static void *
consumer(void *arg)
{
	struct pollfd pfd = { .fd = handoff_fd(h), .events = POLLIN };
	struct timespec pause = { 0, 500000 };
	time_t end = time(NULL) + 20;
	unsigned *rounds = arg;

	while (ran < PRODUCERS * JOBS && time(NULL) < end) {
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		(void)nanosleep(&pause, NULL);
		(void)handoff_run(h);
		(*rounds)++;
	}
	return NULL;
}

static void
test_producers(void)
{
	pthread_t t[PRODUCERS];
	size_t queued, peak;
	unsigned p, i, twice = 0, never = 0, rounds = 0;

	T_CHECK(handoff_new(&h) == 0, "new");
	T_CHECK(pthread_create(&consumer_thread, NULL, consumer, &rounds) == 0,
	    "consumer");
	for (p = 0; p < PRODUCERS; p++)
		T_CHECK(pthread_create(&t[p], NULL, producer,
		    (void *)(size_t)p) == 0, "producer %u", p);
	for (p = 0; p < PRODUCERS; p++)
		(void)pthread_join(t[p], NULL);
	(void)pthread_join(consumer_thread, NULL);
	for (p = 0; p < PRODUCERS; p++)
		for (i = 0; i < JOBS; i++) {
			twice += jobs[p][i].runs > 1;
			never += jobs[p][i].runs == 0;
		}
	handoff_stats(h, &queued, &peak);
	printf("test_handoff: %u producers x %u jobs, %u rounds, peak depth "
	    "%zu\n", PRODUCERS, JOBS, rounds, peak);
	T_CHECK(ran == PRODUCERS * JOBS, "ran %u of %u", ran,
	    PRODUCERS * JOBS);
	T_CHECK(never == 0 && twice == 0, "never %u, twice %u", never, twice);
	T_CHECK(out_of_order == 0, "%u out of a producer's order",
	    out_of_order);
	T_CHECK(!wrong_thread, "a job ran off the consumer thread");
	T_CHECK(queued == 0, "left queued: %zu", queued);
	T_CHECK(peak > 100 && peak <= PRODUCERS * JOBS,
	    "the queue never got deep (%zu)", peak);
	handoff_free(h);
}

static struct handoff_job first, second;
static int order[2], norder;

static void
second_run(struct handoff_job *hj)
{
	(void)hj;
	order[norder++] = 2;
}

static void
first_run(struct handoff_job *hj)
{
	(void)hj;
	order[norder++] = 1;
	handoff_post(h, &second, second_run);	/* from a job */
}

static void
test_reentry(void)
{
	struct pollfd pfd;

	T_CHECK(handoff_new(&h) == 0, "new");
	pfd.fd = handoff_fd(h);
	pfd.events = POLLIN;
	T_CHECK(poll(&pfd, 1, 0) == 0, "quiet when empty");
	handoff_post(h, &first, first_run);
	T_CHECK(poll(&pfd, 1, 0) == 1, "readable after a post");
	T_CHECK(handoff_run(h) == 1 && norder == 1, "first round runs one");
	T_CHECK(poll(&pfd, 1, 0) == 1, "the job's post woke it again");
	T_CHECK(handoff_run(h) == 1 && norder == 2 && order[1] == 2,
	    "second round");
	T_CHECK(poll(&pfd, 1, 0) == 0, "quiet again");
	T_CHECK(handoff_run(h) == 0, "nothing to run");
	handoff_free(h);
}

int
main(void)
{
	log_init("test_handoff", LOG_LVL_WARN);
	test_reentry();
	test_producers();
	return t_done("test_handoff");
}
