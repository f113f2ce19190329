/* sipx_agent.c - the nta agent of a CSCF: UDP and TCP on one address, our
 * message class (sipx_parse.c), a default leg that validates every
 * request (sipx_check.c) before the daemon's callback, stray responses
 * dropped unless they are 2xx retransmissions through us. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sofia-sip/su.h>
#include <sofia-sip/su_tag.h>
#include <sofia-sip/nta_tag.h>
#include <sofia-sip/sip_tag.h>
#include <sofia-sip/msg_addr.h>
#include <sofia-sip/nta_stateless.h>
#include <sofia-sip/nta_tport.h>
#include <sofia-sip/tport_tag.h>

#include "check.h"
#include "log.h"
#include "sipx.h"

/* 1 when the IP literal host may receive a relayed response: not a
 * name (no resolver on the loop), not unspecified, broadcast or
 * multicast (RFC 4475 3.3.10). */
static int
relay_host_ok(const char *host)
{
	struct in_addr a4;
	struct in6_addr a6;
	char h[INET6_ADDRSTRLEN];
	size_t n = strlen(host);
	uint32_t x;

	if (inet_pton(AF_INET, host, &a4) == 1) {
		x = ntohl(a4.s_addr);
		return x != 0 && x < 0xe0000000u;	/* not 224/3 */
	}
	if (host[0] == '[' && n > 2 && n - 2 < sizeof(h)) {
		memcpy(h, host + 1, n - 2);
		h[n - 2] = '\0';
		host = h;
	}
	if (inet_pton(AF_INET6, host, &a6) == 1)
		return a6.s6_addr[0] != 0xff &&
		    !IN6_IS_ADDR_UNSPECIFIED(&a6);
	return 0;
}

/* 1 when the Via names this agent (sent-by host and port). */
static int
via_is_self(const struct sipx_agent *a, const sip_via_t *v)
{
	unsigned port;

	if (v == NULL || v->v_host == NULL || sipx_via_salvaged(v))
		return 0;
	port = v->v_port != NULL ? (unsigned)atoi(v->v_port) : 5060;
	return strcasecmp(v->v_host, a->host) == 0 && port == a->port;
}

/* A response that matches no client transaction.  RFC 3261 16.7 step 10
 * (13.3.1.4): a 2xx to INVITE retransmitted after our transaction ended
 * is relayed statelessly; RFC 3261 16.11 / 18.1.2: only when the top Via
 * is ours (never relay someone else's response along its Vias), and only
 * to an address literal that may receive it.  Anything else is dropped
 * (RFC 4475 3.1.1.12-13, 3.1.2.5, 3.1.2.19, 3.3.10).  Requests never come
 * here (default leg). */
static int
sipx_stray(nta_agent_magic_t *magic, nta_agent_t *agent, msg_t *msg,
    sip_t *sip)
{
	struct sipx_agent *a = (struct sipx_agent *)magic;
	const sip_via_t *next;

	if (sip == NULL || sip->sip_status == NULL || sip->sip_cseq == NULL ||
	    sip->sip_cseq->cs_method != sip_method_invite ||
	    sip->sip_status->st_status < 200 ||
	    sip->sip_status->st_status >= 300 ||
	    !via_is_self(a, sip->sip_via) ||
	    (next = sip->sip_via->v_next) == NULL || sipx_via_salvaged(next) ||
	    !relay_host_ok(next->v_received != NULL ? next->v_received :
	    next->v_host)) {
		log_debug("sipx: stray response dropped");
		nta_msg_discard(agent, msg);
		return 0;
	}
	/* nta_msg_tsend() removes the top Via (ours) itself. */
	if (nta_msg_tsend(agent, msg, NULL, TAG_END()) != 0)
		log_debug("sipx: stray 2xx not relayed");
	return 0;
}

/* The default leg: RFC 3261 16.3 validation (sipx_check.c), then the
 * daemon's callback. */
static int
sipx_leg(nta_leg_magic_t *magic, nta_leg_t *leg, nta_incoming_t *irq,
    sip_t const *sip)
{
	struct sipx_agent *a = (struct sipx_agent *)magic;
	int status;

	if (sip == NULL || sip->sip_request == NULL)
		return 400;
	sipx_stat_request(sip);
	if (sipx_check_request(a, irq, sip) != 0 ||
	    !sipx_load_admit(a, irq, sip))
		return 0;
	/* A status returned is nta's to send. */
	status = a->req_cb(a->req_magic, leg, irq, sip);
	sipx_stat_reply(irq, status);
	return status;
}

