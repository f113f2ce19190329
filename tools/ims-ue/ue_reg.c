/* ue_reg.c - registration with IMS AKA, the UE side of TS 24.229 5.1.1
 * and TS 33.203 6.1 (RFC 3261 10.2, RFC 3310).
 *
 *	REGISTER (empty credentials) --> 401 (RAND, AUTN)
 *	  AUTN ok:	REGISTER (RES as password) --> 200 | 403
 *	  SQN stale:	REGISTER (empty password, auts) --> 401 (fresh) ...
 *	  MAC/AMF bad:	REGISTER (empty response) --> final; stop
 *
 * One Call-ID for the whole registration, CSeq incremented per request
 * (TS 24.229 5.1.1.2.1, RFC 3261 10.2.4).
 *
 * With --ipsec (TS 33.203 7, TS 24.229 5.1.1.2.2, 5.1.1.5.1, RFC 3329):
 *	REGISTER + Security-Client (new spi_uc/spi_us, port_uc/port_us)
 *	    unprotected, or over the live set of an earlier run (7.4: then
 *	    with Security-Verify = that set's Security-Server)
 *	--> 401 + Security-Server: one offered ipsec-3gpp mechanism, else
 *	    stop; AKA; the new set installed (pending lifetime)
 *	REGISTER over the new set, Security-Verify = Security-Server
 *	--> 200: the set's lifetime = expiry + 30 s (7.4), the old set gone;
 *	    de-registration: every set of the identity gone.
 * A 200 to the first REGISTER (no new challenge) keeps the old set.
 */
#include <errno.h>
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "log.h"
#include "ue.h"
#include "util.h"

struct ue_reg {
	const struct ue_conf	*conf;
	struct ue_sip		*sip;
	struct milenage_ctx	*mil;
	struct aka_ue_sqn	 sqn;
	char			 request_uri[512];
	char			 from[600];
	char			 to[600];
	char			 call_id[128];
	uint32_t		 cseq;
	char			 service_route[UE_HDR_MAX];
	char			 auth[DIGEST_FORMAT_MAX];
	/* --ipsec */
	struct ue_sip		*leg;		/* where requests go now */
	struct ue_sip		*gm_sip;	/* the protected side */
	struct xfrm_nl		*xfrm;
	struct ue_ipsec_offer	 offer;
	struct ue_ipsec_state	 st;		/* the state file */
	struct ue_ipsec_set	*old;		/* live set in st, or NULL */
	struct ue_ipsec_set	 cur;		/* the new set */
	int			 cur_state;	/* GM_NONE ... */
	const char		*verify;	/* Security-Verify to send */
};

enum { GM_NONE, GM_LARVAL, GM_INSTALLED };

/* --- Gm sec-agree and the SA sets (TS 33.203 7) ----------------------- */

static int
now_s(long long *t)
{
	time_t n = time(NULL);

	if (n == (time_t)-1)
		return -EIO;
	*t = (long long)n;
	return 0;
}

/* The state file's sets of this identity whose SAs are still there;
 * the newest becomes the old set of a 7.4 re-registration. */
static int
gm_find_live(struct ue_reg *u)
{
	long long t;
	size_t i;

	IMS_CHECK_RC(now_s(&t));
	u->old = NULL;
	for (i = 0; i < u->st.n; i++)
		if (strcmp(u->st.set[i].impi, u->conf->impi) == 0 &&
		    u->st.set[i].expires_at > t + 2)
			u->old = &u->st.set[i];
	return 0;
}

static int
gm_save(struct ue_reg *u)
{
	return ue_ipsec_state_save(u->conf->ipsec_state_path, &u->st);
}

/* Drop set i from the state (the caller removed its SAs). */
static void
gm_forget(struct ue_reg *u, size_t i)
{
	if (u->old == &u->st.set[i])
		u->old = NULL;
	else if (u->old > &u->st.set[i])
		u->old--;
	memmove(&u->st.set[i], &u->st.set[i + 1],
	    (u->st.n - i - 1) * sizeof(u->st.set[0]));
	u->st.n--;
}

/* The user part of the public identity (sip:USER@host, tel:NUMBER) for
 * the protected Contact. */
static void
contact_user(const char *impu, char *out, size_t outsz)
{
	const char *p = strchr(impu, ':') + 1;	/* main.c: sip: or tel: */
	size_t n = strcspn(p, "@;>");

	snprintf(out, outsz, "%.*s", (int)(n < outsz ? n : outsz - 1), p);
}

