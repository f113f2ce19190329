/* registrar.c - REGISTER at the S-CSCF (TS 24.229 5.4.1): AKA challenge
 * through MAR (TS 29.228 6.3), registration through SAR (6.1.2), the 200 OK
 * with Path, Service-Route and P-Associated-URI (RFC 3327, RFC 3608,
 * RFC 3455), de-registration and binding expiry.
 *
 * Each REGISTER is one sipx_cx (common/sipx): MAR or SAR, the answer on
 * the su_root thread, exactly one final response; its store writes are
 * one transaction (bindings_db.c).
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
#include "scscf.h"
#include "util.h"

struct reg_ctx {
	struct sipx_cx	 cx;		/* the MAR or SAR and the SIP reply */
	struct scscf	*s;
	msg_t		*req;		/* our reference to the REGISTER */
	char		 impi[SCSCF_ID_MAX];
	char		 impu[SCSCF_ID_MAX];
	int		 dereg;
	uint32_t	 sar_type;
};

static void
ctx_release(struct sipx_cx *cx)
{
	struct reg_ctx *c = IMS_CONTAINER_OF(cx, struct reg_ctx, cx);

	msg_destroy(c->req);
	free(c);
}

/* ---- MAR: challenge (TS 24.229 5.4.1.2.1) ---- */

/* RFC 3261 21.5.4, 20.33: no room for another pending challenge now;
 * Retry-After says when the oldest one expires. */
static void
reply_busy(struct reg_ctx *c)
{
	struct auth_stats st;
	char ra[16];

	auth_store_stats(c->s->auth, &st);
	(void)snprintf(ra, sizeof(ra), "%u",
	    auth_store_retry_after(c->s->auth));
	log_warn("registrar: %s: %zu challenges pending (capacity %zu): 503",
	    c->impi, st.pending, st.capacity);
	if (sipx_cx_treply(&c->cx, 503, "Service Unavailable",
	    SIPTAG_RETRY_AFTER_STR(ra), TAG_END()) < 0)
		log_warn("registrar: cannot send 503");
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
		auth_release(c->s->auth, c->impi);
		sipx_cx_reply(cx, status, phrase);
		return;
	}
	rc = a->n_items == 0 ? -EINVAL : auth_challenge(c->s->auth, c->impi,
	    c->s->domain, &a->items[0], hdr, sizeof(hdr));
	if (rc == -ENOSPC) {
		reply_busy(c);
		return;
	}
	if (rc < 0) {
		log_warn("registrar: MAA for %s without a usable vector",
		    c->impi);
		auth_release(c->s->auth, c->impi);
		return;		/* 500 */
	}
	if (sipx_cx_treply(cx, 401, "Unauthorized",
	    SIPTAG_WWW_AUTHENTICATE_STR(hdr), TAG_END()) < 0)
		log_warn("registrar: cannot send 401");
	else
		log_info("registrar: %s challenged", c->impi);
	secure_wipe(hdr, sizeof(hdr));
}

/* TS 24.229 5.4.1.2.1: MAR, then the 401.  The challenge's room is
 * reserved first: without room nothing goes to the HSS (503). */
