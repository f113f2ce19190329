/* pcscf_proxy.c - the P-CSCF as a stateful proxy and the trust boundary
 * towards the UEs (TS 24.229 4.4, 5.2; RFC 3325 2.3):
 *	from the core: only when the packet's source is a trusted-peer
 *	(never because a Route names us); towards the UE (5.2.6.4), without
 *	the charging headers (RFC 7315 4); dialog-creating requests
 *	record-routed, their dialogs recorded from the UE's 1xx/2xx, whose
 *	Record-Route is reset to what we sent;
 *	from the UE side, every request: the trust domain's headers removed
 *	(pcscf_strip_untrusted); from unregistered UEs: 403;
 *	initial requests of a registered UE: P-Asserted-Identity asserted
 *	(5.2.6.3.3), Route set to the Service-Route (RFC 3608 6), a
 *	P-Charging-Vector of ours; dialogs recorded from the 1xx/2xx
 *	(5.2.6.3.4);
 *	subsequent requests of a registered UE: only in a dialog it has
 *	with us (else 481, RFC 3261 12.2.2), only along its recorded route
 *	set (else 403), with P-Asserted-Identity asserted;
 *	responses from the UE side: the same headers removed, the
 *	answering UE's identity asserted.
 * REGISTER: pcscf_register.c.
 */
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
#include "util.h"

/* A request forwarded, until its final response. */
struct fwd {
	struct pcscf	*p;
	int		 to_ue;		/* from the core towards a UE */
	int		 dialog;	/* a dialog slot is reserved: ref */
	struct pcscf_dlg_ref ref;
	int		 bye;		/* a 2xx ends the dialog key */
	uint8_t		 key[PCSCF_HASH_LEN];
	const char	*callid, *from_tag;	/* the request's */
	const char	*rr;		/* to_ue: our Record-Route list */
	const char	*route;		/* to_ue: the UE's route set after us */
	char		 buf[];
};

/* RFC 3325 2.3 (P-Asserted-Identity, P-Preferred-Identity), RFC 7315 4
 * (charging, visited network), RFC 3327 5 (Path: REGISTER only, ours),
 * RFC 5502 (P-Served-User), RFC 5002 (P-Profile-Key), RFC 6050
 * (P-Asserted-Service), RFC 7316 (P-Private-Network-Indication).  Unlike
 * the I-/S-CSCF's list (sipx_untrusted_strip), P-Access-Network-Info
 * stays: the UE itself provides it (TS 24.229 5.1.1.2, 5.2.6.3). */
static const char *const untrusted[] = {
	"P-Asserted-Identity", "P-Preferred-Identity", "P-Charging-Vector",
	"P-Charging-Function-Addresses", "P-Visited-Network-ID", "Path",
	"P-Served-User", "P-Profile-Key", "P-Asserted-Service",
	"P-Private-Network-Indication", NULL
};

void
pcscf_strip_untrusted(msg_t *msg, sip_t *sip)
{
	size_t i;

	for (i = 0; untrusted[i] != NULL; i++)
		sipx_hdr_remove(msg, sip, untrusted[i]);
	/* Path, known to Sofia: parsed entries too (unparsable ones were
	 * among the errors). */
	while (sip->sip_path != NULL)
		if (sip_header_remove(msg, sip,
		    (sip_header_t *)sip->sip_path) < 0)
			break;
}

static void
record_route_remove(msg_t *msg, sip_t *sip)
{
	while (sip->sip_record_route != NULL)
		if (sip_header_remove(msg, sip,
		    (sip_header_t *)sip->sip_record_route) < 0)
			break;
}

/* RFC 7315 4.6: a fresh icid-value per request we originate a charging
 * vector for. */
int
pcscf_charging_vector(struct pcscf *p, msg_t *msg, sip_t *sip)
{
	uint8_t r[16];
	char icid[33], v[256];

	if (RAND_bytes(r, sizeof(r)) != 1)
		return -EIO;
	hex_encode(r, sizeof(r), icid);
	(void)snprintf(v, sizeof(v), "icid-value=%s;icid-generated-at=%s",
	    icid, p->sa.host);
	return sipx_hdr_add(msg, sip, "P-Charging-Vector", v);
}

