/* registrar.c - REGISTER at the S-CSCF (TS 24.229 5.4.1): AKA challenge
 * through MAR (TS 29.228 6.3), registration through SAR (6.1.2), the 200 OK
 * with Path, Service-Route and P-Associated-URI (RFC 3327, RFC 3608,
 * RFC 3455), de-registration and binding expiry.
 *
 * Each REGISTER is one sipx_cx (common/sipx): MAR or SAR, the answer on
 * the su_root thread, exactly one final response; its store writes are
 * one transaction (bindings_db.c); the rules on Contact, Expires and Path
 * are in reg_rules.c, the challenges and the MAR budget in auth.c.
 *
 * Trust: REGISTER is taken from the core only (the trust domain: our
 * P-CSCFs and I-CSCFs), since the 401 carries CK and IK; only the Path
 * entries of the trust domain are stored; a challenge is bound to the
 * (IMPI, IMPU) pair its MAR named; the HSS's SAA decides every change of
 * registration state, and a store failure after a successful SAR is
 * undone at the HSS.  With reauth unless-protected, a re-registration
 * the P-CSCF marks integrity-protected (TS 24.229 5.4.1.2.2) of a contact
 * the same IMPI registered goes to the SAR without a new challenge
 * (reg_reauth.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <sofia-sip/su_tag.h>
#include <sofia-sip/sip_tag.h>

#include "check.h"
#include "cx.h"
#include "digest.h"
#include "log.h"
#include "met.h"
#include "scscf.h"
#include "util.h"

/* REGISTERs of one (IMPI, IMPU) that wait for the MAR in flight. */
#define REG_WAITERS_MAX		32

struct reg_ctx {
	struct sipx_cx	 cx;		/* the MAR or SAR and the SIP reply */
	struct scscf	*s;
	msg_t		*req;		/* our reference to the REGISTER */
	char		 impi[SCSCF_ID_MAX];
	char		 impu[SCSCF_ID_MAX];
	char		 path[SCSCF_PATH_MAX];	/* the trusted Path entries */
	char		 peer[SIPX_PEER_MAX];	/* who sent the REGISTER */
	int		 dereg;
	uint32_t	 sar_type;
	int		 mar;		/* made a MAR (auth_reserve owner) */
	int		 resync;
	struct reg_ctx	*waiters, *wnext;	/* waiting for our MAA */
	unsigned	 nwaiters;
};

static void waiters_finish(struct reg_ctx *, int, const char *,
    const char *);

static void
ctx_release(struct sipx_cx *cx)
{
	struct reg_ctx *c = IMS_CONTAINER_OF(cx, struct reg_ctx, cx);

	if (c->mar) {
		/* No-op unless the MAR never came back (not sent). */
		auth_release(c->s->auth, c->impi, c, 0);
		waiters_finish(c, 500, "Server Internal Error", NULL);
	}
	msg_destroy(c->req);
	free(c);
}

/* RFC 3261 21.5.4, 20.33: 503 with Retry-After. */
static void
reply_503(struct sipx_cx *cx, unsigned retry_after)
{
	char ra[16];

	(void)snprintf(ra, sizeof(ra), "%u", retry_after);
	if (sipx_cx_treply(cx, 503, "Service Unavailable",
	    SIPTAG_RETRY_AFTER_STR(ra), TAG_END()) < 0)
		log_warn("registrar: cannot send 503");
}

/* ---- MAR: challenge (TS 24.229 5.4.1.2.1) ---- */

/* No room for another pending challenge now; Retry-After says when the
 * oldest one expires. */
static void
reply_busy(struct reg_ctx *c)
{
	struct auth_stats st;

	auth_store_stats(c->s->auth, &st);
	metric_inc1(&met_auth_failures, MET_AUTH_TOO_MANY_CHALLENGES);
	log_sec(LOG_LVL_WARN, 1, c->impi, c->peer, "registrar: %zu "
	    "challenges pending (capacity %zu): 503", st.pending, st.capacity);
	reply_503(&c->cx, auth_store_retry_after(c->s->auth));
}

static void
reply_401(struct reg_ctx *c, const char *hdr)
{
	if (sipx_cx_treply(&c->cx, 401, "Unauthorized",
	    SIPTAG_WWW_AUTHENTICATE_STR(hdr), TAG_END()) < 0)
		log_warn("registrar: cannot send 401");
}

