/* sipx_proxy.c - stateful request forwarding (RFC 3261 16) and the route
 * header manipulations the CSCFs need (RFC 3261 16.4/16.6, RFC 3327 Path,
 * RFC 3608 Service-Route).
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sofia-sip/su_tag.h>
#include <sofia-sip/nta_tag.h>
#include <sofia-sip/sip_tag.h>
#include <sofia-sip/tport_tag.h>

#include "check.h"
#include "log.h"
#include "sipx.h"

struct sipx_fwd {
	struct sipx_agent *a;
	nta_incoming_t	*irq;
	nta_outgoing_t	*orq;
	sipx_resp_hook	 hook;
	void		*arg;
	/* While the next hop's name is resolved (sipx_resolve.c). */
	msg_t		*msg;
	url_t		*hop;		/* in msg's home */
	struct sipx_lookup *lookup;
	su_timer_t	*timer;
	char		 host[SIPX_HOST_MAX];
	char		 ident[SIPX_IDENT_MAX];	/* sipx_forward_via */
	/* sipx_forward_within: ms for the next hop's first response; the
	 * timer runs (f->timer, free once the name is resolved) until one
	 * comes. */
	unsigned	 answer_ms;
	int		 counted;	/* in a->load.pending */
};

static void	fwd_fail(struct sipx_fwd *, int, const char *);
static int	fwd_start(struct sipx_agent *, nta_incoming_t *, msg_t *,
		    const char *, const char *, unsigned, sipx_resp_hook,
		    void *);

void
sipx_reply(nta_incoming_t *irq, int status, const char *phrase)
{
	if (irq == NULL)
		return;
	if (nta_incoming_method(irq) != sip_method_ack &&
	    nta_incoming_treply(irq, status, phrase, TAG_END()) < 0)
		log_warn("sipx: cannot answer %d", status);
	else
		sipx_stat_reply(irq, status);
	nta_incoming_destroy(irq);
}

void
sipx_reply_busy(nta_incoming_t *irq, unsigned retry_after)
{
	char ra[16];

	if (irq == NULL)
		return;
	(void)snprintf(ra, sizeof(ra), "%u", retry_after);
	if (nta_incoming_method(irq) != sip_method_ack &&
	    nta_incoming_treply(irq, 503, "Service Unavailable",
	    SIPTAG_RETRY_AFTER_STR(ra), TAG_END()) < 0)
		log_warn("sipx: cannot answer 503");
	else
		sipx_stat_reply(irq, 503);
	nta_incoming_destroy(irq);
}

msg_t *
sipx_request_copy(nta_incoming_t *irq, int *status)
{
	msg_t *orig, *msg;
	sip_t *sip;
	char mf[24];
	unsigned long count = 70;

	*status = 500;
	if ((orig = nta_incoming_getrequest(irq)) == NULL)
		return NULL;
	msg = msg_dup(orig);
	msg_destroy(orig);
	if (msg == NULL || (sip = sip_object(msg)) == NULL) {
		msg_destroy(msg);
		return NULL;
	}
	/* RFC 3261 16.3 step 2, 16.6 step 3. */
	if (sip->sip_max_forwards != NULL) {
		count = sip->sip_max_forwards->mf_count;
		if (count == 0) {
			*status = 483;
			msg_destroy(msg);
			return NULL;
		}
		(void)sip_header_remove(msg, sip,
		    (sip_header_t *)sip->sip_max_forwards);
		count--;
	}
	(void)snprintf(mf, sizeof(mf), "%lu", count);
	if (sip_add_make(msg, sip, sip_max_forwards_class, mf) < 0) {
		msg_destroy(msg);
		return NULL;
	}
	return msg;
}

static void
fwd_free(struct sipx_fwd *f)
{
	if (f->timer != NULL)
		su_timer_destroy(f->timer);
	if (f->lookup != NULL)
		sipx_lookup_cancel(f->a->resolver, f->lookup);
	msg_destroy(f->msg);
	if (f->orq != NULL)
		nta_outgoing_destroy(f->orq);
	if (f->irq != NULL)
		nta_incoming_destroy(f->irq);
	if (f->counted)
		sipx_load_end(f->a);
	free(f);
}

static int
vias_salvaged(const sip_t *sip)
{
	const sip_via_t *v;

	for (v = sip->sip_via; v != NULL; v = v->v_next)
		if (sipx_via_salvaged(v))
			return 1;
	return 0;
}

/* The hook took the transaction back (SIPX_HOOK_KEEP). */
static void
fwd_keep(struct sipx_fwd *f)
{
	f->irq = NULL;
	fwd_free(f);
}

