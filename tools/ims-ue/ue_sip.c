/* ue_sip.c - the UE's SIP transport: Sofia-SIP nta transactions over a
 * transport bound to one local address and port (RFC 3261 17.1).
 *
 * Every request goes to the P-CSCF (TS 24.229 5.1.1.1: the P-CSCF is the
 * UE's outbound proxy), whatever its Request-URI.  The local address is
 * fixed because sec-agree (TS 33.203 7.1) binds the SAs to the UE's ports.
 *
 * With --ipsec a second agent is the protected side: bound to UE:port_us
 * (the protected server port) with one more UDP transport per protected
 * client port (the current set's port_uc, and during a TS 33.203 7.4
 * re-registration the old set's too), each named "gmPORT" (TPTAG_IDENT).
 * A request leaves from the transport of the set's port_uc, chosen by
 * that name (TPTAG_IDENT on the request: NTATAG_TPORT picks only
 * connections, not UDP primaries), so Via sent-by is UE:port_uc; it goes
 * to P-CSCF:port_ps; its response is taken on any of the agent's
 * transports: over UDP a P-CSCF answers from port_pc to port_us (what
 * Kamailio's ims_ipsec_pcscf does, TS 33.203 7.1 for UDP) or from port_ps
 * to port_uc, both inside the set's SAs.  Requests from the P-CSCF reach
 * port_us; a MESSAGE is answered 200 (TS 24.229 5.1.4), anything else 501.
 */
#define NTA_OUTGOING_MAGIC_T	struct ue_sip
#define NTA_AGENT_MAGIC_T	struct ue_sip

#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <openssl/rand.h>

#include <sofia-sip/su.h>
#include <sofia-sip/su_log.h>
#include <sofia-sip/su_wait.h>
#include <sofia-sip/nta.h>
#include <sofia-sip/nta_stateless.h>
#include <sofia-sip/nta_tport.h>
#include <sofia-sip/tport.h>
#include <sofia-sip/tport_tag.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_tag.h>
#include <sofia-sip/msg_header.h>
#include <sofia-sip/url.h>

#include "log.h"
#include "ue.h"
#include "util.h"

#define UE_HOST_MAX	256	/* host, or host:port */
#define UE_URL_MAX	320

struct ue_sip {
	su_home_t	*home;
	su_root_t	*root;
	nta_agent_t	*agent;
	char		 transport[4];
	char		 bind_url[UE_URL_MAX];
	char		 proxy_url[UE_URL_MAX];
	char		 contact[UE_URL_MAX];
	char		 local_host[UE_HOST_MAX];
	char		 local_addr[UE_HOST_MAX];	/* bare */
	char		 send_ident[16];	/* protected side: port_uc's */
	unsigned	 messages_in;
	/* the transaction in progress */
	struct ue_resp	*resp;
	int		 done;
};

int
ue_random_hex(char *out, size_t n)
{
	uint8_t buf[32];

	if (n > sizeof(buf) || RAND_bytes(buf, (int)n) != 1)
		return -EIO;
	hex_encode(buf, n, out);
	return 0;
}

/* Split HOST:PORT ([v6]:PORT accepted).  host keeps the brackets. */
int
ue_hostport_split(const char *hp, char *host, size_t hostsz, char *port,
    size_t portsz)
{
	const char *colon;
	size_t hl;

	if (hp[0] == '[') {
		if ((colon = strstr(hp, "]:")) == NULL)
			return -EINVAL;
		colon++;
	} else if ((colon = strrchr(hp, ':')) == NULL ||
	    strchr(hp, ':') != colon)
		return -EINVAL;
	hl = (size_t)(colon - hp);
	if (hl == 0 || hl >= hostsz || strlen(colon + 1) >= portsz ||
	    colon[1] == '\0' || strspn(colon + 1, "0123456789") !=
	    strlen(colon + 1) || atoi(colon + 1) > 65535)
		return -EINVAL;
	memcpy(host, hp, hl);
	host[hl] = '\0';
	snprintf(port, portsz, "%s", colon + 1);
	return 0;
}

/* No --local: the source address the kernel would use towards the P-CSCF
 * (a connected UDP socket sends nothing), any port. */