/* The REGISTERs that waited for c's MAA get what c got: the same 401
 * (hdr), or status. */
static void
waiters_finish(struct reg_ctx *c, int status, const char *phrase,
    const char *hdr)
{
	struct reg_ctx *w;

	while ((w = c->waiters) != NULL) {
		c->waiters = w->wnext;
		if (hdr != NULL)
			reply_401(w, hdr);
		else if (status == 503)
			reply_503(&w->cx, auth_store_retry_after(c->s->auth));
		else
			sipx_cx_reply(&w->cx, status, phrase);
		sipx_cx_finish(&w->cx, 500, "Server Internal Error");
	}
	c->nwaiters = 0;
}

static void
mar_done(struct sipx_cx *cx, const struct cx_answer *a)
{
	struct reg_ctx *c = IMS_CONTAINER_OF(cx, struct reg_ctx, cx);
	char hdr[DIGEST_FORMAT_MAX];
	const char *phrase;
	int status, rc;

	if ((status = sipx_cx_status(a, &phrase)) != 0) {
		log_info("registrar: MAR for %s failed (status %d, result "
		    "%u/%u): %d", c->impi, a->status, a->result_code,
		    a->exp_result_code, status);
		metric_inc1(&met_auth_failures, a->status != 0 ?
		    MET_AUTH_HSS_UNREACHABLE : a->exp_result_code ==
		    CX_ERROR_USER_UNKNOWN ? MET_AUTH_UNKNOWN_USER :
		    MET_AUTH_HSS_REFUSED);
		/* An answer of the HSS's own (not 504: no HSS decided):
		 * no vector, no SQN; it does not count. */
		auth_release(c->s->auth, c->impi, c, a->status == 0 &&
		    status != 504);
		sipx_cx_reply(cx, status, phrase);
		waiters_finish(c, status, phrase, NULL);
		return;
	}
	rc = a->n_items == 0 ? -EINVAL : auth_challenge(c->s->auth, c->impi,
	    c->impu, c, c->s->domain, &a->items[0], hdr, sizeof(hdr));
	if (rc == -ENOSPC) {
		reply_busy(c);
		waiters_finish(c, 503, NULL, NULL);
		return;
	}
	if (rc < 0) {
		log_sec(LOG_LVL_WARN, 1, c->impi, c->peer,
		    "registrar: MAA without a usable vector");
		auth_release(c->s->auth, c->impi, c, 0);
		waiters_finish(c, 500, "Server Internal Error", NULL);
		return;		/* 500 */
	}
	reply_401(c, hdr);
	log_sec(LOG_LVL_INFO, 1, c->impi, c->peer, "registrar: challenged "
	    "(%u waiting)", c->nwaiters);
	waiters_finish(c, 401, NULL, hdr);
	secure_wipe(hdr, sizeof(hdr));
}

/* TS 24.229 5.4.1.2.1: the 401.  A pending challenge of the same pair
 * is sent again, a MAR in flight for it is waited for; otherwise a MAR,
 * within the IMPI's MAR budget and with room reserved first (without
 * either, 503 and nothing goes to the HSS). */