/* Everything --ipsec needs before the first REGISTER: the state file,
 * the xfrm handle with the UE's owner tag, the protected side bound to
 * port_us, the new set's port_uc and (reserved from the kernel) SPIs,
 * and the Security-Client. */
static int
gm_open(struct ue_reg *u)
{
	const struct ue_conf *c = u->conf;
	struct gm_sa *p = &u->cur.sa;
	char ue_ip[64], pc_host[256], pc_port[8], user[128];
	uint16_t port_us;
	int rc;

	if ((rc = ue_ipsec_offer_parse(c->alg_list, c->ealg_list, &u->offer,
	    u->cur.client, sizeof(u->cur.client))) < 0) {
		log_err("%s", u->cur.client);
		return rc;
	}
	IMS_CHECK_RC(ue_ipsec_state_load(c->ipsec_state_path, &u->st));
	IMS_CHECK_RC(gm_find_live(u));
	IMS_CHECK_RC(ue_sip_local_addr(u->sip, ue_ip, sizeof(ue_ip)));
	IMS_CHECK_RC(ue_hostport_split(c->pcscf, pc_host, sizeof(pc_host),
	    pc_port, sizeof(pc_port)));
	memset(&u->cur, 0, sizeof(u->cur));
	snprintf(u->cur.impi, sizeof(u->cur.impi), "%s", c->impi);
	p->side = GM_SA_UE;
	pc_host[strcspn(pc_host, "]")] = '\0';
	if (xfrm_ip_parse(ue_ip, &p->ue) < 0 || xfrm_ip_parse(pc_host[0] ==
	    '[' ? pc_host + 1 : pc_host, &p->pcscf) < 0 ||
	    p->ue.family != p->pcscf.family) {
		log_err("--ipsec: the P-CSCF (%s) and the UE (%s) need address "
		    "literals of one family", c->pcscf, ue_ip);
		return -EINVAL;
	}
	if (u->old != NULL && (u->old->sa.ue.family != p->ue.family ||
	    memcmp(&u->old->sa.ue.u, &p->ue.u, sizeof(p->ue.u)) != 0 ||
	    memcmp(&u->old->sa.pcscf.u, &p->pcscf.u, sizeof(p->ue.u)) != 0)) {
		log_warn("the live set of %s is between other addresses: "
		    "registering afresh", c->impi);
		u->old = NULL;
	}
	/* TS 33.203 7.4: the new set needs a protected client port other
	 * than the old one's; the server port may stay. */
	port_us = u->old != NULL ? u->old->sa.port_us : c->port_us;
	p->port_us = port_us;
	p->port_uc = c->port_uc;
	if (u->old != NULL && (!c->port_uc_given ||
	    p->port_uc == u->old->sa.port_uc)) {
		p->port_uc = u->old->sa.port_uc;
		do
			p->port_uc = p->port_uc == 65535 ? 1024 : p->port_uc + 1;
		while (p->port_uc == port_us);
	}
	if ((u->xfrm = xfrm_open()) == NULL) {
		log_err("--ipsec: no xfrm netlink socket: %s", strerror(errno));
		return -errno;
	}
	IMS_CHECK_RC(xfrm_set_owner(u->xfrm, UE_XFRM_OWNER));
	contact_user(c->impu, user, sizeof(user));
	if ((u->gm_sip = ue_sip_open_gm(c, ue_ip, port_us, user)) == NULL)
		return -EIO;	/* logged */
	IMS_CHECK_RC(ue_sip_add_port(u->gm_sip, p->port_uc));
	if (u->old != NULL) {
		IMS_CHECK_RC(ue_sip_add_port(u->gm_sip, u->old->sa.port_uc));
		IMS_CHECK_RC(ue_sip_route(u->gm_sip, u->old->sa.port_uc,
		    pc_host[0] == '[' ? pc_host + 1 : pc_host,
		    u->old->sa.port_ps));
		u->leg = u->gm_sip;
		u->verify = u->old->server;
	}
	if ((rc = gm_sa_alloc_spis(u->xfrm, p, 0, 0)) < 0) {
		log_err("--ipsec: cannot reserve SPIs: %s", strerror(-rc));
		return rc;
	}
	u->cur_state = GM_LARVAL;
	return ue_ipsec_client(&u->offer, p, u->cur.client,
	    sizeof(u->cur.client));
}

