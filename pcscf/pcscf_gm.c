/* pcscf_gm.c - Gm protected by IPsec at the P-CSCF (TS 33.203 clause 7,
 * Annex H; TS 24.229 5.2.2; RFC 3329): the UE's Security-Client read,
 * a mechanism chosen by our policy, our SPIs reserved from the kernel and
 * the four SAs of 7.1 installed when the S-CSCF's 401 brings CK/IK, the
 * Security-Server added to that 401; the protected REGISTER's
 * Security-Verify and Security-Client checked (bidding-down defence,
 * 7.2); the set's lifetime short while authentication is pending, the
 * registration's (plus a margin, 7.4) after the 200; old sets retired.
 *
 * A set belongs to the UE entry keyed by the UE's protected client port
 * (pcscf_reg.c: ip, port_uc, impi).  When its entry goes (de-registration,
 * expiry, eviction, a newer set) the set is detached and retired: removed
 * PCSCF_GM_GRACE s later, so that the answer to the request that ended it
 * still leaves through it.  A timer sweeps every second: retired sets,
 * pending sets whose authentication never finished, lapsed ones.  Every
 * SA and policy carries our owner marker: ours are flushed at start and
 * stop, nobody else's are touched.  su_root thread only.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sofia-sip/su_tag.h>
#include <sofia-sip/sip_tag.h>

#include "clock.h"
#include "log.h"
#include "met.h"
#include "pcscf.h"
#include "util.h"

#define GM_GRACE	2	/* s a retired set still carries answers */
#define GM_MARGIN	30	/* s beyond the registration (7.4) */
#define GM_RETIRE_OLD	64	/* s an old set lives on (64*T1, 7.4) */

/* ---- sets ---- */

static void
set_link(struct pcscf_gm *g, struct pcscf_gm_set *s)
{
	s->prev = NULL;
	s->next = g->head;
	if (g->head != NULL)
		g->head->prev = s;
	g->head = s;
	g->nsets++;
	metric_set(&met_gm_sa_sets, (int64_t)g->nsets, 0, 0, 0);
}

static void
set_free(struct pcscf_gm *g, struct pcscf_gm_set *s)
{
	int nsa = 0, npol = 0, rc;
	char ip[64];

	if ((rc = gm_sa_remove(g->xfrm, &s->sa, &nsa, &npol)) < 0)
		log_warn("pcscf: Gm SAs of %s:%u: removal failed: %s",
		    xfrm_ip_str(&s->sa.ue, ip, sizeof(ip)), s->sa.port_uc,
		    strerror(-rc));
	else
		log_info("pcscf: Gm SAs of %s:%u removed (%d SAs, %d "
		    "policies)", xfrm_ip_str(&s->sa.ue, ip, sizeof(ip)),
		    s->sa.port_uc, nsa, npol);
	if (s->prev != NULL)
		s->prev->next = s->next;
	else
		g->head = s->next;
	if (s->next != NULL)
		s->next->prev = s->prev;
	g->nsets--;
	metric_set(&met_gm_sa_sets, (int64_t)g->nsets, 0, 0, 0);
	secure_wipe(s, sizeof(*s));
	free(s);
}

/* Detach the set from its UE and remove it `after` seconds from now. */
static void
set_retire(struct pcscf_gm *g, struct pcscf_gm_set *s, unsigned after)
{
	time_t t = clock_mono_sec(NULL) + after;

	if (s->ue != NULL)
		s->ue->gm = NULL;
	s->ue = NULL;
	if (t < s->expires)
		s->expires = t;
	if (after > GM_GRACE && gm_sa_set_lifetime(g->xfrm, &s->sa,
	    after + GM_GRACE) < 0)
		log_warn("pcscf: Gm SAs at port %u: new lifetime refused",
		    s->sa.port_uc);
}

void
pcscf_gm_ue_gone(struct pcscf *p, struct pcscf_ue *u)
{
	if (u->gm != NULL)
		set_retire(&p->gm, u->gm, GM_GRACE);
}

