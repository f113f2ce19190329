/* sipx_hdr.c - URI and header helpers for the CSCFs: AORs, unparsed
 * headers, contact expiry, the source of a message, Authorization text.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sofia-sip/su_tag.h>
#include <sofia-sip/sip_tag.h>
#include <sofia-sip/msg_addr.h>

#include "check.h"
#include "log.h"
#include "sipx.h"
#include "util.h"

int
sipx_aor(const url_t *u, char *buf, size_t size)
{
	const char *scheme;
	char *p;
	int n;

	IMS_CHECK_PARAMS(u != NULL && size > 0);
	/* Identities are sip:, sips: or tel: URIs (TS 23.003 13.4, 13.5);
	 * never one invented from another scheme (RFC 4475 3.3.2, 3.3.4). */
	if ((u->url_type != url_sip && u->url_type != url_sips &&
	    u->url_type != url_tel) || u->url_host == NULL ||
	    u->url_host[0] == '\0')
		return -EINVAL;
	scheme = u->url_type == url_sips ? "sips" :
	    u->url_type == url_tel ? "tel" : "sip";
	if (u->url_type == url_tel)
		n = snprintf(buf, size, "tel:%s", u->url_host);
	else if (u->url_user != NULL)
		n = snprintf(buf, size, "%s:%s@%s", scheme, u->url_user,
		    u->url_host);
	else
		n = snprintf(buf, size, "%s:%s", scheme, u->url_host);
	if (n < 0 || (size_t)n >= size)
		return -ENOSPC;
	/* RFC 3261 19.1.4: the host part compares case-insensitively. */
	if ((p = strchr(buf, '@')) == NULL)
		p = strchr(buf, ':');
	for (; p != NULL && *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	return 0;
}

int
sipx_url_str(const url_t *u, char *buf, size_t size)
{
	isize_t n;

	IMS_CHECK_PARAMS(u != NULL && size > 0);
	n = url_e(buf, (isize_t)size, u);
	if (n < 0 || (size_t)n >= size)
		return -ENOSPC;
	buf[n] = '\0';
	return 0;
}

int
sipx_url_is_self(const struct sipx_agent *a, const url_t *u)
{
	unsigned port;

	if (u == NULL || u->url_host == NULL)
		return 0;
	port = u->url_port != NULL ? (unsigned)atoi(u->url_port) : 5060;
	return strcasecmp(u->url_host, a->host) == 0 && port == a->port;
}

const char *
sipx_hdr_get(const sip_t *sip, const char *name)
{
	const sip_unknown_t *un;

	for (un = sip->sip_unknown; un != NULL; un = un->un_next)
		if (un->un_name != NULL && strcasecmp(un->un_name, name) == 0)
			return un->un_value;
	return NULL;
}

void
sipx_hdr_remove(msg_t *msg, sip_t *sip, const char *name)
{
	sip_unknown_t *un, *unext;
	sip_error_t *e, *enext;

	for (un = sip->sip_unknown; un != NULL; un = unext) {
		unext = un->un_next;
		if (un->un_name != NULL && strcasecmp(un->un_name, name) == 0)
			(void)sip_header_remove(msg, sip, (sip_header_t *)un);
	}
	for (e = sip->sip_error; e != NULL; e = enext) {
		enext = e->er_next;
		if (e->er_name != NULL && strcasecmp(e->er_name, name) == 0)
			(void)sip_header_remove(msg, sip, (sip_header_t *)e);
	}
}

int
sipx_hdr_add(msg_t *msg, sip_t *sip, const char *name, const char *value)
{
	char line[1024];
	msg_header_t *h;
	int n;

	n = snprintf(line, sizeof(line), "%s: %s", name, value);
	if (n < 0 || (size_t)n >= sizeof(line) || strpbrk(value, "\r\n"))
		return -EINVAL;
	/* As a header object inserted with msg_header_insert(): a header
	 * added as text (SIPTAG_HEADER_STR) goes to the end of a received
	 * message's fragment chain, after the empty line, i.e. into the
	 * body of a relayed response. */
	if ((h = msg_header_make(msg_home(msg), sip_unknown_class,
	    line)) == NULL ||
	    msg_header_insert(msg, (msg_pub_t *)sip, h) < 0)
		return -EINVAL;
	return 0;
}

/* RFC 3261 25.1 delta-seconds (1*DIGIT), 20.19: at most 2^32 - 1. */
static int
delta_seconds(const char *v, unsigned *out)
{
	unsigned long long n = 0;

	if (v == NULL || *v == '\0')
		return -EINVAL;
	for (; *v != '\0'; v++) {
		if (*v < '0' || *v > '9')
			return -EINVAL;
		n = n * 10 + (unsigned)(*v - '0');
		if (n > 0xffffffffULL)
			return -EINVAL;
	}
	*out = (unsigned)n;
	return 0;
}

int
sipx_contact_expires(const sip_t *sip, const sip_contact_t *m,
    unsigned dflt, unsigned *out)
{
	const sip_error_t *e;

	/* An Expires header Sofia could not parse (not a number, beyond
	 * 2^32 - 1) sits among the erroneous headers. */
	for (e = sip->sip_error; e != NULL; e = e->er_next)
		if (e->er_name != NULL && strcasecmp(e->er_name,
		    "Expires") == 0)
			return -EINVAL;
	if (m != NULL && m->m_expires != NULL)
		return delta_seconds(m->m_expires, out);
	if (sip->sip_expires != NULL) {
		/* RFC 3261 20.19: delta-seconds only (the date form is
		 * RFC 2543's). */
		if (sip->sip_expires->ex_date != 0 ||
		    (unsigned long long)sip->sip_expires->ex_delta >
		    0xffffffffULL)
			return -EINVAL;
		*out = (unsigned)sip->sip_expires->ex_delta;
		return 0;
	}
	*out = dflt;
	return 0;
}