static void
challenge(struct reg_ctx *c, const char *algorithm, const uint8_t *resync,
    size_t resync_len)
{
	struct auth_store *st = c->s->auth;
	struct reg_ctx *o;
	struct cx_req r;
	char hdr[DIGEST_FORMAT_MAX];
	unsigned ra = 1;
	int rc;

	if (resync == NULL) {
		if (auth_pending(st, c->impi, c->impu, 0, c->s->domain, hdr,
		    sizeof(hdr)) == 0) {
			reply_401(c, hdr);
			secure_wipe(hdr, sizeof(hdr));
			log_debug("registrar: %s: pending challenge sent again",
			    c->impi);
			sipx_cx_finish(&c->cx, 500, "Server Internal Error");
			return;
		}
		if ((o = auth_inflight(st, c->impi)) != NULL && !o->resync &&
		    strcmp(o->impu, c->impu) == 0) {
			if (o->nwaiters >= REG_WAITERS_MAX) {
				reply_503(&c->cx, 1);
				sipx_cx_finish(&c->cx, 500, NULL);
				return;
			}
			c->wnext = o->waiters;
			o->waiters = c;
			o->nwaiters++;
			return;
		}
	}
	rc = auth_reserve(st, c->impi, c, &ra);
	if (rc == -EAGAIN && resync == NULL && auth_pending(st, c->impi,
	    c->impu, 1, c->s->domain, hdr, sizeof(hdr)) == 0) {
		/* No MAR left: the challenge still answerable, whatever
		 * happened to it, rather than a 503. */
		reply_401(c, hdr);
		secure_wipe(hdr, sizeof(hdr));
		sipx_cx_finish(&c->cx, 500, "Server Internal Error");
		return;
	}
	if (rc == -EAGAIN) {
		log_sec(LOG_LVL_WARN, 1, c->impi, c->peer, "registrar: %u "
		    "MARs within %u s: 503, retry after %u s",
		    c->s->mar_limit, c->s->mar_window, ra);
		metric_inc1(&met_auth_failures, MET_AUTH_TOO_MANY_CHALLENGES);
		reply_503(&c->cx, ra);
		sipx_cx_finish(&c->cx, 500, "Server Internal Error");
		return;
	}
	if (rc < 0) {
		reply_busy(c);
		sipx_cx_finish(&c->cx, 500, "Server Internal Error");
		return;
	}
	c->mar = 1;
	c->resync = resync != NULL;
	memset(&r, 0, sizeof(r));
	r.dest_realm = c->s->dest_realm;
	r.impi = c->impi;
	r.impu = c->impu;
	r.server_name = c->s->name;
	r.auth_scheme = algorithm != NULL &&
	    strcasecmp(algorithm, "AKAv2-MD5") == 0 ?
	    "Digest-AKAv2-MD5" : "Digest-AKAv1-MD5";
	r.auth_items = 1;
	r.sip_authorization = resync;
	r.sip_authorization_len = resync_len;
	r.timeout_ms = c->s->dia_timeout_ms;
	sipx_cx_send(&c->cx, CX_CMD_MAR, &r, mar_done);
}

/* RFC 3261 10.3 step 8: every current binding; RFC 3327 5.3: the Path
 * as stored. */
static int
reply_200(struct reg_ctx *c, const char *assoc)
{
	struct binding bn[SCSCF_MAX_BINDINGS];
	char contacts[SCSCF_MAX_BINDINGS * (sizeof(bn[0].contact) + 32)];
	char pau[SCSCF_ASSOC_MAX + 32];
	int64_t now = (int64_t)time(NULL);
	size_t n, i, len = 0;
	int w;

	IMS_CHECK_RC(bdb_bindings_get(c->s->db, c->impu, now, bn,
	    SCSCF_MAX_BINDINGS, &n));
	contacts[0] = '\0';
	for (i = 0; i < n; i++) {
		w = snprintf(contacts + len, sizeof(contacts) - len,
		    "%s<%s>;expires=%lld", len ? ", " : "", bn[i].contact,
		    (long long)(bn[i].expires_at - now));
		if (w < 0 || (size_t)w >= sizeof(contacts) - len)
			break;
		len += (size_t)w;
	}
	(void)snprintf(pau, sizeof(pau), "P-Associated-URI: %s", assoc);
	return sipx_cx_treply(&c->cx, 200, "OK",
	    TAG_IF(len > 0, SIPTAG_CONTACT_STR(contacts)),
	    TAG_IF(c->path[0] != '\0', SIPTAG_PATH_STR(c->path)),
	    TAG_IF(!c->dereg, SIPTAG_SERVICE_ROUTE_STR(c->s->service_route)),
	    TAG_IF(!c->dereg, SIPTAG_HEADER_STR(pau)),
	    TAG_END());
}

/* RFC 3261 10.3 step 7: the registration row and the bindings in one
 * transaction.  A failed write changes nothing. */
static int
store(struct reg_ctx *c, sip_t const *sip, const char *assoc, int put_reg)
{
	size_t after;
	int rc;

	IMS_CHECK_RC(bdb_begin(c->s->db));
	/* Checked again: another REGISTER may have changed the bindings
	 * while the SAR was out. */
	if ((rc = reg_bindings_check(c->s, c->impu, sip, &after)) < 0 ||
	    (put_reg && (rc = bdb_reg_put(c->s->db, c->impu, c->impi, assoc,
	    1)) < 0) || (rc = reg_bindings_update(c->s, c->impu, c->path,
	    sip)) < 0 ||
	    (rc = bdb_commit(c->s->db)) < 0) {
		bdb_rollback(c->s->db);
		log_warn("registrar: store for %s failed, rolled back: %s",
		    c->impu, strerror(-rc));
		return rc;
	}
	return 0;
}