static int
local_towards(const char *host, const char *port, char *out, size_t outsz)
{
	struct addrinfo hints, *ai;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	char h[NI_MAXHOST], bare[NI_MAXHOST];
	int fd, rc = -EHOSTUNREACH;

	snprintf(bare, sizeof(bare), "%s", host[0] == '[' ? host + 1 : host);
	bare[strcspn(bare, "]")] = '\0';
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_DGRAM;
	if (getaddrinfo(bare, port, &hints, &ai) != 0)
		return -EINVAL;
	if ((fd = socket(ai->ai_family, SOCK_DGRAM, 0)) >= 0) {
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0 &&
		    getsockname(fd, (struct sockaddr *)&ss, &sl) == 0 &&
		    getnameinfo((struct sockaddr *)&ss, sl, h, sizeof(h), NULL,
		    0, NI_NUMERICHOST) == 0) {
			snprintf(out, outsz, ss.ss_family == AF_INET6 ?
			    "[%s]:0" : "%s:0", h);
			rc = 0;
		}
		close(fd);
	}
	freeaddrinfo(ai);
	return rc;
}

/* Sofia's own messages become our debug lines (stderr stays one line). */
static void sofia_logger(void *, const char *, va_list)
    __attribute__((format(printf, 2, 0)));

static void
sofia_logger(void *stream, const char *fmt, va_list ap)
{
	char line[512];
	size_t len;

	(void)stream;
	vsnprintf(line, sizeof(line), fmt, ap);
	len = strlen(line);
	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		line[--len] = '\0';
	if (len > 0)
		log_debug("sofia: %s", line);
}

struct ue_sip *
ue_sip_open(const struct ue_conf *c)
{
	struct ue_sip *s;
	char host[UE_HOST_MAX - 8], port[8], local[UE_HOST_MAX];
	char phost[UE_HOST_MAX - 8], pport[8];
	const sip_contact_t *m;

	if (ue_hostport_split(c->pcscf, phost, sizeof(phost), pport,
	    sizeof(pport)) < 0) {
		log_err("--pcscf: expected HOST:PORT");
		return NULL;
	}
	if (c->local != NULL)
		snprintf(local, sizeof(local), "%s", c->local);
	else if (local_towards(phost, pport, local, sizeof(local)) < 0) {
		log_err("no local address towards %s", c->pcscf);
		return NULL;
	}
	if (ue_hostport_split(local, host, sizeof(host), port, sizeof(port)) < 0) {
		log_err("--local: expected ADDR:PORT");
		return NULL;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		log_err("out of memory");
		return NULL;
	}
	snprintf(s->transport, sizeof(s->transport), "%s", c->transport);
	/* Port 0 lets the kernel choose; nta then reports the real one. */
	snprintf(s->bind_url, sizeof(s->bind_url), "sip:%s:%s;transport=%s",
	    host, strcmp(port, "0") == 0 ? "*" : port, s->transport);
	/* RFC 3261 8.1.2 / 16.12: a loose route to the outbound proxy. */
	snprintf(s->proxy_url, sizeof(s->proxy_url), "sip:%s:%s;transport=%s",
	    phost, pport, s->transport);
	su_init();
	su_log_redirect(su_log_default, sofia_logger, NULL);
	su_log_redirect(su_log_global, sofia_logger, NULL);
	if ((s->home = su_home_new(sizeof(*s->home))) == NULL ||
	    (s->root = su_root_create(NULL)) == NULL) {
		log_err("cannot start Sofia-SIP");
		goto fail;
	}
	s->agent = nta_agent_create(s->root, URL_STRING_MAKE(s->bind_url),
	    NULL, NULL, NTATAG_UA(1), NTATAG_CLIENT_RPORT(1), TAG_END());
	if (s->agent == NULL) {
		log_err("cannot bind %s", s->bind_url);
		goto fail;
	}
	if ((m = nta_agent_contact(s->agent)) == NULL) {
		log_err("no contact for %s", s->bind_url);
		goto fail;
	}
	snprintf(s->local_host, sizeof(s->local_host), "%s%s%s",
	    m->m_url->url_host, m->m_url->url_port ? ":" : "",
	    m->m_url->url_port ? m->m_url->url_port : "");
	snprintf(s->local_addr, sizeof(s->local_addr), "%s",
	    m->m_url->url_host[0] == '[' ? m->m_url->url_host + 1 :
	    m->m_url->url_host);
	s->local_addr[strcspn(s->local_addr, "]")] = '\0';
	snprintf(s->contact, sizeof(s->contact), "<sip:%s;transport=%s>",
	    s->local_host, s->transport);
	log_debug("bound %s, contact %s, proxy %s", s->bind_url, s->contact,
	    s->proxy_url);
	return s;
fail:
	ue_sip_close(s);
	return NULL;
}