int
sipx_agent_open(struct sipx_agent *a, const char *listen,
    nta_request_f *req_cb, void *magic)
{
	const char *colon;
	char *end;
	msg_mclass_t const *mc;
	unsigned long port;
	size_t hl;

	IMS_CHECK_PARAMS(a != NULL && listen != NULL && req_cb != NULL);
	memset(a, 0, sizeof(*a));
	if ((colon = strrchr(listen, ':')) == NULL)
		return -EINVAL;
	hl = (size_t)(colon - listen);
	port = strtoul(colon + 1, &end, 10);
	if (hl == 0 || hl >= sizeof(a->host) || *end != '\0' || port == 0 ||
	    port > 65535)
		return -EINVAL;
	memcpy(a->host, listen, hl);
	a->host[hl] = '\0';
	a->port = (unsigned)port;
	a->req_cb = req_cb;
	a->req_magic = magic;
	if (snprintf(a->self, sizeof(a->self), "sip:%s:%u", a->host,
	    a->port) >= (int)sizeof(a->self))
		return -EINVAL;
	if (su_init() != 0)
		return -EIO;
	if ((mc = sipx_mclass()) == NULL)
		return -ENOMEM;
	if ((a->root = su_root_create(NULL)) == NULL)
		return -ENOMEM;
	/* "sip:" without a transport parameter binds UDP and TCP. */
	a->agent = nta_agent_create(a->root, URL_STRING_MAKE(a->self),
	    sipx_stray, (nta_agent_magic_t *)a,
	    NTATAG_MCLASS(mc),
	    NTATAG_MAXSIZE(SIPX_MAX_MESSAGE),
	    NTATAG_UA(0),
	    NTATAG_SERVER_RPORT(1),
	    NTATAG_CLIENT_RPORT(1),
	    NTATAG_PASS_100(0),
	    NTATAG_CANCEL_487(0),
	    /* Named: Sofia compares a request's TPTAG_IDENT with every
	     * primary's name, and an unnamed one crashes it. */
	    TPTAG_IDENT(SIPX_IDENT_MAIN),
	    TAG_END());
	if (a->agent == NULL) {
		log_err("sipx: cannot bind %s", a->self);
		return -EADDRNOTAVAIL;
	}
	a->leg = nta_leg_tcreate(a->agent, sipx_leg, (nta_leg_magic_t *)a,
	    NTATAG_NO_DIALOG(1), TAG_END());
	if (a->leg == NULL)
		return -ENOMEM;
	log_info("sip: listening on %s (udp, tcp)", a->self);
	return 0;
}

int
sipx_agent_add_port(struct sipx_agent *a, unsigned port, const char *ident)
{
	if (ident == NULL)
		ident = SIPX_IDENT_MAIN;
	char url[SIPX_URI_MAX];

	if (port == 0 || port > 65535 || snprintf(url, sizeof(url),
	    "sip:%s:%u", a->host, port) >= (int)sizeof(url))
		return -EINVAL;
	if (nta_agent_add_tport(a->agent, URL_STRING_MAKE(url),
	    TPTAG_IDENT(ident), TAG_END()) < 0) {
		log_err("sipx: cannot bind %s", url);
		return -EADDRNOTAVAIL;
	}
	log_info("sip: listening on %s (udp, tcp), named %s", url, ident);
	return 0;
}

/* The local port of a primary transport, 0 if unknown. */
static unsigned
tport_local_port(const tport_t *tp)
{
	const su_addrinfo_t *ai = tport_get_address(tp);
	const struct sockaddr *sa;

	if (ai == NULL || (sa = ai->ai_addr) == NULL)
		return 0;
	if (sa->sa_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)sa)->sin_port);
	if (sa->sa_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)sa)->sin6_port);
	return 0;
}

int
sipx_arrival_port(struct sipx_agent *a, nta_incoming_t *irq, unsigned *port)
{
	tport_t *tp, *pri;

	if ((tp = nta_incoming_transport(a->agent, irq, NULL)) == NULL)
		return -ENOENT;
	pri = tport_is_primary(tp) ? tp : tport_parent(tp);
	*port = pri != NULL ? tport_local_port(pri) : 0;
	tport_unref(tp);
	return *port != 0 ? 0 : -ENOENT;
}

void
sipx_agent_close(struct sipx_agent *a)
{
	if (a->leg != NULL)
		nta_leg_destroy(a->leg);
	if (a->agent != NULL)
		nta_agent_destroy(a->agent);
	if (a->root != NULL)
		su_root_destroy(a->root);
	a->leg = NULL;
	a->agent = NULL;
	a->root = NULL;
	su_deinit();
}