/* 1 when cand ("<URI>") is one of the P-Associated-URI entries. */
static int
assoc_has(const char *assoc, const char *cand, size_t len)
{
	const char *b, *e;

	for (b = strchr(assoc, '<'); b != NULL; b = strchr(e, '<')) {
		if ((e = strchr(b, '>')) == NULL)
			return 0;
		e++;
		if ((size_t)(e - b) == len && memcmp(b, cand, len) == 0)
			return 1;
	}
	return 0;
}

/* TS 24.229 5.2.6.3.3: the asserted identity: a preferred one (ppi, as
 * the UE sent it, "" when none) if it is among the UE's associated
 * identities, else the registered one.  The UE's own were removed. */
static int
assert_identity(const struct pcscf_ue *u, msg_t *msg, sip_t *sip,
    const char *ppi)
{
	char v[PCSCF_ID_MAX + 2];
	const char *b, *e;

	(void)snprintf(v, sizeof(v), "<%s>", u->impu);
	for (b = strchr(ppi, '<'); b != NULL &&
	    (e = strchr(b, '>')) != NULL; b = strchr(e, '<'))
		if ((size_t)(e - b + 1) < sizeof(v) &&
		    assoc_has(u->assoc, b, (size_t)(e - b + 1))) {
			(void)snprintf(v, sizeof(v), "%.*s", (int)(e - b + 1),
			    b);
			break;
		}
	return sipx_hdr_add(msg, sip, "P-Asserted-Identity", v);
}

/* The UE's P-Preferred-Identity, kept before the header goes. */
static void
preferred_identity(const sip_t *sip, char *out, size_t size)
{
	const char *v = sipx_hdr_get(sip, "P-Preferred-Identity");

	(void)snprintf(out, size, "%s", v != NULL ? v : "");
}

static int
creates_dialog(sip_t const *sip)
{
	return sip->sip_request->rq_method == sip_method_invite ||
	    sip->sip_request->rq_method == sip_method_subscribe;
}

static const char *
from_tag(const sip_t *sip)
{
	return sip->sip_from != NULL ? sip->sip_from->a_tag : NULL;
}

static const char *
call_id(const sip_t *sip)
{
	return sip->sip_call_id != NULL ? sip->sip_call_id->i_id : NULL;
}

/* A context with copies of the strings it needs (NULL: none). */
static struct fwd *
fwd_new(struct pcscf *p, const sip_t *sip, const char *rr, const char *route)
{
	const char *s[4] = { call_id(sip), from_tag(sip), rr, route };
	const char **d[4];
	struct fwd *f;
	size_t len[4], all = 0, i;
	char *w;

	for (i = 0; i < 4; i++)
		all += (len[i] = s[i] != NULL ? strlen(s[i]) + 1 : 0);
	if ((f = calloc(1, sizeof(*f) + all)) == NULL)
		return NULL;
	f->p = p;
	d[0] = &f->callid;
	d[1] = &f->from_tag;
	d[2] = &f->rr;
	d[3] = &f->route;
	for (w = f->buf, i = 0; i < 4; w += len[i], i++)
		if (s[i] != NULL) {
			memcpy(w, s[i], len[i]);
			*d[i] = w;
		}
	return f;
}

/* ---- responses ---- */

/* The route set of a dialog we are in for the UE we relay this response
 * to (RFC 3261 12.1.2: the Record-Route in reverse), after our own
 * entry, which must come first. */
static int
orig_route(struct pcscf *p, msg_t *msg, sip_t *sip, char *out, size_t size)
{
	sip_route_t *rev;

	if (sip->sip_record_route == NULL ||
	    (rev = sip_route_reverse(msg_home(msg),
	    sip->sip_record_route)) == NULL ||
	    !sipx_url_is_self(&p->sa, rev->r_url))
		return -ENOENT;
	return sipx_route_join(rev->r_next, msg_home(msg), out, size);
}

