/* dia.c - freeDiameter start-up and shutdown, logging bridge, and the
 * dispatch of Cx requests to the daemon's handlers.
 *
 * Order matters: the dictionary extensions are loaded by
 * fd_core_parseconf (LoadExtension lines), the Cx application is then
 * defined and registered with fd_disp_app_support, and only then
 * fd_core_start sends or answers CERs, so every CEA advertises Cx.
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
#include "log.h"

static int dia_verbose;
static int dia_started;

/* freeDiameter's messages go through common/log, with its levels mapped. */
static void __attribute__((format(printf, 2, 0)))
dia_log_hook(int level, const char *fmt, va_list ap)
{
	char buf[1024];

	if (level < (dia_verbose ? FD_LOG_DEBUG : FD_LOG_NOTICE))
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
dia_init(const char *fdconf, int verbose)
{
	CHECK_PARAMS(fdconf != NULL);
	dia_verbose = verbose;
	CHECK_FD(fd_log_handler_register(dia_log_hook));
	CHECK_FD(fd_core_initialize());
	CHECK_FD(fd_core_parseconf(fdconf));
	CHECK_RC(dia_cx_dict_init());
	return 0;
}

int
dia_start(void)
{
	CHECK_FD(fd_core_start());
	CHECK_FD(fd_core_waitstartcomplete());
	dia_started = 1;
	return 0;
}

/* A peer is usable for Cx when OPEN and it advertised application 16777216. */
static int
peer_cx_open(struct peer_hdr *p)
{
	struct fd_list *li;

	if (fd_peer_get_state(p) != STATE_OPEN)
		return 0;
	for (li = p->info.runtime.pir_apps.next;
	    li != &p->info.runtime.pir_apps; li = li->next) {
		struct fd_app *app = (struct fd_app *)li;

		if (app->appid == DIA_APP_CX && app->flags.auth)
			return 1;
	}
	return 0;
}

static int
peer_find_open(const char *host)
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
		found = peer_cx_open(p);
	}
	(void)pthread_rwlock_unlock(&fd_g_peers_rw);
	return found;
}

int
dia_wait_peer(const char *host, unsigned timeout_ms)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	unsigned waited = 0;

	for (;;) {
		if (peer_find_open(host))
			return 0;
		if (waited >= timeout_ms)
			return -ETIMEDOUT;
		(void)nanosleep(&ts, NULL);
		waited += 20;
	}
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
	CHECK_FD(fd_core_shutdown());
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

/* ---- server side: one dispatch callback per Cx command ---- */

struct dia_reg {
	dia_handler	 fn;
	void		*arg;
	uint32_t	 code;
};
static struct dia_reg regs[8];
static size_t nregs;

int
dia_set_error(struct msg *ans, const char *rescode, const char *text)
{
	CHECK_FD(fd_msg_rescode_set(ans, (char *)rescode, (char *)text, NULL,
	    0));
	return 0;
}

int
dia_set_missing(struct msg *ans, enum dia_avp id)
{
	struct dict_object *model;
	struct dict_avp_data md;
	struct avp *g, *a;
	union avp_value v;
	char text[128];
	int rc;

	CHECK_PARAMS((model = dia_avp(id)) != NULL);
	CHECK_FD(fd_dict_getval(model, &md));
	(void)snprintf(text, sizeof(text), "missing AVP %s", md.avp_name);
	CHECK_FD(fd_msg_rescode_set(ans, (char *)"DIAMETER_MISSING_AVP", text,
	    NULL, 0));
	/* RFC 6733 7.5: Failed-AVP holds an example of the missing AVP, with
	 * an empty or zero value.  (fd_msg_rescode_set's own Failed-AVP
	 * copies raw data and only works for received AVPs.) */
	CHECK_RC(dia_add_group(ans, DIA_AVP_FAILED_AVP, &g));
	CHECK_FD(fd_msg_avp_new(model, 0, &a));
	memset(&v, 0, sizeof(v));
	v.os.data = (uint8_t *)text;	/* len 0 */
	if (md.avp_basetype != AVP_TYPE_GROUPED &&
	    (rc = fd_msg_avp_setvalue(a, &v)) != 0) {
		(void)fd_msg_free(a);
		return -rc;
	}
	if ((rc = fd_msg_avp_add(g, MSG_BRW_LAST_CHILD, a)) != 0) {
		(void)fd_msg_free(a);
		return -rc;
	}
	return 0;
}

/* Called on a freeDiameter dispatch thread. */
static int
dia_dispatch(struct msg **msg, struct avp *avp, struct session *sess,
    void *opaque, enum disp_action *act)
{
	struct dia_reg *r = opaque;
	struct msg *req = *msg, *ans;
	int rc;

	struct msg_hdr *h;

	(void)avp;
	(void)sess;
	*act = DISP_ACT_CONT;
	CHECK_FD(fd_msg_hdr(req, &h));
	if (!(h->msg_flags & CMD_FLAG_REQUEST))
		return 0;
	CHECK_FD(fd_msg_new_answer_from_req(fd_g_config->cnf_dict, msg, 0));
	ans = *msg;
	/* TS 29.229 6.1.x: every Cx answer carries the VSAI. */
	CHECK_RC(dia_add_vsai(ans));
	/* A failing handler has added no result yet (its contract). */
	if ((rc = r->fn(req, ans, r->arg)) < 0) {
		log_warn("dia: handler for command %u failed: %s", r->code,
		    strerror(-rc));
		CHECK_RC(dia_set_error(ans, "DIAMETER_UNABLE_TO_COMPLY",
		    "internal error"));
	}
	/* Auth-Session-State NO_STATE_MAINTAINED (1): Cx is stateless. */
	CHECK_RC(dia_add_u32(ans, DIA_AVP_AUTH_SESSION_STATE, 1));
	CHECK_FD(fd_msg_add_origin(ans, 0));
	*act = DISP_ACT_SEND;
	return 0;
}

int
dia_cx_register(uint32_t code, dia_handler fn, void *arg)
{
	struct disp_when when;
	struct dia_reg *r;

	CHECK_PARAMS(fn != NULL && nregs < sizeof(regs) / sizeof(regs[0]));
	memset(&when, 0, sizeof(when));
	when.app = dia_cx_app();
	when.command = dia_cx_cmd(code, 1);
	CHECK_PARAMS(when.app != NULL && when.command != NULL);
	r = &regs[nregs++];
	r->fn = fn;
	r->arg = arg;
	r->code = code;
	CHECK_FD(fd_disp_register(dia_dispatch, DISP_HOW_CC, &when, r, NULL));
	return 0;
}
