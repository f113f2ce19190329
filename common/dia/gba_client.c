/* gba_client.c - what the Zh and Zn clients share: the head of a request
 * and the send with its answer or expiry (gba_int.h).  The answer
 * callbacks run on freeDiameter threads (dia.h).
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "dia_fd.h"
#include "check.h"
#include "dia_conf.h"
#include "gba_int.h"
#include "log.h"
#include "met.h"

int
gba_req_new(uint32_t app_id, uint32_t code, const char *dest_realm,
    const char *dest_host, struct msg **out)
{
	return dia_req_new(gba_cmd(app_id, code, 1), app_id, dest_realm,
	    dest_host, out);
}

/* freeDiameter thread: the answer, or an error answer freeDiameter made
 * itself.  As for Cx (cx_client.c), an answer counts only when it comes
 * from a configured peer naming itself as the origin. */
static void
gba_answer_recv(void *data, struct msg **msg)
{
	struct gba_pending *p = data;
	char why[300];
	int status = 0;

	if (!dia_msg_local(*msg) && dia_msg_from_peer(*msg,
	    DIA_PEER_CONNECT | DIA_PEER_ACCEPT, why, sizeof(why)) < 0) {
		log_warn("gba: answer to command %u (application %u) "
		    "dropped: %s", p->code, p->app_id, why);
		status = -EIO;
	} else
		p->parse(p, *msg);
	dia_stat_answer(p->app_id, p->code, MET_ROLE_CLIENT,
	    status == 0 ? *msg : NULL, p->t0);
	(void)fd_msg_free(*msg);
	*msg = NULL;
	p->finish(p, status);
}

/* freeDiameter thread: no answer before the deadline. */
static void
gba_answer_expire(void *data, DiamId_t sentto, size_t len, struct msg **req)
{
	struct gba_pending *p = data;

	(void)sentto;
	(void)len;
	dia_stat_answer(p->app_id, p->code, MET_ROLE_CLIENT, NULL, 0);
	(void)fd_msg_free(*req);
	*req = NULL;
	p->finish(p, -ETIMEDOUT);
}

int
gba_send(struct msg *m, unsigned timeout_ms, struct gba_pending *p)
{
	struct timespec ts;
	uint32_t app_id, code;
	int rc;

	if (clock_gettime(CLOCK_REALTIME, &ts) != 0) {
		rc = errno;
		goto fail;
	}
	if (timeout_ms == 0)
		timeout_ms = 5000;
	ts.tv_sec += timeout_ms / 1000;
	ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	/* p may be gone once sent (the answer's thread frees it). */
	app_id = p->app_id;
	code = p->code;
	p->t0 = metric_now_ns();
	if ((rc = fd_msg_send_timeout(&m, gba_answer_recv, p,
	    gba_answer_expire, &ts)) != 0)
		goto fail;
	dia_stat_request(app_id, code, MET_ROLE_CLIENT);
	return 0;
fail:
	log_err("gba: sending command %u (application %u) failed: %s",
	    p->code, p->app_id, strerror(rc));
	if (m != NULL)
		(void)fd_msg_free(m);
	return -rc;
}