/* RFC 3261 16.7: relay a response upstream. */
static int
fwd_response(nta_outgoing_magic_t *magic, nta_outgoing_t *orq,
    sip_t const *rsip)
{
	struct sipx_fwd *f = (struct sipx_fwd *)magic;
	int status = nta_outgoing_status(orq), st;
	msg_t *msg;
	sip_t *sip;

	(void)rsip;
	if (f->timer != NULL && f->answer_ms != 0) {
		su_timer_destroy(f->timer);	/* the hop answers */
		f->timer = NULL;
	}
	if (status <= 100)
		return 0;		/* 100 is hop by hop (16.7 step 3) */
	msg = nta_outgoing_getresponse(orq);
	if (msg == NULL || nta_msg_is_internal(msg) ||
	    (sip = sip_object(msg)) == NULL || sip->sip_via == NULL ||
	    sip->sip_via->v_next == NULL || vias_salvaged(sip)) {
		/* A locally generated 408/503, or a response whose Vias we
		 * could not read (never relayed as is): the status only. */
		msg_destroy(msg);
		if (status >= 200) {
			if (f->hook != NULL && f->hook(f->arg, NULL, NULL,
			    status) == SIPX_HOOK_KEEP) {
				fwd_keep(f);
				return 0;
			}
			if (nta_incoming_treply(f->irq, status,
			    status == 408 ? "Request Timeout" :
			    status == 503 ? "Service Unavailable" :
			    sip_status_phrase(status), TAG_END()) < 0)
				log_warn("sipx: cannot relay %d", status);
			else
				sipx_stat_reply(f->irq, status);
			fwd_free(f);
		}
		return 0;
	}
	sip_via_remove(msg, sip);
	if (f->hook != NULL && (st = f->hook(f->arg, msg, sip, status)) != 0) {
		/* Dropped: a final answer is still owed upstream. */
		msg_destroy(msg);
		if (st == SIPX_HOOK_KEEP && status >= 200) {
			fwd_keep(f);
			return 0;
		}
		if (st == SIPX_HOOK_KEEP)
			return 0;
		if (st < 300 || st > 699)
			st = 500;
		if (status >= 200 && nta_incoming_treply(f->irq, st,
		    sip_status_phrase(st), TAG_IF(st == 503,
		    SIPTAG_RETRY_AFTER_STR(SIPX_HOOK_RETRY_AFTER)),
		    TAG_END()) < 0)
			log_warn("sipx: cannot answer %d", st);
		else if (status >= 200)
			sipx_stat_reply(f->irq, st);
	} else if (nta_incoming_mreply(f->irq, msg) < 0)
		log_warn("sipx: cannot relay response %d", status);
	else
		sipx_stat_reply(f->irq, status);
	if (status >= 200)
		fwd_free(f);
	return 0;
}

/* RFC 3261 16.10: CANCEL received for a forwarded INVITE. */
static int
fwd_cancel(nta_incoming_magic_t *magic, nta_incoming_t *irq,
    sip_t const *sip)
{
	struct sipx_fwd *f = (struct sipx_fwd *)magic;

	(void)irq;
	if (sip == NULL || sip->sip_request == NULL ||
	    sip->sip_request->rq_method != sip_method_cancel)
		return 0;
	if (f->orq == NULL && f->msg != NULL) {
		/* Still resolving the next hop: nothing went out. */
		fwd_fail(f, 487, "Request Terminated");
		return 0;
	}
	if (f->orq != NULL && nta_outgoing_cancel(f->orq) < 0)
		log_warn("sipx: cannot cancel the forwarded INVITE");
	return 0;
}

/* RFC 3261 16.6 step 6-7: the URI the request goes to next. */
static const url_t *
next_hop_url(sip_t *sip)
{
	if (sip->sip_route != NULL)
		return sip->sip_route->r_url;
	return sip->sip_request->rq_url;
}

/* 1 when the host of u is an IP literal (nta then needs no resolver). */
static int
host_is_literal(const char *host)
{
	char h[INET6_ADDRSTRLEN];
	uint8_t a[16];
	size_t n = strlen(host);

	if (host[0] == '[' && n > 2 && n - 2 < sizeof(h)) {
		memcpy(h, host + 1, n - 2);
		h[n - 2] = '\0';
		return inet_pton(AF_INET6, h, a) == 1;
	}
	return inet_pton(AF_INET, host, a) == 1;
}

/* RFC 3261 19.1.1: a maddr parameter overrides the host: it becomes the
 * host (so that nta never resolves it), and goes.  0 or -EINVAL. */