/* TS 24.229 5.2.6.3.4 and its UE-terminating counterpart: the 1xx/2xx
 * with a To tag of a dialog-creating request fills the dialog. */
static void
dialog_fill(struct fwd *f, msg_t *msg, sip_t *sip, int status,
    struct pcscf_ue *answering)
{
	struct pcscf *p = f->p;
	uint8_t key[PCSCF_HASH_LEN];
	char route[PCSCF_LIST_MAX];
	const char *to_tag = sip->sip_to->a_tag;
	int rc;

	if (f->to_ue) {
		/* The UE's tag is the To tag it answered with. */
		if (answering == NULL) {
			log_warn("pcscf: dialog %s answered by no registered "
			    "UE: not recorded", f->callid);
			return;
		}
		pcscf_dlg_key(p->dlgs, f->callid, to_tag, f->from_tag, key);
		rc = pcscf_dlg_fill(p->dlgs, f->ref, key, f->route, answering,
		    status >= 200);
	} else {
		if ((rc = orig_route(p, msg, sip, route, sizeof(route))) == 0) {
			pcscf_dlg_key(p->dlgs, f->callid, f->from_tag, to_tag,
			    key);
			rc = pcscf_dlg_fill(p->dlgs, f->ref, key, route, NULL,
			    status >= 200);
		}
	}
	if (rc < 0)
		log_warn("pcscf: dialog %s not recorded (%d, %s)", f->callid,
		    status, strerror(-rc));
}

/* A response from the UE side: nothing of the trust domain's from it
 * (RFC 3325 2.3); the identity of the UE answering asserted; the
 * Record-Route of a dialog-creating request's 1xx/2xx reset to what we
 * sent (the callee UE cannot steer the caller's route set). */
static struct pcscf_ue *
ue_response(struct fwd *f, msg_t *msg, sip_t *sip, int status)
{
	struct pcscf_ue *u = NULL;
	char ip[64], ppi[PCSCF_LIST_MAX];
	unsigned port;

	if (sipx_source(msg, ip, sizeof(ip), &port) == 0 &&
	    (u = pcscf_ue_registered(f->p->ues, ip, port)) == NULL)
		/* A UE with Gm SAs answers from its protected server port. */
		u = pcscf_gm_ue_by_us(f->p, ip, port);
	preferred_identity(sip, ppi, sizeof(ppi));
	pcscf_strip_untrusted(msg, sip);
	if (u != NULL && assert_identity(u, msg, sip, ppi) < 0)
		log_warn("pcscf: cannot assert %s in a response", u->impu);
	if (f->dialog && f->rr != NULL && status < 300) {
		record_route_remove(msg, sip);
		if (sip_add_make(msg, sip, sip_record_route_class, f->rr) < 0)
			log_warn("pcscf: cannot reset Record-Route");
	}
	return u;
}

static int
fwd_hook(void *arg, msg_t *msg, sip_t *sip, int status)
{
	struct fwd *f = arg;
	struct pcscf_ue *u = NULL;

	if (msg != NULL) {
		if (f->to_ue)
			u = ue_response(f, msg, sip, status);
		else {
			/* RFC 7315 4: not beyond the trust domain. */
			sipx_hdr_remove(msg, sip, "P-Charging-Vector");
			sipx_hdr_remove(msg, sip,
			    "P-Charging-Function-Addresses");
		}
		if (f->dialog && status > 100 && status < 300 &&
		    sip->sip_to != NULL && sip->sip_to->a_tag != NULL)
			dialog_fill(f, msg, sip, status, u);
	}
	if (status < 200)
		return 0;
	if (f->dialog)
		/* A failure, or a 2xx that filled nothing: the slot goes
		 * (a confirmed dialog stays). */
		pcscf_dlg_release(f->p->dlgs, f->ref);
	if (f->bye && status < 300)
		pcscf_dlg_end(f->p->dlgs, f->key);
	free(f);
	return 0;
}