void
ue_sip_close(struct ue_sip *s)
{
	if (s == NULL)
		return;
	if (s->agent != NULL)
		nta_agent_destroy(s->agent);
	if (s->root != NULL)
		su_root_destroy(s->root);
	if (s->home != NULL)
		su_home_unref(s->home);
	su_deinit();
	free(s);
}

const char *
ue_sip_local_host(const struct ue_sip *s)
{
	return s->local_host;
}

int
ue_sip_local_addr(const struct ue_sip *s, char *out, size_t outsz)
{
	if ((size_t)snprintf(out, outsz, "%s", s->local_addr) >= outsz)
		return -ENOSPC;
	return 0;
}

unsigned
ue_sip_messages_in(const struct ue_sip *s)
{
	return s->messages_in;
}

/* "addr" for a URL: IPv6 in brackets. */
static void
url_host(char *out, size_t outsz, const char *addr)
{
	snprintf(out, outsz, strchr(addr, ':') != NULL ? "[%s]" : "%s", addr);
}

/* Requests from the P-CSCF on the protected ports (TS 24.229 5.1.4: the UE
 * is a UAS too): MESSAGE gets 200, the rest 501; ACK needs no answer. */
static int
gm_request_cb(struct ue_sip *s, nta_agent_t *agent, msg_t *msg, sip_t *sip)
{
	if (sip == NULL || sip->sip_request == NULL ||
	    sip->sip_request->rq_method == sip_method_ack) {
		msg_destroy(msg);
		return 0;
	}
	if (sip->sip_request->rq_method == sip_method_message) {
		s->messages_in++;
		log_debug("MESSAGE received on the protected server port");
		nta_msg_treply(agent, msg, 200, "OK", TAG_END());
	} else
		nta_msg_treply(agent, msg, 501, "Not Implemented", TAG_END());
	return 0;
}

struct ue_sip *
ue_sip_open_gm(const struct ue_conf *c, const char *ue_ip, uint16_t port_us,
    const char *user)
{
	struct ue_sip *s;
	char host[UE_HOST_MAX - 8], ident[16];

	if ((s = calloc(1, sizeof(*s))) == NULL) {
		log_err("out of memory");
		return NULL;
	}
	(void)c;
	snprintf(s->transport, sizeof(s->transport), "udp");
	url_host(host, sizeof(host), ue_ip);
	snprintf(s->bind_url, sizeof(s->bind_url), "sip:%s:%u;transport=udp",
	    host, port_us);
	snprintf(s->local_host, sizeof(s->local_host), "%s:%u", host, port_us);
	snprintf(s->local_addr, sizeof(s->local_addr), "%s", ue_ip);
	/* TS 24.229 5.1.1.5.1: the Contact names the protected server port */
	snprintf(s->contact, sizeof(s->contact), "<sip:%s@%s>", user,
	    s->local_host);
	su_init();
	su_log_redirect(su_log_default, sofia_logger, NULL);
	su_log_redirect(su_log_global, sofia_logger, NULL);
	if ((s->home = su_home_new(sizeof(*s->home))) == NULL ||
	    (s->root = su_root_create(NULL)) == NULL) {
		log_err("cannot start Sofia-SIP");
		goto fail;
	}
	snprintf(ident, sizeof(ident), "gm%u", port_us);
	s->agent = nta_agent_create(s->root, URL_STRING_MAKE(s->bind_url),
	    gm_request_cb, s, NTATAG_UA(1), NTATAG_CLIENT_RPORT(1),
	    TPTAG_IDENT(ident), TAG_END());
	if (s->agent == NULL) {
		log_err("cannot bind the protected server port %s", s->bind_url);
		goto fail;
	}
	log_debug("protected server port %s, contact %s", s->bind_url,
	    s->contact);
	return s;
fail:
	ue_sip_close(s);
	return NULL;
}

static tport_t *
tport_by_port(struct ue_sip *s, uint16_t port)
{
	tport_t *tp;
	char want[8];

	snprintf(want, sizeof(want), "%u", port);
	for (tp = tport_primaries(nta_agent_tports(s->agent)); tp != NULL;
	    tp = tport_next(tp))
		if (tport_is_udp(tp) && tport_name(tp)->tpn_port != NULL &&
		    strcmp(tport_name(tp)->tpn_port, want) == 0)
			return tp;
	return NULL;
}