static void
challenge(struct reg_ctx *c, const char *algorithm, const uint8_t *resync,
    size_t resync_len)
{
	struct cx_req r;

	if (auth_reserve(c->s->auth, c->impi) == -ENOSPC) {
		reply_busy(c);
		sipx_cx_finish(&c->cx, 500, "Server Internal Error");
		return;
	}
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

/* ---- SAR and the 200 OK (TS 24.229 5.4.1.2.2) ---- */

/* RFC 3261 10.3 step 7: apply the Contact list of the request. */
static int
bindings_update(struct reg_ctx *c, sip_t const *sip)
{
	struct binding bn;
	const sip_contact_t *m;
	int64_t now = (int64_t)time(NULL);
	unsigned exp;

	memset(&bn, 0, sizeof(bn));
	IMS_CHECK_RC(sipx_route_join(sip->sip_path, msg_home(c->req), bn.path,
	    sizeof(bn.path)));
	(void)snprintf(bn.call_id, sizeof(bn.call_id), "%s",
	    sip->sip_call_id->i_id);
	bn.cseq = sip->sip_cseq->cs_seq;
	for (m = sip->sip_contact; m != NULL; m = m->m_next) {
		if (m->m_url->url_type == url_any)
			continue;
		IMS_CHECK_RC(sipx_url_str(m->m_url, bn.contact,
		    sizeof(bn.contact)));
		IMS_CHECK_RC(sipx_contact_expires(sip, m, c->s->max_expires,
		    &exp));
		if (exp > c->s->max_expires)
			exp = c->s->max_expires;
		if (exp == 0) {
			IMS_CHECK_RC(bdb_binding_del(c->s->db, c->impu, bn.contact));
			continue;
		}
		bn.expires_at = now + exp;
		IMS_CHECK_RC(bdb_binding_put(c->s->db, c->impu, &bn));
	}
	return 0;
}

static int
reply_200(struct reg_ctx *c, sip_t const *sip, const char *assoc)
{
	struct binding bn[SCSCF_MAX_BINDINGS];
	char contacts[sizeof(bn[0].contact) * 2 + 32];
	char path[SCSCF_PATH_MAX], pau[SCSCF_ASSOC_MAX + 32];
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
	IMS_CHECK_RC(sipx_route_join(sip->sip_path, msg_home(c->req), path,
	    sizeof(path)));
	(void)snprintf(pau, sizeof(pau), "P-Associated-URI: %s", assoc);
	return sipx_cx_treply(&c->cx, 200, "OK",
	    TAG_IF(len > 0, SIPTAG_CONTACT_STR(contacts)),
	    TAG_IF(path[0] != '\0', SIPTAG_PATH_STR(path)),
	    TAG_IF(!c->dereg, SIPTAG_SERVICE_ROUTE_STR(c->s->service_route)),
	    TAG_IF(!c->dereg, SIPTAG_HEADER_STR(pau)),
	    TAG_END());
}

/* RFC 3261 10.3 steps 7-8: the registration row and the bindings in one
 * transaction, then the 200 OK.  A failed write changes nothing. */
static int
store_and_reply(struct reg_ctx *c, sip_t const *sip, const char *assoc,
    int put_reg)
{
	int rc;

	IMS_CHECK_RC(bdb_begin(c->s->db));
	if ((put_reg && (rc = bdb_reg_put(c->s->db, c->impu, c->impi, assoc,
	    1)) < 0) || (rc = bindings_update(c, sip)) < 0 ||
	    (rc = bdb_commit(c->s->db)) < 0) {
		bdb_rollback(c->s->db);
		log_warn("registrar: store for %s failed, rolled back: %s",
		    c->impu, strerror(-rc));
		return rc;
	}
	return reply_200(c, sip, assoc);
}

static void
sar_done(struct sipx_cx *cx, const struct cx_answer *a)
{
	struct reg_ctx *c = IMS_CONTAINER_OF(cx, struct reg_ctx, cx);
	sip_t const *sip = sip_object(c->req);
	char assoc[SCSCF_ASSOC_MAX];
	const char *phrase;
	int status, registered = 0;

	if (c->dereg) {
		/* TS 24.229 5.4.1.4: the bindings go whatever the HSS says. */
		auth_forget(c->s->auth, c->impi);
		if (bdb_deregister(c->s->db, c->impu) < 0) {
			log_warn("registrar: de-registration of %s: store",
			    c->impu);
			return;		/* 500 */
		}
		if (reply_200(c, sip, "") < 0)
			log_warn("registrar: cannot answer the de-registration");
		log_info("registrar: %s de-registered (SAA %u)", c->impu,
		    a->result_code);
		return;
	}
	if ((status = sipx_cx_status(a, &phrase)) != 0) {
		log_info("registrar: SAR for %s failed (status %d, result "
		    "%u/%u): %d", c->impu, a->status, a->result_code,
		    a->exp_result_code, status);
		sipx_cx_reply(cx, status, phrase);
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
	if (store_and_reply(c, sip, assoc, 1) < 0)
		return;		/* 500 */
	log_info("registrar: %s registered (%s)", c->impu,
	    c->sar_type == CX_SAT_REGISTRATION ? "REGISTRATION" :
	    "RE_REGISTRATION");
}

/* Live bindings of the identity that this request does not remove. */
static size_t
bindings_kept(struct reg_ctx *c, sip_t const *sip)
{
	struct binding bn[SCSCF_MAX_BINDINGS];
	const sip_contact_t *m;
	char uri[sizeof(bn[0].contact)];
	size_t n, i, kept = 0;

	if (bdb_bindings_get(c->s->db, c->impu, (int64_t)time(NULL), bn,
	    SCSCF_MAX_BINDINGS, &n) < 0)
		return 0;
	for (i = 0; i < n; i++) {
		for (m = sip->sip_contact; m != NULL; m = m->m_next) {
			if (m->m_url->url_type == url_any)
				return 0;	/* "*": all go */
			if (sipx_url_str(m->m_url, uri, sizeof(uri)) == 0 &&
			    strcmp(uri, bn[i].contact) == 0)
				break;
		}
		if (m == NULL)
			kept++;
	}
	return kept;
}

static void
assign(struct reg_ctx *c)
{
	struct cx_req r;
	sip_t const *sip = sip_object(c->req);
	char assoc[SCSCF_ASSOC_MAX];
	int registered = 0;

	if (bdb_reg_get(c->s->db, c->impu, NULL, 0, &registered, assoc,
	    sizeof(assoc)) < 0)
		registered = 0;
	if (c->dereg && registered && bindings_kept(c, sip) > 0) {
		/* RFC 3261 10.3 step 7: some contacts removed, the
		 * registration stays: no SAR. */
		c->dereg = 0;
		if (store_and_reply(c, sip, assoc, 0) < 0)
			log_warn("registrar: cannot update %s", c->impu);
		sipx_cx_finish(&c->cx, 500, "Server Internal Error");
		return;
	}
	if (c->dereg && !registered) {
		/* Nothing to tell the HSS. */
		if (reply_200(c, sip, "") < 0)
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

int
registrar_request(struct scscf *s, nta_incoming_t *irq, sip_t const *sip)
{
	struct reg_ctx *c;
	struct digest d;
	uint8_t resync[16 + 14];
	int rc, have_creds = 0;

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
	if (c->req == NULL ||
	    sipx_aor(sip->sip_to->a_url, c->impu, sizeof(c->impu)) < 0) {
		sipx_cx_finish(&c->cx, 400, "Bad Request");
		return 0;
	}
	/* RFC 3261 10.2.1.1: a malformed expiry is refused, never guessed. */
	if ((c->dereg = sipx_is_deregistration(sip)) < 0) {
		sipx_cx_finish(&c->cx, 400, "Bad Expires");
		return 0;
	}
	/* TS 24.229 5.4.1.2.1: the private identity is the username of the
	 * Authorization header, else derived from the public one (the same
	 * reading as the I-CSCF's: sipx_register_impi). */
	rc = sipx_auth_creds(sip, &d);
	if (rc == -EINVAL || sipx_register_impi(sip, c->impu, c->impi,
	    sizeof(c->impi)) < 0) {
		secure_wipe(&d, sizeof(d));
		sipx_cx_finish(&c->cx, 400, "Bad Authorization");
		return 0;
	}
	have_creds = rc == 0 && DIGEST_HAS(&d, DIGEST_NONCE) &&
	    d.nonce[0] != '\0';
	if (!have_creds) {
		challenge(c, DIGEST_HAS(&d, DIGEST_ALGORITHM) ? d.algorithm :
		    NULL, NULL, 0);
		return 0;
	}
	/* RFC 3310 3.4: synchronisation failure; MAR with RAND || AUTS
	 * (TS 29.228 6.3.1). */
	if (DIGEST_HAS(&d, DIGEST_AUTS)) {
		if (auth_rand(c->s->auth, c->impi, d.nonce, resync) < 0 ||
		    digest_auts(&d, resync + 16) < 0) {
			challenge(c, d.algorithm, NULL, 0);
			return 0;
		}
		log_info("registrar: %s: resynchronisation", c->impi);
		auth_forget(c->s->auth, c->impi);
		challenge(c, d.algorithm, resync, sizeof(resync));
		return 0;
	}
	rc = auth_verify(c->s->auth, c->impi, &d, "REGISTER");
	if (rc == -ESTALE) {
		challenge(c, d.algorithm, NULL, 0);
		return 0;
	}
	if (rc != 1) {
		/* TS 24.229 5.4.1.2.3: authentication failed, no SAR. */
		log_info("registrar: %s: authentication failed (%d)", c->impi,
		    rc);
		auth_forget(c->s->auth, c->impi);
		sipx_cx_finish(&c->cx, 403, "Forbidden");
		return 0;
	}
	assign(c);
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

	IMS_CHECK_MALLOC(s->auth = auth_store_new(cap));
	log_info("registrar: room for %zu challenges", cap);
	return 0;
}

void
registrar_fini(struct scscf *s)
{
	auth_store_free(s->auth);
	s->auth = NULL;
}

void
registrar_expire(struct scscf *s)
{
	if (bdb_expire(s->db, (int64_t)time(NULL), expired, s) < 0)
		log_warn("registrar: expiry sweep failed");
}