static int
hop_maddr(su_home_t *home, url_t *u)
{
	char maddr[SIPX_HOST_MAX];
	isize_t n;

	if (u->url_params == NULL ||
	    (n = url_param(u->url_params, "maddr", maddr, sizeof(maddr))) ==
	    0)
		return 0;
	if (n < 0 || (size_t)n >= sizeof(maddr) || maddr[0] == '\0')
		return -EINVAL;
	if ((u->url_host = su_strdup(home, maddr)) == NULL)
		return -ENOMEM;
	u->url_params = url_strip_param_string(su_strdup(home,
	    u->url_params), "maddr");
	if (u->url_params != NULL && u->url_params[0] == '\0')
		u->url_params = NULL;
	return 0;
}

static void
fwd_cancel_wait(struct sipx_fwd *f)
{
	if (f->timer != NULL)
		su_timer_destroy(f->timer);
	f->timer = NULL;
	if (f->lookup != NULL)
		sipx_lookup_cancel(f->a->resolver, f->lookup);
	f->lookup = NULL;
}

/* A final answer of our own to a forward that was accepted (0 returned):
 * the hook hears of it, irq gets it. */
static void
fwd_fail(struct sipx_fwd *f, int status, const char *phrase)
{
	fwd_cancel_wait(f);
	msg_destroy(f->msg);
	f->msg = NULL;
	if (f->hook != NULL && f->hook(f->arg, NULL, NULL, status) ==
	    SIPX_HOOK_KEEP) {
		fwd_keep(f);
		return;
	}
	if (f->irq != NULL && nta_incoming_method(f->irq) != sip_method_ack &&
	    nta_incoming_treply(f->irq, status, phrase, TAG_END()) < 0)
		log_warn("sipx: cannot answer %d", status);
	else
		sipx_stat_reply(f->irq, status);
	fwd_free(f);
}

/* Loop thread: the next hop sent nothing within answer_ms: given up as
 * unreachable (the hook hears 504, RFC 3261 21.5.5; no 408 to a
 * non-INVITE, RFC 4320 4.1). */
static void
fwd_deadline(su_root_magic_t *magic, su_timer_t *t, su_timer_arg_t *arg)
{
	struct sipx_fwd *f = (struct sipx_fwd *)arg;

	(void)magic;
	(void)t;
	log_info("sipx: no answer from %s within %u ms", f->host,
	    f->answer_ms);
	if (f->orq != NULL)
		nta_outgoing_destroy(f->orq);	/* no more retransmissions */
	f->orq = NULL;
	fwd_fail(f, 504, "Server Time-out");
}

/* The hop's host is an address literal: hand the request to nta. */
static int
fwd_send(struct sipx_fwd *f)
{
	sip_t *sip = sip_object(f->msg);
	msg_t *msg = f->msg;

	f->msg = NULL;
	if (sip->sip_request->rq_method == sip_method_ack) {
		/* RFC 3261 16.11: forwarded statelessly. */
		if (nta_outgoing_mcreate(f->a->agent, NULL, NULL,
		    (url_string_t const *)f->hop, msg,
		    TAG_IF(f->ident[0] != '\0', TPTAG_IDENT(f->ident)),
		    TAG_END()) == NULL)
			log_warn("sipx: cannot forward ACK");
		fwd_free(f);
		return 0;
	}
	f->orq = nta_outgoing_mcreate(f->a->agent, fwd_response,
	    (nta_outgoing_magic_t *)f, (url_string_t const *)f->hop, msg,
	    TAG_IF(f->ident[0] != '\0', TPTAG_IDENT(f->ident)), TAG_END());
	if (f->orq == NULL) {
		log_warn("sipx: cannot forward %s",
		    sip->sip_request->rq_method_name);
		return -EIO;
	}
	if (f->answer_ms != 0) {
		(void)snprintf(f->host, sizeof(f->host), "%s",
		    f->hop->url_host);
		if ((f->timer = su_timer_create(su_root_task(f->a->root),
		    f->answer_ms)) == NULL || su_timer_set(f->timer,
		    fwd_deadline, (su_timer_arg_t *)f) < 0)
			log_warn("sipx: no deadline for the forward to %s",
			    f->host);
	}
	return 0;
}