int
ue_sip_add_port(struct ue_sip *s, uint16_t port_uc)
{
	char url[UE_URL_MAX], host[UE_HOST_MAX - 8], ident[16];

	if (tport_by_port(s, port_uc) != NULL)
		return 0;
	url_host(host, sizeof(host), s->local_addr);
	snprintf(url, sizeof(url), "sip:%s:%u;transport=udp", host, port_uc);
	snprintf(ident, sizeof(ident), "gm%u", port_uc);
	if (nta_agent_add_tport(s->agent, URL_STRING_MAKE(url),
	    TPTAG_IDENT(ident), TAG_END()) < 0 ||
	    tport_by_port(s, port_uc) == NULL) {
		log_err("cannot bind the protected client port %s", url);
		return -EIO;
	}
	return 0;
}

int
ue_sip_route(struct ue_sip *s, uint16_t port_uc, const char *pcscf_ip,
    uint16_t port_ps)
{
	char host[UE_HOST_MAX - 8];

	if (tport_by_port(s, port_uc) == NULL)
		return -ENOENT;
	snprintf(s->send_ident, sizeof(s->send_ident), "gm%u", port_uc);
	url_host(host, sizeof(host), pcscf_ip);
	snprintf(s->proxy_url, sizeof(s->proxy_url), "sip:%s:%u;transport=udp",
	    host, port_ps);
	return 0;
}

/* Append the value of each header in a list, comma-separated (RFC 3261
 * 7.3.1: equivalent to separate header lines). */
static void
join_values(char *out, size_t outsz, const msg_header_t *h)
{
	size_t len = strlen(out);
	issize_t n;

	for (; h != NULL; h = h->sh_next) {
		if (len > 0 && len + 2 < outsz) {
			memcpy(out + len, ", ", 3);
			len += 2;
		}
		n = msg_header_field_e(out + len, (isize_t)(outsz - len), h, 0);
		if (n < 0 || (size_t)n >= outsz - len) {
			out[len] = '\0';	/* truncated: drop this one */
			return;
		}
		len += (size_t)n;
		out[len] = '\0';
	}
}

/* RFC 3261 10.3 step 8: the registrar lists our binding with its expires
 * parameter; else the Expires header applies. */
static long
granted_expires(const struct ue_sip *s, const sip_t *sip)
{
	const sip_contact_t *m;
	const char *want = s->local_host;
	for (m = sip->sip_contact; m != NULL; m = m->m_next) {
		char have[UE_HOST_MAX];

		if (m->m_expires == NULL)
			continue;
		snprintf(have, sizeof(have), "%s%s%s", m->m_url->url_host,
		    m->m_url->url_port ? ":" : "",
		    m->m_url->url_port ? m->m_url->url_port : "");
		if (strcasecmp(have, want) == 0)
			return strtol(m->m_expires, NULL, 10);
	}
	if (sip->sip_expires != NULL)
		return (long)sip->sip_expires->ex_delta;
	return -1;
}

static int
response_cb(struct ue_sip *s, nta_outgoing_t *orq, const sip_t *sip)
{
	struct ue_resp *r = s->resp;
	const sip_www_authenticate_t *au;
	const sip_unknown_t *un;
	msg_t *msg;
	int internal = 0;

	if (sip == NULL || sip->sip_status == NULL ||
	    sip->sip_status->st_status < 200)
		return 0;
	/* A response nta made up (timer F, connect failure) is no answer. */
	if ((msg = nta_outgoing_getresponse(orq)) != NULL) {
		internal = nta_is_internal_msg(msg);
		msg_destroy(msg);
	}
	s->done = 1;
	if (internal) {
		log_debug("no response (%d %s)", sip->sip_status->st_status,
		    sip->sip_status->st_phrase);
		r->unreachable = 1;
		return 0;
	}
	r->status = sip->sip_status->st_status;
	snprintf(r->phrase, sizeof(r->phrase), "%s",
	    sip->sip_status->st_phrase ? sip->sip_status->st_phrase : "");
	for (au = sip->sip_www_authenticate; au != NULL &&
	    r->nwww_auth < UE_MAX_AUTH_HDRS; au = au->au_next) {
		issize_t n = msg_header_field_e(r->www_auth[r->nwww_auth],
		    UE_HDR_MAX, (const msg_header_t *)au, 0);

		if (n > 0 && n < UE_HDR_MAX)
			r->nwww_auth++;
	}
	join_values(r->service_route, sizeof(r->service_route),
	    (const msg_header_t *)sip->sip_service_route);
	join_values(r->security_server, sizeof(r->security_server),
	    (const msg_header_t *)sip->sip_security_server);
	/* P-Associated-URI (RFC 7315 4.1) is not one of Sofia's headers. */
	for (un = sip->sip_unknown; un != NULL; un = un->un_next) {
		size_t len = strlen(r->p_associated_uri);

		if (un->un_name == NULL || un->un_value == NULL ||
		    strcasecmp(un->un_name, "P-Associated-URI") != 0)
			continue;
		snprintf(r->p_associated_uri + len,
		    sizeof(r->p_associated_uri) - len, "%s%s",
		    len ? ", " : "", un->un_value);
	}
	r->expires = granted_expires(s, sip);
	return 0;
}

