/* ue_httpauth.h - the client side of HTTP Digest on Ub (RFC 3310 AKAv1-MD5,
 * TS 24.109 4.4) and Ut (RFC 2617 MD5 with the GBA key, TS 24.109 5.2,
 * TS 33.222 5.3): the Authorization answering a challenge and the check of
 * the server's rspauth (Authentication-Info, RFC 2617 3.2.3).  No I/O. */
#ifndef IMS_UE_HTTPAUTH_H
#define IMS_UE_HTTPAUTH_H

#include <stddef.h>
#include <stdint.h>

#include "digest.h"
#include "ue_http.h"

#define UE_DAUTH_PW_MAX	64

/* One Digest exchange: the caller sets username, uri and the password;
 * ue_dauth_answer fills the rest, which ue_dauth_rspauth needs. */
struct ue_dauth {
	char	 username[DIGEST_MAX_VALUE + 1];
	char	 uri[DIGEST_MAX_VALUE + 1];
	uint8_t	 pw[UE_DAUTH_PW_MAX];		/* may be binary (RES) */
	size_t	 pw_len;
	char	 realm[DIGEST_MAX_VALUE + 1];
	char	 nonce[DIGEST_MAX_VALUE + 1];
	char	 qop[16];			/* "" : none (RFC 2069) */
	char	 nc[9];
	char	 cnonce[33];
	char	 response[33];
};

/* The first Digest challenge among n WWW-Authenticate values whose
 * algorithm is alg (case-insensitive; an absent algorithm is "MD5", RFC
 * 2617 3.2.1).  0, -ENOENT (none) or -EINVAL (only malformed ones). */
int	ue_dauth_challenge(const char (*values)[UE_HTTP_HDR_MAX], size_t n,
	    const char *alg, struct digest *chal);
/* The Authorization value for chal (RFC 2617 3.2.2): qop `prefer`
 * ("auth" or "auth-int") when offered, else the other one; no qop when
 * the challenge has none.  body: the request's entity-body (auth-int).
 * cnonce: 32 hex digits from the caller (random).  auts_b64: RFC 3310 3.4
 * resynchronisation (NULL: none).  0, -ENOTSUP (no usable qop), -EINVAL,
 * -ENOSPC. */
int	ue_dauth_answer(struct ue_dauth *, const struct digest *chal,
	    const char *prefer, const char *method, const uint8_t *body,
	    size_t body_len, const char *cnonce, const char *auts_b64,
	    char *out, size_t outsz);
/* Parse an Authentication-Info value (RFC 2617 3.2.3, RFC 7615: auth-param
 * list without a scheme) into d; rspauth and nextnonce are among
 * d->unknown.  0 or -EINVAL. */
int	ue_authinfo_parse(const char *value, size_t len, struct digest *d);
/* The value of an auth-param digest_parse keeps as unknown, or NULL. */
const char *ue_digest_param(const struct digest *, const char *name);
/* RFC 2617 3.2.3: rspauth = the response computed with an empty method
 * (and, for auth-int, H(the response's entity-body)); qop, cnonce and nc
 * must echo ours.  1 verified, 0 mismatch or missing, <0 error. */
int	ue_dauth_rspauth(const struct ue_dauth *, const struct digest *info,
	    const uint8_t *body, size_t body_len);
void	ue_dauth_wipe(struct ue_dauth *);
/* 32 random hex digits for a cnonce (RFC 2617 3.2.2).  0 or -EIO. */
int	ue_dauth_cnonce(char out[33]);

#endif