/* Loop thread: the next hop's name resolved (sipx_resolve.c). */
static void
fwd_resolved(void *arg, int rc, const char *addr)
{
	struct sipx_fwd *f = arg;

	f->lookup = NULL;
	fwd_cancel_wait(f);
	if (rc == 0 && host_is_literal(addr) &&
	    (f->hop->url_host = su_strdup(msg_home(f->msg), addr)) != NULL) {
		if (fwd_send(f) < 0)
			fwd_fail(f, 503, "Service Unavailable");
		return;
	}
	/* As ever here: a next hop we cannot resolve is not found. */
	log_info("sipx: cannot resolve %s: %s", f->host,
	    rc == -ENOENT ? "no such name" : "resolver failure");
	fwd_fail(f, 404, "Not Found");
}

/* Loop thread: no answer from the resolver in time. */
static void
fwd_timeout(su_root_magic_t *magic, su_timer_t *t, su_timer_arg_t *arg)
{
	struct sipx_fwd *f = (struct sipx_fwd *)arg;

	(void)magic;
	(void)t;
	log_info("sipx: resolving %s timed out", f->host);
	/* RFC 3261 21.5.5: no timely answer from a server we needed (the
	 * resolver's); 408 is not sent to a non-INVITE (RFC 4320 4.1). */
	fwd_fail(f, 504, "Server Time-out");
}

/* Loop thread: wait for the hop's name (timer, lookup).  0, or -EBUSY
 * (too many lookups) or -errno. */
static int
fwd_resolve(struct sipx_fwd *f)
{
	struct sipx_agent *a = f->a;
	int rc;

	if (a->resolver == NULL && (a->handoff == NULL ||
	    sipx_resolver_new(&a->resolver, a->handoff, NULL,
	    SIPX_RESOLVE_THREADS, SIPX_RESOLVE_INFLIGHT) < 0))
		return -EAGAIN;
	(void)snprintf(f->host, sizeof(f->host), "%s", f->hop->url_host);
	if ((f->timer = su_timer_create(su_root_task(a->root),
	    SIPX_RESOLVE_TIMEOUT_MS)) == NULL)
		return -ENOMEM;
	if ((rc = sipx_lookup_start(a->resolver, f->host, fwd_resolved, f,
	    &f->lookup)) < 0 ||
	    su_timer_set(f->timer, fwd_timeout, (su_timer_arg_t *)f) < 0) {
		fwd_cancel_wait(f);
		return rc < 0 ? rc : -ENOMEM;
	}
	return 0;
}

int
sipx_forward(struct sipx_agent *a, nta_incoming_t *irq, msg_t *msg,
    const char *next_hop, sipx_resp_hook hook, void *arg)
{
	return sipx_forward_via(a, irq, msg, next_hop, NULL, hook, arg);
}

int
sipx_forward_within(struct sipx_agent *a, nta_incoming_t *irq, msg_t *msg,
    const char *next_hop, unsigned answer_ms, sipx_resp_hook hook, void *arg)
{
	return fwd_start(a, irq, msg, next_hop, NULL, answer_ms, hook, arg);
}

int
sipx_forward_via(struct sipx_agent *a, nta_incoming_t *irq, msg_t *msg,
    const char *next_hop, const char *ident, sipx_resp_hook hook, void *arg)
{
	return fwd_start(a, irq, msg, next_hop, ident, 0, hook, arg);
}

