/* sipx_agent.c - the nta agent of a CSCF: UDP and TCP on one address, a
 * default leg for every request, stray responses relayed along their Via. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
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

#include "check.h"
#include "log.h"
#include "sipx.h"

/* A response that matches no client transaction (RFC 3261 16.7 step 10:
 * 2xx retransmissions after the INVITE transaction ended): remove our Via
 * and send it to the next one.  Requests never come here (default leg). */
static int
sipx_stray(nta_agent_magic_t *magic, nta_agent_t *agent, msg_t *msg,
    sip_t *sip)
{
	(void)magic;
	if (sip != NULL && sip->sip_status != NULL && sip->sip_via != NULL &&
	    sip->sip_via->v_next != NULL) {
		sip_via_remove(msg, sip);
		if (nta_msg_tsend(agent, msg, NULL, TAG_END()) == 0)
			return 0;
		log_debug("sipx: stray response not relayed");
		return 0;
	}
	nta_msg_discard(agent, msg);
	return 0;
}

int
sipx_agent_open(struct sipx_agent *a, const char *listen,
    nta_request_f *req_cb, void *magic)
{
	const char *colon;
	char *end;
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
	if (snprintf(a->self, sizeof(a->self), "sip:%s:%u", a->host,
	    a->port) >= (int)sizeof(a->self))
		return -EINVAL;
	if (su_init() != 0)
		return -EIO;
	if ((a->root = su_root_create(NULL)) == NULL)
		return -ENOMEM;
	/* "sip:" without a transport parameter binds UDP and TCP. */
	a->agent = nta_agent_create(a->root, URL_STRING_MAKE(a->self),
	    sipx_stray, magic,
	    NTATAG_UA(0),
	    NTATAG_SERVER_RPORT(1),
	    NTATAG_CLIENT_RPORT(1),
	    NTATAG_PASS_100(0),
	    NTATAG_CANCEL_487(0),
	    TAG_END());
	if (a->agent == NULL) {
		log_err("sipx: cannot bind %s", a->self);
		return -EADDRNOTAVAIL;
	}
	a->leg = nta_leg_tcreate(a->agent, req_cb, magic,
	    NTATAG_NO_DIALOG(1), TAG_END());
	if (a->leg == NULL)
		return -ENOMEM;
	log_info("sip: listening on %s (udp, tcp)", a->self);
	return 0;
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
