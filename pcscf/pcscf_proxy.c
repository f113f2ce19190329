/* pcscf_proxy.c - the P-CSCF as a stateful proxy (TS 24.229 5.2):
 *	REGISTER from the UE to the I-CSCF with Path (RFC 3327, 5.2.2.1),
 *	P-Visited-Network-ID and P-Charging-Vector (RFC 7315);
 *	401: ck/ik taken out of WWW-Authenticate and kept (TS 33.203 7.1);
 *	200: the registration recorded (Service-Route, P-Associated-URI);
 *	requests from registered UEs: P-Asserted-Identity asserted
 *	(5.2.6.3), Route set to the Service-Route (RFC 3608 6);
 *	requests from unregistered UEs: 403;
 *	requests from the core (Route: our Path or Record-Route entry):
 *	towards the UE (5.2.7).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/rand.h>

#include <sofia-sip/su_tag.h>
#include <sofia-sip/sip_tag.h>

#include "digest.h"
#include "log.h"
#include "pcscf.h"
#include "util.h"

struct reg_ctx {
	struct pcscf	*p;
	char		 ip[64];
	unsigned	 port;
	char		 impi[PCSCF_ID_MAX];
	char		 impu[PCSCF_ID_MAX];
	char		 contact[SIPX_URI_MAX * 2];
};

/* RFC 7315 4.6: a fresh icid-value per request we originate a charging
 * vector for. */
static int
charging_vector(struct pcscf *p, msg_t *msg, sip_t *sip)
{
	uint8_t r[16];
	char icid[33], v[256];

	if (sipx_hdr_get(sip, "P-Charging-Vector") != NULL)
		return 0;
	if (RAND_bytes(r, sizeof(r)) != 1)
		return -EIO;
	hex_encode(r, sizeof(r), icid);
	(void)snprintf(v, sizeof(v), "icid-value=%s;icid-generated-at=%s",
	    icid, p->sa.host);
	return sipx_hdr_add(msg, sip, "P-Charging-Vector", v);
}

/* TS 24.229 5.2.2.1 / TS 33.203 7.1: keep ck/ik, send the challenge
 * without them. */
static int
strip_keys(struct reg_ctx *c, msg_t *msg, sip_t *sip)
{
	struct digest d;
	struct pcscf_ue *u;
	char in[DIGEST_MAX_VALUE * 4], out[DIGEST_FORMAT_MAX];
	uint8_t ck[16], ik[16];
	int rc = 0;

	if (sip->sip_www_authenticate == NULL)
		return 0;
	if (sipx_auth_str(sip->sip_www_authenticate, in, sizeof(in)) < 0 ||
	    digest_parse(in, strlen(in), &d) < 0) {
		rc = -EINVAL;
		goto out;
	}
	if (digest_keys(&d, ck, ik) == 0) {
		if ((u = pcscf_ue_get(c->p->ues, c->ip, c->port,
		    c->impi)) != NULL) {
			memcpy(u->ck, ck, sizeof(ck));
			memcpy(u->ik, ik, sizeof(ik));
			u->has_keys = 1;
		} else
			log_warn("pcscf: UE table full: keys for %s not kept",
			    c->impi);
	}
	if ((rc = digest_format(&d, DIGEST_FMT_CHALLENGE | DIGEST_FMT_NO_KEYS,
	    out, sizeof(out))) < 0)
		goto out;
	while (sip->sip_www_authenticate != NULL)
		if (sip_header_remove(msg, sip,
		    (sip_header_t *)sip->sip_www_authenticate) < 0) {
			rc = -EINVAL;
			goto out;
		}
	if (sip_add_make(msg, sip, sip_www_authenticate_class, out) < 0)
		rc = -EINVAL;
out:
	secure_wipe(in, sizeof(in));
	secure_wipe(&d, sizeof(d));
	secure_wipe(ck, sizeof(ck));
	secure_wipe(ik, sizeof(ik));
	return rc;
}