static int
fwd_start(struct sipx_agent *a, nta_incoming_t *irq, msg_t *msg,
    const char *next_hop, const char *ident, unsigned answer_ms,
    sipx_resp_hook hook, void *arg)
{
	struct sipx_fwd *f;
	sip_t *sip = sip_object(msg);
	url_t *hop = NULL;
	su_home_t *home = msg_home(msg);
	int rc, invite;

	if (sip == NULL || sip->sip_request == NULL) {
		msg_destroy(msg);
		sipx_reply(irq, 500, "Internal Server Error");
		return -EINVAL;
	}
	if (next_hop != NULL && (hop = url_make(home, next_hop)) == NULL) {
		msg_destroy(msg);
		sipx_reply(irq, 503, "Service Unavailable");
		return -EINVAL;
	}
	if (hop == NULL)
		hop = url_hdup(home, next_hop_url(sip));
	if (hop == NULL) {
		msg_destroy(msg);
		sipx_reply(irq, 500, "Internal Server Error");
		return -ENOMEM;
	}
	/* RFC 3261 16.6 step 7: only a SIP URI names a next hop here (no
	 * ENUM for tel:, RFC 3263 NAPTR/SRV not used). */
	if ((hop->url_type != url_sip && hop->url_type != url_sips) ||
	    hop->url_host == NULL || hop->url_host[0] == '\0' ||
	    hop_maddr(home, hop) < 0 || strlen(hop->url_host) >=
	    SIPX_HOST_MAX) {
		msg_destroy(msg);
		sipx_reply(irq, 404, "Not Found");
		return -EHOSTUNREACH;
	}
	if ((f = calloc(1, sizeof(*f))) == NULL) {
		msg_destroy(msg);
		sipx_reply(irq, 500, "Internal Server Error");
		return -ENOMEM;
	}
	f->a = a;
	f->irq = irq;
	f->hook = hook;
	f->arg = arg;
	f->msg = msg;
	f->hop = hop;
	f->answer_ms = answer_ms;
	if (ident != NULL)
		(void)snprintf(f->ident, sizeof(f->ident), "%s", ident);
	invite = sip->sip_request->rq_method == sip_method_invite;
	f->counted = 1;
	sipx_load_begin(a);
	if (host_is_literal(hop->url_host))
		rc = fwd_send(f);
	else
		rc = fwd_resolve(f);
	if (rc < 0) {
		msg_destroy(f->msg);
		f->irq = NULL;
		sipx_load_end(a);
		free(f);
		if (rc == -EBUSY && irq != NULL) {
			/* RFC 3261 21.5.4, 20.33. */
			log_warn("sipx: %u names being resolved: 503",
			    SIPX_RESOLVE_INFLIGHT);
			sipx_reply_busy(irq, 2);
		} else
			sipx_reply(irq, 503, "Service Unavailable");
		return rc;
	}
	/* f is gone after an ACK went out: look at the method saved. */
	if (invite && irq != NULL)
		nta_incoming_bind(irq, fwd_cancel, (nta_incoming_magic_t *)f);
	return 0;
}

int
sipx_route_pop_self(struct sipx_agent *a, msg_t *msg, sip_t *sip,
    char *user, size_t usersize)
{
	const url_t *u;

	if (sip->sip_route == NULL ||
	    !sipx_url_is_self(a, (u = sip->sip_route->r_url)))
		return 0;
	if (user != NULL && usersize > 0) {
		user[0] = '\0';
		if (u->url_user != NULL && strlen(u->url_user) < usersize)
			memcpy(user, u->url_user, strlen(u->url_user) + 1);
	}
	(void)sip_route_remove(msg, sip);
	return 1;
}

int
sipx_record_route(msg_t *msg, sip_t *sip, const char *uri)
{
	char v[SIPX_URI_MAX + 8];

	if (snprintf(v, sizeof(v), "<%s;lr>", uri) >= (int)sizeof(v) ||
	    strpbrk(uri, "<>,\r\n") != NULL)
		return -EINVAL;
	/* Record-Route is a "prepend" header in Sofia: the new entry goes
	 * on top (rebuilding the list used to reverse the older ones). */
	if (sip_add_make(msg, sip, sip_record_route_class, v) < 0)
		return -EINVAL;
	return 0;
}

int
sipx_route_join(const sip_route_t *r, su_home_t *home, char *out, size_t size)
{
	size_t len = 0;
	int n;

	out[0] = '\0';
	for (; r != NULL; r = r->r_next) {
		char *s = sip_header_as_string(home, (sip_header_t const *)r);

		if (s == NULL)
			return -ENOMEM;
		n = snprintf(out + len, size - len, "%s%s", len ? ", " : "", s);
		su_free(home, s);
		if (n < 0 || (size_t)n >= size - len)
			return -ENOSPC;
		len += (size_t)n;
	}
	return 0;
}

int
sipx_route_set(msg_t *msg, sip_t *sip, const char *routes)
{
	while (sip->sip_route != NULL)
		if (sip_header_remove(msg, sip,
		    (sip_header_t *)sip->sip_route) < 0)
			return -EINVAL;
	if (routes != NULL && routes[0] != '\0' &&
	    sip_add_make(msg, sip, sip_route_class, routes) < 0)
		return -EINVAL;
	return 0;
}

int
sipx_set_request_uri(msg_t *msg, sip_t *sip, const char *uri)
{
	su_home_t *home = msg_home(msg);
	sip_request_t *rq;
	url_t *u;

	IMS_CHECK_PARAMS(sip->sip_request != NULL && uri != NULL);
	if ((u = url_make(home, uri)) == NULL)
		return -EINVAL;
	rq = sip_request_create(home, sip->sip_request->rq_method,
	    sip->sip_request->rq_method_name, (url_string_t const *)u, NULL);
	if (rq == NULL)
		return -ENOMEM;
	if (msg_header_replace(msg, (msg_pub_t *)sip,
	    (msg_header_t *)sip->sip_request, (msg_header_t *)rq) < 0)
		return -EINVAL;
	return 0;
}