/* Refusals of reg_bindings_check and store: 403 for too many contacts, 500
 * otherwise (RFC 3261 10.3 step 7: "the request fails"). */
static void
reply_store_error(struct reg_ctx *c, int rc)
{
	if (rc == -E2BIG) {
		log_info("registrar: %s: more than %u contacts: 403", c->impu,
		    c->s->max_contacts);
		sipx_cx_reply(&c->cx, 403, "Too Many Contacts");
	} else if (rc == -EALREADY) {
		log_info("registrar: %s: CSeq not above the binding's: 500",
		    c->impu);
		sipx_cx_reply(&c->cx, 500, "Out Of Order CSeq");
	} else if (rc == -EINVAL)
		sipx_cx_reply(&c->cx, 400, "Bad Contact");
	else
		sipx_cx_reply(&c->cx, 500, "Server Internal Error");
}

/* ---- SAR (TS 24.229 5.4.1.2.2, 5.4.1.4) ---- */

static void
sar_done(struct sipx_cx *cx, const struct cx_answer *a)
{
	struct reg_ctx *c = IMS_CONTAINER_OF(cx, struct reg_ctx, cx);
	sip_t const *sip = sip_object(c->req);
	char assoc[SCSCF_ASSOC_MAX];
	const char *phrase;
	int status, registered = 0, rc;

	/* TS 29.228 6.1.2: the HSS decides; on any failure the bindings
	 * stay as they are. */
	if ((status = sipx_cx_status(a, &phrase)) != 0) {
		log_info("registrar: SAR %u for %s failed (status %d, result "
		    "%u/%u): %d", c->sar_type, c->impu, a->status,
		    a->result_code, a->exp_result_code, status);
		/* No answer: the HSS may still register the user, and is
		 * told to forget it again later.  A de-registration
		 * without an answer keeps the bindings; the UE tries
		 * again. */
		if (a->status != 0 && c->sar_type == CX_SAT_REGISTRATION)
			reg_undo_add(c->s, c->impi, c->impu, 2 *
			    (time_t)(c->s->dia_timeout_ms / 1000 + 1));
		sipx_cx_reply(cx, status, phrase);
		return;
	}
	if (c->dereg) {
		/* TS 24.229 5.4.1.4: removed once the HSS agreed; the
		 * subscribers hear of it first (5.4.2.1.2). */
		regevent_terminated(c->s, c->impu, "unregistered");
		if (bdb_deregister(c->s->db, c->impu) < 0) {
			log_err("registrar: %s de-registered at the HSS, the "
			    "store kept it", c->impu);
			return;		/* 500 */
		}
		auth_forget(c->s->auth, c->impi);
		if (reply_200(c, "") < 0)
			log_warn("registrar: cannot answer the de-registration");
		log_info("registrar: %s de-registered", c->impu);
		return;
	}
	if (a->user_data != NULL) {
		if (user_data_assoc(a->user_data, a->user_data_len, c->impu,
		    assoc, sizeof(assoc)) < 0)
			log_warn("registrar: P-Associated-URI for %s cut to %s",
			    c->impu, assoc);
		if (assoc[0] == '\0')
			(void)snprintf(assoc, sizeof(assoc), "<%s>", c->impu);
	} else if (bdb_reg_get(c->s->db, c->impu, NULL, 0, &registered, assoc,
	    sizeof(assoc)) < 0 || assoc[0] == '\0')
		(void)snprintf(assoc, sizeof(assoc), "<%s>", c->impu);
	if ((rc = store(c, sip, assoc, 1)) < 0) {
		/* Handlers never leave the HSS and us disagreeing. */
		if (c->sar_type == CX_SAT_REGISTRATION)
			reg_undo_add(c->s, c->impi, c->impu, 0);
		reply_store_error(c, rc);
		return;
	}
	reg_undo_cancel(c->s, c->impu);
	if (reply_200(c, assoc) < 0)
		log_warn("registrar: cannot answer %s", c->impu);
	log_sec(LOG_LVL_INFO, 1, c->impu, c->peer, "registrar: registered "
	    "(%s)", c->sar_type == CX_SAT_REGISTRATION ? "REGISTRATION" :
	    "RE_REGISTRATION");
}

