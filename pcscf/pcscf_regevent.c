/* pcscf_regevent.c - the P-CSCF's subscription to the reg event package
 * (TS 24.229 5.2.3, RFC 3680, RFC 6665), so that a de-registration the
 * network makes (RTR at the S-CSCF, TS 24.229 5.4.1.5) reaches us and the
 * UE's entry goes, with its dialogs and Gm SAs (pcscf_ue_forget -> the
 * gone hook -> pcscf_gm_ue_gone).
 *
 * SUBSCRIBE: after the 200 to a UE's initial registration (a UE entry
 * that has no subscription), to the registered public identity along
 * the UE's Service-Route: Request-URI and To the identity, From, Contact
 * and P-Asserted-Identity our own URI, Event: reg, Accept:
 * application/reginfo+xml, Expires PCSCF_REGEVENT_EXPIRES (5.2.3's
 * 600000 s, beyond any registration: no refresh is sent).  The dialog
 * (Call-ID, our tag, the S-CSCF's tag) is kept with the UE entry and
 * dropped with it (no un-SUBSCRIBE: the S-CSCF ends the subscription
 * when the registration ends).
 *
 * NOTIFY (Event: reg, Request-URI ours): only from a trusted-peer (else
 * 403) and only in a subscription's dialog (else 481); its reginfo read
 * with the bounded reader (common/sip/reginfo.c; 400 when unreadable,
 * 415 another type).  200, then: the subscribed identity's registration
 * terminated, or this UE's contact terminated: the UE is forgotten.
 * Subscription-State terminated alone ends only the subscription.
 * su_root thread only.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/rand.h>

#include <sofia-sip/su_tag.h>
#include <sofia-sip/sip_tag.h>

#include "log.h"
#include "pcscf.h"
#include "reginfo.h"
#include "util.h"

#define REGEVENT_TAG_BYTES	8
#define REGEVENT_CALLID_BYTES	16

struct pcscf_regsub {
	struct pcscf	*p;
	struct pcscf_ue	*ue;
	char		 impu[PCSCF_ID_MAX];
	char		 call_id[2 * REGEVENT_CALLID_BYTES + 130];
	char		 tag[2 * REGEVENT_TAG_BYTES + 1];	/* ours */
	char		 remote_tag[64];	/* the S-CSCF's */
	int		 confirmed;		/* a 2xx or NOTIFY came */
	nta_outgoing_t	*orq;			/* the SUBSCRIBE in flight */
	struct pcscf_regsub *prev, *next;
};

static void
sub_free(struct pcscf_regsub *r)
{
	struct pcscf *p = r->p;

	if (r->orq != NULL)
		nta_outgoing_destroy(r->orq);	/* no callback after this */
	if (r->prev != NULL)
		r->prev->next = r->next;
	else
		p->regsubs = r->next;
	if (r->next != NULL)
		r->next->prev = r->prev;
	if (r->ue != NULL)
		r->ue->regsub = NULL;
	free(r);
}

static int
random_hex(char *out, size_t bytes)
{
	uint8_t b[REGEVENT_CALLID_BYTES];

	if (bytes > sizeof(b) || RAND_bytes(b, (int)bytes) != 1)
		return -EIO;
	hex_encode(b, bytes, out);
	return 0;
}

/* 1 when host is an IP literal (nta gets no name: no Sofia DNS). */
static int
host_literal(const char *host)
{
	char h[64];
	uint8_t a[16];

	(void)snprintf(h, sizeof(h), "%s", host[0] == '[' ? host + 1 : host);
	h[strcspn(h, "]")] = '\0';
	return inet_pton(AF_INET, h, a) == 1 || inet_pton(AF_INET6, h, a) == 1;
}

/* RFC 6665 4.1.2.1: the 2xx confirms the subscription (its To tag is the
 * dialog's remote tag); a failure ends it (the UE stays registered). */
static int
sub_response(nta_outgoing_magic_t *magic, nta_outgoing_t *orq,
    sip_t const *sip)
{
	struct pcscf_regsub *r = (struct pcscf_regsub *)magic;
	int status = nta_outgoing_status(orq);

	if (status < 200)
		return 0;
	r->orq = NULL;
	nta_outgoing_destroy(orq);
	if (status >= 300) {
		log_warn("pcscf: SUBSCRIBE reg for %s answered %d: no "
		    "subscription", r->impu, status);
		sub_free(r);
		return 0;
	}
	if (!r->confirmed && sip != NULL && sip->sip_to != NULL &&
	    sip->sip_to->a_tag != NULL)
		(void)snprintf(r->remote_tag, sizeof(r->remote_tag), "%s",
		    sip->sip_to->a_tag);
	r->confirmed = 1;
	log_info("pcscf: subscribed to the reg event of %s (%d)", r->impu,
	    status);
	return 0;
}

