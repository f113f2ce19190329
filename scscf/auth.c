/* auth.c - IMS AKA on the S-CSCF (TS 33.203 6.1, TS 24.229 5.4.1.2,
 * RFC 3310): the vector of the challenge in progress per IMPI, the
 * WWW-Authenticate value with ck/ik for the P-CSCF, and the check of the
 * UE's response (constant time, in digest_aka_verify).
 *
 * Vectors are kept in memory only: after a restart a UE is simply
 * challenged again.  Key material is wiped when a slot is reused.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "check.h"
#include "cx.h"
#include "digest.h"
#include "log.h"
#include "scscf.h"
#include "util.h"

/*
 * The vectors live in a fixed table of AUTH_SLOTS entries; an IMPI hashes
 * to a window of AUTH_WINDOW consecutive slots and lives somewhere in it.
 * When its window is full, the slot given up is, in order: an expired
 * challenge, the oldest verified vector (its UE is simply challenged again
 * at re-registration), the oldest pending challenge.  A challenge in
 * progress is thus only lost when AUTH_WINDOW challenges hashing near it
 * are pending at once.
 */
#define AUTH_SLOTS		8192
#define AUTH_WINDOW		64
#define AUTH_CHALLENGE_TTL	60	/* s to answer a challenge */
#define AUTH_REUSE_TTL		3600	/* s a verified vector may be reused */

struct auth_vec {
	char		 impi[SCSCF_ID_MAX];
	char		 nonce[DIGEST_MAX_VALUE + 1];
	char		 algorithm[16];
	uint8_t		 rand[16];
	uint8_t		 xres[16];
	size_t		 xres_len;
	uint8_t		 ck[16], ik[16];
	time_t		 created;
	int		 verified;
	unsigned long	 last_nc;
};

static struct auth_vec slots[AUTH_SLOTS];

/* FNV-1a: where the IMPI's window starts. */
static size_t
auth_window(const char *impi)
{
	uint32_t h = 2166136261u;

	for (; *impi != '\0'; impi++)
		h = (h ^ (uint8_t)*impi) * 16777619u;
	return h % AUTH_SLOTS;
}

#define SLOT(w, i)	(&slots[((w) + (i)) % AUTH_SLOTS])

static struct auth_vec *
auth_find(const char *impi)
{
	size_t w = auth_window(impi), i;

	for (i = 0; i < AUTH_WINDOW; i++)
		if (SLOT(w, i)->impi[0] != '\0' &&
		    strcmp(SLOT(w, i)->impi, impi) == 0)
			return SLOT(w, i);
	return NULL;
}

/* How willing we are to give a slot up (higher: sooner). */
static int
auth_victim_rank(const struct auth_vec *v, time_t now)
{
	if (v->impi[0] == '\0')
		return 3;
	if (!v->verified && now - v->created > AUTH_CHALLENGE_TTL)
		return 2;
	return v->verified ? 1 : 0;
}

/* The slot for impi: its own, else the best victim of its window. */
static struct auth_vec *
auth_slot(const char *impi)
{
	struct auth_vec *v, *best = NULL;
	size_t w = auth_window(impi), i;
	time_t now = time(NULL);
	int r, best_r = -1;

	if ((v = auth_find(impi)) != NULL)
		return v;
	for (i = 0; i < AUTH_WINDOW; i++) {
		v = SLOT(w, i);
		r = auth_victim_rank(v, now);
		if (r > best_r || (r == best_r && v->created < best->created)) {
			best = v;
			best_r = r;
		}
	}
	return best;
}

void
auth_forget(const char *impi)
{
	struct auth_vec *v;

	if ((v = auth_find(impi)) != NULL)
		secure_wipe(v, sizeof(*v));
}