/* TS 24.229 5.2.2.1: the 200 OK to REGISTER. */
static void
record_registration(struct reg_ctx *c, msg_t *msg, sip_t *sip)
{
	const sip_contact_t *m;
	struct pcscf_ue *u;
	char uri[SIPX_URI_MAX * 2];
	const char *pau;
	unsigned exp = 0;

	for (m = sip->sip_contact; m != NULL; m = m->m_next)
		if (sipx_url_str(m->m_url, uri, sizeof(uri)) == 0 &&
		    strcmp(uri, c->contact) == 0) {
			if (sipx_contact_expires(sip, m, 0, &exp) < 0) {
				log_warn("pcscf: bad expiry in the 200 for %s",
				    c->impu);
				exp = 0;
			}
			break;
		}
	u = exp > 0 ? pcscf_ue_get(c->p->ues, c->ip, c->port, c->impi) :
	    pcscf_ue_find(c->p->ues, c->ip, c->port, c->impi);
	if (u == NULL) {
		if (exp > 0)
			log_warn("pcscf: UE table full: %s not recorded",
			    c->impu);
		return;
	}
	if (exp == 0) {
		log_info("pcscf: %s de-registered", c->impu);
		pcscf_ue_forget(c->p->ues, u);
		return;
	}
	(void)snprintf(u->impu, sizeof(u->impu), "%s", c->impu);
	(void)snprintf(u->contact, sizeof(u->contact), "%s", c->contact);
	if (sipx_route_join(sip->sip_service_route, msg_home(msg),
	    u->service_route, sizeof(u->service_route)) < 0)
		u->service_route[0] = '\0';
	pau = sipx_hdr_get(sip, "P-Associated-URI");
	(void)snprintf(u->assoc, sizeof(u->assoc), "%s", pau ? pau : "");
	pcscf_ue_set_registered(c->p->ues, u, exp);
	log_info("pcscf: %s registered from %s:%u for %u s", c->impu, c->ip,
	    c->port, exp);
}

static int
reg_response(void *arg, msg_t *msg, sip_t *sip, int status)
{
	struct reg_ctx *c = arg;
	int drop = 0;

	if (msg != NULL && status == 401 && strip_keys(c, msg, sip) < 0) {
		log_warn("pcscf: unusable challenge for %s dropped", c->impi);
		drop = 1;
	}
	if (msg != NULL && status >= 200 && status < 300)
		record_registration(c, msg, sip);
	if (status >= 200)
		free(c);
	return drop;
}

/* RFC 3261 21.5.4, 20.33: every entry of the UE table is a live
 * registration; Retry-After: when the first one lapses. */
static void
reply_busy(struct pcscf *p, nta_incoming_t *irq, const struct reg_ctx *c)
{
	struct pcscf_ues_stats st;
	char ra[16];

	pcscf_ues_stats(p->ues, &st);
	(void)snprintf(ra, sizeof(ra), "%u", pcscf_ues_retry_after(p->ues));
	log_warn("pcscf: %s from %s:%u: %zu UEs registered (capacity %zu): "
	    "503", c->impi, c->ip, c->port, st.registered, st.capacity);
	if (nta_incoming_treply(irq, 503, "Service Unavailable",
	    SIPTAG_RETRY_AFTER_STR(ra), TAG_END()) < 0)
		log_warn("pcscf: cannot send 503");
	nta_incoming_destroy(irq);
}

static int
register_request(struct pcscf *p, nta_incoming_t *irq, msg_t *msg, sip_t *sip,
    const char *ip, unsigned port)
{
	struct reg_ctx *c;
	int dereg;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		goto fail;
	c->p = p;
	(void)snprintf(c->ip, sizeof(c->ip), "%s", ip);
	c->port = port;
	if (sipx_aor(sip->sip_to->a_url, c->impu, sizeof(c->impu)) < 0)
		goto fail;
	/* The same reading of the credentials as the I- and S-CSCF's; a
	 * malformed Authorization or expiry is refused here already. */
	if (sipx_register_impi(sip, c->impu, c->impi, sizeof(c->impi)) < 0) {
		free(c);
		msg_destroy(msg);
		sipx_reply(irq, 400, "Bad Authorization");
		return 0;
	}
	if ((dereg = sipx_is_deregistration(sip)) < 0) {
		free(c);
		msg_destroy(msg);
		sipx_reply(irq, 400, "Bad Expires");
		return 0;
	}
	if (sip->sip_contact != NULL && sipx_url_str(sip->sip_contact->m_url,
	    c->contact, sizeof(c->contact)) < 0)
		goto fail;
	/* A UE that registers needs an entry for its keys and, later, its
	 * registration: taken now, or 503 before anything is forwarded. */
	if (sip->sip_contact != NULL && !dereg &&
	    pcscf_ue_get(p->ues, c->ip, c->port, c->impi) == NULL) {
		reply_busy(p, irq, c);
		free(c);
		msg_destroy(msg);
		return 0;
	}
	/* RFC 3327 4, TS 24.229 5.2.2.1: Path, visited network, charging. */
	sipx_hdr_remove(msg, sip, "P-Asserted-Identity");
	if (sip_add_make(msg, sip, sip_path_class, p->path) < 0 ||
	    (sip->sip_supported == NULL &&
	    sip_add_make(msg, sip, sip_supported_class, "path") < 0) ||
	    sipx_hdr_add(msg, sip, "P-Visited-Network-ID", p->visited) < 0 ||
	    charging_vector(p, msg, sip) < 0)
		goto fail;
	if (sipx_forward(&p->sa, irq, msg, p->icscf, reg_response, c) < 0)
		free(c);
	return 0;
fail:
	free(c);
	msg_destroy(msg);
	sipx_reply(irq, 500, "Server Internal Error");
	return 0;
}