/* The sweep: retired and lapsed sets go (a lapsed set's UE with it). */
static void
gm_sweep(su_root_magic_t *magic, su_timer_t *t, su_timer_arg_t *arg)
{
	struct pcscf *p = (struct pcscf *)arg;
	struct pcscf_gm_set *s, *next;
	time_t now = clock_mono_sec(NULL);

	(void)magic;
	(void)t;
	for (s = p->gm.head; s != NULL; s = next) {
		next = s->next;
		if (s->expires > now)
			continue;
		if (s->ue != NULL) {
			log_info("pcscf: Gm SAs of %s lapsed (%s)",
			    s->ue->impi, s->active ? "registration expired" :
			    "authentication not completed");
			pcscf_ue_forget(p->ues, s->ue);	/* retires s */
		}
		set_free(&p->gm, s);
	}
}

/* The set of the UE whose protected server port is ip:port (where our
 * requests to it go, and its answers come from), or NULL. */
struct pcscf_ue *
pcscf_gm_ue_by_us(struct pcscf *p, const char *ip, unsigned port)
{
	struct pcscf_gm_set *s;
	struct xfrm_ip a;

	if (!p->gm.on || xfrm_ip_parse(ip, &a) < 0)
		return NULL;
	for (s = p->gm.head; s != NULL; s = s->next)
		if (s->ue != NULL && s->active && s->sa.port_us == port &&
		    s->sa.ue.family == a.family && memcmp(&s->sa.ue.u, &a.u,
		    a.family == AF_INET ? 4 : 16) == 0)
			return s->ue;
	return NULL;
}

const char *
pcscf_gm_ident(const struct pcscf_ue *u)
{
	return u->gm != NULL ? u->gm->ident : NULL;
}

/* The name of the transport at a protected client port. */
static void
pc_ident(unsigned port, char *out, size_t size)
{
	(void)snprintf(out, size, "gm%u", port);
}

/* ---- the REGISTER ---- */

/* TS 33.203 7.2, RFC 3329 2.3.1: what the UE offers, checked against our
 * policy.  0: c->offer filled (or no Security-Client: offer.have 0);
 * else the SIP status to answer with. */
static int
read_offer(struct pcscf *p, msg_t *msg, const sip_t *sip,
    struct pcscf_gm_offer *o)
{
	struct secagree *sa;
	size_t idx;
	int rc;

	memset(o, 0, sizeof(*o));
	if ((sa = calloc(1, sizeof(*sa))) == NULL)
		return 500;
	rc = pcscf_gm_sec_parse(msg, sip, SECAGREE_CLIENT, sa, o->client,
	    sizeof(o->client));
	if (rc < 0) {
		free(sa);
		return 400;
	}
	if (rc == 0) {
		free(sa);
		return 0;
	}
	if (secagree_choose(sa, p->gm.policy, p->gm.npolicy, &idx) < 0) {
		free(sa);
		return 494;
	}
	o->have = 1;
	o->alg = sa->mech[idx].alg;
	o->ealg = sa->mech[idx].ealg;
	o->spi_uc = sa->mech[idx].spi_c;
	o->spi_us = sa->mech[idx].spi_s;
	o->port_uc = sa->mech[idx].port_c;
	o->port_us = sa->mech[idx].port_s;
	free(sa);
	return 0;
}

/* TS 33.203 7.2 step 6 / RFC 3329 2.3.1 step 3: the protected REGISTER
 * repeats the Security-Server we sent (as Security-Verify) and the
 * Security-Client we first got.  1 both hold. */
static int
verify_ok(msg_t *msg, const sip_t *sip, const struct pcscf_gm_set *s,
    int client_too)
{
	struct secagree *a, *b;
	int ok = 0;

	a = calloc(1, sizeof(*a));
	b = calloc(1, sizeof(*b));
	if (a == NULL || b == NULL)
		goto out;
	if (pcscf_gm_sec_parse(msg, sip, SECAGREE_VERIFY, a, NULL, 0) != 1 ||
	    secagree_parse(s->server, strlen(s->server), b) < 0 ||
	    !secagree_verify_matches(a, b))
		goto out;
	if (client_too && (pcscf_gm_sec_parse(msg, sip, SECAGREE_CLIENT, a, NULL,
	    0) != 1 || secagree_parse(s->client, strlen(s->client), b) < 0 ||
	    !secagree_equal(a, b)))
		goto out;
	ok = 1;
out:
	free(a);
	free(b);
	return ok;
}