/* TS 24.229 5.2.3: the SUBSCRIBE, along the Service-Route. */
static int
sub_send(struct pcscf *p, struct pcscf_regsub *r, const char *route)
{
	char rline[PCSCF_ID_MAX + 32], from[SIPX_URI_MAX + 64];
	char to[PCSCF_ID_MAX + 8], self[SIPX_URI_MAX + 8], exp[16];
	char pai[SIPX_URI_MAX + 32];
	msg_t *msg;
	sip_t *sip;

	(void)snprintf(rline, sizeof(rline), "SUBSCRIBE %s SIP/2.0", r->impu);
	(void)snprintf(from, sizeof(from), "<%s>;tag=%s", p->sa.self, r->tag);
	(void)snprintf(to, sizeof(to), "<%s>", r->impu);
	(void)snprintf(self, sizeof(self), "<%s>", p->sa.self);
	(void)snprintf(pai, sizeof(pai), "P-Asserted-Identity: <%s>",
	    p->sa.self);
	(void)snprintf(exp, sizeof(exp), "%u", PCSCF_REGEVENT_EXPIRES);
	if ((msg = nta_msg_create(p->sa.agent, 0)) == NULL)
		return -ENOMEM;
	sip = sip_object(msg);
	if (sip_add_tl(msg, sip,
	    SIPTAG_REQUEST_STR(rline),
	    SIPTAG_FROM_STR(from),
	    SIPTAG_TO_STR(to),
	    SIPTAG_CALL_ID_STR(r->call_id),
	    SIPTAG_CSEQ_STR("1 SUBSCRIBE"),
	    SIPTAG_MAX_FORWARDS_STR("70"),
	    SIPTAG_ROUTE_STR(route),
	    SIPTAG_CONTACT_STR(self),
	    SIPTAG_EVENT_STR("reg"),
	    SIPTAG_ACCEPT_STR("application/reginfo+xml"),
	    SIPTAG_EXPIRES_STR(exp),
	    SIPTAG_HEADER_STR(pai),
	    TAG_END()) < 0 || sip->sip_route == NULL ||
	    sip->sip_route->r_url->url_host == NULL ||
	    !host_literal(sip->sip_route->r_url->url_host)) {
		msg_destroy(msg);
		return -EINVAL;
	}
	r->orq = nta_outgoing_mcreate(p->sa.agent, sub_response,
	    (nta_outgoing_magic_t *)r,
	    (url_string_t const *)sip->sip_route->r_url, msg, TAG_END());
	if (r->orq == NULL) {
		msg_destroy(msg);
		return -EIO;
	}
	return 0;
}

void
pcscf_regevent_registered(struct pcscf *p, struct pcscf_ue *u)
{
	struct pcscf_regsub *r;
	int rc;

	if (u->regsub != NULL)
		return;		/* 5.2.3: once per registration */
	if (u->service_route[0] == '\0') {
		log_warn("pcscf: %s has no Service-Route: no reg event "
		    "subscription", u->impu);
		return;
	}
	if ((r = calloc(1, sizeof(*r))) == NULL) {
		log_warn("pcscf: no memory for the reg event of %s", u->impu);
		return;
	}
	r->p = p;
	(void)snprintf(r->impu, sizeof(r->impu), "%s", u->impu);
	if (random_hex(r->tag, REGEVENT_TAG_BYTES) < 0 ||
	    random_hex(r->call_id, REGEVENT_CALLID_BYTES) < 0) {
		free(r);
		log_warn("pcscf: no random dialog identifiers");
		return;
	}
	(void)snprintf(r->call_id + 2 * REGEVENT_CALLID_BYTES,
	    sizeof(r->call_id) - 2 * REGEVENT_CALLID_BYTES, "@%s", p->sa.host);
	if ((rc = sub_send(p, r, u->service_route)) < 0) {
		log_warn("pcscf: cannot SUBSCRIBE to the reg event of %s "
		    "along %s: %s", u->impu, u->service_route, strerror(-rc));
		free(r);
		return;
	}
	r->ue = u;
	u->regsub = r;
	r->next = p->regsubs;
	if (r->next != NULL)
		r->next->prev = r;
	p->regsubs = r;
}

void
pcscf_regevent_ue_gone(struct pcscf *p, struct pcscf_ue *u)
{
	(void)p;
	if (u->regsub != NULL)
		sub_free(u->regsub);
}

void
pcscf_regevent_fini(struct pcscf *p)
{
	while (p->regsubs != NULL)
		sub_free(p->regsubs);
}

/* The subscription whose dialog the NOTIFY is in (RFC 6665 4.1.3: our
 * tag in To, the S-CSCF's in From once known), or NULL. */
static struct pcscf_regsub *
sub_find(struct pcscf *p, const sip_t *sip)
{
	struct pcscf_regsub *r;
	const char *to_tag = sip->sip_to != NULL ? sip->sip_to->a_tag : NULL;
	const char *from_tag = sip->sip_from != NULL ?
	    sip->sip_from->a_tag : NULL;

	if (sip->sip_call_id == NULL || to_tag == NULL || from_tag == NULL)
		return NULL;
	for (r = p->regsubs; r != NULL; r = r->next)
		if (strcmp(r->call_id, sip->sip_call_id->i_id) == 0 &&
		    strcmp(r->tag, to_tag) == 0 &&
		    (r->remote_tag[0] == '\0' ||
		    strcmp(r->remote_tag, from_tag) == 0))
			return r;
	return NULL;
}