/* Whatever of the new set is in the kernel goes (a failed procedure). */
static void
gm_drop_new(struct ue_reg *u)
{
	struct gm_sa *p = &u->cur.sa;
	int rc;

	if (u->cur_state == GM_LARVAL) {
		/* reserved SPIs: larval states from the P-CSCF to us */
		if ((rc = xfrm_sa_del(u->xfrm, &p->ue, p->spi_uc)) < 0 &&
		    rc != -ESRCH)
			log_warn("SPI %u stays reserved: %s", p->spi_uc,
			    strerror(-rc));
		if ((rc = xfrm_sa_del(u->xfrm, &p->ue, p->spi_us)) < 0 &&
		    rc != -ESRCH)
			log_warn("SPI %u stays reserved: %s", p->spi_us,
			    strerror(-rc));
	} else if (u->cur_state == GM_INSTALLED) {
		if ((rc = gm_sa_remove(u->xfrm, p, NULL, NULL)) < 0)
			log_err("the new SA set was not removed whole: %s",
			    strerror(-rc));
		/* the state file lists it: forget it there */
		for (size_t i = 0; i < u->st.n; i++)
			if (u->st.set[i].sa.spi_uc == p->spi_uc &&
			    u->st.set[i].sa.spi_us == p->spi_us &&
			    strcmp(u->st.set[i].impi, u->cur.impi) == 0) {
				gm_forget(u, i);
				(void)gm_save(u);
				break;
			}
	}
	u->cur_state = GM_NONE;
}

/* 401 answered by the USIM (TS 33.203 7.2, 7.4): the Security-Server must
 * name one of our offers; the new set is installed with CK/IK, pending,
 * and the next REGISTER goes over it.  1 (sec-agree unusable) or 2 (the
 * SAs could not be installed) with res->why set, 0, or a negative errno. */
static int
gm_challenged(struct ue_reg *u, const struct ue_resp *resp,
    struct ue_result *res)
{
	struct gm_sa *p = &u->cur.sa;
	char pc[64];
	long long t;
	int rc;

	if (resp->security_server[0] == '\0' && u->old != NULL &&
	    u->cur_state == GM_LARVAL) {
		/* 7.4: no new parameters: the old set stays */
		gm_drop_new(u);
		res->gm_kept = 1;
		return 0;
	}
	if (u->cur_state != GM_LARVAL) {
		/* a second 401 over the new set: answered there */
		return 0;
	}
	if (ue_ipsec_server(&u->offer, resp->security_server, p, res->why,
	    sizeof(res->why)) < 0)
		return 1;
	snprintf(u->cur.server, sizeof(u->cur.server), "%s",
	    resp->security_server);
	memcpy(p->ck, res->ck, sizeof(p->ck));
	memcpy(p->ik, res->ik, sizeof(p->ik));
	p->lifetime = UE_SA_PENDING;
	if (u->st.n == UE_IPSEC_MAX_SETS) {
		snprintf(res->why, sizeof(res->why), "the state file holds %d "
		    "sets already", UE_IPSEC_MAX_SETS);
		return 2;
	}
	rc = gm_sa_install(u->xfrm, p);		/* wipes ck/ik */
	if (rc < 0) {
		snprintf(res->why, sizeof(res->why), "installing the SA set "
		    "failed: %s", strerror(-rc));
		u->cur_state = rc == -EINVAL ? GM_LARVAL : GM_NONE;
		return 2;
	}
	u->cur_state = GM_INSTALLED;
	IMS_CHECK_RC(now_s(&t));
	u->cur.expires_at = t + UE_SA_PENDING;
	/* kept before the protected REGISTER leaves: a crash leaves a record */
	u->st.set[u->st.n++] = u->cur;
	IMS_CHECK_RC(gm_save(u));
	IMS_CHECK_RC(ue_sip_route(u->gm_sip, p->port_uc,
	    xfrm_ip_str(&p->pcscf, pc, sizeof(pc)), p->port_ps));
	u->leg = u->gm_sip;
	u->verify = u->cur.server;
	return 0;
}

/* The 2xx (TS 33.203 7.4): the set that carried it lives as long as the
 * registration (+30 s), the other goes; a de-registration removes every
 * set of the identity.  0 or a negative errno (reason in res->why). */