int
pcscf_gm_register(struct pcscf *p, nta_incoming_t *irq, msg_t *msg,
    sip_t *sip, const char *ip, unsigned port, const char *impi,
    struct pcscf_gm_offer *o, int *status)
{
	struct pcscf_ue *u;
	unsigned lport = 0;
	const char *mark = "no";
	char peer[SIPX_PEER_MAX];
	int protected;

	*status = 0;
	memset(o, 0, sizeof(*o));
	sipx_hostport(ip, port, peer, sizeof(peer));
	if (!p->gm.on) {
		pcscf_gm_strip(msg, sip);
		if (pcscf_gm_mark_integrity(msg, sip, mark) < 0)
			*status = 400;
		return 0;
	}
	protected = sipx_arrival_port(&p->sa, irq, &lport) == 0 &&
	    lport == p->gm.port_ps;
	if ((*status = read_offer(p, msg, sip, o)) != 0) {
		log_sec(LOG_LVL_WARN, 2, impi, peer, "pcscf: REGISTER: %s: "
		    "%d", *status == 494 ? "no acceptable ipsec-3gpp offer" :
		    "bad Security-Client", *status);
		return 0;
	}
	if (protected) {
		u = pcscf_ue_find(p->ues, ip, port, impi);
		if (u == NULL || u->gm == NULL) {
			/* Our port_ps, but no SA of this UE: cleartext. */
			log_sec(LOG_LVL_WARN, 2, impi, peer, "pcscf: REGISTER "
			    "at the protected port over no SA of it: 403");
			*status = 403;
			return 0;
		}
		if (!verify_ok(msg, sip, u->gm, !u->gm->active)) {
			log_sec(LOG_LVL_WARN, 2, impi, peer, "pcscf: REGISTER: "
			    "Security-Verify or -Client differs: 494%s",
			    u->gm->active ? "" : ", SAs removed");
			if (!u->gm->active)
				pcscf_ue_forget(p->ues, u);
			*status = 494;
			o->have = 0;
			return 0;
		}
		o->old_pc = u->gm->sa.port_pc;
		mark = u->gm->active ? "ip-assoc-yes" : "ip-assoc-pending";
		if (!u->gm->active)
			o->have = 0;	/* the answer to our challenge */
	} else if (!o->have && p->gm.mode == PCSCF_SEC_REQUIRED) {
		log_info("pcscf: REGISTER for %s from %s:%u without "
		    "Security-Client: 421", impi, ip, port);
		*status = 421;
		return 0;
	}
	pcscf_gm_strip(msg, sip);
	if (pcscf_gm_mark_integrity(msg, sip, mark) < 0)
		*status = 400;
	return 0;
}

/* 1 when sets a and b of one UE address would share a selector. */
static int
sets_collide(const struct gm_sa *a, const struct gm_sa *b)
{
	if (a->ue.family != b->ue.family || memcmp(&a->ue.u, &b->ue.u,
	    a->ue.family == AF_INET ? 4 : 16) != 0)
		return 0;
	return (a->port_uc == b->port_uc && a->port_ps == b->port_ps) ||
	    (a->port_pc == b->port_pc && a->port_us == b->port_us);
}

/* Retired sets in the way of the new one go now: the UE has moved on
 * (7.4: the old set serves only until the new one is in use). */
static void
clear_way(struct pcscf_gm *g, const struct gm_sa *n)
{
	struct pcscf_gm_set *o, *next;

	for (o = g->head; o != NULL; o = next) {
		next = o->next;
		if (o->ue == NULL && sets_collide(&o->sa, n))
			set_free(g, o);
	}
}