/* TS 24.229 5.2.6.3.3: the asserted identity: the preferred one if it is
 * among the associated identities, else the registered one. */
static int
assert_identity(struct pcscf_ue *u, msg_t *msg, sip_t *sip)
{
	const char *ppi = sipx_hdr_get(sip, "P-Preferred-Identity");
	char v[PCSCF_ID_MAX + 2];
	const char *b, *e;

	(void)snprintf(v, sizeof(v), "<%s>", u->impu);
	if (ppi != NULL && (b = strchr(ppi, '<')) != NULL &&
	    (e = strchr(b, '>')) != NULL && (size_t)(e - b + 1) < sizeof(v)) {
		char cand[PCSCF_ID_MAX + 2];

		(void)snprintf(cand, sizeof(cand), "%.*s", (int)(e - b + 1), b);
		if (strstr(u->assoc, cand) != NULL)
			(void)snprintf(v, sizeof(v), "%s", cand);
	}
	sipx_hdr_remove(msg, sip, "P-Asserted-Identity");
	sipx_hdr_remove(msg, sip, "P-Preferred-Identity");
	return sipx_hdr_add(msg, sip, "P-Asserted-Identity", v);
}

static int
creates_dialog(sip_t const *sip)
{
	return sip->sip_request->rq_method == sip_method_invite ||
	    sip->sip_request->rq_method == sip_method_subscribe;
}

int
pcscf_init(struct pcscf *p)
{
	size_t cap = p->max_ues ? p->max_ues : PCSCF_MAX_UES_DEFAULT;

	if ((p->ues = pcscf_ues_new(cap)) == NULL)
		return -ENOMEM;
	log_info("pcscf: room for %zu UEs", cap);
	return 0;
}

void
pcscf_fini(struct pcscf *p)
{
	pcscf_ues_free(p->ues);
	p->ues = NULL;
}

int
pcscf_request(struct pcscf *p, nta_incoming_t *irq, sip_t const *isip)
{
	struct pcscf_ue *u;
	msg_t *msg;
	sip_t *sip;
	char ip[64], user[32];
	unsigned port = 0;
	int status, popped;

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
		return register_request(p, irq, msg, sip, ip, port);

	popped = sipx_route_pop_self(&p->sa, msg, sip, user, sizeof(user));
	u = pcscf_ue_registered(p->ues, ip, port);
	if (u == NULL) {
		/* TS 24.229 5.2.7: from the core, routed through us. */
		if (!popped && sip->sip_request->rq_method != sip_method_ack) {
			log_info("pcscf: %s from unregistered %s:%u refused",
			    sip->sip_request->rq_method_name, ip, port);
			msg_destroy(msg);
			sipx_reply(irq, 403, "Forbidden");
			return 0;
		}
		if (!sipx_in_dialog(sip) && creates_dialog(sip) &&
		    sipx_record_route(msg, sip, p->sa.self) < 0)
			log_warn("pcscf: Record-Route failed");
		(void)sipx_forward(&p->sa, irq, msg, NULL, NULL, NULL);
		return 0;
	}
	/* From a registered UE. */
	if (sipx_in_dialog(sip) ||
	    sip->sip_request->rq_method == sip_method_ack ||
	    sip->sip_request->rq_method == sip_method_cancel) {
		(void)sipx_forward(&p->sa, irq, msg, NULL, NULL, NULL);
		return 0;
	}
	/* TS 24.229 5.2.6.3: initial request, originating. */
	if (assert_identity(u, msg, sip) < 0 ||
	    sipx_route_set(msg, sip, u->service_route) < 0 ||
	    charging_vector(p, msg, sip) < 0 ||
	    (creates_dialog(sip) &&
	    sipx_record_route(msg, sip, p->sa.self) < 0)) {
		msg_destroy(msg);
		sipx_reply(irq, 500, "Server Internal Error");
		return 0;
	}
	log_info("pcscf: %s from %s along the Service-Route",
	    sip->sip_request->rq_method_name, u->impu);
	(void)sipx_forward(&p->sa, irq, msg, NULL, NULL, NULL);
	return 0;
}
