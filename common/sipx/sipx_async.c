/* sipx_async.c - hand work from freeDiameter threads (and the signal
 * thread) to the su_root thread: a pipe carrying pointers to jobs,
 * registered with su_root_register.  A Diameter answer callback only
 * allocates a job and writes its pointer; Sofia objects are touched by the
 * job function on the root's thread alone.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "daemon.h"
#include "log.h"
#include "sipx.h"

struct sipx_job {
	sipx_job_fn	 fn;
	void		*arg;
	void		*data;
};

static int	 async_pipe[2] = { -1, -1 };
static su_wait_t async_wait[1];
static int	 async_index = -1;
static su_root_t *async_root;

static int
async_wakeup(su_root_magic_t *magic, su_wait_t *w, su_wakeup_arg_t *arg)
{
	struct sipx_job *job;
	ssize_t n;

	(void)magic;
	(void)w;
	(void)arg;
	for (;;) {
		n = read(async_pipe[0], &job, sizeof(job));
		if (n != (ssize_t)sizeof(job))
			break;
		if (job->fn != NULL)
			job->fn(job->arg, job->data);
		free(job);
	}
	return 0;
}

int
sipx_async_init(su_root_t *root)
{
	int i, fl;

	IMS_CHECK_PARAMS(root != NULL);
	if (pipe(async_pipe) != 0)
		return -errno;
	for (i = 0; i < 2; i++) {
		if ((fl = fcntl(async_pipe[i], F_GETFL)) < 0 ||
		    fcntl(async_pipe[i], F_SETFL, fl | O_NONBLOCK) < 0 ||
		    fcntl(async_pipe[i], F_SETFD, FD_CLOEXEC) < 0)
			return -errno;
	}
	if (su_wait_create(async_wait, async_pipe[0], SU_WAIT_IN) != 0)
		return -EIO;
	async_index = su_root_register(root, async_wait, async_wakeup, NULL,
	    0);
	if (async_index < 0)
		return -EIO;
	async_root = root;
	return 0;
}

void
sipx_async_fini(void)
{
	if (async_root != NULL && async_index >= 0)
		(void)su_root_deregister(async_root, async_index);
	async_index = -1;
	async_root = NULL;
}

int
sipx_post(sipx_job_fn fn, void *arg, void *data)
{
	struct sipx_job *job;
	ssize_t n;

	if (async_pipe[1] < 0)
		return -EBADF;
	if ((job = malloc(sizeof(*job))) == NULL)
		return -ENOMEM;
	job->fn = fn;
	job->arg = arg;
	job->data = data;
	/* One pointer: below PIPE_BUF, so the write is atomic. */
	do {
		n = write(async_pipe[1], &job, sizeof(job));
	} while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof(job)) {
		free(job);
		return n < 0 ? -errno : -EIO;
	}
	return 0;
}

static void
signal_job(void *arg, void *data)
{
	(void)data;
	log_info("signal received, stopping");
	su_root_break(arg);
}

static void *
signal_thread(void *arg)
{
	sigset_t set;
	int sig;

	daemon_sigset(&set, 0);
	for (;;) {
		if (sigwait(&set, &sig) != 0)
			continue;
		if (sipx_post(signal_job, arg, NULL) == 0)
			return NULL;
	}
}

int
sipx_signals_init(su_root_t *root)
{
	pthread_t t;
	sigset_t set;
	int rc;

	if ((rc = daemon_sigmask_block(&set, 0)) < 0)
		return rc;
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		return -errno;
	if ((rc = pthread_create(&t, NULL, signal_thread, root)) != 0)
		return -rc;
	if ((rc = pthread_detach(t)) != 0)
		return -rc;
	return 0;
}