/* TS 33.203 7.1: the pending set for the offer, keyed by the UE's
 * protected client port, installed with the CK/IK of the 401; the
 * Security-Server that describes it into the 401.  0, or the status the
 * 401 becomes (500: install failed; 503: no SPI / port left). */
int
pcscf_gm_challenge(struct pcscf *p, const char *ip, const char *impi,
    const struct pcscf_gm_offer *o, const uint8_t ck[16],
    const uint8_t ik[16], msg_t *msg, sip_t *sip)
{
	struct pcscf_gm_set *s;
	struct pcscf_ue *u;
	char hdr[PCSCF_GM_HDR_MAX];
	int rc;

	if (p->gm.nsets >= p->gm.max_sets) {
		log_warn("pcscf: %zu Gm SA sets: none for %s: 503",
		    p->gm.nsets, impi);
		return 503;
	}
	if ((u = pcscf_ue_get(p->ues, ip, o->port_uc, impi)) == NULL)
		return 503;
	if (u->gm != NULL) {
		/* A UE that lost its SAs registers anew with the same
		 * ports: the old set cannot coexist with the new one. */
		log_info("pcscf: %s: new Gm SAs replace those at %s:%u",
		    impi, ip, o->port_uc);
		set_free(&p->gm, u->gm);
		u->gm = NULL;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return 500;
	s->sa.side = GM_SA_PCSCF;
	if (xfrm_ip_parse(ip, &s->sa.ue) < 0 ||
	    xfrm_ip_parse(p->sa.host, &s->sa.pcscf) < 0) {
		free(s);
		return 500;
	}
	s->sa.port_uc = o->port_uc;
	s->sa.port_us = o->port_us;
	s->sa.spi_uc = o->spi_uc;
	s->sa.spi_us = o->spi_us;
	s->sa.port_ps = (uint16_t)p->gm.port_ps;
	/* 7.4: a new set's client port differs from the old set's. */
	s->sa.port_pc = (uint16_t)p->gm.port_pc;
	if (o->old_pc == p->gm.port_pc)
		s->sa.port_pc = (uint16_t)(p->gm.port_pc + 1);
	clear_way(&p->gm, &s->sa);
	s->sa.alg = o->alg;
	s->sa.ealg = o->ealg;
	s->sa.lifetime = p->gm.pending;
	if ((rc = gm_sa_alloc_spis(p->gm.xfrm, &s->sa, p->gm.spi_min,
	    p->gm.spi_max)) < 0) {
		log_warn("pcscf: no SPI for %s in %u..%u: %s: 503", impi,
		    p->gm.spi_min, p->gm.spi_max, strerror(-rc));
		free(s);
		return 503;
	}
	memcpy(s->sa.ck, ck, 16);
	memcpy(s->sa.ik, ik, 16);
	if ((rc = gm_sa_install(p->gm.xfrm, &s->sa)) < 0) {
		log_warn("pcscf: Gm SAs for %s at %s:%u not installed: %s: "
		    "500", impi, ip, o->port_uc, strerror(-rc));
		secure_wipe(s, sizeof(*s));
		free(s);
		return 500;
	}
	(void)snprintf(s->client, sizeof(s->client), "%s", o->client);
	pc_ident(s->sa.port_pc, s->ident, sizeof(s->ident));
	/* Annex H: the chosen mechanism with our SPIs and ports. */
	(void)snprintf(s->server, sizeof(s->server),
	    "ipsec-3gpp;q=0.1;alg=%s;ealg=%s;spi-c=%u;spi-s=%u;port-c=%u;"
	    "port-s=%u", secagree_alg_name(o->alg),
	    secagree_ealg_name(o->ealg), s->sa.spi_pc, s->sa.spi_ps,
	    s->sa.port_pc, s->sa.port_ps);
	s->expires = clock_mono_sec(NULL) + p->gm.pending;
	s->ue = u;
	u->gm = s;
	set_link(&p->gm, s);
	(void)snprintf(hdr, sizeof(hdr), "%s", s->server);
	if (sip_add_make(msg, sip, sip_security_server_class, hdr) < 0) {
		pcscf_ue_forget(p->ues, u);
		return 500;
	}
	log_info("pcscf: Gm SAs for %s pending: %s:%u/%u <-> %u/%u, %s/%s, "
	    "spi pc %u ps %u uc %u us %u", impi, ip, s->sa.port_uc,
	    s->sa.port_us, s->sa.port_pc, s->sa.port_ps,
	    secagree_alg_name(o->alg), secagree_ealg_name(o->ealg),
	    s->sa.spi_pc, s->sa.spi_ps, s->sa.spi_uc, s->sa.spi_us);
	return 0;
}

/* The 200 to a REGISTER that came over u's set: it carries the
 * registration now (7.4: lifetime = registration + margin); older sets
 * of the same UE (address and IMPI) retire. */
void
pcscf_gm_registered(struct pcscf *p, struct pcscf_ue *u, unsigned expires)
{
	struct pcscf_gm_set *s = u->gm, *o;
	int rc;

	if (s == NULL)
		return;
	if ((rc = gm_sa_set_lifetime(p->gm.xfrm, &s->sa,
	    expires + GM_MARGIN)) < 0) {
		log_warn("pcscf: Gm SAs of %s: lifetime refused: %s",
		    u->impi, strerror(-rc));
		return;
	}
	s->expires = clock_mono_sec(NULL) + expires + GM_MARGIN;
	if (!s->active)
		log_info("pcscf: Gm SAs of %s in use for %u s", u->impi,
		    expires);
	s->active = 1;
	for (o = p->gm.head; o != NULL; o = o->next)
		if (o != s && o->ue != NULL && o->ue != u &&
		    strcmp(o->ue->impi, u->impi) == 0 &&
		    strcmp(o->ue->ip, u->ip) == 0) {
			struct pcscf_ue *old = o->ue;

			log_info("pcscf: older Gm SAs of %s (port %u) retire",
			    u->impi, o->sa.port_uc);
			set_retire(&p->gm, o, GM_RETIRE_OLD);
			pcscf_ue_forget(p->ues, old);
		}
}

/* De-registration: every set of the UE (address, IMPI) goes, after the
 * grace that lets the 200 leave. */
void
pcscf_gm_deregistered(struct pcscf *p, const char *ip, const char *impi)
{
	struct pcscf_gm_set *o;

	for (o = p->gm.head; o != NULL; o = o->next)
		if (o->ue != NULL && strcmp(o->ue->impi, impi) == 0 &&
		    strcmp(o->ue->ip, ip) == 0)
			pcscf_ue_forget(p->ues, o->ue);	/* retires o */
}

/* A request other than REGISTER from the UE side: 0 acceptable, else the
 * status to refuse it with (TS 33.203 7.1 / TS 24.229 5.2.2: after
 * registration over SAs, only over them at port_ps; our port_ps only
 * over SAs in use). */
int
pcscf_gm_check_request(struct pcscf *p, nta_incoming_t *irq,
    const struct pcscf_ue *u)
{
	unsigned lport = 0;
	int at_ps;

	if (!p->gm.on)
		return 0;
	at_ps = sipx_arrival_port(&p->sa, irq, &lport) == 0 &&
	    lport == p->gm.port_ps;
	if (u == NULL)
		return at_ps ? 403 : 0;
	if (u->gm == NULL)
		return at_ps ? 403 : 0;
	return at_ps && u->gm->active ? 0 : 403;
}

/* ---- start and stop ---- */

/* Can this kernel do ESP?  A throw-away SA on the loopback. */
static int
esp_probe(struct xfrm_nl *h)
{
	struct xfrm_sa sa;
	int rc;

	memset(&sa, 0, sizeof(sa));
	(void)xfrm_ip_parse("127.0.0.1", &sa.src);
	sa.dst = sa.src;
	sa.spi = 0x7fff0001u;
	sa.mode = IMS_XFRM_MODE_TRANSPORT;
	(void)snprintf(sa.auth_alg, sizeof(sa.auth_alg), "hmac-sha-1-96");
	sa.auth_keylen = 20;
	(void)snprintf(sa.enc_alg, sizeof(sa.enc_alg), "null");
	sa.hard_add_expires = 10;
	if ((rc = xfrm_sa_add(h, &sa)) < 0)
		return rc;
	return xfrm_sa_del(h, &sa.dst, sa.spi);
}

int
pcscf_gm_init(struct pcscf *p)
{
	struct pcscf_gm *g = &p->gm;
	int nsa = 0, npol = 0, rc;

	g->on = 0;
	if (g->mode == PCSCF_SEC_OFF)
		return 0;
	if ((g->xfrm = xfrm_open()) == NULL) {
		rc = -errno;
		goto no_esp;
	}
	if (xfrm_set_owner(g->xfrm, g->owner) < 0)
		return -EINVAL;
	if ((rc = xfrm_flush_ours(g->xfrm, &nsa, &npol)) < 0)
		goto no_esp;
	if (nsa > 0 || npol > 0)
		log_info("pcscf: %d SAs and %d policies of an earlier run "
		    "removed", nsa, npol);
	if ((rc = esp_probe(g->xfrm)) < 0)
		goto no_esp;
	g->on = 1;
	log_info("pcscf: sec-agree %s: ipsec-3gpp, port_ps %u, port_pc "
	    "%u/%u, SPIs %u..%u", g->mode == PCSCF_SEC_REQUIRED ?
	    "required" : "optional", g->port_ps, g->port_pc, g->port_pc + 1,
	    g->spi_min, g->spi_max);
	return 0;
no_esp:
	if (g->mode == PCSCF_SEC_REQUIRED) {
		log_err("pcscf: sec-agree = required, but this kernel cannot "
		    "do ESP (%s)", strerror(-rc));
		return -EPROTONOSUPPORT;
	}
	log_warn("pcscf: sec-agree = optional, but this kernel cannot do "
	    "ESP (%s): Gm unprotected", strerror(-rc));
	if (g->xfrm != NULL)
		xfrm_close(g->xfrm);
	g->xfrm = NULL;
	return 0;
}

/* After the SIP agent is open: the protected ports and the sweep. */
int
pcscf_gm_start(struct pcscf *p)
{
	struct pcscf_gm *g = &p->gm;
	char id0[SIPX_IDENT_MAX], id1[SIPX_IDENT_MAX];
	int rc;

	if (!g->on)
		return 0;
	pc_ident(g->port_pc, id0, sizeof(id0));
	pc_ident(g->port_pc + 1, id1, sizeof(id1));
	if ((rc = sipx_agent_add_port(&p->sa, g->port_ps, NULL)) < 0 ||
	    (rc = sipx_agent_add_port(&p->sa, g->port_pc, id0)) < 0 ||
	    (rc = sipx_agent_add_port(&p->sa, g->port_pc + 1, id1)) < 0)
		return rc;
	if ((g->sweep = su_timer_create(su_root_task(p->sa.root), 1000)) ==
	    NULL || su_timer_set_for_ever(g->sweep, gm_sweep,
	    (su_timer_arg_t *)p) < 0)
		return -ENOMEM;
	return 0;
}

void
pcscf_gm_fini(struct pcscf *p)
{
	struct pcscf_gm *g = &p->gm;
	int nsa = 0, npol = 0;

	if (g->sweep != NULL)
		su_timer_destroy(g->sweep);
	g->sweep = NULL;
	while (g->head != NULL) {
		if (g->head->ue != NULL)
			g->head->ue->gm = NULL;
		g->head->ue = NULL;
		set_free(g, g->head);
	}
	if (g->xfrm != NULL) {
		if (xfrm_flush_ours(g->xfrm, &nsa, &npol) == 0 &&
		    (nsa > 0 || npol > 0))
			log_info("pcscf: %d SAs and %d policies flushed", nsa,
			    npol);
		xfrm_close(g->xfrm);
	}
	g->xfrm = NULL;
	g->on = 0;
}
