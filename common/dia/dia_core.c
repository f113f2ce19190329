/* dia_core.c - freeDiameter start-up and shutdown and the logging bridge.
 *
 * Order matters: the dictionary extensions are loaded by
 * fd_core_parseconf (the LoadExtension lines dia_conf.c generates), the
 * applications (Cx) are then
 * defined and registered with fd_disp_app_support, and only then
 * fd_core_start sends or answers CERs, so every CEA advertises them.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dia_fd.h"
#include "check.h"
#include "dia.h"
#include "dia_conf.h"
#include "log.h"

static int dia_started;

/* freeDiameter's messages go through common/log, with its levels mapped;
 * its debug ones only while our level is debug (it may change on
 * SIGHUP). */
static void __attribute__((format(printf, 2, 0)))
dia_log_hook(int level, const char *fmt, va_list ap)
{
	char buf[1024];

	if (level < (log_getlevel() >= LOG_LVL_DEBUG ? FD_LOG_DEBUG :
	    FD_LOG_NOTICE))
		return;
	(void)vsnprintf(buf, sizeof(buf), fmt, ap);
	if (level >= FD_LOG_ERROR)
		log_warn("fd: %s", buf);
	else if (level >= FD_LOG_NOTICE)
		log_info("fd: %s", buf);
	else
		log_debug("fd: %s", buf);
}

int
dia_init(const struct dia_conf *c)
{
	IMS_CHECK_PARAMS(c != NULL);
	IMS_CHECK_FD(fd_log_handler_register(dia_log_hook));
	IMS_CHECK_FD(fd_core_initialize());
	IMS_CHECK_RC(dia_nodelay_init());
	IMS_CHECK_RC(dia_conf_apply(c));
	IMS_CHECK_RC(dia_dict_init());
	return 0;
}

int
dia_start(void)
{
	IMS_CHECK_FD(fd_core_start());
	IMS_CHECK_FD(fd_core_waitstartcomplete());
	dia_started = 1;
	return 0;
}

/* A peer is usable for app_id when OPEN and it advertised that
 * application. */
static int
peer_app_open(struct peer_hdr *p, uint32_t app_id)
{
	struct fd_list *li;

	if (fd_peer_get_state(p) != STATE_OPEN)
		return 0;
	for (li = p->info.runtime.pir_apps.next;
	    li != &p->info.runtime.pir_apps; li = li->next) {
		struct fd_app *app = (struct fd_app *)li;

		if (app->appid == app_id && app->flags.auth)
			return 1;
	}
	return 0;
}

static int
peer_find_open(const char *host, uint32_t app_id)
{
	struct fd_list *li;
	int found = 0;

	if (pthread_rwlock_rdlock(&fd_g_peers_rw) != 0)
		return 0;
	for (li = fd_g_peers.next; li != &fd_g_peers && !found;
	    li = li->next) {
		struct peer_hdr *p = (struct peer_hdr *)li;

		if (host != NULL && strcasecmp(p->info.pi_diamid, host) != 0)
			continue;
		found = peer_app_open(p, app_id);
	}
	(void)pthread_rwlock_unlock(&fd_g_peers_rw);
	return found;
}

int
dia_wait_peer(const char *host, uint32_t app_id, unsigned timeout_ms)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	unsigned waited = 0;

	for (;;) {
		if (peer_find_open(host, app_id))
			return 0;
		if (waited >= timeout_ms)
			return -ETIMEDOUT;
		(void)nanosleep(&ts, NULL);
		waited += 20;
	}
}

int
dia_open_peers(uint32_t app_id, char *buf, size_t size)
{
	struct fd_list *li;
	size_t len = 0, l;
	int n = 0;

	if (size == 0)
		return -EINVAL;
	buf[0] = '\0';
	if (pthread_rwlock_rdlock(&fd_g_peers_rw) != 0)
		return -EIO;
	for (li = fd_g_peers.next; li != &fd_g_peers; li = li->next) {
		struct peer_hdr *p = (struct peer_hdr *)li;

		if (!peer_app_open(p, app_id))
			continue;
		l = strlen(p->info.pi_diamid);
		if (len + l + 2 > size) {
			n = -ENOSPC;
			break;
		}
		if (len > 0)
			buf[len++] = '\n';
		memcpy(buf + len, p->info.pi_diamid, l + 1);
		len += l;
		n++;
	}
	(void)pthread_rwlock_unlock(&fd_g_peers_rw);
	return n;
}

/* A peer still talking to us: anything but closed, zombie or new. */
static int
peers_active(void)
{
	struct fd_list *li;
	int n = 0, st;

	if (pthread_rwlock_rdlock(&fd_g_peers_rw) != 0)
		return 0;
	for (li = fd_g_peers.next; li != &fd_g_peers; li = li->next) {
		st = fd_peer_get_state((struct peer_hdr *)li);
		if (st != STATE_CLOSED && st != STATE_ZOMBIE &&
		    st != STATE_NEW && st >= 0)
			n++;
	}
	(void)pthread_rwlock_unlock(&fd_g_peers_rw);
	return n;
}

/*
 * fd_core_shutdown sends a DPR to every open peer; we wait (bounded) for
 * the peers to close.  fd_core_wait_shutdown_complete is deliberately not
 * called: with freeDiameter 1.2.1 it sometimes hangs in a futex wait or
 * aborts on an assertion in fd_fifo_del while threads drain (seen here,
 * see shared notes), so the caller exits with _exit() right after.
 */
int
dia_stop(unsigned timeout_ms)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	unsigned waited = 0;

	if (!dia_started)
		return 0;
	IMS_CHECK_FD(fd_core_shutdown());
	while (peers_active() > 0) {
		if (waited >= timeout_ms) {
			log_warn("dia: peers still open after %u ms",
			    timeout_ms);
			return -ETIMEDOUT;
		}
		(void)nanosleep(&ts, NULL);
		waited += 20;
	}
	dia_started = 0;
	return 0;
}
