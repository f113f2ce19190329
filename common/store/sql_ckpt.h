/* sql_ckpt.h - WAL checkpoints off the hot path.  SQLite's automatic
 * checkpoint runs inside the commit that crosses its threshold: it copies
 * the WAL into the database and syncs it while the committing thread
 * waits (the scscf's SIP loop, the hss's store mutex), milliseconds every
 * second or so under load.  Here a thread of its own, on a connection of
 * its own, runs PASSIVE checkpoints (they never block a writer) every
 * period, and the hot connection's automatic ones are off.
 */
#ifndef IMS_SQL_CKPT_H
#define IMS_SQL_CKPT_H

#include <sqlite3.h>

struct sql_ckpt;

/* Start checkpointing the store at path (in WAL mode) every period_ms;
 * hot: the connection whose automatic checkpoints stop.  0 or -errno. */
int	sql_ckpt_start(sqlite3 *hot, const char *path, unsigned period_ms,
	    struct sql_ckpt **);
/* Stop the thread (one last checkpoint) and give hot its automatic
 * checkpoints back.  NULL is a no-op. */
void	sql_ckpt_stop(struct sql_ckpt *);

#endif
