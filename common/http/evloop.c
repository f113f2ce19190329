/* evloop.c - the libevent loop and its hand-off. */
#include <errno.h>
#include <stddef.h>

#include <event2/event.h>

#include "check.h"
#include "evloop.h"
#include "log.h"

static void
evloop_ready(evutil_socket_t fd, short what, void *arg)
{
	struct evloop *l = arg;

	(void)fd;
	(void)what;
	(void)handoff_run(l->ho);
}

static void
evloop_stop_job(struct handoff_job *j)
{
	struct evloop *l = IMS_CONTAINER_OF(j, struct evloop, stop_job);

	l->stopping = 1;
	if (event_base_loopbreak(l->base) != 0)
		log_err("evloop: event_base_loopbreak failed");
}

int
evloop_init(struct evloop *l)
{
	IMS_CHECK_RC(handoff_new(&l->ho));
	if ((l->base = event_base_new()) == NULL) {
		log_err("evloop: event_base_new failed");
		return -ENOMEM;
	}
	if ((l->ev = event_new(l->base, handoff_fd(l->ho), EV_READ |
	    EV_PERSIST, evloop_ready, l)) == NULL ||
	    event_add(l->ev, NULL) != 0) {
		log_err("evloop: cannot watch the hand-off");
		return -EIO;
	}
	return 0;
}

int
evloop_run(struct evloop *l)
{
	if (event_base_dispatch(l->base) < 0) {
		log_err("evloop: event_base_dispatch failed");
		return -EIO;
	}
	return 0;
}

void
evloop_stop(struct evloop *l)
{
	handoff_post(l->ho, &l->stop_job, evloop_stop_job);
}

void
evloop_post(struct evloop *l, struct handoff_job *j,
    void (*fn)(struct handoff_job *))
{
	handoff_post(l->ho, j, fn);
}

void
evloop_fini(struct evloop *l)
{
	if (l->ev != NULL)
		event_free(l->ev);
	l->ev = NULL;
}
