/* regevent.c - the S-CSCF as notifier of the reg event package (RFC 3680,
 * RFC 6665; TS 24.229 5.4.2.1.2), so that the P-CSCF learns of a
 * network-initiated de-registration (5.4.1.5) and drops the UE's Gm SAs.
 *
 * Who may subscribe (5.4.2.1.2 step 2, narrowed to what we support): a
 * SUBSCRIBE with Event: reg comes from a trusted-peer (the packet's
 * source), names a registered public identity in its Request-URI, and
 * its P-Asserted-Identity and source are the P-CSCF on the Path of one
 * of that identity's live bindings; its Contact, where the NOTIFYs go,
 * is an address of the trust domain.  Anyone else: 403; an identity with
 * no binding: 480 (step 1).  The UE's own subscription (step 2 a) and an
 * AS's are not supported (403).
 *
 * Subscriptions live in memory (a restarted S-CSCF has none; the
 * P-CSCF's next initial registration subscribes again).  NOTIFY: at once
 * after each SUBSCRIBE (RFC 6665 4.2.1.2), the full state (RFC 3680
 * 5.2); when the registration ends (RTR, de-registration, expiry:
 * TS 24.229 5.4.1.5, 5.4.1.4, 5.4.1.7) registration and contacts
 * "terminated" with the event given and Subscription-State terminated
 * (RFC 3680 4.4.1: reason noresource), and the subscription goes.
 * A NOTIFY answered 481 or not at all ends it too (RFC 6665 4.1.3).
 * su_root thread only.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sofia-sip/su_tag.h>
#include <sofia-sip/sip_tag.h>

#include "log.h"
#include "reginfo.h"
#include "scscf.h"

#define REGEVENT_TAG_MAX	64
#define REGEVENT_BODY_MAX	8192

struct regsub {
	char		 impu[SCSCF_ID_MAX];
	char		 call_id[SCSCF_ID_MAX];
	char		 sub_tag[REGEVENT_TAG_MAX];	/* the subscriber's */
	char		 our_tag[REGEVENT_TAG_MAX];
	char		 sub_uri[SIPX_URI_MAX];	/* its From: our NOTIFY's To */
	char		 target[SIPX_URI_MAX];	/* its Contact */
	uint32_t	 cseq;			/* our NOTIFYs' */
	unsigned long	 version;		/* RFC 3680 5.2 */
	int64_t		 expires_at;		/* time(NULL) */
	struct regsub	*next;
};

/* A NOTIFY in flight: which subscription, by its dialog. */
struct notify_ctx {
	struct scscf	*s;
	char		 call_id[SCSCF_ID_MAX];
	char		 our_tag[REGEVENT_TAG_MAX];
};

int
regevent_claims(sip_t const *sip)
{
	return sip->sip_request->rq_method == sip_method_subscribe &&
	    sip->sip_event != NULL && sip->sip_event->o_type != NULL &&
	    strcmp(sip->sip_event->o_type, "reg") == 0;
}

static struct regsub *
sub_find(struct scscf *s, const char *call_id, const char *our_tag)
{
	struct regsub *r;

	for (r = s->regsubs; r != NULL; r = r->next)
		if (strcmp(r->call_id, call_id) == 0 &&
		    strcmp(r->our_tag, our_tag) == 0)
			return r;
	return NULL;
}

static void
sub_drop(struct scscf *s, struct regsub *gone)
{
	struct regsub **pp;

	for (pp = &s->regsubs; *pp != NULL; pp = &(*pp)->next)
		if (*pp == gone) {
			*pp = gone->next;
			s->nregsubs--;
			free(gone);
			return;
		}
}

/* RFC 3680 5.3: the registration of impu and its live bindings, in
 * state st (contacts: active/"registered", or terminated/event). */
