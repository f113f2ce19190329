/* bsf_chal.c - the BSF's pending Ub challenges and the HTTP Digest AKA
 * checks (RFC 3310, RFC 2617 3.2.2/3.2.3, TS 24.109 4.2).
 *
 * A challenge holds one authentication vector from Zh until the UE's
 * answer, at most challenge-timeout seconds (monotonic clock).  Every
 * answer consumes it, right or wrong: one guess per vector.  An IMPI has
 * at most one pending challenge (a new bootstrap replaces it).  The table
 * is a fixed array of max-pending slots, searched linearly: it lives on
 * the loop thread only.
 *
 * Every MAR spends a sequence number of the subscriber at the HSS (TS
 * 33.102 6.3): a table of the same size counts them per IMPI, at most
 * mar-limit per mar-window (as the S-CSCF does); beyond, 503.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/rand.h>

#include "bsf.h"
#include "check.h"
#include "clock.h"
#include "log.h"
#include "util.h"

int
bsf_chals_init(struct bsf_chals *t, size_t max, unsigned timeout,
    unsigned mar_limit, unsigned mar_window)
{
	IMS_CHECK_PARAMS(t != NULL && max > 0);
	IMS_CHECK_MALLOC(t->v = calloc(max, sizeof(*t->v)));
	if ((t->mc = calloc(max, sizeof(*t->mc))) == NULL) {
		free(t->v);
		t->v = NULL;
		return -ENOMEM;
	}
	t->max = max;
	t->n = 0;
	t->timeout = timeout;
	t->mar_limit = mar_limit;
	t->mar_window = mar_window;
	return 0;
}

int
bsf_mar_allow(struct bsf_chals *t, const char *impi)
{
	time_t now = clock_mono_sec(NULL);
	struct bsf_marcount *m = NULL, *old = NULL;
	size_t i;

	for (i = 0; i < t->max && m == NULL; i++) {
		struct bsf_marcount *e = &t->mc[i];

		if (e->start != 0 && now - e->start >= (time_t)t->mar_window)
			e->start = 0;		/* its window is over */
		if (e->start != 0 && strcmp(e->impi, impi) == 0)
			m = e;
		else if (old == NULL || e->start < old->start)
			old = e;		/* a free or the oldest one */
	}
	if (m == NULL && old == NULL)
		return 0;
	if (m == NULL) {
		/* The oldest window is dropped when none is free: the
		 * count is a bound, not an account. */
		m = old;
		(void)snprintf(m->impi, sizeof(m->impi), "%s", impi);
		m->start = now;
		m->n = 0;
	}
	if (m->n >= t->mar_limit)
		return 0;
	m->n++;
	return 1;
}

void
bsf_chals_free(struct bsf_chals *t)
{
	size_t i;

	if (t == NULL || t->v == NULL)
		return;
	for (i = 0; i < t->max; i++)
		if (t->v[i].used)
			bsf_chal_release(t, &t->v[i]);
	free(t->v);
	t->v = NULL;
	free(t->mc);
	t->mc = NULL;
}

int
bsf_chals_room(const struct bsf_chals *t, size_t inflight)
{
	return t->n + inflight < t->max;
}

void
bsf_chal_release(struct bsf_chals *t, struct bsf_chal *c)
{
	if (c == NULL || !c->used)
		return;
	free(c->guss);
	secure_wipe(c, sizeof(*c));	/* XRES, CK, IK */
	t->n--;
}

void
bsf_chals_expire(struct bsf_chals *t)
{
	time_t now = clock_mono_sec(NULL);
	size_t i;

	for (i = 0; i < t->max; i++)
		if (t->v[i].used && now - t->v[i].created >=
		    (time_t)t->timeout) {
			log_debug("bsf: challenge of %s timed out",
			    t->v[i].impi);
			bsf_chal_release(t, &t->v[i]);
		}
}

struct bsf_chal *
bsf_chal_find(struct bsf_chals *t, const char *nonce)
{
	time_t now = clock_mono_sec(NULL);
	size_t i;

	for (i = 0; i < t->max; i++) {
		struct bsf_chal *c = &t->v[i];

		if (!c->used || strcmp(c->nonce, nonce) != 0)
			continue;
		if (now - c->created >= (time_t)t->timeout) {
			bsf_chal_release(t, c);
			return NULL;
		}
		return c;
	}
	return NULL;
}

