/* sipx_ident.c - what a CSCF may take from a request at the boundary of
 * the trust domain (TS 24.229 4.4, 5.3, 5.4.3; RFC 3325): the public
 * user identity a URI names, the headers only the trust domain sets, and
 * the originating indication of our own Route entries, and the start of
 * an I-/S-CSCF's request from them (sipx_request_take); privacy (Privacy:
 * id) towards a next hop outside the trust domain.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "check.h"
#include "sipx.h"

/* RFC 3966 5.1.4: a global number, "+" then digits and visual
 * separators; the separators are not part of the identity. */
static int
tel_global(const char *num, char *buf, size_t size)
{
	size_t len = 0, digits = 0;

	if (num == NULL || *num != '+')
		return -ENOENT;
	if (size < sizeof("tel:+"))
		return -ENOSPC;
	memcpy(buf, "tel:+", sizeof("tel:+"));
	len = sizeof("tel:+") - 1;
	for (num++; *num != '\0'; num++) {
		if (strchr("-.()", *num) != NULL)
			continue;
		if (!isdigit((unsigned char)*num))
			return -ENOENT;
		if (len + 1 >= size)
			return -ENOSPC;
		buf[len++] = *num;
		digits++;
	}
	buf[len] = '\0';
	return digits > 0 ? 0 : -ENOENT;
}

int
sipx_public_id(const url_t *u, int tel, char *buf, size_t size)
{
	const char *scheme;
	char *p;
	int n;

	IMS_CHECK_PARAMS(u != NULL && buf != NULL && size > 0);
	buf[0] = '\0';
	if (tel && u->url_type == url_tel)
		return tel_global(u->url_user, buf, size);
	if (u->url_type != url_sip && u->url_type != url_sips)
		return -EPROTONOSUPPORT;
	/* TS 23.003 13.4: a SIP URI public identity has a user part; a
	 * host alone names a server, nobody's identity. */
	if (u->url_user == NULL || u->url_user[0] == '\0' ||
	    u->url_host == NULL || u->url_host[0] == '\0')
		return -ENOENT;
	scheme = u->url_type == url_sips ? "sips" : "sip";
	n = snprintf(buf, size, "%s:%s@%s", scheme, u->url_user, u->url_host);
	if (n < 0 || (size_t)n >= size) {
		buf[0] = '\0';
		return -ENOSPC;
	}
	/* RFC 3261 19.1.4: the host compares case-insensitively. */
	for (p = strrchr(buf, '@'); *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	return 0;
}

/* TS 24.229 4.4.1 (and RFC 3325 2.3, RFC 5502 6, RFC 7315 4): the
 * headers a member of the trust domain sets and the others rely on. */
static const char *const trust_domain_hdrs[] = {
	"P-Asserted-Identity",
	"P-Preferred-Identity",
	"P-Served-User",
	"P-Profile-Key",
	"P-Asserted-Service",
	"P-Access-Network-Info",
	"P-Visited-Network-ID",
	"P-Charging-Vector",
	"P-Charging-Function-Addresses",
	"P-Private-Network-Indication",
};

void
sipx_untrusted_strip(msg_t *msg, sip_t *sip)
{
	size_t i;

	for (i = 0; i < sizeof(trust_domain_hdrs) /
	    sizeof(trust_domain_hdrs[0]); i++)
		sipx_hdr_remove(msg, sip, trust_domain_hdrs[i]);
}

int
sipx_route_pop_own(struct sipx_agent *a, msg_t *msg, sip_t *sip, int *orig)
{
	const url_t *u;
	int n = 0;

	*orig = 0;
	while (sip->sip_route != NULL &&
	    sipx_url_is_self(a, (u = sip->sip_route->r_url))) {
		/* RFC 3608 6 (our Service-Route: "orig" user part), TS
		 * 24.229 5.4.3.2, 5.3.2.1A ("orig" URI parameter). */
		if ((u->url_user != NULL && strcmp(u->url_user, "orig") == 0) ||
		    url_has_param(u, "orig"))
			*orig = 1;
		if (sip_route_remove(msg, sip) == NULL)
			return -EINVAL;
		n++;
	}
	return n;
}

msg_t *
sipx_request_take(struct sipx_agent *a, const struct sipx_trust *t,
    nta_incoming_t *irq, int *trusted, int *orig)
{
	msg_t *msg;
	sip_t *sip;
	int status;

	if ((msg = sipx_request_copy(irq, &status)) == NULL) {
		sipx_reply(irq, status, NULL);
		return NULL;
	}
	sip = sip_object(msg);
	*trusted = sipx_from_trusted(t, irq);
	if (sipx_route_pop_own(a, msg, sip, orig) < 0) {
		msg_destroy(msg);
		sipx_reply(irq, 500, "Server Internal Error");
		return NULL;
	}
	/* RFC 3325 5, TS 24.229 4.4.1: what it asserts is its own claim. */
	if (!*trusted)
		sipx_untrusted_strip(msg, sip);
	return msg;
}

int
sipx_privacy_apply(const struct sipx_trust *t, msg_t *msg, sip_t *sip,
    const url_t *hop)
{
	const msg_param_t *v;
	int id = 0;

	if (sip->sip_privacy == NULL ||
	    sipx_hdr_get(sip, "P-Asserted-Identity") == NULL ||
	    (hop != NULL && sipx_trust_host(t, hop->url_host)))
		return 0;
	for (v = sip->sip_privacy->priv_values; v != NULL && *v != NULL; v++)
		if (strcasecmp(*v, "id") == 0)
			id = 1;
	if (!id)
		return 0;
	sipx_hdr_remove(msg, sip, "P-Asserted-Identity");
	return 1;
}