static int
state_doc(struct scscf *s, const struct regsub *r, enum reginfo_state st,
    const char *event, char *body, size_t size)
{
	struct binding bn[SCSCF_MAX_BINDINGS];
	struct reginfo *ri;
	struct reginfo_contact *c;
	int64_t now = (int64_t)time(NULL);
	size_t n = 0, i;
	int rc;

	if ((ri = calloc(1, sizeof(*ri))) == NULL)
		return -ENOMEM;
	if (bdb_bindings_get(s->db, r->impu, now, bn, SCSCF_MAX_BINDINGS,
	    &n) < 0)
		n = 0;
	ri->version = r->version;
	ri->full = 1;
	ri->nregs = 1;
	(void)snprintf(ri->reg[0].aor, REGINFO_URI_MAX, "%s", r->impu);
	(void)snprintf(ri->reg[0].id, REGINFO_ID_MAX, "r0");
	ri->reg[0].state = n == 0 ? REGINFO_TERMINATED : st;
	for (i = 0; i < n && i < REGINFO_CONTACTS_MAX; i++) {
		c = &ri->reg[0].contact[i];
		c->state = st == REGINFO_ACTIVE ? REGINFO_ACTIVE :
		    REGINFO_TERMINATED;
		(void)snprintf(c->id, REGINFO_ID_MAX, "c%zu", i);
		(void)snprintf(c->event, REGINFO_EVENT_MAX, "%s",
		    st == REGINFO_ACTIVE ? "registered" : event);
		if (strlen(bn[i].contact) >= REGINFO_URI_MAX) {
			free(ri);
			return -ENOSPC;
		}
		memcpy(c->uri, bn[i].contact, strlen(bn[i].contact) + 1);
		if (st == REGINFO_ACTIVE && bn[i].expires_at > now)
			c->expires = (unsigned long)(bn[i].expires_at - now);
	}
	ri->reg[0].ncontacts = i;
	rc = reginfo_format(ri, body, size);
	free(ri);
	return rc;
}

static int
notify_done(nta_outgoing_magic_t *magic, nta_outgoing_t *orq,
    sip_t const *sip)
{
	struct notify_ctx *n = (struct notify_ctx *)magic;
	int status = nta_outgoing_status(orq);
	struct regsub *r;

	(void)sip;
	if (status < 200)
		return 0;
	if ((status == 481 || status == 408) &&
	    (r = sub_find(n->s, n->call_id, n->our_tag)) != NULL) {
		log_info("regevent: NOTIFY for %s answered %d: subscription "
		    "ended", r->impu, status);
		sub_drop(n->s, r);
	} else if (status >= 300)
		log_warn("regevent: NOTIFY %s answered %d", n->call_id, status);
	nta_outgoing_destroy(orq);
	free(n);
	return 0;
}

/* RFC 6665 4.2.2, RFC 3680 5.1: a NOTIFY in r's dialog; substate the
 * Subscription-State value. */