/* TS 24.229 5.2.3: the registration ended for this UE: the identity's
 * registration is terminated, or its contact is. */
static int
ue_terminated(const struct reginfo *ri, const struct pcscf_regsub *r)
{
	const struct reginfo_reg *reg = reginfo_find(ri, r->impu);
	size_t i;

	if (reg == NULL)
		return 0;
	if (reg->state == REGINFO_TERMINATED)
		return 1;
	for (i = 0; i < reg->ncontacts; i++)
		if (reg->contact[i].state == REGINFO_TERMINATED &&
		    r->ue != NULL &&
		    strcmp(reg->contact[i].uri, r->ue->contact) == 0)
			return 1;
	return 0;
}

static int
is_reg_notify(struct pcscf *p, const sip_t *sip)
{
	return sip->sip_request->rq_method == sip_method_notify &&
	    sip->sip_event != NULL && sip->sip_event->o_type != NULL &&
	    strcmp(sip->sip_event->o_type, "reg") == 0 &&
	    sipx_url_is_self(&p->sa, sip->sip_request->rq_url);
}

/* The reginfo of a NOTIFY: 0, or the status to refuse it with. */
static int
notify_body(const sip_t *sip, struct reginfo *ri)
{
	if (sip->sip_content_type == NULL || sip->sip_payload == NULL)
		return 400;
	if (sip->sip_content_type->c_type == NULL ||
	    strcasecmp(sip->sip_content_type->c_type,
	    "application/reginfo+xml") != 0)
		return 415;
	if (reginfo_parse(sip->sip_payload->pl_data,
	    sip->sip_payload->pl_len, ri) < 0)
		return 400;
	return 0;
}

int
pcscf_regevent_request(struct pcscf *p, nta_incoming_t *irq, msg_t *msg,
    sip_t *sip, const char *ip, unsigned port)
{
	struct pcscf_regsub *r;
	struct reginfo *ri;
	char impi[PCSCF_ID_MAX], uip[64];
	int status, ended;

	if (!is_reg_notify(p, sip))
		return 0;
	/* TS 24.229 4.4: only the core notifies us. */
	if (!sipx_from_trusted(&p->trust, irq)) {
		log_warn("pcscf: reg event NOTIFY from %s:%u outside the trust "
		    "domain: 403", ip, port);
		msg_destroy(msg);
		sipx_reply(irq, 403, "Forbidden");
		return 1;
	}
	if ((r = sub_find(p, sip)) == NULL) {
		log_info("pcscf: reg event NOTIFY from %s:%u in no "
		    "subscription: 481", ip, port);
		msg_destroy(msg);
		sipx_reply(irq, 481, "Subscription Does Not Exist");
		return 1;
	}
	if ((ri = calloc(1, sizeof(*ri))) == NULL) {
		msg_destroy(msg);
		sipx_reply(irq, 500, NULL);
		return 1;
	}
	if ((status = notify_body(sip, ri)) != 0) {
		log_warn("pcscf: reg event NOTIFY for %s unreadable: %d",
		    r->impu, status);
		free(ri);
		msg_destroy(msg);
		sipx_reply(irq, status, status == 415 ?
		    "Unsupported Media Type" : "Bad Reginfo");
		return 1;
	}
	if (r->remote_tag[0] == '\0')	/* NOTIFY before the 2xx */
		(void)snprintf(r->remote_tag, sizeof(r->remote_tag), "%s",
		    sip->sip_from->a_tag);
	r->confirmed = 1;
	ended = sip->sip_subscription_state != NULL &&
	    sip->sip_subscription_state->ss_substate != NULL &&
	    strcasecmp(sip->sip_subscription_state->ss_substate,
	    "terminated") == 0;
	sipx_reply(irq, 200, NULL);
	if (ue_terminated(ri, r) && r->ue != NULL) {
		/* Its dialogs and Gm SAs go with it (the gone hook), so does
		 * this subscription; so do pending sets of that UE. */
		(void)snprintf(impi, sizeof(impi), "%s", r->ue->impi);
		(void)snprintf(uip, sizeof(uip), "%s", r->ue->ip);
		log_info("pcscf: %s de-registered by the network (reg event "
		    "NOTIFY version %lu): UE %s:%u forgotten", r->impu,
		    ri->version, uip, r->ue->port);
		pcscf_ue_forget(p->ues, r->ue);
		pcscf_gm_deregistered(p, uip, impi);
	} else if (ended) {
		log_info("pcscf: reg event subscription of %s ended by the "
		    "S-CSCF", r->impu);
		sub_free(r);
	} else
		log_info("pcscf: reg event NOTIFY for %s: still registered",
		    r->impu);
	free(ri);
	msg_destroy(msg);
	return 1;
}