static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
ue_sip_request(struct ue_sip *s, const struct ue_req *q, unsigned timeout_ms,
    struct ue_resp *r)
{
	char rline[UE_URL_MAX + 32], cseq[48], expires[24];
	nta_outgoing_t *orq;
	msg_t *msg;
	sip_t *sip;
	long deadline, left;

	memset(r, 0, sizeof(*r));
	r->expires = -1;
	snprintf(rline, sizeof(rline), "%s %s SIP/2.0", q->method,
	    q->request_uri);
	snprintf(cseq, sizeof(cseq), "%u %s", q->cseq, q->method);
	snprintf(expires, sizeof(expires), "%ld", q->expires);
	if ((msg = nta_msg_create(s->agent, 0)) == NULL)
		return -ENOMEM;
	sip = sip_object(msg);
	if (sip_add_tl(msg, sip,
	    SIPTAG_REQUEST_STR(rline),
	    SIPTAG_FROM_STR(q->from),
	    SIPTAG_TO_STR(q->to),
	    SIPTAG_CALL_ID_STR(q->call_id),
	    SIPTAG_CSEQ_STR(cseq),
	    SIPTAG_MAX_FORWARDS_STR("70"),	/* RFC 3261 8.1.1.6 */
	    TAG_IF(q->route != NULL, SIPTAG_ROUTE_STR(q->route)),
	    TAG_IF(q->contact, SIPTAG_CONTACT_STR(s->contact)),
	    TAG_IF(q->expires >= 0, SIPTAG_EXPIRES_STR(expires)),
	    TAG_IF(q->authorization != NULL,
		SIPTAG_AUTHORIZATION_STR(q->authorization)),
	    TAG_IF(q->supported != NULL, SIPTAG_SUPPORTED_STR(q->supported)),
	    TAG_IF(q->require != NULL, SIPTAG_REQUIRE_STR(q->require)),
	    TAG_IF(q->proxy_require != NULL,
		SIPTAG_PROXY_REQUIRE_STR(q->proxy_require)),
	    TAG_IF(q->security_client != NULL,
		SIPTAG_SECURITY_CLIENT_STR(q->security_client)),
	    TAG_IF(q->security_verify != NULL,
		SIPTAG_SECURITY_VERIFY_STR(q->security_verify)),
	    TAG_IF(q->content_type != NULL,
		SIPTAG_CONTENT_TYPE_STR(q->content_type)),
	    TAG_IF(q->body != NULL, SIPTAG_PAYLOAD_STR(q->body)),
	    TAG_END()) < 0) {
		msg_destroy(msg);
		log_err("cannot build the %s request", q->method);
		return -EINVAL;
	}
	s->resp = r;
	s->done = 0;
	orq = nta_outgoing_mcreate(s->agent, response_cb, s,
	    URL_STRING_MAKE(s->proxy_url), msg,
	    TAG_IF(s->send_ident[0] != '\0', TPTAG_IDENT(s->send_ident)),
	    TAG_END());
	if (orq == NULL) {
		log_err("cannot send the %s request to %s", q->method,
		    s->proxy_url);
		return -EIO;
	}
	deadline = now_ms() + (long)timeout_ms;
	while (!s->done && (left = deadline - now_ms()) > 0)
		su_root_step(s->root, left < 100 ? left : 100);
	nta_outgoing_destroy(orq);
	s->resp = NULL;
	return 0;
}