/* Forward with the hook; f is the hook's from here on.  ident: the
 * transport to send through (a UE's SAs), NULL nta's choice. */
static void
forward(struct pcscf *p, nta_incoming_t *irq, msg_t *msg, struct fwd *f,
    const char *ident)
{
	if (sipx_forward_via(&p->sa, irq, msg, NULL, ident, fwd_hook, f) < 0) {
		if (f->dialog)
			pcscf_dlg_release(p->dlgs, f->ref);
		free(f);
	}
}

/* ---- requests ---- */

static void
drop(nta_incoming_t *irq, msg_t *msg)
{
	msg_destroy(msg);
	nta_incoming_destroy(irq);
}

static void
refuse(nta_incoming_t *irq, msg_t *msg, int status, const char *phrase)
{
	msg_destroy(msg);
	sipx_reply(irq, status, phrase);	/* nothing for an ACK */
}

static void
reply_dialogs_full(struct pcscf *p, nta_incoming_t *irq, msg_t *msg, int rc,
    const char *who)
{
	struct pcscf_dlgs_stats st;

	pcscf_dlgs_stats(p->dlgs, &st);
	log_warn("pcscf: %s %s: %s (%zu dialogs, %zu pending, capacity %zu): "
	    "503", sip_object(msg)->sip_request->rq_method_name, who,
	    rc == -EMLINK ? "too many dialogs of this UE" : "dialog table full",
	    st.confirmed, st.pending, st.capacity);
	msg_destroy(msg);
	sipx_reply_busy(irq, pcscf_dlgs_retry_after(p->dlgs));
}

/* TS 33.203 7.1: a request to a UE with Gm SAs leaves through them,
 * from our protected client port to its protected server port (the
 * next hop: the first Route, else the Request-URI). */
static const char *
ue_transport(struct pcscf *p, const sip_t *sip)
{
	const url_t *hop = sip->sip_route != NULL ? sip->sip_route->r_url :
	    sip->sip_request->rq_url;
	struct pcscf_ue *u;
	char ip[64];
	unsigned long port;

	if (hop->url_host == NULL || hop->url_port == NULL)
		return NULL;
	(void)snprintf(ip, sizeof(ip), "%s", hop->url_host);
	if (ip[0] == '[') {	/* an IPv6 reference */
		memmove(ip, ip + 1, strlen(ip));
		ip[strcspn(ip, "]")] = '\0';
	}
	port = strtoul(hop->url_port, NULL, 10);
	if ((u = pcscf_gm_ue_by_us(p, ip, (unsigned)port)) == NULL) {
		log_debug("pcscf: %s:%lu: no Gm SAs", ip, port);
		return NULL;
	}
	return pcscf_gm_ident(u);
}