struct bsf_chal *
bsf_chal_new(struct bsf_chals *t, const char *impi,
    const struct zh_answer *a)
{
	struct bsf_chal *c = NULL;
	uint8_t sd[BSF_SERVER_DATA_LEN], op[BSF_OPAQUE_LEN];
	size_t i;

	if (a->xres_len < 4 || a->xres_len > sizeof(c->xres) ||
	    strlen(impi) >= sizeof(c->impi))
		return NULL;
	/* TS 33.220 4.5.2: a new run replaces the IMPI's old challenge. */
	for (i = 0; i < t->max; i++)
		if (t->v[i].used && strcmp(t->v[i].impi, impi) == 0)
			bsf_chal_release(t, &t->v[i]);
	for (i = 0; i < t->max && c == NULL; i++)
		if (!t->v[i].used)
			c = &t->v[i];
	if (c == NULL)
		return NULL;
	if (RAND_bytes(sd, sizeof(sd)) != 1 ||
	    RAND_bytes(op, sizeof(op)) != 1) {
		log_err("bsf: RAND_bytes failed");
		return NULL;
	}
	memset(c, 0, sizeof(*c));
	/* RFC 3310 3.2: nonce = base64(RAND || AUTN || server data); the
	 * server data makes every nonce unique. */
	if (digest_aka_nonce_make(a->rand, a->autn, sd, sizeof(sd), c->nonce,
	    sizeof(c->nonce)) < 0)
		return NULL;
	hex_encode(op, sizeof(op), c->opaque);
	(void)snprintf(c->impi, sizeof(c->impi), "%s", impi);
	memcpy(c->rand, a->rand, 16);
	memcpy(c->autn, a->autn, 16);
	memcpy(c->xres, a->xres, a->xres_len);
	c->xres_len = a->xres_len;
	memcpy(c->ck, a->ck, 16);
	memcpy(c->ik, a->ik, 16);
	if (a->guss != NULL && (c->guss = strdup(a->guss)) == NULL) {
		secure_wipe(c, sizeof(*c));
		return NULL;
	}
	c->created = clock_mono_sec(NULL);
	c->used = 1;
	t->n++;
	return c;
}

/* TS 24.109 4.2: realm = the BSF's FQDN, qop "auth-int", AKAv1-MD5;
 * opaque echoed back by the UE (RFC 2617 3.2.1). */
int
bsf_chal_header(const struct bsf_chal *c, const char *realm, int stale,
    char *out, size_t size)
{
	struct digest d;

	digest_init(&d);
	IMS_CHECK_RC(digest_set(&d, DIGEST_REALM, realm));
	IMS_CHECK_RC(digest_set(&d, DIGEST_NONCE, c->nonce));
	IMS_CHECK_RC(digest_set(&d, DIGEST_ALGORITHM, "AKAv1-MD5"));
	IMS_CHECK_RC(digest_set(&d, DIGEST_OPAQUE, c->opaque));
	IMS_CHECK_RC(digest_set(&d, DIGEST_QOP, "auth-int"));
	if (stale)
		IMS_CHECK_RC(digest_set(&d, DIGEST_STALE, "true"));
	return digest_format(&d, DIGEST_FMT_CHALLENGE, out, size);
}

/* RFC 2617 3.2.2 with the method (request) or "" (rspauth, 3.2.3); body
 * only for auth-int. */
static int
digest_calc(const struct digest *cr, const char *method, const uint8_t *pw,
    size_t pw_len, const uint8_t *body, size_t body_len, char out[33])
{
	const char *qop = cr->qop;

	if (!DIGEST_HAS(cr, DIGEST_QOP) || !DIGEST_HAS(cr, DIGEST_NC) ||
	    !DIGEST_HAS(cr, DIGEST_CNONCE) || cr->cnonce[0] == '\0')
		return -EINVAL;
	if (strcasecmp(qop, "auth-int") == 0)
		qop = "auth-int";
	else if (strcasecmp(qop, "auth") == 0) {
		qop = "auth";
		body = NULL;
		body_len = 0;
	} else
		return -EINVAL;
	return digest_response_md5(cr->username, cr->realm, pw, pw_len,
	    method, cr->uri, cr->nonce, qop, cr->nc, cr->cnonce,
	    body != NULL ? body : (const uint8_t *)"", body_len, out);
}

int
bsf_digest_check(const struct digest *cr, const char *method,
    const uint8_t *pw, size_t pw_len, const uint8_t *body, size_t body_len)
{
	char want[33], got[33];
	size_t i;
	int rc, eq;

	if (strlen(cr->response) != 32)
		return 0;
	for (i = 0; i < 32; i++) {
		char ch = cr->response[i];

		got[i] = (ch >= 'A' && ch <= 'F') ? (char)(ch - 'A' + 'a') : ch;
	}
	got[32] = '\0';
	if ((rc = digest_calc(cr, method, pw, pw_len, body, body_len,
	    want)) < 0)
		return rc;
	eq = ct_equal(want, got, 32);
	secure_wipe(want, sizeof(want));
	return eq;
}

int
bsf_digest_rspauth(const struct digest *cr, const uint8_t *pw, size_t pw_len,
    const uint8_t *body, size_t body_len, char out[33])
{
	return digest_calc(cr, "", pw, pw_len, body, body_len, out);
}