static int
gm_registered(struct ue_reg *u, unsigned expires, struct ue_result *res)
{
	struct ue_ipsec_set *keep;
	long long t;
	size_t i;
	int rc, nsa;

	IMS_CHECK_RC(now_s(&t));
	if (u->cur_state == GM_INSTALLED) {
		for (i = 0; i < u->st.n; i++)
			if (u->st.set[i].sa.spi_uc == u->cur.sa.spi_uc &&
			    u->st.set[i].sa.spi_us == u->cur.sa.spi_us)
				break;
		if (i == u->st.n)
			return -ENOENT;
		keep = &u->st.set[i];
	} else {
		gm_drop_new(u);
		keep = u->old;
		res->gm_kept = 1;
	}
	if (keep == NULL)
		return -ENOENT;
	res->gm = 1;
	res->gm_sa = keep->sa;
	snprintf(keep->service_route, sizeof(keep->service_route), "%s",
	    u->service_route);
	if (expires == 0 || res->expires == 0) {
		for (i = u->st.n; i-- > 0;) {
			if (strcmp(u->st.set[i].impi, u->conf->impi) != 0)
				continue;
			if ((rc = gm_sa_remove(u->xfrm, &u->st.set[i].sa, &nsa,
			    NULL)) < 0)
				snprintf(res->why, sizeof(res->why), "an SA "
				    "set was not removed whole: %s",
				    strerror(-rc));
			res->gm_removed++;
			gm_forget(u, i);
		}
		u->cur_state = GM_NONE;
		return gm_save(u);
	}
	if (res->expires < 0)
		res->expires = (long)expires;
	if ((rc = gm_sa_set_lifetime(u->xfrm, &keep->sa,
	    (uint32_t)res->expires + UE_SA_SLACK)) < 0) {
		snprintf(res->why, sizeof(res->why), "new SA lifetime: %s",
		    strerror(-rc));
		return rc;
	}
	keep->expires_at = t + res->expires + UE_SA_SLACK;
	u->cur_state = GM_NONE;		/* it carries the registration now */
	for (i = u->st.n; i-- > 0;) {
		if (&u->st.set[i] == keep ||
		    strcmp(u->st.set[i].impi, u->conf->impi) != 0)
			continue;
		if ((rc = gm_sa_remove(u->xfrm, &u->st.set[i].sa, NULL,
		    NULL)) < 0)
			log_warn("the old SA set was not removed whole: %s",
			    strerror(-rc));
		if (&u->st.set[i] < keep)
			keep--;
		gm_forget(u, i);
	}
	res->gm_sa = keep->sa;
	return gm_save(u);
}

int
ue_reg_gm_resume(struct ue_reg *u)
{
	char pc[64];

	if (!u->conf->ipsec || u->old == NULL)
		return 0;
	IMS_CHECK_RC(ue_sip_route(u->gm_sip, u->old->sa.port_uc,
	    xfrm_ip_str(&u->old->sa.pcscf, pc, sizeof(pc)),
	    u->old->sa.port_ps));
	u->leg = u->gm_sip;
	snprintf(u->service_route, sizeof(u->service_route), "%s",
	    u->old->service_route);
	/* the SPIs reserved for a new set are not needed */
	gm_drop_new(u);
	return 1;
}

struct ue_reg *
ue_reg_new(const struct ue_conf *c)
{
	struct ue_reg *u;
	char rnd[33], tag[17];

	if ((u = calloc(1, sizeof(*u))) == NULL) {
		log_err("out of memory");
		return NULL;
	}
	u->conf = c;
	if (ue_sqn_load(c->state_path, &u->sqn) < 0)
		goto fail;	/* logged */
	if ((u->mil = milenage_new(c->k, c->opc)) == NULL ||
	    ue_random_hex(rnd, 16) < 0 || ue_random_hex(tag, 8) < 0) {
		log_err("crypto library failure");
		goto fail;
	}
	if ((u->sip = ue_sip_open(c)) == NULL)
		goto fail;	/* logged */
	u->leg = u->sip;
	if (c->ipsec && gm_open(u) < 0)
		goto fail;	/* logged */
	/* TS 24.229 5.1.1.2.1: Request-URI is the home domain; From and To
	 * carry the public identity being registered. */
	snprintf(u->request_uri, sizeof(u->request_uri), "sip:%s", c->domain);
	snprintf(u->from, sizeof(u->from), "<%s>;tag=%s", c->impu, tag);
	snprintf(u->to, sizeof(u->to), "<%s>", c->impu);
	snprintf(u->call_id, sizeof(u->call_id), "%s@%s", rnd,
	    ue_sip_local_host(u->sip));
	u->cseq = 1;
	return u;
fail:
	ue_reg_free(u);
	return NULL;
}