/* TS 24.229 5.2.7 / 5.2.6.4: from the core towards a UE. */
static int
from_core(struct pcscf *p, nta_incoming_t *irq, msg_t *msg, sip_t *sip)
{
	char route[PCSCF_LIST_MAX], rr[PCSCF_LIST_MAX];
	struct fwd *f;
	int rc;

	(void)sipx_route_pop_self(&p->sa, msg, sip, NULL, 0);
	sipx_hdr_remove(msg, sip, "P-Charging-Vector");
	sipx_hdr_remove(msg, sip, "P-Charging-Function-Addresses");
	if (sip->sip_request->rq_method == sip_method_ack) {
		(void)sipx_forward(&p->sa, irq, msg, NULL, NULL, NULL);
		return 0;
	}
	if (!sipx_in_dialog(sip) && creates_dialog(sip)) {
		/* The UE's route set after us: the Record-Route as it came;
		 * then ours on top (RFC 3261 12.1.1). */
		if (sipx_route_join(sip->sip_record_route, msg_home(msg),
		    route, sizeof(route)) < 0 ||
		    sipx_record_route(msg, sip, p->sa.self) < 0 ||
		    sipx_route_join(sip->sip_record_route, msg_home(msg), rr,
		    sizeof(rr)) < 0) {
			log_warn("pcscf: %s %s: Record-Route too long",
			    sip->sip_request->rq_method_name, call_id(sip));
			refuse(irq, msg, 500, "Record-Route Too Long");
			return 0;
		}
		if ((f = fwd_new(p, sip, rr, route)) == NULL) {
			refuse(irq, msg, 500, "Server Internal Error");
			return 0;
		}
		if ((rc = pcscf_dlg_reserve(p->dlgs, NULL, &f->ref)) < 0) {
			free(f);
			reply_dialogs_full(p, irq, msg, rc, "towards a UE");
			return 0;
		}
		f->dialog = 1;
	} else if ((f = fwd_new(p, sip, NULL, NULL)) == NULL) {
		refuse(irq, msg, 500, "Server Internal Error");
		return 0;
	}
	f->to_ue = 1;
	if (sipx_in_dialog(sip)) {
		/* The UE's tag is the To tag; its expiry restarts. */
		pcscf_dlg_key(p->dlgs, call_id(sip), sip->sip_to->a_tag,
		    from_tag(sip), f->key);
		(void)pcscf_dlg_find(p->dlgs, f->key);
		f->bye = sip->sip_request->rq_method == sip_method_bye;
	}
	forward(p, irq, msg, f, ue_transport(p, sip));
	return 0;
}

/* 1 when the Route set left (after ours) is the saved one, entry by
 * entry (RFC 3261 19.1.4). */
static int
route_matches(msg_t *msg, const sip_t *sip, const char *saved)
{
	const sip_route_t *want = NULL, *got = sip->sip_route;

	if (saved[0] != '\0' &&
	    (want = sip_route_make(msg_home(msg), saved)) == NULL)
		return 0;
	for (; want != NULL && got != NULL; want = want->r_next,
	    got = got->r_next)
		if (url_cmp_all(want->r_url, got->r_url) != 0)
			return 0;
	return want == NULL && got == NULL;
}

/* TS 24.229 5.2.6.3.5, 5.2.6.3.9 (and 5.2.6.4 for UE-terminated
 * dialogs): a request within a dialog, from a registered UE. */
static int
ue_subsequent(struct pcscf *p, nta_incoming_t *irq, msg_t *msg, sip_t *sip,
    const char *ip, unsigned port)
{
	struct pcscf_dlg *d;
	struct fwd *f;
	char ppi[PCSCF_LIST_MAX];
	uint8_t key[PCSCF_HASH_LEN];
	int ack = sip->sip_request->rq_method == sip_method_ack;

	pcscf_dlg_key(p->dlgs, call_id(sip), from_tag(sip), sip->sip_to->a_tag,
	    key);
	d = pcscf_dlg_find(p->dlgs, key);
	if (d == NULL || d->ue == NULL || d->ue->port != port ||
	    strcmp(d->ue->ip, ip) != 0 || !pcscf_ue_live(p->ues, d->ue)) {
		/* RFC 3261 12.2.2. */
		log_info("pcscf: %s from %s:%u in no dialog of that UE: %s",
		    sip->sip_request->rq_method_name, ip, port,
		    ack ? "dropped" : "481");
		refuse(irq, msg, 481, "Call/Transaction Does Not Exist");
		return 0;
	}
	if (!sipx_route_pop_self(&p->sa, msg, sip, NULL, 0) ||
	    !route_matches(msg, sip, d->route)) {
		log_warn("pcscf: %s from %s (%s:%u) off its dialog's route "
		    "set: %s", sip->sip_request->rq_method_name, d->ue->impu,
		    ip, port, ack ? "dropped" : "403");
		refuse(irq, msg, 403, "Forbidden");
		return 0;
	}
	preferred_identity(sip, ppi, sizeof(ppi));
	pcscf_strip_untrusted(msg, sip);
	if (assert_identity(d->ue, msg, sip, ppi) < 0) {
		refuse(irq, msg, 500, "Server Internal Error");
		return 0;
	}
	if (ack) {
		(void)sipx_forward(&p->sa, irq, msg, NULL, NULL, NULL);
		return 0;
	}
	if ((f = fwd_new(p, sip, NULL, NULL)) == NULL) {
		refuse(irq, msg, 500, "Server Internal Error");
		return 0;
	}
	if (sip->sip_request->rq_method == sip_method_bye) {
		f->bye = 1;
		memcpy(f->key, key, sizeof(key));
	}
	forward(p, irq, msg, f, NULL);
	return 0;
}

