/* handoff.h - lossless hand-off of work from any thread to one event-loop
 * thread.
 *
 * The job is embedded in the caller's own context (struct handoff_job as a
 * member), so posting allocates nothing and cannot fail: a Diameter answer
 * always reaches the loop, and the request it belongs to is always
 * answered.  Jobs wait in a mutex-protected FIFO; an eventfd, which the
 * loop watches (su_root_register, event_new), says there is work.
 */
#ifndef IMS_HANDOFF_H
#define IMS_HANDOFF_H

#include <stddef.h>

struct handoff_job {
	struct handoff_job	*next;
	void			(*fn)(struct handoff_job *);
};

/* The structure that holds member `m` pointing at p. */
#define IMS_CONTAINER_OF(p, type, m) \
	((type *)(void *)((char *)(p) - offsetof(type, m)))

struct handoff;

/* 0 or -errno. */
int	handoff_new(struct handoff **);
/* After the loop stopped; jobs still queued are not run. */
void	handoff_free(struct handoff *);
/* The eventfd to watch for readability. */
int	handoff_fd(const struct handoff *);
/* Any thread.  fn(job) will run on the loop thread; job must stay valid
 * until then.  Never fails. */
void	handoff_post(struct handoff *, struct handoff_job *,
	    void (*fn)(struct handoff_job *));
/* Loop thread, when handoff_fd() is readable: runs the queued jobs in the
 * order they were posted; jobs posted meanwhile run in a later call.
 * Returns how many ran. */
size_t	handoff_run(struct handoff *);
/* Jobs queued now, and the most ever queued at once. */
void	handoff_stats(struct handoff *, size_t *queued, size_t *peak);

#endif