static int
notify_send(struct scscf *s, struct regsub *r, const char *substate,
    const char *body)
{
	char rline[SIPX_URI_MAX + 32], from[SCSCF_ID_MAX + 80];
	char to[SIPX_URI_MAX + 80], cseq[32];
	struct notify_ctx *n;
	msg_t *msg;
	sip_t *sip;

	(void)snprintf(rline, sizeof(rline), "NOTIFY %s SIP/2.0", r->target);
	(void)snprintf(from, sizeof(from), "<%s>;tag=%s", r->impu, r->our_tag);
	(void)snprintf(to, sizeof(to), "<%s>;tag=%s", r->sub_uri, r->sub_tag);
	(void)snprintf(cseq, sizeof(cseq), "%u NOTIFY", ++r->cseq);
	if ((n = calloc(1, sizeof(*n))) == NULL)
		return -ENOMEM;
	n->s = s;
	(void)snprintf(n->call_id, sizeof(n->call_id), "%s", r->call_id);
	(void)snprintf(n->our_tag, sizeof(n->our_tag), "%s", r->our_tag);
	if ((msg = nta_msg_create(s->sa.agent, 0)) == NULL) {
		free(n);
		return -ENOMEM;
	}
	sip = sip_object(msg);
	if (sip_add_tl(msg, sip,
	    SIPTAG_REQUEST_STR(rline),
	    SIPTAG_FROM_STR(from),
	    SIPTAG_TO_STR(to),
	    SIPTAG_CALL_ID_STR(r->call_id),
	    SIPTAG_CSEQ_STR(cseq),
	    SIPTAG_MAX_FORWARDS_STR("70"),
	    SIPTAG_CONTACT_STR(s->sa.self),
	    SIPTAG_EVENT_STR("reg"),
	    SIPTAG_SUBSCRIPTION_STATE_STR(substate),
	    SIPTAG_CONTENT_TYPE_STR("application/reginfo+xml"),
	    SIPTAG_PAYLOAD_STR(body),
	    TAG_END()) < 0 ||
	    nta_outgoing_mcreate(s->sa.agent, notify_done,
	    (nta_outgoing_magic_t *)n, NULL, msg, TAG_END()) == NULL) {
		msg_destroy(msg);
		free(n);
		log_warn("regevent: cannot send NOTIFY for %s to %s", r->impu,
		    r->target);
		return -EIO;
	}
	r->version++;
	return 0;
}

/* The full state now, with the subscription's remaining time. */
static void
notify_state(struct scscf *s, struct regsub *r)
{
	char body[REGEVENT_BODY_MAX], st[64];
	int64_t left = r->expires_at - (int64_t)time(NULL);

	if (state_doc(s, r, REGINFO_ACTIVE, NULL, body, sizeof(body)) < 0) {
		log_warn("regevent: no state document for %s", r->impu);
		return;
	}
	if (left > 0)
		(void)snprintf(st, sizeof(st), "active;expires=%lld",
		    (long long)left);
	else
		(void)snprintf(st, sizeof(st), "terminated;reason=timeout");
	if (notify_send(s, r, st, body) == 0)
		log_info("regevent: NOTIFY %s (%s) to %s", r->impu, st,
		    r->target);
}

/* An IP literal without brackets, of a URL's host. */
static void
host_of(const url_t *u, char *out, size_t size)
{
	const char *h = u != NULL && u->url_host != NULL ? u->url_host : "";

	(void)snprintf(out, size, "%s", h[0] == '[' ? h + 1 : h);
	out[strcspn(out, "]")] = '\0';
}

/* TS 24.229 5.4.2.1.2 step 2 c): the subscriber (source src, asserted
 * identity) is the P-CSCF at the top of the Path of a live binding of
 * impu. */
static int
subscriber_on_path(struct scscf *s, su_home_t *home, sip_t const *sip,
    const char *impu, const char *src)
{
	struct binding bn[SCSCF_MAX_BINDINGS];
	const char *pai = sipx_hdr_get(sip, "P-Asserted-Identity");
	sip_from_t *id;
	sip_route_t *path;
	char host[SIPX_ADDR_MAX];
	size_t n = 0, i;

	if (pai == NULL || (id = sip_from_make(home, pai)) == NULL)
		return 0;
	host_of(id->a_url, host, sizeof(host));
	if (strcmp(host, src) != 0)
		return 0;
	if (bdb_bindings_get(s->db, impu, (int64_t)time(NULL), bn,
	    SCSCF_MAX_BINDINGS, &n) < 0)
		return 0;
	for (i = 0; i < n; i++) {
		if (bn[i].path[0] == '\0' ||
		    (path = sip_route_make(home, bn[i].path)) == NULL)
			continue;
		host_of(path->r_url, host, sizeof(host));
		if (strcmp(host, src) == 0)
			return 1;
	}
	return 0;
}