/* TS 24.229 5.2.6.3.2, 5.2.6.3.7: an initial request of a registered
 * UE, along its Service-Route. */
static int
ue_initial(struct pcscf *p, nta_incoming_t *irq, msg_t *msg, sip_t *sip,
    struct pcscf_ue *u)
{
	struct fwd *f;
	char ppi[PCSCF_LIST_MAX];
	int rc;

	if (u->service_route[0] == '\0') {
		/* Without one the request would go where its Request-URI
		 * says, past the S-CSCF, with an identity we asserted. */
		log_warn("pcscf: %s from %s: no Service-Route: 403",
		    sip->sip_request->rq_method_name, u->impu);
		refuse(irq, msg, 403, "No Service-Route");
		return 0;
	}
	preferred_identity(sip, ppi, sizeof(ppi));
	pcscf_strip_untrusted(msg, sip);
	/* A UA records no route (RFC 3261 16.6 step 4 is a proxy's). */
	record_route_remove(msg, sip);
	if (assert_identity(u, msg, sip, ppi) < 0 ||
	    sipx_route_set(msg, sip, u->service_route) < 0 ||
	    pcscf_charging_vector(p, msg, sip) < 0 ||
	    (f = fwd_new(p, sip, NULL, NULL)) == NULL) {
		refuse(irq, msg, 500, "Server Internal Error");
		return 0;
	}
	if (creates_dialog(sip)) {
		if ((rc = pcscf_dlg_reserve(p->dlgs, u, &f->ref)) < 0) {
			free(f);
			reply_dialogs_full(p, irq, msg, rc, u->impu);
			return 0;
		}
		f->dialog = 1;
		if (sipx_record_route(msg, sip, p->sa.self) < 0) {
			pcscf_dlg_release(p->dlgs, f->ref);
			free(f);
			refuse(irq, msg, 500, "Server Internal Error");
			return 0;
		}
	}
	log_info("pcscf: %s from %s along the Service-Route",
	    sip->sip_request->rq_method_name, u->impu);
	forward(p, irq, msg, f, NULL);
	return 0;
}

/* TS 24.229 5.2.6: anything but REGISTER from the UE side. */
static int
from_ue(struct pcscf *p, nta_incoming_t *irq, msg_t *msg, sip_t *sip,
    const char *ip, unsigned port)
{
	struct pcscf_ue *u;

	if (sip->sip_request->rq_method == sip_method_cancel) {
		/* The transaction layer took every CANCEL that matches an
		 * INVITE we forwarded (RFC 3261 9.2, 16.10). */
		refuse(irq, msg, 481, "Call/Transaction Does Not Exist");
		return 0;
	}
	if ((u = pcscf_ue_registered(p->ues, ip, port)) == NULL) {
		log_info("pcscf: %s from unregistered %s:%u refused",
		    sip->sip_request->rq_method_name, ip, port);
		refuse(irq, msg, 403, "Forbidden");
		return 0;
	}
	if (pcscf_gm_check_request(p, irq, u) != 0) {
		/* TS 33.203 7.1: registered over SAs, it sends over them. */
		log_warn("pcscf: %s from %s (%s:%u) not over its SAs: 403",
		    sip->sip_request->rq_method_name, u->impu, ip, port);
		refuse(irq, msg, 403, "Not Over Its Security Association");
		return 0;
	}
	pcscf_gm_strip(msg, sip);
	if (sipx_in_dialog(sip))
		return ue_subsequent(p, irq, msg, sip, ip, port);
	if (sip->sip_request->rq_method == sip_method_ack) {
		/* Outside any dialog (the ACK of a failure response was the
		 * transaction layer's): nowhere to go. */
		drop(irq, msg);
		return 0;
	}
	return ue_initial(p, irq, msg, sip, u);
}