/* After authentication: the (IMPI, IMPU) pair is the one the HSS vouched
 * for in the MAA, or, for a protected re-registration without a new
 * challenge (reg_reauth_needed), the one an earlier authentication
 * registered.  Either way the SAR lets the HSS decide (TS 29.228 6.1.2:
 * RE_REGISTRATION, USER_DEREGISTRATION). */
static void
assign(struct reg_ctx *c)
{
	struct cx_req r;
	sip_t const *sip = sip_object(c->req);
	char assoc[SCSCF_ASSOC_MAX], owner[SCSCF_ID_MAX];
	size_t after = 0;
	int registered = 0, rc;

	owner[0] = '\0';
	rc = bdb_reg_get(c->s->db, c->impu, owner, sizeof(owner), &registered,
	    assoc, sizeof(assoc));
	if (rc < 0 && rc != -ENOENT) {
		sipx_cx_finish(&c->cx, 500, "Server Internal Error");
		return;
	}
	if ((rc = reg_bindings_check(c->s, c->impu, sip, &after)) < 0) {
		reply_store_error(c, rc);
		sipx_cx_finish(&c->cx, 500, "Server Internal Error");
		return;
	}
	if (c->dereg && registered && after > 0) {
		/* RFC 3261 10.3 step 7: some contacts removed, the
		 * registration stays: no SAR.  Only by the IMPI the
		 * registration is held for. */
		c->dereg = 0;
		if (strcmp(owner, c->impi) != 0) {
			log_sec(LOG_LVL_WARN, 1, c->impi, c->peer,
			    "registrar: may not remove contacts of %s "
			    "(registered by %s): 403", c->impu, owner);
			sipx_cx_finish(&c->cx, 403, "Forbidden");
			return;
		}
		if ((rc = store(c, sip, assoc, 0)) < 0)
			reply_store_error(c, rc);
		else if (reply_200(c, assoc) < 0)
			log_warn("registrar: cannot answer %s", c->impu);
		sipx_cx_finish(&c->cx, 500, "Server Internal Error");
		return;
	}
	if (c->dereg && !registered) {
		/* Nothing to tell the HSS. */
		if (reply_200(c, "") < 0)
			log_warn("registrar: cannot answer");
		sipx_cx_finish(&c->cx, 500, "Server Internal Error");
		return;
	}
	c->sar_type = c->dereg ? CX_SAT_USER_DEREGISTRATION :
	    registered ? CX_SAT_RE_REGISTRATION : CX_SAT_REGISTRATION;
	memset(&r, 0, sizeof(r));
	r.dest_realm = c->s->dest_realm;
	r.impi = c->impi;
	r.impu = c->impu;
	r.server_name = c->s->name;
	r.sar_type = c->sar_type;
	r.user_data_available = 0;
	r.timeout_ms = c->s->dia_timeout_ms;
	sipx_cx_send(&c->cx, CX_CMD_SAR, &r, sar_done);
}

/* ---- the REGISTER request ---- */

/* TS 24.229 5.4.1.2.2 step 1: whether the user is authenticated again
 * (reg_reauth_needed, the reauth setting); the path taken is logged, at
 * info when the REGISTER claimed protection.  A store that cannot tell
 * means authentication. */
static int
needs_reauth(struct reg_ctx *c, sip_t const *sip, const struct digest *d)
{
	enum reg_intprot ip = reg_intprot_get(d);
	const char *why;

	if (reg_reauth_needed(c->s, c->impi, c->impu, sip, d, &why) == 0) {
		log_sec(LOG_LVL_INFO, 2, c->impi, c->peer, "registrar: %s: "
		    "integrity-protected=%s: %s accepted protected, no new "
		    "challenge", c->impu, reg_intprot_name(ip), c->dereg ?
		    "de-registration" : "re-registration");
		return 0;
	}
	if (reg_intprot_protected(ip))
		log_sec(LOG_LVL_INFO, 2, c->impi, c->peer, "registrar: %s: "
		    "integrity-protected=%s: authentication required (%s): "
		    "challenged unless it answers a challenge", c->impu,
		    reg_intprot_name(ip), why);
	else
		log_debug("registrar: %s (%s): integrity-protected=%s: "
		    "authentication required (%s)", c->impu, c->impi,
		    reg_intprot_name(ip), why);
	return 1;
}

/* After the checks: credentials, challenge or authentication; a
 * protected re-registration may skip them (needs_reauth).  An AUTS is
 * always a resynchronisation. */
