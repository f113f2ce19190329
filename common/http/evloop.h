/* evloop.h - a daemon's libevent loop on its main thread, with the
 * hand-off (common/base/handoff.h) through which other threads (the
 * signal thread's stop, freeDiameter's answer callbacks) post work to it:
 * no libevent object is touched from another thread, so libevent needs
 * no locking (evthread is not used). */
#ifndef IMS_EVLOOP_H
#define IMS_EVLOOP_H

#include "handoff.h"

struct event_base;
struct event;

struct evloop {
	struct event_base	*base;
	struct handoff		*ho;
	struct event		*ev;		/* the hand-off's eventfd */
	struct handoff_job	 stop_job;
	int			 stopping;	/* loop thread */
};

/* The base and the hand-off, from a daemon's start() (no thread is
 * created).  0 or -errno. */
int	evloop_init(struct evloop *);
/* Runs until evloop_stop: 0 or -EIO. */
int	evloop_run(struct evloop *);
/* Any thread: make evloop_run return. */
void	evloop_stop(struct evloop *);
/* Any thread: fn(job) on the loop thread. */
void	evloop_post(struct evloop *, struct handoff_job *,
	    void (*fn)(struct handoff_job *));
/* After evloop_run returned. */
void	evloop_fini(struct evloop *);

#endif