static void
ue_gone(void *arg, struct pcscf_ue *u)
{
	struct pcscf *p = arg;

	if (p->dlgs != NULL)
		pcscf_dlgs_forget_ue(p->dlgs, u);
	pcscf_gm_ue_gone(p, u);
	pcscf_regevent_ue_gone(p, u);
}

void
pcscf_reconfigure(struct pcscf *p)
{
	pcscf_limit_set(p->limit,
	    p->reg_rate ? p->reg_rate : PCSCF_REG_RATE_DEFAULT,
	    p->reg_burst ? p->reg_burst : PCSCF_REG_BURST_DEFAULT);
}

int
pcscf_init(struct pcscf *p)
{
	size_t cap = p->max_ues ? p->max_ues : PCSCF_MAX_UES_DEFAULT;
	size_t ndlg = p->max_dialogs ? p->max_dialogs :
	    PCSCF_MAX_DIALOGS_DEFAULT;

	p->ues = pcscf_ues_new(cap);
	p->dlgs = pcscf_dlgs_new(ndlg, p->max_ue_dialogs ? p->max_ue_dialogs :
	    PCSCF_UE_DIALOGS_DEFAULT, p->dialog_expires ? p->dialog_expires :
	    PCSCF_DIALOG_EXPIRES_DEFAULT);
	p->limit = pcscf_limit_new(p->reg_sources ? p->reg_sources :
	    PCSCF_REG_SOURCES_DEFAULT);
	if (p->ues == NULL || p->dlgs == NULL || p->limit == NULL) {
		pcscf_fini(p);
		return -ENOMEM;
	}
	pcscf_ues_set_gone(p->ues, ue_gone, p);
	pcscf_reconfigure(p);
	log_info("pcscf: room for %zu UEs and %zu dialogs", cap, ndlg);
	return 0;
}

void
pcscf_fini(struct pcscf *p)
{
	pcscf_dlgs_free(p->dlgs);
	p->dlgs = NULL;
	pcscf_ues_free(p->ues);
	p->ues = NULL;
	pcscf_limit_free(p->limit);
	p->limit = NULL;
}

int
pcscf_request(struct pcscf *p, nta_incoming_t *irq, sip_t const *isip)
{
	msg_t *msg;
	sip_t *sip;
	char ip[64];
	unsigned port = 0;
	int status;

	(void)isip;
	if ((msg = sipx_request_copy(irq, &status)) == NULL) {
		sipx_reply(irq, status, NULL);
		return 0;
	}
	sip = sip_object(msg);
	if (sipx_source(msg, ip, sizeof(ip), &port) < 0) {
		msg_t *orig = nta_incoming_getrequest(irq);

		if (orig == NULL || sipx_source(orig, ip, sizeof(ip), &port) < 0)
			(void)snprintf(ip, sizeof(ip), "?");
		msg_destroy(orig);
	}
	if (sip->sip_request->rq_method == sip_method_register)
		return pcscf_register(p, irq, msg, sip, ip, port);
	if (pcscf_regevent_request(p, irq, msg, sip, ip, port))
		return 0;	/* a reg event NOTIFY for us (5.2.3) */
	/* TS 24.229 4.4: the core is who the packet comes from, never what
	 * a Route or any other header says. */
	if (sipx_from_trusted(&p->trust, irq))
		return from_core(p, irq, msg, sip);
	return from_ue(p, irq, msg, sip, ip, port);
}