/* RFC 6665 4.2.1.1: the expiry granted (RFC 3680 6: default 3761 s). */
static unsigned
granted_expires(sip_t const *sip)
{
	unsigned long e = sip->sip_expires != NULL ?
	    sip->sip_expires->ex_delta : REGEVENT_EXPIRES_DEFAULT;

	return e > REGEVENT_EXPIRES_MAX ? REGEVENT_EXPIRES_MAX : (unsigned)e;
}

static int
reply_200(nta_incoming_t *irq, struct scscf *s, unsigned expires)
{
	char e[16];

	(void)snprintf(e, sizeof(e), "%u", expires);
	if (nta_incoming_treply(irq, 200, "OK", SIPTAG_CONTACT_STR(s->sa.self),
	    SIPTAG_EXPIRES_STR(e), TAG_END()) < 0) {
		nta_incoming_destroy(irq);
		return -EIO;
	}
	sipx_stat_reply(irq, 200);
	nta_incoming_destroy(irq);
	return 0;
}

/* A SUBSCRIBE within a subscription's dialog: refresh, or Expires 0 to
 * end it (RFC 6665 4.2.1.2, 4.2.1.3); a NOTIFY follows either way. */
static int
resubscribe(struct scscf *s, nta_incoming_t *irq, sip_t const *sip)
{
	struct regsub *r;
	unsigned e = granted_expires(sip);

	r = sub_find(s, sip->sip_call_id->i_id, sip->sip_to->a_tag);
	if (r == NULL || sip->sip_from->a_tag == NULL ||
	    strcmp(r->sub_tag, sip->sip_from->a_tag) != 0) {
		sipx_reply(irq, 481, "Subscription Does Not Exist");
		return 0;
	}
	r->expires_at = (int64_t)time(NULL) + e;
	if (reply_200(irq, s, e) < 0)
		log_warn("regevent: cannot answer the SUBSCRIBE of %s", r->impu);
	notify_state(s, r);
	if (e == 0) {
		log_info("regevent: subscription to %s ended by its subscriber",
		    r->impu);
		sub_drop(s, r);
	}
	return 0;
}

/* The checks of an initial SUBSCRIBE (5.4.2.1.2 steps 1, 2): 0, or the
 * status and phrase to refuse it with. */
static int
subscribe_check(struct scscf *s, msg_t *req, sip_t const *sip,
    const char *src, char *impu, size_t size, const char **phrase)
{
	int registered = 0;

	*phrase = "Forbidden";
	if (sip->sip_from == NULL || sip->sip_from->a_tag == NULL ||
	    sip->sip_contact == NULL || sip->sip_call_id == NULL) {
		*phrase = "Bad Request";
		return 400;
	}
	if (sipx_public_id(sip->sip_request->rq_url, 1, impu, size) < 0) {
		*phrase = "Not Found";
		return 404;
	}
	if (bdb_reg_get(s->db, impu, NULL, 0, &registered, NULL, 0) < 0 ||
	    !registered) {
		*phrase = "Temporarily Unavailable";
		return 480;
	}
	if (!subscriber_on_path(s, msg_home(req), sip, impu, src)) {
		log_warn("regevent: SUBSCRIBE to %s from %s: not the P-CSCF on "
		    "its Path: 403", impu, src);
		return 403;
	}
	{
		char host[SIPX_ADDR_MAX];

		host_of(sip->sip_contact->m_url, host, sizeof(host));
		if (!sipx_trust_host(&s->trust, host)) {
			log_warn("regevent: SUBSCRIBE to %s: Contact %s outside "
			    "the trust domain: 403", impu, host);
			return 403;
		}
	}
	if (s->nregsubs >= REGEVENT_SUBS_MAX) {
		*phrase = "Service Unavailable";
		return 503;
	}
	return 0;
}