static void
authenticate(struct reg_ctx *c, sip_t const *sip, struct digest *d)
{
	uint8_t resync[16 + 14];
	int rc;

	rc = sipx_auth_creds(sip, d);
	if (!DIGEST_HAS(d, DIGEST_AUTS) && !needs_reauth(c, sip, d)) {
		assign(c);
		return;
	}
	if (rc != 0 || !DIGEST_HAS(d, DIGEST_NONCE) || d->nonce[0] == '\0') {
		challenge(c, DIGEST_HAS(d, DIGEST_ALGORITHM) ? d->algorithm :
		    NULL, NULL, 0);
		return;
	}
	/* RFC 3310 3.4: synchronisation failure; MAR with RAND || AUTS
	 * (TS 29.228 6.3.1).  The challenges stay until the MAA brings the
	 * new one (a forged AUTS wipes nothing: the HSS checks MAC-S). */
	if (DIGEST_HAS(d, DIGEST_AUTS)) {
		if (auth_rand(c->s->auth, c->impi, d->nonce, resync) < 0 ||
		    digest_auts(d, resync + 16) < 0) {
			metric_inc1(&met_auth_failures, MET_AUTH_BAD_AUTS);
			challenge(c, d->algorithm, NULL, 0);
			return;
		}
		log_sec(LOG_LVL_INFO, 1, c->impi, c->peer,
		    "registrar: resynchronisation (AUTS)");
		metric_inc1(&met_auth_failures, MET_AUTH_SYNC_FAILURE);
		challenge(c, d->algorithm, resync, sizeof(resync));
		secure_wipe(resync, sizeof(resync));
		return;
	}
	rc = auth_verify(c->s->auth, c->impi, c->impu, d, "REGISTER");
	if (rc == -ESTALE) {
		metric_inc1(&met_auth_failures, MET_AUTH_STALE_NONCE);
		challenge(c, d->algorithm, NULL, 0);
		return;
	}
	if (rc != 1) {
		/* TS 24.229 5.4.1.2.3: authentication failed, no SAR.  The
		 * challenge stays for the UE that holds RES. */
		log_sec(LOG_LVL_WARN, 1, c->impi, c->peer, "registrar: "
		    "authentication failed (%s): 403", rc == -EPROTO ?
		    "no qop=auth, or nc replayed" : d->response[0] == '\0' ?
		    "the UE refused the network (MAC)" : "wrong response");
		metric_inc1(&met_auth_failures, d->response[0] == '\0' ?
		    MET_AUTH_MAC_FAILURE : rc == -EPROTO ?
		    MET_AUTH_NO_QOP_OR_REPLAY : MET_AUTH_WRONG_RESPONSE);
		sipx_cx_finish(&c->cx, 403, "Forbidden");
		return;
	}
	assign(c);
}