/* TS 33.203 6.1.1 / TS 24.229 5.4.1.2.1: the 401 challenge. */
int
auth_challenge(const char *impi, const char *realm,
    const struct cx_auth_item *it, char *hdr, size_t hdrsize)
{
	struct auth_vec *v;
	struct digest d;
	char ck[33], ik[33];
	int rc;

	IMS_CHECK_PARAMS(impi != NULL && strlen(impi) < SCSCF_ID_MAX);
	if (it->authenticate_len < 32 || it->authorization_len < 4 ||
	    it->authorization_len > 16 || !it->has_ck || !it->has_ik) {
		log_warn("auth: unusable vector for %s", impi);
		return -EINVAL;
	}
	v = auth_slot(impi);
	secure_wipe(v, sizeof(*v));
	(void)snprintf(v->impi, sizeof(v->impi), "%s", impi);
	(void)snprintf(v->algorithm, sizeof(v->algorithm), "%s",
	    strcasecmp(it->scheme, "Digest-AKAv2-MD5") == 0 ?
	    "AKAv2-MD5" : "AKAv1-MD5");
	memcpy(v->rand, it->authenticate, 16);
	memcpy(v->xres, it->authorization, it->authorization_len);
	v->xres_len = it->authorization_len;
	memcpy(v->ck, it->ck, 16);
	memcpy(v->ik, it->ik, 16);
	v->created = time(NULL);
	/* RFC 3310 3.2: nonce = base64(RAND || AUTN). */
	if ((rc = digest_aka_nonce_make(it->authenticate, it->authenticate + 16,
	    NULL, 0, v->nonce, sizeof(v->nonce))) < 0)
		goto fail;
	hex_encode(it->ck, 16, ck);
	hex_encode(it->ik, 16, ik);
	digest_init(&d);
	if ((rc = digest_set(&d, DIGEST_REALM, realm)) < 0 ||
	    (rc = digest_set(&d, DIGEST_NONCE, v->nonce)) < 0 ||
	    (rc = digest_set(&d, DIGEST_ALGORITHM, v->algorithm)) < 0 ||
	    (rc = digest_set(&d, DIGEST_QOP, "auth")) < 0 ||
	    (rc = digest_set(&d, DIGEST_CK, ck)) < 0 ||
	    (rc = digest_set(&d, DIGEST_IK, ik)) < 0)
		goto fail;
	rc = digest_format(&d, DIGEST_FMT_CHALLENGE, hdr, hdrsize);
fail:
	secure_wipe(ck, sizeof(ck));
	secure_wipe(ik, sizeof(ik));
	secure_wipe(&d, sizeof(d));
	if (rc < 0) {
		secure_wipe(v, sizeof(*v));
		return rc;
	}
	if (log_keys_allowed())
		log_debug("auth: %s challenged, nonce %s", impi, v->nonce);
	return 0;
}

int
auth_verify(const char *impi, const struct digest *creds, const char *method)
{
	struct auth_vec *v;
	unsigned long nc = 0;
	time_t now = time(NULL);
	int rc;

	if ((v = auth_find(impi)) == NULL ||
	    !DIGEST_HAS(creds, DIGEST_NONCE) ||
	    strcmp(v->nonce, creds->nonce) != 0)
		return -ESTALE;
	if (DIGEST_HAS(creds, DIGEST_NC))
		nc = strtoul(creds->nc, NULL, 16);
	if (!v->verified && now - v->created > AUTH_CHALLENGE_TTL)
		return -ESTALE;
	/* A vector already used: only with a higher nc (RFC 2617 3.2.2,
	 * replay protection), within its reuse time. */
	if (v->verified && (now - v->created > AUTH_REUSE_TTL ||
	    nc <= v->last_nc))
		return -ESTALE;
	if (strcasecmp(creds->algorithm, v->algorithm) != 0)
		return 0;
	rc = digest_aka_verify(creds, method, v->xres, v->xres_len, v->ck,
	    v->ik);
	if (rc != 1 && log_keys_allowed()) {
		char x[33];

		hex_encode(v->xres, v->xres_len, x);
		log_debug("auth: %s: xres %s, algorithm %s, rc %d", impi, x,
		    v->algorithm, rc);
	}
	if (rc == 1) {
		v->verified = 1;
		v->last_nc = nc;
	}
	return rc;
}

int
auth_rand(const char *impi, const char *nonce, uint8_t rand[16])
{
	struct auth_vec *v;

	if ((v = auth_find(impi)) == NULL || strcmp(v->nonce, nonce) != 0)
		return -ENOENT;
	memcpy(rand, v->rand, 16);
	return 0;
}
