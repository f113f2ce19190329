/* sql_ckpt.c - WAL checkpoints on a thread of their own (sql_ckpt.h). */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "log.h"
#include "sql_ckpt.h"

#define SQL_CKPT_FRAMES	16384	/* pages, 64 MiB of WAL */

struct sql_ckpt {
	sqlite3		*hot;
	sqlite3		*db;	/* the thread's own */
	unsigned	 period_ms;
	pthread_t	 thread;
	pthread_mutex_t	 mtx;
	pthread_cond_t	 cond;
	int		 stop;
	int		 warned;
};

static void
ckpt_once(struct sql_ckpt *c)
{
	int rc, nlog = 0, nckpt = 0;

	rc = sqlite3_wal_checkpoint_v2(c->db, NULL, SQLITE_CHECKPOINT_PASSIVE,
	    &nlog, &nckpt);
	/* Writers that never pause keep a passive checkpoint from ever
	 * finishing, and the WAL from starting over: past SQL_CKPT_FRAMES,
	 * one that waits for them (a few ms) so that the next starts it
	 * over. */
	if (rc == SQLITE_OK && nlog > SQL_CKPT_FRAMES)
		rc = sqlite3_wal_checkpoint_v2(c->db, NULL,
		    SQLITE_CHECKPOINT_RESTART, &nlog, &nckpt);
	if (rc != SQLITE_OK && rc != SQLITE_BUSY && !c->warned) {
		c->warned = 1;
		log_warn("store: WAL checkpoint failed: %s",
		    sqlite3_errmsg(c->db));
	}
}

static void *
ckpt_main(void *arg)
{
	struct sql_ckpt *c = arg;
	struct timespec t;

	(void)pthread_mutex_lock(&c->mtx);
	while (!c->stop) {
		(void)clock_gettime(CLOCK_REALTIME, &t);
		t.tv_nsec += (long)(c->period_ms % 1000) * 1000000L;
		t.tv_sec += c->period_ms / 1000 + t.tv_nsec / 1000000000L;
		t.tv_nsec %= 1000000000L;
		(void)pthread_cond_timedwait(&c->cond, &c->mtx, &t);
		(void)pthread_mutex_unlock(&c->mtx);
		ckpt_once(c);
		(void)pthread_mutex_lock(&c->mtx);
	}
	(void)pthread_mutex_unlock(&c->mtx);
	return NULL;
}

int
sql_ckpt_start(sqlite3 *hot, const char *path, unsigned period_ms,
    struct sql_ckpt **out)
{
	struct sql_ckpt *c;
	int rc;

	IMS_CHECK_PARAMS(hot != NULL && path != NULL && period_ms > 0 &&
	    out != NULL);
	IMS_CHECK_MALLOC(c = calloc(1, sizeof(*c)));
	c->hot = hot;
	c->period_ms = period_ms;
	/* A connection learns the store is in WAL mode when it first reads
	 * it: until then a checkpoint is a no-op. */
	if (sqlite3_open_v2(path, &c->db, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK || sqlite3_busy_timeout(c->db, 1000) != SQLITE_OK ||
	    sqlite3_exec(c->db, "PRAGMA journal_mode=WAL;", NULL, NULL,
	    NULL) != SQLITE_OK) {
		log_err("store: %s: checkpoint connection: %s", path,
		    c->db != NULL ? sqlite3_errmsg(c->db) : "out of memory");
		(void)sqlite3_close(c->db);
		free(c);
		return -EIO;
	}
	if ((rc = pthread_mutex_init(&c->mtx, NULL)) != 0) {
		(void)sqlite3_close(c->db);
		free(c);
		return -rc;
	}
	if ((rc = pthread_cond_init(&c->cond, NULL)) != 0 ||
	    (rc = pthread_create(&c->thread, NULL, ckpt_main, c)) != 0) {
		(void)pthread_mutex_destroy(&c->mtx);
		(void)sqlite3_close(c->db);
		free(c);
		return -rc;
	}
	(void)sqlite3_wal_autocheckpoint(hot, 0);
	*out = c;
	return 0;
}

void
sql_ckpt_stop(struct sql_ckpt *c)
{
	if (c == NULL)
		return;
	(void)pthread_mutex_lock(&c->mtx);
	c->stop = 1;
	(void)pthread_cond_signal(&c->cond);
	(void)pthread_mutex_unlock(&c->mtx);
	(void)pthread_join(c->thread, NULL);
	ckpt_once(c);
	(void)sqlite3_close(c->db);
	(void)sqlite3_wal_autocheckpoint(c->hot, 1000);
	(void)pthread_cond_destroy(&c->cond);
	(void)pthread_mutex_destroy(&c->mtx);
	free(c);
}
