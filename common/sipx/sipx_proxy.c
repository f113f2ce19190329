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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sofia-sip/su_tag.h>
#include <sofia-sip/nta_tag.h>
#include <sofia-sip/sip_tag.h>

#include "check.h"
#include "log.h"
#include "sipx.h"

struct sipx_fwd {
	struct sipx_agent *a;
	nta_incoming_t	*irq;
	nta_outgoing_t	*orq;
	sipx_resp_hook	 hook;
	void		*arg;
};

void
sipx_reply(nta_incoming_t *irq, int status, const char *phrase)
{
	if (irq == NULL)
		return;
	if (nta_incoming_method(irq) != sip_method_ack &&
	    nta_incoming_treply(irq, status, phrase, TAG_END()) < 0)
		log_warn("sipx: cannot answer %d", status);
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
	if (f->orq != NULL)
		nta_outgoing_destroy(f->orq);
	if (f->irq != NULL)
		nta_incoming_destroy(f->irq);
	free(f);
}

/* RFC 3261 16.7: relay a response upstream. */
static int
fwd_response(nta_outgoing_magic_t *magic, nta_outgoing_t *orq,
    sip_t const *rsip)
{
	struct sipx_fwd *f = (struct sipx_fwd *)magic;
	int status = nta_outgoing_status(orq);
	msg_t *msg;
	sip_t *sip;

	(void)rsip;
	if (status <= 100)
		return 0;		/* 100 is hop by hop (16.7 step 3) */
	msg = nta_outgoing_getresponse(orq);
	if (msg == NULL || nta_msg_is_internal(msg) ||
	    (sip = sip_object(msg)) == NULL || sip->sip_via == NULL ||
	    sip->sip_via->v_next == NULL) {
		/* A locally generated 408/503: answer with the status only. */
		msg_destroy(msg);
		if (status >= 200) {
			if (f->hook != NULL)
				(void)f->hook(f->arg, NULL, NULL, status);
			if (nta_incoming_treply(f->irq, status,
			    status == 408 ? "Request Timeout" :
			    status == 503 ? "Service Unavailable" :
			    sip_status_phrase(status), TAG_END()) < 0)
				log_warn("sipx: cannot relay %d", status);
			fwd_free(f);
		}
		return 0;
	}
	sip_via_remove(msg, sip);
	if (f->hook != NULL && f->hook(f->arg, msg, sip, status) != 0) {
		/* Dropped: a final answer is still owed upstream. */
		msg_destroy(msg);
		if (status >= 200 && nta_incoming_treply(f->irq, 500,
		    "Server Internal Error", TAG_END()) < 0)
			log_warn("sipx: cannot answer 500");
	} else if (nta_incoming_mreply(f->irq, msg) < 0)
		log_warn("sipx: cannot relay response %d", status);
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
	if (sip != NULL && sip->sip_request != NULL &&
	    sip->sip_request->rq_method == sip_method_cancel &&
	    f->orq != NULL && nta_outgoing_cancel(f->orq) < 0)
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

/* RFC 3263 (NAPTR/SRV) is not used: a next hop is an IP literal or a name
 * getaddrinfo() knows (/etc/hosts in the lab), replaced by its address
 * before nta sees it.  Sofia's own resolver is kept out of the way: with
 * no reachable DNS server it retries in a busy loop that stalls the whole
 * su_root loop. */
static int
hop_numeric(su_home_t *home, url_t *u)
{
	struct addrinfo hints, *res = NULL;
	char h[64], addr[INET6_ADDRSTRLEN + 2];
	uint8_t a[16];
	size_t n;
	int rc;

	if (u == NULL || u->url_host == NULL)
		return -EINVAL;
	n = strlen(u->url_host);
	if (u->url_host[0] == '[' && n > 2 && n - 2 < sizeof(h)) {
		memcpy(h, u->url_host + 1, n - 2);
		h[n - 2] = '\0';
		if (inet_pton(AF_INET6, h, a) == 1)
			return 0;
	}
	if (inet_pton(AF_INET, u->url_host, a) == 1)
		return 0;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_DGRAM;
	if ((rc = getaddrinfo(u->url_host, NULL, &hints, &res)) != 0 ||
	    res == NULL) {
		log_info("sipx: cannot resolve %s: %s", u->url_host,
		    gai_strerror(rc));
		return -EHOSTUNREACH;
	}
	if (res->ai_family == AF_INET)
		rc = inet_ntop(AF_INET, &((struct sockaddr_in *)(void *)
		    res->ai_addr)->sin_addr, addr, sizeof(addr)) ? 0 : -EINVAL;
	else {
		addr[0] = '[';
		rc = inet_ntop(AF_INET6, &((struct sockaddr_in6 *)(void *)
		    res->ai_addr)->sin6_addr, addr + 1, sizeof(addr) - 2) ?
		    0 : -EINVAL;
		if (rc == 0)
			(void)strcat(addr, "]");
	}
	freeaddrinfo(res);
	if (rc < 0 || (u->url_host = su_strdup(home, addr)) == NULL)
		return -ENOMEM;
	return 0;
}

int
sipx_forward(struct sipx_agent *a, nta_incoming_t *irq, msg_t *msg,
    const char *next_hop, sipx_resp_hook hook, void *arg)
{
	struct sipx_fwd *f;
	sip_t *sip = sip_object(msg);
	url_t *hop = NULL;
	su_home_t *home = msg_home(msg);

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
	if (hop_numeric(home, hop) < 0) {
		msg_destroy(msg);
		sipx_reply(irq, 404, "Not Found");
		return -EHOSTUNREACH;
	}
	if (sip->sip_request->rq_method == sip_method_ack) {
		/* RFC 3261 16.11: forwarded statelessly. */
		if (nta_outgoing_mcreate(a->agent, NULL, NULL,
		    (url_string_t const *)hop, msg, TAG_END()) == NULL)
			log_warn("sipx: cannot forward ACK");
		if (irq != NULL)
			nta_incoming_destroy(irq);
		return 0;
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
	f->orq = nta_outgoing_mcreate(a->agent, fwd_response,
	    (nta_outgoing_magic_t *)f, (url_string_t const *)hop, msg,
	    TAG_END());
	if (f->orq == NULL) {
		log_warn("sipx: cannot forward %s", sip->sip_request->rq_method_name);
		f->irq = NULL;
		free(f);
		sipx_reply(irq, 503, "Service Unavailable");
		return -EIO;
	}
	if (sip->sip_request->rq_method == sip_method_invite)
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

/* Rebuild a route-like list: the new entry, then (keep_old) the old ones,
 * in their order.  Added as one comma-separated value: Sofia inserts a
 * Record-Route at the head of the list (a "prepend" class), so entries
 * added one by one would come out reversed. */
static int
list_rebuild(msg_t *msg, sip_t *sip, msg_hclass_t *hc, sip_route_t **head,
    const char *first, int keep_old)
{
	su_home_t *home = msg_home(msg);
	const sip_route_t *r;
	char *all = NULL, *s, *n;

	if (first != NULL && (all = su_strdup(home, first)) == NULL)
		return -ENOMEM;
	for (r = *head; keep_old && r != NULL; r = r->r_next) {
		if ((s = sip_header_as_string(home,
		    (sip_header_t const *)r)) == NULL)
			return -ENOMEM;
		n = all != NULL ? su_sprintf(home, "%s, %s", all, s) : s;
		if (n == NULL)
			return -ENOMEM;
		all = n;
	}
	while (*head != NULL)
		if (sip_header_remove(msg, sip, (sip_header_t *)*head) < 0)
			return -EINVAL;
	if (all != NULL && sip_add_make(msg, sip, hc, all) < 0)
		return -EINVAL;
	return 0;
}

int
sipx_record_route(msg_t *msg, sip_t *sip, const char *uri)
{
	char v[SIPX_URI_MAX + 8];

	if (snprintf(v, sizeof(v), "<%s;lr>", uri) >= (int)sizeof(v))
		return -EINVAL;
	return list_rebuild(msg, sip, sip_record_route_class,
	    &sip->sip_record_route, v, 1);
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
	IMS_CHECK_RC(list_rebuild(msg, sip, sip_route_class, &sip->sip_route,
	    NULL, 0));
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