int
regevent_subscribe(struct scscf *s, nta_incoming_t *irq, sip_t const *sip)
{
	struct regsub *r;
	msg_t *req;
	char impu[SCSCF_ID_MAX], src[64];
	const char *phrase, *tag;
	unsigned port, e;
	int status;

	/* TS 24.229 4.4, 5.4.2.1.2: the subscriber is a P-CSCF of the
	 * trust domain, by the packet's source. */
	if (!sipx_from_trusted(&s->trust, irq)) {
		log_warn("regevent: SUBSCRIBE reg from outside the trust "
		    "domain: 403");
		sipx_reply(irq, 403, "Forbidden");
		return 0;
	}
	if (sip->sip_to != NULL && sip->sip_to->a_tag != NULL)
		return resubscribe(s, irq, sip);
	if ((req = nta_incoming_getrequest(irq)) == NULL ||
	    sipx_source(req, src, sizeof(src), &port) < 0) {
		msg_destroy(req);
		sipx_reply(irq, 500, NULL);
		return 0;
	}
	status = subscribe_check(s, req, sip, src, impu, sizeof(impu), &phrase);
	if (status == 0 && (r = calloc(1, sizeof(*r))) == NULL)
		status = 500;
	if (status != 0) {
		msg_destroy(req);
		sipx_reply(irq, status, phrase);
		return 0;
	}
	e = granted_expires(sip);
	(void)snprintf(r->impu, sizeof(r->impu), "%s", impu);
	if ((tag = nta_incoming_tag(irq, NULL)) == NULL ||
	    snprintf(r->our_tag, sizeof(r->our_tag), "%s", tag) >=
	    (int)sizeof(r->our_tag) ||
	    snprintf(r->call_id, sizeof(r->call_id), "%s",
	    sip->sip_call_id->i_id) >= (int)sizeof(r->call_id) ||
	    snprintf(r->sub_tag, sizeof(r->sub_tag), "%s",
	    sip->sip_from->a_tag) >= (int)sizeof(r->sub_tag) ||
	    sipx_url_str(sip->sip_from->a_url, r->sub_uri,
	    sizeof(r->sub_uri)) < 0 ||
	    sipx_url_str(sip->sip_contact->m_url, r->target,
	    sizeof(r->target)) < 0) {
		free(r);
		msg_destroy(req);
		sipx_reply(irq, 400, "Dialog Identifiers Too Long");
		return 0;
	}
	msg_destroy(req);
	r->expires_at = (int64_t)time(NULL) + e;
	r->next = s->regsubs;
	s->regsubs = r;
	s->nregsubs++;
	if (reply_200(irq, s, e) < 0)
		log_warn("regevent: cannot answer the SUBSCRIBE of %s", impu);
	log_info("regevent: %s subscribed to %s for %u s", r->sub_uri, impu,
	    e);
	notify_state(s, r);
	if (e == 0)
		sub_drop(s, r);		/* a fetch (RFC 6665 4.4.3) */
	return 0;
}

void
regevent_terminated(struct scscf *s, const char *impu, const char *event)
{
	struct regsub *r, *next;
	char body[REGEVENT_BODY_MAX];

	for (r = s->regsubs; r != NULL; r = next) {
		next = r->next;
		if (strcmp(r->impu, impu) != 0)
			continue;
		if (state_doc(s, r, REGINFO_TERMINATED, event, body,
		    sizeof(body)) < 0 ||
		    notify_send(s, r, "terminated;reason=noresource",
		    body) < 0)
			log_warn("regevent: no NOTIFY of %s's end to %s", impu,
			    r->target);
		else
			log_info("regevent: NOTIFY %s terminated (%s) to %s",
			    impu, event, r->target);
		sub_drop(s, r);
	}
}

void
regevent_tick(struct scscf *s)
{
	struct regsub *r, *next;
	int64_t now = (int64_t)time(NULL);

	for (r = s->regsubs; r != NULL; r = next) {
		next = r->next;
		if (r->expires_at <= now) {
			log_info("regevent: subscription of %s to %s expired",
			    r->sub_uri, r->impu);
			sub_drop(s, r);
		}
	}
}

void
regevent_fini(struct scscf *s)
{
	while (s->regsubs != NULL)
		sub_drop(s, s->regsubs);
}