void
ue_reg_free(struct ue_reg *u)
{
	if (u == NULL)
		return;
	ue_sip_close(u->sip);
	ue_sip_close(u->gm_sip);
	if (u->xfrm != NULL)
		xfrm_close(u->xfrm);
	milenage_free(u->mil);
	secure_wipe(u->auth, sizeof(u->auth));
	free(u);
}

static int
send_register(struct ue_reg *u, unsigned expires, struct ue_resp *resp)
{
	struct ue_req q = {
		.method = "REGISTER",
		.request_uri = u->request_uri,
		.call_id = u->call_id,
		.cseq = u->cseq++,
		.from = u->from,
		.to = u->to,
		.contact = 1,
		.expires = (long)expires,
		.authorization = u->auth,
		/* TS 24.229 5.1.1.2.1: the UE supports Path (RFC 3327). */
		.supported = "path",
	};

	if (u->conf->ipsec) {
		/* TS 24.229 5.1.1.2.2, RFC 3329 2.3.1: the same
		 * Security-Client in every REGISTER of the procedure; a
		 * request over a set verifies that set's Security-Server. */
		q.supported = "path, sec-agree";
		q.require = "sec-agree";
		q.proxy_require = "sec-agree";
		q.security_client = u->cur.client;
		q.security_verify = u->leg == u->gm_sip ? u->verify : NULL;
	}
	return ue_sip_request(u->leg, &q, u->conf->timeout_ms, resp);
}

/* TS 33.102 6.3.3: the USIM checks AUTN; a newly accepted SQN is stored
 * before the response leaves (a replay must fail even after a crash). */
static int
usim_check(struct ue_reg *u, const struct digest *chal, struct ue_result *res,
    uint8_t auts[AKA_AUTS_LEN])
{
	uint8_t rand[16], autn[16];
	int rc;

	if (digest_aka_nonce_split(chal->nonce, rand, autn, NULL, 0, NULL) < 0)
		return -EBADMSG;
	rc = aka_ue_check(u->mil, &u->sqn, rand, autn, u->conf->amf_sep,
	    res->res, res->ck, res->ik, auts);
	if (rc == AKA_OK) {
		uint8_t ak[6], sqnb[6];
		int i;

		/* SQN = (SQN xor AK) xor AK, for the report only. */
		IMS_CHECK_RC(milenage_f2345(u->mil, rand, NULL, NULL, NULL, ak));
		for (i = 0; i < 6; i++)
			sqnb[i] = autn[i] ^ ak[i];
		secure_wipe(ak, sizeof(ak));
		res->sqn = aka_sqn_from_bytes(sqnb);
		res->have_sqn = 1;
		IMS_CHECK_RC(ue_sqn_save(u->conf->state_path, &u->sqn));
	}
	return rc;
}

static void
take_final(struct ue_result *res, const struct ue_resp *resp)
{
	res->status = resp->status;
	snprintf(res->phrase, sizeof(res->phrase), "%s", resp->phrase);
	res->expires = resp->expires;
	memcpy(res->service_route, resp->service_route,
	    sizeof(res->service_route));
	memcpy(res->p_associated_uri, resp->p_associated_uri,
	    sizeof(res->p_associated_uri));
}

static int
reg_procedure(struct ue_reg *u, unsigned expires, struct ue_result *res);

int
ue_reg_register(struct ue_reg *u, unsigned expires, struct ue_result *res)
{
	int rc;

	rc = reg_procedure(u, expires, res);
	if (!u->conf->ipsec)
		return rc;
	if (rc == 0 && res->outcome == UE_REGISTERED) {
		if ((rc = gm_registered(u, expires, res)) < 0) {
			if (res->why[0] == '\0')
				snprintf(res->why, sizeof(res->why), "SA state: "
				    "%s", strerror(-rc));
			res->outcome = UE_IPSEC_FAILED;
			rc = 0;
		}
	} else
		gm_drop_new(u);
	return rc;
}

