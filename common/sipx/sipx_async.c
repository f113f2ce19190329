/* sipx_async.c - hand work from freeDiameter threads (and the signal
 * thread) to the su_root thread over the agent's hand-off (common/base
 * handoff.c): its eventfd is registered with su_root_register.  A Diameter
 * answer callback only fills the job embedded in its request context and
 * posts it; Sofia objects are touched by the job function on the root's
 * thread alone.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "log.h"
#include "sipx.h"

static int
async_wakeup(su_root_magic_t *magic, su_wait_t *w, su_wakeup_arg_t *arg)
{
	struct sipx_agent *a = (struct sipx_agent *)arg;
	size_t peak;

	(void)magic;
	(void)w;
	(void)handoff_run(a->handoff);
	/* How deep the queue got, each time the record doubles. */
	handoff_stats(a->handoff, NULL, &peak);
	if (peak >= 8 && peak >= 2 * a->handoff_peak_logged) {
		log_info("hand-off: peak depth %zu jobs", peak);
		a->handoff_peak_logged = peak;
	}
	return 0;
}

int
sipx_async_init(struct sipx_agent *a)
{
	int rc;

	IMS_CHECK_PARAMS(a != NULL && a->root != NULL);
	a->handoff_index = -1;
	IMS_CHECK_RC(handoff_new(&a->handoff));
	if (su_wait_create(a->handoff_wait, handoff_fd(a->handoff),
	    SU_WAIT_IN) != 0) {
		rc = -EIO;
		goto fail;
	}
	a->handoff_index = su_root_register(a->root, a->handoff_wait,
	    async_wakeup, (su_wakeup_arg_t *)a, 0);
	if (a->handoff_index < 0) {
		rc = -EIO;
		goto fail;
	}
	return 0;
fail:
	handoff_free(a->handoff);
	a->handoff = NULL;
	return rc;
}

void
sipx_async_fini(struct sipx_agent *a)
{
	size_t peak = 0;

	/* Before the hand-off goes: no lookup result may be posted. */
	sipx_resolver_free(a->resolver);
	a->resolver = NULL;
	if (a->handoff != NULL)
		handoff_stats(a->handoff, NULL, &peak);
	log_info("hand-off: peak depth %zu jobs", peak);
	if (a->root != NULL && a->handoff_index >= 0)
		(void)su_root_deregister(a->root, a->handoff_index);
	a->handoff_index = -1;
	handoff_free(a->handoff);
	a->handoff = NULL;
}

void
sipx_post(struct sipx_agent *a, struct handoff_job *job,
    void (*fn)(struct handoff_job *))
{
	handoff_post(a->handoff, job, fn);
}

static void
stop_job(struct handoff_job *job)
{
	struct sipx_agent *a = IMS_CONTAINER_OF(job, struct sipx_agent,
	    stop_job);

	log_info("stopping");
	su_root_break(a->root);
}

void
sipx_agent_stop(struct sipx_agent *a)
{
	handoff_post(a->handoff, &a->stop_job, stop_job);
}

int
sipx_daemon_run(void *arg)
{
	struct sipx_agent *a = arg;

	su_root_run(a->root);
	return 0;
}

void
sipx_daemon_stop(void *arg)
{
	sipx_agent_stop(arg);
}

static void
reload_job(struct handoff_job *job)
{
	struct sipx_agent *a = IMS_CONTAINER_OF(job, struct sipx_agent,
	    reload_job);

	daemon_reload_apply(a->reload);
	a->reload = NULL;
	if (a->reloaded != NULL)
		a->reloaded(a);
}

/* Signal thread; the skeleton posts one reload at a time. */
void
sipx_daemon_reload(void *arg, struct daemon_reload *r)
{
	struct sipx_agent *a = arg;

	a->reload = r;
	handoff_post(a->handoff, &a->reload_job, reload_job);
}