int
registrar_request(struct scscf *s, nta_incoming_t *irq, sip_t const *sip)
{
	struct reg_ctx *c;
	struct digest d;
	int rc;

	/* TS 24.229 5.4.1.1, TS 33.203 6.1: REGISTER comes from the core
	 * (our P-CSCFs through the I-CSCF); the 401 carries CK and IK. */
	if (!sipx_from_trusted(&s->trust, irq)) {
		char peer[SIPX_PEER_MAX];

		sipx_peer(irq, peer, sizeof(peer));
		log_sec(LOG_LVL_WARN, 1, sip->sip_to != NULL ?
		    sip->sip_to->a_url->url_user : NULL, peer, "registrar: "
		    "REGISTER from outside the trust domain: 403");
		sipx_reply(irq, 403, "Forbidden");
		return 0;
	}
	if (sip->sip_to == NULL || sip->sip_call_id == NULL ||
	    sip->sip_cseq == NULL) {
		sipx_reply(irq, 400, "Bad Request");
		return 0;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		sipx_reply(irq, 500, "Server Internal Error");
		return 0;
	}
	sipx_cx_init(&c->cx, &s->sa, irq, ctx_release);
	c->s = s;
	c->req = nta_incoming_getrequest(irq);
	sipx_peer(irq, c->peer, sizeof(c->peer));
	if (c->req == NULL ||
	    sipx_aor(sip->sip_to->a_url, c->impu, sizeof(c->impu)) < 0) {
		sipx_cx_finish(&c->cx, 400, "Bad Request");
		return 0;
	}
	/* RFC 3261 10.2.1.1: a malformed expiry is refused, never guessed.
	 * Sofia keeps an Expires above 2^32 - 1 (RFC 3261 20.19) as it
	 * came, which sipx_contact_expires would truncate (2^32 to 0: a
	 * removal). */
	if ((sip->sip_expires != NULL &&
	    sip->sip_expires->ex_delta > 0xffffffffUL) ||
	    (c->dereg = sipx_is_deregistration(sip)) < 0) {
		sipx_cx_finish(&c->cx, 400, "Bad Expires");
		return 0;
	}
	if (!reg_wildcard_ok(sip)) {
		sipx_cx_finish(&c->cx, 400, "Invalid Contact *");
		return 0;
	}
	if ((rc = reg_path_trusted(s, sip, msg_home(c->req), c->path,
	    sizeof(c->path))) < 0) {
		sipx_cx_finish(&c->cx, rc == -EPERM ? 403 : 500,
		    rc == -EPERM ? "Forbidden" : "Path Too Long");
		return 0;
	}
	/* TS 24.229 5.4.1.2.1: the private identity is the username of the
	 * Authorization header, else derived from the public one (the same
	 * reading as the I-CSCF's: sipx_register_impi). */
	if (sipx_register_impi(sip, c->impu, c->impi, sizeof(c->impi)) < 0) {
		sipx_cx_finish(&c->cx, 400, "Bad Authorization");
		return 0;
	}
	authenticate(c, sip, &d);
	secure_wipe(&d, sizeof(d));
	return 0;
}

/* ---- network-initiated de-registration ---- */

static void
timeout_sar_cb(void *arg, struct cx_answer *a)
{
	(void)arg;
	if (a->status != 0 || a->result_code != DIA_SUCCESS)
		log_warn("registrar: SAR TIMEOUT_DEREGISTRATION: status %d "
		    "result %u", a->status, a->result_code);
	cx_answer_free(a);
}

static void
expired(void *arg, const char *impu, const char *impi)
{
	struct scscf *s = arg;
	struct cx_req r;

	/* TS 24.229 5.4.1.5 / TS 29.228 6.1.2: registration timed out. */
	log_info("registrar: %s expired", impu);
	regevent_terminated(s, impu, "expired");
	auth_forget(s->auth, impi);
	memset(&r, 0, sizeof(r));
	r.dest_realm = s->dest_realm;
	r.impi = impi;
	r.impu = impu;
	r.server_name = s->name;
	r.sar_type = CX_SAT_TIMEOUT_DEREGISTRATION;
	r.timeout_ms = s->dia_timeout_ms;
	if (cx_sar_send(&r, timeout_sar_cb, NULL) < 0)
		log_warn("registrar: cannot send SAR for %s", impu);
}

int
registrar_init(struct scscf *s)
{
	size_t cap = s->max_challenges ? s->max_challenges :
	    SCSCF_MAX_CHALLENGES_DEFAULT;

	if (s->max_contacts == 0)
		s->max_contacts = SCSCF_MAX_CONTACTS_DEFAULT;
	if (s->mar_limit == 0)
		s->mar_limit = AUTH_MAR_LIMIT_DEFAULT;
	if (s->mar_window == 0)
		s->mar_window = AUTH_MAR_WINDOW_DEFAULT;
	IMS_CHECK_PARAMS(s->max_contacts <= SCSCF_MAX_BINDINGS);
	IMS_CHECK_MALLOC(s->auth = auth_store_new(cap));
	IMS_CHECK_RC(auth_store_set_mar_limit(s->auth, s->mar_limit,
	    s->mar_window));
	log_info("registrar: room for %zu challenges, %u MARs per IMPI in "
	    "%u s, %u contacts per identity, reauth %s", cap, s->mar_limit,
	    s->mar_window, s->max_contacts, s->reauth ==
	    REG_REAUTH_UNLESS_PROTECTED ? "unless-protected" : "always");
	return 0;
}

void
registrar_fini(struct scscf *s)
{
	reg_undo_fini(s);
	auth_store_free(s->auth);
	s->auth = NULL;
}

void
registrar_expire(struct scscf *s)
{
	reg_undo_tick(s);
	regevent_tick(s);
	if (bdb_expire(s->db, (int64_t)time(NULL), expired, s) < 0)
		log_warn("registrar: expiry sweep failed");
}