static int
reg_procedure(struct ue_reg *u, unsigned expires, struct ue_result *res)
{
	const struct ue_conf *c = u->conf;
	struct ue_resp resp;
	struct digest chal;
	uint8_t auts[AKA_AUTS_LEN];
	int challenges = 0, rc, check;

	memset(res, 0, sizeof(*res));
	res->expires = -1;
	IMS_CHECK_RC(ue_auth_initial(c, u->request_uri, u->auth, sizeof(u->auth)));
	for (;;) {
		IMS_CHECK_RC(send_register(u, expires, &resp));
		if (resp.status == 0) {
			res->outcome = resp.unreachable ? UE_UNREACHABLE :
			    UE_TIMEOUT;
			return 0;
		}
		take_final(res, &resp);
		if (resp.status >= 200 && resp.status < 300) {
			res->outcome = UE_REGISTERED;
			/* TS 24.229 5.1.1.2.2: requests follow the
			 * Service-Route learnt here. */
			memcpy(u->service_route, resp.service_route,
			    sizeof(u->service_route));
			return 0;
		}
		if (resp.status != 401 || ++challenges > UE_MAX_CHALLENGES) {
			res->outcome = UE_REJECTED;
			return 0;
		}
		if (ue_auth_challenge(&resp, &chal) < 0) {
			res->outcome = UE_NO_CHALLENGE;
			return 0;
		}
		check = usim_check(u, &chal, res, auts);
		switch (check) {
		case AKA_OK:
			if (c->ipsec && (rc = gm_challenged(u, &resp, res)) != 0) {
				if (rc < 0)
					return rc;
				res->outcome = rc == 2 ? UE_IPSEC_FAILED :
				    UE_SECAGREE_FAILED;
				return 0;
			}
			/* RFC 3310 3.3: RES is the password. */
			rc = ue_auth_answer(c, &chal, "REGISTER",
			    u->request_uri, res->res, sizeof(res->res),
			    res->ck, res->ik, NULL, u->auth, sizeof(u->auth));
			break;
		case AKA_SYNC_FAILURE:
			/* RFC 3310 3.4, TS 33.102 6.3.5: empty password and
			 * auts; the S-CSCF answers with a fresh challenge. */
			res->resync = 1;
			rc = ue_auth_answer(c, &chal, "REGISTER",
			    u->request_uri, NULL, 0, NULL, NULL, auts,
			    u->auth, sizeof(u->auth));
			break;
		case AKA_MAC_FAILURE:
		case AKA_AMF_FAILURE:
			/* TS 24.229 5.1.1.5.3: tell the network, then stop
			 * whatever it answers. */
			IMS_CHECK_RC(ue_auth_reject(c, &chal, u->request_uri,
			    u->auth, sizeof(u->auth)));
			IMS_CHECK_RC(send_register(u, expires, &resp));
			res->status = resp.status;
			res->outcome = check == AKA_MAC_FAILURE ?
			    UE_MAC_FAILURE : UE_AMF_FAILURE;
			return 0;
		case -EBADMSG:
			res->outcome = UE_NO_CHALLENGE;
			return 0;
		default:
			return check < 0 ? check : -EIO;
		}
		if (rc == -ENOTSUP) {	/* only auth-int offered */
			res->outcome = UE_NO_CHALLENGE;
			return 0;
		}
		IMS_CHECK_RC(rc);
	}
}

/*
 * TS 24.229 5.1.2A.1.1: an initial request outside a dialog goes to the
 * P-CSCF with a Route built from the Service-Route of the registration
 * (the P-CSCF's own entry is the outbound proxy we send to anyway).
 */
int
ue_reg_message(struct ue_reg *u, const char *to, const char *body,
    struct ue_resp *resp)
{
	char to_hdr[600], call_id[128], rnd[33];
	struct ue_req q;

	IMS_CHECK_RC(ue_random_hex(rnd, 16));
	snprintf(call_id, sizeof(call_id), "%s@%s", rnd,
	    ue_sip_local_host(u->sip));
	snprintf(to_hdr, sizeof(to_hdr), "<%s>", to);
	memset(&q, 0, sizeof(q));
	q.method = "MESSAGE";
	q.request_uri = to;
	q.call_id = call_id;
	q.cseq = 1;
	q.from = u->from;
	q.to = to_hdr;
	q.expires = -1;
	q.route = u->service_route[0] != '\0' ? u->service_route : NULL;
	q.content_type = "text/plain";
	q.body = body;
	/* --ipsec: over the set (UE:port_uc -> P-CSCF:port_ps, TS 33.203
	 * 7.1) that carries the registration */
	return ue_sip_request(u->leg, &q, u->conf->timeout_ms, resp);
}