int
sipx_is_deregistration(const sip_t *sip)
{
	const sip_contact_t *m;
	unsigned exp;
	int dereg = 1;

	if (sip->sip_contact == NULL)
		return 0;		/* a query (RFC 3261 10.2.3) */
	for (m = sip->sip_contact; m != NULL; m = m->m_next) {
		if (m->m_url->url_type == url_any)
			continue;
		IMS_CHECK_RC(sipx_contact_expires(sip, m, 1, &exp));
		if (exp != 0)
			dereg = 0;
	}
	return dereg;
}

int
sipx_in_dialog(const sip_t *sip)
{
	return sip->sip_to != NULL && sip->sip_to->a_tag != NULL;
}

int
sipx_source(msg_t *msg, char *ip, size_t ipsize, unsigned *port)
{
	su_addrinfo_t *ai;
	const struct sockaddr *sa;

	if ((ai = msg_addrinfo(msg)) == NULL || ai->ai_addr == NULL)
		return -ENOENT;
	sa = ai->ai_addr;
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s4 = (const void *)sa;

		if (inet_ntop(AF_INET, &s4->sin_addr, ip, ipsize) == NULL)
			return -ENOSPC;
		*port = ntohs(s4->sin_port);
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)sa;

		if (inet_ntop(AF_INET6, &s6->sin6_addr, ip, ipsize) == NULL)
			return -ENOSPC;
		*port = ntohs(s6->sin6_port);
	} else
		return -EAFNOSUPPORT;
	return 0;
}

void
sipx_peer(nta_incoming_t *irq, char *buf, size_t size)
{
	char ip[INET6_ADDRSTRLEN];
	unsigned port;
	msg_t *msg;

	(void)snprintf(buf, size, "-");
	if ((msg = nta_incoming_getrequest(irq)) == NULL)
		return;
	if (sipx_source(msg, ip, sizeof(ip), &port) == 0)
		sipx_hostport(ip, port, buf, size);
	msg_destroy(msg);
}

void
sipx_hostport(const char *ip, unsigned port, char *buf, size_t size)
{
	(void)snprintf(buf, size, strchr(ip, ':') != NULL ? "[%s]:%u" :
	    "%s:%u", ip, port);
}

int
sipx_auth_str(const msg_auth_t *au, char *buf, size_t size)
{
	size_t len;
	int n, i;

	IMS_CHECK_PARAMS(au != NULL && au->au_scheme != NULL && size > 0);
	n = snprintf(buf, size, "%s", au->au_scheme);
	if (n < 0 || (size_t)n >= size)
		return -ENOSPC;
	len = (size_t)n;
	for (i = 0; au->au_params != NULL && au->au_params[i] != NULL; i++) {
		n = snprintf(buf + len, size - len, "%s%s", i ? ", " : " ",
		    au->au_params[i]);
		if (n < 0 || (size_t)n >= size - len)
			return -ENOSPC;
		len += (size_t)n;
	}
	return 0;
}

int
sipx_auth_creds(const sip_t *sip, struct digest *d)
{
	const sip_authorization_t *au;
	char buf[DIGEST_FORMAT_MAX];
	int rc;

	digest_init(d);
	/* RFC 3261 22.4, RFC 4475 3.3.7: credentials of a scheme we do
	 * not know are no credentials (the registrar challenges with
	 * Digest): the first Digest ones count, the same at every CSCF. */
	for (au = sip->sip_authorization; au != NULL; au = au->au_next)
		if (au->au_scheme != NULL &&
		    strcasecmp(au->au_scheme, "Digest") == 0)
			break;
	if (au == NULL)
		return -ENOENT;
	if (sipx_auth_str(au, buf, sizeof(buf)) < 0 ||
	    digest_parse(buf, strlen(buf), d) < 0)
		rc = -EINVAL;
	else
		rc = 0;
	secure_wipe(buf, sizeof(buf));
	if (rc < 0)
		secure_wipe(d, sizeof(*d));
	return rc;
}

int
sipx_register_impi(const sip_t *sip, const char *impu, char *impi,
    size_t size)
{
	struct digest d;
	int rc, n;

	rc = sipx_auth_creds(sip, &d);
	if (rc == -EINVAL)
		return rc;
	if (rc == 0 && DIGEST_HAS(&d, DIGEST_USERNAME) &&
	    d.username[0] != '\0')
		n = snprintf(impi, size, "%s", d.username);
	else
		n = snprintf(impi, size, "%s", strncmp(impu, "sip:", 4) == 0 ?
		    impu + 4 : impu);
	secure_wipe(&d, sizeof(d));
	return n < 0 || (size_t)n >= size ? -EINVAL : 0;
}

int
sipx_from_trusted(const struct sipx_trust *t, nta_incoming_t *irq)
{
	su_addrinfo_t *ai;
	msg_t *msg;
	int ok = 0;

	/* The request as received: a copy (msg_dup) has no address. */
	if ((msg = nta_incoming_getrequest(irq)) == NULL)
		return 0;
	if ((ai = msg_addrinfo(msg)) != NULL && ai->ai_addr != NULL)
		ok = sipx_trust_addr(t, ai->ai_addr);
	msg_destroy(msg);
	return ok;
}
